//! Valgrind's client requests (valgrind.h, memcheck.h), for amd64 Linux: the
//! "special instruction" sequence valgrind recognises, with the request in a
//! six-word block addressed by rax and the answer in rdx. On a real CPU the
//! sequence does nothing and rdx keeps the default (0).

use core::arch::asm;

/// `VG_USERREQ__RUNNING_ON_VALGRIND`.
const RUNNING_ON_VALGRIND: usize = 0x1001;
/// `VG_USERREQ__COUNT_ERRORS`.
const COUNT_ERRORS: usize = 0x1201;
/// `VG_USERREQ_TOOL_BASE('M','C')`: memcheck's requests.
const MEMCHECK_BASE: usize = (b'M' as usize) << 24 | (b'C' as usize) << 16;
/// `VG_USERREQ__MAKE_MEM_UNDEFINED`.
const MAKE_MEM_UNDEFINED: usize = MEMCHECK_BASE + 1;
/// `VG_USERREQ__MAKE_MEM_DEFINED`.
const MAKE_MEM_DEFINED: usize = MEMCHECK_BASE + 2;

/// `VALGRIND_DO_CLIENT_REQUEST_EXPR(0, request, args...)`.
fn request(request: usize, a1: usize, a2: usize) -> usize {
    let block: [usize; 6] = [request, a1, a2, 0, 0, 0];
    let answer: usize;
    // SAFETY: the rotations of rdi add up to 128 bits (rdi is unchanged, and
    // declared clobbered anyway) and `xchg rbx, rbx` changes nothing; valgrind
    // reads the block, which lives until the end of this function.
    unsafe {
        asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") block.as_ptr(),
            inout("rdx") 0usize => answer,
            inout("rdi") 0usize => _,
            options(nostack),
        );
    }
    answer
}

/// Whether the program runs under valgrind.
pub fn running_on_valgrind() -> bool {
    request(RUNNING_ON_VALGRIND, 0, 0) != 0
}

/// How many errors valgrind has reported so far.
pub fn count_errors() -> usize {
    request(COUNT_ERRORS, 0, 0)
}

/// Marks `len` bytes at `addr` undefined: memcheck reports any branch or memory
/// address that depends on them (a secret).
pub fn make_undefined(addr: *const u8, len: usize) {
    request(MAKE_MEM_UNDEFINED, addr as usize, len);
}

/// Marks `len` bytes at `addr` defined again (a public result).
pub fn make_defined(addr: *const u8, len: usize) {
    request(MAKE_MEM_DEFINED, addr as usize, len);
}

/// Marks the bytes of `buf` secret.
pub fn secret(buf: &[u8]) {
    make_undefined(buf.as_ptr(), buf.len());
}

/// Marks the bytes of `buf` public.
pub fn public(buf: &[u8]) {
    make_defined(buf.as_ptr(), buf.len());
}
