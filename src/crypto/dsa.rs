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

use super::mpi::{strip_leading_zeros, uint_from_be, uint_to_be};
use super::{random, Error};
use core::fmt;
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{NonZero, Odd, Uint};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use super::fingerprint::{fingerprint, fingerprint_data, Fingerprint};

/// Size in bytes of each of r and s in a signature (spec: `len(q)` = 20).
pub const SIGNATURE_HALF_BYTES: usize = 20;
/// Size in bytes of a signature r || s.
pub const SIGNATURE_BYTES: usize = 2 * SIGNATURE_HALF_BYTES;
/// Largest supported q, in bits: r and s must fit 20 bytes.
const MAX_Q_BITS: u32 = 160;
/// Largest supported p, in bytes (3072 bits).
const MAX_P_BYTES: usize = 384;
/// Bits of p and q of the keys libotr generates.
const GENERATED_P_BITS: u32 = 1024;
/// Attempts at finding a nonce k that gives non-zero r and s.
const SIGN_ATTEMPTS: usize = 16;

/// Runs `$f::<LIMBS>($args)` with the smallest integer size that holds p.
macro_rules! with_size_of_p {
    ($p:expr, $fail:expr, $f:ident($($arg:expr),*)) => {
        match $p.len() {
            0..=128 => $f::<16>($($arg),*),
            129..=256 => $f::<32>($($arg),*),
            257..=MAX_P_BYTES => $f::<48>($($arg),*),
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
        generate_with::<16>(&generate_domain()?)
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

    /// `g^exponent mod p`, constant-time in `exponent` (< q).
    fn g_pow(&self, exponent: &Uint<L>) -> Uint<L> {
        let mut power =
            FixedMontyForm::new(&self.g, &self.p).pow_bounded_exp(exponent, self.q_bits);
        let value = power.retrieve();
        power.zeroize();
        value
    }
}

fn is_valid_public<const L: usize>(key: &PublicKey) -> bool {
    let (Some(domain), Some(y)) = (Domain::<L>::of(key), uint_from_be::<L>(&key.y)) else {
        return false;
    };
    y > Uint::ONE && &y < domain.p.modulus().as_ref()
}

fn is_valid_secret<const L: usize>(key: &PrivateKey) -> bool {
    let Some(domain) = Domain::<L>::of(&key.public) else {
        return false;
    };
    let Some(x) = uint_from_be::<L>(&key.x).map(Zeroizing::new) else {
        return false;
    };
    // Whether 0 < x < q is not secret; its outcome only rejects a bad file.
    bool::from(x.is_nonzero()) && *x < *domain.q()
}

fn sign_with<const L: usize>(key: &PrivateKey, data: &[u8]) -> Result<Signature, Error> {
    let domain = Domain::<L>::of(&key.public).ok_or(Error::InvalidDsaKey)?;
    let x = Zeroizing::new(uint_from_be::<L>(&key.x).ok_or(Error::InvalidDsaKey)?);
    let x = Zeroizing::new(FixedMontyForm::new(&x, &domain.q));
    let h = Zeroizing::new(domain.reduce(data));
    for _ in 0..SIGN_ATTEMPTS {
        if let Some(signature) = sign_once(&domain, &x, &h)? {
            return Ok(signature);
        }
    }
    Err(Error::Random)
}

/// One signing attempt with a fresh nonce k: r = (g^k mod p) mod q,
/// s = k^-1 (h + x r) mod q; `None` if r or s is zero.
fn sign_once<const L: usize>(
    domain: &Domain<L>,
    x: &FixedMontyForm<L>,
    h: &FixedMontyForm<L>,
) -> Result<Option<Signature>, Error> {
    let k = domain.random_scalar()?;
    let r = domain.g_pow(&k).rem(domain.q.modulus().as_nz_ref());
    let k = Zeroizing::new(FixedMontyForm::new(&k, &domain.q));
    let Some(k_inv) = k.invert().into_option().map(Zeroizing::new) else {
        return Ok(None);
    };
    let r_mod_q = FixedMontyForm::new(&r, &domain.q);
    let s = Zeroizing::new((*k_inv * (*h + *x * r_mod_q)).retrieve());
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

fn verify_with<const L: usize>(key: &PublicKey, data: &[u8], signature: &Signature) -> bool {
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
    let g = FixedMontyForm::new(&domain.g, &domain.p).pow_vartime(&u1);
    let y = FixedMontyForm::new(&y, &domain.p).pow_vartime(&u2);
    let v = (g * y)
        .retrieve()
        .rem_vartime(domain.q.modulus().as_nz_ref());
    v == r
}

/// Fresh DSA domain parameters (p: 1024 bits, q: 160 bits, g), as a key
/// whose y is still empty.
#[allow(deprecated)] // DSA_1024_160 is deprecated as weak, but it is what OTR uses.
fn generate_domain() -> Result<PublicKey, Error> {
    use dsa::{Components, KeySize};
    loop {
        let components = Components::try_generate_from_rng_with_key_size(
            &mut rand::rngs::SysRng,
            KeySize::DSA_1024_160,
        )
        .map_err(|_| Error::Random)?;
        let minimal = |bytes: Box<[u8]>| strip_leading_zeros(&bytes).to_vec();
        let p = minimal(components.p().to_be_bytes());
        if p.len() * 8 == GENERATED_P_BITS as usize && p[0] & 0x80 != 0 {
            return Ok(PublicKey {
                p,
                q: minimal(components.q().to_be_bytes()),
                g: minimal(components.g().to_be_bytes()),
                y: Vec::new(),
            });
        }
    }
}

/// A key pair in the domain of `domain`: x random in 1 ..= q-1, y = g^x mod p.
fn generate_with<const L: usize>(domain: &PublicKey) -> Result<PrivateKey, Error> {
    let PublicKey { p, q, g, .. } = domain;
    let arithmetic = Domain::<L>::of(domain).ok_or(Error::InvalidDsaKey)?;
    let x = arithmetic.random_scalar()?;
    let y = arithmetic.g_pow(&x);
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
}
