//! Plaintext-level OTR messages: query messages, whitespace tags and error
//! messages (spec "OTR messages": "OTR Query Messages", "Tagged plaintext
//! messages", "OTR Error Messages"), plus the policy bits that decide which
//! versions we speak.

use super::base64::{c_str, find};

/// libotr's `OtrlPolicy` bitmask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Policy(pub u32);

impl Policy {
    /// OTRL_POLICY_ALLOW_V1.
    pub const ALLOW_V1: Policy = Policy(0x01);
    /// OTRL_POLICY_ALLOW_V2.
    pub const ALLOW_V2: Policy = Policy(0x02);
    /// OTRL_POLICY_ALLOW_V3.
    pub const ALLOW_V3: Policy = Policy(0x04);
    /// OTRL_POLICY_REQUIRE_ENCRYPTION.
    pub const REQUIRE_ENCRYPTION: Policy = Policy(0x08);
    /// OTRL_POLICY_SEND_WHITESPACE_TAG.
    pub const SEND_WHITESPACE_TAG: Policy = Policy(0x10);
    /// OTRL_POLICY_WHITESPACE_START_AKE.
    pub const WHITESPACE_START_AKE: Policy = Policy(0x20);
    /// OTRL_POLICY_ERROR_START_AKE.
    pub const ERROR_START_AKE: Policy = Policy(0x40);
    /// OTRL_POLICY_NEVER.
    pub const NEVER: Policy = Policy(0);

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Policy) -> bool {
        self.0 & other.0 == other.0
    }

    /// The protocol versions this policy allows.
    pub fn versions(self) -> Versions {
        Versions((self.0 & 0x07) as u8)
    }
}

/// A set of OTR protocol versions (bit 0 = v1, bit 1 = v2, bit 2 = v3, as in
/// libotr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Versions(pub u8);

impl Versions {
    /// Version 1.
    pub const V1: Versions = Versions(1 << 0);
    /// Version 2.
    pub const V2: Versions = Versions(1 << 1);
    /// Version 3.
    pub const V3: Versions = Versions(1 << 2);

    /// Whether every version in `other` is present.
    pub fn contains(self, other: Versions) -> bool {
        self.0 & other.0 == other.0
    }

    /// Add the versions in `other`.
    pub fn insert(&mut self, other: Versions) {
        self.0 |= other.0;
    }

    /// The highest version offered here and allowed by `policy`, or 0 —
    /// v3 before v2 before v1, as libotr chooses (spec "Protocol state
    /// machine": "choose the highest version in common").
    pub fn best(self, policy: Policy) -> u32 {
        let common = self.0 & policy.versions().0;
        [(Versions::V3, 3), (Versions::V2, 2), (Versions::V1, 1)]
            .into_iter()
            .find(|(v, _)| common & v.0 != 0)
            .map_or(0, |(_, n)| n)
    }
}

/// The start of every OTR query message.
pub const QUERY_PREFIX: &[u8] = b"?OTR";

/// Parse the versions offered by the query message in `msg` (spec "OTR Query
/// Messages"). Mirrors `otrl_proto_query_bestversion`: at the first `?OTR`,
/// a `?` offers v1; then a `v` starts a list of version characters running
/// to the next `?` (or the end), of which `2` and `3` are recognised.
/// Returns `None` if there is no `?OTR` at all.
pub fn query_versions(msg: &[u8]) -> Option<Versions> {
    let msg = c_str(msg);
    let start = find(msg, QUERY_PREFIX)?;
    let mut rest = msg.get(start + QUERY_PREFIX.len()..).unwrap_or_default();
    let mut versions = Versions::default();
    if let Some(tail) = rest.strip_prefix(b"?") {
        versions.insert(Versions::V1);
        rest = tail;
    }
    if let Some(tail) = rest.strip_prefix(b"v") {
        for &c in tail.iter().take_while(|&&c| c != b'?') {
            match c {
                b'2' => versions.insert(Versions::V2),
                b'3' => versions.insert(Versions::V3),
                _ => {}
            }
        }
    }
    Some(versions)
}

/// The best version both sides support, given a query message and our
/// policy; 0 if none (as `otrl_proto_query_bestversion`).
pub fn query_bestversion(msg: &[u8], policy: Policy) -> u32 {
    query_versions(msg).map_or(0, |v| v.best(policy))
}

/// The version tag of a query message for the versions `policy` allows
/// (spec "OTR Query Messages"): `?OTR` + (`?` if v1) + (`v`, `2`?, `3`?, `?`
/// if v2 or v3). E.g. `?OTRv23?`, `?OTR?`, `?OTR?v23?`, and a bare `?OTR`
/// when nothing is allowed.
pub fn query_tag(policy: Policy) -> String {
    let versions = policy.versions();
    let mut tag = String::from("?OTR");
    if versions.contains(Versions::V1) {
        tag.push('?');
    }
    if versions.0 & (Versions::V2.0 | Versions::V3.0) != 0 {
        tag.push('v');
        if versions.contains(Versions::V2) {
            tag.push('2');
        }
        if versions.contains(Versions::V3) {
            tag.push('3');
        }
        tag.push('?');
    }
    tag
}

/// The default query message, byte-identical to Debian's libotr 4.1.1
/// `otrl_proto_default_query_msg` (Debian adds the Pidgin sentence).
pub fn default_query_msg(account_name: &[u8], policy: Policy) -> Vec<u8> {
    const SITE: &str = "<a href=\"https://otr.cypherpunks.ca/\">";
    let mut out = query_tag(policy).into_bytes();
    out.extend_from_slice(b"\n<b>");
    out.extend_from_slice(account_name);
    out.extend_from_slice(b"</b> has requested an ");
    out.extend_from_slice(SITE.as_bytes());
    out.extend_from_slice(
        b"Off-the-Record private conversation</a>.  However, you do not have a plugin \
to support that.\nIf you are using Pidgin in Debian or Ubuntu,install the pidgin-otr \
package.\nSee ",
    );
    out.extend_from_slice(SITE.as_bytes());
    out.extend_from_slice(b"https://otr.cypherpunks.ca/</a> for more information.");
    out
}

/// The whitespace tag base (spec "Tagged plaintext messages": "16 bytes:
/// \x20\x09\x20\x20\x09\x09\x09\x09 \x20\x09\x20\x09\x20\x09\x20\x20").
pub const WHITESPACE_BASE: &[u8; 16] = b" \t  \t\t\t\t \t \t \t  ";
/// Whitespace tag announcing protocol v1.
pub const WHITESPACE_V1: &[u8; 8] = b" \t \t  \t ";
/// Whitespace tag announcing protocol v2.
pub const WHITESPACE_V2: &[u8; 8] = b"  \t\t  \t ";
/// Whitespace tag announcing protocol v3.
pub const WHITESPACE_V3: &[u8; 8] = b"  \t\t  \t\t";

/// A whitespace tag located in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhitespaceTag {
    /// Byte offset where the base tag starts.
    pub start: usize,
    /// Byte offset just past the last 8-byte version tag.
    pub end: usize,
    /// The versions the tag announces.
    pub versions: Versions,
}

/// Find the first whitespace tag in `msg` (as
/// `otrl_proto_whitespace_bestversion`): the base tag, then as many 8-byte
/// groups of only spaces and tabs as follow, each recognised as a version
/// tag or skipped.
pub fn find_whitespace_tag(msg: &[u8]) -> Option<WhitespaceTag> {
    let msg = c_str(msg);
    let start = find(msg, WHITESPACE_BASE)?;
    let mut end = start + WHITESPACE_BASE.len();
    let mut versions = Versions::default();
    while let Some(group) = msg.get(end..end + 8) {
        if !group.iter().all(|&c| c == b' ' || c == b'\t') {
            break;
        }
        for (tag, v) in [
            (WHITESPACE_V1, Versions::V1),
            (WHITESPACE_V2, Versions::V2),
            (WHITESPACE_V3, Versions::V3),
        ] {
            if group == tag {
                versions.insert(v);
            }
        }
        end += 8;
    }
    Some(WhitespaceTag {
        start,
        end,
        versions,
    })
}

/// The best common version announced by a whitespace tag in `msg`, and
/// where the tag is (as `otrl_proto_whitespace_bestversion`).
pub fn whitespace_bestversion(msg: &[u8], policy: Policy) -> (u32, Option<WhitespaceTag>) {
    let tag = find_whitespace_tag(msg);
    (tag.map_or(0, |t| t.versions.best(policy)), tag)
}

/// `msg` with its first whitespace tag cut out (libotr's handling of
/// tagged plaintext), or `msg` unchanged if it has none.
pub fn strip_whitespace_tag(msg: &[u8]) -> Vec<u8> {
    let msg = c_str(msg);
    match find_whitespace_tag(msg) {
        Some(tag) => {
            let mut out = msg.get(..tag.start).unwrap_or_default().to_vec();
            out.extend_from_slice(msg.get(tag.end..).unwrap_or_default());
            out
        }
        None => msg.to_vec(),
    }
}

/// The whitespace tag libotr appends to plaintext when
/// SEND_WHITESPACE_TAG is set: the base, then the v1, v2, v3 tags for the
/// versions `policy` allows, in that order.
pub fn whitespace_tag(policy: Policy) -> Vec<u8> {
    let versions = policy.versions();
    let mut out = WHITESPACE_BASE.to_vec();
    for (tag, v) in [
        (WHITESPACE_V1, Versions::V1),
        (WHITESPACE_V2, Versions::V2),
        (WHITESPACE_V3, Versions::V3),
    ] {
        if versions.contains(v) {
            out.extend_from_slice(tag);
        }
    }
    out
}

/// What libotr writes before the text of an error message it sends (spec
/// "OTR Error Messages": "the bytes `?OTR Error:`, followed by a human-
/// readable message").
pub const ERROR_PREFIX: &[u8] = b"?OTR Error: ";

/// Build an OTR error message carrying `text`.
pub fn error_message(text: &[u8]) -> Vec<u8> {
    [ERROR_PREFIX, text].concat()
}

/// The human-readable text of an error message, as libotr shows it: what
/// follows the first `?OTR Error: ` (with one more space skipped if
/// present). `None` if `msg` does not contain `?OTR Error: `.
pub fn error_text(msg: &[u8]) -> Option<&[u8]> {
    let msg = c_str(msg);
    let start = find(msg, ERROR_PREFIX)? + ERROR_PREFIX.len();
    let text = msg.get(start..).unwrap_or_default();
    Some(text.strip_prefix(b" ").unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_tags_by_policy() {
        for (bits, tag) in [
            (0, "?OTR"),
            (1, "?OTR?"),
            (2, "?OTRv2?"),
            (4, "?OTRv3?"),
            (6, "?OTRv23?"),
            (7, "?OTR?v23?"),
        ] {
            assert_eq!(query_tag(Policy(bits)), tag);
            if bits != 0 {
                assert_eq!(query_versions(tag.as_bytes()), Some(Versions(bits as u8)));
            }
        }
    }

    #[test]
    fn bestversion() {
        let all = Policy(7);
        assert_eq!(query_bestversion(b"?OTRv23?", all), 3);
        assert_eq!(query_bestversion(b"?OTRv23?", Policy(2)), 2);
        assert_eq!(query_bestversion(b"?OTR?", all), 1);
        assert_eq!(query_bestversion(b"?OTR?", Policy(6)), 0);
        assert_eq!(query_bestversion(b"?OTRv24x", all), 2);
        assert_eq!(query_bestversion(b"hello", all), 0);
    }

    #[test]
    fn whitespace() {
        let mut msg = b"hi".to_vec();
        msg.extend_from_slice(&whitespace_tag(Policy(6)));
        msg.extend_from_slice(b"there");
        let (best, tag) = whitespace_bestversion(&msg, Policy(7));
        assert_eq!(best, 3);
        assert_eq!(tag.map(|t| (t.start, t.end)), Some((2, 34)));
        assert_eq!(strip_whitespace_tag(&msg), b"hithere");
        assert_eq!(whitespace_bestversion(&msg, Policy(2)).0, 2);
        assert_eq!(strip_whitespace_tag(b"plain"), b"plain");
    }

    #[test]
    fn errors() {
        assert_eq!(error_text(b"?OTR Error:  boom"), Some(&b"boom"[..]));
        assert_eq!(error_text(b"?OTR Error:boom"), None);
        assert_eq!(error_message(b"x"), b"?OTR Error: x");
    }
}
