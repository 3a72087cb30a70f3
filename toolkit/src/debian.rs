//! Differential tests: each of our tools against Debian's (libotr5-bin's `/usr/bin/otr_*`,
//! on Debian's libotr 4.1.1 by path: ours may be installed in `/usr/local`), given the
//! same name, arguments and input. Standard output, standard error and the exit
//! status must be byte-identical: every usage error, bad hex, bad length, number, bad
//! message, each kind of message in versions 1, 2 and 3, reading, forging, modifying.
//! When Debian's tools are missing the tests fail, saying what to install.
//!
//! Ours run in this process, through [`run_on`], as `run` runs them in theirs (a
//! separate test binary would make cargo build the library twice, once for each
//! panic strategy, into the same unhashed file names). `tests/e2e/toolkit.sh` runs
//! the programs themselves.

use crate::message::{decode, DataMessage, Instances};
use crate::{run_on, tools, Invocation, Streams, Tool};
use otr::crypto::dh::mac_key_for;
use otr::crypto::symmetric::aes128_ctr;
use otr::wire::base64;
use otr::wire::codec::{Mpi, Writer};
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Debian's libdir, from `tests/ref/debian-cc` (which fails when libotr5 is missing).
fn debian_libdir() -> String {
    let debian_cc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ref/debian-cc");
    let out = Command::new(&debian_cc)
        .arg("--libdir")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", debian_cc.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// One run of a tool: its name (also its `argv[0]`), arguments and standard input.
struct Case {
    tool: &'static str,
    args: Vec<Vec<u8>>,
    stdin: Vec<u8>,
}

fn case(tool: &'static str, args: &[&[u8]], stdin: &[u8]) -> Case {
    Case {
        tool,
        args: args.iter().map(|a| a.to_vec()).collect(),
        stdin: stdin.to_vec(),
    }
}

/// What a run of a tool gave: exit status (or signal), stdout, stderr.
#[derive(Debug, PartialEq, Eq)]
struct Output {
    status: Result<i32, i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Debian's tool, in a process of its own on Debian's library.
fn run_debian(case: &Case, libdir: &str) -> Output {
    let program = PathBuf::from("/usr/bin").join(case.tool);
    assert!(
        program.exists(),
        "{} not found: install Debian's libotr5-bin",
        program.display()
    );
    let mut child = Command::new(&program)
        .arg0(case.tool)
        .args(case.args.iter().map(|a| OsStr::from_bytes(a)))
        .env("LD_LIBRARY_PATH", libdir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let mut stdin = child.stdin.take().unwrap();
    let input = case.stdin.clone();
    // The tools may stop reading early: a closed pipe is no failure here.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        status: out.status.code().ok_or(out.status.signal().unwrap_or(0)),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// Our tool, run on the case in this process.
fn run_ours(case: &Case) -> Output {
    let tool: Tool = match case.tool {
        "otr_parse" => tools::otr_parse,
        "otr_sesskeys" => tools::otr_sesskeys,
        "otr_mackey" => tools::otr_mackey,
        "otr_readforge" => tools::otr_readforge,
        "otr_modify" => tools::otr_modify,
        _ => tools::otr_remac,
    };
    let argv = [vec![case.tool.as_bytes().to_vec()], case.args.clone()].concat();
    let (mut stdin, mut stdout, mut stderr) = (&case.stdin[..], Vec::new(), Vec::new());
    let status = run_on(
        tool,
        &Invocation::new(argv),
        &mut Streams::new(&mut stdin, &mut stdout, &mut stderr),
    );
    Output {
        status: Ok(status.into()),
        stdout,
        stderr,
    }
}

/// Runs every case with both toolkits; returns our outputs, after checking each is
/// byte-identical to Debian's.
fn same(cases: &[Case]) -> Vec<Output> {
    let libdir = debian_libdir();
    cases
        .iter()
        .map(|case| {
            let theirs = run_debian(case, &libdir);
            let ours = run_ours(case);
            let show = |o: &Output| {
                format!(
                    "status {:?}\n--- stdout\n{}--- stderr\n{}",
                    o.status,
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                )
            };
            assert!(
                ours == theirs,
                "{} {:?} differs from Debian's\n=== Debian's: {}\n=== ours: {}",
                case.tool,
                case.args
                    .iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>(),
                show(&theirs),
                show(&ours)
            );
            ours
        })
        .collect()
}

/// Deterministic xorshift generator for the test messages.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const AES_KEY: [u8; 16] = *b"0123456789abcdef";

fn hex(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect()
}

/// A Data Message of `version` carrying `plaintext` under [`AES_KEY`], MACed with its
/// MAC key.
fn data_message(version: u8, plaintext: &[u8], old_mac_keys: usize) -> Vec<u8> {
    let ctr = [0, 0, 0, 0, 0, 0, 0, version];
    let mut encrypted_message = plaintext.to_vec();
    aes128_ctr(&AES_KEY, &ctr, &mut encrypted_message);
    let msg = DataMessage {
        version,
        flags: (version > 1).then_some(1),
        instances: (version == 3).then_some(Instances {
            sender: 0x1234_5678,
            receiver: 0x9abc_def0,
        }),
        sender_keyid: 1,
        recipient_keyid: 2,
        next_dh: Mpi::new(&[0xc5; 192]),
        ctr,
        encrypted_message,
        mac: [0; 20],
        old_mac_keys: vec![0x5a; old_mac_keys],
    };
    msg.encode(&mac_key_for(&AES_KEY)).into_bytes()
}

/// The header of an AKE message of `version` and type `kind`.
fn ake_header(w: &mut Writer, version: u16, kind: u8) {
    w.short(version).byte(kind);
    if version == 3 {
        w.int(0x100).int(0xffff_ffff);
    }
}

/// Binary messages of every kind the toolkit knows, with fields of varied sizes.
fn binary_messages(rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for version in [2, 3] {
        for size in [0, 1, 16, 192, 300] {
            let mut w = Writer::new();
            ake_header(&mut w, version, 0x02);
            w.data(&rng.bytes(size)).data(&rng.bytes(32));
            out.push(w.into_bytes());
            let mut w = Writer::new();
            ake_header(&mut w, version, 0x0a);
            // MPIs with leading zeros, and zero itself.
            w.data(&[vec![0; size % 3], rng.bytes(size)].concat());
            out.push(w.into_bytes());
            let mut w = Writer::new();
            ake_header(&mut w, version, 0x11);
            w.data(&rng.bytes(16))
                .data(&rng.bytes(size))
                .raw(&rng.bytes(20));
            out.push(w.into_bytes());
            let mut w = Writer::new();
            ake_header(&mut w, version, 0x12);
            w.data(&rng.bytes(size)).raw(&rng.bytes(20));
            out.push(w.into_bytes());
        }
    }
    // OTR v1 Key Exchange Messages.
    for reply in [0, 1, 0xff] {
        let mut w = Writer::new();
        w.short(1).byte(0x0a).byte(reply);
        for size in [128, 20, 128, 128] {
            w.data(&rng.bytes(size));
        }
        w.int(7).data(&rng.bytes(192));
        w.raw(&[vec![0; 3], rng.bytes(37)].concat());
        out.push(w.into_bytes());
    }
    // Data Messages of each version; revealed MAC keys of whole and partial lengths.
    for version in [1, 2, 3] {
        for old_mac_keys in [0, 20, 40, 45] {
            let text = data_message(version, b"some text", old_mac_keys);
            out.push(decode(&text).unwrap());
        }
    }
    out
}

/// Broken variants of `raw`: cut short, lengthened, wrong version or type bytes.
fn mutations(raw: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = vec![[raw, &[0]].concat()];
    for _ in 0..4 {
        out.push(raw[..rng.below(raw.len())].to_vec());
        let mut flipped = raw.to_vec();
        let at = rng.below(raw.len());
        flipped[at] ^= 1 << rng.below(8);
        out.push(flipped);
    }
    for (at, value) in [(0, 1), (1, 4), (1, 1), (2, 0x0a), (2, 0x03)] {
        let mut changed = raw.to_vec();
        changed[at] = value;
        out.push(changed);
    }
    out
}

/// A transcript: every message, its mutations, and junk between them (text, stray
/// `?OTR`s, NUL and high bytes, fragments, non-base64 characters in the base64).
fn transcript() -> Vec<u8> {
    let mut rng = Rng(0x5eed_0001);
    let mut out = b"?OTRv23? plain text ?OTR Error: oops\n??OTR?OTR:AAMX.\n".to_vec();
    for raw in binary_messages(&mut rng) {
        let mut variants = vec![raw.clone()];
        variants.extend(mutations(&raw, &mut rng));
        for variant in variants {
            let text = base64::otr_encode(&variant).into_bytes();
            out.extend_from_slice(&text);
            out.extend_from_slice(b"\nchat line\n");
            // The same with junk inside the base64, or cut at a NUL or a '='.
            let at = 5 + rng.below(text.len() - 5);
            let junk: &[u8] = [&b" \n\t!"[..], b"\x00", b"=", b"\xff\x80", b"?OTR:"][rng.below(5)];
            out.extend_from_slice(&[&text[..at], junk, &text[at..]].concat());
            out.push(b'\n');
        }
    }
    out.extend_from_slice(b"?OTR|1|2,00001,00002,?OTR:AAMD,\n?OTR:AAMDAAAA");
    out
}

#[test]
fn otr_parse_reads_every_kind_of_message() {
    let transcript = transcript();
    let ours = &same(&[case("otr_parse", &[], &transcript)])[0];
    let text = String::from_utf8_lossy(&ours.stdout);
    for kind in [
        "D-H Commit Message:",
        "D-H Key Message:",
        "Reveal Signature Message:",
        "Signature Message:",
        "Key Exchange Message:",
        "Data Message:",
        "\tVersion: 01",
        "\tVersion: 02",
        "\tVersion: 03",
        "\tRevealed MAC keys:",
        "Invalid D-H Commit Message",
        "Invalid D-H Key Message",
        "Invalid Reveal Signature Message",
        "Invalid Signature Message",
        "Invalid Key Exchange Message",
        "Invalid Data Message",
        "Unrecognized OTR message:",
    ] {
        assert!(text.contains(kind), "no {kind:?} in the output");
    }
    same(&[
        case("otr_parse", &[], b""),
        case("otr_parse", &[], b"nothing here\n"),
        case("otr_parse", &[b"extra"], b""),
        case("otr_parse", &[b"a", b"b"], b""),
    ]);
}

#[test]
fn otr_sesskeys_on_every_kind_of_value() {
    let p = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca237327ffffffffffffffff";
    let p_plus_1 = format!("{}00", &p[..p.len() - 2]);
    let x = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677";
    let long_x = format!("00{x}");
    let too_long = "01".repeat(41);
    let zeros_41 = "00".repeat(41);
    let y = "c0ffee".repeat(64);
    let big_y = "ff".repeat(400);
    let p_y = format!("{p}{y}");
    let values: Vec<(&str, &str)> = vec![
        (x, &y),
        (x, "02"),
        (x, p),
        (x, &p_plus_1),
        (x, &big_y),
        (x, &p_y),
        (x, "00"),
        (x, ""),
        ("", "00"),
        ("01", ""),
        ("00", "0000"),
        ("FF", "AbCd"),
        (&long_x, &y),
        (&too_long, &y),
        (&zeros_41, "02"),
        (&y, x),
        ("0", "02"),
        ("02", "0"),
        ("0g", "02"),
        ("02", "zz"),
        ("\u{e9}", "02"),
        ("02", "0 "),
    ];
    let mut cases: Vec<Case> = values
        .iter()
        .map(|(ours, theirs)| case("otr_sesskeys", &[ours.as_bytes(), theirs.as_bytes()], b""))
        .collect();
    cases.push(case("otr_sesskeys", &[], b""));
    cases.push(case("otr_sesskeys", &[x.as_bytes()], b""));
    cases.push(case("otr_sesskeys", &[b"01", b"02", b"03"], b""));
    cases.push(case("otr_sesskeys", &[b"01", b"\xff\xfe"], b""));
    same(&cases);
}

#[test]
fn otr_mackey_on_good_and_bad_keys() {
    let mut cases = vec![
        case("otr_mackey", &[], b""),
        case("otr_mackey", &[b"00", b"00"], b""),
        case("otr_mackey", &[b""], b""),
    ];
    for key in [
        "00112233445566778899aabbccddeeff",
        "00112233445566778899AABBCCDDEEFF",
        "00112233445566778899aabbccddee",
        "00112233445566778899aabbccddeeff00",
        "00112233445566778899aabbccddeef",
        "00112233445566778899aabbccddeefg",
        "0x112233445566778899aabbccddeeff",
    ] {
        cases.push(case("otr_mackey", &[key.as_bytes()], b""));
    }
    same(&cases);
}

#[test]
fn otr_readforge_reads_and_forges() {
    let key = hex(&AES_KEY);
    let wrong = hex(b"fedcba9876543210");
    let mut cases = vec![
        case("otr_readforge", &[], b""),
        case("otr_readforge", &[&key, b"a", b"b"], b""),
        case("otr_readforge", &[b"abc"], b""),
        case("otr_readforge", &[b"xx"], b""),
        case("otr_readforge", &[b"0011"], b""),
        case("otr_readforge", &[&key], b""),
        case("otr_readforge", &[&key], b"no message\n"),
        case("otr_readforge", &[&key], b"?OTR:AAMCAAAA."),
        case("otr_readforge", &[&key], b"?OTR:AAMDAAAA."),
        case("otr_readforge", &[&key], b"text ?OTR:AAEK."),
    ];
    for version in [1, 2, 3] {
        for plaintext in [&b"hello there"[..], b"", b"before\0after", &[b'x'; 100]] {
            let msg = data_message(version, plaintext, 40);
            let msg = [&b"log: "[..], &msg, b"\n"].concat();
            cases.push(case("otr_readforge", &[&key], &msg));
            cases.push(case("otr_readforge", &[&wrong], &msg));
            cases.push(case("otr_readforge", &[&key, b"forged text"], &msg));
            cases.push(case("otr_readforge", &[&wrong, b"forged text"], &msg));
            cases.push(case("otr_readforge", &[&key, b""], &msg));
            cases.push(case("otr_readforge", &[&key, b"\xc3\xa9t\xc3\xa9"], &msg));
        }
    }
    let outs = same(&cases);
    let shown = outs
        .iter()
        .any(|o| o.stdout.starts_with(b"Plaintext: ``hello there''\n"));
    assert!(shown, "no message decrypted");
}

#[test]
fn otr_modify_flips_bits() {
    let mac_key = hex(&mac_key_for(&AES_KEY));
    let wrong = hex(&[7; 20]);
    let msg = data_message(3, b"pay alice 100 now", 20);
    let mut cases = vec![
        case("otr_modify", &[], b""),
        case("otr_modify", &[&mac_key, b"a", b"b"], b""),
        case("otr_modify", &[b"0", b"a", b"b", b"0"], b""),
        case("otr_modify", &[b"00", b"a", b"b", b"0"], b""),
        case("otr_modify", &[b"zz", b"a", b"b", b"0"], b""),
        case("otr_modify", &[&mac_key, b"abc", b"ab", b"0"], &msg),
        case("otr_modify", &[&mac_key, b"a", b"b", b"x"], &msg),
        case("otr_modify", &[&mac_key, b"a", b"b", b""], &msg),
        case("otr_modify", &[&mac_key, b"a", b"b", b"0"], b""),
        case(
            "otr_modify",
            &[&mac_key, b"a", b"b", b"0"],
            b"?OTR:AAMKAAAA.",
        ),
        case(
            "otr_modify",
            &[&mac_key, b"a", b"b", b"0"],
            b"?OTR:AAMDAAAA.",
        ),
        case("otr_modify", &[&wrong, b"alice", b"mally", b"4"], &msg),
    ];
    for offset in [
        "4",
        " 4",
        "+4",
        "4x",
        "0",
        "15",
        "16",
        "17",
        "100",
        "-1",
        "4294967300",
    ] {
        cases.push(case(
            "otr_modify",
            &[&mac_key, b"alice", b"mally", offset.as_bytes()],
            &msg,
        ));
    }
    for version in [1, 2] {
        let msg = data_message(version, b"pay alice 100 now", 0);
        cases.push(case("otr_modify", &[&mac_key, b"100", b"999", b"10"], &msg));
    }
    same(&cases);
}

#[test]
fn otr_remac_assembles_messages() {
    let mac_key = hex(&[0x42; 20]);
    let good: [&[u8]; 10] = [
        &mac_key,
        b"256",
        b"512",
        b"1",
        b"3",
        b"4",
        b"00c0ffee",
        b"0000000000000001",
        b"abcdef",
        b"",
    ];
    let mut cases = vec![
        case("otr_remac", &[], b""),
        case("otr_remac", &good[..9], b""),
        case("otr_remac", &[&good[..], &[b"extra"]].concat(), b""),
        case("otr_remac", &good, b""),
    ];
    let numbers: [&[u8]; 12] = [
        b"",
        b"x",
        b" 7",
        b"+7",
        b"-1",
        b"7up",
        b"0x10",
        b"4294967295",
        b"4294967296",
        b"-2147483649",
        b"99999999999999999999",
        b"-99999999999999999999",
    ];
    for field in 1..=5 {
        for number in numbers {
            let mut args = good;
            args[field] = number;
            cases.push(case("otr_remac", &args, b""));
        }
    }
    let hex_values: [&[u8]; 6] = [b"", b"0", b"zz", b"00000000", &[b'a'; 600], b"ABCDEF"];
    for field in [0, 6, 7, 8, 9] {
        for value in hex_values {
            let mut args = good;
            args[field] = value;
            cases.push(case("otr_remac", &args, b""));
        }
    }
    let outs = same(&cases);
    // What otr_remac writes, otr_parse reads back alike.
    let messages: Vec<u8> = outs.iter().flat_map(|o| o.stdout.clone()).collect();
    same(&[case("otr_parse", &[], &messages)]);
}
