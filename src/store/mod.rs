//! Paragraph embeddings on disk: vectors plus the ids and text of each row, and how they were made.
//!
//! Three formats, chosen by the file extension, all read directly by numpy / pandas / polars /
//! DuckDB and all recording the same [`EmbeddingInfo`]:
//!
//! | extension | vectors | rows and [`EmbeddingInfo`] |
//! |---|---|---|
//! | `.npy` | the `.npy` itself (`<f4`, C order, rows × dim) | sidecars `emb.jsonl` and `emb.meta.json` |
//! | `.safetensors` | tensor `embeddings` (F32, rows × dim) | the `__metadata__` string map |
//! | `.parquet` | column `embedding` (fixed-size list of f32) | columns `doc_id`, `para_index`, `text`; key-value metadata `themescope` (JSON) plus one key per field |
//!
//! ## `.npy` sidecars
//!
//! A `.npy` holds one array and numpy rejects headers with extra keys, so the rest lives next to
//! it, named by replacing the extension ([`npy_rows_path`], [`npy_info_path`]):
//!
//! - `emb.jsonl`: one JSON object per row, `{"doc_id":…,"para_index":…,"text":…}`, in matrix row
//!   order and nothing else, so `pd.read_json("emb.jsonl", lines=True)` gives a clean table;
//! - `emb.meta.json`: the [`EmbeddingInfo`] as one JSON object (`json.load`).
//!
//! Keeping provenance out of the `.jsonl` keeps every line a row; a third small file is the price.
//! The `.npy` is written last, so it is the file that marks the set complete, and [`read()`] checks
//! that the three agree (row count, dimension).
//!
//! Every file is written through [`crate::fsutil::write_atomic`], so a failure never leaves a
//! half-written file behind.

mod error;
mod npy;
mod parquet;
mod parquet_footer;
mod parts;
mod safetensors;

use std::path::Path;

use ndarray::Array2;

pub use error::StoreError;
pub use npy::{npy_info_path, npy_rows_path, read_npy_matrix};
pub use parquet::ExtraColumns;

/// How the vectors were made; recorded in every format.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EmbeddingInfo {
    /// Model id (Hub id or local path) as given to the embedder.
    pub model_id: String,
    /// Model revision (commit) when known.
    pub revision: Option<String>,
    /// `"mean"` or `"cls"`.
    pub pooling: String,
    /// Whether the vectors are L2-normalised.
    pub normalized: bool,
    /// Token limit each text was truncated to.
    pub max_seq_length: usize,
    /// Vector length.
    pub dim: usize,
    /// What one row stands for: `"paragraph"`, `"document"`, `"sentence"` or `"window"`.
    pub unit: String,
    /// Version of themescope that wrote the file.
    pub themescope_version: String,
}

impl EmbeddingInfo {
    /// What `encoder` makes, one row per `unit`.
    pub fn of(encoder: &crate::embed::EncoderInfo, unit: &str) -> EmbeddingInfo {
        EmbeddingInfo {
            model_id: encoder.model_id.clone(),
            revision: encoder.revision.clone(),
            pooling: encoder.pooling.as_str().to_string(),
            normalized: encoder.normalize,
            max_seq_length: encoder.max_seq_length,
            dim: encoder.dim,
            unit: unit.to_string(),
            themescope_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Where one row's vector came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowMeta {
    pub doc_id: String,
    pub para_index: usize,
    pub text: String,
}

impl From<crate::corpus::TextUnit> for RowMeta {
    fn from(u: crate::corpus::TextUnit) -> RowMeta {
        RowMeta {
            doc_id: u.doc_id,
            para_index: u.index,
            text: u.text,
        }
    }
}

/// Vectors with their provenance; row `i` of `vectors` belongs to `rows[i]`.
#[derive(Debug, Clone)]
pub struct EmbeddingSet {
    pub info: EmbeddingInfo,
    pub rows: Vec<RowMeta>,
    /// rows × dim.
    pub vectors: Array2<f32>,
}

/// On-disk format, named by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Npy,
    Safetensors,
    Parquet,
}

impl Format {
    /// The format named by `path`'s extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Format, StoreError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("npy") => Ok(Format::Npy),
            Some("safetensors") => Ok(Format::Safetensors),
            Some("parquet") => Ok(Format::Parquet),
            _ => Err(StoreError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// Writes `set` to `path` in the format its extension names (`.npy` also writes sidecars).
pub fn write(path: &Path, set: &EmbeddingSet) -> Result<(), StoreError> {
    let format = Format::from_path(path)?;
    check_set(path, set)?;
    match format {
        Format::Npy => npy::write(path, set),
        Format::Safetensors => safetensors::write(path, set),
        Format::Parquet => parquet::write(path, set),
    }
}

/// Writes `set` as Parquet with `extra` columns between `text` and `embedding`, and the same
/// metadata as [`write()`] (the run's `paragraphs.parquet`).
pub fn write_parquet_with(
    path: &Path,
    set: &EmbeddingSet,
    extra: &dyn ExtraColumns,
) -> Result<(), StoreError> {
    check_set(path, set)?;
    parquet::write_with(path, set, extra)
}

/// Reads an [`EmbeddingSet`] written by [`write()`] (or by another tool following the same
/// layout), or a folder of them as one set (the parts `themescope.ray` writes; `parts.rs`).
pub fn read(path: &Path) -> Result<EmbeddingSet, StoreError> {
    if path.is_dir() {
        return parts::read_folder(path);
    }
    match Format::from_path(path)? {
        Format::Npy => npy::read(path),
        Format::Safetensors => safetensors::read(path),
        Format::Parquet => parquet::read(path),
    }
}

/// Refuses sets that would produce a file we could not read back. An empty set (no rows) is
/// allowed: every format can hold a 0 × dim matrix, and a filtered run may legitimately keep none.
fn check_set(path: &Path, set: &EmbeddingSet) -> Result<(), StoreError> {
    let invalid = |reason: String| StoreError::InvalidSet {
        path: path.to_path_buf(),
        reason,
    };
    let (n, dim) = set.vectors.dim();
    if n != set.rows.len() {
        return Err(invalid(format!(
            "{n} vectors but {} row records",
            set.rows.len()
        )));
    }
    if dim != set.info.dim {
        return Err(invalid(format!(
            "vectors have {dim} columns but info.dim is {}",
            set.info.dim
        )));
    }
    // Parquet's fixed-size list needs a positive i32 length.
    if dim == 0 || i32::try_from(dim).is_err() {
        return Err(invalid(format!("unsupported vector dimension {dim}")));
    }
    Ok(())
}

/// The matrix as little-endian f32 bytes in row-major order, whatever its memory layout.
fn f32_le_bytes(vectors: &Array2<f32>) -> Vec<u8> {
    let mut out = Vec::with_capacity(vectors.len() * 4);
    for v in vectors.iter() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Decodes little-endian f32 bytes; `bytes.len()` must be a multiple of 4.
fn f32_from_le_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Shared fixtures for the per-format unit tests.
#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    pub fn info(dim: usize) -> EmbeddingInfo {
        EmbeddingInfo {
            model_id: "sentence-transformers/all-MiniLM-L6-v2".into(),
            revision: Some("c9745ed1d9f207416be6d2e6f8de32d1f16199bf".into()),
            pooling: "mean".into(),
            normalized: true,
            max_seq_length: 256,
            dim,
            unit: "paragraph".into(),
            themescope_version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// Texts that stress escaping: emoji, CJK, newlines, quotes, backslashes, NUL, U+2028.
    pub fn set(n: usize, dim: usize) -> EmbeddingSet {
        let texts = [
            "plain text",
            "emoji 🎉🇺🇦 and CJK 中文字符 日本語 한국어",
            "line one\nline two\r\nline three\ttab",
            "quotes \" ' `back` and \\ backslash, NUL \0 and \u{2028} separator",
            "",
        ];
        let rows = (0..n)
            .map(|i| RowMeta {
                doc_id: format!("doc-{}/é", i / 3),
                para_index: i % 3,
                text: texts[i % texts.len()].to_string(),
            })
            .collect();
        // Odd bit patterns too: negative zero, subnormal, extremes.
        let specials = [-0.0f32, f32::MIN_POSITIVE / 2.0, f32::MAX, f32::MIN, 1e-30];
        let vectors = Array2::from_shape_fn((n, dim), |(r, c)| {
            let k = r * dim + c;
            if k < specials.len() {
                specials[k]
            } else {
                ((k as f32) * 0.618_034).sin()
            }
        });
        EmbeddingSet {
            info: info(dim),
            rows,
            vectors,
        }
    }

    /// Equality of everything, vectors compared bit for bit.
    pub fn assert_same(a: &EmbeddingSet, b: &EmbeddingSet) {
        assert_eq!(a.info, b.info);
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.vectors.dim(), b.vectors.dim());
        let bits = |s: &EmbeddingSet| s.vectors.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn format_from_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/e.npy")).unwrap(),
            Format::Npy
        );
        assert_eq!(
            Format::from_path(Path::new("E.SafeTensors")).unwrap(),
            Format::Safetensors
        );
        assert_eq!(
            Format::from_path(Path::new("x.parquet")).unwrap(),
            Format::Parquet
        );
        for bad in ["e.csv", "e", "npy"] {
            let err = Format::from_path(Path::new(bad)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("cannot tell the format of {bad}: use .npy, .safetensors or .parquet")
            );
        }
    }

    #[test]
    fn inconsistent_sets_are_refused_and_leave_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = testutil::set(4, 8);
        set.rows.pop();
        for name in ["e.npy", "e.safetensors", "e.parquet"] {
            let path: PathBuf = dir.path().join(name);
            let err = write(&path, &set).unwrap_err();
            assert!(matches!(err, StoreError::InvalidSet { .. }), "{err}");
            assert!(err.to_string().contains("4 vectors but 3 row records"));
        }
        let mut set = testutil::set(4, 8);
        set.info.dim = 9;
        assert!(write(&dir.path().join("e.npy"), &set).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn every_format_roundtrips_and_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let set = testutil::set(11, 16);
        for name in ["e.npy", "e.safetensors", "e.parquet"] {
            let path = dir.path().join(name);
            write(&path, &set).unwrap();
            testutil::assert_same(&set, &read(&path).unwrap());
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["none.npy", "none.safetensors", "none.parquet"] {
            let path = dir.path().join(name);
            let msg = read(&path).unwrap_err().to_string();
            assert!(msg.contains(name), "{msg}");
        }
    }
}
