/* Instance tags: generate, write, read back, find, forget; the sample file Debian's
 * libotr wrote reads with the right tags. Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <unistd.h>
#include <libotr/proto.h>
#include <libotr/instag.h>
#include <libotr/userstate.h>
#include "harness.h"

#ifndef SAMPLES
#define SAMPLES "../../shared/samples"
#endif

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    static char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    return buf;
}

int main(void) {
    OTRL_INIT;
    char path[] = "/tmp/otr-instag-XXXXXX";
    int fd = mkstemp(path);
    close(fd);

    OtrlUserState us = otrl_userstate_create();
    CHECK(otrl_instag_generate(us, path, "alice@example.org", "prpl-jabber") == 0, "generate");
    CHECK(otrl_instag_generate(us, path, "alice", "IRC") == 0, "generate a second account");
    OtrlInsTag *a = otrl_instag_find(us, "alice@example.org", "prpl-jabber");
    OtrlInsTag *b = otrl_instag_find(us, "alice", "IRC");
    CHECK(a && b && a->instag >= OTRL_MIN_VALID_INSTAG && b->instag >= OTRL_MIN_VALID_INSTAG, "both found");
    CHECK(us->instag_root == b && b->next == a, "new tags go first");
    CHECK(otrl_instag_find(us, "bob", "IRC") == NULL, "unknown account: NULL");
    char want[256];
    snprintf(want, sizeof want, "# WARNING! You shouldn't copy this file to another computer. It is "
             "unnecessary and can cause problems.\nalice\tIRC\t%08x\nalice@example.org\tprpl-jabber\t%08x\n",
             b->instag, a->instag);
    CHECK_STR(slurp(path), want, "file written in list order");

    OtrlUserState us2 = otrl_userstate_create();
    CHECK(otrl_instag_read(us2, path) == 0, "read back");
    OtrlInsTag *a2 = otrl_instag_find(us2, "alice@example.org", "prpl-jabber");
    CHECK(a2 && a2->instag == a->instag && us2->instag_root && us2->instag_root->next
          && !us2->instag_root->next->next, "same tags read back");
    otrl_instag_forget(a2);
    CHECK(otrl_instag_find(us2, "alice@example.org", "prpl-jabber") == NULL
          && us2->instag_root && !us2->instag_root->next, "forget one");
    otrl_instag_forget_all(us2);
    CHECK(us2->instag_root == NULL, "forget all");

    CHECK(otrl_instag_read(us2, SAMPLES "/sample.instag") == 0, "read the sample Debian wrote");
    int n = 0;
    for (OtrlInsTag *t = us2->instag_root; t; t = t->next) n++;
    CHECK(n == 2 && otrl_instag_find(us2, "alice@example.org", "prpl-jabber")
          && otrl_instag_find(us2, "alice", "IRC"), "sample has both accounts");
    FILE *f = fopen(path, "wb");
    CHECK(otrl_instag_write_FILEp(us2, f) == 0, "write_FILEp");
    fclose(f);
    char sample[4096];
    strcpy(sample, slurp(SAMPLES "/sample.instag"));
    /* read prepends, write follows the list: two accounts come back in reverse order */
    CHECK(strlen(slurp(path)) == strlen(sample), "rewritten sample has the same size");

    unlink(path);
    otrl_userstate_free(us);
    otrl_userstate_free(us2);
    HARNESS_EXIT();
}
