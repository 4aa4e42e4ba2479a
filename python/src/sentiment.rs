//! `themescope.Sentiment`: find the actors' mentions in texts and score the attitude toward each,
//! with the method and head `themescope sentiment` uses.

use std::ops::Range;
use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde_json::Value;
use themescope::actors::{
    discover, read_actor_file, Actor, ActorSet, DiscoverOptions, MentionMatcher,
};
use themescope::config::RunConfig;
use themescope::corpus::{Corpus, Document, ReadOptions};
use themescope::embed::Embedder;
use themescope::pipeline::{steps, Silent};
use themescope::sentiment::score::{actors_and_mentions, find_mentions, ScoredMention};
use themescope::sentiment::ScoringModel;

use crate::embedder::{in_pool, resolve_options, thread_pool};
use crate::{args, errors, json};

/// A scoring method, loaded with the encoder its head needs.
#[pyclass(module = "themescope", frozen)]
pub struct Sentiment {
    scoring: ScoringModel,
    embedder: Option<Embedder>,
    min_mentions: usize,
    pool: Option<rayon::ThreadPool>,
}

/// A scored mention with its spans in the whole text (the library's are in the paragraph) and
/// the index of the text in place of the document id.
fn in_text(corpus: &Corpus, m: &ScoredMention) -> Result<Value, String> {
    let mention = &m.mention;
    let doc = &corpus.documents[mention.doc];
    let start = doc.paragraphs[mention.paragraph].span.start;
    let chars = doc.text[..start].chars().count();
    let shift =
        |r: &Range<usize>, by: usize| serde_json::json!({"start": r.start + by, "end": r.end + by});
    let mut v = serde_json::to_value(m).map_err(|e| e.to_string())?;
    if let Value::Object(o) = &mut v {
        o.remove("doc_id");
        o.insert("index".into(), mention.doc.into());
        o.insert("span".into(), shift(&mention.span, start));
        o.insert("sentence".into(), shift(&mention.sentence, start));
        o.insert("chars".into(), shift(&mention.chars, chars));
    }
    Ok(v)
}

/// The `actors` argument: `None` (discover them in the texts), an actor file, a list of names
/// and `{"name", "kind", "aliases"}` dicts (the built-in countries matched too, as in a file),
/// or the dict `discover_actors` returns (`actors`, `not_actors` and `namesakes`).
fn actor_set(py: Python<'_>, actors: Option<&Bound<'_, PyAny>>) -> PyResult<Option<ActorSet>> {
    let Some(actors) = actors.filter(|a| !a.is_none()) else {
        return Ok(None);
    };
    if let Ok(found) = actors.cast::<PyDict>() {
        return discovered_set(py, found).map(Some);
    }
    if !actors.is_instance_of::<PyList>() && !actors.is_instance_of::<PyTuple>() {
        let path: PathBuf = actors.extract().map_err(|_| {
            PyTypeError::new_err(
                "actors must be None, an actor file's path, a list of names and dicts, or what discover_actors returns",
            )
        })?;
        return read_actor_file(&path)
            .map(|f| Some(f.actor_set()))
            .map_err(errors::to_py);
    }
    Ok(Some(ActorSet::with_gazetteer(
        actor_list(py, actors)?,
        true,
    )))
}

/// `{"actors": [...], "not_actors": [...], "namesakes": [...]}`: the set discovery made,
/// rebuilt as it was.
fn discovered_set(py: Python<'_>, found: &Bound<'_, PyDict>) -> PyResult<ActorSet> {
    let list = found.get_item("actors")?.ok_or_else(|| {
        PyTypeError::new_err(
            "actors as a dict must hold `actors` (and `not_actors`), as discover_actors returns it",
        )
    })?;
    let mut set = ActorSet::with_gazetteer(actor_list(py, &list)?, true);
    if let Some(names) = found.get_item("not_actors")?.filter(|n| !n.is_none()) {
        set.not_actors = names
            .extract()
            .map_err(|_| PyTypeError::new_err("actors[\"not_actors\"] must be a list of str"))?;
    }
    if let Some(list) = found.get_item("namesakes")?.filter(|n| !n.is_none()) {
        set.namesakes = actor_list(py, &list)?;
    }
    Ok(set)
}

/// A list of names (people) and dicts with name, kind and aliases (a `mentions` count, as
/// `discover_actors` gives it, is ignored).
fn actor_list(py: Python<'_>, actors: &Bound<'_, PyAny>) -> PyResult<Vec<Actor>> {
    let dumps = py.import("json")?.getattr("dumps")?;
    let mut list = Vec::new();
    for (i, item) in actors.try_iter()?.enumerate() {
        let item = item?;
        let actor = if let Ok(name) = item.cast::<PyString>() {
            Actor {
                name: name.to_cow()?.into_owned(),
                kind: themescope::actors::ActorKind::Person,
                aliases: Vec::new(),
            }
        } else if let Ok(dict) = item.cast::<PyDict>() {
            let dict = dict.copy()?;
            if dict.contains("mentions")? {
                dict.del_item("mentions")?;
            }
            let text: String = dumps.call1((&dict,))?.extract()?;
            serde_json::from_str(&text).map_err(|e| errors::message(format!("actors[{i}]: {e}")))?
        } else {
            return Err(PyTypeError::new_err(format!(
                "actors[{i}] must be a name (str) or a dict with name, kind and aliases"
            )));
        };
        list.push(actor);
    }
    Ok(list)
}

/// Each text as a document of its own; the caller chose these texts, so nothing is dropped as
/// boilerplate.
fn corpus_of(texts: Vec<String>) -> Corpus {
    let opts = ReadOptions {
        strip_boilerplate: false,
        ..ReadOptions::default()
    };
    let docs = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| Document::from_text(i.to_string(), t, &opts))
        .collect();
    Corpus::from_documents(docs)
}

/// The actors that `Sentiment.score(texts)` would discover (named at least `min_mentions`
/// times): `{"actors": [{"name", "kind", "aliases", "mentions"}...], "not_actors": [...],
/// "namesakes": [{"name", "kind", "aliases"}...]}`, most mentioned first (namesakes: people
/// named too rarely to list who share an alias with an actor; matched, never reported). Pass it as `actors` to score other texts against the same actors
/// (the built-in countries are added again there).
#[pyfunction]
#[pyo3(signature = (texts, min_mentions=3))]
pub fn discover_actors<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    min_mentions: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let texts = args::texts(texts, "texts")?;
    let found = py.detach(|| {
        let opts = DiscoverOptions {
            min_mentions,
            ..DiscoverOptions::default()
        };
        discover(&corpus_of(texts), &opts)
    });
    json::to_py(py, &found.to_json())
}

#[pymethods]
impl Sentiment {
    #[new]
    #[pyo3(signature = (method="head", head=None, model=None, dtype="f32", device="auto",
                        batch_size=32, threads=None, min_mentions=3))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        method: &str,
        head: Option<&Bound<'_, PyAny>>,
        model: Option<&Bound<'_, PyAny>>,
        dtype: &str,
        device: &str,
        batch_size: i64,
        threads: Option<i64>,
        min_mentions: i64,
    ) -> PyResult<Sentiment> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("method", method)?;
        kwargs.set_item("head", head)?;
        kwargs.set_item("model", model)?;
        kwargs.set_item("dtype", dtype)?;
        kwargs.set_item("device", device)?;
        kwargs.set_item("batch_size", batch_size)?;
        kwargs.set_item("threads", threads)?;
        kwargs.set_item("min_mentions", min_mentions)?;
        let mut config = RunConfig::default();
        args::apply_settings(&mut config, Some(&kwargs), Some(&["model", "sentiment"]))?;
        let pool = thread_pool(config.model.threads)?;
        let s = &config.sentiment;
        let loaded = py.detach(|| {
            let mut scoring =
                ScoringModel::load(s.method, &s.head).map_err(|e| errors::one_line(&e))?;
            let embedder = steps::scoring_encoder(&scoring, &config.model, &resolve_options())
                .map_err(|e| errors::one_line(&e))?;
            if let Some(e) = &embedder {
                scoring.prepare(e).map_err(|e| errors::one_line(&e))?;
            }
            Ok::<_, String>((scoring, embedder))
        });
        let (scoring, embedder) = loaded.map_err(errors::message)?;
        Ok(Sentiment {
            scoring,
            embedder,
            min_mentions: s.min_mentions,
            pool,
        })
    }

    /// Every mention of an actor in `texts`, with its attitude (`score` in [-1, 1], `label`,
    /// `probs`); `span`, `chars` and `sentence` are spans in the text. `actors`: None discovers them (named at least `min_mentions` times, plus the
    /// built-in countries); a path reads an actor file; a list gives names or dicts.
    #[pyo3(signature = (texts, actors=None))]
    fn score<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        actors: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let texts = args::texts(texts, "texts")?;
        let set = actor_set(py, actors)?;
        let mentions = py.detach(|| in_pool(self.pool.as_ref(), || self.mentions(texts, set)));
        json::to_py(py, &mentions.map_err(errors::message)?)
    }

    /// The scoring method's name and its head, if any.
    #[getter]
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let head = self.scoring.head_summary();
        let value = serde_json::json!({
            "method": self.scoring.method().as_str(),
            "head": head,
            "min_mentions": self.min_mentions,
        });
        json::to_py(py, &value)
    }
}

impl Sentiment {
    /// The scored mentions as JSON values, each with the index of its text.
    fn mentions(&self, texts: Vec<String>, set: Option<ActorSet>) -> Result<Vec<Value>, String> {
        let corpus = corpus_of(texts);
        let mentions = match set {
            None => actors_and_mentions(&corpus, None, self.min_mentions).1,
            Some(set) => {
                let names: Vec<String> = set.actors.iter().map(|a| a.name.clone()).collect();
                find_mentions(&corpus, &MentionMatcher::new(&set), &names)
            }
        };
        let scorer = self
            .scoring
            .scorer(self.embedder.as_ref())
            .map_err(|e| errors::one_line(&e))?;
        let scored = steps::score(&corpus, mentions, scorer.as_ref(), None, &mut Silent)
            .map_err(|e| errors::one_line(&e))?;
        scored.iter().map(|m| in_text(&corpus, m)).collect()
    }
}
