/* A two-party OTR chat over a socketpair, using only libotr's public API.
 *
 * The program forks: the parent is Alice, the child is Bob. Each has its own
 * userstate, generates its own key and instance tag on first use (through the
 * create_privkey and create_instag callbacks), and sends what libotr gives it
 * over the socket. Every message that crosses the "wire" is printed, so you can
 * see plaintext turn into OTR data messages.
 *
 * Alice asks for OTR, the AKE runs, both say something, Alice checks Bob's
 * identity with the Socialist Millionaires' Protocol (a question and a shared
 * answer), and Alice ends the private conversation.
 *
 *   make demo          (builds the library, this program, and runs it)
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>
#include <libotr/instag.h>

#define PROTOCOL "demo"

typedef struct {
    const char *me, *peer;
    int sock;
    char dir[64];
    OtrlUserState us;
    int secure, smp_done, finished, received;
    ConnContext *answer_for; /* an SMP question waits for our answer */
} party;

static party self;

/* One frame on the socket: a 4-byte length and the message. */
static void send_frame(const char *msg)
{
    unsigned int len = strlen(msg);
    if (write(self.sock, &len, 4) != 4 || write(self.sock, msg, len) != (ssize_t)len)
        exit(1);
    printf("  [wire] %s -> %s: %.60s%s (%u bytes)\n", self.me, self.peer, msg,
           len > 60 ? "..." : "", len);
}

static char *recv_frame(int timeout_ms)
{
    struct pollfd p = { self.sock, POLLIN, 0 };
    unsigned int len;
    if (poll(&p, 1, timeout_ms) <= 0 || read(self.sock, &len, 4) != 4) return NULL;
    char *msg = malloc(len + 1);
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(self.sock, msg + got, len - got);
        if (n <= 0) exit(1);
        got += n;
    }
    msg[len] = 0;
    return msg;
}

static OtrlPolicy op_policy(void *opdata, ConnContext *c) { return OTRL_POLICY_DEFAULT; }

static void op_create_privkey(void *opdata, const char *account, const char *protocol)
{
    char path[128];
    snprintf(path, sizeof path, "%s/private_key", self.dir);
    printf("  [%s] generating a DSA key for %s...\n", self.me, account);
    otrl_privkey_generate(self.us, path, account, protocol);
}

static void op_create_instag(void *opdata, const char *account, const char *protocol)
{
    char path[128];
    snprintf(path, sizeof path, "%s/instance_tags", self.dir);
    otrl_instag_generate(self.us, path, account, protocol);
}

static int op_is_logged_in(void *o, const char *a, const char *p, const char *r) { return 1; }

static void op_inject(void *o, const char *a, const char *p, const char *r, const char *msg)
{
    send_frame(msg);
}

static void op_gone_secure(void *opdata, ConnContext *context)
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    otrl_privkey_hash_to_human(human, context->active_fingerprint->fingerprint);
    printf("  [%s] gone secure: private conversation with %s (fingerprint %s)\n",
           self.me, context->username, human);
    self.secure = 1;
}

static void op_handle_smp_event(void *opdata, OtrlSMPEvent event, ConnContext *context,
                                unsigned short progress, char *question)
{
    switch (event) {
    case OTRL_SMPEVENT_ASK_FOR_ANSWER:
        printf("  [%s] %s asks: \"%s\"\n", self.me, self.peer, question);
        self.answer_for = context;
        break;
    case OTRL_SMPEVENT_IN_PROGRESS:
        printf("  [%s] SMP in progress (%u%%)\n", self.me, progress);
        break;
    case OTRL_SMPEVENT_SUCCESS:
        printf("  [%s] SMP succeeded: %s knows the answer\n", self.me, self.peer);
        self.smp_done = 1;
        break;
    case OTRL_SMPEVENT_FAILURE: case OTRL_SMPEVENT_CHEATED: case OTRL_SMPEVENT_ABORT:
    case OTRL_SMPEVENT_ERROR:
        printf("  [%s] SMP did not succeed (event %d)\n", self.me, (int)event);
        self.smp_done = 1;
        break;
    default:
        break;
    }
}

static void op_handle_msg_event(void *opdata, OtrlMessageEvent event, ConnContext *context,
                                const char *message, gcry_error_t err)
{
    if (event == OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD || event == OTRL_MSGEVENT_LOG_HEARTBEAT_SENT)
        return;
    printf("  [%s] message event %d%s%s\n", self.me, (int)event, message ? ": " : "",
           message ? message : "");
}

static OtrlMessageAppOps ops = {
    .policy = op_policy, .create_privkey = op_create_privkey,
    .is_logged_in = op_is_logged_in, .inject_message = op_inject,
    .gone_secure = op_gone_secure, .handle_smp_event = op_handle_smp_event,
    .handle_msg_event = op_handle_msg_event, .create_instag = op_create_instag,
};

/* The user types `text`: libotr decides what goes on the wire. */
static void say(const char *text)
{
    char *msg = NULL;
    printf("[%s] types: %s\n", self.me, text);
    otrl_message_sending(self.us, &ops, NULL, self.me, PROTOCOL, self.peer, OTRL_INSTAG_BEST,
                         text, NULL, &msg, OTRL_FRAGMENT_SEND_ALL, NULL, NULL, NULL);
    if (!msg) send_frame(text);
    otrl_message_free(msg);
}

/* Handle the next message that arrives (giving up after 10 quiet seconds). */
static void pump_once(void)
{
    char *msg = recv_frame(10000);
    if (!msg) { printf("  [%s] timed out\n", self.me); exit(1); }
    char *shown = NULL;
    ConnContext *context = NULL;
    int internal = otrl_message_receiving(self.us, &ops, NULL, self.me, PROTOCOL, self.peer,
                                          msg, &shown, NULL, &context, NULL, NULL);
    if (!internal) {
        printf("[%s] reads: %s\n", self.me, shown ? shown : msg);
        self.received++;
        if (context && context->msgstate == OTRL_MSGSTATE_ENCRYPTED && !strcmp(self.me, "bob"))
            say("Hi Alice, this is Bob. Nobody else can read this.");
    }
    if (context && context->msgstate == OTRL_MSGSTATE_FINISHED) {
        printf("  [%s] %s ended the private conversation\n", self.me, self.peer);
        self.finished = 1;
    }
    if (self.answer_for) {
        printf("[%s] answers: blue\n", self.me);
        otrl_message_respond_smp(self.us, &ops, NULL, self.answer_for,
                                 (const unsigned char *)"blue", 4);
        self.answer_for = NULL;
    }
    otrl_message_free(shown);
    free(msg);
}

/* Handle what arrives until `done` holds. */
static void pump(int *done)
{
    while (!*done) pump_once();
}

static void run(const char *me, const char *peer, int sock)
{
    self.me = me;
    self.peer = peer;
    self.sock = sock;
    snprintf(self.dir, sizeof self.dir, "/tmp/otr-demo-%s-XXXXXX", me);
    if (!mkdtemp(self.dir)) exit(1);
    self.us = otrl_userstate_create();
}

static void cleanup(void)
{
    char cmd[128];
    otrl_userstate_free(self.us);
    snprintf(cmd, sizeof cmd, "rm -rf %s", self.dir);
    if (system(cmd) != 0) exit(1);
}

int main(void)
{
    int sv[2];
    OTRL_INIT;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
    pid_t bob = fork();
    if (bob == 0) {
        run("bob", "alice", sv[1]);
        pump(&self.finished);
        cleanup();
        return 0;
    }
    run("alice", "bob", sv[0]);
    printf("== Alice asks for a private conversation\n");
    say("?OTR?");
    pump(&self.secure);
    printf("== Alice writes; only Bob can read it\n");
    say("Hello Bob, this is Alice.");
    int before = self.received;
    while (self.received == before) pump_once();
    printf("== Alice checks it really is Bob (SMP)\n");
    ConnContext *context = otrl_context_find(self.us, "bob", "alice", PROTOCOL,
                                             OTRL_INSTAG_BEST, 0, NULL, NULL, NULL);
    otrl_message_initiate_smp_q(self.us, &ops, NULL, context, "Favourite colour?",
                                (const unsigned char *)"blue", 4);
    pump(&self.smp_done);
    printf("== Alice ends the private conversation\n");
    otrl_message_disconnect_all_instances(self.us, &ops, NULL, "alice", PROTOCOL, "bob");
    int status = 1;
    waitpid(bob, &status, 0);
    cleanup();
    printf("== done\n");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
