//! `themescope.write_embeddings`: vectors and their rows → an embeddings file written by the
//! library, as `themescope embed` writes it (format from the extension: .parquet, .npy,
//! .safetensors), so `themescope themes --embeddings FILE` reads it.

use std::path::PathBuf;

use numpy::PyUntypedArrayMethods;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use themescope::store::{self, EmbeddingSet, RowMeta};

use crate::embedder::Embedder;
use crate::themes::{info, matrix};
use crate::{args, errors};

/// Writes `embeddings` (float32, rows × dim) with each row's text, document id and paragraph
/// index to `path`, atomically. `embedder`: the model that made the vectors (recorded in the
/// file). `doc_ids` default to each row's own; `para_index` to the row's place in its document.
#[pyfunction]
#[pyo3(signature = (path, embeddings, texts, *, embedder, doc_ids=None, para_index=None))]
pub fn write_embeddings<'py>(
    py: Python<'py>,
    path: PathBuf,
    embeddings: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
    embedder: Bound<'py, Embedder>,
    doc_ids: Option<&Bound<'py, PyAny>>,
    para_index: Option<&Bound<'py, PyAny>>,
) -> PyResult<()> {
    let vectors = matrix(embeddings, "embeddings")?;
    let texts = args::texts(texts, "texts")?;
    let n = texts.len();
    let doc_ids = match doc_ids.filter(|d| !d.is_none()) {
        Some(d) => args::texts(d, "doc_ids")?,
        None => (0..n).map(|i| i.to_string()).collect(),
    };
    let para_index = match para_index.filter(|p| !p.is_none()) {
        Some(p) => p.extract::<Vec<usize>>().map_err(|_| {
            PyTypeError::new_err("para_index must be a list of non-negative integers")
        })?,
        None => places(&doc_ids),
    };
    for (name, len) in [
        ("doc_ids", doc_ids.len()),
        ("para_index", para_index.len()),
        ("embeddings", vectors.shape()[0]),
    ] {
        if len != n {
            return Err(errors::message(format!(
                "{name} has {len} rows but texts has {n}: give one per text"
            )));
        }
    }
    let rows = row_metas(texts, doc_ids, para_index);
    let set = EmbeddingSet {
        info: info(embedder.get()),
        rows,
        vectors: vectors.as_array().to_owned(),
    };
    py.detach(|| store::write(&path, &set))
        .map_err(errors::to_py)
}

/// Rows from their texts, document ids and places, one of each per row.
pub(crate) fn row_metas(
    texts: Vec<String>,
    doc_ids: Vec<String>,
    para_index: Vec<usize>,
) -> Vec<RowMeta> {
    texts
        .into_iter()
        .zip(doc_ids)
        .zip(para_index)
        .map(|((text, doc_id), para_index)| RowMeta {
            doc_id,
            para_index,
            text,
        })
        .collect()
}

/// Each row's place among the rows of its document so far.
fn places(doc_ids: &[String]) -> Vec<usize> {
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    doc_ids
        .iter()
        .map(|d| {
            let next = seen.entry(d.as_str()).or_insert(0);
            *next += 1;
            *next - 1
        })
        .collect()
}
