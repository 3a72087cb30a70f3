//! `privkey-t.h`: the private-key list kept in a userstate.

use super::gcrypt::gcry_sexp_t;
use libc::{c_char, c_uchar, c_ushort, size_t};

pub const OTRL_PUBKEY_TYPE_DSA: c_ushort = 0x0000;

/// One account's long-term DSA key, in the userstate's `privkey_root` list.
#[repr(C)]
pub struct s_OtrlPrivKey {
    pub next: *mut OtrlPrivKey,
    pub tous: *mut *mut OtrlPrivKey,
    pub accountname: *mut c_char,
    pub protocol: *mut c_char,
    pub pubkey_type: c_ushort,
    pub privkey: gcry_sexp_t,
    pub pubkey_data: *mut c_uchar,
    pub pubkey_datalen: size_t,
}

/// cbindgen:ignore
pub type OtrlPrivKey = s_OtrlPrivKey;

/// A key generation started with `otrl_privkey_generate_start` and not finished yet.
#[repr(C)]
pub struct s_OtrlPendingPrivKey {
    pub next: *mut OtrlPendingPrivKey,
    pub tous: *mut *mut OtrlPendingPrivKey,
    pub accountname: *mut c_char,
    pub protocol: *mut c_char,
}

/// cbindgen:ignore
pub type OtrlPendingPrivKey = s_OtrlPendingPrivKey;
