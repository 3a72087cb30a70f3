//! otr-rs: Off-the-Record Messaging (protocol versions 2 and 3) in Rust, with a C ABI
//! identical to libotr 4.1.1.
//!
//! The crate has two halves:
//! - a safe, sans-I/O protocol core ([`wire`], [`crypto`], [`smp`], …) that reads like the
//!   specification and knows nothing of C;
//! - the `ffi` module tree, the only place with `unsafe`, raw pointers and `#[repr(C)]`
//!   types, one module per libotr header.
#![deny(unsafe_code)]

pub mod ake;
pub mod crypto;
pub mod files;
pub mod session;
pub mod smp;
pub mod wire;

#[allow(unsafe_code)]
pub mod ffi;
