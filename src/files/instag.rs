//! The instance tag file (`otrl_instag_read` / `otrl_instag_write`).
//!
//! A fixed warning line, then one line per tag:
//!
//! ```text
//! accountname TAB protocol TAB 8 lowercase hex digits LF
//! ```
//!
//! The reader goes through the file with `fgets` and a 1000-byte buffer. The account
//! name ends at the first tab, the protocol at the second, the value at the first `\r`
//! (else the first `\n`). It skips lines with fewer than two tabs (the warning line),
//! without an end of line (also a last line lacking its newline), whose value is not
//! exactly 8 characters, or whose value read with `sscanf("%08x")` is below
//! [`MIN_VALID_INSTAG`] (0x100) or not a number.

use super::{before_line_end, c_str, fgets_lines, split_at_byte};

/// `OTRL_MIN_VALID_INSTAG`: smaller values are reserved.
pub const MIN_VALID_INSTAG: u32 = 0x100;

/// The first line libotr writes (ignored when read back: it has no tab).
pub const INSTAG_FILE_HEADER: &[u8] =
    b"# WARNING! You shouldn't copy this file to another computer. \
It is unnecessary and can cause problems.\n";

/// One line of the instance tag file (`OtrlInsTag`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstagEntry {
    /// Our account name.
    pub account_name: Vec<u8>,
    /// The protocol.
    pub protocol: Vec<u8>,
    /// The instance tag, at least [`MIN_VALID_INSTAG`] when read from a file.
    pub instag: u32,
}

/// Reads an instance tag file as `otrl_instag_read_FILEp` does: the usable lines in
/// file order. Never fails.
///
/// libotr prepends each entry to `instag_root` without clearing it first, so its list is
/// the reverse of this one, and `otrl_instag_find` then finds the **last** line of an
/// account.
pub fn parse_instags(file: &[u8]) -> Vec<InstagEntry> {
    fgets_lines(file).filter_map(parse_line).collect()
}

fn parse_line(line: &[u8]) -> Option<InstagEntry> {
    let (account_name, rest) = split_at_byte(line, b'\t')?;
    let (protocol, rest) = split_at_byte(rest, b'\t')?;
    let value = before_line_end(rest)?;
    if value.len() != 8 {
        return None;
    }
    let instag = scan_hex(value).filter(|&tag| tag >= MIN_VALID_INSTAG)?;
    Some(InstagEntry {
        account_name: account_name.to_vec(),
        protocol: protocol.to_vec(),
        instag,
    })
}

/// glibc's `sscanf(s, "%x", &u)` on a short string: leading white space, an optional
/// sign, an optional `0x`, hex digits; a `-` negates modulo 2^32. `None` when no number
/// is there.
fn scan_hex(s: &[u8]) -> Option<u32> {
    // C's isspace(): unlike Rust's ASCII white space, it includes the vertical tab.
    let spaces = s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .count();
    let mut rest = s.get(spaces..)?;
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = rest.get(1..)?;
    }
    if let [b'0', b'x' | b'X', next, ..] = rest {
        if next.is_ascii_hexdigit() {
            rest = rest.get(2..)?;
        }
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return None;
    }
    let text = std::str::from_utf8(rest.get(..digits)?).ok()?;
    let value = u64::from_str_radix(text, 16).ok()?;
    let value = if negative {
        value.wrapping_neg()
    } else {
        value
    };
    Some(value as u32)
}

/// Writes an instance tag file as `otrl_instag_write_FILEp` does: the warning line,
/// then one line per entry in the given order (libotr: `instag_root` order). Names are
/// written as C strings (up to a NUL).
pub fn write_instags<'a, I>(entries: I) -> Vec<u8>
where
    I: IntoIterator<Item = &'a InstagEntry>,
{
    let mut out = INSTAG_FILE_HEADER.to_vec();
    for entry in entries {
        out.extend_from_slice(c_str(&entry.account_name));
        out.push(b'\t');
        out.extend_from_slice(c_str(&entry.protocol));
        out.extend_from_slice(format!("\t{:08x}\n", entry.instag).as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../tests/files_data/sample.instag");

    #[test]
    fn sample_round_trip() {
        let entries = parse_instags(SAMPLE);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].instag, 0x400c_4165);
        assert_eq!(entries[1].account_name, b"alice@example.org");
        assert_eq!(write_instags(&entries), SAMPLE);
    }

    #[test]
    fn values() {
        assert_eq!(scan_hex(b"000000ff"), Some(0xff));
        assert_eq!(scan_hex(b"ABCDEF01"), Some(0xabcd_ef01));
        assert_eq!(scan_hex(b" \t000100"), Some(0x100));
        assert_eq!(scan_hex(b"\x0b 80Bz4\x0c"), Some(0x80b));
        assert_eq!(scan_hex(b"-0000100"), Some(0xffff_ff00));
        assert_eq!(scan_hex(b"0x0001ff"), Some(0x1ff));
        assert_eq!(scan_hex(b"12zz3456"), Some(0x12));
        assert_eq!(scan_hex(b"zzzzzzzz"), None);
        let tags = |s: &[u8]| parse_instags(s).len();
        assert_eq!(tags(b"a\tb\t000000ff\n"), 0);
        assert_eq!(tags(b"a\tb\t00000100\n"), 1);
        assert_eq!(tags(b"a\tb\t00000100"), 0);
        assert_eq!(tags(b"a\tb\t0000100\n"), 0);
        assert_eq!(tags(b"a\tb\t00000100\r"), 1);
    }
}
