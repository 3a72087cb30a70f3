//! What `otr_parse` prints for a message: its kind and, for an encoded message, each
//! field, in libotr's toolkit's words and layout.

use crate::args::to_hex;
use crate::message::{
    decode, DataMessage, DhCommit, DhKey, Header, KeyExchange, RevealSignature, Signature,
};
use otr::wire::classify::{message_type, MessageType};
use otr::wire::codec::{DecodeError, Mpi};

/// The description of `msg` (as the C tools hold it: no NUL byte), ending in an
/// empty line. (`otr_parse` gives it only text that starts with `?OTR:`, so there it
/// never shows the plaintext kinds: queries, error messages, tagged and plain text.)
pub fn describe(msg: &[u8]) -> Vec<u8> {
    let mut out = Text::default();
    match message_type(msg) {
        MessageType::Query => out.quote("OTR Query:", msg),
        MessageType::Error => out.quote("OTR Error:", msg),
        MessageType::TaggedPlaintext => out.quote("Tagged plaintext message:", msg),
        MessageType::NotOtr => out.quote("Not an OTR message:", msg),
        MessageType::Unknown => out.quote("Unrecognized OTR message:", msg),
        MessageType::DhCommit => out.fields("D-H Commit Message", msg, DhCommit::parse, dh_commit),
        MessageType::DhKey => out.fields("D-H Key Message", msg, DhKey::parse, dh_key),
        MessageType::RevealSig => out.fields(
            "Reveal Signature Message",
            msg,
            RevealSignature::parse,
            reveal_signature,
        ),
        MessageType::Signature => out.fields("Signature Message", msg, Signature::parse, signature),
        MessageType::V1KeyExch => out.fields(
            "Key Exchange Message",
            msg,
            KeyExchange::parse,
            key_exchange,
        ),
        MessageType::Data => out.fields(
            "Data Message",
            msg,
            |raw| DataMessage::parse(raw).map(|(m, _)| m),
            data,
        ),
    }
    out.0
}

fn dh_commit(out: &mut Text, m: &DhCommit) {
    out.header(&m.header);
    out.hex("Encrypted Key", &m.encrypted_gx);
    out.hex("Hashed Key", &m.hashed_gx);
}

fn dh_key(out: &mut Text, m: &DhKey) {
    out.header(&m.header);
    out.mpi("D-H Key", &m.gy);
}

fn reveal_signature(out: &mut Text, m: &RevealSignature) {
    out.header(&m.header);
    out.hex("Key", &m.revealed_key);
    out.hex("Encrypted Signature", &m.encrypted_signature);
    out.hex("MAC", &m.mac);
}

fn signature(out: &mut Text, m: &Signature) {
    out.header(&m.header);
    out.hex("Encrypted Signature", &m.encrypted_signature);
    out.hex("MAC", &m.mac);
}

/// The fields of a version 1 Key Exchange Message; r and s as numbers.
fn key_exchange(out: &mut Text, m: &KeyExchange) {
    out.number("Reply", m.reply);
    out.mpi("DSA p", &m.p);
    out.mpi("DSA q", &m.q);
    out.mpi("DSA g", &m.g);
    out.mpi("DSA e", &m.e);
    out.number("KeyID", m.keyid);
    out.mpi("DH y", &m.y);
    out.mpi("SIG r", &Mpi::new(&m.r));
    out.mpi("SIG s", &Mpi::new(&m.s));
}

/// The fields of a Data Message: flags before the instance tags.
fn data(out: &mut Text, m: &DataMessage) {
    out.hex("Version", &[m.version]);
    if let Some(flags) = m.flags {
        out.number("Flags", flags);
    }
    out.instances(m.instances);
    out.number("Sender keyid", m.sender_keyid);
    out.number("Rcpt keyid", m.recipient_keyid);
    out.mpi("DH y", &m.next_dh);
    out.hex("Counter", &m.ctr);
    out.hex("Encrypted message", &m.encrypted_message);
    out.hex("MAC", &m.mac);
    if !m.old_mac_keys.is_empty() {
        out.0.extend_from_slice(b"\tRevealed MAC keys:\n");
        // Whole 20-byte keys only; a shorter tail is not shown.
        for (i, key) in m.old_mac_keys.chunks_exact(20).enumerate() {
            out.line(&format!("\tKey {}", i + 1), &to_hex(key));
        }
    }
}

/// A description being written.
#[derive(Default)]
struct Text(Vec<u8>);

impl Text {
    /// A message shown as it is, under `title`.
    fn quote(&mut self, title: &str, msg: &[u8]) {
        self.0.extend_from_slice(title.as_bytes());
        self.0.extend_from_slice(b"\n\t");
        self.0.extend_from_slice(msg);
        self.0.extend_from_slice(b"\n\n");
    }

    /// The fields of the encoded message `msg`, parsed by `parse` and written by
    /// `write` under `kind`, or a line saying it is invalid.
    fn fields<T>(
        &mut self,
        kind: &str,
        msg: &[u8],
        parse: impl FnOnce(&[u8]) -> Result<T, DecodeError>,
        write: impl FnOnce(&mut Self, &T),
    ) {
        match decode(msg).map(|raw| parse(&raw)) {
            Some(Ok(message)) => {
                self.0.extend_from_slice(format!("{kind}:\n").as_bytes());
                write(self, &message);
            }
            _ => self
                .0
                .extend_from_slice(format!("Invalid {kind}\n").as_bytes()),
        }
        self.0.push(b'\n');
    }

    /// `\t<title>: <value>`.
    fn line(&mut self, title: &str, value: &str) {
        self.0
            .extend_from_slice(format!("\t{title}: {value}\n").as_bytes());
    }

    fn hex(&mut self, title: &str, bytes: &[u8]) {
        self.line(title, &to_hex(bytes));
    }

    /// An MPI's value: minimal big-endian bytes (nothing for zero).
    fn mpi(&mut self, title: &str, value: &Mpi) {
        self.hex(title, value.magnitude());
    }

    fn number(&mut self, title: &str, value: impl Into<u32>) {
        self.line(title, &value.into().to_string());
    }

    /// An AKE message's version and instance tags.
    fn header(&mut self, header: &Header) {
        self.hex("Version", &[header.version]);
        self.instances(header.instances);
    }

    fn instances(&mut self, instances: Option<crate::message::Instances>) {
        if let Some(tags) = instances {
            self.number("Sender instance", tags.sender);
            self.number("Receiver instance", tags.receiver);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_kinds_are_quoted() {
        assert_eq!(describe(b"?OTRv3?"), b"OTR Query:\n\t?OTRv3?\n\n");
        assert_eq!(
            describe(b"?OTR Error: x"),
            b"OTR Error:\n\t?OTR Error: x\n\n"
        );
        assert_eq!(describe(b"hi"), b"Not an OTR message:\n\thi\n\n");
        assert_eq!(
            describe(b"hi \t  \t\t\t\t \t \t \t  "),
            b"Tagged plaintext message:\n\thi \t  \t\t\t\t \t \t \t  \n\n"
        );
    }
}
