/// Why themes could not be found. Every message names the option or input at fault.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("{option}: {reason}")]
    Param {
        option: &'static str,
        reason: String,
    },
    #[error("no paragraphs to cluster: the embeddings are empty")]
    Empty,
    #[error(
        "option `k` {k} is larger than the {n} paragraphs to cluster: choose a smaller k, or auto"
    )]
    TooFewRows { k: usize, n: usize },
    #[error("the embeddings hold {rows} rows of {dim} values, but {expected} texts/rows are listed: the file is inconsistent; write it again with `themescope embed`")]
    Shape {
        rows: usize,
        dim: usize,
        expected: usize,
    },
    #[error("{given} themes given for {rows} rows: give one theme (or none, an outlier) per row")]
    Given { given: usize, rows: usize },
    #[error("clustering failed ({algo}): {reason}")]
    Cluster { algo: &'static str, reason: String },
    #[error("dimension reduction failed: {0}")]
    Reduce(String),
    #[error("labelling themes failed")]
    Phrases(#[from] super::phrases::PhraseError),
}
