//! Montgomery arithmetic modulo a fixed odd modulus of `N` words, tuned for the
//! exponentiations of OTR (spec "Encoded messages": the 1536-bit D-H group; "Public
//! keys, signatures, and fingerprints": DSA; "The Socialist Millionaires' Protocol").
//!
//! crypto-bigint's Montgomery forms square by multiplying a value by itself, scan the
//! exponent in windows of 4 bits and multiply in one interleaved pass. Here a product
//! is formed in full, then reduced (Montgomery's REDC), so that squaring can form each
//! cross product once; the window grows with the exponent. The results are the same
//! (the tests compare them with crypto-bigint's).
//!
//! Constant time: no branch and no memory index depends on a value or on an exponent's
//! bits; only `N`, the exponent's length in bits and the window size show in the
//! timing. The one exception, [`Field::multi_pow_vartime`], says so in its name.

use crypto_bigint::modular::FixedMontyParams;
use crypto_bigint::{Uint, WideWord, Word};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

/// Bits in a word.
const WORD_BITS: u32 = Word::BITS;

/// A value of `N` words, least significant first.
type Words<const N: usize> = [Word; N];

/// `a - b - borrow`, as (difference, borrow out: 0 or 1).
#[inline(always)]
fn sbb(a: Word, b: Word, borrow: Word) -> (Word, Word) {
    let wide = WideWord::from(a)
        .wrapping_sub(WideWord::from(b))
        .wrapping_sub(WideWord::from(borrow));
    (wide as Word, ((wide >> WORD_BITS) as Word) & 1)
}

/// A sum of products in three words: `low` (two words) and `top`.
#[derive(Default)]
struct Accumulator {
    low: WideWord,
    top: Word,
}

impl Accumulator {
    /// Adds `a·b`.
    #[inline(always)]
    fn add_product(&mut self, a: Word, b: Word) {
        let (sum, carry) = self
            .low
            .overflowing_add(WideWord::from(a) * WideWord::from(b));
        self.low = sum;
        self.top += Word::from(carry);
    }

    /// Adds `x_0·y_0 + x_1·y_1 + ...` (slices of equal length), four products a step.
    #[inline(always)]
    fn add_dot(&mut self, x: &[Word], y: &[Word]) {
        for (a, b) in x.iter().zip(y) {
            self.add_product(*a, *b);
        }
    }

    /// Adds another sum.
    #[inline(always)]
    fn add(&mut self, other: &Self) {
        let (sum, carry) = self.low.overflowing_add(other.low);
        self.low = sum;
        self.top += other.top + Word::from(carry);
    }

    /// Doubles the sum.
    #[inline(always)]
    fn double(&mut self) {
        self.top = (self.top << 1) | (self.low >> (2 * WORD_BITS - 1)) as Word;
        self.low <<= 1;
    }

    /// The lowest word.
    #[inline(always)]
    fn low_word(&self) -> Word {
        self.low as Word
    }

    /// Removes and returns the lowest word, shifting the rest down.
    #[inline(always)]
    fn shift(&mut self) -> Word {
        let out = self.low as Word;
        self.low = (self.low >> WORD_BITS) | (WideWord::from(self.top) << WORD_BITS);
        self.top = 0;
        out
    }
}

/// Arithmetic modulo an odd `N`-word modulus `m`, on values in Montgomery form
/// (`x·R mod m`, `R = 2^(N·WORD_BITS)`), always fully reduced (below `m`).
///
/// `W` is the size of a double-width product and must be `2·N` (checked when built).
#[derive(Clone)]
pub(crate) struct Field<const N: usize, const W: usize> {
    modulus: Words<N>,
    /// The modulus's words, most significant first (for product scanning).
    modulus_reversed: Words<N>,
    /// `-m^-1 mod 2^WORD_BITS`.
    neg_inv: Word,
    /// `R mod m`: 1 in Montgomery form.
    one: Words<N>,
    /// `R^2 mod m`: converts into Montgomery form.
    r2: Words<N>,
}

impl<const N: usize, const W: usize> Field<N, W> {
    /// The field of crypto-bigint's parameters (its modulus, `R mod m`, `R^2 mod m`).
    pub(crate) fn new(params: &FixedMontyParams<N>) -> Self {
        const { assert!(W == 2 * N && N > 0) };
        let modulus = *params.modulus().as_ref().as_words();
        let mut modulus_reversed = modulus;
        modulus_reversed.reverse();
        Self {
            modulus,
            modulus_reversed,
            neg_inv: params.mod_neg_inv().0,
            one: *params.one().as_words(),
            r2: *params.r2().as_words(),
        }
    }

    /// `value·R mod m` for any `N`-word `value` (reduced on the way).
    pub(crate) fn to_montgomery(&self, value: &Uint<N>) -> Words<N> {
        self.mul(value.as_words(), &self.r2)
    }

    /// The integer of a Montgomery-form value: `x·R^-1 mod m`.
    pub(crate) fn retrieve(&self, x: &Words<N>) -> Uint<N> {
        let mut one = [0; N];
        one[0] = 1;
        Uint::from_words(self.mul(x, &one))
    }

    /// The Montgomery product `a·b·R^-1 mod m` (below `m` if `a·b < m·R`, which holds
    /// whenever either factor is below `m`). Product scanning with the reduction
    /// folded in (Koç, Acar and Kaliski's FIPS): column by column, the products of
    /// the factors and those of the reduction go into one three-word accumulator.
    pub(crate) fn mul(&self, a: &Words<N>, b: &Words<N>) -> Words<N> {
        let mut b_reversed = *b;
        b_reversed.reverse();
        let value = self.reduce_columns(
            #[inline(always)]
            |acc, column| {
                let (first, last) = (column.saturating_sub(N - 1), column.min(N - 1));
                let from = N - 1 + first - column;
                acc.add_dot(&a[first..=last], &b_reversed[from..from + last + 1 - first]);
            },
        );
        b_reversed.zeroize();
        value
    }

    /// The Montgomery square `a·a·R^-1 mod m`: in each column, each cross product
    /// `a_i·a_j` (`i < j`) is formed once and doubled, then the square `a_i·a_i` added.
    pub(crate) fn square(&self, a: &Words<N>) -> Words<N> {
        let mut a_reversed = *a;
        a_reversed.reverse();
        let value = self.reduce_columns(
            #[inline(always)]
            |acc, column| {
                let first = column.saturating_sub(N - 1);
                let count = (column + 1 - 2 * first) / 2;
                let from = N - 1 + first - column;
                let mut cross = Accumulator::default();
                cross.add_dot(&a[first..first + count], &a_reversed[from..from + count]);
                cross.double();
                if column % 2 == 0 {
                    cross.add_product(a[column / 2], a[column / 2]);
                }
                acc.add(&cross);
            },
        );
        a_reversed.zeroize();
        value
    }

    /// Montgomery multiplication by product scanning: `products(acc, k)` adds to the
    /// accumulator the products of column `k` (words `i`, `j` with `i + j = k`) of a
    /// double-width `t < m·R`; this adds those of the reduction, fixing each low word
    /// `u_k` so that column `k` of `t + u·m` ends in a zero word, and returns
    /// `(t + u·m)/R` reduced below `m`.
    #[inline(always)]
    fn reduce_columns(&self, mut products: impl FnMut(&mut Accumulator, usize)) -> Words<N> {
        let m_reversed = &self.modulus_reversed;
        let mut u = [0; N];
        let mut acc = Accumulator::default();
        for k in 0..N {
            products(&mut acc, k);
            acc.add_dot(&u[..k], &m_reversed[N - 1 - k..N - 1]);
            u[k] = acc.low_word().wrapping_mul(self.neg_inv);
            acc.add_product(u[k], self.modulus[0]);
            acc.shift();
        }
        let mut out = [0; N];
        for k in N..2 * N {
            products(&mut acc, k);
            acc.add_dot(&u[k + 1 - N..], &m_reversed[..2 * N - 1 - k]);
            out[k - N] = acc.shift();
        }
        u.zeroize();
        self.subtract_if_not_below(out, acc.low_word())
    }

    /// `high·R + value` (below `2m`) reduced to below `m` by at most one subtraction,
    /// chosen without a branch.
    fn subtract_if_not_below(&self, value: Words<N>, high: Word) -> Words<N> {
        let mut difference = [0; N];
        let mut borrow = 0;
        for (d, (&v, &m)) in difference.iter_mut().zip(value.iter().zip(&self.modulus)) {
            (*d, borrow) = sbb(v, m, borrow);
        }
        // Subtract when there is a high word or when value - m did not borrow.
        let keep = Choice::from((borrow & !high & 1) as u8);
        let mut out = difference;
        for (o, v) in out.iter_mut().zip(&value) {
            o.conditional_assign(v, keep);
        }
        out
    }

    /// `base^exponent mod m` over the `bits` low bits of `exponent` (words least
    /// significant first), in constant time with respect to `base` and `exponent`:
    /// only `bits` shows in the timing. `base` is any `N`-word integer.
    pub(crate) fn pow(&self, base: &Uint<N>, exponent: &[Word], bits: u32) -> Uint<N> {
        let bits = bits.min(word_count_bits(exponent));
        let mut x = self.to_montgomery(base);
        let mut power = if bits <= 512 {
            self.pow_window::<16>(&x, exponent, bits)
        } else {
            self.pow_window::<32>(&x, exponent, bits)
        };
        let value = self.retrieve(&power);
        x.zeroize();
        power.zeroize();
        value
    }

    /// Left-to-right fixed-window exponentiation with a table of `T = 2^window`
    /// powers, each read by a constant-time scan of the whole table.
    fn pow_window<const T: usize>(&self, x: &Words<N>, exponent: &[Word], bits: u32) -> Words<N> {
        let window = T.trailing_zeros();
        let mut table = [self.one; T];
        for k in 1..T {
            table[k] = self.mul(&table[k - 1], x);
        }
        let windows = bits.div_ceil(window);
        let mut acc = self.one;
        for n in (0..windows).rev() {
            let low = n * window;
            let width = window.min(bits - low);
            if n + 1 < windows {
                for _ in 0..window {
                    acc = self.square(&acc);
                }
            }
            let mut digit = bits_at(exponent, low, width);
            let mut entry = select(&table, digit);
            acc = self.mul(&acc, &entry);
            digit.zeroize();
            entry.zeroize();
        }
        table.zeroize();
        acc
    }
}

impl<const N: usize, const W: usize> Field<N, W> {
    /// `base_1^exponent_1 · base_2^exponent_2 · ... mod m` over the `bits` low bits of
    /// each exponent, by Straus's method (one chain of squarings shared by all terms,
    /// windows of 4 bits, a multiplication only for a nonzero digit). Variable
    /// time: the time shows the exponents. Only for public bases and exponents;
    /// each caller says why its inputs are public.
    pub(crate) fn multi_pow_vartime<const K: usize>(
        &self,
        terms: [(&Uint<N>, &[Word]); K],
        bits: u32,
    ) -> Uint<N> {
        const WINDOW: u32 = 4;
        let tables: [[Words<N>; 1 << WINDOW]; K] = core::array::from_fn(|t| {
            let x = self.to_montgomery(terms[t].0);
            let mut table = [self.one; 1 << WINDOW];
            for k in 1..table.len() {
                table[k] = self.mul(&table[k - 1], &x);
            }
            table
        });
        let mut acc = self.one;
        for n in (0..bits.div_ceil(WINDOW)).rev() {
            let low = n * WINDOW;
            if n + 1 < bits.div_ceil(WINDOW) {
                for _ in 0..WINDOW {
                    acc = self.square(&acc);
                }
            }
            for (table, (_, exponent)) in tables.iter().zip(&terms) {
                if low >= word_count_bits(exponent) {
                    continue;
                }
                let digit = bits_at(exponent, low, WINDOW.min(bits - low)) as usize;
                if digit != 0 {
                    acc = self.mul(&acc, &table[digit]);
                }
            }
        }
        self.retrieve(&acc)
    }
}

/// A table for exponentiations of one fixed base `g` with exponents of up to `bits`
/// bits, by Lim and Lee's comb (CRYPTO '94): the exponent's bits are read as
/// `teeth = log2(T)` rows of `spacing` bits, and entry `k` holds
/// `g^(sum of 2^(i·spacing) over the bits i of k)`, so one column of the rows costs
/// one squaring and one multiplication. The table holds only public values (powers
/// of a public base).
pub(crate) struct Comb<const N: usize, const T: usize> {
    table: [Words<N>; T],
    bits: u32,
    spacing: u32,
}

impl<const N: usize, const W: usize> Field<N, W> {
    /// The comb table of `base` for exponents of up to `bits` bits.
    pub(crate) fn comb<const T: usize>(&self, base: &Uint<N>, bits: u32) -> Comb<N, T> {
        let teeth = T.trailing_zeros();
        let spacing = bits.div_ceil(teeth).max(1);
        let mut table = [self.one; T];
        let mut row_base = self.to_montgomery(base);
        for i in 0..teeth as usize {
            for k in 0..1 << i {
                table[k | 1 << i] = self.mul(&table[k], &row_base);
            }
            for _ in 0..spacing {
                row_base = self.square(&row_base);
            }
        }
        Comb {
            table,
            bits,
            spacing,
        }
    }

    /// `g^exponent mod m` over the `bits` low bits of `exponent` (at most the bits
    /// the table was made for), in constant time with respect to the exponent: the
    /// columns are read from the most significant, each entry by a scan of the whole
    /// table. `None` if `bits` exceeds the table's.
    pub(crate) fn pow_comb<const T: usize>(
        &self,
        comb: &Comb<N, T>,
        exponent: &[Word],
        bits: u32,
    ) -> Option<Uint<N>> {
        if bits > comb.bits {
            return None;
        }
        let bits = bits.min(word_count_bits(exponent));
        let teeth = T.trailing_zeros();
        let mut acc = self.one;
        for column in (0..comb.spacing).rev() {
            if column + 1 < comb.spacing {
                acc = self.square(&acc);
            }
            let mut index: Word = 0;
            for row in 0..teeth {
                let position = row * comb.spacing + column;
                if position < bits {
                    index |= bits_at(exponent, position, 1) << row;
                }
            }
            let mut entry = select(&comb.table, index);
            acc = self.mul(&acc, &entry);
            index.zeroize();
            entry.zeroize();
        }
        let value = self.retrieve(&acc);
        acc.zeroize();
        Some(value)
    }
}

/// Bits held by `words`.
fn word_count_bits(words: &[Word]) -> u32 {
    u32::try_from(words.len()).map_or(u32::MAX, |n| n.saturating_mul(WORD_BITS))
}

/// The `width` (at most `WORD_BITS`) bits of `words` from bit `low` up; positions
/// are public, the bits may be secret.
fn bits_at(words: &[Word], low: u32, width: u32) -> Word {
    let index = (low / WORD_BITS) as usize;
    let shift = low % WORD_BITS;
    let mut value = words[index] >> shift;
    if shift + width > WORD_BITS {
        if let Some(next) = words.get(index + 1) {
            value |= next << (WORD_BITS - shift);
        }
    }
    value & (Word::MAX >> (WORD_BITS - width))
}

/// `table[index]`, read in constant time: every entry is read, and the one kept is
/// chosen by masks.
fn select<const N: usize, const T: usize>(table: &[Words<N>; T], index: Word) -> Words<N> {
    let mut out = [0; N];
    for (k, entry) in table.iter().enumerate() {
        let hit = (k as Word).ct_eq(&index);
        for (o, e) in out.iter_mut().zip(entry) {
            o.conditional_assign(e, hit);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::modular::FixedMontyForm;
    use crypto_bigint::{Odd, U1024, U1536, U320};

    fn rfc3526_p() -> Odd<U1536> {
        Odd::new(U1536::from_be_hex(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1\
             29024E088A67CC74020BBEA63B139B22514A08798E3404DD\
             EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245\
             E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
             EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D\
             C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
             83655D23DCA3AD961C62F356208552BB9ED529077096966D\
             670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF",
        ))
        .unwrap()
    }

    /// A deterministic stream of words (xorshift), for test inputs.
    struct Stream(u64);
    impl Stream {
        fn uint<const L: usize>(&mut self) -> Uint<L> {
            Uint::from_words(core::array::from_fn(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0 as Word
            }))
        }
    }

    fn check_against_crypto_bigint<const N: usize, const W: usize, const E: usize>(
        modulus: Odd<Uint<N>>,
        extra_bases: &[Uint<N>],
        extra_exponents: &[Uint<E>],
    ) {
        let params = FixedMontyParams::new_vartime(modulus);
        let field = Field::<N, W>::new(&params);
        let m = modulus.get();
        let mut stream = Stream(0x9e37_79b9_7f4a_7c15);
        let m_minus_1 = m.wrapping_sub(&Uint::ONE);
        let mut bases = vec![
            Uint::ZERO,
            Uint::ONE,
            Uint::from_u8(2),
            m_minus_1,
            m,
            Uint::MAX,
        ];
        bases.extend_from_slice(extra_bases);
        let mut exponents = vec![Uint::<E>::ZERO, Uint::ONE, Uint::from_u8(2), Uint::MAX];
        exponents.extend_from_slice(extra_exponents);
        for _ in 0..6 {
            bases.push(stream.uint());
            exponents.push(stream.uint());
        }
        for a in &bases {
            let am = FixedMontyForm::new(a, &params);
            for b in &bases {
                let bm = FixedMontyForm::new(b, &params);
                let product = field.mul(&field.to_montgomery(a), &field.to_montgomery(b));
                assert_eq!(field.retrieve(&product), (am * bm).retrieve());
            }
            assert_eq!(
                field.retrieve(&field.square(&field.to_montgomery(a))),
                am.square().retrieve()
            );
            for e in &exponents {
                let expected = am.pow(e).retrieve();
                assert_eq!(field.pow(a, e.as_words(), Uint::<E>::BITS), expected);
                // Fewer bits scanned: the exponent's low bits only.
                let half = Uint::<E>::BITS / 2 + 3;
                let low = e.bitand(&Uint::MAX.shr_vartime(Uint::<E>::BITS - half));
                assert_eq!(field.pow(a, e.as_words(), half), am.pow(&low).retrieve());
            }
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "dozens of 1536-bit exponentiations, each about a minute or more under Miri"
    )]
    fn dh_group_agrees_with_crypto_bigint() {
        check_against_crypto_bigint::<24, 48, 5>(rfc3526_p(), &[], &[]);
        let p = rfc3526_p().get();
        check_against_crypto_bigint::<24, 48, 24>(
            rfc3526_p(),
            &[p.shr_vartime(1)],
            &[p.wrapping_sub(&U1536::ONE)],
        );
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "dozens of 1024-bit exponentiations (tens of minutes under Miri)"
    )]
    fn other_moduli_agree_with_crypto_bigint() {
        let mut stream = Stream(7);
        for _ in 0..3 {
            let odd = Odd::new(stream.uint::<16>().bitor(&U1024::ONE)).unwrap();
            check_against_crypto_bigint::<16, 32, 3>(odd, &[], &[]);
        }
        // A small modulus in a wide integer: many leading zero words.
        check_against_crypto_bigint::<16, 32, 5>(
            Odd::new(U1024::from_u64(1_000_003)).unwrap(),
            &[],
            &[],
        );
    }

    /// Comb exponentiation agrees with the fixed-window one, for the D-H group's
    /// generator and for another base and modulus, at several exponent lengths.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "dozens of exponentiations up to 1536-bit exponents (hours under Miri)"
    )]
    fn comb_agrees_with_window() {
        let params = FixedMontyParams::new_vartime(rfc3526_p());
        let field = Field::<24, 48>::new(&params);
        let mut stream = Stream(99);
        for bits in [320, 1536, 1, 63, 65, 321] {
            let comb = field.comb::<32>(&U1536::from_u8(2), bits);
            let mut exponents = vec![U1536::ZERO, U1536::ONE, U1536::MAX];
            exponents.extend((0..4).map(|_| stream.uint::<24>()));
            for e in &exponents {
                let expected = field.pow(&U1536::from_u8(2), e.as_words(), bits);
                assert_eq!(field.pow_comb(&comb, e.as_words(), bits), Some(expected));
                let fewer = bits / 2;
                let expected = field.pow(&U1536::from_u8(2), e.as_words(), fewer);
                assert_eq!(field.pow_comb(&comb, e.as_words(), fewer), Some(expected));
            }
            assert_eq!(field.pow_comb(&comb, U1536::MAX.as_words(), bits + 1), None);
        }
        let odd = Odd::new(stream.uint::<16>().bitor(&U1024::ONE)).unwrap();
        let params = FixedMontyParams::new_vartime(odd);
        let field = Field::<16, 32>::new(&params);
        let base = stream.uint::<16>();
        let comb = field.comb::<16>(&base, 160);
        for e in [U320::ZERO, U320::MAX, stream.uint::<5>()] {
            let expected = FixedMontyForm::new(&base, &params)
                .pow(&e.bitand(&U320::MAX.shr_vartime(160)))
                .retrieve();
            assert_eq!(field.pow_comb(&comb, e.as_words(), 160), Some(expected));
        }
    }

    /// Straus's multi-exponentiation agrees with the product of separate powers.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "about 225 exponentiations of 1024 bits (hours under Miri)"
    )]
    fn multi_pow_agrees_with_separate_powers() {
        let mut stream = Stream(5);
        let odd = Odd::new(stream.uint::<16>().bitor(&U1024::ONE)).unwrap();
        let params = FixedMontyParams::new_vartime(odd);
        let field = Field::<16, 32>::new(&params);
        let m_minus_1 = odd.get().wrapping_sub(&U1024::ONE);
        let bases = [
            U1024::ZERO,
            U1024::ONE,
            m_minus_1,
            stream.uint(),
            stream.uint(),
        ];
        let exponents = [
            U320::ZERO,
            U320::ONE,
            U320::MAX,
            stream.uint(),
            stream.uint(),
        ];
        for (a, b) in bases.iter().zip(bases.iter().rev()) {
            for (e, f) in exponents.iter().zip(exponents.iter().cycle().skip(2)) {
                for bits in [320, 160, 1] {
                    let expected = field.retrieve(&field.mul(
                        &field.to_montgomery(&field.pow(a, e.as_words(), bits)),
                        &field.to_montgomery(&field.pow(b, f.as_words(), bits)),
                    ));
                    let got = field.multi_pow_vartime([(a, e.as_words()), (b, f.as_words())], bits);
                    assert_eq!(got, expected);
                }
            }
        }
    }

    /// The check fails when the arithmetic is wrong: a corrupted modulus.
    #[test]
    fn a_wrong_field_disagrees() {
        let params = FixedMontyParams::new_vartime(rfc3526_p());
        let mut field = Field::<24, 48>::new(&params);
        field.modulus[3] ^= 1;
        let base = U1536::from_u8(3);
        let expected = FixedMontyForm::new(&base, &params)
            .pow(&U320::MAX)
            .retrieve();
        assert_ne!(field.pow(&base, U320::MAX.as_words(), 320), expected);
    }
}
