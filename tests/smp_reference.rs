//! The Socialist Millionaires' Protocol against Debian's libotr 4.1.1: one
//! side is our [`Smp`], the other is libotr's own `otrl_sm_step1` …
//! `otrl_sm_step5`, run by `tests/ref/smp_ref.c` (built against Debian's
//! libotr pinned by path, `tests/reference`). Both roles, equal and different secrets, a question,
//! and the same verdict as libotr on malformed and tampered messages. Fails
//! loudly when the reference cannot be built.
//!
//! libotr's message-level SMP handling (`init_respond_smp` and the TLV
//! dispatch in `otrl_message_receiving`) is static in libotr and needs a
//! whole encrypted conversation; here we run its exported steps, and our
//! message-level layer on our side.

mod crypto_support;

use crypto_support::{hex, reference, unhex};
use otr::smp::{combined_secret, Event, NextExpected, Progress, Received, Smp};
use otr::wire::tlv::{types, Tlv};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

/// libgpg-error's `GPG_ERR_INV_VALUE`.
const INV_VALUE: i32 = 55;

fn helper() -> &'static Path {
    static HELPER: OnceLock<PathBuf> = OnceLock::new();
    HELPER.get_or_init(|| reference::build("smp_ref.c", "smp_ref"))
}

/// One libotr `OtrlSMState`, in a helper process.
struct Libotr {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// What a libotr step returned.
#[derive(Debug)]
struct Step {
    err: i32,
    progress: i32,
    received_question: bool,
    output: Vec<u8>,
}

impl Libotr {
    fn new() -> Self {
        let mut child = Command::new(helper())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the libotr helper: {e}"));
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
        }
    }

    fn run(&mut self, command: &str, args: &[&str]) -> Step {
        writeln!(self.stdin, "{command} {}", args.join(" ")).unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        assert!(
            self.stdout.read_line(&mut line).unwrap() > 0,
            "libotr helper died"
        );
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields.len(), 4, "{line:?}");
        Step {
            err: fields[0].parse().unwrap(),
            progress: fields[1].parse().unwrap(),
            received_question: fields[2] == "1",
            output: if fields[3] == "-" {
                Vec::new()
            } else {
                unhex(fields[3])
            },
        }
    }

    fn step1(&mut self, secret: &[u8]) -> Step {
        self.run("1", &[&arg(secret)])
    }
    fn step2a(&mut self, msg1: &[u8], question: bool) -> Step {
        self.run("2a", &[if question { "1" } else { "0" }, &arg(msg1)])
    }
    fn step2b(&mut self, secret: &[u8]) -> Step {
        self.run("2b", &[&arg(secret)])
    }
    fn step3(&mut self, msg2: &[u8]) -> Step {
        self.run("3", &[&arg(msg2)])
    }
    fn step4(&mut self, msg3: &[u8]) -> Step {
        self.run("4", &[&arg(msg3)])
    }
    fn step5(&mut self, msg4: &[u8]) -> Step {
        self.run("5", &[&arg(msg4)])
    }
}

impl Drop for Libotr {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn arg(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "-".to_string()
    } else {
        hex(bytes)
    }
}

fn secret(user: &[u8]) -> [u8; 32] {
    combined_secret(&[0x11; 20], &[0x22; 20], &[9; 8], user)
}

fn receive_one(smp: &mut Smp, tlv: Tlv) -> Received {
    let mut results = smp.receive(&[tlv]);
    assert_eq!(results.len(), 1, "{results:?}");
    results.remove(0)
}

/// We initiate (optionally with a question), libotr responds; returns our
/// result and libotr's step 4 (error code and progress).
fn we_initiate(ours: &[u8; 32], theirs: &[u8; 32], question: Option<&[u8]>) -> (Received, Step) {
    let mut alice = Smp::new();
    let mut bob = Libotr::new();
    let msg1 = alice.start(ours, question).unwrap().tlv;
    // What libotr's otrl_message_receiving passes to step 2a.
    let (payload, asked) = match question {
        Some(q) => {
            assert_eq!(msg1.kind, types::SMP1Q);
            (msg1.value[q.len() + 1..].to_vec(), true)
        }
        None => (msg1.value.clone(), false),
    };
    let step = bob.step2a(&payload, asked);
    assert_eq!(
        (step.err, step.progress),
        (0, 0),
        "libotr rejected our SMP1"
    );
    assert_eq!(step.received_question, asked);
    let msg2 = bob.step2b(theirs);
    assert_eq!(msg2.err, 0);

    let progress = receive_one(&mut alice, Tlv::new(types::SMP2, msg2.output));
    assert_eq!(
        progress.event,
        Event::InProgress,
        "we rejected libotr's SMP2"
    );
    let msg3 = progress.reply.unwrap();
    let step4 = bob.step4(&msg3.value);
    assert_ne!(step4.progress, -2, "libotr saw our SMP3 as a cheat");
    let result = receive_one(&mut alice, Tlv::new(types::SMP4, step4.output.clone()));
    assert_eq!(alice.expected(), NextExpected::Expect1);
    (result, step4)
}

/// libotr initiates, we respond; returns our result and libotr's step 5.
fn libotr_initiates(theirs: &[u8; 32], ours: &[u8; 32]) -> (Received, Step) {
    let mut alice = Libotr::new();
    let mut bob = Smp::new();
    let msg1 = alice.step1(theirs);
    assert_eq!((msg1.err, msg1.progress), (0, 0));
    let asked = receive_one(&mut bob, Tlv::new(types::SMP1, msg1.output));
    assert_eq!(
        asked.event,
        Event::AskForSecret,
        "we rejected libotr's SMP1"
    );
    let msg2 = bob.respond(ours).unwrap().tlv;
    let msg3 = alice.step3(&msg2.value);
    assert_eq!(
        (msg3.err, msg3.progress),
        (0, 0),
        "libotr rejected our SMP2"
    );
    let result = receive_one(&mut bob, Tlv::new(types::SMP3, msg3.output));
    let msg4 = result.reply.clone().expect("we send SMP4");
    let step5 = alice.step5(&msg4.value);
    (result, step5)
}

#[test]
fn we_initiate_equal_secrets() {
    let s = secret(b"shared");
    let (result, libotr) = we_initiate(&s, &s, None);
    assert_eq!((libotr.err, libotr.progress), (0, 1), "libotr: success");
    assert_eq!(result.event, Event::Success);
    assert_eq!(result.trust, Some(true));
}

#[test]
fn we_initiate_different_secrets() {
    let (result, libotr) = we_initiate(&secret(b"ours"), &secret(b"theirs"), None);
    assert_eq!(
        (libotr.err, libotr.progress),
        (INV_VALUE, -1),
        "libotr: failure"
    );
    assert_eq!(result.event, Event::Failure);
    assert_eq!(result.trust, Some(false));
}

#[test]
fn we_initiate_with_a_question() {
    let s = secret(b"42");
    let (result, libotr) = we_initiate(&s, &s, Some(b"The answer?"));
    assert_eq!((libotr.err, libotr.progress), (0, 1));
    assert_eq!(result.event, Event::Success);
}

#[test]
fn libotr_initiates_equal_secrets() {
    let s = secret(b"shared");
    let (result, libotr) = libotr_initiates(&s, &s);
    assert_eq!(result.event, Event::Success);
    assert_eq!(result.trust, Some(true));
    assert_eq!((libotr.err, libotr.progress), (0, 1), "libotr: success");
}

#[test]
fn libotr_initiates_different_secrets() {
    let (result, libotr) = libotr_initiates(&secret(b"theirs"), &secret(b"ours"));
    assert_eq!(result.event, Event::Failure);
    assert_eq!(result.trust, Some(false));
    assert_eq!((libotr.err, libotr.progress), (INV_VALUE, -1));
}

/// Secrets of other lengths than 32 bytes, through the steps (libotr reads
/// any length as a big-endian number).
#[test]
fn step_level_with_short_and_long_secrets() {
    for (ours, theirs, equal) in [
        (&b"\x00\x00short"[..], &b"short"[..], true),
        (&[0xee; 150][..], &[0xee; 150][..], true),
        (&b"a"[..], &b"b"[..], false),
    ] {
        let mut alice = Smp::new();
        let mut bob = Libotr::new();
        let msg1 = alice.step1(ours).unwrap();
        assert_eq!(bob.step2a(&msg1, false).err, 0);
        let msg2 = bob.step2b(theirs);
        let msg3 = alice.step3(&msg2.output).unwrap();
        let step4 = bob.step4(&msg3);
        assert_eq!(step4.progress, if equal { 1 } else { -1 });
        assert_eq!(alice.step5(&step4.output), Ok(equal));
        let expected = if equal {
            Progress::Succeeded
        } else {
            Progress::Failed
        };
        assert_eq!(alice.progress(), expected);
    }
}

/// The MPIs of an SMP message: (start, length) of each value.
fn mpi_spans(payload: &[u8]) -> Vec<(usize, usize)> {
    let count = u32::from_be_bytes(payload[..4].try_into().unwrap());
    let mut at = 4;
    (0..count)
        .map(|_| {
            let len = u32::from_be_bytes(payload[at..at + 4].try_into().unwrap()) as usize;
            let span = (at + 4, len);
            at += 4 + len;
            span
        })
        .collect()
}

/// `payload` with the value of MPI `index` replaced by `value`.
fn with_value(payload: &[u8], index: usize, value: &[u8]) -> Vec<u8> {
    let (start, len) = mpi_spans(payload)[index];
    let mut out = payload[..start - 4].to_vec();
    out.extend_from_slice(&(value.len() as u32).to_be_bytes());
    out.extend_from_slice(value);
    out.extend_from_slice(&payload[start + len..]);
    out
}

/// Variants of a valid SMP message 1, some still valid for libotr, some not.
fn variants(msg1: &[u8]) -> Vec<(String, Vec<u8>)> {
    let spans = mpi_spans(msg1);
    let value = |i: usize| msg1[spans[i].0..spans[i].0 + spans[i].1].to_vec();
    let q = {
        // q = (p - 1) / 2 = 0x7fff…ff
        let p = otr::crypto::dh::modulus();
        let mut q = vec![0u8; 192];
        let mut carry = 0u8;
        for (i, byte) in p.iter().enumerate() {
            q[i] = (byte >> 1) | carry;
            carry = byte << 7;
        }
        q
    };
    let mut p_minus_1 = otr::crypto::dh::modulus().to_vec();
    p_minus_1[191] -= 1;
    let mut out = vec![
        ("unchanged".to_string(), msg1.to_vec()),
        ("trailing bytes".to_string(), [msg1, b"xyz"].concat()),
        (
            "leading zeros".to_string(),
            with_value(msg1, 3, &[&[0, 0, 0][..], &value(3)].concat()),
        ),
        ("truncated".to_string(), msg1[..msg1.len() - 1].to_vec()),
        (
            "count 5".to_string(),
            [&[0, 0, 0, 5][..], &msg1[4..]].concat(),
        ),
        (
            "count 7".to_string(),
            [&[0, 0, 0, 7][..], &msg1[4..]].concat(),
        ),
        ("g2a = 1".to_string(), with_value(msg1, 0, &[1])),
        ("g2a = p-1".to_string(), with_value(msg1, 0, &p_minus_1)),
        ("d2 = 0".to_string(), with_value(msg1, 2, &[])),
        ("d2 = q".to_string(), with_value(msg1, 2, &q)),
        ("d3 = q-1".to_string(), {
            let mut q1 = q.clone();
            q1[191] -= 1;
            with_value(msg1, 5, &q1)
        }),
        (
            "c2 with leading zeros".to_string(),
            with_value(msg1, 1, &[&[0][..], &value(1)].concat()),
        ),
    ];
    for (i, &(start, len)) in spans.iter().enumerate() {
        for at in [start, start + len / 2, start + len - 1] {
            let mut tampered = msg1.to_vec();
            tampered[at] ^= 0x40;
            out.push((format!("MPI {i} byte {} flipped", at - start), tampered));
        }
    }
    out
}

/// Our SMP message 1 handling and libotr's accept and reject the same variants.
#[test]
fn same_verdict_as_libotr_on_message_1() {
    let mut alice = Smp::new();
    let msg1 = alice.step1(&secret(b"x")).unwrap();
    let mut libotr = Libotr::new();
    let theirs = libotr.step1(&secret(b"x")).output;
    let mut accepted = 0;
    for (name, variant) in variants(&msg1).into_iter().chain(variants(&theirs)) {
        let ours = Smp::new().step2a(&variant, false).is_ok();
        let step = Libotr::new().step2a(&variant, false);
        let libotrs = step.err == 0;
        assert_eq!(ours, libotrs, "{name}: ours {ours}, libotr {step:?}");
        assert_eq!(step.progress, if libotrs { 0 } else { -2 });
        accepted += usize::from(ours);
    }
    // unchanged, trailing bytes, leading zeros (twice), plus the rest rejected.
    assert_eq!(accepted, 2 * 4);
}

/// A whole exchange where each side's messages carry leading zeros and
/// trailing bytes: both implementations still agree.
#[test]
fn padded_messages_interoperate() {
    let pad = |msg: &[u8]| {
        let mut out = with_value(
            msg,
            0,
            &[&[0][..], &msg[8..8 + mpi_spans(msg)[0].1]].concat(),
        );
        out.extend_from_slice(&[0xde, 0xad]);
        out
    };
    let s = secret(b"padded");
    let mut alice = Libotr::new();
    let mut bob = Smp::new();
    let msg1 = alice.step1(&s).output;
    let asked = receive_one(&mut bob, Tlv::new(types::SMP1, pad(&msg1)));
    assert_eq!(asked.event, Event::AskForSecret);
    let msg2 = bob.respond(&s).unwrap().tlv.value;
    let msg3 = alice.step3(&pad(&msg2));
    assert_eq!(msg3.err, 0);
    let result = receive_one(&mut bob, Tlv::new(types::SMP3, pad(&msg3.output)));
    assert_eq!(result.event, Event::Success);
    let step5 = alice.step5(&pad(&result.reply.unwrap().value));
    assert_eq!((step5.err, step5.progress), (0, 1));
}

/// Tampering with any MPI of messages 2 to 4 sent by libotr makes us see a
/// cheat, and tampering with ours makes libotr see one.
#[test]
fn tampered_messages_both_ways() {
    let s = secret(b"t");
    let flip = |msg: &[u8], index: usize| {
        let (start, len) = mpi_spans(msg)[index];
        let mut out = msg.to_vec();
        out[start + len / 2] ^= 0x01;
        out
    };
    // libotr's SMP2 tampered, checked by us.
    for index in [0, 1, 2, 6, 7, 8, 10] {
        let mut alice = Smp::new();
        let mut bob = Libotr::new();
        let msg1 = alice.start(&s, None).unwrap().tlv.value;
        bob.step2a(&msg1, false);
        let msg2 = bob.step2b(&s).output;
        let result = receive_one(&mut alice, Tlv::new(types::SMP2, flip(&msg2, index)));
        assert_eq!(result.event, Event::Cheated, "SMP2 MPI {index}");
        assert_eq!(alice.progress(), Progress::Ok);
    }
    // Our SMP3 tampered, checked by libotr.
    for index in 0..8 {
        let mut alice = Smp::new();
        let mut bob = Libotr::new();
        let msg1 = alice.step1(&s).unwrap();
        bob.step2a(&msg1, false);
        let msg2 = bob.step2b(&s).output;
        let msg3 = alice.step3(&msg2).unwrap();
        let step4 = bob.step4(&flip(&msg3, index));
        assert_eq!(
            (step4.err, step4.progress),
            (INV_VALUE, -2),
            "SMP3 MPI {index}"
        );
    }
    // Our SMP4 tampered, checked by libotr.
    for index in 0..3 {
        let mut alice = Libotr::new();
        let mut bob = Smp::new();
        let msg1 = alice.step1(&s).output;
        bob.step2a(&msg1, false).unwrap();
        let msg2 = bob.step2b(&s).unwrap();
        let msg3 = alice.step3(&msg2).output;
        let (msg4, equal) = bob.step4(&msg3).unwrap();
        assert!(equal);
        let step5 = alice.step5(&flip(&msg4, index));
        assert_eq!(
            (step5.err, step5.progress),
            (INV_VALUE, -2),
            "SMP4 MPI {index}"
        );
    }
}
