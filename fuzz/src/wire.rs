//! Targets for the wire format: base64, classification, query and whitespace tags,
//! TLVs, fragments and the reassembler, and the one entry point that parses any
//! incoming message. Besides "no panic", each checks what must hold of the result:
//! round trips, and the C API answering as the core does.

use crate::c_string;
use otr::ffi::{b64, proto, tlv as ctlv};
use otr::wire::classify::{self, Classified};
use otr::wire::fragment::{self, Accumulated, FragmentFormat, Reassembler};
use otr::wire::message::EncodedMessage;
use otr::wire::parse::{self, Message};
use otr::wire::query::{self, Policy};
use otr::wire::{base64, tlv};
use std::ptr;

/// libotr's lenient base64 and the `?OTR:...` wrapper: the C functions give what the
/// core gives; what is decoded encodes back and decodes to itself; a prefix decode is
/// a prefix of the whole.
pub fn base64(data: &[u8]) {
    let decoded = base64::decode(data);
    assert_eq!(base64::decode(base64::encode(&decoded).as_bytes()), decoded);
    let mut out = vec![0u8; data.len().div_ceil(4) * 3 + 3];
    // SAFETY: `out` has room for what libotr's bound (3 bytes per 4 characters) allows.
    let n = unsafe { b64::otrl_base64_decode(out.as_mut_ptr(), data.as_ptr().cast(), data.len()) };
    assert_eq!(&out[..n], &decoded[..]);

    let whole = base64::otr_decode_data(data);
    if let Ok(whole) = &whole {
        let want = usize::from(data.first().copied().unwrap_or(0));
        let head = base64::otr_decode_data_prefix(data, want).expect("the prefix decodes");
        assert!(whole.starts_with(&head) && head.len() >= want.min(whole.len()));
    }
    let dotted = base64::otr_decode(data);
    let text = c_string(data);
    let (mut buf, mut len) = (ptr::null_mut(), 0usize);
    // SAFETY: a NUL-terminated string and two out-parameters.
    let rc = unsafe { b64::otrl_base64_otr_decode(text.as_ptr(), &mut buf, &mut len) };
    match &dotted {
        Ok(bytes) => {
            assert_eq!(rc, 0);
            // SAFETY: libotr's contract: `len` bytes at `buf`, freed with free().
            unsafe {
                assert_eq!(std::slice::from_raw_parts(buf, len), &bytes[..]);
                libc::free(buf.cast());
            }
        }
        Err(_) => assert_ne!(rc, 0),
    }
}

/// Message type, version and instance tags, through the core and the C API.
pub fn classify(data: &[u8]) {
    let kind = classify::message_type(data);
    let version = classify::message_version(data);
    let classified = Classified::new(data);
    assert_eq!((classified.kind, classified.version), (kind, version));
    let text = c_string(data);
    // SAFETY: NUL-terminated strings and out-parameters.
    unsafe {
        assert_eq!(
            proto::otrl_proto_message_type(text.as_ptr()) as u32,
            kind as u32
        );
        assert_eq!(
            proto::otrl_proto_message_version(text.as_ptr()),
            version as i32
        );
        let (mut sender, mut receiver) = (0, 0);
        let rc = proto::otrl_proto_instance(text.as_ptr(), &mut sender, &mut receiver);
        if let Ok(tags) = classify::proto_instance(data) {
            assert_eq!((rc, (sender, receiver)), (0, tags));
        }
    }
}

/// Query messages, whitespace tags and error messages, with each policy's choice of
/// version; the C API agrees with the core.
pub fn query(data: &[u8]) {
    let _ = query::query_versions(data);
    let _ = query::error_text(data);
    let stripped = query::strip_whitespace_tag(data);
    assert!(stripped.len() <= data.len());
    let text = c_string(data);
    for policy in [0x02, 0x04, 0x06, 0x07, 0x3f] {
        let best = query::query_bestversion(data, Policy(policy));
        let (ws_best, tag) = query::whitespace_bestversion(data, Policy(policy));
        if let Some(tag) = tag {
            assert!(tag.start < tag.end && tag.end <= data.len());
        }
        // SAFETY: NUL-terminated strings; NULL is allowed for the out-parameters.
        unsafe {
            assert_eq!(
                proto::otrl_proto_query_bestversion(text.as_ptr(), policy) as u32,
                best
            );
            if data.contains(&b' ') {
                let (mut start, mut end) = (ptr::null(), ptr::null());
                let c = proto::otrl_proto_whitespace_bestversion(
                    text.as_ptr(),
                    &mut start,
                    &mut end,
                    policy,
                );
                assert_eq!(c as u32, ws_best);
            }
        }
    }
}

/// TLV chains: what parses serializes back to a prefix of the input, and the C
/// chain (`otrl_tlv_parse`) holds the same records.
pub fn tlv(data: &[u8]) {
    let tlvs = tlv::parse(data);
    let again = tlv::serialize(&tlvs).expect("parsed values fit a SHORT");
    assert!(data.starts_with(&again));
    assert_eq!(tlv::serialized_len(&tlvs), again.len());
    let (message, payload_tlvs) = tlv::split_payload(data);
    assert!(message.len() <= data.len() && payload_tlvs.len() <= data.len() / 4);
    // SAFETY: a byte buffer in, a chain out that we measure, serialize and free.
    unsafe {
        let chain = ctlv::otrl_tlv_parse(data.as_ptr(), data.len());
        assert_eq!(ctlv::otrl_tlv_seriallen(chain), again.len());
        let mut buf = vec![0u8; again.len()];
        ctlv::otrl_tlv_serialize(buf.as_mut_ptr(), chain);
        assert_eq!(buf, again);
        ctlv::otrl_tlv_free(chain);
    }
}

/// Fragments: every line of the input (v2 `?OTR,k,n,piece,` or v3
/// `?OTR|s|r,k,n,piece,`) is parsed and fed to a reassembler with a small cap, and
/// the input split by the sender's rules reassembles to itself, in either format (when
/// it holds no comma and no `?OTR|`, as no OTR message does).
pub fn fragment(data: &[u8]) {
    let mut reassembler = Reassembler::with_max_len(4096);
    for line in data.split(|&b| b == b'\n') {
        if let Ok(Some(f)) = fragment::parse(line) {
            assert!(f.k >= 1 && f.k <= f.n && !f.piece.is_empty());
        }
        if let Accumulated::Complete(whole) = reassembler.accumulate(line) {
            assert!(whole.len() <= 4096);
        }
        let (k, n) = reassembler.progress();
        assert!(k <= n);
    }
    fragment_c_api(data);
    let Some((&mms, msg)) = data.split_first() else {
        return;
    };
    let msg = crate::until_nul(msg);
    if msg.contains(&b',') || msg.windows(5).any(|w| w == b"?OTR|") {
        // A piece ends at a comma, and a receiver takes the first `?OTR|` for the
        // header (as libotr does): only messages free of both (OTR's) make the trip.
        return;
    }
    for format in [
        FragmentFormat::V2,
        FragmentFormat::V3 {
            sender_instance: 0x100,
            receiver_instance: 0xffff_ffff,
        },
    ] {
        let mms = usize::from(mms) + 20;
        let Ok(pieces) = fragment::fragment_for_mms(msg, mms, format) else {
            continue;
        };
        if pieces.len() == 1 {
            assert_eq!(pieces[0], msg);
            continue;
        }
        let mut whole = Reassembler::new();
        let results: Vec<_> = pieces.iter().map(|p| whole.accumulate(p)).collect();
        assert_eq!(results.last(), Some(&Accumulated::Complete(msg.to_vec())));
    }
}

/// The parser of every incoming message: a v2 or v3 encoded message encodes back to
/// what decodes to the same message.
pub fn parse(data: &[u8]) {
    if let Ok(Message::Encoded(m)) = parse::parse(data) {
        let again = EncodedMessage::decode(&m.encode()).expect("an encoded message decodes");
        assert_eq!(again, m);
        assert_eq!(
            EncodedMessage::from_otr(m.to_otr().as_bytes()).ok(),
            Some(m)
        );
    }
}

/// The C API's reassembly and splitting with a context: `otrl_proto_fragment_accumulate`
/// of every line (what completes is freed), then `otrl_proto_fragment_create` of the
/// input with a size and count from its first bytes, and `otrl_proto_fragment_free`.
fn fragment_c_api(data: &[u8]) {
    let us = crate::userstate();
    // SAFETY: a context of a live userstate; NUL-terminated strings; what the library
    // allocates is freed with its functions or free().
    unsafe {
        let (name, account, protocol) = (c"bob", c"alice", c"prpl");
        let context = otr::ffi::context::otrl_context_find(
            us.0,
            name.as_ptr(),
            account.as_ptr(),
            protocol.as_ptr(),
            0x100,
            1,
            ptr::null_mut(),
            None,
            ptr::null_mut(),
        );
        assert!(!context.is_null());
        for line in data.split(|&b| b == b'\n') {
            let line = c_string(line);
            let mut whole = ptr::null_mut();
            let r = proto::otrl_proto_fragment_accumulate(&mut whole, context, line.as_ptr());
            assert_eq!(r == proto::OTRL_FRAGMENT_COMPLETE, !whole.is_null());
            libc::free(whole.cast());
        }
        let (mms, count) = match data {
            [a, b, c, ..] => (
                i32::from(*a) * 4 - 200,
                i32::from(*b) * 2 + i32::from(*c) - 100,
            ),
            _ => return,
        };
        let text = c_string(data);
        let mut pieces = ptr::null_mut();
        let err =
            proto::otrl_proto_fragment_create(mms, count, &mut pieces, context, text.as_ptr());
        if err == 0 {
            let n = u16::try_from(count).expect("a count that worked fits");
            proto::otrl_proto_fragment_free(&mut pieces, n);
        } else {
            assert!(pieces.is_null());
        }
    }
}
