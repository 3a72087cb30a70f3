//! `dh.h`: libotr's Diffie-Hellman key pairs and session keys (internal API, exported).

use super::gcrypt::{
    gcry_cipher_hd_t, gcry_error_t, gcry_md_hd_t, gcry_mpi_t, otr_error, GPG_ERR_GENERAL,
    GPG_ERR_INV_VALUE,
};
use super::{bytes, opaque};
use crate::crypto::ake_keys::AkeKeys;
use crate::crypto::dh::{End, KeyPair, PublicKey, SessionKeys};
use libc::{c_int, c_uchar, c_uint, size_t};
use std::ptr;

pub const DH1536_GROUP_ID: c_uint = 5;
pub const OTRL_EXTRAKEY_BYTES: usize = 32;

/// A D-H key pair; `priv` and `pub` are NULL or number objects of this library
/// (`otrl_dh_gen_keypair`), not libgcrypt MPIs.
#[repr(C)]
pub struct DH_keypair {
    pub groupid: c_uint,
    pub r#priv: gcry_mpi_t,
    pub r#pub: gcry_mpi_t,
}

pub type OtrlSessionIdHalf = c_uint;
pub const OTRL_SESSIONID_FIRST_HALF_BOLD: OtrlSessionIdHalf = 0;
pub const OTRL_SESSIONID_SECOND_HALF_BOLD: OtrlSessionIdHalf = 1;

/// The keys derived from one pair of D-H keys.
#[repr(C)]
pub struct DH_sesskeys {
    pub sendctr: [c_uchar; 16],
    pub rcvctr: [c_uchar; 16],
    pub sendenc: gcry_cipher_hd_t,
    pub rcvenc: gcry_cipher_hd_t,
    pub sendmac: gcry_md_hd_t,
    pub sendmackey: [c_uchar; 20],
    pub sendmacused: c_int,
    pub rcvmac: gcry_md_hd_t,
    pub rcvmackey: [c_uchar; 20],
    pub rcvmacused: c_int,
    pub extrakey: [c_uchar; OTRL_EXTRAKEY_BYTES],
}

/// Sets up the D-H group; nothing to do (the group is a constant).
#[no_mangle]
pub extern "C" fn otrl_dh_init() {}

/// Empties a key pair: group 0, `priv` and `pub` NULL (nothing is freed).
///
/// # Safety
/// `kp` must be NULL or point to a writable `DH_keypair`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_keypair_init(kp: *mut DH_keypair) {
    if let Some(kp) = kp.as_mut() {
        kp.groupid = 0;
        kp.r#priv = ptr::null_mut();
        kp.r#pub = ptr::null_mut();
    }
}

/// Makes `dst` an independent copy of `src` (new number objects; what `dst` held is
/// overwritten, not freed).
///
/// # Safety
/// Both must be NULL or point to valid `DH_keypair`s whose numbers came from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_keypair_copy(dst: *mut DH_keypair, src: *const DH_keypair) {
    let (Some(dst), Some(src)) = (dst.as_mut(), src.as_ref()) else {
        return;
    };
    dst.groupid = src.groupid;
    dst.r#priv = opaque::copy(src.r#priv);
    dst.r#pub = opaque::copy(src.r#pub);
}

/// Frees the numbers of a key pair (wiping the private one) and sets them to NULL.
///
/// # Safety
/// `kp` must be NULL or point to a valid `DH_keypair` whose numbers came from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_keypair_free(kp: *mut DH_keypair) {
    if let Some(kp) = kp.as_mut() {
        opaque::replace(&mut kp.r#priv, ptr::null_mut());
        opaque::replace(&mut kp.r#pub, ptr::null_mut());
    }
}

/// Generates a key pair in group `groupid`, which must be `DH1536_GROUP_ID` (else
/// `GPG_ERR_INV_VALUE`): a 320-bit random private exponent and `g^x mod p` (spec
/// "Authenticated Key Exchange"), in new number objects of this library. What `kp` held
/// is overwritten, not freed.
///
/// # Safety
/// `kp` must be NULL or point to a writable `DH_keypair`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_gen_keypair(groupid: c_uint, kp: *mut DH_keypair) -> gcry_error_t {
    if groupid != DH1536_GROUP_ID {
        return invalid();
    }
    let Some(kp) = kp.as_mut() else {
        return invalid();
    };
    let Ok(pair) = KeyPair::generate() else {
        return otr_error(GPG_ERR_GENERAL);
    };
    kp.groupid = groupid;
    kp.r#priv = opaque::new_number(&pair.private_bytes());
    kp.r#pub = opaque::new_number(&pair.public().to_bytes());
    0
}

/// Derives the data-message keys of our key pair and their public value `y` (spec
/// "Computing AES keys, MAC keys, and the secure session id"; "Extra symmetric key"):
/// `sess` is blanked first, then holds the sending and receiving AES-128-CTR keys and
/// HMAC-SHA1 keys as handles of this library (see `otrl_dh_session_free`), the MAC keys
/// and the extra key. Whoever has the greater public value is the "high" end.
///
/// Returns `GPG_ERR_INV_VALUE` for a key pair not in `DH1536_GROUP_ID` and, unlike
/// libotr (which computes with it), for `y` outside `2 ..= p-2`.
///
/// # Safety
/// `sess` must be NULL or writable; `kp` NULL or a valid `DH_keypair` and `y` NULL or a
/// number, both from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_session(
    sess: *mut DH_sesskeys,
    kp: *const DH_keypair,
    y: gcry_mpi_t,
) -> gcry_error_t {
    let Some(sess) = sess.as_mut() else {
        return invalid();
    };
    otrl_dh_session_blank(sess);
    let (ours, theirs) = match (key_pair(kp), public_key(y)) {
        (Ok(ours), Ok(theirs)) => (ours, theirs),
        _ => return invalid(),
    };
    let keys = SessionKeys::derive(&ours, &theirs);
    sess.sendenc = opaque::new_aes128_ctr(keys.sending_aes_key());
    sess.sendmackey = *keys.sending_mac_key();
    sess.sendmac = opaque::new_hmac(&sess.sendmackey);
    sess.rcvenc = opaque::new_aes128_ctr(keys.receiving_aes_key());
    sess.rcvmackey = *keys.receiving_mac_key();
    sess.rcvmac = opaque::new_hmac(&sess.rcvmackey);
    sess.extrakey = *keys.extra_key();
    0
}

/// Derives the AKE's keys from our key pair and their public value (spec "Computing AES
/// keys, MAC keys, and the secure session id"): the 8-byte secure session id into
/// `sessionid` (its length, 8, into `*sessionidlenp`), the AES-128-CTR keys c and c'
/// (counter 0) and the HMAC-SHA256 keys m1, m1', m2, m2' as handles of this library.
/// The six handles are NULL unless this succeeds.
///
/// Returns `GPG_ERR_INV_VALUE` for a key pair not in `DH1536_GROUP_ID` or `their_pub`
/// outside `2 ..= p-2`.
///
/// # Safety
/// `our_dh` and `their_pub` as for `otrl_dh_session`; `sessionid` must have room for 8
/// bytes; the other pointers must be writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn otrl_dh_compute_v2_auth_keys(
    our_dh: *const DH_keypair,
    their_pub: gcry_mpi_t,
    sessionid: *mut c_uchar,
    sessionidlenp: *mut size_t,
    enc_c: *mut gcry_cipher_hd_t,
    enc_cp: *mut gcry_cipher_hd_t,
    mac_m1: *mut gcry_md_hd_t,
    mac_m1p: *mut gcry_md_hd_t,
    mac_m2: *mut gcry_md_hd_t,
    mac_m2p: *mut gcry_md_hd_t,
) -> gcry_error_t {
    let handles = [enc_c, enc_cp, mac_m1, mac_m1p, mac_m2, mac_m2p];
    if handles.iter().any(|h| h.is_null()) || sessionid.is_null() || sessionidlenp.is_null() {
        return invalid();
    }
    for handle in handles {
        *handle = ptr::null_mut();
    }
    let (ours, theirs) = match (key_pair(our_dh), public_key(their_pub)) {
        (Ok(ours), Ok(theirs)) => (ours, theirs),
        _ => return invalid(),
    };
    let keys = AkeKeys::derive(&ours, &theirs);
    ptr::copy_nonoverlapping(keys.ssid().as_ptr(), sessionid, keys.ssid().len());
    *sessionidlenp = keys.ssid().len();
    *enc_c = opaque::new_aes128_ctr(keys.c());
    *enc_cp = opaque::new_aes128_ctr(keys.c_prime());
    *mac_m1 = opaque::new_hmac(keys.m1());
    *mac_m1p = opaque::new_hmac(keys.m1_prime());
    *mac_m2 = opaque::new_hmac(keys.m2());
    *mac_m2p = opaque::new_hmac(keys.m2_prime());
    0
}

/// The secure session id of OTR version 1, which libotr 4 still exports: SHA-1 of the
/// byte 0 and the shared secret as an MPI (20 bytes into `sessionid`, 20 into
/// `*sessionidlenp`), and which half to show in bold: the second when our public value
/// is the greater.
///
/// Returns `GPG_ERR_INV_VALUE` for a key pair not in `DH1536_GROUP_ID` or `their_pub`
/// outside `2 ..= p-2`.
///
/// # Safety
/// As `otrl_dh_compute_v2_auth_keys`; `sessionid` must have room for 20 bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_compute_v1_session_id(
    our_dh: *const DH_keypair,
    their_pub: gcry_mpi_t,
    sessionid: *mut c_uchar,
    sessionidlenp: *mut size_t,
    halfp: *mut OtrlSessionIdHalf,
) -> gcry_error_t {
    if sessionid.is_null() || sessionidlenp.is_null() || halfp.is_null() {
        return invalid();
    }
    let (ours, theirs) = match (key_pair(our_dh), public_key(their_pub)) {
        (Ok(ours), Ok(theirs)) => (ours, theirs),
        _ => return invalid(),
    };
    let id = ours.shared_secret(&theirs).h1(0x00);
    ptr::copy_nonoverlapping(id.as_ptr(), sessionid, id.len());
    *sessionidlenp = id.len();
    *halfp = match End::of(ours.public(), &theirs) {
        End::High => OTRL_SESSIONID_SECOND_HALF_BOLD,
        End::Low => OTRL_SESSIONID_FIRST_HALF_BOLD,
    };
    0
}

/// Frees the four key handles of `sess` and blanks it (`otrl_dh_session_blank`).
///
/// # Safety
/// `sess` must be NULL or point to a valid `DH_sesskeys` whose handles are NULL or came
/// from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_session_free(sess: *mut DH_sesskeys) {
    let Some(keys) = sess.as_mut() else {
        return;
    };
    for handle in [keys.sendenc, keys.rcvenc, keys.sendmac, keys.rcvmac] {
        opaque::release(handle);
    }
    otrl_dh_session_blank(sess);
}

/// Blanks `sess` without freeing anything: handles NULL, counters, MAC keys, "used"
/// flags and the extra key zero.
///
/// # Safety
/// `sess` must be NULL or point to a writable `DH_sesskeys`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_session_blank(sess: *mut DH_sesskeys) {
    if !sess.is_null() {
        ptr::write_bytes(sess, 0, 1);
    }
}

/// `GPG_ERR_INV_VALUE`, as libotr builds it.
fn invalid() -> gcry_error_t {
    otr_error(GPG_ERR_INV_VALUE)
}

/// The key pair `kp` holds, if it is in `DH1536_GROUP_ID` with a private number of ours.
pub(super) unsafe fn key_pair(kp: *const DH_keypair) -> Result<KeyPair, ()> {
    let kp = kp.as_ref().ok_or(())?;
    if kp.groupid != DH1536_GROUP_ID {
        return Err(());
    }
    let private = opaque::number(kp.r#priv).ok_or(())?;
    KeyPair::from_private_bytes(private).map_err(|_| ())
}

/// The public value `y` holds, if it is a number of ours in `2 ..= p-2`.
pub(super) unsafe fn public_key(y: gcry_mpi_t) -> Result<PublicKey, ()> {
    PublicKey::from_bytes(opaque::number(y).ok_or(())?).map_err(|_| ())
}

/// Adds one to a big-endian 8-byte counter top half.
///
/// # Safety
/// `ctr` must be NULL (nothing happens) or point to 8 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_incctr(ctr: *mut c_uchar) {
    if ctr.is_null() {
        return;
    }
    let ctr = std::slice::from_raw_parts_mut(ctr, 8);
    for byte in ctr.iter_mut().rev() {
        *byte = byte.wrapping_add(1);
        if *byte != 0 {
            break;
        }
    }
}

/// Compares two 8-byte counter top halves: the difference of the first bytes that
/// differ, or 0 when equal.
///
/// # Safety
/// Both must point to 8 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_cmpctr(ctr1: *const c_uchar, ctr2: *const c_uchar) -> c_int {
    let (a, b) = (bytes(ctr1, 8), bytes(ctr2, 8));
    a.iter()
        .zip(b)
        .map(|(&x, &y)| c_int::from(x) - c_int::from(y))
        .find(|&d| d != 0)
        .unwrap_or(0)
}
