/* The Diffie-Hellman internals libotr exports (dh.h): key pairs generated, copied and
 * freed, data-message session keys and AKE keys computed from both ends, the version 1
 * session id, and the session structs freed and blanked.
 * Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <libotr/proto.h>
#include <libotr/dh.h>
#include "harness.h"

/* Exported by libotr's sm.c, declared in no header: gives us a number holding 0. */
void otrl_sm_msg4_init(gcry_mpi_t **msg4);
void otrl_sm_msg_free(gcry_mpi_t **message, int msglen);

/* gcry_error(GPG_ERR_INV_VALUE) as libotr builds it. */
#define INV_VALUE 0x20000037u

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static int blank(const DH_sesskeys *s) {
    return !s->sendenc && !s->rcvenc && !s->sendmac && !s->rcvmac
        && all_zero(s->sendctr, 16) && all_zero(s->rcvctr, 16)
        && all_zero(s->sendmackey, 20) && all_zero(s->rcvmackey, 20)
        && s->sendmacused == 0 && s->rcvmacused == 0
        && all_zero(s->extrakey, OTRL_EXTRAKEY_BYTES);
}

static void test_keypairs(void) {
    DH_keypair a, c;
    memset(&a, 0x5a, sizeof a);
    otrl_dh_keypair_init(&a);
    CHECK(a.groupid == 0 && !a.priv && !a.pub, "otrl_dh_keypair_init empties a key pair");
    CHECK(otrl_dh_gen_keypair(4, &a) == INV_VALUE && a.groupid == 0 && !a.priv,
          "otrl_dh_gen_keypair refuses another group, changing nothing");
    CHECK(otrl_dh_gen_keypair(DH1536_GROUP_ID, &a) == 0 && a.groupid == DH1536_GROUP_ID
          && a.priv && a.pub, "otrl_dh_gen_keypair(DH1536_GROUP_ID)");

    otrl_dh_keypair_copy(&c, &a);
    CHECK(c.groupid == a.groupid && c.priv && c.pub && c.priv != a.priv && c.pub != a.pub,
          "otrl_dh_keypair_copy makes new numbers");
    otrl_dh_keypair_free(&a);
    CHECK(!a.priv && !a.pub && a.groupid == DH1536_GROUP_ID,
          "otrl_dh_keypair_free: numbers NULL, group kept");
    otrl_dh_keypair_free(&a);
    CHECK(!a.priv && !a.pub, "otrl_dh_keypair_free twice is harmless");

    /* The copy outlives the original. */
    DH_keypair b;
    DH_sesskeys s;
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &b);
    CHECK(otrl_dh_session(&s, &c, b.pub) == 0 && s.sendenc, "the copy works on its own");
    otrl_dh_session_free(&s);
    otrl_dh_keypair_free(&b);
    otrl_dh_keypair_free(&c);
}

static void test_sessions(void) {
    DH_keypair a, b, a2;
    DH_sesskeys sa, sb, sa2;
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &a);
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &b);
    memset(&sa, 0x5a, sizeof sa);

    CHECK(otrl_dh_session(&sa, &a, b.pub) == 0, "otrl_dh_session, Alice's side");
    CHECK(otrl_dh_session(&sb, &b, a.pub) == 0, "otrl_dh_session, Bob's side");
    CHECK(sa.sendenc && sa.rcvenc && sa.sendmac && sa.rcvmac, "the four handles are set");
    CHECK(all_zero(sa.sendctr, 16) && all_zero(sa.rcvctr, 16) && sa.sendmacused == 0
          && sa.rcvmacused == 0, "counters and used flags start at zero");
    CHECK_MEM(sa.sendmackey, sb.rcvmackey, 20, "Alice's sending MAC key is Bob's receiving one");
    CHECK_MEM(sa.rcvmackey, sb.sendmackey, 20, "Alice's receiving MAC key is Bob's sending one");
    CHECK(memcmp(sa.sendmackey, sa.rcvmackey, 20) != 0, "the two directions differ");
    CHECK_MEM(sa.extrakey, sb.extrakey, OTRL_EXTRAKEY_BYTES, "both ends get the same extra key");
    CHECK(!all_zero(sa.extrakey, OTRL_EXTRAKEY_BYTES), "the extra key is set");

    /* Another key pair of Alice's gives other keys. */
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &a2);
    otrl_dh_session(&sa2, &a2, b.pub);
    CHECK(memcmp(sa2.sendmackey, sa.sendmackey, 20) != 0
          && memcmp(sa2.extrakey, sa.extrakey, OTRL_EXTRAKEY_BYTES) != 0,
          "a new key pair gives new keys");

    otrl_dh_session_free(&sa);
    CHECK(blank(&sa), "otrl_dh_session_free blanks the session");
    otrl_dh_session_free(&sa);
    CHECK(blank(&sa), "otrl_dh_session_free twice is harmless");

    DH_keypair none;
    otrl_dh_keypair_init(&none);
    memset(&sa, 0x5a, sizeof sa);
    CHECK(otrl_dh_session(&sa, &none, b.pub) == INV_VALUE && blank(&sa),
          "otrl_dh_session with a key pair of no group: INV_VALUE, session blank");

    memset(&sa, 0x5a, sizeof sa);
    otrl_dh_session_blank(&sa);
    CHECK(blank(&sa), "otrl_dh_session_blank");

    otrl_dh_session_free(&sb);
    otrl_dh_session_free(&sa2);
    otrl_dh_keypair_free(&a);
    otrl_dh_keypair_free(&a2);
    otrl_dh_keypair_free(&b);
}

/* The six AKE key handles of one side. */
struct ake_keys {
    unsigned char ssid[20];
    size_t ssid_len;
    gcry_cipher_hd_t c, cp;
    gcry_md_hd_t m1, m1p, m2, m2p;
};

static gcry_error_t ake_keys(const DH_keypair *ours, gcry_mpi_t theirs, struct ake_keys *k) {
    memset(k, 0x5a, sizeof *k);
    return otrl_dh_compute_v2_auth_keys(ours, theirs, k->ssid, &k->ssid_len, &k->c, &k->cp,
                                        &k->m1, &k->m1p, &k->m2, &k->m2p);
}

static int no_handles(const struct ake_keys *k) {
    return !k->c && !k->cp && !k->m1 && !k->m1p && !k->m2 && !k->m2p;
}

/* The handles are not libgcrypt's on our library: free them through an OTR struct. */
static void ake_keys_free(struct ake_keys *k) {
    DH_sesskeys s;
    otrl_dh_session_blank(&s);
    s.sendenc = k->c;
    s.rcvenc = k->cp;
    s.sendmac = k->m1;
    s.rcvmac = k->m1p;
    otrl_dh_session_free(&s);
    s.sendmac = k->m2;
    s.rcvmac = k->m2p;
    otrl_dh_session_free(&s);
}

static void test_v2_auth_keys(void) {
    DH_keypair a, b, none;
    struct ake_keys ka, kb;
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &a);
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &b);

    CHECK(ake_keys(&a, b.pub, &ka) == 0 && ka.ssid_len == 8, "v2 auth keys, Alice: 8-byte ssid");
    CHECK(ake_keys(&b, a.pub, &kb) == 0 && kb.ssid_len == 8, "v2 auth keys, Bob: 8-byte ssid");
    CHECK_MEM(ka.ssid, kb.ssid, 8, "both sides compute the same secure session id");
    CHECK(ka.c && ka.cp && ka.m1 && ka.m1p && ka.m2 && ka.m2p, "the six key handles are set");
    ake_keys_free(&ka);
    ake_keys_free(&kb);

    gcry_mpi_t *zero = NULL;
    otrl_sm_msg4_init(&zero);
    CHECK(ake_keys(&a, zero[0], &ka) == INV_VALUE && no_handles(&ka),
          "their public value 0: INV_VALUE, handles NULL");
    otrl_dh_keypair_init(&none);
    CHECK(ake_keys(&none, b.pub, &ka) == INV_VALUE && no_handles(&ka),
          "a key pair of no group: INV_VALUE, handles NULL");

    unsigned char id[20];
    size_t len = 0;
    OtrlSessionIdHalf half;
    CHECK(otrl_dh_compute_v1_session_id(&a, zero[0], id, &len, &half) == INV_VALUE,
          "v1 session id with their public value 0: INV_VALUE");
    otrl_sm_msg_free(&zero, 3);

    unsigned char ida[20], idb[20];
    size_t lena = 0, lenb = 0;
    OtrlSessionIdHalf halfa = 7, halfb = 7;
    CHECK(otrl_dh_compute_v1_session_id(&a, b.pub, ida, &lena, &halfa) == 0 && lena == 20,
          "v1 session id, Alice: 20 bytes");
    CHECK(otrl_dh_compute_v1_session_id(&b, a.pub, idb, &lenb, &halfb) == 0 && lenb == 20,
          "v1 session id, Bob: 20 bytes");
    CHECK_MEM(ida, idb, 20, "both sides compute the same v1 session id");
    CHECK((halfa == OTRL_SESSIONID_FIRST_HALF_BOLD && halfb == OTRL_SESSIONID_SECOND_HALF_BOLD)
          || (halfa == OTRL_SESSIONID_SECOND_HALF_BOLD && halfb == OTRL_SESSIONID_FIRST_HALF_BOLD),
          "the two sides bold opposite halves");

    otrl_dh_keypair_free(&a);
    otrl_dh_keypair_free(&b);
}

int main(void) {
    OTRL_INIT;
    otrl_dh_init();
    test_keypairs();
    test_sessions();
    test_v2_auth_keys();
    HARNESS_EXIT();
}
