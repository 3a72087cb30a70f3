/*
 * Test oracle for otr-rs's crypto module: a thin command-line front end to
 * Debian's real libotr 4.1.1 (and libgcrypt).  The Rust integration tests
 * (tests/crypto_*.rs) compile this file with `cc ... -lotr -lgcrypt` and
 * compare its output with ours.  Nothing here is part of the product.
 *
 * All numbers are big-endian hex on the command line and on output.
 *
 *   dh_session OURPRIV THEIRPUB
 *       otrl_dh_session: ourpub, sendmac, rcvmac, extra, and the first 32
 *       bytes of keystream of sendenc / rcvenc with counter top half
 *       0102030405060708 (the AES keys themselves stay inside libgcrypt).
 *   auth_keys OURPRIV THEIRPUB
 *       otrl_dh_compute_v2_auth_keys: err, ssid, 32 bytes of keystream of
 *       c and c' (counter 0), HMAC-SHA256 of MSG under m1, m2, m1', m2'.
 *   sign KEYFILE ACCOUNT PROTOCOL DATA
 *       otrl_privkey_sign with a key read by otrl_privkey_read: sig.
 *   sign_raw P Q G Y X DATA
 *       otrl_privkey_sign with a key built from its components: sig.
 *   verify P Q G Y SIG DATA
 *       otrl_privkey_verify: "ok" or "bad".
 *   fingerprint KEYFILE ACCOUNT PROTOCOL
 *       otrl_privkey_fingerprint (human form) and the raw hash.
 *   hash_to_human HASH
 *       otrl_privkey_hash_to_human.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/dh.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>

static const char *MSG = "otr-rs reference MAC input";

static const char *MODULUS_HEX =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
    "670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF";

static void die(const char *what)
{
    fprintf(stderr, "otr_crypto_ref: %s\n", what);
    exit(2);
}

static unsigned char *unhex(const char *hex, size_t *lenp)
{
    size_t n = strlen(hex), i;
    unsigned char *buf;
    if (n % 2) die("odd-length hex");
    buf = malloc(n / 2 + 1);
    if (!buf) die("out of memory");
    for (i = 0; i < n / 2; ++i) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) die("bad hex");
        buf[i] = (unsigned char)b;
    }
    *lenp = n / 2;
    return buf;
}

static gcry_mpi_t mpi_from_hex(const char *hex)
{
    size_t len;
    unsigned char *buf = unhex(hex, &len);
    gcry_mpi_t m = NULL;
    if (gcry_mpi_scan(&m, GCRYMPI_FMT_USG, buf, len, NULL)) die("mpi_scan");
    free(buf);
    return m;
}

static void print_hex(const char *label, const unsigned char *buf, size_t len)
{
    size_t i;
    printf("%s=", label);
    for (i = 0; i < len; ++i) printf("%02x", buf[i]);
    printf("\n");
}

static void print_mpi(const char *label, gcry_mpi_t m)
{
    unsigned char *buf;
    size_t len;
    if (gcry_mpi_aprint(GCRYMPI_FMT_USG, &buf, &len, m)) die("mpi_aprint");
    print_hex(label, buf, len);
    gcry_free(buf);
}

static void make_keypair(DH_keypair *kp, const char *privhex)
{
    gcry_mpi_t mod = NULL, gen = gcry_mpi_set_ui(NULL, 2);
    if (gcry_mpi_scan(&mod, GCRYMPI_FMT_HEX, (const unsigned char *)MODULUS_HEX,
            0, NULL)) die("modulus");
    otrl_dh_keypair_init(kp);
    kp->groupid = DH1536_GROUP_ID;
    kp->priv = mpi_from_hex(privhex);
    kp->pub = gcry_mpi_new(1536);
    gcry_mpi_powm(kp->pub, gen, kp->priv, mod);
    gcry_mpi_release(mod);
    gcry_mpi_release(gen);
}

static void print_keystream(const char *label, gcry_cipher_hd_t h,
        const unsigned char ctr[16])
{
    unsigned char buf[32];
    memset(buf, 0, sizeof(buf));
    if (gcry_cipher_setctr(h, ctr, 16)) die("setctr");
    if (gcry_cipher_encrypt(h, buf, sizeof(buf), NULL, 0)) die("encrypt");
    print_hex(label, buf, sizeof(buf));
}

static void print_hmac(const char *label, gcry_md_hd_t h)
{
    gcry_md_write(h, MSG, strlen(MSG));
    print_hex(label, gcry_md_read(h, 0), gcry_md_get_algo_dlen(gcry_md_get_algo(h)));
}

static int cmd_dh_session(char **argv)
{
    DH_keypair kp;
    DH_sesskeys sess;
    unsigned char ctr[16] = {1, 2, 3, 4, 5, 6, 7, 8};
    gcry_mpi_t their = mpi_from_hex(argv[1]);
    make_keypair(&kp, argv[0]);
    if (otrl_dh_session(&sess, &kp, their)) die("otrl_dh_session");
    print_mpi("ourpub", kp.pub);
    print_hex("sendmac", sess.sendmackey, 20);
    print_hex("rcvmac", sess.rcvmackey, 20);
    print_hex("extra", sess.extrakey, OTRL_EXTRAKEY_BYTES);
    print_keystream("sendenc_ks", sess.sendenc, ctr);
    print_keystream("rcvenc_ks", sess.rcvenc, ctr);
    print_hmac("sendmac_hmac", sess.sendmac);
    print_hmac("rcvmac_hmac", sess.rcvmac);
    otrl_dh_session_free(&sess);
    return 0;
}

static int cmd_auth_keys(char **argv)
{
    DH_keypair kp;
    unsigned char ssid[32], ctr[16];
    size_t ssidlen = 0;
    gcry_cipher_hd_t c, cp;
    gcry_md_hd_t m1, m1p, m2, m2p;
    gcry_error_t err;
    gcry_mpi_t their = mpi_from_hex(argv[1]);
    make_keypair(&kp, argv[0]);
    err = otrl_dh_compute_v2_auth_keys(&kp, their, ssid, &ssidlen,
            &c, &cp, &m1, &m1p, &m2, &m2p);
    printf("err=%u\n", (unsigned)err);
    if (err) return 0;
    memset(ctr, 0, sizeof(ctr));
    print_hex("ssid", ssid, ssidlen);
    print_keystream("c_ks", c, ctr);
    print_keystream("cp_ks", cp, ctr);
    print_hmac("m1_hmac", m1);
    print_hmac("m2_hmac", m2);
    print_hmac("m1p_hmac", m1p);
    print_hmac("m2p_hmac", m2p);
    return 0;
}

static void print_sig(OtrlPrivKey *key, const char *datahex)
{
    size_t len, siglen;
    unsigned char *data = unhex(datahex, &len), *sig;
    if (otrl_privkey_sign(&sig, &siglen, key, data, len)) die("otrl_privkey_sign");
    print_hex("sig", sig, siglen);
    free(sig);
    free(data);
}

static OtrlPrivKey *read_key(OtrlUserState us, char **argv)
{
    OtrlPrivKey *key;
    if (otrl_privkey_read(us, argv[0])) die("otrl_privkey_read");
    key = otrl_privkey_find(us, argv[1], argv[2]);
    if (!key) die("no such key");
    return key;
}

static int cmd_sign(char **argv)
{
    OtrlUserState us = otrl_userstate_create();
    print_sig(read_key(us, argv), argv[3]);
    return 0;
}

static int cmd_sign_raw(char **argv)
{
    OtrlPrivKey key;
    gcry_sexp_t sexp;
    memset(&key, 0, sizeof(key));
    if (gcry_sexp_build(&sexp, NULL,
            "(private-key (dsa (p %M)(q %M)(g %M)(y %M)(x %M)))",
            mpi_from_hex(argv[0]), mpi_from_hex(argv[1]), mpi_from_hex(argv[2]),
            mpi_from_hex(argv[3]), mpi_from_hex(argv[4]))) die("sexp_build");
    key.pubkey_type = OTRL_PUBKEY_TYPE_DSA;
    key.privkey = sexp;
    print_sig(&key, argv[5]);
    return 0;
}

static int cmd_verify(char **argv)
{
    gcry_sexp_t pubs;
    size_t siglen, len;
    unsigned char *sig = unhex(argv[4], &siglen), *data = unhex(argv[5], &len);
    if (gcry_sexp_build(&pubs, NULL, "(public-key (dsa (p %M)(q %M)(g %M)(y %M)))",
            mpi_from_hex(argv[0]), mpi_from_hex(argv[1]), mpi_from_hex(argv[2]),
            mpi_from_hex(argv[3]))) die("sexp_build");
    printf("%s\n", otrl_privkey_verify(sig, siglen, OTRL_PUBKEY_TYPE_DSA, pubs,
                data, len) ? "bad" : "ok");
    return 0;
}

static int cmd_fingerprint(char **argv)
{
    OtrlUserState us = otrl_userstate_create();
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    unsigned char raw[20];
    read_key(us, argv);
    if (!otrl_privkey_fingerprint(us, human, argv[1], argv[2])) die("fingerprint");
    if (!otrl_privkey_fingerprint_raw(us, raw, argv[1], argv[2])) die("fingerprint_raw");
    printf("human=%s\n", human);
    print_hex("raw", raw, 20);
    return 0;
}

static int cmd_hash_to_human(char **argv)
{
    size_t len;
    unsigned char *hash = unhex(argv[0], &len);
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    if (len != 20) die("hash must be 20 bytes");
    otrl_privkey_hash_to_human(human, hash);
    printf("human=%s\n", human);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int nargs;
        int (*fn)(char **);
    } cmds[] = {
        {"dh_session", 2, cmd_dh_session},
        {"auth_keys", 2, cmd_auth_keys},
        {"sign", 4, cmd_sign},
        {"sign_raw", 6, cmd_sign_raw},
        {"verify", 6, cmd_verify},
        {"fingerprint", 3, cmd_fingerprint},
        {"hash_to_human", 1, cmd_hash_to_human},
    };
    size_t i;
    OTRL_INIT;
    for (i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); ++i) {
        if (!strcmp(argv[1], cmds[i].name)) {
            if (argc != cmds[i].nargs + 2) die("wrong number of arguments");
            return cmds[i].fn(argv + 2);
        }
    }
    die("unknown command");
    return 2;
}
