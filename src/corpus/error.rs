//! Errors of the corpus stage: each message is one line naming the input and what to do.

use std::path::PathBuf;

/// Why the inputs could not be read into a corpus.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// An input path does not exist.
    #[error("no such file or directory: {} (check the path)", path.display())]
    NotFound { path: PathBuf },
    /// Reading a file or folder failed for another reason (permissions, a device error).
    #[error("cannot read {}: {source} (check that it is readable)", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A NUL byte in the first 8 KiB: this is not a text file.
    #[error(
        "{} looks like a binary file, not text; pass .txt/.md/.html/.jsonl/.csv files",
        path.display()
    )]
    Binary { path: PathBuf },
    /// A UTF-16 byte-order mark: text, but not in the encoding we read.
    #[error("{} is UTF-16 text; re-encode it as UTF-8", path.display())]
    Utf16 { path: PathBuf },
    /// Bytes that are not UTF-8; `offset` is where the first bad byte sits.
    #[error(
        "{} is not valid UTF-8: invalid byte at offset {offset}; re-encode it as UTF-8",
        path.display()
    )]
    InvalidUtf8 { path: PathBuf, offset: usize },
    /// A `.jsonl` line or `.csv` row that cannot be turned into a document.
    #[error("{} line {line}: {reason}", path.display())]
    BadRecord {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    /// A `.csv` file whose header lacks the text column.
    #[error(
        "{} has no `{field}` column (columns: {columns}); name the text column with option `text_field`",
        path.display()
    )]
    MissingColumn {
        path: PathBuf,
        field: String,
        columns: String,
    },
    /// A folder given as input holds no file of a known format.
    #[error(
        "{} contains no readable files; put .txt, .md, .html, .jsonl or .csv files in it",
        path.display()
    )]
    NoReadableFiles { path: PathBuf },
    /// Everything was read, but no document had any text.
    #[error("no text found in the inputs: {inputs}{skipped}; pass files that contain text")]
    EmptyCorpus {
        inputs: String,
        /// Each skipped file with its reason (` (skipped a.txt: …; b.bin: …)`), or nothing.
        skipped: String,
    },
}
