//! `mem.h`: libotr's memory helpers.

use libc::{c_int, c_uchar, size_t};
use subtle::ConstantTimeEq;

/// libotr installs libgcrypt's secure-memory handlers here; we have no libgcrypt to
/// configure and wipe secrets on drop instead, so there is nothing to do.
#[no_mangle]
pub extern "C" fn otrl_mem_init() {}

/// Compares two buffers in time independent of their contents: 0 when equal, 1 otherwise.
///
/// # Safety
/// `buf1` and `buf2` must each point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_mem_differ(
    buf1: *const c_uchar,
    buf2: *const c_uchar,
    len: size_t,
) -> c_int {
    let (a, b) = (super::bytes(buf1, len), super::bytes(buf2, len));
    c_int::from(!bool::from(a.ct_eq(b)))
}
