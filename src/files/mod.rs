//! The files libotr keeps: private keys, fingerprints and instance tags.
//!
//! Pure functions over bytes, byte for byte compatible with libotr 4.1.1 (with
//! libgcrypt 1.10 for the key file's S-expressions). Opening and closing files, and
//! applying what was read to a user state, belong to the C layer.
//!
//! - [`privkey`]: the private key file (`otrl_privkey_read`, `otrl_privkey_generate`);
//! - [`fingerprints`]: the fingerprint store (`otrl_privkey_read_fingerprints`,
//!   `otrl_privkey_write_fingerprints`);
//! - [`instag`]: the instance tag file (`otrl_instag_read`, `otrl_instag_write`);
//! - [`sexp`]: the part of libgcrypt's S-expression reader and printer the key file
//!   needs.
//!
//! Error values: only the key file reader reports errors besides `fopen` failures; see
//! [`privkey::PrivKeyError`] for their `gcry_error_t` values. The fingerprint and
//! instance tag readers skip what they cannot use and always succeed.

pub mod fingerprints;
pub mod instag;
pub mod privkey;
pub mod sexp;

/// The bytes up to the first NUL: what C sees of a string, or prints with `%s`.
pub(crate) fn c_str(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    bytes.get(..end).unwrap_or_default()
}

/// A big-endian number without its leading zero bytes.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Size of the line buffer libotr hands to `fgets` when reading the fingerprint and
/// instance tag files.
const LINE_BUFFER: usize = 1000;

/// The pieces successive `fgets(buf, 1000, f)` calls return, each as C then sees it
/// (cut at its first NUL): up to and including a newline, at most 999 bytes; a last
/// piece may lack the newline.
pub(crate) fn fgets_lines(file: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = file;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let window = rest.get(..LINE_BUFFER - 1).unwrap_or(rest);
        let len = window
            .iter()
            .position(|&b| b == b'\n')
            .map_or(window.len(), |nl| nl + 1);
        let (line, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        Some(c_str(line))
    })
}

/// `strchr(s, c)` split: the text before the first `c` and the text after it.
pub(crate) fn split_at_byte(s: &[u8], c: u8) -> Option<(&[u8], &[u8])> {
    let at = s.iter().position(|&b| b == c)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// libotr's end-of-line rule: the text before the first `\r`, or failing that the first
/// `\n`; `None` when there is neither (the line is then skipped).
pub(crate) fn before_line_end(s: &[u8]) -> Option<&[u8]> {
    split_at_byte(s, b'\r')
        .or_else(|| split_at_byte(s, b'\n'))
        .map(|(before, _)| before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fgets_pieces() {
        let long = vec![b'a'; 1500];
        let mut file = long.clone();
        file.extend_from_slice(b"\nx\0y\nlast");
        let lines: Vec<&[u8]> = fgets_lines(&file).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].len(), 999);
        assert_eq!(lines[1].len(), 502);
        assert_eq!(lines[2], b"x");
        assert_eq!(lines[3], b"last");
    }
}
