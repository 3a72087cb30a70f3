//! Writes the in-process part of the seed corpus (`make fuzz-seeds`): the real
//! messages of conversations between two parties of this library, made with the
//! fuzzing build's deterministic random numbers, so that each is the real next
//! message of the state its target builds. Ignored by `cargo test`; run it with
//! `--ignored`. Captures from Debian's libotr are added by fuzz/seeds.sh.

use arbitrary::{Arbitrary, Unstructured};
use otr::wire::message::ProtocolVersion;
use otr_fuzz::conversation::{self, Fault, Op, Script, Side, Versions};
use otr_fuzz::{ake, capi, receiving, smp};
use std::fs;
use std::path::Path;

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), bytes).unwrap();
}

/// The messages after their header, as the AKE and data targets take them.
fn body(bytes: &[u8], version: ProtocolVersion) -> &[u8] {
    &bytes[if version == ProtocolVersion::V3 {
        11
    } else {
        3
    }..]
}

#[test]
#[ignore]
fn write_seeds() {
    for version in [ProtocolVersion::V2, ProtocolVersion::V3] {
        let vbit = if version == ProtocolVersion::V3 { 4 } else { 0 };
        for state in 0..4u8 {
            let s = ake::scenario(state, version);
            let Some(next) = s.next else { continue };
            let target = match next.type_byte() {
                0x02 => "ake_commit",
                0x0a => "ake_key",
                0x11 => "ake_reveal_signature",
                _ => "ake_signature",
            };
            let mut seed = vec![state | vbit];
            seed.extend_from_slice(body(&next.encode(), version));
            write(target, &format!("seed-state{state}-v{vbit}"), &seed);
            write(
                "parse",
                &format!("seed-{target}-v{vbit}"),
                next.to_otr().as_bytes(),
            );
        }
        let mut pair = ake::established(version);
        for (i, text) in [&b"hello"[..], b"", b"with TLVs\0\x00\x01\x00\x00"]
            .iter()
            .enumerate()
        {
            let sent = pair.alice.send(text, &[], 2);
            let msg = sent.message.unwrap();
            let bytes = otr::wire::base64::otr_decode_data(&msg).unwrap();
            let mut seed = vec![vbit];
            seed.extend_from_slice(body(&bytes, version));
            write("data_message", &format!("seed-{i}-v{vbit}"), &seed);
            write("parse", &format!("seed-data-{i}-v{vbit}"), &msg);
            write("base64", &format!("seed-data-{i}-v{vbit}"), &msg);
            write("classify", &format!("seed-data-{i}-v{vbit}"), &msg);
        }
    }
    for n in 1..=4 {
        let m = smp::real_message(n);
        write(&format!("smp{n}"), "seed-real", &m);
        let mut tlv = vec![0, 1 + n as u8, (m.len() >> 8) as u8, m.len() as u8];
        tlv.extend_from_slice(&m);
        write("tlv", &format!("seed-smp{n}"), &tlv);
    }
    for (i, seed) in receiving::seeds().iter().enumerate() {
        write("receiving", &format!("seed-{i:02}"), seed);
        let msg = &seed[1..];
        for part in msg.split(|&b| b == 0) {
            let name = format!("seed-recv-{i:02}-{}", part.len());
            write("classify", &name, part);
            write("query", &name, part);
            write("fragment", &name, part);
        }
    }
    let _ = capi::ALICE;
    for (name, text) in [
        ("query", &b"?OTRv23?"[..]),
        ("query-v2", b"?OTR?v2?"),
        (
            "tag",
            b"hello \t  \t\t\t\t \t \t \t    \t\t  \t   \t\t  \t\t",
        ),
        ("error", b"?OTR Error: something went wrong"),
        ("fragments", b"?OTR,00001,00002,abc,\n?OTR,00002,00002,def,"),
    ] {
        write("query", &format!("seed-{name}"), text);
        write("classify", &format!("seed-{name}"), text);
        write("fragment", &format!("seed-{name}"), text);
    }
    write("privkey_file", "seed-sample", otr_fuzz::SAMPLE_KEYS);
    write("instag_file", "seed-sample", otr_fuzz::SAMPLE_INSTAGS);
    write(
        "fingerprint_file",
        "seed-sample",
        include_bytes!("../../tests/files_data/sample.fingerprints"),
    );
    write("conversation", "seed-empty", b"");
    for (i, script) in conversation_scripts().iter().enumerate() {
        let bytes = conversation::encode(script);
        let decoded = conversation::Script::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        assert_eq!(
            format!("{decoded:?}"),
            format!("{script:?}"),
            "the encoder agrees with arbitrary"
        );
        write("conversation", &format!("seed-script-{i}"), &bytes);
        conversation::run(script);
    }
}

/// Conversations for the structure-aware target: every call, every fault, both
/// versions, with and without fragmentation.
fn conversation_scripts() -> Vec<Script> {
    use Side::{Alice, Bob};
    let happy = |versions, mms| Script {
        versions,
        mms,
        ops: vec![
            Op::Query { from: Alice },
            Op::DeliverAll,
            Op::Send {
                from: Alice,
                len: 20,
                fill: b'a',
            },
            Op::Send {
                from: Bob,
                len: 300,
                fill: b'b',
            },
            Op::DeliverAll,
            Op::SmpStart {
                from: Alice,
                question: true,
                secret: 7,
            },
            Op::DeliverAll,
            Op::SmpRespond {
                from: Bob,
                secret: 7,
            },
            Op::DeliverAll,
            Op::DeliverAll,
            Op::Symkey {
                from: Alice,
                usage: 1,
                data_len: 5,
            },
            Op::DeliverAll,
            Op::Send {
                from: Bob,
                len: 3,
                fill: b'c',
            },
            Op::DeliverAll,
            Op::Disconnect {
                from: Bob,
                all: false,
            },
            Op::DeliverAll,
            Op::Poll { from: Alice },
        ],
    };
    let faults = |versions| Script {
        versions,
        mms: (0, 0),
        ops: vec![
            Op::Query { from: Bob },
            Op::Deliver {
                to: Alice,
                fault: Fault::None,
            },
            Op::Deliver {
                to: Bob,
                fault: Fault::Duplicate,
            },
            Op::Deliver {
                to: Bob,
                fault: Fault::None,
            },
            Op::DeliverAll,
            Op::Send {
                from: Alice,
                len: 10,
                fill: b'x',
            },
            Op::Send {
                from: Alice,
                len: 11,
                fill: b'y',
            },
            Op::Deliver {
                to: Bob,
                fault: Fault::Reorder,
            },
            Op::Deliver {
                to: Bob,
                fault: Fault::Duplicate,
            },
            Op::DeliverAll,
            Op::Send {
                from: Bob,
                len: 5,
                fill: b'z',
            },
            Op::Deliver {
                to: Alice,
                fault: Fault::Flip { at: 40, xor: 1 },
            },
            Op::DeliverAll,
            Op::Send {
                from: Bob,
                len: 5,
                fill: b'w',
            },
            Op::Deliver {
                to: Alice,
                fault: Fault::Truncate(30),
            },
            Op::Deliver {
                to: Alice,
                fault: Fault::Replay(3),
            },
            Op::Deliver {
                to: Alice,
                fault: Fault::Splice { at: 20, other: 4 },
            },
            Op::SmpStart {
                from: Bob,
                question: false,
                secret: 1,
            },
            Op::Deliver {
                to: Alice,
                fault: Fault::Drop,
            },
            Op::SmpAbort { from: Bob },
            Op::DeliverAll,
            Op::Disconnect {
                from: Alice,
                all: true,
            },
            Op::DeliverAll,
        ],
    };
    vec![
        happy(Versions::Both, (0, 0)),
        happy(Versions::OnlyV2, (40, 100)),
        happy(Versions::AliceV3, (100, 0)),
        faults(Versions::Both),
        faults(Versions::AliceV2),
    ]
}
