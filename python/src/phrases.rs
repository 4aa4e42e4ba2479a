//! The phrase counts themes are named from, counted per block of paragraphs elsewhere and
//! added up (`themes::phrases::PhraseCounts`): `count_phrases` counts a block, `add_phrase_counts`
//! adds blocks in reading order, `name_themes` names the themes from the sum as
//! `themescope.themes` names them, with each theme's candidate top words (`pool`);
//! `count_windows` and `add_window_counts` count the corpus's windows per block, from which
//! `choose_words` chooses the top words. `copy_evidence` and `find_copies` find copied
//! paragraphs across blocks, which `count_phrases` is then given.

use numpy::{PyArray1, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use themescope::config::RunConfig;
use themescope::themes::phrases::{self, PhraseCounts};
use themescope::themes::quality::WindowCounts;

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

/// Counts handed to Python as opaque bytes: `what` they are, for errors.
fn from_bytes<T: serde::de::DeserializeOwned>(bytes: &[u8], name: &str, what: &str) -> PyResult<T> {
    serde_json::from_slice(bytes).map_err(|e| errors::message(format!("{name} is not {what}: {e}")))
}

fn to_bytes<'py>(py: Python<'py>, counts: &impl serde::Serialize) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = serde_json::to_vec(counts)
        .map_err(|e| errors::message(format!("cannot serialise counts: {e}")))?;
    Ok(PyBytes::new(py, &bytes))
}

fn counts_of(bytes: &[u8], name: &str) -> PyResult<PhraseCounts> {
    from_bytes(bytes, name, "phrase counts from count_phrases")
}

fn windows_of(bytes: &[u8], name: &str) -> PyResult<WindowCounts> {
    from_bytes(bytes, name, "window counts from count_windows")
}

/// The phrase candidates of a block of paragraphs counted per theme (`themes[i]`: paragraph
/// `i`'s theme, in `0..n_themes`; negative or None: not counted), as opaque bytes for
/// `add_phrase_counts` and `name_themes`. `doc_ids`: each paragraph's document (a document's
/// paragraphs consecutive; default: each its own); `originals`: each paragraph's original
/// text if it is a copy (`find_copies` over every block), else None (default: copies are
/// found within the block); `options`: the `[themes]` phrase settings.
#[pyfunction]
#[pyo3(signature = (texts, themes, n_themes, *, doc_ids=None, originals=None, **options))]
pub fn count_phrases<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    themes: &Bound<'py, PyAny>,
    n_themes: usize,
    doc_ids: Option<&Bound<'py, PyAny>>,
    originals: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let texts = args::texts(texts, "texts")?;
    let assignment = theme_ids(themes, texts.len())?;
    let doc_ids = match doc_ids.filter(|d| !d.is_none()) {
        Some(d) => args::texts(d, "doc_ids")?,
        None => (0..texts.len()).map(|i| i.to_string()).collect(),
    };
    let originals = match originals.filter(|o| !o.is_none()) {
        Some(o) => Some(optional_texts(o, "originals")?),
        None => None,
    };
    let (_, opts) = phrase_options(options)?;
    let counts = py.detach(|| {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let docs: Vec<&str> = doc_ids.iter().map(String::as_str).collect();
        let given: Option<Vec<Option<&str>>> = originals
            .as_ref()
            .map(|o| o.iter().map(Option::as_deref).collect());
        let copies = match &given {
            Some(given) => phrases::Copies::Given(given),
            None => phrases::Copies::Find,
        };
        phrases::count_phrases(&texts, &docs, &assignment, n_themes, copies, &opts)
    });
    to_bytes(py, &counts.map_err(errors::to_py)?)
}

/// Each item a str or None.
fn optional_texts(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Option<String>>> {
    let items = obj
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("{name} must be a list of str or None")))?;
    items
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            match item.is_none() {
                true => Ok(None),
                false => item
                    .extract()
                    .map(Some)
                    .map_err(|_| PyTypeError::new_err(format!("{name}[{i}] is not a str or None"))),
            }
        })
        .collect()
}

/// One block's evidence of copied paragraphs: `(longest, sizes, hashes)`, the words of its
/// longest phrase, and per paragraph the number of hashes (of its phrases of that length) that
/// follow one another in `hashes` (uint64). `find_copies` reads the evidence of every block.
#[pyfunction]
#[pyo3(signature = (texts, themes, **options))]
pub fn copy_evidence<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    themes: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Evidence<'py>> {
    let texts = args::texts(texts, "texts")?;
    let assignment = theme_ids(themes, texts.len())?;
    let (_, opts) = phrase_options(options)?;
    let evidence = py.detach(|| {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        phrases::copy_evidence(&texts, &assignment, &opts)
    });
    let evidence = evidence.map_err(errors::to_py)?;
    let sizes: Vec<i64> = evidence.sets.iter().map(|s| s.len() as i64).collect();
    let hashes: Vec<u64> = evidence.sets.into_iter().flatten().collect();
    Ok((
        evidence.longest,
        PyArray1::from_vec(py, sizes),
        PyArray1::from_vec(py, hashes),
    ))
}

type Evidence<'py> = (usize, Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<u64>>);

/// The copied paragraphs of blocks given in reading order (each block's `copy_evidence`): for
/// each paragraph, numbered across the blocks, the index of the earlier paragraph it copies, or
/// -1, as `themescope.themes` finds them among all the paragraphs at once.
#[pyfunction]
pub fn find_copies<'py>(
    py: Python<'py>,
    blocks: Vec<(
        usize,
        PyReadonlyArray1<'py, i64>,
        PyReadonlyArray1<'py, u64>,
    )>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let mut evidence = Vec::with_capacity(blocks.len());
    for (b, (longest, sizes, hashes)) in blocks.iter().enumerate() {
        let (sizes, hashes) = (sizes.as_slice()?, hashes.as_slice()?);
        let total: i64 = sizes.iter().sum();
        if sizes.iter().any(|&n| n < 0) || total != hashes.len() as i64 {
            return Err(errors::message(format!(
                "blocks[{b}]: the sizes add up to {total} but there are {} hashes: give each block's copy_evidence as it returned it",
                hashes.len()
            )));
        }
        let mut rest = hashes;
        let sets = sizes
            .iter()
            .map(|&n| {
                let (set, tail) = rest.split_at(n as usize);
                rest = tail;
                set.to_vec()
            })
            .collect();
        evidence.push(phrases::CopyEvidence {
            longest: *longest,
            sets,
        });
    }
    let found = py.detach(|| phrases::find_copies_over(&evidence));
    let found = found
        .into_iter()
        .map(|q| q.map_or(-1, |q| q as i64))
        .collect();
    Ok(PyArray1::from_vec(py, found))
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
/// `phrases` (`phrase`, `score`), `words` (the first ten of `pool` until `choose_words`) and
/// `pool` (the candidate top words), one per row of `centroids` (float32, themes × dim). The
/// phrases are embedded by `embedder` (else the `model`, loaded), the encoder that embedded the
/// paragraphs.
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

/// The sliding windows of a block of paragraphs that hold each of `words` (the words of every
/// theme's `pool` from `name_themes`) and each pair of them, as opaque bytes for
/// `add_window_counts` and `choose_words`. Every paragraph counts, in or out of a theme.
#[pyfunction]
#[pyo3(signature = (texts, words, **options))]
pub fn count_windows<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    words: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let texts = args::texts(texts, "texts")?;
    let words = args::texts(words, "words")?;
    let (_, opts) = phrase_options(options)?;
    let counts = py.detach(|| {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        WindowCounts::count(&texts, words, &opts.stop_words)
    });
    to_bytes(py, &counts)
}

/// The window counts of blocks (`count_windows`, the same words) added up.
#[pyfunction]
pub fn add_window_counts<'py>(
    py: Python<'py>,
    counts: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut parts = counts.iter().enumerate();
    let Some((_, first)) = parts.next() else {
        return Err(errors::message(
            "counts is empty: give the window counts of at least one block",
        ));
    };
    let mut sum = windows_of(first, "counts[0]")?;
    for (i, part) in parts {
        let next = windows_of(part, &format!("counts[{i}]"))?;
        sum.append(&next)
            .map_err(|e| errors::message(format!("counts[{i}]: {e}")))?;
    }
    to_bytes(py, &sum)
}

/// `themes` (from `name_themes`) with each theme's `words` chosen from its `pool` as
/// `themescope.themes` chooses them: the words that read together in the corpus whose
/// `windows` (`count_windows` over every block, added up) are given. The pools are dropped.
#[pyfunction]
pub fn choose_words<'py>(
    py: Python<'py>,
    themes: &Bound<'py, PyAny>,
    windows: &[u8],
) -> PyResult<Bound<'py, PyAny>> {
    let mut labels: Vec<phrases::ThemeLabel> = json::from_py(themes, "themes")?;
    let windows = windows_of(windows, "windows")?;
    phrases::choose_counted(labels.iter_mut(), &windows);
    for label in &mut labels {
        label.pool = Default::default();
    }
    json::to_py(py, &labels)
}
