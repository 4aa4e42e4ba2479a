//! `themescope head train|eval`: the actor-sentiment head, trained on NewsMTSC over the
//! encoder's features, and its evaluation (beside the VADER baseline) on NewsMTSC or PerSenT.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{ArgMatches, Args, Subcommand};
use themescope::config::RunConfig;
use themescope::pipeline::{steps, Events, Task};
use themescope::sentiment::features::Recipe;
use themescope::sentiment::tdmodel::network::Shape;
use themescope::sentiment::tdmodel::soup as tdsoup;
use themescope::sentiment::tdmodel::train::{self as tdtrain, TdEvent, TdTrainOptions};
use themescope::sentiment::tdmodel::{TdHead, TdScorer};
use themescope::sentiment::training::data::{self, DataFormat};
use themescope::sentiment::training::eval;
use themescope::sentiment::training::train::{self, TrainEvent, TrainOptions, Tuning};
use themescope::sentiment::{Scorer, ScoringModel};

use super::args::ScorerArgs;
use super::GlobalArgs;

/// Shown after `themescope head --help`.
pub const AFTER_HELP: &str = "\
Examples:
  themescope head eval --data ../shared/data/newsmtsc/dev-rw.jsonl --json
  themescope head eval --data ../shared/data/newsmtsc/dev-rw.jsonl --calibration
  themescope head eval --data ../shared/data/newsmtsc/dev-rw.jsonl --method vader
  themescope head eval --data ../shared/data/persent/dev.jsonl
  themescope head attitude --data ../shared/data/persent/dev.jsonl \\
      --out models/heads/persent-attitude.json --cache /tmp/themescope-features
  themescope head eval --data ../shared/data/newsmtsc/dev-rw.jsonl --head minilm-newsmtsc-lr
  themescope head train --data ../shared/data/newsmtsc/train.jsonl \\
      --dev ../shared/data/newsmtsc/dev-rw.jsonl,../shared/data/newsmtsc/dev-mt.jsonl \\
      --epochs 3 --out models/heads/my-head.safetensors --cache /tmp/td-cache
  themescope head soup seed42.safetensors seed7.safetensors --out soup.safetensors \\
      --dev ../shared/data/newsmtsc/dev-rw.jsonl,../shared/data/newsmtsc/dev-mt.jsonl";

#[derive(Debug, Subcommand)]
pub enum HeadCommand {
    /// Train a head on NewsMTSC targets and write it as a small .safetensors file.
    Train(TrainArgs),
    /// Score a head (or VADER) on NewsMTSC targets or PerSenT paragraphs.
    Eval(EvalArgs),
    /// Learn how mention scores become a paragraph's attitude, on PerSenT paragraphs
    /// (cross-validated by document), and write it as a small JSON file.
    Attitude(AttitudeArgs),
    /// Average td heads trained by one recipe with different seeds into one head (a model
    /// soup): it scores at the same cost as one, and varies less with the seed.
    Soup(SoupArgs),
}

#[derive(Debug, Args)]
pub struct SoupArgs {
    /// Head files (.safetensors) made by `head train --kind td` with the same settings and data
    /// and different --seed.
    #[arg(required = true, num_args = 2.., value_name = "HEAD")]
    pub heads: Vec<PathBuf>,

    /// Where to write the soup (.safetensors). Written atomically.
    #[arg(long, short, env = "THEMESCOPE_SOUP_OUT", value_name = "FILE")]
    pub out: PathBuf,

    /// Rank of the soup's adapters: the heads' adapters are stacked (their ranks added up, the
    /// exact mean) and cut back to this rank by the truncated SVD of their mean [default: the
    /// heads' own rank, so the file keeps their size].
    #[arg(long, env = "THEMESCOPE_SOUP_RANK")]
    pub rank: Option<usize>,

    /// Dev files (NewsMTSC), comma-separated: the soup is scored on them and the scores stored
    /// in its metadata.
    #[arg(
        long,
        env = "THEMESCOPE_SOUP_DEV",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub dev: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AttitudeArgs {
    /// PerSenT .jsonl: paragraphs labelled with the attitude toward their target.
    #[arg(long, env = "THEMESCOPE_ATTITUDE_DATA", value_name = "FILE")]
    pub data: PathBuf,

    /// The mention model whose scores are pooled.
    #[command(flatten)]
    pub scorer: ScorerArgs,

    /// Where to write the aggregation (.json). Written atomically.
    #[arg(long, short, env = "THEMESCOPE_ATTITUDE_OUT", value_name = "FILE")]
    pub out: PathBuf,

    /// Seed of the folds: the same seed gives the same file bytes.
    #[arg(long, env = "THEMESCOPE_HEAD_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Folds, grouped by document.
    #[arg(long, env = "THEMESCOPE_HEAD_FOLDS", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(2..=50))]
    pub folds: u32,

    /// Regularisation values to try (scikit-learn's C, comma-separated).
    #[arg(
        long = "c",
        env = "THEMESCOPE_ATTITUDE_C",
        value_delimiter = ',',
        default_value = "0.001,0.003,0.01,0.03,0.1"
    )]
    pub c: Vec<f64>,

    /// Thresholds of the unanimity rule to try (a paragraph whose every mention has
    /// p(negative), or p(positive), at least this takes that class; comma-separated, each in
    /// (0.5, 1]; `none`: no rule).
    #[arg(
        long,
        env = "THEMESCOPE_ATTITUDE_UNANIMITY",
        value_delimiter = ',',
        default_value = "0.8,0.9,0.95,0.99",
        value_parser = parse_unanimity
    )]
    pub unanimity: Vec<Option<f64>>,

    /// Folder that keeps the mention scores between runs (scoring them is the slow part).
    #[arg(long, env = "THEMESCOPE_HEAD_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,

    /// Also write each paragraph's features as CSV (line of the data file, document group,
    /// gold label, then the features in the model's column order), for analysis elsewhere.
    #[arg(long, value_name = "FILE")]
    pub features_out: Option<PathBuf>,
}

/// One threshold of `--unanimity`: a number in (0.5, 1], or `none`.
fn parse_unanimity(text: &str) -> Result<Option<f64>, String> {
    if text == "none" {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(t) if t > 0.5 && t <= 1.0 => Ok(Some(t)),
        _ => Err(format!(
            "`{text}` is no threshold: give numbers in (0.5, 1] or `none`"
        )),
    }
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training data: NewsMTSC .jsonl (one sentence per line with its targets).
    #[arg(long, env = "THEMESCOPE_HEAD_DATA", value_name = "FILE")]
    pub data: PathBuf,

    /// Dev files (NewsMTSC), comma-separated: scored after training and stored in the head's
    /// metadata; the first one tunes C with --tune dev.
    #[arg(
        long,
        env = "THEMESCOPE_HEAD_DEV",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub dev: Vec<PathBuf>,

    /// Where to write the head (.safetensors). Written atomically.
    #[arg(long, short, env = "THEMESCOPE_HEAD_OUT", value_name = "FILE")]
    pub out: PathBuf,

    /// Seed for the cross-validation folds and --limit's sample: the same seed gives the same
    /// head bytes.
    #[arg(long, env = "THEMESCOPE_HEAD_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Regularisation values to try (scikit-learn's C, comma-separated); the best by F1m wins.
    #[arg(
        long = "c",
        env = "THEMESCOPE_HEAD_C",
        value_delimiter = ',',
        default_value = "0.0003,0.001,0.003,0.01,0.03"
    )]
    pub c: Vec<f64>,

    /// How C is chosen: cross-validation on the training data, or F1m on the first --dev file.
    #[arg(long, env = "THEMESCOPE_HEAD_TUNE", value_enum, default_value_t = TuneArg::Cv)]
    pub tune: TuneArg,

    /// Folds for --tune cv.
    #[arg(long, env = "THEMESCOPE_HEAD_FOLDS", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(2..=50))]
    pub folds: u32,

    /// Feature blocks, `+`-separated, from: sentence, span, marked, marked_span, replaced,
    /// replaced_span.
    #[arg(
        long,
        env = "THEMESCOPE_HEAD_RECIPE",
        default_value = "sentence+span+marked+marked_span+replaced+replaced_span"
    )]
    pub recipe: String,

    /// Train on this many targets drawn with --seed (a quick run) instead of all.
    #[arg(long, env = "THEMESCOPE_HEAD_LIMIT")]
    pub limit: Option<usize>,

    /// Folder that keeps computed features between runs (computing them is the slow part).
    #[arg(long, env = "THEMESCOPE_HEAD_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,

    /// What to train: td (the target-dependent model: adapters on the encoder's top layers and
    /// a head over the target's own tokens; the default head) or lr (logistic regression on
    /// frozen sentence and span features).
    #[arg(long, env = "THEMESCOPE_HEAD_KIND", value_enum, default_value_t = KindArg::Td)]
    pub kind: KindArg,

    /// td: passes over the training data.
    #[arg(long, env = "THEMESCOPE_HEAD_EPOCHS", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub epochs: u32,

    /// td: how many of the encoder's top layers get adapters (0: a head on frozen states). The
    /// default head has them on all six of all-MiniLM-L6-v2's layers; 2 trains in about a third
    /// of the time and scored 0.790 on NewsMTSC dev-rw against 0.813.
    #[arg(long, env = "THEMESCOPE_HEAD_TOP_LAYERS", default_value_t = 6)]
    pub top_layers: usize,

    /// td: the adapters' rank (0: the top layers stay frozen). The default head has 32;
    /// `models/heads/README.md` compares ranks 8, 16 and 32 and their seeds.
    #[arg(long, env = "THEMESCOPE_HEAD_RANK", default_value_t = 32)]
    pub rank: usize,

    /// td: the adapters' scale numerator (their output is scaled by alpha / rank).
    #[arg(long, env = "THEMESCOPE_HEAD_ALPHA", default_value_t = 64.0)]
    pub alpha: f64,

    /// td: rank of the context pooling's query and key projections (0: none). With a rank the
    /// head also reads a target-query attention pooling of the sentence's other tokens, from the
    /// same encoder pass.
    #[arg(long, env = "THEMESCOPE_HEAD_CONTEXT_RANK", default_value_t = 0)]
    pub context_rank: usize,

    /// td: AdamW's peak learning rate.
    #[arg(long, env = "THEMESCOPE_HEAD_LR", default_value_t = 5e-4)]
    pub lr: f64,

    /// td: the head's and the context pooling's learning rate, as a multiple of `--lr` (they
    /// start from zero or at random while the adapters start from the encoder).
    #[arg(long, env = "THEMESCOPE_HEAD_LR_SCALE", default_value_t = 1.0)]
    pub head_lr_scale: f64,

    /// td: loss weight of a target whose sentence holds a target of another label, the cases
    /// that teach the model to tell one sentence's targets apart (1: weighted as the rest).
    #[arg(long, env = "THEMESCOPE_HEAD_MIXED_WEIGHT", default_value_t = 1.0)]
    pub mixed_weight: f64,

    /// td: pairs of training sentences whose targets differ in label, joined into one example,
    /// as a share of the training sentences (0: none). More cases where only each target's own
    /// words decide its label, from one pass over the sentence.
    #[arg(
        long,
        env = "THEMESCOPE_HEAD_JOINED",
        default_value_t = 0.0,
        value_name = "SHARE"
    )]
    pub joined: f64,

    /// td: sentences per step.
    #[arg(
        long = "train-batch",
        env = "THEMESCOPE_HEAD_BATCH",
        default_value_t = 16
    )]
    pub train_batch: usize,

    /// td: dropout on the pooled features.
    #[arg(long, env = "THEMESCOPE_HEAD_DROPOUT", default_value_t = 0.1)]
    pub dropout: f64,

    /// td: checkpoint written after each epoch (removed when training finishes); an interrupted
    /// run started again with the same settings resumes from it [default: the output file with
    /// `.ckpt` appended].
    #[arg(long, env = "THEMESCOPE_HEAD_CHECKPOINT", value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Td,
    Lr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TuneArg {
    Cv,
    Dev,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled data: NewsMTSC .jsonl (targets in sentences) or PerSenT .jsonl (paragraphs).
    #[arg(long, env = "THEMESCOPE_EVAL_DATA", value_name = "FILE")]
    pub data: PathBuf,

    #[command(flatten)]
    pub scorer: ScorerArgs,

    /// Folder that keeps computed NewsMTSC features between runs.
    #[arg(long, env = "THEMESCOPE_HEAD_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,

    /// Also print a reliability table: predicted confidence in bins of 0.1 against accuracy,
    /// with counts and the expected calibration error (ECE).
    #[arg(long)]
    pub calibration: bool,
}

pub fn run(global: &GlobalArgs, cmd: &HeadCommand, matches: &ArgMatches) -> Result<ExitCode> {
    // `--cache` (features) and `--seed` (folds) are the head's own, not the run settings.
    let config = super::settings::resolve(matches, None, &["cache", "seed"])?;
    match cmd {
        HeadCommand::Train(args) => train_head(global, &config, args),
        HeadCommand::Eval(args) => eval_head(global, &config, args),
        HeadCommand::Attitude(args) => super::attitude::train_attitude(global, &config, args),
        HeadCommand::Soup(args) => soup_heads(global, &config, args),
    }
}

fn train_head(global: &GlobalArgs, config: &RunConfig, args: &TrainArgs) -> Result<ExitCode> {
    if args.kind == KindArg::Td {
        return train_td(global, config, args);
    }
    let recipe = Recipe::parse(&args.recipe).with_context(|| {
        format!(
            "--recipe `{}`: use `+`-separated blocks from sentence, span, marked, marked_span, replaced, replaced_span",
            args.recipe
        )
    })?;
    let train_data = data::read_newsmtsc(&args.data)?;
    let dev: Vec<_> = args
        .dev
        .iter()
        .map(|p| data::read_newsmtsc(p))
        .collect::<Result<_, _>>()?;
    global.info(format!(
        "training data {}: {} targets in {} sentences",
        args.data.display(),
        train_data.targets.len(),
        train_data.sentences
    ));
    let (_, embedder) = steps::load_encoder(&config.model, &global.resolve_options(), None)?;
    let opts = TrainOptions {
        seed: args.seed,
        recipe,
        c_grid: args.c.clone(),
        tuning: match args.tune {
            TuneArg::Cv => Tuning::CrossValidation(args.folds as usize),
            TuneArg::Dev => Tuning::FirstDev,
        },
        limit: args.limit,
        cache_dir: args.cache.clone(),
        ..TrainOptions::default()
    };
    let started = Instant::now();
    let mut progress = global.progress();
    // The feature set being computed, and how far it got.
    let mut current: Option<(String, usize)> = None;
    let report = train::train(
        &embedder,
        &train_data,
        &dev,
        &opts,
        &mut |event| match event {
            TrainEvent::Features { what, done, total } => {
                let step = (Task::Features, done, total);
                advance(&mut progress, &mut current, what.to_string(), step)
            }
            TrainEvent::Fit { c } => {
                progress.task_finished();
                current = None;
                progress.info(&format!("fitting with C = {c}"));
            }
        },
    )?;
    report.head.write(&args.out)?;
    for (c, f1m) in &report.grid {
        global.info(format!("C {c:<6} F1m {f1m:.4}"));
    }
    global.info(format!(
        "wrote {} (C = {}, {} training targets) in {:.1} s",
        args.out.display(),
        report.head.meta.c,
        report.n_train,
        started.elapsed().as_secs_f64()
    ));
    print_trained(
        global.json,
        &report.dev,
        serde_json::json!({
            "out": args.out,
            "c": report.head.meta.c,
            "grid": report.grid,
            "n_train": report.n_train,
            "seed": args.seed,
            "recipe": report.head.meta.recipe.name(),
        }),
    )
}

fn eval_head(global: &GlobalArgs, config: &RunConfig, args: &EvalArgs) -> Result<ExitCode> {
    let format = data::detect_format(&args.data)?;
    let started = Instant::now();
    let scoring = ScoringModel::load(config.sentiment.method, &config.sentiment.head)?;
    let embedder = steps::scoring_encoder(&scoring, &config.model, &global.resolve_options())?;
    let scorer = scoring.scorer(embedder.as_ref())?;
    let mut evaluation = run_eval(global, args, format, scorer.as_ref())?;
    if !args.calibration {
        evaluation.calibration = None;
    }
    global.info(format!(
        "evaluated {} in {:.1} s",
        args.data.display(),
        started.elapsed().as_secs_f64()
    ));
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", serde_json::to_string(&evaluation)?)?;
    } else {
        write!(stdout, "{}", evaluation.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run_eval(
    global: &GlobalArgs,
    args: &EvalArgs,
    format: DataFormat,
    scorer: &dyn Scorer,
) -> Result<eval::EvalReport> {
    match format {
        DataFormat::NewsMtsc => {
            let d = data::read_newsmtsc(&args.data)?;
            let cache = args.cache.as_deref();
            let mut events = global.progress();
            Ok(steps::counted(
                &mut events,
                Task::Scoring,
                d.targets.len(),
                |p| eval::eval_newsmtsc(scorer, &d, cache, p),
            )?)
        }
        DataFormat::Persent => {
            let paragraphs = data::read_persent(&args.data)?;
            let mut events = global.progress();
            Ok(steps::counted(
                &mut events,
                Task::Scoring,
                paragraphs.len(),
                |p| eval::eval_persent(scorer, &paragraphs, p),
            )?)
        }
    }
}

/// `head train --kind td`: the lower layers' states come from the packed CPU encoder (computed
/// once, kept under --cache); the top layers and the head train on `--device`.
fn train_td(global: &GlobalArgs, config: &RunConfig, args: &TrainArgs) -> Result<ExitCode> {
    let train_data = data::read_newsmtsc(&args.data)?;
    let dev: Vec<_> = args
        .dev
        .iter()
        .map(|p| data::read_newsmtsc(p))
        .collect::<Result<_, _>>()?;
    global.info(format!(
        "training data {}: {} targets in {} sentences",
        args.data.display(),
        train_data.targets.len(),
        train_data.sentences
    ));
    let device = config.model.device.open()?;
    let mut model = config.model.clone();
    model.device = themescope::embed::DeviceChoice::Cpu;
    model.dtype = themescope::embed::Precision::F32;
    let (_, embedder) = steps::load_encoder(&model, &global.resolve_options(), None)?;
    let checkpoint = args.checkpoint.clone().unwrap_or_else(|| {
        let mut p = args.out.clone().into_os_string();
        p.push(".ckpt");
        PathBuf::from(p)
    });
    let opts = TdTrainOptions {
        seed: args.seed,
        epochs: args.epochs as usize,
        shape: Shape {
            top_layers: args.top_layers,
            rank: args.rank,
            alpha: args.alpha,
            context: args.context_rank,
        },
        lr: args.lr,
        head_lr_scale: args.head_lr_scale,
        mixed_weight: args.mixed_weight,
        joined: args.joined,
        batch: args.train_batch,
        dropout: args.dropout,
        limit: args.limit,
        cache_dir: args.cache.clone(),
        checkpoint: Some(checkpoint.clone()),
        device,
        ..TdTrainOptions::default()
    };
    let started = Instant::now();
    let mut progress = global.progress();
    let mut current: Option<(String, usize)> = None;
    let report = tdtrain::train(
        &embedder,
        &train_data,
        &dev,
        &opts,
        &mut |event| match event {
            TdEvent::States { what, done, total } => {
                let step = (Task::Features, done, total);
                advance(&mut progress, &mut current, format!("states {what}"), step)
            }
            TdEvent::Step { epoch, done, total } => {
                let step = (Task::Training, done, total);
                advance(&mut progress, &mut current, format!("epoch {epoch}"), step)
            }
            TdEvent::Epoch { epoch, loss, dev } => {
                progress.task_finished();
                current = None;
                let scores: Vec<String> = dev
                    .iter()
                    .map(|(n, e)| format!("{n} F1m {:.4} accuracy {:.4}", e.f1m, e.accuracy))
                    .collect();
                progress.info(&format!(
                    "epoch {epoch}: loss {loss:.4}; {} ({:.0} s)",
                    scores.join(", "),
                    started.elapsed().as_secs_f64()
                ));
            }
            TdEvent::Resumed { epoch } => {
                progress.info(&format!(
                    "resumed from {} after epoch {epoch}",
                    checkpoint.display()
                ));
            }
        },
    )?;
    report.head.write(&args.out)?;
    // The checkpoint only serves an interrupted run; this one finished.
    let _ = std::fs::remove_file(&checkpoint);
    global.info(format!(
        "wrote {} ({} training targets) in {:.1} s",
        args.out.display(),
        report.n_train,
        started.elapsed().as_secs_f64()
    ));
    print_trained(
        global.json,
        &report.dev,
        serde_json::json!({
            "out": args.out,
            "kind": "td",
            "n_train": report.n_train,
            "seed": args.seed,
            "epochs": report.log,
        }),
    )
}

/// `head soup`: the heads averaged, scored on the dev files, written once with the scores.
fn soup_heads(global: &GlobalArgs, config: &RunConfig, args: &SoupArgs) -> Result<ExitCode> {
    let heads: Vec<TdHead> = args
        .heads
        .iter()
        .map(|p| TdHead::read(p))
        .collect::<Result<_, _>>()?;
    let rank = args.rank.unwrap_or(heads[0].meta.shape.rank);
    let mut head = tdsoup::soup(&heads, Some(rank))?;
    let dev: Vec<_> = args
        .dev
        .iter()
        .map(|p| data::read_newsmtsc(p))
        .collect::<Result<_, _>>()?;
    let mut scores = Vec::new();
    if !dev.is_empty() {
        let mut model = config.model.clone();
        model.dtype = themescope::embed::Precision::F32;
        let (_, embedder) = steps::load_encoder(&model, &global.resolve_options(), None)?;
        head.check_encoder(embedder.info(), Some(embedder.config()))?;
        let scorer = TdScorer::new(&head, &embedder)?;
        for (path, d) in args.dev.iter().zip(&dev) {
            let mut events = global.progress();
            let report = steps::counted(&mut events, Task::Scoring, d.targets.len(), |p| {
                eval::eval_newsmtsc(&scorer, d, None, p)
            })?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            scores.push((name, report.evaluation));
        }
        head.meta
            .extra
            .insert("dev_scores".into(), tdtrain::dev_scores_json(&scores));
    }
    head.write(&args.out)?;
    global.info(format!(
        "wrote {}: the mean of {} heads, adapters of rank {rank}",
        args.out.display(),
        heads.len()
    ));
    print_trained(
        global.json,
        &scores,
        serde_json::json!({"out": args.out, "kind": "td-soup", "heads": args.heads, "rank": rank}),
    )
}

/// Moves the progress to `done` of `total` in the task called `key`, starting a new bar when the
/// key changes (the states of another data set, the next epoch).
fn advance(
    progress: &mut dyn Events,
    current: &mut Option<(String, usize)>,
    key: String,
    (task, done, total): (Task, usize, usize),
) {
    if current.as_ref().is_none_or(|(w, _)| *w != key) {
        progress.task_finished();
        progress.task_started(task, total);
        *current = Some((key, 0));
    }
    if let Some((_, last)) = current {
        progress.task_progress(done.saturating_sub(*last));
        *last = done;
    }
}

/// A trained head's dev scores: one line per dev set, or `summary` with a `dev` object as JSON.
fn print_trained(
    json: bool,
    dev: &[(String, themescope::sentiment::Evaluation)],
    mut summary: serde_json::Value,
) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if json {
        let scores: serde_json::Map<String, serde_json::Value> = dev
            .iter()
            .map(|(n, e)| (n.clone(), serde_json::to_value(e).unwrap_or_default()))
            .collect();
        summary["dev"] = serde_json::Value::Object(scores);
        writeln!(stdout, "{summary}")?;
    } else {
        for (name, e) in dev {
            writeln!(
                stdout,
                "{name}: accuracy {:.3}  F1m {:.3}",
                e.accuracy, e.f1m
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
