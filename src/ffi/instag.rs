//! `instag.h`: instance tags, one per account, kept in the instance-tag file.

use super::gcrypt::gcry_error_t;
use super::gcrypt::{otr_error, GPG_ERR_ENOMEM, GPG_ERR_INV_VALUE};
use super::userstate::OtrlUserState;
use super::{
    c_bytes, list_insert, list_remove, malloc_c_string, read_stream, with_file, write_stream,
};
use crate::crypto::random;
use crate::files::instag;
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

list_node!(OtrlInsTag);

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
    list_remove(instag);
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

/// Reads the instance-tag file, adding its tags to the userstate's; a missing file
/// gives `gcry_error_from_errno(ENOENT)`.
///
/// # Safety
/// `us` must be a valid userstate; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_read(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    with_file(filename, c"rb", |file| otrl_instag_read_FILEp(us, file))
}

/// Reads instance tags from an open stream (NULL: nothing to read, success); lines
/// that are not `account\tprotocol\t<8 hex digits>` with a valid tag are skipped.
///
/// # Safety
/// `us` must be a valid userstate; `instf` an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_instag_read_FILEp(
    us: OtrlUserState,
    instf: *mut FILE,
) -> gcry_error_t {
    if instf.is_null() || us.is_null() {
        return 0;
    }
    // Each usable line is prepended, so the last line of an account is found first.
    for entry in instag::parse_instags(&read_stream(instf)) {
        if push_instag(us, &entry.account_name, &entry.protocol, entry.instag).is_err() {
            return otr_error(GPG_ERR_ENOMEM);
        }
    }
    0
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

/// Makes a new instance tag for an account and writes every tag to the file.
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
    with_file(filename, c"wb", |file| {
        otrl_instag_generate_FILEp(us, file, accountname, protocol)
    })
}

/// Makes a new instance tag for an account and writes every tag to an open stream;
/// NULL names do nothing and succeed, as in libotr.
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
    let (Some(account), Some(proto)) = (c_bytes(accountname), c_bytes(protocol)) else {
        return 0;
    };
    if us.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    if push_instag(us, account, proto, otrl_instag_get_new()).is_err() {
        return otr_error(GPG_ERR_ENOMEM);
    }
    otrl_instag_write_FILEp(us, instf)
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
    with_file(filename, c"wb", |file| otrl_instag_write_FILEp(us, file))
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
    if us.is_null() || instf.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let mut entries = Vec::new();
    let mut tag = (*us).instag_root;
    while !tag.is_null() {
        entries.push(instag::InstagEntry {
            account_name: c_bytes((*tag).accountname).unwrap_or_default().to_vec(),
            protocol: c_bytes((*tag).protocol).unwrap_or_default().to_vec(),
            instag: (*tag).instag,
        });
        tag = (*tag).next;
    }
    write_stream(instf, &instag::write_instags(&entries));
    0
}

/// Prepends a new instance tag to the userstate's list.
unsafe fn push_instag(
    us: OtrlUserState,
    account: &[u8],
    protocol: &[u8],
    tag: otrl_instag_t,
) -> Result<(), ()> {
    let node = libc::calloc(1, std::mem::size_of::<OtrlInsTag>()).cast::<OtrlInsTag>();
    let (account, protocol) = (malloc_c_string(account), malloc_c_string(protocol));
    if node.is_null() || account.is_null() || protocol.is_null() {
        libc::free(node.cast());
        libc::free(account.cast());
        libc::free(protocol.cast());
        return Err(());
    }
    node.write(s_OtrlInsTag {
        next: std::ptr::null_mut(),
        tous: std::ptr::null_mut(),
        accountname: account,
        protocol,
        instag: tag,
    });
    list_insert(std::ptr::addr_of_mut!((*us).instag_root), node);
    Ok(())
}
