//! The whole job as a library call: read → embed (through the cache) → themes → actors →
//! sentiment → themes and attitudes over time and by group → report, with progress through
//! [`Events`]. The CLI's `run`, the examples and any other caller (Python, a distributed worker)
//! go through [`run`].
//!
//! ```no_run
//! use themescope::pipeline::{self, RunSpec, Silent};
//! let spec = RunSpec::new(vec!["examples/corpus".into()], "report".into());
//! let output = pipeline::run(&spec, &mut Silent)?;
//! println!("{} themes", output.report.themes.len());
//! # Ok::<(), themescope::pipeline::PipelineError>(())
//! ```
//!
//! | file | job |
//! |---|---|
//! | `mod.rs` | what a run takes ([`RunSpec`]) and gives ([`RunOutput`]), and the run itself |
//! | `steps.rs` | the steps other commands share: load the encoder, open the cache, embed, score |
//! | `output.rs` | the output folder and the files written into it |
//! | `events.rs` | the [`Events`] a run reports |
//! | `given.rs` | vectors, themes and mention scores found elsewhere ([`Given`]), used instead of embedding, fitting and scoring |

mod events;
mod given;
mod output;
pub mod steps;

use std::path::PathBuf;
use std::time::Instant;

pub use events::{Events, Silent, Stage, Task};
pub use given::{Given, GivenError, GivenScore};

use crate::actors::{read_actor_file, ActorFile};
use crate::cache::EmbeddingCache;
use crate::config::RunConfig;
use crate::corpus::{Corpus, SkippedInput, Unit};
use crate::embed::Embedder;
use crate::model::{ResolveOptions, ResolvedModel};
use crate::report::{self, Report, ReportInputs, SentimentRef};
use crate::sentiment::aggregate::{aggregate, ActorSummary, AggregateOptions};
use crate::sentiment::score::{actors_and_mentions, ScoredMention};
use crate::sentiment::{Scorer, ScoringModel};
use crate::store::EmbeddingSet;
use crate::themes::phrases::PhraseOptions;
use crate::themes::{self, ThemeResult, ValidThemeParams};
use crate::timeline::{self, DocumentAxes, Note, Timeline, TimelineInputs, TimelineOptions};

/// Exit status when `strict` is set and input files were skipped.
pub const EXIT_SKIPPED: u8 = 3;

/// Why a run failed; each variant keeps its cause.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    #[error(transparent)]
    Model(#[from] crate::model::ModelError),
    #[error(transparent)]
    Encoder(#[from] crate::embed::EmbedError),
    #[error("embedding failed")]
    Embedding(#[from] crate::cache::CachedEmbedError),
    #[error(transparent)]
    Themes(#[from] crate::themes::ThemeError),
    #[error(transparent)]
    Phrases(#[from] crate::themes::phrases::PhraseError),
    #[error(transparent)]
    Actors(#[from] crate::actors::ActorError),
    #[error("scoring failed")]
    Sentiment(#[from] crate::sentiment::SentimentError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Given(#[from] GivenError),
    /// The output folder or a file in it could not be made.
    #[error("cannot {action} {}", path.display())]
    Output {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What to run: inputs, settings, and where the files go.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Files, folders, or `-` for stdin.
    pub inputs: Vec<PathBuf>,
    /// Every setting, resolved (see [`RunConfig`]).
    pub config: RunConfig,
    /// The folder the report files are written into (created when missing, before any work).
    pub out: PathBuf,
    /// The configuration file the settings came from, for the manifest.
    pub config_file: Option<PathBuf>,
    /// Report exit status [`EXIT_SKIPPED`] when input files were skipped.
    pub strict: bool,
    /// How the run is named in the manifest (the CLI: its command line).
    pub command: Vec<String>,
    /// Where models are looked up.
    pub resolve: ResolveOptions,
    /// Vectors and themes found elsewhere (a distributed run), used instead of embedding the
    /// paragraphs and fitting themes, and mention scores instead of scoring them (without
    /// them the run scores the mentions); the model still embeds the phrases.
    pub given: Option<Given>,
}

impl RunSpec {
    /// Default settings; models resolved as the environment says (`THEMESCOPE_MODELS`, ...).
    pub fn new(inputs: Vec<PathBuf>, out: PathBuf) -> RunSpec {
        RunSpec {
            inputs,
            config: RunConfig::default(),
            out,
            config_file: None,
            strict: false,
            command: vec!["themescope::pipeline::run".into()],
            resolve: ResolveOptions::from_env(),
            given: None,
        }
    }

    /// The report's title: the one set, else "Themes and actors in" and the input names.
    pub fn title(&self) -> String {
        if let Some(t) = &self.config.report.title {
            return t.clone();
        }
        let names: Vec<String> = self
            .inputs
            .iter()
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        format!("Themes and actors in {}", names.join(", "))
    }
}

/// Everything a run found and wrote.
pub struct RunOutput {
    pub corpus: Corpus,
    /// Input files left out, with the reason.
    pub skipped: Vec<SkippedInput>,
    /// One row per paragraph, in reading order.
    pub embeddings: EmbeddingSet,
    pub themes: ThemeResult,
    pub mentions: Vec<ScoredMention>,
    pub actors: Vec<ActorSummary>,
    /// Each document's date, time bin and group.
    pub axes: DocumentAxes,
    pub report: Report,
    /// `run.json`.
    pub manifest: serde_json::Value,
    /// 0, or [`EXIT_SKIPPED`] when `strict` and files were skipped.
    pub exit_code: u8,
}

impl RunOutput {
    /// The run's short summary (what `themescope run --json` prints and Python's `run` returns):
    /// the output folder, the themes with their sizes, the ranked actors, the skipped inputs.
    pub fn summary(&self, out: &std::path::Path) -> serde_json::Value {
        let r = &self.report;
        serde_json::json!({
            "out": out.display().to_string(),
            "themes": r.themes.iter().map(|t| serde_json::json!({"id": t.id, "label": t.label, "size": t.size})).collect::<Vec<_>>(),
            "actors": r.actors.iter().filter(|a| a.rank.is_some()).map(|a| serde_json::json!({"actor": a.name, "mentions": a.mentions, "mean": a.mean})).collect::<Vec<_>>(),
            "skipped": r.corpus.skipped,
        })
    }
}

/// Wall time of each stage, reported as it ends.
struct Clock<'e> {
    events: &'e mut dyn Events,
    stages: Vec<(&'static str, f64)>,
}

impl Clock<'_> {
    fn time<T>(
        &mut self,
        stage: Stage,
        f: impl FnOnce(&mut dyn Events) -> Result<T, PipelineError>,
    ) -> Result<T, PipelineError> {
        self.events.stage_started(stage);
        let start = Instant::now();
        let out = f(&mut *self.events);
        let seconds = start.elapsed().as_secs_f64();
        self.stages.push((stage.name(), seconds));
        self.events.stage_finished(stage, seconds);
        out
    }
}

/// Runs the whole job and writes the report files into `spec.out`. Every cheap check (settings,
/// actor file, sentiment head, output folder) happens before the corpus or the model is read;
/// on failure, an output folder this run created is removed again when it is still empty.
pub fn run(spec: &RunSpec, events: &mut dyn Events) -> Result<RunOutput, PipelineError> {
    let created = output::prepare_dir(&spec.out)?;
    let result = run_in(spec, events);
    if result.is_err() && created {
        // Only succeeds on an empty folder: files written before the failure stay.
        let _ = std::fs::remove_dir(&spec.out);
    }
    result
}

/// What is loaded and checked before any heavy work: a bad stop-word file, actor file or head
/// fails here, before the corpus or the model is read.
struct Prepared {
    params: ValidThemeParams,
    phrase_opts: PhraseOptions,
    actor_file: Option<ActorFile>,
    scoring: ScoringModel,
}

impl Prepared {
    fn new(c: &RunConfig) -> Result<Prepared, PipelineError> {
        c.check("")?;
        if let Some(n) = c.model.threads {
            // candle's kernels and the tokenizer read this before their pools start.
            std::env::set_var("RAYON_NUM_THREADS", n.to_string());
        }
        let actors = c.sentiment.actors.as_deref();
        Ok(Prepared {
            params: c.themes.params().check()?,
            phrase_opts: c.themes.phrase_options()?,
            actor_file: actors.map(read_actor_file).transpose()?,
            scoring: ScoringModel::load(c.sentiment.method, &c.sentiment.head)?,
        })
    }
}

fn run_in(spec: &RunSpec, events: &mut dyn Events) -> Result<RunOutput, PipelineError> {
    let started = Instant::now();
    let c = &spec.config;
    let mut p = Prepared::new(c)?;
    let mut clock = Clock {
        events,
        stages: Vec::new(),
    };
    let (corpus, skipped) = clock.time(Stage::Read, |ev| read(spec, ev))?;
    let (model, embedder) = clock.time(Stage::LoadModel, |_| {
        let (model, embedder) = steps::load_encoder(&c.model, &spec.resolve, None)?;
        p.scoring.check_encoder(embedder.info())?;
        // The sentiment head's own copy of the encoder (adapters merged in) is model loading too.
        p.scoring.prepare(&embedder)?;
        Ok((model, embedder))
    })?;
    let cache = steps::open_cache(&c.model, clock.events);
    let (set, long_rows, given) = clock.time(Stage::Embed, |ev| {
        let units = corpus.units(Unit::Paragraph);
        if let Some(given) = &spec.given {
            let (set, themes) = given::align(given, units, embedder.info())?;
            return Ok((set, Default::default(), Some(themes)));
        }
        let long_text = c.model.long_text;
        let (set, long) = steps::embed(
            &embedder,
            cache.as_ref(),
            units,
            Unit::Paragraph,
            long_text,
            ev,
        )?;
        Ok((set, long, None))
    })?;
    if given.is_none() {
        p.params.check_data(set.rows.len(), set.vectors.ncols())?;
    }
    let found = clock.time(Stage::Themes, |_| {
        let mut embed_phrases = embedder.phrase_embedder();
        let (params, opts) = (&p.params, &p.phrase_opts);
        Ok(match &given {
            Some(g) => themes::themes_from_assignments(&set, g, params, opts, &mut embed_phrases)?,
            None => themes::find_themes(&set, params, opts, &mut embed_phrases)?,
        })
    })?;
    let (mentions, actors) = clock.time(Stage::Sentiment, |ev| {
        let scorer = p.scoring.scorer(Some(&embedder))?;
        let found = Found {
            corpus: &corpus,
            themes: &found,
        };
        let given = spec.given.as_ref().and_then(|g| g.scores.as_deref());
        sentiment(c, &p, found, scorer.as_ref(), given, cache.as_ref(), ev)
    })?;
    drop(cache);
    let axes = DocumentAxes::read(&corpus, &c.axes.fields());
    let inputs = TimelineInputs {
        corpus: &corpus,
        axes: &axes,
        themes: &found,
        mentions: &mentions,
        actors: &actors,
    };
    let timeline = over_time(c, &p, &inputs, clock.events);

    let report = report::build(&ReportInputs {
        title: spec.title(),
        corpus: &corpus,
        skipped: &skipped,
        long_rows: &long_rows,
        set: &set,
        themes: &found,
        mentions: &mentions,
        summaries: &actors,
        sentiment: sentiment_ref(c, &p.scoring),
        timeline: &timeline,
    });
    let mut output = RunOutput {
        corpus,
        skipped,
        embeddings: set,
        themes: found,
        mentions,
        actors,
        axes,
        report,
        manifest: serde_json::Value::Null,
        exit_code: 0,
    };
    clock.time(Stage::Report, |_| output::write_report(&spec.out, &output))?;
    let loaded = Loaded {
        model: &model,
        embedder: &embedder,
        scoring: &p.scoring,
    };
    record(spec, loaded, clock, started, &mut output)?;
    Ok(output)
}

/// What a run loaded, for its manifest.
struct Loaded<'a> {
    model: &'a ResolvedModel,
    embedder: &'a Embedder,
    scoring: &'a ScoringModel,
}

/// Sets the exit status and writes the manifest, `run.json`, last.
fn record(
    spec: &RunSpec,
    loaded: Loaded<'_>,
    clock: Clock<'_>,
    started: Instant,
    output: &mut RunOutput,
) -> Result<(), PipelineError> {
    output.exit_code = match spec.strict && !output.skipped.is_empty() {
        true => EXIT_SKIPPED,
        false => 0,
    };
    output.manifest = report::manifest::build(&report::manifest::ManifestInputs {
        command: &spec.command,
        config_file: spec.config_file.as_deref(),
        config: &spec.config,
        model: loaded.model,
        encoder: loaded.embedder.info(),
        head: loaded.scoring.head_summary(),
        corpus: &output.corpus,
        skipped: &output.skipped,
        stages: &clock.stages,
        total_seconds: started.elapsed().as_secs_f64(),
        exit_code: output.exit_code,
    });
    output::write_json(&spec.out.join("run.json"), &output.manifest)?;
    clock.events.info(&format!(
        "wrote {}/report.html (and report.md, report.json, paragraphs.parquet, run.json)",
        spec.out.display()
    ));
    Ok(())
}

fn sentiment_ref(c: &RunConfig, scoring: &ScoringModel) -> SentimentRef {
    SentimentRef {
        method: c.sentiment.method.as_str().to_string(),
        head: scoring.head_summary().map(|h| h.name),
        min_mentions: c.sentiment.min_mentions,
    }
}

/// What the sentiment stage reads of earlier stages.
struct Found<'a> {
    corpus: &'a Corpus,
    themes: &'a ThemeResult,
}

/// Finds the actors and their mentions, scores them and aggregates per actor and theme.
fn sentiment(
    c: &RunConfig,
    p: &Prepared,
    found: Found<'_>,
    scorer: &dyn Scorer,
    given: Option<&[GivenScore]>,
    cache: Option<&EmbeddingCache>,
    events: &mut dyn Events,
) -> Result<(Vec<ScoredMention>, Vec<ActorSummary>), PipelineError> {
    let min_mentions = c.sentiment.min_mentions;
    let (actors, mentions) = actors_and_mentions(found.corpus, p.actor_file.as_ref(), min_mentions);
    let scored = match given {
        Some(given) => given::scored(given, mentions)?,
        None => steps::score(found.corpus, mentions, scorer, cache, events)?,
    };
    let opts = AggregateOptions {
        min_mentions,
        seed: p.params.seed,
        ..AggregateOptions::default()
    };
    let themes = themes_by_row(found.themes);
    let attitudes = steps::attitudes(scorer, found.corpus, &scored, events);
    let summaries = aggregate(&actors, &scored, Some(&themes), attitudes.as_ref(), &opts);
    Ok((scored, summaries))
}

/// Themes and attitudes per time bin and group, with what the reader should know about the
/// axes (no dates, bad dates) told through `events`.
fn over_time(
    c: &RunConfig,
    p: &Prepared,
    inputs: &TimelineInputs<'_>,
    events: &mut dyn Events,
) -> Timeline {
    let started = Instant::now();
    let opts = TimelineOptions {
        smooth: c.axes.smooth_phrases,
        min_mentions: c.sentiment.min_mentions,
        seed: p.params.seed,
        ..TimelineOptions::default()
    };
    let found = timeline::build(inputs, &opts, &p.phrase_opts);
    for note in &found.notes {
        match note {
            Note::Info(line) => events.info(line),
            Note::Warning(line) => events.warning(line),
        }
    }
    if found.over_time.is_some() || found.by_group.is_some() {
        events.info(&format!(
            "themes and attitudes over time and by group in {:.2} s",
            started.elapsed().as_secs_f64()
        ));
    }
    found
}

/// Reads the corpus, skipping (and reporting) files that cannot be read.
fn read(
    spec: &RunSpec,
    events: &mut dyn Events,
) -> Result<(Corpus, Vec<SkippedInput>), PipelineError> {
    let opts = spec.config.input.read_options();
    let (corpus, skipped) = Corpus::read_lenient(&spec.inputs, &opts)?;
    for k in &skipped {
        events.warning(&format!("skipped {}: {}", k.path, k.reason));
    }
    let skipped_note = match skipped.len() {
        0 => String::new(),
        n => format!("; skipped {n} files"),
    };
    events.info(&format!(
        "read {} documents, {} paragraphs{skipped_note}",
        corpus.documents.len(),
        corpus.paragraph_count(),
    ));
    if let Some(line) = corpus.clipped_notice() {
        events.warning(&line);
    }
    if let Some(first) = corpus.boilerplate.first() {
        let dropped: usize = corpus.boilerplate.iter().map(|b| b.documents).sum();
        events.info(&format!(
            "left out {dropped} paragraphs that recur in several documents ({} distinct, e.g. \
             {:?}); --keep-boilerplate keeps them",
            corpus.boilerplate.len(),
            snippet(&first.text, 60)
        ));
    }
    Ok((corpus, skipped))
}

/// The first `max` characters of `text`, with an ellipsis when cut.
fn snippet(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Each paragraph's theme, with the copies of near-duplicate documents left out.
fn themes_by_row(found: &ThemeResult) -> Vec<Option<usize>> {
    found
        .assignments
        .iter()
        .map(|a| if a.duplicate { None } else { a.theme })
        .collect()
}
