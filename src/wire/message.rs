//! Encoded OTR messages of protocol versions 2 and 3: the AKE messages and
//! the Data Message (spec "Protocol state machine" / "OTR messages":
//! "D-H Commit Message", "D-H Key Message", "Reveal Signature Message",
//! "Signature Message", "Data Message").
//!
//! Each message is a [`Header`] (protocol version SHORT, message type BYTE
//! and, in v3, sender and receiver instance tags as INTs) followed by its
//! fields. Parsing is as strict as libotr's: every field must be present and
//! nothing may follow the last one.

use super::base64::{self, Base64Error};
use super::codec::{Ctr, DecodeError, Mac, Mpi, PubKey, Reader, Sig, Writer};

/// Message type byte of a D-H Commit Message.
pub const TYPE_DH_COMMIT: u8 = 0x02;
/// Message type byte of a Data Message.
pub const TYPE_DATA: u8 = 0x03;
/// Message type byte of a D-H Key Message.
pub const TYPE_DH_KEY: u8 = 0x0a;
/// Message type byte of a Reveal Signature Message.
pub const TYPE_REVEAL_SIGNATURE: u8 = 0x11;
/// Message type byte of a Signature Message.
pub const TYPE_SIGNATURE: u8 = 0x12;

/// Data Message flag IGNORE_UNREADABLE (spec "Data Message": "if you
/// receive a Data Message with this flag set and cannot read it, do not
/// report an error").
pub const FLAG_IGNORE_UNREADABLE: u8 = 0x01;

/// Length of the SHA-256 hash of g^x in a D-H Commit Message.
pub const HASHED_GX_LEN: usize = 32;
/// Length of the AES key r revealed in a Reveal Signature Message (128 bits).
pub const REVEALED_KEY_LEN: usize = 16;

/// An OTR protocol version this crate speaks on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// Protocol version 2 (no instance tags).
    V2 = 2,
    /// Protocol version 3 (with instance tags).
    V3 = 3,
}

impl ProtocolVersion {
    /// The version as the SHORT written in headers.
    pub fn as_u16(self) -> u16 {
        self as u16
    }
}

/// The header of an encoded message (spec "OTR messages": "Protocol version
/// (SHORT) ... Message type (BYTE) ... Sender Instance tag (INT) ...
/// Receiver Instance tag (INT)", the tags in version 3 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Sender instance tag (spec "Instance tags"); 0 for v2.
    pub sender_instance: u32,
    /// Receiver instance tag; 0 for v2 and for a v3 D-H Commit sent before
    /// the receiver's tag is known.
    pub receiver_instance: u32,
}

impl Header {
    /// A v2 header (no instance tags).
    pub fn v2() -> Self {
        Self {
            version: ProtocolVersion::V2,
            sender_instance: 0,
            receiver_instance: 0,
        }
    }

    /// A v3 header with the given instance tags.
    pub fn v3(sender_instance: u32, receiver_instance: u32) -> Self {
        Self {
            version: ProtocolVersion::V3,
            sender_instance,
            receiver_instance,
        }
    }

    /// Read a header, returning it and the message type byte.
    pub fn read(r: &mut Reader<'_>) -> Result<(Self, u8), DecodeError> {
        let version = match r.short()? {
            2 => ProtocolVersion::V2,
            3 => ProtocolVersion::V3,
            v => return Err(DecodeError::UnsupportedVersion(v)),
        };
        let kind = r.byte()?;
        let header = match version {
            ProtocolVersion::V2 => Self::v2(),
            ProtocolVersion::V3 => Self::v3(r.int()?, r.int()?),
        };
        Ok((header, kind))
    }

    /// Write this header with message type `kind`.
    pub fn write(&self, w: &mut Writer, kind: u8) {
        w.short(self.version.as_u16()).byte(kind);
        if self.version == ProtocolVersion::V3 {
            w.int(self.sender_instance).int(self.receiver_instance);
        }
    }
}

/// D-H Commit Message (spec "D-H Commit Message": "Encrypted g^x (DATA)",
/// "Hashed g^x (DATA)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhCommit {
    /// The header.
    pub header: Header,
    /// AES-CTR encryption of the serialized g^x MPI under the key r.
    pub encrypted_gx: Vec<u8>,
    /// SHA-256 of the serialized g^x MPI (a DATA that must be 32 bytes).
    pub hashed_gx: [u8; HASHED_GX_LEN],
}

/// D-H Key Message (spec "D-H Key Message": "g^y (MPI)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhKey {
    /// The header.
    pub header: Header,
    /// Bob's D-H public value.
    pub gy: Mpi,
}

/// Reveal Signature Message (spec "Reveal Signature Message": "Revealed key
/// (DATA)", "Encrypted signature (DATA)", "MAC'd signature (MAC)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealSignature {
    /// The header.
    pub header: Header,
    /// The AES key r that decrypts the earlier g^x (a DATA of 16 bytes).
    pub revealed_key: [u8; REVEALED_KEY_LEN],
    /// AES_c(X_B).
    pub encrypted_sig: Vec<u8>,
    /// First 160 bits of HMAC-SHA256_m2 over the encrypted signature DATA.
    pub mac: Mac,
}

/// Signature Message (spec "Signature Message": "Encrypted signature
/// (DATA)", "MAC'd signature (MAC)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The header.
    pub header: Header,
    /// AES_c'(X_A).
    pub encrypted_sig: Vec<u8>,
    /// First 160 bits of HMAC-SHA256_m2' over the encrypted signature DATA.
    pub mac: Mac,
}

/// Data Message (spec "Data Message").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMessage {
    /// The header.
    pub header: Header,
    /// Flags (BYTE), e.g. [`FLAG_IGNORE_UNREADABLE`].
    pub flags: u8,
    /// Sender keyid (INT): which of the sender's D-H keys was used.
    pub sender_keyid: u32,
    /// Recipient keyid (INT): which of the recipient's D-H keys was used.
    pub recipient_keyid: u32,
    /// Next D-H public key of the sender, g^(x_{sender_keyid+1}) (MPI).
    pub next_dh: Mpi,
    /// Top half of the AES-CTR counter (CTR).
    pub ctr: Ctr,
    /// The encrypted payload (DATA).
    pub encrypted_message: Vec<u8>,
    /// SHA1-HMAC over everything from the protocol version to the end of
    /// the encrypted message (MAC); see [`DataMessage::mac_input`].
    pub mac: Mac,
    /// Old MAC keys being revealed, 20 bytes each (DATA).
    pub old_mac_keys: Vec<u8>,
}

/// Encrypted signature DATA as covered by the AKE MACs (spec "Reveal
/// Signature Message": the MAC is over the DATA field, length included).
fn encrypted_sig_mac_input(encrypted_sig: &[u8]) -> Vec<u8> {
    let mut w = Writer::new();
    w.data(encrypted_sig);
    w.into_bytes()
}

impl RevealSignature {
    /// The bytes the `mac` field authenticates.
    pub fn mac_input(&self) -> Vec<u8> {
        encrypted_sig_mac_input(&self.encrypted_sig)
    }
}

impl Signature {
    /// The bytes the `mac` field authenticates.
    pub fn mac_input(&self) -> Vec<u8> {
        encrypted_sig_mac_input(&self.encrypted_sig)
    }
}

impl DataMessage {
    fn write_authenticated(&self, w: &mut Writer) {
        self.write_authenticated_head(w);
        w.raw(&self.encrypted_message);
    }

    /// The authenticated fields up to the encrypted message's bytes.
    fn write_authenticated_head(&self, w: &mut Writer) {
        self.head().write(w, self.encrypted_message.len());
    }

    fn head(&self) -> DataHead<'_> {
        DataHead {
            header: self.header,
            flags: self.flags,
            sender_keyid: self.sender_keyid,
            recipient_keyid: self.recipient_keyid,
            next_dh: &self.next_dh,
            ctr: self.ctr,
        }
    }

    /// The exact bytes the MAC covers: protocol version through encrypted
    /// message (spec "Data Message": "Authenticator (MAC): This is the
    /// SHA1-HMAC, using an appropriate MAC key, of everything from the
    /// Protocol version to the end of the encrypted message"). For a parsed
    /// message these are byte-identical to the received prefix, because
    /// [`Mpi`] keeps the bytes as received.
    pub fn mac_input(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(self.encoded_len());
        self.write_authenticated(&mut w);
        w.into_bytes()
    }

    /// The start of [`Self::mac_input`]: everything before the encrypted
    /// message's bytes, which complete it (so that a MAC can cover both
    /// without a copy of the message).
    pub fn mac_input_head(&self) -> Vec<u8> {
        // The v3 header, flags, key ids, MPI length, counter, DATA length.
        const FIXED: usize = 11 + 1 + 4 + 4 + 4 + 8 + 4;
        let mut w = Writer::with_capacity(FIXED + self.next_dh.magnitude().len());
        self.write_authenticated_head(&mut w);
        w.into_bytes()
    }

    /// The length of the whole encoded message: the fixed-size fields (the
    /// v3 header is the longest), the MPI and the two DATA fields.
    fn encoded_len(&self) -> usize {
        const FIXED: usize = 11 + 1 + 4 + 4 + 4 + 8 + 4 + 20 + 4;
        FIXED
            + self.next_dh.magnitude().len()
            + self.encrypted_message.len()
            + self.old_mac_keys.len()
    }
}

/// The fields of a Data Message before its encrypted message (spec "Data
/// Message"), borrowed: what a sender needs to encode one without first
/// gathering it into a [`DataMessage`].
#[derive(Debug, Clone, Copy)]
pub struct DataHead<'a> {
    /// See [`DataMessage::header`].
    pub header: Header,
    /// See [`DataMessage::flags`].
    pub flags: u8,
    /// See [`DataMessage::sender_keyid`].
    pub sender_keyid: u32,
    /// See [`DataMessage::recipient_keyid`].
    pub recipient_keyid: u32,
    /// See [`DataMessage::next_dh`].
    pub next_dh: &'a Mpi,
    /// See [`DataMessage::ctr`].
    pub ctr: Ctr,
}

impl DataHead<'_> {
    /// These fields, ending with the length of an encrypted message of
    /// `encrypted_len` bytes.
    fn write(&self, w: &mut Writer, encrypted_len: usize) {
        self.header.write(w, TYPE_DATA);
        w.byte(self.flags)
            .int(self.sender_keyid)
            .int(self.recipient_keyid)
            .mpi(self.next_dh)
            .raw(&self.ctr)
            .data_length(encrypted_len);
    }

    /// The whole encoded Data Message: these fields, `encrypted`, the MAC
    /// that `mac` makes of all that, and `old_mac_keys` (the same bytes as
    /// [`EncodedMessage::encode`] of the [`DataMessage`]).
    pub fn encode(
        &self,
        encrypted: &[u8],
        mac: impl FnOnce(&[u8]) -> Mac,
        old_mac_keys: &[u8],
    ) -> Vec<u8> {
        const FIXED: usize = 11 + 1 + 4 + 4 + 4 + 8 + 4 + 20 + 4;
        let len = FIXED + self.next_dh.wire_bytes().len() + encrypted.len() + old_mac_keys.len();
        let mut w = Writer::with_capacity(len);
        self.write(&mut w, encrypted.len());
        w.raw(encrypted);
        let mac = mac(w.as_bytes());
        w.raw(&mac).data(old_mac_keys);
        w.into_bytes()
    }
}

/// A copy of an encrypted message with room to round it up to whole 16-byte
/// cipher blocks, so that it can be decrypted where it is (see
/// [`crate::crypto::symmetric::Aes128CtrKey::apply_in_place`]).
fn with_block_room(encrypted: &[u8]) -> Vec<u8> {
    let mut copy = Vec::with_capacity(encrypted.len().next_multiple_of(16));
    copy.extend_from_slice(encrypted);
    copy
}

/// Any encoded v2/v3 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodedMessage {
    /// D-H Commit Message.
    DhCommit(DhCommit),
    /// D-H Key Message.
    DhKey(DhKey),
    /// Reveal Signature Message.
    RevealSignature(RevealSignature),
    /// Signature Message.
    Signature(Signature),
    /// Data Message.
    Data(DataMessage),
}

/// Why an `?OTR:...` message could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodedError {
    /// The base64 wrapper was missing or unterminated.
    Base64(Base64Error),
    /// The binary contents were malformed.
    Decode(DecodeError),
}

impl From<Base64Error> for EncodedError {
    fn from(e: Base64Error) -> Self {
        Self::Base64(e)
    }
}

impl From<DecodeError> for EncodedError {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

impl core::fmt::Display for EncodedError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Base64(e) => e.fmt(f),
            Self::Decode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EncodedError {}

fn read_fixed<const N: usize>(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<[u8; N], DecodeError> {
    let bytes = r.data()?;
    bytes.try_into().map_err(|_| DecodeError::BadFieldLength {
        field,
        expected: N,
        found: bytes.len(),
    })
}

fn read_body(r: &mut Reader<'_>, header: Header, kind: u8) -> Result<EncodedMessage, DecodeError> {
    Ok(match kind {
        TYPE_DH_COMMIT => EncodedMessage::DhCommit(DhCommit {
            header,
            encrypted_gx: r.data()?.to_vec(),
            hashed_gx: read_fixed(r, "hashed g^x")?,
        }),
        TYPE_DH_KEY => EncodedMessage::DhKey(DhKey {
            header,
            gy: r.mpi()?,
        }),
        TYPE_REVEAL_SIGNATURE => EncodedMessage::RevealSignature(RevealSignature {
            header,
            revealed_key: read_fixed(r, "revealed key")?,
            encrypted_sig: r.data()?.to_vec(),
            mac: r.mac()?,
        }),
        TYPE_SIGNATURE => EncodedMessage::Signature(Signature {
            header,
            encrypted_sig: r.data()?.to_vec(),
            mac: r.mac()?,
        }),
        TYPE_DATA => EncodedMessage::Data(DataMessage {
            header,
            flags: r.byte()?,
            sender_keyid: r.int()?,
            recipient_keyid: r.int()?,
            next_dh: r.mpi()?,
            ctr: r.ctr()?,
            encrypted_message: with_block_room(r.data()?),
            mac: r.mac()?,
            old_mac_keys: r.data()?.to_vec(),
        }),
        other => return Err(DecodeError::UnknownMessageType(other)),
    })
}

impl EncodedMessage {
    /// Parse the binary (base64-decoded) form of a message. The whole input
    /// must be consumed.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let (header, kind) = Header::read(&mut r)?;
        let msg = read_body(&mut r, header, kind)?;
        r.finish()?;
        Ok(msg)
    }

    /// Parse the first `?OTR:<base64>.` in `msg`. As in libotr, a Data
    /// Message may lack the final `.`; the AKE messages may not.
    pub fn from_otr(msg: &[u8]) -> Result<Self, EncodedError> {
        let bytes = base64::otr_decode_data(msg)?;
        let decoded = Self::decode(&bytes)?;
        if !matches!(decoded, Self::Data(_)) {
            base64::otr_decode(msg)?;
        }
        Ok(decoded)
    }

    /// The header.
    pub fn header(&self) -> &Header {
        match self {
            Self::DhCommit(m) => &m.header,
            Self::DhKey(m) => &m.header,
            Self::RevealSignature(m) => &m.header,
            Self::Signature(m) => &m.header,
            Self::Data(m) => &m.header,
        }
    }

    /// The message type byte.
    pub fn type_byte(&self) -> u8 {
        match self {
            Self::DhCommit(_) => TYPE_DH_COMMIT,
            Self::DhKey(_) => TYPE_DH_KEY,
            Self::RevealSignature(_) => TYPE_REVEAL_SIGNATURE,
            Self::Signature(_) => TYPE_SIGNATURE,
            Self::Data(_) => TYPE_DATA,
        }
    }

    /// The binary form.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = match self {
            Self::Data(m) => Writer::with_capacity(m.encoded_len()),
            _ => Writer::new(),
        };
        match self {
            Self::Data(m) => {
                m.write_authenticated(&mut w);
                w.raw(&m.mac).data(&m.old_mac_keys);
            }
            other => {
                other.header().write(&mut w, other.type_byte());
                other.write_ake_body(&mut w);
            }
        }
        w.into_bytes()
    }

    fn write_ake_body(&self, w: &mut Writer) {
        match self {
            Self::DhCommit(m) => {
                w.data(&m.encrypted_gx).data(&m.hashed_gx);
            }
            Self::DhKey(m) => {
                w.mpi(&m.gy);
            }
            Self::RevealSignature(m) => {
                w.data(&m.revealed_key).data(&m.encrypted_sig).raw(&m.mac);
            }
            Self::Signature(m) => {
                w.data(&m.encrypted_sig).raw(&m.mac);
            }
            Self::Data(_) => {}
        }
    }

    /// The `?OTR:<base64>.` form sent on the wire.
    pub fn to_otr(&self) -> String {
        base64::otr_encode(&self.encode())
    }
}

/// The flags of the Data Message in `msg` without reading the rest (libotr's
/// `otrl_proto_data_read_flags`, for messages that cannot be decrypted): the
/// first `?OTR:` up to the next `.` (or the end), decoded leniently; the
/// header must be 0x00, a version 1 to 3 and the Data type; a v3 header's
/// instance tags are skipped unchecked. Version 1 has no flags (0). `None`
/// when there is no `?OTR:`, the header is wrong or the message ends first.
pub fn data_message_flags(msg: &[u8]) -> Option<u8> {
    // The longest header (v3) and the flags: 12 bytes.
    let bytes = base64::otr_decode_data_prefix(msg, 12).ok()?;
    let (&[0, version, TYPE_DATA], rest) = bytes.split_first_chunk::<3>()? else {
        return None;
    };
    match version {
        1 => Some(0),
        2 => rest.first().copied(),
        3 => rest.get(8).copied(),
        _ => None,
    }
}

/// The spec's X_A / X_B: the plaintext inside an encrypted signature
/// (spec "Authenticated Key Exchange": "X_B = pub_B, keyid_B, sig_B(M_B)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XValue {
    /// The signer's long-term DSA public key (PUBKEY).
    pub pub_key: PubKey,
    /// The signer's D-H key id (INT); never 0.
    pub keyid: u32,
    /// DSA signature of M (SIG).
    pub sig: Sig,
}

impl XValue {
    /// Parse a decrypted X value. As in libotr, a zero keyid is rejected;
    /// the signature is everything after the keyid and must be twice the
    /// byte length of the key's q.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let pub_key = r.pubkey()?;
        let keyid = r.int()?;
        if keyid == 0 {
            return Err(DecodeError::ZeroKeyId);
        }
        let sig = Sig::from_bytes(r.rest(), pub_key.q_len())?;
        Ok(Self {
            pub_key,
            keyid,
            sig,
        })
    }

    /// The serialized X value.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.pubkey(&self.pub_key)
            .int(self.keyid)
            .raw(&self.sig.to_bytes());
        w.into_bytes()
    }
}

/// The bytes MAC'd into the spec's M_A / M_B ("M_B = MAC_m1(g^x, g^y,
/// pub_B, keyid_B)"): g^x and g^y as MPIs, the PUBKEY, the keyid as INT.
/// Pass minimally encoded D-H values ([`Mpi::new`]), as libotr recomputes
/// them.
pub fn m_input(gx: &Mpi, gy: &Mpi, pub_key: &PubKey, keyid: u32) -> Vec<u8> {
    let mut w = Writer::new();
    w.mpi(gx).mpi(gy).pubkey(pub_key).int(keyid);
    w.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_message_flags_reads_only_the_header() {
        let otr = |raw: &[u8]| base64::otr_encode(raw).into_bytes();
        assert_eq!(data_message_flags(&otr(&[0, 2, 3, 1])), Some(1));
        assert_eq!(data_message_flags(&otr(&[0, 1, 3])), Some(0));
        let v3 = [0, 3, 3, 0, 0, 1, 0, 0, 0, 1, 0, 1];
        assert_eq!(data_message_flags(&otr(&v3)), Some(1));
        assert_eq!(data_message_flags(&otr(&v3[..11])), None);
        assert_eq!(data_message_flags(&otr(&[0, 2, 2, 1])), None);
        assert_eq!(data_message_flags(&otr(&[0, 4, 3, 1])), None);
        assert_eq!(data_message_flags(&otr(&[1, 2, 3, 1])), None);
        assert_eq!(data_message_flags(b"no OTR here"), None);
        // Text before it and no final dot, as libotr allows.
        let mut text = b"hi ".to_vec();
        text.extend_from_slice(&otr(&[0, 2, 3, 1]));
        text.pop();
        assert_eq!(data_message_flags(&text), Some(1));
        // Junk inside the header's base64 is skipped, however much of it.
        let mut junky = otr(&v3);
        junky.splice(7..7, [b'\n'; 30]);
        assert_eq!(data_message_flags(&junky), Some(1));
    }

    fn samples() -> Vec<EncodedMessage> {
        let h3 = Header::v3(0x100, 0x2345);
        vec![
            EncodedMessage::DhCommit(DhCommit {
                header: h3,
                encrypted_gx: vec![1, 2, 3],
                hashed_gx: [4; 32],
            }),
            EncodedMessage::DhKey(DhKey {
                header: Header::v2(),
                gy: Mpi::new(&[0xff; 192]),
            }),
            EncodedMessage::RevealSignature(RevealSignature {
                header: h3,
                revealed_key: [5; 16],
                encrypted_sig: vec![6; 40],
                mac: [7; 20],
            }),
            EncodedMessage::Signature(Signature {
                header: Header::v2(),
                encrypted_sig: vec![8; 41],
                mac: [9; 20],
            }),
            EncodedMessage::Data(DataMessage {
                header: h3,
                flags: FLAG_IGNORE_UNREADABLE,
                sender_keyid: 1,
                recipient_keyid: 2,
                next_dh: Mpi::new(&[3; 192]),
                ctr: [0, 0, 0, 0, 0, 0, 0, 1],
                encrypted_message: b"ciphertext".to_vec(),
                mac: [10; 20],
                old_mac_keys: vec![11; 40],
            }),
        ]
    }

    #[test]
    fn roundtrip_and_every_truncation_fails() {
        for msg in samples() {
            let bytes = msg.encode();
            assert_eq!(EncodedMessage::decode(&bytes), Ok(msg.clone()));
            assert_eq!(
                EncodedMessage::from_otr(msg.to_otr().as_bytes()),
                Ok(msg.clone())
            );
            for n in 0..bytes.len() {
                assert!(EncodedMessage::decode(&bytes[..n]).is_err(), "{n}");
            }
            let mut long = bytes.clone();
            long.push(0);
            assert_eq!(
                EncodedMessage::decode(&long),
                Err(DecodeError::TrailingBytes(1))
            );
        }
    }

    #[test]
    fn headers() {
        let bytes = samples()[0].encode();
        assert_eq!(&bytes[..11], &[0, 3, 2, 0, 0, 1, 0, 0, 0, 0x23, 0x45]);
        for v in [0u8, 1, 4] {
            let mut b = bytes.clone();
            b[1] = v;
            assert_eq!(
                EncodedMessage::decode(&b),
                Err(DecodeError::UnsupportedVersion(v.into()))
            );
        }
        let mut b = bytes.clone();
        b[2] = 0x13;
        assert_eq!(
            EncodedMessage::decode(&b),
            Err(DecodeError::UnknownMessageType(0x13))
        );
    }

    #[test]
    fn data_head_encodes_as_the_message() {
        let EncodedMessage::Data(d) = samples().remove(4) else {
            unreachable!()
        };
        let mut seen = Vec::new();
        let bytes = d.head().encode(
            &d.encrypted_message,
            |authenticated| {
                seen = authenticated.to_vec();
                d.mac
            },
            &d.old_mac_keys,
        );
        assert_eq!(seen, d.mac_input());
        assert_eq!(bytes, EncodedMessage::Data(d).encode());
    }

    #[test]
    fn data_mac_input_is_received_prefix() {
        let EncodedMessage::Data(mut d) = samples().remove(4) else {
            unreachable!()
        };
        d.next_dh = Mpi::from_wire(vec![0, 0, 7]);
        let bytes = EncodedMessage::Data(d).encode();
        let EncodedMessage::Data(parsed) = EncodedMessage::decode(&bytes).unwrap() else {
            unreachable!()
        };
        let input = parsed.mac_input();
        assert_eq!(&bytes[..input.len()], input.as_slice());
        let head = parsed.mac_input_head();
        assert_eq!([&head, &parsed.encrypted_message[..]].concat(), input);
        assert_eq!(bytes.len() - input.len(), 20 + 4 + 40);
    }

    #[test]
    fn fixed_lengths_enforced() {
        let EncodedMessage::DhCommit(c) = samples().remove(0) else {
            unreachable!()
        };
        let mut w = Writer::new();
        c.header.write(&mut w, TYPE_DH_COMMIT);
        w.data(&c.encrypted_gx).data(&[0; 31]);
        assert_eq!(
            EncodedMessage::decode(w.as_bytes()),
            Err(DecodeError::BadFieldLength {
                field: "hashed g^x",
                expected: 32,
                found: 31
            })
        );
    }

    #[test]
    fn x_value() {
        let x = XValue {
            pub_key: PubKey {
                p: Mpi::new(&[1; 128]),
                q: Mpi::new(&[2; 20]),
                g: Mpi::new(&[3; 128]),
                y: Mpi::new(&[4; 128]),
            },
            keyid: 1,
            sig: Sig {
                r: vec![5; 20],
                s: vec![6; 20],
            },
        };
        let bytes = x.encode();
        assert_eq!(XValue::decode(&bytes), Ok(x.clone()));
        assert!(XValue::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut zero = x.clone();
        zero.keyid = 0;
        assert_eq!(XValue::decode(&zero.encode()), Err(DecodeError::ZeroKeyId));
        let m = m_input(&Mpi::new(&[1]), &Mpi::new(&[2]), &x.pub_key, 1);
        assert_eq!(m.len(), 5 + 5 + 2 + x.pub_key.fingerprint_bytes().len() + 4);
    }
}
