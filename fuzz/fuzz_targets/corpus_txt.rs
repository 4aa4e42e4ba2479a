#![no_main]
//! The `.txt` reader on any bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| themescope_fuzz::corpus_txt(data));
