//! Round trips of libotr's sample files and malformed input for every reader: no panic,
//! and the outcome libotr has (see `files_reference.rs` for the byte-exact comparison).

use otr::files::fingerprints::{parse_fingerprints, write_fingerprints};
use otr::files::instag::{parse_instags, write_instags};
use otr::files::privkey::{parse_private_keys, write_private_keys, PrivKeyError};
use otr::files::sexp::SexpError;

const SAMPLE_KEY: &[u8] = include_bytes!("files_data/sample.private_key");
const SAMPLE_FP: &[u8] = include_bytes!("files_data/sample.fingerprints");
const SAMPLE_INSTAG: &[u8] = include_bytes!("files_data/sample.instag");

#[test]
fn samples_round_trip_byte_for_byte() {
    let keys = parse_private_keys(SAMPLE_KEY);
    assert_eq!(keys.error, None);
    assert_eq!(write_private_keys(&keys.keys), SAMPLE_KEY);
    assert_eq!(
        write_fingerprints(&parse_fingerprints(SAMPLE_FP)),
        SAMPLE_FP
    );
    assert_eq!(write_instags(&parse_instags(SAMPLE_INSTAG)), SAMPLE_INSTAG);
}

#[test]
fn truncated_key_file_at_every_offset() {
    let full = parse_private_keys(SAMPLE_KEY).keys;
    for n in 0..SAMPLE_KEY.len() - 1 {
        let read = parse_private_keys(&SAMPLE_KEY[..n]);
        // Cut inside the outer list: the parentheses do not match.
        let expected = match n {
            0 => Some(PrivKeyError::EmptyFile),
            _ => Some(PrivKeyError::Syntax(SexpError::UnmatchedParen)),
        };
        assert_eq!(read.error, expected, "cut at {n}");
        assert!(read.keys.is_empty(), "cut at {n}");
    }
    // The closing parenthesis is all it takes: cutting only the final newline is fine.
    let read = parse_private_keys(&SAMPLE_KEY[..SAMPLE_KEY.len() - 1]);
    assert_eq!((read.error, read.keys), (None, full));
}

fn key_file_with(p: &str) -> Vec<u8> {
    format!(
        "(privkeys (account (name a) (protocol b) (private-key (dsa (p {p}) (q #02#) (g #03#) (y #04#)))))"
    )
    .into_bytes()
}

#[test]
fn oversized_and_odd_numbers() {
    let big = format!("#{}#", "AB".repeat(60_000));
    let read = parse_private_keys(&key_file_with(&big));
    assert_eq!(read.error, None);
    assert_eq!(read.keys[0].dsa.p.len(), 60_000);
    let too_big = format!("#{}#", "AB".repeat(70_000));
    let read = parse_private_keys(&key_file_with(&too_big));
    assert_eq!(
        read.error,
        Some(PrivKeyError::Syntax(SexpError::AtomTooLong))
    );
    let err = |p: &str| parse_private_keys(&key_file_with(p)).error;
    assert_eq!(
        err("#0G#"),
        Some(PrivKeyError::Syntax(SexpError::BadHexChar))
    );
    assert_eq!(
        err("#012#"),
        Some(PrivKeyError::Syntax(SexpError::OddHexNumbers))
    );
    assert_eq!(
        err("12"),
        Some(PrivKeyError::Syntax(SexpError::InvalidLengthSpec))
    );
    assert_eq!(err("(x)"), Some(PrivKeyError::UnusableSecretKey));
    assert_eq!(err("#0000#"), None);
}

#[test]
fn missing_fields() {
    let cases: [&[u8]; 5] = [
        b"(privkeys (account (protocol b) (private-key (dsa (p #01#) (q #02#) (g #03#) (y #04#)))))",
        b"(privkeys (account (name a) (private-key (dsa (p #01#) (q #02#) (g #03#) (y #04#)))))",
        b"(privkeys (account (name a) (protocol b)))",
        b"(privkeys (account (name a) (protocol b) (private-key (dsa (p #01#) (q #02#) (g #03#)))))",
        b"(privkeys (account (name a) (protocol) (private-key (dsa (p #01#) (q #02#) (g #03#) (y #04#)))))",
    ];
    for case in cases {
        let read = parse_private_keys(case);
        assert_eq!(read.error, Some(PrivKeyError::UnusableSecretKey));
        assert!(read.keys.is_empty());
    }
}

#[test]
fn binary_garbage_never_panics() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for len in 0..2000 {
        let bytes: Vec<u8> = (0..len % 300)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let read = parse_private_keys(&bytes);
        if !bytes.is_empty() {
            assert_ne!(read.error, None, "{bytes:?}");
        }
        let _ = parse_fingerprints(&bytes);
        let _ = parse_instags(&bytes);
    }
}

#[test]
fn empty_files() {
    assert_eq!(parse_private_keys(b"").error, Some(PrivKeyError::EmptyFile));
    assert_eq!(PrivKeyError::EmptyFile.gcry_error(), None);
    assert!(parse_fingerprints(b"").is_empty());
    assert!(parse_instags(b"").is_empty());
}
