//! The checked-in headers under `include/libotr` are exactly what `build.rs` generates
//! with cbindgen from `src/ffi` (run `make headers` after changing the FFI), and each
//! compiles on its own.

use std::path::{Path, PathBuf};
use std::process::Command;

const HEADERS: [&str; 16] = [
    "auth.h",
    "b64.h",
    "context.h",
    "context_priv.h",
    "dh.h",
    "instag.h",
    "mem.h",
    "message.h",
    "privkey-t.h",
    "privkey.h",
    "proto.h",
    "serial.h",
    "sm.h",
    "tlv.h",
    "userstate.h",
    "version.h",
];

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

#[test]
fn checked_in_headers_match_a_fresh_generation() {
    let generated = Path::new(env!("OUT_DIR")).join("include/libotr");
    for name in HEADERS {
        let fresh = std::fs::read(generated.join(name)).expect("generated header");
        let kept =
            std::fs::read(checked_in().join("libotr").join(name)).expect("checked-in header");
        assert!(
            fresh == kept,
            "include/libotr/{name} differs from cbindgen's output: run `make headers`"
        );
    }
}

#[test]
fn every_header_compiles_alone() {
    for name in HEADERS {
        let out = Command::new("cc")
            .args(["-fsyntax-only", "-Wall", "-Werror", "-x", "c", "-", "-I"])
            .arg(checked_in())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                let source = format!("#include <libotr/{name}>\n");
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(source.as_bytes())?;
                child.wait_with_output()
            })
            .expect("run cc");
        assert!(
            out.status.success(),
            "libotr/{name} does not compile alone:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
