/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __B64_H__
#define __B64_H__

#include <stdlib.h>


#define OTRL_B64_DECODED_LEN 3

#define OTRL_B64_ENCODED_LEN 4

/**
 * # Safety
 * `base64data` must have room for the encoding; `data` `datalen` readable bytes.
 */
size_t otrl_base64_encode(char *base64data, const unsigned char *data, size_t datalen);

/**
 * # Safety
 * `data` must have room for the decoding; `base64data` `base64len` readable bytes.
 */
size_t otrl_base64_decode(unsigned char *data, const char *base64data, size_t base64len);

/**
 * # Safety
 * `buf` must hold `buflen` readable bytes.
 */
char *otrl_base64_otr_encode(const unsigned char *buf, size_t buflen);

/**
 * # Safety
 * `msg` NUL-terminated; `bufp`, `lenp` writable.
 */
int otrl_base64_otr_decode(const char *msg, unsigned char **bufp, size_t *lenp);

#endif  /* __B64_H__ */

#define OTRL_B64_MAX_DECODED_SIZE(encoded_len) \
    ((((encoded_len) + OTRL_B64_ENCODED_LEN - 1) / OTRL_B64_ENCODED_LEN) * \
     OTRL_B64_DECODED_LEN)
