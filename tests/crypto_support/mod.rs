//! Shared helpers of the crypto integration tests: running Debian's libotr
//! 4.1.1 as the oracle, and hex.
//!
//! The oracle is (1) the libotr toolkit programs `otr_sesskeys` and
//! `otr_mackey` (Debian's, in `/usr/bin`, on Debian's library), and (2)
//! `tests/ref/otr_crypto_ref.c`, a thin command-line front end to libotr's own
//! functions, built against Debian's libotr pinned by path (`tests/reference`).
//! When either is missing the tests fail with a message saying what to install;
//! they never pass silently.
#![allow(dead_code)]

#[path = "../reference/mod.rs"]
pub mod reference;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const INSTALL_HINT: &str = "the reference libotr 4.1.1 is required for this test: \
     install Debian's libotr5-bin (otr_sesskeys, otr_mackey), libotr5-dev and \
     libgcrypt20-dev, and a C compiler (cc)";

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// A hex string for the command line: never empty ("00" for zero).
pub fn arg_hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "00".to_string()
    } else {
        hex(bytes)
    }
}

/// Random bytes for test inputs (from the OS, through the `rand` crate).
pub fn random_bytes(len: usize) -> Vec<u8> {
    use rand::TryRng;
    let mut buf = vec![0u8; len];
    rand::rngs::SysRng
        .try_fill_bytes(&mut buf)
        .expect("OS randomness");
    buf
}

fn run(mut command: Command, args: &[&str]) -> String {
    let output = command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}; {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The compiled oracle `tests/ref/otr_crypto_ref.c`, built once per test binary.
pub fn reference_helper() -> &'static Path {
    static HELPER: OnceLock<PathBuf> = OnceLock::new();
    HELPER.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        let name = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("test");
        reference::build("otr_crypto_ref.c", &format!("otr_crypto_ref-{name}"))
    })
}

/// Runs the oracle and returns its `key=value` lines.
pub fn reference(args: &[&str]) -> HashMap<String, String> {
    run(Command::new(reference_helper()), args)
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs the oracle and returns its whole output, trimmed.
pub fn reference_text(args: &[&str]) -> String {
    run(Command::new(reference_helper()), args)
        .trim()
        .to_string()
}

/// What `otr_sesskeys OURPRIV THEIRPUB` prints.
#[derive(Debug, Default)]
pub struct SessKeys {
    pub high_end: bool,
    pub our_public: Vec<u8>,
    pub session_id: Vec<u8>,
    pub sending_aes: Vec<u8>,
    pub sending_mac: Vec<u8>,
    pub receiving_aes: Vec<u8>,
    pub receiving_mac: Vec<u8>,
}

pub fn otr_sesskeys(our_private: &[u8], their_public: &[u8]) -> SessKeys {
    let text = run(
        reference::toolkit("otr_sesskeys"),
        &[&arg_hex(our_private), &arg_hex(their_public)],
    );
    let mut keys = SessKeys::default();
    for line in text.lines() {
        if line.contains("high end") {
            keys.high_end = true;
        }
        let Some((label, value)) = line.split_once(':') else {
            continue;
        };
        let value = unhex(value.trim());
        match label.trim() {
            "Our public key" => keys.our_public = value,
            "Session id" => keys.session_id = value,
            "Sending   AES key" => keys.sending_aes = value,
            "Sending   MAC key" => keys.sending_mac = value,
            "Receiving AES key" => keys.receiving_aes = value,
            "Receiving MAC key" => keys.receiving_mac = value,
            _ => {}
        }
    }
    assert!(
        !keys.sending_aes.is_empty(),
        "unexpected otr_sesskeys output: {text}"
    );
    keys
}

/// What `otr_mackey AESKEY` prints: the MAC key.
pub fn otr_mackey(aes_key: &[u8]) -> Vec<u8> {
    let text = run(reference::toolkit("otr_mackey"), &[&hex(aes_key)]);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("MAC key:").map(|v| v.trim().to_string()))
        .unwrap_or_else(|| panic!("unexpected otr_mackey output: {text}"));
    unhex(&line)
}

/// The sample private key file written by Debian's libotr 4.1.1 (a copy of
/// shared/samples/sample.private_key).
pub fn sample_key_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ref/sample.private_key")
}

/// The DSA components (p, q, g, y, x) of the account `name` in the sample key
/// file, read with a minimal S-expression scan sufficient for this fixture.
pub fn sample_key_components(name: &str) -> [Vec<u8>; 5] {
    let text = std::fs::read_to_string(sample_key_file()).expect("sample key file");
    let start = text
        .find(&format!("(name {name})"))
        .or_else(|| text.find(&format!("(name \"{name}\")")))
        .unwrap_or_else(|| panic!("account {name} not in sample key"));
    let account = &text[start..];
    let field = |tag: &str| {
        let open = format!("({tag} #");
        let at = account.find(&open).expect("component") + open.len();
        let end = at + account[at..].find('#').expect("closing #");
        unhex(&account[at..end].split_whitespace().collect::<String>())
    };
    [field("p"), field("q"), field("g"), field("y"), field("x")]
}
