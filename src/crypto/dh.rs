//! Diffie-Hellman in OTR's 1536-bit group and the keys derived from it.
//!
//! Spec (Protocol-v3), "Encoded messages": all exponentiations are done modulo the
//! 1536-bit prime of RFC 3526 group 5, with generator 2. "Computing AES keys, MAC
//! keys, and the secure session id" defines `secbytes` and the data-message keys;
//! "Extra symmetric key" defines the extra key.
//!
//! Private exponents are 320 bits (40 random bytes), as libotr makes them
//! (`otrl_dh_gen_keypair`). Every exponentiation runs in constant time in
//! Montgomery form over fixed-size integers.

use super::monty::{Comb, Field};
use super::mpi::{strip_leading_zeros, uint_from_be, uint_to_be, write_mpi};
use super::{ct, random, Error};
use core::cmp::Ordering;
use core::fmt;
use crypto_bigint::modular::{ConstMontyForm, ConstMontyParams};
use crypto_bigint::{const_monty_params, Word, U1536, U320};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const_monty_params!(
    Modp1536,
    U1536,
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1\
     29024E088A67CC74020BBEA63B139B22514A08798E3404DD\
     EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245\
     E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
     EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D\
     C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
     83655D23DCA3AD961C62F356208552BB9ED529077096966D\
     670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF",
    "The 1536-bit MODP prime of RFC 3526 group 5 (spec: \"Encoded messages\")."
);

/// An element of the group, in Montgomery form.
type Element = ConstMontyForm<Modp1536, { U1536::LIMBS }>;

/// The group's generator, 2.
pub const GENERATOR: u8 = 2;

/// Size in bytes of the prime modulus `p`.
pub const MODULUS_BYTES: usize = 192;

/// Size in bytes of a private exponent: libotr draws 320 random bits.
pub const PRIVATE_KEY_BYTES: usize = 40;

/// The prime modulus `p`, big-endian.
pub fn modulus() -> [u8; MODULUS_BYTES] {
    let mut out = [0u8; MODULUS_BYTES];
    out.copy_from_slice(Element::MODULUS.as_ref().to_be_bytes().as_ref());
    out
}

/// `base^exponent mod p`, in constant time with respect to `exponent`: only its 320
/// low bits are scanned.
fn power(base: &U1536, exponent: &U320) -> U1536 {
    pow_mod_p(base, exponent.as_words(), U320::BITS)
}

/// The group's arithmetic ([`Field`]: Montgomery form, dedicated squaring).
fn group() -> Field<{ U1536::LIMBS }, { 2 * U1536::LIMBS }> {
    Field::new(&Modp1536::PARAMS)
}

/// `base^exponent mod p` over the `bits` low bits of `exponent` (words least
/// significant first), in constant time with respect to the base and the exponent's
/// value (only `bits` may show in the timing). Used by the SMP (`crate::smp`) too,
/// whose exponents are up to 1536 bits.
pub(crate) fn pow_mod_p(base: &U1536, exponent: &[Word], bits: u32) -> U1536 {
    group().pow(base, exponent, bits)
}

/// `g^exponent mod p` for the group's generator, over the `bits` low bits of
/// `exponent`, in constant time with respect to the exponent's value: by comb
/// tables of `g` ([`Comb`]), one for the D-H private keys (320 bits) and one for
/// the SMP's exponents (1536 bits), each made on first use and kept (6 kB each).
pub(crate) fn pow_generator(exponent: &[Word], bits: u32) -> U1536 {
    static SHORT: OnceLock<Comb<{ U1536::LIMBS }, 32>> = OnceLock::new();
    static LONG: OnceLock<Comb<{ U1536::LIMBS }, 32>> = OnceLock::new();
    let (table, table_bits) = if bits <= U320::BITS {
        (&SHORT, U320::BITS)
    } else {
        (&LONG, U1536::BITS)
    };
    let field = group();
    let comb = table.get_or_init(|| field.comb(&U1536::from_u8(GENERATOR), table_bits));
    field
        .pow_comb(comb, exponent, bits)
        .unwrap_or_else(|| field.pow(&U1536::from_u8(GENERATOR), exponent, bits))
}

/// `a * b mod p`; the Montgomery-form copies are wiped.
pub(crate) fn mul_mod_p(a: &U1536, b: &U1536) -> U1536 {
    let mut factors = [Element::new(a), Element::new(b)];
    let mut product = factors[0].mul(&factors[1]);
    let value = product.retrieve();
    for element in factors.iter_mut().chain([&mut product]) {
        element.as_montgomery_mut().zeroize();
    }
    value
}

/// `a^-1 mod p`, in constant time; 0 when `a` is 0 mod p (no inverse). Whether
/// there is an inverse is selected in constant time too, not branched on: `a`
/// may be a secret (Bob's own `Pb` and `Qb` in SMP step 4).
pub(crate) fn inv_mod_p(a: &U1536) -> U1536 {
    let mut inverse = Element::new(a).invert().unwrap_or(Element::ZERO);
    let value = inverse.retrieve();
    inverse.as_montgomery_mut().zeroize();
    value
}

/// `p - 2`, the largest legal group element (spec: "Check that ... are >= 2 and <= modulus-2").
pub(crate) fn p_minus_2() -> U1536 {
    Element::MODULUS.as_ref().wrapping_sub(&U1536::from_u8(2))
}

/// A Diffie-Hellman public value `g^x mod p`, known to lie in `2 ..= p-2`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(U1536);

impl PublicKey {
    /// Reads a public value from big-endian bytes (leading zeros allowed),
    /// rejecting anything outside `2 ..= p-2` as libotr does in the AKE
    /// (`otrl_dh_compute_v2_auth_keys`; spec "Authenticated Key Exchange":
    /// "Verify that Alice's gx value is legal").
    ///
    /// Every `PublicKey` is range-checked, including the next DH keys carried
    /// in Data Messages, which libotr 4.1.1 passes to `otrl_dh_session`
    /// unchecked: we refuse degenerate keys such as 1 or p-1 there too.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let value = uint_from_be(bytes).ok_or(Error::PublicKeyOutOfRange)?;
        if value < U1536::from_u8(2) || value > p_minus_2() {
            return Err(Error::PublicKeyOutOfRange);
        }
        Ok(Self(value))
    }

    /// The value as minimum-length big-endian bytes (the body of its MPI).
    pub fn to_bytes(&self) -> Vec<u8> {
        uint_to_be(&self.0).to_vec()
    }
}

impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Numeric order, which decides the "high" and "low" ends of a data message.
impl Ord for PublicKey {
    fn cmp(&self, other: &Self) -> Ordering {
        // Both values are public.
        self.0.cmp_vartime(&other.0)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PublicKey").field(&self.0).finish()
    }
}

/// A Diffie-Hellman key pair: a 320-bit private exponent `x` and `g^x mod p`.
#[derive(Clone)]
pub struct KeyPair {
    private: U320,
    public: PublicKey,
}

impl KeyPair {
    /// Generates a key pair from 40 bytes of operating-system randomness
    /// (as `otrl_dh_gen_keypair` does).
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = Zeroizing::new([0u8; PRIVATE_KEY_BYTES]);
        random::fill(bytes.as_mut())?;
        Self::from_private_bytes(bytes.as_ref())
    }

    /// Builds the key pair of a known private exponent (big-endian, at most
    /// 320 significant bits). Fails if the exponent is too large, or so small
    /// that `g^x` is not a legal public value (x = 0).
    pub fn from_private_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let private: U320 = uint_from_be(bytes).ok_or(Error::InvalidSecret)?;
        // g^x is the public key: it goes on the wire.
        let public = ct::public(pow_generator(private.as_words(), U320::BITS));
        let public = U1536::to_be_bytes(&public);
        let public = PublicKey::from_bytes(public.as_ref()).map_err(|_| Error::InvalidSecret)?;
        Ok(Self { private, public })
    }

    /// Our public value `g^x mod p`.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The private exponent as minimum-length big-endian bytes.
    pub fn private_bytes(&self) -> Zeroizing<Vec<u8>> {
        uint_to_be(&self.private)
    }

    /// The shared secret `s = (g^y)^x mod p` with the peer's public value.
    pub fn shared_secret(&self, theirs: &PublicKey) -> SharedSecret {
        let mut s = power(&theirs.0, &self.private);
        let secret = SharedSecret::from_value(&s);
        s.zeroize();
        secret
    }

    /// The data-message keys for this key pair and the peer's public value.
    pub fn session_keys(&self, theirs: &PublicKey) -> SessionKeys {
        SessionKeys::derive(self, theirs)
    }
}

impl Drop for KeyPair {
    fn drop(&mut self) {
        self.private.zeroize();
    }
}

impl ZeroizeOnDrop for KeyPair {}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// A shared secret `s`, kept as the spec's `secbytes`: `s` written as a
/// minimum-length MPI (spec "Computing AES keys, MAC keys, and the secure
/// session id").
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SharedSecret {
    secbytes: Vec<u8>,
}

impl SharedSecret {
    fn from_value(s: &U1536) -> Self {
        let value = uint_to_be(s);
        let mut secbytes = Vec::with_capacity(4 + value.len());
        write_mpi(&mut secbytes, strip_leading_zeros(&value));
        Self { secbytes }
    }

    /// `secbytes`: the MPI encoding of `s` (4-byte length, minimal value).
    pub fn secbytes(&self) -> &[u8] {
        &self.secbytes
    }

    /// `h1(b)`: SHA-1 of the byte `b` followed by `secbytes`.
    pub fn h1(&self, b: u8) -> Zeroizing<[u8; 20]> {
        let mut hash = Sha1::new();
        hash.update([b]);
        hash.update(&self.secbytes);
        Zeroizing::new(hash.finalize().into())
    }

    /// `h2(b)`: SHA-256 of the byte `b` followed by `secbytes`.
    pub fn h2(&self, b: u8) -> Zeroizing<[u8; 32]> {
        let mut hash = Sha256::new();
        hash.update([b]);
        hash.update(&self.secbytes);
        Zeroizing::new(hash.finalize().into())
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret { .. }")
    }
}

/// A Diffie-Hellman exchange on values taken as given, as libotr's `otr_sesskeys`
/// tool computes it to let a user check a transcript: any exponent `x` of at most
/// 320 bits (zero included) and any value `y` (of any length, reduced mod p), with
/// none of the range checks of [`KeyPair`] and [`PublicKey`].
pub struct UncheckedExchange {
    /// `g^x mod p`, minimal big-endian bytes (empty for zero).
    pub public: Vec<u8>,
    /// Our end: `g^x mod p` compared with `y` as given (not reduced).
    pub end: End,
    /// `y^x mod p` (`0^0` is 1).
    pub secret: SharedSecret,
}

impl UncheckedExchange {
    /// The exchange of exponent `x` with value `y` (both big-endian; leading zeros
    /// allowed); `None` when `x` has more than 320 significant bits.
    pub fn compute(x: &[u8], y: &[u8]) -> Option<Self> {
        let x: Zeroizing<U320> = Zeroizing::new(uint_from_be(x)?);
        let public = pow_generator(x.as_words(), U320::BITS);
        let mut s = power(&reduce_mod_p(y), &x);
        let secret = SharedSecret::from_value(&s);
        s.zeroize();
        let public = uint_to_be(&public).to_vec();
        let end = End::of_values(&public, y);
        Some(Self {
            public,
            end,
            secret,
        })
    }
}

/// `value mod p` for a big-endian `value` of any length: Horner's rule over
/// 192-byte chunks, `r = r * 2^1536 + chunk`, in Montgomery form (which takes any
/// 1536-bit integer, reducing it).
fn reduce_mod_p(value: &[u8]) -> U1536 {
    let two_to_1536 = Element::new(&Element::MODULUS.as_ref().wrapping_neg());
    let first = value.len() % MODULUS_BYTES;
    let chunks = value
        .get(first..)
        .unwrap_or_default()
        .chunks_exact(MODULUS_BYTES);
    let top =
        Element::new(&uint_from_be(value.get(..first).unwrap_or_default()).unwrap_or_default());
    chunks
        .fold(top, |r, chunk| {
            r.mul(&two_to_1536)
                .add(&Element::new(&U1536::from_be_slice(chunk)))
        })
        .retrieve()
}

/// Which end of a data message we are (spec "Computing AES keys, MAC keys, and
/// the secure session id"): the "high" end has the numerically greater public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Our public key is greater than theirs: sendbyte 0x01, recvbyte 0x02.
    High,
    /// Our public key is not greater than theirs: sendbyte 0x02, recvbyte 0x01.
    Low,
}

impl End {
    /// Our end, given our public key and theirs.
    pub fn of(ours: &PublicKey, theirs: &PublicKey) -> Self {
        if ours > theirs {
            End::High
        } else {
            End::Low
        }
    }

    /// Our end, given the two public values as big-endian bytes of any length (leading
    /// zeros allowed): numeric order, whatever their range.
    pub fn of_values(ours: &[u8], theirs: &[u8]) -> Self {
        let (ours, theirs) = (strip_leading_zeros(ours), strip_leading_zeros(theirs));
        if (ours.len(), ours) > (theirs.len(), theirs) {
            End::High
        } else {
            End::Low
        }
    }

    /// The `h1` byte for our sending keys.
    pub fn sendbyte(self) -> u8 {
        match self {
            End::High => 0x01,
            End::Low => 0x02,
        }
    }

    /// The `h1` byte for our receiving keys.
    pub fn recvbyte(self) -> u8 {
        match self {
            End::High => 0x02,
            End::Low => 0x01,
        }
    }
}

/// AES-128 key of a data message direction.
pub type AesKey = [u8; 16];
/// HMAC-SHA1 key of a data message direction.
pub type MacKey = [u8; 20];
/// The 256-bit extra symmetric key.
pub type ExtraKey = [u8; 32];

/// Byte that selects the extra symmetric key: `h2(0xFF)` (spec "Extra symmetric key").
const EXTRA_KEY_BYTE: u8 = 0xff;

/// The keys protecting data messages between one of our key pairs and one of
/// their public keys (libotr's `DH_sesskeys`; spec "Computing AES keys, MAC
/// keys, and the secure session id" and "Extra symmetric key").
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SessionKeys {
    #[zeroize(skip)]
    end: End,
    send_aes: AesKey,
    recv_aes: AesKey,
    send_mac: MacKey,
    recv_mac: MacKey,
    extra: ExtraKey,
}

impl SessionKeys {
    /// Derives the keys from our key pair and their public value.
    pub fn derive(ours: &KeyPair, theirs: &PublicKey) -> Self {
        let end = End::of(ours.public(), theirs);
        Self::from_shared_secret(&ours.shared_secret(theirs), end)
    }

    /// Derives the keys from a shared secret, given which end we are.
    pub fn from_shared_secret(secret: &SharedSecret, end: End) -> Self {
        let send_aes = aes_key(&secret.h1(end.sendbyte()));
        let recv_aes = aes_key(&secret.h1(end.recvbyte()));
        Self {
            end,
            send_mac: mac_key_for(&send_aes),
            recv_mac: mac_key_for(&recv_aes),
            send_aes,
            recv_aes,
            extra: *secret.h2(EXTRA_KEY_BYTE),
        }
    }

    /// Whether we are the high or the low end.
    pub fn end(&self) -> End {
        self.end
    }

    /// The sending AES key: first 16 bytes of `h1(sendbyte)`.
    pub fn sending_aes_key(&self) -> &AesKey {
        &self.send_aes
    }

    /// The receiving AES key: first 16 bytes of `h1(recvbyte)`.
    pub fn receiving_aes_key(&self) -> &AesKey {
        &self.recv_aes
    }

    /// The sending MAC key: SHA-1 of the sending AES key.
    pub fn sending_mac_key(&self) -> &MacKey {
        &self.send_mac
    }

    /// The receiving MAC key: SHA-1 of the receiving AES key.
    pub fn receiving_mac_key(&self) -> &MacKey {
        &self.recv_mac
    }

    /// The extra symmetric key: `h2(0xFF)`.
    pub fn extra_key(&self) -> &ExtraKey {
        &self.extra
    }
}

impl fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKeys")
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

/// The first 16 bytes of an `h1` output.
fn aes_key(h1: &[u8; 20]) -> AesKey {
    let mut key = [0u8; 16];
    key.copy_from_slice(&h1[..16]);
    key
}

/// A data-message MAC key: the SHA-1 hash of the matching AES key (spec
/// "Computing AES keys, MAC keys, and the secure session id"; `otr_mackey`).
pub fn mac_key_for(aes_key: &AesKey) -> MacKey {
    Sha1::digest(aes_key).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p_plus(delta: i8) -> Vec<u8> {
        let p = Element::MODULUS.as_ref();
        let v = if delta >= 0 {
            p.wrapping_add(&U1536::from_u8(delta as u8))
        } else {
            p.wrapping_sub(&U1536::from_u8(delta.unsigned_abs()))
        };
        v.to_be_bytes().as_ref().to_vec()
    }

    #[test]
    fn modulus_is_rfc3526_group5() {
        let p = modulus();
        assert_eq!(&p[..8], &[0xff; 8]);
        assert_eq!(&p[8..12], &[0xc9, 0x0f, 0xda, 0xa2]);
        assert_eq!(&p[184..], &[0xff; 8]);
    }

    #[test]
    fn range_check() {
        for bad in [vec![], vec![0], vec![1], p_plus(-1), p_plus(0), p_plus(1)] {
            assert_eq!(PublicKey::from_bytes(&bad), Err(Error::PublicKeyOutOfRange));
        }
        assert_eq!(
            PublicKey::from_bytes(&[1u8; 193]),
            Err(Error::PublicKeyOutOfRange)
        );
        assert!(PublicKey::from_bytes(&[2]).is_ok());
        assert!(PublicKey::from_bytes(&p_plus(-2)).is_ok());
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "four D-H exponentiations, about a minute each under Miri"
    )]
    fn both_sides_agree() {
        let a = KeyPair::generate().unwrap();
        let b = KeyPair::generate().unwrap();
        assert_eq!(
            a.shared_secret(b.public()).secbytes(),
            b.shared_secret(a.public()).secbytes()
        );
        let ka = a.session_keys(b.public());
        let kb = b.session_keys(a.public());
        assert_ne!(ka.end(), kb.end());
        assert_eq!(ka.sending_aes_key(), kb.receiving_aes_key());
        assert_eq!(ka.sending_mac_key(), kb.receiving_mac_key());
        assert_eq!(ka.extra_key(), kb.extra_key());
    }

    /// The "almost Montgomery" exponentiation agrees with the plain one.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "dozens of exponentiations, checked against a plain one (hours under Miri)"
    )]
    fn power_matches_plain_exponentiation() {
        let p_minus_2 = Element::MODULUS.as_ref().wrapping_sub(&U1536::from_u8(2));
        let bases = [U1536::from_u8(2), p_minus_2, U1536::MAX.shr_vartime(1)];
        let exponents = [U320::ONE, U320::MAX, U320::from_u64(0xdead_beef)];
        for base in &bases {
            for exponent in &exponents {
                let plain = Element::new(base).pow(exponent).retrieve();
                assert_eq!(power(base, exponent), plain);
            }
        }
    }

    #[test]
    fn reduction_of_values_of_any_length() {
        let p = Element::MODULUS.as_ref();
        let five = U1536::from_u8(5);
        assert_eq!(reduce_mod_p(&p_plus(5)), five);
        assert_eq!(reduce_mod_p(&[0, 0, 5]), five);
        assert_eq!(reduce_mod_p(&[]), U1536::ZERO);
        let mut two_to_1536 = vec![1];
        two_to_1536.extend([0; MODULUS_BYTES]);
        assert_eq!(reduce_mod_p(&two_to_1536), p.wrapping_neg());
        // (p + 5) * 2^1536 + (p + 5) is 5 * 2^1536 + 5 mod p.
        let long = [p_plus(5), p_plus(5)].concat();
        let expected = mul_mod_p(&five, &p.wrapping_neg()).wrapping_add(&five);
        assert_eq!(reduce_mod_p(&long), expected);
    }

    #[test]
    #[cfg_attr(miri, ignore = "six D-H exponentiations (~6 min under Miri)")]
    fn unchecked_exchange_agrees_with_key_pairs() {
        let a = KeyPair::generate().unwrap();
        let b = KeyPair::generate().unwrap();
        let ex = UncheckedExchange::compute(&a.private_bytes(), &b.public().to_bytes()).unwrap();
        assert_eq!(ex.public, a.public().to_bytes());
        assert_eq!(ex.end, End::of(a.public(), b.public()));
        assert_eq!(ex.secret.secbytes(), a.shared_secret(b.public()).secbytes());
        // p * 2^1536 + y: the same secret as y, but compared as given (greater).
        let theirs = b.public().to_bytes();
        let mut big = p_plus(0);
        big.resize(2 * MODULUS_BYTES - theirs.len(), 0);
        big.extend_from_slice(&theirs);
        let ex_big = UncheckedExchange::compute(&a.private_bytes(), &big).unwrap();
        assert_eq!(ex_big.secret.secbytes(), ex.secret.secbytes());
        assert_eq!(ex_big.end, End::Low);
        assert!(UncheckedExchange::compute(&[1; 41], &[2]).is_none());
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "four D-H exponentiations over all 320 exponent bits, small as the values are (~4 min under Miri)"
    )]
    fn unchecked_exchange_takes_degenerate_values() {
        // x = 0: g^0 = 1 and 0^0 = 1; x = 1, y = 0: the secret is 0 (an empty MPI).
        let ex = UncheckedExchange::compute(&[], &[0]).unwrap();
        assert_eq!(ex.public, [1]);
        assert_eq!(ex.end, End::High);
        assert_eq!(ex.secret.secbytes(), [0, 0, 0, 1, 1]);
        let ex = UncheckedExchange::compute(&[1], &[]).unwrap();
        assert_eq!(ex.public, [2]);
        assert_eq!(ex.secret.secbytes(), [0, 0, 0, 0]);
        assert_eq!(End::of_values(&[0, 2], &[1, 0]), End::Low);
        assert_eq!(End::of_values(&[1, 0], &[0xff]), End::High);
    }

    #[test]
    fn private_key_size() {
        assert!(KeyPair::from_private_bytes(&[0xff; 41]).is_err());
        assert!(KeyPair::from_private_bytes(&[0]).is_err());
        let k = KeyPair::from_private_bytes(&[1]).unwrap();
        assert_eq!(k.public().to_bytes(), vec![2]);
        assert!(!format!("{k:?}").contains("private"));
    }
}
