//! Cryptographic primitives used by OTR versions 2 and 3.
