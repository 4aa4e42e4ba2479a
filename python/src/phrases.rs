//! The phrase counts themes are named from, counted per block of paragraphs elsewhere and
//! added up (`themes::phrases::PhraseCounts`): `count_phrases` counts a block, `add_phrase_counts`
//! adds blocks in reading order, `name_themes` names the themes from the sum as
//! `themescope.themes` names them.

use numpy::PyUntypedArrayMethods;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use themescope::config::RunConfig;
use themescope::themes::phrases::{self, PhraseCounts};

use crate::embedder::{in_pool, Embedder};
use crate::themes::{matrix, phrase_encoder};
use crate::{args, errors, json};

/// Settings of the `[themes]` section (ngram, top_phrases, stop_words...), as `themes` takes.
fn phrase_options(
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<(RunConfig, phrases::PhraseOptions)> {
    let mut config = RunConfig::default();
    args::apply_settings(&mut config, options, Some(&["themes"]))?;
    let opts = config.themes.phrase_options().map_err(errors::to_py)?;
    Ok((config, opts))
}

/// Each item's theme: an int (a negative one, or None: not counted).
pub(crate) fn theme_ids(obj: &Bound<'_, PyAny>, n: usize) -> PyResult<Vec<Option<usize>>> {
    let items = obj
        .try_iter()
        .map_err(|_| PyTypeError::new_err("themes must be a list or array of int"))?;
    let mut out = Vec::with_capacity(n);
    for (i, item) in items.enumerate() {
        let item = item?;
        if item.is_none() {
            out.push(None);
            continue;
        }
        let id: i64 = item
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("themes[{i}] is not an int")))?;
        out.push(usize::try_from(id).ok());
    }
    Ok(out)
}

fn counts_of(bytes: &[u8], name: &str) -> PyResult<PhraseCounts> {
    serde_json::from_slice(bytes).map_err(|e| {
        errors::message(format!(
            "{name} is not phrase counts from count_phrases: {e}"
        ))
    })
}

fn to_bytes<'py>(py: Python<'py>, counts: &PhraseCounts) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = serde_json::to_vec(counts)
        .map_err(|e| errors::message(format!("cannot serialise phrase counts: {e}")))?;
    Ok(PyBytes::new(py, &bytes))
}

/// The phrase candidates of a block of paragraphs counted per theme (`themes[i]`: paragraph
/// `i`'s theme, in `0..n_themes`; negative or None: not counted), as opaque bytes for
/// `add_phrase_counts` and `name_themes`. `doc_ids`: each paragraph's document (a document's
/// paragraphs consecutive; default: each its own); `options`: the `[themes]` phrase settings.
#[pyfunction]
#[pyo3(signature = (texts, themes, n_themes, *, doc_ids=None, **options))]
pub fn count_phrases<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    themes: &Bound<'py, PyAny>,
    n_themes: usize,
    doc_ids: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let texts = args::texts(texts, "texts")?;
    let assignment = theme_ids(themes, texts.len())?;
    let doc_ids = match doc_ids.filter(|d| !d.is_none()) {
        Some(d) => args::texts(d, "doc_ids")?,
        None => (0..texts.len()).map(|i| i.to_string()).collect(),
    };
    let (_, opts) = phrase_options(options)?;
    let counts = py.detach(|| {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let docs: Vec<&str> = doc_ids.iter().map(String::as_str).collect();
        phrases::count_phrases(&texts, &docs, &assignment, n_themes, &opts)
    });
    to_bytes(py, &counts.map_err(errors::to_py)?)
}

/// The counts of consecutive blocks added up, in the order given (reading order: a document
/// whose paragraphs two blocks share is counted once).
#[pyfunction]
pub fn add_phrase_counts<'py>(
    py: Python<'py>,
    counts: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let sum = py.detach(|| {
        let mut parts = counts.iter().enumerate();
        let Some((_, first)) = parts.next() else {
            return Err("counts is empty: give the counts of at least one block".to_string());
        };
        let mut sum: PhraseCounts =
            serde_json::from_slice(first).map_err(|e| format!("counts[0]: {e}"))?;
        for (i, part) in parts {
            let next = serde_json::from_slice(part).map_err(|e| format!("counts[{i}]: {e}"))?;
            sum.append(next).map_err(|e| errors::one_line(&e))?;
        }
        Ok(sum)
    });
    to_bytes(py, &sum.map_err(errors::message)?)
}

/// The themes named from their phrase counts (`count_phrases`, added up) exactly as
/// `themescope.themes` names them from the paragraphs: a list of dicts with `label`,
/// `phrases` (`phrase`, `score`) and `words`, one per row of `centroids` (float32, themes ×
/// dim). The phrases are embedded by `embedder` (else the `model`, loaded), the encoder that
/// embedded the paragraphs.
#[pyfunction]
#[pyo3(signature = (counts, centroids, *, embedder=None, model=None, **options))]
pub fn name_themes<'py>(
    py: Python<'py>,
    counts: &[u8],
    centroids: &Bound<'py, PyAny>,
    embedder: Option<Bound<'py, Embedder>>,
    model: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let counts = counts_of(counts, "counts")?;
    let centroids = matrix(centroids, "centroids")?;
    let (mut config, opts) = phrase_options(options)?;
    let dim = centroids.shape()[1];
    let embedder = phrase_encoder(py, embedder, model, &mut config, dim, "centroids")?;
    let embedder = embedder.get();
    let centroids = centroids.as_array();
    let named = py.detach(|| {
        in_pool(embedder.pool(), || {
            let mut embed_phrases = embedder.inner.phrase_embedder();
            phrases::name_counted(counts, centroids, &mut embed_phrases, &opts)
        })
    });
    json::to_py(py, &named.map_err(errors::to_py)?)
}
