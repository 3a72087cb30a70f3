/*
 * Linked into the reference oracles by `debian-cc --reference-only`: before main, checks
 * that the libotr this process loaded is Debian's (OTR_REFERENCE_LIB, its real path,
 * defined by debian-cc), and stops the program otherwise. A test that compares ours with
 * the reference must never compare ours with ours.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libotr/proto.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((constructor)) static void check_reference_loaded(void)
{
    Dl_info info;
    char real[PATH_MAX];
    if (!dladdr((void *)otrl_version, &info) || !info.dli_fname ||
        !realpath(info.dli_fname, real) || strcmp(real, OTR_REFERENCE_LIB) != 0) {
        fprintf(stderr, "reference oracle: loaded libotr %s, not Debian's %s\n",
                info.dli_fname ? info.dli_fname : "(unknown)", OTR_REFERENCE_LIB);
        exit(70);
    }
}
