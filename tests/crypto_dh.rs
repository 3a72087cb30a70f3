//! Diffie-Hellman, data-message session keys and AKE keys, checked against
//! Debian's libotr 4.1.1: the toolkit programs `otr_sesskeys` / `otr_mackey`
//! and libotr's `otrl_dh_session` / `otrl_dh_compute_v2_auth_keys` (through
//! tests/ref/otr_crypto_ref.c). Vectors are produced live on every run.

mod crypto_support;

use crypto_support::{arg_hex, hex, otr_mackey, otr_sesskeys, random_bytes, reference, unhex};
use otr::crypto::ake_keys::AkeKeys;
use otr::crypto::dh::{self, End, KeyPair, PublicKey};
use otr::crypto::symmetric::{aes128_ctr, aes128_ctr_zero, hmac_sha1, hmac_sha256};
use otr::crypto::Error;

/// The MAC input the oracle uses (see otr_crypto_ref.c).
const MSG: &[u8] = b"otr-rs reference MAC input";
/// The counter top half the oracle uses for data keys.
const TOP_HALF: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

fn random_pair() -> (KeyPair, PublicKey) {
    let ours = KeyPair::generate().expect("key pair");
    let theirs = KeyPair::generate().expect("key pair").public().clone();
    (ours, theirs)
}

/// p + delta, big-endian.
fn p_plus(delta: i32) -> Vec<u8> {
    let mut v = dh::modulus().to_vec();
    let mut carry = delta;
    for byte in v.iter_mut().rev() {
        let sum = i32::from(*byte) + carry;
        *byte = sum.rem_euclid(256) as u8;
        carry = sum.div_euclid(256);
        if carry == 0 {
            break;
        }
    }
    if carry > 0 {
        v.insert(0, carry as u8);
    }
    v
}

fn keystream(key: &[u8; 16], top_half: &[u8; 8]) -> String {
    let mut buf = [0u8; 32];
    aes128_ctr(key, top_half, &mut buf);
    hex(&buf)
}

/// Our data-message keys must equal what `otr_sesskeys` prints.
fn check_sesskeys(ours: &KeyPair, theirs: &PublicKey) {
    let reference = otr_sesskeys(&ours.private_bytes(), &theirs.to_bytes());
    let keys = ours.session_keys(theirs);
    assert_eq!(reference.our_public, ours.public().to_bytes(), "public key");
    assert_eq!(reference.high_end, keys.end() == End::High, "high/low end");
    assert_eq!(
        reference.sending_aes,
        keys.sending_aes_key(),
        "sending AES key"
    );
    assert_eq!(
        reference.sending_mac,
        keys.sending_mac_key(),
        "sending MAC key"
    );
    assert_eq!(
        reference.receiving_aes,
        keys.receiving_aes_key(),
        "receiving AES key"
    );
    assert_eq!(
        reference.receiving_mac,
        keys.receiving_mac_key(),
        "receiving MAC key"
    );
}

#[test]
fn session_keys_match_otr_sesskeys() {
    for _ in 0..8 {
        let (ours, theirs) = random_pair();
        check_sesskeys(&ours, &theirs);
    }
}

#[test]
fn session_keys_match_otr_sesskeys_at_range_ends() {
    let (ours, _) = random_pair();
    for theirs in [vec![2], p_plus(-2)] {
        check_sesskeys(&ours, &PublicKey::from_bytes(&theirs).unwrap());
    }
}

/// With x = 1 the shared secret is their public value itself, so a public
/// value with leading zero bytes checks that secbytes is a minimal MPI.
#[test]
fn secbytes_is_minimal_like_libotr() {
    let ours = KeyPair::from_private_bytes(&[1]).unwrap();
    for zeros in [1usize, 2, 5] {
        let mut value = random_bytes(192);
        value[..zeros].fill(0);
        value[zeros] |= 0x80;
        let theirs = PublicKey::from_bytes(&value).unwrap();
        let secret = ours.shared_secret(&theirs);
        assert_eq!(secret.secbytes().len(), 4 + 192 - zeros);
        check_sesskeys(&ours, &theirs);
    }
}

#[test]
fn mac_key_matches_otr_mackey() {
    for _ in 0..4 {
        let aes: [u8; 16] = random_bytes(16).try_into().unwrap();
        assert_eq!(otr_mackey(&aes), dh::mac_key_for(&aes));
    }
}

/// The full `DH_sesskeys` of `otrl_dh_session`: MAC keys, extra key, and the
/// AES keys and MAC keys in use (keystreams and HMACs agree).
#[test]
fn session_keys_match_otrl_dh_session() {
    for _ in 0..4 {
        let (ours, theirs) = random_pair();
        let r = reference(&[
            "dh_session",
            &hex(&ours.private_bytes()),
            &hex(&theirs.to_bytes()),
        ]);
        let keys = ours.session_keys(&theirs);
        assert_eq!(r["ourpub"], hex(&ours.public().to_bytes()));
        assert_eq!(r["sendmac"], hex(keys.sending_mac_key()));
        assert_eq!(r["rcvmac"], hex(keys.receiving_mac_key()));
        assert_eq!(r["extra"], hex(keys.extra_key()));
        assert_eq!(
            r["sendenc_ks"],
            keystream(keys.sending_aes_key(), &TOP_HALF)
        );
        assert_eq!(
            r["rcvenc_ks"],
            keystream(keys.receiving_aes_key(), &TOP_HALF)
        );
        assert_eq!(
            r["sendmac_hmac"],
            hex(&hmac_sha1(keys.sending_mac_key(), MSG))
        );
        assert_eq!(
            r["rcvmac_hmac"],
            hex(&hmac_sha1(keys.receiving_mac_key(), MSG))
        );
    }
}

/// ssid, c, c', m1, m2, m1', m2' against `otrl_dh_compute_v2_auth_keys`.
#[test]
fn ake_keys_match_otrl_dh_compute_v2_auth_keys() {
    for _ in 0..4 {
        let (ours, theirs) = random_pair();
        let r = reference(&[
            "auth_keys",
            &hex(&ours.private_bytes()),
            &hex(&theirs.to_bytes()),
        ]);
        assert_eq!(r["err"], "0");
        let keys = AkeKeys::derive(&ours, &theirs);
        let zero_keystream = |key: &[u8; 16]| {
            let mut buf = [0u8; 32];
            aes128_ctr_zero(key, &mut buf);
            hex(&buf)
        };
        assert_eq!(r["ssid"], hex(keys.ssid()));
        assert_eq!(r["c_ks"], zero_keystream(keys.c()));
        assert_eq!(r["cp_ks"], zero_keystream(keys.c_prime()));
        assert_eq!(r["m1_hmac"], hex(&hmac_sha256(keys.m1(), MSG)));
        assert_eq!(r["m2_hmac"], hex(&hmac_sha256(keys.m2(), MSG)));
        assert_eq!(r["m1p_hmac"], hex(&hmac_sha256(keys.m1_prime(), MSG)));
        assert_eq!(r["m2p_hmac"], hex(&hmac_sha256(keys.m2_prime(), MSG)));
    }
}

/// Public values outside 2 ..= p-2 are refused by us exactly when libotr's
/// `otrl_dh_compute_v2_auth_keys` refuses them.
#[test]
fn range_check_matches_libotr() {
    let (ours, _) = random_pair();
    let cases = [
        (vec![0], false),
        (vec![1], false),
        (vec![2], true),
        (vec![3], true),
        (p_plus(-3), true),
        (p_plus(-2), true),
        (p_plus(-1), false),
        (p_plus(0), false),
        (p_plus(1), false),
        (p_plus(1 << 20), false),
        (vec![0xff; 200], false),
    ];
    for (value, legal) in cases {
        let ours_ok = PublicKey::from_bytes(&value).is_ok();
        let r = reference(&["auth_keys", &hex(&ours.private_bytes()), &arg_hex(&value)]);
        let libotr_ok = r["err"] == "0";
        assert_eq!(ours_ok, legal, "ours on {}", hex(&value));
        assert_eq!(libotr_ok, legal, "libotr on {}", hex(&value));
        if !legal {
            assert_eq!(
                PublicKey::from_bytes(&value),
                Err(Error::PublicKeyOutOfRange)
            );
        }
    }
}

#[test]
fn modulus_matches_spec_text() {
    // Protocol-v3.html, "Encoded messages": the prime as printed in the spec.
    let spec = "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
                29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
                EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
                E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
                EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D
                C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F
                83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D
                670C354E 4ABC9804 F1746C08 CA237327 FFFFFFFF FFFFFFFF";
    let spec: String = spec.split_whitespace().collect();
    assert_eq!(hex(&dh::modulus()), spec.to_lowercase());
    assert_eq!(unhex(&spec.to_lowercase()).len(), dh::MODULUS_BYTES);
}
