#![no_main]
//! The actors file (TOML) parser on any text.
libfuzzer_sys::fuzz_target!(|data: &[u8]| themescope_fuzz::actor_file(data));
