//! Fuzz targets for otr-rs, as plain functions of the input bytes.
//!
//! Each `fuzz_targets/<name>.rs` hands libFuzzer's input to the function of the same
//! name in [`TARGETS`]; `tests/replay.rs` runs the same functions over the checked-in
//! corpora and regression inputs on the stable toolchain (`make fuzz-replay`, part of
//! `make check`). Built with `--cfg fuzzing` (as cargo fuzz and the replay do), the
//! library draws its random numbers from a deterministic generator that the targets
//! reseed before each input, so every input replays exactly.

#![allow(clippy::missing_safety_doc)]

pub mod ake;
pub mod capi;
pub mod conversation;
pub mod files;
pub mod receiving;
pub mod smp;
pub mod wire;

use otr::ffi::userstate::{otrl_userstate_create, otrl_userstate_free, OtrlUserState};
use std::ffi::CString;

/// A fuzz target: a function of libFuzzer's input.
pub type Target = fn(&[u8]);

/// Every target: its name (the name of its corpus directory) and its function.
pub const TARGETS: &[(&str, Target)] = &[
    ("base64", wire::base64),
    ("classify", wire::classify),
    ("query", wire::query),
    ("tlv", wire::tlv),
    ("fragment", wire::fragment),
    ("parse", wire::parse),
    ("ake_commit", ake::commit),
    ("ake_key", ake::key),
    ("ake_reveal_signature", ake::reveal_signature),
    ("ake_signature", ake::signature),
    ("data_message", ake::data_message),
    ("smp1", smp::smp1),
    ("smp2", smp::smp2),
    ("smp3", smp::smp3),
    ("smp4", smp::smp4),
    ("privkey_file", files::privkey_file),
    ("fingerprint_file", files::fingerprint_file),
    ("instag_file", files::instag_file),
    ("receiving", receiving::receiving),
    ("conversation", conversation::conversation),
];

/// The bytes up to the first NUL: what C sees of a string.
pub fn until_nul(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

/// The C string a client would pass for `bytes` (cut at the first NUL).
pub fn c_string(bytes: &[u8]) -> CString {
    CString::new(until_nul(bytes)).expect("no NUL before the end")
}

/// A userstate freed when dropped.
pub struct UserState(pub OtrlUserState);

/// A new, empty userstate.
pub fn userstate() -> UserState {
    UserState(otrl_userstate_create())
}

impl Drop for UserState {
    fn drop(&mut self) {
        // SAFETY: created by otrl_userstate_create, freed once.
        unsafe { otrl_userstate_free(self.0) }
    }
}

/// A read-write stream holding `data`, positioned at its start, backed by a real file
/// descriptor (libotr's readers `fstat` it), in memory. Close it with `fclose`.
pub fn memfile(data: &[u8]) -> *mut libc::FILE {
    // SAFETY: plain system calls on a descriptor we own until fdopen takes it.
    unsafe {
        let fd = libc::memfd_create(c"otr-fuzz".as_ptr(), 0);
        assert!(fd >= 0, "memfd_create failed");
        let mut rest = data;
        while !rest.is_empty() {
            let n = libc::write(fd, rest.as_ptr().cast(), rest.len());
            assert!(n > 0, "write to memfd failed");
            rest = &rest[n as usize..];
        }
        libc::lseek(fd, 0, libc::SEEK_SET);
        let file = libc::fdopen(fd, c"r+".as_ptr());
        assert!(!file.is_null(), "fdopen failed");
        file
    }
}

/// The test key file: `alice@example.org`/`prpl-jabber` and `alice`/`IRC`.
pub const SAMPLE_KEYS: &[u8] = include_bytes!("../../tests/files_data/sample.private_key");
/// Instance tags for both of those accounts.
pub const SAMPLE_INSTAGS: &[u8] = include_bytes!("../../tests/files_data/sample.instag");

/// Restarts the library's deterministic random numbers (fuzzing builds only; the
/// replay harness builds with `--cfg fuzzing` too).
pub fn reseed(seed: u64) {
    #[cfg(fuzzing)]
    otr::crypto::reseed_fuzzing_rng(seed);
    #[cfg(not(fuzzing))]
    let _ = seed;
}
