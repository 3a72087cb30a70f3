/* A small OTR client plugin written the way Debian's OTR plugins use libotr, built
 * unchanged against the installed headers with `pkg-config --cflags --libs libotr`
 * (tests/e2e/relink.sh). Two accounts talk through in-memory queues:
 *
 * - keys are generated in a forked child that calls otrl_privkey_generate on a
 *   temporary file, the parent otrl_privkey_read()s it (irssi, bitlbee);
 * - create_instag writes the instance tag to "/dev/null" (irssi);
 * - every context gets app_data through add_app_data, freed by app_data_free (irssi);
 * - max_message_size is 400, so messages go in fragments (irssi on IRC);
 * - the SMP callback reads smstate->nextExpected and calls otrl_sm_state_free on
 *   the live context when an exchange ends (irssi, bitlbee);
 * - trust is set by freeing active_fingerprint->trust and storing strdup("trusted")
 *   (profanity), then written with otrl_privkey_write_fingerprints and read back.
 *
 * Prints one "ok - ..." / "not ok - ..." line per check. usage: plugin TMPDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>
#include <libotr/instag.h>

static int failures;
#define CHECK(cond, what) do { printf("%s - %s\n", (cond) ? "ok" : "not ok", what); if (!(cond)) failures++; } while (0)

typedef struct account {
    const char *name, *peer;
    OtrlUserState us;
    char keyfile[512], fpfile[512];
    struct account *other;
    int secure, smp_done, smp_ok, asked, app_data_made, app_data_freed;
    char shown[4096];
} account;

typedef struct { int smp_seen; } peer_data; /* what a plugin hangs on a context */

#define PROTO "prpl-test"
static char *wire[512];
static account *wire_to[512];
static int wire_len;
static OtrlMessageAppOps ops;

/* The keygen worker: generate in a forked child, read the result in the parent. */
static void keygen_forked(account *a)
{
    pid_t pid = fork();
    if (pid == 0) {
        OtrlUserState us = otrl_userstate_create();
        gcry_error_t err = otrl_privkey_generate(us, a->keyfile, a->name, PROTO);
        _exit(err ? 1 : 0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "key generated in a forked child");
    CHECK(otrl_privkey_read(a->us, a->keyfile) == 0 && otrl_privkey_find(a->us, a->name, PROTO),
          "the parent reads the child's key");
}

static OtrlPolicy op_policy(void *opdata, ConnContext *c) { return OTRL_POLICY_DEFAULT; }
static void op_create_privkey(void *opdata, const char *acc, const char *proto) { keygen_forked(opdata); }
static int op_is_logged_in(void *o, const char *a, const char *p, const char *r) { return 1; }
static void op_inject(void *opdata, const char *acc, const char *proto, const char *to, const char *msg)
{
    if (wire_len < 512) { wire_to[wire_len] = ((account *)opdata)->other; wire[wire_len++] = strdup(msg); }
}
static void op_write_fingerprints(void *opdata)
{
    account *a = opdata;
    otrl_privkey_write_fingerprints(a->us, a->fpfile);
}
static void op_gone_secure(void *opdata, ConnContext *c) { ((account *)opdata)->secure = 1; }
static void op_gone_insecure(void *opdata, ConnContext *c) { ((account *)opdata)->secure = 0; }
static int op_max_message_size(void *opdata, ConnContext *c) { return 400; }
static void op_create_instag(void *opdata, const char *acc, const char *proto)
{
    otrl_instag_generate(((account *)opdata)->us, "/dev/null", acc, proto);
}
static void op_smp_event(void *opdata, OtrlSMPEvent e, ConnContext *c, unsigned short pct, char *question)
{
    account *a = opdata;
    peer_data *pd = c->app_data;
    if (pd) pd->smp_seen = 1;
    if (e == OTRL_SMPEVENT_ASK_FOR_ANSWER || e == OTRL_SMPEVENT_ASK_FOR_SECRET)
        a->asked = c->smstate->nextExpected == OTRL_SMP_EXPECT1 ? 1 : -1;
    if (e == OTRL_SMPEVENT_SUCCESS || e == OTRL_SMPEVENT_FAILURE) {
        a->smp_done = 1;
        a->smp_ok = e == OTRL_SMPEVENT_SUCCESS;
        otrl_sm_state_free(c->smstate);
    }
}
static void free_peer_data(void *data) { free(data); }
static account *app_data_owner;
static void add_app_data(void *data, ConnContext *c)
{
    account *a = data;
    c->app_data = calloc(1, sizeof(peer_data));
    c->app_data_free = free_peer_data;
    a->app_data_made++;
}

static void deliver(void)
{
    for (int i = 0; i < wire_len; i++) {
        account *a = wire_to[i];
        char *shown = NULL;
        int ignore = otrl_message_receiving(a->us, &ops, a, a->name, PROTO, a->peer, wire[i], &shown,
                                            NULL, NULL, add_app_data, a);
        if (!ignore && shown) snprintf(a->shown, sizeof a->shown, "%s", shown);
        otrl_message_free(shown);
        free(wire[i]);
    }
    wire_len = 0;
}

static void say(account *a, const char *text)
{
    char *msg = NULL;
    otrl_message_sending(a->us, &ops, a, a->name, PROTO, a->peer, OTRL_INSTAG_BEST, text, NULL, &msg,
                         OTRL_FRAGMENT_SEND_ALL, NULL, add_app_data, a);
    otrl_message_free(msg);
}

static ConnContext *ctx(account *a)
{
    return otrl_context_find(a->us, a->peer, a->name, PROTO, OTRL_INSTAG_BEST, 0, NULL, NULL, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: plugin TMPDIR\n"); return 2; }
    OTRL_INIT;
    ops.policy = op_policy;
    ops.create_privkey = op_create_privkey;
    ops.is_logged_in = op_is_logged_in;
    ops.inject_message = op_inject;
    ops.write_fingerprints = op_write_fingerprints;
    ops.gone_secure = op_gone_secure;
    ops.gone_insecure = op_gone_insecure;
    ops.max_message_size = op_max_message_size;
    ops.create_instag = op_create_instag;
    ops.handle_smp_event = op_smp_event;
    (void)app_data_owner;

    account a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.name = b.peer = "alice@example.org";
    b.name = a.peer = "bob@example.org";
    a.other = &b; b.other = &a;
    a.us = otrl_userstate_create();
    b.us = otrl_userstate_create();
    snprintf(a.keyfile, sizeof a.keyfile, "%s/alice.key", argv[1]);
    snprintf(b.keyfile, sizeof b.keyfile, "%s/bob.key", argv[1]);
    snprintf(a.fpfile, sizeof a.fpfile, "%s/alice.fp", argv[1]);
    snprintf(b.fpfile, sizeof b.fpfile, "%s/bob.fp", argv[1]);

    say(&a, "?OTR?");
    for (int i = 0; i < 8 && wire_len; i++) deliver();
    CHECK(a.secure && b.secure, "AKE with keys made on demand: both secure");
    CHECK(a.app_data_made >= 1 && b.app_data_made >= 1 && ctx(&a)->app_data && ctx(&b)->app_data,
          "app_data added to the contexts");
    char longtext[1500];
    memset(longtext, 'w', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = 0;
    say(&a, longtext);
    int fragments = wire_len;
    deliver();
    CHECK(fragments > 3, "a long message goes out in fragments");
    CHECK(strcmp(b.shown, longtext) == 0, "a long message in fragments arrives whole");
    say(&b, "short answer");
    deliver();
    CHECK(strcmp(a.shown, "short answer") == 0, "the answer arrives");

    otrl_message_initiate_smp_q(a.us, &ops, &a, ctx(&a), "Favourite colour?", (const unsigned char *)"blue", 4);
    deliver();
    CHECK(b.asked == 1 && ctx(&b)->smstate->secret != NULL, "SMP question received, nextExpected read");
    otrl_message_respond_smp(b.us, &ops, &b, ctx(&b), (const unsigned char *)"blue", 4);
    for (int i = 0; i < 4 && wire_len; i++) deliver();
    CHECK(a.smp_done && a.smp_ok && b.smp_done && b.smp_ok, "SMP succeeds");
    CHECK(ctx(&a)->smstate->secret == NULL && ctx(&b)->smstate->secret == NULL,
          "smstate freed in the callback stays freed");
    CHECK(((peer_data *)ctx(&b)->app_data)->smp_seen, "the callback reached the context's app_data");

    a.smp_done = b.smp_done = 0;
    otrl_message_initiate_smp(b.us, &ops, &b, ctx(&b), (const unsigned char *)"red", 3);
    deliver();
    otrl_message_respond_smp(a.us, &ops, &a, ctx(&a), (const unsigned char *)"green", 5);
    for (int i = 0; i < 4 && wire_len; i++) deliver();
    CHECK(a.smp_done && !a.smp_ok && b.smp_done && !b.smp_ok, "SMP with a wrong secret fails");

    Fingerprint *fp = ctx(&a)->active_fingerprint;
    free(fp->trust);
    fp->trust = strdup("trusted");
    op_write_fingerprints(&a);
    OtrlUserState again = otrl_userstate_create();
    otrl_privkey_read_fingerprints(again, a.fpfile, NULL, NULL);
    ConnContext *c2 = otrl_context_find(again, a.peer, a.name, PROTO, OTRL_INSTAG_MASTER, 0, NULL, NULL, NULL);
    CHECK(c2 && c2->fingerprint_root.next && c2->fingerprint_root.next->trust &&
          strcmp(c2->fingerprint_root.next->trust, "trusted") == 0,
          "trust stored in the struct by the plugin is written and read back");
    otrl_userstate_free(again);

    otrl_message_disconnect_all_instances(a.us, &ops, &a, a.name, PROTO, a.peer);
    deliver();
    ConnContext *master = otrl_context_find(b.us, b.peer, b.name, PROTO, OTRL_INSTAG_MASTER, 0, NULL, NULL, NULL);
    ConnContext *recent = otrl_context_find_recent_instance(master, OTRL_INSTAG_RECENT_RECEIVED);
    CHECK(ctx(&a)->msgstate == OTRL_MSGSTATE_PLAINTEXT, "disconnect: plaintext again");
    CHECK(recent && recent->msgstate == OTRL_MSGSTATE_FINISHED, "disconnect: the peer is finished");
    otrl_userstate_free(a.us);
    otrl_userstate_free(b.us);
    return failures ? 1 : 0;
}
