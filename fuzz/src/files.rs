//! Targets for the files libotr keeps: the private key file (libgcrypt S-expressions),
//! the fingerprint store and the instance tag file. Each is read by the core, written
//! back and read again (the same entries), and read into a userstate through the C API
//! from a stream, then written out through it (no leak, no crash).

use crate::{memfile, userstate, UserState};
use otr::ffi::{instag, privkey};
use otr::files::fingerprints::{parse_fingerprints, write_fingerprints};
use otr::files::instag::{parse_instags, write_instags};
use otr::files::privkey::{parse_private_keys, write_private_keys};
use otr::files::sexp::Sexp;
use std::ptr;

/// The private key file: S-expressions print back to what they parse from; the keys
/// read are written back to a file that reads to the same keys (unless an atom holds a
/// NUL byte, see below); the C reader takes the file from a stream.
pub fn privkey_file(data: &[u8]) {
    if let Ok(Some(sexp)) = Sexp::parse(data) {
        let printed = sexp.to_advanced();
        assert_eq!(Sexp::parse(&printed).ok(), Some(Some(sexp)));
    }
    let read = parse_private_keys(data);
    // libgcrypt prints an atom holding a NUL byte as a bare token, NUL included, and
    // libotr writes what it printed with fprintf("%s"): the file is cut there (ours
    // does the same). Only keys free of that make the round trip.
    let printable = read
        .keys
        .iter()
        .all(|k| !k.private_key.to_advanced().contains(&0));
    if !read.keys.is_empty() && printable {
        let written = write_private_keys(&read.keys);
        let again = parse_private_keys(&written);
        assert_eq!((again.keys, again.error), (read.keys, None));
    }
    let us = userstate();
    // SAFETY: a fresh userstate and a readable stream.
    unsafe {
        let file = memfile(data);
        privkey::otrl_privkey_read_FILEp(us.0, file);
        libc::fclose(file);
    }
    drop::<UserState>(us);
}

/// The fingerprint store: the entries read are written back to a store that reads to
/// the same entries (a missing trust is written as an empty one); the C API reads the
/// store into contexts and writes it out.
pub fn fingerprint_file(data: &[u8]) {
    let entries = parse_fingerprints(data);
    let written = write_fingerprints(&entries);
    let again = parse_fingerprints(&written);
    assert_eq!(again.len(), entries.len());
    for (a, b) in again.iter().zip(&entries) {
        assert_eq!(
            (&a.username, &a.account_name, &a.protocol, a.fingerprint),
            (&b.username, &b.account_name, &b.protocol, b.fingerprint)
        );
        assert_eq!(
            a.trust.as_deref().unwrap_or_default(),
            b.trust.as_deref().unwrap_or_default()
        );
    }
    let us = userstate();
    // SAFETY: a fresh userstate and streams we own.
    unsafe {
        let file = memfile(data);
        privkey::otrl_privkey_read_fingerprints_FILEp(us.0, file, None, ptr::null_mut());
        libc::fclose(file);
        let out = memfile(b"");
        privkey::otrl_privkey_write_fingerprints_FILEp(us.0, out);
        libc::fclose(out);
    }
}

/// The instance tag file: read, written, read again to the same entries; the C API
/// reads it into a userstate and writes it out.
pub fn instag_file(data: &[u8]) {
    let entries = parse_instags(data);
    let again = parse_instags(&write_instags(&entries));
    assert_eq!(again, entries);
    let us = userstate();
    // SAFETY: a fresh userstate and streams we own.
    unsafe {
        let file = memfile(data);
        instag::otrl_instag_read_FILEp(us.0, file);
        libc::fclose(file);
        let out = memfile(b"");
        instag::otrl_instag_write_FILEp(us.0, out);
        libc::fclose(out);
    }
}
