#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| otr_fuzz::smp::smp3(data));
