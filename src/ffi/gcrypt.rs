//! The libgcrypt names that libotr's headers expose, and libotr's error values.
//!
//! libotr 4.1.1 puts libgcrypt types in its public structs and returns `gcry_error_t`
//! everywhere. We do not link libgcrypt, but the types keep their C meaning:
//! - the opaque handle types (`gcry_mpi_t`, `gcry_sexp_t`, cipher and MD handles) are
//!   pointers that only fix struct layouts; we never store a libgcrypt object in them;
//! - `gcry_error_t` keeps libgpg-error's encoding, `(source << 24) | code`, with libotr's
//!   exact values, so clients that compare errors or print `gcry_strerror()` (from their
//!   own libgcrypt) behave as before.
//!
//! The headers include `<gcrypt.h>` when the compiler can see it, because clients such as
//! bitlbee, irssi-otr, hexchat-otr and profanity get `gcry_strerror` and `GPG_ERR_*` only
//! through libotr's headers; where it is missing, they declare just the types our own API
//! needs (see `build.rs`), which is enough for a client that only stores the values.
#![allow(non_camel_case_types)]

use libc::{c_int, c_uint, c_void};

pub type gcry_error_t = c_uint;
pub type gcry_mpi_t = *mut c_void;
pub type gcry_sexp_t = *mut c_void;
pub type gcry_cipher_hd_t = *mut c_void;
pub type gcry_md_hd_t = *mut c_void;

/// `GPG_ERR_SOURCE_USER_1`: libotr builds its own errors without a default source.
const SOURCE_LIBOTR: c_uint = 32;
/// `GPG_ERR_SOURCE_GCRYPT`: errors libotr passes on from libgcrypt (errno, S-expressions).
const SOURCE_GCRYPT: c_uint = 1;

pub const GPG_ERR_GENERAL: c_uint = 1;
pub const GPG_ERR_BAD_SIGNATURE: c_uint = 8;
pub const GPG_ERR_UNUSABLE_SECKEY: c_uint = 54;
pub const GPG_ERR_INV_VALUE: c_uint = 55;
pub const GPG_ERR_INV_OBJ: c_uint = 65;
pub const GPG_ERR_CONFLICT: c_uint = 70;
pub const GPG_ERR_EEXIST: c_uint = 0x8023;
pub const GPG_ERR_ENOMEM: c_uint = 0x8056;

/// An error made by libotr itself: `gcry_error(code)` compiled without a default source.
pub const fn otr_error(code: c_uint) -> gcry_error_t {
    make_error(SOURCE_LIBOTR, code)
}

/// An error passed on from libgcrypt (source "gcrypt").
pub const fn gcrypt_error(code: c_uint) -> gcry_error_t {
    make_error(SOURCE_GCRYPT, code)
}

/// libgpg-error's `gpg_err_make`: code 0 is success whatever the source.
const fn make_error(source: c_uint, code: c_uint) -> gcry_error_t {
    let code = code & 0xffff;
    if code == 0 {
        0
    } else {
        (source << 24) | code
    }
}

/// `gcry_error_from_errno(errno)`, as libotr returns it when `fopen` fails.
pub fn error_from_errno(errno: c_int) -> gcry_error_t {
    gcrypt_error(gpg_code_from_errno(errno))
}

/// libgpg-error's `gpg_err_code_from_errno` on Linux: system errors are numbered
/// `0x8000 + n`, where n is the errno name's place in libgpg-error's sorted list.
/// Measured from libgpg-error 1.46 for errno 1..=125.
fn gpg_code_from_errno(errno: c_int) -> c_uint {
    const UNKNOWN_ERRNO: c_uint = 0x3ffe;
    #[rustfmt::skip]
    const CODES: [u16; 125] = [
        0x806b, 0x8051, 0x807f, 0x802f, 0x8031, 0x8068, 0x8000, 0x8052, 0x800b, 0x8015,
        0x8006, 0x8056, 0x8001, 0x8024, 0x805f, 0x8013, 0x8023, 0x808b, 0x8050, 0x8061,
        0x8033, 0x8030, 0x804b, 0x8041, 0x8066, 0x8086, 0x8025, 0x805b, 0x807e, 0x807a,
        0x8042, 0x806d, 0x8020, 0x8075, 0x801c, 0x8045, 0x8053, 0x805e, 0x8062, 0x803f,
        0x3ffe, 0x8057, 0x802b, 0x8016, 0x8036, 0x8037, 0x8038, 0x803e, 0x8088, 0x804e,
        0x8035, 0x800a, 0x800e, 0x808c, 0x804c, 0x8010, 0x8011, 0x3ffe, 0x8012, 0x805d,
        0x804f, 0x8083, 0x805c, 0x8058, 0x8059, 0x8077, 0x8054, 0x8004, 0x8080, 0x8017,
        0x8072, 0x8044, 0x8021, 0x800d, 0x806a, 0x8067, 0x800c, 0x8076, 0x8039, 0x803a,
        0x803d, 0x803c, 0x803b, 0x802d, 0x8079, 0x8082, 0x8089, 0x8064, 0x801e, 0x8043,
        0x8074, 0x805a, 0x8073, 0x807d, 0x8065, 0x806c, 0x8005, 0x8002, 0x8003, 0x8048,
        0x804a, 0x8049, 0x8018, 0x801a, 0x804d, 0x8032, 0x8060, 0x807c, 0x8085, 0x8084,
        0x8019, 0x8029, 0x802a, 0x8007, 0x802e, 0x8081, 0x8087, 0x8063, 0x8046, 0x8034,
        0x8078, 0x8022, 0x8055, 0x8040, 0x8014,
    ];
    if errno == 0 {
        return 0;
    }
    usize::try_from(errno)
        .ok()
        .and_then(|e| CODES.get(e - 1))
        .map_or(UNKNOWN_ERRNO, |&c| c_uint::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_libotr() {
        assert_eq!(error_from_errno(libc::ENOENT), 0x0100_8051);
        assert_eq!(error_from_errno(libc::EACCES), 0x0100_8001);
        assert_eq!(error_from_errno(libc::EISDIR), 0x0100_8033);
        assert_eq!(error_from_errno(libc::ENOTDIR), 0x0100_8061);
        assert_eq!(error_from_errno(libc::EROFS), 0x0100_807a);
        assert_eq!(error_from_errno(libc::ENOSPC), 0x0100_805b);
        assert_eq!(error_from_errno(9999), 0x0100_3ffe);
        // gcry_error_from_errno(0) is success, as libotr returns for an empty key file.
        assert_eq!(error_from_errno(0), 0);
    }

    #[test]
    fn libotr_error_values() {
        assert_eq!(otr_error(GPG_ERR_INV_VALUE), 0x2000_0037);
        assert_eq!(otr_error(54), 0x2000_0036); // GPG_ERR_UNUSABLE_SECKEY
        assert_eq!(otr_error(GPG_ERR_ENOMEM), 0x2000_8056);
        assert_eq!(otr_error(0x8023), 0x2000_8023); // GPG_ERR_EEXIST
        assert_eq!(otr_error(70), 0x2000_0046); // GPG_ERR_CONFLICT
    }
}
