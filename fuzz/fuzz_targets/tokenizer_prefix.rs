#![no_main]
//! The tokenizer front: a bounded prefix tokenises as the whole text does (needs THEMESCOPE_MODELS).
libfuzzer_sys::fuzz_target!(|data: &[u8]| themescope_fuzz::tokenizer_prefix(data));
