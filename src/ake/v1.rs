//! OTR version 1's Key Exchange message, which libotr 4.1.1 still builds and checks in
//! `otrl_auth_start_v1` / `otrl_auth_handle_v1_key_exchange` (its message handling no
//! longer speaks version 1).
//!
//! The message is: the header `00 01 0a`, a reply flag (BYTE, 1 when answering a Key
//! Exchange), the sender's DSA public key (p, q, g, y as MPIs, without a type), the
//! sender's D-H key id (INT, not 0), its D-H public value (MPI), and a DSA signature
//! (40 bytes) of the SHA-1 hash of everything before it.

use super::{pubkey_to_wire, AkeError};
use crate::crypto::dh;
use crate::crypto::dsa::{self, PrivateKey, SIGNATURE_BYTES};
use crate::crypto::Fingerprint;
use crate::wire::codec::{Mpi, Reader, Writer};
use sha1::{Digest, Sha1};

/// Protocol version 1 (SHORT) and the Key Exchange message type (BYTE).
pub const HEADER: [u8; 3] = [0x00, 0x01, 0x0a];
/// The reply flag of a Key Exchange that answers one.
pub const REPLY: u8 = 0x01;

/// A Key Exchange message whose signature verified.
pub struct KeyExchange {
    /// The reply flag as received ([`REPLY`] or another value).
    pub reply: u8,
    /// SHA-1 of the sender's public key fields as received.
    pub fingerprint: Fingerprint,
    /// The sender's D-H key id (never 0).
    pub keyid: u32,
    /// The sender's D-H public value, as received (not range-checked here).
    pub dh: Mpi,
}

/// The binary Key Exchange message from our long-term key and D-H key `keyid`.
pub fn key_exchange(
    reply: u8,
    long_term: &PrivateKey,
    keyid: u32,
    our_dh: &dh::PublicKey,
) -> Result<Vec<u8>, AkeError> {
    let mut w = Writer::new();
    w.raw(&HEADER)
        .byte(reply)
        .raw(&pubkey_to_wire(long_term.public()).fingerprint_bytes())
        .int(keyid)
        .mpi(&Mpi::new(&our_dh.to_bytes()));
    let signature = long_term.sign(&Sha1::digest(w.as_bytes()))?;
    w.raw(&signature.to_bytes());
    Ok(w.into_bytes())
}

/// Parses a binary Key Exchange message and verifies its signature, as libotr does:
/// a wrong header, a truncated field, key id 0 or a signature that is not 40 bytes is
/// [`AkeError::Malformed`], an unusable key or a failed check
/// [`AkeError::BadSignature`].
pub fn verify(bytes: &[u8]) -> Result<KeyExchange, AkeError> {
    let malformed = |why: &str| AkeError::Malformed(why.to_owned());
    let mut r = Reader::new(bytes);
    if r.bytes(HEADER.len()).ok() != Some(&HEADER[..]) {
        return Err(malformed("not a version 1 Key Exchange"));
    }
    let reply = r.byte().map_err(|e| malformed(&e.to_string()))?;
    let key_start = r.position();
    let [p, q, g, y] = [(); 4].map(|()| r.mpi());
    let (p, q, g, y) = match (p, q, g, y) {
        (Ok(p), Ok(q), Ok(g), Ok(y)) => (p, q, g, y),
        _ => return Err(malformed("truncated public key")),
    };
    let key_bytes = bytes.get(key_start..r.position()).unwrap_or_default();
    let keyid = r.int().map_err(|e| malformed(&e.to_string()))?;
    if keyid == 0 {
        return Err(malformed("key id 0"));
    }
    let dh = r.mpi().map_err(|e| malformed(&e.to_string()))?;
    if r.remaining() != SIGNATURE_BYTES {
        return Err(malformed("signature length"));
    }
    let hash = Sha1::digest(r.consumed());
    let key =
        dsa::PublicKey::from_components(p.magnitude(), q.magnitude(), g.magnitude(), y.magnitude())
            .map_err(|_| AkeError::BadSignature)?;
    let signature = dsa::Signature::from_bytes(r.rest()).map_err(|_| AkeError::BadSignature)?;
    if !key.verify(&hash, &signature) {
        return Err(AkeError::BadSignature);
    }
    Ok(KeyExchange {
        reply,
        fingerprint: Fingerprint(Sha1::digest(key_bytes).into()),
        keyid,
        dh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::dh::KeyPair;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "DSA key generation, a search for a 1024-bit prime (hours under Miri)"
    )]
    fn signed_message_verifies_and_tampering_fails() {
        let key = PrivateKey::generate().unwrap();
        let ours = KeyPair::generate().unwrap();
        let bytes = key_exchange(REPLY, &key, 7, ours.public()).unwrap();
        let received = verify(&bytes).unwrap();
        assert_eq!(received.reply, REPLY);
        assert_eq!(received.keyid, 7);
        assert_eq!(received.dh.magnitude(), ours.public().to_bytes().as_slice());
        assert_eq!(received.fingerprint, key.public().fingerprint());
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(verify(&bad), Err(AkeError::BadSignature)));
        for n in 0..bytes.len() {
            assert!(verify(&bytes[..n]).is_err(), "{n}");
        }
        let mut v2 = bytes.clone();
        v2[1] = 2;
        assert!(matches!(verify(&v2), Err(AkeError::Malformed(_))));
    }
}
