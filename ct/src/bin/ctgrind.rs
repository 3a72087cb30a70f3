//! ctgrind: the library's secret paths under valgrind's memcheck with every secret
//! marked undefined, so that memcheck reports each branch and each memory address
//! that depends on a secret (`make check-ct`; SECURITY.md, "Constant time").
//!
//! Secrets are marked where they are born: the library hands every buffer of random
//! bytes to a hook that marks it (the private exponents, DSA nonces and SMP random
//! exponents), and this program marks the secrets a client supplies (the DSA key's
//! x, the SMP secrets, AES and MAC keys). What goes on the wire is marked public
//! again here, and the library marks the few secret-derived facts the protocol
//! reveals (`otr::crypto::ct`). Each path must add no report; a deliberately leaky
//! comparison and a variable-time exponentiation must add some, or the check
//! itself is broken.

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U1536};
use otr::crypto::ake_keys::AkeKeys;
use otr::crypto::ct::{install, Hooks};
use otr::crypto::dh::{self, KeyPair, SessionKeys};
use otr::crypto::dsa::PrivateKey;
use otr::crypto::symmetric::{hmac_sha256, hmac_sha256_160, macs_equal, Aes128CtrKey, HmacSha1};
use otr::files::privkey::parse_private_keys;
use otr::smp::{combined_secret, Smp};
use otr_ct::valgrind;
use std::hint::black_box;
use std::process::ExitCode;

/// A path of the library, run once with its secrets marked.
type Path = fn();

/// The secret paths: each must add no report. The six SMP steps are counted one
/// by one (`smp_steps`).
const SECRET_PATHS: [(&str, Path); 7] = [
    ("DH key generation (320-bit x, g^x)", dh_key_generation),
    ("DH shared secret and data-message keys", dh_shared_secret),
    ("AKE keys (ssid, c, c', m1, m2, m1', m2')", ake_keys),
    ("DSA signing (x and the nonce k)", dsa_signing),
    (
        "SMP secret (SHA-256 of the user's secret)",
        smp_combined_secret,
    ),
    ("AES-128-CTR key use", aes_key_use),
    ("HMAC key use and MAC comparison", hmac_key_use),
];

/// The SMP steps, in order.
const SMP_STEPS: [&str; 6] = [
    "SMP step 1 (a2, a3, proofs)",
    "SMP step 2a (proof checks, b2, b3, g2, g3)",
    "SMP step 2b (Pb, Qb, proofs)",
    "SMP step 3 (proof checks, Pa, Qa, Ra, proofs)",
    "SMP step 4 (proof checks, Rb, comparison)",
    "SMP step 5 (proof check, comparison)",
];

/// Deliberately leaky functions: each must add reports.
const LEAKY_PATHS: [(&str, Path); 2] = [
    ("leaky MAC comparison (early exit)", leaky_comparison),
    ("variable-time exponentiation", leaky_modexp),
];

fn main() -> ExitCode {
    if !valgrind::running_on_valgrind() {
        eprintln!("ctgrind: run me under valgrind (make check-ct)");
        return ExitCode::FAILURE;
    }
    install(Hooks {
        random: |buf| valgrind::secret(buf),
        public: |addr, len| valgrind::make_defined(addr, len),
    });
    let mut secret_reports: Vec<(&str, usize)> = SECRET_PATHS
        .iter()
        .map(|&(name, path)| (name, reports_of(path)))
        .collect();
    secret_reports.extend(SMP_STEPS.into_iter().zip(smp_steps()));
    let mut failed = 0;
    for (name, reports) in &secret_reports {
        failed += usize::from(*reports != 0);
        println!("{} - {name}: {reports} reports", verdict(*reports == 0));
    }
    let mut counted: usize = secret_reports.iter().map(|(_, reports)| reports).sum();
    for (name, path) in LEAKY_PATHS {
        let reports = reports_of(path);
        counted += reports;
        failed += usize::from(reports == 0);
        println!(
            "{} - {name} is reported: {reports} reports",
            verdict(reports != 0)
        );
    }
    let elsewhere = valgrind::count_errors() - counted;
    failed += usize::from(elsewhere != 0);
    println!(
        "{} - no report outside the paths: {elsewhere}",
        verdict(elsewhere == 0)
    );
    println!(
        "{} secret paths, {} deliberately leaky ones; {failed} failed",
        secret_reports.len(),
        LEAKY_PATHS.len()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "not ok"
    }
}

/// The number of errors memcheck reports while `path` runs.
fn reports_of(path: Path) -> usize {
    let before = valgrind::count_errors();
    path();
    valgrind::count_errors() - before
}

/// A fresh key pair: its private exponent is secret (from the random hook), its
/// public value is not.
fn key_pair() -> KeyPair {
    let pair = KeyPair::generate().expect("random numbers");
    valgrind::public(&pair.public().to_bytes());
    pair
}

fn dh_key_generation() {
    let pair = KeyPair::generate().expect("random numbers");
    let public = pair.public().to_bytes();
    assert_eq!(public.len().div_ceil(64), 3, "g^x is about 1536 bits");
}

fn dh_shared_secret() {
    let (ours, theirs) = (key_pair(), key_pair());
    let secret = ours.shared_secret(theirs.public());
    black_box(secret.h1(0x01));
    black_box(secret.h2(0x02));
    let keys = SessionKeys::derive(&ours, theirs.public());
    black_box((
        keys.sending_aes_key(),
        keys.receiving_mac_key(),
        keys.extra_key(),
    ));
}

fn ake_keys() {
    let (ours, theirs) = (key_pair(), key_pair());
    let keys = AkeKeys::derive(&ours, theirs.public());
    black_box((
        keys.ssid(),
        keys.c(),
        keys.c_prime(),
        keys.m1(),
        keys.m2_prime(),
    ));
}

/// The sample key written by Debian's libotr, its x marked secret.
fn sample_key(index: usize) -> PrivateKey {
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/files_data/sample.private_key"
    ))
    .expect("the sample key file");
    let dsa = &parse_private_keys(&file).keys[index].dsa;
    let x = dsa.x.as_ref().expect("a private key");
    let key = PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, x).expect("valid key");
    valgrind::secret(key.x());
    key
}

fn dsa_signing() {
    let key = sample_key(0);
    let data = [0x5a; 32];
    let signature = key.sign(&data).expect("signed");
    let bytes = signature.to_bytes();
    valgrind::public(&bytes);
    assert!(key.public().verify(&data, &signature));
}

fn smp_combined_secret() {
    let user_secret = *b"our first pet";
    valgrind::secret(&user_secret);
    black_box(combined_secret(&[1; 20], &[2; 20], &[3; 8], &user_secret));
}

/// The reports of each SMP step, over two exchanges with secret inputs: one
/// with equal secrets, one with different ones.
fn smp_steps() -> [usize; 6] {
    let mut reports = [0; 6];
    for (bob_secret, equal) in [([7u8; 32], true), ([8u8; 32], false)] {
        let steps = smp_exchange([7u8; 32], bob_secret, equal);
        for (total, step) in reports.iter_mut().zip(steps) {
            *total += step;
        }
    }
    reports
}

/// One SMP exchange; the messages go on the wire, so they are public.
fn smp_exchange(alice_secret: [u8; 32], bob_secret: [u8; 32], equal: bool) -> [usize; 6] {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    valgrind::secret(&alice_secret);
    valgrind::secret(&bob_secret);
    let mut reports = [0; 6];
    let mut count = |step: usize, run: &mut dyn FnMut() -> Vec<u8>| {
        let before = valgrind::count_errors();
        let message = run();
        valgrind::public(&message);
        reports[step] = valgrind::count_errors() - before;
        message
    };
    let msg1 = count(0, &mut || alice.step1(&alice_secret).expect("step 1"));
    count(1, &mut || {
        bob.step2a(&msg1, false).expect("step 2a");
        Vec::new()
    });
    let msg2 = count(2, &mut || bob.step2b(&bob_secret).expect("step 2b"));
    let msg3 = count(3, &mut || alice.step3(&msg2).expect("step 3"));
    let mut bob_saw = false;
    let msg4 = count(4, &mut || {
        let (msg4, equal) = bob.step4(&msg3).expect("step 4");
        bob_saw = equal;
        msg4
    });
    let mut alice_saw = false;
    count(5, &mut || {
        alice_saw = alice.step5(&msg4).expect("step 5");
        Vec::new()
    });
    assert_eq!(alice_saw, bob_saw);
    assert_eq!(alice_saw, equal);
    reports
}

fn aes_key_use() {
    let key = [0x42u8; 16];
    valgrind::secret(&key);
    let mut data = *b"a secret message, forty-two bytes long....";
    valgrind::secret(&data);
    let cipher = Aes128CtrKey::new(&key);
    cipher.apply(&[0, 0, 0, 0, 0, 0, 0, 1], &mut data);
    valgrind::public(&data);
    black_box(data);
}

fn hmac_key_use() {
    let key = [0x17u8; 20];
    valgrind::secret(&key);
    let data = b"an authenticated data message";
    let mac = HmacSha1::new(&key).mac(data);
    let mut wrong = mac;
    valgrind::public(&wrong);
    wrong[0] ^= 1;
    assert!(macs_equal(&mac, &mac));
    assert!(!macs_equal(&mac, &wrong));
    let long = hmac_sha256(&[0x23; 32], data);
    let short = hmac_sha256_160(&key, data);
    assert!(!macs_equal(&long[..20], &short));
}

/// An early-exit comparison, as `memcmp` is: the first differing byte shows.
fn leaky_comparison() {
    let secret = [0x11u8; 20];
    valgrind::secret(&secret);
    let guess = [0x11u8; 20];
    let equal = black_box(&secret).iter().zip(&guess).all(|(a, b)| a == b);
    black_box(equal);
}

/// A square-and-multiply that skips the multiplications of zero bits.
fn leaky_modexp() {
    let p = Odd::new(U1536::from_be_slice(&dh::modulus())).expect("odd");
    let params = FixedMontyParams::new_vartime(p);
    let exponent = [0x0fu8; 192];
    valgrind::secret(&exponent);
    let exponent = U1536::from_be_slice(&exponent);
    let power = FixedMontyForm::new(&U1536::from_u8(2), &params).pow_vartime(&exponent);
    black_box(power.retrieve());
}
