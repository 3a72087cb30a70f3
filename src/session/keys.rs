//! Data-message keys and their rotation, kept exactly as libotr keeps them
//! (spec "Exchanging data" and "Revealing MAC keys"; libotr's
//! `our_dh_key`, `our_old_dh_key`, `their_y`, `their_old_y`,
//! `sesskeys[2][2]`, `saved_mac_keys`).
//!
//! `sesskeys[i][j]` pairs our key i (0 = newest, keyid `our_keyid`; 1 =
//! previous, keyid `our_keyid - 1`) with their key j (0 = newest, keyid
//! `their_keyid`; 1 = previous). We always send with `[1][0]`: our previous
//! key (the newest one the peer has acknowledged) and their newest, and
//! announce our newest as "next D-H key".

use crate::ake::AkeResult;
use crate::crypto::dh::{self, KeyPair, MacKey, SessionKeys};
use crate::crypto::symmetric::{macs_equal, Aes128CtrKey, HmacSha1};
use crate::crypto::{self, dh::ExtraKey};
use crate::wire::codec::{Ctr, Mpi};
use crate::wire::message::{DataHead, DataMessage, Header};
use core::fmt;
use zeroize::Zeroizing;

/// Why a Data Message could not be read. `UnknownKeyId`, `BadMac` and
/// `ReplayedCounter` are libotr's `GPG_ERR_CONFLICT`
/// (`OTRL_MSGEVENT_RCVDMSG_UNREADABLE`); `Malformed` is its
/// `GPG_ERR_INV_VALUE` (`OTRL_MSGEVENT_RCVDMSG_MALFORMED`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataError {
    /// A key id is zero or names none of the keys we hold.
    UnknownKeyId {
        /// The sender keyid in the message.
        sender: u32,
        /// The recipient keyid in the message.
        recipient: u32,
    },
    /// The SHA1-HMAC does not match.
    BadMac,
    /// The counter is not larger than the last one received under these
    /// keys (spec "Data Message": "the counter must be monotonically
    /// increasing").
    ReplayedCounter,
    /// The message does not parse or carries an unusable next D-H key.
    Malformed(String),
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownKeyId { sender, recipient } => {
                write!(
                    f,
                    "unknown key ids (sender {sender}, recipient {recipient})"
                )
            }
            Self::BadMac => f.write_str("bad MAC"),
            Self::ReplayedCounter => f.write_str("counter did not increase"),
            Self::Malformed(why) => write!(f, "malformed data message: {why}"),
        }
    }
}

impl std::error::Error for DataError {}

/// One pair of our key and theirs (libotr's `DH_sesskeys`): the derived
/// keys, both counters and whether the receiving MAC key has verified a
/// message.
///
/// libotr derives the keys of a pair (a D-H exponentiation) as soon as the
/// pair exists; most pairs are never used (a conversation sends with one pair
/// and receives with one), so we derive them when a message first needs them
/// ([`DataKeys::slot`]). Nothing on the wire depends on when.
#[derive(Clone)]
struct Slot {
    /// `None` until first needed.
    keys: Option<SessionKeys>,
    send_ctr: Ctr,
    recv_ctr: Ctr,
    recv_mac_used: bool,
    /// The sending and the receiving keys made ready for use, when first
    /// needed, and kept for the following messages (most slots only ever
    /// serve one direction).
    sending: Option<Box<ReadyKeys>>,
    receiving: Option<Box<ReadyKeys>>,
}

/// An AES key and a MAC key ready for use: the AES round keys expanded and
/// the SHA1-HMAC keyed (libotr's cipher and MAC handles in `DH_sesskeys`).
#[derive(Clone, Debug)]
struct ReadyKeys {
    aes: Aes128CtrKey,
    hmac: HmacSha1,
}

impl ReadyKeys {
    fn new(aes: &[u8; 16], mac: &MacKey) -> Box<Self> {
        Box::new(Self {
            aes: Aes128CtrKey::new(aes),
            hmac: HmacSha1::new(mac),
        })
    }
}

impl Slot {
    /// A pair whose keys are not derived yet.
    fn new() -> Self {
        Self {
            keys: None,
            send_ctr: [0; 8],
            recv_ctr: [0; 8],
            recv_mac_used: false,
            sending: None,
            receiving: None,
        }
    }

    /// The sending AES and MAC keys (`None` before the keys are derived).
    fn sending(&mut self) -> Option<&ReadyKeys> {
        let keys = self.keys.as_ref()?;
        Some(
            self.sending.get_or_insert_with(|| {
                ReadyKeys::new(keys.sending_aes_key(), keys.sending_mac_key())
            }),
        )
    }

    /// The receiving AES and MAC keys (`None` before the keys are derived).
    fn receiving(&mut self) -> Option<&ReadyKeys> {
        let keys = self.keys.as_ref()?;
        Some(self.receiving.get_or_insert_with(|| {
            ReadyKeys::new(keys.receiving_aes_key(), keys.receiving_mac_key())
        }))
    }

    /// The MAC key to reveal when the slot is discarded: the receiving one,
    /// if it verified a message (spec "Revealing MAC keys": only "receiving
    /// MAC keys ... that were actually used to verify a MAC"; libotr never
    /// marks a sending MAC key used, so never reveals one either).
    fn used_mac_key(&self) -> Option<&MacKey> {
        let keys = self.keys.as_ref().filter(|_| self.recv_mac_used)?;
        Some(keys.receiving_mac_key())
    }
}

/// Big-endian increment of a counter top half (libotr's `otrl_dh_incctr`).
fn increment(ctr: &mut Ctr) {
    for byte in ctr.iter_mut().rev() {
        *byte = byte.wrapping_add(1);
        if *byte != 0 {
            break;
        }
    }
}

/// The keys of an encrypted session.
pub struct DataKeys {
    our_keyid: u32,
    our_dh: KeyPair,
    /// The public value of `our_dh` as the MPI every message announces as
    /// the next D-H key (converted once per key, not once per message).
    our_next_dh: Mpi,
    our_old_dh: KeyPair,
    their_keyid: u32,
    their_y: dh::PublicKey,
    their_old_y: Option<dh::PublicKey>,
    /// `[our newest, our previous][their newest, their previous]`.
    slots: [[Option<Slot>; 2]; 2],
    saved_mac_keys: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataKeys")
            .field("our_keyid", &self.our_keyid)
            .field("their_keyid", &self.their_keyid)
            .finish_non_exhaustive()
    }
}

/// A decrypted Data Message.
#[derive(Debug)]
pub struct Decrypted {
    /// The decrypted payload (message, NUL, TLVs).
    pub payload: Zeroizing<Vec<u8>>,
    /// The extra symmetric key of the session keys that protected it.
    pub extra_key: Zeroizing<ExtraKey>,
}

impl DataKeys {
    /// The keys right after an AKE (libotr's `go_encrypted`): our AKE key
    /// becomes our previous key (keyid 1), a fresh key our newest (keyid 2);
    /// their AKE key is their newest.
    pub fn after_ake(ake: &AkeResult) -> Result<Self, crypto::Error> {
        let our_old_dh = ake.our_dh.clone();
        let our_dh = KeyPair::generate()?;
        let slots = [[Some(Slot::new()), None], [Some(Slot::new()), None]];
        Ok(Self {
            our_keyid: ake.our_keyid.wrapping_add(1),
            our_next_dh: Mpi::new(&our_dh.public().to_bytes()),
            our_dh,
            our_old_dh,
            their_keyid: ake.their_keyid,
            their_y: ake.their_dh.clone(),
            their_old_y: None,
            slots,
            saved_mac_keys: Zeroizing::new(Vec::new()),
        })
    }

    /// Key id of our newest D-H key (libotr's `our_keyid`).
    pub fn our_keyid(&self) -> u32 {
        self.our_keyid
    }

    /// Key id of their newest D-H key (libotr's `their_keyid`).
    pub fn their_keyid(&self) -> u32 {
        self.their_keyid
    }

    /// MAC keys waiting to be revealed in the next message we send.
    pub fn saved_mac_keys(&self) -> &[u8] {
        &self.saved_mac_keys
    }

    /// The extra symmetric key of the session keys we send with
    /// (`sesskeys[1][0]`, as `otrl_message_symkey` uses).
    pub fn extra_symmetric_key(&mut self) -> Option<&ExtraKey> {
        self.derive_keys(1, 0)?;
        let slot = self.slots.get(1)?.first()?.as_ref()?;
        slot.keys.as_ref().map(SessionKeys::extra_key)
    }

    /// Derives the keys of `sesskeys[i][j]` if this is their first use (`None`
    /// if there is no such pair): the slot at `[i][j]` always pairs our key `i`
    /// with their key `j` (the rotations move slots with their keys).
    fn derive_keys(&mut self, i: usize, j: usize) -> Option<()> {
        let ours = if i == 0 {
            &self.our_dh
        } else {
            &self.our_old_dh
        };
        let theirs = if j == 0 {
            Some(&self.their_y)
        } else {
            self.their_old_y.as_ref()
        };
        let slot = self.slots.get_mut(i)?.get_mut(j)?.as_mut()?;
        if slot.keys.is_none() {
            slot.keys = Some(SessionKeys::derive(ours, theirs?));
        }
        Some(())
    }

    /// Encrypt `payload` into an encoded Data Message (libotr's
    /// `otrl_proto_create_data`): keys `[1][0]`, counter incremented first,
    /// HMAC-SHA1 over everything up to the encrypted message, saved MAC keys
    /// revealed and then forgotten.
    pub fn encrypt(
        &mut self,
        header: Header,
        flags: u8,
        mut payload: Zeroizing<Vec<u8>>,
    ) -> Option<Vec<u8>> {
        let sender_keyid = self.our_keyid.wrapping_sub(1);
        let recipient_keyid = self.their_keyid;
        self.derive_keys(1, 0)?;
        let slot = self.slots.get_mut(1)?.get_mut(0)?.as_mut()?;
        increment(&mut slot.send_ctr);
        let ctr = slot.send_ctr;
        let ready = slot.sending()?;
        ready.aes.apply_in_place(&ctr, &mut payload);
        // Encrypted in place: what is taken out of the wiping wrapper is
        // ciphertext only. The wrapper is left holding an empty vector, with
        // nothing to wipe or free: it is forgotten rather than dropped, which
        // would still call `memset` for its zero bytes of room.
        let encrypted_message = core::mem::take(&mut *payload);
        core::mem::forget(payload);
        let head = DataHead {
            header,
            flags,
            sender_keyid,
            recipient_keyid,
            next_dh: &self.our_next_dh,
            ctr,
        };
        let revealed = core::mem::take(&mut *self.saved_mac_keys);
        Some(head.encode(
            &encrypted_message,
            |authenticated| ready.hmac.mac(authenticated),
            &revealed,
        ))
    }

    /// Verify and decrypt a Data Message (libotr's
    /// `otrl_proto_accept_data`): pick the keys its key ids name, check the
    /// MAC in constant time, then the counter, decrypt, and rotate our keys
    /// if it used our newest, theirs if it came from their newest. Nothing
    /// changes unless the MAC verifies.
    pub fn decrypt(&mut self, msg: DataMessage) -> Result<Decrypted, DataError> {
        let (i, j) = self.slot_index(&msg)?;
        let unknown = DataError::UnknownKeyId {
            sender: msg.sender_keyid,
            recipient: msg.recipient_keyid,
        };
        self.derive_keys(i, j).ok_or(unknown.clone())?;
        let slot = self
            .slots
            .get_mut(i)
            .and_then(|row| row.get_mut(j))
            .and_then(Option::as_mut)
            .ok_or(unknown.clone())?;
        let mac = slot
            .receiving()
            .ok_or(unknown.clone())?
            .hmac
            .mac_pieces(&[&msg.mac_input_head(), &msg.encrypted_message]);
        if !macs_equal(&mac, &msg.mac) {
            return Err(DataError::BadMac);
        }
        slot.recv_mac_used = true;
        if msg.ctr <= slot.recv_ctr {
            return Err(DataError::ReplayedCounter);
        }
        let next_y = if msg.sender_keyid == self.their_keyid {
            Some(
                dh::PublicKey::from_bytes(msg.next_dh.magnitude())
                    .map_err(|e| DataError::Malformed(e.to_string()))?,
            )
        } else {
            None
        };
        slot.recv_ctr = msg.ctr;
        let mut payload = Zeroizing::new(msg.encrypted_message);
        let keys = slot.receiving().ok_or(unknown.clone())?;
        keys.aes.apply_in_place(&msg.ctr, &mut payload);
        let extra_key = Zeroizing::new(*slot.keys.as_ref().ok_or(unknown)?.extra_key());
        if msg.recipient_keyid == self.our_keyid {
            self.rotate_ours()
                .map_err(|e| DataError::Malformed(e.to_string()))?;
        }
        if let Some(next_y) = next_y {
            self.rotate_theirs(next_y);
        }
        Ok(Decrypted { payload, extra_key })
    }

    /// Which `sesskeys[i][j]` the message's key ids name.
    fn slot_index(&self, msg: &DataMessage) -> Result<(usize, usize), DataError> {
        let unknown = DataError::UnknownKeyId {
            sender: msg.sender_keyid,
            recipient: msg.recipient_keyid,
        };
        if msg.sender_keyid == 0 || msg.recipient_keyid == 0 || self.their_keyid == 0 {
            return Err(unknown);
        }
        let i = match self.our_keyid.wrapping_sub(msg.recipient_keyid) {
            0 => 0,
            1 => 1,
            _ => return Err(unknown),
        };
        let j = match self.their_keyid.wrapping_sub(msg.sender_keyid) {
            0 => 0,
            1 if self.their_old_y.is_some() => 1,
            _ => return Err(unknown),
        };
        Ok((i, j))
    }

    /// Remember a discarded slot's used MAC key for revealing.
    fn save_mac_keys(&mut self, slot: Option<Slot>) {
        if let Some(key) = slot.as_ref().and_then(Slot::used_mac_key) {
            self.saved_mac_keys.extend_from_slice(key);
        }
    }

    /// The peer used our newest key: it becomes our previous one, and we
    /// make a new newest (libotr's `rotate_dh_keys`).
    fn rotate_ours(&mut self) -> Result<(), crypto::Error> {
        let new_dh = KeyPair::generate()?;
        self.our_next_dh = Mpi::new(&new_dh.public().to_bytes());
        self.our_old_dh = core::mem::replace(&mut self.our_dh, new_dh);
        let [newest, previous] = &mut self.slots;
        let discarded = core::mem::replace(previous, core::mem::take(newest));
        for slot in discarded {
            self.save_mac_keys(slot);
        }
        self.our_keyid = self.our_keyid.wrapping_add(1);
        let fresh_old = self.their_old_y.as_ref().map(|_| Slot::new());
        self.slots[0] = [Some(Slot::new()), fresh_old];
        Ok(())
    }

    /// The peer sent a new key: their newest becomes their previous
    /// (libotr's `rotate_y_keys`).
    fn rotate_theirs(&mut self, next_y: dh::PublicKey) {
        let old_y = core::mem::replace(&mut self.their_y, next_y);
        self.their_old_y = Some(old_y);
        for row in 0..2 {
            let discarded = self.slots.get_mut(row).and_then(|r| {
                let [newest, previous] = r;
                core::mem::replace(previous, newest.take())
            });
            self.save_mac_keys(discarded);
        }
        self.their_keyid = self.their_keyid.wrapping_add(1);
        let [newest, previous] = &mut self.slots;
        newest[0] = Some(Slot::new());
        previous[0] = Some(Slot::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_increment_carries() {
        let mut c = [0, 0, 0, 0, 0, 0, 0, 0xff];
        increment(&mut c);
        assert_eq!(c, [0, 0, 0, 0, 0, 0, 1, 0]);
        let mut c = [0xff; 8];
        increment(&mut c);
        assert_eq!(c, [0; 8]);
    }
}
