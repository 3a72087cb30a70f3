//! `auth.h`: the state of an ongoing authenticated key exchange (internal API, exported).

use super::context::ConnContext;
use super::dh::{otrl_dh_keypair_copy, otrl_dh_keypair_free, DH_keypair, OtrlSessionIdHalf};
use super::gcrypt::{gcry_cipher_hd_t, gcry_error_t, gcry_md_hd_t, gcry_mpi_t, NOT_IMPLEMENTED};
use super::privkey_t::OtrlPrivKey;
use super::{bytes, malloc_copy, opaque};
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

/// Forgets an AKE in progress: back to `OTRL_AUTHSTATE_NONE`, releasing what the struct
/// holds (our D-H key pair's numbers, their public value, the six key handles, the
/// encrypted g^x and the last message) and zeroing the rest. As in libotr, the context
/// pointer, our key pair's group and `session_id_half` are kept.
///
/// # Safety
/// `auth` must be NULL or point to a valid `OtrlAuthInfo` whose numbers and handles are
/// NULL or came from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_clear(auth: *mut OtrlAuthInfo) {
    let Some(a) = auth.as_mut() else {
        return;
    };
    otrl_dh_keypair_free(&mut a.our_dh);
    opaque::release(a.their_pub);
    for handle in [a.enc_c, a.enc_cp, a.mac_m1, a.mac_m1p, a.mac_m2, a.mac_m2p] {
        opaque::release(handle);
    }
    libc::free(a.encgx.cast());
    libc::free(a.lastauthmsg.cast());
    let (context, groupid, half) = (a.context, a.our_dh.groupid, a.session_id_half);
    std::ptr::write_bytes(auth, 0, 1);
    (*auth).context = context;
    (*auth).our_dh.groupid = groupid;
    (*auth).session_id_half = half;
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

/// Not implemented yet: returns "Not implemented". libotr 4.1.1 still runs OTR version 1's
/// key exchange here (its message handling no longer does).
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

/// Not implemented yet: returns "Not implemented". libotr 4.1.1 still runs OTR version 1's
/// key exchange here (its message handling no longer does).
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

/// Gives the AKE of an instance context (`auth`) our D-H Commit from the master
/// context's (`m_auth`), when a D-H Key arrives from a new instance of the peer (spec
/// "Instance Tags": a v3 D-H Commit goes to every instance). Only when the master awaits
/// a D-H Key or a Signature: `auth` then gets a copy of our key pair (its own numbers
/// replaced), key id, `initiated`, r, encrypted g^x (its old buffer freed) and hashed
/// g^x, and awaits a D-H Key. Otherwise nothing changes.
///
/// Unlike libotr, which leaves `encgx_len` as it was, the length of the copied buffer
/// is copied too.
///
/// # Safety
/// Both must be NULL or point to valid `OtrlAuthInfo`s whose numbers came from this
/// library.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_copy_on_key(m_auth: *mut OtrlAuthInfo, auth: *mut OtrlAuthInfo) {
    let (Some(m), Some(a)) = (m_auth.as_ref(), auth.as_mut()) else {
        return;
    };
    if !matches!(
        m.authstate,
        OTRL_AUTHSTATE_AWAITING_DHKEY | OTRL_AUTHSTATE_AWAITING_SIG
    ) {
        return;
    }
    otrl_dh_keypair_free(&mut a.our_dh);
    otrl_dh_keypair_copy(&mut a.our_dh, &m.our_dh);
    a.initiated = m.initiated;
    a.our_keyid = m.our_keyid;
    a.r = m.r;
    libc::free(a.encgx.cast());
    let encgx = bytes(m.encgx, m.encgx_len);
    a.encgx = malloc_copy(encgx);
    a.encgx_len = if a.encgx.is_null() { 0 } else { encgx.len() };
    a.hashgx = m.hashgx;
    a.authstate = OTRL_AUTHSTATE_AWAITING_DHKEY;
}
