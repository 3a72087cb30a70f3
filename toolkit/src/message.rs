//! The encoded messages the toolkit reads and writes (protocol spec, "Message
//! formats"), taken field by field as libotr's toolkit takes them: any protocol
//! version the header allows, MPIs of any length, key ids of any value, nothing
//! checked but the layout. A message that does not fit its layout exactly (a field
//! cut short, bytes left over) is refused; the caller says "Invalid ...".

use otr::wire::base64;
use otr::wire::codec::{Ctr, DecodeError, Mac, Mpi, Reader, Writer};

/// Message type bytes (spec "Message formats").
const DH_COMMIT: u8 = 0x02;
const DATA: u8 = 0x03;
const DH_KEY: u8 = 0x0a;
const REVEAL_SIGNATURE: u8 = 0x11;
const SIGNATURE: u8 = 0x12;
/// OTR version 1's Key Exchange Message shares the D-H Key Message's byte.
const V1_KEY_EXCHANGE: u8 = 0x0a;

/// The binary form of the encoded message in `msg`: the base64 between its first
/// `?OTR:` and the next `.` (or the end of `msg`), decoded as leniently as libotr
/// decodes it (see [`base64::decode`]).
pub fn decode(msg: &[u8]) -> Option<Vec<u8>> {
    let prefix = base64::OTR_ENCODED_PREFIX;
    let start = msg.windows(prefix.len()).position(|w| w == prefix)? + prefix.len();
    let body = &msg[start..];
    let end = body
        .iter()
        .position(|&c| c == base64::OTR_ENCODED_SUFFIX)
        .unwrap_or(body.len());
    Some(base64::decode(&body[..end]))
}

/// The instance tags of a version 3 message (spec "Instance Tags").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instances {
    /// Sender instance tag.
    pub sender: u32,
    /// Receiver instance tag.
    pub receiver: u32,
}

impl Instances {
    fn read(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(Self {
            sender: r.int()?,
            receiver: r.int()?,
        })
    }
}

/// The header of an AKE message: protocol version 2, or 3 with instance tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The protocol version, 2 or 3.
    pub version: u8,
    /// The instance tags (version 3 only).
    pub instances: Option<Instances>,
}

impl Header {
    /// Reads the version SHORT and the type BYTE (which must be `kind`), then the
    /// instance tags of a version 3 message.
    fn read(r: &mut Reader, kind: u8) -> Result<Self, DecodeError> {
        let version = read_version(r, kind, &[2, 3])?;
        let instances = match version {
            3 => Some(Instances::read(r)?),
            _ => None,
        };
        Ok(Self { version, instances })
    }
}

/// Reads the version SHORT and the type BYTE of a message, which must be `kind` and
/// one of `versions`.
fn read_version(r: &mut Reader, kind: u8, versions: &[u8]) -> Result<u8, DecodeError> {
    let [high, version, found] = r.array()?;
    if found != kind {
        return Err(DecodeError::WrongMessageType {
            expected: kind,
            found,
        });
    }
    if high != 0 || !versions.contains(&version) {
        return Err(DecodeError::UnsupportedVersion(u16::from_be_bytes([
            high, version,
        ])));
    }
    Ok(version)
}

/// Parses `raw` with `read`, which must consume all of it.
fn parse_all<'a, T>(
    raw: &'a [u8],
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let mut r = Reader::new(raw);
    let message = read(&mut r)?;
    r.finish()?;
    Ok(message)
}

/// D-H Commit Message (spec "D-H Commit Message").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhCommit {
    /// Version and instance tags.
    pub header: Header,
    /// Encrypted g^x (DATA).
    pub encrypted_gx: Vec<u8>,
    /// Hashed g^x (DATA).
    pub hashed_gx: Vec<u8>,
}

impl DhCommit {
    /// Parses the binary form of a D-H Commit Message.
    pub fn parse(raw: &[u8]) -> Result<Self, DecodeError> {
        parse_all(raw, |r| {
            Ok(Self {
                header: Header::read(r, DH_COMMIT)?,
                encrypted_gx: r.data()?.to_vec(),
                hashed_gx: r.data()?.to_vec(),
            })
        })
    }
}

/// D-H Key Message (spec "D-H Key Message").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhKey {
    /// Version and instance tags.
    pub header: Header,
    /// g^y (MPI).
    pub gy: Mpi,
}

impl DhKey {
    /// Parses the binary form of a D-H Key Message.
    pub fn parse(raw: &[u8]) -> Result<Self, DecodeError> {
        parse_all(raw, |r| {
            Ok(Self {
                header: Header::read(r, DH_KEY)?,
                gy: r.mpi()?,
            })
        })
    }
}

/// Reveal Signature Message (spec "Reveal Signature Message").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealSignature {
    /// Version and instance tags.
    pub header: Header,
    /// Revealed key r (DATA).
    pub revealed_key: Vec<u8>,
    /// Encrypted signature (DATA).
    pub encrypted_signature: Vec<u8>,
    /// MAC'd signature (MAC).
    pub mac: Mac,
}

impl RevealSignature {
    /// Parses the binary form of a Reveal Signature Message.
    pub fn parse(raw: &[u8]) -> Result<Self, DecodeError> {
        parse_all(raw, |r| {
            Ok(Self {
                header: Header::read(r, REVEAL_SIGNATURE)?,
                revealed_key: r.data()?.to_vec(),
                encrypted_signature: r.data()?.to_vec(),
                mac: r.mac()?,
            })
        })
    }
}

/// Signature Message (spec "Signature Message").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Version and instance tags.
    pub header: Header,
    /// Encrypted signature (DATA).
    pub encrypted_signature: Vec<u8>,
    /// MAC'd signature (MAC).
    pub mac: Mac,
}

impl Signature {
    /// Parses the binary form of a Signature Message.
    pub fn parse(raw: &[u8]) -> Result<Self, DecodeError> {
        parse_all(raw, |r| {
            Ok(Self {
                header: Header::read(r, SIGNATURE)?,
                encrypted_signature: r.data()?.to_vec(),
                mac: r.mac()?,
            })
        })
    }
}

/// OTR version 1's Key Exchange Message: a reply flag, the sender's DSA public key
/// (p, q, g and the public value, here `e`), a key id, a D-H public value, and a DSA
/// signature (r and s, 20 bytes each) over everything before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyExchange {
    /// Whether this is a reply to a Key Exchange Message.
    pub reply: u8,
    /// DSA p.
    pub p: Mpi,
    /// DSA q.
    pub q: Mpi,
    /// DSA g.
    pub g: Mpi,
    /// DSA public value.
    pub e: Mpi,
    /// The key id of `y`.
    pub keyid: u32,
    /// D-H public value.
    pub y: Mpi,
    /// Signature r.
    pub r: [u8; 20],
    /// Signature s.
    pub s: [u8; 20],
}

impl KeyExchange {
    /// Parses the binary form of a version 1 Key Exchange Message.
    pub fn parse(raw: &[u8]) -> Result<Self, DecodeError> {
        parse_all(raw, |r| {
            read_version(r, V1_KEY_EXCHANGE, &[1])?;
            Ok(Self {
                reply: r.byte()?,
                p: r.mpi()?,
                q: r.mpi()?,
                g: r.mpi()?,
                e: r.mpi()?,
                keyid: r.int()?,
                y: r.mpi()?,
                r: r.array()?,
                s: r.array()?,
            })
        })
    }
}

/// Data Message (spec "Data Message"), of protocol version 1, 2 or 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMessage {
    /// The protocol version, 1, 2 or 3.
    pub version: u8,
    /// Flags (versions 2 and 3; the low byte of what is given when encoding).
    pub flags: Option<u8>,
    /// Instance tags (version 3).
    pub instances: Option<Instances>,
    /// Sender keyid.
    pub sender_keyid: u32,
    /// Recipient keyid.
    pub recipient_keyid: u32,
    /// DH-Y, the sender's next D-H public value.
    pub next_dh: Mpi,
    /// Top half of the counter.
    pub ctr: Ctr,
    /// Encrypted message.
    pub encrypted_message: Vec<u8>,
    /// Authenticator.
    pub mac: Mac,
    /// Old MAC keys to be revealed.
    pub old_mac_keys: Vec<u8>,
}

impl DataMessage {
    /// Parses the binary form of a Data Message; also gives the part of `raw` its
    /// authenticator covers (everything before the MAC, as received).
    pub fn parse(raw: &[u8]) -> Result<(Self, &[u8]), DecodeError> {
        let mut authenticated = &raw[..0];
        let message = parse_all(raw, |r| {
            let version = read_version(r, DATA, &[1, 2, 3])?;
            let instances = match version {
                3 => Some(Instances::read(r)?),
                _ => None,
            };
            let flags = match version {
                2 | 3 => Some(r.byte()?),
                _ => None,
            };
            let sender_keyid = r.int()?;
            let recipient_keyid = r.int()?;
            let next_dh = r.mpi()?;
            let ctr = r.ctr()?;
            let encrypted_message = r.data()?.to_vec();
            authenticated = r.consumed();
            Ok(Self {
                version,
                flags,
                instances,
                sender_keyid,
                recipient_keyid,
                next_dh,
                ctr,
                encrypted_message,
                mac: r.mac()?,
                old_mac_keys: r.data()?.to_vec(),
            })
        })?;
        Ok((message, authenticated))
    }

    /// The message as `?OTR:<base64>.`, its fields written anew (DH-Y minimally
    /// encoded) and authenticated with `mac_key`: HMAC-SHA1 over everything before
    /// the MAC (spec "Data Message": "Authenticator").
    pub fn encode(&self, mac_key: &[u8]) -> String {
        let mut w = Writer::new();
        w.short(self.version.into()).byte(DATA);
        if let Some(instances) = self.instances {
            w.int(instances.sender).int(instances.receiver);
        }
        if let Some(flags) = self.flags {
            w.byte(flags);
        }
        w.int(self.sender_keyid)
            .int(self.recipient_keyid)
            .mpi(&Mpi::new(self.next_dh.magnitude()))
            .raw(&self.ctr)
            .data(&self.encrypted_message);
        let mac = otr::crypto::symmetric::hmac_sha1(mac_key, w.as_bytes());
        w.raw(&mac).data(&self.old_mac_keys);
        base64::otr_encode(w.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_v3() -> DataMessage {
        DataMessage {
            version: 3,
            flags: Some(1),
            instances: Some(Instances {
                sender: 0x101,
                receiver: 0x202,
            }),
            sender_keyid: 1,
            recipient_keyid: 2,
            next_dh: Mpi::new(&[5; 192]),
            ctr: [1, 0, 0, 0, 0, 0, 0, 0],
            encrypted_message: b"ciphertext".to_vec(),
            mac: [0; 20],
            old_mac_keys: vec![7; 40],
        }
    }

    #[test]
    fn data_message_round_trip() {
        let key = [9u8; 20];
        let msg = data_v3();
        let text = msg.encode(&key);
        let raw = decode(text.as_bytes()).unwrap();
        let (parsed, authenticated) = DataMessage::parse(&raw).unwrap();
        assert_eq!(
            parsed.mac,
            otr::crypto::symmetric::hmac_sha1(&key, authenticated)
        );
        assert_eq!(
            DataMessage {
                mac: [0; 20],
                ..parsed
            },
            msg
        );
        assert_eq!(authenticated.len(), raw.len() - 20 - 4 - 40);
    }

    #[test]
    fn layouts_are_exact() {
        let raw = decode(data_v3().encode(&[0; 20]).as_bytes()).unwrap();
        for cut in 0..raw.len() {
            assert!(DataMessage::parse(&raw[..cut]).is_err(), "{cut}");
        }
        assert!(DataMessage::parse(&[raw.clone(), vec![0]].concat()).is_err());
        let mut v4 = raw.clone();
        v4[1] = 4;
        assert!(DataMessage::parse(&v4).is_err());
        let mut key_type = raw;
        key_type[2] = DH_KEY;
        assert!(DataMessage::parse(&key_type).is_err());
    }

    #[test]
    fn versions_and_instances() {
        let v2 = [0, 2, DH_KEY, 0, 0, 0, 1, 7];
        let key = DhKey::parse(&v2).unwrap();
        assert_eq!(key.header.version, 2);
        assert_eq!(key.header.instances, None);
        assert_eq!(key.gy.magnitude(), [7]);
        let v3 = [&[0, 3, DH_KEY, 0, 0, 1, 0, 0, 0, 2, 0][..], &[0, 0, 0, 0]].concat();
        let key = DhKey::parse(&v3).unwrap();
        let instances = key.header.instances.unwrap();
        assert_eq!((instances.sender, instances.receiver), (256, 512));
        assert!(key.gy.is_zero());
        assert!(DhKey::parse(&[0, 1, DH_KEY, 0, 0, 0, 0]).is_err());
        assert!(KeyExchange::parse(&[0, 1, V1_KEY_EXCHANGE]).is_err());
    }

    #[test]
    fn decoding_stops_at_the_dot() {
        assert_eq!(decode(b"x?OTR:AAMD.AAAA"), Some(vec![0, 3, 3]));
        assert_eq!(decode(b"?OTR:AAMD"), Some(vec![0, 3, 3]));
        assert_eq!(decode(b"?OTR AAMD"), None);
    }
}
