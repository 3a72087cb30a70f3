//! `context_priv.h`: the part of a context meant for libotr alone.

use super::dh::{DH_keypair, DH_sesskeys};
use super::gcrypt::gcry_mpi_t;
use crate::session::{MsgState, Session};
use crate::wire::query::Policy;
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort, size_t, time_t};
use zeroize::Zeroizing;

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

/// The conversation behind a context, owned by Rust: libotr keeps these in
/// `ConnContextPriv`, whose C layout no client reads (libotr-abi.md), so they
/// live in the same allocation, after it.
pub(crate) struct Conn {
    /// The OTR session with this context's peer instance.
    pub session: Session,
    /// The last message the user sent, kept for retransmission after an AKE
    /// (libotr's `lastmessage`).
    pub last_message: Option<Zeroizing<Vec<u8>>>,
    /// libotr's `may_retransmit`: 0 no, 1 resend with a prefix (after an
    /// error message), 2 send as is (held back by REQUIRE_ENCRYPTION).
    pub may_retransmit: u8,
    /// When we last sent a v3 D-H Commit from this master context, 0 if
    /// none (libotr's `auth.commit_sent_time`).
    pub commit_sent_time: time_t,
}

/// `ConnContextPriv` followed by the Rust state; the C part comes first so a
/// `*mut ConnContextPriv` is also a pointer to the whole.
#[repr(C)]
struct PrivAlloc {
    c: ConnContextPriv,
    conn: Conn,
}

/// A new private context part, as libotr initialises it.
#[no_mangle]
pub extern "C" fn otrl_context_priv_new() -> *mut ConnContextPriv {
    let alloc = Box::new(PrivAlloc {
        // SAFETY: all-zero is libotr's initial private state (no fragment, no keys,
        // key ids 0); every member is an integer, a pointer or an array of them.
        c: unsafe { std::mem::zeroed() },
        conn: Conn {
            session: Session::new(Policy(0), b"", 0, None),
            last_message: None,
            may_retransmit: 0,
            commit_sent_time: 0,
        },
    });
    Box::into_raw(alloc).cast()
}

/// The Rust state of a private context part.
///
/// # Safety
/// `context_priv` must come from `otrl_context_priv_new` and outlive the borrow,
/// with no other borrow of it alive.
pub(crate) unsafe fn conn<'a>(context_priv: *mut ConnContextPriv) -> &'a mut Conn {
    &mut (*context_priv.cast::<PrivAlloc>()).conn
}

/// Drops a context's session state (keys, fragments, saved MAC keys, last message),
/// keeping its generation count and the times of the last message sent and
/// received; the session is left FINISHED.
///
/// # Safety
/// `context_priv` must be NULL or come from `otrl_context_priv_new`.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_priv_force_finished(context_priv: *mut ConnContextPriv) {
    if context_priv.is_null() {
        return;
    }
    let conn = conn(context_priv);
    conn.session.force(MsgState::Finished);
    conn.last_message = None;
    conn.may_retransmit = 0;
    let p = &mut *context_priv;
    let (generation, lastsent, lastrecv) = (p.generation, p.lastsent, p.lastrecv);
    std::ptr::write_bytes(context_priv, 0, 1);
    p.generation = generation;
    p.lastsent = lastsent;
    p.lastrecv = lastrecv;
}

/// Frees a private context part and what it owns.
///
/// # Safety
/// `context_priv` must be NULL or come from `otrl_context_priv_new`, not used afterwards.
pub(super) unsafe fn free_context_priv(context_priv: *mut ConnContextPriv) {
    if !context_priv.is_null() {
        drop(Box::from_raw(context_priv.cast::<PrivAlloc>()));
    }
}
