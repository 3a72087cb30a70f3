//! Randomness from the operating system (`getrandom`, through `rand`'s `SysRng`).
//! Every buffer drawn is a secret for the constant-time check (`super::ct`).
//!
//! Fuzzing builds (`--cfg fuzzing`, as `cargo fuzz` sets) draw instead from a
//! deterministic generator that a fuzz target reseeds before each input, so that a
//! crash found with one input reproduces with it. No other build has that generator.

use super::Error;

/// Fills `buf` with random bytes from the operating system.
#[cfg(not(fuzzing))]
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Error> {
    use rand::rngs::SysRng;
    use rand::TryRng;
    SysRng.try_fill_bytes(buf).map_err(|_| Error::Random)?;
    super::ct::fresh_random(buf);
    Ok(())
}

/// Fills `buf` from the fuzzing build's deterministic generator.
#[cfg(fuzzing)]
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Error> {
    deterministic::fill(buf);
    super::ct::fresh_random(buf);
    Ok(())
}

#[cfg(fuzzing)]
pub(crate) mod deterministic {
    //! SHA-256 of a seed and a block counter: reproducible, not secret.
    use sha2::{Digest, Sha256};
    use std::cell::Cell;

    thread_local! {
        /// The seed and the number of the next block.
        static STATE: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }

    /// Restarts the stream of this thread's random bytes at `seed`.
    pub fn reseed(seed: u64) {
        STATE.with(|s| s.set((seed, 0)));
    }

    pub(super) fn fill(buf: &mut [u8]) {
        for chunk in buf.chunks_mut(32) {
            let (seed, block) = STATE.with(|s| s.get());
            STATE.with(|s| s.set((seed, block.wrapping_add(1))));
            let digest = Sha256::new()
                .chain_update(seed.to_be_bytes())
                .chain_update(block.to_be_bytes())
                .finalize();
            chunk.copy_from_slice(&digest[..chunk.len()]);
        }
    }
}
