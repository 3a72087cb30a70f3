/* One side of an OTR conversation for the interoperability suite (tests/interop/run.py).
 *
 * Built once against Debian's libotr headers and run against whichever libotr.so.5 the
 * loader finds (LD_LIBRARY_PATH=build for ours). The driver writes one command a line on
 * stdin; the peer answers with one line per callback or result on stdout and closes every
 * command with "ok". The protocol is documented in tests/interop/README.md.
 *
 *   peer ACCOUNT PROTOCOL DIR     (DIR holds private_key, instance_tags, fingerprints)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>
#include <libotr/instag.h>
#include <libotr/tlv.h>
#include "snapshot.h"

/* The peer's clock: libotr (ours and Debian's) asks libc's time(); the peer exports its
 * own time() (linked with -rdynamic), which the loader binds those calls to, so the
 * driver can move the clock forward ("clock SECONDS") to make heartbeats and expiries
 * due without waiting. */
static time_t clock_offset;

time_t time(time_t *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t now = ts.tv_sec + clock_offset;
    if (t) *t = now;
    return now;
}

static struct {
    const char *account, *protocol;
    char key_path[4096], instag_path[4096], fp_path[4096];
    OtrlUserState us;
    OtrlPolicy policy;
    int max_message_size, logged_in, injected;
    /* What the SMP callback does besides logging: 0 nothing, 1 as bitlbee (abort on an
     * error or cheating, free the SMP state whenever an exchange ends). */
    int smp_style;
    OtrlFragmentPolicy frag;
} peer;

/* Writes `s` with backslash, newline and carriage return escaped, so it stays one line. */
static void put_escaped(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') fputs("\\\\", stdout);
        else if (c == '\n') fputs("\\n", stdout);
        else if (c == '\r') fputs("\\r", stdout);
        else putchar(c);
    }
}

static void put_str(const char *s)
{
    if (s) put_escaped(s, strlen(s));
    else fputs("(null)", stdout);
}

static void put_hex(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) printf("%02x", p[i]);
}

/* Undoes put_escaped in place. */
static void unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1] == 'n') { *out++ = '\n'; s++; }
        else if (*s == '\\' && s[1] == 'r') { *out++ = '\r'; s++; }
        else if (*s == '\\' && s[1] == '\\') { *out++ = '\\'; s++; }
        else *out++ = *s;
    }
    *out = 0;
}

static const char *msgstate_name(OtrlMessageState s)
{
    switch (s) {
    case OTRL_MSGSTATE_PLAINTEXT: return "plaintext";
    case OTRL_MSGSTATE_ENCRYPTED: return "encrypted";
    case OTRL_MSGSTATE_FINISHED: return "finished";
    }
    return "?";
}

static const char *smp_event_name(OtrlSMPEvent e)
{
    static const char *names[] = { "none", "error", "abort", "cheated", "ask_for_answer",
                                   "ask_for_secret", "in_progress", "success", "failure" };
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

static const char *msg_event_name(OtrlMessageEvent e)
{
    static const char *names[] = {
        "none", "encryption_required", "encryption_error", "connection_ended", "setup_error",
        "msg_reflected", "msg_resent", "rcvdmsg_not_in_private", "rcvdmsg_unreadable",
        "rcvdmsg_malformed", "log_heartbeat_rcvd", "log_heartbeat_sent", "rcvdmsg_general_err",
        "rcvdmsg_unencrypted", "rcvdmsg_unrecognized", "rcvdmsg_for_other_instance" };
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

/* The context's place: "master" or the instance tag of a child. */
static void put_context(ConnContext *c)
{
    if (!c) { fputs(" ctx=(null)", stdout); return; }
    printf(" ctx=%s/%08x", c->username, c->their_instance);
}

/* What a client can read of the contexts, printed first in every callback. */
static void snap(void) { snapshot(stdout, peer.us, ""); }

/* ---- the callbacks: every one is logged, with a snapshot first ------------------------ */

static OtrlPolicy op_policy(void *o, ConnContext *c)
{
    snap();
    printf("cb policy");
    put_context(c);
    putchar('\n');
    return peer.policy;
}

static void op_create_privkey(void *o, const char *account, const char *protocol)
{
    snap();
    printf("cb create_privkey %s %s\n", account, protocol);
    gcry_error_t err = otrl_privkey_generate(peer.us, peer.key_path, account, protocol);
    printf("privkey_generate %08x\n", (unsigned)err);
}

static int op_is_logged_in(void *o, const char *a, const char *p, const char *r)
{
    snap();
    printf("cb is_logged_in %s\n", r);
    return peer.logged_in;
}

static void op_inject(void *o, const char *account, const char *protocol, const char *to,
                      const char *msg)
{
    snap();
    printf("inject %s ", to);
    put_str(msg);
    putchar('\n');
    peer.injected++;
}

static void op_update_context_list(void *o)
{
    snap();
    puts("cb update_context_list");
}

static void op_new_fingerprint(void *o, OtrlUserState us, const char *account,
                               const char *protocol, const char *username, unsigned char fp[20])
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    snap();
    otrl_privkey_hash_to_human(human, fp);
    printf("cb new_fingerprint %s %s\n", username, human);
}

static void op_write_fingerprints(void *o)
{
    snap();
    gcry_error_t err = otrl_privkey_write_fingerprints(peer.us, peer.fp_path);
    printf("cb write_fingerprints %08x\n", (unsigned)err);
}

static void op_gone_secure(void *o, ConnContext *c)
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN] = "(none)";
    snap();
    if (c->active_fingerprint) otrl_privkey_hash_to_human(human, c->active_fingerprint->fingerprint);
    printf("cb gone_secure");
    put_context(c);
    printf(" v%d fp=%s\n", (int)c->protocol_version, human);
}

static void op_gone_insecure(void *o, ConnContext *c)
{
    snap();
    printf("cb gone_insecure");
    put_context(c);
    putchar('\n');
}

static void op_still_secure(void *o, ConnContext *c, int is_reply)
{
    snap();
    printf("cb still_secure");
    put_context(c);
    printf(" is_reply=%d\n", is_reply);
}

static int op_max_message_size(void *o, ConnContext *c)
{
    snap();
    printf("cb max_message_size");
    put_context(c);
    putchar('\n');
    return peer.max_message_size;
}

static const char *op_account_name(void *o, const char *account, const char *protocol)
{
    snap();
    printf("cb account_name %s\n", account);
    return strdup(account);
}

static void op_account_name_free(void *o, const char *name)
{
    snap();
    puts("cb account_name_free");
    free((char *)name);
}

static void op_received_symkey(void *o, ConnContext *c, unsigned int use,
                               const unsigned char *usedata, size_t usedatalen,
                               const unsigned char *symkey)
{
    snap();
    printf("cb received_symkey");
    put_context(c);
    printf(" use=%u data=", use);
    put_escaped((const char *)usedata, usedatalen);
    printf(" key=");
    put_hex(symkey, OTRL_EXTRAKEY_BYTES);
    putchar('\n');
}

static const char *op_otr_error_message(void *o, ConnContext *c, OtrlErrorCode code)
{
    snap();
    printf("cb otr_error_message");
    put_context(c);
    printf(" code=%d\n", (int)code);
    char *text = malloc(32);
    if (text) snprintf(text, 32, "interop error %d", (int)code);
    return text;
}

static void op_otr_error_message_free(void *o, const char *text)
{
    snap();
    puts("cb otr_error_message_free");
    free((char *)text);
}

static const char *op_resent_msg_prefix(void *o, ConnContext *c)
{
    snap();
    printf("cb resent_msg_prefix");
    put_context(c);
    putchar('\n');
    return strdup("[again]");
}

static void op_resent_msg_prefix_free(void *o, const char *p)
{
    snap();
    puts("cb resent_msg_prefix_free");
    free((char *)p);
}

static ConnContext *smp_context;
static OtrlMessageAppOps ops;

static void op_handle_smp_event(void *o, OtrlSMPEvent e, ConnContext *c, unsigned short progress,
                                char *question)
{
    snap();
    printf("cb smp_event %s", smp_event_name(e));
    put_context(c);
    printf(" progress=%u question=", progress);
    put_str(question);
    putchar('\n');
    smp_context = c;
    if (peer.smp_style == 1 && e != OTRL_SMPEVENT_ASK_FOR_SECRET && e != OTRL_SMPEVENT_ASK_FOR_ANSWER &&
        e != OTRL_SMPEVENT_IN_PROGRESS) {
        if (e == OTRL_SMPEVENT_ERROR || e == OTRL_SMPEVENT_CHEATED)
            otrl_message_abort_smp(peer.us, &ops, NULL, c);
        otrl_sm_state_free(c->smstate);
        snap();
        puts("smp_state_freed");
    }
}

static void op_handle_msg_event(void *o, OtrlMessageEvent e, ConnContext *c, const char *message,
                                gcry_error_t err)
{
    snap();
    printf("cb msg_event %s", msg_event_name(e));
    put_context(c);
    printf(" err=%08x message=", (unsigned)err);
    put_str(message);
    putchar('\n');
}

static void op_create_instag(void *o, const char *account, const char *protocol)
{
    snap();
    printf("cb create_instag %s %s\n", account, protocol);
    otrl_instag_generate(peer.us, peer.instag_path, account, protocol);
}

static void op_convert_msg(void *o, ConnContext *c, OtrlConvertType t, char **dest, const char *src)
{
    snap();
    printf("cb convert_msg %s", t == OTRL_CONVERT_SENDING ? "sending" : "receiving");
    put_context(c);
    putchar('\n');
    *dest = NULL;
}

static void op_convert_free(void *o, ConnContext *c, char *dest)
{
    snap();
    printf("cb convert_free");
    put_context(c);
    putchar('\n');
    free(dest);
}

static void op_timer_control(void *o, unsigned int interval)
{
    snap();
    printf("cb timer_control %u\n", interval);
}

static OtrlMessageAppOps ops = {
    op_policy, op_create_privkey, op_is_logged_in, op_inject, op_update_context_list,
    op_new_fingerprint, op_write_fingerprints, op_gone_secure, op_gone_insecure,
    op_still_secure, op_max_message_size, op_account_name, op_account_name_free,
    op_received_symkey, op_otr_error_message, op_otr_error_message_free, op_resent_msg_prefix,
    op_resent_msg_prefix_free, op_handle_smp_event, op_handle_msg_event, op_create_instag,
    op_convert_msg, op_convert_free, op_timer_control,
};

/* ---- commands ---------------------------------------------------------------------- */

/* Splits the next space-separated word off *rest (NULL when there is none). */
static char *word(char **rest)
{
    char *s = *rest;
    if (!s || !*s) return NULL;
    char *space = strchr(s, ' ');
    if (space) { *space = 0; *rest = space + 1; }
    else *rest = s + strlen(s);
    return s;
}

static otrl_instag_t parse_instag(const char *s)
{
    if (!s || !strcmp(s, "best")) return OTRL_INSTAG_BEST;
    if (!strcmp(s, "master")) return OTRL_INSTAG_MASTER;
    if (!strcmp(s, "recent")) return OTRL_INSTAG_RECENT;
    if (!strcmp(s, "recent_received")) return OTRL_INSTAG_RECENT_RECEIVED;
    if (!strcmp(s, "recent_sent")) return OTRL_INSTAG_RECENT_SENT;
    return (otrl_instag_t)strtoul(s, NULL, 16);
}

static ConnContext *find_context(const char *user, otrl_instag_t instag)
{
    return otrl_context_find(peer.us, user, peer.account, peer.protocol, instag, 0, NULL, NULL,
                             NULL);
}

/* The app sends `text` to `to`: what otrl_message_sending makes of it goes on the wire. */
static void cmd_send(const char *to, otrl_instag_t instag, const char *text)
{
    char *msg = NULL;
    peer.injected = 0;
    gcry_error_t err = otrl_message_sending(peer.us, &ops, NULL, peer.account, peer.protocol,
                                            to, instag, text, NULL, &msg, peer.frag, NULL, NULL,
                                            NULL);
    printf("sending err=%08x\n", (unsigned)err);
    if (err) {
        /* libotr tells the app not to send anything */
    } else if (!msg) {
        printf("out %s ", to);
        put_str(text);
        putchar('\n');
    } else if (peer.frag == OTRL_FRAGMENT_SEND_ALL) {
        puts("sending injected");
    } else if (*msg) {
        printf("out %s ", to);
        put_str(msg);
        putchar('\n');
    } else {
        puts("sending empty");
    }
    otrl_message_free(msg);
}

static void cmd_recv(const char *from, const char *msg)
{
    char *shown = NULL;
    OtrlTLV *tlvs = NULL;
    ConnContext *c = NULL;
    int internal = otrl_message_receiving(peer.us, &ops, NULL, peer.account, peer.protocol, from,
                                          msg, &shown, &tlvs, &c, NULL, NULL);
    printf("receiving internal=%d", internal);
    put_context(c);
    putchar('\n');
    for (OtrlTLV *t = tlvs; t; t = t->next) printf("tlv %u len=%u\n", t->type, t->len);
    if (!internal) {
        printf("msg %s ", from);
        put_str(shown ? shown : msg);
        putchar('\n');
    }
    otrl_tlv_free(tlvs);
    otrl_message_free(shown);
}

static void cmd_state(const char *user)
{
    for (ConnContext *c = peer.us->context_root; c; c = c->next) {
        if (user && strcmp(c->username, user)) continue;
        char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN] = "(none)";
        if (c->active_fingerprint)
            otrl_privkey_hash_to_human(human, c->active_fingerprint->fingerprint);
        printf("state %s/%08x master=%d msgstate=%s v%d auth=%d smp=%d offer=%d fp=%s trust=",
               c->username, c->their_instance, c->m_context == c, msgstate_name(c->msgstate),
               (int)c->protocol_version, (int)c->auth.authstate,
               c->smstate ? (int)c->smstate->nextExpected : -1, (int)c->otr_offer, human);
        put_str(c->active_fingerprint ? c->active_fingerprint->trust : NULL);
        putchar('\n');
    }
}

static void cmd_fingerprints(void)
{
    for (ConnContext *c = peer.us->context_root; c; c = c->next) {
        if (c->m_context != c) continue;
        for (Fingerprint *f = c->fingerprint_root.next; f; f = f->next) {
            char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
            otrl_privkey_hash_to_human(human, f->fingerprint);
            printf("fingerprint %s %s trust=", c->username, human);
            put_str(f->trust);
            putchar('\n');
        }
    }
}

static void cmd_whoami(void)
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    OtrlInsTag *tag = otrl_instag_find(peer.us, peer.account, peer.protocol);
    printf("whoami %s instag=%08x fp=%s\n", peer.account, tag ? tag->instag : 0,
           otrl_privkey_fingerprint(peer.us, human, peer.account, peer.protocol) ? human
                                                                                 : "(none)");
}

/* Prints the real path of the libotr this process runs on. */
static void cmd_lib(void)
{
    Dl_info info;
    char *path = NULL;
    if (dladdr((void *)otrl_message_receiving, &info) && info.dli_fname)
        path = realpath(info.dli_fname, NULL);
    printf("lib %s\n", path ? path : "(unknown)");
    free(path);
}

static void cmd_load(void)
{
    printf("privkey_read %08x\n", (unsigned)otrl_privkey_read(peer.us, peer.key_path));
    printf("instag_read %08x\n", (unsigned)otrl_instag_read(peer.us, peer.instag_path));
    printf("fingerprints_read %08x\n", (unsigned)otrl_privkey_read_fingerprints(
                                             peer.us, peer.fp_path, NULL, NULL));
}

static OtrlFragmentPolicy parse_frag(const char *s)
{
    if (s && !strcmp(s, "skip")) return OTRL_FRAGMENT_SEND_SKIP;
    if (s && !strcmp(s, "allbutfirst")) return OTRL_FRAGMENT_SEND_ALL_BUT_FIRST;
    if (s && !strcmp(s, "allbutlast")) return OTRL_FRAGMENT_SEND_ALL_BUT_LAST;
    return OTRL_FRAGMENT_SEND_ALL;
}

static void cmd_smp(char *rest, int with_question)
{
    char *user = word(&rest);
    ConnContext *c = find_context(user, OTRL_INSTAG_BEST);
    if (!c) { puts("error no context"); return; }
    if (with_question) {
        char *bar = strchr(rest, '|');
        if (!bar) { puts("error want question|secret"); return; }
        *bar = 0;
        otrl_message_initiate_smp_q(peer.us, &ops, NULL, c, rest,
                                    (const unsigned char *)bar + 1, strlen(bar + 1));
    } else {
        otrl_message_initiate_smp(peer.us, &ops, NULL, c, (const unsigned char *)rest,
                                  strlen(rest));
    }
}

/* A hostile peer's data message: a genuine one of this session (otrl_proto_create_data,
 * so its MAC is valid) whose next D-H key is replaced by `hex`. It reaches into the
 * context's private keys and uses libotr's data message builder, so it works on Debian's
 * libotr only (ours keeps its keys in the Rust session). */
static void cmd_forge(char *rest)
{
    char *user = word(&rest), *hex = word(&rest);
    ConnContext *c = find_context(user, OTRL_INSTAG_BEST);
    gcry_mpi_t bad = NULL;
    if (!c || c->msgstate != OTRL_MSGSTATE_ENCRYPTED || !hex ||
        gcry_mpi_scan(&bad, GCRYMPI_FMT_HEX, hex, 0, NULL)) {
        puts("error no session or bad value");
        return;
    }
    gcry_mpi_t real = c->context_priv->our_dh_key.pub;
    c->context_priv->our_dh_key.pub = bad;
    char *msg = NULL;
    gcry_error_t err = otrl_proto_create_data(&msg, c, rest, NULL, 0, NULL);
    c->context_priv->our_dh_key.pub = real;
    gcry_mpi_release(bad);
    printf("forge err=%08x\n", (unsigned)err);
    if (!err && msg) {
        printf("out %s ", user);
        put_str(msg);
        putchar('\n');
    }
    free(msg);
}

/* Runs one command line; returns 0 on quit. */
static int run_command(char *line)
{
    char *rest = line;
    char *cmd = word(&rest);
    if (!cmd) return 1;
    if (!strcmp(cmd, "quit")) return 0;
    if (!strcmp(cmd, "policy")) peer.policy = strtoul(rest, NULL, 0);
    else if (!strcmp(cmd, "maxsize")) peer.max_message_size = atoi(rest);
    else if (!strcmp(cmd, "fragmode")) peer.frag = parse_frag(rest);
    else if (!strcmp(cmd, "loggedin")) peer.logged_in = atoi(rest);
    else if (!strcmp(cmd, "smpstyle")) peer.smp_style = !strcmp(rest, "bitlbee");
    else if (!strcmp(cmd, "clock")) clock_offset += atol(rest);
    else if (!strcmp(cmd, "load")) cmd_load();
    else if (!strcmp(cmd, "genkey"))
        printf("privkey_generate %08x\n", (unsigned)otrl_privkey_generate(
                                              peer.us, peer.key_path, peer.account, peer.protocol));
    else if (!strcmp(cmd, "writefp"))
        printf("write_fingerprints %08x\n",
               (unsigned)otrl_privkey_write_fingerprints(peer.us, peer.fp_path));
    else if (!strcmp(cmd, "whoami")) cmd_whoami();
    else if (!strcmp(cmd, "lib")) cmd_lib();
    else if (!strcmp(cmd, "state")) cmd_state(word(&rest));
    else if (!strcmp(cmd, "fingerprints")) cmd_fingerprints();
    else if (!strcmp(cmd, "send")) {
        char *to = word(&rest);
        cmd_send(to, OTRL_INSTAG_BEST, rest);
    } else if (!strcmp(cmd, "sendto")) {
        char *to = word(&rest), *tag = word(&rest);
        cmd_send(to, parse_instag(tag), rest);
    } else if (!strcmp(cmd, "recv")) {
        char *from = word(&rest);
        cmd_recv(from, rest);
    } else if (!strcmp(cmd, "query")) {
        char *to = word(&rest);
        char *q = otrl_proto_default_query_msg(peer.account, peer.policy);
        printf("out %s ", to);
        put_str(q);
        putchar('\n');
        free(q);
    } else if (!strcmp(cmd, "smp")) cmd_smp(rest, 0);
    else if (!strcmp(cmd, "smpq")) cmd_smp(rest, 1);
    else if (!strcmp(cmd, "smprespond")) {
        char *user = word(&rest);
        ConnContext *c = smp_context && !strcmp(smp_context->username, user)
                             ? smp_context : find_context(user, OTRL_INSTAG_BEST);
        if (c) otrl_message_respond_smp(peer.us, &ops, NULL, c, (const unsigned char *)rest,
                                        strlen(rest));
    } else if (!strcmp(cmd, "smpabort")) {
        ConnContext *c = find_context(word(&rest), OTRL_INSTAG_BEST);
        if (c) otrl_message_abort_smp(peer.us, &ops, NULL, c);
    } else if (!strcmp(cmd, "symkey")) {
        char *user = word(&rest), *use = word(&rest);
        ConnContext *c = find_context(user, OTRL_INSTAG_BEST);
        unsigned char key[OTRL_EXTRAKEY_BYTES];
        gcry_error_t err = otrl_message_symkey(peer.us, &ops, NULL, c, atoi(use ? use : "0"),
                                               (const unsigned char *)rest, strlen(rest), key);
        printf("symkey err=%08x", (unsigned)err);
        if (!err) { printf(" key="); put_hex(key, sizeof key); }
        putchar('\n');
    } else if (!strcmp(cmd, "disconnect")) {
        char *user = word(&rest), *tag = word(&rest);
        if (tag) otrl_message_disconnect(peer.us, &ops, NULL, peer.account, peer.protocol, user,
                                         parse_instag(tag));
        else otrl_message_disconnect_all_instances(peer.us, &ops, NULL, peer.account,
                                                   peer.protocol, user);
    } else if (!strcmp(cmd, "trust")) {
        char *user = word(&rest);
        ConnContext *c = find_context(user, OTRL_INSTAG_BEST);
        if (c && c->active_fingerprint) otrl_context_set_trust(c->active_fingerprint, rest);
        else puts("error no fingerprint");
    } else if (!strcmp(cmd, "poll")) otrl_message_poll(peer.us, &ops, NULL);
    else if (!strcmp(cmd, "forge")) cmd_forge(rest);
    else printf("error unknown command %s\n", cmd);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: peer ACCOUNT PROTOCOL DIR\n");
        return 2;
    }
    OTRL_INIT;
    peer.account = argv[1];
    peer.protocol = argv[2];
    snprintf(peer.key_path, sizeof peer.key_path, "%s/private_key", argv[3]);
    snprintf(peer.instag_path, sizeof peer.instag_path, "%s/instance_tags", argv[3]);
    snprintf(peer.fp_path, sizeof peer.fp_path, "%s/fingerprints", argv[3]);
    peer.us = otrl_userstate_create();
    peer.policy = OTRL_POLICY_DEFAULT;
    peer.logged_in = 1;
    peer.frag = OTRL_FRAGMENT_SEND_ALL;

    size_t cap = 0;
    char *line = NULL;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        unescape(line);
        int more = run_command(line);
        puts("ok");
        fflush(stdout);
        if (!more) break;
    }
    free(line);
    otrl_userstate_free(peer.us);
    return 0;
}
