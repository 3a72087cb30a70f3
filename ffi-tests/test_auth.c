/* The AKE state internals libotr exports (auth.h): otrl_auth_copy_on_key, which hands
 * the master context's D-H Commit to an instance; otrl_auth_clear, which releases
 * everything an OtrlAuthInfo holds (valgrind runs catch leaks of ours); and the v2/v3
 * AKE itself, run between the OtrlAuthInfos of two contexts by passing lastauthmsg
 * across: states after each step, what auth_succeeded sees on both sides, collisions
 * of D-H Commits, and messages that are garbage, out of place or from another AKE.
 * The numbers and key handles come from dh.h. Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <libotr/proto.h>
#include <libotr/auth.h>
#include <libotr/context.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>
#include "harness.h"

/* Error values of libotr 4.1.1 with libgcrypt 1.10. */
#define ERR_INV_VALUE 0x20000037u

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* A master AKE awaiting a D-H Key, as otrl_auth_start_v23 leaves it. */
static void awaiting_dhkey(OtrlAuthInfo *m) {
    memset(m, 0, sizeof *m);
    m->authstate = OTRL_AUTHSTATE_AWAITING_DHKEY;
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &m->our_dh);
    m->our_keyid = 1;
    m->initiated = 1;
    memset(m->r, 7, 16);
    m->encgx_len = 196;
    m->encgx = malloc(m->encgx_len);
    for (size_t i = 0; i < m->encgx_len; i++) m->encgx[i] = (unsigned char)i;
    memset(m->hashgx, 9, 32);
}

/* Whether two key pairs give the same data-message keys with a third public value. */
static int same_keys(const DH_keypair *a, const DH_keypair *b, gcry_mpi_t theirs) {
    DH_sesskeys sa, sb;
    otrl_dh_session(&sa, a, theirs);
    otrl_dh_session(&sb, b, theirs);
    int same = memcmp(sa.sendmackey, sb.sendmackey, 20) == 0
        && memcmp(sa.extrakey, sb.extrakey, OTRL_EXTRAKEY_BYTES) == 0;
    otrl_dh_session_free(&sa);
    otrl_dh_session_free(&sb);
    return same;
}

static void test_copy_on_key(void) {
    OtrlAuthInfo m, a;
    DH_keypair other;
    awaiting_dhkey(&m);
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &other);

    memset(&a, 0, sizeof a);
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &a.our_dh);
    a.encgx = malloc(10);
    a.encgx_len = 10;
    otrl_auth_copy_on_key(&m, &a);
    CHECK(a.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY, "the instance awaits a D-H Key");
    CHECK(a.initiated == 1 && a.our_keyid == 1, "initiated and our key id copied");
    CHECK(a.our_dh.groupid == DH1536_GROUP_ID && a.our_dh.priv && a.our_dh.pub
          && a.our_dh.pub != m.our_dh.pub, "our key pair copied into new numbers");
    CHECK(same_keys(&a.our_dh, &m.our_dh, other.pub), "the copy is the same key pair");
    CHECK(memcmp(a.r, m.r, 16) == 0 && memcmp(a.hashgx, m.hashgx, 32) == 0,
          "r and the hashed g^x copied");
    CHECK(a.encgx && a.encgx != m.encgx && memcmp(a.encgx, m.encgx, m.encgx_len) == 0,
          "the encrypted g^x copied into a new buffer");

    /* From a master awaiting a Signature too. */
    OtrlAuthInfo b;
    memset(&b, 0, sizeof b);
    m.authstate = OTRL_AUTHSTATE_AWAITING_SIG;
    otrl_auth_copy_on_key(&m, &b);
    CHECK(b.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY && b.our_dh.pub,
          "a master awaiting a Signature is copied as well");

    /* In other states nothing happens. */
    OtrlAuthInfo c;
    memset(&c, 0, sizeof c);
    int states[] = { OTRL_AUTHSTATE_NONE, OTRL_AUTHSTATE_AWAITING_REVEALSIG,
                     OTRL_AUTHSTATE_V1_SETUP };
    int untouched = 1;
    for (int i = 0; i < 3; i++) {
        m.authstate = states[i];
        otrl_auth_copy_on_key(&m, &c);
        untouched = untouched && c.authstate == OTRL_AUTHSTATE_NONE && !c.our_dh.pub
            && !c.encgx && all_zero(c.r, 16);
    }
    CHECK(untouched, "masters in NONE, AWAITING_REVEALSIG or V1_SETUP are not copied");

    otrl_auth_clear(&m);
    otrl_auth_clear(&a);
    otrl_auth_clear(&b);
    otrl_dh_keypair_free(&other);
}

static void test_clear(void) {
    OtrlAuthInfo a;
    DH_keypair theirs;
    awaiting_dhkey(&a);
    a.context = (struct context *)&a; /* only kept, never followed */
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &theirs);
    a.their_pub = theirs.pub;
    theirs.pub = NULL;
    CHECK(otrl_dh_compute_v2_auth_keys(&a.our_dh, a.their_pub, a.secure_session_id,
                                       &a.secure_session_id_len, &a.enc_c, &a.enc_cp,
                                       &a.mac_m1, &a.mac_m1p, &a.mac_m2, &a.mac_m2p) == 0,
          "the AKE keys fill the six handles");
    a.their_keyid = 3;
    memset(a.their_fingerprint, 1, 20);
    a.protocol_version = 3;
    a.session_id_half = OTRL_SESSIONID_SECOND_HALF_BOLD;
    a.lastauthmsg = malloc(8);
    strcpy(a.lastauthmsg, "?OTR:x.");
    a.commit_sent_time = 12345;

    otrl_auth_clear(&a);
    CHECK(a.authstate == OTRL_AUTHSTATE_NONE && !a.our_dh.priv && !a.our_dh.pub
          && a.our_keyid == 0, "otrl_auth_clear: NONE, our key pair released");
    CHECK(!a.encgx && a.encgx_len == 0 && all_zero(a.r, 16) && all_zero(a.hashgx, 32),
          "the commitment forgotten");
    CHECK(!a.their_pub && a.their_keyid == 0 && all_zero(a.their_fingerprint, 20),
          "their values forgotten");
    CHECK(!a.enc_c && !a.enc_cp && !a.mac_m1 && !a.mac_m1p && !a.mac_m2 && !a.mac_m2p,
          "the six handles released");
    CHECK(a.initiated == 0 && a.protocol_version == 0 && a.secure_session_id_len == 0
          && all_zero(a.secure_session_id, 20) && !a.lastauthmsg && a.commit_sent_time == 0,
          "the rest is zero");
    CHECK(a.context == (struct context *)&a && a.our_dh.groupid == DH1536_GROUP_ID
          && a.session_id_half == OTRL_SESSIONID_SECOND_HALF_BOLD,
          "the context, our group and the bold half are kept, as in libotr");
    otrl_auth_clear(&a);
    CHECK(a.authstate == OTRL_AUTHSTATE_NONE && !a.encgx, "otrl_auth_clear twice is harmless");
    otrl_dh_keypair_free(&theirs);
}

/* One side of an AKE: its context (in the shared userstate) and its long-term key. */
typedef struct {
    ConnContext *ctx;
    OtrlPrivKey *key;
    unsigned char fp[20];
} side;

/* What auth_succeeded saw. */
typedef struct {
    int called;
    OtrlAuthState state;
    unsigned char ssid[20];
    size_t ssid_len;
    OtrlSessionIdHalf half;
    unsigned char their_fp[20];
    unsigned int their_keyid, our_keyid, version;
    int have_keys;
    char last[10];
    gcry_error_t result;
} seen;

static gcry_error_t record(const OtrlAuthInfo *auth, void *asdata) {
    seen *s = asdata;
    s->called++;
    s->state = auth->authstate;
    memcpy(s->ssid, auth->secure_session_id, 20);
    s->ssid_len = auth->secure_session_id_len;
    s->half = auth->session_id_half;
    memcpy(s->their_fp, auth->their_fingerprint, 20);
    s->their_keyid = auth->their_keyid;
    s->our_keyid = auth->our_keyid;
    s->version = auth->protocol_version;
    s->have_keys = auth->their_pub && auth->our_dh.pub && auth->enc_c && auth->mac_m2p;
    snprintf(s->last, sizeof s->last, "%s", auth->lastauthmsg ? auth->lastauthmsg : "");
    return s->result;
}

static OtrlUserState us;

/* The context of `account` talking to `user`: the master if `instance` is
 * OTRL_INSTAG_MASTER, else the peer instance `instance` (its master is another). */
static side make_side(const char *user, const char *account, const char *protocol,
                      otrl_instag_t ours, otrl_instag_t instance) {
    side s;
    s.ctx = otrl_context_find(us, user, account, protocol, instance, 1, NULL, NULL, NULL);
    s.ctx->our_instance = ours;
    s.key = otrl_privkey_find(us, account, protocol);
    otrl_privkey_fingerprint_raw(us, s.fp, account, protocol);
    return s;
}

static int prefix(const char *msg, const char *start) {
    return msg && strncmp(msg, start, strlen(start)) == 0;
}

/* Whether the instance tags of an AKE message are `from` and `to`. */
static int tags(const char *msg, otrl_instag_t from, otrl_instag_t to) {
    unsigned int f = 0, t = 0;
    return otrl_proto_instance(msg, &f, &t) == 0 && f == from && t == to;
}

static char *copy_last(const OtrlAuthInfo *auth) {
    return auth->lastauthmsg ? strdup(auth->lastauthmsg) : NULL;
}

/* A full AKE of `version`, `a` initiating; checks each step. */
static void run_ake(side a, side b, int version, const char *what) {
    OtrlAuthInfo *A = &a.ctx->auth, *B = &b.ctx->auth;
    char pre[16];
    int have = -1;
    seen sa = { 0 }, sb = { 0 };
    const char *v = version == 3 ? "?OTR:AAM" : "?OTR:AAI";
    printf("# %s\n", what);

    CHECK(otrl_auth_start_v23(A, version) == 0, "start_v23 succeeds");
    snprintf(pre, sizeof pre, "%sC", v);
    CHECK(A->authstate == OTRL_AUTHSTATE_AWAITING_DHKEY && prefix(A->lastauthmsg, pre),
          "the initiator awaits a D-H Key, a D-H Commit in lastauthmsg");
    CHECK(A->initiated == 1 && A->our_keyid == 1 && (int)A->protocol_version == version
          && (int)a.ctx->protocol_version == version && A->encgx && A->encgx_len > 192
          && A->our_dh.pub && A->commit_sent_time == 0,
          "initiated, key id 1, versions of auth and context, the encrypted g^x kept");
    if (version == 3)
        CHECK(tags(A->lastauthmsg, a.ctx->our_instance, a.ctx->their_instance),
              "the D-H Commit carries the context's instance tags");

    CHECK(otrl_auth_handle_commit(B, A->lastauthmsg, version) == 0, "handle_commit succeeds");
    snprintf(pre, sizeof pre, "%sK", v);
    CHECK(B->authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG && prefix(B->lastauthmsg, pre),
          "the responder awaits a Reveal Signature, a D-H Key in lastauthmsg");
    CHECK(B->initiated == 0 && B->our_keyid == 1 && (int)b.ctx->protocol_version == version
          && memcmp(B->hashgx, A->hashgx, 32) == 0 && B->encgx_len == A->encgx_len
          && memcmp(B->encgx, A->encgx, A->encgx_len) == 0,
          "the responder keeps the commitment");
    if (version == 3)
        CHECK(tags(B->lastauthmsg, b.ctx->our_instance, b.ctx->their_instance),
              "the D-H Key carries the responder's instance tags");

    CHECK(otrl_auth_handle_key(A, B->lastauthmsg, &have, a.key) == 0 && have == 1,
          "handle_key succeeds with a message to send");
    snprintf(pre, sizeof pre, "%sR", v);
    CHECK(A->authstate == OTRL_AUTHSTATE_AWAITING_SIG && prefix(A->lastauthmsg, pre),
          "the initiator awaits a Signature, a Reveal Signature in lastauthmsg");
    CHECK(A->their_pub && A->secure_session_id_len == 8 && A->enc_c && A->enc_cp
          && A->mac_m1 && A->mac_m1p && A->mac_m2 && A->mac_m2p, "the AKE keys derived");
    char *reveal = copy_last(A);
    have = -1;
    CHECK(otrl_auth_handle_key(A, B->lastauthmsg, &have, a.key) == 0 && have == 1
          && A->authstate == OTRL_AUTHSTATE_AWAITING_SIG && strcmp(A->lastauthmsg, reveal) == 0,
          "the same D-H Key again: resend the same Reveal Signature");

    have = -1;
    CHECK(otrl_auth_handle_revealsig(B, A->lastauthmsg, &have, b.key, record, &sb) == 0
          && have == 1, "handle_revealsig succeeds with a message to send");
    snprintf(pre, sizeof pre, "%sS", v);
    CHECK(B->authstate == OTRL_AUTHSTATE_NONE && B->our_keyid == 0
          && prefix(B->lastauthmsg, pre), "the responder is done, a Signature in lastauthmsg");
    CHECK(sb.called == 1 && sb.state == OTRL_AUTHSTATE_AWAITING_REVEALSIG && sb.our_keyid == 1
          && prefix(sb.last, pre) && (int)sb.version == version && sb.have_keys,
          "auth_succeeded called once, before the state changes, the Signature ready");
    CHECK(sb.half == OTRL_SESSIONID_SECOND_HALF_BOLD && sb.ssid_len == 8
          && memcmp(sb.their_fp, a.fp, 20) == 0 && sb.their_keyid == 1,
          "the responder: second half bold, the initiator's fingerprint and key id");

    have = -1;
    CHECK(otrl_auth_handle_signature(A, B->lastauthmsg, &have, record, &sa) == 0 && have == 0,
          "handle_signature succeeds, nothing to send");
    CHECK(A->authstate == OTRL_AUTHSTATE_NONE && A->our_keyid == 0 && !A->lastauthmsg,
          "the initiator is done, lastauthmsg freed");
    CHECK(sa.called == 1 && sa.state == OTRL_AUTHSTATE_AWAITING_SIG && prefix(sa.last, "?OTR:")
          && sa.half == OTRL_SESSIONID_FIRST_HALF_BOLD && sa.ssid_len == 8
          && memcmp(sa.their_fp, b.fp, 20) == 0 && sa.their_keyid == 1 && sa.have_keys,
          "the initiator: first half bold, the responder's fingerprint and key id");
    CHECK(memcmp(sa.ssid, sb.ssid, 8) == 0, "both sides have the same secure session id");
    free(reveal);
}

/* Both start: the greater hashed g^x wins, unless the auth is its master context's. */
static void test_collision(side a, side b, int masters) {
    OtrlAuthInfo *A = &a.ctx->auth, *B = &b.ctx->auth;
    otrl_auth_start_v23(A, 3);
    otrl_auth_start_v23(B, 3);
    char *ca = copy_last(A), *cb = copy_last(B);
    int a_wins = memcmp(A->hashgx, B->hashgx, 32) > 0;
    CHECK(otrl_auth_handle_commit(A, cb, 3) == 0 && otrl_auth_handle_commit(B, ca, 3) == 0,
          "crossed D-H Commits are accepted");
    if (masters) {
        CHECK(A->authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG
              && B->authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG,
              "master contexts: ours always loses, both answer with a D-H Key");
    } else {
        OtrlAuthInfo *w = a_wins ? A : B, *l = a_wins ? B : A;
        CHECK(w->authstate == OTRL_AUTHSTATE_AWAITING_DHKEY
              && strcmp(w->lastauthmsg, a_wins ? ca : cb) == 0
              && l->authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG
              && memcmp(l->hashgx, w->hashgx, 32) == 0,
              "the greater hashed g^x wins and keeps its D-H Commit, the other answers");
        int have = -1;
        seen sw = { 0 }, sl = { 0 };
        otrl_auth_handle_key(w, l->lastauthmsg, &have, a_wins ? a.key : b.key);
        otrl_auth_handle_revealsig(l, w->lastauthmsg, &have, a_wins ? b.key : a.key, record, &sl);
        otrl_auth_handle_signature(w, l->lastauthmsg, &have, record, &sw);
        CHECK(sw.called == 1 && sl.called == 1 && memcmp(sw.ssid, sl.ssid, 8) == 0,
              "and the AKE completes");
    }
    free(ca);
    free(cb);
    otrl_auth_clear(A);
    otrl_auth_clear(B);
}

/* Messages that do not parse, arrive in the wrong state, or belong to another AKE. */
static void test_bad_input(side a, side b, side c) {
    OtrlAuthInfo *A = &a.ctx->auth, *B = &b.ctx->auth, *C = &c.ctx->auth;
    int have = -1;
    seen s = { 0 };

    otrl_auth_clear(A);
    otrl_auth_clear(B);
    CHECK(otrl_auth_handle_commit(B, "hello", 3) == ERR_INV_VALUE
          && B->authstate == OTRL_AUTHSTATE_NONE, "a D-H Commit without ?OTR: is invalid");
    CHECK(otrl_auth_handle_commit(B, "?OTR:AAMCAAAA.", 3) == ERR_INV_VALUE
          && B->authstate == OTRL_AUTHSTATE_NONE && B->protocol_version == 3,
          "a truncated D-H Commit is invalid (the version is already set)");
    CHECK(otrl_auth_handle_key(A, "?OTR:AAMKAAAA.", &have, a.key) == ERR_INV_VALUE && have == 0,
          "a truncated D-H Key is invalid");
    CHECK(otrl_auth_handle_revealsig(A, "?OTR:garbage.", &have, a.key, record, &s)
          == ERR_INV_VALUE && have == 0, "a garbage Reveal Signature is invalid");
    CHECK(otrl_auth_handle_signature(A, "?OTR:AAMS.", &have, record, &s) == ERR_INV_VALUE
          && have == 0 && s.called == 0, "a truncated Signature is invalid");

    /* A: AWAITING_SIG; B: AWAITING_REVEALSIG for A; C: AWAITING_REVEALSIG for another. */
    otrl_auth_start_v23(A, 3);
    otrl_auth_handle_commit(B, A->lastauthmsg, 3);
    char *dhkey = copy_last(B);
    otrl_auth_handle_key(A, dhkey, &have, a.key);
    char *reveal = copy_last(A);

    OtrlAuthInfo other;
    memset(&other, 0, sizeof other);
    other.context = c.ctx;
    otrl_auth_start_v23(&other, 3);
    otrl_auth_handle_commit(C, other.lastauthmsg, 3);
    otrl_auth_handle_key(&other, C->lastauthmsg, &have, a.key);

    have = -1;
    CHECK(otrl_auth_handle_revealsig(C, reveal, &have, c.key, record, &s) == 0 && have == 0
          && C->authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG && s.called == 0,
          "a Reveal Signature whose r does not open the commitment is ignored");
    CHECK(memcmp(C->r, A->r, 16) == 0, "(its r is kept, as libotr does)");

    have = -1;
    CHECK(otrl_auth_handle_key(B, dhkey, &have, b.key) == 0 && have == 0
          && B->authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG,
          "a D-H Key in AWAITING_REVEALSIG is ignored");
    CHECK(otrl_auth_handle_signature(B, reveal, &have, record, &s) == ERR_INV_VALUE,
          "a Reveal Signature given as a Signature is invalid");

    /* B answers A: B done, A awaits B's Signature. */
    otrl_auth_handle_revealsig(B, reveal, &have, b.key, record, &s);
    char *sig = copy_last(B);
    CHECK(s.called == 1, "the right Reveal Signature completes");
    have = -1;
    CHECK(otrl_auth_handle_revealsig(B, reveal, &have, b.key, record, &s) == 0 && have == 0
          && s.called == 1 && B->authstate == OTRL_AUTHSTATE_NONE,
          "a Reveal Signature in NONE is ignored");
    CHECK(otrl_auth_handle_signature(B, sig, &have, record, &s) == 0 && have == 0
          && s.called == 1, "a Signature in NONE is ignored");
    have = -1;
    CHECK(otrl_auth_handle_key(B, dhkey, &have, b.key) == 0 && have == 0,
          "a D-H Key in NONE is ignored");

    /* C answers the other AKE; its Signature reaches A, whose MAC keys differ. */
    seen t = { 0 };
    otrl_auth_handle_revealsig(C, other.lastauthmsg, &have, c.key, record, &t);
    CHECK(t.called == 1 && otrl_auth_handle_signature(A, C->lastauthmsg, &have, record, &s)
          == ERR_INV_VALUE && A->authstate == OTRL_AUTHSTATE_AWAITING_SIG && s.called == 1
          && A->lastauthmsg, "a Signature with a wrong MAC is invalid, the state kept");
    CHECK(otrl_auth_handle_signature(A, sig, &have, record, &s) == 0 && s.called == 2,
          "then the right one completes");

    /* A D-H Key of another version, or with g^y = 1. */
    otrl_auth_start_v23(A, 2);
    otrl_auth_handle_commit(B, A->lastauthmsg, 2);
    char *v2key = copy_last(B);
    otrl_auth_start_v23(A, 3);
    char *commit = copy_last(A);
    have = -1;
    CHECK(otrl_auth_handle_key(A, v2key, &have, a.key) == 0 && have == 0
          && A->authstate == OTRL_AUTHSTATE_AWAITING_DHKEY && strcmp(A->lastauthmsg, commit) == 0,
          "a D-H Key of another version is ignored");
    CHECK(otrl_auth_handle_key(A, "?OTR:AAMKAAAiIgAAEREAAAABAQ==.", &have, a.key) == ERR_INV_VALUE
          && have == 0 && A->authstate == OTRL_AUTHSTATE_AWAITING_DHKEY && A->their_pub,
          "a D-H Key with g^y = 1 is invalid (g^y is kept, the state too)");
    free(v2key);
    free(commit);

    /* The callback's result is the result. */
    otrl_auth_start_v23(A, 2);
    otrl_auth_handle_commit(B, A->lastauthmsg, 2);
    otrl_auth_handle_key(A, B->lastauthmsg, &have, a.key);
    seen f = { 0 };
    f.result = 0x20000001u;
    CHECK(otrl_auth_handle_revealsig(B, A->lastauthmsg, &have, b.key, record, &f)
          == 0x20000001u && have == 1 && B->authstate == OTRL_AUTHSTATE_NONE,
          "an error from auth_succeeded is returned, the AKE still ends");
    CHECK(otrl_auth_handle_signature(A, B->lastauthmsg, &have, NULL, NULL) == 0
          && A->authstate == OTRL_AUTHSTATE_NONE, "auth_succeeded may be NULL");

    free(dhkey);
    free(reveal);
    free(sig);
    otrl_auth_clear(&other);
}

/* OTR version 1's key exchange, which libotr 4.1.1 still runs in auth.c. */
static void test_v1(side a, side b, side c) {
    OtrlAuthInfo *A = &a.ctx->auth, *B = &b.ctx->auth, *C = &c.ctx->auth;
    int have = -1;
    seen sa = { 0 }, sb = { 0 }, sc = { 0 };
    otrl_auth_clear(A);
    otrl_auth_clear(B);
    otrl_auth_clear(C);

    CHECK(otrl_auth_start_v1(A, NULL, 0, a.key) == 0, "start_v1 succeeds");
    CHECK(A->authstate == OTRL_AUTHSTATE_V1_SETUP && prefix(A->lastauthmsg, "?OTR:AAEK")
          && A->initiated == 1 && A->protocol_version == 1 && A->our_keyid == 1 && A->our_dh.pub,
          "V1_SETUP, our Key Exchange in lastauthmsg, a new key pair with key id 1");
    char *first = copy_last(A);

    CHECK(otrl_auth_handle_v1_key_exchange(B, first, &have, b.key, NULL, 0, record, &sb) == 0
          && have == 1, "the peer answers a Key Exchange");
    CHECK(B->authstate == OTRL_AUTHSTATE_NONE && B->our_keyid == 0 && B->protocol_version == 1
          && prefix(B->lastauthmsg, "?OTR:AAEK") && strcmp(B->lastauthmsg, first) != 0,
          "and is done, its reply in lastauthmsg");
    CHECK(sb.called == 1 && sb.ssid_len == 20 && sb.version == 1 && sb.our_keyid == 1
          && sb.their_keyid == 1 && memcmp(sb.their_fp, a.fp, 20) == 0 && sb.have_keys == 0
          && B->their_pub, "auth_succeeded: a 20-byte session id, their fingerprint and key id");

    have = -1;
    CHECK(otrl_auth_handle_v1_key_exchange(A, B->lastauthmsg, &have, a.key, NULL, 0, record, &sa)
          == 0 && have == 0 && A->authstate == OTRL_AUTHSTATE_NONE && A->our_keyid == 0,
          "the initiator takes the reply, nothing to send");
    CHECK(sa.called == 1 && sa.ssid_len == 20 && memcmp(sa.ssid, sb.ssid, 20) == 0
          && memcmp(sa.their_fp, b.fp, 20) == 0 && sa.half != sb.half,
          "the same session id on both sides, opposite bold halves");
    CHECK(sa.state == OTRL_AUTHSTATE_V1_SETUP && sb.state == OTRL_AUTHSTATE_NONE,
          "(auth_succeeded sees the state before it is reset)");

    have = -1;
    CHECK(otrl_auth_handle_v1_key_exchange(C, B->lastauthmsg, &have, c.key, NULL, 0, record, &sc)
          == 0 && have == 0 && sc.called == 0 && C->authstate == OTRL_AUTHSTATE_NONE
          && !C->their_pub, "a reply to a Key Exchange we never sent is ignored");

    /* A given key pair and key id are used. */
    DH_keypair kp;
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &kp);
    CHECK(otrl_auth_start_v1(A, &kp, 5, a.key) == 0 && A->our_keyid == 5
          && A->our_dh.pub != kp.pub && same_keys(&A->our_dh, &kp, B->our_dh.pub),
          "start_v1 copies the given key pair and key id");
    memset(&sb, 0, sizeof sb);
    CHECK(otrl_auth_handle_v1_key_exchange(B, A->lastauthmsg, &have, b.key, &kp, 9, record, &sb)
          == 0 && sb.their_keyid == 5 && sb.our_keyid == 9 && same_keys(&B->our_dh, &kp, A->our_dh.pub),
          "the answer uses the given key pair and key id too");

    /* Bad input. */
    char *bad = strdup(first);
    size_t n = strlen(bad);
    bad[n - 10] = bad[n - 10] == 'A' ? 'B' : 'A';
    memset(&sc, 0, sizeof sc);
    CHECK(otrl_auth_handle_v1_key_exchange(C, bad, &have, c.key, NULL, 0, record, &sc)
          == 0x01000008u && have == 0 && sc.called == 0 && C->authstate == OTRL_AUTHSTATE_NONE,
          "a Key Exchange whose signature fails: Bad signature, nothing changes");
    CHECK(otrl_auth_handle_v1_key_exchange(C, "?OTR:AAEK.", &have, c.key, NULL, 0, record, &sc)
          == ERR_INV_VALUE && otrl_auth_handle_v1_key_exchange(C, "hello", &have, c.key, NULL, 0,
          record, &sc) == ERR_INV_VALUE && sc.called == 0,
          "truncated or garbage Key Exchanges are invalid");
    otrl_dh_keypair_free(&kp);
    free(bad);
    free(first);
    otrl_auth_clear(A);
    otrl_auth_clear(B);
    otrl_auth_clear(C);
}

static void test_ake(void) {
    us = otrl_userstate_create();
    CHECK(otrl_privkey_read(us, SAMPLES "/sample.private_key") == 0, "the sample keys read");
    /* Masters first: libotr makes the first context of a buddy its master. */
    side am = make_side("alice", "alice@example.org", "prpl-jabber", 0x1111, OTRL_INSTAG_MASTER);
    side bm = make_side("alice@example.org", "alice", "IRC", 0x2222, OTRL_INSTAG_MASTER);
    side a3 = make_side("alice", "alice@example.org", "prpl-jabber", 0x1111, 0x2222);
    side b3 = make_side("alice@example.org", "alice", "IRC", 0x2222, 0x1111);
    side c3 = make_side("carol", "alice", "IRC", 0x2222, 0x3333);
    CHECK(a3.key && b3.key && a3.ctx->m_context != a3.ctx && am.ctx->m_context == am.ctx,
          "keys and contexts (instances and masters)");
    run_ake(a3, b3, 3, "v3 between instance contexts");
    run_ake(b3, a3, 3, "v3 the other way");
    run_ake(am, bm, 2, "v2 between master contexts");
    test_collision(a3, b3, 0);
    test_collision(am, bm, 1);
    test_bad_input(a3, b3, c3);
    test_v1(am, bm, c3);
    otrl_userstate_free(us);
}

int main(void) {
    OTRL_INIT;
    test_copy_on_key();
    test_clear();
    test_ake();
    HARNESS_EXIT();
}
