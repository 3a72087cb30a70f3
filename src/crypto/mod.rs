//! Cryptographic primitives used by OTR versions 2 and 3.
//!
//! Everything here follows the OTR protocol specification, version 3
//! (`Protocol-v3.html`), and mirrors what libotr 4.1.1 computes:
//!
//! - [`dh`]: the 1536-bit Diffie-Hellman group, key pairs, shared secrets and the
//!   data-message session keys ("Computing AES keys, MAC keys, and the secure
//!   session id", second half; "Extra symmetric key").
//! - [`ake_keys`]: the seven values derived from the AKE's shared secret: ssid,
//!   c, c', m1, m2, m1', m2' ("Computing AES keys, MAC keys, and the secure
//!   session id", first half).
//! - [`symmetric`]: AES-128 in counter mode with OTR's counter layout,
//!   HMAC-SHA256 (full and truncated to 160 bits), HMAC-SHA1 and constant-time
//!   MAC comparison.
//! - [`dsa`]: long-term DSA keys, signatures and fingerprints ("Public keys,
//!   signatures, and fingerprints").
//!
//! Secrets (private exponents, session keys, DSA `x`) are zeroized on drop and
//! never printed by `Debug`. Exponentiations with secret exponents run in
//! constant time (Montgomery form, fixed-size integers from `crypto-bigint`).
//! Randomness comes from the operating system. [`ct`] holds the marks that
//! `make check-ct` uses to find secret-dependent branches and memory addresses.

pub mod ake_keys;
pub mod ct;
pub mod dh;
pub mod dsa;
mod fingerprint;
pub(crate) mod monty;
pub(crate) mod mpi;
pub(crate) mod random;
pub mod symmetric;

pub use fingerprint::{fingerprint, fingerprint_data, Fingerprint};

/// Fuzzing builds only: restarts the deterministic stream that stands in for the
/// operating system's randomness (see `random`).
#[cfg(fuzzing)]
pub use random::deterministic::reseed as reseed_fuzzing_rng;

use core::fmt;

/// Why a cryptographic operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A Diffie-Hellman public value is outside `2 ..= p-2`.
    PublicKeyOutOfRange,
    /// A private exponent or other secret has the wrong size.
    InvalidSecret,
    /// DSA key components are malformed or of an unsupported size.
    InvalidDsaKey,
    /// A signature is not 40 bytes (r || s, 20 bytes each).
    MalformedSignature,
    /// The operating system's random number generator failed.
    Random,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::PublicKeyOutOfRange => "Diffie-Hellman public key out of range",
            Error::InvalidSecret => "secret value of the wrong size",
            Error::InvalidDsaKey => "malformed or unsupported DSA key",
            Error::MalformedSignature => "DSA signature is not 40 bytes",
            Error::Random => "the operating system's random number generator failed",
        })
    }
}

impl std::error::Error for Error {}
