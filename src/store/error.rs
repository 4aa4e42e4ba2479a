//! The one error type of the `store` module: every message names the file and says what to do.

use std::path::PathBuf;

/// Why an embedding file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The extension does not name a format we know.
    #[error("cannot tell the format of {}: use .npy, .safetensors or .parquet", path.display())]
    UnknownFormat { path: PathBuf },

    /// The operating system refused to read or write the file.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// "read" or "write".
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file exists but is not what we expect (wrong dtype, bad header, truncated data...).
    #[error("{} is not a valid {format} file: {reason}; re-create it with `themescope embed`", path.display())]
    Malformed {
        path: PathBuf,
        format: &'static str,
        reason: String,
    },

    /// A `.npy` file lacks one of the files that carry its row ids and provenance.
    #[error("{} is missing: it holds the rows and model information of {}; keep it next to the .npy file or re-create both with `themescope embed`", sidecar.display(), path.display())]
    MissingSidecar { path: PathBuf, sidecar: PathBuf },

    /// Vectors and row records disagree in number.
    #[error("{} has {vectors} vectors but {rows} row records: the files are out of sync; re-create them with `themescope embed`", path.display())]
    RowCountMismatch {
        path: PathBuf,
        vectors: usize,
        rows: usize,
    },

    /// A folder read as one set holds no embedding file.
    #[error("{} holds no .npy, .safetensors or .parquet file: pass a folder of parts (as `themescope.ray` writes them) or one file", path.display())]
    EmptyFolder { path: PathBuf },

    /// Two files of a folder read as one set were made by different models or settings.
    #[error("{} and {} differ in model, pooling, dimension or unit: a folder read as one set must hold parts embedded alike", first.display(), other.display())]
    PartsDiffer { first: PathBuf, other: PathBuf },

    /// The in-memory set is inconsistent, so writing it would produce an unreadable file.
    #[error("refusing to write {}: {reason}", path.display())]
    InvalidSet { path: PathBuf, reason: String },
}

impl StoreError {
    pub(crate) fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            action: "read",
            path: path.into(),
            source,
        }
    }

    pub(crate) fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            action: "write",
            path: path.into(),
            source,
        }
    }

    pub(crate) fn malformed(
        path: impl Into<PathBuf>,
        format: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        StoreError::Malformed {
            path: path.into(),
            format,
            reason: reason.into(),
        }
    }
}
