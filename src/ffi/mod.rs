//! The C ABI of libotr 4.1.1: one module per installed header, each holding that
//! header's `#[repr(C)]` types, constants and `extern "C"` functions. `build.rs` turns
//! each module into its header with cbindgen. This tree alone touches raw pointers.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

mod gcrypt;

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
