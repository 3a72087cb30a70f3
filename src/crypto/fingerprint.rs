//! Public-key fingerprints.
//!
//! Spec (Protocol-v3), "Public keys, signatures, and fingerprints": the
//! fingerprint is the SHA-1 hash of the public key's byte representation,
//! except that for DSA keys (type 0x0000) the two type bytes are left out, so
//! it is SHA-1 over MPI(p) || MPI(q) || MPI(g) || MPI(y), each MPI of minimum
//! length. libotr hashes the same bytes (`pubkey_data`) in
//! `otrl_privkey_fingerprint` and shows them as `otrl_privkey_hash_to_human` does.

use super::dsa::PublicKey;
use super::mpi::write_mpi;
use core::fmt;
use sha1::{Digest, Sha1};

/// Size of a fingerprint in bytes (a SHA-1 output).
pub const FINGERPRINT_BYTES: usize = 20;

/// Length of the human-readable form without its C terminator: five groups of
/// eight hex digits separated by spaces (libotr's buffer is this plus one NUL).
pub const HUMAN_LEN: usize = 44;

/// A public-key fingerprint.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; FINGERPRINT_BYTES]);

impl Fingerprint {
    /// The raw 20-byte hash.
    pub fn as_bytes(&self) -> &[u8; FINGERPRINT_BYTES] {
        &self.0
    }

    /// The fingerprint of a key whose serialized form (the MPIs p, q, g, y) is
    /// `data`: its SHA-1, as `otrl_privkey_fingerprint` hashes `pubkey_data`.
    pub fn of_data(data: &[u8]) -> Self {
        Fingerprint(Sha1::digest(data).into())
    }

    /// Human form as `otrl_privkey_hash_to_human` writes it: five groups of
    /// eight upper-case hex digits separated by single spaces (44 characters).
    pub fn to_human(&self) -> String {
        let mut out = String::with_capacity(HUMAN_LEN);
        for (i, group) in self.0.chunks(4).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            for byte in group {
                out.push_str(&format!("{byte:02X}"));
            }
        }
        out
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_human())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_human())
    }
}

/// The bytes a DSA key's fingerprint is computed over: its MPIs p, q, g, y
/// (libotr's `pubkey_data`; the PUBKEY wire form without the 2-byte type).
pub fn fingerprint_data(key: &PublicKey) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + key.p().len() * 3 + key.q().len());
    for part in [key.p(), key.q(), key.g(), key.y()] {
        write_mpi(&mut out, part);
    }
    out
}

/// The fingerprint of a DSA public key: SHA-1 of [`fingerprint_data`].
pub fn fingerprint(key: &PublicKey) -> Fingerprint {
    Fingerprint::of_data(&fingerprint_data(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from gen_samples_output.txt, printed by Debian's libotr:
    /// hash_to_human(0a1b2c...) = "0A1B2C3D 4E5F7081 92A3B4C5 D6E7F809 1A2B3C4D".
    #[test]
    fn human_form() {
        let fp = Fingerprint([
            0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7,
            0xf8, 0x09, 0x1a, 0x2b, 0x3c, 0x4d,
        ]);
        let human = fp.to_human();
        assert_eq!(human, "0A1B2C3D 4E5F7081 92A3B4C5 D6E7F809 1A2B3C4D");
        assert_eq!(human.len(), HUMAN_LEN);
    }
}
