//! `context.h`: one conversation with one buddy (and, in v3, one of the buddy's instances).

use super::auth::OtrlAuthInfo;
use super::context_priv::ConnContextPriv;
use super::dh::OtrlSessionIdHalf;
use super::instag::otrl_instag_t;
use super::sm::OtrlSMState;
use super::userstate::OtrlUserState;
use super::{c_bytes, malloc_c_string};
use libc::{c_char, c_int, c_uchar, c_uint, c_void, size_t};

pub type OtrlMessageState = c_uint;
pub const OTRL_MSGSTATE_PLAINTEXT: OtrlMessageState = 0;
pub const OTRL_MSGSTATE_ENCRYPTED: OtrlMessageState = 1;
pub const OTRL_MSGSTATE_FINISHED: OtrlMessageState = 2;

/// Values of `ConnContext.otr_offer` (an anonymous enum in libotr's header).
pub const OFFER_NOT: c_uint = 0;
pub const OFFER_SENT: c_uint = 1;
pub const OFFER_REJECTED: c_uint = 2;
pub const OFFER_ACCEPTED: c_uint = 3;

/// A known fingerprint of a buddy; the list hangs off the master context's
/// `fingerprint_root`, whose own `fingerprint` is NULL.
#[repr(C)]
pub struct s_fingerprint {
    pub next: *mut Fingerprint,
    pub tous: *mut *mut Fingerprint,
    pub fingerprint: *mut c_uchar,
    pub context: *mut ConnContext,
    pub trust: *mut c_char,
}

/// cbindgen:ignore
pub type Fingerprint = s_fingerprint;

/// The context clients see: they read most fields and write `app_data`, `app_data_free`.
#[repr(C)]
pub struct context {
    pub next: *mut ConnContext,
    pub tous: *mut *mut ConnContext,
    pub context_priv: *mut ConnContextPriv,
    pub username: *mut c_char,
    pub accountname: *mut c_char,
    pub protocol: *mut c_char,
    pub m_context: *mut ConnContext,
    pub recent_rcvd_child: *mut ConnContext,
    pub recent_sent_child: *mut ConnContext,
    pub recent_child: *mut ConnContext,
    pub our_instance: otrl_instag_t,
    pub their_instance: otrl_instag_t,
    pub msgstate: OtrlMessageState,
    pub auth: OtrlAuthInfo,
    pub fingerprint_root: s_fingerprint,
    pub active_fingerprint: *mut Fingerprint,
    pub sessionid: [c_uchar; 20],
    pub sessionid_len: size_t,
    pub sessionid_half: OtrlSessionIdHalf,
    pub protocol_version: c_uint,
    pub otr_offer: c_uint,
    pub app_data: *mut c_void,
    pub app_data_free: Option<unsafe extern "C" fn(data: *mut c_void)>,
    pub smstate: *mut OtrlSMState,
}

/// cbindgen:ignore
pub type ConnContext = context;

/// Finds (and optionally adds) the context for a buddy and instance.
///
/// # Safety
/// `us` must be a valid userstate; strings NUL-terminated; `addedp` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_context_find(
    us: OtrlUserState,
    user: *const c_char,
    accountname: *const c_char,
    protocol: *const c_char,
    their_instance: otrl_instag_t,
    add_if_missing: c_int,
    addedp: *mut c_int,
    add_app_data: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> *mut ConnContext {
    let _ = (us, user, accountname, protocol, their_instance);
    let _ = (add_if_missing, addedp, add_app_data, data);
    std::ptr::null_mut()
}

/// Whether the fingerprint's trust string is set and non-empty.
///
/// # Safety
/// `fprint` must be NULL or a valid fingerprint.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_is_fingerprint_trusted(fprint: *mut Fingerprint) -> c_int {
    let trust = if fprint.is_null() {
        std::ptr::null()
    } else {
        (*fprint).trust
    };
    c_int::from(!trust.is_null() && *trust != 0)
}

/// # Safety
/// `context` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_update_recent_child(
    context: *mut ConnContext,
    sent_msg: c_uint,
) {
    let _ = (context, sent_msg);
}

/// # Safety
/// `context` must be valid; `fingerprint` 20 readable bytes; `addedp` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_find_fingerprint(
    context: *mut ConnContext,
    fingerprint: *mut c_uchar,
    add_if_missing: c_int,
    addedp: *mut c_int,
) -> *mut Fingerprint {
    let _ = (context, fingerprint, add_if_missing, addedp);
    std::ptr::null_mut()
}

/// Replaces the fingerprint's trust string with a `malloc`ed copy of `trust` (or NULL).
///
/// # Safety
/// `fprint` must be NULL or valid; `trust` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_set_trust(fprint: *mut Fingerprint, trust: *const c_char) {
    if fprint.is_null() {
        return;
    }
    // The old string may be one a client put there itself (profanity does): it came
    // from malloc too, as libotr documents.
    libc::free((*fprint).trust.cast());
    (*fprint).trust = match c_bytes(trust) {
        Some(text) => malloc_c_string(text),
        None => std::ptr::null_mut(),
    };
}

/// # Safety
/// `context` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_force_finished(context: *mut ConnContext) {
    let _ = context;
}

/// # Safety
/// `context` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_force_plaintext(context: *mut ConnContext) {
    let _ = context;
}

/// # Safety
/// `fprint` must be NULL or a valid fingerprint.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_forget_fingerprint(
    fprint: *mut Fingerprint,
    and_maybe_context: c_int,
) {
    let _ = (fprint, and_maybe_context);
}

/// # Safety
/// `context` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_forget(context: *mut ConnContext) -> c_int {
    let _ = context;
    1
}

/// # Safety
/// `us` must be a valid userstate.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_forget_all(us: OtrlUserState) {
    let _ = us;
}

/// # Safety
/// `context` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_find_recent_instance(
    context: *mut ConnContext,
    recent_instag: otrl_instag_t,
) -> *mut ConnContext {
    let _ = (context, recent_instag);
    std::ptr::null_mut()
}

/// # Safety
/// `context` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_find_recent_secure_instance(
    context: *mut ConnContext,
) -> *mut ConnContext {
    let _ = context;
    std::ptr::null_mut()
}
