//! `context_priv.h`: the part of a context meant for libotr alone.

use super::context::ConnContext;
use super::dh::{DH_keypair, DH_sesskeys};
use super::gcrypt::gcry_mpi_t;
use crate::session::{MsgState, Session};
use crate::smp;
use crate::wire::query::Policy;
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort, size_t, time_t};
use std::ptr;
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
    /// The SMP state callbacks see while an SMP message is handled or sent
    /// (`smp::Received::view`, `smp::Outgoing::view`); the session's own
    /// state when `None`.
    pub smp_shown: Option<smp::View>,
    /// What was last written to the context's `OtrlSMState`, to tell what a client
    /// changed there since.
    pub smp_written: Option<smp::View>,
    /// The time of the last message sent that callbacks see while a message
    /// that counts as sending is on its way (`Output::SendCounted`).
    pub last_sent_shown: Option<u64>,
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
            smp_shown: None,
            smp_written: None,
            last_sent_shown: None,
        }
    }
}

/// `ConnContextPriv` followed by a pointer to the Rust state; the C part comes
/// first so a `*mut ConnContextPriv` is also a pointer to the whole. A context
/// has one of its own only once the message API has needed it ([`conn`]);
/// until then its `context_priv` is the shared [`IDLE`].
#[repr(C)]
pub(super) struct PrivAlloc {
    c: ConnContextPriv,
    /// `None` until the message API first needs the conversation, which then
    /// starts in [`Conn::new`]'s state.
    conn: Option<Box<Conn>>,
}

impl PrivAlloc {
    /// The conversation, started if it was not.
    fn conn_mut(&mut self) -> &mut Conn {
        self.conn.get_or_insert_with(|| Box::new(Conn::new()))
    }
}

/// libotr's initial private state, the members of [`Idle`].
const fn fresh_private_part() -> ConnContextPriv {
    // SAFETY: all-zero is a valid value of every member (see `Idle`).
    unsafe { std::mem::zeroed() }
}

/// The one private part of every context the message API has not used yet
/// (most contexts of a busy buddy list never see an OTR message): it reads as
/// a fresh one, and an idle context costs no allocation for it. Never written:
/// it is immutable, so it lies in read-only memory, and every writer goes
/// through [`conn`] or [`private_part`], which give the context its own part
/// first. Clients do not touch `context_priv` (libotr-abi.md).
static IDLE: Idle = Idle {
    bytes: [0; size_of::<ConnContextPriv>()],
};

/// [`IDLE`]'s type: a private part made of zero bytes, padding included, as
/// `otrl_context_priv_new`'s `calloc`ed one. Every member libotr sets there (no
/// fragment, no keys, key ids, counters and times 0) is zero or NULL, and so
/// are the ones it leaves unset: every member is an integer, a pointer or an
/// array of them, for which all-zero is a valid value.
#[repr(C)]
union Idle {
    part: std::mem::ManuallyDrop<ConnContextPriv>,
    bytes: [u8; size_of::<ConnContextPriv>()],
}

// SAFETY: `IDLE` is never written (see there): its pointers are NULL and only
// ever read.
unsafe impl Sync for Idle {}

/// The private part a new context starts with: the shared idle one.
pub(super) fn idle_private_part() -> *mut ConnContextPriv {
    ptr::addr_of!(IDLE.part)
        .cast::<ConnContextPriv>()
        .cast_mut()
}

/// Whether `context_priv` is the shared idle part.
fn is_idle(context_priv: *const ConnContextPriv) -> bool {
    ptr::eq(context_priv, idle_private_part())
}

/// A new private context part, as libotr initialises it (NULL if memory runs out).
#[no_mangle]
pub extern "C" fn otrl_context_priv_new() -> *mut ConnContextPriv {
    // From the C heap, as libotr's: until its conversation starts, free() releases
    // it. All zero bytes are libotr's initial state (see `Idle`) and a `conn` of
    // `None` (a NULL `Box`): its conversation has not started.
    // SAFETY: calloc gives initialised (zero) memory of PrivAlloc's size.
    unsafe { libc::calloc(1, size_of::<PrivAlloc>()).cast() }
}

/// The context's own private part: the idle one is replaced by a new one the
/// first time something is to be written (as `Box`, this aborts if memory
/// runs out).
///
/// # Safety
/// `context` must be a valid context, with no borrow of its `context_priv`
/// member alive.
#[inline]
unsafe fn own_private_part(context: *mut ConnContext) -> *mut PrivAlloc {
    let p = (*context).context_priv;
    if !is_idle(p) {
        return p.cast();
    }
    let own = otrl_context_priv_new();
    if own.is_null() {
        std::alloc::handle_alloc_error(std::alloc::Layout::new::<PrivAlloc>());
    }
    (*context).context_priv = own;
    own.cast()
}

/// The Rust state of a context's private part, started on first use (and the
/// context given its own private part).
///
/// # Safety
/// `context` must be a valid context whose private part outlives the borrow,
/// with no other borrow of it alive.
#[inline]
pub(crate) unsafe fn conn<'a>(context: *mut ConnContext) -> &'a mut Conn {
    (*own_private_part(context)).conn_mut()
}

/// The C members of a context's own private part, to write them.
///
/// # Safety
/// As [`conn`].
pub(crate) unsafe fn private_part<'a>(context: *mut ConnContext) -> &'a mut ConnContextPriv {
    &mut (*own_private_part(context)).c
}

/// The Rust state of a context's private part if the message API has started it
/// (`None`: the conversation is in [`Conn::new`]'s state); allocates nothing.
///
/// # Safety
/// As [`conn`].
pub(crate) unsafe fn started_conn<'a>(context: *mut ConnContext) -> Option<&'a mut Conn> {
    let p = (*context).context_priv;
    if is_idle(p) {
        return None;
    }
    (*p.cast::<PrivAlloc>()).conn.as_deref_mut()
}

/// Frees a context's own private part, if it has one (the idle one stays).
///
/// # Safety
/// `context` must be a valid context, not used afterwards.
pub(super) unsafe fn free_private_part(context: *mut ConnContext) {
    let p = (*context).context_priv;
    if !is_idle(p) {
        ptr::drop_in_place(p.cast::<PrivAlloc>());
        libc::free(p.cast());
    }
}

/// Drops a context's session state (keys, fragments, saved MAC keys, last message),
/// keeping its generation count and the times of the last message sent and
/// received; the session is left FINISHED.
///
/// # Safety
/// `context_priv` must be NULL or come from `otrl_context_priv_new` or a context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_priv_force_finished(context_priv: *mut ConnContextPriv) {
    // The idle part already reads as one with nothing left to drop.
    if context_priv.is_null() || is_idle(context_priv) {
        return;
    }
    force_part(context_priv.cast(), MsgState::Finished);
}

/// Ends the conversation of a context's private part, leaving its session in
/// `state`. A context still on the idle part keeps it for PLAINTEXT, the state
/// a session starts in.
///
/// # Safety
/// `context` must be a valid context.
pub(super) unsafe fn force(context: *mut ConnContext, state: MsgState) {
    if state == MsgState::Plaintext && is_idle((*context).context_priv) {
        return;
    }
    force_part(own_private_part(context), state);
}

/// As `otrl_context_priv_force_finished`, leaving the session in `state`. A
/// conversation not yet started stays so when `state` is PLAINTEXT.
unsafe fn force_part(alloc: *mut PrivAlloc, state: MsgState) {
    let alloc = &mut *alloc;
    if alloc.conn.is_some() || state != MsgState::Plaintext {
        let conn = alloc.conn_mut();
        conn.session.force(state);
        conn.last_message = None;
        conn.may_retransmit = 0;
    }
    let p = &mut alloc.c;
    let (generation, lastsent, lastrecv) = (p.generation, p.lastsent, p.lastrecv);
    *p = fresh_private_part();
    p.generation = generation;
    p.lastsent = lastsent;
    p.lastrecv = lastrecv;
}
