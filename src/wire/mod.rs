//! OTR wire format (protocol spec, "Data types" and "Message formats").
//!
//! Safe, sans-I/O parsing and serialization of everything OTR puts on the
//! wire, byte-compatible with libotr 4.1.1:
//! - [`codec`]: the spec's data types and a bounds-checked [`codec::Reader`];
//! - [`base64`]: libotr's lenient base64 and the `?OTR:...` wrapper;
//! - [`classify`]: `otrl_proto_message_type` / `_message_version` / `_instance`;
//! - [`query`]: query messages, whitespace tags, error messages, policy;
//! - [`message`]: typed AKE and Data messages;
//! - [`tlv`]: TLV records;
//! - [`fragment`]: fragmentation and capped reassembly;
//! - [`parse`]: one entry point classifying and parsing an incoming message.

pub mod base64;
pub mod classify;
pub mod codec;
pub mod fragment;
pub mod message;
pub mod parse;
pub mod query;
pub mod tlv;
