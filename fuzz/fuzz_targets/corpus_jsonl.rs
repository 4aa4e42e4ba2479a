#![no_main]
//! The `.jsonl` reader on any bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| themescope_fuzz::corpus_jsonl(data));
