#![no_main]
//! The actors file (TOML) parser on any text.
libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = themescope::actors::parse_actor_file(std::path::Path::new("actors.toml"), text);
});
