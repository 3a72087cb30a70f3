//! Big-endian byte strings and the spec's MPI encoding ("Data types": a 4-byte
//! big-endian length followed by the minimum-length big-endian value), as far
//! as the crypto code needs them (shared-secret hashing and fingerprints).

use super::ct;
use crypto_bigint::Uint;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

/// `bytes` without its leading zero bytes. The bytes are scanned in constant time;
/// only the number of leading zeros comes out: a minimal MPI's length field shows
/// it (spec "Data types"), and where the MPI is only hashed (the shared secret's
/// `secbytes`, the SMP's hash inputs) the spec's encoding still lets it show in the
/// hashing time (SECURITY.md, "Constant time").
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let mut leading = Choice::from(1);
    let mut zeros = 0usize;
    for byte in bytes {
        leading &= byte.ct_eq(&0);
        zeros += usize::from(leading.unwrap_u8());
    }
    &bytes[ct::public(zeros)..]
}

/// Appends `value` (any big-endian bytes) to `out` as a minimum-length MPI.
pub(crate) fn write_mpi(out: &mut Vec<u8>, value: &[u8]) {
    let value = strip_leading_zeros(value);
    // Values handled here are at most a few hundred bytes long.
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value);
}

/// Reads big-endian `bytes` as an integer of `LIMBS` limbs, or `None` if the
/// value does not fit. Leading zero bytes are allowed. The copy made on the
/// way is zeroized, so this is fit for secrets.
pub(crate) fn uint_from_be<const LIMBS: usize>(bytes: &[u8]) -> Option<Uint<LIMBS>> {
    let size = Uint::<LIMBS>::BYTES;
    let extra = bytes.len().saturating_sub(size);
    let (high, low) = bytes.split_at(extra);
    if high.iter().any(|&b| b != 0) {
        return None;
    }
    let mut buf = Zeroizing::new(vec![0u8; size]);
    buf[size - low.len()..].copy_from_slice(low);
    Some(Uint::from_be_slice(&buf))
}

/// The minimal big-endian bytes of `value` (empty for zero).
pub(crate) fn uint_to_be<const LIMBS: usize>(value: &Uint<LIMBS>) -> Zeroizing<Vec<u8>> {
    let full = Zeroizing::new(value.to_be_bytes());
    Zeroizing::new(strip_leading_zeros(full.as_ref()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::U128;

    #[test]
    fn mpi_is_minimal() {
        let mut out = Vec::new();
        write_mpi(&mut out, &[0, 0, 1, 2]);
        assert_eq!(out, [0, 0, 0, 2, 1, 2]);
        out.clear();
        write_mpi(&mut out, &[0]);
        assert_eq!(out, [0, 0, 0, 0]);
    }

    #[test]
    fn uint_round_trip() {
        let v = uint_from_be::<{ U128::LIMBS }>(&[0, 0, 0xab, 0xcd]).unwrap();
        assert_eq!(v, U128::from_u32(0xabcd));
        assert_eq!(uint_to_be(&v).as_slice(), &[0xab, 0xcd]);
        assert!(uint_from_be::<{ U128::LIMBS }>(&[1; 17]).is_none());
        let mut padded = vec![0u8; 20];
        padded[19] = 7;
        assert_eq!(
            uint_from_be::<{ U128::LIMBS }>(&padded),
            Some(U128::from_u8(7))
        );
    }
}
