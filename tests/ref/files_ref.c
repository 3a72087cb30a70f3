/* Reference reader/writer for the key, fingerprint and instance tag files:
 * drives Debian's libotr 4.1.1 and prints what it loaded, for tests/files_reference.rs.
 *
 *   files_ref privkey FILE...            one block per FILE
 *   files_ref regen FILE OUT             read FILE, generate a key for "zz-new"/"zz-proto"
 *                                        into OUT (libotr rewrites all keys)
 *   files_ref fingerprints FILE OUT...   pairs: read FILE into a fresh state, write OUT
 *   files_ref instag FILE OUT...         pairs: read FILE into a fresh state, write OUT
 *
 * Strings are printed in hex ("" as "-") so that any byte survives. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/userstate.h>
#include <libotr/privkey.h>
#include <libotr/context.h>
#include <libotr/instag.h>

static void hex(const unsigned char *p, size_t n)
{
    size_t i;
    if (n == 0) {
        printf("-");
        return;
    }
    for (i = 0; i < n; i++) printf("%02x", p[i]);
}

static void str(const char *s)
{
    printf(" ");
    hex((const unsigned char *)s, strlen(s));
}

static void print_keys(OtrlUserState us)
{
    OtrlPrivKey *p;
    for (p = us->privkey_root; p; p = p->next) {
        size_t len = gcry_sexp_sprint(p->privkey, GCRYSEXP_FMT_ADVANCED, NULL, 0);
        char buf[70000];
        printf("key");
        str(p->accountname);
        str(p->protocol);
        printf(" ");
        hex(p->pubkey_data, p->pubkey_datalen);
        printf(" ");
        if (len > sizeof buf) {
            printf("toolong");
        } else {
            gcry_sexp_sprint(p->privkey, GCRYSEXP_FMT_ADVANCED, buf, len);
            hex((unsigned char *)buf, len - 1);
        }
        printf("\n");
    }
}

static int privkey(int argc, char **argv)
{
    int i;
    for (i = 2; i < argc; i++) {
        OtrlUserState us = otrl_userstate_create();
        gcry_error_t err;
        errno = 0;
        err = otrl_privkey_read(us, argv[i]);
        printf("file %d err %08x\n", i - 2, err);
        print_keys(us);
        otrl_userstate_free(us);
    }
    return 0;
}

static int regen(char **argv)
{
    OtrlUserState us = otrl_userstate_create();
    gcry_error_t err;
    errno = 0;
    err = otrl_privkey_read(us, argv[2]);
    printf("read %08x\n", err);
    err = otrl_privkey_generate(us, argv[3], "zz-new", "zz-proto");
    printf("generate %08x\n", err);
    otrl_userstate_free(us);
    return 0;
}

static int fingerprints(int argc, char **argv)
{
    int i;
    for (i = 2; i + 1 < argc; i += 2) {
        OtrlUserState us = otrl_userstate_create();
        ConnContext *c;
        gcry_error_t err = otrl_privkey_read_fingerprints(us, argv[i], NULL, NULL);
        printf("file %d err %08x\n", (i - 2) / 2, err);
        for (c = us->context_root; c; c = c->next) {
            Fingerprint *f;
            printf("ctx");
            str(c->username);
            str(c->accountname);
            str(c->protocol);
            printf(" %08x\n", c->their_instance);
            for (f = c->fingerprint_root.next; f; f = f->next) {
                printf("fp ");
                hex(f->fingerprint, 20);
                if (f->trust) str(f->trust); else printf(" NULL");
                printf("\n");
            }
        }
        err = otrl_privkey_write_fingerprints(us, argv[i + 1]);
        printf("write %08x\n", err);
        otrl_userstate_free(us);
    }
    return 0;
}

static int instag(int argc, char **argv)
{
    int i;
    for (i = 2; i + 1 < argc; i += 2) {
        OtrlUserState us = otrl_userstate_create();
        OtrlInsTag *t;
        gcry_error_t err = otrl_instag_read(us, argv[i]);
        printf("file %d err %08x\n", (i - 2) / 2, err);
        for (t = us->instag_root; t; t = t->next) {
            printf("tag");
            str(t->accountname);
            str(t->protocol);
            printf(" %08x\n", t->instag);
        }
        err = otrl_instag_write(us, argv[i + 1]);
        printf("write %08x\n", err);
        otrl_userstate_free(us);
    }
    return 0;
}

int main(int argc, char **argv)
{
    OTRL_INIT;
    if (argc >= 2 && !strcmp(argv[1], "privkey")) return privkey(argc, argv);
    if (argc == 4 && !strcmp(argv[1], "regen")) return regen(argv);
    if (argc >= 2 && !strcmp(argv[1], "fingerprints")) return fingerprints(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "instag")) return instag(argc, argv);
    fprintf(stderr, "usage: see the comment at the top of files_ref.c\n");
    return 2;
}
