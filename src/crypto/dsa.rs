//! OTR's long-term DSA keys and signatures.
//!
//! Spec (Protocol-v3), "Public keys, signatures, and fingerprints": a public key
//! is (p, q, g, y); a signature is r || s, each `len(q)` = 20 bytes, big-endian.
//! What OTR signs is a 32-byte SHA-256 (HMAC) output M_A or M_B "taken modulo q
//! instead of being truncated to 160 bits" ("Reveal Signature Message"):
//! libotr hands it to libgcrypt as a plain integer (`otrl_privkey_sign`,
//! `otrl_privkey_verify`), and DSA reduces it modulo q.
//!
//! Keys as libotr generates them have a 1024-bit p and a 160-bit q. Keys read
//! from files or the wire may have p up to 3072 bits; q must have at most 160
//! bits so that r and s fit the signature format.
//!
//! The secret x and the per-signature nonce k are only used in constant-time
//! arithmetic (Montgomery form, fixed-size integers) and zeroized afterwards.

use super::monty::Field;
use super::mpi::{strip_leading_zeros, uint_from_be, uint_to_be};
use super::{ct, random, Error};
use core::fmt;
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{CheckedAdd, Limb, NonZero, Odd, Reciprocal, Uint, Word, U1024, U192};
use zeroize::{ZeroizeOnDrop, Zeroizing};

pub use super::fingerprint::{fingerprint, fingerprint_data, Fingerprint};

/// Size in bytes of each of r and s in a signature (spec: `len(q)` = 20).
pub const SIGNATURE_HALF_BYTES: usize = 20;
/// Size in bytes of a signature r || s.
pub const SIGNATURE_BYTES: usize = 2 * SIGNATURE_HALF_BYTES;
/// Largest supported q, in bits: r and s must fit 20 bytes.
const MAX_Q_BITS: u32 = 160;
/// Largest supported p, in bytes (3072 bits).
const MAX_P_BYTES: usize = 384;
/// Bits of p of the keys libotr generates.
const GENERATED_P_BITS: u32 = 1024;
/// Bits of q of the keys libotr generates.
const GENERATED_Q_BITS: u32 = 160;
/// Odd primes below this bound sieve prime candidates. A larger bound strikes
/// off few more candidates than it costs to sieve with.
const SIEVE_BOUND: u32 = 1 << 16;
/// Candidates examined from one random start. A 1024-bit candidate ≡ 1
/// (mod 2q) is prime with probability about 1/355: the window misses with
/// probability about e^-11.5, and the search then starts afresh.
const SIEVE_WINDOW: usize = 4096;
/// Bound on the bases h tried for the generator g = h^((p-1)/q).
const GENERATOR_ATTEMPTS: u32 = 64;
/// Attempts at finding a nonce k that gives non-zero r and s.
const SIGN_ATTEMPTS: usize = 16;

/// Runs `$f::<LIMBS, 2 * LIMBS>($args)` with the smallest integer size that holds p.
macro_rules! with_size_of_p {
    ($p:expr, $fail:expr, $f:ident($($arg:expr),*)) => {
        match $p.len() {
            0..=128 => $f::<16, 32>($($arg),*),
            129..=256 => $f::<32, 64>($($arg),*),
            257..=MAX_P_BYTES => $f::<48, 96>($($arg),*),
            _ => $fail,
        }
    };
}

/// A DSA public key (p, q, g, y), stored as minimum-length big-endian integers.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    p: Vec<u8>,
    q: Vec<u8>,
    g: Vec<u8>,
    y: Vec<u8>,
}

impl PublicKey {
    /// Builds a key from big-endian components (leading zeros allowed).
    ///
    /// Requires p odd with at most 3072 bits, q odd with at most 160 bits and
    /// q < p, and 1 < g < p, 1 < y < p.
    pub fn from_components(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Result<Self, Error> {
        let key = Self {
            p: strip_leading_zeros(p).to_vec(),
            q: strip_leading_zeros(q).to_vec(),
            g: strip_leading_zeros(g).to_vec(),
            y: strip_leading_zeros(y).to_vec(),
        };
        let valid = with_size_of_p!(key.p, false, is_valid_public(&key));
        if valid {
            Ok(key)
        } else {
            Err(Error::InvalidDsaKey)
        }
    }

    /// The prime p (minimum-length big-endian).
    pub fn p(&self) -> &[u8] {
        &self.p
    }

    /// The subgroup order q (minimum-length big-endian).
    pub fn q(&self) -> &[u8] {
        &self.q
    }

    /// The generator g (minimum-length big-endian).
    pub fn g(&self) -> &[u8] {
        &self.g
    }

    /// The public value y = g^x mod p (minimum-length big-endian).
    pub fn y(&self) -> &[u8] {
        &self.y
    }

    /// The key's fingerprint (SHA-1 of its MPIs, spec "Public keys, signatures,
    /// and fingerprints").
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint(self)
    }

    /// Verifies `signature` over `data`, read as a big-endian integer and
    /// reduced modulo q (as `otrl_privkey_verify` does through libgcrypt).
    pub fn verify(&self, data: &[u8], signature: &Signature) -> bool {
        with_size_of_p!(self.p, false, verify_with(self, data, signature))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("fingerprint", &self.fingerprint().to_human())
            .finish_non_exhaustive()
    }
}

/// A DSA private key: the public key and the secret x.
#[derive(Clone)]
pub struct PrivateKey {
    public: PublicKey,
    x: Zeroizing<Vec<u8>>,
}

impl PrivateKey {
    /// Builds a key from big-endian components (leading zeros allowed).
    /// Requires a valid public key and 0 < x < q.
    pub fn from_components(
        p: &[u8],
        q: &[u8],
        g: &[u8],
        y: &[u8],
        x: &[u8],
    ) -> Result<Self, Error> {
        let key = Self {
            public: PublicKey::from_components(p, q, g, y)?,
            x: Zeroizing::new(strip_leading_zeros(x).to_vec()),
        };
        let valid = with_size_of_p!(key.public.p, false, is_valid_secret(&key));
        if valid {
            Ok(key)
        } else {
            Err(Error::InvalidDsaKey)
        }
    }

    /// Generates a new key as libotr does (libgcrypt DSA with a 1024-bit p and
    /// a 160-bit q). This takes a while: it searches for two primes.
    pub fn generate() -> Result<Self, Error> {
        generate_with::<16, 32>(&generate_domain()?)
    }

    /// The public half of the key.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The secret x (minimum-length big-endian).
    pub fn x(&self) -> &[u8] {
        &self.x
    }

    /// Signs `data`, read as a big-endian integer and reduced modulo q (as
    /// `otrl_privkey_sign` does through libgcrypt), with a fresh random nonce.
    pub fn sign(&self, data: &[u8]) -> Result<Signature, Error> {
        with_size_of_p!(
            self.public.p,
            Err(Error::InvalidDsaKey),
            sign_with(self, data)
        )
    }
}

impl ZeroizeOnDrop for PrivateKey {}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// A DSA signature r || s, each 20 bytes big-endian (spec "DSA signature (SIG)").
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; SIGNATURE_BYTES]);

impl Signature {
    /// Reads the 40-byte wire form r || s.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; SIGNATURE_BYTES] =
            bytes.try_into().map_err(|_| Error::MalformedSignature)?;
        Ok(Self(bytes))
    }

    /// The 40-byte wire form r || s.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_BYTES] {
        self.0
    }

    /// r, 20 bytes big-endian.
    pub fn r(&self) -> &[u8] {
        &self.0[..SIGNATURE_HALF_BYTES]
    }

    /// s, 20 bytes big-endian.
    pub fn s(&self) -> &[u8] {
        &self.0[SIGNATURE_HALF_BYTES..]
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.0).finish()
    }
}

/// The domain parameters of a key as fixed-size integers.
struct Domain<const L: usize> {
    p: FixedMontyParams<L>,
    q: FixedMontyParams<L>,
    q_bits: u32,
    g: Uint<L>,
}

impl<const L: usize> Domain<L> {
    /// Reads p, q and g, checking their shape (not their primality).
    fn of(key: &PublicKey) -> Option<Self> {
        let p = Odd::new(uint_from_be::<L>(&key.p)?).into_option()?;
        let q = Odd::new(uint_from_be::<L>(&key.q)?).into_option()?;
        let g = uint_from_be::<L>(&key.g)?;
        let q_bits = q.as_ref().bits_vartime();
        let one = Uint::<L>::ONE;
        let shape_ok = (2..=MAX_Q_BITS).contains(&q_bits)
            && q.as_ref() < p.as_ref()
            && g > one
            && &g < p.as_ref();
        shape_ok.then(|| Self {
            p: FixedMontyParams::new_vartime(p),
            q: FixedMontyParams::new_vartime(q),
            q_bits,
            g,
        })
    }

    fn q(&self) -> &Uint<L> {
        self.q.modulus().as_ref()
    }

    /// `data`, read as a big-endian integer of any length, modulo q (as
    /// libgcrypt's DSA reduces the MPI it is given). Horner's rule over 8-byte
    /// words keeps the accumulator below 2^224; each step is constant-time.
    fn reduce(&self, data: &[u8]) -> FixedMontyForm<L> {
        let q = self.q.modulus().as_nz_ref();
        let (head, tail) = data.split_at(data.len() % 8);
        let mut acc = Zeroizing::new(Uint::<L>::ZERO);
        for chunk in core::iter::once(head).chain(tail.chunks(8)) {
            let mut word = Zeroizing::new([0u8; 8]);
            word[8 - chunk.len()..].copy_from_slice(chunk);
            let word = Uint::<L>::from_u64(u64::from_be_bytes(*word));
            // The shift (0 or 64 bits, from the public length) is not secret.
            let shifted = acc.wrapping_shl_vartime(8 * chunk.len() as u32);
            *acc = shifted.wrapping_add(&word).rem(q);
        }
        FixedMontyForm::new(&acc, &self.q)
    }

    /// A uniformly random integer in 1 ..= q-1 (FIPS 186-4 B.2.1: 64 extra
    /// random bits, reduced modulo q-1, plus one), in constant time.
    fn random_scalar(&self) -> Result<Zeroizing<Uint<L>>, Error> {
        let len = (self.q_bits as usize + 64).div_ceil(8);
        let mut bytes = Zeroizing::new(vec![0u8; len]);
        random::fill(&mut bytes)?;
        let c = Zeroizing::new(uint_from_be::<L>(&bytes).ok_or(Error::InvalidDsaKey)?);
        let q_minus_1 = self.q().wrapping_sub(&Uint::ONE);
        let q_minus_1 = NonZero::new(q_minus_1)
            .into_option()
            .ok_or(Error::InvalidDsaKey)?;
        Ok(Zeroizing::new(c.rem(&q_minus_1).wrapping_add(&Uint::ONE)))
    }

    /// `g^exponent mod p`, constant-time in `exponent` (< q): its `q_bits` low bits
    /// are scanned ([`Field::pow`]; `W` is `2·L`).
    fn g_pow<const W: usize>(&self, exponent: &Uint<L>) -> Uint<L> {
        Field::<L, W>::new(&self.p).pow(&self.g, exponent.as_words(), self.q_bits)
    }
}

fn is_valid_public<const L: usize, const W: usize>(key: &PublicKey) -> bool {
    let (Some(domain), Some(y)) = (Domain::<L>::of(key), uint_from_be::<L>(&key.y)) else {
        return false;
    };
    y > Uint::ONE && &y < domain.p.modulus().as_ref()
}

fn is_valid_secret<const L: usize, const W: usize>(key: &PrivateKey) -> bool {
    let Some(domain) = Domain::<L>::of(&key.public) else {
        return false;
    };
    let Some(x) = uint_from_be::<L>(&key.x).map(Zeroizing::new) else {
        return false;
    };
    // Whether 0 < x < q is not secret; its outcome only rejects a bad file.
    bool::from(x.is_nonzero()) && *x < *domain.q()
}

fn sign_with<const L: usize, const W: usize>(
    key: &PrivateKey,
    data: &[u8],
) -> Result<Signature, Error> {
    let domain = Domain::<L>::of(&key.public).ok_or(Error::InvalidDsaKey)?;
    let x = Zeroizing::new(uint_from_be::<L>(&key.x).ok_or(Error::InvalidDsaKey)?);
    let x = Zeroizing::new(FixedMontyForm::new(&x, &domain.q));
    let h = Zeroizing::new(domain.reduce(data));
    for _ in 0..SIGN_ATTEMPTS {
        if let Some(signature) = sign_once::<L, W>(&domain, &x, &h)? {
            return Ok(signature);
        }
    }
    Err(Error::Random)
}

/// One signing attempt with a fresh nonce k: r = (g^k mod p) mod q,
/// s = k^-1 (h + x r) mod q; `None` if r or s is zero.
fn sign_once<const L: usize, const W: usize>(
    domain: &Domain<L>,
    x: &FixedMontyForm<L>,
    h: &FixedMontyForm<L>,
) -> Result<Option<Signature>, Error> {
    let k = domain.random_scalar()?;
    // r and s go on the wire.
    let r = ct::public(domain.g_pow::<W>(&k).rem(domain.q.modulus().as_nz_ref()));
    let k = Zeroizing::new(FixedMontyForm::new(&k, &domain.q));
    // k is in 1 ..= q-1, so it has an inverse; were it 0, s would be 0 too.
    let k_inv = Zeroizing::new(k.invert().unwrap_or(FixedMontyForm::zero(&domain.q)));
    let r_mod_q = FixedMontyForm::new(&r, &domain.q);
    let s = ct::public((*k_inv * (*h + *x * r_mod_q)).retrieve());
    if bool::from(r.is_zero()) || bool::from(s.is_zero()) {
        return Ok(None);
    }
    let mut bytes = [0u8; SIGNATURE_BYTES];
    write_fixed(&mut bytes[..SIGNATURE_HALF_BYTES], &r);
    write_fixed(&mut bytes[SIGNATURE_HALF_BYTES..], &s);
    Ok(Some(Signature(bytes)))
}

/// Writes `value` (known to fit) right-aligned into `out`.
fn write_fixed<const L: usize>(out: &mut [u8], value: &Uint<L>) {
    let full = Zeroizing::new(value.to_be_bytes());
    let full: &[u8] = full.as_ref();
    let start = full.len().saturating_sub(out.len());
    out.copy_from_slice(&full[start..]);
}

fn verify_with<const L: usize, const W: usize>(
    key: &PublicKey,
    data: &[u8],
    signature: &Signature,
) -> bool {
    let Some(domain) = Domain::<L>::of(key) else {
        return false;
    };
    let (Some(r), Some(s), Some(y)) = (
        uint_from_be::<L>(signature.r()),
        uint_from_be::<L>(signature.s()),
        uint_from_be::<L>(&key.y),
    ) else {
        return false;
    };
    let h = domain.reduce(data);
    let in_range = |v: &Uint<L>| !v.is_zero_vartime() && v < domain.q();
    if !in_range(&r) || !in_range(&s) {
        return false;
    }
    // Everything below is public: variable-time arithmetic is fine.
    let Some(w) = FixedMontyForm::new(&s, &domain.q)
        .invert_vartime()
        .into_option()
    else {
        return false;
    };
    let u1 = (h * w).retrieve();
    let u2 = (FixedMontyForm::new(&r, &domain.q) * w).retrieve();
    // g^u1 · y^u2 in one pass: the key, the signature and the signed data are all
    // public, so are u1 and u2.
    let v = Field::<L, W>::new(&domain.p)
        .multi_pow_vartime(
            [(&domain.g, u1.as_words()), (&y, u2.as_words())],
            domain.q_bits,
        )
        .rem_vartime(domain.q.modulus().as_nz_ref());
    v == r
}

/// Fresh DSA domain parameters (p: 1024 bits, q: 160 bits, g), as a key
/// whose y is still empty.
///
/// The spec does not say how keys are made; libotr has libgcrypt generate a
/// DSA key with a 1024-bit p (whose q is 160 bits). This takes a random
/// 160-bit prime q, then the first prime among the numbers ≡ 1 (mod 2q)
/// from a random 1024-bit start (as the `dsa` crate does, but sieving out
/// small factors before any modular exponentiation), then g. p, q and g are
/// public: the search runs in variable time; only x (in [`generate_with`])
/// is secret.
fn generate_domain() -> Result<PublicKey, Error> {
    let sieve = Sieve::new();
    loop {
        let q = loop {
            let start = random_with_top_bit::<{ U192::LIMBS }>(GENERATED_Q_BITS)?;
            let start = start.bitor(&U192::ONE);
            if let Some(q) = sieve.first_prime(&start, &U192::from_u8(2), GENERATED_Q_BITS) {
                break q.resize::<{ U1024::LIMBS }>();
            }
        };
        // Under 2^161: cannot overflow.
        let step = q.wrapping_shl_vartime(1);
        let Some(step_nz) = NonZero::new(step).into_option() else {
            continue;
        };
        // m - (m mod 2q) + 1 is ≡ 1 (mod 2q); so is every candidate after it.
        let m = random_with_top_bit::<{ U1024::LIMBS }>(GENERATED_P_BITS)?;
        let start = m
            .wrapping_sub(&m.rem_vartime(&step_nz))
            .wrapping_add(&U1024::ONE);
        let Some(p) = sieve.first_prime(&start, &step, GENERATED_P_BITS) else {
            continue;
        };
        if let Some(g) = subgroup_generator(&p, &q) {
            return Ok(PublicKey {
                p: uint_to_be(&p).to_vec(),
                q: uint_to_be(&q).to_vec(),
                g: uint_to_be(&g).to_vec(),
                y: Vec::new(),
            });
        }
    }
}

/// A random integer of exactly `bits` bits (top bit set), `bits` ≤ the
/// integer size.
fn random_with_top_bit<const L: usize>(bits: u32) -> Result<Uint<L>, Error> {
    let mut bytes = vec![0u8; Uint::<L>::BYTES];
    random::fill(&mut bytes)?;
    let value =
        Uint::<L>::from_be_slice(&bytes).wrapping_shr_vartime(Uint::<L>::BITS.saturating_sub(bits));
    let top = Uint::<L>::ONE.wrapping_shl_vartime(bits.saturating_sub(1));
    Ok(value.bitor(&top))
}

/// g = h^((p-1)/q) mod p for the first h = 2, 3, ... that gives g ≠ 1
/// (FIPS 186-4 A.2.1, the unverifiable generator); `None` if none of the
/// first few does (or q does not divide p-1), which a prime p ≡ 1 (mod q)
/// makes vanishingly unlikely.
fn subgroup_generator(p: &U1024, q: &U1024) -> Option<U1024> {
    let q = NonZero::new(*q).into_option()?;
    let (e, rem) = p.wrapping_sub(&U1024::ONE).div_rem_vartime(&q);
    if !rem.is_zero_vartime() {
        return None;
    }
    let params = FixedMontyParams::new_vartime(Odd::new(*p).into_option()?);
    (2..GENERATOR_ATTEMPTS)
        .map(|h| {
            FixedMontyForm::new(&U1024::from_u32(h), &params)
                .pow_vartime(&e)
                .retrieve()
        })
        .find(|g| g != &U1024::ONE)
}

/// The odd primes below [`SIEVE_BOUND`], to sieve the candidates of a prime
/// search before any modular exponentiation. They come in groups whose
/// product fits a limb: one division of a big integer by the product gives
/// its residues modulo every prime of the group.
struct Sieve {
    groups: Vec<PrimeGroup>,
}

/// Small primes and a reciprocal of their product, for division by it.
struct PrimeGroup {
    product: Reciprocal,
    primes: Vec<u32>,
}

impl Sieve {
    /// Lists the odd primes below [`SIEVE_BOUND`] (sieve of Eratosthenes) and
    /// groups them.
    fn new() -> Self {
        let bound = SIEVE_BOUND as usize;
        let mut composite = vec![false; bound];
        let mut groups = Vec::new();
        let (mut primes, mut product) = (Vec::new(), 1u64);
        let limb_max = limb_value(Limb::MAX);
        for n in (3..bound).step_by(2) {
            if composite[n] {
                continue;
            }
            for multiple in (n * n..bound).step_by(2 * n) {
                composite[multiple] = true;
            }
            let Ok(r) = u32::try_from(n) else {
                break;
            };
            if product > limb_max / u64::from(r) {
                groups.extend(PrimeGroup::new(core::mem::take(&mut primes), product));
                product = 1;
            }
            primes.push(r);
            product *= u64::from(r);
        }
        groups.extend(PrimeGroup::new(primes, product));
        Self { groups }
    }

    /// The first probable prime of exactly `bits` bits among `start`,
    /// `start + step`, ..., [`SIEVE_WINDOW`] candidates in all; `None` if
    /// there is none. `start` must be odd and `step` even, and all
    /// candidates above [`SIEVE_BOUND`] (a small prime would be struck off).
    ///
    /// Candidates with a small factor are struck off first; the others must
    /// pass a Fermat test to base 2 (cheap, and rejects almost every
    /// composite left), and the first that does must pass crypto-primes'
    /// Baillie–PSW test (Miller–Rabin to base 2 and a strong Lucas test).
    fn first_prime<const L: usize>(
        &self,
        start: &Uint<L>,
        step: &Uint<L>,
        bits: u32,
    ) -> Option<Uint<L>> {
        let struck = self.strike_small_factors(start, step);
        let mut candidate = *start;
        for struck in struck {
            if !struck
                && candidate.bits_vartime() == bits
                && passes_fermat_base_2(&candidate)
                && crypto_primes::is_prime(crypto_primes::Flavor::Any, &candidate)
            {
                return Some(candidate);
            }
            candidate = candidate.checked_add(step).into_option()?;
        }
        None
    }

    /// For each of the [`SIEVE_WINDOW`] candidates `start + i * step`, whether
    /// one of the small primes divides it. For a prime r not dividing step,
    /// the multiples of r are the i ≡ -start / step (mod r), every r-th one.
    /// Residues come from one division per group of primes.
    fn strike_small_factors<const L: usize>(&self, start: &Uint<L>, step: &Uint<L>) -> Vec<bool> {
        let mut struck = vec![false; SIEVE_WINDOW];
        for group in &self.groups {
            let start_rem = limb_value(start.rem_limb_with_reciprocal(&group.product));
            let step_rem = limb_value(step.rem_limb_with_reciprocal(&group.product));
            for &r in &group.primes {
                let residue = |n: u64| (n % u64::from(r)) as u32; // below r
                let Some(step_inverse) = inverse_mod_small(residue(step_rem), r) else {
                    // r divides step: every candidate is ≡ start (mod r).
                    if residue(start_rem) == 0 {
                        struck.fill(true);
                    }
                    continue;
                };
                let minus_start = u64::from(r - residue(start_rem));
                let first = residue(minus_start * u64::from(step_inverse)) as usize;
                for i in (first..SIEVE_WINDOW).step_by(r as usize) {
                    struck[i] = true;
                }
            }
        }
        struck
    }
}

impl PrimeGroup {
    /// The group of `primes`, whose product is `product` (at most a limb).
    fn new(primes: Vec<u32>, product: u64) -> Option<Self> {
        let product = Word::try_from(product).ok()?;
        let product = NonZero::new(Limb(product)).into_option()?;
        Some(Self {
            product: Reciprocal::new(product),
            primes,
        })
    }
}

/// The value of a limb (32 bits on 32-bit targets, where the conversion is
/// not a no-op).
#[allow(clippy::useless_conversion)]
fn limb_value(limb: Limb) -> u64 {
    u64::from(limb.0)
}

/// The inverse of `a` modulo `modulus` (extended Euclid on small integers),
/// or `None` if they share a factor.
fn inverse_mod_small(a: u32, modulus: u32) -> Option<u32> {
    let (mut r0, mut r1) = (i64::from(modulus), i64::from(a));
    let (mut t0, mut t1) = (0i64, 1i64);
    while r1 != 0 {
        let quotient = r0 / r1;
        (r0, r1) = (r1, r0 - quotient * r1);
        (t0, t1) = (t1, t0 - quotient * t1);
    }
    if r0 != 1 {
        return None;
    }
    u32::try_from(t0.rem_euclid(i64::from(modulus))).ok()
}

/// Whether 2^(n-1) ≡ 1 (mod n), for odd n > 2 (Fermat's test to base 2).
fn passes_fermat_base_2<const L: usize>(n: &Uint<L>) -> bool {
    let Some(modulus) = Odd::new(*n).into_option() else {
        return false;
    };
    let params = FixedMontyParams::new_vartime(modulus);
    let two = FixedMontyForm::new(&Uint::from_u8(2), &params);
    two.pow_vartime(&n.wrapping_sub(&Uint::ONE)) == FixedMontyForm::one(&params)
}

/// A key pair in the domain of `domain`: x random in 1 ..= q-1, y = g^x mod p.
fn generate_with<const L: usize, const W: usize>(domain: &PublicKey) -> Result<PrivateKey, Error> {
    let PublicKey { p, q, g, .. } = domain;
    let arithmetic = Domain::<L>::of(domain).ok_or(Error::InvalidDsaKey)?;
    let x = arithmetic.random_scalar()?;
    let y = arithmetic.g_pow::<W>(&x);
    PrivateKey::from_components(p, q, g, &uint_to_be(&y), &uint_to_be(&*x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6979 A.1.1's DSA-1024 key (q: 160 bits), p, q, g, x, y.
    fn rfc6979_key() -> PrivateKey {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        PrivateKey::from_components(
            &hex(concat!(
                "86F5CA03DCFEB225063FF830A0C769B9DD9D6153AD91D7CE27F787C43278B447",
                "E6533B86B18BED6E8A48B784A14C252C5BE0DBF60B86D6385BD2F12FB763ED88",
                "73ABFD3F5BA2E0A8C0A59082EAC056935E529DAF7C610467899C77ADEDFC846C",
                "881870B7B19B2B58F9BE0521A17002E3BDD6B86685EE90B3D9A1B02B782B1779"
            )),
            &hex("996F967F6C8E388D9E28D01E205FBA957A5698B1"),
            &hex(concat!(
                "07B0F92546150B62514BB771E2A0C0CE387F03BDA6C56B505209FF25FD3C133D",
                "89BBCD97E904E09114D9A7DEFDEADFC9078EA544D2E401AEECC40BB9FBBF78FD",
                "87995A10A1C27CB7789B594BA7EFB5C4326A9FE59A070E136DB77175464ADCA4",
                "17BE5DCE2F40D10A46A3A3943F26AB7FD9C0398FF8C76EE0A56826A8A88F1DBD"
            )),
            &hex(concat!(
                "5DF5E01DED31D0297E274E1691C192FE5868FEF9E19A84776454B100CF16F653",
                "92195A38B90523E2542EE61871C0440CB87C322FC4B4D2EC5E1E7EC766E1BE8D",
                "4CE935437DC11C3C8FD426338933EBFE739CB3465F4D3668C5E473508253B1E6",
                "82F65CBDC4FAE93C2EA212390E54905A86E2223170B44EAA7DA5DD9FFCFB7F3B"
            )),
            &hex("411602CB19A6CCC34494D79D98EF1E7ED5AF25F7"),
        )
        .unwrap()
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "DSA signatures and verifications with 1024-bit exponentiations (many minutes under Miri)"
    )]
    fn sign_verify_round_trip() {
        let key = rfc6979_key();
        let data = [0xabu8; 32];
        let sig = key.sign(&data).unwrap();
        assert!(key.public().verify(&data, &sig));
        assert!(!key.public().verify(&[0xac; 32], &sig));
        let mut bad = sig.to_bytes();
        bad[39] ^= 1;
        assert!(!key
            .public()
            .verify(&data, &Signature::from_bytes(&bad).unwrap()));
    }

    #[test]
    fn data_is_reduced_modulo_q() {
        // data and data + q are the same integer modulo q.
        let key = rfc6979_key();
        let q = key.public().q().to_vec();
        let data = [0x01u8; 20];
        let mut plus_q = vec![0u8; 21];
        let mut carry = 0u16;
        for i in (0..20).rev() {
            let sum = u16::from(data[i]) + u16::from(q[i]) + carry;
            plus_q[i + 1] = sum as u8;
            carry = sum >> 8;
        }
        plus_q[0] = carry as u8;
        let sig = key.sign(&plus_q).unwrap();
        assert!(key.public().verify(&data, &sig));
    }

    #[test]
    fn rejects_bad_components() {
        let key = rfc6979_key();
        let pk = key.public();
        assert!(PublicKey::from_components(pk.p(), pk.q(), pk.g(), &[1]).is_err());
        assert!(PublicKey::from_components(pk.p(), pk.q(), &[1], pk.y()).is_err());
        assert!(PublicKey::from_components(pk.p(), pk.p(), pk.g(), pk.y()).is_err());
        assert!(PublicKey::from_components(&[], &[], &[], &[]).is_err());
        assert!(PublicKey::from_components(&[0xff; 385], pk.q(), pk.g(), pk.y()).is_err());
        assert!(PrivateKey::from_components(pk.p(), pk.q(), pk.g(), pk.y(), &[]).is_err());
        assert!(PrivateKey::from_components(pk.p(), pk.q(), pk.g(), pk.y(), pk.q()).is_err());
        assert!(Signature::from_bytes(&[0; 39]).is_err());
    }

    #[test]
    fn zero_signature_does_not_verify() {
        let key = rfc6979_key();
        let zero = Signature::from_bytes(&[0; 40]).unwrap();
        assert!(!key.public().verify(&[1; 32], &zero));
    }

    #[test]
    fn debug_hides_x() {
        let key = rfc6979_key();
        let text = format!("{key:?}");
        assert!(!text.contains("x:"), "{text}");
    }

    /// A generated key has libotr's shape and a sound domain: p and q prime,
    /// q divides p-1, g ≠ 1 has order q, y = g^x; and it signs.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "DSA key generation: a search for a 1024-bit prime (hours under Miri)"
    )]
    fn generated_key_is_well_formed() {
        let key = PrivateKey::generate().unwrap();
        let public = key.public();
        let int = |bytes: &[u8]| uint_from_be::<{ U1024::LIMBS }>(bytes).unwrap();
        let (p, q, g) = (int(public.p()), int(public.q()), int(public.g()));
        let (y, x) = (int(public.y()), int(key.x()));
        assert_eq!((p.bits_vartime(), q.bits_vartime()), (1024, 160));
        assert!(is_prime(&p) && is_prime(&q));
        let p_minus_1 = p.wrapping_sub(&U1024::ONE);
        assert!(p_minus_1
            .rem_vartime(&NonZero::new(q).unwrap())
            .is_zero_vartime());
        let g_form = FixedMontyForm::new(&g, &FixedMontyParams::new_vartime(Odd::new(p).unwrap()));
        assert_ne!(g, U1024::ONE);
        assert_eq!(g_form.pow_vartime(&q).retrieve(), U1024::ONE);
        assert_eq!(g_form.pow_vartime(&x).retrieve(), y);
        let data = [0x42u8; 32];
        assert!(public.verify(&data, &key.sign(&data).unwrap()));
    }

    fn is_prime<const L: usize>(n: &Uint<L>) -> bool {
        crypto_primes::is_prime(crypto_primes::Flavor::Any, n)
    }

    /// The sieve strikes off exactly the candidates with an odd prime factor
    /// below SIEVE_BOUND, as trial division finds them, also for primes that
    /// divide the step.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "5 million 128-bit remainders against the sieve (hours under Miri)"
    )]
    fn sieve_strikes_exactly_the_candidates_with_small_factors() {
        let sieve = Sieve::new();
        let primes: Vec<u128> = sieve
            .groups
            .iter()
            .flat_map(|group| group.primes.iter().map(|&r| u128::from(r)))
            .collect();
        assert_eq!(primes.len(), 6541, "the odd primes below 2^16");
        let mersenne_61 = (1u128 << 61) - 1;
        // 17 divides 2^100 + 1: with 17 in the step, it divides every candidate;
        // 3 divides the last step, but not its start.
        for (start, step) in [
            ((1u128 << 100) + 1, 2 * mersenne_61),
            ((1u128 << 100) + 1, 2),
            ((1u128 << 100) + 1, 2 * 17 * mersenne_61),
            ((1u128 << 100) + 3, 6 * mersenne_61),
        ] {
            let struck =
                sieve.strike_small_factors(&U192::from_u128(start), &U192::from_u128(step));
            for (i, struck) in struck.iter().enumerate().take(200) {
                let n = start + i as u128 * step;
                let small_factor = primes.iter().any(|r| n % r == 0);
                assert_eq!(*struck, small_factor, "{start} + {i} * {step}");
            }
        }
    }

    /// The least prime above 2^64 is 2^64 + 13; one of exactly 66 bits is
    /// not within reach.
    #[test]
    fn first_prime_finds_the_next_prime() {
        let sieve = Sieve::new();
        let (start, two) = (U192::from_u128((1 << 64) + 1), U192::from_u8(2));
        let next = U192::from_u128((1 << 64) + 13);
        assert_eq!(sieve.first_prime(&start, &two, 65), Some(next));
        assert_eq!(sieve.first_prime(&start, &two, 66), None);
    }

    /// 341 = 11 × 31 fools Fermat's test to base 2; the Baillie–PSW test
    /// that follows it in `first_prime` is not fooled.
    #[test]
    fn fermat_test_is_only_a_filter() {
        let prime = U192::from_u128((1 << 64) + 13);
        assert!(passes_fermat_base_2(&prime));
        assert!(!passes_fermat_base_2(
            &prime.wrapping_add(&U192::from_u8(2))
        ));
        assert!(!passes_fermat_base_2(&U192::from_u8(4)));
        let pseudoprime = U192::from_u32(341);
        assert!(passes_fermat_base_2(&pseudoprime) && !is_prime(&pseudoprime));
    }

    #[test]
    fn small_inverses() {
        let r = 65521; // the largest prime below 2^16
        for a in 1..r {
            let inverse = inverse_mod_small(a, r).unwrap();
            assert_eq!(u64::from(a) * u64::from(inverse) % u64::from(r), 1, "{a}");
        }
        assert_eq!(inverse_mod_small(0, 7), None);
        assert_eq!(inverse_mod_small(6, 9), None);
    }

    #[test]
    fn random_values_have_the_bits_asked_for() {
        for _ in 0..64 {
            let q = random_with_top_bit::<{ U192::LIMBS }>(GENERATED_Q_BITS).unwrap();
            let m = random_with_top_bit::<{ U1024::LIMBS }>(GENERATED_P_BITS).unwrap();
            assert_eq!((q.bits_vartime(), m.bits_vartime()), (160, 1024));
        }
    }
}
