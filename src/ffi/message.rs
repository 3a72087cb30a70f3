//! `message.h`: the message API clients call, and the callback table they provide.

use super::context::ConnContext;
use super::gcrypt::{gcry_error_t, NOT_IMPLEMENTED};
use super::instag::otrl_instag_t;
use super::proto::{OtrlFragmentPolicy, OtrlPolicy};
use super::tlv::OtrlTLV;
use super::userstate::OtrlUserState;
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort, c_void, size_t};

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
    let _ = (us, ops, opdata, accountname, protocol, recipient, instag);
    let _ = (
        original_msg,
        tlvs,
        messagep,
        fragPolicy,
        contextp,
        add_appdata,
        data,
    );
    NOT_IMPLEMENTED
}

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
    let _ = (us, ops, opdata, accountname, protocol, sender, message);
    let _ = (newmessagep, tlvsp, contextp, add_appdata, data);
    0
}

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
    let _ = (us, ops, opdata, accountname, protocol, username, instance);
}

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
    let _ = (us, ops, opdata, accountname, protocol, username);
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_initiate_smp(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
    secret: *const c_uchar,
    secretlen: size_t,
) {
    let _ = (us, ops, opdata, context, secret, secretlen);
}

/// # Safety
/// The pointers must be valid for the types they name.
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
    let _ = (us, ops, opdata, context, question, secret, secretlen);
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_respond_smp(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
    secret: *const c_uchar,
    secretlen: size_t,
) {
    let _ = (us, ops, opdata, context, secret, secretlen);
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_abort_smp(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
    context: *mut ConnContext,
) {
    let _ = (us, ops, opdata, context);
}

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
    let _ = (us, ops, opdata, context, r#use, usedata, usedatalen, symkey);
    NOT_IMPLEMENTED
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

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_message_poll(
    us: OtrlUserState,
    ops: *const OtrlMessageAppOps,
    opdata: *mut c_void,
) {
    let _ = (us, ops, opdata);
}
