/* Deliberate faults that `make check-asan` must catch, so that a clean sanitizer run
 * means something: each mode (argv[1]) commits one and the program must end with the
 * sanitizer's report and status 99 (never "survived").
 *
 *   rust-heap-overflow   otrl_mem_differ reads one byte past two heap buffers: the
 *                        read happens in the library's Rust code
 *   rust-use-after-free  otrl_tlv_seriallen walks a list already freed
 *   c-heap-overflow      a write one past a heap buffer in this C file (gcc's
 *                        instrumentation, reported by Rust's runtime)
 *   c-undefined          a signed overflow in this C file (UBSan)
 *   leak                 a TLV never freed (LeakSanitizer, at exit)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libotr/proto.h>
#include <libotr/mem.h>
#include <libotr/tlv.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "rust-heap-overflow") == 0) {
        unsigned char *a = calloc(16, 1), *b = calloc(16, 1);
        printf("differ: %d\n", otrl_mem_differ(a, b, 17));
        free(a);
        free(b);
    } else if (strcmp(mode, "rust-use-after-free") == 0) {
        OtrlTLV *tlv = otrl_tlv_new(OTRL_TLV_PADDING, 4, (const unsigned char *)"abcd");
        otrl_tlv_free(tlv);
        printf("seriallen: %zu\n", (size_t)otrl_tlv_seriallen(tlv));
    } else if (strcmp(mode, "c-heap-overflow") == 0) {
        size_t n = strlen(mode) - strlen("c-heap-overflow") + 4;
        char *p = malloc(n);
        p[n] = 1;
        printf("p[%zu] = %d\n", n, p[n]);
        free(p);
    } else if (strcmp(mode, "c-undefined") == 0) {
        int n = INT_MAX - 1 + argc;
        printf("n + 1 = %d\n", n + 1);
    } else if (strcmp(mode, "leak") == 0) {
        OtrlTLV *tlv = otrl_tlv_new(OTRL_TLV_PADDING, 4, (const unsigned char *)"abcd");
        printf("tlv: %p\n", (void *)tlv);
        tlv = NULL;
    } else {
        fprintf(stderr, "usage: sanitizer_canary rust-heap-overflow|rust-use-after-free|c-heap-overflow|c-undefined|leak\n");
        return 2;
    }
    printf("survived\n");
    return 0;
}
