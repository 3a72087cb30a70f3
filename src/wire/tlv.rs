//! Type/Length/Value records carried after the NUL in a Data Message's
//! plaintext (spec "Data Message": "Type (SHORT), Length (SHORT), Value
//! (len BYTEs)" and "TLV record types").

use super::codec::Reader;

/// TLV types defined by the spec ("TLV record types"). Unknown types are
/// kept as their number in [`Tlv::kind`].
pub mod types {
    /// Type 0: Padding; the value is ignored.
    pub const PADDING: u16 = 0;
    /// Type 1: Disconnected; the peer has ended the private conversation.
    pub const DISCONNECTED: u16 = 1;
    /// Type 2: SMP Message 1.
    pub const SMP1: u16 = 2;
    /// Type 3: SMP Message 2.
    pub const SMP2: u16 = 3;
    /// Type 4: SMP Message 3.
    pub const SMP3: u16 = 4;
    /// Type 5: SMP Message 4.
    pub const SMP4: u16 = 5;
    /// Type 6: SMP Abort Message.
    pub const SMP_ABORT: u16 = 6;
    /// Type 7: SMP Message 1Q (with a question).
    pub const SMP1Q: u16 = 7;
    /// Type 8: Extra symmetric key (v3 only).
    pub const EXTRA_SYMMETRIC_KEY: u16 = 8;
}

/// One TLV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// The record type (see [`types`]).
    pub kind: u16,
    /// The value; at most 65535 bytes can be serialized.
    pub value: Vec<u8>,
}

/// Why a TLV could not be serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlvError {
    /// The value is longer than a SHORT length can express.
    ValueTooLong(usize),
}

impl Tlv {
    /// A record of type `kind` holding `value`.
    pub fn new(kind: u16, value: impl Into<Vec<u8>>) -> Self {
        Self {
            kind,
            value: value.into(),
        }
    }
}

/// Parse a chain of TLVs exactly as `otrl_tlv_parse`: records are read
/// while at least 4 bytes remain; a record whose declared length exceeds
/// what is left ends parsing and is dropped, as are 1–3 stray trailing
/// bytes. Never fails.
pub fn parse(bytes: &[u8]) -> Vec<Tlv> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while r.remaining() >= 4 {
        let (Ok(kind), Ok(len)) = (r.short(), r.short()) else {
            break;
        };
        let Ok(value) = r.bytes(usize::from(len)) else {
            break;
        };
        out.push(Tlv::new(kind, value));
    }
    out
}

/// Serialize a chain of TLVs (as `otrl_tlv_serialize`).
pub fn serialize(tlvs: &[Tlv]) -> Result<Vec<u8>, TlvError> {
    let mut out = Vec::with_capacity(serialized_len(tlvs));
    for tlv in tlvs {
        let len =
            u16::try_from(tlv.value.len()).map_err(|_| TlvError::ValueTooLong(tlv.value.len()))?;
        out.extend_from_slice(&tlv.kind.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&tlv.value);
    }
    Ok(out)
}

/// The serialized length of a chain (as `otrl_tlv_seriallen`).
pub fn serialized_len(tlvs: &[Tlv]) -> usize {
    tlvs.iter().map(|t| 4 + t.value.len()).sum()
}

/// The first record of type `kind` (as `otrl_tlv_find`).
pub fn find(tlvs: &[Tlv], kind: u16) -> Option<&Tlv> {
    tlvs.iter().find(|t| t.kind == kind)
}

/// Split a decrypted Data Message payload into the human-readable message
/// and its TLVs (spec "Data Message": "the plaintext message, optionally
/// followed by a NUL byte and TLV records"), as libotr does: the message
/// runs to the first NUL (or the end) and TLVs are parsed from after it.
pub fn split_payload(payload: &[u8]) -> (&[u8], Vec<Tlv>) {
    match super::base64::byte_position(payload, 0) {
        Some(nul) => (
            payload.get(..nul).unwrap_or_default(),
            parse(payload.get(nul + 1..).unwrap_or_default()),
        ),
        None => (payload, Vec::new()),
    }
}

/// Build a Data Message payload: the message, a NUL, then the TLVs; the
/// NUL is written even when there are no TLVs, as libotr does.
/// The buffer never moves while it is filled (a move would leave a copy of
/// the plaintext behind, unwiped), and it has room to be rounded up to whole
/// 16-byte cipher blocks, so that it can also be encrypted where it is.
pub fn join_payload(message: &[u8], tlvs: &[Tlv]) -> Result<Vec<u8>, TlvError> {
    let records = serialize(tlvs)?;
    let len = message.len() + 1 + records.len();
    let mut out = Vec::with_capacity(len.next_multiple_of(16));
    out.extend_from_slice(message);
    out.push(0);
    out.extend_from_slice(&records);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let tlvs = vec![
            Tlv::new(types::DISCONNECTED, []),
            Tlv::new(types::SMP1Q, *b"q?\0x"),
            Tlv::new(0xbeef, vec![7; 300]),
        ];
        let bytes = serialize(&tlvs).unwrap();
        assert_eq!(bytes.len(), serialized_len(&tlvs));
        assert_eq!(parse(&bytes), tlvs);
        assert_eq!(find(&tlvs, types::SMP1Q), tlvs.get(1));
    }

    #[test]
    fn truncated_trailing_record_is_dropped() {
        let mut bytes = serialize(&[Tlv::new(1, [])]).unwrap();
        bytes.extend_from_slice(&[0, 2, 0, 5, 1, 2]);
        assert_eq!(parse(&bytes), vec![Tlv::new(1, [])]);
        assert_eq!(parse(&[0, 1, 0]), vec![]);
    }

    #[test]
    fn too_long() {
        let tlv = Tlv::new(0, vec![0; 65536]);
        assert_eq!(serialize(&[tlv]), Err(TlvError::ValueTooLong(65536)));
    }

    #[test]
    fn payload() {
        let p = join_payload(b"hi", &[Tlv::new(1, [])]).unwrap();
        assert_eq!(p, b"hi\0\0\x01\0\0");
        assert_eq!(split_payload(&p), (&b"hi"[..], vec![Tlv::new(1, [])]));
        assert_eq!(split_payload(b"plain"), (&b"plain"[..], vec![]));
    }
}
