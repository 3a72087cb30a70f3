//! `userstate.h`: everything libotr knows about one user: contexts, keys, instance tags.

use super::context::ConnContext;
use super::instag::OtrlInsTag;
use super::privkey_t::{OtrlPendingPrivKey, OtrlPrivKey};
use libc::c_int;

/// The userstate clients hold; they read its lists directly.
#[repr(C)]
pub struct s_OtrlUserState {
    pub context_root: *mut ConnContext,
    pub privkey_root: *mut OtrlPrivKey,
    pub instag_root: *mut OtrlInsTag,
    pub pending_root: *mut OtrlPendingPrivKey,
    pub timer_running: c_int,
}

/// cbindgen:ignore
pub type OtrlUserState = *mut s_OtrlUserState;

/// A new, empty userstate.
#[no_mangle]
pub extern "C" fn otrl_userstate_create() -> OtrlUserState {
    // SAFETY: calloc returns zeroed memory of the right size, or NULL.
    unsafe { libc::calloc(1, std::mem::size_of::<s_OtrlUserState>()).cast() }
}

/// Frees a userstate and everything in it.
///
/// # Safety
/// `us` must be NULL or come from `otrl_userstate_create`, and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn otrl_userstate_free(us: OtrlUserState) {
    if us.is_null() {
        return;
    }
    super::context::otrl_context_forget_all(us);
    super::privkey::otrl_privkey_forget_all(us);
    super::privkey::otrl_privkey_pending_forget_all(us);
    super::instag::otrl_instag_forget_all(us);
    libc::free(us.cast());
}
