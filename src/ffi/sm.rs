//! `sm.h`: the Socialist Millionaires' Protocol state (internal API, exported), and the
//! five `otrl_sm_msg*` functions libotr exports without declaring them in a header.

use super::gcrypt::{gcry_error_t, gcry_mpi_t, NOT_IMPLEMENTED};
use libc::{c_int, c_uchar, c_uint};

pub const SM_DIGEST_SIZE: c_uint = 32;

pub type NextExpectedSMP = c_uint;
pub const OTRL_SMP_EXPECT1: NextExpectedSMP = 0;
pub const OTRL_SMP_EXPECT2: NextExpectedSMP = 1;
pub const OTRL_SMP_EXPECT3: NextExpectedSMP = 2;
pub const OTRL_SMP_EXPECT4: NextExpectedSMP = 3;
pub const OTRL_SMP_EXPECT5: NextExpectedSMP = 4;

pub type OtrlSMProgState = c_int;
pub const OTRL_SMP_PROG_OK: OtrlSMProgState = 0;
pub const OTRL_SMP_PROG_CHEATED: OtrlSMProgState = -2;
pub const OTRL_SMP_PROG_FAILED: OtrlSMProgState = -1;
pub const OTRL_SMP_PROG_SUCCEEDED: OtrlSMProgState = 1;

/// The SMP state of a context; clients test `secret` for NULL and read the progress.
#[repr(C)]
pub struct OtrlSMState {
    pub secret: gcry_mpi_t,
    pub x2: gcry_mpi_t,
    pub x3: gcry_mpi_t,
    pub g1: gcry_mpi_t,
    pub g2: gcry_mpi_t,
    pub g3: gcry_mpi_t,
    pub g3o: gcry_mpi_t,
    pub p: gcry_mpi_t,
    pub q: gcry_mpi_t,
    pub pab: gcry_mpi_t,
    pub qab: gcry_mpi_t,
    pub nextExpected: NextExpectedSMP,
    pub received_question: c_int,
    pub sm_prog_state: OtrlSMProgState,
}

/// Sets up the SMP group; nothing to do (the group is a constant).
#[no_mangle]
pub extern "C" fn otrl_sm_init() {}

/// Puts an SMP state in its initial form.
///
/// # Safety
/// `smst` must be NULL or point to a writable `OtrlSMState`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_state_new(smst: *mut OtrlSMState) {
    if smst.is_null() {
        return;
    }
    // No secret, no values, expecting SMP message 1, no progress.
    std::ptr::write_bytes(smst, 0, 1);
    (*smst).nextExpected = OTRL_SMP_EXPECT1;
    (*smst).sm_prog_state = OTRL_SMP_PROG_OK;
}

/// # Safety
/// `smst` must point to a valid `OtrlSMState`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_state_init(smst: *mut OtrlSMState) {
    let _ = smst;
}

/// Drops an SMP exchange, leaving a usable initial state (bitlbee calls this on a
/// live context and then expects `secret` to be NULL).
///
/// # Safety
/// `smst` must be NULL or point to a valid `OtrlSMState`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_state_free(smst: *mut OtrlSMState) {
    otrl_sm_state_new(smst);
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step1(
    astate: *mut OtrlSMState,
    secret: *const c_uchar,
    secretlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    let _ = (astate, secret, secretlen, output, outputlen);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step2a(
    bstate: *mut OtrlSMState,
    input: *const c_uchar,
    inputlen: c_int,
    received_question: c_int,
) -> gcry_error_t {
    let _ = (bstate, input, inputlen, received_question);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step2b(
    bstate: *mut OtrlSMState,
    secret: *const c_uchar,
    secretlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    let _ = (bstate, secret, secretlen, output, outputlen);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step3(
    astate: *mut OtrlSMState,
    input: *const c_uchar,
    inputlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    let _ = (astate, input, inputlen, output, outputlen);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step4(
    bstate: *mut OtrlSMState,
    input: *const c_uchar,
    inputlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    let _ = (bstate, input, inputlen, output, outputlen);
    NOT_IMPLEMENTED
}

/// # Safety
/// The pointers must be valid for the types and lengths they name.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step5(
    astate: *mut OtrlSMState,
    input: *const c_uchar,
    inputlen: c_int,
) -> gcry_error_t {
    let _ = (astate, input, inputlen);
    NOT_IMPLEMENTED
}

/// Undeclared export: allocates the MPI array of an SMP message 1.
///
/// cbindgen:ignore
/// # Safety
/// `msg1` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg1_init(msg1: *mut *mut gcry_mpi_t) {
    let _ = msg1;
}

/// Undeclared export: allocates the MPI array of an SMP message 2.
///
/// cbindgen:ignore
/// # Safety
/// `msg2` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg2_init(msg2: *mut *mut gcry_mpi_t) {
    let _ = msg2;
}

/// Undeclared export: allocates the MPI array of an SMP message 3.
///
/// cbindgen:ignore
/// # Safety
/// `msg3` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg3_init(msg3: *mut *mut gcry_mpi_t) {
    let _ = msg3;
}

/// Undeclared export: allocates the MPI array of an SMP message 4.
///
/// cbindgen:ignore
/// # Safety
/// `msg4` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg4_init(msg4: *mut *mut gcry_mpi_t) {
    let _ = msg4;
}

/// Undeclared export: frees an SMP message's MPI array.
///
/// cbindgen:ignore
/// # Safety
/// `message` must point to a pointer from one of the `otrl_sm_msg*_init` functions.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg_free(message: *mut *mut gcry_mpi_t, msglen: c_int) {
    let _ = (message, msglen);
}

/// The state as Alice (who started the exchange) uses it.
pub type OtrlSMAliceState = OtrlSMState;
/// The state as Bob (who answers) uses it.
pub type OtrlSMBobState = OtrlSMState;
