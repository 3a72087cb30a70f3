//! `tlv.h`: type/length/value records carried inside data messages.

use libc::{c_uchar, c_ushort, size_t};

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

/// Makes a TLV holding a copy of `len` bytes of `data`.
///
/// # Safety
/// `data` must point to `len` readable bytes (or be NULL when `len` is 0).
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_new(
    r#type: c_ushort,
    len: c_ushort,
    data: *const c_uchar,
) -> *mut OtrlTLV {
    let _ = (r#type, len, data);
    std::ptr::null_mut()
}

/// Parses serialized TLVs into a list.
///
/// # Safety
/// `serialized` must point to `seriallen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_parse(
    serialized: *const c_uchar,
    seriallen: size_t,
) -> *mut OtrlTLV {
    let _ = (serialized, seriallen);
    std::ptr::null_mut()
}

/// Frees a whole TLV list.
///
/// # Safety
/// `tlv` must be NULL or a list made by this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_free(tlv: *mut OtrlTLV) {
    let _ = tlv;
}

/// The number of bytes `otrl_tlv_serialize` writes for the list.
///
/// # Safety
/// `tlv` must be NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_seriallen(tlv: *const OtrlTLV) -> size_t {
    let _ = tlv;
    0
}

/// Writes the list into `buf`, which holds `otrl_tlv_seriallen(tlv)` bytes.
///
/// # Safety
/// `buf` must have room for `otrl_tlv_seriallen(tlv)` bytes; `tlv` must be a valid list.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_serialize(buf: *mut c_uchar, tlv: *const OtrlTLV) {
    let _ = (buf, tlv);
}

/// The first TLV of the given type in the list, or NULL.
///
/// # Safety
/// `tlvs` must be NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn otrl_tlv_find(tlvs: *mut OtrlTLV, r#type: c_ushort) -> *mut OtrlTLV {
    let _ = (tlvs, r#type);
    std::ptr::null_mut()
}
