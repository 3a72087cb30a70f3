//! Symmetric primitives: AES-128-CTR with OTR's counter, HMACs and MAC comparison.
//!
//! Spec (Protocol-v3):
//! - "Data Message": the data is encrypted with AES-128 in counter mode; the
//!   initial 16-byte counter is the 8-byte "top half of counter init" from the
//!   message followed by 8 zero bytes.
//! - "Authenticated Key Exchange": the AKE encrypts g^x with key r and the
//!   signatures with keys c and c', all with initial counter 0; its MACs are
//!   SHA256-HMAC, truncated to 160 bits for the messages' MAC fields.
//! - "Data Message": the message's authenticator is SHA1-HMAC.

use aes::Aes128Enc;
use ctr::cipher::{InnerIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// AES-128 counter mode with a 128-bit big-endian counter, as libgcrypt's
/// `GCRY_CIPHER_MODE_CTR` uses.
type Aes128Ctr = ctr::Ctr128BE<Aes128Enc>;

/// Size of the top half of the counter carried in a Data Message.
pub const CTR_TOP_HALF_BYTES: usize = 8;

/// Size of the MAC fields of AKE and data messages (160 bits).
pub const MAC_BYTES: usize = 20;

/// An AES-128 key with its round keys expanded once, for the many Data
/// Messages a session sends or reads under the same key. Counter mode only
/// ever encrypts, so only the encryption round keys are made; they wipe
/// themselves when dropped (the `aes` crate's `zeroize` feature).
#[derive(Clone)]
pub struct Aes128CtrKey(Aes128Enc);

impl Aes128CtrKey {
    /// Expands `key`.
    pub fn new(key: &[u8; 16]) -> Self {
        Self(<Aes128Enc as KeyInit>::new(key.into()))
    }

    /// Encrypts or decrypts `data` in place with AES-128-CTR; the initial
    /// counter block is `top_half` followed by eight zero bytes (spec "Data
    /// Message").
    pub fn apply(&self, top_half: &[u8; CTR_TOP_HALF_BYTES], data: &mut [u8]) {
        let mut counter = [0u8; 16];
        counter[..CTR_TOP_HALF_BYTES].copy_from_slice(top_half);
        let core = ctr::CtrCore::inner_iv_init(self.0.clone(), &counter.into());
        Aes128Ctr::from_core(core).apply_keystream(data);
    }

    /// [`Self::apply`] to a whole message in its buffer. If the buffer has
    /// room, the message is taken as whole blocks (one pass of the cipher,
    /// not one for the whole blocks and another for the last, partial one)
    /// and the keystream of the padding is wiped and cut off again; the
    /// buffer never moves.
    pub fn apply_in_place(&self, top_half: &[u8; CTR_TOP_HALF_BYTES], data: &mut Vec<u8>) {
        let len = data.len();
        let padded = len.next_multiple_of(16);
        if padded > data.capacity() {
            return self.apply(top_half, data);
        }
        data.resize(padded, 0);
        self.apply(top_half, data);
        if let Some(padding) = data.get_mut(len..) {
            padding.zeroize();
        }
        data.truncate(len);
    }
}

impl core::fmt::Debug for Aes128CtrKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Aes128CtrKey { .. }")
    }
}

/// Encrypts or decrypts `data` in place with AES-128-CTR under a key used
/// once (see [`Aes128CtrKey::apply`]).
pub fn aes128_ctr(key: &[u8; 16], top_half: &[u8; CTR_TOP_HALF_BYTES], data: &mut [u8]) {
    Aes128CtrKey::new(key).apply(top_half, data);
}

/// Encrypts or decrypts `data` in place with AES-128-CTR from counter 0, as the
/// AKE does (spec "D-H Commit Message", "Reveal Signature Message",
/// "Signature Message").
pub fn aes128_ctr_zero(key: &[u8; 16], data: &mut [u8]) {
    aes128_ctr(key, &[0; CTR_TOP_HALF_BYTES], data);
}

/// HMAC-SHA256 of `data` under `key` (spec: "SHA256-HMAC").
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
        unreachable!("HMAC takes keys of any length");
    });
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The first 160 bits of HMAC-SHA256 (spec: "SHA256-HMAC-160", the MAC fields
/// of the Reveal Signature and Signature messages).
pub fn hmac_sha256_160(key: &[u8], data: &[u8]) -> [u8; MAC_BYTES] {
    let full = hmac_sha256(key, data);
    let mut out = [0u8; MAC_BYTES];
    out.copy_from_slice(&full[..MAC_BYTES]);
    out
}

/// HMAC-SHA1 of `data` under `key` (spec "Data Message": "Authenticator").
pub fn hmac_sha1(key: &[u8], data: &[u8]) -> [u8; MAC_BYTES] {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
        unreachable!("HMAC takes keys of any length");
    });
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SHA1-HMAC keyed once with a data-message MAC key and used for every
/// message under that key (spec "Data Message": "Authenticator"): keying
/// hashes the key's inner and outer pads, two SHA-1 blocks that would
/// otherwise be repeated for each message.
///
/// The keyed state is as secret as the key. `Hmac<Sha1>` is two SHA-1
/// states (inner and outer) and a block buffer; with the `zeroize` feature of
/// the `sha1` and `hmac` crates (Cargo.toml) each wipes itself when dropped,
/// so every copy (this one and the working copy each [`HmacSha1::mac`]
/// finalizes) is wiped. The `hmac` crate does not declare that for the whole
/// type, so the assertion below checks its parts, and fails to compile if the
/// feature is switched off.
#[derive(Clone)]
pub struct HmacSha1(Hmac<Sha1>);

const _: () = {
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    let _ = wiped_on_drop::<sha1::block_api::Sha1Core>;
    let _ = wiped_on_drop::<hmac::digest::block_api::Buffer<sha1::block_api::Sha1Core>>;
    let _ = wiped_on_drop::<Aes128Enc>;
    let _ = wiped_on_drop::<Aes128Ctr>;
};

impl HmacSha1 {
    /// The HMAC keyed with `key`.
    pub fn new(key: &[u8]) -> Self {
        Self(
            <Hmac<Sha1> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
                unreachable!("HMAC takes keys of any length");
            }),
        )
    }

    /// HMAC-SHA1 of `data` (the same as [`hmac_sha1`] with this key).
    pub fn mac(&self, data: &[u8]) -> [u8; MAC_BYTES] {
        self.mac_pieces(&[data])
    }

    /// HMAC-SHA1 of the concatenation of `pieces`.
    pub fn mac_pieces(&self, pieces: &[&[u8]]) -> [u8; MAC_BYTES] {
        let mut mac = self.0.clone();
        for piece in pieces {
            mac.update(piece);
        }
        mac.finalize().into_bytes().into()
    }
}

impl core::fmt::Debug for HmacSha1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HmacSha1 { .. }")
    }
}

/// Compares two MACs in constant time (for inputs of equal length; the
/// lengths themselves are public). Whether they match is public: the message
/// is accepted or not.
pub fn macs_equal(a: &[u8], b: &[u8]) -> bool {
    super::ct::public(a.ct_eq(b).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
    #[test]
    fn hmac_known_answers() {
        let data = b"what do ya want for nothing?";
        assert_eq!(
            hmac_sha256(b"Jefe", data).to_vec(),
            hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        assert_eq!(
            hmac_sha256_160(b"Jefe", data).to_vec(),
            hex("5bdcc146bf60754e6a042426089575c75a003f08")
        );
        assert_eq!(
            hmac_sha1(b"Jefe", data).to_vec(),
            hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        );
    }

    /// NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt), first two blocks. Its initial
    /// counter is not of OTR's form, so this drives the cipher directly.
    #[test]
    fn aes_ctr_known_answer() {
        let key: [u8; 16] = hex("2b7e151628aed2a6abf7158809cf4f3c").try_into().unwrap();
        let iv: [u8; 16] = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff").try_into().unwrap();
        let mut data = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        let cipher = <Aes128Enc as KeyInit>::new(&key.into());
        Aes128Ctr::from_core(ctr::CtrCore::inner_iv_init(cipher, &iv.into()))
            .apply_keystream(&mut data);
        assert_eq!(
            data,
            hex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff")
        );
    }

    #[test]
    fn ctr_in_place_is_ctr() {
        let key = Aes128CtrKey::new(&[3; 16]);
        for len in [0, 1, 15, 16, 17, 100] {
            let plain: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut expected = plain.clone();
            key.apply(&[9; 8], &mut expected);
            let mut roomy = Vec::with_capacity(len + 16);
            roomy.extend_from_slice(&plain);
            key.apply_in_place(&[9; 8], &mut roomy);
            assert_eq!(roomy, expected);
            let mut tight = plain.clone();
            tight.shrink_to_fit();
            key.apply_in_place(&[9; 8], &mut tight);
            assert_eq!(tight, expected);
        }
    }

    #[test]
    fn ctr_round_trip_and_counter_layout() {
        let key = [7u8; 16];
        let mut data = *b"attack at dawn, attack at dusk!!!";
        aes128_ctr(&key, &[0, 0, 0, 0, 0, 0, 0, 1], &mut data);
        aes128_ctr(&key, &[0, 0, 0, 0, 0, 0, 0, 1], &mut data);
        assert_eq!(&data, b"attack at dawn, attack at dusk!!!");
        // Counter 0 and "top half 0" are the same thing.
        let (mut a, mut b) = ([0u8; 40], [0u8; 40]);
        aes128_ctr_zero(&key, &mut a);
        aes128_ctr(&key, &[0; 8], &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn keyed_hmac_sha1_is_hmac_sha1() {
        let key = [0x5a; 20];
        let keyed = HmacSha1::new(&key);
        for data in [&b""[..], b"what do ya want for nothing?", &[7; 200]] {
            assert_eq!(keyed.mac(data), hmac_sha1(&key, data));
            // Using it leaves it as it was.
            assert_eq!(keyed.mac(data), hmac_sha1(&key, data));
            let (head, tail) = data.split_at(data.len() / 3);
            assert_eq!(keyed.mac_pieces(&[head, tail]), hmac_sha1(&key, data));
        }
        assert_eq!(
            HmacSha1::new(b"Jefe")
                .mac(b"what do ya want for nothing?")
                .to_vec(),
            hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        );
    }

    #[test]
    fn mac_comparison() {
        assert!(macs_equal(&[1, 2, 3], &[1, 2, 3]));
        assert!(!macs_equal(&[1, 2, 3], &[1, 2, 4]));
        assert!(!macs_equal(&[1, 2, 3], &[1, 2]));
    }
}
