//! `themescope sentiment`: the attitude each text takes toward the actors it names — a per-actor
//! table on stdout and the full result (every mention, per paragraph, document and corpus) as
//! JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{ArgMatches, Args};
use themescope::actors::read_actor_file;
use themescope::corpus::Corpus;
use themescope::fsutil::{check_writable, write_atomic};
use themescope::pipeline::steps;
use themescope::sentiment::aggregate::{aggregate, ActorSummary, AggregateOptions, ParagraphScore};
use themescope::sentiment::score::actors_and_mentions;
use themescope::sentiment::ScoringModel;

use super::args::{InputArgs, SentimentArgs};
use super::GlobalArgs;

/// Shown after `themescope sentiment --help`.
pub const AFTER_HELP: &str = "\
Every mention of every actor is scored on its sentence: the head gives P(positive) −
P(negative) in [-1, 1] (VADER its compound score). Scores are averaged per paragraph, document
and corpus; actors with fewer than --min-mentions mentions are listed but not ranked.

Without --actors, actors are discovered as `themescope actors` does (people and organisations
from proper nouns, plus the built-in countries).

Examples:
  themescope sentiment ../shared/seeds
  themescope actors ../shared/seeds > actors.toml   # edit, then:
  themescope sentiment ../shared/seeds --actors actors.toml --out sentiment.json
  themescope sentiment ../shared/seeds --method vader";

#[derive(Debug, Args)]
pub struct SentimentCmdArgs {
    /// Files, folders, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Write the full result (actors, per paragraph/document/theme statistics, every mention) as
    /// JSON. Written atomically.
    #[arg(
        long,
        short,
        env = "THEMESCOPE_SENTIMENT_OUT",
        value_name = "FILE.json"
    )]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub sentiment: SentimentArgs,

    /// Seed for the bootstrap intervals.
    #[arg(long, env = "THEMESCOPE_SENTIMENT_SEED", default_value_t = 42)]
    pub seed: u64,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &GlobalArgs, args: &SentimentCmdArgs, matches: &ArgMatches) -> Result<ExitCode> {
    // `--seed` here seeds the bootstrap, not the themes.
    let config = super::settings::resolve(matches, None, &["seed"])?;
    let settings = &config.sentiment;
    if let Some(out) = &args.out {
        check_writable(out).with_context(|| format!("cannot write {}", out.display()))?;
    }
    // Cheap checks first: a bad actor file or head fails before the corpus and model load.
    let file = settings
        .actors
        .as_deref()
        .map(read_actor_file)
        .transpose()?;
    let scoring = ScoringModel::load(settings.method, &settings.head)?;
    let corpus = Corpus::read(&args.inputs, &config.input.read_options())?;
    let (actors, mentions) = actors_and_mentions(&corpus, file.as_ref(), settings.min_mentions);
    global.info(format!(
        "{} documents, {} paragraphs: {} mentions of {} actors",
        corpus.documents.len(),
        corpus.paragraph_count(),
        mentions.len(),
        mentions
            .iter()
            .map(|m| m.actor)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    ));

    let started = Instant::now();
    let embedder = steps::scoring_encoder(&scoring, &config.model, &global.resolve_options())?;
    let scorer = scoring.scorer(embedder.as_ref())?;
    let mut progress = global.progress();
    let cache = match scorer.cache_identity() {
        Some(_) => steps::open_cache(&config.model, &mut progress),
        None => None,
    };
    let scored = steps::score(
        &corpus,
        mentions,
        scorer.as_ref(),
        cache.as_ref(),
        &mut progress,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    global.info(format!(
        "scored {} mentions in {seconds:.1} s ({:.1} mentions/s)",
        scored.len(),
        scored.len() as f64 / seconds.max(1e-9)
    ));
    let opts = AggregateOptions {
        min_mentions: settings.min_mentions,
        seed: args.seed,
        ..AggregateOptions::default()
    };
    let attitudes = steps::attitudes(scorer.as_ref(), &corpus, &scored, &mut progress);
    let summaries = aggregate(&actors, &scored, None, attitudes.as_ref(), &opts);

    let result = serde_json::json!({
        "method": settings.method,
        "head": scoring.head_summary().map(|h| serde_json::json!({
            "name": h.name,
            "encoder": h.encoder,
            "recipe": h.recipe,
        })),
        "min_mentions": settings.min_mentions,
        "seed": args.seed,
        "documents": corpus.documents.len(),
        "paragraphs": corpus.paragraph_count(),
        "actors": summaries,
        "mentions": scored,
    });
    if let Some(out) = &args.out {
        let bytes = serde_json::to_vec_pretty(&result)?;
        write_atomic(out, |f| f.write_all(&bytes))
            .with_context(|| format!("cannot write {}", out.display()))?;
        global.info(format!("wrote {}", out.display()));
    }
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", serde_json::to_string(&result["actors"])?)?;
    } else {
        write!(stdout, "{}", table(&summaries))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn where_(p: &Option<ParagraphScore>) -> String {
    p.as_ref().map_or_else(String::new, |p| {
        format!("{}#{} ({:+.2})", p.doc_id, p.paragraph, p.mean)
    })
}

/// The paragraphs that name the actor by learned attitude, "-" without them.
fn paragraph_attitudes(r: &ActorSummary) -> String {
    let mut counts = [0usize; 3];
    for a in r.paragraphs.iter().filter_map(|p| p.attitude.as_ref()) {
        counts[a.label.index()] += 1;
    }
    if counts.iter().sum::<usize>() == 0 {
        return "-".into();
    }
    format!("{}/{}/{}", counts[0], counts[1], counts[2])
}

/// The per-actor table: rank, actor, kind, mentions, mean, spread, counts, extreme paragraphs.
fn table(rows: &[ActorSummary]) -> String {
    let name_w = rows
        .iter()
        .map(|r| r.actor.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 32);
    let mut out = format!(
        "{:>4}  {:<name_w$}  {:<12}  {:>8}  {:>6}  {:>5}  {:>15}  {:>11}  {:>13}  {}  |  {}\n",
        "rank",
        "actor",
        "kind",
        "mentions",
        "mean",
        "sd",
        "95% interval",
        "neg/neu/pos",
        "¶ neg/neu/pos",
        "most negative ¶",
        "most positive ¶",
    );
    for r in rows {
        let s = &r.overall;
        let name: String = r.actor.chars().take(name_w).collect();
        let ci = s
            .ci95
            .map_or_else(String::new, |[lo, hi]| format!("[{lo:+.2}, {hi:+.2}]"));
        out.push_str(&format!(
            "{:>4}  {:<name_w$}  {:<12}  {:>8}  {:>+6.2}  {:>5.2}  {:>15}  {:>11}  {:>13}  {}  |  {}\n",
            r.rank.map_or_else(|| "-".to_string(), |k| k.to_string()),
            name,
            r.kind.as_str(),
            s.mentions,
            s.mean,
            s.std,
            ci,
            format!("{}/{}/{}", s.negative, s.neutral, s.positive),
            paragraph_attitudes(r),
            where_(&r.most_negative),
            where_(&r.most_positive),
        ));
    }
    out
}
