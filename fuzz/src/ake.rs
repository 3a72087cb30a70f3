//! Targets for the AKE messages (parsed, then handled by an AKE in each state) and for
//! the Data Message (parsed, then received by an encrypted session).
//!
//! The input's first byte chooses the AKE state (bits 0–1: NONE, AWAITING_DHKEY,
//! AWAITING_REVEALSIG, AWAITING_SIG) and the protocol version (bit 2: v3, else v2);
//! the rest is the message after its header, which the target writes. States are built
//! from the same random numbers for every input, only for inputs that parse, so the
//! real next message of each state (in the seed corpus) completes it.

use crate::{reseed, SAMPLE_KEYS};
use otr::ake::{Ake, AuthState, Completed};
use otr::crypto::dsa::PrivateKey;
use otr::files::privkey::parse_private_keys;
use otr::session::{MsgState, Session};
use otr::wire::base64;
use otr::wire::message::{EncodedMessage, Header, ProtocolVersion};
use otr::wire::query::Policy;
use std::cell::RefCell;
use std::sync::OnceLock;

/// Alice's instance tag (the initiator in every scenario).
pub const ALICE_TAG: u32 = 0x1234_5678;
/// Bob's instance tag.
pub const BOB_TAG: u32 = 0x8765_4321;

/// Message type bytes (spec "Protocol message types").
const DH_COMMIT: u8 = 0x02;
const DH_KEY: u8 = 0x0a;
const REVEAL_SIGNATURE: u8 = 0x11;
const SIGNATURE: u8 = 0x12;
const DATA: u8 = 0x03;

/// The sample file's two long-term keys: Alice's and Bob's.
pub fn long_term_keys() -> &'static (PrivateKey, PrivateKey) {
    static KEYS: OnceLock<(PrivateKey, PrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let read = parse_private_keys(SAMPLE_KEYS);
        let key = |i: usize| {
            let d = &read.keys[i].dsa;
            PrivateKey::from_components(&d.p, &d.q, &d.g, &d.y, d.x.as_ref().expect("x"))
                .expect("the sample key")
        };
        (key(0), key(1))
    })
}

/// The header Alice (`from_alice`) or Bob puts on a message of `version`.
pub fn header(version: ProtocolVersion, from_alice: bool) -> Header {
    match (version, from_alice) {
        (ProtocolVersion::V2, _) => Header::v2(),
        (ProtocolVersion::V3, true) => Header::v3(ALICE_TAG, BOB_TAG),
        (ProtocolVersion::V3, false) => Header::v3(BOB_TAG, ALICE_TAG),
    }
}

/// The version bit 2 of `selector` chooses.
pub fn version_of(selector: u8) -> ProtocolVersion {
    if selector & 4 != 0 {
        ProtocolVersion::V3
    } else {
        ProtocolVersion::V2
    }
}

/// The bytes of an encoded message: the header for `kind` from `from_alice` (or
/// from Bob), then `body`.
pub fn with_header(version: ProtocolVersion, from_alice: bool, kind: u8, body: &[u8]) -> Vec<u8> {
    let mut w = otr::wire::codec::Writer::new();
    header(version, from_alice).write(&mut w, kind);
    w.raw(body);
    w.into_bytes()
}

/// An AKE in `state` and whether it is Alice's, with the message each side last sent;
/// always the same for the same state and version (the generator is reseeded).
pub struct Scenario {
    /// The AKE under test.
    pub ake: Ake,
    /// Whether `ake` is Alice's (she started the exchange).
    pub alice: bool,
    /// The message that the peer would send next in a real exchange, if any.
    pub next: Option<EncodedMessage>,
}

/// Builds the AKE in `state` (0–3 as in the module docs) for `version`.
pub fn scenario(state: u8, version: ProtocolVersion) -> Scenario {
    reseed(0);
    let (alice_key, bob_key) = long_term_keys();
    let (ha, hb) = (header(version, true), header(version, false));
    let mut alice = Ake::new();
    let mut bob = Ake::new();
    let at = |ake, alice, next| Scenario { ake, alice, next };
    let commit = alice.start(ha).expect("start");
    if state == 0 {
        return at(bob, false, Some(commit));
    }
    let key = bob
        .handle_commit(commit_of(&commit), hb, true)
        .expect("commit");
    if state == 1 {
        return at(alice, true, Some(key));
    }
    let EncodedMessage::DhKey(dh_key) = &key else {
        unreachable!("a D-H Key")
    };
    let reveal = alice.handle_key(dh_key, ha, alice_key).expect("key");
    let reveal = reveal.expect("a Reveal Signature");
    if state == 2 {
        return at(bob, false, Some(reveal));
    }
    let EncodedMessage::RevealSignature(r) = &reveal else {
        unreachable!("a Reveal Signature")
    };
    let done = bob.handle_reveal_signature(r, hb, bob_key).expect("reveal");
    at(alice, true, done.expect("a completed AKE").reply)
}

fn commit_of(m: &EncodedMessage) -> &otr::wire::message::DhCommit {
    match m {
        EncodedMessage::DhCommit(c) => c,
        _ => unreachable!("a D-H Commit"),
    }
}

/// Decodes the input as a message of type `kind` from the peer of the AKE that the
/// selector chooses, and hands it to `handle` with that AKE.
fn ake_target(data: &[u8], kind: u8, handle: impl FnOnce(&mut Scenario, EncodedMessage)) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let (state, version) = (selector & 3, version_of(selector));
    // Who is in `state`: Bob in NONE and AWAITING_REVEALSIG, else Alice.
    let from_alice = matches!(state, 0 | 2);
    let Ok(msg) = EncodedMessage::decode(&with_header(version, from_alice, kind, body)) else {
        return;
    };
    let mut s = scenario(state, version);
    handle(&mut s, msg);
    // Whatever happened, the AKE can start over.
    let header = header(version, s.alice);
    s.ake.start(header).expect("a new AKE");
}

fn check_completed(done: Option<Completed>, s: &Scenario) {
    if let Some(done) = done {
        let (alice_key, bob_key) = long_term_keys();
        let peer = if s.alice { bob_key } else { alice_key };
        assert_eq!(
            &done.result.their_long_term_key,
            peer.public(),
            "a forged peer key"
        );
        assert_eq!(s.ake.state(), AuthState::None);
    }
}

/// A D-H Commit, to an AKE in each state.
pub fn commit(data: &[u8]) {
    ake_target(data, DH_COMMIT, |s, msg| {
        let EncodedMessage::DhCommit(m) = msg else {
            return;
        };
        let header = header(m.header.version, s.alice);
        let master = m.header.version == ProtocolVersion::V2;
        if s.ake.handle_commit(&m, header, master).is_ok() {
            assert!(matches!(
                s.ake.state(),
                AuthState::AwaitingDhKey | AuthState::AwaitingRevealSig
            ));
        }
    });
}

/// A D-H Key, to an AKE in each state.
pub fn key(data: &[u8]) {
    ake_target(data, DH_KEY, |s, msg| {
        let EncodedMessage::DhKey(m) = msg else {
            return;
        };
        let (alice_key, bob_key) = long_term_keys();
        let ours = if s.alice { alice_key } else { bob_key };
        let _ = s
            .ake
            .handle_key(&m, header(m.header.version, s.alice), ours);
    });
}

/// A Reveal Signature, to an AKE in each state.
pub fn reveal_signature(data: &[u8]) {
    ake_target(data, REVEAL_SIGNATURE, |s, msg| {
        let EncodedMessage::RevealSignature(m) = msg else {
            return;
        };
        let (alice_key, bob_key) = long_term_keys();
        let ours = if s.alice { alice_key } else { bob_key };
        if let Ok(done) = s
            .ake
            .handle_reveal_signature(&m, header(m.header.version, s.alice), ours)
        {
            check_completed(done, s);
        }
    });
}

/// A Signature, to an AKE in each state.
pub fn signature(data: &[u8]) {
    ake_target(data, SIGNATURE, |s, msg| {
        let EncodedMessage::Signature(m) = msg else {
            return;
        };
        if let Ok(done) = s.ake.handle_signature(&m) {
            check_completed(done, s);
        }
    });
}

/// Alice and Bob with an encrypted session of `version`; Alice then sent `sent`, the
/// messages of the seed corpus.
pub struct Pair {
    pub alice: Session,
    pub bob: Session,
}

/// A pair of sessions after a real AKE of `version`, from the reseeded generator.
pub fn established(version: ProtocolVersion) -> Pair {
    reseed(1);
    let (ka, kb) = long_term_keys();
    let policy = Policy(match version {
        ProtocolVersion::V2 => 0x02,
        ProtocolVersion::V3 => 0x04,
    });
    let mut alice = Session::new(policy, b"alice@example.org", ALICE_TAG, Some(ka.clone()));
    let mut bob = Session::new(policy, b"alice", BOB_TAG, Some(kb.clone()));
    let mut to_bob = vec![String::from_utf8(alice.query_message()).expect("ASCII")];
    while !to_bob.is_empty() {
        let mut to_alice = Vec::new();
        for m in to_bob.drain(..) {
            to_alice.extend(bob.receive(m.as_bytes(), 1).to_send());
        }
        for m in to_alice {
            to_bob.extend(alice.receive(m.as_bytes(), 1).to_send());
        }
    }
    assert_eq!(
        (alice.msgstate(), bob.msgstate()),
        (MsgState::Encrypted, MsgState::Encrypted)
    );
    Pair { alice, bob }
}

thread_local! {
    /// Bob's session with Alice, v2 and v3, kept while inputs leave it unchanged.
    static PAIRS: RefCell<[Option<Pair>; 2]> = const { RefCell::new([None, None]) };
}

/// A Data Message from Alice, received by Bob in an encrypted session. The first byte
/// chooses the version (bit 2); the rest follows the header. Bob's session is built
/// once and rebuilt only after an input that it decrypted or that ended it.
pub fn data_message(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let version = version_of(selector);
    let bytes = with_header(version, true, DATA, body);
    let decoded = EncodedMessage::decode(&bytes);
    if let Ok(m) = &decoded {
        assert_eq!(EncodedMessage::decode(&m.encode()).as_ref(), Ok(m));
    }
    let text = base64::otr_encode(&bytes);
    PAIRS.with(|pairs| {
        let slot = &mut pairs.borrow_mut()[usize::from(version == ProtocolVersion::V3)];
        let pair = slot.get_or_insert_with(|| established(version));
        let received = pair.bob.receive(text.as_bytes(), 2);
        let changed = received.extra_key.is_some() || pair.bob.msgstate() != MsgState::Encrypted;
        if changed {
            *slot = None;
        }
    });
}
