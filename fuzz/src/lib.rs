//! The fuzz targets' bodies, one function per target over any bytes. `cargo fuzz` runs them
//! under libFuzzer (`fuzz_targets/*.rs`); the test suite includes this file too
//! (`tests/fuzz_smoke.rs`) and runs each for a bounded time with its own mutator, so CI fuzzes
//! every target without the instrumented build.
//!
//! Readers are fed through a real file with the extension they expect, so format detection and
//! decoding are fuzzed too. A reader may refuse an input with an error; it must never panic,
//! hang or run out of memory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use themescope::corpus::{Corpus, ReadOptions};
use themescope::embed::{bounded_prefix, load_tokenizer};

/// A target's body: any bytes in, a panic on a defect.
pub type Target = fn(&[u8]);

/// Every target, by the name `cargo fuzz run` knows it by.
pub const TARGETS: &[(&str, Target)] = &[
    ("corpus_txt", corpus_txt),
    ("corpus_md", corpus_md),
    ("corpus_html", corpus_html),
    ("corpus_jsonl", corpus_jsonl),
    ("corpus_csv", corpus_csv),
    ("actor_file", actor_file),
    ("config_file", config_file),
    ("store_npy", store_npy),
    ("store_safetensors", store_safetensors),
    ("store_parquet", store_parquet),
    ("tokenizer_prefix", tokenizer_prefix),
];

/// A file holding `data`, named `input.EXT` inside a fresh temporary folder.
pub struct InputFile {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn input_file(ext: &str, data: &[u8]) -> InputFile {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(format!("input.{ext}"));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .expect("writing the input");
    InputFile { _dir: dir, path }
}

/// Reads `data` as a corpus file of extension `ext`; checks that every paragraph and sentence
/// span lies inside its document's text, on character boundaries.
pub fn read_corpus(ext: &str, data: &[u8]) {
    let file = input_file(ext, data);
    let Ok(corpus) = Corpus::read(std::slice::from_ref(&file.path), &ReadOptions::default()) else {
        return;
    };
    for doc in &corpus.documents {
        for p in &doc.paragraphs {
            let span = doc.text.get(p.span.clone());
            assert!(span.is_some(), "paragraph span off the text");
            assert!(
                p.span.len() <= themescope::corpus::MAX_PARAGRAPH_BYTES,
                "paragraph past the limit"
            );
        }
        for s in doc.sentence_spans() {
            let span = doc.text.get(s.clone());
            assert!(span.is_some(), "sentence span off the text");
        }
    }
}

pub fn corpus_txt(data: &[u8]) {
    read_corpus("txt", data)
}

pub fn corpus_md(data: &[u8]) {
    read_corpus("md", data)
}

pub fn corpus_html(data: &[u8]) {
    read_corpus("html", data)
}

pub fn corpus_jsonl(data: &[u8]) {
    read_corpus("jsonl", data)
}

pub fn corpus_csv(data: &[u8]) {
    read_corpus("csv", data)
}

/// The actors file (TOML) parser on any text.
pub fn actor_file(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = themescope::actors::parse_actor_file(Path::new("actors.toml"), text);
    }
}

/// The settings file (`themescope.toml`) on any text: parsed, then range-checked.
pub fn config_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("themescope.toml");
    if let Ok(config) = themescope::config::RunConfig::parse(path, text) {
        let _ = config.check("themescope.toml");
    }
}

/// An embeddings reader on any bytes: an error, or a set with one vector per row.
fn read_store(ext: &str, data: &[u8]) {
    let file = input_file(ext, data);
    if let Ok(set) = themescope::store::read(&file.path) {
        assert_eq!(set.vectors.nrows(), set.rows.len(), "one vector per row");
    }
}

pub fn store_npy(data: &[u8]) {
    read_store("npy", data)
}

pub fn store_safetensors(data: &[u8]) {
    read_store("safetensors", data)
}

pub fn store_parquet(data: &[u8]) {
    read_store("parquet", data)
}

/// Tokens the prefix check keeps: small, so that most inputs are longer than it.
const PREFIX_TOKENS: usize = 16;

/// The real tokenizer: `$THEMESCOPE_MODELS/sentence-transformers--all-MiniLM-L6-v2`.
fn tokenizer() -> &'static tokenizers::Tokenizer {
    static TOKENIZER: OnceLock<tokenizers::Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| {
        let models = std::env::var("THEMESCOPE_MODELS").expect("THEMESCOPE_MODELS is set");
        let path =
            Path::new(&models).join("sentence-transformers--all-MiniLM-L6-v2/tokenizer.json");
        load_tokenizer(&path, PREFIX_TOKENS).expect("the tokenizer loads")
    })
}

/// The tokenizer front: the bounded prefix of any text tokenises to the same first tokens as
/// the whole text.
pub fn tokenizer_prefix(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tok = tokenizer();
    let prefix = bounded_prefix(tok, text, PREFIX_TOKENS).expect("tokenising a prefix");
    let whole = tok.encode(text, true).expect("tokenising the text");
    let cut = tok.encode(prefix, true).expect("tokenising the prefix");
    assert_eq!(
        whole.get_ids(),
        cut.get_ids(),
        "the prefix changes the tokens"
    );
}
