//! The values the AKE derives from its shared secret.
//!
//! Spec (Protocol-v3), "Computing AES keys, MAC keys, and the secure session
//! id": with `h2(b)` = SHA-256(b || secbytes),
//!
//! - ssid = first 64 bits of h2(0x00);
//! - c = first 128 bits of h2(0x01), c' = second 128 bits of h2(0x01);
//! - m1 = h2(0x02), m2 = h2(0x03), m1' = h2(0x04), m2' = h2(0x05).
//!
//! c, m1, m2 protect the Reveal Signature message; c', m1', m2' protect the
//! Signature message. libotr computes the same in `otrl_dh_compute_v2_auth_keys`
//! (used for protocol versions 2 and 3).

use super::dh::{KeyPair, PublicKey, SharedSecret};
use core::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The 64-bit secure session id.
pub type SessionId = [u8; 8];
/// An AES-128 key of the AKE (c or c').
pub type AkeAesKey = [u8; 16];
/// An HMAC-SHA256 key of the AKE (m1, m2, m1' or m2').
pub type AkeMacKey = [u8; 32];

/// ssid, c, c', m1, m2, m1', m2' for one AKE.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct AkeKeys {
    ssid: SessionId,
    c: AkeAesKey,
    c_prime: AkeAesKey,
    m1: AkeMacKey,
    m2: AkeMacKey,
    m1_prime: AkeMacKey,
    m2_prime: AkeMacKey,
}

impl AkeKeys {
    /// Derives the keys from our DH key pair and the peer's public value.
    pub fn derive(ours: &KeyPair, theirs: &PublicKey) -> Self {
        Self::from_shared_secret(&ours.shared_secret(theirs))
    }

    /// Derives the keys from the shared secret `s`.
    pub fn from_shared_secret(secret: &SharedSecret) -> Self {
        let h2_0 = secret.h2(0x00);
        let h2_1 = secret.h2(0x01);
        let mut keys = Self {
            ssid: [0; 8],
            c: [0; 16],
            c_prime: [0; 16],
            m1: *secret.h2(0x02),
            m2: *secret.h2(0x03),
            m1_prime: *secret.h2(0x04),
            m2_prime: *secret.h2(0x05),
        };
        keys.ssid.copy_from_slice(&h2_0[..8]);
        keys.c.copy_from_slice(&h2_1[..16]);
        keys.c_prime.copy_from_slice(&h2_1[16..]);
        keys
    }

    /// The secure session id: first 64 bits of h2(0x00).
    pub fn ssid(&self) -> &SessionId {
        &self.ssid
    }

    /// c: AES key for the Reveal Signature message's encrypted signature.
    pub fn c(&self) -> &AkeAesKey {
        &self.c
    }

    /// c': AES key for the Signature message's encrypted signature.
    pub fn c_prime(&self) -> &AkeAesKey {
        &self.c_prime
    }

    /// m1: HMAC-SHA256 key for M_B (Reveal Signature message).
    pub fn m1(&self) -> &AkeMacKey {
        &self.m1
    }

    /// m2: HMAC-SHA256 key for the Reveal Signature message's MAC.
    pub fn m2(&self) -> &AkeMacKey {
        &self.m2
    }

    /// m1': HMAC-SHA256 key for M_A (Signature message).
    pub fn m1_prime(&self) -> &AkeMacKey {
        &self.m1_prime
    }

    /// m2': HMAC-SHA256 key for the Signature message's MAC.
    pub fn m2_prime(&self) -> &AkeMacKey {
        &self.m2_prime
    }
}

impl fmt::Debug for AkeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AkeKeys { .. }")
    }
}

/// Which half of the secure session id to display in bold (libotr's
/// `OtrlSessionIdHalf`).
///
/// Spec, "Computing AES keys, MAC keys, and the secure session id": the ssid is
/// shown as two 32-bit halves; whoever sent the Reveal Signature message shows
/// the first half in bold, whoever sent the Signature message the second.
/// libotr sets `OTRL_SESSIONID_FIRST_HALF_BOLD` when it receives the Signature
/// message (it had sent the Reveal Signature message) and
/// `OTRL_SESSIONID_SECOND_HALF_BOLD` when it answers a Reveal Signature message
/// with a Signature message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionIdHalf {
    /// The first 32 bits are bold (`OTRL_SESSIONID_FIRST_HALF_BOLD` = 0).
    FirstHalfBold,
    /// The second 32 bits are bold (`OTRL_SESSIONID_SECOND_HALF_BOLD` = 1).
    SecondHalfBold,
}

impl SessionIdHalf {
    /// The bold half for a party that sent the Reveal Signature message
    /// (`true`) or the Signature message (`false`).
    pub fn for_sender_of_reveal_signature(sent_reveal_signature: bool) -> Self {
        if sent_reveal_signature {
            SessionIdHalf::FirstHalfBold
        } else {
            SessionIdHalf::SecondHalfBold
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "four D-H exponentiations (~4 min under Miri)")]
    fn both_sides_agree() {
        let a = KeyPair::generate().unwrap();
        let b = KeyPair::generate().unwrap();
        let ka = AkeKeys::derive(&a, b.public());
        let kb = AkeKeys::derive(&b, a.public());
        assert_eq!(ka.ssid(), kb.ssid());
        assert_eq!(ka.c(), kb.c());
        assert_eq!(ka.m2_prime(), kb.m2_prime());
        assert_ne!(ka.c(), ka.c_prime());
        assert_eq!(format!("{ka:?}"), "AkeKeys { .. }");
    }

    #[test]
    fn bold_half() {
        assert_eq!(
            SessionIdHalf::for_sender_of_reveal_signature(true),
            SessionIdHalf::FirstHalfBold
        );
        assert_eq!(
            SessionIdHalf::for_sender_of_reveal_signature(false),
            SessionIdHalf::SecondHalfBold
        );
    }
}
