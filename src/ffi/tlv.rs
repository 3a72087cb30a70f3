//! `tlv.h`: type/length/value records carried inside data messages.

use super::{bytes, malloc_copy};
use crate::wire::tlv::{self, Tlv};
use libc::{c_uchar, c_ushort, size_t};
use std::ptr;

pub const OTRL_TLV_PADDING: c_ushort = 0x0000;
pub const OTRL_TLV_DISCONNECTED: c_ushort = 0x0001;
pub const OTRL_TLV_SMP1: c_ushort = 0x0002;
pub const OTRL_TLV_SMP2: c_ushort = 0x0003;
pub const OTRL_TLV_SMP3: c_ushort = 0x0004;
pub const OTRL_TLV_SMP4: c_ushort = 0x0005;
pub const OTRL_TLV_SMP_ABORT: c_ushort = 0x0006;
pub const OTRL_TLV_SMP1Q: c_ushort = 0x0007;
pub const OTRL_TLV_SYMKEY: c_ushort = 0x0008;

/// One TLV in a singly linked list; `data` is `malloc`ed and `len` bytes long.
#[repr(C)]
pub struct s_OtrlTLV {
    pub r#type: c_ushort,
    pub len: c_ushort,
    pub data: *mut c_uchar,
    pub next: *mut OtrlTLV,
}

/// cbindgen:ignore
pub type OtrlTLV = s_OtrlTLV;

/// Makes a TLV holding a copy of `len` bytes of `data`; NULL if memory runs out.
///
/// # Safety
/// `data` must point to `len` readable bytes (or be NULL when `len` is 0).
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_new(
    r#type: c_ushort,
    len: c_ushort,
    data: *const c_uchar,
) -> *mut OtrlTLV {
    new_tlv(r#type, bytes(data, usize::from(len)))
}

/// Parses serialized TLVs into a list (NULL when there are none), dropping a
/// truncated last record as libotr does.
///
/// # Safety
/// `serialized` must point to `seriallen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_parse(
    serialized: *const c_uchar,
    seriallen: size_t,
) -> *mut OtrlTLV {
    to_c_list(&tlv::parse(bytes(serialized, seriallen)))
}

/// Frees a whole TLV list.
///
/// # Safety
/// `tlv` must be NULL or a list made by this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_free(mut tlv: *mut OtrlTLV) {
    while !tlv.is_null() {
        let next = (*tlv).next;
        libc::free((*tlv).data.cast());
        libc::free(tlv.cast());
        tlv = next;
    }
}

/// The number of bytes `otrl_tlv_serialize` writes for the list.
///
/// # Safety
/// `tlv` must be NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_seriallen(tlv: *const OtrlTLV) -> size_t {
    tlv::serialized_len(&from_c_list(tlv))
}

/// Writes the list into `buf`.
///
/// # Safety
/// `buf` must be NULL (nothing is written) or have room for `otrl_tlv_seriallen(tlv)`
/// bytes; `tlv` must be a valid list.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_serialize(buf: *mut c_uchar, tlv: *const OtrlTLV) {
    if buf.is_null() {
        return;
    }
    // Every length fits a SHORT, since each came from a C `unsigned short`.
    if let Ok(serialized) = tlv::serialize(&from_c_list(tlv)) {
        ptr::copy_nonoverlapping(serialized.as_ptr(), buf, serialized.len());
    }
}

/// The first TLV of the given type in the list, or NULL.
///
/// # Safety
/// `tlvs` must be NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_find(mut tlvs: *mut OtrlTLV, r#type: c_ushort) -> *mut OtrlTLV {
    while !tlvs.is_null() && (*tlvs).r#type != r#type {
        tlvs = (*tlvs).next;
    }
    tlvs
}

/// A `malloc`ed TLV node holding a copy of `value`, or NULL.
fn new_tlv(kind: c_ushort, value: &[u8]) -> *mut OtrlTLV {
    let Ok(len) = c_ushort::try_from(value.len()) else {
        return ptr::null_mut();
    };
    // SAFETY: the node is allocated with the size of OtrlTLV and fully initialised.
    unsafe {
        let node = libc::malloc(std::mem::size_of::<OtrlTLV>()).cast::<OtrlTLV>();
        if node.is_null() {
            return node;
        }
        let data = malloc_copy(value);
        if data.is_null() {
            libc::free(node.cast());
            return ptr::null_mut();
        }
        node.write(s_OtrlTLV {
            r#type: kind,
            len,
            data,
            next: ptr::null_mut(),
        });
        node
    }
}

/// The records as a C list in the same order; NULL for none (or if memory runs out).
pub(super) fn to_c_list(records: &[Tlv]) -> *mut OtrlTLV {
    let mut head: *mut OtrlTLV = ptr::null_mut();
    for record in records.iter().rev() {
        let node = new_tlv(record.kind, &record.value);
        if node.is_null() {
            // SAFETY: `head` is a list we built above.
            unsafe { otrl_tlv_free(head) };
            return ptr::null_mut();
        }
        // SAFETY: `node` was just allocated and initialised.
        unsafe { (*node).next = head };
        head = node;
    }
    head
}

/// The records of a C list.
///
/// # Safety
/// `tlv` must be NULL or a valid list whose `data` fields hold `len` bytes each.
pub(super) unsafe fn from_c_list(mut tlv: *const OtrlTLV) -> Vec<Tlv> {
    let mut records = Vec::new();
    while !tlv.is_null() {
        let node = &*tlv;
        records.push(Tlv::new(
            node.r#type,
            bytes(node.data, usize::from(node.len)),
        ));
        tlv = node.next;
    }
    records
}

/// The list functions on chains built as C clients build them; also run under Miri
/// (`make miri`), which checks every pointer step.
#[cfg(test)]
mod tests {
    use super::*;

    /// Two nodes from `otrl_tlv_new`, linked by hand.
    unsafe fn chain() -> *mut OtrlTLV {
        let first = otrl_tlv_new(OTRL_TLV_SMP1Q, 3, b"abc".as_ptr());
        let second = otrl_tlv_new(OTRL_TLV_PADDING, 0, ptr::null());
        assert!(!first.is_null() && !second.is_null());
        (*first).next = second;
        first
    }

    #[test]
    fn chain_serializes_parses_finds_and_frees() {
        // SAFETY: every list here is made by this module and freed once.
        unsafe {
            let list = chain();
            let len = otrl_tlv_seriallen(list);
            assert_eq!(len, 4 + 3 + 4);
            let mut buf = vec![0u8; len];
            otrl_tlv_serialize(buf.as_mut_ptr(), list);
            assert_eq!(buf, [0, 7, 0, 3, b'a', b'b', b'c', 0, 0, 0, 0]);
            let parsed = otrl_tlv_parse(buf.as_ptr(), buf.len());
            assert_eq!(from_c_list(parsed), from_c_list(list));
            assert_eq!(otrl_tlv_find(parsed, OTRL_TLV_PADDING), (*parsed).next);
            assert!(otrl_tlv_find(parsed, OTRL_TLV_SYMKEY).is_null());
            otrl_tlv_serialize(ptr::null_mut(), list);
            otrl_tlv_free(parsed);
            otrl_tlv_free(list);
        }
    }

    #[test]
    fn truncated_last_record_is_dropped() {
        let whole_and_cut = [0, 8, 0, 2, 1, 2, 0, 1, 0, 9, 7];
        // SAFETY: the lists are made by otrl_tlv_parse and freed once.
        unsafe {
            let parsed = otrl_tlv_parse(whole_and_cut.as_ptr(), whole_and_cut.len());
            assert_eq!(from_c_list(parsed), [Tlv::new(8, [1, 2])]);
            assert!((*parsed).next.is_null());
            otrl_tlv_free(parsed);
            assert!(otrl_tlv_parse(whole_and_cut.as_ptr(), 3).is_null());
            assert!(otrl_tlv_parse(ptr::null(), 0).is_null());
            otrl_tlv_free(ptr::null_mut());
        }
    }

    #[test]
    fn c_list_keeps_order_and_values() {
        let records = [
            Tlv::new(1, []),
            Tlv::new(2, vec![9; 300]),
            Tlv::new(8, [4, 5]),
        ];
        let list = to_c_list(&records);
        // SAFETY: `list` is made by to_c_list and freed once.
        unsafe {
            assert_eq!(from_c_list(list), records);
            assert_eq!(usize::from((*(*list).next).len), 300);
            otrl_tlv_free(list);
        }
        assert!(to_c_list(&[]).is_null());
        assert!(new_tlv(1, &vec![0; 65536]).is_null());
    }
}
