//! The sentiment head on real data: the committed head's score on NewsMTSC dev-rw beside VADER,
//! reproducible training, and clear errors for bad heads and bad training data.

mod common;

use std::path::Path;

use common::{assert_one_line_error, data, models_dir, stderr, themescope};

fn eval_json(cache: &Path, args: &[&str]) -> serde_json::Value {
    let out = themescope(cache)
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "eval", "--json", "--quiet"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn committed_head_beats_vader_on_dev_rw() {
    let cache = tempfile::tempdir().unwrap();
    let dev = data("newsmtsc/dev-rw.jsonl");
    let head = eval_json(cache.path(), &["--data", dev.to_str().unwrap()]);
    for key in ["accuracy", "f1m", "per_class", "confusion", "n"] {
        assert!(head.get(key).is_some(), "no `{key}` in {head}");
    }
    assert_eq!(head["n"], 343);
    let f1m = head["f1m"].as_f64().unwrap();
    assert!(f1m >= 0.65, "head F1m on dev-rw {f1m}");
    let confusion: Vec<Vec<u64>> = serde_json::from_value(head["confusion"].clone()).unwrap();
    assert_eq!(confusion.iter().flatten().sum::<u64>(), 343);

    let vader = eval_json(
        cache.path(),
        &["--data", dev.to_str().unwrap(), "--method", "vader"],
    );
    let vader_f1m = vader["f1m"].as_f64().unwrap();
    assert!((0.45..0.56).contains(&vader_f1m), "VADER F1m {vader_f1m}");
    assert!(f1m > vader_f1m + 0.1);
}

/// Trains a head on a few dev-rw targets (quick) with a seed.
fn train_small(dir: &Path, name: &str, seed: u64) -> Vec<u8> {
    let out_path = dir.join(name);
    let out = themescope(dir)
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "train", "--quiet", "--c", "0.1", "--limit", "24"])
        .args(["--seed", &seed.to_string()])
        .arg("--data")
        .arg(data("newsmtsc/dev-rw.jsonl"))
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::read(&out_path).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_head_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = train_small(dir.path(), "a.safetensors", 7);
    let b = train_small(dir.path(), "b.safetensors", 7);
    assert_eq!(a, b, "same seed, different bytes");
    let c = train_small(dir.path(), "c.safetensors", 8);
    assert_ne!(a, c, "another seed draws another sample");

    let head = themescope::sentiment::Head::from_bytes("a", &a).unwrap();
    assert_eq!(head.meta.seed, 7);
    assert_eq!(head.meta.n_train, 24);
    assert_eq!(
        head.meta.encoder_id,
        "sentence-transformers/all-MiniLM-L6-v2"
    );
    assert_eq!(head.meta.training_data, "dev-rw.jsonl");
    assert_eq!(head.meta.training_sha256.len(), 64);
    assert!(a.len() < 100_000, "{} bytes", a.len());
}

#[test]
fn an_unknown_head_is_a_one_line_error() {
    let cache = tempfile::tempdir().unwrap();
    let out = themescope(cache.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "eval", "--head", "no-such-head", "--data"])
        .arg(data("newsmtsc/dev-rw.jsonl"))
        .output()
        .unwrap();
    assert_one_line_error(&out, &["unknown head `no-such-head`", "minilm-newsmtsc"]);

    let junk = cache.path().join("junk.safetensors");
    std::fs::write(&junk, b"not a head").unwrap();
    let out = themescope(cache.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "eval", "--head", junk.to_str().unwrap(), "--data"])
        .arg(data("newsmtsc/dev-rw.jsonl"))
        .output()
        .unwrap();
    assert_one_line_error(&out, &["junk.safetensors", "not a valid sentiment head"]);
}

#[test]
fn offsets_that_miss_the_mention_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        concat!(
            r#"{"sentence_normalized": "Ann met Bob.", "targets": [{"from": 0, "to": 3, "mention": "Ann", "polarity": 4.0}]}"#,
            "\n",
            r#"{"sentence_normalized": "Müller praised Bob.", "targets": [{"from": 0, "to": 6, "mention": "Müller", "polarity": 6.0}, {"from": 14, "to": 17, "mention": "Bob", "polarity": 4.0}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let out_path = dir.path().join("h.safetensors");
    let out = themescope(dir.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "train", "--data"])
        .arg(&bad)
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        &["bad.jsonl line 2", "target 2 `Bob`", "`to` exclusive"],
    );
    assert!(!out_path.exists());
}
