//! The Socialist Millionaires' Protocol between two encrypted [`Session`]s,
//! its messages inside Data Messages as the message API sends them: both
//! sides starting at once, SMP messages among data messages while the D-H
//! keys rotate, and a tampered SMP message 2 reported as cheating without
//! harming the session. The same situations through the C API, compared with
//! Debian's libotr, are in `ffi-tests/test_smp_api.c`.

use std::collections::VecDeque;

use otr::crypto::dsa::PrivateKey;
use otr::files::privkey::parse_private_keys;
use otr::session::{Event, MsgState, Output, Received, Session};
use otr::smp::{self, combined_secret, NextExpected, Progress, Smp};
use otr::wire::message::FLAG_IGNORE_UNREADABLE;
use otr::wire::query::Policy;
use otr::wire::tlv::{types, Tlv};

const ALLOW_V23: Policy = Policy(0x02 | 0x04);
const SECRET: &[u8] = b"our first pet";

/// Alice (index 0) and Bob (index 1) with the sample keys.
fn sample_keys() -> [PrivateKey; 2] {
    let file = std::fs::read("tests/files_data/sample.private_key").expect("sample key file");
    let read = parse_private_keys(&file);
    [0, 1].map(|i| {
        let dsa = &read.keys[i].dsa;
        PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, dsa.x.as_ref().unwrap())
            .unwrap()
    })
}

/// Alice and Bob after a v3 AKE.
fn established() -> [Session; 2] {
    let [ka, kb] = sample_keys();
    let mut sessions = [
        Session::new(ALLOW_V23, b"alice", 0x1234_5678, Some(ka)),
        Session::new(ALLOW_V23, b"bob", 0x8765_4321, Some(kb)),
    ];
    let mut wire = Wire::default();
    let query = String::from_utf8(sessions[0].query_message()).unwrap();
    wire.push(1, query);
    let log = wire.deliver_all(&mut sessions);
    assert_eq!(
        log.iter()
            .filter(|(_, o)| matches!(o, Output::Event(Event::GoneSecure(_))))
            .count(),
        2
    );
    sessions
}

/// Messages in transit, in order: (recipient index, message).
#[derive(Default)]
struct Wire(VecDeque<(usize, String)>);

impl Wire {
    fn push(&mut self, to: usize, msg: String) {
        self.0.push_back((to, msg));
    }

    /// Delivers the next message; queues the recipient's replies.
    fn deliver_one(&mut self, s: &mut [Session; 2]) -> Option<(usize, Received)> {
        let (to, msg) = self.0.pop_front()?;
        let r = s[to].receive(msg.as_bytes(), 10);
        for reply in r.to_send() {
            self.push(1 - to, reply);
        }
        Some((to, r))
    }

    /// Delivers everything; the outputs with the index of the side seeing them.
    fn deliver_all(&mut self, s: &mut [Session; 2]) -> Vec<(usize, Output)> {
        let mut log = Vec::new();
        while let Some((to, r)) = self.deliver_one(s) {
            log.extend(r.outputs.into_iter().map(|o| (to, o)));
        }
        log
    }
}

/// The secret compared when `initiator` starts (libotr's `init_respond_smp`).
fn secret(s: &[Session; 2], initiator: usize) -> [u8; 32] {
    let fps = sample_keys().map(|k| k.public().fingerprint().0);
    let ssid = s[0].session_id().unwrap().0;
    combined_secret(&fps[initiator], &fps[1 - initiator], &ssid, SECRET)
}

/// An SMP TLV in an empty Data Message flagged IGNORE_UNREADABLE.
fn smp_message(from: &mut Session, tlv: Tlv) -> String {
    from.encrypt(b"", &[tlv], FLAG_IGNORE_UNREADABLE).unwrap()
}

fn start(s: &mut [Session; 2], wire: &mut Wire, who: usize) {
    let secret = secret(s, who);
    let tlv = s[who].smp_mut().start(&secret, None).unwrap().tlv;
    wire.push(1 - who, smp_message(&mut s[who], tlv));
}

fn respond(s: &mut [Session; 2], wire: &mut Wire, who: usize) {
    let secret = secret(s, 1 - who);
    let tlv = s[who].smp_mut().respond(&secret).unwrap().tlv;
    wire.push(1 - who, smp_message(&mut s[who], tlv));
}

fn abort(s: &mut [Session; 2], wire: &mut Wire, who: usize) {
    let tlv = s[who].smp_mut().abort();
    wire.push(1 - who, smp_message(&mut s[who], tlv));
}

fn smp_events(log: &[(usize, Output)], side: usize) -> Vec<smp::Event> {
    log.iter()
        .filter_map(|(to, o)| match o {
            Output::Smp(step) if *to == side => Some(step.event.clone()),
            _ => None,
        })
        .collect()
}

/// A text each way still decrypts.
fn assert_session_alive(s: &mut [Session; 2]) {
    for from in [0, 1] {
        let sent = s[from].send(b"still private?", &[], 10);
        let msg = String::from_utf8(sent.message.unwrap()).unwrap();
        let r = s[1 - from].receive(msg.as_bytes(), 10);
        assert_eq!(
            r.message.as_deref().map(Vec::as_slice),
            Some(&b"still private?"[..]),
            "{:?}",
            r.events()
        );
    }
    assert!(s.iter().all(|s| s.msgstate() == MsgState::Encrypted));
}

/// A whole exchange started by `who` with equal secrets succeeds on both sides.
fn assert_fresh_smp_succeeds(s: &mut [Session; 2], who: usize) {
    let mut wire = Wire::default();
    start(s, &mut wire, who);
    let asked = wire.deliver_all(s);
    assert_eq!(smp_events(&asked, 1 - who), vec![smp::Event::AskForSecret]);
    respond(s, &mut wire, 1 - who);
    let log = wire.deliver_all(s);
    assert_eq!(
        smp_events(&log, who),
        vec![smp::Event::InProgress, smp::Event::Success]
    );
    assert_eq!(smp_events(&log, 1 - who), vec![smp::Event::Success]);
    assert!(s
        .iter()
        .all(|s| s.smp().expected() == NextExpected::Expect1));
    // The results are reported while the state still expects the last
    // message: 4 for the initiator, 3 for the responder (libotr).
    for (side, expected) in [
        (who, NextExpected::Expect4),
        (1 - who, NextExpected::Expect3),
    ] {
        let success = log.iter().find_map(|(to, o)| match o {
            Output::Smp(step) if *to == side && step.event == smp::Event::Success => Some(step),
            _ => None,
        });
        let view = success.expect("a success").view;
        assert_eq!(
            (view.expected, view.progress),
            (expected, Progress::Succeeded)
        );
    }
}

/// Both start before either SMP message 1 arrives: each reports an error for
/// the other's message 1 and keeps waiting for a message 2 (as libotr 4.1.1
/// does); a new start does not help, aborting on both sides does.
#[test]
fn smp_started_by_both_at_once() {
    let mut s = established();
    let mut wire = Wire::default();
    start(&mut s, &mut wire, 0);
    start(&mut s, &mut wire, 1);
    let log = wire.deliver_all(&mut s);
    for side in [0, 1] {
        let seen: Vec<&Output> = log
            .iter()
            .filter(|(to, _)| *to == side)
            .map(|(_, o)| o)
            .collect();
        assert!(matches!(
            seen[..],
            [
                Output::Smp(step),
                Output::Event(Event::HeartbeatReceived)
            ] if step.event == smp::Event::Error && step.reply.is_none()
        ));
        assert_eq!(s[side].smp().expected(), NextExpected::Expect2);
    }
    start(&mut s, &mut wire, 0);
    let log = wire.deliver_all(&mut s);
    assert_eq!(smp_events(&log, 1), vec![smp::Event::Error]);
    abort(&mut s, &mut wire, 0);
    abort(&mut s, &mut wire, 1);
    let log = wire.deliver_all(&mut s);
    assert_eq!(smp_events(&log, 0), vec![smp::Event::Abort]);
    assert_eq!(smp_events(&log, 1), vec![smp::Event::Abort]);
    assert_session_alive(&mut s);
    assert_fresh_smp_succeeds(&mut s, 0);
}

/// Each SMP message delivered starts a conversation of `rounds` texts, each
/// typed once the previous one arrived (so each makes both sides rotate
/// their keys); the SMP replies travel among them. Returns the events and
/// the texts shown to each side, in order.
fn deliver_amid_chat(
    s: &mut [Session; 2],
    wire: &mut Wire,
    rounds: usize,
    sent: &mut [Vec<Vec<u8>>; 2],
    shown: &mut [Vec<Vec<u8>>; 2],
) -> Vec<(usize, Output)> {
    let mut log = Vec::new();
    let mut replies_due = 0;
    while let Some((to, r)) = wire.deliver_one(s) {
        log.extend(r.outputs.iter().map(|o| (to, o.clone())));
        match r.message {
            Some(text) => {
                shown[1 - to].push(text.to_vec());
                if replies_due == 0 {
                    continue;
                }
                replies_due -= 1;
            }
            None => replies_due += rounds,
        }
        chat(s, wire, to, sent);
    }
    log
}

fn chat(s: &mut [Session; 2], wire: &mut Wire, from: usize, sent: &mut [Vec<Vec<u8>>; 2]) {
    let text = format!("data {} from {from}", sent[from].len()).into_bytes();
    let msg = s[from].send(&text, &[], 10).message.unwrap();
    wire.push(1 - from, String::from_utf8(msg).unwrap());
    sent[from].push(text);
}

#[test]
fn smp_amid_data_and_key_rotation() {
    let mut s = established();
    let keyids = [s[0].our_keyid(), s[1].our_keyid()];
    let mut wire = Wire::default();
    let (mut sent, mut shown) = Default::default();
    start(&mut s, &mut wire, 0);
    chat(&mut s, &mut wire, 0, &mut sent);
    let mut log = deliver_amid_chat(&mut s, &mut wire, 3, &mut sent, &mut shown);
    assert!(s[1].smp().awaiting_secret());
    respond(&mut s, &mut wire, 1);
    chat(&mut s, &mut wire, 1, &mut sent);
    log.extend(deliver_amid_chat(
        &mut s, &mut wire, 3, &mut sent, &mut shown,
    ));
    assert_eq!(sent, shown);
    assert!(sent[0].len() + sent[1].len() >= 16);
    for side in [0, 1] {
        assert!(
            s[side].our_keyid() >= keyids[side] + 3,
            "side {side} rotated"
        );
    }
    assert_eq!(
        smp_events(&log, 0),
        vec![smp::Event::InProgress, smp::Event::Success]
    );
    assert_eq!(
        smp_events(&log, 1),
        vec![smp::Event::AskForSecret, smp::Event::Success]
    );
    assert!(!log
        .iter()
        .any(|(_, o)| matches!(o, Output::Event(Event::Unreadable(_)))));
    assert_session_alive(&mut s);
}

/// The position of MPI `index` in a serialized SMP message and its length.
fn mpi_at(msg: &[u8], index: usize) -> (usize, usize) {
    let mut at = 4;
    for _ in 0..index {
        at += 4 + u32::from_be_bytes(msg[at..at + 4].try_into().unwrap()) as usize;
    }
    let len = u32::from_be_bytes(msg[at..at + 4].try_into().unwrap()) as usize;
    (at + 4, len)
}

/// Bob builds SMP message 2 from Alice's real message 1 on a separate state
/// and damages one byte of a proof (`c2`, or `d5`); it travels with a text.
/// Alice reports cheating, sends nothing, shows the text, and is ready for a
/// new exchange; the session carries on.
#[test]
fn tampered_smp2_is_cheating_and_the_session_survives() {
    for proof in [1, 9] {
        let mut s = established();
        let mut wire = Wire::default();
        start(&mut s, &mut wire, 0);
        let (_, r) = wire.deliver_one(&mut s).unwrap();
        assert_eq!(r.tlvs.len(), 1);
        assert_eq!(r.tlvs[0].kind, types::SMP1);
        let mut forger = Smp::new();
        forger.step2a(&r.tlvs[0].value, false).unwrap();
        let mut msg2 = forger.step2b(b"a guess").unwrap();
        let (at, len) = mpi_at(&msg2, proof);
        msg2[at + len / 2] ^= 0x01;
        let tlv = Tlv::new(types::SMP2, msg2);
        let sent = s[1].send(b"here is my answer", &[tlv], 10);
        let msg = String::from_utf8(sent.message.unwrap()).unwrap();
        let r = s[0].receive(msg.as_bytes(), 10);
        assert!(r.events().is_empty());
        let steps: Vec<_> = r.smp_steps().collect();
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].event, smp::Event::Cheated);
        assert!(r.to_send().is_empty());
        assert_eq!(
            r.message.as_deref().map(Vec::as_slice),
            Some(&b"here is my answer"[..])
        );
        assert_eq!(s[0].smp().expected(), NextExpected::Expect1);
        assert_eq!(s[0].smp().progress(), Progress::Ok);
        abort(&mut s, &mut wire, 0);
        let log = wire.deliver_all(&mut s);
        assert_eq!(smp_events(&log, 1), vec![smp::Event::Abort]);
        assert_session_alive(&mut s);
        assert_fresh_smp_succeeds(&mut s, 0);
    }
}
