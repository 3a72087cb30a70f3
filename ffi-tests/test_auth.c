/* The AKE state internals libotr exports (auth.h) that need no messages:
 * otrl_auth_copy_on_key, which hands the master context's D-H Commit to an instance,
 * and otrl_auth_clear, which releases everything an OtrlAuthInfo holds (valgrind runs
 * catch leaks of ours). The numbers and key handles come from dh.h.
 * Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <libotr/proto.h>
#include <libotr/auth.h>
#include "harness.h"

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

int main(void) {
    OTRL_INIT;
    test_copy_on_key();
    test_clear();
    HARNESS_EXIT();
}
