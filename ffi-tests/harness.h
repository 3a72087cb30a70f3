/* A tiny test harness: each CHECK prints "ok - ..." or "not ok - ...";
 * ffi-tests/Makefile counts the lines. */
#ifndef OTR_FFI_TESTS_HARNESS_H
#define OTR_FFI_TESTS_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failures;

#define CHECK(cond, ...) do { \
        if (cond) { printf("ok - "); } \
        else { printf("not ok - %s:%d: ", __FILE__, __LINE__); harness_failures++; } \
        printf(__VA_ARGS__); printf("\n"); \
    } while (0)

#define CHECK_STR(got, want, what) do { \
        const char *got_ = (got), *want_ = (want); \
        int same_ = got_ && want_ && strcmp(got_, want_) == 0; \
        CHECK(same_, "%s", what); \
        if (!same_) printf("#   got:  %s\n#   want: %s\n", got_ ? got_ : "(null)", want_ ? want_ : "(null)"); \
    } while (0)

#define CHECK_MEM(got, want, len, what) CHECK(memcmp((got), (want), (len)) == 0, "%s", what)

#define HARNESS_EXIT() return harness_failures ? 1 : 0

#endif
