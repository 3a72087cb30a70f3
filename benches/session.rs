//! Timings of two in-memory sessions (plain `std::time`, no harness):
//! `cargo bench --bench session`.
//!
//! - AKE pair: two new sessions run the whole 4-message AKE (D-H Commit,
//!   D-H Key, Reveal Signature, Signature) until both are encrypted.
//! - one-way: Alice sends and Bob reads, over and over; after the first
//!   message neither side rotates keys (Bob never answers).
//! - ping-pong: Alice and Bob take turns; every message acknowledges the
//!   other's newest key, so each one makes a new D-H key on each side.

use otr::crypto::dsa::PrivateKey;
use otr::files::privkey::parse_private_keys;
use otr::session::{Event, MsgState, Session};
use otr::wire::query::Policy;
use std::hint::black_box;
use std::time::{Duration, Instant};

const ALLOW_V23: Policy = Policy(0x02 | 0x04);
const NOW: u64 = 1000;

fn bench(name: &str, batch: u32, mut f: impl FnMut()) {
    // Warm up, then time batches of `batch` iterations for ~0.5 s (at
    // least one batch).
    for _ in 0..batch {
        f();
    }
    let mut iters = 0u64;
    let start = Instant::now();
    while iters == 0 || start.elapsed() < Duration::from_millis(500) {
        for _ in 0..batch {
            f();
        }
        iters += u64::from(batch);
    }
    let per = start.elapsed() / u32::try_from(iters).unwrap_or(u32::MAX);
    println!("{name:<40} {per:>12.2?}/iter ({iters} iters)");
}

fn long_term_keys() -> [PrivateKey; 2] {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/files_data/sample.private_key"
    );
    let file = std::fs::read(path).expect("sample key file");
    let read = parse_private_keys(&file);
    [0, 1].map(|i| {
        let dsa = &read.keys[i].dsa;
        PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, dsa.x.as_ref().unwrap())
            .expect("sample key")
    })
}

/// Two sessions through the whole AKE, Alice starting.
fn ake_pair(keys: &[PrivateKey; 2]) -> (Session, Session) {
    let mut a = Session::new(ALLOW_V23, b"alice", 0x1234_5678, Some(keys[0].clone()));
    let mut b = Session::new(ALLOW_V23, b"bob", 0x8765_4321, Some(keys[1].clone()));
    let commit = a.start_ake(NOW).expect("D-H Commit");
    let key = b.receive(commit.as_bytes(), NOW).to_send();
    let reveal = a.receive(key[0].as_bytes(), NOW).to_send();
    let r = b.receive(reveal[0].as_bytes(), NOW);
    let sig = r.to_send();
    let r2 = a.receive(sig[0].as_bytes(), NOW);
    debug_assert!(matches!(r.events()[..], [Event::GoneSecure(_)]));
    debug_assert!(matches!(r2.events()[..], [Event::GoneSecure(_)]));
    (a, b)
}

/// `from` encrypts `text`, `to` decrypts it.
fn message(from: &mut Session, to: &mut Session, text: &[u8]) {
    let wire = from.send(text, &[], NOW).message.expect("a Data Message");
    let r = to.receive(&wire, NOW);
    assert_eq!(
        r.message.as_deref().map(Vec::as_slice),
        Some(text),
        "{:?}",
        r.events()
    );
}

fn main() {
    let keys = long_term_keys();

    bench("AKE pair (4 messages, both encrypted)", 5, || {
        let (a, b) = ake_pair(&keys);
        assert_eq!(black_box(&a).msgstate(), MsgState::Encrypted);
        assert_eq!(black_box(&b).msgstate(), MsgState::Encrypted);
    });

    for (label, len) in [("100 B", 100), ("10 kB", 10_000)] {
        let text = vec![b'm'; len];
        let (mut a, mut b) = ake_pair(&keys);
        message(&mut a, &mut b, &text); // Bob learns Alice's next key once
        let ids = (a.our_keyid(), b.our_keyid(), b.their_keyid());
        bench(&format!("one-way send only, {label}"), 100, || {
            black_box(a.send(black_box(&text), &[], NOW));
        });
        bench(&format!("one-way send + receive, {label}"), 100, || {
            message(&mut a, &mut b, black_box(&text));
        });
        assert_eq!(ids, (a.our_keyid(), b.our_keyid(), b.their_keyid()));
    }

    let text = vec![b'm'; 100];
    let (mut a, mut b) = ake_pair(&keys);
    let mut alice_turn = true;
    let mut last = (a.our_keyid(), b.our_keyid());
    for _ in 0..4 {
        message(&mut a, &mut b, &text);
        message(&mut b, &mut a, &text);
        assert_ne!((a.our_keyid(), b.our_keyid()), last, "ping-pong rotates");
        last = (a.our_keyid(), b.our_keyid());
    }
    bench("ping-pong message (rotates), 100 B", 20, || {
        if alice_turn {
            message(&mut a, &mut b, black_box(&text));
        } else {
            message(&mut b, &mut a, black_box(&text));
        }
        alice_turn = !alice_turn;
    });
}
