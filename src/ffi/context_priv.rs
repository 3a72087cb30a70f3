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

/// A new, zeroed private context part.
#[no_mangle]
pub extern "C" fn otrl_context_priv_new() -> *mut ConnContextPriv {
    std::ptr::null_mut()
}

/// # Safety
/// `context_priv` must point to a valid `ConnContextPriv`.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_priv_force_finished(context_priv: *mut ConnContextPriv) {
    let _ = context_priv;
}
