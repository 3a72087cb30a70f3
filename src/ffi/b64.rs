//! `b64.h`: base64 as OTR uses it, and the `?OTR:...` wrapping of binary messages.

use libc::{c_char, c_int, c_uchar, size_t};

pub const OTRL_B64_DECODED_LEN: usize = 3;
pub const OTRL_B64_ENCODED_LEN: usize = 4;

/// # Safety
/// `base64data` must have room for the encoding; `data` `datalen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_encode(base64data: *mut c_char, data: *const c_uchar, datalen: size_t) -> size_t {
    let _ = (base64data, data, datalen);
    0
}

/// # Safety
/// `data` must have room for the decoding; `base64data` `base64len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_decode(data: *mut c_uchar, base64data: *const c_char, base64len: size_t) -> size_t {
    let _ = (data, base64data, base64len);
    0
}

/// # Safety
/// `buf` must hold `buflen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_otr_encode(buf: *const c_uchar, buflen: size_t) -> *mut c_char {
    let _ = (buf, buflen);
    std::ptr::null_mut()
}

/// # Safety
/// `msg` NUL-terminated; `bufp`, `lenp` writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_base64_otr_decode(msg: *const c_char, bufp: *mut *mut c_uchar, lenp: *mut size_t) -> c_int {
    let _ = (msg, bufp, lenp);
    -1
}
