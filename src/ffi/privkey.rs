//! `privkey.h`: long-term DSA keys, their fingerprints, and the fingerprint store.
//!
//! The keys of a userstate are `OtrlPrivKey` entries in `privkey_root`, as in libotr.
//! Each entry is the first member of a [`KeyRecord`] that this module allocates, so a
//! `*mut OtrlPrivKey` leads back to the Rust key behind it ([`private_key`]).

use super::context::ConnContext;
use super::context::{otrl_context_find, otrl_context_find_fingerprint, otrl_context_set_trust};
use super::gcrypt::{
    error_from_errno, gcry_error_t, gcry_sexp_t, gcrypt_error, otr_error, GPG_ERR_BAD_SIGNATURE,
    GPG_ERR_EEXIST, GPG_ERR_ENOMEM, GPG_ERR_GENERAL, GPG_ERR_INV_OBJ, GPG_ERR_INV_VALUE,
    GPG_ERR_UNUSABLE_SECKEY,
};
use super::instag::OTRL_INSTAG_MASTER;
use super::privkey_t::{OtrlPendingPrivKey, OtrlPrivKey, OTRL_PUBKEY_TYPE_DSA};
use super::userstate::OtrlUserState;
use super::{
    bytes, c_bytes, c_string, list_insert, list_remove, malloc_c_string, malloc_copy, open_file,
    read_stream, with_file, write_stream,
};
use crate::crypto::dsa::{PrivateKey, PublicKey, Signature};
use crate::crypto::Fingerprint;
use crate::files::fingerprints;
use crate::files::privkey::{self as keyfile, AccountToWrite, DsaKey, PrivKey};
use crate::files::sexp::Sexp;
use libc::{c_char, c_uchar, c_ushort, c_void, size_t, FILE};
use std::ffi::CString;
use std::ptr;

pub const OTRL_PRIVKEY_FPRINT_HUMAN_LEN: usize = 45;

list_node!(OtrlPrivKey);
list_node!(OtrlPendingPrivKey);

// ---------------------------------------------------------------- key storage

/// What `OtrlPrivKey.privkey` points at in this library, in place of libgcrypt's
/// S-expression.
///
/// In libotr the field holds the `(private-key (dsa ...))` S-expression, and libotr (or
/// any caller) verifies with `otrl_privkey_verify(sig, 40, OTRL_PUBKEY_TYPE_DSA,
/// p->privkey, data, len)`: libgcrypt accepts a private key where it wants a public one.
/// No client reads the field (libotr-abi.md), and we do not link libgcrypt, so we point
/// it at this object, which lives inside the key's [`KeyRecord`], and
/// `otrl_privkey_verify` takes its public key from there. The object starts with
/// [`KEY_SEXP_TAG`]; libgcrypt's S-expressions start with one of its type codes (0 to 4),
/// so one from the client's own libgcrypt is told apart and refused as libgcrypt refuses
/// an unusable object, rather than misread.
#[repr(C)]
pub(crate) struct KeySexp {
    tag: [u8; 8],
    key: KeyParts,
}

/// The numbers of a key as our DSA code can use them.
enum KeyParts {
    /// A key we can sign with.
    Private(PrivateKey),
    /// A key without a usable `x` (libotr loads such keys; signing fails).
    Public(PublicKey),
    /// Numbers our DSA code rejects (libotr loads them too: only the file structure is
    /// checked); nothing verifies against them.
    Unusable,
}

/// The first bytes of every [`KeySexp`].
const KEY_SEXP_TAG: [u8; 8] = *b"OtrRsKey";

impl KeySexp {
    fn new(dsa: &DsaKey) -> KeySexp {
        let public = PublicKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y);
        let private = dsa
            .x
            .as_ref()
            .and_then(|x| PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, x).ok());
        let key = match (private, public) {
            (Some(private), _) => KeyParts::Private(private),
            (None, Ok(public)) => KeyParts::Public(public),
            (None, Err(_)) => KeyParts::Unusable,
        };
        KeySexp {
            tag: KEY_SEXP_TAG,
            key,
        }
    }

    fn public_key(&self) -> Option<&PublicKey> {
        match &self.key {
            KeyParts::Private(key) => Some(key.public()),
            KeyParts::Public(key) => Some(key),
            KeyParts::Unusable => None,
        }
    }
}

/// The allocation behind each `OtrlPrivKey` of a userstate's list.
#[repr(C)]
struct KeyRecord {
    /// What C sees; first, so that a pointer to it is a pointer to the record.
    entry: OtrlPrivKey,
    /// What `entry.privkey` points at.
    sexp: KeySexp,
    /// The `(private-key ...)` list as read, written back unchanged when a key
    /// generation rewrites the file.
    private_key: Sexp,
}

/// The record an entry of a userstate's key list belongs to.
///
/// # Safety
/// `p` must be NULL or an entry made by [`push_key`] and not forgotten yet.
unsafe fn record<'a>(p: *const OtrlPrivKey) -> Option<&'a KeyRecord> {
    p.cast::<KeyRecord>().as_ref()
}

/// The Rust key of an entry of a userstate's key list (`us->privkey_root`,
/// `otrl_privkey_find`), or `None` for NULL or a key that cannot sign (no `x`, or
/// numbers our DSA code rejects).
///
/// # Safety
/// `p` must be NULL or an `OtrlPrivKey` this library put in a userstate's list and did
/// not forget yet; the reference must not outlive that.
pub(crate) unsafe fn private_key<'a>(p: *const OtrlPrivKey) -> Option<&'a PrivateKey> {
    match &record(p)?.sexp.key {
        KeyParts::Private(key) => Some(key),
        _ => None,
    }
}

/// The public key behind a `gcry_sexp_t` this library handed out (an
/// `OtrlPrivKey.privkey`), or `Err` with libgcrypt's error for an unusable object.
///
/// # Safety
/// `sexp` must be NULL, a live [`KeySexp`], or a readable libgcrypt S-expression.
unsafe fn sexp_public_key<'a>(sexp: gcry_sexp_t) -> Result<Option<&'a PublicKey>, gcry_error_t> {
    let first = sexp.cast::<u8>();
    if first.is_null() || *first != KEY_SEXP_TAG[0] {
        return Err(gcrypt_error(GPG_ERR_INV_OBJ));
    }
    let ours = &*sexp.cast::<KeySexp>();
    if ours.tag != KEY_SEXP_TAG {
        return Err(gcrypt_error(GPG_ERR_INV_OBJ));
    }
    Ok(ours.public_key())
}

/// Makes the entry for `key` and links it at the head of the userstate's list, as
/// libotr's reader does; `Err` with libotr's error when `malloc` fails.
///
/// # Safety
/// `us` must be a valid userstate.
unsafe fn push_key(us: OtrlUserState, key: PrivKey) -> Result<(), gcry_error_t> {
    let data = key.dsa.public_key_data();
    let entry = OtrlPrivKey {
        next: ptr::null_mut(),
        tous: ptr::null_mut(),
        accountname: malloc_c_string(&key.account_name),
        protocol: malloc_c_string(&key.protocol),
        pubkey_type: OTRL_PUBKEY_TYPE_DSA,
        privkey: ptr::null_mut(),
        pubkey_data: malloc_copy(&data),
        pubkey_datalen: data.len(),
    };
    if entry.accountname.is_null() || entry.protocol.is_null() || entry.pubkey_data.is_null() {
        libc::free(entry.accountname.cast());
        libc::free(entry.protocol.cast());
        libc::free(entry.pubkey_data.cast());
        return Err(otr_error(GPG_ERR_ENOMEM));
    }
    let record = Box::into_raw(Box::new(KeyRecord {
        entry,
        sexp: KeySexp::new(&key.dsa),
        private_key: key.private_key,
    }));
    (*record).entry.privkey = ptr::addr_of_mut!((*record).sexp).cast();
    list_insert(ptr::addr_of_mut!((*us).privkey_root), record.cast());
    Ok(())
}

// ---------------------------------------------------------------- fingerprints

/// Writes a fingerprint as five groups of eight upper-case hex digits, NUL-terminated.
///
/// # Safety
/// `human` must be NULL (nothing is written) or have room for 45 bytes; `hash` must
/// hold 20 (NULL reads as zeros).
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_hash_to_human(human: *mut c_char, hash: *const c_uchar) {
    if human.is_null() {
        return;
    }
    let hash: [u8; 20] = bytes(hash, 20).try_into().unwrap_or_default();
    let text = Fingerprint(hash).to_human();
    std::ptr::copy_nonoverlapping(text.as_ptr(), human.cast::<u8>(), text.len());
    *human.add(text.len()) = 0;
}

/// The fingerprint of an account's key (SHA-1 of its `pubkey_data`), or `None`.
///
/// # Safety
/// As [`otrl_privkey_find`].
unsafe fn key_fingerprint(
    us: OtrlUserState,
    accountname: *const c_char,
    protocol: *const c_char,
) -> Option<Fingerprint> {
    let p = otrl_privkey_find(us, accountname, protocol);
    let p = p.as_ref()?;
    Some(Fingerprint::of_data(bytes(p.pubkey_data, p.pubkey_datalen)))
}

/// Writes the human form of an account's fingerprint into `fingerprint` and returns it,
/// or returns NULL when the account has no key.
///
/// # Safety
/// `us` valid; `fingerprint` 45 writable bytes; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_fingerprint(
    us: OtrlUserState,
    fingerprint: *mut c_char,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut c_char {
    match key_fingerprint(us, accountname, protocol) {
        Some(hash) if !fingerprint.is_null() => {
            otrl_privkey_hash_to_human(fingerprint, hash.0.as_ptr());
            fingerprint
        }
        _ => ptr::null_mut(),
    }
}

/// Writes the 20 bytes of an account's fingerprint into `hash` and returns it, or
/// returns NULL when the account has no key.
///
/// # Safety
/// `us` valid; `hash` 20 writable bytes; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_fingerprint_raw(
    us: OtrlUserState,
    hash: *mut c_uchar,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut c_uchar {
    match key_fingerprint(us, accountname, protocol) {
        Some(fp) if !hash.is_null() => {
            ptr::copy_nonoverlapping(fp.0.as_ptr(), hash, fp.0.len());
            hash
        }
        _ => ptr::null_mut(),
    }
}

// ---------------------------------------------------------------- reading

/// Reads the key file into the userstate, replacing its keys; a missing file gives
/// `gcry_error_from_errno(ENOENT)` and keeps them.
///
/// # Safety
/// `us` valid; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    with_file(filename, c"rb", |file| otrl_privkey_read_FILEp(us, file))
}

/// As `otrl_privkey_read`, from an open stream (NULL: nothing read, success).
///
/// Like libotr: all keys are forgotten first; the file's size comes from `fstat` and
/// exactly that many bytes must be readable from the stream (an empty file gives
/// `gcry_error_from_errno(errno)`, so success when `errno` is 0); each account is linked
/// at the head of the list, so the list is in reverse file order; an account libotr
/// would reject stops the reading with its error, keeping the accounts before it.
///
/// # Safety
/// `us` valid; `privf` NULL or an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read_FILEp(
    us: OtrlUserState,
    privf: *mut FILE,
) -> gcry_error_t {
    if privf.is_null() {
        return 0;
    }
    if us.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    otrl_privkey_forget_all(us);
    let contents = match read_file_contents(privf) {
        Ok(contents) => contents,
        Err(err) => return err,
    };
    let read = keyfile::parse_private_keys(&contents);
    for key in read.keys {
        if let Err(err) = push_key(us, key) {
            return err;
        }
    }
    match read.error {
        None => 0,
        Some(e) => e.gcry_error().unwrap_or_else(|| error_from_errno(errno())),
    }
}

/// The calling thread's `errno`.
fn errno() -> libc::c_int {
    // SAFETY: __errno_location always returns the thread's valid errno address.
    unsafe { *libc::__errno_location() }
}

/// libotr's way of loading the key file: `fstat` the stream's descriptor and `fread`
/// that many bytes; a failure of either (or of a read of 0 bytes) is
/// `gcry_error_from_errno(errno)`.
///
/// # Safety
/// `file` must be an open stream.
unsafe fn read_file_contents(file: *mut FILE) -> Result<Vec<u8>, gcry_error_t> {
    let mut st: libc::stat = std::mem::zeroed();
    if libc::fstat(libc::fileno(file), &mut st) != 0 {
        return Err(error_from_errno(errno()));
    }
    let size = usize::try_from(st.st_size).unwrap_or(0);
    let mut contents = Vec::new();
    if contents.try_reserve_exact(size).is_err() {
        return Err(otr_error(GPG_ERR_ENOMEM));
    }
    contents.resize(size, 0);
    let n = libc::fread(contents.as_mut_ptr().cast(), 1, size, file);
    if size == 0 || n != size {
        return Err(error_from_errno(errno()));
    }
    Ok(contents)
}

// ---------------------------------------------------------------- generation

/// The work of one key generation (the opaque `newkey` of the `generate_*` calls).
struct PendingKey {
    account_name: CString,
    protocol: CString,
    /// The new key, once `otrl_privkey_generate_calculate` made it.
    key: Option<PrivKey>,
}

/// The userstate's pending-generation entry for an account, or NULL.
///
/// # Safety
/// `us` must be a valid userstate.
unsafe fn pending_find(
    us: OtrlUserState,
    account: &[u8],
    protocol: &[u8],
) -> *mut OtrlPendingPrivKey {
    let mut p = (*us).pending_root;
    while !p.is_null() {
        if c_bytes((*p).accountname) == Some(account) && c_bytes((*p).protocol) == Some(protocol) {
            return p;
        }
        p = (*p).next;
    }
    p
}

/// Takes a pending-generation entry out of its list and frees it.
///
/// # Safety
/// `p` must be NULL or an entry of a userstate's pending list.
unsafe fn pending_forget(p: *mut OtrlPendingPrivKey) {
    if p.is_null() {
        return;
    }
    list_remove(p);
    libc::free((*p).accountname.cast());
    libc::free((*p).protocol.cast());
    drop(Box::from_raw(p));
}

/// Forgets every pending key generation of the userstate (the `newkey` handles stay
/// valid for `otrl_privkey_generate_cancelled`).
///
/// # Safety
/// `us` must be NULL or a valid userstate.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_pending_forget_all(us: OtrlUserState) {
    while !us.is_null() && !(*us).pending_root.is_null() {
        pending_forget((*us).pending_root);
    }
}

/// Starts a key generation for an account: marks it pending in the userstate and sets
/// `*newkeyp` to the handle for `_calculate` and `_finish`. A generation already
/// pending for the account gives `GPG_ERR_EEXIST` and a NULL handle.
///
/// # Safety
/// `us` valid; strings NUL-terminated; `newkeyp` writable.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_start(
    us: OtrlUserState,
    accountname: *const c_char,
    protocol: *const c_char,
    newkeyp: *mut *mut c_void,
) -> gcry_error_t {
    if !newkeyp.is_null() {
        *newkeyp = ptr::null_mut();
    }
    let (Some(account), Some(proto)) = (c_bytes(accountname), c_bytes(protocol)) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    if us.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    if !pending_find(us, account, proto).is_null() {
        return otr_error(GPG_ERR_EEXIST);
    }
    if newkeyp.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let entry = Box::into_raw(Box::new(OtrlPendingPrivKey {
        next: ptr::null_mut(),
        tous: ptr::null_mut(),
        accountname: malloc_c_string(account),
        protocol: malloc_c_string(proto),
    }));
    list_insert(ptr::addr_of_mut!((*us).pending_root), entry);
    let pending = PendingKey {
        account_name: CString::from(std::ffi::CStr::from_ptr(accountname)),
        protocol: CString::from(std::ffi::CStr::from_ptr(protocol)),
        key: None,
    };
    *newkeyp = Box::into_raw(Box::new(pending)).cast();
    live_newkeys().push(*newkeyp as usize);
    0
}

/// The `newkey` handles `otrl_privkey_generate_start` gave out that are not yet
/// finished or cancelled: a handle not among them (used up, or never ours) is
/// left alone instead of being freed again.
static LIVE_NEWKEYS: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());

fn live_newkeys() -> std::sync::MutexGuard<'static, Vec<usize>> {
    LIVE_NEWKEYS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The pending key behind `newkey`, if it is a live handle.
///
/// # Safety
/// A live `newkey` must not be used elsewhere while the reference lives.
unsafe fn live_newkey<'a>(newkey: *mut c_void) -> Option<&'a mut PendingKey> {
    let live = live_newkeys().contains(&(newkey as usize));
    live.then(|| &mut *newkey.cast::<PendingKey>())
}

/// Generates the key (the slow part). Touches nothing but `newkey`: it may run in
/// another thread, or in a `fork()`ed child, while the main thread goes on.
///
/// # Safety
/// `newkey` must come from `otrl_privkey_generate_start`, not finished or cancelled.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_calculate(newkey: *mut c_void) -> gcry_error_t {
    let Some(pending) = live_newkey(newkey) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    match PrivateKey::generate() {
        Ok(key) => {
            let public = key.public();
            let dsa = DsaKey {
                p: public.p().to_vec(),
                q: public.q().to_vec(),
                g: public.g().to_vec(),
                y: public.y().to_vec(),
                x: Some(key.x().to_vec()),
            };
            pending.key = Some(PrivKey::from_dsa(
                pending.account_name.as_bytes(),
                pending.protocol.as_bytes(),
                dsa,
            ));
            0
        }
        // Only the operating system's random number generator can fail.
        Err(_) => gcrypt_error(GPG_ERR_GENERAL),
    }
}

/// `fopen(filename, "w+b")` under `umask(077)`, as libotr opens the key file for
/// writing (a new file is readable by its owner only).
///
/// # Safety
/// `filename` must be NULL or NUL-terminated.
unsafe fn open_key_file(filename: *const c_char) -> Result<*mut FILE, gcry_error_t> {
    let old_mask = libc::umask(0o077);
    let file = open_file(filename, c"w+b");
    libc::umask(old_mask);
    file
}

/// Writes the new key with the userstate's other keys to the file, then reads the file
/// back into the userstate (see `otrl_privkey_generate_finish_FILEp`). When the file
/// cannot be opened, returns the error and leaves the generation pending.
///
/// # Safety
/// `us` valid; `newkey` from `otrl_privkey_generate_start`; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_finish(
    us: OtrlUserState,
    newkey: *mut c_void,
    filename: *const c_char,
) -> gcry_error_t {
    match open_key_file(filename) {
        Ok(file) => {
            let err = otrl_privkey_generate_finish_FILEp(us, newkey, file);
            libc::fclose(file);
            err
        }
        Err(err) => err,
    }
}

/// As libotr: writes `(privkeys`, every key of `privkey_root` in list order except the
/// account's old one, the new key (`()` if it was never calculated), `)`; seeks back to
/// the start and reads the stream with `otrl_privkey_read_FILEp`, which replaces the
/// userstate's keys (so every generation reverses the order of the other keys in the
/// file). Then frees `newkey` as `otrl_privkey_generate_cancelled` does, even on error.
///
/// # Safety
/// `us` valid; `newkey` from `otrl_privkey_generate_start`; `privf` NULL or a stream
/// open for reading and writing.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_finish_FILEp(
    us: OtrlUserState,
    newkey: *mut c_void,
    privf: *mut FILE,
) -> gcry_error_t {
    let mut err = otr_error(GPG_ERR_INV_VALUE);
    if let Some(pending) = live_newkey(newkey) {
        if !us.is_null() && !privf.is_null() {
            let account = pending.account_name.as_bytes();
            let protocol = pending.protocol.as_bytes();
            let mut accounts = Vec::new();
            let mut p = (*us).privkey_root;
            while let Some(r) = record(p) {
                let name = c_bytes(r.entry.accountname).unwrap_or_default();
                let proto = c_bytes(r.entry.protocol).unwrap_or_default();
                if (name, proto) != (account, protocol) {
                    accounts.push(AccountToWrite {
                        account_name: name,
                        protocol: proto,
                        private_key: Some(&r.private_key),
                    });
                }
                p = r.entry.next;
            }
            accounts.push(AccountToWrite {
                account_name: account,
                protocol,
                private_key: pending.key.as_ref().map(|k| &k.private_key),
            });
            write_stream(privf, &keyfile::write_accounts(accounts));
            libc::fseek(privf, 0, libc::SEEK_SET);
            err = otrl_privkey_read_FILEp(us, privf);
        }
    }
    otrl_privkey_generate_cancelled(us, newkey);
    err
}

/// Ends a key generation without using it: the account is no longer pending (when `us`
/// is not NULL) and `newkey` is freed. A `newkey` already finished or cancelled is
/// ignored (libotr frees it again).
///
/// # Safety
/// `us` NULL or valid; `newkey` from `otrl_privkey_generate_start`.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_cancelled(us: OtrlUserState, newkey: *mut c_void) {
    let mut live = live_newkeys();
    let Some(at) = live.iter().position(|&k| k == newkey as usize) else {
        return;
    };
    live.swap_remove(at);
    drop(live);
    let pending = Box::from_raw(newkey.cast::<PendingKey>());
    if !us.is_null() {
        pending_forget(pending_find(
            us,
            pending.account_name.as_bytes(),
            pending.protocol.as_bytes(),
        ));
    }
}

/// Generates a key for an account, writes it with the other keys to the file (created
/// mode 0600) and reloads the file into the userstate. The file is opened, and so
/// truncated, before anything else, even when a generation for the account is pending.
///
/// # Safety
/// `us` valid; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate(
    us: OtrlUserState,
    filename: *const c_char,
    accountname: *const c_char,
    protocol: *const c_char,
) -> gcry_error_t {
    match open_key_file(filename) {
        Ok(file) => {
            let err = otrl_privkey_generate_FILEp(us, file, accountname, protocol);
            libc::fclose(file);
            err
        }
        Err(err) => err,
    }
}

/// `otrl_privkey_generate_start`, `_calculate` and `_finish_FILEp` in a row (the
/// calculation's error is not reported: its key is then written as `()`).
///
/// # Safety
/// `us` valid; `privf` a stream open for reading and writing; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_generate_FILEp(
    us: OtrlUserState,
    privf: *mut FILE,
    accountname: *const c_char,
    protocol: *const c_char,
) -> gcry_error_t {
    let mut newkey = ptr::null_mut();
    let err = otrl_privkey_generate_start(us, accountname, protocol, &mut newkey);
    if newkey.is_null() {
        return err;
    }
    otrl_privkey_generate_calculate(newkey);
    otrl_privkey_generate_finish_FILEp(us, newkey, privf)
}

// ---------------------------------------------------------------- fingerprint store

/// Reads the fingerprint store into master contexts (added as needed, with
/// `add_app_data`), setting each fingerprint's trust.
///
/// # Safety
/// `us` valid; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read_fingerprints(
    us: OtrlUserState,
    filename: *const c_char,
    add_app_data: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> gcry_error_t {
    with_file(filename, c"rb", |file| {
        otrl_privkey_read_fingerprints_FILEp(us, file, add_app_data, data)
    })
}

/// As `otrl_privkey_read_fingerprints`, from an open stream (NULL: success).
///
/// # Safety
/// `us` valid; `storef` NULL or an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_read_fingerprints_FILEp(
    us: OtrlUserState,
    storef: *mut FILE,
    add_app_data: Option<unsafe extern "C" fn(data: *mut c_void, context: *mut ConnContext)>,
    data: *mut c_void,
) -> gcry_error_t {
    if storef.is_null() || us.is_null() {
        return 0;
    }
    for entry in fingerprints::parse_fingerprints(&read_stream(storef)) {
        let names = [&entry.username, &entry.account_name, &entry.protocol].map(|n| c_string(n));
        let context = otrl_context_find(
            us,
            names[0].as_ptr(),
            names[1].as_ptr(),
            names[2].as_ptr(),
            OTRL_INSTAG_MASTER,
            1,
            ptr::null_mut(),
            add_app_data,
            data,
        );
        let mut hash = entry.fingerprint;
        let fprint = otrl_context_find_fingerprint(context, hash.as_mut_ptr(), 1, ptr::null_mut());
        let trust = entry.trust.as_deref().map(c_string);
        otrl_context_set_trust(fprint, trust.as_ref().map_or(ptr::null(), |t| t.as_ptr()));
    }
    0
}

/// Writes every master context's fingerprints with their trust.
///
/// # Safety
/// `us` valid; `filename` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_write_fingerprints(
    us: OtrlUserState,
    filename: *const c_char,
) -> gcry_error_t {
    with_file(filename, c"wb", |file| {
        otrl_privkey_write_fingerprints_FILEp(us, file)
    })
}

/// As `otrl_privkey_write_fingerprints`, to an open stream (NULL: success).
///
/// # Safety
/// `us` valid; `storef` NULL or an open stream.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_write_fingerprints_FILEp(
    us: OtrlUserState,
    storef: *mut FILE,
) -> gcry_error_t {
    if storef.is_null() || us.is_null() {
        return 0;
    }
    let mut entries = Vec::new();
    let mut context = (*us).context_root;
    while !context.is_null() {
        let c = &*context;
        if c.their_instance == OTRL_INSTAG_MASTER {
            let name = |s: *mut c_char| c_bytes(s).unwrap_or_default().to_vec();
            let mut f = c.fingerprint_root.next;
            while !f.is_null() {
                entries.push(fingerprints::FingerprintEntry {
                    username: name(c.username),
                    account_name: name(c.accountname),
                    protocol: name(c.protocol),
                    fingerprint: bytes((*f).fingerprint, 20).try_into().unwrap_or_default(),
                    trust: c_bytes((*f).trust).map(<[u8]>::to_vec),
                });
                f = (*f).next;
            }
        }
        context = c.next;
    }
    write_stream(storef, &fingerprints::write_fingerprints(&entries));
    0
}

// ---------------------------------------------------------------- finding and forgetting keys

/// The key of an account in the userstate's list (the first match), or NULL.
///
/// # Safety
/// `us` NULL or valid; the strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_find(
    us: OtrlUserState,
    accountname: *const c_char,
    protocol: *const c_char,
) -> *mut OtrlPrivKey {
    let (Some(account), Some(proto)) = (c_bytes(accountname), c_bytes(protocol)) else {
        return ptr::null_mut();
    };
    let mut p = if us.is_null() {
        ptr::null_mut()
    } else {
        (*us).privkey_root
    };
    while !p.is_null() {
        if c_bytes((*p).accountname) == Some(account) && c_bytes((*p).protocol) == Some(proto) {
            return p;
        }
        p = (*p).next;
    }
    p
}

/// Takes a key out of its list and frees it (the secret is zeroized).
///
/// # Safety
/// `privkey` must be NULL or in a userstate's list.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_forget(privkey: *mut OtrlPrivKey) {
    if privkey.is_null() {
        return;
    }
    list_remove(privkey);
    libc::free((*privkey).accountname.cast());
    libc::free((*privkey).protocol.cast());
    libc::free((*privkey).pubkey_data.cast());
    drop(Box::from_raw(privkey.cast::<KeyRecord>()));
}

/// Forgets every key of the userstate.
///
/// # Safety
/// `us` must be NULL or a valid userstate.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_forget_all(us: OtrlUserState) {
    while !us.is_null() && !(*us).privkey_root.is_null() {
        otrl_privkey_forget((*us).privkey_root);
    }
}

// ---------------------------------------------------------------- signatures

/// Signs `data` (read as a big-endian integer, reduced modulo q) with a key of the
/// userstate: `*sigp` gets a `malloc`ed r || s of `*siglenp` = 40 bytes.
///
/// A key that cannot sign (no `x`, numbers our DSA code rejects) gives
/// `GPG_ERR_UNUSABLE_SECKEY` and leaves `*sigp` alone, where libotr crashes.
///
/// # Safety
/// `sigp`, `siglenp` writable; `privkey` from a userstate's list; `data` `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_sign(
    sigp: *mut *mut c_uchar,
    siglenp: *mut size_t,
    privkey: *mut OtrlPrivKey,
    data: *const c_uchar,
    len: size_t,
) -> gcry_error_t {
    if sigp.is_null() || siglenp.is_null() || privkey.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    if (*privkey).pubkey_type != OTRL_PUBKEY_TYPE_DSA {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let signature = private_key(privkey).map(|key| key.sign(bytes(data, len)));
    let Some(Ok(signature)) = signature else {
        return otr_error(GPG_ERR_UNUSABLE_SECKEY);
    };
    let sig = signature.to_bytes();
    let buf = malloc_copy(&sig);
    if buf.is_null() {
        return otr_error(GPG_ERR_ENOMEM);
    }
    *sigp = buf;
    *siglenp = sig.len();
    0
}

/// Verifies a 40-byte r || s signature of `data` against `pubs`, which must be the
/// `privkey` of a key this library loaded (our stand-in for libgcrypt's key
/// S-expression). A wrong signature gives
/// libgcrypt's `GPG_ERR_BAD_SIGNATURE` (`0x01000008`); another type or length
/// `GPG_ERR_INV_VALUE`; a NULL or foreign `pubs` libgcrypt's `GPG_ERR_INV_OBJ`.
///
/// # Safety
/// `sigbuf` `siglen` bytes; `pubs` NULL or a `privkey` of a live key; `data` `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_privkey_verify(
    sigbuf: *const c_uchar,
    siglen: size_t,
    pubkey_type: c_ushort,
    pubs: gcry_sexp_t,
    data: *const c_uchar,
    len: size_t,
) -> gcry_error_t {
    if pubkey_type != OTRL_PUBKEY_TYPE_DSA || siglen != 40 || sigbuf.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    let public = match sexp_public_key(pubs) {
        Ok(public) => public,
        Err(err) => return err,
    };
    let good = match (public, Signature::from_bytes(bytes(sigbuf, siglen))) {
        (Some(public), Ok(signature)) => public.verify(bytes(data, len), &signature),
        _ => false,
    };
    if good {
        0
    } else {
        gcrypt_error(GPG_ERR_BAD_SIGNATURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::userstate::{otrl_userstate_create, otrl_userstate_free};

    fn read_file(us: OtrlUserState, path: &str) -> gcry_error_t {
        let path = CString::new(path).unwrap();
        // SAFETY: a valid userstate and a NUL-terminated path.
        unsafe { otrl_privkey_read(us, path.as_ptr()) }
    }

    /// The contract the message layer relies on: `private_key` gives each list entry's
    /// key, whose fingerprint is the entry's, and whose signatures verify against the
    /// entry's `privkey`.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads a key file through C's fopen, which Miri cannot call"
    )]
    fn private_key_of_list_entries() {
        let sample = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/files_data/sample.private_key"
        );
        let us = otrl_userstate_create();
        assert_eq!(read_file(us, sample), 0);
        // SAFETY: entries of a live userstate, read while it lives.
        unsafe {
            assert!(private_key(ptr::null()).is_none());
            let mut p = (*us).privkey_root;
            let mut n = 0;
            while !p.is_null() {
                let key = private_key(p).expect("the sample's keys can sign");
                let data = bytes((*p).pubkey_data, (*p).pubkey_datalen);
                assert_eq!(key.public().fingerprint(), Fingerprint::of_data(data));
                let sig = key.sign(&[7; 32]).unwrap().to_bytes();
                let check = |data: &[u8]| {
                    otrl_privkey_verify(
                        sig.as_ptr(),
                        sig.len(),
                        OTRL_PUBKEY_TYPE_DSA,
                        (*p).privkey,
                        data.as_ptr(),
                        data.len(),
                    )
                };
                assert_eq!(check(&[7; 32]), 0);
                assert_eq!(check(&[8; 32]), 0x0100_0008);
                n += 1;
                p = (*p).next;
            }
            assert_eq!(n, 2);
            otrl_userstate_free(us);
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads a key file through C's fopen, which Miri cannot call"
    )]
    fn key_without_x_cannot_sign() {
        let dir = std::env::temp_dir().join(format!("otr-privkey-unit-{}", std::process::id()));
        std::fs::write(
            &dir,
            "(privkeys (account (name a) (protocol b) (private-key (dsa (p #00B98132#) (q #05#) (g #02#) (y #03#)))))",
        )
        .unwrap();
        let us = otrl_userstate_create();
        assert_eq!(read_file(us, dir.to_str().unwrap()), 0);
        let _ = std::fs::remove_file(&dir);
        // SAFETY: the entry of a live userstate.
        unsafe {
            let p = (*us).privkey_root;
            assert!(!p.is_null() && (*p).next.is_null());
            assert!(private_key(p).is_none());
            let (mut sig, mut len) = (ptr::null_mut(), 0);
            let err = otrl_privkey_sign(&mut sig, &mut len, p, [1u8].as_ptr(), 1);
            assert_eq!(err, otr_error(GPG_ERR_UNUSABLE_SECKEY));
            assert!(sig.is_null());
            let foreign = [3u8; 16];
            let verify = otrl_privkey_verify(
                [1u8; 40].as_ptr(),
                40,
                OTRL_PUBKEY_TYPE_DSA,
                foreign.as_ptr() as gcry_sexp_t,
                ptr::null(),
                0,
            );
            assert_eq!(verify, 0x0100_0041, "a libgcrypt S-expression is refused");
            otrl_userstate_free(us);
        }
    }
}
