//! `message.h`: the message API clients call, and the callback table they provide.

use super::app_ops::AppOps;
use super::context::{
    otrl_context_find, otrl_context_find_fingerprint, otrl_context_find_recent_secure_instance,
    otrl_context_force_finished, otrl_context_force_plaintext, otrl_context_set_trust,
    otrl_context_update_recent_child, ConnContext, OTRL_MSGSTATE_ENCRYPTED,
    OTRL_MSGSTATE_PLAINTEXT,
};
use super::context_priv::{conn, private_part, started_conn};
use super::dh::{OTRL_SESSIONID_FIRST_HALF_BOLD, OTRL_SESSIONID_SECOND_HALF_BOLD};
use super::gcrypt::{gcry_error_t, otr_error, GPG_ERR_ENOMEM, GPG_ERR_INV_VALUE};
use super::instag::{
    otrl_instag_find, otrl_instag_get_new, otrl_instag_t, OTRL_INSTAG_MASTER, OTRL_MIN_VALID_INSTAG,
};
use super::privkey::{otrl_privkey_find, otrl_privkey_fingerprint_raw, private_key};
use super::proto::{
    fragment_layout, otrl_api_version, OtrlFragmentPolicy, OtrlPolicy, OTRL_FRAGMENT_SEND_ALL,
    OTRL_FRAGMENT_SEND_ALL_BUT_FIRST, OTRL_FRAGMENT_SEND_ALL_BUT_LAST, OTRL_FRAGMENT_SEND_SKIP,
    OTRL_POLICY_REQUIRE_ENCRYPTION, OTRL_POLICY_SEND_WHITESPACE_TAG, OTRL_POLICY_VERSION_MASK,
};
use super::sm::{NextExpectedSMP, OtrlSMProgState, OTRL_SMP_EXPECT1};
use super::tlv::{from_c_list, to_c_list, OtrlTLV};
use super::userstate::OtrlUserState;
use super::{bytes, c_bytes, c_string, malloc_c_string, opaque};
use crate::ake::AuthState;
use crate::crypto::ake_keys::SessionIdHalf;
use crate::session::{
    AkeEnd, ErrorCode, Event, MsgState, Offer, Output, Received, Session, SmpStep,
};
use crate::smp::{self, NextExpected};
use crate::wire::classify::{self, Classified, MessageType};
use crate::wire::fragment::{self, Accumulated};
use crate::wire::message::{ProtocolVersion, FLAG_IGNORE_UNREADABLE};
use crate::wire::query::{self, Policy};
use crate::wire::tlv::{types as tlv_types, Tlv};
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort, c_void, size_t, time_t};
use std::cell::Cell;
use std::ffi::CStr;
use std::ptr;
use zeroize::Zeroizing;

pub type OtrlErrorCode = c_uint;
pub const OTRL_ERRCODE_NONE: OtrlErrorCode = 0;
pub const OTRL_ERRCODE_ENCRYPTION_ERROR: OtrlErrorCode = 1;
pub const OTRL_ERRCODE_MSG_NOT_IN_PRIVATE: OtrlErrorCode = 2;
pub const OTRL_ERRCODE_MSG_UNREADABLE: OtrlErrorCode = 3;
pub const OTRL_ERRCODE_MSG_MALFORMED: OtrlErrorCode = 4;

pub type OtrlSMPEvent = c_uint;
pub const OTRL_SMPEVENT_NONE: OtrlSMPEvent = 0;
pub const OTRL_SMPEVENT_ERROR: OtrlSMPEvent = 1;
pub const OTRL_SMPEVENT_ABORT: OtrlSMPEvent = 2;
pub const OTRL_SMPEVENT_CHEATED: OtrlSMPEvent = 3;
pub const OTRL_SMPEVENT_ASK_FOR_ANSWER: OtrlSMPEvent = 4;
pub const OTRL_SMPEVENT_ASK_FOR_SECRET: OtrlSMPEvent = 5;
pub const OTRL_SMPEVENT_IN_PROGRESS: OtrlSMPEvent = 6;
pub const OTRL_SMPEVENT_SUCCESS: OtrlSMPEvent = 7;
pub const OTRL_SMPEVENT_FAILURE: OtrlSMPEvent = 8;

pub type OtrlMessageEvent = c_uint;
pub const OTRL_MSGEVENT_NONE: OtrlMessageEvent = 0;
pub const OTRL_MSGEVENT_ENCRYPTION_REQUIRED: OtrlMessageEvent = 1;
pub const OTRL_MSGEVENT_ENCRYPTION_ERROR: OtrlMessageEvent = 2;
pub const OTRL_MSGEVENT_CONNECTION_ENDED: OtrlMessageEvent = 3;
pub const OTRL_MSGEVENT_SETUP_ERROR: OtrlMessageEvent = 4;
pub const OTRL_MSGEVENT_MSG_REFLECTED: OtrlMessageEvent = 5;
pub const OTRL_MSGEVENT_MSG_RESENT: OtrlMessageEvent = 6;
pub const OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE: OtrlMessageEvent = 7;
pub const OTRL_MSGEVENT_RCVDMSG_UNREADABLE: OtrlMessageEvent = 8;
pub const OTRL_MSGEVENT_RCVDMSG_MALFORMED: OtrlMessageEvent = 9;
pub const OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD: OtrlMessageEvent = 10;
pub const OTRL_MSGEVENT_LOG_HEARTBEAT_SENT: OtrlMessageEvent = 11;
pub const OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR: OtrlMessageEvent = 12;
pub const OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED: OtrlMessageEvent = 13;
pub const OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED: OtrlMessageEvent = 14;
pub const OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE: OtrlMessageEvent = 15;

pub type OtrlNotifyLevel = c_uint;
pub const OTRL_NOTIFY_ERROR: OtrlNotifyLevel = 0;
pub const OTRL_NOTIFY_WARNING: OtrlNotifyLevel = 1;
pub const OTRL_NOTIFY_INFO: OtrlNotifyLevel = 2;

pub type OtrlConvertType = c_uint;
pub const OTRL_CONVERT_SENDING: OtrlConvertType = 0;
pub const OTRL_CONVERT_RECEIVING: OtrlConvertType = 1;

/// The client's callbacks, 24 slots in libotr's order; any slot but the ones libotr
/// always needs may be NULL.
#[repr(C)]
pub struct s_OtrlMessageAppOps {
    pub policy:
        Option<unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext) -> OtrlPolicy>,
    pub create_privkey: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            accountname: *const c_char,
            protocol: *const c_char,
        ),
    >,
    pub is_logged_in: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            accountname: *const c_char,
            protocol: *const c_char,
            recipient: *const c_char,
        ) -> c_int,
    >,
    pub inject_message: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            accountname: *const c_char,
            protocol: *const c_char,
            recipient: *const c_char,
            message: *const c_char,
        ),
    >,
    pub update_context_list: Option<unsafe extern "C" fn(opdata: *mut c_void)>,
    pub new_fingerprint: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            us: OtrlUserState,
            accountname: *const c_char,
            protocol: *const c_char,
            username: *const c_char,
            fingerprint: *mut c_uchar,
        ),
    >,
    pub write_fingerprints: Option<unsafe extern "C" fn(opdata: *mut c_void)>,
    pub gone_secure: Option<unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext)>,
    pub gone_insecure: Option<unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext)>,
    pub still_secure: Option<
        unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext, is_reply: c_int),
    >,
    pub max_message_size:
        Option<unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext) -> c_int>,
    pub account_name: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            account: *const c_char,
            protocol: *const c_char,
        ) -> *const c_char,
    >,
    pub account_name_free:
        Option<unsafe extern "C" fn(opdata: *mut c_void, account_name: *const c_char)>,
    pub received_symkey: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            context: *mut ConnContext,
            r#use: c_uint,
            usedata: *const c_uchar,
            usedatalen: size_t,
            symkey: *const c_uchar,
        ),
    >,
    pub otr_error_message: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            context: *mut ConnContext,
            err_code: OtrlErrorCode,
        ) -> *const c_char,
    >,
    pub otr_error_message_free:
        Option<unsafe extern "C" fn(opdata: *mut c_void, err_msg: *const c_char)>,
    pub resent_msg_prefix: Option<
        unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext) -> *const c_char,
    >,
    pub resent_msg_prefix_free:
        Option<unsafe extern "C" fn(opdata: *mut c_void, prefix: *const c_char)>,
    pub handle_smp_event: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            smp_event: OtrlSMPEvent,
            context: *mut ConnContext,
            progress_percent: c_ushort,
            question: *mut c_char,
        ),
    >,
    pub handle_msg_event: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            msg_event: OtrlMessageEvent,
            context: *mut ConnContext,
            message: *const c_char,
            err: gcry_error_t,
        ),
    >,
    pub create_instag: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            accountname: *const c_char,
            protocol: *const c_char,
        ),
    >,
    pub convert_msg: Option<
        unsafe extern "C" fn(
            opdata: *mut c_void,
            context: *mut ConnContext,
            convert_type: OtrlConvertType,
            dest: *mut *mut c_char,
            src: *const c_char,
        ),
    >,
    pub convert_free: Option<
        unsafe extern "C" fn(opdata: *mut c_void, context: *mut ConnContext, dest: *mut c_char),
    >,
    pub timer_control: Option<unsafe extern "C" fn(opdata: *mut c_void, interval: c_uint)>,
}

/// cbindgen:ignore
pub type OtrlMessageAppOps = s_OtrlMessageAppOps;

/// Frees a message this library returned; exactly `free()`.
///
/// # Safety
/// `message` must be NULL or come from `malloc`.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_free(message: *mut c_char) {
    libc::free(message.cast());
}

/// Handles a message the user is about to send to `recipient`: encrypts it in an
/// encrypted session, tags it with the whitespace tag or replaces it with a query
/// message as the policy says, or refuses it in a finished session. The result is
/// left in `*messagep` (NULL: send the original as is) and, unless `fragPolicy` is
/// `OTRL_FRAGMENT_SEND_SKIP`, injected in fragments as `max_message_size` requires.
/// Non-zero means encryption was attempted and failed: send nothing.
///
/// # Safety
/// The pointers must be valid for the types they name; strings NUL-terminated.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_message_sending(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    accountname: *const c_char,
    protocol: *const c_char,
    recipient: *const c_char,
    instag: otrl_instag_t,
    original_msg: *const c_char,
    tlvs: *mut OtrlTLV,
    messagep: *mut *mut c_char,
    fragPolicy: OtrlFragmentPolicy,
    contextp: *mut *mut ConnContext,
    add_appdata: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> gcry_error_t {
    if !messagep.is_null() {
        *messagep = ptr::null_mut();
    }
    if !contextp.is_null() {
        *contextp = ptr::null_mut();
    }
    let Some(original) = c_bytes(original_msg) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    if us.is_null() || accountname.is_null() || protocol.is_null() || messagep.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let ops = AppOps::new(ops, opdata);
    let mut added = 0;
    let context = otrl_context_find(
        us,
        recipient,
        accountname,
        protocol,
        instag,
        1,
        &mut added,
        add_appdata,
        data,
    );
    if context.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    if added != 0 {
        ops.update_context_list();
    }
    if (*context).our_instance == 0 {
        populate_our_instance(us, &ops, accountname, protocol, context);
    }
    if !contextp.is_null() {
        *contextp = context;
    }
    let policy = ops.policy(context);
    if policy & OTRL_POLICY_VERSION_MASK == 0 {
        return 0;
    }
    prepare_session(context, policy);
    let records = from_c_list(tlvs);
    let (err, out) = outgoing(&ops, context, policy, original, &records);
    if let Some(out) = out {
        *messagep = malloc_c_string(&out);
        if (*messagep).is_null() {
            return otr_error(GPG_ERR_ENOMEM);
        }
    }
    mirror(context);
    if fragPolicy == OTRL_FRAGMENT_SEND_SKIP || err != 0 || (*messagep).is_null() {
        return err;
    }
    // `*messagep` is only freed below, after its last use here.
    let whole = CStr::from_ptr(*messagep);
    match fragment_and_send(&ops, context, whole, fragPolicy) {
        Ok(Some(kept)) => {
            libc::free((*messagep).cast());
            *messagep = malloc_c_string(&kept);
            0
        }
        Ok(None) => 0,
        Err(err) => err,
    }
}

/// What replaces the user's message on the wire (libotr's `otrl_message_sending`
/// after the context is found), and the error to return.
unsafe fn outgoing(
    ops: &AppOps,
    context: *mut ConnContext,
    policy: OtrlPolicy,
    original: &[u8],
    tlvs: &[Tlv],
) -> (gcry_error_t, Option<Vec<u8>>) {
    let c = &mut *context;
    let account = c_bytes(c.accountname).unwrap_or_default().to_vec();
    let conn = conn(context);
    let policy_bits = Policy(policy);
    if classify::message_type(original) == MessageType::Query {
        conn.session.set_offer(Offer::Sent);
        return (0, Some(query::default_query_msg(&account, policy_bits)));
    }
    let now = now();
    match conn.session.msgstate() {
        MsgState::Plaintext if policy & OTRL_POLICY_REQUIRE_ENCRYPTION != 0 => {
            ops.msg_event(OTRL_MSGEVENT_ENCRYPTION_REQUIRED, context, None, 0);
            let conn = self::conn(context);
            conn.last_message = Some(Zeroizing::new(original.to_vec()));
            conn.may_retransmit = 2;
            conn.session.note_sent(now);
            conn.session.set_offer(Offer::Sent);
            otrl_context_update_recent_child(context, 1);
            (0, Some(query::default_query_msg(&account, policy_bits)))
        }
        MsgState::Plaintext => {
            if policy & OTRL_POLICY_SEND_WHITESPACE_TAG == 0
                || conn.session.offer() == Offer::Rejected
            {
                return (0, None);
            }
            conn.session.set_offer(Offer::Sent);
            let mut tagged = original.to_vec();
            tagged.extend_from_slice(&query::whitespace_tag(policy_bits));
            (0, Some(tagged))
        }
        MsgState::Encrypted => {
            let converted = ops.convert(context, OTRL_CONVERT_SENDING, original);
            let plain = converted.as_deref().unwrap_or(original);
            match encrypt(context, plain, tlvs, 0) {
                Some(msg) => {
                    self::conn(context).session.note_sent(now);
                    otrl_context_update_recent_child(context, 1);
                    (0, Some(msg.into_bytes()))
                }
                None => {
                    ops.msg_event(OTRL_MSGEVENT_ENCRYPTION_ERROR, context, None, 0);
                    let text = ops.otr_error_text(context, OTRL_ERRCODE_ENCRYPTION_ERROR);
                    (0, text.map(|t| query::error_message(&t)))
                }
            }
        }
        MsgState::Finished => {
            ops.msg_event(OTRL_MSGEVENT_CONNECTION_ENDED, context, None, 0);
            (0, Some(Vec::new()))
        }
    }
}

/// A Data Message of `context`'s session carrying `text` and `tlvs`; remembered as
/// the last message sent, as libotr's `otrl_proto_create_data` does.
pub(super) unsafe fn encrypt(
    context: *mut ConnContext,
    text: &[u8],
    tlvs: &[Tlv],
    flags: u8,
) -> Option<String> {
    let conn = conn(context);
    let msg = conn.session.encrypt(text, tlvs, flags)?;
    conn.last_message = Some(Zeroizing::new(text.to_vec()));
    conn.may_retransmit = 0;
    mirror(context);
    Some(msg)
}

/// Sends `message` to the peer of `context` in pieces no longer than its
/// `max_message_size`, as `policy` says: everything, or all but the first or the
/// last piece, which is returned instead. When no fragmenting is needed and the
/// policy is not `OTRL_FRAGMENT_SEND_ALL`, nothing is sent and the message stays
/// the caller's. Nothing happens without an `inject_message` callback.
unsafe fn fragment_and_send(
    ops: &AppOps,
    context: *mut ConnContext,
    whole: &CStr,
    policy: OtrlFragmentPolicy,
) -> Result<Option<Vec<u8>>, gcry_error_t> {
    if !ops.can_inject() {
        return Ok(None);
    }
    let mms = ops.max_message_size(context);
    let message = whole.to_bytes();
    if mms == 0 || message.len() <= mms {
        if policy == OTRL_FRAGMENT_SEND_ALL {
            ops.inject_c_str(context, whole);
        }
        return Ok(None);
    }
    let (format, header_len) = fragment_layout(context);
    let count = mms
        .checked_sub(header_len)
        .filter(|&room| room > 0)
        .map(|room| (message.len() - 1) / room + 1)
        .ok_or(otr_error(GPG_ERR_INV_VALUE))?;
    let mut pieces = fragment::create_fragments_with(message, mms, count, format, header_len)
        .map_err(|_| otr_error(GPG_ERR_INV_VALUE))?;
    let kept = match policy {
        OTRL_FRAGMENT_SEND_ALL_BUT_FIRST => Some(pieces.remove(0)),
        OTRL_FRAGMENT_SEND_ALL_BUT_LAST => pieces.pop(),
        _ => None,
    };
    for piece in &pieces {
        ops.inject(context, piece);
    }
    Ok(kept)
}

/// Sets the context's `our_instance` from the account's instance tag, asking the
/// client to create one if there is none (libotr: a random tag if that fails).
unsafe fn populate_our_instance(
    us: OtrlUserState,
    ops: &AppOps,
    accountname: *const c_char,
    protocol: *const c_char,
    context: *mut ConnContext,
) {
    let mut tag = otrl_instag_find(us, accountname, protocol);
    if tag.is_null() {
        ops.create_instag(accountname, protocol);
        tag = otrl_instag_find(us, accountname, protocol);
    }
    (*context).our_instance = match tag.as_ref() {
        Some(t) if t.instag >= OTRL_MIN_VALID_INSTAG => t.instag,
        _ => otrl_instag_get_new(),
    };
}

/// Handles a message received from `sender`. Returns 1 when it was an internal
/// protocol message the user should not see; 0 otherwise, with `*newmessagep` the
/// text to show instead of the original (NULL: show the original).
///
/// # Safety
/// The pointers must be valid for the types they name; strings NUL-terminated.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_message_receiving(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    accountname: *const c_char,
    protocol: *const c_char,
    sender: *const c_char,
    message: *const c_char,
    newmessagep: *mut *mut c_char,
    tlvsp: *mut *mut OtrlTLV,
    contextp: *mut *mut ConnContext,
    add_appdata: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> c_int {
    if us.is_null()
        || accountname.is_null()
        || protocol.is_null()
        || sender.is_null()
        || message.is_null()
        || newmessagep.is_null()
    {
        return 0;
    }
    *newmessagep = ptr::null_mut();
    if !tlvsp.is_null() {
        *tlvsp = ptr::null_mut();
    }
    if !contextp.is_null() {
        *contextp = ptr::null_mut();
    }
    let incoming = Incoming {
        us,
        ops: AppOps::new(ops, opdata),
        accountname,
        protocol,
        sender,
        add_appdata,
        data,
    };
    let result = incoming.receive(c_bytes(message).unwrap_or_default());
    if let Some(context) = result.context {
        if !contextp.is_null() {
            *contextp = context;
        }
    }
    if let Some(text) = result.show {
        *newmessagep = malloc_c_string(&text);
    }
    if !tlvsp.is_null() {
        *tlvsp = to_c_list(&result.tlvs);
    }
    c_int::from(result.ignore)
}

thread_local! {
    /// What a session made of the last incoming message on this thread, kept
    /// only for the room of its buffers (each message starts with it emptied;
    /// a call made from a callback meanwhile finds it taken and starts anew).
    static RECEIVED: Cell<Option<Box<Received>>> = const { Cell::new(None) };
}

/// One call of `otrl_message_receiving`.
struct Incoming<'a> {
    us: OtrlUserState,
    ops: AppOps<'a>,
    accountname: *const c_char,
    protocol: *const c_char,
    sender: *const c_char,
    add_appdata: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
}

/// What `otrl_message_receiving` returns to its caller.
#[derive(Default)]
struct Outcome {
    context: Option<*mut ConnContext>,
    ignore: bool,
    show: Option<Zeroizing<Vec<u8>>>,
    tlvs: Vec<Tlv>,
}

impl Outcome {
    fn ignored(context: *mut ConnContext) -> Self {
        Self {
            context: Some(context),
            ignore: true,
            ..Self::default()
        }
    }

    /// Ignored before the message reached a context (an incomplete fragment, one
    /// for another instance, bad instance tags): libotr leaves `*contextp` NULL.
    fn unrouted() -> Self {
        Self {
            ignore: true,
            ..Self::default()
        }
    }
}

impl Incoming<'_> {
    /// The context of the sender's `instance` (master or a v3 instance), added if
    /// missing; whether it was added.
    unsafe fn find(&self, instance: otrl_instag_t) -> (*mut ConnContext, bool) {
        let mut added = 0;
        let context = otrl_context_find(
            self.us,
            self.sender,
            self.accountname,
            self.protocol,
            instance,
            1,
            &mut added,
            self.add_appdata,
            self.data,
        );
        (context, added != 0)
    }

    /// libotr's `otrl_message_receiving`: find the contexts, reassemble, route v3
    /// messages to their instance, hand the message to that context's session and
    /// turn what it reports into callbacks.
    unsafe fn receive(&self, message: &[u8]) -> Outcome {
        let (master, added) = self.find(OTRL_INSTAG_MASTER);
        if master.is_null() {
            return Outcome::default();
        }
        if added {
            self.ops.update_context_list();
        }
        // What otrl_context_find(..., OTRL_INSTAG_BEST, ...) answers: the
        // master is the first of the buddy's contexts in the list, where that
        // lookup would start too.
        let best = otrl_context_find_recent_secure_instance(master);
        if (*master).our_instance == 0 {
            populate_our_instance(self.us, &self.ops, self.accountname, self.protocol, master);
        }
        let policy = self.ops.policy(master);
        if policy & OTRL_POLICY_VERSION_MASK == 0 {
            return Outcome::default();
        }
        let mut context = master;
        let mut context_added = false;
        let searched = fragment::Searched::new(message);
        if let Some((their, ours)) = searched.instance_tags() {
            if ours != 0 && (*master).our_instance != ours {
                self.event(OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE, master);
                return Outcome::unrouted();
            }
            if their < OTRL_MIN_VALID_INSTAG {
                self.malformed(master);
                return Outcome::unrouted();
            }
            (context, context_added) = self.find(their);
        }
        let reassembled;
        let whole = match conn(context).session.reassemble_searched(&searched) {
            Accumulated::Unfragmented => message,
            Accumulated::Incomplete => return Outcome::unrouted(),
            Accumulated::Complete(whole) => {
                reassembled = whole;
                &reassembled
            }
        };
        self.receive_whole(whole, policy, master, best, context, context_added)
    }

    /// A whole (unfragmented or reassembled) message.
    unsafe fn receive_whole(
        &self,
        message: &[u8],
        policy: OtrlPolicy,
        master: *mut ConnContext,
        best: *mut ConnContext,
        mut context: *mut ConnContext,
        mut context_added: bool,
    ) -> Outcome {
        let classified = Classified::new(message);
        let Classified { kind, version, .. } = classified;
        let offer_context = context;
        if policy & OTRL_POLICY_SEND_WHITESPACE_TAG != 0 {
            // Any OTR message answers our offer; plain text after it declines it.
            let session = &mut conn(context).session;
            let before = session.offer();
            if kind != MessageType::NotOtr {
                session.set_offer(Offer::Accepted);
            } else if before == Offer::Sent {
                session.set_offer(Offer::Rejected);
            }
            if session.offer() != before {
                mirror(context);
            }
        }
        if !Session::version_allowed(Policy(policy), version) {
            // libotr drops it before choosing a context: none for the caller.
            return Outcome::unrouted();
        }
        if version == 3 {
            let tags = classify::received_instance_tags(message).ok();
            let for_us = |ours: u32| {
                ours == (*context).our_instance || (kind == MessageType::DhCommit && ours == 0)
            };
            match tags {
                Some((_, ours)) if !for_us(ours) => {
                    self.event(OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE, master);
                    return Outcome::unrouted();
                }
                Some((their, _)) if their >= OTRL_MIN_VALID_INSTAG => {
                    let (found, added) = self.find(their);
                    context = found;
                    context_added |= added;
                }
                _ => {
                    self.malformed(context);
                    return Outcome::unrouted();
                }
            }
            if !self.adopt_instance(master, context, context_added, kind, message) {
                return Outcome::unrouted();
            }
        }
        otrl_context_update_recent_child(context, 0);
        if matches!(kind, MessageType::DhKey | MessageType::RevealSig) {
            self.load_private_key(context);
        }
        adopt_smp_reset(context);
        let session = prepare_session(context, policy);
        let offer_before = session.offer();
        let mut received = RECEIVED.take().unwrap_or_default();
        session.receive_classified_into(classified, now(), &mut received);
        if context != offer_context {
            // libotr answers the offer in the context the message arrived in
            // (above), not in the instance it is then routed to.
            session.set_offer(offer_before);
        }
        let outcome = self.report(context, master, best, kind, policy, message, &mut received);
        RECEIVED.set(Some(received));
        mirror(context);
        outcome
    }

    /// Copies what a v3 instance context needs from the master (libotr: a new
    /// instance takes the master's message state, and the master's D-H Commit if
    /// `message` is the D-H Key answering it). False when the message is to be
    /// ignored.
    unsafe fn adopt_instance(
        &self,
        master: *mut ConnContext,
        context: *mut ConnContext,
        added: bool,
        kind: MessageType,
        message: &[u8],
    ) -> bool {
        let master_session = &conn(master).session;
        let session = &mut conn(context).session;
        if added {
            session.adopt(master_session, kind == MessageType::DhKey);
            let master_conn = conn(master);
            if master_conn.may_retransmit != 0 {
                let last = master_conn.last_message.take();
                let may = std::mem::take(&mut master_conn.may_retransmit);
                let child = conn(context);
                child.last_message = last;
                child.may_retransmit = may;
            }
            mirror(context);
            if !matches!(kind, MessageType::DhKey | MessageType::DhCommit) {
                return false;
            }
            self.ops.update_context_list();
        } else if context != master
            && kind == MessageType::DhKey
            && master_session.auth_state() == AuthState::AwaitingDhKey
            && session.auth_state() != AuthState::AwaitingDhKey
        {
            session.adopt_for_dh_key(master_session, message);
        }
        true
    }

    /// Gives the context's session our long-term key, asking the client to create
    /// one if the account has none (by then libotr has noted the message's arrival).
    unsafe fn load_private_key(&self, context: *mut ConnContext) {
        let c = &*context;
        let mut key = otrl_privkey_find(self.us, c.accountname, c.protocol);
        if key.is_null() {
            conn(context).session.note_received(now());
            mirror(context);
            self.ops.create_privkey(c.accountname, c.protocol);
            key = otrl_privkey_find(self.us, c.accountname, c.protocol);
        }
        conn(context)
            .session
            .set_private_key(private_key(key).cloned());
    }

    /// Turns the session's outputs into callbacks, in libotr's order, and works
    /// out what the caller gets back.
    #[allow(clippy::too_many_arguments)]
    unsafe fn report(
        &self,
        context: *mut ConnContext,
        master: *mut ConnContext,
        best: *mut ConnContext,
        kind: MessageType,
        policy: OtrlPolicy,
        message: &[u8],
        received: &mut Received,
    ) -> Outcome {
        let mut gone_encrypted = false;
        let mut unencrypted = None;
        let extra_key = received.extra_key.as_deref().map_or(&[][..], |k| &k[..]);
        for output in &received.outputs {
            mirror(context);
            match output {
                Output::Send(msg) => self.send(context, master, msg.as_bytes(), None),
                Output::SendCounted {
                    message,
                    last_sent_before,
                } => self.send(context, master, message.as_bytes(), Some(*last_sent_before)),
                Output::Event(Event::ReceivedUnencrypted(text)) => unencrypted = Some(text),
                Output::Event(event) => {
                    gone_encrypted |= matches!(event, Event::GoneSecure(_) | Event::StillSecure(_));
                    self.on_event(context, master, best, event, extra_key);
                }
                Output::Smp(step) => self.smp_step(context, master, step),
            }
        }
        if gone_encrypted {
            self.maybe_resend(context);
        }
        mirror(context);
        let mut outcome = Outcome::ignored(context);
        match kind {
            MessageType::Data => {
                if let Some(text) = received.message.take() {
                    outcome.ignore = false;
                    outcome.show = Some(self.convert_received(context, text));
                }
            }
            MessageType::Error => {
                outcome.ignore = self.ops.can_report() && query::error_text(message).is_some();
            }
            MessageType::TaggedPlaintext | MessageType::NotOtr => {
                let stripped = match kind {
                    MessageType::TaggedPlaintext => received
                        .message
                        .take()
                        .or_else(|| unencrypted.cloned().map(Zeroizing::new)),
                    _ => None,
                };
                let warn = (*best).msgstate != OTRL_MSGSTATE_PLAINTEXT
                    || policy & OTRL_POLICY_REQUIRE_ENCRYPTION != 0;
                outcome.ignore = warn && self.ops.can_report();
                if outcome.ignore {
                    let text = c_string(stripped.as_deref().map_or(message, Vec::as_slice));
                    self.ops
                        .msg_event(OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED, context, Some(&text), 0);
                } else {
                    outcome.show = stripped;
                }
            }
            _ => {}
        }
        outcome.tlvs = std::mem::take(&mut received.tlvs);
        outcome
    }

    /// The callbacks for one event of the session.
    unsafe fn on_event(
        &self,
        context: *mut ConnContext,
        master: *mut ConnContext,
        best: *mut ConnContext,
        event: &Event,
        extra_key: &[u8],
    ) {
        match event {
            Event::GoneSecure(ending) => self.go_encrypted(context, false, ending),
            Event::StillSecure(ending) => self.go_encrypted(context, true, ending),
            Event::Reflected(ending) => {
                show_ake_end(context, ending);
                self.event(OTRL_MSGEVENT_MSG_REFLECTED, context);
            }
            Event::SetupError(_) => self.ops.msg_event(
                OTRL_MSGEVENT_SETUP_ERROR,
                context,
                None,
                otr_error(GPG_ERR_INV_VALUE),
            ),
            Event::GeneralError(text) => {
                if (*context).msgstate == OTRL_MSGSTATE_ENCRYPTED {
                    conn(context).may_retransmit = 1;
                    mirror(context);
                }
                let text = c_string(text);
                self.ops
                    .msg_event(OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR, context, Some(&text), 0);
            }
            Event::NotInPrivate => {
                if best != context && (*best).msgstate == OTRL_MSGSTATE_ENCRYPTED {
                    self.event(OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE, master);
                } else {
                    self.event(OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE, context);
                }
            }
            Event::Unreadable(_) => self.event(OTRL_MSGEVENT_RCVDMSG_UNREADABLE, context),
            Event::Malformed(_) => self.event(OTRL_MSGEVENT_RCVDMSG_MALFORMED, context),
            Event::ForOtherInstance => self.event(OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE, master),
            Event::Unrecognized => self.event(OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED, context),
            Event::HeartbeatReceived => self.event(OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD, context),
            Event::HeartbeatSent => self.event(OTRL_MSGEVENT_LOG_HEARTBEAT_SENT, context),
            Event::PeerDisconnected => otrl_context_force_finished(context),
            Event::ReceivedSymkey { use_, use_data } => {
                if otrl_api_version >= 0x040000 {
                    self.ops
                        .received_symkey(context, *use_, use_data, extra_key);
                }
            }
            Event::SendError(code) => {
                let code = match code {
                    ErrorCode::MsgUnreadable => OTRL_ERRCODE_MSG_UNREADABLE,
                    ErrorCode::MsgMalformed => OTRL_ERRCODE_MSG_MALFORMED,
                };
                self.send_error(context, code, true);
            }
            Event::ReceivedUnencrypted(_)
            | Event::EncryptionRequired
            | Event::ConnectionEnded
            | Event::Ignored(_) => {}
        }
    }

    /// The callbacks for one SMP TLV, made while the context shows the SMP
    /// state of the step; then whatever the client did to the state meanwhile
    /// is taken over.
    unsafe fn smp_step(&self, context: *mut ConnContext, master: *mut ConnContext, step: &SmpStep) {
        conn(context).smp_shown = Some(step.view);
        mirror(context);
        if let Some(trusted) = step.trust {
            let trust = if trusted { c"smp" } else { c"" };
            otrl_context_set_trust((*context).active_fingerprint, trust.as_ptr());
            self.ops.write_fingerprints();
        }
        if let Some(reply) = &step.reply {
            self.send(context, master, reply.as_bytes(), None);
        }
        smp_event(&self.ops, context, &step.event);
        conn(context).smp_shown = None;
    }

    /// A message event without text or error.
    unsafe fn event(&self, event: OtrlMessageEvent, context: *mut ConnContext) {
        self.ops.msg_event(event, context, None, 0);
    }

    /// libotr's reaction to a malformed message: the event, and an OTR error
    /// message back.
    unsafe fn malformed(&self, context: *mut ConnContext) {
        self.event(OTRL_MSGEVENT_RCVDMSG_MALFORMED, context);
        self.send_error(context, OTRL_ERRCODE_MSG_MALFORMED, false);
    }

    /// Sends the peer an OTR error message with the client's text for `code`
    /// (`free_null`: see [`AppOps::with_otr_error_text`]).
    unsafe fn send_error(&self, context: *mut ConnContext, code: OtrlErrorCode, free_null: bool) {
        if !self.ops.can_inject() || !self.ops.can_explain_errors() {
            return;
        }
        self.ops
            .with_otr_error_text(context, code, free_null, |text| {
                self.ops.inject(context, &query::error_message(text));
            });
    }

    /// Transmits a message the session produced: AKE messages as libotr's
    /// `send_or_error_auth` does (fragmented, and a v3 D-H Commit from the master
    /// starts the timer that expires it), SMP replies fragmented too, a
    /// heartbeat (which libotr injects directly) and anything else as is. A
    /// message that counts as sending (`last_sent_before`: see
    /// [`Output::SendCounted`]) updates the recent child once it has gone.
    unsafe fn send(
        &self,
        context: *mut ConnContext,
        master: *mut ConnContext,
        msg: &[u8],
        last_sent_before: Option<u64>,
    ) {
        let kind = classify::message_type(msg);
        let conn = conn(context);
        if kind == MessageType::Data {
            // Like every Data Message libotr makes, an empty one (heartbeat or
            // SMP reply) becomes the last message sent, not to be resent.
            conn.last_message = Some(Zeroizing::new(Vec::new()));
            conn.may_retransmit = 0;
        }
        conn.last_sent_shown = last_sent_before;
        mirror(context);
        match kind {
            // Of the data messages only a heartbeat counts as sending.
            MessageType::Data if last_sent_before.is_some() => self.ops.inject(context, msg),
            MessageType::Data
            | MessageType::DhCommit
            | MessageType::DhKey
            | MessageType::RevealSig
            | MessageType::Signature => {
                let _ =
                    fragment_and_send(&self.ops, context, &c_string(msg), OTRL_FRAGMENT_SEND_ALL);
            }
            _ => self.ops.inject(context, msg),
        }
        let conn = self::conn(context);
        conn.last_sent_shown = None;
        mirror(context);
        if last_sent_before.is_some() {
            otrl_context_update_recent_child(context, 1);
        }
        let v3 = conn.session.ake().version() == Some(ProtocolVersion::V3);
        if context == master
            && v3
            && kind == MessageType::DhCommit
            && conn.session.auth_state() == AuthState::AwaitingDhKey
        {
            conn.commit_sent_time = now_secs();
            let us = &mut *self.us;
            if us.timer_running == 0 && self.ops.has_timer_control() {
                self.ops.timer_control(POLL_DEFAULT_INTERVAL);
                us.timer_running = 1;
            }
        }
    }

    /// libotr's `go_encrypted` callbacks: the peer's fingerprint recorded (and
    /// announced if new), the context updated, then `gone_secure` or
    /// `still_secure`; all while the context shows the AKE still under way
    /// (see [`AkeEnd`]).
    unsafe fn go_encrypted(&self, context: *mut ConnContext, refresh: bool, ending: &AkeEnd) {
        let conn = conn(context);
        let Some(fingerprint) = conn.session.their_fingerprint() else {
            return;
        };
        show_ake_end(context, ending);
        let mut hash = fingerprint.0;
        let mut added = 0;
        let found = otrl_context_find_fingerprint(context, hash.as_mut_ptr(), 1, &mut added);
        if added != 0 {
            self.ops.new_fingerprint(self.us, context, &mut hash);
            self.ops.write_fingerprints();
        }
        private_part(context).generation += 1;
        mirror(context);
        (*context).active_fingerprint = found;
        (*context).auth.authstate = ending.auth_state as c_uint;
        self.ops.update_context_list();
        if refresh {
            let initiated = c_int::from(conn.session.ake().initiated());
            self.ops.still_secure(context, initiated);
        } else {
            self.ops.gone_secure(context);
        }
    }

    /// After an AKE, sends again the message the user sent last if it is recent
    /// and marked for retransmission (libotr's `maybe_resend`).
    unsafe fn maybe_resend(&self, context: *mut ConnContext) {
        let conn = conn(context);
        let recent =
            time_t::try_from(conn.session.last_sent()).unwrap_or(0) >= now_secs() - RESEND_INTERVAL;
        let (Some(last), true) = (conn.last_message.as_ref(), recent) else {
            return;
        };
        if conn.may_retransmit == 0 {
            return;
        }
        let resending = conn.may_retransmit == 1;
        let text = if resending {
            let mut text = Zeroizing::new(self.ops.resent_prefix(context));
            text.push(b' ');
            text.extend_from_slice(last);
            text
        } else {
            last.clone()
        };
        let Some(msg) = encrypt(context, &text, &[], 0) else {
            return;
        };
        let _ = fragment_and_send(
            &self.ops,
            context,
            &c_string(msg.as_bytes()),
            OTRL_FRAGMENT_SEND_ALL,
        );
        self::conn(context).session.note_sent(now());
        otrl_context_update_recent_child(context, 1);
        if resending {
            self.event(OTRL_MSGEVENT_MSG_RESENT, context);
        }
    }

    /// A decrypted message as the client converts it for display.
    unsafe fn convert_received(
        &self,
        context: *mut ConnContext,
        text: Zeroizing<Vec<u8>>,
    ) -> Zeroizing<Vec<u8>> {
        self.ops
            .convert(context, OTRL_CONVERT_RECEIVING, &text)
            .map_or(text, Zeroizing::new)
    }
}

/// Reports an SMP event, with the question of an SMP1Q.
unsafe fn smp_event(ops: &AppOps, context: *mut ConnContext, event: &smp::Event) {
    let mut question = match event {
        smp::Event::AskForAnswer { question } => Some(c_string(question).into_bytes_with_nul()),
        _ => None,
    };
    let question_ptr = question
        .as_mut()
        .map_or(ptr::null_mut(), |q| q.as_mut_ptr().cast());
    ops.smp_event(event.code(), context, event.progress(), question_ptr);
    // bitlbee calls otrl_sm_state_free from this callback: keep that, or the next
    // mirror would hand it a secret again.
    adopt_smp_reset(context);
}

/// A client acting on the SMP (from a callback, too) sees the session's own SMP
/// state from then on, as libotr's callers see its live state.
unsafe fn end_smp_shown(context: *mut ConnContext) {
    conn(context).smp_shown = None;
    adopt_smp_reset(context);
}

/// Shows the context as it is while libotr reports the end of an AKE, before the
/// peer's fingerprint is recorded.
unsafe fn show_ake_end(context: *mut ConnContext, ending: &AkeEnd) {
    let c = &mut *context;
    c.msgstate = ending.msgstate as c_uint;
    c.protocol_version = protocol_version(ending.protocol_version);
    c.auth.authstate = ending.auth_state as c_uint;
    let priv_ = private_part(context);
    (priv_.our_keyid, priv_.their_keyid) = ending.keyids;
}

/// A protocol version as `ConnContext` and `OtrlAuthInfo` hold it (0: none).
fn protocol_version(version: Option<ProtocolVersion>) -> c_uint {
    match version {
        Some(ProtocolVersion::V2) => 2,
        Some(ProtocolVersion::V3) => 3,
        None => 0,
    }
}

/// Shows `view` in the `OtrlSMState` clients read.
unsafe fn mirror_smp(context: *mut ConnContext, view: smp::View) {
    let Some(sm) = (*context).smstate.as_mut() else {
        return;
    };
    sm.nextExpected = view.expected as NextExpectedSMP;
    sm.received_question = c_int::from(view.received_question);
    sm.sm_prog_state = view.progress as OtrlSMProgState;
    // Clients only test `secret` for NULL (libotr-abi.md); the secret stays in Rust.
    let secret = if view.initialized {
        opaque::held_in_session()
    } else {
        ptr::null_mut()
    };
    opaque::replace(&mut sm.secret, secret);
    conn(context).smp_written = Some(view);
}

/// Takes back what a client did to the `OtrlSMState` since it was last written:
/// after `otrl_sm_state_free` (bitlbee calls it on live contexts) or a
/// `nextExpected` set back to SMP1, the exchange is forgotten here too.
unsafe fn adopt_smp_reset(context: *mut ConnContext) {
    let Some(sm) = (*context).smstate.as_ref() else {
        return;
    };
    let conn = conn(context);
    let Some(written) = conn.smp_written else {
        return;
    };
    let unchanged = sm.nextExpected == written.expected as NextExpectedSMP
        && sm.received_question == c_int::from(written.received_question)
        && sm.sm_prog_state == written.progress as OtrlSMProgState
        && sm.secret.is_null() != written.initialized;
    if unchanged {
        return;
    }
    conn.smp_written = None;
    let smp = conn.session.smp_mut();
    let freed = sm.secret.is_null() && smp.is_initialized();
    let rewound = sm.nextExpected == OTRL_SMP_EXPECT1 && smp.expected() != NextExpected::Expect1;
    if freed || rewound {
        smp.reset();
    }
}

/// libotr's `init_respond_smp`: the combined secret of both fingerprints (the
/// initiator's first), the session id and the user's secret, sent as SMP1(Q)
/// when `initiating`, else as SMP2.
unsafe fn start_or_respond_smp(
    us: OtrlUserState,
    ops: &AppOps,
    context: *mut ConnContext,
    question: Option<&[u8]>,
    secret: &[u8],
    initiating: bool,
) {
    if context.is_null() || (*context).msgstate != OTRL_MSGSTATE_ENCRYPTED {
        return;
    }
    let c = &*context;
    let Some(theirs) = c.active_fingerprint.as_ref() else {
        return;
    };
    let theirs: [u8; 20] = bytes(theirs.fingerprint, 20).try_into().unwrap_or_default();
    let mut ours = [0u8; 20];
    otrl_privkey_fingerprint_raw(us, ours.as_mut_ptr(), c.accountname, c.protocol);
    let (first, second) = if initiating {
        (&ours, &theirs)
    } else {
        (&theirs, &ours)
    };
    let ssid = c.sessionid.get(..c.sessionid_len).unwrap_or_default();
    let combined = Zeroizing::new(smp::combined_secret(first, second, ssid, secret));
    end_smp_shown(context);
    let smp = conn(context).session.smp_mut();
    let outgoing = if initiating {
        smp.start(&combined, question)
    } else {
        smp.respond(&combined)
    };
    if let Ok(outgoing) = outgoing {
        conn(context).smp_shown = Some(outgoing.view);
        send_smp(ops, context, outgoing.tlv);
        conn(context).smp_shown = None;
        mirror(context);
    }
}

/// Sends an SMP TLV in an empty Data Message flagged IGNORE_UNREADABLE.
unsafe fn send_smp(ops: &AppOps, context: *mut ConnContext, tlv: Tlv) {
    if let Some(msg) = encrypt(context, b"", &[tlv], FLAG_IGNORE_UNREADABLE) {
        let _ = fragment_and_send(
            ops,
            context,
            &c_string(msg.as_bytes()),
            OTRL_FRAGMENT_SEND_ALL,
        );
    }
}

/// The context's session, told the current policy, our instance tag and account.
unsafe fn prepare_session<'a>(context: *mut ConnContext, policy: OtrlPolicy) -> &'a mut Session {
    let c = &*context;
    let session = &mut conn(context).session;
    session.set_policy(Policy(policy));
    session.set_our_instance(c.our_instance);
    session.set_receiver_instance((*c.m_context).our_instance);
    session.set_account_name(c_bytes(c.accountname).unwrap_or_default());
    session.set_master(ptr::eq(c.m_context, context));
    session
}

/// How long after sending a message libotr still resends it after an AKE.
const RESEND_INTERVAL: time_t = 60;

/// How long a master context waits for the D-H Key answering its v3 D-H Commit.
const MAX_AKE_WAIT_TIME: time_t = 60;

/// The wall clock in seconds, as libotr's `time(NULL)`: through C's `time()`, which
/// a program may define itself (ffi-tests/test_clock.c does).
#[cfg(not(miri))]
fn now_secs() -> time_t {
    // SAFETY: time(NULL) only reads the clock.
    unsafe { libc::time(ptr::null_mut()) }
}

/// The wall clock in seconds, under Miri, which cannot call C's `time()`.
#[cfg(miri)]
fn now_secs() -> time_t {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since_epoch.map_or(0, |d| time_t::try_from(d.as_secs()).unwrap_or(time_t::MAX))
}

fn now() -> u64 {
    u64::try_from(now_secs()).unwrap_or(0)
}

/// Copies the session's state into the context fields clients read.
///
/// # Safety
/// `context` must be a valid context.
pub(super) unsafe fn mirror(context: *mut ConnContext) {
    // A conversation not started yet is already shown as a new session's.
    if started_conn(context).is_none() {
        return;
    }
    adopt_smp_reset(context);
    let conn = conn(context);
    let session = &conn.session;
    let priv_ = private_part(context);
    let c = &mut *context;
    c.msgstate = session.msgstate() as c_uint;
    c.auth.authstate = session.auth_state() as c_uint;
    c.auth.protocol_version = protocol_version(session.ake().version());
    c.auth.initiated = c_int::from(session.ake().initiated());
    c.otr_offer = session.offer() as c_uint;
    c.protocol_version = protocol_version(session.protocol_version());
    if let Some((id, half)) = session.session_id() {
        c.sessionid = [0; 20];
        c.sessionid[..id.len()].copy_from_slice(&id);
        c.sessionid_len = id.len();
        c.sessionid_half = match half {
            SessionIdHalf::FirstHalfBold => OTRL_SESSIONID_FIRST_HALF_BOLD,
            SessionIdHalf::SecondHalfBold => OTRL_SESSIONID_SECOND_HALF_BOLD,
        };
    }
    priv_.their_keyid = session.their_keyid();
    priv_.our_keyid = session.our_keyid();
    let last_sent = conn.last_sent_shown.unwrap_or(session.last_sent());
    priv_.lastsent = time_t::try_from(last_sent).unwrap_or(0);
    priv_.lastrecv = time_t::try_from(session.last_recv()).unwrap_or(0);
    // Clients only see whether there is a last message; its text stays in Rust.
    priv_.lastmessage = match conn.last_message {
        Some(_) => opaque::held_in_session().cast(),
        None => ptr::null_mut(),
    };
    priv_.may_retransmit = c_int::from(conn.may_retransmit);
    mirror_smp(
        context,
        conn.smp_shown.unwrap_or_else(|| session.smp().view()),
    );
}

/// Ends the private conversation of one context: tells the peer (if encrypted and
/// logged in), then goes back to plaintext.
unsafe fn disconnect_context(ops: &AppOps, context: *mut ConnContext) {
    if context.is_null() {
        return;
    }
    let c = &*context;
    if c.msgstate == OTRL_MSGSTATE_ENCRYPTED
        && (*c.context_priv).their_keyid > 0
        && ops.is_logged_in(context) == Some(1)
        && ops.can_inject()
    {
        let tlv = [Tlv::new(tlv_types::DISCONNECTED, [])];
        if let Some(msg) = encrypt(context, b"", &tlv, FLAG_IGNORE_UNREADABLE) {
            ops.inject(context, msg.as_bytes());
        }
    }
    otrl_context_force_plaintext(context);
    ops.update_context_list();
}

/// Ends the private conversation with one instance of `username` (telling the
/// peer if it is logged in) and goes back to plaintext.
///
/// # Safety
/// The pointers must be valid for the types they name; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_disconnect(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    accountname: *const c_char,
    protocol: *const c_char,
    username: *const c_char,
    instance: otrl_instag_t,
) {
    let context = otrl_context_find(
        us,
        username,
        accountname,
        protocol,
        instance,
        0,
        ptr::null_mut(),
        None,
        ptr::null_mut(),
    );
    disconnect_context(&AppOps::new(ops, opdata), context);
}

/// As `otrl_message_disconnect`, for the master context and every instance.
///
/// # Safety
/// The pointers must be valid for the types they name; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_disconnect_all_instances(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    accountname: *const c_char,
    protocol: *const c_char,
    username: *const c_char,
) {
    let master = otrl_context_find(
        us,
        username,
        accountname,
        protocol,
        OTRL_INSTAG_MASTER,
        0,
        ptr::null_mut(),
        None,
        ptr::null_mut(),
    );
    let ops = AppOps::new(ops, opdata);
    let mut c = master;
    while !c.is_null() && (*c).m_context == master {
        disconnect_context(&ops, c);
        c = (*c).next;
    }
}

/// Starts the Socialist Millionaires' Protocol with `secret` in an encrypted session.
///
/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_initiate_smp(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
    secret: *const c_uchar,
    secretlen: size_t,
) {
    let ops = AppOps::new(ops, opdata);
    start_or_respond_smp(us, &ops, context, None, bytes(secret, secretlen), true);
}

/// As `otrl_message_initiate_smp`, showing the peer `question`.
///
/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_message_initiate_smp_q(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
    question: *const c_char,
    secret: *const c_uchar,
    secretlen: size_t,
) {
    let ops = AppOps::new(ops, opdata);
    let question = c_bytes(question);
    start_or_respond_smp(us, &ops, context, question, bytes(secret, secretlen), true);
}

/// Answers the peer's SMP with our `secret`.
///
/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_respond_smp(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
    secret: *const c_uchar,
    secretlen: size_t,
) {
    let ops = AppOps::new(ops, opdata);
    start_or_respond_smp(us, &ops, context, None, bytes(secret, secretlen), false);
}

/// Abandons the SMP exchange, telling the peer.
///
/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_abort_smp(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
) {
    let _ = us;
    if context.is_null() {
        return;
    }
    end_smp_shown(context);
    let tlv = conn(context).session.smp_mut().abort();
    send_smp(&AppOps::new(ops, opdata), context, tlv);
    mirror(context);
}

/// Tells the peer that the current extra symmetric key will be used for `use`
/// (with `usedata`), and writes the 32-byte key to `symkey`. Only in an encrypted
/// session; `GPG_ERR_INV_VALUE` otherwise.
///
/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_message_symkey(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
    r#use: c_uint,
    usedata: *const c_uchar,
    usedatalen: size_t,
    symkey: *mut c_uchar,
) -> gcry_error_t {
    let _ = us;
    if context.is_null() || (usedatalen > 0 && usedata.is_null()) || symkey.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let c = &*context;
    if c.msgstate != OTRL_MSGSTATE_ENCRYPTED || (*c.context_priv).their_keyid == 0 {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let Some(key) = conn(context).session.extra_symmetric_key().copied() else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let mut value = r#use.to_be_bytes().to_vec();
    value.extend_from_slice(bytes(usedata, usedatalen));
    let tlv = [Tlv::new(tlv_types::EXTRA_SYMMETRIC_KEY, value)];
    let Some(msg) = encrypt(context, b"", &tlv, FLAG_IGNORE_UNREADABLE) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    ptr::copy_nonoverlapping(key.as_ptr(), symkey, key.len());
    AppOps::new(ops, opdata).inject(context, msg.as_bytes());
    mirror(context);
    0
}

/// How often, in seconds, clients without `timer_control` should call `otrl_message_poll`.
///
/// # Safety
/// `us` is not dereferenced.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_poll_get_default_interval(us: OtrlUserState) -> c_uint {
    let _ = us;
    POLL_DEFAULT_INTERVAL
}

/// libotr polls every 70 seconds.
const POLL_DEFAULT_INTERVAL: c_uint = 70;

/// The periodic housekeeping libotr asks clients to run: a master context's v3 D-H
/// Commit that nobody answered within a minute is forgotten, and the timer is
/// stopped (`timer_control(0)`) when nothing is left to wait for.
///
/// # Safety
/// `us` must be NULL or valid; `ops` NULL or a valid table.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_poll(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
) {
    if us.is_null() {
        return;
    }
    let expire_before = now_secs() - MAX_AKE_WAIT_TIME;
    let mut still_waiting = false;
    let mut context = (*us).context_root;
    while !context.is_null() {
        // A conversation not started yet has sent no D-H Commit.
        if let Some(conn) = started_conn(context) {
            let awaiting = (*context).m_context == context
                && conn.session.auth_state() == AuthState::AwaitingDhKey
                && conn.session.ake().version() == Some(ProtocolVersion::V3)
                && conn.commit_sent_time > 0;
            if awaiting && conn.commit_sent_time < expire_before {
                conn.session.clear_ake();
                conn.commit_sent_time = 0;
                mirror(context);
            } else if awaiting {
                still_waiting = true;
            }
        }
        context = (*context).next;
    }
    let ops = AppOps::new(ops, opdata);
    if !still_waiting && ops.has_timer_control() {
        ops.timer_control(0);
        (*us).timer_running = 0;
    }
}
