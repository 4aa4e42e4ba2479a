#![no_main]
//! The settings file (`themescope.toml`) on any text: parsed, then range-checked.
libfuzzer_sys::fuzz_target!(|text: &str| {
    let path = std::path::Path::new("themescope.toml");
    if let Ok(config) = themescope::config::RunConfig::parse(path, text) {
        let _ = config.check("themescope.toml");
    }
});
