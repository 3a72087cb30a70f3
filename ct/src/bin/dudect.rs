//! dudect: times the modular exponentiation with a secret exponent and DSA signing
//! on two classes of secret inputs, a fixed one (exponent 1; x = 1 and nonce k = 1)
//! and random ones, interleaved at random, and compares the classes with Welch's
//! t-test (`make dudect`; a short run in `make check-ct`). A variable-time
//! exponentiation and a DSA signature made with it are timed the same way and must
//! be told apart, which shows that the measurement can see a leak.
//!
//! Usage: `dudect [SAMPLES]` (per target, both classes together; default 4000).
//! Exit status 1 when a constant-time target has |t| > 4.5 or a leaky one has not.

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{NonZero, Odd, U1024, U1536};
use otr::crypto::ct::{install, Hooks};
use otr::crypto::dh::{self, KeyPair};
use otr::crypto::dsa::PrivateKey;
use otr::files::privkey::parse_private_keys;
use otr_ct::welch::{cropped_t, max_abs_t, THRESHOLD};
use std::cell::Cell;
use std::hint::black_box;
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

thread_local! {
    /// Whether the library's random bytes are replaced by zeros (the fixed class).
    static FIXED_RANDOM: Cell<bool> = const { Cell::new(false) };
}

/// A target: prepares an input of a class (untimed), then runs on it (timed).
struct Target {
    name: &'static str,
    leaky: bool,
    prepare: fn(bool, &mut Inputs) -> Input,
    run: fn(&Input),
}

/// What one timed run takes.
enum Input {
    Exponent(Vec<u8>),
    Signer(Box<PrivateKey>, bool),
}

const TARGETS: [Target; 4] = [
    Target {
        name: "modexp g^x mod p, 320-bit x (DH key generation)",
        leaky: false,
        prepare: dh_exponent,
        run: dh_modexp,
    },
    Target {
        name: "DSA signing (x and the nonce k)",
        leaky: false,
        prepare: dsa_signer,
        run: dsa_sign,
    },
    Target {
        name: "variable-time modexp (leaky)",
        leaky: true,
        prepare: dh_exponent,
        run: vartime_modexp,
    },
    Target {
        name: "DSA signing with a variable-time g^k (leaky)",
        leaky: true,
        prepare: dsa_signer,
        run: vartime_dsa_sign,
    },
];

fn main() -> ExitCode {
    let samples: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("SAMPLES is a number"))
        .unwrap_or(4000);
    install(Hooks {
        random: |buf| {
            if FIXED_RANDOM.with(Cell::get) {
                buf.fill(0);
            }
        },
        public: |_, _| {},
    });
    let mut inputs = Inputs::new();
    let mut failed = 0;
    for target in &TARGETS {
        let started = Instant::now();
        let timings = measure(target, samples, &mut inputs);
        let ts = cropped_t(&timings);
        let t = max_abs_t(&ts);
        let ok = (t <= THRESHOLD) != target.leaky;
        failed += usize::from(!ok);
        let each: Vec<String> = ts
            .iter()
            .map(|(crop, t)| format!("{crop}: {t:.2}"))
            .collect();
        println!(
            "{} - {}: max |t| = {t:.2} over {samples} timings ({:.1} s; t by crop {})",
            if ok { "ok" } else { "not ok" },
            target.name,
            started.elapsed().as_secs_f64(),
            each.join(", ")
        );
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `samples` timings (ns) of `target`, each with its class (true: fixed), after a
/// warm-up of a tenth as many that are thrown away.
fn measure(target: &Target, samples: usize, inputs: &mut Inputs) -> Vec<(bool, u64)> {
    let warm_up = samples / 10;
    let mut timings = Vec::with_capacity(samples);
    for i in 0..warm_up + samples {
        let fixed = inputs.coin();
        let input = (target.prepare)(fixed, inputs);
        FIXED_RANDOM.with(|f| f.set(fixed));
        let start = Instant::now();
        (target.run)(black_box(&input));
        let ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        FIXED_RANDOM.with(|f| f.set(false));
        if i >= warm_up {
            timings.push((fixed, ns));
        }
    }
    timings
}

/// Random bytes for the inputs and the classes, from the operating system.
struct Inputs {
    urandom: std::fs::File,
    key: PrivateKey,
}

impl Inputs {
    fn new() -> Self {
        let file = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/files_data/sample.private_key"
        ))
        .expect("the sample key file");
        let dsa = &parse_private_keys(&file).keys[0].dsa;
        let x = dsa.x.as_ref().expect("a private key");
        Self {
            urandom: std::fs::File::open("/dev/urandom").expect("/dev/urandom"),
            key: PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, x).expect("valid"),
        }
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0; n];
        self.urandom.read_exact(&mut buf).expect("/dev/urandom");
        buf
    }

    fn coin(&mut self) -> bool {
        self.bytes(1)[0] & 1 == 1
    }
}

/// A 320-bit exponent: 1 (fixed class) or random.
fn dh_exponent(fixed: bool, inputs: &mut Inputs) -> Input {
    let mut x = inputs.bytes(dh::PRIVATE_KEY_BYTES);
    if fixed {
        x.fill(0);
        x[dh::PRIVATE_KEY_BYTES - 1] = 1;
    }
    Input::Exponent(x)
}

/// The sample key with x = 1 (fixed class) or a random x below 2^152 (< q); the
/// nonce k is 1 in the fixed class (the library's random bytes replaced by zeros).
fn dsa_signer(fixed: bool, inputs: &mut Inputs) -> Input {
    let x = if fixed { vec![1] } else { inputs.bytes(19) };
    let public = inputs.key.public();
    let key = PrivateKey::from_components(public.p(), public.q(), public.g(), public.y(), &x)
        .expect("0 < x < q");
    Input::Signer(Box::new(key), fixed)
}

fn dh_modexp(input: &Input) {
    if let Input::Exponent(x) = input {
        black_box(KeyPair::from_private_bytes(x).expect("x is not 0"));
    }
}

fn dsa_sign(input: &Input) {
    if let Input::Signer(key, _) = input {
        black_box(key.sign(&[0x5a; 32]).expect("signed"));
    }
}

/// g^x mod p by square-and-multiply skipping the zero bits (crypto-bigint's
/// `pow_vartime`).
fn vartime_modexp(input: &Input) {
    if let Input::Exponent(x) = input {
        let p = Odd::new(U1536::from_be_slice(&dh::modulus())).expect("odd");
        let params = FixedMontyParams::new_vartime(p);
        let mut wide = [0u8; 192];
        wide[192 - x.len()..].copy_from_slice(x);
        let exponent = U1536::from_be_slice(&wide);
        black_box(FixedMontyForm::new(&U1536::from_u8(2), &params).pow_vartime(&exponent));
    }
}

/// The signature's r = (g^k mod p) mod q with a variable-time g^k, k = 1 in the
/// fixed class and random otherwise; s as the library computes it.
fn vartime_dsa_sign(input: &Input) {
    if let Input::Signer(key, fixed) = input {
        let public = key.public();
        let wide = |bytes: &[u8]| {
            let mut buf = [0u8; 128];
            buf[128 - bytes.len()..].copy_from_slice(bytes);
            U1024::from_be_slice(&buf)
        };
        let (p, q, g) = (wide(public.p()), wide(public.q()), wide(public.g()));
        let drawn = wide(&random_bytes(19));
        let k = if *fixed { U1024::ONE } else { drawn };
        let params = FixedMontyParams::new_vartime(Odd::new(p).expect("odd"));
        let gk = FixedMontyForm::new(&g, &params).pow_vartime(&k).retrieve();
        black_box(gk.rem_vartime(&NonZero::new(q).expect("q > 0")));
        black_box(key.sign(&[0x5a; 32]).expect("signed"));
    }
}

/// Random bytes drawn inside a timed run (as the library draws its nonce).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    let mut urandom = std::fs::File::open("/dev/urandom").expect("/dev/urandom");
    urandom.read_exact(&mut buf).expect("/dev/urandom");
    buf
}
