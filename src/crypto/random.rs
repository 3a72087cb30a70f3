//! Randomness from the operating system (`getrandom`, through `rand`'s `SysRng`).

use super::Error;
use rand::rngs::SysRng;
use rand::TryRng;

/// Fills `buf` with random bytes from the operating system.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Error> {
    SysRng.try_fill_bytes(buf).map_err(|_| Error::Random)
}
