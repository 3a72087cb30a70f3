/* The fingerprint store: the sample Debian's libotr wrote reads into master contexts
 * with the same trust and writes back the same lines; a store we write reads back.
 * Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <unistd.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/context.h>
#include <libotr/userstate.h>
#include "harness.h"

static int adds;
static void add_app_data(void *data, ConnContext *context) { adds++; (void)data; (void)context; }

static size_t slurp(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    return n;
}

int main(void) {
    OTRL_INIT;
    char path[] = "/tmp/otr-fpr-XXXXXX";
    close(mkstemp(path));
    OtrlUserState us = otrl_userstate_create();
    CHECK(otrl_privkey_read_fingerprints(us, SAMPLES "/sample.fingerprints", add_app_data, NULL) == 0,
          "read the sample store");
    int masters = 0, fprints = 0, trusted = 0;
    for (ConnContext *c = us->context_root; c; c = c->next) {
        CHECK(c->m_context == c && c->their_instance == OTRL_INSTAG_MASTER, "only master contexts");
        masters++;
        for (Fingerprint *f = c->fingerprint_root.next; f; f = f->next) {
            fprints++;
            CHECK(f->context == c, "fingerprint belongs to its master");
            trusted += otrl_context_is_fingerprint_trusted(f);
        }
    }
    CHECK(adds == masters && masters >= 1 && fprints >= 1, "%d contexts, %d fingerprints, add_app_data each",
          masters, fprints);
    printf("# %d masters, %d fingerprints, %d trusted\n", masters, fprints, trusted);

    CHECK(otrl_privkey_write_fingerprints(us, path) == 0, "write");
    char a[4096], b[4096];
    size_t na = slurp(SAMPLES "/sample.fingerprints", a, sizeof a), nb = slurp(path, b, sizeof b);
    /* Reading puts each new fingerprint first, so a context's lines come back in
     * reverse order: same lines, same size. */
    int same_lines = na == nb;
    for (char *line = strtok(a, "\n"); line && same_lines; line = strtok(NULL, "\n"))
        same_lines = strstr(b, line) != NULL;
    CHECK(same_lines, "rewritten store has the sample's lines");

    unsigned char fp[20];
    memset(fp, 0xab, 20);
    ConnContext *c = otrl_context_find(us, "carol", "me", "irc", OTRL_INSTAG_MASTER, 1, NULL, NULL, NULL);
    otrl_context_set_trust(otrl_context_find_fingerprint(c, fp, 1, NULL), "verified");
    CHECK(otrl_privkey_write_fingerprints(us, path) == 0, "write with a new fingerprint");
    OtrlUserState us2 = otrl_userstate_create();
    CHECK(otrl_privkey_read_fingerprints(us2, path, NULL, NULL) == 0, "read it back");
    ConnContext *c2 = otrl_context_find(us2, "carol", "me", "irc", OTRL_INSTAG_MASTER, 0, NULL, NULL, NULL);
    Fingerprint *f2 = c2 ? otrl_context_find_fingerprint(c2, fp, 0, NULL) : NULL;
    CHECK(f2 && f2->trust && strcmp(f2->trust, "verified") == 0, "new fingerprint and trust read back");
    char c_[4096];
    FILE *out = fopen(path, "wb");
    CHECK(otrl_privkey_write_fingerprints_FILEp(us2, out) == 0, "write_FILEp");
    fclose(out);
    CHECK(slurp(path, c_, sizeof c_) > na, "store grew by the new line");
    CHECK(otrl_privkey_write_fingerprints(us, "/nonexistent/dir/file") == 0x01008051, "unwritable: ENOENT");
    unlink(path);
    otrl_userstate_free(us);
    otrl_userstate_free(us2);
    HARNESS_EXIT();
}
