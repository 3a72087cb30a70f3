//! `version.h`: the libotr version these headers describe.

use libc::c_uint;

pub const OTRL_VERSION_MAJOR: c_uint = 4;
pub const OTRL_VERSION_MINOR: c_uint = 1;
pub const OTRL_VERSION_SUB: c_uint = 1;
