/* D-H values 0, 1, p-1, p and too long where only a peer holding the session's keys
 * can put them: as the next D-H key of a Data Message whose MAC holds, and as the g^x
 * hidden in a D-H Commit and revealed inside the private session. The peer is this
 * test itself, speaking OTR v3 with libgcrypt (its own D-H keys,
 * AES-CTR, SHA-1/SHA-256 HMACs and a DSA signature with the sample key), so it knows
 * every key of the session and can MAC whatever it sends. After each forged message it
 * sends an honest one, and decrypts the library's answer.
 *
 * libotr 4.1.1 takes any next key: it shows the message and rotates to the bogus key,
 * and the session breaks (the reference run checks that it still does so). Ours
 * rejects the message as malformed and the session goes on; with a wrong MAC both
 * report it unreadable. */
#define _GNU_SOURCE
#include <gcrypt.h>
#include "party.h"
#include "hostile.h"

static const char modulus_hex[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA237327FFFFFFFFFFFFFFFF";
#define OUR_TAG 0x1234abcdu

static gcry_mpi_t modulus, generator;

/* ---- serialization -------------------------------------------------------------- */

typedef struct { unsigned char b[8192]; size_t n; } buf;

static void put(buf *o, const void *p, size_t n) { memcpy(o->b + o->n, p, n); o->n += n; }
static void put_int(buf *o, unsigned int v) { wire_put_int(o->b + o->n, v); o->n += 4; }
static void put_data(buf *o, const void *p, size_t n) { put_int(o, n); put(o, p, n); }
static void put_mpi(buf *o, gcry_mpi_t m)
{
    size_t n = 0;
    gcry_mpi_print(GCRYMPI_FMT_USG, NULL, 0, &n, m);
    if (gcry_mpi_cmp_ui(m, 0) == 0) n = 0;
    put_int(o, n);
    if (n) gcry_mpi_print(GCRYMPI_FMT_USG, o->b + o->n, n, NULL, m);
    o->n += n;
}

/* ---- crypto --------------------------------------------------------------------- */

static void aes_ctr(const unsigned char key[16], const unsigned char top[8], unsigned char *data, size_t n)
{
    gcry_cipher_hd_t h;
    unsigned char ctr[16] = {0};
    if (top) memcpy(ctr, top, 8);
    gcry_cipher_open(&h, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CTR, 0);
    gcry_cipher_setkey(h, key, 16);
    gcry_cipher_setctr(h, ctr, 16);
    gcry_cipher_encrypt(h, data, n, NULL, 0);
    gcry_cipher_close(h);
}

static void hmac(int algo, const unsigned char *key, size_t keylen, const unsigned char *data,
                 size_t n, unsigned char *out)
{
    gcry_md_hd_t h;
    gcry_md_open(&h, algo, GCRY_MD_FLAG_HMAC);
    gcry_md_setkey(h, key, keylen);
    gcry_md_write(h, data, n);
    memcpy(out, gcry_md_read(h, algo), gcry_md_get_algo_dlen(algo));
    gcry_md_close(h);
}

/* h(b) = HASH(b || MPI(s)) (SHA-256 in the AKE, SHA-1 for data keys). */
static void hash_secret(int algo, unsigned char b, gcry_mpi_t s, unsigned char *out)
{
    buf in = {{0}, 0};
    in.b[in.n++] = b;
    put_mpi(&in, s);
    gcry_md_hash_buffer(algo, out, in.b, in.n);
}

static gcry_mpi_t power(gcry_mpi_t base, gcry_mpi_t exp)
{
    gcry_mpi_t r = gcry_mpi_new(1536);
    gcry_mpi_powm(r, base, exp, modulus);
    return r;
}

static gcry_mpi_t random_exponent(void)
{
    gcry_mpi_t x = gcry_mpi_new(320);
    gcry_mpi_randomize(x, 320, GCRY_STRONG_RANDOM);
    return x;
}

/* ---- the forging peer --------------------------------------------------------- */

typedef struct {
    unsigned int their_tag;
    gcry_mpi_t x[3], gx[3];          /* our keys by key id (1, 2) */
    gcry_mpi_t their[64];            /* their public keys by key id */
    unsigned long long ctr;
    gcry_sexp_t key;                 /* our DSA private key */
} forger;

static gcry_sexp_t sample_key(void)
{
    FILE *f = fopen(SAMPLES "/sample.private_key", "r");
    static char text[8192];
    size_t n = f ? fread(text, 1, sizeof text, f) : 0;
    if (f) fclose(f);
    gcry_sexp_t all = NULL;
    gcry_sexp_new(&all, text, n, 1);
    gcry_sexp_t key = gcry_sexp_find_token(all, "private-key", 0);
    gcry_sexp_release(all);
    return key;
}

static void put_pubkey(buf *o, gcry_sexp_t key)
{
    const char *names[] = {"p", "q", "g", "y"};
    unsigned char type[2] = {0, 0};
    put(o, type, 2);
    for (int i = 0; i < 4; i++) {
        gcry_sexp_t t = gcry_sexp_find_token(key, names[i], 0);
        gcry_mpi_t m = gcry_sexp_nth_mpi(t, 1, GCRYMPI_FMT_USG);
        put_mpi(o, m);
        gcry_mpi_release(m);
        gcry_sexp_release(t);
    }
}

static void dsa_sign(gcry_sexp_t key, const unsigned char *data, size_t n, unsigned char sig[40])
{
    gcry_mpi_t d;
    gcry_sexp_t ds, sigs;
    gcry_mpi_scan(&d, GCRYMPI_FMT_USG, data, n, NULL);
    gcry_sexp_build(&ds, NULL, "(%m)", d);
    gcry_pk_sign(&sigs, ds, key);
    memset(sig, 0, 40);
    const char *part[] = {"r", "s"};
    for (int i = 0; i < 2; i++) {
        gcry_sexp_t t = gcry_sexp_find_token(sigs, part[i], 0);
        gcry_mpi_t m = gcry_sexp_nth_mpi(t, 1, GCRYMPI_FMT_USG);
        size_t len;
        gcry_mpi_print(GCRYMPI_FMT_USG, NULL, 0, &len, m);
        gcry_mpi_print(GCRYMPI_FMT_USG, sig + 20 * i + 20 - len, len, NULL, m);
        gcry_mpi_release(m);
        gcry_sexp_release(t);
    }
    gcry_mpi_release(d);
    gcry_sexp_release(ds);
    gcry_sexp_release(sigs);
}

static char *encode(buf *o) { return otrl_base64_otr_encode(o->b, o->n); }

/* The message `victim` queued for its peer, taken off the queue (NULL if none). */
static char *sent_by_victim(void)
{
    char *msg = NULL;
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        if (!msg && strncmp(q.msg, "?OTR:", 5) == 0) msg = q.msg;
        else free(q.msg);
    }
    q_head = q_tail = 0;
    return msg;
}

/* The AKE, the forger starting it: D-H Commit, (D-H Key), Reveal Signature. */
static int forger_ake(forger *f, party *victim)
{
    f->key = sample_key();
    f->x[1] = random_exponent(); f->gx[1] = power(generator, f->x[1]);
    f->x[2] = random_exponent(); f->gx[2] = power(generator, f->x[2]);
    unsigned char r[16], hash[32];
    gcry_randomize(r, 16, GCRY_STRONG_RANDOM);
    buf gx = {{0}, 0}, m = {{0}, 0};
    put_mpi(&gx, f->gx[1]);
    gcry_md_hash_buffer(GCRY_MD_SHA256, hash, gx.b, gx.n);
    unsigned char enc[256];
    memcpy(enc, gx.b, gx.n);
    aes_ctr(r, NULL, enc, gx.n);
    unsigned char head[3] = {0, 3, WIRE_DH_COMMIT};
    put(&m, head, 3); put_int(&m, OUR_TAG); put_int(&m, 0);
    put_data(&m, enc, gx.n); put_data(&m, hash, 32);
    char *msg = encode(&m);
    receive(victim, msg);
    free(msg);

    char *key_msg = sent_by_victim();
    size_t len;
    unsigned char *raw = key_msg ? wire_decode(key_msg, &len) : NULL;
    free(key_msg);
    if (!raw || len < 15 || raw[2] != WIRE_DH_KEY) { free(raw); return 0; }
    f->their_tag = wire_get_int(raw + 3);
    gcry_mpi_scan(&f->their[1], GCRYMPI_FMT_USG, raw + 15, wire_get_int(raw + 11), NULL);
    free(raw);

    gcry_mpi_t s = power(f->their[1], f->x[1]);
    unsigned char c[32], m1[32], m2[32];
    hash_secret(GCRY_MD_SHA256, 1, s, c);
    hash_secret(GCRY_MD_SHA256, 2, s, m1);
    hash_secret(GCRY_MD_SHA256, 3, s, m2);
    gcry_mpi_release(s);
    buf mb = {{0}, 0}, xb = {{0}, 0};
    put_mpi(&mb, f->gx[1]); put_mpi(&mb, f->their[1]);
    put_pubkey(&mb, f->key); put_int(&mb, 1);
    unsigned char mac_b[32], sig[40];
    hmac(GCRY_MD_SHA256, m1, 32, mb.b, mb.n, mac_b);
    dsa_sign(f->key, mac_b, 32, sig);
    put_pubkey(&xb, f->key); put_int(&xb, 1); put(&xb, sig, 40);
    aes_ctr(c, NULL, xb.b, xb.n);
    buf encsig = {{0}, 0}, reveal = {{0}, 0};
    put_data(&encsig, xb.b, xb.n);
    unsigned char mac[32];
    hmac(GCRY_MD_SHA256, m2, 32, encsig.b, encsig.n, mac);
    unsigned char head2[3] = {0, 3, WIRE_REVEALSIG};
    put(&reveal, head2, 3); put_int(&reveal, OUR_TAG); put_int(&reveal, f->their_tag);
    put_data(&reveal, r, 16); put(&reveal, encsig.b, encsig.n); put(&reveal, mac, 20);
    msg = encode(&reveal);
    receive(victim, msg);
    free(msg);
    free(sent_by_victim());
    f->ctr = 1;
    return best(victim)->msgstate == OTRL_MSGSTATE_ENCRYPTED;
}

/* Inside the private session, a D-H Commit hiding `gx` (an MPI body), then the Reveal
 * Signature revealing it: the victim must refuse g^x before anything else. */
static void commit_and_reveal(forger *f, party *victim, const unsigned char *gx, size_t gxlen)
{
    unsigned char r[16], hash[32], enc[256];
    gcry_randomize(r, 16, GCRY_STRONG_RANDOM);
    buf mpi = {{0}, 0}, commit = {{0}, 0}, reveal = {{0}, 0};
    put_data(&mpi, gx, gxlen);
    gcry_md_hash_buffer(GCRY_MD_SHA256, hash, mpi.b, mpi.n);
    memcpy(enc, mpi.b, mpi.n);
    aes_ctr(r, NULL, enc, mpi.n);
    unsigned char head[3] = {0, 3, WIRE_DH_COMMIT}, zero[64] = {0};
    put(&commit, head, 3); put_int(&commit, OUR_TAG); put_int(&commit, f->their_tag);
    put_data(&commit, enc, mpi.n); put_data(&commit, hash, 32);
    char *msg = encode(&commit);
    receive(victim, msg);
    free(msg);
    free(sent_by_victim());
    head[2] = WIRE_REVEALSIG;
    put(&reveal, head, 3); put_int(&reveal, OUR_TAG); put_int(&reveal, f->their_tag);
    put_data(&reveal, r, 16); put_data(&reveal, zero, 64); put(&reveal, zero, 20);
    msg = encode(&reveal);
    victim->log[0] = 0;
    receive(victim, msg);
    free(msg);
    free(sent_by_victim());
}

/* The data keys for our key `ours` and their key `theirs`: AES and MAC keys for
 * sending (send=1) or receiving. */
static void data_keys(forger *f, unsigned int ours, unsigned int theirs, int send,
                      unsigned char aes[16], unsigned char mac[20])
{
    gcry_mpi_t s = power(f->their[theirs], f->x[ours]);
    int high = gcry_mpi_cmp(f->gx[ours], f->their[theirs]) > 0;
    unsigned char b = (high ^ !send) ? 0x01 : 0x02, h[20];
    hash_secret(GCRY_MD_SHA1, b, s, h);
    memcpy(aes, h, 16);
    gcry_md_hash_buffer(GCRY_MD_SHA1, mac, aes, 16);
    gcry_mpi_release(s);
}

/* A Data Message from our key `sender` (1 or 2) to their key 1, carrying `text`,
 * announcing `next` as our next key (NULL: our key 2; else the raw MPI body). Their
 * side takes the announced key when `sender` is the newest key it has of ours. */
static char *forge_data(forger *f, unsigned int sender, const char *text,
                        const unsigned char *next, size_t nextlen, int bad_mac)
{
    unsigned char aes[16], mackey[20], ctr[8], mac[20];
    data_keys(f, sender, 1, 1, aes, mackey);
    for (int i = 0; i < 8; i++) ctr[i] = f->ctr >> (56 - 8 * i);
    f->ctr++;
    buf m = {{0}, 0};
    unsigned char head[4] = {0, 3, WIRE_DATA, 0};
    put(&m, head, 3); put_int(&m, OUR_TAG); put_int(&m, f->their_tag); put(&m, head + 3, 1);
    put_int(&m, sender); put_int(&m, 1);
    if (next) put_data(&m, next, nextlen);
    else put_mpi(&m, f->gx[2]);
    put(&m, ctr, 8);
    size_t n = strlen(text);
    unsigned char enc[512];
    memcpy(enc, text, n);
    aes_ctr(aes, ctr, enc, n);
    put_data(&m, enc, n);
    hmac(GCRY_MD_SHA1, mackey, 20, m.b, m.n, mac);
    mac[0] ^= bad_mac ? 1 : 0;
    put(&m, mac, 20);
    put_int(&m, 0);
    return encode(&m);
}

/* Reads a Data Message the library sent us; its text, or NULL if it does not verify. */
static char *read_data(forger *f, const char *msg)
{
    size_t len;
    unsigned char *raw = msg ? wire_decode(msg, &len) : NULL;
    wire_field fl[16];
    char *text = NULL;
    if (raw && wire_fields(raw, len, fl, 16) == 12 && raw[2] == WIRE_DATA) {
        unsigned int theirs = wire_get_int(raw + fl[5].start), ours = wire_get_int(raw + fl[6].start);
        if (theirs < 63 && f->their[theirs] && (ours == 1 || ours == 2)) {
            unsigned char aes[16], mackey[20], mac[20];
            data_keys(f, ours, theirs, 0, aes, mackey);
            hmac(GCRY_MD_SHA1, mackey, 20, raw, fl[9].end, mac);
            if (memcmp(mac, raw + fl[10].start, 20) == 0) {
                size_t n = fl[9].end - fl[9].start - 4;
                text = calloc(1, n + 1);
                memcpy(text, raw + fl[9].start + 4, n);
                aes_ctr(aes, raw + fl[8].start, (unsigned char *)text, n);
                gcry_mpi_t next = NULL;
                gcry_mpi_scan(&next, GCRYMPI_FMT_USG, raw + fl[7].start + 4,
                              fl[7].end - fl[7].start - 4, NULL);
                if (!f->their[theirs + 1]) f->their[theirs + 1] = next;
                else gcry_mpi_release(next);
            }
        }
    }
    free(raw);
    return text;
}

/* An honest message each way: ours shown by the victim, the victim's read by us. */
static int still_works(forger *f, party *victim, int round)
{
    char there[64], back[64];
    snprintf(there, sizeof there, "honest message %d", round);
    snprintf(back, sizeof back, "honest reply %d", round);
    char *msg = forge_data(f, 1, there, NULL, 0, 0);
    receive(victim, msg);
    free(msg);
    free(sent_by_victim());
    int ok = victim->ret == 0 && victim->shown && strcmp(victim->shown, there) == 0;
    char *reply = NULL;
    send_text(victim, back, OTRL_FRAGMENT_SEND_SKIP, &reply);
    char *text = read_data(f, reply);
    otrl_message_free(reply);
    ok = ok && text && strcmp(text, back) == 0;
    free(text);
    return ok;
}

int main(void)
{
    OTRL_INIT;
    gcry_check_version(NULL);
    gcry_mpi_scan(&modulus, GCRYMPI_FMT_HEX, modulus_hex, 0, NULL);
    generator = gcry_mpi_set_ui(NULL, 2);
    int reference = on_reference();

    unsigned char p[192];
    for (size_t i = 0; i < 192; i++) sscanf(modulus_hex + 2 * i, "%2hhx", &p[i]);
    struct { const char *name; unsigned char v[193]; size_t len; } bad[5] = {
        {"0", {0}, 0}, {"1", {1}, 1}, {"p-1", {0}, 192}, {"p", {0}, 192}, {"193 bytes", {1}, 193}};
    memcpy(bad[2].v, p, 192); bad[2].v[191] -= 1;
    memcpy(bad[3].v, p, 192);

    for (size_t i = 0; i < 5; i++) {
        party a, b;
        setup(&a, &b, OTRL_POLICY_MANUAL);
        forger f;
        memset(&f, 0, sizeof f);
        int up = forger_ake(&f, &a);
        CHECK(up, "next key %s: the forging peer's AKE makes the session private", bad[i].name);
        CHECK(up && still_works(&f, &a, 1), "next key %s: honest messages both ways before", bad[i].name);

        /* A D-H Commit hiding the value as g^x, then revealing it. */
        commit_and_reveal(&f, &a, bad[i].v, bad[i].len);
        CHECK(a.ret == 1 && strcmp(a.log, "msg_event(4)") == 0,
              "g^x = %s in a D-H Commit, revealed: a setup error, as in libotr (ret=%d log=[%s])", bad[i].name, a.ret, a.log);
        CHECK(still_works(&f, &a, 2), "g^x = %s: the session goes on", bad[i].name);

        /* With a wrong MAC the message is unreadable whatever it announces. */
        clear_logs(&a, &b);
        char *msg = forge_data(&f, 2, "forged", bad[i].v, bad[i].len, 1);
        receive(&a, msg);
        free(msg);
        free(sent_by_victim());
        CHECK(a.ret == 1 && !a.shown && strcmp(a.log, "msg_event(8) otr_error_message(3) inject") == 0,
              "next key %s, wrong MAC: unreadable, as in libotr (ret=%d log=[%s])", bad[i].name,
              a.ret, a.log);
        CHECK(still_works(&f, &a, 2), "next key %s, wrong MAC: the session goes on", bad[i].name);

        /* From our key 2, the newest they have: they are to take the next key. */
        clear_logs(&a, &b);
        msg = forge_data(&f, 2, "forged", bad[i].v, bad[i].len, 0);
        receive(&a, msg);
        free(msg);
        free(sent_by_victim());
        int ret = a.ret, shown = a.shown && strcmp(a.shown, "forged") == 0, nothing = !a.shown;
        static char log[sizeof a.log];
        snprintf(log, sizeof log, "%s", a.log);
        int ok = still_works(&f, &a, 3);
        if (reference) {
            CHECK(ret == 0 && shown && !log[0] && !ok,
                  "next key %s: libotr shows the message, takes the key, and the session breaks "
                  "(ret=%d log=[%s])", bad[i].name, ret, log);
        } else {
            CHECK(ret == 1 && nothing && strcmp(log, "msg_event(9) otr_error_message(4) inject") == 0,
                  "next key %s: malformed (ret=%d log=[%s])", bad[i].name, ret, log);
            CHECK(ok, "next key %s: the session goes on both ways", bad[i].name);
        }
        for (int k = 1; k < 3; k++) { gcry_mpi_release(f.x[k]); gcry_mpi_release(f.gx[k]); }
        for (int k = 0; k < 64; k++) gcry_mpi_release(f.their[k]);
        gcry_sexp_release(f.key);
        teardown(&a, &b);
    }
    gcry_mpi_release(modulus);
    gcry_mpi_release(generator);
    HARNESS_EXIT();
}
