//! `themescope run`: the whole job, from a folder of articles to a report — read, embed, find
//! themes, find and score actor mentions, write the report files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use serde_json::json;
use themescope::actors::read_actor_file;
use themescope::corpus::{Corpus, ReadOptions, Unit};
use themescope::embed::{DeviceChoice, Precision};
use themescope::fsutil::write_atomic;
use themescope::report::{self, ReportInputs, SentimentRef};
use themescope::sentiment::aggregate::{aggregate, AggregateOptions};
use themescope::sentiment::eval::HeadScorer;
use themescope::sentiment::vader::Vader;
use themescope::sentiment::{Head, Method, Scorer, DEFAULT_HEAD};
use themescope::themes::{self, Algo, Outliers, Reduce, K};

use super::common::{embed_units, score_mentions_cached};
use super::config::RunConfig;
use super::sentiment::actors_and_mentions;
use super::themes::{phrase_vectors, ThemeOptions};
use super::GlobalArgs;

/// Exit status when `--strict` is given and input files were skipped.
pub const EXIT_SKIPPED: u8 = 3;

/// Shown after `themescope run --help`.
pub const AFTER_HELP: &str = "\
Writes, in DIR (each file complete or not at all):
  report.html         the report: charts (paragraph map, theme sizes, actor × theme attitude
                      heatmap, document theme mix, actor attitudes) and each theme's key phrases
                      and representative paragraphs; one self-contained file
  report.md           the same as Markdown tables
  report.json         everything in the report (schema in the README)
  paragraphs.parquet  one row per paragraph: text, theme, actor mentions with scores, embedding
  run.json            version, model and its file hashes, every parameter, input file hashes,
                      stage times and peak memory

Files that cannot be read (binary, not UTF-8, empty, unreadable) are skipped, listed on stderr
and in the report. Exit status: 0 done; 1 error; 2 bad arguments; 3 files were skipped and
--strict was given (the report is still written).

Options can also come from a config file (`themescope config init` writes one); flags and
THEMESCOPE_* environment variables override it.

Examples:
  themescope run examples/corpus --out report
  themescope run ../shared/seeds --out R --k 6 --actors actors.toml
  themescope config init && themescope run articles/ --out R --config themescope.toml";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files, folders, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Folder to write the report files into (created when missing).
    #[arg(long, short, env = "THEMESCOPE_OUT_DIR", value_name = "DIR")]
    pub out: PathBuf,

    /// Configuration file (TOML, as `themescope config init` writes).
    #[arg(long, env = "THEMESCOPE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Exit with status 3 when any input file was skipped (the report is still written).
    #[arg(long, env = "THEMESCOPE_STRICT")]
    pub strict: bool,

    /// Title of the report [default: "Themes and actors in" and the input names].
    #[arg(long, env = "THEMESCOPE_TITLE")]
    pub title: Option<String>,

    #[command(flatten)]
    pub themes: ThemeOptions,

    /// Actor file (TOML, as `themescope actors` writes); without it actors are discovered.
    #[arg(long, env = "THEMESCOPE_ACTORS", value_name = "FILE")]
    pub actors: Option<PathBuf>,

    /// head: the trained head over the encoder's features; vader: the VADER lexicon baseline.
    #[arg(long, env = "THEMESCOPE_METHOD", value_enum, default_value_t = Method::Head)]
    pub method: Method,

    /// The sentiment head: a built-in name or the path of a .safetensors head.
    #[arg(long, env = "THEMESCOPE_HEAD", default_value = DEFAULT_HEAD, value_name = "NAME|PATH")]
    pub head: String,

    /// Actors with fewer mentions are listed but not ranked (and not discovered).
    #[arg(long, env = "THEMESCOPE_MIN_MENTIONS", default_value_t = 3)]
    pub min_mentions: usize,

    /// Field (jsonl) or column (csv) that holds the text.
    #[arg(long, env = "THEMESCOPE_TEXT_FIELD", default_value = "text")]
    pub text_field: String,

    /// Keep boilerplate paragraphs (copyright lines, photo credits, "Follow the topics" footers).
    #[arg(long, env = "THEMESCOPE_KEEP_BOILERPLATE")]
    pub keep_boilerplate: bool,
}

/// The options in effect: flags and environment over the config file over defaults.
struct Settings {
    global: GlobalArgs,
    themes: ThemeOptions,
    actors: Option<PathBuf>,
    method: Method,
    head: String,
    min_mentions: usize,
    text_field: String,
    keep_boilerplate: bool,
    title: Option<String>,
}

fn settings(global: &GlobalArgs, args: &RunArgs, m: &ArgMatches) -> Result<Settings> {
    let cfg = match &args.config {
        Some(path) => RunConfig::load(path)?,
        None => RunConfig::default(),
    };
    let explicit = |id: &str| {
        matches!(
            m.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    };
    let mut s = Settings {
        global: global.clone(),
        themes: args.themes.clone(),
        actors: args.actors.clone(),
        method: args.method,
        head: args.head.clone(),
        min_mentions: args.min_mentions,
        text_field: args.text_field.clone(),
        keep_boilerplate: args.keep_boilerplate,
        title: args.title.clone(),
    };
    macro_rules! take {
        ($target:expr, $id:literal, $value:expr) => {
            if !explicit($id) {
                if let Some(v) = $value {
                    $target = v;
                }
            }
        };
    }
    take!(
        s.global.model,
        "model",
        cfg.get_text("model", "name").map(Some)
    );
    take!(
        s.global.device,
        "device",
        cfg.get_enum::<DeviceChoice>("model", "device")?
    );
    take!(
        s.global.dtype,
        "dtype",
        cfg.get_enum::<Precision>("model", "dtype")?
    );
    take!(
        s.global.batch_size,
        "batch_size",
        cfg.get::<u32>("model", "batch_size")?
    );
    take!(
        s.global.threads,
        "threads",
        cfg.get::<u32>("model", "threads")?
            .map(|n| (n > 0).then_some(n))
    );
    take!(
        s.global.cache,
        "cache",
        cfg.get_text("model", "cache").map(|p| Some(p.into()))
    );
    take!(
        s.global.no_cache,
        "no_cache",
        cfg.get::<bool>("model", "no_cache")?
    );
    take!(
        s.text_field,
        "text_field",
        cfg.get_text("input", "text_field")
    );
    take!(
        s.keep_boilerplate,
        "keep_boilerplate",
        cfg.get::<bool>("input", "keep_boilerplate")?
    );
    let t = &mut s.themes;
    take!(t.k, "k", cfg.get::<K>("themes", "k")?);
    take!(t.k_max, "k_max", cfg.get::<usize>("themes", "k_max")?);
    take!(t.algo, "algo", cfg.get_enum::<Algo>("themes", "algo")?);
    take!(t.seed, "seed", cfg.get::<u64>("themes", "seed")?);
    take!(
        t.min_size,
        "min_size",
        cfg.get::<usize>("themes", "min_size")?
            .map(|n| (n > 0).then_some(n))
    );
    take!(t.reduce, "reduce", cfg.get::<Reduce>("themes", "reduce")?);
    take!(
        t.outliers,
        "outliers",
        cfg.get::<Outliers>("themes", "outliers")?
    );
    take!(t.ngram, "ngram", cfg.get::<u32>("themes", "ngram")?);
    take!(
        t.top_phrases,
        "top_phrases",
        cfg.get::<u32>("themes", "top_phrases")?
    );
    take!(
        t.stop_words,
        "stop_words",
        cfg.get_text("themes", "stop_words")
    );
    take!(
        t.keep_duplicates,
        "keep_duplicates",
        cfg.get::<bool>("themes", "keep_duplicates")?
    );
    take!(
        s.actors,
        "actors",
        cfg.get_text("sentiment", "actors").map(|p| Some(p.into()))
    );
    take!(
        s.method,
        "method",
        cfg.get_enum::<Method>("sentiment", "method")?
    );
    take!(s.head, "head", cfg.get_text("sentiment", "head"));
    take!(
        s.min_mentions,
        "min_mentions",
        cfg.get::<usize>("sentiment", "min_mentions")?
    );
    take!(s.title, "title", cfg.get_text("report", "title").map(Some));
    // The flags' own range checks, for values that came from the file.
    if s.global.batch_size == 0 {
        bail!("batch_size must be at least 1");
    }
    if !(1..=3).contains(&s.themes.ngram) {
        bail!("ngram must be 1, 2 or 3");
    }
    if !(1..=100).contains(&s.themes.top_phrases) {
        bail!("top_phrases must be between 1 and 100");
    }
    Ok(s)
}

/// Wall time of each stage.
#[derive(Default)]
struct Stages(Vec<(&'static str, f64)>);

impl Stages {
    fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = Instant::now();
        let out = f();
        self.0.push((name, start.elapsed().as_secs_f64()));
        out
    }
}

pub fn run(global: &GlobalArgs, args: &RunArgs, matches: &ArgMatches) -> Result<ExitCode> {
    let started = Instant::now();
    let s = settings(global, args, matches)?;
    let g = &s.global;
    if let Some(n) = g.threads {
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    // Cheap checks first: nothing heavy starts before the options are known to be good.
    let params = s.themes.params();
    let phrase_opts = s.themes.phrase_options()?;
    let actor_file = s.actors.as_deref().map(read_actor_file).transpose()?;
    let head = match s.method {
        Method::Head => Some(Head::resolve(&s.head)?),
        Method::Vader => None,
    };
    let vader = match s.method {
        Method::Vader => Some(Vader::load_default()?),
        Method::Head => None,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;

    let mut stages = Stages::default();
    let step = |n: usize, what: &str| g.info(format!("[{n}/5] {what}"));

    step(1, "reading");
    let (corpus, skipped) = stages.time("read", || {
        Ok(Corpus::read_lenient(
            &args.inputs,
            &ReadOptions {
                text_field: s.text_field.clone(),
                strip_boilerplate: !s.keep_boilerplate,
            },
        )?)
    })?;
    for k in &skipped {
        eprintln!("skipped {}: {}", k.path, k.reason);
    }
    g.info(format!(
        "read {} documents, {} paragraphs{}",
        corpus.documents.len(),
        corpus.paragraph_count(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; skipped {} files", skipped.len())
        }
    ));

    step(2, "embedding");
    let (model, embedder) = stages.time("load model", || g.load_embedder(g.model_spec(), None))?;
    if let Some(h) = &head {
        h.check_encoder(embedder.info())?;
    }
    let set = stages.time("embed", || {
        embed_units(g, &embedder, corpus.units(Unit::Paragraph), Unit::Paragraph)
    })?;
    params.validate(set.rows.len(), set.vectors.ncols())?;

    step(3, "finding themes");
    let found = stages.time("themes", || {
        let mut embed_phrases = |phrases: &[&str]| phrase_vectors(&embedder, phrases);
        Ok(themes::find_themes(
            &set,
            &params,
            &phrase_opts,
            &mut embed_phrases,
        )?)
    })?;

    step(4, "scoring actor mentions");
    let (scored, summaries) = stages.time("sentiment", || {
        let (actors, mentions) = actors_and_mentions(&corpus, actor_file.as_ref(), s.min_mentions);
        let head_scorer = head.as_ref().map(|h| HeadScorer::new(h, &embedder));
        let scorer: &dyn Scorer = match (&head_scorer, &vader) {
            (Some(h), _) => h,
            (None, Some(v)) => v,
            (None, None) => bail!("no sentiment method"),
        };
        let scored = score_mentions_cached(g, &corpus, mentions, scorer)?;
        // Per-paragraph themes, copies of near-duplicate documents left out.
        let themes_by_row: Vec<Option<usize>> = found
            .assignments
            .iter()
            .map(|a| if a.duplicate { None } else { a.theme })
            .collect();
        let summaries = aggregate(
            &actors,
            &scored,
            Some(&themes_by_row),
            &AggregateOptions {
                min_mentions: s.min_mentions,
                seed: params.seed,
                ..AggregateOptions::default()
            },
        );
        Ok((scored, summaries))
    })?;

    step(5, "writing the report");
    let title = s
        .title
        .clone()
        .unwrap_or_else(|| default_title(&args.inputs));
    let report = report::build(&ReportInputs {
        title,
        corpus: &corpus,
        skipped: &skipped,
        set: &set,
        themes: &found,
        mentions: &scored,
        summaries: &summaries,
        sentiment: SentimentRef {
            method: method_name(s.method).to_string(),
            head: head.as_ref().map(|h| h.source.clone()),
            min_mentions: s.min_mentions,
        },
    });
    let out = &args.out;
    stages.time("report", || {
        write_file(&out.join("report.json"), &report.to_json())?;
        write_file(
            &out.join("report.md"),
            report::markdown::render(&report).as_bytes(),
        )?;
        write_file(
            &out.join("report.html"),
            report::html::render(&report).as_bytes(),
        )?;
        report::paragraphs::write(&out.join("paragraphs.parquet"), &set, &found, &scored)
            .with_context(|| {
                format!("cannot write {}", out.join("paragraphs.parquet").display())
            })?;
        Ok(())
    })?;

    let exit = if args.strict && !skipped.is_empty() {
        EXIT_SKIPPED
    } else {
        0
    };
    let manifest = json!({
        "schema": "themescope.run/1",
        "themescope_version": env!("CARGO_PKG_VERSION"),
        "command": std::env::args().collect::<Vec<_>>(),
        "config": args.config.as_ref().map(|p| p.display().to_string()),
        "model": {
            "id": model.id,
            "revision": model.revision,
            "source": model.source.to_string(),
            "dir": model.dir.display().to_string(),
            "files": model_files(&model.dir),
            "device": embedder.info().device,
            "dtype": format!("{:?}", g.dtype).to_lowercase(),
            "batch_size": g.batch_size,
            "threads": g.threads,
        },
        "sentiment": {
            "method": method_name(s.method),
            "head": head.as_ref().map(|h| json!({
                "name": h.source,
                "encoder": h.meta.encoder_id,
                "encoder_revision": h.meta.encoder_revision,
                "recipe": h.meta.recipe.name(),
                "training_sha256": h.meta.training_sha256,
            })),
            "actors_file": s.actors.as_ref().map(|p| p.display().to_string()),
            "min_mentions": s.min_mentions,
        },
        "themes": {
            "params": params,
            "phrases": s.themes.phrase_record(),
        },
        "input": {
            "text_field": s.text_field,
            "keep_boilerplate": s.keep_boilerplate,
        },
        "seed": params.seed,
        "inputs": input_files(&corpus),
        "skipped": skipped,
        "outputs": ["report.html", "report.md", "report.json", "paragraphs.parquet", "run.json"],
        "stages": stages.0.iter().map(|(n, t)| json!({"stage": n, "seconds": (t * 1000.0).round() / 1000.0})).collect::<Vec<_>>(),
        "total_seconds": (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        "peak_rss_bytes": peak_rss_bytes(),
        "exit_code": exit,
    });
    let mut bytes = serde_json::to_vec_pretty(&manifest)?;
    bytes.push(b'\n');
    write_file(&out.join("run.json"), &bytes)?;
    g.info(format!(
        "wrote {}/report.html (and report.md, report.json, paragraphs.parquet, run.json)",
        out.display()
    ));

    let mut stdout = std::io::stdout().lock();
    if g.json {
        let summary = json!({
            "out": out.display().to_string(),
            "themes": report.themes.iter().map(|t| json!({"id": t.id, "label": t.label, "size": t.size})).collect::<Vec<_>>(),
            "actors": report.actors.iter().filter(|a| a.rank.is_some()).map(|a| json!({"actor": a.name, "mentions": a.mentions, "mean": a.mean})).collect::<Vec<_>>(),
            "skipped": report.corpus.skipped,
        });
        writeln!(stdout, "{summary}")?;
    } else {
        stdout.write_all(summary(&report).as_bytes())?;
    }
    if exit != 0 {
        eprintln!(
            "error: {} input file(s) skipped and --strict given (exit status {EXIT_SKIPPED})",
            skipped.len()
        );
    }
    Ok(ExitCode::from(exit))
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Head => "head",
        Method::Vader => "vader",
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |f| f.write_all(bytes))
        .with_context(|| format!("cannot write {}", path.display()))
}

fn default_title(inputs: &[PathBuf]) -> String {
    let names: Vec<String> = inputs
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

/// The short summary on stdout: themes with sizes, ranked actors with their mean attitude.
fn summary(r: &report::Report) -> String {
    let mut out = format!(
        "{} themes over {} paragraphs of {} documents; outliers {} ({:.1}%)\n",
        r.themes.len(),
        r.corpus.paragraphs,
        r.corpus.documents,
        r.outliers.count,
        r.outliers.share * 100.0
    );
    for t in &r.themes {
        out.push_str(&format!(
            "  #{} {}  ({} paragraphs)\n",
            t.id, t.label, t.size
        ));
    }
    let ranked: Vec<_> = r.actors.iter().filter(|a| a.rank.is_some()).collect();
    if !ranked.is_empty() {
        out.push_str("actors (mean attitude, −1 negative … +1 positive):\n");
        for a in ranked {
            out.push_str(&format!(
                "  {:<28} {:+.2}  ({} mentions)\n",
                a.name, a.mean, a.mentions
            ));
        }
    }
    if !r.corpus.skipped.is_empty() {
        out.push_str(&format!(
            "skipped {} input files (listed in the report)\n",
            r.corpus.skipped.len()
        ));
    }
    out
}

/// Size and sha256 of a file, streamed (the model's weights are not read into memory whole).
fn sha256_file(path: &Path) -> Option<(u64, String)> {
    let size = std::fs::metadata(path).ok()?.len();
    let hash = themescope::model::manifest::sha256_file(path).ok()?;
    Some((size, hash))
}

/// Every file of the model folder with its size and sha256.
fn model_files(dir: &Path) -> Vec<serde_json::Value> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Some((size, hash)) = sha256_file(&p) {
                let name = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
                files.push((name, size, hash));
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|(name, bytes, sha256)| json!({"file": name, "bytes": bytes, "sha256": sha256}))
        .collect()
}

/// Each input file read, once, with its size and sha256.
fn input_files(corpus: &Corpus) -> Vec<serde_json::Value> {
    let mut seen = std::collections::BTreeSet::new();
    corpus
        .documents
        .iter()
        .filter(|d| seen.insert(d.source.clone()))
        .map(|d| {
            let (bytes, sha256) = sha256_file(Path::new(&d.source)).unzip();
            json!({"path": d.source, "bytes": bytes, "sha256": sha256})
        })
        .collect()
}

/// Peak resident memory of this process (Linux), in bytes.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::{CommandFactory, FromArgMatches};

    fn settings_for(argv: &[&str]) -> Settings {
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let Command::Run(args) = &cli.command else {
            panic!("not run")
        };
        settings(
            &cli.global,
            args,
            matches.subcommand_matches("run").unwrap(),
        )
        .unwrap()
    }

    fn describe(s: &Settings) -> String {
        // No model named and the default model named are the same setting.
        let mut global = s.global.clone();
        global.model = Some(global.model_spec().to_string());
        format!(
            "{:?} {:?} {:?} {:?} {} {} {} {} {:?}",
            global,
            s.themes,
            s.actors,
            s.method,
            s.head,
            s.min_mentions,
            s.text_field,
            s.keep_boilerplate,
            s.title
        )
    }

    #[test]
    fn the_default_config_changes_nothing_and_flags_beat_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("themescope.toml");
        std::fs::write(&path, super::super::config::DEFAULT_CONFIG).unwrap();
        let p = path.to_str().unwrap();
        let plain = settings_for(&["themescope", "run", "in", "--out", "R"]);
        let with_file = settings_for(&["themescope", "run", "in", "--out", "R", "--config", p]);
        assert_eq!(describe(&plain), describe(&with_file));

        std::fs::write(
            &path,
            "[themes]\nk = 7\nseed = 9\n[model]\nbatch_size = 8\n",
        )
        .unwrap();
        let s = settings_for(&[
            "themescope",
            "run",
            "in",
            "--out",
            "R",
            "--config",
            p,
            "--seed",
            "5",
        ]);
        assert_eq!(s.themes.k, K::Fixed(7));
        assert_eq!(s.themes.seed, 5);
        assert_eq!(s.global.batch_size, 8);
    }
}
