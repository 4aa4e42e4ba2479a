#![no_main]
//! The `.safetensors` embeddings reader on any bytes: an error or a set whose rows match its vectors.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = themescope_fuzz::input_file("safetensors", data);
    if let Ok(set) = themescope::store::read(&file.path) {
        assert_eq!(set.vectors.nrows(), set.rows.len(), "one vector per row");
    }
});
