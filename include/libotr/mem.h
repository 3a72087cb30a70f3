/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __MEM_H__
#define __MEM_H__

#include <stdlib.h>


/**
 * libotr installs libgcrypt's secure-memory handlers here; we have no libgcrypt to
 * configure and wipe secrets on drop instead, so there is nothing to do.
 */
void otrl_mem_init(void);

/**
 * Compares two buffers in time independent of their contents: 0 when equal, 1 otherwise.
 *
 * # Safety
 * `buf1` and `buf2` must each point to `len` readable bytes.
 */
int otrl_mem_differ(const unsigned char *buf1, const unsigned char *buf2, size_t len);

#endif  /* __MEM_H__ */
