//! Parse/serialize throughput of the wire format (plain `std::time`, no
//! harness): `cargo bench --bench wire`.

use otr::wire::codec::Mpi;
use otr::wire::fragment::{self, FragmentFormat, Reassembler};
use otr::wire::message::{DataMessage, EncodedMessage, Header};
use otr::wire::{parse, tlv};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn bench(name: &str, mut f: impl FnMut()) {
    // Warm up, then time enough iterations to fill ~0.5 s.
    for _ in 0..100 {
        f();
    }
    let mut iters = 0u64;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(500) {
        for _ in 0..100 {
            f();
        }
        iters += 100;
    }
    let per = start.elapsed() / u32::try_from(iters).unwrap_or(u32::MAX);
    println!("{name:<40} {per:>12.2?}/iter ({iters} iters)");
}

fn main() {
    let payload = tlv::join_payload(
        &[b'm'; 1000],
        &[tlv::Tlv::new(tlv::types::PADDING, vec![0; 100])],
    )
    .expect("payload");
    let msg = EncodedMessage::Data(DataMessage {
        header: Header::v3(0x100, 0x200),
        flags: 0,
        sender_keyid: 1,
        recipient_keyid: 1,
        next_dh: Mpi::new(&[0xab; 192]),
        ctr: [0, 0, 0, 0, 0, 0, 0, 1],
        encrypted_message: payload.clone(),
        mac: [0; 20],
        old_mac_keys: vec![1; 40],
    });
    let wire = msg.to_otr();
    let bytes = msg.encode();
    let format = FragmentFormat::V3 {
        sender_instance: 0x100,
        receiver_instance: 0x200,
    };
    let frags = fragment::fragment_for_mms(wire.as_bytes(), 300, format).expect("fragments");

    bench("data message encode (binary)", || {
        black_box(black_box(&msg).encode());
    });
    bench("data message to_otr (base64)", || {
        black_box(black_box(&msg).to_otr());
    });
    bench("data message decode (binary)", || {
        black_box(EncodedMessage::decode(black_box(&bytes)).ok());
    });
    bench("data message parse (?OTR:...)", || {
        black_box(parse::parse(black_box(wire.as_bytes())).ok());
    });
    bench("tlv split_payload", || {
        black_box(tlv::split_payload(black_box(&payload)));
    });
    bench("fragment_for_mms (mms 300)", || {
        black_box(fragment::fragment_for_mms(black_box(wire.as_bytes()), 300, format).ok());
    });
    bench("reassemble fragments", || {
        let mut r = Reassembler::new();
        for f in &frags {
            black_box(r.accumulate(black_box(f)));
        }
    });
}
