use std::path::PathBuf;

/// Why the encoder could not be loaded or run. Every message names the file or option at fault.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("cannot read {path}: {reason}")]
    Config { path: PathBuf, reason: String },
    #[error("{path}: model_type `{model_type}` is not supported: themescope reads BERT-architecture checkpoints (BERT, MiniLM, bge, e5, gte)")]
    Unsupported { path: PathBuf, model_type: String },
    #[error("cannot load the tokenizer {path}")]
    Tokenizer {
        path: PathBuf,
        #[source]
        source: tokenizers::Error,
    },
    #[error("cannot load the weights {path} (the file may be truncated or not a BERT checkpoint: fetch it again)")]
    Weights {
        path: PathBuf,
        #[source]
        source: candle_core::Error,
    },
    #[error("option `device` {device}: {reason}")]
    Device { device: String, reason: String },
    #[error("option `batch_size` must be at least 1")]
    BatchSize,
    #[error("tokenizing failed: {0}")]
    Tokenize(String),
    #[error("the encoder failed: {0}")]
    Forward(#[from] candle_core::Error),
    /// The model's files could not be read for their hash.
    #[error(transparent)]
    Files(#[from] crate::model::ModelError),
}
