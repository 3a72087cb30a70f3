//! Timings of the crypto core: `cargo bench --bench crypto`.
//!
//! Plain `std::time`, no framework. Each line gives the time per operation,
//! measured in batches for about a second: fastest batch and median batch.

#[path = "../tests/crypto_support/mod.rs"]
mod crypto_support;

use otr::crypto::dh::KeyPair;
use otr::crypto::dsa::PrivateKey;
use otr::crypto::symmetric::{aes128_ctr, hmac_sha1};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `op` in batches for about `budget` and prints the time per call: the
/// fastest batch (the machine may be shared, so the minimum is the most
/// repeatable figure) and the median batch.
fn bench(name: &str, budget: Duration, mut op: impl FnMut()) {
    op(); // warm-up
    let batch = {
        let start = Instant::now();
        op();
        let one = start.elapsed().as_nanos().max(1);
        u32::try_from((2_000_000 / one).clamp(1, 10_000)).unwrap_or(1)
    };
    let start = Instant::now();
    let mut per_op = Vec::new();
    while start.elapsed() < budget {
        let t = Instant::now();
        for _ in 0..batch {
            op();
        }
        per_op.push(t.elapsed() / batch);
    }
    per_op.sort();
    let (min, median) = (per_op[0], per_op[per_op.len() / 2]);
    println!("{name:<48} min {min:>10.2?}  median {median:>10.2?}");
}

fn main() {
    let budget = Duration::from_secs(1);

    let ours = KeyPair::generate().expect("key pair");
    let theirs = KeyPair::generate().expect("key pair").public().clone();
    bench(
        "DH 1536-bit modexp, 320-bit exponent (g^xy)",
        budget,
        || {
            black_box(ours.shared_secret(black_box(&theirs)));
        },
    );
    bench("DH key pair generation (random x, g^x)", budget, || {
        black_box(KeyPair::generate().expect("key pair"));
    });
    bench("DH session keys (modexp + SHA-1/SHA-256)", budget, || {
        black_box(ours.session_keys(black_box(&theirs)));
    });

    let [p, q, g, y, x] = crypto_support::sample_key_components("alice@example.org");
    let key = PrivateKey::from_components(&p, &q, &g, &y, &x).expect("sample key");
    let data = [0x5au8; 32];
    let signature = key.sign(&data).expect("signature");
    bench("DSA-1024/160 sign (32-byte value mod q)", budget, || {
        black_box(key.sign(black_box(&data)).expect("signature"));
    });
    bench("DSA-1024/160 verify", budget, || {
        assert!(key.public().verify(black_box(&data), &signature));
    });

    // Each key takes a random number of prime candidates: many samples.
    bench("DSA-1024/160 key generation", budget * 5, || {
        black_box(PrivateKey::generate().expect("key generation"));
    });

    let aes_key = [7u8; 16];
    let mac_key = [9u8; 20];
    let mut message = vec![0u8; 1024];
    bench("AES-128-CTR + HMAC-SHA1 over 1 kB", budget, || {
        aes128_ctr(&aes_key, &[0, 0, 0, 0, 0, 0, 0, 1], &mut message);
        black_box(hmac_sha1(&mac_key, &message));
    });
}
