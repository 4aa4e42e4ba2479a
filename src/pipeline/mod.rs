//! The whole job as a library call: read → embed (through the cache) → themes → actors →
//! sentiment → report, with progress through [`Events`]. The CLI's `run`, the examples and any
//! other caller (Python, a distributed worker) go through [`run`].
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

mod events;
mod output;
pub mod steps;

use std::path::PathBuf;
use std::time::Instant;

pub use events::{Events, Silent, Stage, Task};

use crate::actors::read_actor_file;
use crate::config::RunConfig;
use crate::corpus::{Corpus, SkippedInput, Unit};
use crate::model::ResolveOptions;
use crate::report::{self, Report, ReportInputs, SentimentRef};
use crate::sentiment::aggregate::{aggregate, ActorSummary, AggregateOptions};
use crate::sentiment::score::{actors_and_mentions, ScoredMention};
use crate::sentiment::ScoringModel;
use crate::store::EmbeddingSet;
use crate::themes::{self, ThemeResult};

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
    pub report: Report,
    /// `run.json`.
    pub manifest: serde_json::Value,
    /// 0, or [`EXIT_SKIPPED`] when `strict` and files were skipped.
    pub exit_code: u8,
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

fn run_in(spec: &RunSpec, events: &mut dyn Events) -> Result<RunOutput, PipelineError> {
    let started = Instant::now();
    let c = &spec.config;
    c.check("")?;
    if let Some(n) = c.model.threads {
        // candle's kernels and the tokenizer read this before their pools start.
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    let params = c.themes.params();
    let phrase_opts = c.themes.phrase_options()?;
    let actor_file = c
        .sentiment
        .actors
        .as_deref()
        .map(read_actor_file)
        .transpose()?;
    let scoring = ScoringModel::load(c.sentiment.method, &c.sentiment.head)?;

    let mut clock = Clock {
        events,
        stages: Vec::new(),
    };
    let (corpus, skipped) = clock.time(Stage::Read, |ev| read(spec, ev))?;
    let (model, embedder) = clock.time(Stage::LoadModel, |_| {
        steps::load_encoder(&c.model, &spec.resolve, None)
    })?;
    scoring.check_encoder(embedder.info())?;
    let cache = steps::open_cache(&c.model, clock.events);
    let set = clock.time(Stage::Embed, |ev| {
        let units = corpus.units(Unit::Paragraph);
        steps::embed(&embedder, cache.as_ref(), units, Unit::Paragraph, ev)
    })?;
    params.validate(set.rows.len(), set.vectors.ncols())?;

    let found = clock.time(Stage::Themes, |_| {
        let mut embed_phrases = embedder.phrase_embedder();
        Ok(themes::find_themes(
            &set,
            &params,
            &phrase_opts,
            &mut embed_phrases,
        )?)
    })?;

    let (scored, summaries) = clock.time(Stage::Sentiment, |ev| {
        let (actors, mentions) =
            actors_and_mentions(&corpus, actor_file.as_ref(), c.sentiment.min_mentions);
        let scorer = scoring.scorer(Some(&embedder))?;
        let scored = steps::score(&corpus, mentions, scorer.as_ref(), cache.as_ref(), ev)?;
        let themes_by_row = themes_by_row(&found);
        let opts = AggregateOptions {
            min_mentions: c.sentiment.min_mentions,
            seed: params.seed,
            ..AggregateOptions::default()
        };
        let summaries = aggregate(&actors, &scored, Some(&themes_by_row), &opts);
        Ok((scored, summaries))
    })?;
    drop(cache);

    clock.events.stage_started(Stage::Report);
    let report = report::build(&ReportInputs {
        title: spec.title(),
        corpus: &corpus,
        skipped: &skipped,
        set: &set,
        themes: &found,
        mentions: &scored,
        summaries: &summaries,
        sentiment: SentimentRef {
            method: c.sentiment.method.as_str().to_string(),
            head: scoring.head().map(|h| h.source.clone()),
            min_mentions: c.sentiment.min_mentions,
        },
    });
    let write_started = Instant::now();
    output::write_report(&spec.out, &report, &set, &found, &scored)?;
    let seconds = write_started.elapsed().as_secs_f64();
    clock.stages.push((Stage::Report.name(), seconds));
    clock.events.stage_finished(Stage::Report, seconds);

    let exit_code = if spec.strict && !skipped.is_empty() {
        EXIT_SKIPPED
    } else {
        0
    };
    let manifest = report::manifest::build(&report::manifest::ManifestInputs {
        command: &spec.command,
        config_file: spec.config_file.as_deref(),
        config: c,
        model: &model,
        encoder: embedder.info(),
        head: scoring.head(),
        corpus: &corpus,
        skipped: &skipped,
        stages: &clock.stages,
        total_seconds: started.elapsed().as_secs_f64(),
        exit_code,
    });
    output::write_json(&spec.out.join("run.json"), &manifest)?;
    clock.events.info(&format!(
        "wrote {}/report.html (and report.md, report.json, paragraphs.parquet, run.json)",
        spec.out.display()
    ));
    Ok(RunOutput {
        corpus,
        skipped,
        embeddings: set,
        themes: found,
        mentions: scored,
        actors: summaries,
        report,
        manifest,
        exit_code,
    })
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
    Ok((corpus, skipped))
}

/// Each paragraph's theme, with the copies of near-duplicate documents left out.
fn themes_by_row(found: &ThemeResult) -> Vec<Option<usize>> {
    found
        .assignments
        .iter()
        .map(|a| if a.duplicate { None } else { a.theme })
        .collect()
}
