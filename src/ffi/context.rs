//! `context.h`: one conversation with one buddy (and, in v3, one of the buddy's instances).

use super::auth::otrl_auth_new;
use super::auth::OtrlAuthInfo;
use super::context_priv::{free_private_part, idle_private_part, ConnContextPriv};
use super::dh::OtrlSessionIdHalf;
use super::instag::{
    otrl_instag_find, otrl_instag_t, OTRL_INSTAG_BEST, OTRL_INSTAG_MASTER, OTRL_INSTAG_RECENT,
    OTRL_INSTAG_RECENT_RECEIVED, OTRL_INSTAG_RECENT_SENT, OTRL_MIN_VALID_INSTAG,
};
use super::sm::OtrlSMState;
use super::sm::{otrl_sm_state_free, otrl_sm_state_new};
use super::userstate::OtrlUserState;
use super::{bytes, c_bytes, list_insert, list_remove, malloc_c_string, malloc_copy};
use crate::session::MsgState;
use libc::{c_char, c_int, c_uchar, c_uint, c_void, size_t};
use std::cmp::Ordering;
use std::ffi::CStr;
use std::ptr;

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

list_node!(Fingerprint);

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

list_node!(ConnContext);

/// Finds the context for a buddy and instance, adding it when `add_if_missing`.
///
/// `their_instance` is a peer instance tag (at least `OTRL_MIN_VALID_INSTAG`; adding
/// one also adds its master), `OTRL_INSTAG_MASTER`, or a selector: `OTRL_INSTAG_BEST`
/// (the most secure child), `OTRL_INSTAG_RECENT`, `_RECENT_RECEIVED`, `_RECENT_SENT`.
/// The list stays sorted by username, account name, protocol and then instance tag,
/// each master directly followed by its children.
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
    if !addedp.is_null() {
        *addedp = 0;
    }
    if user.is_null() || accountname.is_null() || protocol.is_null() || us.is_null() {
        return ptr::null_mut();
    }
    let key = (user, accountname, protocol);
    let (slot, same_buddy) = list_position(us, key, their_instance);
    let here = *slot;
    if same_buddy && matches_instance(here, their_instance) {
        return select_instance(here, their_instance);
    }
    if add_if_missing == 0 {
        return ptr::null_mut();
    }
    if !addedp.is_null() {
        *addedp = 1;
    }
    let new = new_context(key);
    if new.is_null() {
        return new;
    }
    list_insert(slot, new);
    if let Some(add) = add_app_data {
        add(data, new);
    }
    let our_tag = otrl_instag_find(us, accountname, protocol);
    if !our_tag.is_null() {
        (*new).our_instance = (*our_tag).instag;
    }
    if their_instance >= OTRL_MIN_VALID_INSTAG || their_instance == OTRL_INSTAG_MASTER {
        (*new).their_instance = their_instance;
    }
    if their_instance >= OTRL_MIN_VALID_INSTAG {
        (*new).m_context = otrl_context_find(
            us,
            user,
            accountname,
            protocol,
            OTRL_INSTAG_MASTER,
            1,
            ptr::null_mut(),
            add_app_data,
            data,
        );
    }
    if their_instance == OTRL_INSTAG_MASTER {
        (*new).recent_child = new;
        (*new).recent_rcvd_child = new;
        (*new).recent_sent_child = new;
    }
    new
}

/// The list slot where the context for `key` and `their_instance` is or belongs.
/// Also says whether the context in that slot (if any) is the buddy's.
unsafe fn list_position(
    us: OtrlUserState,
    key: BuddyKey,
    their_instance: otrl_instag_t,
) -> (*mut *mut ConnContext, bool) {
    let mut slot = ptr::addr_of_mut!((*us).context_root);
    while !(*slot).is_null() {
        let here = *slot;
        match buddy_order(here, key) {
            Ordering::Greater => return (slot, false),
            Ordering::Equal
                if their_instance < OTRL_MIN_VALID_INSTAG
                    || (*here).their_instance >= their_instance =>
            {
                return (slot, true)
            }
            _ => slot = ptr::addr_of_mut!((*here).next),
        }
    }
    (slot, false)
}

/// A buddy's (username, account name, protocol): three C strings, not NULL.
type BuddyKey = (*const c_char, *const c_char, *const c_char);

/// How a context's (username, account name, protocol) sorts against `key`.
unsafe fn buddy_order(context: *const ConnContext, key: BuddyKey) -> Ordering {
    let c = &*context;
    c_str_order(c.username, key.0)
        .then_with(|| c_str_order(c.accountname, key.1))
        .then_with(|| c_str_order(c.protocol, key.2))
}

/// How the C string `s` (NULL: empty) sorts against the C string `key`, as
/// `strcmp` sorts them (byte by byte, unsigned; a prefix first).
unsafe fn c_str_order(s: *const c_char, key: *const c_char) -> Ordering {
    let (s, key) = (c_bytes(s), c_bytes(key));
    s.unwrap_or_default().cmp(key.unwrap_or_default())
}

/// Whether a found context answers a request for `their_instance`: any context of the
/// buddy does for the master and the selectors (which start from the master).
unsafe fn matches_instance(context: *const ConnContext, their_instance: otrl_instag_t) -> bool {
    their_instance < OTRL_MIN_VALID_INSTAG || (*context).their_instance == their_instance
}

/// Applies an instance selector to the buddy's first (master) context.
unsafe fn select_instance(
    found: *mut ConnContext,
    their_instance: otrl_instag_t,
) -> *mut ConnContext {
    match their_instance {
        OTRL_INSTAG_MASTER => found,
        OTRL_INSTAG_BEST => otrl_context_find_recent_secure_instance(found),
        OTRL_INSTAG_RECENT | OTRL_INSTAG_RECENT_RECEIVED | OTRL_INSTAG_RECENT_SENT => {
            otrl_context_find_recent_instance(found, their_instance)
        }
        tag if tag >= OTRL_MIN_VALID_INSTAG => found,
        _ => ptr::null_mut(),
    }
}

/// A context with what libotr allocates for it separately (its SMP state and,
/// after the block, its three names), in one `calloc` block: one `malloc`
/// header and rounding instead of five, for the most part of an idle context's
/// size. Nothing but `free_context` frees any of these parts. Its private part
/// is the shared idle one until the message API needs one of its own
/// (`context_priv::conn`).
#[repr(C)]
struct ContextBlock {
    context: ConnContext,
    smstate: OtrlSMState,
}

/// A new plaintext master context for `key` (username, account name, protocol),
/// not yet in any list; NULL if memory runs out.
unsafe fn new_context(key: BuddyKey) -> *mut ConnContext {
    let names = [key.0, key.1, key.2].map(|name| CStr::from_ptr(name).to_bytes());
    let names_len: usize = names.iter().map(|n| n.len() + 1).sum();
    let size = std::mem::size_of::<ContextBlock>() + names_len;
    let block = libc::calloc(1, size).cast::<ContextBlock>();
    if block.is_null() {
        return ptr::null_mut();
    }
    let context = ptr::addr_of_mut!((*block).context);
    otrl_auth_new(context);
    let smstate = ptr::addr_of_mut!((*block).smstate);
    otrl_sm_state_new(smstate);
    let c = &mut *context;
    // The names follow the block, each with its NUL (calloc's zero).
    let mut name = block.add(1).cast::<c_char>();
    for (field, text) in [&mut c.username, &mut c.accountname, &mut c.protocol]
        .into_iter()
        .zip(names)
    {
        ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), name, text.len());
        *field = name;
        name = name.add(text.len() + 1);
    }
    c.msgstate = OTRL_MSGSTATE_PLAINTEXT;
    c.smstate = smstate;
    c.their_instance = OTRL_INSTAG_MASTER;
    c.fingerprint_root.context = context;
    c.otr_offer = OFFER_NOT;
    c.context_priv = idle_private_part();
    c.m_context = context;
    context
}

/// Whether the fingerprint's trust string is set and non-empty.
///
/// # Safety
/// `fprint` must be NULL or a valid fingerprint.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_is_fingerprint_trusted(fprint: *mut Fingerprint) -> c_int {
    let trust = if fprint.is_null() {
        ptr::null()
    } else {
        (*fprint).trust
    };
    c_int::from(!trust.is_null() && *trust != 0)
}

/// Records that `context` (a child) just sent (`sent_msg` non-zero) or received a
/// message, in its master's `recent_*` pointers.
///
/// # Safety
/// `context` must be NULL (nothing happens) or a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_update_recent_child(
    context: *mut ConnContext,
    sent_msg: c_uint,
) {
    if context.is_null() {
        return;
    }
    let master = (*context).m_context;
    if sent_msg != 0 {
        (*master).recent_sent_child = context;
    } else {
        (*master).recent_rcvd_child = context;
    }
    (*master).recent_child = context;
}

/// Finds a fingerprint among the master context's, adding it at the head of the list
/// when `add_if_missing`.
///
/// # Safety
/// `context` must be valid; `fingerprint` 20 readable bytes; `addedp` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_find_fingerprint(
    context: *mut ConnContext,
    fingerprint: *mut c_uchar,
    add_if_missing: c_int,
    addedp: *mut c_int,
) -> *mut Fingerprint {
    if !addedp.is_null() {
        *addedp = 0;
    }
    if context.is_null() || (*context).m_context.is_null() || fingerprint.is_null() {
        return ptr::null_mut();
    }
    let master = (*context).m_context;
    let wanted = bytes(fingerprint, 20);
    let mut f = (*master).fingerprint_root.next;
    while !f.is_null() {
        if bytes((*f).fingerprint, 20) == wanted {
            return f;
        }
        f = (*f).next;
    }
    if add_if_missing == 0 {
        return ptr::null_mut();
    }
    let f = libc::calloc(1, std::mem::size_of::<Fingerprint>()).cast::<Fingerprint>();
    let hash = malloc_copy(wanted);
    if f.is_null() || hash.is_null() {
        libc::free(f.cast());
        libc::free(hash.cast());
        return ptr::null_mut();
    }
    if !addedp.is_null() {
        *addedp = 1;
    }
    (*f).fingerprint = hash;
    (*f).context = master;
    list_insert(ptr::addr_of_mut!((*master).fingerprint_root.next), f);
    f
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
        None => ptr::null_mut(),
    };
}

/// Ends the private conversation locally: FINISHED, with every session secret and the
/// SMP state dropped.
///
/// # Safety
/// `context` must be NULL (nothing happens) or a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_force_finished(context: *mut ConnContext) {
    force(context, MsgState::Finished);
}

/// As `otrl_context_force_finished`, but back to PLAINTEXT.
///
/// # Safety
/// `context` must be NULL (nothing happens) or a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_force_plaintext(context: *mut ConnContext) {
    force(context, MsgState::Plaintext);
}

/// Ends the private conversation locally, leaving the context in `state`.
unsafe fn force(context: *mut ConnContext, state: MsgState) {
    if context.is_null() {
        return;
    }
    let c = &mut *context;
    c.msgstate = state as OtrlMessageState;
    super::auth::otrl_auth_clear(ptr::addr_of_mut!(c.auth));
    c.active_fingerprint = ptr::null_mut();
    c.sessionid = [0; 20];
    c.sessionid_len = 0;
    c.protocol_version = 0;
    otrl_sm_state_free(c.smstate);
    super::context_priv::force(context, state);
}

/// Forgets a fingerprint unless it is the one in use; given the list's root (or the
/// last fingerprint) of a PLAINTEXT context and `and_maybe_context`, forgets the
/// whole context.
///
/// # Safety
/// `fprint` must be a valid fingerprint.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_forget_fingerprint(
    fprint: *mut Fingerprint,
    and_maybe_context: c_int,
) {
    if fprint.is_null() {
        return;
    }
    let context = (*fprint).context;
    let plaintext = (*context).msgstate == OTRL_MSGSTATE_PLAINTEXT;
    if fprint == ptr::addr_of_mut!((*context).fingerprint_root) {
        if plaintext && and_maybe_context != 0 {
            otrl_context_forget(context);
        }
        return;
    }
    if plaintext && (*context).active_fingerprint == fprint {
        return;
    }
    libc::free((*fprint).fingerprint.cast());
    libc::free((*fprint).trust.cast());
    list_remove(fprint);
    libc::free(fprint.cast());
    if plaintext && (*context).fingerprint_root.next.is_null() && and_maybe_context != 0 {
        otrl_context_forget(context);
    }
}

/// Forgets a PLAINTEXT context (a master together with its children, if they are all
/// PLAINTEXT): 0 on success, 1 when something is not PLAINTEXT.
///
/// # Safety
/// `context` must be NULL (0, nothing to forget) or a valid context in a
/// userstate's list.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_forget(context: *mut ConnContext) -> c_int {
    if context.is_null() {
        return 0;
    }
    if (*context).msgstate != OTRL_MSGSTATE_PLAINTEXT {
        return 1;
    }
    if (*context).their_instance == OTRL_INSTAG_MASTER {
        let master = (*context).m_context;
        let mut c = context;
        while !c.is_null() && (*c).m_context == master {
            if (*c).msgstate != OTRL_MSGSTATE_PLAINTEXT {
                return 1;
            }
            c = (*c).next;
        }
        loop {
            let child = (*context).next;
            if child.is_null() || (*child).m_context != master {
                break;
            }
            if otrl_context_forget(child) != 0 {
                return 1;
            }
        }
    }
    otrl_context_force_plaintext(context);
    while !(*context).fingerprint_root.next.is_null() {
        otrl_context_forget_fingerprint((*context).fingerprint_root.next, 0);
    }
    free_context(context);
    0
}

/// Unlinks a context and frees it with everything it owns.
unsafe fn free_context(context: *mut ConnContext) {
    let c = &mut *context;
    if !c.app_data.is_null() {
        if let Some(free_data) = c.app_data_free {
            free_data(c.app_data);
        }
    }
    list_remove(context);
    free_private_part(context);
    // The context starts its block: this frees the whole `ContextBlock`.
    libc::free(context.cast());
}

/// Forgets every context of the userstate, ending their conversations first.
///
/// # Safety
/// `us` must be NULL (nothing happens) or a valid userstate.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_forget_all(us: OtrlUserState) {
    if us.is_null() {
        return;
    }
    let mut c = (*us).context_root;
    while !c.is_null() {
        otrl_context_force_plaintext(c);
        c = (*c).next;
    }
    while !(*us).context_root.is_null() {
        otrl_context_forget((*us).context_root);
    }
}

/// The master's most recent child: any (`OTRL_INSTAG_RECENT`), the one that received
/// (`_RECENT_RECEIVED`) or sent (`_RECENT_SENT`) last; NULL for another selector.
///
/// # Safety
/// `context` must be NULL or a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_find_recent_instance(
    context: *mut ConnContext,
    recent_instag: otrl_instag_t,
) -> *mut ConnContext {
    if context.is_null() || (*context).m_context.is_null() {
        return ptr::null_mut();
    }
    let master = &*(*context).m_context;
    match recent_instag {
        OTRL_INSTAG_RECENT => master.recent_child,
        OTRL_INSTAG_RECENT_RECEIVED => master.recent_rcvd_child,
        OTRL_INSTAG_RECENT_SENT => master.recent_sent_child,
        _ => ptr::null_mut(),
    }
}

/// The buddy's "best" context: a candidate replaces the best so far when it is no
/// worse in message state (encrypted, finished, plaintext) nor in fingerprint trust,
/// and better in one of them or at least as recent to receive.
///
/// # Safety
/// `context` must be NULL or a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_context_find_recent_secure_instance(
    context: *mut ConnContext,
) -> *mut ConnContext {
    if context.is_null() {
        return context;
    }
    let master = (*context).m_context;
    let mut best = context;
    let mut c = master;
    while !c.is_null() && (*c).m_context == master {
        if better_instance(&*c, &*best) {
            best = c;
        }
        c = (*c).next;
    }
    best
}

/// Whether `candidate` beats `best` for `OTRL_INSTAG_BEST`.
unsafe fn better_instance(candidate: &ConnContext, best: &ConnContext) -> bool {
    let rank = |state: OtrlMessageState| match state {
        OTRL_MSGSTATE_ENCRYPTED => 2,
        OTRL_MSGSTATE_FINISHED => 1,
        _ => 0,
    };
    let trusted = |c: &ConnContext| otrl_context_is_fingerprint_trusted(c.active_fingerprint) != 0;
    let last_received = |c: &ConnContext| (*c.context_priv).lastrecv;
    let state = rank(candidate.msgstate).cmp(&rank(best.msgstate));
    let trust = trusted(candidate).cmp(&trusted(best));
    if state == Ordering::Less || trust == Ordering::Less {
        return false;
    }
    state == Ordering::Greater
        || trust == Ordering::Greater
        || last_received(candidate) >= last_received(best)
}

#[cfg(test)]
mod tests {
    use super::super::context_priv::{
        conn, otrl_context_priv_force_finished, otrl_context_priv_new, started_conn,
    };
    use super::*;
    use crate::session::Session;
    use crate::wire::query::Policy;
    use std::ffi::{CStr, CString};

    /// `otrl_context_find` adding the buddy's context for `instance`.
    unsafe fn add(us: OtrlUserState, user: &str, instance: otrl_instag_t) -> *mut ConnContext {
        let user = CString::new(user).unwrap();
        let (account, protocol) = (c"alice@example.org", c"prpl-jabber");
        let c = otrl_context_find(
            us,
            user.as_ptr(),
            account.as_ptr(),
            protocol.as_ptr(),
            instance,
            1,
            ptr::null_mut(),
            None,
            ptr::null_mut(),
        );
        assert!(!c.is_null());
        c
    }

    unsafe fn started(context: *mut ConnContext) -> bool {
        started_conn(context).is_some()
    }

    /// Whether a private part reads as the one `otrl_context_priv_new` gives:
    /// every byte zero.
    unsafe fn reads_fresh(context_priv: *const ConnContextPriv) -> bool {
        let size = std::mem::size_of::<ConnContextPriv>();
        bytes(context_priv.cast(), size).iter().all(|&b| b == 0)
    }

    /// A context that never sees a message gets no Rust session nor private
    /// part of its own, and is whole: names, SMP state and a private part that
    /// reads as libotr's, freed with it.
    #[test]
    fn idle_context_is_never_started() {
        let us = super::super::userstate::otrl_userstate_create();
        // SAFETY: a live userstate and its contexts, freed at the end.
        unsafe {
            let master = add(us, "bob@example.org", OTRL_INSTAG_MASTER);
            let child = add(us, "bob@example.org", 0x1234_5678);
            assert_eq!((*child).m_context, master);
            assert_eq!((*master).next, child);
            for c in [master, child] {
                let cc = &*c;
                assert!(!started(c));
                assert_eq!(CStr::from_ptr(cc.username), c"bob@example.org");
                assert_eq!(CStr::from_ptr(cc.accountname), c"alice@example.org");
                assert_eq!(CStr::from_ptr(cc.protocol), c"prpl-jabber");
                assert!((*cc.smstate).secret.is_null());
                assert_eq!(
                    (*cc.smstate).nextExpected,
                    super::super::sm::OTRL_SMP_EXPECT1
                );
                assert_eq!(cc.context_priv, idle_private_part(), "shared");
            }
            assert!(reads_fresh(idle_private_part()));
            super::super::message::otrl_message_poll(us, ptr::null(), ptr::null_mut());
            assert!(
                !started(master) && !started(child),
                "polling starts nothing"
            );
            otrl_context_force_plaintext(child);
            otrl_context_priv_force_finished((*master).context_priv);
            assert!(
                !started(child) && !started(master),
                "PLAINTEXT is the state a session starts in"
            );
            assert_eq!((*child).context_priv, idle_private_part());
            assert_eq!(otrl_context_forget(master), 0);
            assert!((*us).context_root.is_null());
            add(us, "carol@example.org", OTRL_INSTAG_MASTER);
            super::super::userstate::otrl_userstate_free(us);
            assert!(reads_fresh(idle_private_part()));
        }
    }

    /// A session started on first use starts in the state one made with the
    /// context would have had, in a private part of the context's own;
    /// forcing an idle context FINISHED starts it.
    #[test]
    fn session_starts_fresh_on_first_use() {
        let us = super::super::userstate::otrl_userstate_create();
        // SAFETY: a live userstate and its context, freed at the end.
        unsafe {
            let c = add(us, "bob@example.org", OTRL_INSTAG_MASTER);
            let first = conn(c);
            let fresh = Session::new(Policy(0), b"", 0, None);
            assert_eq!(format!("{:?}", first.session), format!("{fresh:?}"));
            assert!(first.last_message.is_none());
            assert_eq!((first.may_retransmit, first.commit_sent_time), (0, 0));
            assert!(started(c));
            assert_ne!((*c).context_priv, idle_private_part());
            assert!(reads_fresh((*c).context_priv));

            let d = add(us, "dave@example.org", OTRL_INSTAG_MASTER);
            otrl_context_force_finished(d);
            assert!(started(d));
            assert_ne!((*d).context_priv, idle_private_part());
            assert_ne!((*d).context_priv, (*c).context_priv);
            assert_eq!((*d).msgstate, OTRL_MSGSTATE_FINISHED);
            assert_eq!(conn(d).session.msgstate(), MsgState::Finished);
            otrl_context_force_plaintext(d);
            assert_eq!(conn(d).session.msgstate(), MsgState::Plaintext);
            let e = add(us, "erin@example.org", OTRL_INSTAG_MASTER);
            assert_eq!((*e).context_priv, idle_private_part());
            assert!(reads_fresh(idle_private_part()));
            super::super::userstate::otrl_userstate_free(us);
        }
    }

    /// The message API gives a context it uses a private part of its own, and
    /// the mirrored members go there, not into the shared idle one.
    #[test]
    fn message_api_owns_a_private_part() {
        let us = super::super::userstate::otrl_userstate_create();
        // SAFETY: a live userstate, an all-None callback table (every callback
        // optional), NUL-terminated strings; everything freed at the end.
        unsafe {
            let ops: super::super::message::OtrlMessageAppOps = std::mem::zeroed();
            let idle = add(us, "carol@example.org", OTRL_INSTAG_MASTER);
            let mut context = ptr::null_mut();
            let mut sent = ptr::null_mut();
            let err = super::super::message::otrl_message_sending(
                us,
                &ops,
                ptr::null_mut(),
                c"alice@example.org".as_ptr(),
                c"prpl-jabber".as_ptr(),
                c"bob@example.org".as_ptr(),
                OTRL_INSTAG_BEST,
                c"hello".as_ptr(),
                ptr::null_mut(),
                &mut sent,
                super::super::proto::OTRL_FRAGMENT_SEND_SKIP,
                &mut context,
                None,
                ptr::null_mut(),
            );
            assert_eq!(err, 0);
            assert!(!context.is_null() && started(context));
            assert_ne!((*context).context_priv, idle_private_part());
            assert_eq!(
                (*context).otr_offer,
                OFFER_SENT,
                "default policy: a whitespace tag"
            );
            assert_eq!((*idle).context_priv, idle_private_part());
            assert!(!started(idle) && reads_fresh(idle_private_part()));
            super::super::message::otrl_message_free(sent);
            assert_eq!(otrl_context_forget(context), 0);
            super::super::userstate::otrl_userstate_free(us);
        }
    }

    /// `otrl_context_priv_new` alone: zeroed, its own, not started, and (as
    /// libotr's) freed with `free`.
    #[test]
    fn standalone_private_part_is_malloced() {
        let p = otrl_context_priv_new();
        assert!(!p.is_null() && p != idle_private_part());
        // SAFETY: a fresh private part, freed once.
        unsafe {
            assert!(reads_fresh(p));
            libc::free(p.cast());
        }
    }

    #[test]
    fn c_str_order_sorts_as_bytes() {
        let words: [&[u8]; 8] = [b"", b"a", b"ab", b"abc", b"abd", b"b", b"\xff", b"a\xff"];
        for s in words {
            let c = CString::new(s).unwrap();
            for k in words {
                let ck = CString::new(k).unwrap();
                // SAFETY: both are NUL-terminated strings that outlive the call.
                let ours = unsafe { c_str_order(c.as_ptr(), ck.as_ptr()) };
                assert_eq!(ours, s.cmp(k));
            }
        }
        // SAFETY: NULL stands for the empty string.
        unsafe {
            assert_eq!(c_str_order(ptr::null(), c"".as_ptr()), Ordering::Equal);
            assert_eq!(c_str_order(ptr::null(), c"a".as_ptr()), Ordering::Less);
        }
    }
}
