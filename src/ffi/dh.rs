//! `dh.h`: libotr's Diffie-Hellman key pairs and session keys (internal API, exported).

use super::bytes;
use super::gcrypt::{gcry_cipher_hd_t, gcry_error_t, gcry_md_hd_t, gcry_mpi_t, NOT_IMPLEMENTED};
use libc::{c_int, c_uchar, c_uint, size_t};

pub const DH1536_GROUP_ID: c_uint = 5;
pub const OTRL_EXTRAKEY_BYTES: usize = 32;

/// A D-H key pair; the MPI slots only fix the layout (see `gcrypt`).
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

/// # Safety
/// `kp` must point to a writable `DH_keypair`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_keypair_init(kp: *mut DH_keypair) {
    let _ = kp;
}

/// # Safety
/// Both must point to valid `DH_keypair`s.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_keypair_copy(dst: *mut DH_keypair, src: *const DH_keypair) {
    let _ = (dst, src);
}

/// # Safety
/// `kp` must point to a valid `DH_keypair`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_keypair_free(kp: *mut DH_keypair) {
    let _ = kp;
}

/// # Safety
/// `kp` must point to a writable `DH_keypair`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_gen_keypair(groupid: c_uint, kp: *mut DH_keypair) -> gcry_error_t {
    let _ = (groupid, kp);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_session(
    sess: *mut DH_sesskeys,
    kp: *const DH_keypair,
    y: gcry_mpi_t,
) -> gcry_error_t {
    let _ = (sess, kp, y);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types they name.
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
    let _ = (our_dh, their_pub, sessionid, sessionidlenp);
    let _ = (enc_c, enc_cp, mac_m1, mac_m1p, mac_m2, mac_m2p);
    NOT_IMPLEMENTED
}

/// OTR version 1 is not supported by libotr 4 either; this always fails.
///
/// # Safety
/// No pointer is dereferenced.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_compute_v1_session_id(
    our_dh: *const DH_keypair,
    their_pub: gcry_mpi_t,
    sessionid: *mut c_uchar,
    sessionidlenp: *mut size_t,
    halfp: *mut OtrlSessionIdHalf,
) -> gcry_error_t {
    let _ = (our_dh, their_pub, sessionid, sessionidlenp, halfp);
    NOT_IMPLEMENTED
}

/// # Safety
/// `sess` must point to a valid `DH_sesskeys`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_session_free(sess: *mut DH_sesskeys) {
    let _ = sess;
}

/// # Safety
/// `sess` must point to a writable `DH_sesskeys`.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_session_blank(sess: *mut DH_sesskeys) {
    let _ = sess;
}

/// Adds one to a big-endian 8-byte counter top half.
///
/// # Safety
/// `ctr` must point to 8 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_dh_incctr(ctr: *mut c_uchar) {
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
