/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __SERIAL_H__
#define __SERIAL_H__

/* Helpers for code that serializes OTR messages by hand. They expect, in scope, an
 * `unsigned char *bufp`, a `size_t lenp` of room or data left, a gcrypt MPI `format`
 * and an `invval` label to jump to on short input. Used by no known client; kept
 * so that code written against libotr's headers still compiles. */
#undef DEBUG
#define debug_data(t,b,l)
#define debug_int(t,b)

#define write_int(x) do { \
        bufp[0] = (unsigned char)(((x) >> 24) & 0xff); \
        bufp[1] = (unsigned char)(((x) >> 16) & 0xff); \
        bufp[2] = (unsigned char)(((x) >> 8) & 0xff); \
        bufp[3] = (unsigned char)((x) & 0xff); \
        bufp += 4; lenp -= 4; \
    } while (0)

#define write_mpi(x,nx,dx) do { \
        write_int(nx); \
        gcry_mpi_print(format, bufp, lenp, NULL, (x)); \
        bufp += (nx); lenp -= (nx); \
    } while (0)

#define require_len(l) do { if (lenp < (l)) goto invval; } while (0)

#define read_int(x) do { \
        require_len(4); \
        (x) = ((unsigned int)bufp[0] << 24) | ((unsigned int)bufp[1] << 16) | \
              ((unsigned int)bufp[2] << 8) | (unsigned int)bufp[3]; \
        bufp += 4; lenp -= 4; \
    } while (0)

#define read_mpi(x) do { \
        size_t mpilen_; \
        read_int(mpilen_); \
        if (mpilen_) { \
            require_len(mpilen_); \
            gcry_mpi_scan(&(x), GCRYMPI_FMT_USG, bufp, mpilen_, NULL); \
        } else { \
            (x) = gcry_mpi_set_ui(NULL, 0); \
        } \
        bufp += mpilen_; lenp -= mpilen_; \
    } while (0)

#define write_header(version,msgtype) do { \
        bufp[0] = 0x00; \
        bufp[1] = (unsigned char)((version) & 0xff); \
        bufp[2] = (msgtype); \
        bufp += 3; lenp -= 3; \
    } while (0)

#define skip_header(x) do { \
        require_len(3); \
        if (bufp[0] != 0x00 || bufp[2] != (x)) goto invval; \
        if (bufp[1] < 0x01 || bufp[1] > 0x03) goto invval; \
        bufp += 3; lenp -= 3; \
    } while (0)


#endif  /* __SERIAL_H__ */
