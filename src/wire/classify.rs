//! Quick classification of an incoming message string by its header alone,
//! answering exactly as libotr's `otrl_proto_message_type`,
//! `otrl_proto_message_version` and `otrl_proto_instance` do. None of these
//! validate the message body; [`super::message`] does that.
//!
//! Encoded messages are recognised by the base64 of their first bytes (spec
//! "Data Message" / "D-H Commit Message" etc.: protocol version SHORT then
//! message type BYTE): `\x00\x03` encodes as `AAM`, `\x00\x02` as `AAI`,
//! `\x00\x01` as `AAE`, and the type byte selects the fourth character
//! (`C` 0x02, `K` 0x0a, `R` 0x11, `S` 0x12, `D` 0x03).

use super::base64::{c_str, decode, find, find_in_c_str};

/// libotr's `OtrlMessageType`, with the same numeric values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum MessageType {
    /// No `?OTR` and no whitespace tag.
    NotOtr = 0,
    /// Plaintext carrying a whitespace tag (spec "Tagged plaintext messages").
    TaggedPlaintext = 1,
    /// A query message (spec "OTR Query Messages").
    Query = 2,
    /// D-H Commit Message.
    DhCommit = 3,
    /// D-H Key Message.
    DhKey = 4,
    /// Reveal Signature Message.
    RevealSig = 5,
    /// Signature Message.
    Signature = 6,
    /// Protocol v1 Key Exchange Message.
    V1KeyExch = 7,
    /// Data Message (v1, v2 or v3).
    Data = 8,
    /// Error message (spec "OTR Error Messages").
    Error = 9,
    /// Contains `?OTR` but matches nothing above (this includes fragments).
    Unknown = 10,
}

/// An incoming message with its kind and version, worked out once for all
/// who need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified<'a> {
    /// The message.
    pub msg: &'a [u8],
    /// [`message_type`] of it.
    pub kind: MessageType,
    /// [`message_version`] of it.
    pub version: u32,
}

impl<'a> Classified<'a> {
    /// Classifies `msg` (finding its first `?OTR` once for both answers).
    pub fn new(msg: &'a [u8]) -> Self {
        let tag = otr_tag(msg);
        Self {
            msg,
            kind: tag.map_or_else(|| plaintext_type(msg), tag_type),
            version: tag.map_or(0, tag_version),
        }
    }
}

/// The message from its first `?OTR` on, if its C string holds one. Every
/// prefix the classifiers compare with it is free of NUL bytes, so comparing
/// them with the bytes after the first `?OTR` of the whole buffer answers as
/// comparing them with the C string would; only the search for the `?OTR`
/// itself must not look past a NUL.
fn otr_tag(msg: &[u8]) -> Option<&[u8]> {
    msg.get(find_in_c_str(msg, b"?OTR")?..)
}

/// Classify `msg` (as `otrl_proto_message_type`). Only the first `?OTR` in
/// the message is examined.
pub fn message_type(msg: &[u8]) -> MessageType {
    otr_tag(msg).map_or_else(|| plaintext_type(msg), tag_type)
}

/// The type of a message without `?OTR`.
fn plaintext_type(msg: &[u8]) -> MessageType {
    if find(c_str(msg), super::query::WHITESPACE_BASE).is_some() {
        MessageType::TaggedPlaintext
    } else {
        MessageType::NotOtr
    }
}

/// Whether `tag` starts with `prefix` (compared as one fixed-size value).
fn has_prefix<const N: usize>(tag: &[u8], prefix: &[u8; N]) -> bool {
    tag.first_chunk::<N>() == Some(prefix)
}

/// The type of a message by what follows its first `?OTR` (`tag`).
fn tag_type(tag: &[u8]) -> MessageType {
    if has_prefix(tag, b"?OTR:AAM") || has_prefix(tag, b"?OTR:AAI") {
        return match tag.get(8) {
            Some(b'C') => MessageType::DhCommit,
            Some(b'K') => MessageType::DhKey,
            Some(b'R') => MessageType::RevealSig,
            Some(b'S') => MessageType::Signature,
            Some(b'D') => MessageType::Data,
            _ => MessageType::Unknown,
        };
    }
    if has_prefix(tag, b"?OTR?") || has_prefix(tag, b"?OTRv") {
        MessageType::Query
    } else if has_prefix(tag, b"?OTR:AAEK") {
        MessageType::V1KeyExch
    } else if has_prefix(tag, b"?OTR:AAED") {
        MessageType::Data
    } else if has_prefix(tag, b"?OTR Error:") {
        MessageType::Error
    } else {
        MessageType::Unknown
    }
}

/// The protocol version of an encoded message judged from its header
/// characters: 3, 2, 1, or 0 if not an encoded message (as
/// `otrl_proto_message_version`).
pub fn message_version(msg: &[u8]) -> u32 {
    otr_tag(msg).map_or(0, tag_version)
}

/// The version by what follows the first `?OTR` (`tag`).
fn tag_version(tag: &[u8]) -> u32 {
    [(b"?OTR:AAM", 3), (b"?OTR:AAI", 2), (b"?OTR:AAE", 1)]
        .into_iter()
        .find(|(p, _)| has_prefix(tag, p))
        .map_or(0, |(_, v)| v)
}

/// Why [`proto_instance`] could not read instance tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceError {
    /// The message does not start with `?OTR:AAM` (a v3 encoded message).
    NotV3,
    /// The message is shorter than the 21 characters needed.
    TooShort,
    /// The 12 base64 characters decoded to fewer than 8 bytes; `sender` is
    /// the sender tag if at least 4 bytes were decoded (libotr has already
    /// stored it in its out-parameter by then).
    Truncated { sender: Option<u32> },
}

/// Read the sender and receiver instance tags (spec "Instance tags") from
/// the header of a v3 encoded message (as `otrl_proto_instance`). Unlike the
/// other functions here, `msg` must *start* with `?OTR:AAM`: libotr's caller
/// passes the position of the first `?OTR`. The tags are the 8 bytes that
/// follow the 3-byte header, decoded from the 12 base64 characters after
/// `?OTR:AAMx`.
pub fn proto_instance(msg: &[u8]) -> Result<(u32, u32), InstanceError> {
    // Only the first 21 bytes are read: the C string's, if it ends sooner.
    let msg = c_str(msg.get(..21).unwrap_or(msg));
    if !msg.starts_with(b"?OTR:AAM") {
        return Err(InstanceError::NotV3);
    }
    if msg.len() < 21 {
        return Err(InstanceError::TooShort);
    }
    let bytes = decode(msg.get(9..21).unwrap_or_default());
    let int_at = |i: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(i..i + 4)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    };
    match (int_at(0), int_at(4)) {
        (Some(sender), Some(receiver)) => Ok((sender, receiver)),
        (sender, _) => Err(InstanceError::Truncated { sender }),
    }
}

/// The instance tags of a received v3 message, read at its first `?OTR`, as libotr's
/// `otrl_message_receiving` does: a client may hand over text before it (hexchat-otr
/// passes the IRC line from `PRIVMSG` on). Spec "Instance tags".
pub fn received_instance_tags(msg: &[u8]) -> Result<(u32, u32), InstanceError> {
    proto_instance(otr_tag(msg).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Nothing after a NUL counts: these answer for the C string.
        #[test]
        fn only_the_c_string_counts(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "?OTR", ":AAMD", ":AAIC", ":AAEK", "?", "v3?", "\0", "AAAAAAAAAAAA", "|1|2,", "x",
                " \t  \t\t\t\t \t \t \t  ", "  \t\t  \t\t",
            ]), 0..8)) {
            let msg = pieces.concat().into_bytes();
            let c = c_str(&msg);
            proptest::prop_assert_eq!(message_type(&msg), message_type(c));
            proptest::prop_assert_eq!(message_version(&msg), message_version(c));
            proptest::prop_assert_eq!(
                Classified::new(&msg),
                Classified { msg: &msg, kind: message_type(&msg), version: message_version(&msg) }
            );
            proptest::prop_assert_eq!(
                crate::wire::fragment::fragment_instance_tags(&msg),
                crate::wire::fragment::fragment_instance_tags(c)
            );
            if let Some(at) = find(c, b"?OTR") {
                let (m, t) = (msg.get(at..).unwrap_or_default(), c.get(at..).unwrap_or_default());
                proptest::prop_assert_eq!(proto_instance(m), proto_instance(t));
            }
            proptest::prop_assert_eq!(
                crate::wire::base64::otr_decode_data(&msg),
                crate::wire::base64::otr_decode_data(c)
            );
            proptest::prop_assert_eq!(
                crate::wire::base64::otr_decode(&msg),
                crate::wire::base64::otr_decode(c)
            );
        }
    }

    #[test]
    fn types() {
        use MessageType::*;
        let cases: [(&[u8], MessageType); 14] = [
            (b"hello", NotOtr),
            (b"hi \t  \t\t\t\t \t \t \t  ", TaggedPlaintext),
            (b"?OTRv23?", Query),
            (b"?OTR?", Query),
            (b"?OTR:AAMC", DhCommit),
            (b"?OTR:AAIK", DhKey),
            (b"?OTR:AAMR", RevealSig),
            (b"?OTR:AAIS", Signature),
            (b"?OTR:AAEK", V1KeyExch),
            (b"?OTR:AAED", Data),
            (b"x?OTR:AAMD", Data),
            (b"?OTR Error: x", Error),
            (b"?OTR:AAMX", Unknown),
            (b"?OTR,1,2,x,", Unknown),
        ];
        for (msg, t) in cases {
            assert_eq!(message_type(msg), t, "{:?}", String::from_utf8_lossy(msg));
        }
        assert_eq!(message_type(b"hello\0?OTR?"), NotOtr);
    }

    #[test]
    fn versions() {
        assert_eq!(message_version(b"?OTR:AAMC"), 3);
        assert_eq!(message_version(b"?OTR:AAID"), 2);
        assert_eq!(message_version(b"?OTR:AAEK"), 1);
        assert_eq!(message_version(b"?OTRv3?"), 0);
        assert_eq!(message_version(b"nothing"), 0);
    }

    #[test]
    fn instances() {
        // header 00 03 02, sender 0x00000100, receiver 0x12345678
        let raw = [0, 3, 2, 0, 0, 1, 0, 0x12, 0x34, 0x56, 0x78];
        let msg = super::super::base64::otr_encode(&raw);
        assert_eq!(proto_instance(msg.as_bytes()), Ok((0x100, 0x1234_5678)));
        assert_eq!(proto_instance(b"?OTR:AAIC"), Err(InstanceError::NotV3));
        let line = format!("PRIVMSG bob :{msg}");
        assert_eq!(
            received_instance_tags(line.as_bytes()),
            Ok((0x100, 0x1234_5678))
        );
        assert_eq!(proto_instance(line.as_bytes()), Err(InstanceError::NotV3));
        assert_eq!(received_instance_tags(b"no tag"), Err(InstanceError::NotV3));
        assert_eq!(
            proto_instance(b"?OTR:AAMCAAABAA"),
            Err(InstanceError::TooShort)
        );
        assert_eq!(
            proto_instance(b"?OTR:AAMCAAABAA......."),
            Err(InstanceError::Truncated { sender: None })
        );
    }
}
