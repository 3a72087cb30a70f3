//! OTR data types and a bounds-checked reader/writer for them.
//!
//! Protocol v3 spec, section "Data types": BYTE (1 byte), SHORT (2 bytes), INT
//! (4 bytes, all big-endian unsigned), MPI (4-byte length then big-endian
//! magnitude), DATA (4-byte length then bytes), CTR (8 bytes), MAC (20 bytes),
//! PUBKEY and SIG.
//!
//! [`Reader`] never trusts a length field: every length is compared with the
//! bytes actually remaining before anything is sliced or allocated, so a
//! hostile length can neither make us read past the end nor allocate more
//! than the input already occupies. Errors are values ([`DecodeError`]).

use core::fmt;

/// The only public key type OTR defines (spec "Public keys, signatures, and
/// fingerprints"): DSA, type 0x0000.
pub const PUBKEY_TYPE_DSA: u16 = 0x0000;
/// Length of a CTR field (spec "Data types": "CTR: 8 bytes").
pub const CTR_LEN: usize = 8;
/// Length of a MAC field (spec "Data types": "MAC: 20 bytes").
pub const MAC_LEN: usize = 20;

/// Why binary OTR data could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A field needed `needed` bytes but only `remaining` were left.
    Truncated { needed: usize, remaining: usize },
    /// The message had `0` bytes left over after its last field.
    TrailingBytes(usize),
    /// A PUBKEY had a type other than DSA (0x0000).
    UnsupportedPubkeyType(u16),
    /// The protocol version in a message header is not 2 or 3.
    UnsupportedVersion(u16),
    /// The message type byte is not one this parser knows.
    UnknownMessageType(u8),
    /// The message type byte differs from the one the caller asked for.
    WrongMessageType { expected: u8, found: u8 },
    /// A fixed-size field carried a length other than the spec's.
    BadFieldLength {
        field: &'static str,
        expected: usize,
        found: usize,
    },
    /// A SIG's length is not twice the byte length of the key's `q`.
    BadSignatureLength { q_len: usize, found: usize },
    /// A key id of zero, which the spec forbids ("keyids start at 1").
    ZeroKeyId,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed, remaining } => {
                write!(f, "truncated: needed {needed} bytes, {remaining} left")
            }
            Self::TrailingBytes(n) => write!(f, "{n} unexpected trailing bytes"),
            Self::UnsupportedPubkeyType(t) => write!(f, "unsupported public key type {t:#06x}"),
            Self::UnsupportedVersion(v) => write!(f, "unsupported protocol version {v}"),
            Self::UnknownMessageType(t) => write!(f, "unknown message type {t:#04x}"),
            Self::WrongMessageType { expected, found } => {
                write!(
                    f,
                    "expected message type {expected:#04x}, found {found:#04x}"
                )
            }
            Self::BadFieldLength {
                field,
                expected,
                found,
            } => write!(f, "{field}: expected length {expected}, found {found}"),
            Self::BadSignatureLength { q_len, found } => {
                write!(f, "signature of {found} bytes for a {q_len}-byte q")
            }
            Self::ZeroKeyId => write!(f, "key id 0"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// An MPI (spec "Data types": "Multi-precision integers ... 4 byte unsigned
/// len, big-endian; len byte unsigned big-endian value").
///
/// The bytes are kept exactly as they appeared on the wire (libotr accepts
/// leading zero bytes and a zero length), so re-encoding a received MPI gives
/// back the received bytes — which matters because MACs and fingerprints are
/// computed over the bytes as received. Values we create ourselves go through
/// [`Mpi::new`], which produces the minimal encoding the spec requires for
/// writing.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Mpi {
    bytes: Vec<u8>,
}

impl Mpi {
    /// An MPI from a big-endian magnitude, minimally encoded (leading zero
    /// bytes removed; zero is the empty byte string).
    pub fn new(magnitude: &[u8]) -> Self {
        Self {
            bytes: strip_leading_zeros(magnitude).to_vec(),
        }
    }

    /// An MPI holding exactly `bytes`, as read from the wire.
    pub fn from_wire(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }

    /// The bytes as they are (or will be) encoded on the wire.
    pub fn wire_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The big-endian magnitude without leading zero bytes.
    pub fn magnitude(&self) -> &[u8] {
        strip_leading_zeros(&self.bytes)
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.magnitude().is_empty()
    }
}

impl fmt::Debug for Mpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mpi(")?;
        for b in &self.bytes {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

/// A CTR field: the top half of an AES-CTR counter (spec "Data types").
pub type Ctr = [u8; CTR_LEN];
/// A MAC field: an HMAC-SHA1 output (spec "Data types").
pub type Mac = [u8; MAC_LEN];

/// A DSA public key (spec "Public keys, signatures, and fingerprints":
/// "Pubkey type (SHORT) ... DSA public keys have type 0x0000; p (MPI),
/// q (MPI), g (MPI), y (MPI)").
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PubKey {
    /// DSA modulus p.
    pub p: Mpi,
    /// DSA subgroup order q.
    pub q: Mpi,
    /// DSA generator g.
    pub g: Mpi,
    /// DSA public value y.
    pub y: Mpi,
}

impl PubKey {
    /// The serialized key without its 2-byte type: p, q, g, y as MPIs,
    /// byte-identical to what was received. The key fingerprint is SHA-1 of
    /// these bytes (spec "Public keys, signatures, and fingerprints").
    pub fn fingerprint_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.mpi(&self.p).mpi(&self.q).mpi(&self.g).mpi(&self.y);
        w.into_bytes()
    }

    /// The byte length of `q`, which fixes the length of r and s in a SIG.
    pub fn q_len(&self) -> usize {
        self.q.magnitude().len()
    }
}

/// A DSA signature (spec "Public keys, signatures, and fingerprints": "r
/// and s, each as many bytes as q; if q is 160 bits, 20 bytes each").
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Sig {
    /// r, big-endian, padded to the byte length of q.
    pub r: Vec<u8>,
    /// s, big-endian, padded to the byte length of q.
    pub s: Vec<u8>,
}

impl Sig {
    /// Split a SIG field for a key whose `q` is `q_len` bytes long.
    pub fn from_bytes(bytes: &[u8], q_len: usize) -> Result<Self, DecodeError> {
        let bad = || DecodeError::BadSignatureLength {
            q_len,
            found: bytes.len(),
        };
        if q_len == 0 || Some(bytes.len()) != q_len.checked_mul(2) {
            return Err(bad());
        }
        let (r, s) = bytes.split_at(q_len);
        Ok(Self {
            r: r.to_vec(),
            s: s.to_vec(),
        })
    }

    /// r followed by s, as they appear on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.r.len() + self.s.len());
        out.extend_from_slice(&self.r);
        out.extend_from_slice(&self.s);
        out
    }
}

/// A cursor over untrusted bytes. Every read checks the remaining length
/// first and returns [`DecodeError::Truncated`] instead of panicking.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Start reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// How many bytes have been consumed.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes not yet consumed.
    pub fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Number of bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.rest().len()
    }

    /// The bytes consumed so far (from the start of the buffer).
    pub fn consumed(&self) -> &'a [u8] {
        self.buf.get(..self.pos).unwrap_or_default()
    }

    /// Take exactly `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let rest = self.rest();
        let out = rest.get(..n).ok_or(DecodeError::Truncated {
            needed: n,
            remaining: rest.len(),
        })?;
        self.pos += n;
        Ok(out)
    }

    /// Take a fixed-size array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    /// BYTE.
    pub fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    /// SHORT (2 bytes, big-endian).
    pub fn short(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// INT (4 bytes, big-endian).
    pub fn int(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// DATA: an INT length then that many bytes. The length is checked
    /// against what remains before slicing.
    pub fn data(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.int()?;
        let len = usize::try_from(len).map_err(|_| DecodeError::Truncated {
            needed: usize::MAX,
            remaining: self.remaining(),
        })?;
        self.bytes(len)
    }

    /// MPI, kept byte-exact (see [`Mpi`]).
    pub fn mpi(&mut self) -> Result<Mpi, DecodeError> {
        Ok(Mpi::from_wire(self.data()?.to_vec()))
    }

    /// CTR (8 bytes).
    pub fn ctr(&mut self) -> Result<Ctr, DecodeError> {
        self.array()
    }

    /// MAC (20 bytes).
    pub fn mac(&mut self) -> Result<Mac, DecodeError> {
        self.array()
    }

    /// PUBKEY: type SHORT (must be DSA), then p, q, g, y.
    pub fn pubkey(&mut self) -> Result<PubKey, DecodeError> {
        let kind = self.short()?;
        if kind != PUBKEY_TYPE_DSA {
            return Err(DecodeError::UnsupportedPubkeyType(kind));
        }
        Ok(PubKey {
            p: self.mpi()?,
            q: self.mpi()?,
            g: self.mpi()?,
            y: self.mpi()?,
        })
    }

    /// Succeed only if everything has been consumed.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }
}

/// Builds OTR binary data field by field.
#[derive(Clone, Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `capacity` bytes (no reallocation on
    /// the way when the final size is known).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
        }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Finish and return the bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// Raw bytes, no length prefix.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(bytes);
        self
    }

    /// BYTE.
    pub fn byte(&mut self, v: u8) -> &mut Self {
        self.raw(&[v])
    }

    /// SHORT.
    pub fn short(&mut self, v: u16) -> &mut Self {
        self.raw(&v.to_be_bytes())
    }

    /// INT.
    pub fn int(&mut self, v: u32) -> &mut Self {
        self.raw(&v.to_be_bytes())
    }

    /// DATA. OTR lengths are 32-bit; longer inputs cannot be represented,
    /// so the length saturates (callers never build such messages: the
    /// fragment reassembly cap keeps everything far below 4 GiB).
    pub fn data(&mut self, bytes: &[u8]) -> &mut Self {
        self.data_length(bytes.len()).raw(bytes)
    }

    /// The length that starts a DATA of `len` bytes (saturating as [`Self::data`]).
    pub fn data_length(&mut self, len: usize) -> &mut Self {
        self.int(u32::try_from(len).unwrap_or(u32::MAX))
    }

    /// MPI (its wire bytes, see [`Mpi`]).
    pub fn mpi(&mut self, v: &Mpi) -> &mut Self {
        self.data(v.wire_bytes())
    }

    /// PUBKEY: type 0x0000 then p, q, g, y.
    pub fn pubkey(&mut self, key: &PubKey) -> &mut Self {
        self.short(PUBKEY_TYPE_DSA).raw(&key.fingerprint_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_roundtrip() {
        let mut w = Writer::new();
        w.byte(7).short(0x1234).int(0xdead_beef);
        let bytes = w.into_bytes();
        assert_eq!(bytes, [7, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef]);
        let mut r = Reader::new(&bytes);
        assert_eq!(r.byte(), Ok(7));
        assert_eq!(r.short(), Ok(0x1234));
        assert_eq!(r.int(), Ok(0xdead_beef));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn mpi_minimal_on_write_exact_on_read() {
        assert_eq!(Mpi::new(&[0, 0, 1, 2]).wire_bytes(), &[1, 2]);
        assert!(Mpi::new(&[0, 0]).is_zero());
        let mut w = Writer::new();
        w.mpi(&Mpi::new(&[0, 5]));
        assert_eq!(w.as_bytes(), &[0, 0, 0, 1, 5]);
        let wire = [0, 0, 0, 3, 0, 0, 9];
        let m = Reader::new(&wire).mpi().unwrap();
        assert_eq!(m.wire_bytes(), &[0, 0, 9]);
        assert_eq!(m.magnitude(), &[9]);
        assert!(Reader::new(&[0, 0, 0, 0]).mpi().unwrap().is_zero());
    }

    #[test]
    fn huge_length_is_truncation_not_allocation() {
        let wire = [0xff, 0xff, 0xff, 0xff, 1, 2];
        assert_eq!(
            Reader::new(&wire).data(),
            Err(DecodeError::Truncated {
                needed: 0xffff_ffff,
                remaining: 2
            })
        );
    }

    #[test]
    fn every_prefix_of_a_pubkey_is_an_error() {
        let key = PubKey {
            p: Mpi::new(&[1; 5]),
            q: Mpi::new(&[2; 3]),
            g: Mpi::new(&[3]),
            y: Mpi::new(&[4; 2]),
        };
        let mut w = Writer::new();
        w.pubkey(&key);
        let bytes = w.into_bytes();
        assert_eq!(Reader::new(&bytes).pubkey(), Ok(key));
        for n in 0..bytes.len() {
            assert!(Reader::new(&bytes[..n]).pubkey().is_err());
        }
        let mut bad = bytes.clone();
        bad[1] = 1;
        assert_eq!(
            Reader::new(&bad).pubkey(),
            Err(DecodeError::UnsupportedPubkeyType(1))
        );
    }

    #[test]
    fn sig_split() {
        let sig = Sig::from_bytes(&[1, 2, 3, 4], 2).unwrap();
        assert_eq!(
            (sig.r.as_slice(), sig.s.as_slice()),
            (&[1, 2][..], &[3, 4][..])
        );
        assert_eq!(sig.to_bytes(), [1, 2, 3, 4]);
        assert!(Sig::from_bytes(&[1, 2, 3], 2).is_err());
        assert!(Sig::from_bytes(&[], 0).is_err());
    }

    #[test]
    fn fixed_fields_and_trailing() {
        let bytes = [9u8; 29];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.ctr(), Ok([9; 8]));
        assert_eq!(r.mac(), Ok([9; 20]));
        assert_eq!(r.finish(), Err(DecodeError::TrailingBytes(1)));
        assert!(r.mac().is_err());
        assert_eq!(r.consumed().len(), 28);
    }
}
