//! `themescope._themescope`: the Python bindings of the themescope library. Each file wraps one
//! part of the library; the work itself is the library's. Compute runs with the GIL released,
//! and library errors come back as `themescope.ThemescopeError` with the CLI's one-line message.
//!
//! | file | job |
//! |---|---|
//! | `errors.rs` | `ThemescopeError`, library errors as one line |
//! | `args.rs` | Python arguments → texts, paths, settings (type checks with the argument's name) |
//! | `json.rs` | serde values → Python objects |
//! | `embedder.rs` | `Embedder`: texts → vectors, as `themescope embed` makes them |
//! | `corpus.rs` | `split_paragraphs`, `read_corpus` |
//! | `sentiment.rs` | `Sentiment`: mentions of actors and their scores |
//! | `themes.rs` | `themes`: vectors and texts → themes, as `themescope themes` finds them; `assign_themes` |
//! | `phrases.rs` | `count_phrases`, `add_phrase_counts`, `name_themes`: theme names from phrase counts added up over blocks; `copy_evidence`, `find_copies`: copied paragraphs across blocks |
//! | `lloyd.rs` | `kmeans_step`, `kmeans_centres`, `kmeans_labels`: k-means over rows held in blocks elsewhere |
//! | `store.rs` | `write_embeddings`: vectors and rows → an embeddings file, as `themescope embed` writes it |
//! | `run.rs` | `run`: the whole job, the CLI's files |

mod args;
mod corpus;
mod embedder;
mod errors;
mod json;
mod lloyd;
mod phrases;
mod run;
mod sentiment;
mod store;
mod themes;

use pyo3::prelude::*;

#[pymodule]
fn _themescope(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "ThemescopeError",
        m.py().get_type::<errors::ThemescopeError>(),
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MODEL", themescope::model::DEFAULT_MODEL)?;
    m.add_class::<embedder::Embedder>()?;
    m.add_class::<sentiment::Sentiment>()?;
    m.add_function(wrap_pyfunction!(corpus::split_paragraphs, m)?)?;
    m.add_function(wrap_pyfunction!(corpus::read_corpus, m)?)?;
    m.add_function(wrap_pyfunction!(themes::themes, m)?)?;
    m.add_function(wrap_pyfunction!(themes::assign_themes, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::count_phrases, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::copy_evidence, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::find_copies, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::add_phrase_counts, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::name_themes, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::count_windows, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::add_window_counts, m)?)?;
    m.add_function(wrap_pyfunction!(phrases::choose_words, m)?)?;
    m.add_function(wrap_pyfunction!(lloyd::kmeans_step, m)?)?;
    m.add_function(wrap_pyfunction!(lloyd::kmeans_centres, m)?)?;
    m.add_function(wrap_pyfunction!(lloyd::kmeans_labels, m)?)?;
    m.add_function(wrap_pyfunction!(store::write_embeddings, m)?)?;
    m.add_function(wrap_pyfunction!(sentiment::discover_actors, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    Ok(())
}
