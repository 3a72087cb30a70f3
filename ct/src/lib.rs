//! Constant-time checks of otr-rs (SECURITY.md, "Constant time"): `ctgrind` runs the
//! secret paths under valgrind's memcheck with the secrets marked undefined; `dudect`
//! times two classes of secret inputs and compares them with Welch's t-test.
//!
//! Both need the library built with `--cfg otr_ct_validation` (its `crypto::ct`
//! hooks); `make check-ct` and `make dudect` build them so, in a target folder of
//! their own.

#[cfg(not(otr_ct_validation))]
compile_error!("build with RUSTFLAGS=\"--cfg otr_ct_validation\" (make check-ct, make dudect)");

pub mod valgrind;
pub mod welch;
