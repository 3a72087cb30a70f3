//! Calling the client's `OtrlMessageAppOps`: one method per callback, each a no-op
//! (or libotr's default answer) when the client left the slot NULL.

use super::context::ConnContext;
use super::gcrypt::gcry_error_t;
use super::message::{
    OtrlConvertType, OtrlErrorCode, OtrlMessageAppOps, OtrlMessageEvent, OtrlSMPEvent,
};
use super::proto::{OtrlPolicy, OTRL_POLICY_DEFAULT};
use super::userstate::OtrlUserState;
use super::{c_bytes, c_string};
use libc::{c_char, c_int, c_uint, c_ushort, c_void};
use std::ffi::CStr;
use std::ptr;

/// A table with every slot NULL, for callers that pass no table at all.
static NO_OPS: OtrlMessageAppOps = unsafe { std::mem::zeroed() };

/// The client's callbacks and the `opdata` it passes to each.
pub(super) struct AppOps<'a> {
    ops: &'a OtrlMessageAppOps,
    opdata: *mut c_void,
}

impl AppOps<'_> {
    /// # Safety
    /// `ops` must be NULL or a valid table that outlives the returned value.
    pub unsafe fn new(ops: *const OtrlMessageAppOps, opdata: *mut c_void) -> Self {
        Self {
            ops: ops.as_ref().unwrap_or(&NO_OPS),
            opdata,
        }
    }

    /// The policy for `context` (`OTRL_POLICY_DEFAULT` without a callback).
    pub unsafe fn policy(&self, context: *mut ConnContext) -> OtrlPolicy {
        match self.ops.policy {
            Some(f) => f(self.opdata, context),
            None => OTRL_POLICY_DEFAULT,
        }
    }

    pub unsafe fn create_privkey(&self, accountname: *const c_char, protocol: *const c_char) {
        if let Some(f) = self.ops.create_privkey {
            f(self.opdata, accountname, protocol);
        }
    }

    pub unsafe fn create_instag(&self, accountname: *const c_char, protocol: *const c_char) {
        if let Some(f) = self.ops.create_instag {
            f(self.opdata, accountname, protocol);
        }
    }

    /// Whether the peer of `context` is logged in; `None` without a callback.
    pub unsafe fn is_logged_in(&self, context: *mut ConnContext) -> Option<c_int> {
        let c = &*context;
        let f = self.ops.is_logged_in?;
        Some(f(self.opdata, c.accountname, c.protocol, c.username))
    }

    pub fn can_inject(&self) -> bool {
        self.ops.inject_message.is_some()
    }

    /// Sends `message` (up to its first NUL) to the peer of `context`.
    pub unsafe fn inject(&self, context: *mut ConnContext, message: &[u8]) {
        if self.can_inject() {
            self.inject_c_str(context, &c_string(message));
        }
    }

    /// Sends `message` to the peer of `context`.
    pub unsafe fn inject_c_str(&self, context: *mut ConnContext, message: &CStr) {
        if let Some(f) = self.ops.inject_message {
            let c = &*context;
            f(
                self.opdata,
                c.accountname,
                c.protocol,
                c.username,
                message.as_ptr(),
            );
        }
    }

    pub unsafe fn update_context_list(&self) {
        if let Some(f) = self.ops.update_context_list {
            f(self.opdata);
        }
    }

    pub unsafe fn new_fingerprint(
        &self,
        us: OtrlUserState,
        context: *mut ConnContext,
        fingerprint: &mut [u8; 20],
    ) {
        if let Some(f) = self.ops.new_fingerprint {
            let c = &*context;
            f(
                self.opdata,
                us,
                c.accountname,
                c.protocol,
                c.username,
                fingerprint.as_mut_ptr(),
            );
        }
    }

    pub unsafe fn write_fingerprints(&self) {
        if let Some(f) = self.ops.write_fingerprints {
            f(self.opdata);
        }
    }

    pub unsafe fn gone_secure(&self, context: *mut ConnContext) {
        if let Some(f) = self.ops.gone_secure {
            f(self.opdata, context);
        }
    }

    pub unsafe fn still_secure(&self, context: *mut ConnContext, is_reply: c_int) {
        if let Some(f) = self.ops.still_secure {
            f(self.opdata, context, is_reply);
        }
    }

    /// The transport's maximum message size for `context` (0: unlimited).
    pub unsafe fn max_message_size(&self, context: *mut ConnContext) -> usize {
        match self.ops.max_message_size {
            Some(f) => usize::try_from(f(self.opdata, context)).unwrap_or(0),
            None => 0,
        }
    }

    pub unsafe fn received_symkey(
        &self,
        context: *mut ConnContext,
        use_: c_uint,
        use_data: &[u8],
        symkey: &[u8],
    ) {
        if let Some(f) = self.ops.received_symkey {
            f(
                self.opdata,
                context,
                use_,
                use_data.as_ptr(),
                use_data.len(),
                symkey.as_ptr(),
            );
        }
    }

    /// The text of an OTR error message for `code`, asked of the client and
    /// given back to it to free; `None` without a callback or text.
    pub unsafe fn otr_error_text(
        &self,
        context: *mut ConnContext,
        code: OtrlErrorCode,
    ) -> Option<Vec<u8>> {
        self.with_otr_error_text(context, code, true, <[u8]>::to_vec)
    }

    /// Runs `use_text` on the client's text for `code` before giving the text
    /// back to it to free, as libotr does when it sends an error message (the
    /// inject comes before the free). A NULL text is given back to free only
    /// if `free_null` (libotr does so after an unreadable Data Message, not
    /// after a malformed message).
    pub unsafe fn with_otr_error_text<R>(
        &self,
        context: *mut ConnContext,
        code: OtrlErrorCode,
        free_null: bool,
        use_text: impl FnOnce(&[u8]) -> R,
    ) -> Option<R> {
        let f = self.ops.otr_error_message?;
        let text = f(self.opdata, context, code);
        let result = c_bytes(text).map(use_text);
        if let (Some(free), true) = (
            self.ops.otr_error_message_free,
            free_null || !text.is_null(),
        ) {
            free(self.opdata, text);
        }
        result
    }

    pub fn can_explain_errors(&self) -> bool {
        self.ops.otr_error_message.is_some()
    }

    /// The prefix of a resent message: the client's, or libotr's `[resent]`.
    pub unsafe fn resent_prefix(&self, context: *mut ConnContext) -> Vec<u8> {
        let Some(f) = self.ops.resent_msg_prefix else {
            return b"[resent]".to_vec();
        };
        let prefix = f(self.opdata, context);
        let Some(text) = c_bytes(prefix).map(<[u8]>::to_vec) else {
            return b"[resent]".to_vec();
        };
        if let Some(free) = self.ops.resent_msg_prefix_free {
            free(self.opdata, prefix);
        }
        text
    }

    pub unsafe fn smp_event(
        &self,
        event: OtrlSMPEvent,
        context: *mut ConnContext,
        progress: c_ushort,
        question: *mut c_char,
    ) {
        if let Some(f) = self.ops.handle_smp_event {
            f(self.opdata, event, context, progress, question);
        }
    }

    pub fn can_report(&self) -> bool {
        self.ops.handle_msg_event.is_some()
    }

    /// Reports a message event, with an optional text.
    pub unsafe fn msg_event(
        &self,
        event: OtrlMessageEvent,
        context: *mut ConnContext,
        message: Option<&CStr>,
        err: gcry_error_t,
    ) {
        if let Some(f) = self.ops.handle_msg_event {
            let text = message.map_or(ptr::null(), CStr::as_ptr);
            f(self.opdata, event, context, text, err);
        }
    }

    /// The client's conversion of `src` (up to its first NUL), if it makes one
    /// (given back to it to free).
    pub unsafe fn convert(
        &self,
        context: *mut ConnContext,
        kind: OtrlConvertType,
        src: &[u8],
    ) -> Option<Vec<u8>> {
        let f = self.ops.convert_msg?;
        let src = c_string(src);
        let mut dest: *mut c_char = ptr::null_mut();
        f(self.opdata, context, kind, &mut dest, src.as_ptr());
        let converted = c_bytes(dest)?.to_vec();
        if let Some(free) = self.ops.convert_free {
            free(self.opdata, context, dest);
        }
        Some(converted)
    }

    pub fn has_timer_control(&self) -> bool {
        self.ops.timer_control.is_some()
    }

    pub unsafe fn timer_control(&self, interval: c_uint) {
        if let Some(f) = self.ops.timer_control {
            f(self.opdata, interval);
        }
    }
}
