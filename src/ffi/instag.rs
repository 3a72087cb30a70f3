//! `instag.h`: instance tags, one per account, kept in the instance-tag file.

use super::gcrypt::{gcry_error_t, NOT_IMPLEMENTED};
use super::userstate::OtrlUserState;
use super::{c_bytes, open_file};
use crate::crypto::random;
use libc::{c_char, c_uint, FILE};

pub const OTRL_INSTAG_MASTER: c_uint = 0;
pub const OTRL_INSTAG_BEST: c_uint = 1;
pub const OTRL_INSTAG_RECENT: c_uint = 2;
pub const OTRL_INSTAG_RECENT_RECEIVED: c_uint = 3;
pub const OTRL_INSTAG_RECENT_SENT: c_uint = 4;
pub const OTRL_MIN_VALID_INSTAG: c_uint = 0x100;

pub type otrl_instag_t = c_uint;

/// One account's instance tag, in the userstate's `instag_root` list.
#[repr(C)]
pub struct s_OtrlInsTag {
    pub next: *mut OtrlInsTag,
    pub tous: *mut *mut OtrlInsTag,
    pub accountname: *mut c_char,
    pub protocol: *mut c_char,
    pub instag: otrl_instag_t,
}

/// cbindgen:ignore
pub type OtrlInsTag = s_OtrlInsTag;

/// Removes one instance tag from its list and frees it.
///
/// # Safety
/// `instag` must be NULL or an element of a userstate's list.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_forget(instag: *mut OtrlInsTag) {
    if instag.is_null() {
        return;
    }
    libc::free((*instag).accountname.cast());
    libc::free((*instag).protocol.cast());
    *(*instag).tous = (*instag).next;
    if !(*instag).next.is_null() {
        (*(*instag).next).tous = (*instag).tous;
    }
    libc::free(instag.cast());
}

/// Frees every instance tag of the userstate.
///
/// # Safety
/// `us` must be a userstate from `otrl_userstate_create`.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_forget_all(us: OtrlUserState) {
    while !us.is_null() && !(*us).instag_root.is_null() {
        otrl_instag_forget((*us).instag_root);
    }
}

/// The instance tag of an account, or NULL.
///
/// # Safety
/// `us` must be a valid userstate; the strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_find(
    us: OtrlUserState,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut OtrlInsTag {
    let (Some(account), Some(proto)) = (c_bytes(accountname), c_bytes(protocol)) else {
        return std::ptr::null_mut();
    };
    if us.is_null() {
        return std::ptr::null_mut();
    }
    let mut tag = (*us).instag_root;
    while !tag.is_null() {
        if c_bytes((*tag).accountname) == Some(account) && c_bytes((*tag).protocol) == Some(proto) {
            return tag;
        }
        tag = (*tag).next;
    }
    tag
}

/// Reads the instance-tag file.
///
/// # Safety
/// `us` must be a valid userstate; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_read(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    let _ = us;
    match open_file(filename, c"rb") {
        Ok(file) => {
            libc::fclose(file);
            NOT_IMPLEMENTED
        }
        Err(err) => err,
    }
}

/// Reads instance tags from an open stream.
///
/// # Safety
/// `us` must be a valid userstate; `instf` an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_read_FILEp(
    us: OtrlUserState,
    instf: *mut FILE,
) -> gcry_error_t {
    let _ = (us, instf);
    NOT_IMPLEMENTED
}

/// A fresh random instance tag (at least `OTRL_MIN_VALID_INSTAG`).
#[no_mangle]
pub extern "C" fn otrl_instag_get_new() -> otrl_instag_t {
    loop {
        let mut tag = [0u8; 4];
        if random::fill(&mut tag).is_err() {
            // No randomness from the OS: 0 is never a valid tag, and callers check.
            return 0;
        }
        let tag = otrl_instag_t::from_be_bytes(tag);
        if tag >= OTRL_MIN_VALID_INSTAG {
            return tag;
        }
    }
}

/// Makes a new instance tag for an account and writes the file.
///
/// # Safety
/// `us` must be a valid userstate; the strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_generate(
    us: OtrlUserState,
    filename: *const c_char,
    accountname: *const c_char,
    protocol: *const c_char,
) -> gcry_error_t {
    let _ = (us, filename, accountname, protocol);
    NOT_IMPLEMENTED
}

/// Makes a new instance tag for an account and writes it to an open stream.
///
/// # Safety
/// `us` must be a valid userstate; `instf` an open stream; the strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_generate_FILEp(
    us: OtrlUserState,
    instf: *mut FILE,
    accountname: *const c_char,
    protocol: *const c_char,
) -> gcry_error_t {
    let _ = (us, instf, accountname, protocol);
    NOT_IMPLEMENTED
}

/// Writes every instance tag to the file.
///
/// # Safety
/// `us` must be a valid userstate; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_write(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    let _ = (us, filename);
    NOT_IMPLEMENTED
}

/// Writes every instance tag to an open stream.
///
/// # Safety
/// `us` must be a valid userstate; `instf` an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_write_FILEp(
    us: OtrlUserState,
    instf: *mut FILE,
) -> gcry_error_t {
    let _ = (us, instf);
    NOT_IMPLEMENTED
}
