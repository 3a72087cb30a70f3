//! The Socialist Millionaires' Protocol between two of our [`Smp`] states:
//! equal and different secrets, a question, aborts from either side,
//! messages out of sequence, tampered messages (every MPI of every message)
//! and random secrets. The exchange against Debian's libotr is in
//! `tests/smp_reference.rs`.

use otr::smp::{combined_secret, Error, Event, NextExpected, Progress, Received, Smp, View};
use otr::wire::tlv::{types, Tlv};
use proptest::prelude::*;

const ALICE_FP: [u8; 20] = [0xa1; 20];
const BOB_FP: [u8; 20] = [0xb0; 20];
const SSID: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

/// The secret compared when Alice initiates.
fn secret(user: &[u8]) -> [u8; 32] {
    combined_secret(&ALICE_FP, &BOB_FP, &SSID, user)
}

/// A [`Received`] without its view (views are checked in `views_*`).
#[derive(Clone, Debug, PartialEq)]
struct Step {
    trust: Option<bool>,
    reply: Option<Tlv>,
    event: Event,
}

/// The results of receiving `tlvs`, without their views.
fn receive(smp: &mut Smp, tlvs: &[Tlv]) -> Vec<Step> {
    smp.receive(tlvs).into_iter().map(without_view).collect()
}

fn without_view(r: Received) -> Step {
    Step {
        trust: r.trust,
        reply: r.reply,
        event: r.event,
    }
}

/// The one result of receiving `tlvs`.
fn receive_one(smp: &mut Smp, tlvs: &[Tlv]) -> Step {
    let mut results = receive(smp, tlvs);
    assert_eq!(results.len(), 1, "{results:?}");
    results.remove(0)
}

fn only_event(event: Event) -> Step {
    only_trust(None, event)
}

/// Everything the two sides see in a complete exchange.
struct Exchange {
    msg1: Tlv,
    bob_asked: Step,
    alice_progress: Step,
    bob_result: Step,
    alice_result: Step,
}

/// Alice starts with `a`, Bob answers with `b`; checks the states on the way.
fn exchange(
    alice: &mut Smp,
    bob: &mut Smp,
    a: &[u8; 32],
    b: &[u8; 32],
    question: Option<&[u8]>,
) -> Exchange {
    let msg1 = alice.start(a, question).unwrap().tlv;
    assert_eq!(alice.expected(), NextExpected::Expect2);
    assert_eq!(alice.progress(), Progress::Ok);
    assert!(alice.is_initialized() && !alice.received_question());

    let bob_asked = receive_one(bob, std::slice::from_ref(&msg1));
    assert_eq!(bob.expected(), NextExpected::Expect1);
    assert!(bob.awaiting_secret() && bob.is_initialized());
    assert_eq!(bob.received_question(), question.is_some());
    assert_eq!(bob.progress(), Progress::Ok);

    let msg2 = bob.respond(b).unwrap().tlv;
    assert_eq!(msg2.kind, types::SMP2);
    assert_eq!(bob.expected(), NextExpected::Expect3);
    assert!(!bob.awaiting_secret());

    let alice_progress = receive_one(alice, std::slice::from_ref(&msg2));
    assert_eq!(alice.expected(), NextExpected::Expect4);
    let msg3 = alice_progress.reply.clone().expect("SMP message 3");
    assert_eq!(msg3.kind, types::SMP3);

    let bob_result = receive_one(bob, &[msg3]);
    assert_eq!(bob.expected(), NextExpected::Expect1);
    let msg4 = bob_result.reply.clone().expect("SMP message 4");
    assert_eq!(msg4.kind, types::SMP4);

    let alice_result = receive_one(alice, &[msg4]);
    assert_eq!(alice.expected(), NextExpected::Expect1);
    Exchange {
        msg1,
        bob_asked,
        alice_progress,
        bob_result,
        alice_result,
    }
}

/// A complete exchange with equal secrets between the two, which must succeed.
fn assert_recovers(alice: &mut Smp, bob: &mut Smp) {
    let s = secret(b"recovered");
    let run = exchange(alice, bob, &s, &s, None);
    assert_eq!(run.bob_result.event, Event::Success);
    assert_eq!(run.alice_result.event, Event::Success);
}

#[test]
fn equal_secrets_succeed() {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    assert!(!alice.is_initialized() && !bob.awaiting_secret());
    let s = secret(b"the same");
    let run = exchange(&mut alice, &mut bob, &s, &s, None);

    assert_eq!(run.msg1.kind, types::SMP1);
    assert_eq!(run.bob_asked, only_event(Event::AskForSecret));
    assert_eq!(run.alice_progress.event, Event::InProgress);
    assert_eq!(run.alice_progress.trust, None);
    assert_eq!(run.bob_result.event, Event::Success);
    assert_eq!(run.bob_result.trust, Some(true));
    assert_eq!(run.alice_result, only_trust(Some(true), Event::Success));
    assert_eq!(alice.progress(), Progress::Succeeded);
    assert_eq!(bob.progress(), Progress::Succeeded);

    let percents: Vec<u16> = [
        &run.bob_asked.event,
        &run.alice_progress.event,
        &run.bob_result.event,
        &run.alice_result.event,
    ]
    .iter()
    .map(|e| e.progress())
    .collect();
    assert_eq!(percents, [25, 60, 100, 100]);
}

fn only_trust(trust: Option<bool>, event: Event) -> Step {
    Step {
        trust,
        reply: None,
        event,
    }
}

#[test]
fn different_secrets_fail() {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    let run = exchange(
        &mut alice,
        &mut bob,
        &secret(b"mine"),
        &secret(b"yours"),
        None,
    );
    assert_eq!(run.bob_result.event, Event::Failure);
    assert_eq!(run.bob_result.trust, Some(false));
    assert!(
        run.bob_result.reply.is_some(),
        "SMP message 4 is still sent"
    );
    assert_eq!(run.alice_result, only_trust(Some(false), Event::Failure));
    assert_eq!(alice.progress(), Progress::Failed);
    assert_eq!(bob.progress(), Progress::Failed);
    assert_eq!(Event::Failure.progress(), 100);
    // The same instances can run again.
    assert_recovers(&mut alice, &mut bob);
    assert_eq!(alice.progress(), Progress::Succeeded);
}

#[test]
fn with_a_question() {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    let s = secret(b"blue");
    let run = exchange(&mut alice, &mut bob, &s, &s, Some(b"Favourite colour?"));
    assert_eq!(run.msg1.kind, types::SMP1Q);
    assert!(run.msg1.value.starts_with(b"Favourite colour?\0"));
    assert_eq!(
        run.bob_asked,
        only_event(Event::AskForAnswer {
            question: b"Favourite colour?".to_vec()
        })
    );
    assert_eq!(run.bob_asked.event.progress(), 25);
    assert!(bob.received_question());
    // The one who answered a question records no trust (libotr).
    assert_eq!(run.bob_result.event, Event::Success);
    assert_eq!(run.bob_result.trust, None);
    assert_eq!(run.alice_result, only_trust(Some(true), Event::Success));

    // A question stops at its first NUL, as a C string does.
    let tlv = alice.start(&s, Some(b"why\0not")).unwrap().tlv;
    assert!(tlv.value.starts_with(b"why\0\0\0\0\x06"));
    let asked = receive_one(&mut Smp::new(), &[tlv]);
    assert_eq!(
        asked.event,
        Event::AskForAnswer {
            question: b"why".to_vec()
        }
    );

    // Starting again as initiator clears the question flag.
    alice.start(&s, None).unwrap();
    assert!(!alice.received_question());
}

#[test]
fn question_edge_cases() {
    let mut alice = Smp::new();
    let msg1 = alice.start(&secret(b"x"), None).unwrap().tlv.value;
    // An empty SMP1Q is out of sequence for libotr, even when expected.
    let mut bob = Smp::new();
    assert_eq!(
        receive_one(&mut bob, &[Tlv::new(types::SMP1Q, vec![])]),
        only_event(Event::Error)
    );
    // A question without its NUL leaves no SMP message: cheated.
    assert_eq!(
        receive_one(&mut bob, &[Tlv::new(types::SMP1Q, b"no nul".to_vec())]).event,
        Event::Cheated
    );
    assert!(bob.received_question());
    // An empty question is fine.
    let mut value = vec![0];
    value.extend_from_slice(&msg1);
    assert_eq!(
        receive_one(&mut bob, &[Tlv::new(types::SMP1Q, value)]).event,
        Event::AskForAnswer { question: vec![] }
    );
    assert!(bob.awaiting_secret());
    // A question too long for a TLV is refused without changing anything.
    let long = vec![b'?'; 65_000];
    assert_eq!(
        alice.start(&secret(b"x"), Some(&long)),
        Err(Error::QuestionTooLong)
    );
    assert_eq!(alice.expected(), NextExpected::Expect2);
}

#[test]
fn initiator_aborts_while_responder_is_asked() {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    let s = secret(b"s");
    let msg1 = alice.start(&s, None).unwrap().tlv;
    receive_one(&mut bob, &[msg1]);
    assert!(bob.awaiting_secret());

    let abort = alice.abort();
    assert_eq!(abort, Tlv::new(types::SMP_ABORT, vec![]));
    assert_eq!(alice.expected(), NextExpected::Expect1);
    assert_eq!(receive_one(&mut bob, &[abort]), only_event(Event::Abort));
    assert_eq!(Event::Abort.progress(), 0);
    assert_eq!(bob.expected(), NextExpected::Expect1);
    assert!(!bob.awaiting_secret());
    assert!(bob.is_initialized(), "libotr keeps smstate->secret");

    assert_recovers(&mut alice, &mut bob);
}

#[test]
fn responder_aborts_after_message_2() {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    let s = secret(b"s");
    let msg1 = alice.start(&s, None).unwrap().tlv;
    receive_one(&mut bob, &[msg1]);
    let msg2 = bob.respond(&s).unwrap().tlv;
    let abort = bob.abort();
    assert_eq!(bob.expected(), NextExpected::Expect1);

    // SMP message 2 and the abort in one Data Message: message 2 is handled
    // first (libotr's order), then the abort.
    let results = receive(&mut alice, &[abort, msg2]);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].event, Event::InProgress);
    let msg3 = results[0].reply.clone().unwrap();
    assert_eq!(results[1], only_event(Event::Abort));
    assert_eq!(alice.expected(), NextExpected::Expect1);

    // Bob no longer expects message 3.
    assert_eq!(receive_one(&mut bob, &[msg3]), only_event(Event::Error));
    assert_eq!(bob.expected(), NextExpected::Expect1);

    assert_recovers(&mut bob, &mut alice);
}

#[test]
fn abort_when_idle_and_reset() {
    let mut smp = Smp::new();
    assert_eq!(
        receive_one(&mut smp, &[smp_abort()]),
        only_event(Event::Abort)
    );
    assert_eq!(smp.expected(), NextExpected::Expect1);
    smp.start(&secret(b"s"), None).unwrap();
    smp.reset();
    assert!(!smp.is_initialized());
    assert_eq!(smp.expected(), NextExpected::Expect1);
    assert_eq!(smp.progress(), Progress::Ok);
}

fn smp_abort() -> Tlv {
    Tlv::new(types::SMP_ABORT, vec![])
}

fn view(expected: NextExpected, progress: Progress, question: bool) -> View {
    View {
        expected,
        progress,
        received_question: question,
        initialized: true,
    }
}

/// What a client reads in each callback of an exchange (libotr's order of
/// state changes and callbacks, `message.c`): the result is reported
/// before the state rewinds to expecting message 1, so the responder sees
/// its success or failure still expecting message 3, the initiator still
/// expecting message 4; SMP messages 1 and 2 go out before the sender
/// expects the answer.
#[test]
fn views_while_reporting() {
    use NextExpected::*;
    for (question, equal) in [(None, true), (None, false), (Some(&b"q"[..]), false)] {
        let (mut alice, mut bob) = (Smp::new(), Smp::new());
        let (a, b) = (secret(b"a"), secret(if equal { b"a" } else { b"b" }));
        let asked = question.is_some();
        let msg1 = alice.start(&a, question).unwrap();
        assert_eq!(msg1.view, view(Expect1, Progress::Ok, false));
        let bob_asked = bob.receive(&[msg1.tlv]).remove(0);
        assert_eq!(bob_asked.view, view(Expect1, Progress::Ok, asked));
        let msg2 = bob.respond(&b).unwrap();
        assert_eq!(msg2.view, view(Expect1, Progress::Ok, asked));
        let in_progress = alice.receive(&[msg2.tlv]).remove(0);
        assert_eq!(in_progress.view, view(Expect2, Progress::Ok, false));
        let result = if equal {
            Progress::Succeeded
        } else {
            Progress::Failed
        };
        let bob_result = bob.receive(&[in_progress.reply.unwrap()]).remove(0);
        assert_eq!(bob_result.view, view(Expect3, result, asked));
        assert_eq!(bob.view(), view(Expect1, result, asked));
        let alice_result = alice.receive(&[bob_result.reply.unwrap()]).remove(0);
        assert_eq!(alice_result.view, view(Expect4, result, false));
        assert_eq!(alice.view(), view(Expect1, result, false));
    }
}

/// Cheating is reported with progress `Cheated` and the message expected
/// when it arrived; an error with the state unchanged; an abort once
/// message 1 is expected again.
#[test]
fn views_of_cheating_errors_and_aborts() {
    use NextExpected::*;
    let s = secret(b"s");
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    let msg1 = alice.start(&s, None).unwrap().tlv;
    let cheat = bob.receive(&[tamper(&msg1, 0)]).remove(0);
    assert_eq!(cheat.view, view(Expect1, Progress::Cheated, false));
    assert_eq!(bob.view(), view(Expect1, Progress::Ok, false));
    bob.receive(&[msg1]);
    let msg2 = bob.respond(&s).unwrap().tlv;
    let cheat = alice.receive(&[tamper(&msg2, 0)]).remove(0);
    assert_eq!(cheat.view, view(Expect2, Progress::Cheated, false));
    let error = alice.receive(&[msg2]).remove(0);
    assert_eq!(error.event, Event::Error);
    assert_eq!(error.view, alice.view());
    let msg1 = alice.start(&s, None).unwrap().tlv;
    let error = bob.receive(&[msg1]).remove(0);
    assert_eq!(error.view, view(Expect3, Progress::Ok, false));
    let abort = bob.receive(&[smp_abort()]).remove(0);
    assert_eq!(abort.view, view(Expect1, Progress::Ok, false));
}

/// `otrl_message_respond_smp` with no SMP message 1 waiting: libotr still
/// sends an SMP message 2 and expects message 3; the peer rejects it (an
/// error, or cheating when it waits for message 2).
#[test]
fn answering_without_message_1() {
    use NextExpected::*;
    let s = secret(b"s");
    // Never used, after a whole exchange, after an abort.
    let mut done = Smp::new();
    assert_recovers(&mut Smp::new(), &mut done);
    let mut aborted = Smp::new();
    aborted.start(&s, None).unwrap();
    aborted.abort();
    for mut bob in [Smp::new(), done, aborted] {
        let before = bob.view();
        let msg2 = bob.respond(&s).unwrap();
        assert_eq!(msg2.tlv.kind, types::SMP2);
        assert_eq!(msg2.view, before);
        assert_eq!(bob.expected(), Expect3);
        let mut idle = Smp::new();
        assert_eq!(
            receive_one(&mut idle, &[msg2.tlv]),
            only_event(Event::Error)
        );
        // A message 3 that then arrives cannot be checked: cheating.
        let mut alice = Smp::new();
        let msg1 = alice.start(&s, None).unwrap().tlv;
        let mut other = Smp::new();
        receive_one(&mut other, &[msg1]);
        let msg3 = receive_one(&mut alice, &[other.respond(&s).unwrap().tlv]).reply;
        let result = receive_one(&mut bob, &[msg3.unwrap()]);
        assert_cheated(result, &bob, Some(false));
    }
    // The peer waits for message 2: its checks fail.
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    alice.start(&s, None).unwrap();
    bob.start(&s, None).unwrap();
    let msg2 = bob.respond(&s).unwrap();
    assert_eq!(
        msg2.view.expected, Expect2,
        "sent before expecting message 3"
    );
    assert_cheated(receive_one(&mut alice, &[msg2.tlv]), &alice, None);
}

#[test]
fn messages_out_of_sequence_are_errors() {
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    let s = secret(b"s");
    let msg1 = alice.start(&s, None).unwrap().tlv;

    // Alice expects message 2: messages 1, 3 and 4 are errors, nothing changes.
    for kind in [types::SMP1, types::SMP1Q, types::SMP3, types::SMP4] {
        let stray = Tlv::new(kind, msg1.value.clone());
        assert_eq!(receive_one(&mut alice, &[stray]), only_event(Event::Error));
        assert_eq!(alice.expected(), NextExpected::Expect2);
        assert_eq!(alice.progress(), Progress::Ok);
    }
    assert_eq!(Event::Error.progress(), 0);

    // Bob expects message 1: message 2 is an error.
    let stray = Tlv::new(types::SMP2, vec![0, 0, 0, 11]);
    assert_eq!(receive_one(&mut bob, &[stray]), only_event(Event::Error));
    assert!(!bob.is_initialized());

    // Message 1 with another in the same Data Message: each is judged
    // against the state before the Data Message.
    let other = Tlv::new(types::SMP3, vec![]);
    let results = receive(&mut bob, &[other, msg1.clone()]);
    assert_eq!(
        results,
        [only_event(Event::AskForSecret), only_event(Event::Error)]
    );
    // While asked, Bob still expects message 1 (libotr): a new one replaces it.
    assert_eq!(bob.expected(), NextExpected::Expect1);
    let msg1 = alice.start(&s, None).unwrap().tlv;
    assert_eq!(
        receive_one(&mut bob, &[msg1]),
        only_event(Event::AskForSecret)
    );
    // Answering twice makes a new answer to the same message 1 (libotr):
    // the second is the one that counts.
    let first = bob.respond(&s).unwrap().tlv;
    let msg2 = bob.respond(&s).unwrap().tlv;
    assert_ne!(first, msg2);

    // Messages 2 and 4 together: 2 is handled, 4 is an error since 2 was expected.
    let results = receive(&mut alice, &[Tlv::new(types::SMP4, vec![]), msg2.clone()]);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].event, Event::InProgress);
    assert_eq!(results[1], only_event(Event::Error));
    assert_eq!(alice.expected(), NextExpected::Expect4);
    let msg3 = results[0].reply.clone().unwrap();

    // A repeated message 2 is an error now.
    assert_eq!(receive_one(&mut alice, &[msg2]), only_event(Event::Error));
    let result = receive_one(&mut bob, std::slice::from_ref(&msg3));
    assert_eq!(result.event, Event::Success);
    let msg4 = result.reply.unwrap();
    // A repeated message 3 is an error for Bob.
    assert_eq!(receive_one(&mut bob, &[msg3]), only_event(Event::Error));
    assert_eq!(
        receive_one(&mut alice, std::slice::from_ref(&msg4)).event,
        Event::Success
    );
    assert_eq!(receive_one(&mut alice, &[msg4]), only_event(Event::Error));
    assert_eq!(alice.progress(), Progress::Succeeded);

    // Other TLVs are not SMP's business.
    assert!(alice
        .receive(&[Tlv::new(types::PADDING, vec![0; 3]), Tlv::new(8, vec![])])
        .is_empty());
}

#[test]
fn steps_need_their_predecessors() {
    let mut smp = Smp::new();
    assert_eq!(smp.step2b(&[1]), Err(Error::OutOfOrder));
    assert_eq!(smp.step3(&[]), Err(Error::OutOfOrder));
    assert_eq!(smp.progress(), Progress::Cheated);
    assert_eq!(smp.step4(&[0, 0, 0, 8]), Err(Error::Invalid));
    assert_eq!(
        smp.step5(&[0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        Err(Error::OutOfOrder)
    );
    assert_eq!(smp.step1(&[1; 193]), Err(Error::SecretTooLong));
    assert!(smp.step1(&[0xff; 192]).is_ok());
    assert_eq!(smp.progress(), Progress::Ok);
}

/// Where the values of a serialized SMP message lie: (start, length) of each MPI.
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

/// `tlv` with one byte in the middle of its `index`th MPI flipped.
fn tamper(tlv: &Tlv, index: usize) -> Tlv {
    let mut tlv = tlv.clone();
    let (start, len) = mpi_spans(&tlv.value)[index];
    assert!(len > 0);
    tlv.value[start + len / 2] ^= 0x01;
    tlv
}

/// The receiver saw a cheat and is back at the start, with progress OK.
fn assert_cheated(result: Step, smp: &Smp, trust: Option<bool>) {
    assert_eq!(result, only_trust(trust, Event::Cheated));
    assert_eq!(Event::Cheated.progress(), 0);
    assert_eq!(smp.expected(), NextExpected::Expect1);
    assert_eq!(smp.progress(), Progress::Ok);
    assert!(!smp.awaiting_secret());
}

#[test]
fn tampered_message_1() {
    let s = secret(b"s");
    let mut alice = Smp::new();
    let msg1 = alice.start(&s, None).unwrap().tlv;
    let mut bob = Smp::new();
    for index in 0..6 {
        let result = receive_one(&mut bob, &[tamper(&msg1, index)]);
        assert_cheated(result, &bob, None);
    }
    // Values out of range, a wrong count, truncation.
    let spans = mpi_spans(&msg1.value);
    let with_value = |index: usize, value: &[u8]| {
        let mut out = msg1.value[..spans[index].0 - 4].to_vec();
        out.extend_from_slice(&(value.len() as u32).to_be_bytes());
        out.extend_from_slice(value);
        out.extend_from_slice(&msg1.value[spans[index].0 + spans[index].1..]);
        Tlv::new(types::SMP1, out)
    };
    let mut p_minus_1 = otr::crypto::dh::modulus().to_vec();
    p_minus_1[191] -= 1;
    let mut bad = vec![
        with_value(0, &[1]),
        with_value(0, &p_minus_1),
        with_value(2, &[]),
        with_value(3, &[0, 0, 1]),
        with_value(5, &[0]),
        Tlv::new(types::SMP1, msg1.value[..msg1.value.len() - 1].to_vec()),
    ];
    let mut count = msg1.value.clone();
    count[3] = 7;
    bad.push(Tlv::new(types::SMP1, count));
    for tlv in bad {
        let result = receive_one(&mut bob, &[tlv]);
        assert_cheated(result, &bob, None);
    }
    // Leading zeros in a value and bytes after the last are accepted, as by libotr.
    let mut padded = with_value(
        0,
        &[&[0u8, 0][..], &msg1.value[spans[0].0..][..spans[0].1]].concat(),
    );
    padded.value.extend_from_slice(b"trailing");
    assert_eq!(
        receive_one(&mut bob, &[padded]),
        only_event(Event::AskForSecret)
    );
    let msg2 = bob.respond(&s).unwrap().tlv;
    let msg3 = receive_one(&mut alice, &[msg2]).reply.unwrap();
    assert_eq!(receive_one(&mut bob, &[msg3]).event, Event::Success);
    assert_recovers(&mut alice, &mut bob);
}

#[test]
fn tampered_message_2() {
    let s = secret(b"s");
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    for index in 0..11 {
        // Bob still expects message 3 from the last round.
        bob.abort();
        let msg1 = alice.start(&s, None).unwrap().tlv;
        receive_one(&mut bob, &[msg1]);
        let msg2 = bob.respond(&s).unwrap().tlv;
        let result = receive_one(&mut alice, &[tamper(&msg2, index)]);
        assert_cheated(result, &alice, None);
    }
    bob.abort();
    assert_recovers(&mut alice, &mut bob);
}

#[test]
fn tampered_message_3() {
    let s = secret(b"s");
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    for index in 0..8 {
        let msg1 = alice.start(&s, None).unwrap().tlv;
        receive_one(&mut bob, &[msg1]);
        let msg2 = bob.respond(&s).unwrap().tlv;
        let msg3 = receive_one(&mut alice, &[msg2]).reply.unwrap();
        let result = receive_one(&mut bob, &[tamper(&msg3, index)]);
        // Bob did not answer a question, so the cheat also sets trust to "".
        assert_cheated(result, &bob, Some(false));
    }
    alice.abort();
    assert_recovers(&mut alice, &mut bob);

    // After answering a question, a cheat in message 3 records no trust.
    let msg1 = alice.start(&s, Some(b"q")).unwrap().tlv;
    receive_one(&mut bob, &[msg1]);
    let msg2 = bob.respond(&s).unwrap().tlv;
    let msg3 = receive_one(&mut alice, &[msg2]).reply.unwrap();
    let result = receive_one(&mut bob, &[tamper(&msg3, 0)]);
    assert_cheated(result, &bob, None);
}

#[test]
fn tampered_message_4() {
    let s = secret(b"s");
    let (mut alice, mut bob) = (Smp::new(), Smp::new());
    for index in 0..3 {
        let run_msg1 = alice.start(&s, None).unwrap().tlv;
        receive_one(&mut bob, &[run_msg1]);
        let msg2 = bob.respond(&s).unwrap().tlv;
        let msg3 = receive_one(&mut alice, &[msg2]).reply.unwrap();
        let result = receive_one(&mut bob, &[msg3]);
        assert_eq!(result.event, Event::Success);
        let msg4 = result.reply.unwrap();
        let result = receive_one(&mut alice, &[tamper(&msg4, index)]);
        assert_cheated(result, &alice, Some(false));
    }
    assert_recovers(&mut alice, &mut bob);
}

#[test]
fn event_codes_are_libotrs() {
    let events = [
        Event::Error,
        Event::Abort,
        Event::Cheated,
        Event::AskForAnswer { question: vec![] },
        Event::AskForSecret,
        Event::InProgress,
        Event::Success,
        Event::Failure,
    ];
    let codes: Vec<u32> = events.iter().map(Event::code).collect();
    assert_eq!(codes, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(NextExpected::Expect4 as u32, 3);
    assert_eq!(NextExpected::Expect5 as u32, 4);
    assert_eq!(Progress::Cheated as i32, -2);
    assert_eq!(Progress::Failed as i32, -1);
    assert_eq!(Progress::Succeeded as i32, 1);
}

#[test]
fn combined_secret_layout() {
    use sha2::{Digest, Sha256};
    let mut input = vec![1u8];
    input.extend_from_slice(&ALICE_FP);
    input.extend_from_slice(&BOB_FP);
    input.extend_from_slice(&SSID);
    input.extend_from_slice(b"pass phrase");
    let expected: [u8; 32] = Sha256::digest(&input).into();
    assert_eq!(secret(b"pass phrase"), expected);
    // The roles matter: the initiator's fingerprint comes first.
    assert_ne!(
        combined_secret(&BOB_FP, &ALICE_FP, &SSID, b"pass phrase"),
        expected
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// The exchange succeeds exactly when the user secrets are equal.
    #[test]
    fn random_secrets(
        a in proptest::collection::vec(any::<u8>(), 0..24),
        b in proptest::collection::vec(any::<u8>(), 0..24),
        same in any::<bool>(),
    ) {
        let b = if same { a.clone() } else { b };
        let (mut alice, mut bob) = (Smp::new(), Smp::new());
        // Each side builds the secret from its own point of view.
        let sa = combined_secret(&ALICE_FP, &BOB_FP, &SSID, &a);
        let sb = combined_secret(&ALICE_FP, &BOB_FP, &SSID, &b);
        let run = exchange(&mut alice, &mut bob, &sa, &sb, None);
        let expected = if a == b { Event::Success } else { Event::Failure };
        prop_assert_eq!(&run.bob_result.event, &expected);
        prop_assert_eq!(&run.alice_result.event, &expected);
        prop_assert_eq!(run.alice_result.trust, Some(a == b));
    }
}

/// The state as the C API keeps it between steps: [`Smp::values`], then
/// [`Smp::from_values`], after every step of an exchange.
fn through_values(smp: &Smp) -> Smp {
    Smp::from_values(
        smp.values().as_ref(),
        smp.progress(),
        smp.received_question(),
    )
    .unwrap()
}

#[test]
fn steps_resume_from_values() {
    for (a, b, equal) in [(b"same", b"same", true), (b"same", b"diff", false)] {
        let mut alice = through_values(&Smp::new());
        assert!(alice.values().is_none(), "never initialised: all NULL");
        let mut bob = through_values(&Smp::initialized());
        let idle = bob.values().unwrap();
        assert!(idle.x2.is_none() && idle.x3.is_none() && idle.g2.is_empty());

        let msg1 = alice.step1(a).unwrap();
        let mut alice = through_values(&alice);
        bob.step2a(&msg1, true).unwrap();
        let mut bob = through_values(&bob);
        assert!(bob.awaiting_secret() && bob.received_question());
        let msg2 = bob.step2b(b).unwrap();
        let mut bob = through_values(&bob);
        let msg3 = alice.step3(&msg2).unwrap();
        let mut alice = through_values(&alice);
        let (msg4, bob_equal) = bob.step4(&msg3).unwrap();
        assert_eq!(bob_equal, equal);
        assert_eq!(alice.step5(&msg4).unwrap(), equal);
        let done = through_values(&alice);
        assert_eq!(done.progress(), alice.progress());
        let values = done.values().unwrap();
        assert!(
            values.x3.as_deref().is_some_and(|x3| x3.is_empty()) && values.g3o.is_empty(),
            "values wiped once compared, but x2 and x3 not NULL again (libotr keeps them)"
        );
    }
}

#[test]
fn values_out_of_range_are_refused() {
    let mut values = Smp::initialized().values().unwrap();
    values.x2 = Some(vec![1; 193].into());
    values.x3 = Some(vec![1; 193].into());
    let err = Smp::from_values(Some(&values), Progress::Ok, false).unwrap_err();
    assert_eq!(err, Error::Invalid);
}
