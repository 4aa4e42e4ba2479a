//! `themescope sentiment`: the attitude each text takes toward the actors it names — a per-actor
//! table on stdout and the full result (every mention, per paragraph, document and corpus) as
//! JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use themescope::actors::{
    discover, read_actor_file, ActorFile, ActorSet, DiscoverOptions, MentionMatcher,
};
use themescope::corpus::{Corpus, ReadOptions};
use themescope::fsutil::write_atomic;
use themescope::sentiment::aggregate::{aggregate, ActorSummary, AggregateOptions, ParagraphScore};
use themescope::sentiment::eval::HeadScorer;
use themescope::sentiment::score::{find_mentions, CorpusMention};
use themescope::sentiment::vader::Vader;
use themescope::sentiment::{Head, Method, Scorer, DEFAULT_HEAD};

use super::common::score_mentions_cached;
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
pub struct SentimentArgs {
    /// Files, folders, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Actor file (TOML, as `themescope actors` writes); without it actors are discovered.
    #[arg(long, env = "THEMESCOPE_ACTORS", value_name = "FILE")]
    pub actors: Option<PathBuf>,

    /// Write the full result (actors, per paragraph/document/theme statistics, every mention) as
    /// JSON. Written atomically.
    #[arg(
        long,
        short,
        env = "THEMESCOPE_SENTIMENT_OUT",
        value_name = "FILE.json"
    )]
    pub out: Option<PathBuf>,

    /// head: the trained head over the encoder's features; vader: the VADER lexicon baseline on
    /// the sentence around each mention.
    #[arg(long, env = "THEMESCOPE_METHOD", value_enum, default_value_t = Method::Head)]
    pub method: Method,

    /// The head: a built-in name or the path of a .safetensors head.
    #[arg(long, env = "THEMESCOPE_HEAD", default_value = DEFAULT_HEAD, value_name = "NAME|PATH")]
    pub head: String,

    /// Actors with fewer mentions are listed but not ranked (and not discovered).
    #[arg(long, env = "THEMESCOPE_MIN_MENTIONS", default_value_t = 3)]
    pub min_mentions: usize,

    /// Seed for the bootstrap intervals.
    #[arg(long, env = "THEMESCOPE_SENTIMENT_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Field (jsonl) or column (csv) that holds the text.
    #[arg(long, env = "THEMESCOPE_TEXT_FIELD", default_value = "text")]
    pub text_field: String,

    /// Keep boilerplate paragraphs (copyright lines, photo credits, "Follow the topics" footers).
    #[arg(long, env = "THEMESCOPE_KEEP_BOILERPLATE")]
    pub keep_boilerplate: bool,
}

pub fn run(global: &GlobalArgs, args: &SentimentArgs) -> Result<ExitCode> {
    // Cheap checks first: a bad actor file or head fails before the corpus and model load.
    let file = args.actors.as_deref().map(read_actor_file).transpose()?;
    let head = match args.method {
        Method::Head => Some(Head::resolve(&args.head)?),
        Method::Vader => None,
    };
    let vader = match args.method {
        Method::Vader => Some(Vader::load_default()?),
        Method::Head => None,
    };
    let corpus = Corpus::read(
        &args.inputs,
        &ReadOptions {
            text_field: args.text_field.clone(),
            strip_boilerplate: !args.keep_boilerplate,
        },
    )?;
    let (actors, mentions) = actors_and_mentions(&corpus, file.as_ref(), args.min_mentions);
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
    let embedder = match &head {
        Some(h) => {
            let (_, e) = global.load_embedder(global.model_spec(), None)?;
            h.check_encoder(e.info())?;
            Some(e)
        }
        None => None,
    };
    let head_scorer = head
        .as_ref()
        .zip(embedder.as_ref())
        .map(|(h, e)| HeadScorer::new(h, e));
    let scorer: &dyn Scorer = match (&head_scorer, &vader) {
        (Some(s), _) => s,
        (None, Some(v)) => v,
        (None, None) => anyhow::bail!("--method: choose head or vader"),
    };
    let scored = score_mentions_cached(global, &corpus, mentions, scorer)?;
    let seconds = started.elapsed().as_secs_f64();
    global.info(format!(
        "scored {} mentions in {seconds:.1} s ({:.1} mentions/s)",
        scored.len(),
        scored.len() as f64 / seconds.max(1e-9)
    ));
    let opts = AggregateOptions {
        min_mentions: args.min_mentions,
        seed: args.seed,
        ..AggregateOptions::default()
    };
    let summaries = aggregate(&actors, &scored, None, &opts);

    let result = serde_json::json!({
        "method": args.method,
        "head": head.as_ref().map(|h| serde_json::json!({
            "name": h.source,
            "encoder": h.meta.encoder_id,
            "recipe": h.meta.recipe.name(),
        })),
        "min_mentions": args.min_mentions,
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

/// The actors (from the file, else discovered with at least `min_mentions` mentions) and
/// every mention of them in the corpus; shared by `sentiment` and `run`.
pub(super) fn actors_and_mentions(
    corpus: &Corpus,
    file: Option<&ActorFile>,
    min_mentions: usize,
) -> (ActorSet, Vec<CorpusMention>) {
    let actors = match file {
        Some(f) => f.actor_set(),
        None => discover(
            corpus,
            &DiscoverOptions {
                min_mentions,
                ..DiscoverOptions::default()
            },
        )
        .actor_set(),
    };
    let matcher = MentionMatcher::new(&actors);
    let names: Vec<String> = actors.actors.iter().map(|a| a.name.clone()).collect();
    let mentions = find_mentions(corpus, &matcher, &names);
    (actors, mentions)
}

fn where_(p: &Option<ParagraphScore>) -> String {
    p.as_ref().map_or_else(String::new, |p| {
        format!("{}#{} ({:+.2})", p.doc_id, p.paragraph, p.mean)
    })
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
        "{:>4}  {:<name_w$}  {:<12}  {:>8}  {:>6}  {:>5}  {:>15}  {:>11}  {}  |  {}\n",
        "rank",
        "actor",
        "kind",
        "mentions",
        "mean",
        "sd",
        "95% interval",
        "neg/neu/pos",
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
            "{:>4}  {:<name_w$}  {:<12}  {:>8}  {:>+6.2}  {:>5.2}  {:>15}  {:>11}  {}  |  {}\n",
            r.rank.map_or_else(|| "-".to_string(), |k| k.to_string()),
            name,
            r.kind.as_str(),
            s.mentions,
            s.mean,
            s.std,
            ci,
            format!("{}/{}/{}", s.negative, s.neutral, s.positive),
            where_(&r.most_negative),
            where_(&r.most_positive),
        ));
    }
    out
}
