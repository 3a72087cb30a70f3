//! Marks for the constant-time check (`make check-ct`; SECURITY.md, "Constant time").
//!
//! The check runs the crypto code under valgrind's memcheck with every secret marked
//! undefined, so that a branch or a memory address that depends on a secret is
//! reported. Two kinds of marks live in the code itself, as in BoringSSL's
//! `CONSTTIME_SECRET` / `CONSTTIME_DECLASSIFY`:
//!
//! - [`fresh_random`]: every buffer of random bytes, as soon as it is drawn (the
//!   private exponents, the DSA nonces and the SMP's random exponents start there);
//! - [`public`]: a value computed from secrets that the protocol makes public (a
//!   value that goes on the wire, whether a proof or a MAC checked out, the length of
//!   a minimal encoding), from which on branching is allowed.
//!
//! Only a build with `--cfg otr_ct_validation` (the `ct/` crate's builds) calls the
//! hooks that a test installs with `install`; in every other build both marks do
//! nothing and the library has no hook at all.

/// What the test does with the marks.
#[cfg(otr_ct_validation)]
#[derive(Clone, Copy)]
pub struct Hooks {
    /// Called with each buffer of fresh random bytes (it may also replace them).
    pub random: fn(&mut [u8]),
    /// Called with the address and size of a value that becomes public.
    pub public: fn(*mut u8, usize),
}

#[cfg(otr_ct_validation)]
static HOOKS: std::sync::OnceLock<Hooks> = std::sync::OnceLock::new();

/// Installs the hooks of a constant-time check; only the first call counts.
#[cfg(otr_ct_validation)]
pub fn install(hooks: Hooks) {
    let _ = HOOKS.set(hooks);
}

/// Marks `buf`, just filled with random bytes, as secret.
#[inline(always)]
pub(crate) fn fresh_random(buf: &mut [u8]) {
    #[cfg(otr_ct_validation)]
    if let Some(hooks) = HOOKS.get() {
        (hooks.random)(buf);
    }
    #[cfg(not(otr_ct_validation))]
    let _ = buf;
}

/// `value`, declared public: the caller may branch on it. Each call says why the
/// protocol reveals the value.
#[inline(always)]
pub(crate) fn public<T>(mut value: T) -> T {
    #[cfg(otr_ct_validation)]
    if let Some(hooks) = HOOKS.get() {
        // The hook only gets the address: the value is read again afterwards.
        (hooks.public)(core::ptr::from_mut(&mut value).cast(), size_of::<T>());
    }
    #[cfg(not(otr_ct_validation))]
    let _ = &mut value;
    value
}
