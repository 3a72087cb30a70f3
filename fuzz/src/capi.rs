//! A client of the C API, as a C program would be one: a userstate with its key and
//! instance tags loaded from files, a table of callbacks that record what the library
//! asks for (messages to inject, events, SMP progress, symmetric keys), and the
//! message functions called through the crate's exported `extern "C"` functions.

use crate::{c_string, memfile, SAMPLE_INSTAGS, SAMPLE_KEYS};
use otr::ffi::context::{otrl_context_find, ConnContext};
/// libgcrypt's error type, as the C API returns it.
type GcryError = c_uint;
use libc::{c_char, c_int, c_uchar, c_uint, c_ushort, c_void, size_t};
use otr::ffi::instag::{otrl_instag_read_FILEp, OTRL_INSTAG_BEST, OTRL_INSTAG_MASTER};
use otr::ffi::message::*;
use otr::ffi::privkey::otrl_privkey_read_FILEp;
use otr::ffi::proto::{
    otrl_proto_default_query_msg, OtrlPolicy, OTRL_FRAGMENT_SEND_ALL_BUT_LAST, OTRL_POLICY_DEFAULT,
};
use otr::ffi::tlv::{otrl_tlv_free, OtrlTLV};
use otr::ffi::userstate::{otrl_userstate_create, otrl_userstate_free, OtrlUserState};
use std::ffi::{CStr, CString};
use std::ptr;

/// Alice's account (the first key of the sample file).
pub const ALICE: (&str, &str) = ("alice@example.org", "prpl-jabber");
/// Bob's account (the second key of the sample file).
pub const BOB: (&str, &str) = ("alice", "IRC");

/// What one `otrl_message_receiving` call gave back.
#[derive(Debug, Default)]
pub struct Incoming {
    /// Its return value: non-zero asks the client to drop the message.
    pub ignore: bool,
    /// `*newmessagep`: the text to show instead of the original.
    pub message: Option<Vec<u8>>,
    /// The types of the TLVs of `*tlvsp`.
    pub tlv_types: Vec<u16>,
    /// The message state of `*contextp` afterwards (`None`: no context).
    pub msgstate: Option<c_uint>,
}

/// One side of a conversation: its userstate, its account and its peer, and
/// everything its callbacks were told. Boxed, since the callbacks find it by address.
pub struct Party {
    pub us: OtrlUserState,
    pub account: CString,
    pub protocol: CString,
    pub peer: CString,
    /// What `policy` answers.
    pub policy: OtrlPolicy,
    /// What `max_message_size` answers (0: no fragmentation).
    pub mms: c_int,
    /// Messages handed to `inject_message`, and what `otrl_message_sending` left to
    /// send, in order.
    pub outbox: Vec<Vec<u8>>,
    /// `handle_msg_event` calls: the event and its message, if any.
    pub msg_events: Vec<(OtrlMessageEvent, Option<Vec<u8>>)>,
    /// `handle_smp_event` calls.
    pub smp_events: Vec<OtrlSMPEvent>,
    /// `received_symkey` calls: use, use data and key.
    pub symkeys: Vec<(c_uint, Vec<u8>, [u8; 32])>,
    /// `gone_secure`, `gone_insecure`, `still_secure` and `new_fingerprint` calls.
    pub gone_secure: u32,
    pub gone_insecure: u32,
    pub still_secure: u32,
    pub new_fingerprints: u32,
    /// The last interval `timer_control` asked for.
    pub timer: Option<c_uint>,
}

impl Party {
    /// A party for `account` talking to `peer`'s account, with the sample key and
    /// instance tags loaded as a client loads its files.
    pub fn new(account: (&str, &str), peer: (&str, &str)) -> Box<Party> {
        // SAFETY: a fresh userstate; streams we own.
        let us = unsafe {
            let us = otrl_userstate_create();
            let keys = memfile(SAMPLE_KEYS);
            assert_eq!(otrl_privkey_read_FILEp(us, keys), 0);
            libc::fclose(keys);
            let tags = memfile(SAMPLE_INSTAGS);
            assert_eq!(otrl_instag_read_FILEp(us, tags), 0);
            libc::fclose(tags);
            us
        };
        Box::new(Party {
            us,
            account: CString::new(account.0).unwrap(),
            protocol: CString::new(account.1).unwrap(),
            peer: CString::new(peer.0).unwrap(),
            policy: OTRL_POLICY_DEFAULT,
            mms: 0,
            outbox: Vec::new(),
            msg_events: Vec::new(),
            smp_events: Vec::new(),
            symkeys: Vec::new(),
            gone_secure: 0,
            gone_insecure: 0,
            still_secure: 0,
            new_fingerprints: 0,
            timer: None,
        })
    }

    fn opdata(&mut self) -> *mut c_void {
        (self as *mut Party).cast()
    }

    /// `otrl_message_sending` of `text` (no TLVs) to the best instance of the peer,
    /// as Pidgin does it: all fragments but the last injected, the last one (or the
    /// whole message) left for the client to send. Returns the library's error.
    pub fn send(&mut self, text: &[u8]) -> GcryError {
        let text = c_string(text);
        let mut out: *mut c_char = ptr::null_mut();
        // SAFETY: valid userstate, table, strings and out-parameter.
        let err = unsafe {
            otrl_message_sending(
                self.us,
                &OPS,
                self.opdata(),
                self.account.as_ptr(),
                self.protocol.as_ptr(),
                self.peer.as_ptr(),
                OTRL_INSTAG_BEST,
                text.as_ptr(),
                ptr::null_mut(),
                &mut out,
                OTRL_FRAGMENT_SEND_ALL_BUT_LAST,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
            )
        };
        if out.is_null() {
            if err == 0 {
                self.outbox.push(text.into_bytes());
            }
        } else {
            // SAFETY: a string the library allocated, freed with its function.
            unsafe {
                if err == 0 {
                    self.outbox.push(CStr::from_ptr(out).to_bytes().to_vec());
                }
                otrl_message_free(out);
            }
        }
        err
    }

    /// Sends the query message of the party's policy (`otrl_proto_default_query_msg`),
    /// as a client's "start private conversation" does.
    pub fn query(&mut self) {
        // SAFETY: a NUL-terminated account name; the result is malloc'd.
        unsafe {
            let q = otrl_proto_default_query_msg(self.account.as_ptr(), self.policy);
            if !q.is_null() {
                self.outbox.push(CStr::from_ptr(q).to_bytes().to_vec());
                libc::free(q.cast());
            }
        }
    }

    /// `otrl_message_receiving` of `msg` from the peer.
    pub fn receive(&mut self, msg: &[u8]) -> Incoming {
        let msg = c_string(msg);
        if std::env::var_os("OTR_FUZZ_VERBOSE").is_some() {
            eprintln!(
                "{:?} receives {:?}",
                self.account,
                String::from_utf8_lossy(msg.as_bytes())
            );
        }
        let mut newmsg: *mut c_char = ptr::null_mut();
        let mut tlvs: *mut OtrlTLV = ptr::null_mut();
        let mut context: *mut ConnContext = ptr::null_mut();
        // SAFETY: valid userstate, table, strings and out-parameters; what comes back
        // is freed with the library's functions.
        unsafe {
            let ignore = otrl_message_receiving(
                self.us,
                &OPS,
                self.opdata(),
                self.account.as_ptr(),
                self.protocol.as_ptr(),
                self.peer.as_ptr(),
                msg.as_ptr(),
                &mut newmsg,
                &mut tlvs,
                &mut context,
                None,
                ptr::null_mut(),
            );
            let mut incoming = Incoming {
                ignore: ignore != 0,
                ..Incoming::default()
            };
            if !newmsg.is_null() {
                incoming.message = Some(CStr::from_ptr(newmsg).to_bytes().to_vec());
                otrl_message_free(newmsg);
            }
            let mut t = tlvs;
            while !t.is_null() {
                incoming.tlv_types.push((*t).r#type);
                t = (*t).next;
            }
            otrl_tlv_free(tlvs);
            incoming.msgstate = context.as_ref().map(|c| c.msgstate);
            incoming
        }
    }

    /// The context of the peer's `instance` (`OTRL_INSTAG_MASTER`, `_BEST`, ...), if
    /// there is one.
    pub fn context(&self, instance: c_uint) -> *mut ConnContext {
        // SAFETY: valid userstate and strings; nothing is added.
        unsafe {
            otrl_context_find(
                self.us,
                self.peer.as_ptr(),
                self.account.as_ptr(),
                self.protocol.as_ptr(),
                instance,
                0,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
            )
        }
    }

    /// The best context for the peer (the most secure instance), or NULL.
    pub fn best(&self) -> *mut ConnContext {
        self.context(OTRL_INSTAG_BEST)
    }

    /// `otrl_message_initiate_smp` (or `_q` with a question) with the best context.
    pub fn initiate_smp(&mut self, question: Option<&[u8]>, secret: &[u8]) {
        let context = self.best();
        if context.is_null() {
            return;
        }
        // SAFETY: valid userstate, table, context and buffers.
        unsafe {
            match question {
                Some(q) => {
                    let q = c_string(q);
                    otrl_message_initiate_smp_q(
                        self.us,
                        &OPS,
                        self.opdata(),
                        context,
                        q.as_ptr(),
                        secret.as_ptr(),
                        secret.len(),
                    )
                }
                None => otrl_message_initiate_smp(
                    self.us,
                    &OPS,
                    self.opdata(),
                    context,
                    secret.as_ptr(),
                    secret.len(),
                ),
            }
        }
    }

    /// `otrl_message_respond_smp` with the best context.
    pub fn respond_smp(&mut self, secret: &[u8]) {
        let context = self.best();
        if !context.is_null() {
            // SAFETY: as above.
            unsafe {
                otrl_message_respond_smp(
                    self.us,
                    &OPS,
                    self.opdata(),
                    context,
                    secret.as_ptr(),
                    secret.len(),
                )
            }
        }
    }

    /// `otrl_message_abort_smp` with the best context.
    pub fn abort_smp(&mut self) {
        let context = self.best();
        if !context.is_null() {
            // SAFETY: as above.
            unsafe { otrl_message_abort_smp(self.us, &OPS, self.opdata(), context) }
        }
    }

    /// `otrl_message_symkey` with the best context: the key, if the library gave one.
    pub fn symkey(&mut self, usage: c_uint, usedata: &[u8]) -> Option<[u8; 32]> {
        let context = self.best();
        if context.is_null() {
            return None;
        }
        let mut key = [0u8; 32];
        // SAFETY: as above; `key` has the 32 bytes the function writes.
        let err = unsafe {
            otrl_message_symkey(
                self.us,
                &OPS,
                self.opdata(),
                context,
                usage,
                usedata.as_ptr(),
                usedata.len(),
                key.as_mut_ptr(),
            )
        };
        (err == 0).then_some(key)
    }

    /// `otrl_message_disconnect` of the best instance, or of all instances.
    pub fn disconnect(&mut self, all: bool) {
        // SAFETY: valid userstate, table and strings.
        unsafe {
            if all {
                otrl_message_disconnect_all_instances(
                    self.us,
                    &OPS,
                    self.opdata(),
                    self.account.as_ptr(),
                    self.protocol.as_ptr(),
                    self.peer.as_ptr(),
                );
            } else {
                let context = self.best();
                if !context.is_null() {
                    let instance = (*context).their_instance;
                    otrl_message_disconnect(
                        self.us,
                        &OPS,
                        self.opdata(),
                        self.account.as_ptr(),
                        self.protocol.as_ptr(),
                        self.peer.as_ptr(),
                        instance,
                    );
                }
            }
        }
    }

    /// `otrl_message_poll`.
    pub fn poll(&mut self) {
        // SAFETY: valid userstate and table.
        unsafe { otrl_message_poll(self.us, &OPS, self.opdata()) }
    }

    /// The message state of the best context (PLAINTEXT when there is none).
    pub fn msgstate(&self) -> c_uint {
        let context = self.best();
        // SAFETY: a context of our userstate.
        unsafe { context.as_ref().map_or(0, |c| c.msgstate) }
    }

    /// Forgets what the callbacks recorded.
    pub fn clear_records(&mut self) {
        self.outbox.clear();
        self.msg_events.clear();
        self.smp_events.clear();
        self.symkeys.clear();
        (
            self.gone_secure,
            self.gone_insecure,
            self.still_secure,
            self.new_fingerprints,
        ) = (0, 0, 0, 0);
        self.timer = None;
    }
}

impl Drop for Party {
    fn drop(&mut self) {
        // SAFETY: created in `new`, freed once.
        unsafe { otrl_userstate_free(self.us) }
    }
}

/// The master context of the peer, if any (the one a v2 conversation uses).
pub fn master(p: &Party) -> *mut ConnContext {
    p.context(OTRL_INSTAG_MASTER)
}

// ---- the callbacks: `opdata` is the `Party` ----

unsafe fn party<'a>(opdata: *mut c_void) -> &'a mut Party {
    &mut *opdata.cast::<Party>()
}

unsafe extern "C" fn policy(opdata: *mut c_void, _: *mut ConnContext) -> OtrlPolicy {
    party(opdata).policy
}

unsafe extern "C" fn is_logged_in(
    _: *mut c_void,
    _: *const c_char,
    _: *const c_char,
    _: *const c_char,
) -> c_int {
    1
}

unsafe extern "C" fn inject_message(
    opdata: *mut c_void,
    _: *const c_char,
    _: *const c_char,
    _: *const c_char,
    message: *const c_char,
) {
    party(opdata)
        .outbox
        .push(CStr::from_ptr(message).to_bytes().to_vec());
}

unsafe extern "C" fn new_fingerprint(
    opdata: *mut c_void,
    _: OtrlUserState,
    _: *const c_char,
    _: *const c_char,
    _: *const c_char,
    _: *mut c_uchar,
) {
    party(opdata).new_fingerprints += 1;
}

unsafe extern "C" fn gone_secure(opdata: *mut c_void, _: *mut ConnContext) {
    party(opdata).gone_secure += 1;
}

unsafe extern "C" fn gone_insecure(opdata: *mut c_void, _: *mut ConnContext) {
    party(opdata).gone_insecure += 1;
}

unsafe extern "C" fn still_secure(opdata: *mut c_void, _: *mut ConnContext, _: c_int) {
    party(opdata).still_secure += 1;
}

unsafe extern "C" fn max_message_size(opdata: *mut c_void, _: *mut ConnContext) -> c_int {
    party(opdata).mms
}

unsafe extern "C" fn received_symkey(
    opdata: *mut c_void,
    _: *mut ConnContext,
    usage: c_uint,
    usedata: *const c_uchar,
    usedatalen: size_t,
    symkey: *const c_uchar,
) {
    let data = if usedatalen == 0 {
        Vec::new()
    } else {
        std::slice::from_raw_parts(usedata, usedatalen).to_vec()
    };
    let mut key = [0u8; 32];
    key.copy_from_slice(std::slice::from_raw_parts(symkey, 32));
    party(opdata).symkeys.push((usage, data, key));
}

unsafe extern "C" fn otr_error_message(
    _: *mut c_void,
    _: *mut ConnContext,
    code: OtrlErrorCode,
) -> *const c_char {
    let text = CString::new(format!("error {code}")).unwrap();
    libc::strdup(text.as_ptr())
}

unsafe extern "C" fn otr_error_message_free(_: *mut c_void, msg: *const c_char) {
    libc::free(msg.cast_mut().cast());
}

unsafe extern "C" fn resent_msg_prefix(_: *mut c_void, _: *mut ConnContext) -> *const c_char {
    c"[resent]".as_ptr()
}

unsafe extern "C" fn handle_smp_event(
    opdata: *mut c_void,
    event: OtrlSMPEvent,
    _: *mut ConnContext,
    _: c_ushort,
    _: *mut c_char,
) {
    party(opdata).smp_events.push(event);
}

unsafe extern "C" fn handle_msg_event(
    opdata: *mut c_void,
    event: OtrlMessageEvent,
    _: *mut ConnContext,
    message: *const c_char,
    _: GcryError,
) {
    let text = (!message.is_null()).then(|| CStr::from_ptr(message).to_bytes().to_vec());
    party(opdata).msg_events.push((event, text));
}

unsafe extern "C" fn timer_control(opdata: *mut c_void, interval: c_uint) {
    party(opdata).timer = Some(interval);
}

/// The callback table every party uses.
pub static OPS: OtrlMessageAppOps = OtrlMessageAppOps {
    policy: Some(policy),
    create_privkey: None,
    is_logged_in: Some(is_logged_in),
    inject_message: Some(inject_message),
    update_context_list: None,
    new_fingerprint: Some(new_fingerprint),
    write_fingerprints: None,
    gone_secure: Some(gone_secure),
    gone_insecure: Some(gone_insecure),
    still_secure: Some(still_secure),
    max_message_size: Some(max_message_size),
    account_name: None,
    account_name_free: None,
    received_symkey: Some(received_symkey),
    otr_error_message: Some(otr_error_message),
    otr_error_message_free: Some(otr_error_message_free),
    resent_msg_prefix: Some(resent_msg_prefix),
    resent_msg_prefix_free: None,
    handle_smp_event: Some(handle_smp_event),
    handle_msg_event: Some(handle_msg_event),
    create_instag: None,
    convert_msg: None,
    convert_free: None,
    timer_control: Some(timer_control),
};

/// Delivers everything both sides have to send, in order, until both are quiet (at
/// most `rounds` rounds): the faithful network.
pub fn pump(a: &mut Party, b: &mut Party, rounds: usize) {
    for _ in 0..rounds {
        if a.outbox.is_empty() && b.outbox.is_empty() {
            return;
        }
        for m in std::mem::take(&mut a.outbox) {
            b.receive(&m);
        }
        for m in std::mem::take(&mut b.outbox) {
            a.receive(&m);
        }
    }
}
