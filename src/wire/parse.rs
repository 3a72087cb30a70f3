//! One entry point for an incoming message string: what kind of OTR message
//! it is, with its contents parsed (spec "OTR messages": plaintext, tagged
//! plaintext, query, error, encoded, and "Fragmentation").
//!
//! The kind is decided exactly as [`classify::message_type`] decides it
//! (libotr's `otrl_proto_message_type`), after checking for a fragment the
//! way libotr's receive path does first.

use super::base64::c_str;
use super::classify::{self, MessageType};
use super::fragment::{self, Fragment, FragmentError};
use super::message::{EncodedError, EncodedMessage};
use super::query::{self, Versions, WhitespaceTag};

/// An incoming message, classified and parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    /// Ordinary text with nothing OTR about it.
    Plaintext(&'a [u8]),
    /// Text carrying a whitespace tag (spec "Tagged plaintext messages").
    TaggedPlaintext {
        /// The text with the tag cut out.
        text: Vec<u8>,
        /// Where the tag was and which versions it announced.
        tag: WhitespaceTag,
    },
    /// A query message offering these versions (spec "OTR Query Messages").
    Query(Versions),
    /// An error message (spec "OTR Error Messages"). The text is what
    /// follows `?OTR Error: ` as libotr displays it, or `None` if the
    /// message lacks the space after the colon (libotr then shows nothing).
    Error(Option<&'a [u8]>),
    /// A v2 or v3 AKE or Data message.
    Encoded(EncodedMessage),
    /// A protocol v1 Key Exchange message (not supported).
    V1KeyExchange,
    /// A protocol v1 Data message (not supported).
    V1Data,
    /// One piece of a fragmented message (spec "Fragmentation").
    Fragment(Fragment<'a>),
    /// Contains `?OTR` but is none of the above.
    Unknown,
}

/// Why an incoming message could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// It looks like an encoded message but is malformed.
    Encoded(EncodedError),
    /// It looks like a fragment but is malformed.
    Fragment(FragmentError),
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Encoded(e) => write!(f, "malformed encoded message: {e}"),
            Self::Fragment(e) => write!(f, "malformed fragment: {e}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Classify and parse an incoming message. Input after a NUL byte is
/// ignored, as libotr sees only the C string.
pub fn parse(msg: &[u8]) -> Result<Message<'_>, ParseError> {
    // Every parser called here answers for the C string by itself (most
    // without looking past what they need), so the message is only cut at
    // its first NUL where it is handed back whole.
    if let Some(frag) = fragment::parse(msg).map_err(ParseError::Fragment)? {
        return Ok(Message::Fragment(frag));
    }
    parse_whole(msg, classify::message_type(msg))
}

/// Parse a message known not to be a fragment (libotr's receive path after
/// reassembly: a reassembled message is classified, never taken for a
/// fragment again), whose kind [`classify::message_type`] says is `kind`.
pub fn parse_whole(msg: &[u8], kind: MessageType) -> Result<Message<'_>, ParseError> {
    Ok(match kind {
        MessageType::NotOtr => Message::Plaintext(c_str(msg)),
        MessageType::TaggedPlaintext => match query::find_whitespace_tag(msg) {
            Some(tag) => Message::TaggedPlaintext {
                text: query::strip_whitespace_tag(msg),
                tag,
            },
            None => Message::Plaintext(c_str(msg)),
        },
        MessageType::Query => Message::Query(query::query_versions(msg).unwrap_or_default()),
        MessageType::Error => Message::Error(query::error_text(msg)),
        MessageType::V1KeyExch => Message::V1KeyExchange,
        MessageType::Data if classify::message_version(msg) == 1 => Message::V1Data,
        MessageType::DhCommit
        | MessageType::DhKey
        | MessageType::RevealSig
        | MessageType::Signature
        | MessageType::Data => {
            Message::Encoded(EncodedMessage::from_otr(msg).map_err(ParseError::Encoded)?)
        }
        MessageType::Unknown => Message::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::message::{DhKey, Header};

    #[test]
    fn kinds() {
        assert_eq!(parse(b"hi"), Ok(Message::Plaintext(b"hi")));
        assert_eq!(parse(b"?OTRv23?"), Ok(Message::Query(Versions(6))));
        assert_eq!(parse(b"?OTR Error: x"), Ok(Message::Error(Some(b"x"))));
        assert_eq!(parse(b"?OTR:AAEK..."), Ok(Message::V1KeyExchange));
        assert_eq!(parse(b"?OTR:AAED..."), Ok(Message::V1Data));
        assert_eq!(parse(b"?OTR!"), Ok(Message::Unknown));
        // After reassembly, what looks like a fragment is classified.
        assert_eq!(
            parse_whole(b"?OTR,1,2,ab,", classify::message_type(b"?OTR,1,2,ab,")),
            Ok(Message::Unknown)
        );
        let Ok(Message::Fragment(f)) = parse(b"?OTR,1,2,ab,") else {
            panic!("not a fragment")
        };
        assert_eq!((f.k, f.n, f.piece), (1, 2, &b"ab"[..]));
        assert!(matches!(
            parse(b"?OTR,0,2,ab,"),
            Err(ParseError::Fragment(_))
        ));
        let Ok(Message::TaggedPlaintext { text, tag }) =
            parse(b"a \t  \t\t\t\t \t \t \t    \t\t  \t\tb")
        else {
            panic!("not tagged")
        };
        assert_eq!(text, b"ab");
        assert_eq!(tag.versions, Versions::V3);
    }

    proptest::proptest! {
        /// Only the C string counts: whatever follows a NUL changes nothing,
        /// and what comes back ends before it.
        #[test]
        fn bytes_after_a_nul_do_not_count(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                &b"?OTR"[..], b"?OTR:", b"?OTR|", b"?OTR,", b"?OTRv3?", b"?OTR Error: ",
                b"AAMD", b"AAIK", b"1,2,", b"100|101,", b"x", b".", b",", b"\0",
                b" \t  \t\t\t\t \t \t \t  ", b"  \t\t  \t\t",
            ]), 0..10),
        ) {
            let msg = pieces.concat();
            let cut = c_str(&msg);
            proptest::prop_assert_eq!(parse(&msg), parse(cut));
            match parse(&msg) {
                Ok(Message::Plaintext(text)) => {
                    proptest::prop_assert!(!text.contains(&0));
                }
                Ok(Message::TaggedPlaintext { text, .. }) => {
                    proptest::prop_assert!(!text.contains(&0));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn encoded() {
        let key = EncodedMessage::DhKey(DhKey {
            header: Header::v3(0x100, 0x101),
            gy: crate::wire::codec::Mpi::new(&[5; 10]),
        });
        let wire = key.to_otr();
        assert_eq!(parse(wire.as_bytes()), Ok(Message::Encoded(key)));
        let cut = &wire.as_bytes()[..wire.len() - 6];
        assert!(matches!(parse(cut), Err(ParseError::Encoded(_))));
    }
}
