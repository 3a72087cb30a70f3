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
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    encode_into(&mut out, data);
    ascii_string(out)
}

/// The two base64 characters of every 12-bit value, as a big-endian pair: a
/// group of three bytes encodes with two lookups.
const CHAR_PAIRS: [u16; 4096] = {
    let mut pairs = [0u16; 4096];
    let mut i = 0;
    while i < 4096 {
        pairs[i] = u16::from_be_bytes([ALPHABET[i >> 6], ALPHABET[i & 0x3f]]);
        i += 1;
    }
    pairs
};

/// The four characters of the 24 bits at the bottom of `bits`, big-endian.
fn four_chars(bits: u64) -> u32 {
    let pair = |shift: u32| u32::from(CHAR_PAIRS[((bits >> shift) & 0xfff) as usize]);
    (pair(12) << 16) | pair(0)
}

/// Append the base64 of `data` (with `=` padding) to `out`.
fn encode_into(out: &mut Vec<u8>, data: &[u8]) {
    let start = out.len();
    out.resize(start + data.len() / 3 * 4, 0);
    let room = out.get_mut(start..).unwrap_or_default();
    // Six bytes (two groups) at a time, then a last whole group.
    let pairs = data.chunks_exact(6);
    let rest = pairs.remainder();
    let mut done = 0;
    for (six, eight) in pairs.zip(room.chunks_exact_mut(8)) {
        let &[b0, b1, b2, b3, b4, b5] = six else {
            break;
        };
        let bits = u64::from_be_bytes([0, 0, b0, b1, b2, b3, b4, b5]);
        let chars = (u64::from(four_chars(bits >> 24)) << 32) | u64::from(four_chars(bits));
        eight.copy_from_slice(&chars.to_be_bytes());
        done += 6;
    }
    if let (Some(&[b0, b1, b2]), Some(chars)) =
        (rest.get(..3), room.get_mut(done / 3 * 4..done / 3 * 4 + 4))
    {
        chars.copy_from_slice(
            &four_chars(u64::from_be_bytes([0, 0, 0, 0, 0, b0, b1, b2])).to_be_bytes(),
        );
    }
    // A last group of n < 3 bytes yields n + 1 significant characters.
    let last = data.get(data.len() / 3 * 3..).unwrap_or_default();
    if !last.is_empty() {
        let digit = |bits: u32, shift: u32| ALPHABET[((bits >> shift) & 0x3f) as usize];
        let b0 = last.first().copied().unwrap_or(0);
        let b1 = last.get(1).copied().unwrap_or(0);
        let bits = u32::from_be_bytes([0, b0, b1, 0]);
        let tail = [digit(bits, 18), digit(bits, 12), digit(bits, 6)];
        out.extend_from_slice(tail.get(..=last.len()).unwrap_or_default());
        out.resize(out.len() + 3 - last.len(), b'=');
    }
}

/// The text of bytes that are all ASCII (base64 digits, `=` and the
/// `?OTR:` wrapper), so the UTF-8 check cannot fail.
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Marks a byte outside the base64 alphabet in [`SEXTETS`].
const NOT_BASE64: u8 = 0xff;

/// The 6-bit value of every byte that is a base64 alphabet character,
/// [`NOT_BASE64`] for every other byte (including `=`).
const SEXTETS: [u8; 256] = {
    let mut table = [NOT_BASE64; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The 6-bit value of a base64 alphabet character.
fn sextet(c: u8) -> Option<u8> {
    Some(SEXTETS[usize::from(c)]).filter(|&s| s != NOT_BASE64)
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
    let mut rest = text;
    loop {
        if filled == 0 {
            rest = decode_whole_groups(rest, &mut out);
        }
        let Some((&c, tail)) = rest.split_first() else {
            return out;
        };
        rest = tail;
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
}

/// Set in a [`GROUP_BITS`] entry for a byte outside the base64 alphabet.
const NOT_IN_GROUP: u32 = 1 << 31;

/// For each of the four places in a group, the sextet of every alphabet
/// character already shifted to its place in the group's 24 bits, and
/// [`NOT_IN_GROUP`] for every other byte: a group decodes with four lookups.
const GROUP_BITS: [[u32; 256]; 4] = {
    let mut tables = [[NOT_IN_GROUP; 256]; 4];
    let mut i = 0;
    while i < ALPHABET.len() {
        let mut place = 0;
        while place < 4 {
            tables[place][ALPHABET[i] as usize] = (i as u32) << (18 - 6 * place);
            place += 1;
        }
        i += 1;
    }
    tables
};

/// The fast path of [`decode`]: decode blocks of eight alphabet characters
/// (two groups) from the start of `text` until one holds anything else (junk
/// or `=`), and return the text from that block on.
fn decode_whole_groups<'a>(text: &'a [u8], out: &mut Vec<u8>) -> &'a [u8] {
    let [t0, t1, t2, t3] = &GROUP_BITS;
    let group = |[a, b, c, d]: [u8; 4]| {
        t0[usize::from(a)] | t1[usize::from(b)] | t2[usize::from(c)] | t3[usize::from(d)]
    };
    let start = out.len();
    out.resize(start + text.len() / 8 * 6, 0);
    let room = out.get_mut(start..).unwrap_or_default();
    let mut blocks = 0;
    for (eight, six) in text.chunks_exact(8).zip(room.chunks_exact_mut(6)) {
        let &[a, b, c, d, e, f, g, h] = eight else {
            break;
        };
        let (first, second) = (group([a, b, c, d]), group([e, f, g, h]));
        if (first | second) & NOT_IN_GROUP != 0 {
            break;
        }
        let [_, _, bytes @ ..] = ((u64::from(first) << 24) | u64::from(second)).to_be_bytes();
        six.copy_from_slice(&bytes);
        blocks += 1;
    }
    out.truncate(start + blocks * 6);
    text.get(blocks * 8..).unwrap_or_default()
}

/// Wrap binary message data as `?OTR:<base64>.` (as `otrl_base64_otr_encode`),
/// encoded straight into the one buffer.
pub fn otr_encode(data: &[u8]) -> String {
    let mut out = Vec::with_capacity(OTR_ENCODED_PREFIX.len() + data.len().div_ceil(3) * 4 + 1);
    out.extend_from_slice(OTR_ENCODED_PREFIX);
    encode_into(&mut out, data);
    out.push(OTR_ENCODED_SUFFIX);
    ascii_string(out)
}

/// `msg` up to its first NUL byte: messages reach libotr as C strings, so
/// nothing after a NUL is ever seen. Every string-level parser here applies
/// this so that it sees exactly what libotr sees.
pub(crate) fn c_str(msg: &[u8]) -> &[u8] {
    let end = byte_position(msg, 0).unwrap_or(msg.len());
    msg.get(..end).unwrap_or_default()
}

/// Position of the first occurrence of `needle` in `haystack` (like `strstr`).
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    loop {
        let at = from + byte_position(haystack.get(from..)?, first)?;
        if haystack.get(at + 1..)?.starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// Position of the first `byte` in `haystack`.
pub(crate) fn byte_position(haystack: &[u8], byte: u8) -> Option<usize> {
    position_where(haystack, |c| c == byte)
}

/// Position of the first byte of `haystack` for which `hit` holds. Messages
/// are scanned many times and can be long, so it first skips 32-byte blocks
/// without a hit: the branch-free test of a whole block compiles to vector
/// compares when `hit` is a comparison or two. The bytes after the last
/// whole block are tested the same way, as part of the last 32 bytes, so
/// only a block known to hold a hit is searched byte by byte.
#[inline]
fn position_where(haystack: &[u8], hit: impl Fn(u8) -> bool) -> Option<usize> {
    let block_hit = |block: &[u8]| block.iter().fold(0u8, |seen, &c| seen | u8::from(hit(c))) != 0;
    let mut offset = 0;
    let blocks = haystack.chunks_exact(32);
    let tail = blocks.remainder().len();
    for block in blocks {
        if block_hit(block) {
            break;
        }
        offset += 32;
    }
    let rest = haystack.get(offset..)?;
    if rest.len() == tail && haystack.len() >= 32 {
        // No whole block holds a hit; the last 32 bytes overlap the tail.
        let last = haystack.get(haystack.len() - 32..)?;
        if !block_hit(last) {
            return None;
        }
    }
    let at = rest.iter().position(|&c| hit(c))?;
    Some(offset + at)
}

/// Position of the first `needle` (which holds no NUL) in the C string
/// `msg`, i.e. in `c_str(msg)`: the first occurrence counts if no NUL comes
/// before it. Only the bytes up to the match are checked for a NUL, so a
/// message that starts with `needle` costs nothing to examine.
pub(crate) fn find_in_c_str(msg: &[u8], needle: &[u8]) -> Option<usize> {
    let at = find(msg, needle)?;
    byte_position(msg.get(..at)?, 0).is_none().then_some(at)
}

/// The base64 text of the first `?OTR:` in `msg`, up to the next `.` (or,
/// if `require_dot` is false and there is none, to the end).
fn encoded_body(msg: &[u8], require_dot: bool) -> Result<&[u8], Base64Error> {
    let start = find_in_c_str(msg, OTR_ENCODED_PREFIX).ok_or(Base64Error::MissingPrefix)?;
    let body = msg
        .get(start + OTR_ENCODED_PREFIX.len()..)
        .unwrap_or_default();
    // One pass for the `.` and the end of the C string, whichever comes first.
    let end = position_where(body, |c| c == OTR_ENCODED_SUFFIX || c == 0);
    let dot = end.is_some_and(|at| body.get(at) == Some(&OTR_ENCODED_SUFFIX));
    if require_dot && !dot {
        return Err(Base64Error::MissingTerminator);
    }
    Ok(body.get(..end.unwrap_or(body.len())).unwrap_or_default())
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

/// The first `want` bytes of [`otr_decode_data`] (fewer only if that is
/// shorter; possibly a few more), decoding only as much of the text as that
/// takes when it holds no junk. A prefix of the text decodes to a prefix of
/// what the whole text decodes to, so the answer is the same.
pub fn otr_decode_data_prefix(msg: &[u8], want: usize) -> Result<Vec<u8>, Base64Error> {
    let body = encoded_body(msg, false)?;
    let head = decode(body.get(..want.div_ceil(3) * 4).unwrap_or(body));
    if head.len() >= want {
        return Ok(head);
    }
    Ok(decode(body))
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

    /// The decoder one character at a time, without the fast path.
    fn decode_slowly(text: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut group = Vec::new();
        for &c in text {
            if c == b'=' {
                break;
            }
            if let Some(s) = sextet(c) {
                group.push(s);
            }
            if group.len() == 4 {
                flush_group(&mut out, &group);
                group.clear();
            }
        }
        if text.contains(&b'=') {
            flush_group(&mut out, &group);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_decode_matches_slow(text in proptest::collection::vec(
            proptest::sample::select(b"AZaz09+/=.\n ?\x00\x80".to_vec()), 0..64)) {
            proptest::prop_assert_eq!(decode(&text), decode_slowly(&text));
        }

        #[test]
        fn fast_decode_matches_slow_on_mostly_base64(
            text in proptest::collection::vec(
                proptest::sample::select(b"AZaz09+/".to_vec()), 0..120),
            junk_at in 0usize..120,
            junk in proptest::sample::select(b"=.\n \x00\x80".to_vec()),
        ) {
            let mut text = text;
            let at = junk_at.min(text.len());
            text.insert(at, junk);
            proptest::prop_assert_eq!(decode(&text), decode_slowly(&text));
            proptest::prop_assert_eq!(decode(&text[..at]), decode_slowly(&text[..at]));
        }

        #[test]
        fn byte_position_matches_position(hay in proptest::collection::vec(0u8..3, 0..140)) {
            for byte in 0..4 {
                proptest::prop_assert_eq!(
                    byte_position(&hay, byte),
                    hay.iter().position(|&c| c == byte)
                );
            }
        }

        #[test]
        fn encode_roundtrips(data in proptest::collection::vec(proptest::num::u8::ANY, 0..100)) {
            proptest::prop_assert_eq!(otr_encode(&data), format!("?OTR:{}.", encode(&data)));
            proptest::prop_assert_eq!(decode(encode(&data).as_bytes()), data);
        }

        #[test]
        fn find_matches_windows(hay in proptest::collection::vec(0u8..4, 0..80),
                                needle in proptest::collection::vec(0u8..4, 0..4)) {
            let naive = if needle.is_empty() {
                Some(0)
            } else {
                hay.windows(needle.len()).position(|w| w == needle.as_slice())
            };
            proptest::prop_assert_eq!(find(&hay, &needle), naive);
            if !needle.contains(&0) {
                proptest::prop_assert_eq!(find_in_c_str(&hay, &needle), find(c_str(&hay), &needle));
            }
            proptest::prop_assert_eq!(
                c_str(&hay),
                &hay[..hay.iter().position(|&c| c == 0).unwrap_or(hay.len())]
            );
        }
    }

    /// [`encoded_body`] as first written: cut the C string, then look for the `.`.
    fn encoded_body_in_two_passes(msg: &[u8], require_dot: bool) -> Result<&[u8], Base64Error> {
        let start = find(c_str(msg), OTR_ENCODED_PREFIX).ok_or(Base64Error::MissingPrefix)?;
        let body = c_str(&msg[start + OTR_ENCODED_PREFIX.len()..]);
        match body.iter().position(|&c| c == OTR_ENCODED_SUFFIX) {
            Some(end) => Ok(&body[..end]),
            None if require_dot => Err(Base64Error::MissingTerminator),
            None => Ok(body),
        }
    }

    proptest::proptest! {
        #[test]
        fn encoded_body_matches_two_passes(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                &b"?OTR:"[..], b"?OTR", b"AAMD", b".", b"\0", b"x", b"?", &[b'Q'; 40],
            ]), 0..12),
            require_dot in proptest::bool::ANY,
        ) {
            let msg = pieces.concat();
            proptest::prop_assert_eq!(
                encoded_body(&msg, require_dot),
                encoded_body_in_two_passes(&msg, require_dot)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn decoded_prefix_is_a_prefix(
            body in proptest::collection::vec(
                proptest::sample::select(b"AZaz09+/=.\n \x00".to_vec()), 0..40),
            want in 0usize..20,
        ) {
            let msg = [&b"?OTR:"[..], &body].concat();
            let whole = otr_decode_data(&msg).unwrap();
            let head = otr_decode_data_prefix(&msg, want).unwrap();
            proptest::prop_assert!(whole.starts_with(&head));
            proptest::prop_assert!(head.len() >= want.min(whole.len()));
        }
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
