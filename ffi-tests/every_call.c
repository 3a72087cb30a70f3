/* Every call at every moment: the public functions of message.h, context.h, proto.h,
 * privkey.h, instag.h and sm.h, each called in every state a conversation goes
 * through, with everything a client can observe printed as a transcript: return
 * values, what goes on the wire (its kind, and its text where it is the same in every
 * run), every callback with a snapshot of both parties' contexts (snapshot.h), and how
 * the peer takes what was sent. The Makefile runs it on Debian's libotr and on ours and
 * compares the transcripts block by block (compare_calls.py); the differences we make on
 * purpose are listed, with their reasons, in every_call.differences.
 *
 * Two parties, A (alice@example.org on prpl-jabber) and B (alice on IRC), each with its
 * own userstate, the sample keys, fixed instance tags and a fixed clock (this program
 * defines time(), which both libraries call). Each state is built once, printed, and
 * then each call runs in a fork of that process, so every call starts from the very
 * same state: the child makes the call, delivers whatever the parties send until
 * nothing is left, prints both parties' contexts and frees everything.
 *
 *   every_call [STATE...]     all states, or only these */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>
#include <libotr/instag.h>
#include <libotr/tlv.h>
#include "snapshot.h"

#ifndef SAMPLES
#define SAMPLES "../../shared/samples"
#endif

#define T0 ((time_t)1800000000)
static time_t fake_now = T0;

time_t time(time_t *t)
{
    if (t) *t = fake_now;
    return fake_now;
}

/* ---- the parties and the wire ------------------------------------------------------ */

typedef struct party {
    const char *name, *account, *protocol, *peer;
    unsigned int instag;
    OtrlUserState us;
    OtrlPolicy policy;
    int mms;
    struct party *other;
    char fp_path[64];
} party;

static party A = {.name = "A", .account = "alice@example.org", .protocol = "prpl-jabber", .peer = "alice", .instag = 0x1111aaaa};
static party B = {.name = "B", .account = "alice", .protocol = "IRC", .peer = "alice@example.org", .instag = 0x2222bbbb};

typedef struct { party *to; char *msg; } queued;
static queued wire[512];
static size_t wire_head, wire_tail;

static void enqueue(party *to, const char *msg)
{
    if (wire_tail < sizeof wire / sizeof wire[0]) {
        wire[wire_tail].to = to;
        wire[wire_tail++].msg = strdup(msg);
    } else {
        printf("  (wire full: message dropped)\n");
    }
}

static void drop_wire(void)
{
    while (wire_head < wire_tail) free(wire[wire_head++].msg);
    wire_head = wire_tail = 0;
}

/* ---- what is printed ------------------------------------------------------------------ */

static void snap(party *p)
{
    char prefix[16];
    snprintf(prefix, sizeof prefix, "  %s ", p->name);
    snapshot(stdout, p->us, prefix);
}

/* A context of `p` by its place in p's list. */
static void put_ctx(party *p, ConnContext *c)
{
    snapshot_ref(stdout, p->us, "ctx", c);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The first `max` bytes base64 `text` stands for (stops at the first non-base64
 * character); how many there are. */
static size_t unbase64(const char *text, unsigned char *out, size_t max)
{
    size_t n = 0;
    unsigned int acc = 0, bits = 0;
    for (; *text && n < max; text++) {
        const char *at = strchr(b64, *text);
        if (!at || !*text) break;
        acc = acc << 6 | (unsigned int)(at - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

static unsigned int be32(const unsigned char *p)
{
    return (unsigned int)p[0] << 24 | (unsigned int)p[1] << 16 | (unsigned int)p[2] << 8 | p[3];
}

/* A wire message as it reads the same in every run: an encoded OTR message by its
 * version, type, instance tags (and a data message by its flags and key ids); anything
 * else as is. */
static void put_wire(const char *msg)
{
    if (!msg) {
        fputs("(null)", stdout);
        return;
    }
    if (!strncmp(msg, "?OTR:", 5)) {
        unsigned char h[24];
        size_t n = unbase64(msg + 5, h, sizeof h);
        if (n < 3) {
            fputs("otr (undecodable)", stdout);
            return;
        }
        unsigned int version = h[0] << 8 | h[1], at = version == 3 ? 11 : 3;
        printf("otr v%u type=%02x", version, h[2]);
        if (version == 3 && n >= 11) printf(" %08x>%08x", be32(h + 3), be32(h + 7));
        if (h[2] == 0x03 && n >= at + 9)
            printf(" flags=%u keyids=%u/%u", h[at], be32(h + at + 1), be32(h + at + 5));
        return;
    }
    if (!strncmp(msg, "?OTR|", 5) || !strncmp(msg, "?OTR,", 5)) {
        /* A fragment: its header up to k and n. */
        const char *comma = strchr(msg + 4, ',');
        comma = comma ? strchr(comma + 1, ',') : NULL;
        comma = comma ? strchr(comma + 1, ',') : NULL;
        printf("fragment %.*s", comma ? (int)(comma - msg) : 40, msg);
        return;
    }
    snapshot_str(stdout, msg);
}

static void put_tlvs(OtrlTLV *tlvs)
{
    for (OtrlTLV *t = tlvs; t; t = t->next) {
        /* The MPIs of SMP messages vary in length with their values. */
        int mpis = t->type >= OTRL_TLV_SMP1 && t->type <= OTRL_TLV_SMP4;
        if (t->type == OTRL_TLV_SMP1Q) printf(" tlv%u(%.*s)", t->type, (int)strnlen((char *)t->data, t->len), t->data);
        else if (mpis) printf(" tlv%u(mpis)", t->type);
        else printf(" tlv%u(len %u)", t->type, t->len);
    }
}

/* ---- the callbacks: each prints the party's contexts, then what it was told ---------- */

static party *who(void *opdata) { return opdata; }

static void cb(party *p, const char *what)
{
    snap(p);
    printf("  %s cb %s", p->name, what);
}

static OtrlPolicy op_policy(void *o, ConnContext *c)
{
    cb(who(o), "policy");
    put_ctx(who(o), c);
    putchar('\n');
    return who(o)->policy;
}

static void op_create_privkey(void *o, const char *account, const char *protocol)
{
    cb(who(o), "create_privkey");
    printf(" %s %s\n", account, protocol);
}

static int op_is_logged_in(void *o, const char *account, const char *protocol, const char *recipient)
{
    cb(who(o), "is_logged_in");
    printf(" %s\n", recipient);
    return 1;
}

static void op_inject(void *o, const char *account, const char *protocol, const char *recipient,
                      const char *message)
{
    cb(who(o), "inject");
    printf(" %s ", recipient);
    put_wire(message);
    putchar('\n');
    enqueue(who(o)->other, message);
}

static void op_update_context_list(void *o)
{
    cb(who(o), "update_context_list\n");
}

static void op_new_fingerprint(void *o, OtrlUserState us, const char *account, const char *protocol,
                               const char *username, unsigned char fp[20])
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    otrl_privkey_hash_to_human(human, fp);
    cb(who(o), "new_fingerprint");
    printf(" %s %s\n", username, human);
}

static void op_write_fingerprints(void *o)
{
    cb(who(o), "write_fingerprints\n");
}

static void op_gone_secure(void *o, ConnContext *c)
{
    cb(who(o), "gone_secure");
    put_ctx(who(o), c);
    putchar('\n');
}

static void op_gone_insecure(void *o, ConnContext *c)
{
    cb(who(o), "gone_insecure");
    put_ctx(who(o), c);
    putchar('\n');
}

static void op_still_secure(void *o, ConnContext *c, int is_reply)
{
    cb(who(o), "still_secure");
    put_ctx(who(o), c);
    printf(" is_reply=%d\n", is_reply);
}

static int op_max_message_size(void *o, ConnContext *c)
{
    cb(who(o), "max_message_size");
    put_ctx(who(o), c);
    putchar('\n');
    return who(o)->mms;
}

static const char *op_account_name(void *o, const char *account, const char *protocol)
{
    cb(who(o), "account_name");
    printf(" %s\n", account);
    return strdup(account);
}

static void op_account_name_free(void *o, const char *name)
{
    cb(who(o), "account_name_free\n");
    free((char *)name);
}

/* The key of the last received_symkey, to compare with the sender's. */
static unsigned char received_key[OTRL_EXTRAKEY_BYTES];

static void op_received_symkey(void *o, ConnContext *c, unsigned int use, const unsigned char *usedata,
                               size_t usedatalen, const unsigned char *symkey)
{
    cb(who(o), "received_symkey");
    put_ctx(who(o), c);
    printf(" use=%u data=%.*s\n", use, (int)usedatalen, usedata);
    memcpy(received_key, symkey, sizeof received_key);
}

static const char *op_otr_error_message(void *o, ConnContext *c, OtrlErrorCode code)
{
    cb(who(o), "otr_error_message");
    put_ctx(who(o), c);
    printf(" code=%d\n", (int)code);
    char *text = malloc(32);
    if (text) snprintf(text, 32, "error %d", (int)code);
    return text;
}

static void op_otr_error_message_free(void *o, const char *text)
{
    cb(who(o), "otr_error_message_free\n");
    free((char *)text);
}

static const char *op_resent_msg_prefix(void *o, ConnContext *c)
{
    cb(who(o), "resent_msg_prefix");
    put_ctx(who(o), c);
    putchar('\n');
    return strdup("[resent]");
}

static void op_resent_msg_prefix_free(void *o, const char *prefix)
{
    cb(who(o), "resent_msg_prefix_free\n");
    free((char *)prefix);
}

static OtrlMessageAppOps ops;

/* The SMP event on which A's client aborts the exchange from inside the callback (0:
 * none), as pidgin, bitlbee and profanity do on an error or cheating. */
static OtrlSMPEvent abort_on;

static void op_handle_smp_event(void *o, OtrlSMPEvent e, ConnContext *c, unsigned short progress,
                                char *question)
{
    cb(who(o), "smp_event");
    printf(" %d", (int)e);
    put_ctx(who(o), c);
    printf(" progress=%u question=", progress);
    snapshot_str(stdout, question);
    putchar('\n');
    if (who(o)->name[0] == 'A' && e == abort_on) {
        printf("  A aborts from the callback\n");
        otrl_message_abort_smp(who(o)->us, &ops, o, c);
    }
}

static void op_handle_msg_event(void *o, OtrlMessageEvent e, ConnContext *c, const char *message,
                                gcry_error_t err)
{
    cb(who(o), "msg_event");
    printf(" %d", (int)e);
    put_ctx(who(o), c);
    printf(" err=%08x message=", (unsigned)err);
    snapshot_str(stdout, message);
    putchar('\n');
}

/* A fixed instance tag for an account that has none. */
static void op_create_instag(void *o, const char *account, const char *protocol)
{
    cb(who(o), "create_instag");
    printf(" %s %s\n", account, protocol);
    char line[256];
    snprintf(line, sizeof line, "%s\t%s\t%08x\n", account, protocol, 0x5555eeeeu);
    FILE *f = fmemopen(line, strlen(line), "r");
    if (f) {
        otrl_instag_read_FILEp(who(o)->us, f);
        fclose(f);
    }
}

static void op_convert_msg(void *o, ConnContext *c, OtrlConvertType type, char **dest, const char *src)
{
    cb(who(o), "convert_msg");
    put_ctx(who(o), c);
    printf(" %s ", type == OTRL_CONVERT_SENDING ? "sending" : "receiving");
    snapshot_str(stdout, src);
    putchar('\n');
    *dest = NULL;
}

static void op_convert_free(void *o, ConnContext *c, char *dest)
{
    cb(who(o), "convert_free");
    put_ctx(who(o), c);
    putchar('\n');
    free(dest);
}

static void op_timer_control(void *o, unsigned int interval)
{
    cb(who(o), "timer_control");
    printf(" %u\n", interval);
}

static OtrlMessageAppOps ops = {
    op_policy, op_create_privkey, op_is_logged_in, op_inject, op_update_context_list,
    op_new_fingerprint, op_write_fingerprints, op_gone_secure, op_gone_insecure,
    op_still_secure, op_max_message_size, op_account_name, op_account_name_free,
    op_received_symkey, op_otr_error_message, op_otr_error_message_free, op_resent_msg_prefix,
    op_resent_msg_prefix_free, op_handle_smp_event, op_handle_msg_event, op_create_instag,
    op_convert_msg, op_convert_free, op_timer_control,
};

/* ---- the message API as a client drives it ------------------------------------------ */

static ConnContext *find(party *p, otrl_instag_t instag)
{
    return otrl_context_find(p->us, p->peer, p->account, p->protocol, instag, 0, NULL, NULL, NULL);
}

static ConnContext *best(party *p) { return find(p, OTRL_INSTAG_BEST); }
static ConnContext *master(party *p) { return find(p, OTRL_INSTAG_MASTER); }

/* `p` receives `msg` from its peer; prints what the call returned. */
static void receive(party *p, const char *msg)
{
    char *shown = NULL;
    OtrlTLV *tlvs = NULL;
    ConnContext *c = NULL;
    printf("  %s receives ", p->name);
    put_wire(msg);
    putchar('\n');
    int ret = otrl_message_receiving(p->us, &ops, p, p->account, p->protocol, p->peer, msg, &shown,
                                     &tlvs, &c, NULL, NULL);
    printf("  %s receiving=%d", p->name, ret);
    put_ctx(p, c);
    printf(" shown=");
    snapshot_str(stdout, shown);
    put_tlvs(tlvs);
    putchar('\n');
    otrl_tlv_free(tlvs);
    otrl_message_free(shown);
}

/* Delivers what is on the wire, and what that makes the parties send, until nothing is
 * left (or too much went back and forth). */
static void deliver(void)
{
    for (int n = 0; wire_head < wire_tail; n++) {
        if (n == 200) {
            printf("  (the parties do not come to rest)\n");
            drop_wire();
            return;
        }
        queued q = wire[wire_head++];
        receive(q.to, q.msg);
        free(q.msg);
    }
    wire_head = wire_tail = 0;
}

/* The client of `p` sends `text`: otrl_message_sending with `frag`; what it leaves in
 * *messagep goes on the wire as the client would send it. */
static void send_with(party *p, const char *text, OtrlTLV *tlvs, OtrlFragmentPolicy frag)
{
    char *msg = NULL;
    ConnContext *c = NULL;
    printf("  %s sends ", p->name);
    snapshot_str(stdout, text);
    putchar('\n');
    gcry_error_t err = otrl_message_sending(p->us, &ops, p, p->account, p->protocol, p->peer,
                                            OTRL_INSTAG_BEST, text, tlvs, &msg, frag, &c, NULL, NULL);
    printf("  %s sending err=%08x", p->name, (unsigned)err);
    put_ctx(p, c);
    printf(" message=");
    put_wire(msg);
    putchar('\n');
    if (!err && frag != OTRL_FRAGMENT_SEND_ALL) {
        const char *out = msg ? msg : text;
        if (*out) enqueue(p->other, out);
    }
    otrl_message_free(msg);
}

static void send_text(party *p, const char *text) { send_with(p, text, NULL, OTRL_FRAGMENT_SEND_SKIP); }

static const unsigned char SECRET[] = "our first pet";
#define SECRET_LEN (sizeof SECRET - 1)

/* ---- the states ------------------------------------------------------------------------ */

static void load(party *p, OtrlPolicy policy)
{
    p->us = otrl_userstate_create();
    p->policy = policy;
    p->mms = 0;
    gcry_error_t err = otrl_privkey_read(p->us, SAMPLES "/sample.private_key");
    char tags[128];
    snprintf(tags, sizeof tags, "%s\t%s\t%08x\n", p->account, p->protocol, p->instag);
    FILE *f = fmemopen(tags, strlen(tags), "r");
    gcry_error_t err2 = f ? otrl_instag_read_FILEp(p->us, f) : 1;
    if (f) fclose(f);
    if (err || err2) {
        fprintf(stderr, "every_call: cannot read the sample key (%s)\n", SAMPLES);
        exit(2);
    }
    snprintf(p->fp_path, sizeof p->fp_path, "/tmp/otr-every-call-%d-%s", (int)getpid(), p->name);
}

static void setup(OtrlPolicy policy_a, OtrlPolicy policy_b)
{
    fake_now = T0;
    A.other = &B;
    B.other = &A;
    load(&A, policy_a);
    load(&B, policy_b);
}

static void teardown(void)
{
    drop_wire();
    otrl_userstate_free(A.us);
    otrl_userstate_free(B.us);
    unlink(A.fp_path);
    unlink(B.fp_path);
}

#define V23 (OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3)

/* The AKE, B asking: A sends the D-H Commit. */
static void ake(void)
{
    send_text(&B, "?OTR?");
    deliver();
}

static void build_none(void) { setup(V23, V23); }

static void build_plaintext(void)
{
    setup(V23, V23);
    send_text(&A, "hello in plain text");
    send_text(&B, "hello back");
    deliver();
}

/* Delivers the next message on the wire only. */
static void deliver_one(void)
{
    queued q = wire[wire_head++];
    receive(q.to, q.msg);
    free(q.msg);
}

/* B asks; A's D-H Commit is not delivered. */
static void build_awaiting_dhkey(void)
{
    setup(V23, V23);
    send_text(&B, "?OTR?");
    deliver_one();
    drop_wire();
}

static void build_awaiting_dhkey_v2(void)
{
    setup(OTRL_POLICY_ALLOW_V2, OTRL_POLICY_ALLOW_V2);
    send_text(&B, "?OTR?");
    deliver_one();
    drop_wire();
}

/* B's D-H Commit reaches A; A's D-H Key does not reach B. */
static void build_awaiting_revealsig(void)
{
    setup(V23, V23);
    send_text(&A, "?OTR?");
    deliver_one();
    deliver_one();
    drop_wire();
}

/* A's Reveal Signature does not reach B. */
static void build_awaiting_sig(void)
{
    setup(V23, V23);
    send_text(&B, "?OTR?");
    for (int i = 0; i < 3; i++) deliver_one();
    drop_wire();
}

static void build_encrypted(void)
{
    setup(V23, V23);
    ake();
    send_text(&A, "private from A");
    send_text(&B, "private from B");
    deliver();
}

static void build_encrypted_v2(void)
{
    setup(OTRL_POLICY_ALLOW_V2, OTRL_POLICY_ALLOW_V2);
    ake();
    send_text(&A, "private from A");
    deliver();
}

static void build_finished(void)
{
    build_encrypted();
    otrl_message_disconnect_all_instances(B.us, &ops, &B, B.account, B.protocol, B.peer);
    deliver();
}

/* B asks A, with a question; A has not answered. */
static void build_smp_asked(void)
{
    build_encrypted();
    otrl_message_initiate_smp_q(B.us, &ops, &B, best(&B), "Our first pet?", SECRET, SECRET_LEN);
    deliver();
}

/* A asked; the SMP1 is not delivered. */
static void build_smp_initiated(void)
{
    build_encrypted();
    otrl_message_initiate_smp(A.us, &ops, &A, best(&A), SECRET, SECRET_LEN);
    drop_wire();
}

/* B asked, A answered; A's SMP2 is not delivered. */
static void build_smp_answered(void)
{
    build_smp_asked();
    otrl_message_respond_smp(A.us, &ops, &A, best(&A), SECRET, SECRET_LEN);
    drop_wire();
}

/* A asked, B answered, A sent SMP3, which is not delivered. */
static void build_smp_in_progress(void)
{
    build_encrypted();
    otrl_message_initiate_smp(A.us, &ops, &A, best(&A), SECRET, SECRET_LEN);
    deliver();
    otrl_message_respond_smp(B.us, &ops, &B, best(&B), SECRET, SECRET_LEN);
    deliver_one();
    drop_wire();
}

static void smp_run(const unsigned char *answer, size_t len)
{
    build_encrypted();
    otrl_message_initiate_smp(A.us, &ops, &A, best(&A), SECRET, SECRET_LEN);
    deliver();
    otrl_message_respond_smp(B.us, &ops, &B, best(&B), answer, len);
    deliver();
}

static void build_smp_succeeded(void) { smp_run(SECRET, SECRET_LEN); }
static void build_smp_failed(void) { smp_run((const unsigned char *)"a guess", 7); }

static void build_smp_aborted(void)
{
    build_encrypted();
    otrl_message_initiate_smp(A.us, &ops, &A, best(&A), SECRET, SECRET_LEN);
    deliver();
    otrl_message_abort_smp(B.us, &ops, &B, best(&B));
    deliver();
}

/* After an exchange, A's client frees the SMP state (bitlbee does). */
static void build_smp_freed(void)
{
    build_smp_succeeded();
    otrl_sm_state_free(best(&A)->smstate);
}

static const struct state {
    const char *name;
    void (*build)(void);
} states[] = {
    {"none", build_none},
    {"plaintext", build_plaintext},
    {"awaiting_dhkey", build_awaiting_dhkey},
    {"awaiting_dhkey_v2", build_awaiting_dhkey_v2},
    {"awaiting_revealsig", build_awaiting_revealsig},
    {"awaiting_sig", build_awaiting_sig},
    {"encrypted", build_encrypted},
    {"encrypted_v2", build_encrypted_v2},
    {"finished", build_finished},
    {"smp_asked", build_smp_asked},
    {"smp_initiated", build_smp_initiated},
    {"smp_answered", build_smp_answered},
    {"smp_in_progress", build_smp_in_progress},
    {"smp_succeeded", build_smp_succeeded},
    {"smp_failed", build_smp_failed},
    {"smp_aborted", build_smp_aborted},
    {"smp_freed", build_smp_freed},
};

/* ---- the calls, each made by A's client in a state ------------------------------------ */

/* The context a client would pass: A's best one for B, or none. */
static ConnContext *ctx(void) { return best(&A); }

/* Calls that need a context print this and do nothing when there is none. */
static int no_context(ConnContext *c)
{
    if (!c) printf("  (no context)\n");
    return !c;
}

/* message.h */

static void call_send(void) { send_with(&A, "a message from A", NULL, OTRL_FRAGMENT_SEND_ALL); }
static void call_send_skip(void) { send_text(&A, "a message from A"); }
static void call_send_query(void) { send_text(&A, "?OTR?"); }

static void call_send_tlv(void)
{
    OtrlTLV *tlv = otrl_tlv_new(0x7f01, 3, (const unsigned char *)"app");
    send_with(&A, "with a TLV", tlv, OTRL_FRAGMENT_SEND_SKIP);
    otrl_tlv_free(tlv);
}

static const char LONG[] =
    "a long message from A, so long that it has to go in pieces: one two three four five six "
    "seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen";

static void call_send_fragments(void)
{
    A.mms = 120;
    send_with(&A, LONG, NULL, OTRL_FRAGMENT_SEND_ALL);
}

static void call_send_fragments_but_first(void)
{
    A.mms = 120;
    send_with(&A, LONG, NULL, OTRL_FRAGMENT_SEND_ALL_BUT_FIRST);
}

static void call_send_after_a_minute(void)
{
    fake_now += 61;
    send_text(&A, "a message from A a minute later");
}

static void call_receive_plain(void) { receive(&A, "a plain message from B"); }
static void call_receive_query(void) { receive(&A, "?OTRv23?"); }
static void call_receive_tagged(void)
{
    receive(&A, "a tagged message from B \t  \t\t\t\t \t \t \t    \t\t  \t\t");
}
static void call_receive_error(void) { receive(&A, "?OTR Error: B could not read that"); }
static void call_receive_malformed(void) { receive(&A, "?OTR:AAMDwhat?."); }
static void call_receive_unknown(void) { receive(&A, "?OTR:AAN3AAAAAAAAAAAAAAAA."); }

static void call_receive_fragment(void)
{
    char msg[128];
    snprintf(msg, sizeof msg, "?OTR|%08x|%08x,00001,00002,?OTR:AAMD,", B.instag, A.instag);
    receive(&A, msg);
}

/* B's client sends a message (whatever its state makes of it). */
static void call_receive_from_b(void) { send_text(&B, "a message from B"); }

static void call_receive_after_a_minute(void)
{
    fake_now += 61;
    send_text(&B, "a message from B a minute later");
}

static void call_disconnect(void)
{
    otrl_message_disconnect(A.us, &ops, &A, A.account, A.protocol, A.peer, OTRL_INSTAG_BEST);
}

static void call_disconnect_all(void)
{
    otrl_message_disconnect_all_instances(A.us, &ops, &A, A.account, A.protocol, A.peer);
}

static void call_b_disconnects(void)
{
    otrl_message_disconnect_all_instances(B.us, &ops, &B, B.account, B.protocol, B.peer);
}

static void call_initiate_smp(void)
{
    if (no_context(ctx())) return;
    otrl_message_initiate_smp(A.us, &ops, &A, ctx(), SECRET, SECRET_LEN);
}

static void call_initiate_smp_q(void)
{
    if (no_context(ctx())) return;
    otrl_message_initiate_smp_q(A.us, &ops, &A, ctx(), "Our first pet?", SECRET, SECRET_LEN);
}

static void call_respond_smp(void)
{
    if (no_context(ctx())) return;
    otrl_message_respond_smp(A.us, &ops, &A, ctx(), SECRET, SECRET_LEN);
}

static void call_respond_smp_wrong(void)
{
    if (no_context(ctx())) return;
    otrl_message_respond_smp(A.us, &ops, &A, ctx(), (const unsigned char *)"a guess", 7);
}

static void call_abort_smp(void)
{
    if (no_context(ctx())) return;
    otrl_message_abort_smp(A.us, &ops, &A, ctx());
}

/* B's best context, or NULL after saying B has none. */
static ConnContext *b_context(void)
{
    ConnContext *c = best(&B);
    if (!c) printf("  (B has no context)\n");
    return c;
}

static void call_b_initiates_smp(void)
{
    if (b_context()) otrl_message_initiate_smp(B.us, &ops, &B, best(&B), SECRET, SECRET_LEN);
}

static void call_b_responds_smp(void)
{
    if (b_context()) otrl_message_respond_smp(B.us, &ops, &B, best(&B), SECRET, SECRET_LEN);
}

static void call_b_aborts_smp(void)
{
    if (b_context()) otrl_message_abort_smp(B.us, &ops, &B, best(&B));
}

/* A asks, B answers, and A's client aborts when told the exchange is in progress. */
static void call_abort_from_callback(void)
{
    if (no_context(ctx()) || !best(&B)) return;
    abort_on = OTRL_SMPEVENT_IN_PROGRESS;
    otrl_message_initiate_smp(A.us, &ops, &A, ctx(), SECRET, SECRET_LEN);
    deliver();
    otrl_message_respond_smp(B.us, &ops, &B, best(&B), SECRET, SECRET_LEN);
}

static void call_symkey(void)
{
    if (no_context(ctx())) return;
    unsigned char key[OTRL_EXTRAKEY_BYTES] = {0};
    gcry_error_t err = otrl_message_symkey(A.us, &ops, &A, ctx(), 7, (const unsigned char *)"ft", 2, key);
    printf("  symkey err=%08x\n", (unsigned)err);
    deliver();
    if (!err) printf("  the peer's key is the same: %s\n", memcmp(key, received_key, sizeof key) ? "no" : "yes");
}

static void call_poll(void)
{
    printf("  default interval %u\n", otrl_message_poll_get_default_interval(A.us));
    otrl_message_poll(A.us, &ops, &A);
}

static void call_poll_after_a_minute(void)
{
    fake_now += 61;
    otrl_message_poll(A.us, &ops, &A);
}

static void call_message_free(void)
{
    otrl_message_free(NULL);
    otrl_message_free(strdup("a message"));
    printf("  freed\n");
}

/* context.h */

static void call_find(void)
{
    static const struct { const char *name; otrl_instag_t tag; } tags[] = {
        {"master", OTRL_INSTAG_MASTER}, {"best", OTRL_INSTAG_BEST}, {"recent", OTRL_INSTAG_RECENT},
        {"recent_received", OTRL_INSTAG_RECENT_RECEIVED}, {"recent_sent", OTRL_INSTAG_RECENT_SENT},
        {"B's", 0x2222bbbb}, {"unknown", 0x12345678},
    };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        printf("  find %s:", tags[i].name);
        put_ctx(&A, find(&A, tags[i].tag));
        putchar('\n');
    }
    int added = -1;
    ConnContext *c = otrl_context_find(A.us, A.peer, A.account, A.protocol, 0x9abcdef0, 1, &added, NULL, NULL);
    printf("  find a new instance: added=%d", added);
    put_ctx(&A, c);
    putchar('\n');
    c = otrl_context_find(A.us, "carol", A.account, A.protocol, OTRL_INSTAG_BEST, 1, &added, NULL, NULL);
    printf("  find a new user: added=%d", added);
    put_ctx(&A, c);
    putchar('\n');
}

static void call_fingerprints(void)
{
    ConnContext *c = ctx();
    if (no_context(c)) return;
    printf("  active trusted=%d\n", otrl_context_is_fingerprint_trusted(c->active_fingerprint));
    unsigned char fp[20];
    memset(fp, 0x42, sizeof fp);
    int added = -1;
    Fingerprint *f = otrl_context_find_fingerprint(c, fp, 0, &added);
    printf("  find unknown: %s added=%d\n", f ? "found" : "none", added);
    f = otrl_context_find_fingerprint(c, fp, 1, &added);
    printf("  add it: %s added=%d\n", f ? "found" : "none", added);
    otrl_context_set_trust(f, "verified");
    printf("  it trusted=%d\n", otrl_context_is_fingerprint_trusted(f));
    if (c->active_fingerprint) {
        otrl_context_set_trust(c->active_fingerprint, "manual");
        printf("  active now trusted=%d\n", otrl_context_is_fingerprint_trusted(c->active_fingerprint));
        otrl_context_set_trust(c->active_fingerprint, NULL);
    }
}

static void call_update_recent_child(void)
{
    ConnContext *c = ctx();
    if (no_context(c)) return;
    otrl_context_update_recent_child(c, 1);
    snap(&A);
    otrl_context_update_recent_child(c, 0);
}

static void call_force_finished(void)
{
    if (no_context(ctx())) return;
    otrl_context_force_finished(ctx());
    send_text(&A, "typed after forcing");
}

static void call_force_plaintext(void)
{
    if (no_context(ctx())) return;
    otrl_context_force_plaintext(ctx());
    send_text(&A, "typed after forcing");
}

/* A fingerprint not in use is forgotten; the active one only where libotr keeps it (a
 * plaintext context's: it frees the one of a session under way and keeps pointing to
 * it); then the list's root, which forgets a plaintext context. */
static void call_forget_fingerprint(void)
{
    ConnContext *m = master(&A);
    if (no_context(m)) return;
    unsigned char fp[20];
    memset(fp, 0x17, sizeof fp);
    otrl_context_forget_fingerprint(otrl_context_find_fingerprint(m, fp, 1, NULL), 0);
    printf("  forgot an unused one\n");
    snap(&A);
    Fingerprint *active = ctx()->active_fingerprint;
    if (active && ctx()->msgstate == OTRL_MSGSTATE_PLAINTEXT) {
        otrl_context_forget_fingerprint(active, 1);
        printf("  tried to forget the active one\n");
        snap(&A);
    }
    otrl_context_forget_fingerprint(&m->fingerprint_root, 1);
    printf("  forgot the root\n");
}

static void call_forget(void)
{
    ConnContext *m = master(&A);
    if (no_context(m)) return;
    printf("  forget=%d\n", otrl_context_forget(m));
}

static void call_forget_all(void)
{
    otrl_context_forget_all(A.us);
    send_text(&A, "typed after forgetting");
}

static void call_find_recent(void)
{
    ConnContext *m = master(&A);
    if (no_context(m)) return;
    static const otrl_instag_t tags[] = {OTRL_INSTAG_RECENT, OTRL_INSTAG_RECENT_RECEIVED,
                                         OTRL_INSTAG_RECENT_SENT};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        printf("  recent %u:", (unsigned)tags[i]);
        put_ctx(&A, otrl_context_find_recent_instance(m, tags[i]));
        putchar('\n');
    }
    printf("  recent secure:");
    put_ctx(&A, otrl_context_find_recent_secure_instance(m));
    putchar('\n');
}

/* proto.h */

static void call_create_data(void)
{
    if (no_context(ctx())) return;
    char *msg = NULL;
    unsigned char key[OTRL_EXTRAKEY_BYTES];
    OtrlTLV *tlv = otrl_tlv_new(OTRL_TLV_PADDING, 4, (const unsigned char *)"\0\0\0\0");
    gcry_error_t err = otrl_proto_create_data(&msg, ctx(), "made by create_data", tlv,
                                              OTRL_MSGFLAGS_IGNORE_UNREADABLE, key);
    otrl_tlv_free(tlv);
    printf("  create_data err=%08x message=", (unsigned)err);
    put_wire(msg);
    putchar('\n');
    if (msg) {
        unsigned char flags = 0xff;
        err = otrl_proto_data_read_flags(msg, &flags);
        printf("  data_read_flags err=%08x flags=%u\n", (unsigned)err, flags);
        enqueue(&B, msg);
    }
    free(msg);
}

/* B makes a data message with otrl_proto_create_data; A takes it with accept_data. */
static void call_accept_data(void)
{
    if (no_context(ctx()) || !best(&B)) return;
    char *msg = NULL;
    gcry_error_t err = otrl_proto_create_data(&msg, best(&B), "for accept_data", NULL, 0, NULL);
    printf("  B create_data err=%08x message=", (unsigned)err);
    put_wire(msg);
    putchar('\n');
    if (!msg) return;
    char *plain = NULL;
    OtrlTLV *tlvs = NULL;
    unsigned char flags = 0xff, key[OTRL_EXTRAKEY_BYTES];
    err = otrl_proto_accept_data(&plain, &tlvs, ctx(), msg, &flags, key);
    printf("  accept_data err=%08x flags=%u plaintext=", (unsigned)err, flags);
    snapshot_str(stdout, plain);
    put_tlvs(tlvs);
    putchar('\n');
    free(plain);
    otrl_tlv_free(tlvs);
    free(msg);
}

static void call_fragments(void)
{
    ConnContext *c = ctx();
    if (no_context(c)) return;
    char **pieces = NULL;
    gcry_error_t err = otrl_proto_fragment_create(100, 3, &pieces, c, LONG);
    printf("  fragment_create err=%08x\n", (unsigned)err);
    for (int i = 0; !err && i < 3; i++) {
        printf("  piece %d: ", i + 1);
        put_wire(pieces[i]);
        printf(" (%zu bytes)\n", strlen(pieces[i]));
    }
    /* The pieces come back to A, as if from B (v2 pieces carry no instance tags). */
    for (int i = 0; !err && i < 3; i++) {
        char *whole = NULL;
        OtrlFragmentResult r = otrl_proto_fragment_accumulate(&whole, c, pieces[i]);
        printf("  accumulate %d: %d ", i + 1, (int)r);
        snapshot_str(stdout, whole);
        putchar('\n');
        free(whole);
    }
    if (!err) otrl_proto_fragment_free(&pieces, 3);
    printf("  pieces freed: %s\n", pieces ? "no" : "yes");
}

/* privkey.h */

static void call_privkey_find_forget(void)
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    unsigned char raw[20];
    printf("  fingerprint %s\n", otrl_privkey_fingerprint(A.us, human, A.account, A.protocol) ? human : "(none)");
    printf("  fingerprint_raw %s\n", otrl_privkey_fingerprint_raw(A.us, raw, A.account, A.protocol) ? "found" : "(none)");
    printf("  unknown account: %s\n", otrl_privkey_fingerprint(A.us, human, "nobody", A.protocol) ? human : "(none)");
    OtrlPrivKey *key = otrl_privkey_find(A.us, A.account, A.protocol);
    printf("  find %s\n", key ? "found" : "(none)");
    otrl_privkey_forget(key);
    send_text(&A, "typed without a key");
    deliver();
    send_text(&B, "?OTR?");
}

static void call_privkey_forget_all(void)
{
    otrl_privkey_forget_all(A.us);
    otrl_privkey_pending_forget_all(A.us);
    send_text(&B, "?OTR?");
}

static void call_privkey_read(void)
{
    printf("  read err=%08x\n", (unsigned)otrl_privkey_read(A.us, SAMPLES "/sample.private_key"));
    FILE *f = fopen(SAMPLES "/sample.private_key", "r");
    printf("  read_FILEp err=%08x\n", (unsigned)otrl_privkey_read_FILEp(A.us, f));
    if (f) fclose(f);
    printf("  missing err=%08x\n", (unsigned)otrl_privkey_read(A.us, "/nonexistent/private_key"));
}

static void print_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        printf("  | ");
        line[strcspn(line, "\n")] = 0;
        snapshot_str(stdout, line);
        putchar('\n');
    }
    if (f) fclose(f);
}

static void call_fingerprints_files(void)
{
    printf("  read_fingerprints err=%08x\n",
           (unsigned)otrl_privkey_read_fingerprints(A.us, SAMPLES "/sample.fingerprints", NULL, NULL));
    printf("  write_fingerprints err=%08x\n", (unsigned)otrl_privkey_write_fingerprints(A.us, A.fp_path));
    print_file(A.fp_path);
    FILE *f = fopen(A.fp_path, "r");
    printf("  read_fingerprints_FILEp err=%08x\n",
           (unsigned)otrl_privkey_read_fingerprints_FILEp(B.us, f, NULL, NULL));
    if (f) fclose(f);
    f = fopen(B.fp_path, "w");
    printf("  B write_fingerprints_FILEp err=%08x\n", (unsigned)otrl_privkey_write_fingerprints_FILEp(B.us, f));
    if (f) fclose(f);
    print_file(B.fp_path);
}

/* Key generation (slow: only in some states): a second account's key, in the three
 * ways libotr offers. */
static void call_privkey_generate(void)
{
    void *newkey = NULL;
    gcry_error_t err = otrl_privkey_generate_start(A.us, "second", A.protocol, &newkey);
    printf("  generate_start err=%08x\n", (unsigned)err);
    void *again = NULL;
    printf("  generate_start again err=%08x\n",
           (unsigned)otrl_privkey_generate_start(A.us, "second", A.protocol, &again));
    if (!err) {
        printf("  generate_calculate err=%08x\n", (unsigned)otrl_privkey_generate_calculate(newkey));
        printf("  generate_finish err=%08x\n", (unsigned)otrl_privkey_generate_finish(A.us, newkey, A.fp_path));
    }
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    printf("  second has a key: %s\n", otrl_privkey_fingerprint(A.us, human, "second", A.protocol) ? "yes" : "no");
    err = otrl_privkey_generate_start(A.us, "third", A.protocol, &newkey);
    printf("  generate_start third err=%08x\n", (unsigned)err);
    if (!err) otrl_privkey_generate_cancelled(A.us, newkey);
    printf("  generate_start third again err=%08x\n",
           (unsigned)otrl_privkey_generate_start(A.us, "third", A.protocol, &newkey));
    if (!err) {
        otrl_privkey_generate_calculate(newkey);
        FILE *f = fopen(A.fp_path, "w+");
        printf("  generate_finish_FILEp err=%08x\n",
               (unsigned)otrl_privkey_generate_finish_FILEp(A.us, newkey, f));
        if (f) fclose(f);
    }
    FILE *f = fopen(A.fp_path, "w+");
    printf("  generate_FILEp err=%08x\n", (unsigned)otrl_privkey_generate_FILEp(A.us, f, "fourth", A.protocol));
    if (f) fclose(f);
    printf("  generate err=%08x\n", (unsigned)otrl_privkey_generate(A.us, A.fp_path, "fifth", A.protocol));
    for (OtrlPrivKey *k = A.us->privkey_root; k; k = k->next) printf("  key %s %s\n", k->accountname, k->protocol);
}

static void call_privkey_sign(void)
{
    OtrlPrivKey *key = otrl_privkey_find(A.us, A.account, A.protocol);
    unsigned char *sig = NULL;
    size_t siglen = 0;
    gcry_error_t err = otrl_privkey_sign(&sig, &siglen, key, (const unsigned char *)"signed", 6);
    printf("  sign err=%08x len=%zu\n", (unsigned)err, siglen);
    if (!err) {
        const unsigned char *data = (const unsigned char *)"signed";
        printf("  verify %08x, other data %08x, cut short %08x\n",
               (unsigned)otrl_privkey_verify(sig, siglen, key->pubkey_type, key->privkey, data, 6),
               (unsigned)otrl_privkey_verify(sig, siglen, key->pubkey_type, key->privkey, data, 5),
               (unsigned)otrl_privkey_verify(sig, siglen - 1, key->pubkey_type, key->privkey, data, 6));
    }
    free(sig);
}

/* instag.h */

static void call_instag(void)
{
    OtrlInsTag *tag = otrl_instag_find(A.us, A.account, A.protocol);
    printf("  find %08x\n", tag ? tag->instag : 0);
    printf("  write err=%08x\n", (unsigned)otrl_instag_write(A.us, A.fp_path));
    print_file(A.fp_path);
    otrl_instag_forget(tag);
    printf("  after forget: %s\n", otrl_instag_find(A.us, A.account, A.protocol) ? "found" : "none");
    printf("  read err=%08x\n", (unsigned)otrl_instag_read(A.us, A.fp_path));
    tag = otrl_instag_find(A.us, A.account, A.protocol);
    printf("  read back %08x\n", tag ? tag->instag : 0);
    FILE *f = fopen(A.fp_path, "r");
    printf("  read_FILEp err=%08x\n", (unsigned)otrl_instag_read_FILEp(B.us, f));
    if (f) fclose(f);
    f = fopen(A.fp_path, "w");
    printf("  write_FILEp err=%08x\n", (unsigned)otrl_instag_write_FILEp(B.us, f));
    if (f) fclose(f);
    print_file(A.fp_path);
    otrl_instag_t fresh = otrl_instag_get_new();
    printf("  get_new valid: %s\n", fresh >= OTRL_MIN_VALID_INSTAG ? "yes" : "no");
    printf("  generate err=%08x\n", (unsigned)otrl_instag_generate(A.us, A.fp_path, "second", A.protocol));
    f = fopen(A.fp_path, "w");
    printf("  generate_FILEp err=%08x\n", (unsigned)otrl_instag_generate_FILEp(A.us, f, "third", A.protocol));
    if (f) fclose(f);
    tag = otrl_instag_find(A.us, "third", A.protocol);
    printf("  third valid: %s\n", tag && tag->instag >= OTRL_MIN_VALID_INSTAG ? "yes" : "no");
}

static void call_instag_forget_all(void)
{
    otrl_instag_forget_all(A.us);
    send_text(&A, "typed without an instance tag");
    send_text(&B, "?OTR?");
}

/* sm.h on a live context: what bitlbee does. */
static void call_sm_state_free(void)
{
    if (no_context(ctx())) return;
    otrl_sm_state_free(ctx()->smstate);
    snap(&A);
    call_b_initiates_smp();
}

static const struct call {
    const char *name;
    void (*run)(void);
    /* Only in these states (NULL: in every state). */
    const char *const *only;
} calls[] = {
    {"send", call_send, NULL},
    {"send_skip", call_send_skip, NULL},
    {"send_query", call_send_query, NULL},
    {"send_tlv", call_send_tlv, NULL},
    {"send_fragments", call_send_fragments, NULL},
    {"send_fragments_but_first", call_send_fragments_but_first, NULL},
    {"send_after_a_minute", call_send_after_a_minute, NULL},
    {"receive_plain", call_receive_plain, NULL},
    {"receive_query", call_receive_query, NULL},
    {"receive_tagged", call_receive_tagged, NULL},
    {"receive_error", call_receive_error, NULL},
    {"receive_malformed", call_receive_malformed, NULL},
    {"receive_unknown", call_receive_unknown, NULL},
    {"receive_fragment", call_receive_fragment, NULL},
    {"receive_from_b", call_receive_from_b, NULL},
    {"receive_after_a_minute", call_receive_after_a_minute, NULL},
    {"disconnect", call_disconnect, NULL},
    {"disconnect_all", call_disconnect_all, NULL},
    {"b_disconnects", call_b_disconnects, NULL},
    {"initiate_smp", call_initiate_smp, NULL},
    {"initiate_smp_q", call_initiate_smp_q, NULL},
    {"respond_smp", call_respond_smp, NULL},
    {"respond_smp_wrong", call_respond_smp_wrong, NULL},
    {"abort_smp", call_abort_smp, NULL},
    {"b_initiates_smp", call_b_initiates_smp, NULL},
    {"b_responds_smp", call_b_responds_smp, NULL},
    {"b_aborts_smp", call_b_aborts_smp, NULL},
    {"abort_from_callback", call_abort_from_callback, (const char *const[]){"encrypted", "smp_succeeded", NULL}},
    {"symkey", call_symkey, NULL},
    {"poll", call_poll, NULL},
    {"poll_after_a_minute", call_poll_after_a_minute, NULL},
    {"message_free", call_message_free, NULL},
    {"context_find", call_find, NULL},
    {"context_fingerprints", call_fingerprints, NULL},
    {"context_update_recent_child", call_update_recent_child, NULL},
    {"context_force_finished", call_force_finished, NULL},
    {"context_force_plaintext", call_force_plaintext, NULL},
    {"context_forget_fingerprint", call_forget_fingerprint, NULL},
    {"context_forget", call_forget, NULL},
    {"context_forget_all", call_forget_all, NULL},
    {"context_find_recent", call_find_recent, NULL},
    {"proto_create_data", call_create_data, NULL},
    {"proto_accept_data", call_accept_data, NULL},
    {"proto_fragments", call_fragments, NULL},
    {"privkey_find_forget", call_privkey_find_forget, NULL},
    {"privkey_forget_all", call_privkey_forget_all, NULL},
    {"privkey_read", call_privkey_read, NULL},
    {"privkey_fingerprints_files", call_fingerprints_files, NULL},
    {"privkey_generate", call_privkey_generate, (const char *const[]){"none", "encrypted", NULL}},
    {"privkey_sign", call_privkey_sign, NULL},
    {"instag", call_instag, NULL},
    {"instag_forget_all", call_instag_forget_all, NULL},
    {"sm_state_free", call_sm_state_free, NULL},
};

/* ---- running them -------------------------------------------------------------------- */

static int listed(const char *const *names, const char *name)
{
    for (; *names; names++)
        if (!strcmp(*names, name)) return 1;
    return 0;
}

/* Waits for a fork's call to end; says how it ended unless it simply returned. */
static void wait_for(pid_t pid)
{
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) printf("  (fork failed)\n");
    else if (WIFSIGNALED(status)) printf("  crashed (signal %d)\n", WTERMSIG(status));
    else if (WEXITSTATUS(status)) printf("  exit %d\n", WEXITSTATUS(status));
}

/* Runs `call` in a fork of this process, in the state built here. */
static void run_call(const struct state *state, const struct call *call)
{
    printf("== %s / %s\n", state->name, call->name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        call->run();
        deliver();
        printf("  -- after\n");
        snap(&A);
        snap(&B);
        teardown();
        fflush(stdout);
        _exit(0);
    }
    wait_for(pid);
}

/* The one pure part of the API, the same in every state: proto.h's parsing and query
 * messages, and privkey.h's hash_to_human. */
static void pure_calls(void)
{
    printf("== pure\n");
    printf("  version %s\n", otrl_version());
    /* otrl_init keeps the lowest version it was given (below 4.0 no received_symkey):
     * in a fork, so the calls after these keep 4.1.1. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        static const unsigned int versions[][3] = {{4, 1, 1}, {4, 0, 0}, {3, 2, 0}, {5, 0, 0}};
        for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
            printf("  init %u.%u.%u err=%08x\n", versions[i][0], versions[i][1], versions[i][2],
                   (unsigned)otrl_init(versions[i][0], versions[i][1], versions[i][2]));
        fflush(stdout);
        _exit(0);
    }
    wait_for(pid);
    static const OtrlPolicy policies[] = {OTRL_POLICY_NEVER, OTRL_POLICY_ALLOW_V1, OTRL_POLICY_ALLOW_V2,
                                          OTRL_POLICY_ALLOW_V3, V23, OTRL_POLICY_DEFAULT};
    static const char *const messages[] = {
        "hello", "?OTR?", "?OTRv2?", "?OTRv3?", "?OTRv23?", "?OTR?v2?", "?OTRv?", "?OTR?v23?",
        "hi \t  \t\t\t\t \t \t \t    \t\t  \t\t", "hi \t  \t\t\t\t \t \t \t    \t\t  \t ",
        "?OTR Error: nope", "?OTR:AAMCAAAAAAAAAAAA.", "?OTR:AAICAAAA.", "?OTR:AAMKAAAAAQAAAAIA.",
        "?OTR:AAMRAAAAAQAAAAIA.", "?OTR:AAMSAAAAAQAAAAIA.", "?OTR:AAMDAAAAAQAAAAIA.", "?OTR:AAEDAA.",
        "?OTR|00000100|00000200,00001,00002,?OTR:AAMD,", "?OTR,00001,00002,?OTR:AAID,", "?OTR:",
        "?OTR", "?OTRv3 ", "",
    };
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        char *q = otrl_proto_default_query_msg("alice@example.org", policies[i]);
        printf("  default_query_msg %u: ", (unsigned)policies[i]);
        snapshot_str(stdout, q);
        putchar('\n');
        free(q);
    }
    for (size_t m = 0; m < sizeof messages / sizeof messages[0]; m++) {
        const char *msg = messages[m];
        unsigned int from = 0, to = 0;
        gcry_error_t err = otrl_proto_instance(msg, &from, &to);
        printf("  [%zu] type=%d version=%d instance err=%08x %08x>%08x", m, (int)otrl_proto_message_type(msg),
               otrl_proto_message_version(msg), (unsigned)err, from, to);
        for (size_t p = 0; p < sizeof policies / sizeof policies[0]; p++) {
            const char *start = NULL, *end = NULL;
            unsigned int ws = otrl_proto_whitespace_bestversion(msg, &start, &end, policies[p]);
            printf(" q%u/w%u", otrl_proto_query_bestversion(msg, policies[p]), ws);
            if (start) printf("@%td-%td", start - msg, end - msg);
        }
        unsigned char flags = 0xff;
        err = otrl_proto_data_read_flags(msg, &flags);
        printf(" flags err=%08x %u\n", (unsigned)err, flags);
    }
    unsigned char hash[20];
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    for (int i = 0; i < 20; i++) hash[i] = (unsigned char)(i * 13);
    otrl_privkey_hash_to_human(human, hash);
    printf("  hash_to_human %s\n", human);
}

/* The sm.h state machine on its own states: each step function called on each state
 * an exchange goes through (from a fresh struct to both ends of a finished exchange,
 * and after otrl_sm_state_free), as Alice's and as Bob's state. */
static void sm_state_line(const char *who, OtrlSMState *s)
{
    printf("  %s next=%d question=%d prog=%d numbers=", who, (int)s->nextExpected, s->received_question,
           (int)s->sm_prog_state);
    gcry_mpi_t *n[] = {&s->secret, &s->x2, &s->x3, &s->g1, &s->g2, &s->g3, &s->g3o, &s->p, &s->q, &s->pab, &s->qab};
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++) putchar(*n[i] ? '1' : '0');
    putchar('\n');
}

typedef struct { OtrlSMState alice, bob; unsigned char *msg[5]; int len[5]; } sm_pair;

/* Alice and Bob `steps` steps into an exchange (0: fresh, -1: initialised), keeping
 * the messages. */
static void sm_build(sm_pair *s, int steps, int equal)
{
    memset(s, 0, sizeof *s);
    otrl_sm_state_new(&s->alice);
    otrl_sm_state_new(&s->bob);
    if (steps < 0) {
        otrl_sm_state_init(&s->alice);
        otrl_sm_state_init(&s->bob);
        return;
    }
    const unsigned char *sa = SECRET, *sb = equal ? SECRET : (const unsigned char *)"other";
    int la = SECRET_LEN, lb = equal ? SECRET_LEN : 5;
    if (steps >= 1) otrl_sm_step1(&s->alice, sa, la, &s->msg[1], &s->len[1]);
    if (steps >= 2) otrl_sm_step2a(&s->bob, s->msg[1], s->len[1], 0);
    if (steps >= 3) otrl_sm_step2b(&s->bob, sb, lb, &s->msg[2], &s->len[2]);
    if (steps >= 4) otrl_sm_step3(&s->alice, s->msg[2], s->len[2], &s->msg[3], &s->len[3]);
    if (steps >= 5) otrl_sm_step4(&s->bob, s->msg[3], s->len[3], &s->msg[4], &s->len[4]);
    if (steps >= 6) otrl_sm_step5(&s->alice, s->msg[4], s->len[4]);
}

static void sm_free(sm_pair *s)
{
    otrl_sm_state_free(&s->alice);
    otrl_sm_state_free(&s->bob);
    for (int i = 0; i < 5; i++) free(s->msg[i]);
}

/* One sm.h call on one side of a pair built in this process, in a fork of it. */
static void sm_call(sm_pair *s, int side, int step)
{
    OtrlSMState *st = side ? &s->bob : &s->alice;
    /* Each step gets the message it expects, from this exchange (NULL before there is
     * one). */
    unsigned char *out = NULL;
    int outlen = -1;
    gcry_error_t err = 0;
    switch (step) {
    case 0: err = otrl_sm_step1(st, SECRET, SECRET_LEN, &out, &outlen); break;
    case 1: err = otrl_sm_step2a(st, s->msg[1], s->len[1], 1); break;
    case 2: err = otrl_sm_step2b(st, SECRET, SECRET_LEN, &out, &outlen); break;
    case 3: err = otrl_sm_step3(st, s->msg[2], s->len[2], &out, &outlen); break;
    case 4: err = otrl_sm_step4(st, s->msg[3], s->len[3], &out, &outlen); break;
    case 5: err = otrl_sm_step5(st, s->msg[4], s->len[4]); break;
    case 6: otrl_sm_state_free(st); break;
    case 7: otrl_sm_state_init(st); break;
    }
    printf("  err=%08x output=%s\n", (unsigned)err, outlen < 0 ? "-" : out ? "message" : "(null)");
    free(out);
    sm_state_line("alice", &s->alice);
    sm_state_line("bob", &s->bob);
}

static void sm_calls(void)
{
    static const char *const built[] = {"initialised", "fresh", "after step1", "after step2a",
                                        "after step2b", "after step3", "after step4", "after step5"};
    static const char *const steps[] = {"step1", "step2a", "step2b", "step3", "step4", "step5",
                                        "state_free", "state_init"};
    otrl_sm_init();
    for (int equal = 1; equal >= 0; equal--) {
        for (int b = -1; b <= 6; b++) {
            sm_pair s;
            sm_build(&s, b, equal);
            printf("== sm %s%s\n", built[b + 1], equal ? "" : " (secrets differ)");
            sm_state_line("alice", &s.alice);
            sm_state_line("bob", &s.bob);
            for (int f = 0; f < (int)(sizeof steps / sizeof steps[0]); f++) {
                for (int side = 0; side < 2; side++) {
                    printf("== sm %s%s / %s %s\n", built[b + 1], equal ? "" : " (secrets differ)",
                           side ? "bob" : "alice", steps[f]);
                    fflush(stdout);
                    pid_t pid = fork();
                    if (pid == 0) {
                        sm_call(&s, side, f);
                        sm_free(&s);
                        fflush(stdout);
                        _exit(0);
                    }
                    wait_for(pid);
                }
            }
            sm_free(&s);
        }
    }
}

/* Stops unless the libotr this process runs on is the one OTR_EXPECT_LIB names. */
static void check_library(void)
{
    const char *expect = getenv("OTR_EXPECT_LIB");
    Dl_info info;
    char lib[PATH_MAX], dir[PATH_MAX];
    if (!expect) return;
    if (!dladdr((void *)otrl_message_receiving, &info) || !realpath(info.dli_fname, lib) ||
        !realpath(expect, dir) || strncmp(lib, dir, strlen(dir)) || lib[strlen(dir)] != '/') {
        fprintf(stderr, "every_call: runs on %s, not on the library in %s\n",
                info.dli_fname ? info.dli_fname : "?", expect);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    OTRL_INIT;
    check_library();
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    snapshot_epoch = T0;
    if (argc == 1) {
        pure_calls();
        sm_calls();
    }
    for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
        int wanted = argc == 1;
        for (int i = 1; i < argc; i++) wanted |= !strcmp(argv[i], states[s].name);
        if (!wanted) continue;
        printf("== %s\n", states[s].name);
        states[s].build();
        printf("  -- built\n");
        snap(&A);
        snap(&B);
        for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++)
            if (!calls[c].only || listed(calls[c].only, states[s].name)) run_call(&states[s], &calls[c]);
        teardown();
    }
    fflush(stdout);
    return 0;
}
