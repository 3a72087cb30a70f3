//! `sm.h`: the Socialist Millionaires' Protocol state (internal API, exported), and the
//! five `otrl_sm_msg*` functions libotr exports without declaring them in a header.

use super::gcrypt::{gcry_error_t, gcry_mpi_t, otr_error, GPG_ERR_GENERAL, GPG_ERR_INV_VALUE};
use super::{bytes, malloc_copy, opaque};
use crate::crypto::dh::GENERATOR;
use crate::smp::{self, Progress, Smp, Values};
use libc::{c_int, c_uchar, c_uint};
use std::ptr;
use zeroize::Zeroizing;

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

/// An SMP state. A context's is driven by the message functions (clients test `secret`
/// for NULL and read the progress); one driven by `otrl_sm_step*` holds the exchange in
/// its numbers, which are then this library's objects (see `otrl_sm_state_init`).
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

/// Puts an SMP state in its initial form: every number NULL, expecting SMP message 1,
/// no question, progress OK. Whatever the struct held before is overwritten, not freed.
///
/// # Safety
/// `smst` must be NULL or point to a writable `OtrlSMState`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_state_new(smst: *mut OtrlSMState) {
    if smst.is_null() {
        return;
    }
    std::ptr::write_bytes(smst, 0, 1);
    (*smst).nextExpected = OTRL_SMP_EXPECT1;
    (*smst).sm_prog_state = OTRL_SMP_PROG_OK;
}

/// Starts an SMP state afresh, as before a first exchange: frees what it held (see
/// `otrl_sm_state_free`), then sets `secret`, `g1` … `qab` to our number objects
/// (`g1` is the generator 2, the others 0) with `x2` and `x3` NULL, as libotr does.
///
/// The numbers are this library's objects, not libgcrypt MPIs: a client may test them
/// for NULL but must not give them to libgcrypt.
///
/// # Safety
/// `smst` must be NULL or point to a valid `OtrlSMState`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_state_init(smst: *mut OtrlSMState) {
    if smst.is_null() {
        return;
    }
    otrl_sm_state_free(smst);
    store_values(&mut *smst, Smp::initialized().values());
}

/// Frees the numbers of an SMP state (wiping the secrets) and puts it back in its
/// initial form (`otrl_sm_state_new`), ready for another exchange. bitlbee calls this on
/// a live context's state; the context then forgets its exchange too.
///
/// # Safety
/// `smst` must be NULL or point to a valid `OtrlSMState` whose numbers are NULL or
/// came from this library.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_state_free(smst: *mut OtrlSMState) {
    if smst.is_null() {
        return;
    }
    for slot in number_slots(&mut *smst) {
        opaque::replace(slot, std::ptr::null_mut());
    }
    otrl_sm_state_new(smst);
}

/// Alice begins an exchange with her secret (big-endian bytes, at most 192): the state
/// is initialised first if it never was (`g1` NULL, which also rewinds `nextExpected`),
/// and SMP message 1 is returned in `*output` (`malloc`ed, for the caller to `free`).
/// Progress becomes OK and `received_question` 0. `nextExpected` is left alone.
///
/// Returns 0, or `GPG_ERR_INV_VALUE` for a longer secret (libotr would accept one).
///
/// # Safety
/// `astate` must point to a valid `OtrlSMState`, `secret` to `secretlen` bytes, `output`
/// and `outputlen` to writable values.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step1(
    astate: *mut OtrlSMAliceState,
    secret: *const c_uchar,
    secretlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    clear_output(output, outputlen);
    initialize_if_new(astate);
    let secret = input_bytes(secret, secretlen);
    run_step(
        astate,
        |smp| smp.step1(secret).map(|m| (Some(m), true)),
        output,
        outputlen,
    )
}

/// Bob receives SMP message 1 (initialising the state first if it never was): checks
/// it and prepares his part; the secret comes later (`otrl_sm_step2b`).
/// `received_question` is stored as given. Progress becomes OK, or CHEATED with
/// `GPG_ERR_INV_VALUE` for a malformed message or a failed proof.
///
/// # Safety
/// `bstate` must point to a valid `OtrlSMState`, `input` to `inputlen` bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step2a(
    bstate: *mut OtrlSMBobState,
    input: *const c_uchar,
    inputlen: c_int,
    received_question: c_int,
) -> gcry_error_t {
    if bstate.is_null() {
        return otr_error(GPG_ERR_INV_VALUE);
    }
    initialize_if_new(bstate);
    let input = input_bytes(input, inputlen);
    let err = run_step(
        bstate,
        |smp| {
            smp.step2a(input, received_question != 0)
                .map(|()| (None, true))
        },
        ptr::null_mut(),
        ptr::null_mut(),
    );
    (*bstate).received_question = received_question;
    err
}

/// Bob answers with his secret (big-endian bytes, at most 192): SMP message 2 in
/// `*output` (`malloc`ed, for the caller to `free`). Progress is left alone.
///
/// Returns 0, or `GPG_ERR_INV_VALUE` when no checked SMP message 1 waits in this state
/// (libotr would compute with missing values) or the secret is longer.
///
/// # Safety
/// As `otrl_sm_step1`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step2b(
    bstate: *mut OtrlSMBobState,
    secret: *const c_uchar,
    secretlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    clear_output(output, outputlen);
    let secret = input_bytes(secret, secretlen);
    run_step(
        bstate,
        |smp| smp.step2b(secret).map(|m| (Some(m), true)),
        output,
        outputlen,
    )
}

/// Alice receives SMP message 2: checks it and returns SMP message 3 in `*output`
/// (`malloc`ed, for the caller to `free`). Progress becomes OK, or CHEATED with
/// `GPG_ERR_INV_VALUE` for a malformed message, a failed proof, or a state that has not
/// sent SMP message 1.
///
/// # Safety
/// `astate` must point to a valid `OtrlSMState`, `input` to `inputlen` bytes, `output`
/// and `outputlen` to writable values.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step3(
    astate: *mut OtrlSMAliceState,
    input: *const c_uchar,
    inputlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    clear_output(output, outputlen);
    let input = input_bytes(input, inputlen);
    run_step(
        astate,
        |smp| smp.step3(input).map(|m| (Some(m), true)),
        output,
        outputlen,
    )
}

/// Bob receives SMP message 3: checks it, returns SMP message 4 in `*output`
/// (`malloc`ed, for the caller to `free`) and compares the secrets. Returns 0 with
/// progress SUCCEEDED when they are equal, `GPG_ERR_INV_VALUE` with progress FAILED (and
/// the output) when they differ, `GPG_ERR_INV_VALUE` with progress CHEATED (no output)
/// for a malformed message, a failed proof, or a state that has not sent SMP message 2.
/// The exchange's numbers are wiped once compared.
///
/// # Safety
/// As `otrl_sm_step3`.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step4(
    bstate: *mut OtrlSMBobState,
    input: *const c_uchar,
    inputlen: c_int,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    clear_output(output, outputlen);
    let input = input_bytes(input, inputlen);
    let step = |smp: &mut Smp| smp.step4(input).map(|(m, equal)| (Some(m), equal));
    run_step(bstate, step, output, outputlen)
}

/// Alice receives SMP message 4 and compares the secrets: 0 with progress SUCCEEDED when
/// they are equal, `GPG_ERR_INV_VALUE` with progress FAILED when they differ,
/// `GPG_ERR_INV_VALUE` with progress CHEATED for a malformed message, a failed proof,
/// or a state that has not sent SMP message 3. The exchange's numbers are wiped once
/// compared.
///
/// # Safety
/// `astate` must point to a valid `OtrlSMState`, `input` to `inputlen` bytes.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_step5(
    astate: *mut OtrlSMAliceState,
    input: *const c_uchar,
    inputlen: c_int,
) -> gcry_error_t {
    let input = input_bytes(input, inputlen);
    let step = |smp: &mut Smp| smp.step5(input).map(|equal| (None, equal));
    run_step(astate, step, ptr::null_mut(), ptr::null_mut())
}

/// Undeclared export: a `malloc`ed array of the 6 numbers of an SMP message 1 (`g2a`,
/// `c2`, `D2`, `g3a`, `c3`, `D3`); the hashes `c2` and `c3` are NULL, the others our
/// number objects holding 0, as libotr does. Free it with `otrl_sm_msg_free(msg1, 6)`.
///
/// cbindgen:ignore
/// # Safety
/// `msg1` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg1_init(msg1: *mut *mut gcry_mpi_t) {
    new_message(msg1, &[true, false, true, true, false, true]);
}

/// Undeclared export: the array of the 11 numbers of an SMP message 2 (`g2b`, `c2`,
/// `D2`, `g3b`, `c3`, `D3`, `Pb`, `Qb`, `cP`, `D5`, `D6`; the hashes NULL), as
/// `otrl_sm_msg1_init`. Free it with `otrl_sm_msg_free(msg2, 11)`.
///
/// cbindgen:ignore
/// # Safety
/// `msg2` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg2_init(msg2: *mut *mut gcry_mpi_t) {
    let hashes = [1, 4, 8];
    let present: Vec<bool> = (0..11).map(|i| !hashes.contains(&i)).collect();
    new_message(msg2, &present);
}

/// Undeclared export: the array of the 8 numbers of an SMP message 3 (`Pa`, `Qa`, `cP`,
/// `D5`, `D6`, `Ra`, `cR`, `D7`; the hashes NULL), as `otrl_sm_msg1_init`. Free it with
/// `otrl_sm_msg_free(msg3, 8)`.
///
/// cbindgen:ignore
/// # Safety
/// `msg3` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg3_init(msg3: *mut *mut gcry_mpi_t) {
    new_message(msg3, &[true, true, false, true, true, true, false, true]);
}

/// Undeclared export: the array of the 3 numbers of an SMP message 4 (`Rb`, `cR`, `D7`;
/// the hash NULL), as `otrl_sm_msg1_init`. Free it with `otrl_sm_msg_free(msg4, 3)`.
///
/// cbindgen:ignore
/// # Safety
/// `msg4` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg4_init(msg4: *mut *mut gcry_mpi_t) {
    new_message(msg4, &[true, false, true]);
}

/// Undeclared export: frees the first `msglen` numbers of a message array and the array,
/// and sets `*message` to NULL.
///
/// cbindgen:ignore
/// # Safety
/// `message` must be NULL or point to NULL or to an array from `otrl_sm_msg*_init` of at
/// least `msglen` numbers.
#[no_mangle]
pub unsafe extern "C" fn otrl_sm_msg_free(message: *mut *mut gcry_mpi_t, msglen: c_int) {
    if message.is_null() || (*message).is_null() {
        return;
    }
    let array = *message;
    for i in 0..usize::try_from(msglen).unwrap_or(0) {
        opaque::release(*array.add(i));
    }
    libc::free(array.cast());
    *message = ptr::null_mut();
}

/// A `malloc`ed array with a zero number where `present` says so, NULL elsewhere, in
/// `*message` (NULL if memory runs out).
unsafe fn new_message(message: *mut *mut gcry_mpi_t, present: &[bool]) {
    if message.is_null() {
        return;
    }
    let array = libc::malloc(present.len() * std::mem::size_of::<gcry_mpi_t>());
    let array = array.cast::<gcry_mpi_t>();
    if !array.is_null() {
        for (i, &number) in present.iter().enumerate() {
            let value = if number {
                opaque::new_number(&[])
            } else {
                ptr::null_mut()
            };
            array.add(i).write(value);
        }
    }
    *message = array;
}

/// The addresses of the eleven number fields of a state.
fn number_slots(smst: &mut OtrlSMState) -> [*mut gcry_mpi_t; 11] {
    [
        &mut smst.secret,
        &mut smst.x2,
        &mut smst.x3,
        &mut smst.g1,
        &mut smst.g2,
        &mut smst.g3,
        &mut smst.g3o,
        &mut smst.p,
        &mut smst.q,
        &mut smst.pab,
        &mut smst.qab,
    ]
    .map(|slot| slot as *mut gcry_mpi_t)
}

/// libotr's steps 1 and 2a start with `otrl_sm_state_init` when `g1` is NULL.
unsafe fn initialize_if_new(smst: *mut OtrlSMState) {
    if !smst.is_null() && (*smst).g1.is_null() {
        otrl_sm_state_init(smst);
    }
}

/// `*output = NULL; *outputlen = 0`, as every step with output begins.
unsafe fn clear_output(output: *mut *mut c_uchar, outputlen: *mut c_int) {
    if !output.is_null() {
        *output = ptr::null_mut();
    }
    if !outputlen.is_null() {
        *outputlen = 0;
    }
}

/// The `len` bytes at `ptr`; empty for NULL or a negative length.
unsafe fn input_bytes<'a>(ptr: *const c_uchar, len: c_int) -> &'a [u8] {
    bytes(ptr, usize::try_from(len).unwrap_or(0))
}

/// Runs one step of the core on the exchange `smst` holds and stores the result back:
/// `step` returns the message to send, if any, and whether the secrets may still be
/// equal (false: the comparison failed). Returns libotr's error value.
unsafe fn run_step(
    smst: *mut OtrlSMState,
    step: impl FnOnce(&mut Smp) -> Result<(Option<Vec<u8>>, bool), smp::Error>,
    output: *mut *mut c_uchar,
    outputlen: *mut c_int,
) -> gcry_error_t {
    let Some(state) = smst.as_mut() else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let before = progress_of(state.sm_prog_state);
    let Ok(mut smp) = Smp::from_values(
        load_values(state).as_ref(),
        before.unwrap_or(Progress::Ok),
        state.received_question != 0,
    ) else {
        return otr_error(GPG_ERR_INV_VALUE);
    };
    let result = step(&mut smp);
    store_values(state, smp.values());
    if before != Some(smp.progress()) {
        state.sm_prog_state = smp.progress() as OtrlSMProgState;
    }
    if (state.received_question != 0) != smp.received_question() {
        state.received_question = c_int::from(smp.received_question());
    }
    match result {
        Ok((message, equal)) => {
            if let Some(message) = message {
                give_output(&message, output, outputlen);
            }
            if equal {
                0
            } else {
                otr_error(GPG_ERR_INV_VALUE)
            }
        }
        Err(smp::Error::Random) => otr_error(GPG_ERR_GENERAL),
        Err(_) => otr_error(GPG_ERR_INV_VALUE),
    }
}

/// `message` as a `malloc`ed buffer in `*output`, its length in `*outputlen`.
unsafe fn give_output(message: &[u8], output: *mut *mut c_uchar, outputlen: *mut c_int) {
    let Ok(len) = c_int::try_from(message.len()) else {
        return;
    };
    let copy = malloc_copy(message);
    if copy.is_null() || output.is_null() || outputlen.is_null() {
        libc::free(copy.cast());
        return;
    }
    *output = copy;
    *outputlen = len;
}

/// A `sm_prog_state` value as the core's progress.
fn progress_of(value: OtrlSMProgState) -> Option<Progress> {
    [
        Progress::Ok,
        Progress::Cheated,
        Progress::Failed,
        Progress::Succeeded,
    ]
    .into_iter()
    .find(|&p| p as OtrlSMProgState == value)
}

/// The numbers of a state for the core; `None` when it was never initialised (`g1`
/// NULL). A NULL or foreign number reads as 0.
unsafe fn load_values(smst: &OtrlSMState) -> Option<Values> {
    if smst.g1.is_null() {
        return None;
    }
    let read = |mpi: gcry_mpi_t| Zeroizing::new(opaque::number(mpi).unwrap_or(&[]).to_vec());
    let read_opt = |mpi: gcry_mpi_t| (!mpi.is_null()).then(|| read(mpi));
    Some(Values {
        secret: read(smst.secret),
        x2: read_opt(smst.x2),
        x3: read_opt(smst.x3),
        g2: read(smst.g2),
        g3: read(smst.g3),
        g3o: read(smst.g3o),
        p: read(smst.p),
        q: read(smst.q),
        pab: read(smst.pab),
        qab: read(smst.qab),
    })
}

/// Replaces the numbers of a state with new objects holding `values` (`g1` = 2), or
/// with NULL for `None`.
unsafe fn store_values(smst: &mut OtrlSMState, values: Option<Values>) {
    let Some(v) = values else {
        for slot in number_slots(smst) {
            opaque::replace(slot, ptr::null_mut());
        }
        return;
    };
    let new = |bytes: &[u8]| opaque::new_number(bytes);
    let new_opt =
        |bytes: &Option<Zeroizing<Vec<u8>>>| bytes.as_ref().map_or(ptr::null_mut(), |b| new(b));
    let numbers = [
        new(&v.secret),
        new_opt(&v.x2),
        new_opt(&v.x3),
        new(&[GENERATOR]),
        new(&v.g2),
        new(&v.g3),
        new(&v.g3o),
        new(&v.p),
        new(&v.q),
        new(&v.pab),
        new(&v.qab),
    ];
    for (slot, number) in number_slots(smst).into_iter().zip(numbers) {
        opaque::replace(slot, number);
    }
}

/// The state as Alice (who started the exchange) uses it.
pub type OtrlSMAliceState = OtrlSMState;
/// The state as Bob (who answers) uses it.
pub type OtrlSMBobState = OtrlSMState;
