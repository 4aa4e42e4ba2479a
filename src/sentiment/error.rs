//! The error type of the `sentiment` module: every message names the file or option at fault
//! and says what to do.

use std::path::PathBuf;

/// Why scoring, training or evaluation failed.
#[derive(Debug, thiserror::Error)]
pub enum SentimentError {
    /// The operating system refused to read or write a file.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// "read" or "write".
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A line of a labelled data file is not what its format requires.
    #[error("{} line {line}: {reason}", path.display())]
    Data {
        path: PathBuf,
        line: usize,
        reason: String,
    },

    /// A data file holds no usable examples.
    #[error("{} holds no labelled targets: pass a NewsMTSC (.jsonl with `sentence_normalized` and `targets`) or PerSenT file", path.display())]
    EmptyData { path: PathBuf },

    /// `--head NAME` names no built-in head and no file.
    #[error("unknown head `{name}`: pass the path of a .safetensors head (from `themescope head train`) or one of the built-in heads: {known}")]
    UnknownHead { name: String, known: String },

    /// A head file could not be understood.
    #[error("{source_name} is not a valid sentiment head: {reason}; train one with `themescope head train`")]
    BadHead { source_name: String, reason: String },

    /// A paragraph-attitude file could not be understood.
    #[error("{source_name} is not a valid attitude aggregation: {reason}; train one with `themescope head attitude`")]
    BadAttitude { source_name: String, reason: String },

    /// The head was trained on another encoder's features.
    #[error("head {head} was trained on features of {trained} (dim {trained_dim}) but the encoder is {loaded} (dim {loaded_dim}): pass option `model` {trained}, or train a head for this encoder with `themescope head train`")]
    EncoderMismatch {
        head: String,
        trained: String,
        trained_dim: usize,
        loaded: String,
        loaded_dim: usize,
    },

    /// The VADER lexicon could not be found or read.
    #[error("cannot read the VADER lexicon {}: {reason}; set THEMESCOPE_MODELS to a folder holding cjhutto--vaderSentiment/vader_lexicon.txt (e.g. ../shared/models)", path.display())]
    Lexicon { path: PathBuf, reason: String },

    /// A training option is out of range.
    #[error("{0}")]
    Options(String),

    /// Heads that cannot be averaged (`head soup`).
    #[error("cannot average these heads: {0}")]
    Soup(String),

    /// The encoder failed while computing features.
    #[error(transparent)]
    Embed(#[from] crate::embed::EmbedError),

    /// The cache of mention predictions could not be read or written.
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
}

impl SentimentError {
    pub(crate) fn read(path: &std::path::Path, source: std::io::Error) -> SentimentError {
        SentimentError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn write(path: &std::path::Path, source: std::io::Error) -> SentimentError {
        SentimentError::Io {
            action: "write",
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn data(path: &std::path::Path, line: usize, reason: impl Into<String>) -> Self {
        SentimentError::Data {
            path: path.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }
}
