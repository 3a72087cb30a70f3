//! `b64.h`: base64 as OTR uses it, and the `?OTR:...` wrapping of binary messages.

use super::{bytes, c_bytes, malloc_c_string, malloc_copy};
use crate::wire::base64;
use libc::{c_char, c_int, c_uchar, size_t};

pub const OTRL_B64_DECODED_LEN: usize = 3;
pub const OTRL_B64_ENCODED_LEN: usize = 4;

/// Base64-encodes `datalen` bytes into `base64data` (no NUL written); returns the
/// number of characters written (0 when `base64data` is NULL).
///
/// # Safety
/// `base64data` must be NULL or have room for `((datalen + 2) / 3) * 4` bytes; `data`
/// must hold `datalen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_encode(
    base64data: *mut c_char,
    data: *const c_uchar,
    datalen: size_t,
) -> size_t {
    if base64data.is_null() {
        return 0;
    }
    let encoded = base64::encode(bytes(data, datalen));
    copy_out(base64data.cast(), encoded.as_bytes())
}

/// Decodes `base64len` characters into `data`, skipping characters outside the
/// alphabet as libotr does; returns the number of bytes written (0 when `data` is
/// NULL).
///
/// # Safety
/// `data` must be NULL or have room for `OTRL_B64_MAX_DECODED_SIZE(base64len)` bytes;
/// `base64data` must hold `base64len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_decode(
    data: *mut c_uchar,
    base64data: *const c_char,
    base64len: size_t,
) -> size_t {
    if data.is_null() {
        return 0;
    }
    let decoded = base64::decode(bytes(base64data.cast(), base64len));
    copy_out(data, &decoded)
}

/// `?OTR:<base64>.` for `buflen` bytes, `malloc`ed; NULL if memory runs out.
///
/// # Safety
/// `buf` must hold `buflen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_otr_encode(
    buf: *const c_uchar,
    buflen: size_t,
) -> *mut c_char {
    malloc_c_string(base64::otr_encode(bytes(buf, buflen)).as_bytes())
}

/// Decodes the `?OTR:...` message in `msg` into a `malloc`ed buffer: 0 on success,
/// -2 when `msg` holds no complete `?OTR:...` message (or `bufp` or `lenp` is NULL),
/// -1 when memory runs out.
///
/// # Safety
/// `msg` must be NULL or NUL-terminated; `bufp` and `lenp` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_otr_decode(
    msg: *const c_char,
    bufp: *mut *mut c_uchar,
    lenp: *mut size_t,
) -> c_int {
    if bufp.is_null() || lenp.is_null() {
        return -2;
    }
    let Some(decoded) = c_bytes(msg).and_then(|m| base64::otr_decode(m).ok()) else {
        return -2;
    };
    let buf = malloc_copy(&decoded);
    if buf.is_null() {
        return -1;
    }
    *bufp = buf;
    *lenp = decoded.len();
    0
}

/// Copies `src` to `dst` and returns its length.
///
/// # Safety
/// `dst` must have room for `src.len()` bytes.
unsafe fn copy_out(dst: *mut u8, src: &[u8]) -> size_t {
    if !src.is_empty() {
        std::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len());
    }
    src.len()
}

/// The copies into C buffers and `malloc`ed strings; also run under Miri.
#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn encode_and_decode_write_exactly_their_length() {
        let data = [0xffu8, 0, 0x10, 0x20];
        let mut text = [0 as c_char; 8];
        let mut back = [0u8; 6];
        // SAFETY: the buffers have the room each function's contract asks for.
        unsafe {
            let n = otrl_base64_encode(text.as_mut_ptr(), data.as_ptr(), data.len());
            assert_eq!(n, 8);
            let m = otrl_base64_decode(back.as_mut_ptr(), text.as_ptr(), n);
            assert_eq!(&back[..m], &data);
            assert_eq!(otrl_base64_encode(ptr::null_mut(), data.as_ptr(), 4), 0);
            assert_eq!(otrl_base64_decode(ptr::null_mut(), text.as_ptr(), n), 0);
            assert_eq!(otrl_base64_encode(text.as_mut_ptr(), ptr::null(), 0), 0);
        }
    }

    #[test]
    fn otr_messages_round_trip_through_malloc() {
        let data = b"a message body";
        // SAFETY: the strings and buffers are the library's, freed once with free().
        unsafe {
            let msg = otrl_base64_otr_encode(data.as_ptr(), data.len());
            let text = c_bytes(msg).expect("a C string");
            assert!(text.starts_with(b"?OTR:") && text.ends_with(b"."));
            let (mut buf, mut len) = (ptr::null_mut(), 0);
            assert_eq!(otrl_base64_otr_decode(msg, &mut buf, &mut len), 0);
            assert_eq!(bytes(buf, len), data);
            libc::free(buf.cast());
            libc::free(msg.cast());
            assert_eq!(otrl_base64_otr_decode(ptr::null(), &mut buf, &mut len), -2);
            let cut = c"?OTR:AAAA";
            assert_eq!(otrl_base64_otr_decode(cut.as_ptr(), &mut buf, &mut len), -2);
            assert_eq!(
                otrl_base64_otr_decode(cut.as_ptr(), ptr::null_mut(), &mut len),
                -2
            );
        }
    }
}
