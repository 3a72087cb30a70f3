//! Transcripts against the real libotr 4.1.1: tests/ref/session_peer.c,
//! built against Debian's libotr pinned by path
//! (`tests/reference`), is the peer (through
//! `otrl_message_receiving` / `otrl_message_sending`); our [`Session`] is
//! the other side. AKE in v3 and v2 started from either side, messages in
//! both directions with key rotation, and the disconnected TLV. Fails
//! loudly when the reference cannot be built.

#[path = "reference/mod.rs"]
mod reference;

use otr::crypto::dsa::PrivateKey;
use otr::files::privkey::parse_private_keys;
use otr::session::{Event, MsgState, Session};
use otr::wire::message::ProtocolVersion;
use otr::wire::query::Policy;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

const KEY_FILE: &str = "tests/files_data/sample.private_key";

/// The compiled peer, built once per test binary.
fn peer_binary() -> &'static Path {
    static PEER: OnceLock<PathBuf> = OnceLock::new();
    PEER.get_or_init(|| reference::build("session_peer.c", "session_peer"))
}

struct Peer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

#[derive(Default, Debug)]
struct Reply {
    send: Vec<String>,
    show: Vec<String>,
    secure: bool,
    disconnected: bool,
    events: Vec<String>,
}

impl Peer {
    fn start() -> Self {
        let mut child = Command::new(peer_binary())
            .arg(KEY_FILE)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start libotr peer");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
        }
    }

    fn command(&mut self, kind: char, text: &str) -> Reply {
        writeln!(self.stdin, "{kind} {text}").unwrap();
        self.stdin.flush().unwrap();
        let mut reply = Reply::default();
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "peer died");
            let line = line.trim_end_matches('\n');
            match line.split_once(' ').unwrap_or((line, "")) {
                ("DONE", _) => return reply,
                ("SEND", m) => reply.send.push(m.to_string()),
                ("SHOW", m) => reply.show.push(m.to_string()),
                ("SECURE", _) => reply.secure = true,
                ("DISCONNECTED", _) => reply.disconnected = true,
                ("EVENT", e) => reply.events.push(e.to_string()),
                other => panic!("unexpected peer output {other:?}"),
            }
        }
    }

    fn receive(&mut self, msg: &str) -> Reply {
        self.command('R', msg)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn our_session() -> Session {
    let read = parse_private_keys(&std::fs::read(KEY_FILE).unwrap());
    let dsa = &read.keys[0].dsa;
    let key = PrivateKey::from_components(&dsa.p, &dsa.q, &dsa.g, &dsa.y, dsa.x.as_ref().unwrap())
        .unwrap();
    Session::new(Policy(0x02 | 0x04), b"bob", 0x4242_4242, Some(key))
}

/// Run messages back and forth until neither side has anything to send.
fn exchange(ours: &mut Session, peer: &mut Peer, mut to_peer: Vec<String>) -> (bool, Vec<Event>) {
    let mut peer_secure = false;
    let mut events = Vec::new();
    while !to_peer.is_empty() {
        let mut to_us = Vec::new();
        for m in to_peer.drain(..) {
            let r = peer.receive(&m);
            peer_secure |= r.secure;
            to_us.extend(r.send);
        }
        for m in to_us {
            let r = ours.receive(m.as_bytes(), 1);
            events.extend(r.events());
            to_peer.extend(r.to_send());
        }
    }
    (peer_secure, events)
}

fn converse(ours: &mut Session, peer: &mut Peer, rounds: usize) {
    for i in 0..rounds {
        let text = format!("from rust {i}");
        let sent = ours.send(text.as_bytes(), &[], 2);
        let wire = String::from_utf8(sent.message.unwrap()).unwrap();
        let r = peer.receive(&wire);
        assert_eq!(r.show, vec![text], "round {i}: {r:?}");
        if i % 3 == 0 {
            continue; // sometimes several in a row from us
        }
        let text = format!("from libotr {i}");
        let r = peer.command('S', &text);
        assert_eq!(r.send.len(), 1, "{r:?}");
        let got = ours.receive(r.send[0].as_bytes(), 2);
        assert_eq!(
            got.message.as_deref().map(Vec::as_slice),
            Some(text.as_bytes()),
            "{:?}",
            got.events()
        );
    }
}

fn check(query: &str, version: ProtocolVersion) {
    // libotr initiates (answering our query).
    let mut ours = our_session();
    let mut peer = Peer::start();
    let r = peer.receive(query);
    let mut to_us = r.send;
    let mut peer_secure = false;
    let mut events = Vec::new();
    while let Some(m) = to_us.pop() {
        let got = ours.receive(m.as_bytes(), 1);
        events.extend(got.events());
        let (s, e) = exchange(&mut ours, &mut peer, got.to_send());
        peer_secure |= s;
        events.extend(e);
    }
    assert!(
        events.iter().any(|e| matches!(e, Event::GoneSecure(_))),
        "{events:?}"
    );
    assert!(peer_secure, "libotr did not go secure");
    assert_eq!(ours.msgstate(), MsgState::Encrypted);
    assert_eq!(ours.protocol_version(), Some(version));
    converse(&mut ours, &mut peer, 60);
    // Our disconnect ends the session on libotr's side.
    let bye = ours.disconnect().unwrap();
    assert!(peer.receive(&bye).disconnected);
}

#[test]
fn libotr_answers_v3_query() {
    check("?OTRv3?", ProtocolVersion::V3);
}

#[test]
fn libotr_answers_v2_query() {
    check("?OTRv2?", ProtocolVersion::V2);
}

#[test]
fn we_initiate_v3() {
    let mut ours = our_session();
    let mut peer = Peer::start();
    let commit = ours.start_ake(1).unwrap();
    let (peer_secure, events) = exchange(&mut ours, &mut peer, vec![commit]);
    assert!(peer_secure, "libotr did not go secure");
    assert!(
        events.iter().any(|e| matches!(e, Event::GoneSecure(_))),
        "{events:?}"
    );
    converse(&mut ours, &mut peer, 60);
}
