//! `themescope.themes`: vectors and their texts → themes named by key phrases, as
//! `themescope themes` finds them (the same settings, the same `themes.json` fields), with the
//! themes' centroids; `themescope.assign_themes`: further vectors → their nearest fitted theme.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use themescope::config::RunConfig;
use themescope::store::{EmbeddingInfo, EmbeddingSet, RowMeta};
use themescope::themes::{find_themes, nearest_themes, output};

use crate::embedder::{in_pool, Embedder};
use crate::{args, errors};

/// The rows' provenance: each row's document (its own unless `doc_ids` says) and its place in it.
fn rows(texts: Vec<String>, doc_ids: Option<Vec<String>>) -> Vec<RowMeta> {
    let mut last: Option<String> = None;
    let mut index = 0;
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let doc_id = doc_ids
                .as_ref()
                .map_or_else(|| i.to_string(), |d| d[i].clone());
            index = match last.as_deref() == Some(doc_id.as_str()) {
                true => index + 1,
                false => 0,
            };
            last = Some(doc_id.clone());
            RowMeta {
                doc_id,
                para_index: index,
                text,
            }
        })
        .collect()
}

/// What made the vectors: the encoder that embeds the phrases.
pub(crate) fn info(embedder: &Embedder) -> EmbeddingInfo {
    EmbeddingInfo::of(embedder.inner.info(), "paragraph")
}

/// Themes of `embeddings` (float32, rows × dim) whose rows are `texts`. Returns the fields of
/// `themes.json` (`themes` with `label`, `phrases`, `size`...; `paragraphs`: where each row
/// went), `assignments`: each row's theme id, or None for an outlier, and `centroids` (themes ×
/// dim float32, for `assign_themes`). `out`: also write `themes.json` there, as
/// `themescope themes --out` does.
#[pyfunction]
#[pyo3(signature = (embeddings, texts, k=None, seed=42, *, doc_ids=None, embedder=None,
                    model=None, out=None, **options))]
#[allow(clippy::too_many_arguments)]
pub fn themes<'py>(
    py: Python<'py>,
    embeddings: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
    k: Option<&Bound<'py, PyAny>>,
    seed: u64,
    doc_ids: Option<&Bound<'py, PyAny>>,
    embedder: Option<Bound<'py, Embedder>>,
    model: Option<&Bound<'py, PyAny>>,
    out: Option<std::path::PathBuf>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let array = matrix(embeddings, "embeddings")?;
    let texts = args::texts(texts, "texts")?;
    let (n, dim) = (array.shape()[0], array.shape()[1]);
    if texts.len() != n {
        return Err(errors::message(format!(
            "embeddings has {n} rows but texts has {} items: give one text per row",
            texts.len()
        )));
    }
    let doc_ids = doc_ids
        .filter(|d| !d.is_none())
        .map(|d| args::texts(d, "doc_ids"))
        .transpose()?;
    if let Some(d) = doc_ids.as_ref().filter(|d| d.len() != n) {
        return Err(errors::message(format!(
            "doc_ids has {} items but embeddings has {n} rows: give one id per row",
            d.len()
        )));
    }

    let mut config = RunConfig::default();
    if let Some(k) = k.filter(|k| !k.is_none()) {
        args::set(&mut config, "k", k, None)?;
    }
    config.themes.seed = seed;
    args::apply_settings(&mut config, options, Some(&["themes"]))?;
    let valid = config.themes.params().check().map_err(errors::to_py)?;
    let phrase_opts = config.themes.phrase_options().map_err(errors::to_py)?;

    let embedder = phrase_encoder(py, embedder, model, &mut config, dim, "embeddings")?;
    let embedder = embedder.get();
    let set = EmbeddingSet {
        info: info(embedder),
        rows: rows(texts, doc_ids),
        vectors: array.as_array().to_owned(),
    };
    let result = py.detach(|| {
        in_pool(embedder.pool(), || {
            let mut embed_phrases = embedder.inner.phrase_embedder();
            find_themes(&set, &valid, &phrase_opts, &mut embed_phrases)
        })
    });
    let result = result.map_err(errors::to_py)?;
    let bytes = output::to_json(&result, &valid, &config.themes.phrase_record(), &set.info);
    if let Some(path) = &out {
        output::write_json(path, &bytes).map_err(|e| {
            errors::message(format!(
                "cannot write {}: {}",
                path.display(),
                errors::one_line(&e)
            ))
        })?;
    }
    let text = String::from_utf8_lossy(&bytes);
    let out = py.import("json")?.call_method1("loads", (text,))?;
    let assignments: Vec<Option<usize>> = result.assignments.iter().map(|a| a.theme).collect();
    out.set_item("assignments", PyList::new(py, assignments)?)?;
    out.set_item("centroids", result.centroids.into_pyarray(py))?;
    Ok(out)
}

/// The encoder that embeds the phrases: `embedder`, else the `model` (or the configured one)
/// loaded; its vectors must have `dim` values, the columns of the argument `what`.
pub(crate) fn phrase_encoder(
    py: Python<'_>,
    embedder: Option<Bound<'_, Embedder>>,
    model: Option<&Bound<'_, PyAny>>,
    config: &mut RunConfig,
    dim: usize,
    what: &str,
) -> PyResult<Py<Embedder>> {
    let embedder = match embedder {
        Some(e) => e.unbind(),
        None => {
            if let Some(m) = model.filter(|m| !m.is_none()) {
                args::set(config, "model", m, None)?;
            }
            Py::new(py, Embedder::load(py, config.model.clone(), None, None)?)?
        }
    };
    let info = embedder.get().inner.info();
    if info.dim != dim {
        return Err(errors::message(format!(
            "{what} has {dim} columns but {} makes vectors of {}: pass the Embedder that made them",
            info.model_id, info.dim
        )));
    }
    Ok(embedder)
}

/// A 2-D float32 numpy array argument, or a `TypeError` naming it and what was passed.
pub(crate) fn matrix<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<PyReadonlyArray2<'py, f32>> {
    obj.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a 2-D numpy array of float32 (rows × dim), not {}",
            describe(obj)
        ))
    })
}

/// Theme ids (-1: none) and cosines, one each per row.
type Assigned<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f32>>);

/// Each row of `embeddings` → its nearest theme among `centroids` (the `centroids` that
/// `themes` returns), as two arrays: theme ids (int64, -1 for a row below `min_similarity`)
/// and cosines to the nearest centroid (float32). Rows are independent: any batch of them gets
/// the same answer as the whole.
#[pyfunction]
#[pyo3(signature = (embeddings, centroids, min_similarity=None))]
pub fn assign_themes<'py>(
    py: Python<'py>,
    embeddings: &Bound<'py, PyAny>,
    centroids: &Bound<'py, PyAny>,
    min_similarity: Option<f32>,
) -> PyResult<Assigned<'py>> {
    let vectors = matrix(embeddings, "embeddings")?;
    let centroids = matrix(centroids, "centroids")?;
    let (vectors, centroids) = (vectors.as_array(), centroids.as_array());
    let found = py
        .detach(|| nearest_themes(vectors, centroids, min_similarity))
        .map_err(errors::to_py)?;
    let ids: Vec<i64> = found
        .iter()
        .map(|n| n.theme.map_or(-1, |t| t as i64))
        .collect();
    let sims: Vec<f32> = found.iter().map(|n| n.similarity).collect();
    Ok((PyArray1::from_vec(py, ids), PyArray1::from_vec(py, sims)))
}

/// `float64 ndarray of shape (3, 4)`, `list`: what was passed instead of a float32 matrix.
fn describe(obj: &Bound<'_, PyAny>) -> String {
    let kind = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into());
    match (obj.getattr("dtype"), obj.getattr("shape")) {
        (Ok(dtype), Ok(shape)) => format!("{dtype} {kind} of shape {shape}"),
        _ => kind,
    }
}
