/* otrbench: timings of libotr's public API, the same program for every libotr.
 *
 * Two userstates live in one process; whatever a library hands to inject_message, or
 * leaves in otrl_message_sending's *messagep, goes into an in-memory queue that the
 * other userstate reads with otrl_message_receiving. The program only uses libotr's
 * public API, so one binary (built against Debian's headers) runs on Debian's
 * libotr.so.5 and on ours (LD_LIBRARY_PATH); it reports the path of the library the
 * loader picked so that bench/compare.py can check it, and nothing else depends on it.
 *
 *   otrbench KEYFILE speed [BUDGET_MS [KEYGEN_SAMPLES [PREFIX]]]
 *                                  every wall-clock figure (or those whose names start
 *                                  with PREFIX), one "name value" line each
 *   otrbench KEYFILE rss-baseline  peak RSS (kB) after loading one key: the floor
 *   otrbench KEYFILE rss-contexts  peak RSS (kB) with 10,000 contexts in one userstate
 *   otrbench KEYFILE rss-sessions  peak RSS (kB) with 1,000 encrypted sessions (both ends)
 *   otrbench KEYFILE rss-keys      peak RSS (kB) with 100 more private keys loaded (copies of
 *                                  KEYFILE's first key under 100 account names, one file)
 *   otrbench KEYFILE callgrind     fixed workloads, each dumped by callgrind on its own
 *                                  (run under valgrind --tool=callgrind --collect-atstart=no)
 *
 * KEYFILE holds private keys for "alice@example.org"/prpl-jabber and "alice"/IRC
 * (tests/files_data/sample.private_key). Every figure checks what arrives, so a library
 * that drops or garbles messages fails (exit 2) instead of looking fast. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>
#include <libotr/instag.h>
#include <libotr/context.h>

#define SECRET "a shared secret"

typedef struct party {
    const char *account, *protocol;
    OtrlUserState us;
    struct party *other;
    char instag_file[128];
    int smp_succeeded;
    ConnContext *smp_asked; /* an SMP secret is wanted for this context */
    char *shown;            /* what the last otrl_message_receiving gave back */
    int ret;
} party;

static party alice, bob;
static OtrlMessageAppOps ops; /* the callbacks, defined below */
static char tmpdir[64];

static void die(const char *what)
{
    fprintf(stderr, "otrbench: %s\n", what);
    exit(2);
}

/* ---- the in-memory wire ---------------------------------------------------------- */

/* A message on its way to `to`, which knows its sender as `sender`. */
typedef struct { party *to; char *sender; char *msg; } queued;
static queued *queue;
static size_t q_len, q_cap;

static void enqueue(party *to, const char *sender, const char *msg)
{
    if (q_len == q_cap) {
        q_cap = q_cap ? 2 * q_cap : 64;
        queue = realloc(queue, q_cap * sizeof *queue);
        if (!queue) die("out of memory");
    }
    queue[q_len].to = to;
    queue[q_len].sender = strdup(sender);
    queue[q_len].msg = strdup(msg);
    q_len++;
}

static void receive(party *p, const char *sender, const char *msg)
{
    char *shown = NULL;
    p->ret = otrl_message_receiving(p->us, &ops, p, p->account, p->protocol, sender, msg,
                                    &shown, NULL, NULL, NULL, NULL);
    otrl_message_free(p->shown);
    p->shown = shown;
}

static void respond_smp_if_asked(party *p);

/* Deliver until the wire is quiet (replies join the queue as they are made). */
static void deliver_all(void)
{
    for (size_t i = 0; i < q_len; i++) {
        queued q = queue[i];
        receive(q.to, q.sender, q.msg);
        free(q.sender);
        free(q.msg);
        respond_smp_if_asked(q.to);
    }
    q_len = 0;
}

static void drop_all(void)
{
    for (size_t i = 0; i < q_len; i++) {
        free(queue[i].sender);
        free(queue[i].msg);
    }
    q_len = 0;
}

/* ---- callbacks ------------------------------------------------------------------- */

static OtrlPolicy op_policy(void *opdata, ConnContext *c) { return OTRL_POLICY_MANUAL; }
static int op_is_logged_in(void *o, const char *a, const char *p, const char *r) { return 1; }
static void op_inject(void *opdata, const char *a, const char *p, const char *recipient,
                      const char *msg)
{
    party *me = opdata;
    enqueue(me->other, recipient, msg);
}
static const char *op_otr_error_message(void *opdata, ConnContext *c, OtrlErrorCode code)
{
    return "error";
}
static void op_otr_error_message_free(void *opdata, const char *msg) {}
static void op_handle_smp_event(void *opdata, OtrlSMPEvent event, ConnContext *context,
                                unsigned short progress, char *question)
{
    party *me = opdata;
    if (event == OTRL_SMPEVENT_ASK_FOR_SECRET) me->smp_asked = context;
    else if (event == OTRL_SMPEVENT_SUCCESS) me->smp_succeeded++;
    else if (event != OTRL_SMPEVENT_IN_PROGRESS) die("SMP did not succeed");
}
static void op_create_instag(void *opdata, const char *a, const char *p)
{
    party *me = opdata;
    otrl_instag_generate(me->us, me->instag_file, a, p);
}

static OtrlMessageAppOps ops = {
    .policy = op_policy, .is_logged_in = op_is_logged_in, .inject_message = op_inject,
    .otr_error_message = op_otr_error_message,
    .otr_error_message_free = op_otr_error_message_free,
    .handle_smp_event = op_handle_smp_event, .create_instag = op_create_instag,
};

static void respond_smp_if_asked(party *p)
{
    if (!p->smp_asked) return;
    otrl_message_respond_smp(p->us, &ops, p, p->smp_asked, (const unsigned char *)SECRET,
                             strlen(SECRET));
    p->smp_asked = NULL;
}

/* ---- the two parties ------------------------------------------------------------- */

static void party_init(party *p, const char *account, const char *protocol, party *other,
                       const char *keyfile)
{
    memset(p, 0, sizeof *p);
    p->account = account;
    p->protocol = protocol;
    p->other = other;
    p->us = otrl_userstate_create();
    if (otrl_privkey_read(p->us, keyfile) != 0) die("cannot read the key file");
    snprintf(p->instag_file, sizeof p->instag_file, "%s/instag-%s", tmpdir, protocol);
    otrl_instag_generate(p->us, p->instag_file, account, protocol);
}

static void parties_init(const char *keyfile)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/otrbench-XXXXXX");
    if (!mkdtemp(tmpdir)) die("mkdtemp");
    party_init(&alice, "alice@example.org", "prpl-jabber", &bob, keyfile);
    party_init(&bob, "alice", "IRC", &alice, keyfile);
}

static void cleanup(void)
{
    drop_all();
    otrl_message_free(alice.shown);
    otrl_message_free(bob.shown);
    otrl_userstate_free(alice.us);
    otrl_userstate_free(bob.us);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) die("cannot remove the temporary folder");
}

/* The newest instance context `p` has with `peer`. */
static ConnContext *best(party *p, const char *peer)
{
    return otrl_context_find(p->us, peer, p->account, p->protocol, OTRL_INSTAG_BEST, 0,
                             NULL, NULL, NULL);
}

static int encrypted(party *p, const char *peer)
{
    ConnContext *c = best(p, peer);
    return c && c->msgstate == OTRL_MSGSTATE_ENCRYPTED;
}

/* The user of `from` types `text` to `peer`: what the library leaves goes on the wire. */
static void send_text(party *from, const char *peer, const char *text)
{
    char *msg = NULL;
    if (otrl_message_sending(from->us, &ops, from, from->account, from->protocol, peer,
                             OTRL_INSTAG_BEST, text, NULL, &msg, OTRL_FRAGMENT_SEND_SKIP,
                             NULL, NULL, NULL) != 0 || !msg)
        die("otrl_message_sending failed");
    enqueue(from->other, peer, msg);
    otrl_message_free(msg);
}

/* Alice asks `peer` for OTR; the AKE runs to the end. */
static void ake(const char *peer)
{
    send_text(&alice, peer, "?OTR?");
    deliver_all();
    if (!encrypted(&alice, peer) || !encrypted(&bob, peer)) die("the AKE did not finish");
}

/* ---- timing ---------------------------------------------------------------------- */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Runs `op` for about `budget` seconds (in batches that take >= 10 ms, after one warm-up
 * call) and returns calls per second. */
static double rate(void (*op)(void), double budget)
{
    op();
    long batch = 1, calls = 0;
    double start = now(), elapsed;
    for (;;) {
        double t = now();
        for (long i = 0; i < batch; i++) op();
        calls += batch;
        elapsed = now() - start;
        if (elapsed >= budget) break;
        if (now() - t < 0.01) batch *= 2;
    }
    return calls / elapsed;
}

/* ---- the workloads --------------------------------------------------------------- */

static char text_100[101], text_10k[10001];

/* One AKE from scratch: both sides forget everything they knew of each other. */
static void op_ake(void)
{
    otrl_context_forget_all(alice.us);
    otrl_context_forget_all(bob.us);
    ake("peer");
}

static void one_message(party *from, const char *text)
{
    send_text(from, "peer", text);
    deliver_all();
    party *to = from->other;
    if (to->ret != 0 || !to->shown || strcmp(to->shown, text) != 0)
        die("a data message did not arrive intact");
}

static void op_oneway_100(void) { one_message(&alice, text_100); }
static void op_oneway_10k(void) { one_message(&alice, text_10k); }

static party *pingpong_next = &alice;
static void op_pingpong(void)
{
    one_message(pingpong_next, text_100);
    pingpong_next = pingpong_next->other;
}

static void op_smp(void)
{
    int a = alice.smp_succeeded, b = bob.smp_succeeded;
    otrl_message_initiate_smp(alice.us, &ops, &alice, best(&alice, "peer"),
                              (const unsigned char *)SECRET, strlen(SECRET));
    deliver_all();
    if (alice.smp_succeeded != a + 1 || bob.smp_succeeded != b + 1) die("SMP did not finish");
}

/* Bad input for Bob, who is in an encrypted session with Alice. */
static char *garbage_text, *garbage_truncated, *garbage_forged;

static void make_garbage(void)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned int seed = 12345;
    size_t n = 400;
    garbage_text = malloc(n + 7);
    strcpy(garbage_text, "?OTR:");
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        garbage_text[5 + i] = b64[(seed >> 16) % 64];
    }
    strcpy(garbage_text + 5 + n, ".");

    /* A real data message from Alice (never delivered), cut in half, and with one
     * base64 digit of its ciphertext changed (the MAC no longer matches). */
    char *msg = NULL;
    if (otrl_message_sending(alice.us, &ops, &alice, alice.account, alice.protocol, "peer",
                             OTRL_INSTAG_BEST, text_100, NULL, &msg, OTRL_FRAGMENT_SEND_SKIP,
                             NULL, NULL, NULL) != 0 || !msg || strncmp(msg, "?OTR:", 5) != 0)
        die("no data message to spoil");
    size_t len = strlen(msg), half = 5 + (len - 6) / 8 * 4;
    garbage_truncated = strdup(msg);
    strcpy(garbage_truncated + half, ".");
    garbage_forged = strdup(msg);
    /* Bytes 240.. are ciphertext: header, instance tags, flags, key ids (20 bytes) and
     * the 192-byte D-H key MPI (196) and the counter (8) come before it. */
    size_t at = 5 + 240 / 3 * 4;
    if (at + 10 >= len) die("data message too short");
    garbage_forged[at] = garbage_forged[at] == 'A' ? 'B' : 'A';
    otrl_message_free(msg);
    drop_all();
}

static void reject(const char *msg)
{
    receive(&bob, "peer", msg);
    drop_all(); /* error messages the library sends back */
    if (bob.ret != 1 || bob.shown) die("garbage was not rejected");
}

static void op_garbage_text(void) { reject(garbage_text); }
static void op_garbage_truncated(void) { reject(garbage_truncated); }
static void op_garbage_forged(void) { reject(garbage_forged); }

static double keygen_ms(void)
{
    char path[96];
    snprintf(path, sizeof path, "%s/keygen", tmpdir);
    OtrlUserState us = otrl_userstate_create();
    double t = now();
    if (otrl_privkey_generate(us, path, "keygen@example.org", "prpl-jabber") != 0)
        die("otrl_privkey_generate failed");
    t = now() - t;
    if (!otrl_privkey_find(us, "keygen@example.org", "prpl-jabber")) die("no key generated");
    otrl_userstate_free(us);
    return t * 1000;
}

static void make_texts(void)
{
    memset(text_100, 'm', sizeof text_100 - 1);
    memset(text_10k, 'k', sizeof text_10k - 1);
}

static const char *only; /* run only the figures whose names start with this */

static void figure(const char *name, void (*op)(void), double budget)
{
    if (!only || !strncmp(name, only, strlen(only))) printf("%s %.3f\n", name, rate(op, budget));
}

static void speed(double budget, int keygen_samples)
{
    for (int i = 0; i < keygen_samples; i++) printf("keygen_ms %.3f\n", keygen_ms());
    op_ake(); /* a session for the figures after this one, even if it is skipped */
    figure("ake_per_s", op_ake, budget);
    figure("oneway_100_per_s", op_oneway_100, budget);
    figure("oneway_10k_per_s", op_oneway_10k, budget);
    figure("pingpong_per_s", op_pingpong, budget);
    figure("smp_per_s", op_smp, budget);
    make_garbage();
    figure("garbage_text_per_s", op_garbage_text, budget);
    figure("garbage_truncated_per_s", op_garbage_truncated, budget);
    figure("garbage_forged_per_s", op_garbage_forged, budget);
    one_message(&alice, "still encrypted after all that");
}

/* Each workload is collected on its own and dumped under its name. */
static void measured(const char *name, void (*op)(void), int times)
{
    CALLGRIND_TOGGLE_COLLECT;
    for (int i = 0; i < times; i++) op();
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(name);
}

static void ake_and_100_messages(void)
{
    op_ake();
    for (int i = 0; i < 100; i++) op_oneway_100();
}

static void callgrind(void)
{
    op_ake(); /* warm: the first AKE creates the instance tags' contexts */
    measured("ake_and_100_messages", ake_and_100_messages, 1);
    measured("ake", op_ake, 1);
    measured("oneway_100_x100", op_oneway_100, 100);
    measured("oneway_10k_x100", op_oneway_10k, 100);
    measured("pingpong_x100", op_pingpong, 100);
    measured("smp", op_smp, 1);
    make_garbage();
    /* The rejections are counted after one uncounted each (as the wall-clock figures
     * warm up): what is counted is the cost of rejecting, not work a library does once
     * (ours derives a key pair's session keys when a message first needs them, even
     * one whose MAC then fails; libotr derived them at the key rotation). */
    op_garbage_text();
    measured("garbage_text_x100", op_garbage_text, 100);
    op_garbage_truncated();
    measured("garbage_truncated_x100", op_garbage_truncated, 100);
    op_garbage_forged();
    measured("garbage_forged_x100", op_garbage_forged, 100);
}

/* ---- memory ---------------------------------------------------------------------- */

/* The process's peak resident set (VmHWM): unlike ru_maxrss it starts afresh at exec,
 * so the parent's size does not show through. */
static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    if (f) fclose(f);
    if (kb < 0) die("no VmHWM in /proc/self/status");
    return kb;
}

static void many_contexts(int n)
{
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "buddy%05d@example.org", i);
        if (!otrl_context_find(alice.us, name, alice.account, alice.protocol,
                               OTRL_INSTAG_MASTER, 1, NULL, NULL, NULL))
            die("otrl_context_find did not add a context");
    }
}

static void many_sessions(int n)
{
    char peer[32];
    for (int i = 0; i < n; i++) {
        snprintf(peer, sizeof peer, "peer%05d", i);
        ake(peer);
    }
    for (int i = 0; i < n; i++) {
        snprintf(peer, sizeof peer, "peer%05d", i);
        if (!encrypted(&alice, peer) || !encrypted(&bob, peer)) die("a session ended");
    }
}

/* Writes a key file holding KEYFILE's first key under n account names and loads it
 * into a userstate of its own. */
static void many_keys(const char *keyfile, int n)
{
    static char text[1 << 16];
    char path[] = "/tmp/otrbench-keys-XXXXXX", *start, *end, *name, *name_end;
    FILE *in = fopen(keyfile, "r"), *out;
    size_t len = in ? fread(text, 1, sizeof text - 1, in) : 0;
    int fd = mkstemp(path);
    OtrlUserState us = otrl_userstate_create();
    if (in) fclose(in);
    text[len] = '\0';
    start = strstr(text, " (account");
    end = start ? strstr(start + 1, " (account") : NULL;
    if (!end && start) end = strrchr(start, ')');
    name = start ? strstr(start, "(name \"") : NULL;
    name_end = name ? strchr(name + 7, '"') : NULL;
    if (!start || !end || !name || !name_end || name_end > end || fd < 0)
        die("cannot copy the first key of the key file");
    out = fdopen(fd, "w");
    fprintf(out, "(privkeys\n");
    for (int i = 0; i < n; i++)
        fprintf(out, "%.*s(name \"key%03d@example.org\"%.*s", (int)(name - start), start, i,
                (int)(end - name_end - 1), name_end + 1);
    fprintf(out, ")\n");
    fclose(out);
    if (otrl_privkey_read(us, path) != 0) die("cannot read the copied keys");
    unlink(path);
    if (!otrl_privkey_find(us, "key099@example.org", "prpl-jabber")) die("a copied key is missing");
}

static void report_library(void)
{
    Dl_info info;
    char *path = NULL;
    if (dladdr((void *)otrl_message_receiving, &info) && info.dli_fname)
        path = realpath(info.dli_fname, NULL);
    printf("# library %s\n", path ? path : "(unknown)");
    free(path);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s KEYFILE speed|rss-baseline|rss-contexts|rss-sessions|rss-keys|callgrind"
                " [BUDGET_MS [KEYGEN_SAMPLES]]\n", argv[0]);
        return 1;
    }
    const char *keyfile = argv[1], *mode = argv[2];
    OTRL_INIT;
    report_library();
    parties_init(keyfile);
    make_texts();
    if (!strcmp(mode, "speed")) {
        double budget = argc > 3 ? atof(argv[3]) / 1000 : 0.5;
        int samples = argc > 4 ? atoi(argv[4]) : 3;
        only = argc > 5 ? argv[5] : NULL;
        speed(budget, samples);
    } else if (!strcmp(mode, "rss-baseline")) {
        printf("rss_baseline_kb %ld\n", peak_rss_kb());
    } else if (!strcmp(mode, "rss-contexts")) {
        many_contexts(10000);
        printf("rss_10000_contexts_kb %ld\n", peak_rss_kb());
    } else if (!strcmp(mode, "rss-sessions")) {
        many_sessions(1000);
        printf("rss_1000_sessions_kb %ld\n", peak_rss_kb());
    } else if (!strcmp(mode, "rss-keys")) {
        many_keys(keyfile, 100);
        printf("rss_100_keys_kb %ld\n", peak_rss_kb());
    } else if (!strcmp(mode, "callgrind")) {
        callgrind();
    } else {
        die("unknown mode");
    }
    cleanup();
    return 0;
}
