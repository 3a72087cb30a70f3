//! `privkey.h`: long-term DSA keys, their fingerprints, and the fingerprint store.

use super::context::ConnContext;
use super::context::{otrl_context_find, otrl_context_find_fingerprint, otrl_context_set_trust};
use super::gcrypt::{gcry_error_t, gcry_sexp_t, NOT_IMPLEMENTED};
use super::instag::OTRL_INSTAG_MASTER;
use super::privkey_t::OtrlPrivKey;
use super::userstate::OtrlUserState;
use super::{bytes, c_bytes, read_stream, with_file, write_stream};
use crate::crypto::Fingerprint;
use crate::files::fingerprints;
use crate::wire::base64::c_str;
use libc::{c_char, c_uchar, c_ushort, c_void, size_t, FILE};
use std::ffi::CString;
use std::ptr;

pub const OTRL_PRIVKEY_FPRINT_HUMAN_LEN: usize = 45;

/// Writes a fingerprint as five groups of eight upper-case hex digits, NUL-terminated.
///
/// # Safety
/// `human` must have room for 45 bytes; `hash` must hold 20.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_hash_to_human(human: *mut c_char, hash: *const c_uchar) {
    let hash: [u8; 20] = bytes(hash, 20).try_into().unwrap_or_default();
    let text = Fingerprint(hash).to_human();
    std::ptr::copy_nonoverlapping(text.as_ptr(), human.cast::<u8>(), text.len());
    *human.add(text.len()) = 0;
}

/// # Safety
/// `us` valid; `fingerprint` 45 writable bytes; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_fingerprint(
    us: OtrlUserState,
    fingerprint: *mut c_char,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut c_char {
    let _ = (us, fingerprint, accountname, protocol);
    std::ptr::null_mut()
}

/// # Safety
/// `us` valid; `hash` 20 writable bytes; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_fingerprint_raw(
    us: OtrlUserState,
    hash: *mut c_uchar,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut c_uchar {
    let _ = (us, hash, accountname, protocol);
    std::ptr::null_mut()
}

/// # Safety
/// `us` valid; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    let _ = us;
    with_file(filename, c"rb", |_| NOT_IMPLEMENTED)
}

/// # Safety
/// `us` valid; `privf` an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read_FILEp(
    us: OtrlUserState,
    privf: *mut FILE,
) -> gcry_error_t {
    let _ = (us, privf);
    NOT_IMPLEMENTED
}

/// # Safety
/// `us` must be a valid userstate.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_pending_forget_all(us: OtrlUserState) {
    let _ = us;
}

/// # Safety
/// `us` valid; strings NUL-terminated; `newkeyp` writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_start(
    us: OtrlUserState,
    accountname: *const c_char,
    protocol: *const c_char,
    newkeyp: *mut *mut c_void,
) -> gcry_error_t {
    let _ = (us, accountname, protocol, newkeyp);
    NOT_IMPLEMENTED
}

/// # Safety
/// `newkey` must come from `otrl_privkey_generate_start`.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_calculate(newkey: *mut c_void) -> gcry_error_t {
    let _ = newkey;
    NOT_IMPLEMENTED
}

/// # Safety
/// `us` valid; `newkey` from `otrl_privkey_generate_start`; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_finish(
    us: OtrlUserState,
    newkey: *mut c_void,
    filename: *const c_char,
) -> gcry_error_t {
    let _ = (us, newkey, filename);
    NOT_IMPLEMENTED
}

/// # Safety
/// `us` valid; `newkey` from `otrl_privkey_generate_start`; `privf` an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_finish_FILEp(
    us: OtrlUserState,
    newkey: *mut c_void,
    privf: *mut FILE,
) -> gcry_error_t {
    let _ = (us, newkey, privf);
    NOT_IMPLEMENTED
}

/// # Safety
/// `us` valid; `newkey` from `otrl_privkey_generate_start`.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_cancelled(us: OtrlUserState, newkey: *mut c_void) {
    let _ = (us, newkey);
}

/// # Safety
/// `us` valid; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate(
    us: OtrlUserState,
    filename: *const c_char,
    accountname: *const c_char,
    protocol: *const c_char,
) -> gcry_error_t {
    let _ = (us, filename, accountname, protocol);
    NOT_IMPLEMENTED
}

/// # Safety
/// `us` valid; `privf` an open stream; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_FILEp(
    us: OtrlUserState,
    privf: *mut FILE,
    accountname: *const c_char,
    protocol: *const c_char,
) -> gcry_error_t {
    let _ = (us, privf, accountname, protocol);
    NOT_IMPLEMENTED
}

/// Reads the fingerprint store into master contexts (added as needed, with
/// `add_app_data`), setting each fingerprint's trust.
///
/// # Safety
/// `us` valid; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read_fingerprints(
    us: OtrlUserState,
    filename: *const c_char,
    add_app_data: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> gcry_error_t {
    with_file(filename, c"rb", |file| {
        otrl_privkey_read_fingerprints_FILEp(us, file, add_app_data, data)
    })
}

/// As `otrl_privkey_read_fingerprints`, from an open stream (NULL: success).
///
/// # Safety
/// `us` valid; `storef` NULL or an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read_fingerprints_FILEp(
    us: OtrlUserState,
    storef: *mut FILE,
    add_app_data: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> gcry_error_t {
    if storef.is_null() || us.is_null() {
        return 0;
    }
    for entry in fingerprints::parse_fingerprints(&read_stream(storef)) {
        let names = [&entry.username, &entry.account_name, &entry.protocol].map(|n| c_string(n));
        let context = otrl_context_find(
            us,
            names[0].as_ptr(),
            names[1].as_ptr(),
            names[2].as_ptr(),
            OTRL_INSTAG_MASTER,
            1,
            ptr::null_mut(),
            add_app_data,
            data,
        );
        let mut hash = entry.fingerprint;
        let fprint = otrl_context_find_fingerprint(context, hash.as_mut_ptr(), 1, ptr::null_mut());
        let trust = entry.trust.as_deref().map(c_string);
        otrl_context_set_trust(fprint, trust.as_ref().map_or(ptr::null(), |t| t.as_ptr()));
    }
    0
}

/// Writes every master context's fingerprints with their trust.
///
/// # Safety
/// `us` valid; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_write_fingerprints(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    with_file(filename, c"wb", |file| {
        otrl_privkey_write_fingerprints_FILEp(us, file)
    })
}

/// As `otrl_privkey_write_fingerprints`, to an open stream (NULL: success).
///
/// # Safety
/// `us` valid; `storef` NULL or an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_write_fingerprints_FILEp(
    us: OtrlUserState,
    storef: *mut FILE,
) -> gcry_error_t {
    if storef.is_null() || us.is_null() {
        return 0;
    }
    let mut entries = Vec::new();
    let mut context = (*us).context_root;
    while !context.is_null() {
        let c = &*context;
        if c.their_instance == OTRL_INSTAG_MASTER {
            let name = |s: *mut c_char| c_bytes(s).unwrap_or_default().to_vec();
            let mut f = c.fingerprint_root.next;
            while !f.is_null() {
                entries.push(fingerprints::FingerprintEntry {
                    username: name(c.username),
                    account_name: name(c.accountname),
                    protocol: name(c.protocol),
                    fingerprint: bytes((*f).fingerprint, 20).try_into().unwrap_or_default(),
                    trust: c_bytes((*f).trust).map(<[u8]>::to_vec),
                });
                f = (*f).next;
            }
        }
        context = c.next;
    }
    write_stream(storef, &fingerprints::write_fingerprints(&entries));
    0
}

/// # Safety
/// `us` valid; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_find(
    us: OtrlUserState,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut OtrlPrivKey {
    let _ = (us, accountname, protocol);
    std::ptr::null_mut()
}

/// # Safety
/// `privkey` must be NULL or in a userstate's list.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_forget(privkey: *mut OtrlPrivKey) {
    let _ = privkey;
}

/// # Safety
/// `us` must be a valid userstate.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_forget_all(us: OtrlUserState) {
    let _ = us;
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_sign(
    sigp: *mut *mut c_uchar,
    siglenp: *mut size_t,
    privkey: *mut OtrlPrivKey,
    data: *const c_uchar,
    len: size_t,
) -> gcry_error_t {
    let _ = (sigp, siglenp, privkey, data, len);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_verify(
    sigbuf: *const c_uchar,
    siglen: size_t,
    pubkey_type: c_ushort,
    pubs: gcry_sexp_t,
    data: *const c_uchar,
    len: size_t,
) -> gcry_error_t {
    let _ = (sigbuf, siglen, pubkey_type, pubs, data, len);
    NOT_IMPLEMENTED
}

/// `bytes` up to their first NUL as a C string, as libotr's line parsers see a field.
fn c_string(bytes: &[u8]) -> CString {
    CString::new(c_str(bytes)).unwrap_or_default()
}

/// The Rust key of a list entry. (Placeholder until the key store lands.)
pub(crate) unsafe fn private_key<'a>(
    p: *const OtrlPrivKey,
) -> Option<&'a crate::crypto::dsa::PrivateKey> {
    let _ = p;
    None
}
