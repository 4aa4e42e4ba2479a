#![no_main]
//! The settings file (`themescope.toml`) on any text: parsed, then range-checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| themescope_fuzz::config_file(data));
