//! Two in-memory sessions talking to each other: AKE v3 and v2, messages
//! in both directions with key rotation, revealed MAC keys, simultaneous
//! starts, reordering, drops, and faults (every single-bit flip of a Data
//! Message is rejected without harming the session).

use otr::ake::AuthState;
use otr::crypto::ake_keys::SessionIdHalf;
use otr::crypto::dsa::PrivateKey;
use otr::crypto::symmetric::hmac_sha1;
use otr::files::privkey::parse_private_keys;
use otr::session::{DataError, ErrorCode, Event, Ignored, MsgState, Received, Session};
use otr::wire::base64;
use otr::wire::message::{EncodedMessage, ProtocolVersion};
use otr::wire::query::Policy;
use otr::wire::tlv::{self, Tlv};

const ALLOW_V23: Policy = Policy(0x02 | 0x04);
const ALICE_TAG: u32 = 0x1234_5678;
const BOB_TAG: u32 = 0x8765_4321;

fn sample_keys() -> (PrivateKey, PrivateKey) {
    let file = std::fs::read("tests/files_data/sample.private_key").expect("sample key file");
    let read = parse_private_keys(&file);
    let key = |i: usize| {
        let dsa = &read.keys[i].dsa;
        PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, dsa.x.as_ref().unwrap())
            .unwrap()
    };
    (key(0), key(1))
}

fn pair(policy_a: Policy, policy_b: Policy) -> (Session, Session) {
    let (ka, kb) = sample_keys();
    (
        Session::new(policy_a, b"alice", ALICE_TAG, Some(ka)),
        Session::new(policy_b, b"bob", BOB_TAG, Some(kb)),
    )
}

/// Deliver everything each side wants to send until both are quiet.
fn pump(a: &mut Session, b: &mut Session, mut to_b: Vec<String>, now: u64) -> Vec<Event> {
    let mut events = Vec::new();
    let mut to_a: Vec<String> = Vec::new();
    while !to_a.is_empty() || !to_b.is_empty() {
        for m in std::mem::take(&mut to_b) {
            let r = b.receive(m.as_bytes(), now);
            events.extend(r.events());
            to_a.extend(r.to_send());
        }
        for m in std::mem::take(&mut to_a) {
            let r = a.receive(m.as_bytes(), now);
            events.extend(r.events());
            to_b.extend(r.to_send());
        }
    }
    events
}

fn established(policy: Policy) -> (Session, Session) {
    let (mut a, mut b) = pair(policy, policy);
    let query = String::from_utf8(a.query_message()).unwrap();
    let r = b.receive(query.as_bytes(), 1);
    let events = pump(&mut b, &mut a, r.to_send(), 1);
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::GoneSecure(_)))
            .count(),
        2,
        "{events:?}"
    );
    (a, b)
}

fn send(from: &mut Session, text: &[u8], now: u64) -> String {
    let sent = from.send(text, &[], now);
    String::from_utf8(sent.message.expect("a message to send")).unwrap()
}

fn deliver(to: &mut Session, msg: &str, now: u64) -> Received {
    to.receive(msg.as_bytes(), now)
}

fn check_established(a: &mut Session, b: &mut Session, version: ProtocolVersion) {
    assert_eq!(a.msgstate(), MsgState::Encrypted);
    assert_eq!(b.msgstate(), MsgState::Encrypted);
    assert_eq!(a.protocol_version(), Some(version));
    assert_eq!(b.protocol_version(), Some(version));
    let (sa, ha) = a.session_id().unwrap();
    let (sb, hb) = b.session_id().unwrap();
    assert_eq!(sa, sb);
    assert_ne!(ha, hb);
    assert_eq!(
        a.their_fingerprint().unwrap(),
        b.their_long_term_key()
            .map(|_| ())
            .and(sample_keys().1.public().fingerprint().into())
            .unwrap()
    );
    assert_eq!(a.our_keyid(), 2);
    assert_eq!(a.their_keyid(), 1);
    assert_eq!(a.auth_state(), AuthState::None);
    assert_eq!(a.extra_symmetric_key(), b.extra_symmetric_key());
}

#[test]
fn ake_v3_via_query() {
    let (mut a, mut b) = established(ALLOW_V23);
    check_established(&mut a, &mut b, ProtocolVersion::V3);
    assert_eq!(a.their_instance(), BOB_TAG);
    assert_eq!(b.their_instance(), ALICE_TAG);
    // Bob answered the query, so Bob sent the D-H Commit and the Reveal
    // Signature: Bob shows the first half in bold, Alice the second.
    assert_eq!(a.session_id().unwrap().1, SessionIdHalf::SecondHalfBold);
    assert_eq!(b.session_id().unwrap().1, SessionIdHalf::FirstHalfBold);
}

#[test]
fn ake_v2_when_one_side_allows_only_v2() {
    let (mut a, mut b) = pair(ALLOW_V23, Policy::ALLOW_V2);
    let query = String::from_utf8(a.query_message()).unwrap();
    let r = b.receive(query.as_bytes(), 1);
    pump(&mut b, &mut a, r.to_send(), 1);
    check_established(&mut a, &mut b, ProtocolVersion::V2);
    assert_eq!(a.their_instance(), 0);
}

#[test]
fn many_rounds_both_directions_with_rotation() {
    for policy in [ALLOW_V23, Policy::ALLOW_V2] {
        let (mut a, mut b) = established(policy);
        let mut last = (a.our_keyid(), b.our_keyid());
        let mut rotations = 0;
        for round in 0..300u32 {
            // Irregular pattern: sometimes several in a row from one side.
            let (from, to) = if round % 3 == 2 {
                (&mut b, &mut a)
            } else {
                (&mut a, &mut b)
            };
            let text = format!("message {round}");
            let tlvs = [Tlv::new(0x1234, round.to_be_bytes())];
            let sent = from.send(text.as_bytes(), &tlvs, 10);
            let wire = String::from_utf8(sent.message.unwrap()).unwrap();
            let r = to.receive(wire.as_bytes(), 10);
            assert_eq!(
                r.message.as_deref().map(Vec::as_slice),
                Some(text.as_bytes()),
                "{:?}",
                r.events()
            );
            assert_eq!(r.tlvs, tlvs);
            assert!(r.events().is_empty(), "{:?}", r.events());
            let now = (a.our_keyid(), b.our_keyid());
            if now != last {
                rotations += 1;
                last = now;
            }
        }
        assert!(rotations > 100, "only {rotations} rotations");
    }
}

/// The MAC keys revealed in a later message include the one that
/// authenticated an earlier message.
#[test]
fn revealed_mac_keys_authenticated_earlier_messages() {
    let (mut a, mut b) = established(ALLOW_V23);
    let mut sent_by_a: Vec<Vec<u8>> = Vec::new();
    let mut verified = 0;
    for round in 0..40 {
        let m = send(&mut a, format!("a{round}").as_bytes(), 5);
        deliver(&mut b, &m, 5);
        sent_by_a.push(base64::otr_decode_data(m.as_bytes()).unwrap());
        let m = send(&mut b, format!("b{round}").as_bytes(), 5);
        let decoded = EncodedMessage::from_otr(m.as_bytes()).unwrap();
        let EncodedMessage::Data(data) = decoded else {
            panic!()
        };
        for key in data.old_mac_keys.chunks(20) {
            // Bob reveals his receiving keys: find an earlier message of
            // Alice's that this key authenticates.
            let hit = sent_by_a.iter().any(|raw| {
                let EncodedMessage::Data(d) = EncodedMessage::decode(raw).unwrap() else {
                    return false;
                };
                hmac_sha1(key, &d.mac_input()) == d.mac
            });
            if hit {
                verified += 1;
            }
        }
        deliver(&mut a, &m, 5);
    }
    assert!(verified > 10, "only {verified} revealed keys matched");
}

#[test]
fn simultaneous_commits_larger_hash_wins() {
    for _ in 0..4 {
        let (mut a, mut b) = pair(ALLOW_V23, ALLOW_V23);
        let ca = a.start_ake(1).unwrap();
        let cb = b.start_ake(1).unwrap();
        let ra = a.receive(cb.as_bytes(), 1);
        let rb = b.receive(ca.as_bytes(), 1);
        // One side resends its commit, the other answers with a D-H Key.
        let (mut to_b, mut to_a) = (ra.to_send(), rb.to_send());
        assert_eq!((to_a.len(), to_b.len()), (1, 1));
        let states = [a.auth_state(), b.auth_state()];
        assert!(states.contains(&AuthState::AwaitingDhKey));
        assert!(states.contains(&AuthState::AwaitingRevealSig));
        // Both directions in flight at once, delivered in rounds.
        while !to_a.is_empty() || !to_b.is_empty() {
            let (for_a, for_b) = (std::mem::take(&mut to_a), std::mem::take(&mut to_b));
            for m in for_b {
                to_a.extend(b.receive(m.as_bytes(), 1).to_send());
            }
            for m in for_a {
                to_b.extend(a.receive(m.as_bytes(), 1).to_send());
            }
        }
        check_established(&mut a, &mut b, ProtocolVersion::V3);
    }
}

/// libotr: the AKE of a master context always answers an incoming D-H Commit
/// with a D-H Key, whichever hashed g^x is the larger (its own commit may be a
/// stale one, e.g. for a version the peer does not allow).
#[test]
fn master_session_takes_incoming_commit() {
    for _ in 0..8 {
        let (mut a, mut b) = pair(ALLOW_V23, ALLOW_V23);
        a.set_master(true);
        a.start_ake(1).unwrap();
        let cb = b.start_ake(1).unwrap();
        let reply = a.receive(cb.as_bytes(), 1).to_send();
        assert_eq!(reply.len(), 1);
        assert_eq!(a.auth_state(), AuthState::AwaitingRevealSig);
        let key = b.receive(reply[0].as_bytes(), 1).to_send().remove(0);
        let sig = a.receive(key.as_bytes(), 1).to_send().remove(0);
        b.receive(sig.as_bytes(), 1);
        check_established(&mut a, &mut b, ProtocolVersion::V3);
    }
}

#[test]
fn repeated_dh_key_gets_same_reveal_signature() {
    let (mut a, mut b) = pair(ALLOW_V23, ALLOW_V23);
    let commit = a.start_ake(1).unwrap();
    let key = b.receive(commit.as_bytes(), 1).to_send().remove(0);
    let reveal1 = a.receive(key.as_bytes(), 1).to_send().remove(0);
    let reveal2 = a.receive(key.as_bytes(), 1).to_send().remove(0);
    assert_eq!(reveal1, reveal2);
    assert_eq!(a.auth_state(), AuthState::AwaitingSig);
    let sig = b.receive(reveal2.as_bytes(), 1).to_send().remove(0);
    a.receive(sig.as_bytes(), 1);
    check_established(&mut a, &mut b, ProtocolVersion::V3);
}

#[test]
fn commit_while_awaiting_signature_restarts_as_responder() {
    let (mut a, mut b) = pair(ALLOW_V23, ALLOW_V23);
    let commit = a.start_ake(1).unwrap();
    let key = b.receive(commit.as_bytes(), 1).to_send().remove(0);
    let _reveal = a.receive(key.as_bytes(), 1).to_send().remove(0);
    assert_eq!(a.auth_state(), AuthState::AwaitingSig);
    // Bob restarts instead of answering.
    let commit2 = b.start_ake(1).unwrap();
    let r = a.receive(commit2.as_bytes(), 1);
    assert_eq!(a.auth_state(), AuthState::AwaitingRevealSig);
    pump(&mut a, &mut b, r.to_send(), 1);
    pump(&mut b, &mut a, Vec::new(), 1);
    // Alice's D-H Key went to Bob via pump(a→b) … deliver the rest.
    check_established(&mut a, &mut b, ProtocolVersion::V3);
}

#[test]
fn messages_for_another_instance_are_ignored() {
    let (mut a, mut b) = pair(ALLOW_V23, ALLOW_V23);
    b.set_their_instance(0x999);
    let commit = a.start_ake(1).unwrap();
    let r = b.receive(commit.as_bytes(), 1);
    assert_eq!(r.events(), vec![Event::ForOtherInstance]);
    assert!(r.to_send().is_empty());
    assert_eq!(b.auth_state(), AuthState::None);
}

#[test]
fn reordered_and_dropped_messages() {
    let (mut a, mut b) = established(ALLOW_V23);
    // Alice sends three; Bob gets the third first, then the first; the
    // second is dropped. All readable ones are read.
    let m1 = send(&mut a, b"one", 2);
    let m2 = send(&mut a, b"two", 2);
    let m3 = send(&mut a, b"three", 2);
    let _ = m2;
    assert_eq!(
        deliver(&mut b, &m3, 2)
            .message
            .as_deref()
            .map(Vec::as_slice),
        Some(&b"three"[..])
    );
    // m1 used the same keys with a smaller counter: rejected as replay.
    let r = deliver(&mut b, &m1, 2);
    assert_eq!(r.events()[0], Event::Unreadable(DataError::ReplayedCounter));
    // Replays are rejected.
    let r = deliver(&mut b, &m3, 2);
    assert_eq!(r.events()[0], Event::Unreadable(DataError::ReplayedCounter));
    // The conversation continues both ways.
    for i in 0..10 {
        let m = send(&mut b, format!("b{i}").as_bytes(), 3);
        let n = send(&mut b, format!("c{i}").as_bytes(), 3);
        assert!(deliver(&mut a, &n, 3).message.is_some());
        assert!(deliver(&mut a, &m, 3).message.is_none()); // reordered under same keys
        let m = send(&mut a, b"x", 3);
        assert_eq!(
            deliver(&mut b, &m, 3).message.as_deref().map(Vec::as_slice),
            Some(&b"x"[..])
        );
    }
}

/// A message sent under the previous keys still reads after the peer
/// rotated (the spec keeps the previous key pair).
#[test]
fn message_under_previous_key_after_rotation() {
    let (mut a, mut b) = established(ALLOW_V23);
    let m = send(&mut a, b"hi", 2);
    deliver(&mut b, &m, 2);
    let reply = send(&mut b, b"hello", 2); // acknowledges Alice's next key
    let late = send(&mut a, b"late", 2); // still under Alice's old key
    assert!(deliver(&mut a, &reply, 2).message.is_some()); // Alice rotates
    let r = deliver(&mut b, &late, 2);
    assert_eq!(
        r.message.as_deref().map(Vec::as_slice),
        Some(&b"late"[..]),
        "{:?}",
        r.events()
    );
}

#[test]
fn every_bit_flip_is_rejected_and_session_survives() {
    let (mut a, mut b) = established(ALLOW_V23);
    let m = send(&mut a, b"flip me", 2);
    let raw = base64::otr_decode_data(m.as_bytes()).unwrap();
    let encoded = EncodedMessage::decode(&raw).unwrap();
    let EncodedMessage::Data(data) = encoded else {
        panic!()
    };
    // The revealed MAC keys are outside the MAC: flipping them is allowed.
    let authenticated = data.mac_input().len() + 20;
    for bit in 0..authenticated * 8 {
        let mut bad = raw.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let wire = base64::otr_encode(&bad);
        let r = b.receive(wire.as_bytes(), 2);
        assert!(r.message.is_none(), "bit {bit} accepted");
        assert!(
            r.events()
                .iter()
                .all(|e| !matches!(e, Event::GoneSecure(_))),
            "bit {bit}"
        );
        assert_eq!(b.msgstate(), MsgState::Encrypted, "bit {bit}");
    }
    assert_eq!(
        deliver(&mut b, &m, 2).message.as_deref().map(Vec::as_slice),
        Some(&b"flip me"[..])
    );
    let reply = send(&mut b, b"still here", 2);
    assert_eq!(
        deliver(&mut a, &reply, 2)
            .message
            .as_deref()
            .map(Vec::as_slice),
        Some(&b"still here"[..])
    );
}

#[test]
fn failures_are_typed() {
    let (mut a, mut b) = established(ALLOW_V23);
    let m = send(&mut a, b"x", 2);
    let EncodedMessage::Data(mut data) = EncodedMessage::from_otr(m.as_bytes()).unwrap() else {
        panic!()
    };
    // Bad MAC.
    let mut bad = data.clone();
    bad.mac[0] ^= 1;
    let r = deliver(&mut b, &EncodedMessage::Data(bad).to_otr(), 2);
    assert_eq!(
        r.events(),
        vec![
            Event::Unreadable(DataError::BadMac),
            Event::SendError(ErrorCode::MsgUnreadable)
        ]
    );
    // Unknown key id.
    let mut bad = data.clone();
    bad.sender_keyid = 77;
    let r = deliver(&mut b, &EncodedMessage::Data(bad).to_otr(), 2);
    assert!(matches!(
        r.events()[0],
        Event::Unreadable(DataError::UnknownKeyId { .. })
    ));
    // Flagged: ignored silently.
    data.flags = 1;
    let r = deliver(&mut b, &EncodedMessage::Data(data).to_otr(), 2);
    assert!(matches!(
        r.events()[0],
        Event::Ignored(Ignored::UnreadableFlagged(DataError::BadMac))
    ));
    // Malformed (truncated).
    let r = deliver(&mut b, &m[..m.len() - 12], 2);
    assert!(
        matches!(r.events()[0], Event::Malformed(_)),
        "{:?}",
        r.events()
    );
    // Still fine.
    assert!(deliver(&mut b, &m, 2).message.is_some());
}

/// `ErrorCode` has libotr's `OtrlErrorCode` values (message.h: NONE,
/// ENCRYPTION_ERROR, MSG_NOT_IN_PRIVATE, MSG_UNREADABLE, MSG_MALFORMED);
/// they were off by one.
#[test]
fn error_codes_are_libotrs() {
    use otr::ffi::message::{OTRL_ERRCODE_MSG_MALFORMED, OTRL_ERRCODE_MSG_UNREADABLE};
    assert_eq!(ErrorCode::MsgUnreadable as u32, OTRL_ERRCODE_MSG_UNREADABLE);
    assert_eq!(ErrorCode::MsgMalformed as u32, OTRL_ERRCODE_MSG_MALFORMED);
}

#[test]
fn disconnect_finishes_the_peer() {
    let (mut a, mut b) = established(ALLOW_V23);
    let bye = a.disconnect().unwrap();
    assert_eq!(a.msgstate(), MsgState::Plaintext);
    let r = deliver(&mut b, &bye, 3);
    assert!(r.events().contains(&Event::PeerDisconnected));
    assert!(tlv::find(&r.tlvs, tlv::types::DISCONNECTED).is_some());
    assert_eq!(b.msgstate(), MsgState::Finished);
    let sent = b.send(b"anyone?", &[], 3);
    assert_eq!(sent.events, vec![Event::ConnectionEnded]);
    assert!(sent.message.is_none());
    // A data message for a finished session.
    let (mut c, _d) = established(ALLOW_V23);
    let m = send(&mut c, b"late", 3);
    let r = deliver(&mut b, &m, 3);
    assert_eq!(r.events(), vec![Event::NotInPrivate]);
}

#[test]
fn heartbeat_after_quiet_period() {
    let (mut a, mut b) = established(ALLOW_V23);
    let m = send(&mut a, b"hi", 1000);
    let r = deliver(&mut b, &m, 1000);
    assert!(r.events().contains(&Event::HeartbeatSent));
    assert_eq!(b.last_sent(), 1000);
    let hb = r.to_send()[0].clone();
    let r = deliver(&mut a, &hb, 1000);
    assert_eq!(r.events(), vec![Event::HeartbeatReceived]);
    assert!(r.message.is_none());
}

#[test]
fn policies() {
    // REQUIRE_ENCRYPTION: sending in plaintext sends a query instead.
    let (mut a, mut b) = pair(Policy(0x02 | 0x04 | 0x08), ALLOW_V23);
    let sent = a.send(b"secret", &[], 1);
    assert_eq!(sent.events, vec![Event::EncryptionRequired]);
    assert!(sent.message.unwrap().starts_with(b"?OTRv23?"));
    // Unencrypted message under REQUIRE_ENCRYPTION: warned, not shown.
    let r = a.receive(b"hello", 1);
    assert_eq!(
        r.events(),
        vec![Event::ReceivedUnencrypted(b"hello".to_vec())]
    );
    assert!(r.message.is_none());
    // Plain plaintext is shown.
    assert_eq!(
        b.receive(b"hello", 1).message.as_deref().map(Vec::as_slice),
        Some(&b"hello"[..])
    );

    // Whitespace tag sent, and starting the AKE on a received tag.
    let (mut a, mut b) = pair(Policy(0x06 | 0x10), Policy(0x06 | 0x20));
    let tagged = a.send(b"hi", &[], 1).message.unwrap();
    assert!(tagged.len() > 2 && tagged.starts_with(b"hi"));
    let r = b.receive(&tagged, 1);
    assert_eq!(r.message.as_deref().map(Vec::as_slice), Some(&b"hi"[..]));
    assert_eq!(r.to_send().len(), 1);
    assert_eq!(b.auth_state(), AuthState::AwaitingDhKey);
    pump(&mut b, &mut a, r.to_send(), 1);
    assert_eq!(a.msgstate(), MsgState::Encrypted);

    // Error message with ERROR_START_AKE answers with a query.
    let (mut a, _) = pair(Policy(0x06 | 0x40), ALLOW_V23);
    let r = a.receive(b"?OTR Error: oops", 1);
    assert_eq!(r.events(), vec![Event::GeneralError(b"oops".to_vec())]);
    assert!(r.to_send()[0].starts_with("?OTRv23?"));

    // A v3 message when only v2 is allowed is ignored.
    let (mut a, mut b) = pair(ALLOW_V23, Policy::ALLOW_V2);
    let commit = a.start_ake(1).unwrap();
    let r = b.receive(commit.as_bytes(), 1);
    assert_eq!(r.events(), vec![Event::Ignored(Ignored::VersionNotAllowed)]);

    // Query with nothing in common: nothing happens.
    let (mut a, _) = pair(Policy::ALLOW_V2, ALLOW_V23);
    let r = a.receive(b"?OTRv3?", 1);
    assert!(r.to_send().is_empty());
}

#[test]
fn garbage_ake_messages_do_not_break_encrypted_session() {
    let (mut a, mut b) = established(ALLOW_V23);
    for junk in [
        "?OTR:AAMR",
        "?OTR:AAMSAAAAAQAAAAEAAAA=.",
        "?OTR:AAMK.",
        "?OTR:AAMDjunk.",
        "?OTR|1|2,1,2,junk,",
    ] {
        let r = b.receive(junk.as_bytes(), 2);
        assert!(r.message.is_none());
        assert_eq!(b.msgstate(), MsgState::Encrypted);
    }
    let m = send(&mut a, b"ok", 2);
    assert_eq!(
        deliver(&mut b, &m, 2).message.as_deref().map(Vec::as_slice),
        Some(&b"ok"[..])
    );
}

/// A message reassembled from fragments is classified, never taken for a
/// fragment again (as in libotr): `?OTR|abcd`, sent as two fragments, is an
/// OTR message of no known kind, not a malformed v3 fragment.
#[test]
fn reassembled_fragment_lookalike_is_unrecognized() {
    let (mut a, _) = pair(ALLOW_V23, ALLOW_V23);
    let first = a.receive(b"?OTR,1,2,?OTR,", 0);
    assert_eq!(first.events(), vec![Event::Ignored(Ignored::Fragment)]);
    let second = a.receive(b"?OTR,2,2,|abcd,", 0);
    assert!(second.to_send().is_empty());
    assert_eq!(second.events(), vec![Event::Unrecognized]);
}

/// A D-H Key for a private v3 instance while the master awaits one: libotr
/// copies the master's message state into the instance whatever the D-H Key
/// holds; here the instance stays private unless the copied AKE answers it.
#[test]
fn private_instance_keeps_its_state_for_a_dh_key_it_will_not_answer() {
    let (_, mut instance) = established(ALLOW_V23);
    let (mut master, mut peer) = pair(ALLOW_V23, ALLOW_V23);
    let commit = master.start_ake(0).unwrap();
    let key = deliver(&mut peer, &commit, 0).to_send().remove(0);
    let mut raw = base64::otr_decode(key.as_bytes()).unwrap();
    let out_of_range = {
        raw.truncate(11);
        raw.extend_from_slice(&[0, 0, 0, 1, 1]);
        base64::otr_encode(&raw)
    };
    for bogus in ["?OTR:AAMK.", "?OTR:AAMKAAAAAQ==.", out_of_range.as_str()] {
        instance.adopt_for_dh_key(&master, bogus.as_bytes());
        assert_eq!(instance.msgstate(), MsgState::Encrypted, "{bogus}");
    }
    instance.adopt_for_dh_key(&master, key.as_bytes());
    assert_eq!(instance.msgstate(), master.msgstate());
}
