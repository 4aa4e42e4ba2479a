use std::path::PathBuf;

/// Why a model could not be found, fetched or trusted. Every message names the model or file and
/// says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("`{0}` is neither a model folder nor a Hub id like `org/name` or `org/name@revision`")]
    BadSpec(String),
    #[error("model folder {dir} has no {file}: a model folder needs config.json, tokenizer.json and model.safetensors (pytorch_model.bin is not read; export safetensors weights)")]
    MissingFile { dir: PathBuf, file: String },
    #[error("model `{id}` was not found locally and downloads are off (option `offline` or HF_HUB_OFFLINE=1): set THEMESCOPE_MODELS to a folder holding `{folder}`, or allow downloads")]
    NotFoundOffline { id: String, folder: String },
    #[error("model `{id}` could not be fetched: {reason}; set THEMESCOPE_MODELS to a folder holding `{folder}`, or put it in the Hugging Face cache")]
    FetchFailed {
        id: String,
        folder: String,
        reason: String,
    },
    #[error("{path} has sha256 {actual}, but models/manifest.toml pins {expected} for model `{id}`: the file is corrupt or a different revision; delete it and fetch it again")]
    HashMismatch {
        id: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the built-in model manifest is invalid: {0}")]
    Manifest(String),
}

impl ModelError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ModelError::Io {
            path: path.into(),
            source,
        }
    }
}
