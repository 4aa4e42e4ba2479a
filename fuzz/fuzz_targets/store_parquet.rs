#![no_main]
//! The `.parquet` embeddings reader on any bytes: an error or a set whose rows match its vectors.
libfuzzer_sys::fuzz_target!(|data: &[u8]| themescope_fuzz::store_parquet(data));
