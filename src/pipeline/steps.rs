//! The steps a run is made of, each usable alone (the `embed`, `themes` and `sentiment` commands
//! run some of them): each takes its settings and reports through [`Events`].

use crate::cache::{embed_units, with_causes, EmbeddingCache, LongRows};
use crate::config::ModelSettings;
use crate::corpus::{Corpus, TextUnit, Unit};
use crate::embed::windows::LongText;
use crate::embed::Embedder;
use crate::model::{self, ResolveOptions, ResolvedModel};
use crate::sentiment::attitude::{self, AttitudeModel, Attitudes, DEFAULT_ATTITUDE};
use crate::sentiment::score::{score_mentions, CorpusMention, ScoredMention};
use crate::sentiment::vader::Vader;
use crate::sentiment::{Scorer, ScoringModel};
use crate::store::EmbeddingSet;

use super::{Events, PipelineError, Task};

/// Resolves and loads the encoder the settings name; `max_length` overrides the model's.
pub fn load_encoder(
    settings: &ModelSettings,
    resolve: &ResolveOptions,
    max_length: Option<usize>,
) -> Result<(ResolvedModel, Embedder), PipelineError> {
    let model = model::resolve(settings.name_or_default(), resolve)?;
    let embedder = Embedder::load(&model, &settings.embed_options(max_length))?;
    Ok((model, embedder))
}

/// The cache folder in effect (ignoring `no_cache`).
pub fn cache_dir(settings: &ModelSettings) -> Option<std::path::PathBuf> {
    settings.cache.clone().or_else(EmbeddingCache::default_dir)
}

/// The embedding cache, unless the settings turn it off. A cache that cannot be opened (another
/// process holds it, a damaged file) is reported and skipped: the work goes on without it.
pub fn open_cache(settings: &ModelSettings, events: &mut dyn Events) -> Option<EmbeddingCache> {
    if settings.no_cache {
        return None;
    }
    match EmbeddingCache::open(&cache_dir(settings)?) {
        Ok(c) => Some(c),
        Err(e) => {
            events.warning(&format!("{}; embedding without the cache", with_causes(&e)));
            None
        }
    }
}

/// Runs `work` as a task of `total` items, telling `events` how far it got.
pub fn counted<T>(
    events: &mut dyn Events,
    task: Task,
    total: usize,
    work: impl FnOnce(&mut dyn FnMut(usize)) -> T,
) -> T {
    events.task_started(task, total);
    let out = work(&mut |n| events.task_progress(n));
    events.task_finished();
    out
}

/// The encoder a scoring method needs (the head's features), checked against the head; none
/// for a method that needs none (VADER).
pub fn scoring_encoder(
    scoring: &ScoringModel,
    settings: &ModelSettings,
    resolve: &ResolveOptions,
) -> Result<Option<Embedder>, PipelineError> {
    if !scoring.needs_encoder() {
        return Ok(None);
    }
    let (_, embedder) = load_encoder(settings, resolve, None)?;
    scoring.check_encoder(embedder.info())?;
    Ok(Some(embedder))
}

/// Embeds the rows through the cache the settings name (opened for this call).
pub fn embed_cached(
    embedder: &Embedder,
    settings: &ModelSettings,
    units: Vec<TextUnit>,
    unit: Unit,
    events: &mut dyn Events,
) -> Result<EmbeddingSet, PipelineError> {
    let cache = open_cache(settings, events);
    embed(
        embedder,
        cache.as_ref(),
        units,
        unit,
        settings.long_text,
        events,
    )
    .map(|(set, _)| set)
}

/// Embeds the rows through the cache, with progress, and says what the cache held.
pub fn embed(
    embedder: &Embedder,
    cache: Option<&EmbeddingCache>,
    units: Vec<TextUnit>,
    unit: Unit,
    long_text: LongText,
    events: &mut dyn Events,
) -> Result<(EmbeddingSet, LongRows), PipelineError> {
    let total = units.len();
    let embedded = counted(events, Task::Embedding, total, |progress| {
        embed_units(embedder, cache, units, unit, long_text, progress)
    })?;
    let used = embedded.cache;
    tell_long_rows(&embedded.long, unit, long_text, embedder, events);
    if let Some(c) = cache {
        // The cache holds texts: a row, or each window of a long row.
        let texts = used.hits + used.embedded;
        let what = match texts == total {
            true => format!("{}s", unit.as_str()),
            false => format!(
                "texts ({}, long ones as windows)",
                counted_rows(total, unit)
            ),
        };
        events.info(&format!(
            "cache: {} of {texts} {what} found, {} embedded ({})",
            used.hits,
            used.embedded,
            c.path().display()
        ));
        if let Some(why) = &used.failed {
            events.warning(&format!(
                "{why}; embedded without the cache from there on (`themescope cache clear` \
                 starts it afresh)"
            ));
        }
        if used.damaged > 0 {
            events.warning(&format!(
                "{} vectors in the embedding cache {} were damaged (checksum mismatch): they \
                 were embedded again and replaced; `themescope cache verify` checks the rest",
                used.damaged,
                c.path().display()
            ));
        }
    }
    Ok((embedded.set, embedded.long))
}

/// Says how many rows were too long for the encoder (read as windows), and how much text, if
/// any, was left out.
fn tell_long_rows(
    long: &LongRows,
    unit: Unit,
    long_text: LongText,
    embedder: &Embedder,
    events: &mut dyn Events,
) {
    if long.split > 0 && unit == Unit::Window {
        events.info(&format!(
            "{} longer than the encoder's {} tokens read whole as {} windows, each a row",
            counted_rows(long.split, unit),
            embedder.info().max_seq_length,
            long.windows
        ));
    } else if long.split > 0 {
        events.info(&format!(
            "{} longer than the encoder's {} tokens read whole as {} windows (each vector the \
             token-weighted mean of its windows')",
            counted_rows(long.split, unit),
            embedder.info().max_seq_length,
            long.windows
        ));
    }
    if long.cut > 0 {
        let why = match long_text {
            LongText::Windows => format!(
                "longer than {} windows of {} tokens",
                crate::embed::windows::MAX_WINDOWS,
                embedder.info().max_seq_length
            ),
            LongText::Truncate => format!(
                "truncated at {} tokens (--long-text windows reads them whole)",
                embedder.info().max_seq_length
            ),
        };
        events.warning(&format!(
            "{} {why}: about {} bytes at their ends not read",
            counted_rows(long.cut, unit),
            long.dropped_bytes
        ));
    }
}

/// "1 paragraph", "2 paragraphs" (what is long with `--unit window` is a paragraph).
fn counted_rows(n: usize, unit: Unit) -> String {
    let s = if n == 1 { "" } else { "s" };
    let what = match unit {
        Unit::Window => Unit::Paragraph.as_str(),
        other => other.as_str(),
    };
    format!("{n} {what}{s}")
}

/// Scores the mentions, reusing the predictions the cache holds for a scorer worth caching
/// (the trained head), and says how many it found.
pub fn score(
    corpus: &Corpus,
    mentions: Vec<CorpusMention>,
    scorer: &dyn Scorer,
    cache: Option<&EmbeddingCache>,
    events: &mut dyn Events,
) -> Result<Vec<ScoredMention>, PipelineError> {
    let cache = cache.filter(|_| scorer.cache_identity().is_some());
    let total = mentions.len();
    let (scored, used) = counted(events, Task::Mentions, total, |progress| {
        score_mentions(corpus, mentions, scorer, cache, progress)
    })?;
    if let Some(c) = cache {
        events.info(&format!(
            "cache: {} of {total} mention scores found, {} scored ({})",
            used.hits,
            used.scored,
            c.path().display()
        ));
        if let Some(why) = &used.failed {
            events.warning(&format!("{why}; scored without the cache from there on"));
        }
    }
    Ok(scored)
}

/// Each actor's attitude per paragraph and document from its scored mentions, by the built-in
/// aggregation when it was learned on this scorer's numbers. Otherwise (another head, no VADER
/// lexicon for its features) it says why and gives none: paragraphs then carry only the mean
/// score.
pub fn attitudes(
    scorer: &dyn Scorer,
    corpus: &Corpus,
    scored: &[ScoredMention],
    events: &mut dyn Events,
) -> Option<Attitudes> {
    let model = match AttitudeModel::resolve(DEFAULT_ATTITUDE) {
        Ok(m) => m,
        Err(e) => {
            events.warning(&format!("{e}; paragraph attitudes left out"));
            return None;
        }
    };
    if model.meta.mention_identity != attitude::mention_identity(scorer) {
        events.info(&format!(
            "paragraph attitudes left out: the aggregation {DEFAULT_ATTITUDE} was learned on the scores of `{}`, not of this {} (retrain it with `themescope head attitude`)",
            model.meta.mention_model,
            scorer.method().as_str()
        ));
        return None;
    }
    match Vader::load_default() {
        Ok(vader) => Some(attitude::attitudes(&model, &vader, corpus, scored)),
        Err(e) => {
            events.warning(&format!("{e}; paragraph attitudes left out"));
            None
        }
    }
}
