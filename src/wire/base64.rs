//! Base64 as libotr does it, and the `?OTR:` ... `.` wrapper of encoded
//! messages (spec "OTR messages": "Encoded messages ... the five bytes
//! `?OTR:`, followed by the base-64 encoding of the message, followed by
//! `.`").
//!
//! The encoder is plain RFC 4648 base64 with `=` padding. The decoder copies
//! libotr's leniency, which differs from a strict decoder:
//! - any character outside the base64 alphabet is skipped;
//! - the first `=` ends decoding; the partial group before it yields as many
//!   whole bytes as its characters carry (2 chars → 1 byte, 3 → 2);
//! - without a `=`, a partial group left at the end is silently dropped.

/// The base64 alphabet (RFC 4648 section 4).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Prefix of an encoded OTR message.
pub const OTR_ENCODED_PREFIX: &[u8] = b"?OTR:";
/// Terminator of an encoded OTR message.
pub const OTR_ENCODED_SUFFIX: u8 = b'.';

/// Why an `?OTR:...` wrapper could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Error {
    /// No `?OTR:` in the message.
    MissingPrefix,
    /// No `.` after the `?OTR:`.
    MissingTerminator,
}

impl core::fmt::Display for Base64Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::MissingPrefix => write!(f, "no ?OTR: prefix"),
            Self::MissingTerminator => write!(f, "no '.' terminator after ?OTR:"),
        }
    }
}

impl std::error::Error for Base64Error {}

/// Base64-encode `data` with `=` padding (as `otrl_base64_encode`).
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let sextets = [
            b0 >> 2,
            ((b0 & 0x03) << 4) | (b1 >> 4),
            ((b1 & 0x0f) << 2) | (b2 >> 6),
            b2 & 0x3f,
        ];
        // A group of n input bytes yields n + 1 significant characters.
        for (i, &s) in sextets.iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[usize::from(s)]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The 6-bit value of a base64 alphabet character.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Append the whole bytes carried by a group of up to four sextets.
fn flush_group(out: &mut Vec<u8>, group: &[u8]) {
    let bits = group.iter().fold(0u32, |acc, &s| (acc << 6) | u32::from(s));
    let nbits = group.len() * 6;
    let aligned = bits << (24 - nbits);
    let [_, a, b, c] = aligned.to_be_bytes();
    let whole = nbits / 8;
    out.extend_from_slice([a, b, c].get(..whole).unwrap_or_default());
}

/// Leniently base64-decode, exactly as `otrl_base64_decode` does (see the
/// module documentation for the rules).
pub fn decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut group = [0u8; 4];
    let mut filled = 0usize;
    for &c in text {
        if c == b'=' {
            flush_group(&mut out, group.get(..filled).unwrap_or_default());
            return out;
        }
        let Some(s) = sextet(c) else { continue };
        if let Some(slot) = group.get_mut(filled) {
            *slot = s;
        }
        filled += 1;
        if filled == 4 {
            flush_group(&mut out, &group);
            filled = 0;
        }
    }
    out
}

/// Wrap binary message data as `?OTR:<base64>.` (as `otrl_base64_otr_encode`).
pub fn otr_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(7 + data.len().div_ceil(3) * 4);
    out.push_str("?OTR:");
    out.push_str(&encode(data));
    out.push('.');
    out
}

/// `msg` up to its first NUL byte: messages reach libotr as C strings, so
/// nothing after a NUL is ever seen. Every string-level parser here applies
/// this so that it sees exactly what libotr sees.
pub(crate) fn c_str(msg: &[u8]) -> &[u8] {
    let end = msg.iter().position(|&c| c == 0).unwrap_or(msg.len());
    msg.get(..end).unwrap_or_default()
}

/// Position of the first occurrence of `needle` in `haystack` (like `strstr`).
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The base64 text of the first `?OTR:` in `msg`, up to the next `.` (or,
/// if `require_dot` is false and there is none, to the end).
fn encoded_body(msg: &[u8], require_dot: bool) -> Result<&[u8], Base64Error> {
    let msg = c_str(msg);
    let start = find(msg, OTR_ENCODED_PREFIX).ok_or(Base64Error::MissingPrefix)?;
    let body = msg
        .get(start + OTR_ENCODED_PREFIX.len()..)
        .unwrap_or_default();
    match body.iter().position(|&c| c == OTR_ENCODED_SUFFIX) {
        Some(end) => Ok(body.get(..end).unwrap_or_default()),
        None if require_dot => Err(Base64Error::MissingTerminator),
        None => Ok(body),
    }
}

/// Decode the first `?OTR:...` in `msg`, which must be terminated by `.`
/// (as `otrl_base64_otr_decode`, used for the AKE messages).
pub fn otr_decode(msg: &[u8]) -> Result<Vec<u8>, Base64Error> {
    encoded_body(msg, true).map(decode)
}

/// Decode the first `?OTR:...` in `msg`; a missing `.` means "to the end".
/// libotr reads Data Messages this way (`otrl_proto_accept_data`).
pub fn otr_decode_data(msg: &[u8]) -> Result<Vec<u8>, Base64Error> {
    encoded_body(msg, false).map(decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases: [(&str, &str); 7] = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in cases {
            assert_eq!(encode(plain.as_bytes()), b64);
            assert_eq!(decode(b64.as_bytes()), plain.as_bytes());
        }
    }

    #[test]
    fn lenient_rules() {
        // Junk is skipped.
        assert_eq!(decode(b"Zm\n9v!\x80"), b"foo");
        // Short group without '=' is dropped.
        assert_eq!(decode(b"Zm9vYg"), b"foo");
        // '=' ends decoding, flushing the partial group.
        assert_eq!(decode(b"Zm9vYg=Zm9v"), b"foob");
        assert_eq!(decode(b"Z="), b"");
        assert_eq!(decode(b"="), b"");
    }

    #[test]
    fn otr_wrapper() {
        assert_eq!(otr_encode(b"\x00\x03\x02"), "?OTR:AAMC.");
        assert_eq!(otr_decode(b"hi ?OTR:AAMC. x"), Ok(vec![0, 3, 2]));
        assert_eq!(
            otr_decode(b"?OTR:AAMC"),
            Err(Base64Error::MissingTerminator)
        );
        assert_eq!(otr_decode_data(b"?OTR:AAMC"), Ok(vec![0, 3, 2]));
        assert_eq!(otr_decode(b"?OTR AAMC."), Err(Base64Error::MissingPrefix));
    }
}
