//! A real two-party conversation through the C API, in one process, with the network
//! in the fuzzer's hands: a script of operations (`Vec<Op>`, from the `arbitrary`
//! crate) sends messages, delivers, drops, duplicates, reorders, truncates, corrupts
//! and replays what is in flight, and interleaves the other calls a client makes
//! (SMP start/respond/abort, the extra symmetric key, disconnect, poll, starting
//! over).
//!
//! Asserts, besides no crash, no panic and (under LeakSanitizer) no leak:
//! - every message a party shows as decrypted is exactly one the other sent (the
//!   `#n#` prefix names which), and none is decrypted twice (a resent copy, with the
//!   resent prefix, aside);
//! - a symmetric key the peer reports for a use is the one the sender got for it;
//! - once the faults stop, what is in flight is delivered, a fresh AKE brings both
//!   sides to an encrypted session, and a message each way arrives exactly.

use crate::capi::{Party, ALICE, BOB};
use crate::reseed;
use arbitrary::{Arbitrary, Unstructured};
use otr::ffi::proto::*;
use std::collections::{HashMap, VecDeque};

/// Who acts.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Alice,
    Bob,
}

/// What happens to the next message on its way.
#[derive(Arbitrary, Debug)]
pub enum Fault {
    /// Delivered as sent.
    None,
    /// Lost.
    Drop,
    /// Delivered twice.
    Duplicate,
    /// Sent to the back of the queue (delivered after later ones).
    Reorder,
    /// Cut to this many bytes.
    Truncate(u16),
    /// One byte changed (position taken modulo the length).
    Flip { at: u16, xor: u8 },
    /// Its first `at` bytes followed by what follows them in an earlier message (which
    /// one: modulo the number delivered).
    Splice { at: u16, other: u8 },
    /// An earlier message delivered again (which one: modulo the number delivered).
    Replay(u8),
}

/// One step of the script.
#[derive(Arbitrary, Debug)]
pub enum Op {
    /// The user types a message of `len` bytes (modulo 1500) of `fill` (prefixed `#n#`
    /// so it can be recognised).
    Send {
        from: Side,
        len: u16,
        fill: u8,
    },
    /// The client sends a query message, as "start private conversation" does.
    Query {
        from: Side,
    },
    /// The next message in flight to `to`, with a fault.
    Deliver {
        to: Side,
        fault: Fault,
    },
    /// Everything in flight, both ways, as sent (a few rounds).
    DeliverAll,
    SmpStart {
        from: Side,
        question: bool,
        secret: u8,
    },
    SmpRespond {
        from: Side,
        secret: u8,
    },
    SmpAbort {
        from: Side,
    },
    /// The extra symmetric key, announced for `usage` with `data_len` (modulo 64)
    /// bytes of use data.
    Symkey {
        from: Side,
        usage: u32,
        data_len: u8,
    },
    Disconnect {
        from: Side,
        all: bool,
    },
    Poll {
        from: Side,
    },
}

/// The versions both sides allow; there is always one in common.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Versions {
    Both,
    AliceV2,
    AliceV3,
    OnlyV2,
    OnlyV3,
}

/// A whole input: the set-up, then the script.
#[derive(Arbitrary, Debug)]
pub struct Script {
    pub versions: Versions,
    /// The maximum message size of each side: 0 none, else 60 + the value.
    pub mms: (u8, u8),
    pub ops: Vec<Op>,
}

/// At most this many steps are run, and texts are shorter than this.
const MAX_OPS: usize = 64;
const MAX_TEXT: usize = 1500;

/// Both parties, the wire between them, and what each sent.
struct World {
    alice: Box<Party>,
    bob: Box<Party>,
    /// Messages in flight to Alice and to Bob.
    to_alice: VecDeque<Vec<u8>>,
    to_bob: VecDeque<Vec<u8>>,
    /// Messages already delivered (for replays).
    delivered: Vec<Vec<u8>>,
    /// Texts sent by Alice and by Bob, by number; and how often each was decrypted.
    sent: [Vec<Vec<u8>>; 2],
    decrypted: [HashMap<usize, u32>; 2],
    /// Symmetric keys each side got, by the use and use data it sent.
    symkeys: [HashMap<Vec<u8>, Vec<[u8; 32]>>; 2],
}

const fn index(side: Side) -> usize {
    match side {
        Side::Alice => 0,
        Side::Bob => 1,
    }
}

impl World {
    fn new(script: &Script) -> World {
        let mut alice = Party::new(ALICE, BOB);
        let mut bob = Party::new(BOB, ALICE);
        let base = OTRL_POLICY_DEFAULT & !OTRL_POLICY_VERSION_MASK;
        let (a, b) = match script.versions {
            Versions::Both => (
                OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3,
                OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3,
            ),
            Versions::AliceV2 => (
                OTRL_POLICY_ALLOW_V2,
                OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3,
            ),
            Versions::AliceV3 => (
                OTRL_POLICY_ALLOW_V3,
                OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3,
            ),
            Versions::OnlyV2 => (OTRL_POLICY_ALLOW_V2, OTRL_POLICY_ALLOW_V2),
            Versions::OnlyV3 => (OTRL_POLICY_ALLOW_V3, OTRL_POLICY_ALLOW_V3),
        };
        (alice.policy, bob.policy) = (base | a, base | b);
        let mms = |m: u8| if m == 0 { 0 } else { 60 + i32::from(m) };
        (alice.mms, bob.mms) = (mms(script.mms.0), mms(script.mms.1));
        World {
            alice,
            bob,
            to_alice: VecDeque::new(),
            to_bob: VecDeque::new(),
            delivered: Vec::new(),
            sent: [Vec::new(), Vec::new()],
            decrypted: [HashMap::new(), HashMap::new()],
            symkeys: [HashMap::new(), HashMap::new()],
        }
    }

    fn party(&mut self, side: Side) -> &mut Party {
        match side {
            Side::Alice => &mut self.alice,
            Side::Bob => &mut self.bob,
        }
    }

    /// Moves what both parties sent onto the wire.
    fn collect(&mut self) {
        self.to_bob.extend(self.alice.outbox.drain(..));
        self.to_alice.extend(self.bob.outbox.drain(..));
    }

    /// `to` receives `msg`; checks what it shows and the keys it reports.
    fn receive(&mut self, to: Side, msg: &[u8]) {
        let from = index(to) ^ 1;
        let party = self.party(to);
        party.msg_events.clear();
        party.symkeys.clear();
        let incoming = party.receive(msg);
        let unencrypted = party
            .msg_events
            .iter()
            .any(|(e, _)| *e == otr::ffi::message::OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED);
        let reported: Vec<_> = party.symkeys.drain(..).collect();
        if let (Some(text), Some(1)) = (&incoming.message, incoming.msgstate) {
            if !unencrypted && !incoming.ignore {
                self.check_decrypted(from, text);
            }
        }
        for (usage, data, key) in reported {
            let keys = self.symkeys[from].get(&symkey_use(usage, &data));
            assert!(
                keys.is_some_and(|k| k.contains(&key)),
                "a symmetric key nobody sent (use {usage})"
            );
        }
        self.collect();
    }

    /// A text shown as decrypted must be one that `from` sent, exactly, and (unless
    /// resent) shown once.
    fn check_decrypted(&mut self, from: usize, text: &[u8]) {
        // libotr keeps what it sent as the last message, prefix included, so a message
        // resent twice arrives as "[resent] [resent] text".
        let mut body = text;
        while let Some(rest) = body.strip_prefix(b"[resent] ") {
            body = rest;
        }
        let resent = body.len() < text.len();
        // libotr's last message is empty after a heartbeat or an SMP message (its Data
        // Messages without text), and an error message makes it resend that.
        if resent && body.is_empty() {
            return;
        }
        let n = parse_number(body).unwrap_or_else(|| {
            panic!(
                "decrypted text nobody sent: {:?}",
                String::from_utf8_lossy(text)
            )
        });
        assert_eq!(
            self.sent[from].get(n).map(Vec::as_slice),
            Some(body),
            "decrypted text differs from the one sent"
        );
        if !resent {
            let count = self.decrypted[from].entry(n).or_default();
            *count += 1;
            assert_eq!(*count, 1, "message #{n} decrypted twice");
        }
    }

    fn deliver(&mut self, to: Side, fault: &Fault) {
        let queue = match to {
            Side::Alice => &mut self.to_alice,
            Side::Bob => &mut self.to_bob,
        };
        let Some(mut msg) = queue.pop_front() else {
            return;
        };
        match fault {
            Fault::None => {}
            Fault::Drop => return,
            Fault::Duplicate => queue.push_front(msg.clone()),
            Fault::Reorder => {
                queue.push_back(msg);
                return;
            }
            Fault::Truncate(n) => msg.truncate(usize::from(*n)),
            Fault::Flip { at, xor } => {
                if !msg.is_empty() {
                    let at = usize::from(*at) % msg.len();
                    msg[at] ^= xor;
                }
            }
            Fault::Splice { at, other } => {
                if !self.delivered.is_empty() {
                    let other = &self.delivered[usize::from(*other) % self.delivered.len()];
                    let at = usize::from(*at);
                    msg.truncate(at);
                    msg.extend_from_slice(other.get(at..).unwrap_or_default());
                }
            }
            Fault::Replay(i) => {
                if !self.delivered.is_empty() {
                    msg = self.delivered[usize::from(*i) % self.delivered.len()].clone();
                }
            }
        }
        if self.delivered.len() < 256 {
            self.delivered.push(msg.clone());
        }
        self.receive(to, &msg);
    }

    /// Delivers everything in flight as sent, for at most `rounds` rounds.
    fn deliver_all(&mut self, rounds: usize) {
        for _ in 0..rounds {
            if self.to_alice.is_empty() && self.to_bob.is_empty() {
                return;
            }
            while let Some(m) = self.to_bob.pop_front() {
                self.receive(Side::Bob, &m);
            }
            while let Some(m) = self.to_alice.pop_front() {
                self.receive(Side::Alice, &m);
            }
        }
    }

    fn send(&mut self, from: Side, text: &[u8]) -> bool {
        let n = self.sent[index(from)].len();
        let mut full = format!("#{n}#").into_bytes();
        full.extend_from_slice(crate::until_nul(text));
        self.sent[index(from)].push(full.clone());
        let ok = self.party(from).send(&full) == 0;
        self.collect();
        ok
    }

    fn run(&mut self, op: &Op) {
        match op {
            Op::Send { from, len, fill } => {
                let text = vec![*fill; usize::from(*len) % MAX_TEXT];
                self.send(*from, &text);
            }
            Op::Query { from } => self.party(*from).query(),
            Op::Deliver { to, fault } => self.deliver(*to, fault),
            Op::DeliverAll => self.deliver_all(4),
            Op::SmpStart {
                from,
                question,
                secret,
            } => {
                let q = question.then_some(&b"what is the secret?"[..]);
                self.party(*from).initiate_smp(q, &[*secret]);
            }
            Op::SmpRespond { from, secret } => self.party(*from).respond_smp(&[*secret]),
            Op::SmpAbort { from } => self.party(*from).abort_smp(),
            Op::Symkey {
                from,
                usage,
                data_len,
            } => {
                let data: Vec<u8> = (0..data_len % 64).collect();
                let data = &data[..];
                if let Some(key) = self.party(*from).symkey(*usage, data) {
                    // The same use may be announced again under newer keys.
                    self.symkeys[index(*from)]
                        .entry(symkey_use(*usage, data))
                        .or_default()
                        .push(key);
                }
            }
            Op::Disconnect { from, all } => self.party(*from).disconnect(*all),
            Op::Poll { from } => self.party(*from).poll(),
        }
        self.collect();
    }

    /// After the faults: deliver what is in flight, run a fresh AKE from a query, and
    /// send one message each way.
    fn finish(&mut self) {
        self.deliver_all(8);
        self.alice.query();
        self.collect();
        self.deliver_all(8);
        assert_eq!(
            (self.alice.msgstate(), self.bob.msgstate()),
            (1, 1),
            "the fresh AKE did not bring both sides to encrypted"
        );
        for from in [Side::Alice, Side::Bob] {
            let to = if from == Side::Alice {
                Side::Bob
            } else {
                Side::Alice
            };
            let n = self.sent[index(from)].len();
            assert!(
                self.send(from, b"after the storm"),
                "sending failed after the fresh AKE"
            );
            self.deliver_all(2);
            assert_eq!(
                self.decrypted[index(from)].get(&n),
                Some(&1),
                "the message after the fresh AKE did not arrive ({to:?})"
            );
        }
    }
}

/// The use and its data, as one key.
fn symkey_use(usage: u32, data: &[u8]) -> Vec<u8> {
    let mut out = usage.to_be_bytes().to_vec();
    out.extend_from_slice(data);
    out
}

/// The `n` of a text that starts `#n#`.
fn parse_number(text: &[u8]) -> Option<usize> {
    let rest = text.strip_prefix(b"#")?;
    let end = rest.iter().position(|&b| b == b'#')?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// The target: see the module documentation.
pub fn conversation(data: &[u8]) {
    let Ok(script) = Script::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    run(&script);
}

/// Runs a script (also used to write the seed corpus).
pub fn run(script: &Script) {
    let verbose = std::env::var_os("OTR_FUZZ_VERBOSE").is_some();
    if verbose {
        eprintln!("conversation: {script:#?}");
    }
    reseed(7);
    let mut world = World::new(script);
    for op in script.ops.iter().take(MAX_OPS) {
        world.run(op);
    }
    world.finish();
}

/// The bytes that `arbitrary` decodes into `script` (for the seed corpus): every field
/// is an integer, little-endian, an enum's variant `i` of `n` is the `u32` `x` with
/// `x * n >> 32 == i`, and each step is preceded by a byte with bit 0 set ("more").
pub fn encode(script: &Script) -> Vec<u8> {
    let mut out = Vec::new();
    let variant = |out: &mut Vec<u8>, i: u64, n: u64| {
        let x = u32::try_from((i << 32).div_ceil(n)).expect("a variant");
        out.extend_from_slice(&x.to_le_bytes());
    };
    let side = |out: &mut Vec<u8>, s: Side| variant(out, index(s) as u64, 2);
    variant(&mut out, script.versions as u64, 5);
    out.extend_from_slice(&[script.mms.0, script.mms.1]);
    for op in &script.ops {
        out.push(1);
        match op {
            Op::Send { from, len, fill } => {
                variant(&mut out, 0, 10);
                side(&mut out, *from);
                out.extend_from_slice(&len.to_le_bytes());
                out.push(*fill);
            }
            Op::Query { from } => {
                variant(&mut out, 1, 10);
                side(&mut out, *from);
            }
            Op::Deliver { to, fault } => {
                variant(&mut out, 2, 10);
                side(&mut out, *to);
                let (i, args): (u64, Vec<u8>) = match fault {
                    Fault::None => (0, vec![]),
                    Fault::Drop => (1, vec![]),
                    Fault::Duplicate => (2, vec![]),
                    Fault::Reorder => (3, vec![]),
                    Fault::Truncate(n) => (4, n.to_le_bytes().to_vec()),
                    Fault::Flip { at, xor } => (5, [&at.to_le_bytes()[..], &[*xor]].concat()),
                    Fault::Splice { at, other } => (6, [&at.to_le_bytes()[..], &[*other]].concat()),
                    Fault::Replay(i) => (7, vec![*i]),
                };
                variant(&mut out, i, 8);
                out.extend_from_slice(&args);
            }
            Op::DeliverAll => variant(&mut out, 3, 10),
            Op::SmpStart {
                from,
                question,
                secret,
            } => {
                variant(&mut out, 4, 10);
                side(&mut out, *from);
                out.extend_from_slice(&[u8::from(*question), *secret]);
            }
            Op::SmpRespond { from, secret } => {
                variant(&mut out, 5, 10);
                side(&mut out, *from);
                out.push(*secret);
            }
            Op::SmpAbort { from } => {
                variant(&mut out, 6, 10);
                side(&mut out, *from);
            }
            Op::Symkey {
                from,
                usage,
                data_len,
            } => {
                variant(&mut out, 7, 10);
                side(&mut out, *from);
                out.extend_from_slice(&usage.to_le_bytes());
                out.push(*data_len);
            }
            Op::Disconnect { from, all } => {
                variant(&mut out, 8, 10);
                side(&mut out, *from);
                out.push(u8::from(*all));
            }
            Op::Poll { from } => {
                variant(&mut out, 9, 10);
                side(&mut out, *from);
            }
        }
    }
    out
}
