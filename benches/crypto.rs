//! Timings of the crypto core: `cargo bench --bench crypto`.
//!
//! Plain `std::time`, no framework. Each line gives the time per operation,
//! measured in batches for about a second: fastest batch and median batch. The D-H
//! exponentiation is also timed beside GMP and libgcrypt (`bench/modexp.c`, built here
//! with `cc`; needs libgmp-dev and libgcrypt20-dev).

#[path = "../tests/crypto_support/mod.rs"]
mod crypto_support;

use otr::crypto::dh::{modulus, KeyPair, PublicKey};
use otr::crypto::dsa::PrivateKey;
use otr::crypto::symmetric::{aes128_ctr, hmac_sha1};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `op` in batches for about `budget` and prints the time per call: the
/// fastest batch (the machine may be shared, so the minimum is the most
/// repeatable figure) and the median batch.
fn bench(name: &str, budget: Duration, op: impl FnMut()) -> (Duration, Duration) {
    let (min, median) = time_batches(budget, op);
    println!("{name:<48} min {min:>10.2?}  median {median:>10.2?}");
    (min, median)
}

/// The fastest and the median time per call of `op`, run in batches for `budget`.
fn time_batches(budget: Duration, mut op: impl FnMut()) -> (Duration, Duration) {
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
    (per_op[0], per_op[per_op.len() / 2])
}

/// One line of `bench/modexp.c`: library, fastest and median ns, result in hex.
struct CTiming {
    name: String,
    min: Duration,
    median: Duration,
    result: String,
}

/// Builds `bench/modexp.c` (GMP's `mpz_powm_sec` and libgcrypt's `gcry_mpi_powm`)
/// into the target's scratch directory.
fn build_modexp() -> PathBuf {
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modexp");
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/modexp.c");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(cc)
        .args(["-O2", "-o"])
        .arg(&bin)
        .args([source, "-lgmp", "-lgcrypt"])
        .status()
        .expect("run the C compiler");
    assert!(
        status.success(),
        "cannot build {source}: needs libgmp-dev, libgcrypt20-dev"
    );
    bin
}

/// Runs `bench/modexp.c` on big-endian `base`, `exponent`, `modulus` for `budget`.
fn run_modexp(bin: &Path, numbers: [&[u8]; 3], budget: Duration) -> Vec<CTiming> {
    let output = Command::new(bin)
        .args(numbers.map(hex))
        .arg(budget.as_millis().to_string())
        .output()
        .expect("run bench/modexp");
    assert!(output.status.success(), "bench/modexp failed");
    let ns = |s: &str| Duration::from_nanos(s.parse().expect("time"));
    String::from_utf8(output.stdout)
        .expect("text")
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            CTiming {
                name: f[0].into(),
                min: ns(f[1]),
                median: ns(f[2]),
                result: f[3].trim_start_matches('0').to_lowercase(),
            }
        })
        .collect()
}

/// Minimal lower-case hex of big-endian bytes.
fn hex(bytes: &[u8]) -> String {
    let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        "0".into()
    } else {
        digits.into()
    }
}

/// The D-H shared secret's exponentiation (1536-bit base and modulus, 320-bit
/// exponent) in ours, GMP's `mpz_powm_sec` and libgcrypt's `gcry_mpi_powm`, round
/// after round; every library's result must equal ours. Prints the fastest and the
/// median of each, and ours against each as the median of the per-round ratios of
/// the fastest batches: on a shared machine a separate process's median depends on
/// which core it lands on, its fastest batch much less.
fn modexp_side_by_side(ours: &KeyPair, theirs: &PublicKey, rounds: usize) {
    let bin = build_modexp();
    let (x, y, p) = (ours.private_bytes(), theirs.to_bytes(), modulus());
    let expected = hex(&ours.shared_secret(theirs).secbytes()[4..]);
    let budget = Duration::from_millis(300);
    let mut samples: Vec<(String, Vec<(Duration, Duration)>)> = Vec::new();
    let mut record = |name: &str, min, median| match samples.iter_mut().find(|(n, _)| n == name) {
        Some((_, v)) => v.push((min, median)),
        None => samples.push((name.into(), vec![(min, median)])),
    };
    for _ in 0..rounds {
        let (min, median) = time_batches(budget, || {
            black_box(ours.shared_secret(black_box(theirs)));
        });
        record("ours", min, median);
        for c in run_modexp(&bin, [&y, &x, &p], budget) {
            assert_eq!(c.result, expected, "{} disagrees with ours", c.name);
            record(&c.name, c.min, c.median);
        }
    }
    let ours_minima: Vec<Duration> = samples[0].1.iter().map(|s| s.0).collect();
    for (name, runs) in &samples {
        let min = runs.iter().map(|s| s.0).min().expect("rounds");
        let mut medians: Vec<Duration> = runs.iter().map(|s| s.1).collect();
        let mut ratios: Vec<f64> = runs
            .iter()
            .zip(&ours_minima)
            .map(|(theirs, ours)| theirs.0.as_secs_f64() / ours.as_secs_f64())
            .collect();
        medians.sort();
        ratios.sort_by(f64::total_cmp);
        let (median, ratio) = (medians[medians.len() / 2], ratios[ratios.len() / 2]);
        println!(
            "modexp 1536/320 bits, {name:<10} min {min:>10.2?}  median {median:>10.2?}  ours vs it {ratio:.2}x"
        );
    }
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
    modexp_side_by_side(&ours, &theirs, 5);
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
