//! `themescope.run`: the whole job, writing the same files as `themescope run`.

use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyUserWarning};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use themescope::config::RunConfig;
use themescope::pipeline::{self, Events, Given, GivenScore, RunSpec};
use themescope::sentiment::{Label, Prediction};

use crate::embedder::{in_pool, resolve_options, thread_pool};
use crate::{args, errors, json};

/// Keeps a run's warnings (skipped files, a cache that could not be opened) for Python's
/// `warnings`; progress goes nowhere.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Events for Warnings {
    fn warning(&mut self, message: &str) {
        self.0.push(message.to_owned());
    }
}

/// Reads `inputs` (files, folders), finds themes and actors' attitudes, and writes report.json,
/// report.md, report.html, paragraphs.parquet and run.json into `out`. `config` is a
/// themescope.toml; keyword settings (`k=8`, `algo="hdbscan"`, `model=...`, any setting of
/// `themescope config show`) override it. Returns the summary `themescope run --json` prints,
/// with `exit_code` and `manifest` (run.json).
///
/// `given`: vectors and themes found elsewhere (a distributed run), used instead of embedding
/// the paragraphs and fitting themes: a dict of `embeddings` (float32, rows × dim), `doc_ids`,
/// `para_index`, `texts` and `themes` (int; negative or None: an outlier), one per row, rows
/// in any order; every paragraph of `inputs` must have its row (same document, index, text).
#[pyfunction]
#[pyo3(signature = (inputs, out, *, config=None, strict=false, given=None, **settings))]
pub fn run<'py>(
    py: Python<'py>,
    inputs: &Bound<'py, PyAny>,
    out: PathBuf,
    config: Option<PathBuf>,
    strict: bool,
    given: Option<&Bound<'py, PyDict>>,
    settings: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut spec = RunSpec::new(args::paths(inputs, "inputs")?, out);
    spec.given = given.map(given_rows).transpose()?;
    if let Some(path) = &config {
        spec.config = RunConfig::load(path).map_err(errors::to_py)?;
    }
    args::apply_settings(&mut spec.config, settings, None)?;
    spec.config_file = config;
    spec.strict = strict;
    spec.resolve = resolve_options();
    spec.command = vec!["themescope.run (Python)".into()];
    let pool = thread_pool(spec.config.model.threads)?;
    let mut warnings = Warnings::default();
    let done = py.detach(|| {
        in_pool(pool.as_ref(), || {
            let output = pipeline::run(&spec, &mut warnings).map_err(|e| errors::one_line(&e))?;
            let mut summary = output.summary(&spec.out);
            summary["exit_code"] = output.exit_code.into();
            summary["manifest"] = output.manifest;
            Ok::<_, String>(summary)
        })
    });
    let category = py.get_type::<PyUserWarning>();
    for w in &warnings.0 {
        PyErr::warn(
            py,
            &category,
            &std::ffi::CString::new(w.replace('\0', " "))?,
            1,
        )?;
    }
    json::to_py(py, &done.map_err(errors::message)?)
}

/// The `given` dict of `run` as the library's [`Given`].
fn given_rows(given: &Bound<'_, PyDict>) -> PyResult<Given> {
    let item = |key: &str| {
        given.get_item(key)?.ok_or_else(|| {
            errors::message(format!(
                "given has no `{key}`: give embeddings, doc_ids, para_index, texts and themes"
            ))
        })
    };
    let vectors = crate::themes::matrix(&item("embeddings")?, "given['embeddings']")?
        .as_array()
        .to_owned();
    let texts = args::texts(&item("texts")?, "given['texts']")?;
    let doc_ids = args::texts(&item("doc_ids")?, "given['doc_ids']")?;
    let para_index: Vec<usize> = item("para_index")?
        .try_iter()?
        .map(|p| p?.extract::<usize>())
        .collect::<PyResult<_>>()
        .map_err(|_| PyTypeError::new_err("given['para_index'] must be a list of int >= 0"))?;
    let themes = crate::phrases::theme_ids(&item("themes")?, texts.len())?;
    if doc_ids.len() != texts.len() || para_index.len() != texts.len() {
        return Err(errors::message(format!(
            "given has {} texts, {} doc_ids and {} para_index: give one of each per row",
            texts.len(),
            doc_ids.len(),
            para_index.len()
        )));
    }
    let rows = crate::store::row_metas(texts, doc_ids, para_index);
    let scores = match given.get_item("mentions")?.filter(|m| !m.is_none()) {
        Some(m) => Some(given_scores(&m)?),
        None => None,
    };
    Ok(Given {
        rows,
        vectors,
        themes,
        scores,
    })
}

/// `given['mentions']`: scored mentions as `themescope.ray.score` gives them, one dict each
/// (doc_id, para_index, actor, start and end in characters, label, score, and the
/// probabilities p_negative, p_neutral, p_positive).
fn given_scores(mentions: &Bound<'_, PyAny>) -> PyResult<Vec<GivenScore>> {
    let items = mentions.try_iter().map_err(|_| {
        PyTypeError::new_err(
            "given['mentions'] must be a list of dicts (themescope.ray.score's rows)",
        )
    })?;
    items
        .enumerate()
        .map(|(i, m)| {
            given_score(&m?).map_err(|e| {
                PyTypeError::new_err(format!(
                    "given['mentions'][{i}]: {e}: give themescope.ray.score's rows"
                ))
            })
        })
        .collect()
}

fn given_score(m: &Bound<'_, PyAny>) -> PyResult<GivenScore> {
    let field = |key: &str| m.get_item(key);
    let label: String = field("label")?.extract()?;
    let label = Label::parse(&label).ok_or_else(|| {
        PyTypeError::new_err(format!(
            "label {label:?} is none of negative, neutral, positive"
        ))
    })?;
    let prob = |key: &str| field(key)?.extract::<f32>();
    Ok(GivenScore {
        doc_id: field("doc_id")?.extract()?,
        para_index: field("para_index")?.extract()?,
        actor: field("actor")?.extract()?,
        chars: field("start")?.extract()?..field("end")?.extract()?,
        prediction: Prediction {
            label,
            probs: [prob("p_negative")?, prob("p_neutral")?, prob("p_positive")?],
            score: field("score")?.extract()?,
        },
    })
}
