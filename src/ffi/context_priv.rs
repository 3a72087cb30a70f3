//! `context_priv.h`: the part of a context meant for libotr alone.

use super::dh::{DH_keypair, DH_sesskeys};
use super::gcrypt::gcry_mpi_t;
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort, size_t, time_t};

/// Per-context protocol state libotr keeps private; only its layout is public.
#[repr(C)]
pub struct context_priv {
    pub fragment: *mut c_char,
    pub fragment_len: size_t,
    pub fragment_n: c_ushort,
    pub fragment_k: c_ushort,
    pub their_keyid: c_uint,
    pub their_y: gcry_mpi_t,
    pub their_old_y: gcry_mpi_t,
    pub our_keyid: c_uint,
    pub our_dh_key: DH_keypair,
    pub our_old_dh_key: DH_keypair,
    pub sesskeys: [[DH_sesskeys; 2]; 2],
    pub numsavedkeys: c_uint,
    pub saved_mac_keys: *mut c_uchar,
    pub generation: c_uint,
    pub lastsent: time_t,
    pub lastrecv: time_t,
    pub lastmessage: *mut c_char,
    pub may_retransmit: c_int,
}

/// cbindgen:ignore
pub type ConnContextPriv = context_priv;

/// A new private context part, as libotr initialises it.
#[no_mangle]
pub extern "C" fn otrl_context_priv_new() -> *mut ConnContextPriv {
    // SAFETY: calloc returns zeroed memory of the right size, or NULL; all-zero is
    // libotr's initial private state (no fragment, no keys, key ids 0).
    unsafe { libc::calloc(1, std::mem::size_of::<ConnContextPriv>()).cast() }
}

/// Drops a context's session state (keys, fragments, saved MAC keys, last message),
/// keeping its generation count.
///
/// # Safety
/// `context_priv` must be NULL or point to a valid `ConnContextPriv`.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_priv_force_finished(context_priv: *mut ConnContextPriv) {
    if context_priv.is_null() {
        return;
    }
    let p = &mut *context_priv;
    libc::free(p.fragment.cast());
    libc::free(p.saved_mac_keys.cast());
    libc::free(p.lastmessage.cast());
    // Everything but the generation count goes back to its initial value.
    let generation = p.generation;
    std::ptr::write_bytes(context_priv, 0, 1);
    (*context_priv).generation = generation;
}

/// Frees a private context part and what it owns.
///
/// # Safety
/// `context_priv` must be NULL or come from `otrl_context_priv_new`, not used afterwards.
pub(super) unsafe fn free_context_priv(context_priv: *mut ConnContextPriv) {
    otrl_context_priv_force_finished(context_priv);
    libc::free(context_priv.cast());
}
