//! One OTR conversation with one peer instance, sans-I/O (spec "Protocol
//! state machine": message state, authentication state and policies;
//! libotr's `otrl_message_receiving` / `otrl_message_sending` for one
//! `ConnContext`).
//!
//! A [`Session`] is driven by three inputs — an incoming message
//! ([`Session::receive`]), a message the user sends ([`Session::send`]) and
//! the user ending the conversation ([`Session::disconnect`]) — and returns
//! what to transmit and what happened ([`Event`]). It never calls out; the
//! caller supplies the time in seconds. Fragmentation of outgoing messages,
//! routing between a master context and its instance children, fingerprint
//! stores and SMP are the caller's.

pub mod keys;

use crate::ake::{Ake, AkeError, AkeResult, AuthState, Completed};
use crate::crypto::ake_keys::{SessionId, SessionIdHalf};
use crate::crypto::dh::ExtraKey;
use crate::crypto::dsa::{self, PrivateKey};
use crate::crypto::Fingerprint;
use crate::smp::{self, Smp};
use crate::wire::base64;
use crate::wire::classify::{Classified, MessageType};
use crate::wire::fragment::{self, Accumulated, Reassembler};
use crate::wire::message::{
    data_message_flags, DataMessage, EncodedMessage, Header, ProtocolVersion,
    FLAG_IGNORE_UNREADABLE,
};
use crate::wire::parse::{self, Message, ParseError};
use crate::wire::query::{self, Policy, Versions};
use crate::wire::tlv::{self, Tlv};
pub use keys::{DataError, DataKeys};
use zeroize::Zeroizing;

/// The smallest valid instance tag (spec "Instance Tags": "values 0x00000000
/// through 0x000000FF are reserved"; libotr's `OTRL_MIN_VALID_INSTAG`).
pub const MIN_VALID_INSTAG: u32 = 0x100;

/// Seconds without sending after which receiving a message makes us send a
/// heartbeat (libotr's `HEARTBEAT_INTERVAL`).
pub const HEARTBEAT_INTERVAL: u64 = 60;

/// Message state (spec "Message state"; libotr's `OtrlMessageState`, same
/// discriminants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MsgState {
    /// `MSGSTATE_PLAINTEXT`.
    Plaintext = 0,
    /// `MSGSTATE_ENCRYPTED`.
    Encrypted = 1,
    /// `MSGSTATE_FINISHED`: the peer ended the private conversation.
    Finished = 2,
}

/// Whether our whitespace-tag offer was answered (libotr's `OtrlOtrOffer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Offer {
    /// `OFFER_NOT`.
    NotSent = 0,
    /// `OFFER_SENT`.
    Sent = 1,
    /// `OFFER_REJECTED`.
    Rejected = 2,
    /// `OFFER_ACCEPTED`.
    Accepted = 3,
}

/// An OTR error message libotr would inject (its `OtrlErrorCode`, same
/// discriminants); the caller chooses the text (libotr's
/// `otr_error_message` callback).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `OTRL_ERRCODE_MSG_UNREADABLE`.
    MsgUnreadable = 3,
    /// `OTRL_ERRCODE_MSG_MALFORMED`.
    MsgMalformed = 4,
}

/// Why a message was dropped without any event in libotr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ignored {
    /// Its protocol version is not allowed by the policy (or is v1).
    VersionNotAllowed,
    /// An AKE message the current authentication state ignores.
    UnexpectedAkeMessage,
    /// The revealed r does not open the committed g^x (libotr: silent).
    AkeHashMismatch,
    /// A D-H Key or Reveal Signature message arrived and we have no private
    /// key to answer it with (libotr: silent).
    NoPrivateKey,
    /// An unreadable Data Message flagged IGNORE_UNREADABLE.
    UnreadableFlagged(DataError),
    /// A Data Message flagged IGNORE_UNREADABLE outside an encrypted session.
    NotInPrivateFlagged,
    /// A fragment was stored; the message is not complete yet.
    Fragment,
}

/// What happened (mirrors libotr's callbacks and `OTRL_MSGEVENT_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An AKE completed and the session is now encrypted (`gone_secure`).
    GoneSecure(AkeEnd),
    /// An AKE refreshed an encrypted session with the same peer key
    /// (`still_secure`).
    StillSecure(AkeEnd),
    /// The peer's D-H key of the AKE is ours (`OTRL_MSGEVENT_MSG_REFLECTED`).
    Reflected(AkeEnd),
    /// An AKE message was rejected (`OTRL_MSGEVENT_SETUP_ERROR`).
    SetupError(AkeError),
    /// Plaintext arrived while encrypted, finished or requiring encryption
    /// (`OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED`), with its text.
    ReceivedUnencrypted(Vec<u8>),
    /// An OTR error message arrived (`OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR`).
    GeneralError(Vec<u8>),
    /// A Data Message arrived outside an encrypted session
    /// (`OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE`).
    NotInPrivate,
    /// A Data Message could not be read (`OTRL_MSGEVENT_RCVDMSG_UNREADABLE`).
    Unreadable(DataError),
    /// A message was malformed (`OTRL_MSGEVENT_RCVDMSG_MALFORMED`).
    Malformed(Malformation),
    /// A message for another instance (`OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE`).
    ForOtherInstance,
    /// An OTR message of unknown kind (`OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED`).
    Unrecognized,
    /// An empty Data Message arrived (`OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD`).
    HeartbeatReceived,
    /// We sent a heartbeat (`OTRL_MSGEVENT_LOG_HEARTBEAT_SENT`).
    HeartbeatSent,
    /// The peer sent the disconnected TLV; the session is now finished.
    PeerDisconnected,
    /// The peer announced a use of the extra symmetric key (TLV 8, spec
    /// "Extra symmetric key"); the key is [`Received::extra_key`].
    ReceivedSymkey {
        /// The 4-byte use code.
        use_: u32,
        /// The use-specific data after it.
        use_data: Vec<u8>,
    },
    /// A message was not sent because the policy requires encryption; a
    /// query was sent instead (`OTRL_MSGEVENT_ENCRYPTION_REQUIRED`).
    EncryptionRequired,
    /// A message was not sent because the peer ended the session
    /// (`OTRL_MSGEVENT_CONNECTION_ENDED`).
    ConnectionEnded,
    /// Send an OTR error message with this code (libotr injects
    /// `?OTR Error: ` + the application's text).
    SendError(ErrorCode),
    /// The message was dropped silently.
    Ignored(Ignored),
}

/// What a client reads of a session while the end of an AKE is reported.
/// libotr reports it from inside the AKE's last step (its `go_encrypted` is
/// the AKE's `auth_succeeded` callback): the authentication state is still
/// the one that awaited the Reveal Signature or Signature message, and the
/// message state and protocol version are the old ones until the peer's
/// fingerprint has been recorded (`new_fingerprint`, `write_fingerprints`).
/// The session itself has moved on already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AkeEnd {
    /// `auth.authstate` meanwhile.
    pub auth_state: AuthState,
    /// `msgstate` until the fingerprint is recorded.
    pub msgstate: MsgState,
    /// `protocol_version` until the fingerprint is recorded.
    pub protocol_version: Option<ProtocolVersion>,
    /// Our and their D-H key ids until the fingerprint is recorded.
    pub keyids: (u32, u32),
}

/// What was wrong with a malformed message. Kept as found and only put into
/// words when shown, so that rejecting bad input costs no formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformation {
    /// It does not parse.
    Unparsable(ParseError),
    /// A Data Message whose contents cannot be used (e.g. its next D-H key).
    BadData(String),
    /// Its sender instance tag is below the smallest valid one.
    SenderInstanceTag,
}

impl core::fmt::Display for Malformation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Unparsable(e) => write!(f, "{e}"),
            Self::BadData(why) => f.write_str(why),
            Self::SenderInstanceTag => f.write_str("sender instance tag"),
        }
    }
}

/// One thing [`Session::receive`] asks of its caller, in the order libotr
/// does them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Transmit this message to the peer (unfragmented).
    Send(String),
    /// Transmit `message` (unfragmented); sending it counts as sending
    /// (libotr's `lastsent`, which heartbeats and resends go by), from when
    /// it has gone. The session holds the new time already; until then a
    /// client still reads `last_sent_before`.
    SendCounted {
        /// The message.
        message: String,
        /// [`Session::last_sent`] until the message has gone.
        last_sent_before: u64,
    },
    /// Report this event.
    Event(Event),
    /// Handle one SMP TLV.
    Smp(SmpStep),
}

/// The handling of one SMP TLV of a received Data Message (spec "Socialist
/// Millionaires' Protocol"; libotr's `otrl_message_receiving`), in field
/// order: record the trust, send the reply, report the event, all while a
/// client reading the SMP state sees `view` (see [`smp::Received::view`];
/// [`Session::smp`] has moved on already).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmpStep {
    /// The SMP state a client sees meanwhile.
    pub view: smp::View,
    /// Record the SMP's verdict as the active fingerprint's trust (`true`:
    /// libotr's `"smp"`, `false`: `""`), then write the fingerprints.
    pub trust: Option<bool>,
    /// Transmit this message (SMP message 3 or 4, unfragmented).
    pub reply: Option<String>,
    /// The event for the user (libotr's `handle_smp_event`).
    pub event: smp::Event,
}

/// The result of [`Session::receive`].
#[derive(Debug, Default)]
pub struct Received {
    /// Messages to transmit and events to report, in order.
    pub outputs: Vec<Output>,
    /// The message to show the user, if any (libotr's `*newmessagep` when
    /// it does not ask to ignore the message); wiped when dropped, as it may
    /// be decrypted text.
    pub message: Option<Zeroizing<Vec<u8>>>,
    /// TLVs of a decrypted Data Message (also of heartbeats).
    pub tlvs: Vec<Tlv>,
    /// The extra symmetric key of the keys that protected a decrypted Data
    /// Message (for TLV 8).
    pub extra_key: Option<Zeroizing<ExtraKey>>,
}

impl Received {
    /// The messages to transmit, in order (SMP replies included).
    pub fn to_send(&self) -> Vec<String> {
        self.outputs
            .iter()
            .filter_map(|o| match o {
                Output::Send(m) | Output::SendCounted { message: m, .. } => Some(m.clone()),
                Output::Smp(step) => step.reply.clone(),
                Output::Event(_) => None,
            })
            .collect()
    }

    /// The events, in order (not the SMP's: [`Received::smp_steps`]).
    pub fn events(&self) -> Vec<Event> {
        self.outputs
            .iter()
            .filter_map(|o| match o {
                Output::Event(e) => Some(e.clone()),
                Output::Send(_) | Output::SendCounted { .. } | Output::Smp(_) => None,
            })
            .collect()
    }

    /// The handling of the SMP TLVs, in order.
    pub fn smp_steps(&self) -> impl Iterator<Item = &SmpStep> {
        self.outputs.iter().filter_map(|o| match o {
            Output::Smp(step) => Some(step),
            Output::Send(_) | Output::SendCounted { .. } | Output::Event(_) => None,
        })
    }

    /// Empties it for reuse, keeping the room of its buffers.
    pub fn clear(&mut self) {
        self.outputs.clear();
        self.message = None;
        self.tlvs.clear();
        self.extra_key = None;
    }

    fn send(&mut self, msg: String) {
        self.outputs.push(Output::Send(msg));
    }

    fn event(&mut self, event: Event) {
        self.outputs.push(Output::Event(event));
    }
}

/// The result of [`Session::send`].
#[derive(Debug, Default)]
pub struct Sent {
    /// What to transmit instead of the user's message (`None`: nothing).
    pub message: Option<Vec<u8>>,
    /// What happened.
    pub events: Vec<Event>,
}

/// One conversation with one peer instance.
#[derive(Debug)]
pub struct Session {
    policy: Policy,
    account_name: Vec<u8>,
    /// Boxed, as the peer's key below: an idle session carries no room for them.
    private_key: Option<Box<PrivateKey>>,
    our_instance: u32,
    /// The instance tag incoming v3 messages must be addressed to, when it is
    /// not `our_instance`.
    receiver_instance: Option<u32>,
    their_instance: u32,
    msgstate: MsgState,
    protocol_version: Option<ProtocolVersion>,
    ake: Ake,
    /// Boxed: most contexts never get this far, and the keys are large.
    keys: Option<Box<DataKeys>>,
    session_id: Option<(SessionId, SessionIdHalf)>,
    their_long_term_key: Option<Box<dsa::PublicKey>>,
    their_fingerprint: Option<Fingerprint>,
    offer: Offer,
    last_sent: u64,
    last_recv: u64,
    reassembler: Reassembler,
    smp: Smp,
    master: bool,
}

impl Session {
    /// A session in `MSGSTATE_PLAINTEXT` / `AUTHSTATE_NONE` for an account
    /// (its name goes into query messages) with our instance tag.
    pub fn new(
        policy: Policy,
        account_name: &[u8],
        our_instance: u32,
        private_key: Option<PrivateKey>,
    ) -> Self {
        Self {
            policy,
            account_name: account_name.to_vec(),
            private_key: private_key.map(Box::new),
            our_instance,
            receiver_instance: None,
            their_instance: 0,
            msgstate: MsgState::Plaintext,
            protocol_version: None,
            ake: Ake::new(),
            keys: None,
            session_id: None,
            their_long_term_key: None,
            their_fingerprint: None,
            offer: Offer::NotSent,
            last_sent: 0,
            last_recv: 0,
            reassembler: Reassembler::new(),
            smp: Smp::new(),
            master: false,
        }
    }

    // ---- accessors (what the C layer mirrors into `ConnContext`) ----

    /// The policy.
    pub fn policy(&self) -> Policy {
        self.policy
    }
    /// Change the policy.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }
    /// Set or replace our long-term private key.
    pub fn set_private_key(&mut self, key: Option<PrivateKey>) {
        self.private_key = key.map(Box::new);
    }
    /// Set the account name our query messages carry.
    pub fn set_account_name(&mut self, name: &[u8]) {
        // Set before every use by the C API, and nearly always unchanged.
        if self.account_name != name {
            self.account_name = name.to_vec();
        }
    }
    /// Set our instance tag.
    pub fn set_our_instance(&mut self, tag: u32) {
        self.our_instance = tag;
    }
    /// Accept v3 messages addressed to `tag` rather than to our instance tag:
    /// libotr routes a message to one of the peer's instances by the master
    /// context's tag, and an instance context's own tag may differ (0, when
    /// the account's tag was forgotten before the context was made).
    pub fn set_receiver_instance(&mut self, tag: u32) {
        self.receiver_instance = Some(tag);
    }
    /// The instance tag incoming v3 messages must be addressed to.
    fn receiver_instance(&self) -> u32 {
        self.receiver_instance.unwrap_or(self.our_instance)
    }
    /// Whether this is the session of a master context (libotr's, not one of a
    /// peer's v3 instances): its AKE always takes an incoming D-H Commit, and
    /// its v3 AKE messages do not count as sending.
    pub fn set_master(&mut self, master: bool) {
        self.master = master;
    }
    /// `msgstate`.
    pub fn msgstate(&self) -> MsgState {
        self.msgstate
    }
    /// `auth.authstate`.
    pub fn auth_state(&self) -> AuthState {
        self.ake.state()
    }
    /// The AKE.
    pub fn ake(&self) -> &Ake {
        &self.ake
    }
    /// `protocol_version`: of the encrypted session, or of the last AKE we
    /// started or D-H Commit we received (as libotr sets it), `None` after
    /// [`Session::force`].
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.protocol_version
    }
    /// `our_instance`.
    pub fn our_instance(&self) -> u32 {
        self.our_instance
    }
    /// `their_instance` (0 until known).
    pub fn their_instance(&self) -> u32 {
        self.their_instance
    }
    /// Fix the peer's instance tag (for a child context).
    pub fn set_their_instance(&mut self, tag: u32) {
        self.their_instance = tag;
    }
    /// `sessionid` (8 bytes) and `sessionid_half`.
    pub fn session_id(&self) -> Option<(SessionId, SessionIdHalf)> {
        self.session_id
    }
    /// The peer's long-term key of the current session.
    pub fn their_long_term_key(&self) -> Option<&dsa::PublicKey> {
        self.their_long_term_key.as_deref()
    }
    /// The fingerprint of `active_fingerprint`.
    pub fn their_fingerprint(&self) -> Option<Fingerprint> {
        self.their_fingerprint
    }
    /// `our_keyid` (0 when not encrypted).
    pub fn our_keyid(&self) -> u32 {
        self.keys.as_deref().map_or(0, DataKeys::our_keyid)
    }
    /// `their_keyid` (0 when not encrypted).
    pub fn their_keyid(&self) -> u32 {
        self.keys.as_deref().map_or(0, DataKeys::their_keyid)
    }
    /// The data keys of the encrypted session.
    pub fn data_keys(&self) -> Option<&DataKeys> {
        self.keys.as_deref()
    }
    /// The extra symmetric key of the keys we send with.
    pub fn extra_symmetric_key(&mut self) -> Option<&ExtraKey> {
        self.keys
            .as_deref_mut()
            .and_then(DataKeys::extra_symmetric_key)
    }
    /// `otr_offer`.
    pub fn offer(&self) -> Offer {
        self.offer
    }
    /// Record that we offered OTR (a query message went out).
    pub fn set_offer(&mut self, offer: Offer) {
        self.offer = offer;
    }
    /// `lastsent`: time we last sent a message (0 = never).
    pub fn last_sent(&self) -> u64 {
        self.last_sent
    }
    /// `lastrecv`: time we last received a message for this session.
    pub fn last_recv(&self) -> u64 {
        self.last_recv
    }
    /// The Socialist Millionaires' Protocol state.
    pub fn smp(&self) -> &Smp {
        &self.smp
    }
    /// The SMP state, for the user's actions (start, respond, abort).
    pub fn smp_mut(&mut self) -> &mut Smp {
        &mut self.smp
    }
    /// Record that something was sent for this session at `now`.
    pub fn note_sent(&mut self, now: u64) {
        self.last_sent = now;
    }
    /// Record that a message for this session arrived at `now`, before it is
    /// handled (libotr records it as soon as it knows the message's context).
    pub fn note_received(&mut self, now: u64) {
        self.last_recv = now;
    }

    /// Forget the AKE in progress (libotr's `otrl_auth_clear`, as its poll
    /// does for a D-H Commit nobody answered).
    pub fn clear_ake(&mut self) {
        self.ake.clear();
    }

    /// Take over from the master session of the same peer when one of the
    /// peer's v3 instances shows up (libotr's `otrl_message_receiving` for
    /// a new or switching instance context): its message state and, when
    /// the master awaits a D-H Key, a copy of its AKE so this instance can
    /// answer the D-H Commit the master sent.
    pub fn adopt(&mut self, master: &Session, copy_ake: bool) {
        self.msgstate = master.msgstate;
        self.protocol_version = Some(ProtocolVersion::V3);
        self.ake.set_version(ProtocolVersion::V3);
        if copy_ake {
            if let Some(ake) = master.ake.copy_on_key() {
                self.ake = ake;
            }
        }
    }

    /// A D-H Key `msg` arrives for this existing v3 instance while the master
    /// awaits one (libotr's switch from the master to the instance): the
    /// instance takes a copy of the master's AKE, as in [`Session::adopt`].
    /// libotr takes the master's message state too, so that any D-H Key, even a
    /// malformed one that anyone who knows the instance tags can send, silently
    /// drops a private instance to plaintext. A private instance keeps its
    /// state here unless the copied AKE will answer the D-H Key: the state
    /// changes only where libotr's AKE then goes on.
    pub fn adopt_for_dh_key(&mut self, master: &Session, msg: &[u8]) {
        let private = self.msgstate == MsgState::Encrypted;
        let keep = private && !master.ake.answers_dh_key(msg);
        self.adopt(master, true);
        if keep {
            self.msgstate = MsgState::Encrypted;
        }
    }

    // ---- user actions ----

    /// The default query message for our policy and account.
    pub fn query_message(&self) -> Vec<u8> {
        query::default_query_msg(&self.account_name, self.policy)
    }

    /// Start an AKE directly with the best version the policy allows,
    /// returning the D-H Commit to send.
    pub fn start_ake(&mut self, now: u64) -> Result<String, AkeError> {
        let version = match self.policy.versions().best(self.policy) {
            3 => ProtocolVersion::V3,
            2 => ProtocolVersion::V2,
            _ => return Err(AkeError::Malformed("no version allowed".into())),
        };
        let commit = self.ake.start(self.header(version))?;
        self.protocol_version = Some(version);
        self.last_sent = now;
        Ok(commit.to_otr())
    }

    /// The user sends `text` with `tlvs` (libotr's `otrl_message_sending`
    /// for one context, without fragmentation).
    pub fn send(&mut self, text: &[u8], tlvs: &[Tlv], now: u64) -> Sent {
        let mut sent = Sent::default();
        match self.msgstate {
            MsgState::Plaintext => self.send_plaintext(text, &mut sent),
            MsgState::Encrypted => {
                sent.message = self.encrypt(text, tlvs, 0).map(String::into_bytes);
                if sent.message.is_some() {
                    self.last_sent = now;
                }
            }
            MsgState::Finished => sent.events.push(Event::ConnectionEnded),
        }
        sent
    }

    fn send_plaintext(&mut self, text: &[u8], sent: &mut Sent) {
        if self.policy.contains(Policy::REQUIRE_ENCRYPTION) {
            sent.events.push(Event::EncryptionRequired);
            sent.message = Some(self.query_message());
            return;
        }
        let mut out = text.to_vec();
        if self.policy.contains(Policy::SEND_WHITESPACE_TAG) && self.offer != Offer::Rejected {
            out.extend_from_slice(&query::whitespace_tag(self.policy));
            self.offer = Offer::Sent;
        }
        sent.message = Some(out);
    }

    /// A Data Message carrying `text` and `tlvs`, if encrypted (libotr's
    /// `otrl_proto_create_data`). Like libotr it does not count as sending:
    /// the caller records the time of the messages that do (the user's,
    /// heartbeats, resends; not SMP, symkey or disconnect messages) with
    /// [`Session::note_sent`].
    pub fn encrypt(&mut self, text: &[u8], tlvs: &[Tlv], flags: u8) -> Option<String> {
        if self.msgstate != MsgState::Encrypted {
            return None;
        }
        let header = self.header(self.protocol_version?);
        let payload = Zeroizing::new(tlv::join_payload(text, tlvs).ok()?);
        let msg = self.keys.as_mut()?.encrypt(header, flags, payload)?;
        Some(base64::otr_encode(&msg))
    }

    /// Verify and decrypt a Data Message with the session's keys, rotating
    /// them (libotr's `otrl_proto_accept_data`): no message-state checks,
    /// events, SMP or heartbeat, and `last_recv` is left alone.
    pub fn accept_data(&mut self, msg: DataMessage) -> Result<keys::Decrypted, DataError> {
        let keys = self.keys.as_mut().ok_or(DataError::UnknownKeyId {
            sender: msg.sender_keyid,
            recipient: msg.recipient_keyid,
        })?;
        keys.decrypt(msg)
    }

    /// The user ends the conversation (libotr's `otrl_message_disconnect`):
    /// if encrypted, returns a Data Message with the disconnected TLV
    /// (flagged IGNORE_UNREADABLE); the session becomes plaintext.
    pub fn disconnect(&mut self) -> Option<String> {
        let msg = self.encrypt(
            b"",
            &[Tlv::new(tlv::types::DISCONNECTED, [])],
            FLAG_IGNORE_UNREADABLE,
        );
        self.force(MsgState::Plaintext);
        msg
    }

    /// Drop the encrypted session and the AKE, entering `state` (libotr's
    /// `otrl_context_force_finished` / `_force_plaintext`). The times of the
    /// last message sent and received stay, as in libotr.
    pub fn force(&mut self, state: MsgState) {
        self.msgstate = state;
        self.ake.clear();
        self.keys = None;
        self.session_id = None;
        self.their_long_term_key = None;
        self.their_fingerprint = None;
        self.protocol_version = None;
        self.reassembler.reset();
        self.smp.reset();
    }

    fn header(&self, version: ProtocolVersion) -> Header {
        match version {
            ProtocolVersion::V2 => Header::v2(),
            ProtocolVersion::V3 => Header::v3(self.our_instance, self.their_instance),
        }
    }

    // ---- incoming messages ----

    /// Handle one incoming message (libotr's `otrl_message_receiving` for
    /// this context).
    pub fn receive(&mut self, msg: &[u8], now: u64) -> Received {
        let searched = fragment::Searched::new(msg);
        if let Some((_, receiver)) = searched.instance_tags() {
            if receiver != 0 && receiver != self.receiver_instance() {
                let mut out = Received::default();
                out.event(Event::ForOtherInstance);
                return out;
            }
        }
        match self.reassemble_searched(&searched) {
            Accumulated::Unfragmented => self.receive_unfragmented(msg, now),
            Accumulated::Incomplete => {
                let mut out = Received::default();
                out.event(Event::Ignored(Ignored::Fragment));
                out
            }
            Accumulated::Complete(whole) => self.receive_unfragmented(&whole, now),
        }
    }

    /// Add a fragment to the one message being reassembled (spec
    /// "Fragmentation"); an unfragmented message passes through.
    pub fn reassemble(&mut self, msg: &[u8]) -> Accumulated {
        self.reassembler.accumulate(msg)
    }

    /// [`Session::reassemble`] of a message already searched for a fragment.
    pub fn reassemble_searched(&mut self, msg: &fragment::Searched<'_>) -> Accumulated {
        self.reassembler.accumulate_searched(msg)
    }

    /// Handle one whole message: unfragmented, or reassembled by
    /// [`Session::reassemble`].
    pub fn receive_unfragmented(&mut self, msg: &[u8], now: u64) -> Received {
        let mut out = Received::default();
        self.receive_whole(Classified::new(msg), now, &mut out);
        out
    }

    /// [`Session::receive_unfragmented`] of a message already classified, into
    /// `out`, emptied first: a caller that handles many messages can keep one
    /// [`Received`] and its room.
    pub fn receive_classified_into(&mut self, msg: Classified<'_>, now: u64, out: &mut Received) {
        out.clear();
        self.receive_whole(msg, now, out);
    }

    fn receive_whole(&mut self, classified: Classified<'_>, now: u64, out: &mut Received) {
        let Classified { msg, kind, version } = classified;
        if self.policy.contains(Policy::SEND_WHITESPACE_TAG) {
            if kind != MessageType::NotOtr {
                self.offer = Offer::Accepted;
            } else if self.offer == Offer::Sent {
                self.offer = Offer::Rejected;
            }
        }
        if !Self::version_allowed(self.policy, version) {
            out.event(Event::Ignored(Ignored::VersionNotAllowed));
            return;
        }
        match parse::parse_whole(msg, kind) {
            Ok(parsed) => self.dispatch(parsed, msg, now, out),
            Err(e) => {
                self.last_recv = now;
                self.malformed(kind, msg, e, out);
            }
        }
    }

    /// Whether `policy` lets a message of protocol `version` in (v1 never; a
    /// message without a version always).
    pub fn version_allowed(policy: Policy, version: u32) -> bool {
        match version {
            1 => false,
            2 => policy.contains(Policy::ALLOW_V2),
            3 => policy.contains(Policy::ALLOW_V3),
            _ => true,
        }
    }

    /// A message that does not parse. A Data Message whose header is readable
    /// and flagged IGNORE_UNREADABLE is dropped silently, as libotr reads the
    /// flags before the rest.
    fn malformed(&mut self, kind: MessageType, raw: &[u8], e: ParseError, out: &mut Received) {
        let flags = data_message_flags(raw).unwrap_or(0);
        if kind == MessageType::Data && flags & FLAG_IGNORE_UNREADABLE != 0 {
            let ignored = match self.msgstate {
                MsgState::Encrypted => {
                    Ignored::UnreadableFlagged(DataError::Malformed(e.to_string()))
                }
                _ => Ignored::NotInPrivateFlagged,
            };
            return out.event(Event::Ignored(ignored));
        }
        match kind {
            MessageType::Data if self.msgstate == MsgState::Encrypted => {
                out.event(Event::Malformed(Malformation::Unparsable(e)));
                out.event(Event::SendError(ErrorCode::MsgMalformed));
            }
            MessageType::Data => out.event(Event::NotInPrivate),
            _ => out.event(Event::SetupError(AkeError::Malformed(e.to_string()))),
        }
    }

    fn dispatch(&mut self, parsed: Message<'_>, raw: &[u8], now: u64, out: &mut Received) {
        match parsed {
            Message::Encoded(m) => {
                if self.accept_instances(m.header(), matches!(m, EncodedMessage::DhCommit(_)), out)
                {
                    self.last_recv = now;
                    self.encoded(m, now, out);
                }
            }
            Message::Query(versions) => {
                self.last_recv = now;
                self.start_if_possible(versions, now, out);
            }
            Message::Error(text) => {
                self.last_recv = now;
                if self.policy.contains(Policy::ERROR_START_AKE) {
                    out.send(bytes_to_string(self.query_message()));
                }
                out.event(Event::GeneralError(text.unwrap_or_default().to_vec()));
            }
            Message::TaggedPlaintext { text, tag } => {
                self.last_recv = now;
                if self.msgstate != MsgState::Encrypted
                    && self.policy.contains(Policy::WHITESPACE_START_AKE)
                {
                    self.start_if_possible(tag.versions, now, out);
                }
                self.plaintext(text, out);
            }
            Message::Plaintext(text) => {
                self.last_recv = now;
                self.plaintext(text.to_vec(), out);
            }
            Message::V1KeyExchange | Message::V1Data => {
                out.event(Event::Ignored(Ignored::VersionNotAllowed));
            }
            Message::Fragment(_) | Message::Unknown => {
                let _ = raw;
                self.last_recv = now;
                out.event(Event::Unrecognized);
            }
        }
    }

    /// Plaintext is shown; with a warning instead if it should have been
    /// encrypted.
    fn plaintext(&mut self, text: Vec<u8>, out: &mut Received) {
        if self.msgstate != MsgState::Plaintext || self.policy.contains(Policy::REQUIRE_ENCRYPTION)
        {
            out.event(Event::ReceivedUnencrypted(text));
        } else {
            out.message = Some(Zeroizing::new(text));
        }
    }

    /// Start an AKE with the best version of `offered` our policy allows.
    fn start_if_possible(&mut self, offered: Versions, now: u64, out: &mut Received) {
        let version = match offered.best(self.policy) {
            3 => ProtocolVersion::V3,
            2 => ProtocolVersion::V2,
            _ => return,
        };
        match self.ake.start(self.header(version)) {
            Ok(commit) => {
                self.protocol_version = Some(version);
                self.send_ake(commit, now, out);
            }
            Err(e) => out.event(Event::SetupError(e)),
        }
    }

    /// An AKE message to send (libotr's `send_or_error_auth`). It counts as
    /// sending except a master's v3 message: the D-H Commit a master sends to
    /// every instance of the peer.
    fn send_ake(&mut self, msg: EncodedMessage, now: u64, out: &mut Received) {
        if self.master && msg.header().version == ProtocolVersion::V3 {
            out.send(msg.to_otr());
        } else {
            self.send_counted(msg.to_otr(), now, out);
        }
    }

    fn send_counted(&mut self, message: String, now: u64, out: &mut Received) {
        out.outputs.push(Output::SendCounted {
            message,
            last_sent_before: self.last_sent,
        });
        self.last_sent = now;
    }

    /// Instance tag checks of a v3 message (spec "Instance Tags"; libotr
    /// ignores a message whose receiver tag is not ours — 0 is allowed for
    /// a D-H Commit — and rejects a sender tag below 0x100).
    fn accept_instances(&mut self, header: &Header, is_commit: bool, out: &mut Received) -> bool {
        if header.version != ProtocolVersion::V3 {
            return true;
        }
        let receiver_ok = header.receiver_instance == self.receiver_instance()
            || (is_commit && header.receiver_instance == 0);
        if !receiver_ok {
            out.event(Event::ForOtherInstance);
            return false;
        }
        if header.sender_instance < MIN_VALID_INSTAG {
            out.event(Event::Malformed(Malformation::SenderInstanceTag));
            out.event(Event::SendError(ErrorCode::MsgMalformed));
            return false;
        }
        if self.their_instance == 0 {
            self.their_instance = header.sender_instance;
        } else if self.their_instance != header.sender_instance {
            out.event(Event::ForOtherInstance);
            return false;
        }
        true
    }

    fn encoded(&mut self, msg: EncodedMessage, now: u64, out: &mut Received) {
        let version = msg.header().version;
        let reply_header = self.header(version);
        let ending = AkeEnd {
            auth_state: self.ake.state(),
            msgstate: self.msgstate,
            protocol_version: self.protocol_version,
            keyids: (self.our_keyid(), self.their_keyid()),
        };
        let result = match msg {
            EncodedMessage::DhCommit(m) => {
                // libotr takes the commit's version as the conversation's
                // before anything else (`otrl_auth_handle_commit`).
                self.protocol_version = Some(version);
                self.ake
                    .handle_commit(&m, reply_header, self.master)
                    .map(|reply| (Some(reply), None))
            }
            EncodedMessage::DhKey(m) => match &self.private_key {
                Some(key) => self
                    .ake
                    .handle_key(&m, reply_header, key)
                    .map(|reply| (reply, None)),
                None => Err(AkeError::NoPrivateKey),
            },
            EncodedMessage::RevealSignature(m) => match &self.private_key {
                Some(key) => self
                    .ake
                    .handle_reveal_signature(&m, reply_header, key)
                    .map(split_completed),
                None => Err(AkeError::NoPrivateKey),
            },
            EncodedMessage::Signature(m) => self.ake.handle_signature(&m).map(split_completed),
            EncodedMessage::Data(m) => return self.data(m, now, out),
        };
        match result {
            Ok((reply, done)) => {
                if reply.is_none() && done.is_none() {
                    out.event(Event::Ignored(Ignored::UnexpectedAkeMessage));
                }
                // libotr reports the new session before it sends the
                // Signature that completes it for the peer.
                if let Some(done) = done {
                    self.go_encrypted(done, ending, out);
                }
                if let Some(reply) = reply {
                    self.send_ake(reply, now, out);
                }
            }
            Err(AkeError::HashMismatch) => {
                out.event(Event::Ignored(Ignored::AkeHashMismatch));
            }
            Err(AkeError::NoPrivateKey) => out.event(Event::Ignored(Ignored::NoPrivateKey)),
            Err(e) => out.event(Event::SetupError(e)),
        }
    }

    /// Enter the encrypted state with the AKE's result (libotr's
    /// `go_encrypted`).
    fn go_encrypted(&mut self, done: AkeResult, ending: AkeEnd, out: &mut Received) {
        if done.is_reflected() {
            out.event(Event::Reflected(ending));
            return;
        }
        let keys = match DataKeys::after_ake(&done) {
            Ok(keys) => keys,
            Err(e) => return out.event(Event::SetupError(AkeError::Crypto(e))),
        };
        let refresh = self.msgstate == MsgState::Encrypted
            && self.their_fingerprint == Some(done.their_fingerprint);
        self.keys = Some(Box::new(keys));
        self.session_id = Some((done.ssid, done.ssid_half));
        self.protocol_version = Some(done.version);
        self.their_fingerprint = Some(done.their_fingerprint);
        self.their_long_term_key = Some(Box::new(done.their_long_term_key));
        self.msgstate = MsgState::Encrypted;
        out.event(if refresh {
            Event::StillSecure(ending)
        } else {
            Event::GoneSecure(ending)
        });
    }

    /// A Data Message (spec "Receiving a Data Message").
    fn data(&mut self, msg: DataMessage, now: u64, out: &mut Received) {
        let flagged = msg.flags & FLAG_IGNORE_UNREADABLE != 0;
        let keys = match (&mut self.keys, self.msgstate) {
            (Some(keys), MsgState::Encrypted) => keys,
            _ if flagged => return out.event(Event::Ignored(Ignored::NotInPrivateFlagged)),
            _ => return out.event(Event::NotInPrivate),
        };
        let decrypted = match keys.decrypt(msg) {
            Ok(d) => d,
            Err(e) => return self.unreadable(e, flagged, out),
        };
        let mut text = decrypted.payload;
        let (shown, tlvs) = tlv::split_payload(&text);
        let text_len = shown.len();
        out.tlvs = tlvs;
        out.extra_key = Some(decrypted.extra_key);
        if tlv::find(&out.tlvs, tlv::types::DISCONNECTED).is_some() {
            self.force(MsgState::Finished);
            out.event(Event::PeerDisconnected);
        }
        if let Some(symkey) = tlv::find(&out.tlvs, tlv::types::EXTRA_SYMMETRIC_KEY) {
            if let Some((use_, data)) = symkey.value.split_first_chunk::<4>() {
                out.event(Event::ReceivedSymkey {
                    use_: u32::from_be_bytes(*use_),
                    use_data: data.to_vec(),
                });
            }
        }
        self.smp_messages(out);
        if text_len == 0 {
            out.event(Event::HeartbeatReceived);
            return;
        }
        // The payload's own buffer, cut before the TLVs: what is cut off
        // stays in its room, which is wiped with it.
        text.truncate(text_len);
        out.message = Some(text);
        self.maybe_heartbeat(now, out);
    }

    /// The SMP TLVs of a decrypted Data Message (spec "Socialist
    /// Millionaires' Protocol"), in libotr's order: the trust to record, the
    /// reply (an empty Data Message flagged IGNORE_UNREADABLE), the event.
    fn smp_messages(&mut self, out: &mut Received) {
        for step in self.smp.receive(&out.tlvs) {
            let reply = step
                .reply
                .and_then(|tlv| self.encrypt(b"", &[tlv], FLAG_IGNORE_UNREADABLE));
            out.outputs.push(Output::Smp(SmpStep {
                view: step.view,
                trust: step.trust,
                reply,
                event: step.event,
            }));
        }
    }

    fn unreadable(&mut self, e: DataError, flagged: bool, out: &mut Received) {
        if flagged {
            return out.event(Event::Ignored(Ignored::UnreadableFlagged(e)));
        }
        let code = match e {
            DataError::Malformed(ref why) => {
                out.event(Event::Malformed(Malformation::BadData(why.clone())));
                ErrorCode::MsgMalformed
            }
            other => {
                out.event(Event::Unreadable(other));
                ErrorCode::MsgUnreadable
            }
        };
        out.event(Event::SendError(code));
    }

    /// After a real message, send a heartbeat if we have been quiet for
    /// [`HEARTBEAT_INTERVAL`] seconds.
    fn maybe_heartbeat(&mut self, now: u64, out: &mut Received) {
        if self.their_keyid() == 0 || self.last_sent >= now.saturating_sub(HEARTBEAT_INTERVAL) {
            return;
        }
        if let Some(msg) = self.encrypt(b"", &[], FLAG_IGNORE_UNREADABLE) {
            self.send_counted(msg, now, out);
            out.event(Event::HeartbeatSent);
        }
    }
}

fn split_completed(done: Option<Completed>) -> (Option<EncodedMessage>, Option<AkeResult>) {
    match done {
        Some(c) => (c.reply, Some(c.result)),
        None => (None, None),
    }
}

/// Query messages we build are ASCII plus the account name; keep bytes
/// that are not UTF-8 as replacement characters.
fn bytes_to_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
