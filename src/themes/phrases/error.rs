//! Why key phrases could not be computed. Every message names the file or option at fault.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PhraseError {
    #[error("cannot read stop-word file {}: {source}", path.display())]
    StopWordsIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("stop-word file {}, line {line}: {reason} (one word per line, `#` starts a comment)", path.display())]
    StopWordsFile {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("invalid phrase option: {0}")]
    Option(String),
    #[error("{texts} texts but {assignment} theme assignments: give one assignment per text")]
    LengthMismatch { texts: usize, assignment: usize },
    #[error("text {index} is assigned to theme {theme}, but there are only {themes} centroids")]
    ThemeOutOfRange {
        index: usize,
        theme: usize,
        themes: usize,
    },
    #[error("partition {partition} groups paragraph {row} and the first does not, or the reverse: every partition must group the same paragraphs")]
    PartitionRows { partition: usize, row: usize },
    #[error("phrase counts of {themes} themes and phrases of up to {ngram_max} words cannot name {centroids} themes with phrases of up to {wanted} words: count with the themes and options that name")]
    Counts {
        themes: usize,
        ngram_max: usize,
        centroids: usize,
        wanted: usize,
    },
    #[error("embedding the candidate phrases failed: {0}")]
    Embed(String),
    #[error("the phrase embedder returned {rows}×{dim} for {phrases} phrases, but the theme centroids have dimension {expected}: embed phrases with the encoder that embedded the paragraphs")]
    EmbedShape {
        phrases: usize,
        rows: usize,
        dim: usize,
        expected: usize,
    },
}
