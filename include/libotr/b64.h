/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __B64_H__
#define __B64_H__

#include <stdlib.h>


#define OTRL_B64_DECODED_LEN 3

#define OTRL_B64_ENCODED_LEN 4

/**
 * Base64-encodes `datalen` bytes into `base64data` (no NUL written); returns the
 * number of characters written (0 when `base64data` is NULL).
 *
 * # Safety
 * `base64data` must be NULL or have room for `((datalen + 2) / 3) * 4` bytes; `data`
 * must hold `datalen` readable bytes.
 */
size_t otrl_base64_encode(char *base64data, const unsigned char *data, size_t datalen);

/**
 * Decodes `base64len` characters into `data`, skipping characters outside the
 * alphabet as libotr does; returns the number of bytes written (0 when `data` is
 * NULL).
 *
 * # Safety
 * `data` must be NULL or have room for `OTRL_B64_MAX_DECODED_SIZE(base64len)` bytes;
 * `base64data` must hold `base64len` readable bytes.
 */
size_t otrl_base64_decode(unsigned char *data, const char *base64data, size_t base64len);

/**
 * `?OTR:<base64>.` for `buflen` bytes, `malloc`ed; NULL if memory runs out.
 *
 * # Safety
 * `buf` must hold `buflen` readable bytes.
 */
char *otrl_base64_otr_encode(const unsigned char *buf, size_t buflen);

/**
 * Decodes the `?OTR:...` message in `msg` into a `malloc`ed buffer: 0 on success,
 * -2 when `msg` holds no complete `?OTR:...` message (or `bufp` or `lenp` is NULL),
 * -1 when memory runs out.
 *
 * # Safety
 * `msg` must be NULL or NUL-terminated; `bufp` and `lenp` NULL or writable.
 */
int otrl_base64_otr_decode(const char *msg, unsigned char **bufp, size_t *lenp);

#endif  /* __B64_H__ */

#define OTRL_B64_MAX_DECODED_SIZE(encoded_len) \
    ((((encoded_len) + OTRL_B64_ENCODED_LEN - 1) / OTRL_B64_ENCODED_LEN) * \
     OTRL_B64_DECODED_LEN)
