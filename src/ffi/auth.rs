//! `auth.h`: the state of an ongoing authenticated key exchange (internal API, exported).

use super::context::ConnContext;
use super::dh::{DH_keypair, OtrlSessionIdHalf};
use super::gcrypt::{gcry_cipher_hd_t, gcry_error_t, gcry_md_hd_t, gcry_mpi_t, NOT_IMPLEMENTED};
use super::privkey_t::OtrlPrivKey;
use libc::{c_char, c_int, c_uchar, c_uint, c_void, size_t, time_t};

pub type OtrlAuthState = c_uint;
pub const OTRL_AUTHSTATE_NONE: OtrlAuthState = 0;
pub const OTRL_AUTHSTATE_AWAITING_DHKEY: OtrlAuthState = 1;
pub const OTRL_AUTHSTATE_AWAITING_REVEALSIG: OtrlAuthState = 2;
pub const OTRL_AUTHSTATE_AWAITING_SIG: OtrlAuthState = 3;
pub const OTRL_AUTHSTATE_V1_SETUP: OtrlAuthState = 4;

/// The AKE state embedded in every context; clients read `authstate`.
#[repr(C)]
pub struct OtrlAuthInfo {
    pub authstate: OtrlAuthState,
    pub context: *mut ConnContext,
    pub our_dh: DH_keypair,
    pub our_keyid: c_uint,
    pub encgx: *mut c_uchar,
    pub encgx_len: size_t,
    pub r: [c_uchar; 16],
    pub hashgx: [c_uchar; 32],
    pub their_pub: gcry_mpi_t,
    pub their_keyid: c_uint,
    pub enc_c: gcry_cipher_hd_t,
    pub enc_cp: gcry_cipher_hd_t,
    pub mac_m1: gcry_md_hd_t,
    pub mac_m1p: gcry_md_hd_t,
    pub mac_m2: gcry_md_hd_t,
    pub mac_m2p: gcry_md_hd_t,
    pub their_fingerprint: [c_uchar; 20],
    pub initiated: c_int,
    pub protocol_version: c_uint,
    pub secure_session_id: [c_uchar; 20],
    pub secure_session_id_len: size_t,
    pub session_id_half: OtrlSessionIdHalf,
    pub lastauthmsg: *mut c_char,
    pub commit_sent_time: time_t,
}

/// Sets up the AKE state embedded in a new context.
///
/// # Safety
/// `context` must point to a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_new(context: *mut ConnContext) {
    let auth = std::ptr::addr_of_mut!((*context).auth);
    std::ptr::write_bytes(auth, 0, 1);
    (*auth).context = context;
}

/// Forgets an AKE in progress: back to `OTRL_AUTHSTATE_NONE`.
///
/// # Safety
/// `auth` must be NULL or point to a valid `OtrlAuthInfo`.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_clear(auth: *mut OtrlAuthInfo) {
    if auth.is_null() {
        return;
    }
    libc::free((*auth).encgx.cast());
    libc::free((*auth).lastauthmsg.cast());
    // Back to AUTHSTATE_NONE with nothing remembered, still pointing at its context.
    let context = (*auth).context;
    std::ptr::write_bytes(auth, 0, 1);
    (*auth).context = context;
}

/// # Safety
/// `auth` must point to a valid `OtrlAuthInfo`.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_start_v23(
    auth: *mut OtrlAuthInfo,
    version: c_int,
) -> gcry_error_t {
    let _ = (auth, version);
    NOT_IMPLEMENTED
}

/// # Safety
/// `auth` must point to a valid `OtrlAuthInfo`; `commitmsg` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_commit(
    auth: *mut OtrlAuthInfo,
    commitmsg: *const c_char,
    version: c_int,
) -> gcry_error_t {
    let _ = (auth, commitmsg, version);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_key(
    auth: *mut OtrlAuthInfo,
    keymsg: *const c_char,
    havemsgp: *mut c_int,
    privkey: *mut OtrlPrivKey,
) -> gcry_error_t {
    let _ = (auth, keymsg, havemsgp, privkey);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_revealsig(
    auth: *mut OtrlAuthInfo,
    revealmsg: *const c_char,
    havemsgp: *mut c_int,
    privkey: *mut OtrlPrivKey,
    auth_succeeded: Option<
        unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t,
    >,
    asdata: *mut c_void,
) -> gcry_error_t {
    let _ = (auth, revealmsg, havemsgp, privkey, auth_succeeded, asdata);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_signature(
    auth: *mut OtrlAuthInfo,
    sigmsg: *const c_char,
    havemsgp: *mut c_int,
    auth_succeeded: Option<
        unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t,
    >,
    asdata: *mut c_void,
) -> gcry_error_t {
    let _ = (auth, sigmsg, havemsgp, auth_succeeded, asdata);
    NOT_IMPLEMENTED
}

/// OTR version 1 is not supported (nor is it by libotr 4); this always fails.
///
/// # Safety
/// No pointer is dereferenced.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_start_v1(
    auth: *mut OtrlAuthInfo,
    our_dh: *mut DH_keypair,
    our_keyid: c_uint,
    privkey: *mut OtrlPrivKey,
) -> gcry_error_t {
    let _ = (auth, our_dh, our_keyid, privkey);
    NOT_IMPLEMENTED
}

/// OTR version 1 is not supported (nor is it by libotr 4); this always fails.
///
/// # Safety
/// No pointer is dereferenced.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_auth_handle_v1_key_exchange(
    auth: *mut OtrlAuthInfo,
    keyexchmsg: *const c_char,
    havemsgp: *mut c_int,
    privkey: *mut OtrlPrivKey,
    our_dh: *mut DH_keypair,
    our_keyid: c_uint,
    auth_succeeded: Option<
        unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t,
    >,
    asdata: *mut c_void,
) -> gcry_error_t {
    let _ = (auth, keyexchmsg, havemsgp, privkey, our_dh, our_keyid);
    let _ = (auth_succeeded, asdata);
    NOT_IMPLEMENTED
}

/// # Safety
/// Both must point to valid `OtrlAuthInfo`s.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_copy_on_key(m_auth: *mut OtrlAuthInfo, auth: *mut OtrlAuthInfo) {
    let _ = (m_auth, auth);
}
