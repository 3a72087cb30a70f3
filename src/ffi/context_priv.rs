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
/// `ConnContextPriv`, whose C layout no client reads (libotr-abi.md).
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

impl Conn {
    /// The state of a new context: PLAINTEXT, nothing to retransmit (the
    /// message API tells the session its policy, account and instance tags
    /// when it uses it).
    fn new() -> Self {
        Self {
            session: Session::new(Policy(0), b"", 0, None),
            last_message: None,
            may_retransmit: 0,
            commit_sent_time: 0,
        }
    }
}

/// `ConnContextPriv` followed by a pointer to the Rust state; the C part comes
/// first so a `*mut ConnContextPriv` is also a pointer to the whole.
#[repr(C)]
pub(super) struct PrivAlloc {
    c: ConnContextPriv,
    /// `None` until the message API first needs the conversation (most
    /// contexts of a busy buddy list never see an OTR message), which then
    /// starts in [`Conn::new`]'s state: an idle context costs one pointer.
    conn: Option<Box<Conn>>,
}

impl PrivAlloc {
    /// libotr's initial private state.
    pub(super) fn new() -> Self {
        Self {
            // SAFETY: all-zero is libotr's initial private state (no fragment, no
            // keys, key ids 0); every member is an integer, a pointer or an array
            // of them.
            c: unsafe { std::mem::zeroed() },
            conn: None,
        }
    }
}

/// A new private context part, as libotr initialises it (NULL if memory runs out).
#[no_mangle]
pub extern "C" fn otrl_context_priv_new() -> *mut ConnContextPriv {
    // From malloc, as libotr's: until its conversation starts, free() releases it.
    // SAFETY: the block is checked and then initialised whole before use.
    unsafe {
        let alloc = libc::malloc(std::mem::size_of::<PrivAlloc>()).cast::<PrivAlloc>();
        if !alloc.is_null() {
            alloc.write(PrivAlloc::new());
        }
        alloc.cast()
    }
}

/// The Rust state of a private context part, started on first use.
///
/// # Safety
/// `context_priv` must come from `otrl_context_priv_new` or a context, and
/// outlive the borrow, with no other borrow of it alive.
pub(crate) unsafe fn conn<'a>(context_priv: *mut ConnContextPriv) -> &'a mut Conn {
    (*context_priv.cast::<PrivAlloc>())
        .conn
        .get_or_insert_with(|| Box::new(Conn::new()))
}

/// Drops a context's session state (keys, fragments, saved MAC keys, last message),
/// keeping its generation count and the times of the last message sent and
/// received; the session is left FINISHED.
///
/// # Safety
/// `context_priv` must be NULL or come from `otrl_context_priv_new` or a context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_priv_force_finished(context_priv: *mut ConnContextPriv) {
    force(context_priv, MsgState::Finished);
}

/// As `otrl_context_priv_force_finished`, leaving the session in `state`. A
/// conversation not yet started stays so when `state` is PLAINTEXT, the state
/// it starts in.
///
/// # Safety
/// As `otrl_context_priv_force_finished`.
pub(super) unsafe fn force(context_priv: *mut ConnContextPriv, state: MsgState) {
    if context_priv.is_null() {
        return;
    }
    if started_conn(context_priv).is_some() || state != MsgState::Plaintext {
        let conn = conn(context_priv);
        conn.session.force(state);
        conn.last_message = None;
        conn.may_retransmit = 0;
    }
    let p = &mut *context_priv;
    let (generation, lastsent, lastrecv) = (p.generation, p.lastsent, p.lastrecv);
    std::ptr::write_bytes(context_priv, 0, 1);
    p.generation = generation;
    p.lastsent = lastsent;
    p.lastrecv = lastrecv;
}

/// The Rust state of a private context part if the message API has started it
/// (`None`: the conversation is in [`Conn::new`]'s state).
///
/// # Safety
/// As [`conn`].
pub(crate) unsafe fn started_conn<'a>(context_priv: *mut ConnContextPriv) -> Option<&'a mut Conn> {
    (*context_priv.cast::<PrivAlloc>()).conn.as_deref_mut()
}
