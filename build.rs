//! Generates libotr's 16 public headers from the `src/ffi` modules with cbindgen, and
//! links the shared library the way libotr 4.1.1 is linked.
//!
//! Each header comes from one module, `src/ffi/<name>.rs`, plus its raw C text in
//! `cbindgen/<name>.toml` (string constants and function-like macros, which cbindgen
//! cannot derive). The headers are written to `$OUT_DIR/include/libotr`; with
//! `OTR_UPDATE_HEADERS=1` (`make headers`) they are also copied to the checked-in
//! `include/libotr`, and a test fails when the two differ.
//!
//! Unlike libotr's, every generated header is self-contained: it starts with guarded
//! forward typedefs for the types it names, so any include order compiles.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// One installed header: its name, its module, the typedefs it needs declared before its
/// includes, whether it needs libgcrypt's names, and the headers it includes.
struct Header {
    name: &'static str,
    module: &'static str,
    forward: &'static [&'static str],
    gcrypt: bool,
    includes: &'static [&'static str],
}

#[rustfmt::skip]
const HEADERS: &[Header] = &[
    Header { name: "auth.h", module: "auth", forward: &["ConnContext", "OtrlAuthInfo"], gcrypt: true, includes: &["<time.h>", "\"dh.h\"", "\"privkey-t.h\""] },
    Header { name: "b64.h", module: "b64", forward: &[], gcrypt: false, includes: &["<stdlib.h>"] },
    Header { name: "context.h", module: "context", forward: &["ConnContext", "Fingerprint", "ConnContextPriv", "OtrlUserState", "otrl_instag_t"], gcrypt: true, includes: &["\"context_priv.h\"", "\"dh.h\"", "\"auth.h\"", "\"sm.h\"", "\"instag.h\"", "\"userstate.h\""] },
    Header { name: "context_priv.h", module: "context_priv", forward: &["ConnContextPriv"], gcrypt: true, includes: &["<time.h>", "\"dh.h\"", "\"auth.h\"", "\"sm.h\""] },
    Header { name: "dh.h", module: "dh", forward: &["DH_keypair", "DH_sesskeys"], gcrypt: true, includes: &["<stddef.h>"] },
    Header { name: "instag.h", module: "instag", forward: &["OtrlInsTag", "OtrlUserState", "otrl_instag_t"], gcrypt: true, includes: &["<stdio.h>", "<errno.h>", "\"userstate.h\""] },
    Header { name: "mem.h", module: "mem", forward: &[], gcrypt: false, includes: &["<stdlib.h>"] },
    Header { name: "message.h", module: "message", forward: &["ConnContext", "OtrlUserState", "OtrlTLV", "OtrlMessageAppOps", "otrl_instag_t"], gcrypt: true, includes: &["\"proto.h\""] },
    Header { name: "privkey-t.h", module: "privkey_t", forward: &["OtrlPrivKey", "OtrlPendingPrivKey"], gcrypt: true, includes: &["<stddef.h>"] },
    Header { name: "privkey.h", module: "privkey", forward: &["ConnContext", "OtrlUserState", "OtrlPrivKey"], gcrypt: true, includes: &["<stdio.h>", "\"privkey-t.h\"", "\"userstate.h\""] },
    Header { name: "proto.h", module: "proto", forward: &["ConnContext", "OtrlTLV"], gcrypt: true, includes: &["<stdlib.h>", "\"context.h\"", "\"version.h\"", "\"tlv.h\""] },
    Header { name: "serial.h", module: "serial", forward: &[], gcrypt: false, includes: &[] },
    Header { name: "sm.h", module: "sm", forward: &["OtrlSMState"], gcrypt: true, includes: &[] },
    Header { name: "tlv.h", module: "tlv", forward: &["OtrlTLV"], gcrypt: false, includes: &["<stddef.h>"] },
    Header { name: "userstate.h", module: "userstate", forward: &["OtrlUserState", "ConnContext", "OtrlPrivKey", "OtrlInsTag", "OtrlPendingPrivKey"], gcrypt: false, includes: &["\"instag.h\"", "\"context.h\"", "\"privkey-t.h\""] },
    Header { name: "version.h", module: "version", forward: &[], gcrypt: false, includes: &[] },
];

/// The C declaration behind each forward typedef name.
const FORWARD_TYPEDEFS: &[(&str, &str)] = &[
    ("ConnContext", "typedef struct context ConnContext;"),
    (
        "ConnContextPriv",
        "typedef struct context_priv ConnContextPriv;",
    ),
    ("DH_keypair", "typedef struct DH_keypair DH_keypair;"),
    ("DH_sesskeys", "typedef struct DH_sesskeys DH_sesskeys;"),
    ("Fingerprint", "typedef struct s_fingerprint Fingerprint;"),
    ("OtrlAuthInfo", "typedef struct OtrlAuthInfo OtrlAuthInfo;"),
    ("OtrlInsTag", "typedef struct s_OtrlInsTag OtrlInsTag;"),
    (
        "OtrlMessageAppOps",
        "typedef struct s_OtrlMessageAppOps OtrlMessageAppOps;",
    ),
    (
        "OtrlPendingPrivKey",
        "typedef struct s_OtrlPendingPrivKey OtrlPendingPrivKey;",
    ),
    ("OtrlPrivKey", "typedef struct s_OtrlPrivKey OtrlPrivKey;"),
    ("OtrlSMState", "typedef struct OtrlSMState OtrlSMState;"),
    ("OtrlTLV", "typedef struct s_OtrlTLV OtrlTLV;"),
    (
        "OtrlUserState",
        "typedef struct s_OtrlUserState *OtrlUserState;",
    ),
    ("otrl_instag_t", "typedef unsigned int otrl_instag_t;"),
];

/// libotr's headers take their error and handle types from `<gcrypt.h>`, and clients
/// (bitlbee, irssi, hexchat, profanity) get `gcry_strerror` and `GPG_ERR_*` only through
/// them, so we include it whenever the compiler can find it. Without libgcrypt's
/// headers we declare just the names our own declarations use: the library itself
/// never links libgcrypt.
const GCRYPT_NAMES: &str = "\
#if defined(__has_include)
#  if __has_include(<gcrypt.h>)
#    define OTRL_HAVE_GCRYPT_H 1
#  endif
#else
#  define OTRL_HAVE_GCRYPT_H 1
#endif
#ifdef OTRL_HAVE_GCRYPT_H
#include <gcrypt.h>
#elif !defined(OTRL_GCRYPT_NAMES)
#define OTRL_GCRYPT_NAMES
typedef unsigned int gcry_error_t;
typedef struct gcry_mpi *gcry_mpi_t;
typedef struct gcry_sexp *gcry_sexp_t;
typedef struct gcry_cipher_handle *gcry_cipher_hd_t;
typedef struct gcry_md_handle *gcry_md_hd_t;
#define GCRY_MD_SHA256 8
#endif
";

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("include/libotr");
    fs::create_dir_all(&out).expect("create $OUT_DIR/include/libotr");
    for header in HEADERS {
        generate(&root, &out, header);
    }
    if env::var_os("OTR_UPDATE_HEADERS").is_some() {
        update_checked_in(&out, &root.join("include/libotr"));
    }
    link_like_libotr(&root);
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen");
    println!("cargo:rerun-if-changed=libotr.map");
    println!("cargo:rerun-if-env-changed=OTR_UPDATE_HEADERS");
}

fn generate(root: &Path, out: &Path, header: &Header) {
    let toml = root
        .join("cbindgen")
        .join(format!("{}.toml", header.module));
    let mut config =
        cbindgen::Config::from_file(&toml).unwrap_or_else(|e| panic!("{}: {e}", toml.display()));
    config.language = cbindgen::Language::C;
    config.style = cbindgen::Style::Tag;
    config.no_includes = true;
    config.usize_is_size_t = true;
    config.include_guard = Some(guard(header.name));
    config.after_includes = Some(prologue(header) + config.after_includes.as_deref().unwrap_or(""));
    let source = root.join("src/ffi").join(format!("{}.rs", header.module));
    let mut builder = cbindgen::Builder::new().with_config(config);
    if source.exists() {
        builder = builder.with_src(source);
    }
    builder
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed for {}: {e}", header.name))
        .write_to_file(out.join(header.name));
}

/// libotr's include guards: `auth.h` is guarded by `__AUTH_H__`.
fn guard(name: &str) -> String {
    format!("__{}__", name.replace(['.', '-'], "_").to_uppercase())
}

/// Forward typedefs, libgcrypt's names and the includes, in that order.
fn prologue(header: &Header) -> String {
    let mut text = String::new();
    for name in header.forward {
        let (_, decl) = FORWARD_TYPEDEFS
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no forward typedef for {name}"));
        let macro_name = format!("OTRL_TYPEDEF_{}", name.to_uppercase());
        let _ = write!(
            text,
            "#ifndef {macro_name}\n#define {macro_name}\n{decl}\n#endif\n"
        );
    }
    if header.gcrypt {
        text.push_str(GCRYPT_NAMES);
    }
    for include in header.includes {
        let _ = writeln!(text, "#include {include}");
    }
    text
}

fn update_checked_in(generated: &Path, checked_in: &Path) {
    fs::create_dir_all(checked_in).expect("create include/libotr");
    for header in HEADERS {
        fs::copy(generated.join(header.name), checked_in.join(header.name))
            .unwrap_or_else(|e| panic!("copy {}: {e}", header.name));
    }
}

/// SONAME `libotr.so.5`, exports limited to libotr's symbols by `libotr.map`, and the
/// same hardening flags as Debian's build (BIND_NOW, RELRO).
fn link_like_libotr(root: &Path) {
    let map = root.join("libotr.map");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libotr.so.5");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map.display()
    );
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,now,-z,relro");
}
