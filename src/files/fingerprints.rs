//! The fingerprint store (`otrl_privkey_read_fingerprints` /
//! `otrl_privkey_write_fingerprints`).
//!
//! One line per known fingerprint of a buddy:
//!
//! ```text
//! username TAB accountname TAB protocol TAB 40 hex digits TAB trust LF
//! ```
//!
//! The reader goes through the file with `fgets` and a 1000-byte buffer. It splits a
//! line at its first three tabs; the hex field ends at the next tab or at the end of the
//! line (the first `\r`, else the first `\n`), and the trust is everything after that tab
//! up to the end of the line (tabs included). A line without a fourth tab has no trust
//! (C `NULL`), an empty fifth field an empty one. Lines with fewer than three tabs,
//! without an end of line (also a last line lacking its newline) or with a hex field not
//! 40 characters long are skipped; a non-hex digit counts as 0. Lines longer than 999
//! bytes are cut in pieces by `fgets`, and each piece is a line of its own.

use super::{before_line_end, c_str, fgets_lines, split_at_byte};

/// One line of the fingerprint store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FingerprintEntry {
    /// The buddy's name (`ConnContext.username`).
    pub username: Vec<u8>,
    /// Our account (`ConnContext.accountname`).
    pub account_name: Vec<u8>,
    /// The protocol (`ConnContext.protocol`).
    pub protocol: Vec<u8>,
    /// The SHA-1 fingerprint of the buddy's DSA key.
    pub fingerprint: [u8; 20],
    /// `Fingerprint.trust`: `None` when the line had no fifth field.
    pub trust: Option<Vec<u8>>,
}

/// Reads a fingerprint store as `otrl_privkey_read_fingerprints_FILEp` does: the usable
/// lines in file order. Never fails.
///
/// libotr applies each entry in turn: it finds or adds the master context
/// (username, account, protocol), adds the fingerprint **at the head** of the context's
/// list if it is new, and sets its trust, so for a repeated fingerprint the last line's
/// trust wins. Nothing already loaded is forgotten first.
pub fn parse_fingerprints(file: &[u8]) -> Vec<FingerprintEntry> {
    fgets_lines(file).filter_map(parse_line).collect()
}

fn parse_line(line: &[u8]) -> Option<FingerprintEntry> {
    let (username, rest) = split_at_byte(line, b'\t')?;
    let (account_name, rest) = split_at_byte(rest, b'\t')?;
    let (protocol, rest) = split_at_byte(rest, b'\t')?;
    let (hex, trust) = match split_at_byte(rest, b'\t') {
        None => (before_line_end(rest)?, None),
        Some((hex, trust)) => (hex, Some(before_line_end(trust)?.to_vec())),
    };
    Some(FingerprintEntry {
        username: username.to_vec(),
        account_name: account_name.to_vec(),
        protocol: protocol.to_vec(),
        fingerprint: parse_hex_fingerprint(hex)?,
        trust,
    })
}

/// libotr's hex decoding: exactly 40 characters; anything but a hex digit counts as 0.
fn parse_hex_fingerprint(hex: &[u8]) -> Option<[u8; 20]> {
    if hex.len() != 40 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    };
    let mut fingerprint = [0u8; 20];
    for (byte, pair) in fingerprint.iter_mut().zip(hex.chunks(2)) {
        *byte = pair.iter().fold(0, |acc, &c| (acc << 4) | nibble(c));
    }
    Some(fingerprint)
}

/// Writes a fingerprint store as `otrl_privkey_write_fingerprints_FILEp` does, one line
/// per entry in the given order (libotr: master contexts in `context_root` order, each
/// context's fingerprints in list order). Names are written as C strings (up to a NUL);
/// a missing trust is written as an empty field.
pub fn write_fingerprints<'a, I>(entries: I) -> Vec<u8>
where
    I: IntoIterator<Item = &'a FingerprintEntry>,
{
    let mut out = Vec::new();
    for entry in entries {
        for field in [&entry.username, &entry.account_name, &entry.protocol] {
            out.extend_from_slice(c_str(field));
            out.push(b'\t');
        }
        for byte in entry.fingerprint {
            out.extend_from_slice(format!("{byte:02x}").as_bytes());
        }
        out.push(b'\t');
        out.extend_from_slice(c_str(entry.trust.as_deref().unwrap_or_default()));
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../tests/files_data/sample.fingerprints");

    #[test]
    fn sample_round_trip() {
        let entries = parse_fingerprints(SAMPLE);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].trust.as_deref(), Some(&b"verified"[..]));
        assert_eq!(entries[0].trust.as_deref(), Some(&b""[..]));
        assert_eq!(entries[2].username, b"carol");
        assert_eq!(entries[2].fingerprint[0], 0xa0);
        assert_eq!(write_fingerprints(&entries), SAMPLE);
    }

    #[test]
    fn line_rules() {
        let hex = "000102030405060708090a0b0c0d0e0f10111213";
        let parse = |s: String| parse_fingerprints(s.as_bytes());
        let one = parse(format!("u\ta\tp\t{hex}\n"));
        assert_eq!(one[0].trust, None);
        let crlf = parse(format!("u\ta\tp\t{hex}\tt\tx\r\n"));
        assert_eq!(crlf[0].trust.as_deref(), Some(&b"t\tx"[..]));
        assert!(parse(format!("u\ta\tp\t{hex}")).is_empty());
        assert!(parse(format!("u\ta\tp\t{hex}0\n")).is_empty());
        assert!(parse(format!("u\ta\t{hex}\n")).is_empty());
        let zz = parse(format!("u\ta\tp\tzz{}\n", &hex[2..]));
        assert_eq!(zz[0].fingerprint, one[0].fingerprint);
        assert!(parse(String::new()).is_empty());
    }
}
