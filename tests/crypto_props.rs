//! Property tests: no input reaches a panic, and round trips hold.

mod crypto_support;

use otr::crypto::dh::{KeyPair, PublicKey as DhPublicKey};
use otr::crypto::dsa::{PrivateKey, PublicKey, Signature};
use otr::crypto::symmetric::{aes128_ctr, macs_equal};
use proptest::prelude::*;
use std::sync::OnceLock;

fn sample_key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let [p, q, g, y, x] = crypto_support::sample_key_components("alice");
        PrivateKey::from_components(&p, &q, &g, &y, &x).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dh_public_key_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..260)) {
        if let Ok(key) = DhPublicKey::from_bytes(&bytes) {
            prop_assert_eq!(DhPublicKey::from_bytes(&key.to_bytes()), Ok(key));
        }
    }

    #[test]
    fn dh_private_key_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
        if let Ok(pair) = KeyPair::from_private_bytes(&bytes) {
            let again = KeyPair::from_private_bytes(&pair.private_bytes()).unwrap();
            prop_assert_eq!(again.public(), pair.public());
        }
    }

    #[test]
    fn dsa_components_never_panic(
        p in proptest::collection::vec(any::<u8>(), 0..140),
        q in proptest::collection::vec(any::<u8>(), 0..24),
        g in proptest::collection::vec(any::<u8>(), 0..140),
        y in proptest::collection::vec(any::<u8>(), 0..140),
    ) {
        if let Ok(key) = PublicKey::from_components(&p, &q, &g, &y) {
            let _ = key.verify(&[1, 2, 3], &Signature::from_bytes(&[1; 40]).unwrap());
        }
    }

    #[test]
    fn verify_arbitrary_signatures_never_panics(
        sig in proptest::collection::vec(any::<u8>(), 40),
        data in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let signature = Signature::from_bytes(&sig).unwrap();
        prop_assert!(!sample_key().public().verify(&data, &signature));
    }

    #[test]
    fn sign_then_verify(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let key = sample_key();
        let signature = key.sign(&data).unwrap();
        prop_assert!(key.public().verify(&data, &signature));
    }

    #[test]
    fn aes_ctr_round_trip(
        key in any::<[u8; 16]>(),
        top in any::<[u8; 8]>(),
        data in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut buf = data.clone();
        aes128_ctr(&key, &top, &mut buf);
        aes128_ctr(&key, &top, &mut buf);
        prop_assert_eq!(&buf, &data);
        prop_assert!(macs_equal(&buf, &data));
    }
}
