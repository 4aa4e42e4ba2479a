//! `split_paragraphs` and `read_corpus`: documents and paragraphs exactly as the CLI reads them.

use pyo3::prelude::*;
use serde_json::{json, Value};
use themescope::corpus::{Corpus, Document, ReadOptions};

use crate::{args, errors, json};

/// The read options of the `[input]` settings.
fn read_options(text_field: &str, keep_boilerplate: bool) -> ReadOptions {
    ReadOptions {
        text_field: text_field.to_owned(),
        strip_boilerplate: !keep_boilerplate,
    }
}

/// One document as Python sees it: its fields, and its paragraphs as texts.
fn document_value(doc: &Document) -> Value {
    json!({
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "metadata": doc.metadata,
        "text": doc.text,
        "paragraphs": doc.paragraphs.iter().map(|p| doc.paragraph_text(p)).collect::<Vec<_>>(),
    })
}

/// The paragraphs of one text, as a `.jsonl` record's text is read (character references
/// decoded; split at blank lines, or lines when it has no blank line; short boilerplate dropped
/// unless `keep_boilerplate`).
#[pyfunction]
#[pyo3(signature = (text, keep_boilerplate=false))]
pub fn split_paragraphs(text: &str, keep_boilerplate: bool) -> Vec<String> {
    let opts = read_options("text", keep_boilerplate);
    let doc = Document::from_record_text("text", text, &opts);
    doc.paragraphs
        .iter()
        .map(|p| doc.paragraph_text(p).to_owned())
        .collect()
}

/// The documents of files and folders (txt, md, html, jsonl, csv), as dicts with `id`,
/// `source`, `title`, `metadata`, `text` and `paragraphs` (a list of str).
#[pyfunction]
#[pyo3(signature = (paths, text_field="text", keep_boilerplate=false))]
pub fn read_corpus<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    text_field: &str,
    keep_boilerplate: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let paths = args::paths(paths, "paths")?;
    let opts = read_options(text_field, keep_boilerplate);
    let corpus = py
        .detach(|| Corpus::read(&paths, &opts))
        .map_err(errors::to_py)?;
    let docs: Vec<Value> = corpus.documents.iter().map(document_value).collect();
    json::to_py(py, &docs)
}
