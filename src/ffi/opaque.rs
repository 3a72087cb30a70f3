//! Our objects behind libgcrypt's handle types in libotr's exported internals.
//!
//! `sm.h`, `dh.h` and `auth.h` keep numbers in `gcry_mpi_t` slots and keys in
//! `gcry_cipher_hd_t` / `gcry_md_hd_t` slots. This library does not link libgcrypt, so
//! every such handle that one of our functions fills in points to an [`Object`] of this
//! module: a number, an AES-128-CTR key or an HMAC key. Our functions alone create and
//! release them; secrets are wiped on release.
//!
//! The limit, for clients: these handles are **not** libgcrypt objects. A client may
//! store them, test them for NULL and pass them back to `otrl_*` functions, but must not
//! give them to libgcrypt (`gcry_mpi_print`, `gcry_cipher_encrypt`, `gcry_mpi_release`
//! …), and must not put libgcrypt objects where our functions expect ours. No known
//! client does either (libotr-abi.md: clients only test `OtrlSMState.secret` for NULL).

use super::gcrypt::{gcry_cipher_hd_t, gcry_md_hd_t, gcry_mpi_t};
use crate::crypto::mpi::strip_leading_zeros;
use zeroize::Zeroizing;

/// What one of our handles points to.
pub enum Object {
    /// A non-negative integer, as minimal big-endian bytes (empty for 0).
    Number(Zeroizing<Vec<u8>>),
    /// An AES-128 key for counter mode (libotr opens these with `GCRY_CIPHER_MODE_CTR`).
    Aes128Ctr(Zeroizing<[u8; 16]>),
    /// An HMAC key (SHA-1 for data messages, SHA-256 in the AKE).
    Hmac(Zeroizing<Vec<u8>>),
}

/// Where `OtrlSMState.secret` points while the SMP exchange of a context is held by the
/// Rust session (see `message.rs`): not an [`Object`]; [`release`] leaves it alone and
/// [`number`] does not read it.
static HELD_IN_SESSION: u8 = 0;

/// The placeholder for a value the Rust session keeps itself.
pub fn held_in_session() -> gcry_mpi_t {
    std::ptr::addr_of!(HELD_IN_SESSION).cast_mut().cast()
}

/// A new handle to `object`.
fn boxed(object: Object) -> *mut libc::c_void {
    Box::into_raw(Box::new(object)).cast()
}

/// A new number handle holding `value` (big-endian bytes, leading zeros allowed).
pub fn new_number(value: &[u8]) -> gcry_mpi_t {
    let minimal = Zeroizing::new(strip_leading_zeros(value).to_vec());
    boxed(Object::Number(minimal))
}

/// A new cipher handle holding an AES-128-CTR key.
pub fn new_aes128_ctr(key: &[u8; 16]) -> gcry_cipher_hd_t {
    boxed(Object::Aes128Ctr(Zeroizing::new(*key)))
}

/// A new MD handle holding an HMAC key.
pub fn new_hmac(key: &[u8]) -> gcry_md_hd_t {
    boxed(Object::Hmac(Zeroizing::new(key.to_vec())))
}

/// The object behind a handle; `None` for NULL and the session placeholder.
///
/// # Safety
/// `handle` must be NULL, [`held_in_session`] or a live handle of this module.
unsafe fn object<'a>(handle: *mut libc::c_void) -> Option<&'a Object> {
    if handle.is_null() || handle == held_in_session() {
        return None;
    }
    Some(&*handle.cast::<Object>())
}

/// The value of a number handle: `None` for NULL, the placeholder or a key handle.
///
/// # Safety
/// As [`object`]; the slice must not outlive the handle.
pub unsafe fn number<'a>(mpi: gcry_mpi_t) -> Option<&'a [u8]> {
    match object(mpi)? {
        Object::Number(value) => Some(value),
        _ => None,
    }
}

/// The key of an AES-128-CTR handle: `None` for NULL, the placeholder or another kind.
///
/// # Safety
/// As [`object`]; the reference must not outlive the handle.
pub unsafe fn aes128_ctr_key<'a>(handle: gcry_cipher_hd_t) -> Option<&'a [u8; 16]> {
    match object(handle)? {
        Object::Aes128Ctr(key) => Some(key),
        _ => None,
    }
}

/// The key of an HMAC handle: `None` for NULL, the placeholder or another kind.
///
/// # Safety
/// As [`object`]; the slice must not outlive the handle.
pub unsafe fn hmac_key<'a>(handle: gcry_md_hd_t) -> Option<&'a [u8]> {
    match object(handle)? {
        Object::Hmac(key) => Some(key),
        _ => None,
    }
}

/// A new handle with the same contents (libgcrypt's `gcry_mpi_copy`); NULL for NULL.
///
/// # Safety
/// As [`object`].
pub unsafe fn copy(handle: *mut libc::c_void) -> *mut libc::c_void {
    match object(handle) {
        Some(Object::Number(value)) => boxed(Object::Number(value.clone())),
        Some(Object::Aes128Ctr(key)) => boxed(Object::Aes128Ctr(key.clone())),
        Some(Object::Hmac(key)) => boxed(Object::Hmac(key.clone())),
        None => std::ptr::null_mut(),
    }
}

/// Releases a handle, wiping what it holds; NULL and the placeholder are ignored.
///
/// # Safety
/// As [`object`]; the handle must not be used afterwards.
pub unsafe fn release(handle: *mut libc::c_void) {
    if object(handle).is_some() {
        drop(Box::from_raw(handle.cast::<Object>()));
    }
}

/// Releases the handle in `*slot` and stores `handle` there.
///
/// # Safety
/// `slot` must be writable and hold NULL, the placeholder or a live handle.
pub unsafe fn replace(slot: *mut *mut libc::c_void, handle: *mut libc::c_void) {
    release(*slot);
    *slot = handle;
}
