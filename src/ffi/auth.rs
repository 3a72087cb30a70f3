//! `auth.h`: the state of an ongoing authenticated key exchange (internal API, exported).

use super::context::ConnContext;
use super::dh::{
    self, otrl_dh_compute_v1_session_id, otrl_dh_compute_v2_auth_keys, otrl_dh_gen_keypair,
    otrl_dh_keypair_copy, otrl_dh_keypair_free, DH_keypair, OtrlSessionIdHalf, DH1536_GROUP_ID,
    OTRL_SESSIONID_FIRST_HALF_BOLD, OTRL_SESSIONID_SECOND_HALF_BOLD,
};
use super::gcrypt::{
    gcry_cipher_hd_t, gcry_error_t, gcry_md_hd_t, gcry_mpi_t, gcrypt_error, otr_error,
    GPG_ERR_BAD_SIGNATURE, GPG_ERR_ENOMEM, GPG_ERR_GENERAL, GPG_ERR_INV_VALUE,
    GPG_ERR_UNUSABLE_SECKEY,
};
use super::privkey::private_key;
use super::privkey_t::{OtrlPrivKey, OTRL_PUBKEY_TYPE_DSA};
use super::{bytes, c_bytes, malloc_c_string, malloc_copy, opaque};
use crate::ake::{
    check_mac, encrypted_x, reveal_gx, reveal_signature_message, signature_message, v1, verify_x,
    AkeError, Commitment, AKE_KEYID,
};
use crate::crypto::dh::PublicKey;
use crate::crypto::dsa::PrivateKey;
use crate::wire::base64;
use crate::wire::codec::Mpi;
use crate::wire::message::{DhCommit, DhKey, EncodedMessage, Header, RevealSignature, Signature};
use libc::{c_char, c_int, c_uchar, c_uint, c_void, size_t, time_t};
use std::ptr;

pub type OtrlAuthState = c_uint;
pub const OTRL_AUTHSTATE_NONE: OtrlAuthState = 0;
pub const OTRL_AUTHSTATE_AWAITING_DHKEY: OtrlAuthState = 1;
pub const OTRL_AUTHSTATE_AWAITING_REVEALSIG: OtrlAuthState = 2;
pub const OTRL_AUTHSTATE_AWAITING_SIG: OtrlAuthState = 3;
pub const OTRL_AUTHSTATE_V1_SETUP: OtrlAuthState = 4;

/// The AKE state embedded in every context; clients read `authstate`.
#[repr(C)]
pub struct OtrlAuthInfo {
    pub authstate: OtrlAuthState,
    pub context: *mut ConnContext,
    pub our_dh: DH_keypair,
    pub our_keyid: c_uint,
    pub encgx: *mut c_uchar,
    pub encgx_len: size_t,
    pub r: [c_uchar; 16],
    pub hashgx: [c_uchar; 32],
    pub their_pub: gcry_mpi_t,
    pub their_keyid: c_uint,
    pub enc_c: gcry_cipher_hd_t,
    pub enc_cp: gcry_cipher_hd_t,
    pub mac_m1: gcry_md_hd_t,
    pub mac_m1p: gcry_md_hd_t,
    pub mac_m2: gcry_md_hd_t,
    pub mac_m2p: gcry_md_hd_t,
    pub their_fingerprint: [c_uchar; 20],
    pub initiated: c_int,
    pub protocol_version: c_uint,
    pub secure_session_id: [c_uchar; 20],
    pub secure_session_id_len: size_t,
    pub session_id_half: OtrlSessionIdHalf,
    pub lastauthmsg: *mut c_char,
    pub commit_sent_time: time_t,
}

/// Sets up the AKE state embedded in a new context (nothing for NULL).
///
/// # Safety
/// `context` must be NULL or point to a valid context.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_new(context: *mut ConnContext) {
    if context.is_null() {
        return;
    }
    let auth = std::ptr::addr_of_mut!((*context).auth);
    std::ptr::write_bytes(auth, 0, 1);
    (*auth).context = context;
}

/// Forgets an AKE in progress: back to `OTRL_AUTHSTATE_NONE`, releasing what the struct
/// holds (our D-H key pair's numbers, their public value, the six key handles, the
/// encrypted g^x and the last message) and zeroing the rest. As in libotr, the context
/// pointer, our key pair's group and `session_id_half` are kept.
///
/// # Safety
/// `auth` must be NULL or point to a valid `OtrlAuthInfo` whose numbers and handles are
/// NULL or came from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_clear(auth: *mut OtrlAuthInfo) {
    let Some(a) = auth.as_mut() else {
        return;
    };
    otrl_dh_keypair_free(&mut a.our_dh);
    opaque::release(a.their_pub);
    for handle in [a.enc_c, a.enc_cp, a.mac_m1, a.mac_m1p, a.mac_m2, a.mac_m2p] {
        opaque::release(handle);
    }
    libc::free(a.encgx.cast());
    libc::free(a.lastauthmsg.cast());
    let (context, groupid, half) = (a.context, a.our_dh.groupid, a.session_id_half);
    std::ptr::write_bytes(auth, 0, 1);
    (*auth).context = context;
    (*auth).our_dh.groupid = groupid;
    (*auth).session_id_half = half;
}

/// Starts an AKE of protocol `version` (2 or 3) as its initiator (spec "Authenticated
/// Key Exchange", step 1): clears `auth`, makes a new D-H key pair (key id 1) and r,
/// stores the encrypted and hashed g^x, and leaves the D-H Commit in `lastauthmsg` for
/// the caller to send, awaiting a D-H Key. `protocol_version` is set in `auth` and in
/// its context; a v3 message carries the context's instance tags.
///
/// Returns 0; `GPG_ERR_INV_VALUE` (with `auth` cleared) for another version, which
/// libotr would write into a header anyway.
///
/// # Safety
/// `auth` must point to a valid `OtrlAuthInfo` whose context is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_start_v23(
    auth: *mut OtrlAuthInfo,
    version: c_int,
) -> gcry_error_t {
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    otrl_auth_clear(a);
    a.initiated = 1;
    set_protocol_version(a, version);
    match send_commit(a) {
        Ok(()) => 0,
        Err(err) => {
            otrl_auth_clear(a);
            err
        }
    }
}

/// Handles a D-H Commit of protocol `version` (spec "Protocol state machine",
/// "Receiving a D-H Commit Message"). Once the message decodes from base64,
/// `protocol_version` becomes `version` in `auth` and its context. Then:
/// - in NONE, AWAITING_SIG or V1_SETUP, or AWAITING_DHKEY when ours loses (our hashed
///   g^x is not the greater, or `auth` is its master context's, whose commitment may be
///   stale): clears `auth`, keeps their commitment, makes a new D-H key pair and leaves
///   a D-H Key in `lastauthmsg`, awaiting a Reveal Signature;
/// - in AWAITING_DHKEY when ours wins: nothing (the caller resends our D-H Commit);
/// - in AWAITING_REVEALSIG: keeps their new commitment (the caller resends our D-H Key).
///
/// Returns 0, or `GPG_ERR_INV_VALUE` for a message that does not parse as a D-H Commit
/// of `version` (libotr reads a message of another version with `version`'s layout).
///
/// # Safety
/// `auth` must point to a valid `OtrlAuthInfo` whose context is NULL or valid;
/// `commitmsg` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_commit(
    auth: *mut OtrlAuthInfo,
    commitmsg: *const c_char,
    version: c_int,
) -> gcry_error_t {
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    let is_master = !a.context.is_null() && (*a.context).m_context == a.context;
    let Some(binary) = c_bytes(commitmsg).and_then(|m| base64::otr_decode(m).ok()) else {
        return invalid();
    };
    set_protocol_version(a, version);
    let commit = match EncodedMessage::decode(&binary) {
        Ok(EncodedMessage::DhCommit(c)) if c.header.version as c_int == version => c,
        _ => return invalid(),
    };
    let ours_wins = !is_master && a.hashgx > commit.hashed_gx;
    let result = match a.authstate {
        OTRL_AUTHSTATE_AWAITING_DHKEY if ours_wins => Ok(()),
        OTRL_AUTHSTATE_AWAITING_REVEALSIG => {
            store_commitment(a, &commit.encrypted_gx, commit.hashed_gx);
            Ok(())
        }
        OTRL_AUTHSTATE_NONE
        | OTRL_AUTHSTATE_AWAITING_DHKEY
        | OTRL_AUTHSTATE_AWAITING_SIG
        | OTRL_AUTHSTATE_V1_SETUP => answer_commit(a, version, &commit),
        _ => Ok(()),
    };
    result.err().unwrap_or(0)
}

/// Handles a D-H Key (spec "Receiving a D-H Key Message"). `*havemsgp` is set to 1
/// when `lastauthmsg` is to be sent:
/// - in AWAITING_DHKEY, for a message of our protocol version: stores g^y in
///   `their_pub`, derives the AKE keys (session id and the six key handles), signs with
///   `privkey` and leaves the Reveal Signature in `lastauthmsg`, awaiting a Signature;
///   a message of another version is ignored;
/// - in AWAITING_SIG: the same g^y again means "resend the Reveal Signature";
/// - otherwise the message is ignored.
///
/// Returns 0; `GPG_ERR_INV_VALUE` for a message that does not parse or a g^y outside
/// `2 ..= p-2` (then `their_pub` holds it and the state is unchanged);
/// `GPG_ERR_UNUSABLE_SECKEY` for a `privkey` that cannot sign (libotr crashes on NULL).
///
/// # Safety
/// `auth` must point to a valid `OtrlAuthInfo` whose numbers and handles came from this
/// library and whose context is NULL or valid; `keymsg` NULL or NUL-terminated;
/// `havemsgp` writable; `privkey` NULL or a key from a userstate of this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_key(
    auth: *mut OtrlAuthInfo,
    keymsg: *const c_char,
    havemsgp: *mut c_int,
    privkey: *mut OtrlPrivKey,
) -> gcry_error_t {
    set_havemsg(havemsgp, false);
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    let Some(EncodedMessage::DhKey(key)) = decode(keymsg) else {
        return invalid();
    };
    match a.authstate {
        OTRL_AUTHSTATE_AWAITING_DHKEY if key.header.version as c_uint == a.protocol_version => {
            match answer_key(a, &key, privkey) {
                Ok(()) => {
                    set_havemsg(havemsgp, true);
                    a.authstate = OTRL_AUTHSTATE_AWAITING_SIG;
                    0
                }
                Err(err) => err,
            }
        }
        OTRL_AUTHSTATE_AWAITING_SIG => {
            set_havemsg(
                havemsgp,
                opaque::number(a.their_pub) == Some(key.gy.magnitude()),
            );
            0
        }
        _ => 0,
    }
}

/// Handles a Reveal Signature (spec "Receiving a Reveal Signature Message"). The
/// revealed r is stored in `auth->r` whatever the state, as libotr does. Only in
/// AWAITING_REVEALSIG: r must decrypt the committed g^x to its hash (else the message
/// is ignored and 0 returned); g^x goes to `their_pub`, the AKE keys are derived, the
/// MAC and their signature checked. Then `their_fingerprint` and `their_keyid` are
/// set, the Signature (signed with `privkey`) is left in `lastauthmsg`,
/// `session_id_half` becomes `OTRL_SESSIONID_SECOND_HALF_BOLD` and `auth_succeeded`
/// (if not NULL) is called with `asdata`; its result is returned, `*havemsgp` set to
/// 1, `our_keyid` to 0 and the state to NONE. In other states the message is ignored.
///
/// Returns `GPG_ERR_INV_VALUE` for a message that does not parse, a bad g^x or MAC or
/// a malformed signature block, libgcrypt's `GPG_ERR_BAD_SIGNATURE` for a signature
/// that does not verify (the state is then unchanged).
///
/// Unlike libotr, r is kept only from a message that parses whole, and
/// `their_fingerprint` is set only once the signature verifies; a header saying
/// version 1, which libotr reads as version 2, is invalid (so in all four handlers).
///
/// # Safety
/// As `otrl_auth_handle_key`; `auth_succeeded` must be NULL or callable with `auth` and
/// `asdata`.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_revealsig(
    auth: *mut OtrlAuthInfo,
    revealmsg: *const c_char,
    havemsgp: *mut c_int,
    privkey: *mut OtrlPrivKey,
    auth_succeeded: Option<
        unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t,
    >,
    asdata: *mut c_void,
) -> gcry_error_t {
    set_havemsg(havemsgp, false);
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    let Some(EncodedMessage::RevealSignature(reveal)) = decode(revealmsg) else {
        return invalid();
    };
    a.r = reveal.revealed_key;
    if a.authstate != OTRL_AUTHSTATE_AWAITING_REVEALSIG {
        return 0;
    }
    match answer_reveal_signature(a, &reveal, privkey) {
        Ok(true) => {}
        Ok(false) => return 0,
        Err(err) => return err,
    }
    a.session_id_half = OTRL_SESSIONID_SECOND_HALF_BOLD;
    let err = succeeded(auth, auth_succeeded, asdata);
    set_havemsg(havemsgp, true);
    finish(auth);
    err
}

/// Handles a Signature (spec "Receiving a Signature Message"). Only in AWAITING_SIG:
/// checks the MAC and their signature with the keys in `auth`, sets
/// `their_fingerprint`, `their_keyid` and `session_id_half` =
/// `OTRL_SESSIONID_FIRST_HALF_BOLD`, calls `auth_succeeded` (if not NULL) with `asdata`
/// and returns its result; `lastauthmsg` is then freed, `our_keyid` set to 0 and the
/// state to NONE. In other states the message is ignored. `*havemsgp` is always 0.
///
/// Returns `GPG_ERR_INV_VALUE` for a message that does not parse, a bad MAC or a
/// malformed signature block, libgcrypt's `GPG_ERR_BAD_SIGNATURE` for a signature that
/// does not verify (the state is then unchanged).
///
/// # Safety
/// As `otrl_auth_handle_revealsig`.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_handle_signature(
    auth: *mut OtrlAuthInfo,
    sigmsg: *const c_char,
    havemsgp: *mut c_int,
    auth_succeeded: Option<
        unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t,
    >,
    asdata: *mut c_void,
) -> gcry_error_t {
    set_havemsg(havemsgp, false);
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    let Some(EncodedMessage::Signature(signature)) = decode(sigmsg) else {
        return invalid();
    };
    if a.authstate != OTRL_AUTHSTATE_AWAITING_SIG {
        return 0;
    }
    if let Err(err) = check_signature(a, &signature) {
        return err;
    }
    a.session_id_half = OTRL_SESSIONID_FIRST_HALF_BOLD;
    let err = succeeded(auth, auth_succeeded, asdata);
    libc::free((*auth).lastauthmsg.cast());
    (*auth).lastauthmsg = ptr::null_mut();
    finish(auth);
    err
}

/// Starts OTR version 1's key exchange, which libotr 4.1.1 still runs here (its
/// message handling no longer does): clears `auth`, sets `initiated` and
/// `protocol_version` 1, takes a copy of `our_dh` with key id `our_keyid` (or, for
/// NULL, a new key pair with key id 1), and leaves our Key Exchange message, signed
/// with `privkey`, in `lastauthmsg`, in state V1_SETUP.
///
/// Returns 0; `GPG_ERR_INV_VALUE` for a key that is not DSA, `GPG_ERR_UNUSABLE_SECKEY`
/// for one that cannot sign (the state is then NONE).
///
/// # Safety
/// `auth` must point to a valid `OtrlAuthInfo` whose numbers came from this library;
/// `our_dh` NULL or a valid `DH_keypair` of this library; `privkey` NULL or a key from
/// a userstate of this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_start_v1(
    auth: *mut OtrlAuthInfo,
    our_dh: *mut DH_keypair,
    our_keyid: c_uint,
    privkey: *mut OtrlPrivKey,
) -> gcry_error_t {
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    otrl_auth_clear(a);
    a.initiated = 1;
    a.protocol_version = 1;
    let sent = take_key_pair(a, our_dh, our_keyid).and_then(|()| send_v1(a, 0, privkey));
    match sent {
        Ok(()) => {
            a.authstate = OTRL_AUTHSTATE_V1_SETUP;
            0
        }
        Err(err) => err,
    }
}

/// Handles an OTR version 1 Key Exchange message: its signature must verify. A reply
/// (flag 1) to nothing we sent (state not V1_SETUP) is ignored. Otherwise, unless in
/// V1_SETUP, `auth` is cleared first; their key id, D-H value and fingerprint are
/// stored; a message that is not a reply is answered with our own Key Exchange (flag 1,
/// signed with `privkey`) in `lastauthmsg` and `*havemsgp` = 1, with a copy of `our_dh`
/// and `our_keyid` if given, else the key pair `auth` holds, else a new one. Then the
/// version 1 session id (20 bytes) and its bold half are computed, `protocol_version`
/// set to 1 and `auth_succeeded` (if not NULL) called with `asdata`; its result is
/// returned, `our_keyid` set to 0 and the state to NONE.
///
/// Returns `GPG_ERR_INV_VALUE` for a message that does not parse or a D-H value outside
/// `2 ..= p-2`, libgcrypt's `GPG_ERR_BAD_SIGNATURE` for a signature that does not
/// verify (then nothing changes).
///
/// # Safety
/// As `otrl_auth_start_v1`; `keyexchmsg` NULL or NUL-terminated, `havemsgp` writable,
/// `auth_succeeded` NULL or callable with `auth` and `asdata`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_auth_handle_v1_key_exchange(
    auth: *mut OtrlAuthInfo,
    keyexchmsg: *const c_char,
    havemsgp: *mut c_int,
    privkey: *mut OtrlPrivKey,
    our_dh: *mut DH_keypair,
    our_keyid: c_uint,
    auth_succeeded: Option<
        unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t,
    >,
    asdata: *mut c_void,
) -> gcry_error_t {
    set_havemsg(havemsgp, false);
    let Some(a) = auth.as_mut() else {
        return invalid();
    };
    let Some(binary) = c_bytes(keyexchmsg).and_then(|m| base64::otr_decode(m).ok()) else {
        return invalid();
    };
    let received = match v1::verify(&binary) {
        Ok(received) => received,
        Err(e) => return ake_error(e),
    };
    let in_setup = a.authstate == OTRL_AUTHSTATE_V1_SETUP;
    if !in_setup && received.reply == v1::REPLY {
        return 0;
    }
    if !in_setup {
        otrl_auth_clear(a);
    }
    a.their_keyid = received.keyid;
    opaque::replace(
        &mut a.their_pub,
        opaque::new_number(received.dh.magnitude()),
    );
    a.their_fingerprint = received.fingerprint.0;
    if received.reply != v1::REPLY {
        if let Err(err) = answer_v1(a, privkey, our_dh, our_keyid) {
            return err;
        }
        set_havemsg(havemsgp, true);
    }
    let err = otrl_dh_compute_v1_session_id(
        &a.our_dh,
        a.their_pub,
        a.secure_session_id.as_mut_ptr(),
        &mut a.secure_session_id_len,
        &mut a.session_id_half,
    );
    if err != 0 {
        return err;
    }
    a.protocol_version = 1;
    let err = succeeded(auth, auth_succeeded, asdata);
    finish(auth);
    err
}

/// Gives the AKE of an instance context (`auth`) our D-H Commit from the master
/// context's (`m_auth`), when a D-H Key arrives from a new instance of the peer (spec
/// "Instance Tags": a v3 D-H Commit goes to every instance). Only when the master awaits
/// a D-H Key or a Signature: `auth` then gets a copy of our key pair (its own numbers
/// replaced), key id, `initiated`, r, encrypted g^x (its old buffer freed) and hashed
/// g^x, and awaits a D-H Key. Otherwise nothing changes.
///
/// Unlike libotr, which leaves `encgx_len` as it was, the length of the copied buffer
/// is copied too.
///
/// # Safety
/// Both must be NULL or point to valid `OtrlAuthInfo`s whose numbers came from this
/// library.
#[no_mangle]
pub unsafe extern "C" fn otrl_auth_copy_on_key(m_auth: *mut OtrlAuthInfo, auth: *mut OtrlAuthInfo) {
    let (Some(m), Some(a)) = (m_auth.as_ref(), auth.as_mut()) else {
        return;
    };
    if !matches!(
        m.authstate,
        OTRL_AUTHSTATE_AWAITING_DHKEY | OTRL_AUTHSTATE_AWAITING_SIG
    ) {
        return;
    }
    otrl_dh_keypair_free(&mut a.our_dh);
    otrl_dh_keypair_copy(&mut a.our_dh, &m.our_dh);
    a.initiated = m.initiated;
    a.our_keyid = m.our_keyid;
    a.r = m.r;
    libc::free(a.encgx.cast());
    let encgx = bytes(m.encgx, m.encgx_len);
    a.encgx = malloc_copy(encgx);
    a.encgx_len = if a.encgx.is_null() { 0 } else { encgx.len() };
    a.hashgx = m.hashgx;
    a.authstate = OTRL_AUTHSTATE_AWAITING_DHKEY;
}

/// The callback the last message of an AKE runs once the peer is authenticated.
type Succeeded =
    Option<unsafe extern "C" fn(auth: *const OtrlAuthInfo, asdata: *mut c_void) -> gcry_error_t>;

/// `GPG_ERR_INV_VALUE`, as libotr builds it.
fn invalid() -> gcry_error_t {
    otr_error(GPG_ERR_INV_VALUE)
}

/// libotr's error for a failed AKE step: a signature that does not verify is
/// libgcrypt's "Bad signature", a failure of randomness or signing "General error",
/// anything else "Invalid value".
fn ake_error(e: AkeError) -> gcry_error_t {
    match e {
        AkeError::BadSignature => gcrypt_error(GPG_ERR_BAD_SIGNATURE),
        AkeError::Crypto(_) => otr_error(GPG_ERR_GENERAL),
        _ => invalid(),
    }
}

/// `*havemsgp = have`, unless `havemsgp` is NULL.
unsafe fn set_havemsg(havemsgp: *mut c_int, have: bool) {
    if let Some(havemsg) = havemsgp.as_mut() {
        *havemsg = c_int::from(have);
    }
}

/// The parsed `?OTR:…` message in `msg`; `None` for NULL or anything that does not
/// parse.
unsafe fn decode(msg: *const c_char) -> Option<EncodedMessage> {
    EncodedMessage::from_otr(c_bytes(msg)?).ok()
}

/// Sets `protocol_version` in `a` and in its context, as libotr does on starting or
/// answering an AKE.
unsafe fn set_protocol_version(a: &mut OtrlAuthInfo, version: c_int) {
    a.protocol_version = version as c_uint;
    if !a.context.is_null() {
        ptr::addr_of_mut!((*a.context).protocol_version).write(version as c_uint);
    }
}

/// The header of our next AKE message: `protocol_version` and, in version 3, the
/// context's instance tags (ours as sender, theirs as receiver).
unsafe fn our_header(a: &OtrlAuthInfo) -> Result<Header, gcry_error_t> {
    match a.protocol_version {
        2 => Ok(Header::v2()),
        3 if a.context.is_null() => Ok(Header::v3(0, 0)),
        3 => Ok(Header::v3(
            ptr::addr_of!((*a.context).our_instance).read(),
            ptr::addr_of!((*a.context).their_instance).read(),
        )),
        _ => Err(invalid()),
    }
}

/// Replaces `lastauthmsg` with `msg` in its `?OTR:…` form.
unsafe fn set_last_message(a: &mut OtrlAuthInfo, msg: EncodedMessage) -> Result<(), gcry_error_t> {
    set_last_text(a, &msg.to_otr())
}

/// Replaces `lastauthmsg` with a `malloc`ed copy of `text`.
unsafe fn set_last_text(a: &mut OtrlAuthInfo, text: &str) -> Result<(), gcry_error_t> {
    libc::free(a.lastauthmsg.cast());
    a.lastauthmsg = malloc_c_string(text.as_bytes());
    if a.lastauthmsg.is_null() {
        return Err(otr_error(GPG_ERR_ENOMEM));
    }
    Ok(())
}

/// A new D-H key pair of the AKE in `our_dh`, key id 1.
unsafe fn new_key_pair(a: &mut OtrlAuthInfo) -> Result<(), gcry_error_t> {
    otrl_dh_keypair_free(&mut a.our_dh);
    match otrl_dh_gen_keypair(DH1536_GROUP_ID, &mut a.our_dh) {
        0 => {
            a.our_keyid = AKE_KEYID;
            Ok(())
        }
        err => Err(err),
    }
}

/// Stores a commitment to g^x: its encrypted and its hashed form.
unsafe fn store_commitment(a: &mut OtrlAuthInfo, encrypted_gx: &[u8], hashed_gx: [u8; 32]) {
    libc::free(a.encgx.cast());
    a.encgx = malloc_copy(encrypted_gx);
    a.encgx_len = if a.encgx.is_null() {
        0
    } else {
        encrypted_gx.len()
    };
    a.hashgx = hashed_gx;
}

/// Step 1 for the initiator: key pair, commitment and the D-H Commit.
unsafe fn send_commit(a: &mut OtrlAuthInfo) -> Result<(), gcry_error_t> {
    let header = our_header(a)?;
    new_key_pair(a)?;
    let gx = dh::public_key(a.our_dh.r#pub).map_err(|()| invalid())?;
    let commitment = Commitment::new(&gx).map_err(ake_error)?;
    a.r = *commitment.r;
    store_commitment(a, &commitment.encrypted_gx, commitment.hashed_gx);
    let commit = DhCommit {
        header,
        encrypted_gx: commitment.encrypted_gx,
        hashed_gx: commitment.hashed_gx,
    };
    set_last_message(a, EncodedMessage::DhCommit(commit))?;
    a.authstate = OTRL_AUTHSTATE_AWAITING_DHKEY;
    Ok(())
}

/// Answers their D-H Commit from scratch: their commitment, our new key pair and the
/// D-H Key.
unsafe fn answer_commit(
    a: &mut OtrlAuthInfo,
    version: c_int,
    commit: &DhCommit,
) -> Result<(), gcry_error_t> {
    otrl_auth_clear(a);
    a.protocol_version = version as c_uint;
    new_key_pair(a)?;
    store_commitment(a, &commit.encrypted_gx, commit.hashed_gx);
    let header = our_header(a)?;
    let gy = Mpi::new(opaque::number(a.our_dh.r#pub).unwrap_or_default());
    set_last_message(a, EncodedMessage::DhKey(DhKey { header, gy }))?;
    a.authstate = OTRL_AUTHSTATE_AWAITING_REVEALSIG;
    Ok(())
}

/// Derives the AKE keys of `our_dh` and `their_pub` into the session id and the six
/// key handles (released first).
unsafe fn derive_auth_keys(a: &mut OtrlAuthInfo) -> Result<(), gcry_error_t> {
    for handle in [a.enc_c, a.enc_cp, a.mac_m1, a.mac_m1p, a.mac_m2, a.mac_m2p] {
        opaque::release(handle);
    }
    match otrl_dh_compute_v2_auth_keys(
        &a.our_dh,
        a.their_pub,
        a.secure_session_id.as_mut_ptr(),
        &mut a.secure_session_id_len,
        &mut a.enc_c,
        &mut a.enc_cp,
        &mut a.mac_m1,
        &mut a.mac_m1p,
        &mut a.mac_m2,
        &mut a.mac_m2p,
    ) {
        0 => Ok(()),
        err => Err(err),
    }
}

/// Our and their D-H public values of the AKE.
unsafe fn public_values(a: &OtrlAuthInfo) -> Result<(PublicKey, PublicKey), gcry_error_t> {
    match (dh::public_key(a.our_dh.r#pub), dh::public_key(a.their_pub)) {
        (Ok(ours), Ok(theirs)) => Ok((ours, theirs)),
        _ => Err(invalid()),
    }
}

/// The AES key and the two HMAC keys of one direction: c, m1, m2 or c', m1', m2'.
type DirectionKeys<'a> = (&'a [u8; 16], &'a [u8], &'a [u8]);

/// The keys of one direction, from the handles that hold them.
unsafe fn direction_keys<'a>(
    enc: gcry_cipher_hd_t,
    mac1: gcry_md_hd_t,
    mac2: gcry_md_hd_t,
) -> Result<DirectionKeys<'a>, gcry_error_t> {
    match (
        opaque::aes128_ctr_key(enc),
        opaque::hmac_key(mac1),
        opaque::hmac_key(mac2),
    ) {
        (Some(c), Some(m1), Some(m2)) => Ok((c, m1, m2)),
        _ => Err(invalid()),
    }
}

/// The long-term key to sign with.
unsafe fn signing_key<'a>(privkey: *const OtrlPrivKey) -> Result<&'a PrivateKey, gcry_error_t> {
    private_key(privkey).ok_or(otr_error(GPG_ERR_UNUSABLE_SECKEY))
}

/// Answers their D-H Key in AWAITING_DHKEY: their g^y, the AKE keys and the Reveal
/// Signature.
unsafe fn answer_key(
    a: &mut OtrlAuthInfo,
    key: &DhKey,
    privkey: *const OtrlPrivKey,
) -> Result<(), gcry_error_t> {
    opaque::replace(&mut a.their_pub, opaque::new_number(key.gy.magnitude()));
    derive_auth_keys(a)?;
    let long_term = signing_key(privkey)?;
    let (ours, theirs) = public_values(a)?;
    let (c, m1, m2) = direction_keys(a.enc_c, a.mac_m1, a.mac_m2)?;
    let encrypted_sig = encrypted_x(&ours, &theirs, long_term, m1, c).map_err(ake_error)?;
    let reveal = reveal_signature_message(our_header(a)?, &a.r, encrypted_sig, m2);
    set_last_message(a, EncodedMessage::RevealSignature(reveal))
}

/// Checks their Reveal Signature in AWAITING_REVEALSIG and leaves our Signature in
/// `lastauthmsg`; `Ok(false)` when r does not open their commitment.
unsafe fn answer_reveal_signature(
    a: &mut OtrlAuthInfo,
    reveal: &RevealSignature,
    privkey: *const OtrlPrivKey,
) -> Result<bool, gcry_error_t> {
    let gx = match reveal_gx(bytes(a.encgx, a.encgx_len), &a.hashgx, &a.r) {
        Ok(gx) => gx,
        Err(AkeError::HashMismatch) => return Ok(false),
        Err(e) => return Err(ake_error(e)),
    };
    opaque::replace(&mut a.their_pub, opaque::new_number(&gx.to_bytes()));
    derive_auth_keys(a)?;
    let (ours, theirs) = public_values(a)?;
    let (c, m1, m2) = direction_keys(a.enc_c, a.mac_m1, a.mac_m2)?;
    check_mac(m2, &reveal.mac_input(), &reveal.mac).map_err(ake_error)?;
    let peer = verify_x(&reveal.encrypted_sig, &ours, &theirs, m1, c).map_err(ake_error)?;
    a.their_fingerprint = peer.fingerprint.0;
    a.their_keyid = peer.keyid;
    let long_term = signing_key(privkey)?;
    let (cp, m1p, m2p) = direction_keys(a.enc_cp, a.mac_m1p, a.mac_m2p)?;
    let encrypted_sig = encrypted_x(&ours, &theirs, long_term, m1p, cp).map_err(ake_error)?;
    let signature = signature_message(our_header(a)?, encrypted_sig, m2p);
    set_last_message(a, EncodedMessage::Signature(signature))?;
    Ok(true)
}

/// Checks their Signature in AWAITING_SIG with c', m1', m2' and records who they are.
unsafe fn check_signature(a: &mut OtrlAuthInfo, signature: &Signature) -> Result<(), gcry_error_t> {
    let (ours, theirs) = public_values(a)?;
    let (cp, m1p, m2p) = direction_keys(a.enc_cp, a.mac_m1p, a.mac_m2p)?;
    check_mac(m2p, &signature.mac_input(), &signature.mac).map_err(ake_error)?;
    let peer = verify_x(&signature.encrypted_sig, &ours, &theirs, m1p, cp).map_err(ake_error)?;
    a.their_fingerprint = peer.fingerprint.0;
    a.their_keyid = peer.keyid;
    Ok(())
}

/// Runs the client's `auth_succeeded`, if any; its result is the AKE's.
unsafe fn succeeded(
    auth: *const OtrlAuthInfo,
    callback: Succeeded,
    asdata: *mut c_void,
) -> gcry_error_t {
    match callback {
        Some(callback) => callback(auth, asdata),
        None => 0,
    }
}

/// Our end of the AKE is complete: back to NONE, our key id 0 (the numbers and keys
/// stay for the caller).
unsafe fn finish(auth: *mut OtrlAuthInfo) {
    (*auth).our_keyid = 0;
    (*auth).authstate = OTRL_AUTHSTATE_NONE;
}

/// Our D-H key pair for version 1: a copy of `our_dh` with key id `our_keyid`, or a
/// new pair with key id 1 when `our_dh` is NULL.
unsafe fn take_key_pair(
    a: &mut OtrlAuthInfo,
    our_dh: *const DH_keypair,
    our_keyid: c_uint,
) -> Result<(), gcry_error_t> {
    if our_dh.is_null() {
        return new_key_pair(a);
    }
    if !ptr::eq(our_dh, &a.our_dh) {
        otrl_dh_keypair_free(&mut a.our_dh);
        otrl_dh_keypair_copy(&mut a.our_dh, our_dh);
    }
    a.our_keyid = our_keyid;
    Ok(())
}

/// Answers a version 1 Key Exchange: with a copy of `our_dh` if given, else with the
/// key pair `auth` holds (a new one if it has none, key id 0).
unsafe fn answer_v1(
    a: &mut OtrlAuthInfo,
    privkey: *const OtrlPrivKey,
    our_dh: *const DH_keypair,
    our_keyid: c_uint,
) -> Result<(), gcry_error_t> {
    if !our_dh.is_null() || a.our_keyid == 0 {
        take_key_pair(a, our_dh, our_keyid)?;
    }
    send_v1(a, v1::REPLY, privkey)
}

/// Leaves our version 1 Key Exchange (reply flag `reply`) in `lastauthmsg`.
unsafe fn send_v1(
    a: &mut OtrlAuthInfo,
    reply: u8,
    privkey: *const OtrlPrivKey,
) -> Result<(), gcry_error_t> {
    if privkey.as_ref().map(|k| k.pubkey_type) != Some(OTRL_PUBKEY_TYPE_DSA) {
        return Err(invalid());
    }
    let long_term = signing_key(privkey)?;
    let ours = dh::public_key(a.our_dh.r#pub).map_err(|()| invalid())?;
    let message = v1::key_exchange(reply, long_term, a.our_keyid, &ours).map_err(ake_error)?;
    set_last_text(a, &base64::otr_encode(&message))
}

/// Where these handlers differ from libotr on purpose (README, "Deliberate
/// differences"): a message is checked whole before the state changes, arguments
/// libotr would crash on or misuse are refused.
#[cfg(test)]
mod tests {
    use super::super::gcrypt::GPG_ERR_INV_VALUE;
    use super::super::privkey::otrl_privkey_read;
    use super::super::userstate::{otrl_userstate_create, otrl_userstate_free};
    use super::*;
    use std::ffi::{CStr, CString};

    /// A fresh `OtrlAuthInfo` without a context (messages of version 2).
    fn new_auth() -> Box<OtrlAuthInfo> {
        // SAFETY: all-zero is libotr's `otrl_auth_new` state without a context.
        Box::new(unsafe { std::mem::zeroed() })
    }

    unsafe fn last(a: &OtrlAuthInfo) -> Vec<u8> {
        CStr::from_ptr(a.lastauthmsg).to_bytes_with_nul().to_vec()
    }

    /// Alice has answered Bob's D-H Commit with her D-H Key: (alice, bob, Alice's D-H Key).
    unsafe fn to_awaiting_dh_key() -> (Box<OtrlAuthInfo>, Box<OtrlAuthInfo>, Vec<u8>) {
        let (mut alice, mut bob) = (new_auth(), new_auth());
        assert_eq!(otrl_auth_start_v23(&mut *bob, 2), 0);
        let commit = last(&bob);
        assert_eq!(
            otrl_auth_handle_commit(&mut *alice, commit.as_ptr().cast(), 2),
            0
        );
        let key = last(&alice);
        (alice, bob, key)
    }

    #[test]
    fn start_refuses_other_versions() {
        let mut a = new_auth();
        unsafe {
            assert_eq!(
                otrl_auth_start_v23(&mut *a, 1),
                otr_error(GPG_ERR_INV_VALUE)
            );
            assert!(
                a.lastauthmsg.is_null() && a.authstate == 0,
                "cleared, nothing to send"
            );
            otrl_auth_clear(&mut *a);
        }
    }

    /// libotr dereferences a NULL key.
    #[test]
    fn answering_without_a_private_key() {
        unsafe {
            let (mut alice, mut bob, key) = to_awaiting_dh_key();
            let mut have = 1;
            let err =
                otrl_auth_handle_key(&mut *bob, key.as_ptr().cast(), &mut have, ptr::null_mut());
            assert_eq!((err, have), (otr_error(GPG_ERR_UNUSABLE_SECKEY), 0));
            otrl_auth_clear(&mut *alice);
            otrl_auth_clear(&mut *bob);
        }
    }

    /// libotr copies the encrypted g^x but not its length.
    #[test]
    fn copy_on_key_copies_the_length() {
        unsafe {
            let (mut master, mut instance) = (new_auth(), new_auth());
            assert_eq!(otrl_auth_start_v23(&mut *master, 2), 0);
            otrl_auth_copy_on_key(&mut *master, &mut *instance);
            assert!(instance.encgx_len > 0 && instance.encgx_len == master.encgx_len);
            otrl_auth_clear(&mut *master);
            otrl_auth_clear(&mut *instance);
        }
    }

    /// libotr keeps r from a Reveal Signature that turns out truncated, and reads a
    /// header of version 1 as version 2.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads a key file through C's fopen, which Miri cannot call"
    )]
    fn reveal_signature_checked_whole() {
        unsafe {
            let us = otrl_userstate_create();
            let path = c"tests/files_data/sample.private_key";
            assert_eq!(otrl_privkey_read(us, path.as_ptr()), 0);
            let key = (*us).privkey_root;
            let (mut alice, mut bob, dh_key) = to_awaiting_dh_key();
            let mut have = 0;
            assert_eq!(
                otrl_auth_handle_key(&mut *bob, dh_key.as_ptr().cast(), &mut have, key),
                0
            );
            let reveal = last(&bob);
            let binary = base64::otr_decode(&reveal[..reveal.len() - 1]).unwrap();
            let cut = CString::new(base64::otr_encode(&binary[..binary.len() - 30])).unwrap();
            let err = otrl_auth_handle_revealsig(
                &mut *alice,
                cut.as_ptr(),
                &mut have,
                key,
                None,
                ptr::null_mut(),
            );
            assert_eq!(err, otr_error(GPG_ERR_INV_VALUE));
            assert_eq!(
                (alice.r, alice.authstate),
                ([0; 16], 2),
                "r not kept, still awaiting"
            );
            let mut v1 = binary.clone();
            v1[1] = 1;
            let v1 = CString::new(base64::otr_encode(&v1)).unwrap();
            let err = otrl_auth_handle_revealsig(
                &mut *alice,
                v1.as_ptr(),
                &mut have,
                key,
                None,
                ptr::null_mut(),
            );
            assert_eq!((err, alice.authstate), (otr_error(GPG_ERR_INV_VALUE), 2));
            otrl_auth_clear(&mut *alice);
            otrl_auth_clear(&mut *bob);
            otrl_userstate_free(us);
        }
    }
}
