//! Fragmentation (spec "Fragmentation").
//!
//! A message too long for the transport is split into pieces, each sent as
//! `?OTR,k,n,piece,` (protocol v2) or `?OTR|sender|receiver,k,n,piece,`
//! (protocol v3, instance tags in hex). libotr reads these headers with
//! `sscanf`, so [`parse`] reproduces `sscanf`'s number syntax: leading
//! whitespace, an optional sign, and (for hex) an optional `0x`; decimal
//! values wrap to 16 bits like `%hu`.
//!
//! Reassembly ([`Reassembler`]) follows libotr's rules — a fragment with
//! k = 1 starts over, k = previous k + 1 with the same n appends, anything
//! else discards what was collected — but, unlike libotr, the reassembled
//! size is capped (libotr's uncapped buffer arithmetic was CVE-2016-2851).

use super::base64::{byte_position, c_str, find};

/// The default cap on a reassembled message: 100 MiB. The number of pieces
/// is inherently capped at 65535 because n is 16 bits.
pub const DEFAULT_MAX_REASSEMBLED_LEN: usize = 100 * 1024 * 1024;

/// The most fragments one message can be split into (n is a 16-bit value).
pub const MAX_FRAGMENTS: usize = 65535;

/// Bytes libotr reserves for a v2 fragment header and trailer plus its
/// C-string terminator: `?OTR,%05hu,%05hu,` + `,` + NUL.
pub const V2_HEADER_LEN: usize = 19;
/// Likewise for v3: `?OTR|%08x|%08x,%05hu,%05hu,` + `,` + NUL.
pub const V3_HEADER_LEN: usize = 37;

/// Which fragment header to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentFormat {
    /// `?OTR,k,n,piece,`.
    V2,
    /// `?OTR|sender|receiver,k,n,piece,`.
    V3 {
        /// Our instance tag.
        sender_instance: u32,
        /// Their instance tag.
        receiver_instance: u32,
    },
}

impl FragmentFormat {
    /// libotr's header allowance (19 or 37) for this format.
    pub fn header_len(self) -> usize {
        match self {
            Self::V2 => V2_HEADER_LEN,
            Self::V3 { .. } => V3_HEADER_LEN,
        }
    }
}

/// A parsed fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment<'a> {
    /// (sender, receiver) instance tags for the v3 form, `None` for v2.
    pub instance_tags: Option<(u32, u32)>,
    /// This piece's index, 1-based.
    pub k: u16,
    /// Total number of pieces.
    pub n: u16,
    /// The piece itself (non-empty, without commas).
    pub piece: &'a [u8],
}

/// Why a fragment was rejected or could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentError {
    /// Has a fragment tag but does not follow the fragment syntax.
    Malformed,
    /// k or n is zero, or k > n.
    BadIndex { k: u16, n: u16 },
    /// The maximum message size leaves no room for data after the header.
    MmsTooSmall { mms: usize, header_len: usize },
    /// More than 65535 fragments would be needed (or were asked for).
    TooManyFragments(usize),
}

impl core::fmt::Display for FragmentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed => write!(f, "malformed fragment"),
            Self::BadIndex { k, n } => write!(f, "bad fragment index {k} of {n}"),
            Self::MmsTooSmall { mms, header_len } => {
                write!(
                    f,
                    "max message size {mms} leaves no room after a {header_len}-byte header"
                )
            }
            Self::TooManyFragments(c) => write!(f, "{c} fragments (at most 65535)"),
        }
    }
}

impl std::error::Error for FragmentError {}

/// A cursor reproducing the parts of C `sscanf` that libotr's fragment
/// formats use.
struct Scan<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// A literal byte of the format.
    fn lit(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    fn skip_space(&mut self) {
        while matches!(
            self.peek(),
            Some(b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
        ) {
            self.pos += 1;
        }
    }

    /// An optional sign; true if negative.
    fn sign(&mut self) -> bool {
        match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                true
            }
            Some(b'+') => {
                self.pos += 1;
                false
            }
            _ => false,
        }
    }

    /// Digits in `radix`, as strtoul: saturating at u64::MAX, and a
    /// leading `-` negating (modulo 2^64) unless it saturated.
    fn digits(&mut self, radix: u32, negative: bool) -> Option<u64> {
        let start = self.pos;
        let mut value: u64 = 0;
        let mut overflow = false;
        while let Some(d) = self.peek().and_then(|c| char::from(c).to_digit(radix)) {
            match value
                .checked_mul(u64::from(radix))
                .and_then(|v| v.checked_add(u64::from(d)))
            {
                Some(v) => value = v,
                None => overflow = true,
            }
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        Some(match (overflow, negative) {
            (true, _) => u64::MAX,
            (false, true) => value.wrapping_neg(),
            (false, false) => value,
        })
    }

    /// `%hu`.
    fn short(&mut self) -> Option<u16> {
        self.skip_space();
        let negative = self.sign();
        self.digits(10, negative).map(|v| v as u16)
    }

    /// `%x` into an unsigned int. As glibc does, a `0x` prefix is consumed
    /// even when no hex digit follows it (the value is then 0).
    fn hex(&mut self) -> Option<u32> {
        self.skip_space();
        let negative = self.sign();
        let prefixed =
            self.peek() == Some(b'0') && matches!(self.s.get(self.pos + 1), Some(b'x' | b'X'));
        if prefixed {
            self.pos += 2;
            return Some(self.digits(16, negative).unwrap_or(0) as u32);
        }
        self.digits(16, negative).map(|v| v as u32)
    }

    /// `%*[^,]`: at least one byte that is not a comma.
    fn not_comma(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != b',') {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.s.get(start..self.pos).unwrap_or_default())
    }
}

/// `k,n,piece,` — the common tail of both fragment formats.
fn scan_tail<'a>(scan: &mut Scan<'a>) -> Option<(u16, u16, &'a [u8])> {
    let k = scan.short()?;
    scan.lit(b',')?;
    let n = scan.short()?;
    scan.lit(b',')?;
    let piece = scan.not_comma()?;
    scan.lit(b',')?;
    Some((k, n, piece))
}

/// Parse the fragment in `msg`, if any (as libotr's
/// `otrl_proto_fragment_accumulate` does): the first `?OTR|` anywhere makes
/// it a v3 fragment; failing that, the first `?OTR,` makes it a v2 one;
/// otherwise it is not a fragment (`Ok(None)`). Anything after the
/// closing comma is ignored.
pub fn parse(msg: &[u8]) -> Result<Option<Fragment<'_>>, FragmentError> {
    Searched::new(msg).fragment()
}

/// An incoming message searched once for where a fragment would start, for
/// all that need to know: the instance tags of a v3 fragment, and the
/// [`Reassembler`]. A message that is no fragment is scanned only once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Searched<'a> {
    msg: &'a [u8],
    /// The first `?OTR|` (v3: true), else the first `?OTR,`.
    start: Option<(usize, bool)>,
}

impl<'a> Searched<'a> {
    /// Searches `msg` (up to its first NUL).
    pub fn new(msg: &'a [u8]) -> Self {
        Self {
            msg,
            start: fragment_start_in_c_str(msg),
        }
    }

    /// [`parse`] of the message.
    pub fn fragment(&self) -> Result<Option<Fragment<'a>>, FragmentError> {
        let Some((start, v3)) = self.start else {
            return Ok(None);
        };
        let mut scan = Scan {
            s: c_str(self.msg.get(start + 5..).unwrap_or_default()),
            pos: 0,
        };
        let instance_tags = if v3 {
            let sender = scan.hex().ok_or(FragmentError::Malformed)?;
            scan.lit(b'|').ok_or(FragmentError::Malformed)?;
            let receiver = scan.hex().ok_or(FragmentError::Malformed)?;
            scan.lit(b',').ok_or(FragmentError::Malformed)?;
            Some((sender, receiver))
        } else {
            None
        };
        let (k, n, piece) = scan_tail(&mut scan).ok_or(FragmentError::Malformed)?;
        if k == 0 || n == 0 || k > n {
            return Err(FragmentError::BadIndex { k, n });
        }
        Ok(Some(Fragment {
            instance_tags,
            k,
            n,
            piece,
        }))
    }

    /// [`fragment_instance_tags`] of the message.
    pub fn instance_tags(&self) -> Option<(u32, u32)> {
        // A `?OTR|` is there exactly when the fragment found is a v3 one.
        let Some((_, true)) = self.start else {
            return None;
        };
        // The first `?OTR` comes no later than the `?OTR|`, so before any
        // NUL; the scan below stops at a NUL as it stops at any non-digit.
        let start = find(self.msg, b"?OTR")?;
        if self.msg.get(start + 4) != Some(&b'|') {
            return None;
        }
        let mut scan = Scan {
            s: self.msg.get(start + 5..).unwrap_or_default(),
            pos: 0,
        };
        let mut sender = 0;
        let mut receiver = 0;
        let _ = (|| {
            sender = scan.hex()?;
            scan.lit(b'|')?;
            receiver = scan.hex()?;
            Some(())
        })();
        Some((sender, receiver))
    }
}

/// Where the fragment in `msg` starts, and whether it is a v3 one: the first
/// `?OTR|` if there is one, otherwise the first `?OTR,` (libotr looks for
/// the two in that order), found in one pass over the message.
fn fragment_start(msg: &[u8]) -> Option<(usize, bool)> {
    let mut v2 = None;
    let mut from = 0;
    while let Some(at) = find(msg.get(from..).unwrap_or_default(), b"?OTR").map(|i| from + i) {
        match msg.get(at + 4) {
            Some(b'|') => return Some((at, true)),
            Some(b',') => v2 = v2.or(Some(at)),
            _ => {}
        }
        from = at + 1;
    }
    v2.map(|at| (at, false))
}

/// [`fragment_start`] of the C string `msg` (up to its first NUL). The
/// answer for the whole buffer stands if no NUL comes before it, which
/// needs no scan past it; otherwise the C string is searched again.
fn fragment_start_in_c_str(msg: &[u8]) -> Option<(usize, bool)> {
    let (at, v3) = fragment_start(msg)?;
    if byte_position(msg.get(..at)?, 0).is_none() {
        Some((at, v3))
    } else {
        fragment_start(c_str(msg))
    }
}

/// The instance tags libotr's message handler reads from a message whose
/// first `?OTR` is followed by `|` (`sscanf(first "?OTR", "?OTR|%x|%x,")`):
/// `None` for any other message, even one with a `?OTR|` further on;
/// otherwise (sender, receiver), each left 0 if the scan stopped before it.
pub fn fragment_instance_tags(msg: &[u8]) -> Option<(u32, u32)> {
    Searched::new(msg).instance_tags()
}

/// Result of feeding one incoming message to a [`Reassembler`], as libotr's
/// `OtrlFragmentResult`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accumulated {
    /// Not a fragment; any partial message was discarded.
    Unfragmented,
    /// A fragment was taken (or ignored as malformed); nothing complete yet.
    Incomplete,
    /// The last piece arrived; here is the whole message.
    Complete(Vec<u8>),
}

/// Collects the pieces of one fragmented message (one per context, as in
/// libotr). Pieces are held only while they arrive in order; the total is
/// capped at `max_len` bytes — a message that would grow beyond it is
/// discarded, just as libotr discards one whose buffer cannot be allocated.
#[derive(Debug, Clone)]
pub struct Reassembler {
    buf: Vec<u8>,
    k: u16,
    n: u16,
    max_len: usize,
}

impl Default for Reassembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Reassembler {
    /// A reassembler with the default cap ([`DEFAULT_MAX_REASSEMBLED_LEN`]).
    pub fn new() -> Self {
        Self::with_max_len(DEFAULT_MAX_REASSEMBLED_LEN)
    }

    /// A reassembler whose reassembled message may hold at most `max_len`
    /// bytes.
    pub fn with_max_len(max_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            k: 0,
            n: 0,
            max_len,
        }
    }

    /// Pieces received so far (k) and expected (n); (0, 0) when idle.
    pub fn progress(&self) -> (u16, u16) {
        (self.k, self.n)
    }

    /// Forget any partial message.
    pub fn reset(&mut self) {
        self.buf = Vec::new();
        self.k = 0;
        self.n = 0;
    }

    /// Feed one incoming message (as `otrl_proto_fragment_accumulate`).
    pub fn accumulate(&mut self, msg: &[u8]) -> Accumulated {
        self.accumulate_searched(&Searched::new(msg))
    }

    /// [`Self::accumulate`] of a message already searched.
    pub fn accumulate_searched(&mut self, msg: &Searched<'_>) -> Accumulated {
        let fragment = match msg.fragment() {
            Ok(None) => {
                self.reset();
                return Accumulated::Unfragmented;
            }
            // libotr leaves its state untouched for a malformed fragment.
            Err(_) => return Accumulated::Incomplete,
            Ok(Some(f)) => f,
        };
        if fragment.k == 1 {
            self.reset();
            self.append(fragment);
        } else if fragment.n == self.n && Some(fragment.k) == self.k.checked_add(1) {
            self.append(fragment);
        } else {
            self.reset();
        }
        if self.n > 0 && self.k == self.n {
            let whole = core::mem::take(&mut self.buf);
            self.reset();
            return Accumulated::Complete(whole);
        }
        Accumulated::Incomplete
    }

    fn append(&mut self, fragment: Fragment<'_>) {
        let fits = self
            .buf
            .len()
            .checked_add(fragment.piece.len())
            .is_some_and(|total| total <= self.max_len);
        if !fits {
            self.reset();
            return;
        }
        self.buf.extend_from_slice(fragment.piece);
        self.k = fragment.k;
        self.n = fragment.n;
    }
}

/// How many fragments libotr's sender uses for a `msg_len`-byte message:
/// ceil(msg_len / (mms - header_len)), computed as libotr does.
pub fn fragment_count(
    msg_len: usize,
    mms: usize,
    format: FragmentFormat,
) -> Result<usize, FragmentError> {
    let header_len = format.header_len();
    let room = mms
        .checked_sub(header_len)
        .filter(|&r| r > 0)
        .ok_or(FragmentError::MmsTooSmall { mms, header_len })?;
    Ok(msg_len.saturating_sub(1) / room + 1)
}

/// Split `msg` exactly as libotr's `otrl_proto_fragment_create(mms, count,
/// ...)`: piece i holds the next min(remaining, mms - header_len) bytes
/// (so surplus fragments are empty and a too-small count truncates), and
/// each is written as `?OTR,%05hu,%05hu,piece,` or
/// `?OTR|%08x|%08x,%05hu,%05hu,piece,`.
pub fn create_fragments(
    msg: &[u8],
    mms: usize,
    count: usize,
    format: FragmentFormat,
) -> Result<Vec<Vec<u8>>, FragmentError> {
    create_fragments_with(msg, mms, count, format, format.header_len())
}

/// [`create_fragments`] with libotr's header allowance chosen apart from the
/// format, as `otrl_proto_fragment_create` does (the allowance follows the
/// session's protocol version, the format the AKE's). Each fragment is cut
/// to `piece + header_len - 1` bytes, as libotr's `snprintf` bound cuts it:
/// a v3 header under the v2 allowance loses its end.
pub fn create_fragments_with(
    msg: &[u8],
    mms: usize,
    count: usize,
    format: FragmentFormat,
    header_len: usize,
) -> Result<Vec<Vec<u8>>, FragmentError> {
    let room = mms
        .checked_sub(header_len)
        .filter(|&r| r > 0)
        .ok_or(FragmentError::MmsTooSmall { mms, header_len })?;
    if count == 0 || count > MAX_FRAGMENTS {
        return Err(FragmentError::TooManyFragments(count));
    }
    let msg = c_str(msg);
    let mut rest = msg;
    let mut out = Vec::with_capacity(count);
    for k in 1..=count {
        let (piece, tail) = rest.split_at(room.min(rest.len()));
        rest = tail;
        let header = match format {
            FragmentFormat::V2 => format!("?OTR,{k:05},{count:05},"),
            FragmentFormat::V3 {
                sender_instance,
                receiver_instance,
            } => format!("?OTR|{sender_instance:08x}|{receiver_instance:08x},{k:05},{count:05},"),
        };
        let mut frag = header.into_bytes();
        frag.extend_from_slice(piece);
        frag.push(b',');
        frag.truncate(piece.len() + header_len - 1);
        out.push(frag);
    }
    Ok(out)
}

/// What libotr's sender does with an outgoing message given the transport's
/// maximum message size `mms` (0 = unlimited): a message that fits is sent
/// as is (one element); a longer one is split into
/// [`fragment_count`] fragments by [`create_fragments`].
pub fn fragment_for_mms(
    msg: &[u8],
    mms: usize,
    format: FragmentFormat,
) -> Result<Vec<Vec<u8>>, FragmentError> {
    let msg = c_str(msg);
    if mms == 0 || msg.len() <= mms {
        return Ok(vec![msg.to_vec()]);
    }
    let count = fragment_count(msg.len(), mms, format)?;
    create_fragments(msg, mms, count, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn fragment_start_is_first_v3_then_first_v2(pieces in proptest::collection::vec(
            proptest::sample::select(vec!["?OTR|", "?OTR,", "?OTR", "?OT", "x", "|", ","]), 0..12)) {
            let msg = pieces.concat().into_bytes();
            let two_searches = match (find(&msg, b"?OTR|"), find(&msg, b"?OTR,")) {
                (Some(i), _) => Some((i, true)),
                (None, Some(i)) => Some((i, false)),
                (None, None) => None,
            };
            proptest::prop_assert_eq!(fragment_start(&msg), two_searches);
        }

        #[test]
        fn parse_reads_the_c_string(pieces in proptest::collection::vec(
            proptest::sample::select(vec!["?OTR|", "?OTR,", "?OTR", "\0", "1,", "2,", "ab", "|", ","]), 0..12)) {
            let msg = pieces.concat().into_bytes();
            proptest::prop_assert_eq!(parse(&msg), parse(c_str(&msg)));
        }
    }

    #[test]
    fn parse_forms() {
        let f = parse(b"?OTR,1,3,abc,").unwrap().unwrap();
        assert_eq!(
            (f.instance_tags, f.k, f.n, f.piece),
            (None, 1, 3, &b"abc"[..])
        );
        let f = parse(b"x ?OTR|0000abcd|00000100,00002,00003,de,f")
            .unwrap()
            .unwrap();
        assert_eq!(f.instance_tags, Some((0xabcd, 0x100)));
        assert_eq!((f.k, f.n, f.piece), (2, 3, &b"de"[..]));
        assert_eq!(parse(b"no fragment"), Ok(None));
        assert_eq!(parse(b"?OTR, 1, +2,x,").unwrap().unwrap().n, 2);
        assert_eq!(parse(b"?OTR,65537,65537,x,").unwrap().unwrap().k, 1);
    }

    #[test]
    fn parse_rejects() {
        for bad in [
            &b"?OTR,1,2,,"[..],
            b"?OTR,1,2,abc",
            b"?OTR,a,2,abc,",
            b"?OTR,1;2,abc,",
            b"?OTR|zz|1,1,2,x,",
            b"?OTR|1,1,2,x,",
            b"?OTR,",
        ] {
            assert_eq!(parse(bad), Err(FragmentError::Malformed), "{bad:?}");
        }
        assert_eq!(
            parse(b"?OTR,0,2,x,"),
            Err(FragmentError::BadIndex { k: 0, n: 2 })
        );
        assert_eq!(
            parse(b"?OTR,1,0,x,"),
            Err(FragmentError::BadIndex { k: 1, n: 0 })
        );
        assert_eq!(
            parse(b"?OTR,3,2,x,"),
            Err(FragmentError::BadIndex { k: 3, n: 2 })
        );
        assert_eq!(
            parse(b"?OTR,-1,2,x,"),
            Err(FragmentError::BadIndex { k: 65535, n: 2 })
        );
    }

    #[test]
    fn reassembly_rules() {
        let mut r = Reassembler::new();
        assert_eq!(r.accumulate(b"?OTR,1,3,ab,"), Accumulated::Incomplete);
        assert_eq!(r.accumulate(b"?OTR,2,3,cd,"), Accumulated::Incomplete);
        assert_eq!(
            r.accumulate(b"?OTR,3,3,ef,"),
            Accumulated::Complete(b"abcdef".to_vec())
        );
        assert_eq!(r.progress(), (0, 0));
        // out of order discards
        r.accumulate(b"?OTR,1,3,ab,");
        assert_eq!(r.accumulate(b"?OTR,3,3,ef,"), Accumulated::Incomplete);
        assert_eq!(r.progress(), (0, 0));
        // malformed keeps state
        r.accumulate(b"?OTR,1,2,ab,");
        assert_eq!(r.accumulate(b"?OTR,2,2,,"), Accumulated::Incomplete);
        assert_eq!(r.progress(), (1, 2));
        // plaintext discards
        assert_eq!(r.accumulate(b"hello"), Accumulated::Unfragmented);
        assert_eq!(r.progress(), (0, 0));
        // single-piece message
        assert_eq!(
            r.accumulate(b"?OTR,1,1,x,"),
            Accumulated::Complete(b"x".to_vec())
        );
    }

    #[test]
    fn reassembly_cap() {
        let mut r = Reassembler::with_max_len(4);
        r.accumulate(b"?OTR,1,3,ab,");
        r.accumulate(b"?OTR,2,3,cd,");
        assert_eq!(r.accumulate(b"?OTR,3,3,e,"), Accumulated::Incomplete);
        assert_eq!(r.progress(), (0, 0));
        assert_eq!(r.accumulate(b"?OTR,1,1,abcde,"), Accumulated::Incomplete);
    }

    #[test]
    fn create_with_libotrs_mismatched_allowance() {
        // A v3 header under the v2 allowance is cut by libotr's snprintf bound.
        let v3 = FragmentFormat::V3 {
            sender_instance: 1,
            receiver_instance: 2,
        };
        let frags = create_fragments_with(b"abcdefghij", 25, 1, v3, V2_HEADER_LEN).unwrap();
        assert_eq!(frags, vec![b"?OTR|00000001|00000002,0".to_vec()]);
        // The v2 header under the v3 allowance: whole, with less data each.
        let frags = create_fragments_with(b"abcdefghij", 40, 2, FragmentFormat::V2, V3_HEADER_LEN);
        assert_eq!(
            frags.unwrap(),
            vec![
                b"?OTR,00001,00002,abc,".to_vec(),
                b"?OTR,00002,00002,def,".to_vec()
            ]
        );
    }

    #[test]
    fn create() {
        let frags = create_fragments(b"abcdefg", 22, 3, FragmentFormat::V2).unwrap();
        assert_eq!(
            frags,
            vec![
                b"?OTR,00001,00003,abc,".to_vec(),
                b"?OTR,00002,00003,def,".to_vec(),
                b"?OTR,00003,00003,g,".to_vec(),
            ]
        );
        let v3 = FragmentFormat::V3 {
            sender_instance: 0x100,
            receiver_instance: 0xabcdef12,
        };
        let frags = fragment_for_mms(&[b'x'; 100], 60, v3).unwrap();
        assert_eq!(frags.len(), 5);
        assert!(frags[0].starts_with(b"?OTR|00000100|abcdef12,00001,00005,"));
        assert!(frags.iter().all(|f| f.len() <= 60));
        let mut r = Reassembler::new();
        let results: Vec<_> = frags.iter().map(|f| r.accumulate(f)).collect();
        assert_eq!(
            results.last(),
            Some(&Accumulated::Complete(vec![b'x'; 100]))
        );
        assert_eq!(
            fragment_for_mms(b"short", 60, v3).unwrap(),
            vec![b"short".to_vec()]
        );
        assert!(create_fragments(b"x", 19, 1, FragmentFormat::V2).is_err());
        assert!(create_fragments(b"x", 30, 0, FragmentFormat::V2).is_err());
        assert!(create_fragments(b"x", 30, 65536, FragmentFormat::V2).is_err());
    }

    #[test]
    fn instance_tags_scan() {
        assert_eq!(
            fragment_instance_tags(b"?OTR|100|200,1,2,x,"),
            Some((0x100, 0x200))
        );
        assert_eq!(fragment_instance_tags(b"?OTR|zz"), Some((0, 0)));
        assert_eq!(fragment_instance_tags(b"?OTRv3? ?OTR|1|2,"), None);
        assert_eq!(fragment_instance_tags(b"?OTR,1,2,?OTR|1|2,"), None);
        assert_eq!(fragment_instance_tags(b"?OTR,1,2,x,"), None);
    }
}
