//! `proto.h`: policies, message types, library initialisation and the protocol helpers.

use super::context::{ConnContext, OTRL_MSGSTATE_ENCRYPTED};
use super::context_priv::conn;
use super::gcrypt::{gcry_error_t, otr_error, GPG_ERR_CONFLICT, GPG_ERR_ENOMEM, GPG_ERR_INV_VALUE};
use super::message::{encrypt, mirror};
use super::tlv::{from_c_list, to_c_list, OtrlTLV};
use super::{c_bytes, malloc_c_string, malloc_copy, store};
use crate::session::DataError;
use crate::wire::classify::{self, InstanceError};
use crate::wire::fragment::{self, Accumulated, FragmentFormat, V2_HEADER_LEN, V3_HEADER_LEN};
use crate::wire::message::{data_message_flags, EncodedMessage};
use crate::wire::query::{self, Policy};
use crate::wire::tlv;
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort};
use std::ptr;

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
/// `*starttagp` and `*endtagp` bracket the tag (`*starttagp` is NULL without one);
/// a NULL out-pointer is skipped.
///
/// # Safety
/// `msg` must be NULL or NUL-terminated; the out-pointers NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_whitespace_bestversion(
    msg: *const c_char,
    starttagp: *mut *const c_char,
    endtagp: *mut *const c_char,
    policy: OtrlPolicy,
) -> c_uint {
    let Some(text) = c_bytes(msg) else { return 0 };
    let (best, tag) = query::whitespace_bestversion(text, Policy(policy));
    let (start, end) = match tag {
        Some(tag) => (msg.add(tag.start), Some(msg.add(tag.end))),
        None => (std::ptr::null(), None),
    };
    store(starttagp, start);
    if let Some(end) = end {
        store(endtagp, end);
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

/// The sender and receiver instance tags of a v3 message starting `?OTR:AAM`; a
/// NULL out-pointer is skipped.
///
/// # Safety
/// `otrmsg` must be NULL or NUL-terminated; the out-pointers NULL or writable.
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
            store(instance_from, from);
            store(instance_to, to);
            0
        }
        Err(InstanceError::Truncated { sender: Some(from) }) => {
            store(instance_from, from);
            otr_error(GPG_ERR_INV_VALUE)
        }
        Err(_) => otr_error(GPG_ERR_INV_VALUE),
    }
}

/// Encrypts `msg` and `tlvs` into a Data Message of the context's encrypted
/// session with `flags` (e.g. `OTRL_MSGFLAGS_IGNORE_UNREADABLE`), left
/// `malloc`ed in `*encmessagep`; reveals the MAC keys waiting to be revealed
/// and remembers `msg` as the last message sent. With a non-NULL `extrakey`,
/// the 32-byte extra symmetric key of the keys used is copied there.
/// `GPG_ERR_CONFLICT` outside an encrypted session (`*encmessagep` NULL);
/// NULL arguments give `GPG_ERR_INV_VALUE`. The time of the last message sent
/// is not updated (libotr's callers do that).
///
/// # Safety
/// The pointers must be NULL or valid for the types they name; `extrakey`
/// must have room for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_create_data(
    encmessagep: *mut *mut c_char,
    context: *mut ConnContext,
    msg: *const c_char,
    tlvs: *const OtrlTLV,
    flags: c_uchar,
    extrakey: *mut c_uchar,
) -> gcry_error_t {
    let Some(text) = c_bytes(msg) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    if encmessagep.is_null() || context.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    *encmessagep = ptr::null_mut();
    if !has_data_keys(context) {
        return otr_error(GPG_ERR_CONFLICT);
    }
    let Some(encrypted) = encrypt(context, text, &from_c_list(tlvs), flags) else {
        return otr_error(GPG_ERR_CONFLICT);
    };
    let key = conn(context).session.extra_symmetric_key().copied();
    if let (false, Some(key)) = (extrakey.is_null(), key) {
        ptr::copy_nonoverlapping(key.as_ptr(), extrakey, key.len());
    }
    mirror(context);
    *encmessagep = malloc_c_string(encrypted.as_bytes());
    if (*encmessagep).is_null() {
        return otr_error(GPG_ERR_ENOMEM);
    }
    0
}

/// Whether the context can encrypt: encrypted, with a key of the peer's
/// (libotr checks exactly these two fields).
unsafe fn has_data_keys(context: *mut ConnContext) -> bool {
    let c = &*context;
    c.msgstate == OTRL_MSGSTATE_ENCRYPTED && (*c.context_priv).their_keyid != 0
}

/// Reads the flags of a Data Message without decrypting it (for one that
/// cannot be read: `OTRL_MSGFLAGS_IGNORE_UNREADABLE` says not to complain).
/// `*flagsp` is 0 unless the header is readable; `GPG_ERR_INV_VALUE` when it
/// is not the start of a Data Message.
///
/// # Safety
/// `datamsg` must be NULL or NUL-terminated; `flagsp` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_data_read_flags(
    datamsg: *const c_char,
    flagsp: *mut c_uchar,
) -> gcry_error_t {
    if !flagsp.is_null() {
        *flagsp = 0;
    }
    let Some(flags) = c_bytes(datamsg).and_then(data_message_flags) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    if !flagsp.is_null() {
        *flagsp = flags;
    }
    0
}

/// Verifies and decrypts a Data Message with the context's keys: the text
/// is left `malloc`ed in `*plaintextp` (the whole decrypted payload, NUL
/// terminated, so its C string is the message without the TLVs), the TLVs
/// in `*tlvsp`, the flags in `*flagsp` and the 32-byte extra symmetric key in
/// `extrakey` (these two if non-NULL). The keys rotate as the message says; the
/// message state is not checked and no callback runs. `GPG_ERR_INV_VALUE`
/// for a message that does not parse, `GPG_ERR_CONFLICT` for one these keys
/// cannot read (unknown key ids, bad MAC, old counter).
///
/// # Safety
/// The pointers must be NULL or valid for the types they name; `extrakey`
/// must have room for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_accept_data(
    plaintextp: *mut *mut c_char,
    tlvsp: *mut *mut OtrlTLV,
    context: *mut ConnContext,
    datamsg: *const c_char,
    flagsp: *mut c_uchar,
    extrakey: *mut c_uchar,
) -> gcry_error_t {
    if plaintextp.is_null() || tlvsp.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    *plaintextp = ptr::null_mut();
    *tlvsp = ptr::null_mut();
    let err = otrl_proto_data_read_flags(datamsg, flagsp);
    let (Some(text), false) = (c_bytes(datamsg), context.is_null()) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    if err != 0 {
        return err;
    }
    let Ok(EncodedMessage::Data(message)) = EncodedMessage::from_otr(text) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let decrypted = conn(context).session.accept_data(message);
    mirror(context);
    let decrypted = match decrypted {
        Ok(d) => d,
        Err(DataError::Malformed(_)) => return otr_error(GPG_ERR_INV_VALUE),
        Err(_) => return otr_error(GPG_ERR_CONFLICT),
    };
    if !extrakey.is_null() {
        let key = &decrypted.extra_key;
        ptr::copy_nonoverlapping(key.as_ptr(), extrakey, key.len());
    }
    let (_, records) = tlv::split_payload(&decrypted.payload);
    *plaintextp = malloc_copy(&decrypted.payload).cast();
    if (*plaintextp).is_null() {
        return otr_error(GPG_ERR_ENOMEM);
    }
    *tlvsp = to_c_list(&records);
    0
}

/// Feeds one incoming message to the context's reassembly of a fragmented
/// message (spec "Fragmentation"): `OTRL_FRAGMENT_UNFRAGMENTED` for a message
/// that is no fragment (any partial message is dropped),
/// `OTRL_FRAGMENT_INCOMPLETE` while pieces are missing (and for a malformed
/// fragment, which changes nothing), `OTRL_FRAGMENT_COMPLETE` with the whole
/// message `malloc`ed in `*unfragmessagep`. Pieces must arrive in order; a
/// first piece starts over. The partial message is the one
/// `otrl_message_receiving` uses for this context.
///
/// # Safety
/// The pointers must be NULL or valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_fragment_accumulate(
    unfragmessagep: *mut *mut c_char,
    context: *mut ConnContext,
    msg: *const c_char,
) -> OtrlFragmentResult {
    let (Some(text), false, false) = (c_bytes(msg), context.is_null(), unfragmessagep.is_null())
    else {
        return OTRL_FRAGMENT_INCOMPLETE;
    };
    match conn(context).session.reassemble(text) {
        Accumulated::Unfragmented => OTRL_FRAGMENT_UNFRAGMENTED,
        Accumulated::Incomplete => OTRL_FRAGMENT_INCOMPLETE,
        Accumulated::Complete(whole) => {
            *unfragmessagep = malloc_c_string(&whole);
            OTRL_FRAGMENT_COMPLETE
        }
    }
}

/// Splits `message` into `fragment_count` fragments for a transport carrying
/// at most `mms` bytes, in a `malloc`ed array of `malloc`ed strings left in
/// `*fragments` (free it with `otrl_proto_fragment_free`): piece k holds the
/// next `mms` minus the header allowance (37 bytes for a context of protocol
/// version 3, else 19) bytes of the message, written as `?OTR,k,n,piece,`, or
/// with the instance tags as `?OTR|sender|receiver,k,n,piece,` when the AKE
/// was of version 3. A count too small drops the end of the message; a count
/// too large adds empty pieces. `GPG_ERR_INV_VALUE` for a count outside
/// 1..=65535, an `mms` leaving no room after the header (where libotr's
/// arithmetic goes wrong) or NULL arguments.
///
/// # Safety
/// The pointers must be NULL or valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_fragment_create(
    mms: c_int,
    fragment_count: c_int,
    fragments: *mut *mut *mut c_char,
    context: *mut ConnContext,
    message: *const c_char,
) -> gcry_error_t {
    let (Some(text), false, false) = (c_bytes(message), context.is_null(), fragments.is_null())
    else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let (format, header_len) = fragment_layout(context);
    let (Ok(mms), Ok(count)) = (usize::try_from(mms), usize::try_from(fragment_count)) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let Ok(pieces) = fragment::create_fragments_with(text, mms, count, format, header_len) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let array =
        libc::calloc(pieces.len(), std::mem::size_of::<*mut c_char>()).cast::<*mut c_char>();
    if array.is_null() {
        return otr_error(GPG_ERR_ENOMEM);
    }
    for (i, piece) in pieces.iter().enumerate() {
        let copy = malloc_c_string(piece);
        *array.add(i) = copy;
        if copy.is_null() {
            free_fragments(array, i);
            return otr_error(GPG_ERR_ENOMEM);
        }
    }
    *fragments = array;
    0
}

/// How libotr fragments for `context`: the header format follows the AKE's
/// version (instance tags for v3), the room left for the header follows the
/// conversation's (37 bytes for v3, else 19).
///
/// # Safety
/// `context` must be a valid context.
pub(super) unsafe fn fragment_layout(context: *const ConnContext) -> (FragmentFormat, usize) {
    let c = &*context;
    let format = if c.auth.protocol_version == 3 {
        FragmentFormat::V3 {
            sender_instance: c.our_instance,
            receiver_instance: c.their_instance,
        }
    } else {
        FragmentFormat::V2
    };
    let header_len = if c.protocol_version == 3 {
        V3_HEADER_LEN
    } else {
        V2_HEADER_LEN
    };
    (format, header_len)
}

/// Frees the first `len` strings of a fragment array and the array.
unsafe fn free_fragments(array: *mut *mut c_char, len: usize) {
    for i in 0..len {
        libc::free((*array.add(i)).cast());
    }
    libc::free(array.cast());
}

/// Frees a fragment array from `otrl_proto_fragment_create` and its first
/// `arraylen` strings (NULL entries are skipped). `*fragments` itself is
/// left as it is.
///
/// # Safety
/// `fragments` must be NULL or point to NULL or to an array from
/// `otrl_proto_fragment_create` with at least `arraylen` entries.
#[no_mangle]
pub unsafe extern "C" fn otrl_proto_fragment_free(
    fragments: *mut *mut *mut c_char,
    arraylen: c_ushort,
) {
    if fragments.is_null() || (*fragments).is_null() {
        return;
    }
    free_fragments(*fragments, usize::from(arraylen));
}
