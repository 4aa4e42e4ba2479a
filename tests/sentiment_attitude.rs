//! The paragraph attitude learned on PerSenT, on the real data: with any mention scorer (VADER
//! here, which needs no encoder) the learned aggregation beats the mean rule under document-
//! grouped cross-validation, and training is reproducible byte for byte.

mod common;

use std::path::PathBuf;

use themescope::sentiment::attitude::{AttitudeModel, DEFAULT_ATTITUDE};
use themescope::sentiment::training::attitude::{
    attitude_data, cross_validate, locate_mentions, score_mentions, train, AttitudeOptions,
    Provenance,
};
use themescope::sentiment::training::data::{read_persent, sha256_hex};
use themescope::sentiment::vader::Vader;

fn shared() -> PathBuf {
    PathBuf::from(std::env::var("THEMESCOPE_SHARED").unwrap_or_else(|_| "../shared".into()))
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn learned_aggregation_beats_the_mean_rule_and_is_reproducible() {
    let path = shared().join("data/persent/dev.jsonl");
    let paragraphs = read_persent(&path).expect("PerSenT dev reads");
    let vader = Vader::load_default().expect("the VADER lexicon (THEMESCOPE_MODELS)");
    let mentions = locate_mentions(&paragraphs);
    let preds = score_mentions(&vader, &mentions, None, &mut |_| {}).unwrap();
    let data = attitude_data(&paragraphs, &mentions, &preds, &vader);
    let opts = AttitudeOptions {
        c_grid: vec![0.1, 1.0],
        ..AttitudeOptions::default()
    };
    let cv = cross_validate(&data, &opts);
    let (learned, mean) = (&cv.learned, &cv.mean_rule);
    assert!(
        learned.f1m > mean.f1m + 0.03,
        "learned {:.3} vs mean rule {:.3}",
        learned.f1m,
        mean.f1m
    );
    assert!(
        learned.per_class.positive.recall > mean.per_class.positive.recall,
        "{learned:?}"
    );
    let provenance = Provenance {
        mention_model: "vader".into(),
        mention_identity: "vader".into(),
        training_data: "dev.jsonl".into(),
        training_sha256: sha256_hex(&std::fs::read(&path).unwrap()),
    };
    let a = train(&data, &opts, &provenance, &cv).to_bytes();
    let b = train(&data, &opts, &provenance, &cv).to_bytes();
    assert_eq!(a, b, "the same seed gives the same file");
    let model = AttitudeModel::from_bytes("trained", &a).unwrap();
    assert_eq!(model.meta.n_train, paragraphs.len());
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn the_built_in_aggregation_was_learned_on_this_data() {
    let bytes = std::fs::read(shared().join("data/persent/dev.jsonl")).unwrap();
    let model = AttitudeModel::resolve(DEFAULT_ATTITUDE).unwrap();
    assert_eq!(model.meta.training_sha256, sha256_hex(&bytes));
    assert_eq!(model.meta.mention_model, "head minilm-newsmtsc-td");
}

/// `head attitude --features-out` writes one CSV row per PerSenT paragraph: its line, document
/// group, gold label and the model's features in column order (VADER mentions: no encoder).
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn features_out_writes_one_row_per_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let data = shared().join("data/persent/dev.jsonl");
    let csv = dir.path().join("features.csv");
    let out = common::themescope(dir.path())
        .env("THEMESCOPE_MODELS", common::models_dir())
        .args(["head", "attitude", "--quiet", "--method", "vader"])
        .args(["--c", "0.01", "--unanimity", "none", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("a.json"))
        .arg("--features-out")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let paragraphs = read_persent(&data).unwrap();
    assert_eq!(lines.len(), paragraphs.len() + 1);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header[..3], ["line", "group", "gold"]);
    assert_eq!(header[3..], themescope::sentiment::attitude::FEATURES);
    for (line, p) in lines[1..].iter().zip(&paragraphs) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len());
        assert_eq!(cells[0], p.line.to_string());
        assert_eq!(cells[2], p.label.index().to_string());
        assert!(cells[3..]
            .iter()
            .all(|c| c.parse::<f64>().is_ok_and(f64::is_finite)));
    }
}
