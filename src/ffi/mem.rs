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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differ_reads_exactly_len_bytes() {
        let (a, b) = ([1u8, 2, 3, 4], [1u8, 2, 3, 5]);
        // SAFETY: both buffers hold at least the lengths given.
        unsafe {
            assert_eq!(otrl_mem_differ(a.as_ptr(), b.as_ptr(), 3), 0);
            assert_eq!(otrl_mem_differ(a.as_ptr(), b.as_ptr(), 4), 1);
            assert_eq!(otrl_mem_differ(std::ptr::null(), std::ptr::null(), 0), 0);
        }
    }
}
