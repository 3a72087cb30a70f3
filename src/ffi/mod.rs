//! The C ABI of libotr 4.1.1: one module per installed header, each holding that
//! header's `#[repr(C)]` types, constants and `extern "C"` functions. `build.rs` turns
//! each module into its header with cbindgen. This tree alone touches raw pointers.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

/// Implements [`ListNode`] for a `#[repr(C)]` type with `next` and `tous` fields.
macro_rules! list_node {
    ($t:ty) => {
        impl $crate::ffi::ListNode for $t {
            unsafe fn links(node: *mut Self) -> (*mut *mut Self, *mut *mut *mut Self) {
                (
                    std::ptr::addr_of_mut!((*node).next),
                    std::ptr::addr_of_mut!((*node).tous),
                )
            }
        }
    };
}

mod app_ops;
mod gcrypt;
mod opaque;

pub mod auth;
pub mod b64;
pub mod context;
pub mod context_priv;
pub mod dh;
pub mod instag;
pub mod mem;
pub mod message;
pub mod privkey;
pub mod privkey_t;
pub mod proto;
pub mod sm;
pub mod tlv;
pub mod userstate;
pub mod version;

use libc::c_char;

/// A node of one of libotr's intrusive lists (contexts, fingerprints, instance tags,
/// keys): `next`, and `tous`, the address of the pointer that points at the node, so a
/// node can unlink itself.
trait ListNode: Sized {
    /// The addresses of the node's `next` and `tous` fields.
    ///
    /// # Safety
    /// `node` must point to a valid node.
    unsafe fn links(node: *mut Self) -> (*mut *mut Self, *mut *mut *mut Self);
}

/// Puts `node` where `*slot` points, in front of the node that was there.
///
/// # Safety
/// `slot` must be a list head or a node's `next`; `node` a valid node not in a list.
unsafe fn list_insert<T: ListNode>(slot: *mut *mut T, node: *mut T) {
    let (next, tous) = T::links(node);
    *next = *slot;
    if !(*next).is_null() {
        *T::links(*next).1 = next;
    }
    *slot = node;
    *tous = slot;
}

/// Takes `node` out of its list.
///
/// # Safety
/// `node` must be a valid node in a list.
unsafe fn list_remove<T: ListNode>(node: *mut T) {
    let (next, tous) = T::links(node);
    **tous = *next;
    if !(*next).is_null() {
        *T::links(*next).1 = *tous;
    }
}

/// The `len` bytes at `ptr` as a slice; empty when `ptr` is NULL or `len` is 0.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that outlive the slice.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, len)
    }
}

/// The bytes of a NUL-terminated C string (without the NUL), or `None` for NULL.
///
/// # Safety
/// A non-NULL `s` must point to a NUL-terminated string that outlives the slice.
unsafe fn c_bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    (!s.is_null()).then(|| std::ffi::CStr::from_ptr(s).to_bytes())
}

/// Writes `value` where `out` points, unless `out` is NULL (an out-parameter the
/// caller does not want).
///
/// # Safety
/// `out` must be NULL or writable.
unsafe fn store<T>(out: *mut T, value: T) {
    if !out.is_null() {
        *out = value;
    }
}

/// A `malloc`ed copy of `bytes`, so that C may `free()` it; NULL if `malloc` fails.
/// One zero byte is appended, so a copy of text is also a C string.
fn malloc_copy(bytes: &[u8]) -> *mut u8 {
    // SAFETY: we allocate len + 1 bytes and write exactly that many.
    unsafe {
        let p = libc::malloc(bytes.len() + 1).cast::<u8>();
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
        p
    }
}

/// `bytes` up to their first NUL, as a C string sees them.
fn c_string(bytes: &[u8]) -> std::ffi::CString {
    std::ffi::CString::new(crate::wire::base64::c_str(bytes)).unwrap_or_default()
}

/// A `malloc`ed NUL-terminated copy of `text`, as libotr hands strings to clients.
fn malloc_c_string(text: &[u8]) -> *mut c_char {
    malloc_copy(text).cast()
}

/// `fopen(filename, mode)`, or libotr's error for the failure:
/// `gcry_error_from_errno(errno)` (e.g. `0x01008051` for a missing file, which
/// bitlbee and others compare against); NULL fails as glibc's `fopen(NULL)` does,
/// with `EFAULT`.
///
/// # Safety
/// `filename` must be NULL or NUL-terminated.
unsafe fn open_file(
    filename: *const c_char,
    mode: &std::ffi::CStr,
) -> Result<*mut libc::FILE, gcrypt::gcry_error_t> {
    if filename.is_null() {
        return Err(gcrypt::error_from_errno(libc::EFAULT));
    }
    let file = libc::fopen(filename, mode.as_ptr());
    if file.is_null() {
        let errno = *libc::__errno_location();
        return Err(gcrypt::error_from_errno(errno));
    }
    Ok(file)
}

/// Everything left in a C stream, read as libotr's `fgets` loops would see it.
///
/// # Safety
/// `file` must be an open, readable stream.
unsafe fn read_stream(file: *mut libc::FILE) -> Vec<u8> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = libc::fread(chunk.as_mut_ptr().cast(), 1, chunk.len(), file);
        data.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if n < chunk.len() {
            return data;
        }
    }
}

/// Writes `data` to a C stream (libotr's writers ignore short writes, and so do we).
///
/// # Safety
/// `file` must be an open, writable stream.
unsafe fn write_stream(file: *mut libc::FILE, data: &[u8]) {
    libc::fwrite(data.as_ptr().cast(), 1, data.len(), file);
}

/// Opens `filename`, runs `body` on the stream and closes it, as libotr's filename
/// variants wrap their `_FILEp` twins.
///
/// # Safety
/// `filename` must be NULL or NUL-terminated; `body` must not close the stream.
unsafe fn with_file(
    filename: *const c_char,
    mode: &std::ffi::CStr,
    body: impl FnOnce(*mut libc::FILE) -> gcrypt::gcry_error_t,
) -> gcrypt::gcry_error_t {
    match open_file(filename, mode) {
        Ok(file) => {
            let err = body(file);
            libc::fclose(file);
            err
        }
        Err(err) => err,
    }
}

/// The pointer helpers, also run under Miri (`make miri`).
#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    /// A node of a test list, laid out as libotr's.
    #[repr(C)]
    struct Node {
        value: u32,
        next: *mut Node,
        tous: *mut *mut Node,
    }

    list_node!(Node);

    fn node(value: u32) -> *mut Node {
        Box::into_raw(Box::new(Node {
            value,
            next: ptr::null_mut(),
            tous: ptr::null_mut(),
        }))
    }

    /// The values from `head` on, checking that each node's `tous` points at the
    /// pointer that points at it.
    ///
    /// # Safety
    /// `head` must be a valid list head.
    unsafe fn values(head: *mut *mut Node) -> Vec<u32> {
        let mut out = Vec::new();
        let mut slot = head;
        while !(*slot).is_null() {
            let n = *slot;
            assert_eq!((*n).tous, slot);
            out.push((*n).value);
            slot = ptr::addr_of_mut!((*n).next);
        }
        out
    }

    #[test]
    fn list_insert_and_remove_keep_the_links() {
        // The head lives on the heap and is reached only by pointer, as in C.
        let head: *mut *mut Node = Box::into_raw(Box::new(ptr::null_mut()));
        let (a, b, c) = (node(1), node(2), node(3));
        // SAFETY: the nodes are valid and in at most one list at a time.
        unsafe {
            list_insert(head, a);
            list_insert(head, b);
            list_insert(ptr::addr_of_mut!((*b).next), c);
            assert_eq!(values(head), [2, 3, 1]);
            list_remove(c);
            assert_eq!(values(head), [2, 1]);
            list_remove(b);
            assert_eq!(values(head), [1]);
            list_remove(a);
            assert!((*head).is_null());
            for n in [a, b, c] {
                drop(Box::from_raw(n));
            }
            drop(Box::from_raw(head));
        }
    }

    #[test]
    fn malloc_copies_are_c_strings() {
        // SAFETY: the copies are malloc'ed here and freed once.
        unsafe {
            for text in [&b"otr"[..], b""] {
                let copy = malloc_c_string(text);
                assert_eq!(c_bytes(copy), Some(text));
                libc::free(copy.cast());
            }
            assert_eq!(c_bytes(ptr::null()), None);
            assert_eq!(bytes(ptr::null(), 5), b"");
            let mut out = 0u32;
            store(&mut out, 7);
            store(ptr::null_mut::<u32>(), 8);
            assert_eq!(out, 7);
        }
        assert_eq!(c_string(b"ab\0cd").as_bytes(), b"ab");
    }
}
