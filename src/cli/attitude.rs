//! `themescope head attitude`: learns the paragraph attitude from PerSenT over the chosen
//! mention model's scores and prints its cross-validated scores beside VADER and the old rule.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use themescope::config::RunConfig;
use themescope::pipeline::{steps, Task};
use themescope::sentiment::attitude;
use themescope::sentiment::training::attitude::{self as learn, AttitudeOptions, Provenance};
use themescope::sentiment::training::data::{self, sha256_hex};
use themescope::sentiment::training::{eval, Evaluation};
use themescope::sentiment::vader::Vader;
use themescope::sentiment::ScoringModel;

use super::head::AttitudeArgs;
use super::GlobalArgs;

pub fn train_attitude(
    global: &GlobalArgs,
    config: &RunConfig,
    args: &AttitudeArgs,
) -> Result<ExitCode> {
    let started = Instant::now();
    let paragraphs = data::read_persent(&args.data)?;
    let bytes = std::fs::read(&args.data)?;
    let vader = Vader::load_default()?;
    let scoring = ScoringModel::load(config.sentiment.method, &config.sentiment.head)?;
    let embedder = steps::scoring_encoder(&scoring, &config.model, &global.resolve_options())?;
    let scorer = scoring.scorer(embedder.as_ref())?;
    let mentions = learn::locate_mentions(&paragraphs);
    global.info(format!(
        "{} paragraphs of {}: {} mentions of their targets",
        paragraphs.len(),
        args.data.display(),
        mentions.len()
    ));
    let mut events = global.progress();
    let preds = steps::counted(&mut events, Task::Scoring, mentions.len(), |p| {
        learn::score_mentions(scorer.as_ref(), &mentions, args.cache.as_deref(), p)
    })?;
    let rows = learn::attitude_data(&paragraphs, &mentions, &preds, &vader);
    if let Some(path) = &args.features_out {
        write_features(path, &paragraphs, &rows)?;
    }
    let opts = AttitudeOptions {
        seed: args.seed,
        folds: args.folds as usize,
        c_grid: args.c.clone(),
        unanimity_grid: args.unanimity.iter().flatten().copied().collect(),
        ..AttitudeOptions::default()
    };
    let cv = learn::cross_validate(&rows, &opts);
    let mention_model =
        attitude::mention_model_name(config.sentiment.method, &config.sentiment.head);
    let provenance = Provenance {
        mention_model,
        mention_identity: attitude::mention_identity(scorer.as_ref()),
        training_data: args
            .data
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        training_sha256: sha256_hex(&bytes),
    };
    let model = learn::train(&rows, &opts, &provenance, &cv);
    model.write(&args.out)?;
    let vader_eval = eval::eval_persent(&vader, &paragraphs, &mut |_| {})?;
    global.info(format!(
        "wrote {} (C = {}, unanimity rule {}) in {:.1} s",
        args.out.display(),
        model.meta.c,
        model
            .unanimity
            .map_or_else(|| "off".to_string(), |t| format!("at {t}")),
        started.elapsed().as_secs_f64()
    ));
    let table = [
        (
            "VADER (mean compound of the mention sentences)",
            &vader_eval.evaluation,
        ),
        (
            "old rule (mean of the mention probabilities)",
            &cv.mean_rule,
        ),
        ("learned aggregation (nested CV)", &cv.learned),
    ];
    let mut stdout = std::io::stdout().lock();
    if global.json {
        let json = serde_json::json!({
            "out": args.out,
            "c": model.meta.c,
            "offsets": model.offsets,
            "c_per_fold": cv.c_per_fold,
            "unanimity": model.unanimity,
            "unanimity_per_fold": cv.unanimity_per_fold,
            "vader": vader_eval.evaluation,
            "mean_rule": cv.mean_rule,
            "learned": cv.learned,
        });
        writeln!(stdout, "{json}")?;
    } else {
        write!(stdout, "{}", score_table(&table))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The features of every paragraph as CSV, with its data-file line, group and gold label.
fn write_features(
    path: &std::path::Path,
    paragraphs: &[data::PersentParagraph],
    rows: &learn::AttitudeData,
) -> Result<()> {
    let mut out = format!("line,group,gold,{}\n", attitude::FEATURES.join(","));
    for (k, p) in paragraphs.iter().enumerate() {
        let values: Vec<String> = rows.x.row(k).iter().map(|v| format!("{v}")).collect();
        out.push_str(&format!(
            "{},{},{},{}\n",
            p.line,
            rows.groups[k],
            rows.gold[k].index(),
            values.join(",")
        ));
    }
    std::fs::write(path, out).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

/// One line per method: F1m, accuracy, and each class's recall and F1.
fn score_table(rows: &[(&str, &Evaluation)]) -> String {
    let mut out = format!(
        "{:<48} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}\n",
        "paragraph attitude (PerSenT)", "F1m", "acc", "R neg", "R neu", "R pos", "F1 pos"
    );
    for (name, e) in rows {
        let pc = &e.per_class;
        out.push_str(&format!(
            "{:<48} {:>6.3} {:>6.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}\n",
            name,
            e.f1m,
            e.accuracy,
            pc.negative.recall,
            pc.neutral.recall,
            pc.positive.recall,
            pc.positive.f1
        ));
    }
    out
}
