#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| otr_fuzz::files::fingerprint_file(data));
