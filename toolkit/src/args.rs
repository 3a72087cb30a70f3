//! Command-line arguments as the toolkit reads them: keys and data in hex, numbers as
//! C's `sscanf` reads `%u` and `%d` (glibc, "C" locale).

/// Why a hex argument was refused; [`HexError::message`] is what the tools print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexError {
    /// An odd number of characters.
    OddLength,
    /// A character outside `0-9a-fA-F`.
    IllegalChar,
}

impl HexError {
    /// The line the tools print on stderr for `arg` (the argument's bytes as given).
    pub fn message(self, arg: &[u8]) -> Vec<u8> {
        let (before, after): (&[u8], &[u8]) = match self {
            HexError::OddLength => (b"Argument ``", b"'' must have even length.\n"),
            HexError::IllegalChar => (b"Illegal hex char in argument ``", b"''.\n"),
        };
        [before, arg, after].concat()
    }
}

/// The bytes a string of hex digit pairs stands for (either case; the empty string
/// is no bytes).
pub fn hex(arg: &[u8]) -> Result<Vec<u8>, HexError> {
    if arg.len() % 2 != 0 {
        return Err(HexError::OddLength);
    }
    arg.chunks_exact(2)
        .map(|pair| match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(hi), Some(lo)) => Ok(hi << 4 | lo),
            _ => Err(HexError::IllegalChar),
        })
        .collect()
}

fn hex_digit(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Lower-case hex of `bytes`, as the tools print keys and fields.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `sscanf(arg, "%u", &v)`: the value when one is read. As glibc: leading white
/// space is skipped, a sign is allowed (a negative number wraps), reading stops at the
/// first non-digit, and the number is taken as an `unsigned long` (saturating at its
/// maximum) and cut to 32 bits.
pub fn scan_unsigned(arg: &[u8]) -> Option<u32> {
    let (negative, magnitude) = scan_integer(arg)?;
    let value = match u64::try_from(magnitude) {
        Ok(m) if negative => m.wrapping_neg(),
        Ok(m) => m,
        Err(_) => u64::MAX,
    };
    // C's conversion of the unsigned long to unsigned int: the low 32 bits.
    Some(value as u32)
}

/// `sscanf(arg, "%d", &v)`: as [`scan_unsigned`], but the number is taken as a `long`
/// (saturating at its bounds) and cut to 32 bits.
pub fn scan_signed(arg: &[u8]) -> Option<i32> {
    let (negative, magnitude) = scan_integer(arg)?;
    let value = i128::try_from(magnitude).unwrap_or(i128::MAX);
    let value = if negative { -value } else { value };
    // C's conversion of the long to int: the low 32 bits.
    Some(value.clamp(i64::MIN.into(), i64::MAX.into()) as i32)
}

/// The sign and the magnitude (saturating at `u128::MAX`) of the decimal number
/// at the start of `arg` after white space, if there is one.
fn scan_integer(arg: &[u8]) -> Option<(bool, u128)> {
    let start = arg.iter().position(|&c| !is_c_space(c))?;
    let rest = &arg[start..];
    let (negative, digits) = match rest.split_first() {
        Some((b'-', digits)) => (true, digits),
        Some((b'+', digits)) => (false, digits),
        _ => (false, rest),
    };
    let count = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if count == 0 {
        return None;
    }
    let magnitude = digits[..count].iter().fold(0u128, |acc, &d| {
        acc.saturating_mul(10).saturating_add(u128::from(d - b'0'))
    });
    Some((negative, magnitude))
}

/// `isspace` in the "C" locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_pairs() {
        assert_eq!(hex(b"00ffAb"), Ok(vec![0, 0xff, 0xab]));
        assert_eq!(hex(b""), Ok(vec![]));
        assert_eq!(hex(b"abc"), Err(HexError::OddLength));
        assert_eq!(hex(b"0g"), Err(HexError::IllegalChar));
        assert_eq!(hex(b"+1"), Err(HexError::IllegalChar));
        assert_eq!(
            HexError::OddLength.message(b"abc"),
            b"Argument ``abc'' must have even length.\n"
        );
        assert_eq!(to_hex(&[0, 0x0a, 0xff]), "000aff");
    }

    #[test]
    fn numbers_as_sscanf_reads_them() {
        assert_eq!(scan_unsigned(b"42"), Some(42));
        assert_eq!(scan_unsigned(b" \t+42abc"), Some(42));
        assert_eq!(scan_unsigned(b"-1"), Some(u32::MAX));
        assert_eq!(scan_unsigned(b"4294967296"), Some(0));
        assert_eq!(scan_unsigned(b"99999999999999999999999"), Some(u32::MAX));
        assert_eq!(scan_unsigned(b"-99999999999999999999999"), Some(u32::MAX));
        assert_eq!(scan_unsigned(b"-18446744073709551615"), Some(1));
        assert_eq!(scan_unsigned(b"0x10"), Some(0));
        for bad in [&b""[..], b"  ", b"-", b"+ 1", b"x1", b"\xff"] {
            assert_eq!(scan_unsigned(bad), None);
            assert_eq!(scan_signed(bad), None);
        }
        assert_eq!(scan_signed(b"-7"), Some(-7));
        assert_eq!(scan_signed(b"4294967295"), Some(-1));
        assert_eq!(scan_signed(b"99999999999999999999"), Some(-1));
        assert_eq!(scan_signed(b"-99999999999999999999"), Some(0));
        assert_eq!(scan_signed(b"256"), Some(256));
    }
}
