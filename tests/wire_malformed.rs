//! Malformed input for every wire parser: truncated input, oversized
//! lengths, bad base64, wrong versions, bad fragment indices, non-numeric
//! fields — each must give an error value (never a panic), and arbitrary
//! bytes must never panic any parser.

use otr::wire::codec::{DecodeError, Mpi, PubKey, Reader, Writer};
use otr::wire::fragment::{self, Accumulated, FragmentError, FragmentFormat, Reassembler};
use otr::wire::message::{
    DataMessage, DhCommit, EncodedError, EncodedMessage, Header, XValue, TYPE_DATA, TYPE_DH_COMMIT,
    TYPE_REVEAL_SIGNATURE,
};
use otr::wire::parse::{self, Message, ParseError};
use otr::wire::{base64, classify, query, tlv};
use proptest::prelude::*;

fn data_message() -> EncodedMessage {
    EncodedMessage::Data(DataMessage {
        header: Header::v3(0x100, 0x200),
        flags: 0,
        sender_keyid: 1,
        recipient_keyid: 1,
        next_dh: Mpi::new(&[7; 192]),
        ctr: [0; 8],
        encrypted_message: b"x".to_vec(),
        mac: [0; 20],
        old_mac_keys: vec![],
    })
}

#[test]
fn truncated_encoded_messages() {
    let bytes = data_message().encode();
    for n in 0..bytes.len() {
        let err = EncodedMessage::decode(&bytes[..n]).unwrap_err();
        assert!(matches!(err, DecodeError::Truncated { .. }), "{n}: {err:?}");
        let wire = base64::otr_encode(&bytes[..n]);
        assert!(parse::parse(wire.as_bytes()).is_err() || n < 3);
    }
}

#[test]
fn oversized_lengths() {
    for len in [u32::MAX, 0x8000_0000, 1 << 20, 1000] {
        let mut w = Writer::new();
        Header::v2().write(&mut w, TYPE_DH_COMMIT);
        w.int(len).raw(&[0; 40]);
        assert!(matches!(
            EncodedMessage::decode(w.as_bytes()),
            Err(DecodeError::Truncated { .. })
        ));
        let mut w = Writer::new();
        Header::v3(1, 2).write(&mut w, TYPE_DATA);
        w.byte(0).int(1).int(1).int(len).raw(&[1; 64]);
        assert!(EncodedMessage::decode(w.as_bytes()).is_err());
    }
    // An MPI claiming more bytes than remain.
    assert!(Reader::new(&[0, 0, 1, 0, 5]).mpi().is_err());
    // A revealed key that is not 16 bytes.
    let mut w = Writer::new();
    Header::v2().write(&mut w, TYPE_REVEAL_SIGNATURE);
    w.data(&[0; 15]).data(&[1; 4]).raw(&[0; 20]);
    assert!(matches!(
        EncodedMessage::decode(w.as_bytes()),
        Err(DecodeError::BadFieldLength { .. })
    ));
}

#[test]
fn wrong_versions_and_types() {
    let good = EncodedMessage::DhCommit(DhCommit {
        header: Header::v2(),
        encrypted_gx: vec![1],
        hashed_gx: [0; 32],
    })
    .encode();
    for (i, v) in [(0usize, 1u8), (1, 1), (1, 4), (1, 0xff)] {
        let mut b = good.clone();
        b[i] = v;
        assert!(matches!(
            EncodedMessage::decode(&b),
            Err(DecodeError::UnsupportedVersion(_))
        ));
    }
    let mut b = good.clone();
    b[2] = 0x7f;
    assert_eq!(
        EncodedMessage::decode(&b),
        Err(DecodeError::UnknownMessageType(0x7f))
    );
    // A v2 body under a v3 header is misread and rejected.
    let mut b = good;
    b[1] = 3;
    assert!(EncodedMessage::decode(&b).is_err());
}

#[test]
fn bad_base64() {
    assert_eq!(
        base64::otr_decode(b"?OTR:AAMC"),
        Err(base64::Base64Error::MissingTerminator)
    );
    assert_eq!(
        base64::otr_decode(b"OTR:AAMC."),
        Err(base64::Base64Error::MissingPrefix)
    );
    // Garbage decodes to nothing usable, and the message parse fails.
    assert!(matches!(
        parse::parse(b"?OTR:AAMC!!!!."),
        Err(ParseError::Encoded(EncodedError::Decode(_)))
    ));
    assert!(matches!(
        parse::parse(b"?OTR:AAMC===="),
        Err(ParseError::Encoded(_))
    ));
    assert_eq!(base64::decode(b"\xff\xfe\x80"), Vec::<u8>::new());
}

#[test]
fn bad_fragments() {
    let cases: [(&[u8], FragmentError); 9] = [
        (b"?OTR,0,1,x,", FragmentError::BadIndex { k: 0, n: 1 }),
        (b"?OTR,1,0,x,", FragmentError::BadIndex { k: 1, n: 0 }),
        (b"?OTR,3,2,x,", FragmentError::BadIndex { k: 3, n: 2 }),
        (b"?OTR,a,2,x,", FragmentError::Malformed),
        (b"?OTR,1,b,x,", FragmentError::Malformed),
        (b"?OTR,1,2,x", FragmentError::Malformed),
        (b"?OTR,1,2,,", FragmentError::Malformed),
        (b"?OTR|g|1,1,2,x,", FragmentError::Malformed),
        (b"?OTR|1|2|1,2,x,", FragmentError::Malformed),
    ];
    for (msg, err) in cases {
        assert_eq!(fragment::parse(msg), Err(err), "{msg:?}");
        assert_eq!(parse::parse(msg), Err(ParseError::Fragment(err)));
    }
    // Huge n wraps to 16 bits like libotr's %hu (strtoul, then truncation;
    // saturating at 2^64 - 1 first); 65535 pieces is the most.
    let f = fragment::parse(b"?OTR,1,99999999999,x,").unwrap().unwrap();
    assert_eq!(f.n, (99_999_999_999u64 & 0xffff) as u16);
    let f = fragment::parse(b"?OTR,1,999999999999999999999999,x,")
        .unwrap()
        .unwrap();
    assert_eq!(f.n, 65535);
    let f = fragment::parse(b"?OTR,1,65536,x,");
    assert_eq!(f, Err(FragmentError::BadIndex { k: 1, n: 0 }));
    // Malformed fragments leave the reassembler alone.
    let mut r = Reassembler::new();
    assert_eq!(r.accumulate(b"?OTR,1,3,ab,"), Accumulated::Incomplete);
    assert_eq!(r.accumulate(b"?OTR,5,3,ab,"), Accumulated::Incomplete);
    assert_eq!(r.progress(), (1, 3));
    // Splitting with no room for data is an error, not a division by zero.
    for mms in [0, 1, 18, 19] {
        assert!(fragment::create_fragments(b"abc", mms, 1, FragmentFormat::V2).is_err());
        assert!(fragment::fragment_count(3, mms, FragmentFormat::V2).is_err());
    }
    assert!(fragment::fragment_for_mms(
        &[b'a'; 100],
        37,
        FragmentFormat::V3 {
            sender_instance: 1,
            receiver_instance: 2
        }
    )
    .is_err());
}

#[test]
fn reassembly_cap_bounds_memory() {
    let mut r = Reassembler::with_max_len(1000);
    let piece = "x".repeat(400);
    let mut results = Vec::new();
    for k in 1..=5 {
        results.push(r.accumulate(format!("?OTR,{k},5,{piece},").as_bytes()));
    }
    assert!(results.iter().all(|a| *a == Accumulated::Incomplete));
    assert_eq!(r.progress(), (0, 0));
}

#[test]
fn bad_pubkeys_and_signatures() {
    let key = PubKey {
        p: Mpi::new(&[1; 128]),
        q: Mpi::new(&[2; 20]),
        g: Mpi::new(&[3; 128]),
        y: Mpi::new(&[4; 128]),
    };
    let mut w = Writer::new();
    w.pubkey(&key).int(1).raw(&[9; 39]);
    assert_eq!(
        XValue::decode(w.as_bytes()),
        Err(DecodeError::BadSignatureLength {
            q_len: 20,
            found: 39
        })
    );
    let mut w = Writer::new();
    w.short(1).raw(&[0; 20]);
    assert_eq!(
        Reader::new(w.as_bytes()).pubkey(),
        Err(DecodeError::UnsupportedPubkeyType(1))
    );
}

#[test]
fn instance_tags_of_bad_headers() {
    assert_eq!(
        classify::proto_instance(b""),
        Err(classify::InstanceError::NotV3)
    );
    assert_eq!(
        classify::proto_instance(b"?OTR:AAMC"),
        Err(classify::InstanceError::TooShort)
    );
    assert!(matches!(
        classify::proto_instance(b"?OTR:AAMC%%%%%%%%%%%%%%%%"),
        Err(classify::InstanceError::Truncated { sender: None })
    ));
}

fn otr_like() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"?OTR".to_vec()),
        Just(b"?OTR:AAM".to_vec()),
        Just(b"?OTR:AAI".to_vec()),
        Just(b"?OTR,".to_vec()),
        Just(b"?OTR|".to_vec()),
        Just(b",".to_vec()),
        Just(b"|".to_vec()),
        Just(b"?OTR Error: ".to_vec()),
        Just(query::WHITESPACE_BASE.to_vec()),
        Just(query::WHITESPACE_V3.to_vec()),
        "[A-Za-z0-9+/=.]{0,12}".prop_map(String::into_bytes),
        "[0-9]{1,6}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(token, 0..10).prop_map(|v| v.concat())
}

fn exercise_all(input: &[u8]) {
    let _ = parse::parse(input);
    let _ = classify::message_type(input);
    let _ = classify::message_version(input);
    let _ = classify::proto_instance(input);
    let _ = base64::decode(input);
    let _ = base64::otr_decode(input);
    let _ = base64::otr_decode_data(input);
    let _ = EncodedMessage::decode(input);
    let _ = EncodedMessage::from_otr(input);
    let _ = XValue::decode(input);
    let _ = tlv::parse(input);
    let _ = tlv::split_payload(input);
    let _ = query::query_bestversion(input, query::Policy(7));
    let _ = query::whitespace_bestversion(input, query::Policy(7));
    let _ = query::strip_whitespace_tag(input);
    let _ = query::error_text(input);
    let _ = fragment::parse(input);
    let _ = fragment::fragment_instance_tags(input);
    let _ = Reassembler::new().accumulate(input);
    let mut r = Reader::new(input);
    let _ = (r.pubkey(), r.mpi(), r.data(), r.mac(), r.ctr(), r.finish());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..300)) {
        exercise_all(&input);
    }

    #[test]
    fn otr_like_strings_never_panic(input in otr_like()) {
        exercise_all(&input);
    }

    #[test]
    fn mutated_messages_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut bytes = data_message().encode();
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        let n = cut.index(bytes.len() + 1);
        exercise_all(&bytes[..n]);
        exercise_all(base64::otr_encode(&bytes[..n]).as_bytes());
    }

    #[test]
    fn encoded_roundtrip(
        sender in any::<u32>(), receiver in any::<u32>(), flags in any::<u8>(),
        keyids in any::<(u32, u32)>(), dh in prop::collection::vec(any::<u8>(), 0..64),
        ctr in any::<[u8; 8]>(), enc in prop::collection::vec(any::<u8>(), 0..64),
        mac in any::<[u8; 20]>(), old in prop::collection::vec(any::<u8>(), 0..60),
    ) {
        let msg = EncodedMessage::Data(DataMessage {
            header: Header::v3(sender, receiver),
            flags,
            sender_keyid: keyids.0,
            recipient_keyid: keyids.1,
            next_dh: Mpi::from_wire(dh),
            ctr,
            encrypted_message: enc,
            mac,
            old_mac_keys: old,
        });
        let wire = msg.to_otr();
        prop_assert_eq!(parse::parse(wire.as_bytes()), Ok(Message::Encoded(msg.clone())));
        let EncodedMessage::Data(d) = &msg else { unreachable!() };
        let bytes = msg.encode();
        let input = d.mac_input();
        prop_assert_eq!(&bytes[..input.len()], input.as_slice());
    }

    #[test]
    fn fragments_roundtrip(msg in "[ -~]{1,400}", mms in 40usize..200, v3 in any::<bool>()) {
        let format = if v3 {
            FragmentFormat::V3 { sender_instance: 0x100, receiver_instance: 0x101 }
        } else {
            FragmentFormat::V2
        };
        let msg = msg.replace(',', ";");
        let frags = fragment::fragment_for_mms(msg.as_bytes(), mms, format).unwrap();
        prop_assert!(frags.iter().all(|f| f.len() <= mms.max(msg.len().min(mms))));
        if frags.len() > 1 {
            let mut r = Reassembler::new();
            let last = frags.iter().map(|f| r.accumulate(f)).last();
            prop_assert_eq!(last, Some(Accumulated::Complete(msg.into_bytes())));
        }
    }

    #[test]
    fn tlv_roundtrip(records in prop::collection::vec((any::<u16>(), prop::collection::vec(any::<u8>(), 0..40)), 0..6)) {
        let tlvs: Vec<_> = records.into_iter().map(|(k, v)| tlv::Tlv::new(k, v)).collect();
        let bytes = tlv::serialize(&tlvs).unwrap();
        prop_assert_eq!(tlv::parse(&bytes), tlvs);
    }
}
