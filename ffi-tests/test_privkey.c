/* Private keys, used the way clients use them: the sample key file Debian's libotr wrote
 * reads with its fingerprints; find, forget; errors and what stays loaded after damaged
 * files; key generation (synchronous, asynchronous, in a fork()ed child as irssi and
 * hexchat do); sign and verify. Passes against Debian's libotr 4.1.1. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>
#include "harness.h"

#define SAMPLE SAMPLES "/sample.private_key"
/* From gen_samples_output.txt (Debian's libotr generating the sample). */
#define JABBER_FP "6081D44B 2200369F C4A9E991 1E748E29 18BF6612"
#define IRC_FP "A361F841 9BCF3697 3F7B7DEB 8024837F C0747751"

/* Error values of libotr 4.1.1 with libgcrypt 1.10. */
#define ERR_ENOENT 0x01008051u
#define ERR_INV_VALUE 0x20000037u
#define ERR_UNUSABLE_SECKEY 0x20000036u
#define ERR_EEXIST 0x20008023u
#define ERR_BAD_SIGNATURE 0x01000008u
#define ERR_SEXP_BAD_CHARACTER 0x010000cdu
#define ERR_SEXP_UNMATCHED_PAREN 0x010000cbu

static char dir[] = "/tmp/otr-privkey-XXXXXX";

static const char *tmp(const char *name) {
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static size_t slurp(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    return n;
}

static void spit(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

static int count_keys(OtrlUserState us) {
    int n = 0;
    for (OtrlPrivKey *p = us->privkey_root; p; p = p->next) n++;
    return n;
}

static int count_pending(OtrlUserState us) {
    int n = 0;
    for (OtrlPendingPrivKey *p = us->pending_root; p; p = p->next) n++;
    return n;
}

static const char *fingerprint(OtrlUserState us, const char *account, const char *protocol) {
    static char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    return otrl_privkey_fingerprint(us, human, account, protocol);
}

/* The list links: each entry's tous points at the pointer that points to it. */
static int links_ok(OtrlUserState us) {
    OtrlPrivKey **slot = &us->privkey_root;
    for (OtrlPrivKey *p = us->privkey_root; p; slot = &p->next, p = p->next)
        if (p->tous != slot) return 0;
    return 1;
}

static void reading(void) {
    OtrlUserState us = otrl_userstate_create();
    CHECK(otrl_privkey_read(us, SAMPLE) == 0, "read the sample Debian wrote");
    OtrlPrivKey *first = us->privkey_root, *second = first ? first->next : NULL;
    CHECK(first && second && !second->next, "two keys");
    CHECK(first && !strcmp(first->accountname, "alice") && !strcmp(first->protocol, "IRC"),
          "the file's last account comes first");
    CHECK(second && !strcmp(second->accountname, "alice@example.org")
          && !strcmp(second->protocol, "prpl-jabber"), "then the first account");
    CHECK(links_ok(us), "next/tous links");
    for (OtrlPrivKey *p = us->privkey_root; p; p = p->next)
        CHECK(p->pubkey_type == OTRL_PUBKEY_TYPE_DSA && p->pubkey_datalen == 420 && p->pubkey_data
              && p->privkey, "%s: DSA, 420 bytes of public key", p->accountname);
    /* pubkey_data: MPI(p) || MPI(q) || MPI(g) || MPI(y), p of 128 bytes */
    CHECK(first && first->pubkey_data[0] == 0 && first->pubkey_data[3] == 128
          && first->pubkey_data[4] >= 0x80, "pubkey_data starts with MPI(p)");

    CHECK_STR(fingerprint(us, "alice@example.org", "prpl-jabber"), JABBER_FP, "jabber fingerprint");
    CHECK_STR(fingerprint(us, "alice", "IRC"), IRC_FP, "IRC fingerprint");
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    CHECK(otrl_privkey_fingerprint(us, human, "alice", "IRC") == human, "returns the buffer");
    CHECK(otrl_privkey_fingerprint(us, human, "alice", "prpl-jabber") == NULL, "unknown account: NULL");
    CHECK(otrl_privkey_fingerprint(us, human, NULL, "IRC") == NULL, "NULL account: NULL");
    unsigned char raw[20];
    static const unsigned char irc_raw[20] = {0xa3, 0x61, 0xf8, 0x41, 0x9b, 0xcf, 0x36, 0x97, 0x3f, 0x7b,
                                              0x7d, 0xeb, 0x80, 0x24, 0x83, 0x7f, 0xc0, 0x74, 0x77, 0x51};
    CHECK(otrl_privkey_fingerprint_raw(us, raw, "alice", "IRC") == raw, "raw fingerprint returns the buffer");
    CHECK_MEM(raw, irc_raw, 20, "raw fingerprint bytes");
    CHECK(otrl_privkey_fingerprint_raw(us, raw, "bob", "IRC") == NULL, "raw: unknown account: NULL");

    CHECK(otrl_privkey_find(us, "alice", "IRC") == first, "find");
    CHECK(otrl_privkey_find(us, "alice", "prpl-jabber") == NULL, "find: protocol must match");
    CHECK(otrl_privkey_find(us, NULL, "IRC") == NULL && otrl_privkey_find(us, "alice", NULL) == NULL,
          "find with NULL names: NULL");

    CHECK(otrl_privkey_read(us, SAMPLE) == 0 && count_keys(us) == 2, "reading again replaces the keys");
    CHECK(otrl_privkey_read(us, tmp("missing")) == ERR_ENOENT, "missing file: 0x01008051");
    CHECK(count_keys(us) == 2, "a missing file keeps the keys");
    CHECK(otrl_privkey_read_FILEp(us, NULL) == 0 && count_keys(us) == 2, "NULL stream: success, keys kept");
    FILE *f = fopen(SAMPLE, "rb");
    CHECK(otrl_privkey_read_FILEp(us, f) == 0 && count_keys(us) == 2, "read_FILEp");
    fclose(f);

    otrl_privkey_forget(otrl_privkey_find(us, "alice", "IRC"));
    CHECK(count_keys(us) == 1 && otrl_privkey_find(us, "alice", "IRC") == NULL
          && fingerprint(us, "alice", "IRC") == NULL, "forget one");
    CHECK(links_ok(us), "links after forget");
    CHECK_STR(fingerprint(us, "alice@example.org", "prpl-jabber"), JABBER_FP, "the other stays");
    otrl_privkey_read(us, SAMPLE);
    otrl_privkey_forget(us->privkey_root->next);
    CHECK(count_keys(us) == 1 && links_ok(us) && !strcmp(us->privkey_root->protocol, "IRC"),
          "forget the last entry");
    otrl_privkey_forget_all(us);
    CHECK(us->privkey_root == NULL, "forget all");
    otrl_userstate_free(us);
}

static void damaged_files(void) {
    char sample[8192];
    size_t n = slurp(SAMPLE, sample, sizeof sample);
    char text[8192 + 200];
    OtrlUserState us = otrl_userstate_create();

    /* a bad account after the good ones: the good ones stay */
    memcpy(text, sample, n - 2);
    strcpy(text + n - 2, " (account (name x) (protocol y))\n)\n");
    spit(tmp("bad-last"), text, strlen(text));
    CHECK(otrl_privkey_read(us, tmp("bad-last")) == ERR_UNUSABLE_SECKEY, "bad last account: 0x20000036");
    CHECK(count_keys(us) == 2 && !strcmp(fingerprint(us, "alice", "IRC"), IRC_FP),
          "the accounts before it stay loaded");

    /* a bad first account: nothing */
    strcpy(text, "(privkeys\n (account (name x) (protocol y))\n");
    memcpy(text + strlen(text), sample + strlen("(privkeys\n"), n - strlen("(privkeys\n") + 1);
    spit(tmp("bad-first"), text, strlen(text));
    CHECK(otrl_privkey_read(us, tmp("bad-first")) == ERR_UNUSABLE_SECKEY && count_keys(us) == 0,
          "bad first account: 0x20000036, no keys");

    /* truncated inside the second account: libgcrypt's reader refuses the whole file */
    spit(tmp("truncated"), sample, 1500);
    otrl_privkey_read(us, SAMPLE);
    CHECK(otrl_privkey_read(us, tmp("truncated")) == ERR_SEXP_UNMATCHED_PAREN && count_keys(us) == 0,
          "truncated: 0x010000cb, the keys read before are gone");
    spit(tmp("truncated"), sample, n - 1);
    CHECK(otrl_privkey_read(us, tmp("truncated")) == 0 && count_keys(us) == 2,
          "without the final newline: fine");

    strcpy(text, "; a comment\n(privkeys)\n");
    spit(tmp("comment"), text, strlen(text));
    CHECK(otrl_privkey_read(us, tmp("comment")) == ERR_SEXP_BAD_CHARACTER && count_keys(us) == 0,
          "a ; comment: 0x010000cd");
    spit(tmp("wrong-top"), "(keys)\n", 7);
    CHECK(otrl_privkey_read(us, tmp("wrong-top")) == ERR_UNUSABLE_SECKEY, "wrong top token: 0x20000036");
    spit(tmp("blank"), " \n", 2);
    CHECK(otrl_privkey_read(us, tmp("blank")) == ERR_UNUSABLE_SECKEY, "white space only: 0x20000036");
    spit(tmp("none"), "(privkeys)", 10);
    otrl_privkey_read(us, SAMPLE);
    CHECK(otrl_privkey_read(us, tmp("none")) == 0 && count_keys(us) == 0, "(privkeys): success, no keys");
    spit(tmp("empty"), "", 0);
    otrl_privkey_read(us, SAMPLE);
    errno = 0;
    CHECK(otrl_privkey_read(us, tmp("empty")) == 0 && count_keys(us) == 0,
          "empty file with errno 0: success, no keys");

    /* a key without x loads (signing is another matter) */
    strcpy(text, "(privkeys (account (name a) (protocol b)"
                 " (private-key (dsa (p #00B98132#) (q #05#) (g #02#) (y #03#)))))");
    spit(tmp("no-x"), text, strlen(text));
    CHECK(otrl_privkey_read(us, tmp("no-x")) == 0 && count_keys(us) == 1
          && us->privkey_root->pubkey_datalen == 4 * 4 + 3 + 1 + 1 + 1, "a key without x loads");
    CHECK_STR(fingerprint(us, "a", "b"), "0E3EBE69 56D726ED 6AD4DD9B 09CA98BC A57DA146",
              "its fingerprint");
    unsigned char sig[40] = {1};
    CHECK(otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA, us->privkey_root->privkey,
                              (const unsigned char *)"abc", 3) == ERR_BAD_SIGNATURE,
          "verifying against it fails");
    otrl_userstate_free(us);
}

/* The first account block of the sample, "(privkeys\n" included. */
static size_t first_account_prefix(const char *file) {
    const char *second = strstr(file + strlen("(privkeys\n "), " (account\n");
    return second ? (size_t)(second - file) : 0;
}

static void generating(void) {
    OtrlUserState us = otrl_userstate_create();
    const char *path = tmp("generated");
    char fp[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    CHECK(otrl_privkey_generate(us, path, "carol@example.net", "prpl-jabber") == 0, "generate");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "new key file mode 0600");
    OtrlPrivKey *k = us->privkey_root;
    CHECK(k && !k->next && !strcmp(k->accountname, "carol@example.net") && k->pubkey_type == OTRL_PUBKEY_TYPE_DSA
          && k->pubkey_datalen >= 4 * 4 + 128 + 20 && k->tous == &us->privkey_root, "the key is loaded");
    CHECK(otrl_privkey_fingerprint(us, fp, "carol@example.net", "prpl-jabber") == fp, "it has a fingerprint");
    char file[8192];
    slurp(path, file, sizeof file);
    static const char head[] = "(privkeys\n (account\n(name \"carol@example.net\")\n(protocol prpl-jabber)\n"
                               "(private-key \n (dsa \n  (p #00";
    static const char tail[] = "#)\n  )\n )\n )\n)\n";
    CHECK(!strncmp(file, head, strlen(head)) && strstr(file, "#)\n  (x #") && !strcmp(file + strlen(file) - strlen(tail), tail),
          "file laid out as libotr writes gcry_pk_genkey's key");

    OtrlUserState again = otrl_userstate_create();
    CHECK(otrl_privkey_read(again, path) == 0 && count_keys(again) == 1, "the file reads back");
    CHECK_STR(fingerprint(again, "carol@example.net", "prpl-jabber"), fp, "same fingerprint read back");

    CHECK(otrl_privkey_generate(us, path, "carol", "IRC") == 0, "generate a second account");
    CHECK(count_keys(us) == 2 && !strcmp(us->privkey_root->accountname, "carol") && links_ok(us),
          "the new key comes first");
    CHECK_STR(fingerprint(us, "carol@example.net", "prpl-jabber"), fp, "the first key is unchanged");
    char fp_irc[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    strcpy(fp_irc, fingerprint(us, "carol", "IRC"));
    CHECK(otrl_privkey_generate(us, path, "carol@example.net", "prpl-jabber") == 0, "generate again: replaces");
    CHECK(count_keys(us) == 2 && strcmp(fingerprint(us, "carol@example.net", "prpl-jabber"), fp)
          && !strcmp(fingerprint(us, "carol", "IRC"), fp_irc), "a new key for that account only");

    /* Rewriting the keys of the sample: the kept account is written back byte for byte. */
    char sample[8192];
    slurp(SAMPLE, sample, sizeof sample);
    otrl_privkey_read(again, SAMPLE);
    CHECK(otrl_privkey_generate(again, path, "alice", "IRC") == 0, "replace the sample's IRC key");
    slurp(path, file, sizeof file);
    size_t prefix = first_account_prefix(sample);
    CHECK(prefix > 100 && !memcmp(file, sample, prefix) && first_account_prefix(file) == prefix,
          "the jabber account is written back as Debian wrote it");
    CHECK(count_keys(again) == 2 && !strcmp(fingerprint(again, "alice@example.org", "prpl-jabber"), JABBER_FP)
          && strcmp(fingerprint(again, "alice", "IRC"), IRC_FP), "IRC key replaced, jabber kept");
    /* Each generation writes the list (reverse file order): the others' order flips. */
    otrl_privkey_read(again, SAMPLE);
    CHECK(otrl_privkey_generate(again, path, "dave", "IRC") == 0, "add a third account to the sample's");
    OtrlPrivKey *p = again->privkey_root;
    CHECK(count_keys(again) == 3 && !strcmp(p->accountname, "dave") && !strcmp(p->next->accountname, "alice@example.org")
          && !strcmp(p->next->next->accountname, "alice"), "list: new, then the sample's keys in file order");

    FILE *f = fopen(tmp("filep"), "w+b");
    CHECK(otrl_privkey_generate_FILEp(us, f, "erin", "IRC") == 0 && count_keys(us) == 3,
          "generate_FILEp (as pidgin)");
    fclose(f);
    CHECK(otrl_privkey_read(again, tmp("filep")) == 0 && count_keys(again) == 3, "its file reads back");
    CHECK(otrl_privkey_generate(us, tmp("no/such/dir"), "x", "y") == ERR_ENOENT && count_keys(us) == 3,
          "unwritable path: 0x01008051, keys kept");

    otrl_userstate_free(us);
    otrl_userstate_free(again);
}

static void generating_async(void) {
    OtrlUserState us = otrl_userstate_create();
    void *a = NULL, *b = NULL, *again = (void *)1;
    const char *path = tmp("async");
    CHECK(otrl_privkey_generate_start(us, "alice", "IRC", &a) == 0 && a, "start");
    CHECK(us->pending_root && !strcmp(us->pending_root->accountname, "alice")
          && !strcmp(us->pending_root->protocol, "IRC") && us->pending_root->tous == &us->pending_root,
          "the account is pending");
    CHECK(otrl_privkey_generate_start(us, "alice", "IRC", &again) == ERR_EEXIST && again == NULL,
          "second start for it: 0x20008023, NULL handle");
    CHECK(otrl_privkey_generate(us, path, "alice", "IRC") == ERR_EEXIST, "generate while pending: EEXIST");
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 0, "... after truncating the file");
    CHECK(otrl_privkey_generate_start(us, "bob", "IRC", &b) == 0 && b && count_pending(us) == 2
          && !strcmp(us->pending_root->accountname, "bob"), "another account: pending first");
    CHECK(otrl_privkey_generate_calculate(a) == 0, "calculate");
    CHECK(us->privkey_root == NULL, "nothing loaded before finish");
    CHECK(otrl_privkey_generate_finish(us, a, path) == 0, "finish");
    CHECK(count_pending(us) == 1 && !strcmp(us->pending_root->accountname, "bob"), "no longer pending");
    CHECK(count_keys(us) == 1 && otrl_privkey_find(us, "alice", "IRC"), "the key is loaded");
    otrl_privkey_generate_cancelled(us, b);
    CHECK(us->pending_root == NULL, "cancelled: no longer pending");
    CHECK(otrl_privkey_generate_start(us, "bob", "IRC", &b) == 0 && b, "start again after cancel");

    /* finishing without calculating writes "()" as the key: the file no longer reads */
    CHECK(otrl_privkey_generate_finish(us, b, path) == ERR_UNUSABLE_SECKEY, "finish uncalculated: 0x20000036");
    char file[8192];
    slurp(path, file, sizeof file);
    CHECK(strstr(file, "(name bob)\n(protocol IRC)\n()\n )\n)\n") != NULL, "its key written as ()");
    CHECK(us->pending_root == NULL && count_keys(us) == 1, "the accounts before it are loaded");

    /* the file cannot be opened: the generation stays pending */
    CHECK(otrl_privkey_generate_start(us, "carol", "IRC", &a) == 0, "start");
    CHECK(otrl_privkey_generate_finish(us, a, tmp("no/such/dir")) == ERR_ENOENT, "finish to a bad path: ENOENT");
    CHECK(count_pending(us) == 1, "still pending");
    CHECK(otrl_privkey_generate_finish_FILEp(us, a, NULL) == ERR_INV_VALUE && us->pending_root == NULL,
          "finish_FILEp to NULL: 0x20000037, and the handle is gone");

    CHECK(otrl_privkey_generate_start(us, "dave", "IRC", &a) == 0 && otrl_privkey_generate_start(us, "erin", "IRC", &b) == 0,
          "two more");
    otrl_privkey_pending_forget_all(us);
    CHECK(us->pending_root == NULL, "pending_forget_all");
    CHECK(otrl_privkey_generate_start(us, "dave", "IRC", &again) == 0, "the account can start again");
    otrl_privkey_generate_cancelled(us, again);
    otrl_privkey_generate_cancelled(NULL, a);
    otrl_privkey_generate_cancelled(us, b);
    CHECK(us->pending_root == NULL, "handles freed");
    otrl_userstate_free(us);
}

/* irssi and hexchat generate in a fork()ed child, which writes the file and exits; the
 * parent then reads the file. */
static void generating_in_child(void) {
    OtrlUserState us = otrl_userstate_create();
    const char *path = tmp("child");
    otrl_privkey_read(us, SAMPLE);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) _exit(otrl_privkey_generate(us, path, "frank", "IRC") == 0 ? 0 : 1);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child generated");
    CHECK(count_keys(us) == 2 && !otrl_privkey_find(us, "frank", "IRC"), "the parent's keys are unchanged");
    CHECK(otrl_privkey_read(us, path) == 0 && count_keys(us) == 3 && otrl_privkey_find(us, "frank", "IRC")
          && !strcmp(fingerprint(us, "alice", "IRC"), IRC_FP), "the parent reads the child's file");

    /* calculate in a child, finish there; the parent's handle has no key and is cancelled */
    void *newkey = NULL;
    CHECK(otrl_privkey_generate_start(us, "grace", "IRC", &newkey) == 0, "start in the parent");
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(otrl_privkey_generate_calculate(newkey) == 0 && otrl_privkey_generate_finish(us, newkey, path) == 0
              ? 0 : 1);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child calculated and finished");
    CHECK(count_pending(us) == 1 && !otrl_privkey_find(us, "grace", "IRC"), "parent: still pending");
    otrl_privkey_generate_cancelled(us, newkey);
    CHECK(us->pending_root == NULL, "parent cancels its handle");
    CHECK(otrl_privkey_read(us, path) == 0 && count_keys(us) == 4 && otrl_privkey_find(us, "grace", "IRC"),
          "the parent reads the child's file");
    otrl_userstate_free(us);
}

static void signing(void) {
    OtrlUserState us = otrl_userstate_create();
    otrl_privkey_read(us, SAMPLE);
    OtrlPrivKey *irc = otrl_privkey_find(us, "alice", "IRC");
    OtrlPrivKey *jabber = otrl_privkey_find(us, "alice@example.org", "prpl-jabber");
    unsigned char data[32], *sig = NULL;
    size_t siglen = 0;
    memset(data, 0xab, sizeof data);
    CHECK(otrl_privkey_sign(&sig, &siglen, irc, data, sizeof data) == 0 && sig && siglen == 40, "sign: 40 bytes");
    CHECK(otrl_privkey_verify(sig, siglen, OTRL_PUBKEY_TYPE_DSA, irc->privkey, data, sizeof data) == 0,
          "verify with the key's privkey");
    CHECK(otrl_privkey_verify(sig, siglen, OTRL_PUBKEY_TYPE_DSA, jabber->privkey, data, sizeof data)
          == ERR_BAD_SIGNATURE, "another key: 0x01000008");
    data[0] ^= 1;
    CHECK(otrl_privkey_verify(sig, siglen, OTRL_PUBKEY_TYPE_DSA, irc->privkey, data, sizeof data)
          == ERR_BAD_SIGNATURE, "other data: 0x01000008");
    data[0] ^= 1;
    for (int i = 0; i < 40; i += 13) {
        sig[i] ^= 0x10;
        CHECK(otrl_privkey_verify(sig, siglen, OTRL_PUBKEY_TYPE_DSA, irc->privkey, data, sizeof data)
              == ERR_BAD_SIGNATURE, "byte %d flipped: 0x01000008", i);
        sig[i] ^= 0x10;
    }
    CHECK(otrl_privkey_verify(sig, 39, OTRL_PUBKEY_TYPE_DSA, irc->privkey, data, sizeof data) == ERR_INV_VALUE,
          "39 bytes: 0x20000037");
    CHECK(otrl_privkey_verify(sig, 40, 1, irc->privkey, data, sizeof data) == ERR_INV_VALUE,
          "other key type: 0x20000037");
    memset(sig, 0, 40);
    CHECK(otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA, irc->privkey, data, sizeof data) == ERR_BAD_SIGNATURE,
          "zero signature: 0x01000008");
    free(sig);

    sig = NULL;
    CHECK(otrl_privkey_sign(&sig, &siglen, jabber, data, 0) == 0 && siglen == 40, "sign empty data");
    CHECK(otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA, jabber->privkey, data, 0) == 0
          && otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA, jabber->privkey, (const unsigned char *)"\0\0", 2) == 0,
          "empty data is the number 0");
    free(sig);
    /* data is a number taken modulo q: a 32-byte hash as OTR signs it */
    unsigned char hash[32];
    for (int i = 0; i < 32; i++) hash[i] = (unsigned char)(0xf0 + i);
    CHECK(otrl_privkey_sign(&sig, &siglen, jabber, hash, 32) == 0
          && otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA, jabber->privkey, hash, 32) == 0, "32-byte data");
    free(sig);

    irc->pubkey_type = 1;
    sig = NULL;
    CHECK(otrl_privkey_sign(&sig, &siglen, irc, data, sizeof data) == ERR_INV_VALUE && sig == NULL,
          "sign with a non-DSA key: 0x20000037");
    irc->pubkey_type = OTRL_PUBKEY_TYPE_DSA;

    /* a key generated here signs too */
    CHECK(otrl_privkey_generate(us, tmp("signer"), "heidi", "IRC") == 0, "generate");
    OtrlPrivKey *heidi = otrl_privkey_find(us, "heidi", "IRC");
    CHECK(heidi && otrl_privkey_sign(&sig, &siglen, heidi, hash, 32) == 0
          && otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA, heidi->privkey, hash, 32) == 0,
          "a new key signs and verifies");
    free(sig);
    otrl_userstate_free(us);
}

int main(void) {
    OTRL_INIT;
    if (!mkdtemp(dir)) return 1;
    reading();
    damaged_files();
    generating();
    generating_async();
    generating_in_child();
    signing();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    HARNESS_EXIT();
}
