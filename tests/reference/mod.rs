//! Building the C oracles of `tests/ref/` against Debian's libotr 4.1.1, pinned by path.
//!
//! Every oracle is compiled by `tests/ref/debian-cc --reference-only`, which takes
//! Debian's headers and library by path (ours may be installed in `/usr/local`, ahead of
//! Debian's on every default search path) and links in a start-up check that stops the
//! oracle unless the libotr it loaded is Debian's. A test can then never compare ours
//! with ours, and fails loudly, never silently, when the reference is missing.
// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

const HINT: &str = "the reference libotr 4.1.1 is required for this test: install \
     Debian's libotr5, libotr5-dev and libgcrypt20-dev, and a C compiler (cc)";

/// Compiles `tests/ref/<source>` into the test target's temporary directory as `out`,
/// linked with Debian's `-lotr -lgcrypt`; panics with what to install when it cannot.
pub fn build(source: &str, out: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = root.join("tests/ref").join(source);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(out);
    let status = Command::new(root.join("tests/ref/debian-cc"))
        .args(["--reference-only", "-O1", "-o"])
        .arg(&out)
        .arg(&source)
        .args(["-lotr", "-lgcrypt"])
        .status()
        .unwrap_or_else(|e| panic!("cannot run tests/ref/debian-cc: {e}; {HINT}"));
    assert!(
        status.success(),
        "compiling {} against Debian's libotr failed; {HINT}",
        source.display()
    );
    out
}

/// `tests/ref/debian-cc` asked one thing (`--libdir` or `--lib`).
fn ask_debian_cc(what: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(root.join("tests/ref/debian-cc"))
        .arg(what)
        .output()
        .unwrap_or_else(|e| panic!("cannot run tests/ref/debian-cc: {e}; {HINT}"));
    assert!(
        out.status.success(),
        "{}; {HINT}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("a path")
        .trim()
        .to_string()
}

/// The real path of Debian's `libotr.so.5`.
pub fn library() -> String {
    ask_debian_cc("--lib")
}

/// One of Debian's toolkit programs (libotr5-bin: `/usr/bin/otr_*`, never one in
/// `/usr/local/bin`), set to load Debian's libotr from its own directory.
pub fn toolkit(name: &str) -> Command {
    let program = Path::new("/usr/bin").join(name);
    assert!(
        program.exists(),
        "{} not found: install Debian's libotr5-bin",
        program.display()
    );
    let mut command = Command::new(program);
    command.env("LD_LIBRARY_PATH", ask_debian_cc("--libdir"));
    command
}

/// A deterministic xorshift generator for the inputs fed to both libraries, so that a
/// difference found is reproduced by the next run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `items`, which must not be empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}
