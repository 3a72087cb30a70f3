//! `otrl_message_receiving` fed arbitrary text in every state a conversation can be in.
//!
//! The input's first byte chooses the state of Bob's conversation with Alice (see
//! [`STATES`]); the rest, split at NUL bytes, is up to eight messages that Bob receives
//! from Alice, one after the other. Each state is set up by a real conversation between
//! two userstates in this process, from the same random numbers every time, and kept
//! while inputs leave it as it was: after an input that changed anything (a context's
//! state, keys, SMP or fragment progress, a callback other than an error report) it is
//! set up afresh, so every input meets the state as first built. The real next messages
//! of each state are in the seed corpus (see [`seeds`]).

use crate::capi::{pump, Party, ALICE, BOB};
use crate::reseed;
use otr::ffi::proto::{
    OTRL_POLICY_ALLOW_V2, OTRL_POLICY_ERROR_START_AKE, OTRL_POLICY_WHITESPACE_START_AKE,
};
use std::cell::RefCell;

/// The states, in the order of the selector byte.
pub const STATES: &[&str] = &[
    "no context",
    "plaintext",
    "AUTHSTATE_AWAITING_DHKEY",
    "AUTHSTATE_AWAITING_REVEALSIG",
    "AUTHSTATE_AWAITING_SIG",
    "encrypted v3",
    "encrypted v2",
    "finished",
    "SMP: sent message 1, expecting 2",
    "SMP: received message 1, awaiting the secret",
    "SMP: sent message 2, expecting 3",
    "SMP: sent message 3, expecting 4",
    "reassembling a v3 data message",
    "reassembling a v2 data message",
];

/// Alice's texts in every state (so a decrypted message can be checked).
const TEXTS: &[&[u8]] = &[b"hello bob", b"a long message, in pieces: "];

/// Bob in one state, Alice beside him, and the messages she would send next.
pub struct Built {
    pub alice: Box<Party>,
    pub bob: Box<Party>,
    /// Alice's real next messages (each a seed).
    pub next: Vec<Vec<u8>>,
}

/// A text of Alice's long enough to be fragmented at a maximum message size of 200 (into at most 8 pieces).
fn long_text() -> Vec<u8> {
    let mut t = TEXTS[1].to_vec();
    t.extend(std::iter::repeat_n(b'x', 300));
    t
}

/// Bob in state `state` (an index into [`STATES`]).
pub fn build(state: usize) -> Built {
    if std::env::var_os("OTR_FUZZ_VERBOSE").is_some() {
        eprintln!("receiving: building state {state} ({})", STATES[state]);
    }
    reseed(100 + state as u64);
    let mut alice = Party::new(ALICE, BOB);
    let mut bob = Party::new(BOB, ALICE);
    if matches!(state, 6 | 13) {
        let v2 =
            OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_WHITESPACE_START_AKE | OTRL_POLICY_ERROR_START_AKE;
        (alice.policy, bob.policy) = (v2, v2);
    }
    let mut next = Vec::new();
    match state {
        0 => next.push(b"?OTRv23?".to_vec()),
        1 => {
            bob.receive(b"hello");
            next.push(b"?OTRv3?".to_vec());
        }
        2 => {
            bob.receive(b"?OTRv23?");
            answer(&mut alice, &mut bob, &mut next);
        }
        3 => {
            alice.receive(b"?OTRv23?");
            deliver(&mut alice, &mut bob);
            answer(&mut alice, &mut bob, &mut next);
        }
        4 => {
            bob.receive(b"?OTRv23?");
            deliver(&mut bob, &mut alice);
            deliver(&mut alice, &mut bob);
            answer(&mut alice, &mut bob, &mut next);
        }
        5..=13 => {
            bob.receive(b"?OTRv23?");
            pump(&mut bob, &mut alice, 10);
            encrypted(state, &mut alice, &mut bob, &mut next);
        }
        _ => unreachable!("no state {state}"),
    }
    alice.clear_records();
    bob.clear_records();
    Built { alice, bob, next }
}

/// Everything `from` has to send, received by `to`.
fn deliver(from: &mut Party, to: &mut Party) {
    for m in std::mem::take(&mut from.outbox) {
        to.receive(&m);
    }
}

/// Alice receives what Bob sent; her answer is the next message (Bob's copy of what he
/// sent is dropped: he is waiting for the answer).
fn answer(alice: &mut Party, bob: &mut Party, next: &mut Vec<Vec<u8>>) {
    let sent = std::mem::take(&mut bob.outbox);
    for m in &sent {
        alice.receive(m);
    }
    next.append(&mut alice.outbox);
}

/// The encrypted states (5 to 13), from an encrypted conversation.
fn encrypted(state: usize, alice: &mut Party, bob: &mut Party, next: &mut Vec<Vec<u8>>) {
    const SECRET: &[u8] = b"the same secret";
    match state {
        5 | 6 => {
            alice.send(TEXTS[0]);
            alice.symkey(1, b"file");
            next.append(&mut alice.outbox);
            alice.initiate_smp(Some(b"question?"), SECRET);
            next.append(&mut alice.outbox);
        }
        7 => {
            alice.disconnect(false);
            deliver(alice, bob);
            alice.send(TEXTS[0]);
            next.append(&mut alice.outbox);
        }
        8 => {
            bob.initiate_smp(None, SECRET);
            deliver(bob, alice);
            alice.respond_smp(SECRET);
            next.append(&mut alice.outbox);
        }
        9 => {
            alice.initiate_smp(Some(b"question?"), SECRET);
            deliver(alice, bob);
            alice.abort_smp();
            next.append(&mut alice.outbox);
        }
        10 => {
            alice.initiate_smp(None, SECRET);
            deliver(alice, bob);
            bob.respond_smp(SECRET);
            answer(alice, bob, next);
        }
        11 => {
            bob.initiate_smp(None, SECRET);
            deliver(bob, alice);
            alice.respond_smp(SECRET);
            deliver(alice, bob);
            answer(alice, bob, next);
        }
        12 | 13 => {
            alice.mms = 200;
            alice.send(&long_text());
            let mut pieces = std::mem::take(&mut alice.outbox);
            assert!(pieces.len() > 2, "the text is fragmented");
            bob.receive(&pieces.remove(0));
            next.push(pieces.join(&0u8));
        }
        _ => unreachable!(),
    }
}

/// What an input may change without the state counting as changed: nothing but the
/// reports of a rejected message (and the error message sent back).
fn untouched(bob: &Party) -> bool {
    bob.outbox.iter().all(|m| m.starts_with(b"?OTR Error:"))
        && bob
            .msg_events
            .iter()
            .all(|(e, _)| matches!(*e, 4 | 5 | 7 | 8 | 9 | 12 | 13 | 14 | 15))
        && bob.smp_events.is_empty()
        && bob.symkeys.is_empty()
        && (
            bob.gone_secure,
            bob.gone_insecure,
            bob.still_secure,
            bob.new_fingerprints,
        ) == (0, 0, 0, 0)
}

/// The state of every context of a userstate that the C API shows, to tell whether an
/// input changed it.
fn digest(p: &Party) -> Vec<u64> {
    let mut out = Vec::new();
    // SAFETY: walking the userstate's own list; every context has a private part and
    // an SMP state.
    unsafe {
        let mut c = (*p.us).context_root;
        while !c.is_null() {
            let ctx = &*c;
            let priv_ = &*ctx.context_priv;
            out.extend([
                u64::from(ctx.their_instance),
                u64::from(ctx.msgstate),
                u64::from(ctx.auth.authstate),
                u64::from(ctx.protocol_version),
                u64::from(ctx.otr_offer),
                priv_.fragment_len as u64,
                u64::from(priv_.fragment_n) << 16 | u64::from(priv_.fragment_k),
                u64::from(priv_.their_keyid),
                u64::from(priv_.our_keyid),
                u64::from(priv_.numsavedkeys),
                u64::from(priv_.generation),
                priv_.may_retransmit as u64,
            ]);
            if let Some(sm) = ctx.smstate.as_ref() {
                out.extend([
                    u64::from(sm.nextExpected),
                    sm.sm_prog_state as u64,
                    sm.received_question as u64,
                    sm.secret.is_null() as u64,
                ]);
            }
            c = ctx.next;
        }
    }
    out
}

thread_local! {
    static BUILT: RefCell<Vec<Option<Built>>> = RefCell::new((0..STATES.len()).map(|_| None).collect());
}

/// The target: see the module documentation.
pub fn receiving(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let state = usize::from(selector) % STATES.len();
    BUILT.with(|built| {
        let slot = &mut built.borrow_mut()[state];
        let b = slot.get_or_insert_with(|| build(state));
        let before = digest(&b.bob);
        let mut decrypted_data = false;
        for msg in rest.split(|&x| x == 0).take(8) {
            let encrypted = b.bob.msgstate() == 1;
            let incoming = b.bob.receive(msg);
            if std::env::var_os("OTR_FUZZ_VERBOSE").is_some() {
                eprintln!("receiving: {incoming:?}, state now {}", b.bob.msgstate());
            }
            if let Some(text) = &incoming.message {
                if encrypted && is_data_message(msg) && !incoming.ignore {
                    // A decrypted message is one Alice sent (the MAC can't be forged).
                    assert!(
                        TEXTS.iter().any(|t| text.starts_with(t)) || text.is_empty(),
                        "decrypted a message Alice never sent: {:?}",
                        String::from_utf8_lossy(text)
                    );
                    decrypted_data = true;
                }
            }
        }
        if decrypted_data || !untouched(&b.bob) || digest(&b.bob) != before {
            *slot = None;
        } else {
            b.bob.clear_records();
        }
    });
}

/// Whether `msg` holds a v2 or v3 Data Message (a fragment of one counts too).
fn is_data_message(msg: &[u8]) -> bool {
    let m = crate::until_nul(msg);
    m.windows(9).any(|w| w == b"?OTR:AAMD" || w == b"?OTR:AAID")
        || m.starts_with(b"?OTR,")
        || m.starts_with(b"?OTR|")
}

/// Seed inputs: for each state, its selector and Alice's real next messages.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for state in 0..STATES.len() {
        for m in build(state).next {
            let mut seed = vec![state as u8];
            seed.extend_from_slice(&m);
            out.push(seed);
        }
    }
    out
}
