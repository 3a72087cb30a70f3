//! The Authenticated Key Exchange of OTR versions 2 and 3 (spec
//! "Authenticated Key Exchange" and "Protocol state machine":
//! "Authentication state"), sans-I/O.
//!
//! [`Ake`] keeps one side's authentication state: `AUTHSTATE_NONE`,
//! `AUTHSTATE_AWAITING_DHKEY`, `AUTHSTATE_AWAITING_REVEALSIG`,
//! `AUTHSTATE_AWAITING_SIG` (libotr's `OtrlAuthInfo`). Each handler takes a
//! parsed message and returns the message to send, if any, and on success an
//! [`AkeResult`] with everything a data session needs. Like libotr:
//! - our D-H key of the AKE has keyid 1 and r is 128 bits;
//! - g^x is encrypted under r, and X_A / X_B under c / c', with AES-128-CTR
//!   from counter 0;
//! - M = HMAC-SHA256 under m1 / m1' of (signer's g, receiver's g, signer's
//!   PUBKEY, signer's keyid), signed with DSA (the spec's M_B = MAC_m1(g^x,
//!   g^y, pub_B, keyid_B) where Bob, the signer, sent g^x);
//! - the peer's fingerprint is SHA-1 of its PUBKEY fields as received.

pub mod v1;

use crate::crypto::ake_keys::{AkeKeys, SessionId, SessionIdHalf};
use crate::crypto::dh::{self, KeyPair};
use crate::crypto::dsa::{self, PrivateKey};
use crate::crypto::symmetric::{aes128_ctr_zero, hmac_sha256, hmac_sha256_160, macs_equal};
use crate::crypto::{self, Fingerprint};
use crate::wire::codec::{DecodeError, Mpi, PubKey, Reader, Sig, Writer};
use crate::wire::message::{
    m_input, DhCommit, DhKey, EncodedMessage, Header, ProtocolVersion, RevealSignature, Signature,
    XValue, HASHED_GX_LEN, REVEALED_KEY_LEN,
};
use core::fmt;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Our D-H key id during the AKE (libotr sets `auth->our_keyid = 1`).
pub const AKE_KEYID: u32 = 1;

/// The four authentication states (spec "Authentication state"; libotr's
/// `OtrlAuthState` without the v1 state). The discriminants are libotr's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthState {
    /// `AUTHSTATE_NONE`: no AKE in progress.
    None = 0,
    /// `AUTHSTATE_AWAITING_DHKEY`: we sent a D-H Commit.
    AwaitingDhKey = 1,
    /// `AUTHSTATE_AWAITING_REVEALSIG`: we sent a D-H Key.
    AwaitingRevealSig = 2,
    /// `AUTHSTATE_AWAITING_SIG`: we sent a Reveal Signature.
    AwaitingSig = 3,
}

/// Why an AKE message was not accepted. libotr reports all but
/// [`AkeError::HashMismatch`] as `OTRL_MSGEVENT_SETUP_ERROR`; a hash
/// mismatch it drops silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AkeError {
    /// A D-H public value outside 2..=p-2 (spec: "Verify that ... g^x/g^y
    /// is legal").
    BadDhPublicKey,
    /// The revealed r does not decrypt a g^x with the committed hash.
    HashMismatch,
    /// The MAC over the encrypted signature is wrong.
    BadMac,
    /// The decrypted X is malformed (PUBKEY, keyid or SIG).
    MalformedX(DecodeError),
    /// The long-term public key is unusable or the signature does not verify.
    BadSignature,
    /// Randomness or signing failed on our side.
    Crypto(crypto::Error),
    /// The AKE message itself does not parse.
    Malformed(String),
    /// We have no long-term private key to sign with.
    NoPrivateKey,
}

impl fmt::Display for AkeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadDhPublicKey => f.write_str("D-H public value out of range"),
            Self::HashMismatch => f.write_str("revealed key does not match the commitment"),
            Self::BadMac => f.write_str("bad MAC on the encrypted signature"),
            Self::MalformedX(e) => write!(f, "malformed signature block: {e}"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::Crypto(e) => e.fmt(f),
            Self::Malformed(why) => write!(f, "malformed AKE message: {why}"),
            Self::NoPrivateKey => f.write_str("no private key"),
        }
    }
}

impl std::error::Error for AkeError {}

impl From<crypto::Error> for AkeError {
    fn from(e: crypto::Error) -> Self {
        Self::Crypto(e)
    }
}

/// What a completed AKE established (libotr copies these from
/// `OtrlAuthInfo` into the `ConnContext` in `go_encrypted`).
#[derive(Clone, Debug)]
pub struct AkeResult {
    /// The protocol version the AKE ran under.
    pub version: ProtocolVersion,
    /// The 64-bit secure session id.
    pub ssid: SessionId,
    /// Which half of the ssid we show in bold.
    pub ssid_half: SessionIdHalf,
    /// The peer's long-term DSA public key.
    pub their_long_term_key: dsa::PublicKey,
    /// The peer's fingerprint (SHA-1 of its PUBKEY fields as received).
    pub their_fingerprint: Fingerprint,
    /// The peer's D-H key id from its signature block.
    pub their_keyid: u32,
    /// The peer's D-H public value of the AKE.
    pub their_dh: dh::PublicKey,
    /// Our D-H key id in the AKE (always [`AKE_KEYID`]).
    pub our_keyid: u32,
    /// Our D-H key pair of the AKE.
    pub our_dh: KeyPair,
    /// Whether we started this AKE (sent the D-H Commit or a query answer).
    pub initiated: bool,
}

impl AkeResult {
    /// Whether we are talking to ourselves: the peer's D-H value is ours
    /// (libotr's `OTRL_MSGEVENT_MSG_REFLECTED`).
    pub fn is_reflected(&self) -> bool {
        self.our_dh.public() == &self.their_dh
    }
}

/// Per-state data of an AKE under way (spec "Authenticated Key Exchange":
/// what each side remembers between messages). Short-lived, and boxed in
/// [`Ake`] so that a session without an AKE under way carries no room for it;
/// the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
enum Awaiting {
    DhKey {
        our_dh: KeyPair,
        r: Zeroizing<[u8; REVEALED_KEY_LEN]>,
        hashed_gx: [u8; HASHED_GX_LEN],
        commit: EncodedMessage,
    },
    RevealSig {
        our_dh: KeyPair,
        encrypted_gx: Vec<u8>,
        hashed_gx: [u8; HASHED_GX_LEN],
        dh_key: EncodedMessage,
    },
    Sig {
        our_dh: KeyPair,
        their_dh: dh::PublicKey,
        keys: AkeKeys,
        reveal_signature: EncodedMessage,
    },
}

/// One side of the AKE.
pub struct Ake {
    /// `None` in `AUTHSTATE_NONE`. The working state is changed in place and
    /// dropped in its box, so its secrets are wiped where they lived.
    state: Option<Box<Awaiting>>,
    version: Option<ProtocolVersion>,
    initiated: bool,
}

impl Default for Ake {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Ake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ake")
            .field("state", &self.state())
            .field("version", &self.version)
            .field("initiated", &self.initiated)
            .finish()
    }
}

/// The outcome of handling a Reveal Signature or Signature message.
#[derive(Debug)]
pub struct Completed {
    /// The Signature message to send (after a Reveal Signature), if any.
    pub reply: Option<EncodedMessage>,
    /// The established session.
    pub result: AkeResult,
}

impl Ake {
    /// An AKE in `AUTHSTATE_NONE`.
    pub fn new() -> Self {
        Self {
            state: None,
            version: None,
            initiated: false,
        }
    }

    /// The authentication state.
    pub fn state(&self) -> AuthState {
        match self.state.as_deref() {
            None => AuthState::None,
            Some(Awaiting::DhKey { .. }) => AuthState::AwaitingDhKey,
            Some(Awaiting::RevealSig { .. }) => AuthState::AwaitingRevealSig,
            Some(Awaiting::Sig { .. }) => AuthState::AwaitingSig,
        }
    }

    /// The protocol version of the AKE in progress (or last run).
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.version
    }

    /// Set the protocol version without starting an AKE (libotr's message
    /// handling does so for a peer's new v3 instance).
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = Some(version);
    }

    /// Whether we started the current AKE.
    pub fn initiated(&self) -> bool {
        self.initiated
    }

    /// The last AKE message we sent and would retransmit, if any.
    pub fn last_message(&self) -> Option<&EncodedMessage> {
        match self.state.as_deref()? {
            Awaiting::DhKey { commit, .. } => Some(commit),
            Awaiting::RevealSig { dh_key, .. } => Some(dh_key),
            Awaiting::Sig {
                reveal_signature, ..
            } => Some(reveal_signature),
        }
    }

    /// A copy of an AKE that is awaiting a D-H Key, for the instance that
    /// answers it (libotr's `otrl_auth_copy_on_key`: a v3 D-H Commit goes to
    /// every instance of the peer, and each answering instance continues
    /// from the same commitment). `None` in any other state.
    pub fn copy_on_key(&self) -> Option<Ake> {
        match self.state.as_deref()? {
            Awaiting::DhKey {
                our_dh,
                r,
                hashed_gx,
                commit,
            } => Some(Ake {
                state: Some(Box::new(Awaiting::DhKey {
                    our_dh: our_dh.clone(),
                    r: r.clone(),
                    hashed_gx: *hashed_gx,
                    commit: commit.clone(),
                })),
                version: self.version,
                initiated: self.initiated,
            }),
            _ => None,
        }
    }

    /// Forget everything (libotr's `otrl_auth_clear`).
    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// Start an AKE: make a new D-H key and r, and build the D-H Commit
    /// (spec "Authenticated Key Exchange", step 1 for Alice; libotr's
    /// `otrl_auth_start_v23`). Moves to `AUTHSTATE_AWAITING_DHKEY` from any
    /// state.
    pub fn start(&mut self, header: Header) -> Result<EncodedMessage, AkeError> {
        self.clear();
        let our_dh = KeyPair::generate()?;
        let Commitment {
            r,
            encrypted_gx,
            hashed_gx,
        } = Commitment::new(our_dh.public())?;
        let commit = EncodedMessage::DhCommit(DhCommit {
            header,
            encrypted_gx,
            hashed_gx,
        });
        self.version = Some(header.version);
        self.initiated = true;
        self.state = Some(Box::new(Awaiting::DhKey {
            our_dh,
            r,
            hashed_gx,
            commit: commit.clone(),
        }));
        Ok(commit)
    }

    /// Handle a D-H Commit (spec "Protocol state machine", "Receiving a D-H
    /// Commit Message"). Returns the message to send: a D-H Key, or our own
    /// D-H Commit again when our hashed g^x is the larger. The AKE of a master
    /// context (`master`: no peer instance, as every v2 conversation) always
    /// takes the incoming commit, as libotr's does: its own may be a stale one
    /// kept for another instance's D-H Key.
    pub fn handle_commit(
        &mut self,
        msg: &DhCommit,
        header: Header,
        master: bool,
    ) -> Result<EncodedMessage, AkeError> {
        match self.state.as_deref_mut() {
            Some(Awaiting::DhKey {
                hashed_gx, commit, ..
            }) if !master && hashed_gx.as_slice() > msg.hashed_gx.as_slice() => {
                // Ours wins: ignore theirs, resend our D-H Commit.
                Ok(commit.clone())
            }
            Some(Awaiting::RevealSig {
                encrypted_gx,
                hashed_gx,
                dh_key,
                ..
            }) => {
                // Keep our D-H Key, take the new commitment.
                encrypted_gx.clone_from(&msg.encrypted_gx);
                *hashed_gx = msg.hashed_gx;
                Ok(dh_key.clone())
            }
            // NONE, AWAITING_SIG, or AWAITING_DHKEY with ours losing:
            // answer with a fresh D-H Key.
            _ => self.reply_with_dh_key(msg, header),
        }
    }

    fn reply_with_dh_key(
        &mut self,
        msg: &DhCommit,
        header: Header,
    ) -> Result<EncodedMessage, AkeError> {
        self.clear();
        let our_dh = KeyPair::generate()?;
        let dh_key = EncodedMessage::DhKey(DhKey {
            header,
            gy: Mpi::new(&our_dh.public().to_bytes()),
        });
        self.version = Some(header.version);
        self.state = Some(Box::new(Awaiting::RevealSig {
            our_dh,
            encrypted_gx: msg.encrypted_gx.clone(),
            hashed_gx: msg.hashed_gx,
            dh_key: dh_key.clone(),
        }));
        Ok(dh_key)
    }

    /// Handle a D-H Key (spec "Receiving a D-H Key Message"). In
    /// `AWAITING_DHKEY` answers with a Reveal Signature; in `AWAITING_SIG`
    /// resends the same Reveal Signature if g^y is the one we already have;
    /// otherwise ignores it (`Ok(None)`).
    pub fn handle_key(
        &mut self,
        msg: &DhKey,
        header: Header,
        our_long_term: &PrivateKey,
    ) -> Result<Option<EncodedMessage>, AkeError> {
        match self.state.as_deref() {
            Some(Awaiting::DhKey { .. }) if Some(msg.header.version) == self.version => {
                self.answer_dh_key(msg, header, our_long_term).map(Some)
            }
            Some(Awaiting::Sig {
                their_dh,
                reveal_signature,
                ..
            }) => Ok((their_dh.to_bytes() == msg.gy.magnitude()).then(|| reveal_signature.clone())),
            _ => Ok(None),
        }
    }

    /// Whether `msg` is a D-H Key this AKE would answer: we await one, and it
    /// is well formed, of our version, with g^y in range (spec "Authenticated
    /// Key Exchange": "Verify that Bob's g^y value is legal").
    pub fn answers_dh_key(&self, msg: &[u8]) -> bool {
        let awaiting = matches!(self.state.as_deref(), Some(Awaiting::DhKey { .. }));
        match EncodedMessage::from_otr(msg) {
            Ok(EncodedMessage::DhKey(key)) => {
                awaiting && Some(key.header.version) == self.version && dh_public(&key.gy).is_ok()
            }
            _ => false,
        }
    }

    fn answer_dh_key(
        &mut self,
        msg: &DhKey,
        header: Header,
        our_long_term: &PrivateKey,
    ) -> Result<EncodedMessage, AkeError> {
        let their_dh = dh_public(&msg.gy)?;
        let Some(Awaiting::DhKey { our_dh, r, .. }) = self.state.as_deref() else {
            return Err(AkeError::BadDhPublicKey);
        };
        let keys = AkeKeys::derive(our_dh, &their_dh);
        let encrypted_sig = encrypted_x(
            our_dh.public(),
            &their_dh,
            our_long_term,
            keys.m1(),
            keys.c(),
        )?;
        let reveal_signature = EncodedMessage::RevealSignature(reveal_signature_message(
            header,
            r,
            encrypted_sig,
            keys.m2(),
        ));
        // The new state takes a copy of our key pair; the old state, with r,
        // is wiped as its box is dropped.
        let our_dh = our_dh.clone();
        self.state = Some(Box::new(Awaiting::Sig {
            our_dh,
            their_dh,
            keys,
            reveal_signature: reveal_signature.clone(),
        }));
        Ok(reveal_signature)
    }

    /// Handle a Reveal Signature (spec "Receiving a Reveal Signature
    /// Message"): only in `AWAITING_REVEALSIG`; on success answers with a
    /// Signature and returns to `AUTHSTATE_NONE`. Ignored (`Ok(None)`) in
    /// other states. On failure the state is unchanged.
    pub fn handle_reveal_signature(
        &mut self,
        msg: &RevealSignature,
        header: Header,
        our_long_term: &PrivateKey,
    ) -> Result<Option<Completed>, AkeError> {
        let Some(Awaiting::RevealSig {
            our_dh,
            encrypted_gx,
            hashed_gx,
            ..
        }) = self.state.as_deref()
        else {
            return Ok(None);
        };
        let their_dh = reveal_gx(encrypted_gx, hashed_gx, &msg.revealed_key)?;
        let keys = AkeKeys::derive(our_dh, &their_dh);
        check_mac(keys.m2(), &msg.mac_input(), &msg.mac)?;
        let peer = verify_x(
            &msg.encrypted_sig,
            our_dh.public(),
            &their_dh,
            keys.m1(),
            keys.c(),
        )?;
        let encrypted_sig = encrypted_x(
            our_dh.public(),
            &their_dh,
            our_long_term,
            keys.m1_prime(),
            keys.c_prime(),
        )?;
        let reply =
            EncodedMessage::Signature(signature_message(header, encrypted_sig, keys.m2_prime()));
        let result = self.finish(our_dh.clone(), their_dh, &keys, peer, false);
        Ok(Some(Completed {
            reply: Some(reply),
            result,
        }))
    }

    /// Handle a Signature (spec "Receiving a Signature Message"): only in
    /// `AWAITING_SIG`; on success returns to `AUTHSTATE_NONE`.
    pub fn handle_signature(&mut self, msg: &Signature) -> Result<Option<Completed>, AkeError> {
        let Some(Awaiting::Sig {
            our_dh,
            their_dh,
            keys,
            ..
        }) = self.state.as_deref()
        else {
            return Ok(None);
        };
        check_mac(keys.m2_prime(), &msg.mac_input(), &msg.mac)?;
        let peer = verify_x(
            &msg.encrypted_sig,
            our_dh.public(),
            their_dh,
            keys.m1_prime(),
            keys.c_prime(),
        )?;
        let (our_dh, their_dh, keys) = (our_dh.clone(), their_dh.clone(), keys.clone());
        let result = self.finish(our_dh, their_dh, &keys, peer, true);
        Ok(Some(Completed {
            reply: None,
            result,
        }))
    }

    fn finish(
        &mut self,
        our_dh: KeyPair,
        their_dh: dh::PublicKey,
        keys: &AkeKeys,
        peer: VerifiedPeer,
        sent_reveal_signature: bool,
    ) -> AkeResult {
        let result = AkeResult {
            version: self.version.unwrap_or(ProtocolVersion::V3),
            ssid: *keys.ssid(),
            ssid_half: SessionIdHalf::for_sender_of_reveal_signature(sent_reveal_signature),
            their_long_term_key: peer.key,
            their_fingerprint: peer.fingerprint,
            their_keyid: peer.keyid,
            their_dh,
            our_keyid: AKE_KEYID,
            our_dh,
            initiated: self.initiated,
        };
        self.state = None;
        result
    }
}

/// A D-H public value serialized as an MPI (length included), the form
/// that is hashed and encrypted in the D-H Commit.
fn mpi_bytes(key: &dh::PublicKey) -> Vec<u8> {
    let mut w = Writer::new();
    w.mpi(&Mpi::new(&key.to_bytes()));
    w.into_bytes()
}

/// Alice's commitment to g^x (spec "Authenticated Key Exchange", step 1):
/// a random 128-bit r, AES_r(g^x) and HASH(g^x), g^x serialized as an MPI.
pub struct Commitment {
    /// The key r, revealed in the Reveal Signature message.
    pub r: Zeroizing<[u8; REVEALED_KEY_LEN]>,
    /// AES-128-CTR (counter 0) of the g^x MPI under r.
    pub encrypted_gx: Vec<u8>,
    /// SHA-256 of the g^x MPI.
    pub hashed_gx: [u8; HASHED_GX_LEN],
}

impl Commitment {
    /// A commitment to `gx` under a fresh random r.
    pub fn new(gx: &dh::PublicKey) -> Result<Self, AkeError> {
        let mut r = Zeroizing::new([0u8; REVEALED_KEY_LEN]);
        crypto::random::fill(r.as_mut())?;
        let mut encrypted_gx = mpi_bytes(gx);
        let hashed_gx: [u8; HASHED_GX_LEN] = Sha256::digest(&encrypted_gx).into();
        aes128_ctr_zero(&r, &mut encrypted_gx);
        Ok(Self {
            r,
            encrypted_gx,
            hashed_gx,
        })
    }
}

/// The Reveal Signature message (spec "Reveal Signature Message"): r, the
/// encrypted signature and its MAC under m2 (the first 160 bits of
/// HMAC-SHA256).
pub fn reveal_signature_message(
    header: Header,
    r: &[u8; REVEALED_KEY_LEN],
    encrypted_sig: Vec<u8>,
    m2: &[u8],
) -> RevealSignature {
    let mac = hmac_sha256_160(m2, &signature_mac_input(&encrypted_sig));
    RevealSignature {
        header,
        revealed_key: *r,
        encrypted_sig,
        mac,
    }
}

/// The Signature message (spec "Signature Message"): the encrypted signature
/// and its MAC under m2'.
pub fn signature_message(header: Header, encrypted_sig: Vec<u8>, m2_prime: &[u8]) -> Signature {
    let mac = hmac_sha256_160(m2_prime, &signature_mac_input(&encrypted_sig));
    Signature {
        header,
        encrypted_sig,
        mac,
    }
}

fn dh_public(mpi: &Mpi) -> Result<dh::PublicKey, AkeError> {
    dh::PublicKey::from_bytes(mpi.magnitude()).map_err(|_| AkeError::BadDhPublicKey)
}

/// Decrypt the committed g^x with the revealed r and check its hash
/// (spec "Receiving a Reveal Signature Message"): [`AkeError::HashMismatch`]
/// when it differs, [`AkeError::BadDhPublicKey`] when the plaintext is not
/// one MPI in 2..=p-2.
pub fn reveal_gx(
    encrypted_gx: &[u8],
    hashed_gx: &[u8; HASHED_GX_LEN],
    r: &[u8; REVEALED_KEY_LEN],
) -> Result<dh::PublicKey, AkeError> {
    let mut gx = Zeroizing::new(encrypted_gx.to_vec());
    aes128_ctr_zero(r, &mut gx);
    let hash: [u8; HASHED_GX_LEN] = Sha256::digest(gx.as_slice()).into();
    if !macs_equal(&hash, hashed_gx) {
        return Err(AkeError::HashMismatch);
    }
    let mut reader = Reader::new(&gx);
    let mpi = reader.mpi().map_err(|_| AkeError::BadDhPublicKey)?;
    reader.finish().map_err(|_| AkeError::BadDhPublicKey)?;
    dh_public(&mpi)
}

/// Compare a received MAC with the first 160 bits of HMAC-SHA256 under
/// `key` over `input`, in constant time.
pub fn check_mac(key: &[u8], input: &[u8], given: &[u8]) -> Result<(), AkeError> {
    if macs_equal(&hmac_sha256_160(key, input), given) {
        Ok(())
    } else {
        Err(AkeError::BadMac)
    }
}

fn signature_mac_input(encrypted_sig: &[u8]) -> Vec<u8> {
    let mut w = Writer::new();
    w.data(encrypted_sig);
    w.into_bytes()
}

/// The wire PUBKEY of a DSA public key (minimal MPIs).
pub fn pubkey_to_wire(key: &dsa::PublicKey) -> PubKey {
    PubKey {
        p: Mpi::new(key.p()),
        q: Mpi::new(key.q()),
        g: Mpi::new(key.g()),
        y: Mpi::new(key.y()),
    }
}

/// AES_c(X) with X = (pub, keyid, sig(M)), M = MAC_m1(g^ours, g^theirs,
/// pub, keyid) (spec "Authenticated Key Exchange", steps for Bob and Alice).
pub fn encrypted_x(
    our_dh: &dh::PublicKey,
    their_dh: &dh::PublicKey,
    our_long_term: &PrivateKey,
    m1: &[u8],
    c: &[u8; 16],
) -> Result<Vec<u8>, AkeError> {
    let pub_key = pubkey_to_wire(our_long_term.public());
    let m = hmac_sha256(
        m1,
        &m_input(
            &Mpi::new(&our_dh.to_bytes()),
            &Mpi::new(&their_dh.to_bytes()),
            &pub_key,
            AKE_KEYID,
        ),
    );
    let sig = our_long_term.sign(&m)?;
    let x = XValue {
        pub_key,
        keyid: AKE_KEYID,
        sig: Sig {
            r: sig.r().to_vec(),
            s: sig.s().to_vec(),
        },
    };
    let mut bytes = x.encode();
    aes128_ctr_zero(c, &mut bytes);
    Ok(bytes)
}

/// A peer whose signature block verified.
pub struct VerifiedPeer {
    /// Its long-term DSA public key.
    pub key: dsa::PublicKey,
    /// SHA-1 of its PUBKEY fields as received.
    pub fingerprint: Fingerprint,
    /// Its D-H key id.
    pub keyid: u32,
}

/// Decrypt the peer's X under c and verify its signature of M.
pub fn verify_x(
    encrypted_sig: &[u8],
    our_dh: &dh::PublicKey,
    their_dh: &dh::PublicKey,
    m1: &[u8],
    c: &[u8; 16],
) -> Result<VerifiedPeer, AkeError> {
    let mut bytes = encrypted_sig.to_vec();
    aes128_ctr_zero(c, &mut bytes);
    let x = XValue::decode(&bytes).map_err(AkeError::MalformedX)?;
    let key = dsa::PublicKey::from_components(
        x.pub_key.p.magnitude(),
        x.pub_key.q.magnitude(),
        x.pub_key.g.magnitude(),
        x.pub_key.y.magnitude(),
    )
    .map_err(|_| AkeError::BadSignature)?;
    let m = hmac_sha256(
        m1,
        &m_input(
            &Mpi::new(&their_dh.to_bytes()),
            &Mpi::new(&our_dh.to_bytes()),
            &x.pub_key,
            x.keyid,
        ),
    );
    let sig = dsa::Signature::from_bytes(&x.sig.to_bytes()).map_err(|_| AkeError::BadSignature)?;
    if !key.verify(&m, &sig) {
        return Err(AkeError::BadSignature);
    }
    let fingerprint = Fingerprint(Sha1::digest(x.pub_key.fingerprint_bytes()).into());
    Ok(VerifiedPeer {
        key,
        fingerprint,
        keyid: x.keyid,
    })
}
