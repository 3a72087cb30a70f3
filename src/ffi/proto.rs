//! `proto.h`: policies, message types, library initialisation and the protocol helpers.

use super::context::ConnContext;
use super::gcrypt::{gcry_error_t, otr_error, GPG_ERR_INV_VALUE, NOT_IMPLEMENTED};
use super::tlv::OtrlTLV;
use super::{c_bytes, malloc_c_string};
use crate::wire::classify::{self, InstanceError};
use crate::wire::query::{self, Policy};
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort};

pub const OTRL_MSGFLAGS_IGNORE_UNREADABLE: c_uchar = 0x01;

pub type OtrlPolicy = c_uint;
pub const OTRL_POLICY_ALLOW_V1: OtrlPolicy = 0x01;
pub const OTRL_POLICY_ALLOW_V2: OtrlPolicy = 0x02;
pub const OTRL_POLICY_ALLOW_V3: OtrlPolicy = 0x04;
pub const OTRL_POLICY_REQUIRE_ENCRYPTION: OtrlPolicy = 0x08;
pub const OTRL_POLICY_SEND_WHITESPACE_TAG: OtrlPolicy = 0x10;
pub const OTRL_POLICY_WHITESPACE_START_AKE: OtrlPolicy = 0x20;
pub const OTRL_POLICY_ERROR_START_AKE: OtrlPolicy = 0x40;
pub const OTRL_POLICY_VERSION_MASK: OtrlPolicy =
    OTRL_POLICY_ALLOW_V1 | OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3;
pub const OTRL_HEADER_LEN: c_uint = 3;
pub const OTRL_B64_HEADER_LEN: c_uint = 4;
pub const OTRL_POLICY_NEVER: OtrlPolicy = 0x00;
pub const OTRL_POLICY_OPPORTUNISTIC: OtrlPolicy = OTRL_POLICY_ALLOW_V2
    | OTRL_POLICY_ALLOW_V3
    | OTRL_POLICY_SEND_WHITESPACE_TAG
    | OTRL_POLICY_WHITESPACE_START_AKE
    | OTRL_POLICY_ERROR_START_AKE;
pub const OTRL_POLICY_MANUAL: OtrlPolicy = OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3;
pub const OTRL_POLICY_ALWAYS: OtrlPolicy = OTRL_POLICY_ALLOW_V2
    | OTRL_POLICY_ALLOW_V3
    | OTRL_POLICY_REQUIRE_ENCRYPTION
    | OTRL_POLICY_WHITESPACE_START_AKE
    | OTRL_POLICY_ERROR_START_AKE;
pub const OTRL_POLICY_DEFAULT: OtrlPolicy = OTRL_POLICY_OPPORTUNISTIC;

pub type OtrlMessageType = c_uint;
pub const OTRL_MSGTYPE_NOTOTR: OtrlMessageType = 0;
pub const OTRL_MSGTYPE_TAGGEDPLAINTEXT: OtrlMessageType = 1;
pub const OTRL_MSGTYPE_QUERY: OtrlMessageType = 2;
pub const OTRL_MSGTYPE_DH_COMMIT: OtrlMessageType = 3;
pub const OTRL_MSGTYPE_DH_KEY: OtrlMessageType = 4;
pub const OTRL_MSGTYPE_REVEALSIG: OtrlMessageType = 5;
pub const OTRL_MSGTYPE_SIGNATURE: OtrlMessageType = 6;
pub const OTRL_MSGTYPE_V1_KEYEXCH: OtrlMessageType = 7;
pub const OTRL_MSGTYPE_DATA: OtrlMessageType = 8;
pub const OTRL_MSGTYPE_ERROR: OtrlMessageType = 9;
pub const OTRL_MSGTYPE_UNKNOWN: OtrlMessageType = 10;

pub type OtrlFragmentResult = c_uint;
pub const OTRL_FRAGMENT_UNFRAGMENTED: OtrlFragmentResult = 0;
pub const OTRL_FRAGMENT_INCOMPLETE: OtrlFragmentResult = 1;
pub const OTRL_FRAGMENT_COMPLETE: OtrlFragmentResult = 2;

pub type OtrlFragmentPolicy = c_uint;
pub const OTRL_FRAGMENT_SEND_SKIP: OtrlFragmentPolicy = 0;
pub const OTRL_FRAGMENT_SEND_ALL: OtrlFragmentPolicy = 1;
pub const OTRL_FRAGMENT_SEND_ALL_BUT_FIRST: OtrlFragmentPolicy = 2;
pub const OTRL_FRAGMENT_SEND_ALL_BUT_LAST: OtrlFragmentPolicy = 3;

/// `(major << 16) | (minor << 8) | sub` of the oldest API a caller of `otrl_init` asked
/// for; 0 before the first call. Exported as data, declared in no header.
///
/// cbindgen:ignore
#[no_mangle]
pub static mut otrl_api_version: c_uint = 0;

/// Initialises the library for a client built against libotr `major.minor.sub`.
///
/// Like Debian's libotr (which dropped upstream's version check), every version is
/// accepted and this never fails; the oldest version asked for is remembered in
/// `otrl_api_version`, which decides whether `received_symkey` is called.
#[no_mangle]
pub extern "C" fn otrl_init(ver_major: c_uint, ver_minor: c_uint, ver_sub: c_uint) -> gcry_error_t {
    let asked = (ver_major << 16) | (ver_minor << 8) | ver_sub;
    // SAFETY: libotr's own contract: otrl_init runs before any other call, on one thread.
    unsafe {
        let current = std::ptr::addr_of_mut!(otrl_api_version);
        if *current == 0 || asked < *current {
            *current = asked;
        }
    }
    0
}

/// The library's version string, "4.1.1".
#[no_mangle]
pub extern "C" fn otrl_version() -> *const c_char {
    c"4.1.1".as_ptr()
}

/// The query message inviting `ourname`'s buddy to an OTR conversation, `malloc`ed.
///
/// # Safety
/// `ourname` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_default_query_msg(
    ourname: *const c_char,
    policy: OtrlPolicy,
) -> *mut c_char {
    let name = c_bytes(ourname).unwrap_or_default();
    malloc_c_string(&query::default_query_msg(name, Policy(policy)))
}

/// The highest version both the query message and the policy allow, or 0.
///
/// # Safety
/// `querymsg` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_query_bestversion(
    querymsg: *const c_char,
    policy: OtrlPolicy,
) -> c_uint {
    c_bytes(querymsg).map_or(0, |m| query::query_bestversion(m, Policy(policy)))
}

/// The highest version both the whitespace tag in `msg` and the policy allow, or 0;
/// `*starttagp` and `*endtagp` bracket the tag (`*starttagp` is NULL without one).
///
/// # Safety
/// `msg` must be NUL-terminated; the out-pointers writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_whitespace_bestversion(
    msg: *const c_char,
    starttagp: *mut *const c_char,
    endtagp: *mut *const c_char,
    policy: OtrlPolicy,
) -> c_uint {
    let Some(text) = c_bytes(msg) else { return 0 };
    let (best, tag) = query::whitespace_bestversion(text, Policy(policy));
    match tag {
        Some(tag) => {
            *starttagp = msg.add(tag.start);
            *endtagp = msg.add(tag.end);
        }
        None => *starttagp = std::ptr::null(),
    }
    best
}

/// What kind of OTR message `message` is, judged by its header.
///
/// # Safety
/// `message` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_message_type(message: *const c_char) -> OtrlMessageType {
    c_bytes(message).map_or(OTRL_MSGTYPE_NOTOTR, |m| {
        classify::message_type(m) as OtrlMessageType
    })
}

/// The protocol version of an encoded message (1, 2 or 3), or 0.
///
/// # Safety
/// `message` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_message_version(message: *const c_char) -> c_int {
    c_bytes(message).map_or(0, |m| classify::message_version(m) as c_int)
}

/// The sender and receiver instance tags of a v3 message starting `?OTR:AAM`.
///
/// # Safety
/// `otrmsg` must be NUL-terminated; the out-pointers writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_instance(
    otrmsg: *const c_char,
    instance_from: *mut c_uint,
    instance_to: *mut c_uint,
) -> gcry_error_t {
    let Some(text) = c_bytes(otrmsg) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    match classify::proto_instance(text) {
        Ok((from, to)) => {
            *instance_from = from;
            *instance_to = to;
            0
        }
        Err(InstanceError::Truncated { sender: Some(from) }) => {
            *instance_from = from;
            otr_error(GPG_ERR_INV_VALUE)
        }
        Err(_) => otr_error(GPG_ERR_INV_VALUE),
    }
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_create_data(
    encmessagep: *mut *mut c_char,
    context: *mut ConnContext,
    msg: *const c_char,
    tlvs: *const OtrlTLV,
    flags: c_uchar,
    extrakey: *mut c_uchar,
) -> gcry_error_t {
    let _ = (encmessagep, context, msg, tlvs, flags, extrakey);
    NOT_IMPLEMENTED
}

/// # Safety
/// `datamsg` must be NUL-terminated; `flagsp` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_data_read_flags(
    datamsg: *const c_char,
    flagsp: *mut c_uchar,
) -> gcry_error_t {
    let _ = (datamsg, flagsp);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_accept_data(
    plaintextp: *mut *mut c_char,
    tlvsp: *mut *mut OtrlTLV,
    context: *mut ConnContext,
    datamsg: *const c_char,
    flagsp: *mut c_uchar,
    extrakey: *mut c_uchar,
) -> gcry_error_t {
    let _ = (plaintextp, tlvsp, context, datamsg, flagsp, extrakey);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_fragment_accumulate(
    unfragmessagep: *mut *mut c_char,
    context: *mut ConnContext,
    msg: *const c_char,
) -> OtrlFragmentResult {
    let _ = (unfragmessagep, context, msg);
    OTRL_FRAGMENT_UNFRAGMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_fragment_create(
    mms: c_int,
    fragment_count: c_int,
    fragments: *mut *mut *mut c_char,
    context: *mut ConnContext,
    message: *const c_char,
) -> gcry_error_t {
    let _ = (mms, fragment_count, fragments, context, message);
    NOT_IMPLEMENTED
}

/// # Safety
/// `fragments` must point to an array from `otrl_proto_fragment_create`.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_fragment_free(
    fragments: *mut *mut *mut c_char,
    arraylen: c_ushort,
) {
    let _ = (fragments, arraylen);
}
