//! What the fuzz targets share: each writes the fuzzer's bytes to a file with the extension its
//! reader expects and reads it as the command line would, so format detection and decoding are
//! fuzzed too. A reader may refuse the input with an error; it must never panic, hang or run
//! out of memory.

use std::io::Write;
use std::path::PathBuf;

use themescope::corpus::{Corpus, ReadOptions};

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
    let Ok(corpus) = Corpus::read(&[file.path.clone()], &ReadOptions::default()) else {
        return;
    };
    for doc in &corpus.documents {
        for p in &doc.paragraphs {
            assert!(
                doc.text.get(p.span.clone()).is_some(),
                "paragraph span off the text"
            );
        }
        for s in doc.sentence_spans() {
            assert!(
                doc.text.get(s.clone()).is_some(),
                "sentence span off the text"
            );
        }
    }
}
