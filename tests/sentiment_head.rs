//! The sentiment head on real data: the committed head's score on NewsMTSC dev-rw beside VADER
//! (shared data), reproducible training (on sentences written for this test), and clear errors
//! for bad heads and bad training data.

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
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn committed_head_beats_vader_on_dev_rw() {
    let cache = tempfile::tempdir().unwrap();
    let dev = data("newsmtsc/dev-rw.jsonl");
    let head = eval_json(
        cache.path(),
        &[
            "--data",
            dev.to_str().unwrap(),
            "--head",
            "minilm-newsmtsc-lr",
        ],
    );
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

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn eval_reports_per_class_scores_and_a_reliability_table() {
    let cache = tempfile::tempdir().unwrap();
    let dev = data("newsmtsc/dev-rw.jsonl");
    let dev = dev.to_str().unwrap();
    let plain = eval_json(cache.path(), &["--data", dev, "--method", "vader"]);
    assert!(plain.get("calibration").is_none(), "{plain}");
    let r = eval_json(
        cache.path(),
        &["--data", dev, "--method", "vader", "--calibration"],
    );
    let cal = &r["calibration"];
    let bins = cal["bins"].as_array().expect("bins");
    let counted: u64 = bins.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, 343);
    // ECE is the count-weighted gap between accuracy and confidence, recomputed here.
    let ece: f64 = bins
        .iter()
        .map(|b| {
            let n = b["count"].as_f64().unwrap();
            n / 343.0 * (b["accuracy"].as_f64().unwrap() - b["confidence"].as_f64().unwrap()).abs()
        })
        .sum();
    assert!((cal["ece"].as_f64().unwrap() - ece).abs() < 1e-9, "{cal}");
    for class in ["negative", "neutral", "positive"] {
        let c = &r["per_class"][class];
        let (p, rec, f1) = (
            c["precision"].as_f64().unwrap(),
            c["recall"].as_f64().unwrap(),
            c["f1"].as_f64().unwrap(),
        );
        assert!(
            (f1 - 2.0 * p * rec / (p + rec)).abs() < 1e-9,
            "{class}: {c}"
        );
    }
    let text = themescope(cache.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args([
            "head",
            "eval",
            "--quiet",
            "--method",
            "vader",
            "--calibration",
        ])
        .args(["--data", dev])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in ["precision", "recall", "support", "ECE", "mean conf"] {
        assert!(text.contains(needle), "no `{needle}` in\n{text}");
    }
}

/// Sentences written for these tests, one target each, in NewsMTSC's layout: polarity 2.0
/// negative, 4.0 neutral, 6.0 positive. The names are invented.
const ATTITUDES: [(&str, &str, f64); 36] = [
    (
        "Critics accused Mara Voss of wrecking the talks with her reckless threats.",
        "Mara Voss",
        2.0,
    ),
    (
        "Aldo Brenn was condemned by every party for lying to parliament about the deal.",
        "Aldo Brenn",
        2.0,
    ),
    (
        "Protesters blamed Ilse Marek for the crackdown that left dozens injured.",
        "Ilse Marek",
        2.0,
    ),
    (
        "Observers said Tomas Rieck had bullied his neighbours and betrayed his allies.",
        "Tomas Rieck",
        2.0,
    ),
    (
        "The report found that Nadia Kovac had squandered the aid and hidden the losses.",
        "Nadia Kovac",
        2.0,
    ),
    (
        "Farmers denounced Pieter Holm as arrogant, incompetent and out of touch.",
        "Pieter Holm",
        2.0,
    ),
    (
        "Lena Strand's disastrous gamble cost the country its last ally in the region.",
        "Lena Strand",
        2.0,
    ),
    (
        "Diplomats described Yuri Tamm's ultimatum as a cynical and dangerous provocation.",
        "Yuri Tamm",
        2.0,
    ),
    (
        "Voters punished Greta Lind for a scandal of bribes and broken promises.",
        "Greta Lind",
        2.0,
    ),
    (
        "The court ruled that Oskar Wren had abused his office to enrich his family.",
        "Oskar Wren",
        2.0,
    ),
    (
        "Allies lost patience with Rosa Falk after her government sabotaged the ceasefire.",
        "Rosa Falk",
        2.0,
    ),
    (
        "Editorials mocked Henrik Saar for a clumsy speech full of falsehoods.",
        "Henrik Saar",
        2.0,
    ),
    (
        "Mara Voss arrived in the capital on Tuesday for two days of meetings.",
        "Mara Voss",
        4.0,
    ),
    (
        "Aldo Brenn said the committee would publish its findings next month.",
        "Aldo Brenn",
        4.0,
    ),
    (
        "Ilse Marek, a former engineer, has led the ministry since March.",
        "Ilse Marek",
        4.0,
    ),
    (
        "The delegation was headed by Tomas Rieck, the deputy foreign minister.",
        "Tomas Rieck",
        4.0,
    ),
    (
        "Nadia Kovac will attend the summit, her spokesman confirmed.",
        "Nadia Kovac",
        4.0,
    ),
    (
        "Pieter Holm spoke to reporters after the vote on the new budget.",
        "Pieter Holm",
        4.0,
    ),
    (
        "Lena Strand was born in a port town and studied law in the capital.",
        "Lena Strand",
        4.0,
    ),
    (
        "Yuri Tamm met the trade commissioner to discuss grain exports.",
        "Yuri Tamm",
        4.0,
    ),
    (
        "Greta Lind is expected to name her cabinet by the end of the week.",
        "Greta Lind",
        4.0,
    ),
    (
        "Oskar Wren said the talks would continue in Geneva in the autumn.",
        "Oskar Wren",
        4.0,
    ),
    (
        "Rosa Falk signed the agreement at a short ceremony on Friday.",
        "Rosa Falk",
        4.0,
    ),
    (
        "Henrik Saar answered questions from the committee for three hours.",
        "Henrik Saar",
        4.0,
    ),
    (
        "Mara Voss won wide praise for brokering a fair and lasting peace.",
        "Mara Voss",
        6.0,
    ),
    (
        "Aid workers thanked Aldo Brenn for his generous and swift response to the flood.",
        "Aldo Brenn",
        6.0,
    ),
    (
        "Ilse Marek was celebrated as a brave reformer who cleaned up the police.",
        "Ilse Marek",
        6.0,
    ),
    (
        "Neighbours admired Tomas Rieck's patient and honest diplomacy.",
        "Tomas Rieck",
        6.0,
    ),
    (
        "Investors welcomed Nadia Kovac's sensible plan, which restored confidence.",
        "Nadia Kovac",
        6.0,
    ),
    (
        "Pieter Holm earned the gratitude of farmers by saving the harvest from ruin.",
        "Pieter Holm",
        6.0,
    ),
    (
        "Lena Strand's wise leadership steered the country through the crisis.",
        "Lena Strand",
        6.0,
    ),
    (
        "Yuri Tamm was hailed as a hero for freeing the hostages unharmed.",
        "Yuri Tamm",
        6.0,
    ),
    (
        "Greta Lind's landmark reforms lifted thousands of families out of poverty.",
        "Greta Lind",
        6.0,
    ),
    (
        "Oskar Wren was honoured for decades of fair and devoted public service.",
        "Oskar Wren",
        6.0,
    ),
    (
        "Rosa Falk's kindness and courage inspired a generation of young leaders.",
        "Rosa Falk",
        6.0,
    ),
    (
        "Henrik Saar delivered a brilliant speech that united a divided parliament.",
        "Henrik Saar",
        6.0,
    ),
];

/// [`ATTITUDES`] as a NewsMTSC `.jsonl` file in `dir`; offsets count characters, `to` exclusive.
fn write_attitudes(dir: &Path) -> std::path::PathBuf {
    let mut lines = String::new();
    for (sentence, mention, polarity) in ATTITUDES {
        let from = sentence.find(mention).unwrap();
        let to = from + mention.len();
        let line = serde_json::json!({
            "sentence_normalized": sentence,
            "targets": [{"from": from, "to": to, "mention": mention, "polarity": polarity}],
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let path = dir.join("attitudes.jsonl");
    std::fs::write(&path, lines).unwrap();
    path
}

/// Trains a head on a sample of the test's sentences (quick) with a seed.
fn train_small(dir: &Path, name: &str, seed: u64) -> Vec<u8> {
    let out_path = dir.join(name);
    let out = themescope(dir)
        .env("THEMESCOPE_MODELS", models_dir())
        .args([
            "head", "train", "--quiet", "--kind", "lr", "--c", "0.1", "--limit", "24",
        ])
        .args(["--seed", &seed.to_string()])
        .arg("--data")
        .arg(write_attitudes(dir))
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
    assert_eq!(head.meta.training_data, "attitudes.jsonl");
    assert_eq!(head.meta.training_sha256.len(), 64);
    assert!(a.len() < 100_000, "{} bytes", a.len());
}

#[test]
fn an_unknown_head_is_a_one_line_error() {
    let cache = tempfile::tempdir().unwrap();
    let data = write_attitudes(cache.path());
    let out = themescope(cache.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "eval", "--head", "no-such-head", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert_one_line_error(&out, &["unknown head `no-such-head`", "minilm-newsmtsc"]);

    let junk = cache.path().join("junk.safetensors");
    std::fs::write(&junk, b"not a head").unwrap();
    let out = themescope(cache.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "eval", "--head", junk.to_str().unwrap(), "--data"])
        .arg(&data)
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

/// Trains a small target-dependent model (one top layer, rank 4, one epoch) on the test's
/// sentences with a seed; the file's bytes.
fn train_small_td(dir: &Path, name: &str, seed: u64) -> Vec<u8> {
    train_small_td_with(dir, name, seed, &[])
}

/// [`train_small_td`] with `extra` options.
fn train_small_td_with(dir: &Path, name: &str, seed: u64, extra: &[&str]) -> Vec<u8> {
    let seed = seed.to_string();
    let options = [&["--limit", "24", "--seed", seed.as_str()], extra].concat();
    train_tiny_td(dir, &write_attitudes(dir), name, &options)
}

/// A target-dependent model of one top layer, rank 4, one epoch, trained on `data` with
/// `options`; the file's bytes.
fn train_tiny_td(dir: &Path, data: &Path, name: &str, options: &[&str]) -> Vec<u8> {
    let out_path = dir.join(name);
    let out = themescope(dir)
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "train", "--quiet", "--kind", "td", "--epochs", "1"])
        .args(["--top-layers", "1", "--rank", "4", "--train-batch", "8"])
        .args(options)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::read(&out_path).unwrap()
}

#[test]
fn the_heads_learning_rate_is_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let plain = train_small_td(dir.path(), "plain.safetensors", 7);
    let faster = train_small_td_with(
        dir.path(),
        "faster.safetensors",
        7,
        &["--head-lr-scale", "10"],
    );
    let read =
        |bytes: &[u8]| themescope::sentiment::tdmodel::TdHead::from_bytes("t", bytes).unwrap();
    let (plain, faster) = (read(&plain), read(&faster));
    let tensor = |h: &themescope::sentiment::tdmodel::TdHead, name: &str| h.tensors[name].1.clone();
    // The head's bias moves further from its zero start (AdamW's steps scale with the rate).
    let norm = |v: Vec<f32>| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (slow, fast) = (
        norm(tensor(&plain, "head.bias")),
        norm(tensor(&faster, "head.bias")),
    );
    assert!(
        slow > 0.0 && fast > 3.0 * slow,
        "head bias norm {slow} at x1, {fast} at x10"
    );
    assert!(faster.meta.extra["optimiser"].contains("head and context pooling x10"));
    assert!(!plain.meta.extra["optimiser"].contains(" x"));

    refuses_td_option(dir.path(), "--head-lr-scale", &write_attitudes(dir.path()));
}

/// `head train --kind td FLAG 0` is a one-line error naming the option, and writes nothing.
fn refuses_td_option(dir: &Path, flag: &str, data: &Path) {
    refuses_td_value(dir, [flag, "0"], data, "must be positive");
}

/// `head train --kind td FLAG VALUE` is a one-line error naming the option and saying `says`,
/// and writes nothing.
fn refuses_td_value(dir: &Path, [flag, value]: [&str; 2], data: &Path, says: &str) {
    let never = dir.join("never.safetensors");
    let out = themescope(dir)
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "train", "--kind", "td", flag, value, "--data"])
        .arg(data)
        .arg("--out")
        .arg(&never)
        .output()
        .unwrap();
    assert_one_line_error(&out, &[flag.trim_start_matches('-'), says]);
    assert!(!never.exists());
}

/// Real NewsMTSC train rows: the first `n` sentences whose targets differ in label, or
/// (`mixed` false) the first `n` with two or more targets of one label.
fn newsmtsc_rows(n: usize, mixed: bool) -> Vec<String> {
    let text = std::fs::read_to_string(data("newsmtsc/train.jsonl")).unwrap();
    let rows: Vec<String> = text
        .lines()
        .filter(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let labels: Vec<String> = row["targets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["polarity"].to_string())
                .collect();
            labels.len() > 1 && labels.iter().any(|l| *l != labels[0]) == mixed
        })
        .take(n)
        .map(str::to_string)
        .collect();
    assert_eq!(rows.len(), n);
    rows
}

fn write_rows(dir: &Path, name: &str, rows: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, rows.join("\n") + "\n").unwrap();
    path
}

#[test]
fn sentences_of_mixed_labels_can_weigh_more() {
    let dir = tempfile::tempdir().unwrap();
    let train = |data: &Path, name: &str, weight: &str| {
        train_tiny_td(dir.path(), data, name, &["--mixed-weight", weight])
    };
    let read =
        |bytes: &[u8]| themescope::sentiment::tdmodel::TdHead::from_bytes("t", bytes).unwrap();
    let (mixed_rows, same_rows) = (newsmtsc_rows(12, true), newsmtsc_rows(12, false));
    let both = [mixed_rows, same_rows.clone()].concat();
    let mixed = write_rows(dir.path(), "both.jsonl", &both);
    let (plain, heavier) = (
        read(&train(&mixed, "plain.safetensors", "1")),
        read(&train(&mixed, "heavier.safetensors", "4")),
    );
    assert_ne!(
        plain.tensors, heavier.tensors,
        "the weight changes the steps"
    );
    assert!(heavier.meta.extra["optimiser"].contains("mixed labels weighted x4"));
    assert!(!plain.meta.extra["optimiser"].contains("mixed"));

    // Sentences whose targets share their label are weighted as before: same numbers.
    let same = write_rows(dir.path(), "same.jsonl", &same_rows);
    let (plain, heavier) = (
        read(&train(&same, "plain-same.safetensors", "1")),
        read(&train(&same, "heavier-same.safetensors", "4")),
    );
    assert_eq!(plain.tensors, heavier.tensors);

    refuses_td_option(dir.path(), "--mixed-weight", &mixed);
}

#[test]
fn joined_pairs_of_sentences_train_as_examples_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let read =
        |bytes: &[u8]| themescope::sentiment::tdmodel::TdHead::from_bytes("t", bytes).unwrap();
    let rows = [newsmtsc_rows(8, true), newsmtsc_rows(8, false)].concat();
    let data = write_rows(dir.path(), "rows.jsonl", &rows);
    let train = |name: &str, share: &str| {
        read(&train_tiny_td(
            dir.path(),
            &data,
            name,
            &["--joined", share],
        ))
    };
    let (plain, joined) = (
        train("plain.safetensors", "0"),
        train("joined.safetensors", "0.5"),
    );
    assert_ne!(plain.tensors, joined.tensors, "the pairs change the steps");
    assert!(joined.meta.extra["optimiser"].contains("joined into one example (0.5"));
    assert!(!plain.meta.extra["optimiser"].contains("joined"));
    // The pairs are made again from the seed, and counted apart from the training targets.
    assert_eq!(train("again.safetensors", "0.5").tensors, joined.tensors);
    assert_eq!(joined.meta.n_train, plain.meta.n_train);

    refuses_td_value(dir.path(), ["--joined", "1.5"], &data, "must be in [0, 1]");
}

#[test]
fn the_same_seed_gives_the_same_td_model_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = train_small_td(dir.path(), "a.safetensors", 7);
    let b = train_small_td(dir.path(), "b.safetensors", 7);
    assert_eq!(a, b, "same seed, different bytes");
    let c = train_small_td(dir.path(), "c.safetensors", 8);
    assert_ne!(a, c, "another seed, the same bytes");

    let head = themescope::sentiment::tdmodel::TdHead::from_bytes("a", &a).unwrap();
    assert_eq!(head.meta.seed, 7);
    assert_eq!(head.meta.n_train, 24);
    assert_eq!(head.meta.shape.rank, 4);
    assert_eq!(head.meta.training_data, "attitudes.jsonl");
    assert_eq!(head.meta.training_sha256.len(), 64);
    // Adapters (rank 4, one layer) and the head: well under a megabyte.
    assert!(a.len() < 1_000_000, "{} bytes", a.len());
}

#[test]
fn bad_td_heads_and_empty_data_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_attitudes(dir.path());
    let good = train_small_td(dir.path(), "good.safetensors", 3);
    let eval = |head: &Path| {
        themescope(dir.path())
            .env("THEMESCOPE_MODELS", models_dir())
            .args(["head", "eval", "--head", head.to_str().unwrap(), "--data"])
            .arg(&data)
            .output()
            .unwrap()
    };

    let truncated = dir.path().join("truncated.safetensors");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    assert_one_line_error(
        &eval(&truncated),
        &["truncated.safetensors", "not a valid sentiment head"],
    );

    let mut other = themescope::sentiment::tdmodel::TdHead::from_bytes("good", &good).unwrap();
    other.meta.encoder_id = "BAAI/bge-small-en-v1.5".into();
    let other_path = dir.path().join("other.safetensors");
    other.write(&other_path).unwrap();
    assert_one_line_error(
        &eval(&other_path),
        &[
            "other.safetensors",
            "BAAI/bge-small-en-v1.5",
            "train a head for this encoder",
        ],
    );

    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "\n").unwrap();
    let out_path = dir.path().join("never.safetensors");
    let out = themescope(dir.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "train", "--kind", "td", "--data"])
        .arg(&empty)
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert_one_line_error(&out, &["empty.jsonl", "holds no labelled targets"]);
    assert!(!out_path.exists());
}

#[test]
fn heads_of_two_seeds_make_a_soup_scored_as_eval_scores_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_attitudes(dir.path());
    train_small_td(dir.path(), "seven.safetensors", 7);
    train_small_td(dir.path(), "eight.safetensors", 8);
    let soup = |heads: &[&str], out: &str| {
        themescope(dir.path())
            .env("THEMESCOPE_MODELS", models_dir())
            .args(["head", "soup", "--quiet", "--json", "--dev"])
            .arg(&data)
            .args(heads.iter().map(|h| dir.path().join(h)))
            .arg("--out")
            .arg(dir.path().join(out))
            .output()
            .unwrap()
    };
    let out = soup(
        &["seven.safetensors", "eight.safetensors"],
        "soup.safetensors",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = std::fs::read(dir.path().join("soup.safetensors")).unwrap();
    let head = themescope::sentiment::tdmodel::TdHead::from_bytes("soup", &bytes).unwrap();
    // The heads' own rank by default: the file keeps their size.
    assert_eq!(head.meta.shape.rank, 4);
    assert_eq!(head.meta.extra["soup_seeds"], "7,8");
    // The scores stored are those `head eval` gives the file.
    let eval = eval_json(
        dir.path(),
        &[
            "--data",
            data.to_str().unwrap(),
            "--head",
            dir.path().join("soup.safetensors").to_str().unwrap(),
        ],
    );
    let stored: serde_json::Value = serde_json::from_str(&head.meta.extra["dev_scores"]).unwrap();
    let f1m = eval["f1m"].as_f64().unwrap();
    assert_eq!(stored["attitudes.jsonl"]["f1m"], format!("{f1m:.4}"));
    assert_eq!(printed["dev"]["attitudes.jsonl"]["f1m"], eval["f1m"]);

    // Heads of another shape make no soup, and nothing is written.
    train_small_td_with(dir.path(), "wide.safetensors", 9, &["--context-rank", "8"]);
    let out = soup(
        &["seven.safetensors", "wide.safetensors"],
        "never.safetensors",
    );
    assert_one_line_error(
        &out,
        &["wide.safetensors", "of another shape", "seven.safetensors"],
    );
    assert!(!dir.path().join("never.safetensors").exists());
}

/// The committed default head, the target-dependent model, on both NewsMTSC dev sets: above
/// the logistic head's 0.749 / 0.711, and at the issue's 0.80 / 0.77 (measured 0.825 / 0.774 on
/// AVX-512; dev-mt's floor sits a target or two lower, for another CPU's rounding).
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn default_td_head_beats_the_logistic_head_on_newsmtsc_dev() {
    let cache = tempfile::tempdir().unwrap();
    for (file, floor) in [
        ("newsmtsc/dev-rw.jsonl", 0.80),
        ("newsmtsc/dev-mt.jsonl", 0.765),
    ] {
        let dev = data(file);
        let head = eval_json(cache.path(), &["--data", dev.to_str().unwrap()]);
        let f1m = head["f1m"].as_f64().unwrap();
        assert!(f1m >= floor, "{file}: F1m {f1m} < {floor}");
    }
}

/// Sentences with two targets each (NewsMTSC polarities: 2 negative, 4 neutral, 6 positive).
const TWO_TARGETS: &[(&str, [(&str, f64); 2])] = &[
    (
        "Marta Klein praised the plan, while Jonas Berg called it a disaster for the town.",
        [("Marta Klein", 6.0), ("Jonas Berg", 2.0)],
    ),
    (
        "The court cleared Ana Ruiz of all charges but sentenced her partner Leo Varga to prison.",
        [("Ana Ruiz", 6.0), ("Leo Varga", 2.0)],
    ),
    (
        "Ministers met in Oslo on Tuesday.",
        [("Ministers", 4.0), ("Oslo", 4.0)],
    ),
];

/// The context-pooling head: a file trained with `--context-rank` carries the pooling's
/// tensors, and scoring through the adapted encoder (one pass per sentence) gives the same
/// probabilities as the training graph, with the pooling's weights made far from their start.
#[test]
fn context_pooling_scores_as_the_training_graph_computes() {
    use themescope::sentiment::tdmodel::{network, train::graph_probabilities, TdHead, TdScorer};
    use themescope::sentiment::Scorer;

    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("ctx.safetensors");
    let out = themescope(dir.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["head", "train", "--quiet", "--kind", "td", "--limit", "24"])
        .args(["--epochs", "1", "--top-layers", "2", "--rank", "4"])
        .args(["--context-rank", "8", "--train-batch", "8", "--seed", "5"])
        .arg("--data")
        .arg(write_attitudes(dir.path()))
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut head = TdHead::read(&out_path).unwrap();
    assert_eq!(head.meta.shape.context, 8);
    assert_eq!(head.tensors[network::HEAD_WEIGHT].0, vec![3, 3 * 384]);
    // Far from the start (key projection zero, no distance bias), so the attention is sharp.
    for (name, scale) in [(network::CTX_KEY, 0.2f32), (network::CTX_DISTANCE, 1.5)] {
        let values = &mut head.tensors.get_mut(name).unwrap().1;
        for (i, v) in values.iter_mut().enumerate() {
            *v += scale * ((i as f32 * 0.37).sin());
        }
    }
    let back = TdHead::from_bytes("ctx", &head.to_bytes()).unwrap();
    assert_eq!(back.tensors, head.tensors);

    let mut lines = String::new();
    for (sentence, targets) in TWO_TARGETS {
        let targets: Vec<_> = targets
            .iter()
            .map(|(m, p)| {
                let from = sentence.find(m).unwrap();
                serde_json::json!({"from": from, "to": from + m.len(), "mention": m, "polarity": p})
            })
            .collect();
        let line = serde_json::json!({"sentence_normalized": sentence, "targets": targets});
        lines.push_str(&format!("{line}\n"));
    }
    let data_path = dir.path().join("two.jsonl");
    std::fs::write(&data_path, lines).unwrap();
    let data = themescope::sentiment::training::data::read_newsmtsc(&data_path).unwrap();
    let refs: Vec<_> = data.targets.iter().collect();

    let model = themescope::model::resolve(
        models_dir().join(common::MINILM).to_str().unwrap(),
        &Default::default(),
    )
    .unwrap();
    let embedder =
        themescope::embed::Embedder::load(&model, &themescope::embed::EmbedOptions::default())
            .unwrap();
    let graph = graph_probabilities(&embedder, &head, &refs).unwrap();
    let scorer = TdScorer::new(&head, &embedder).unwrap();
    let scored = scorer.score(&data.target_refs(), &mut |_| {}).unwrap();
    assert_eq!(scored.len(), 6);
    for (g, s) in graph.iter().zip(&scored) {
        for (a, b) in g.iter().zip(s.probs.iter()) {
            assert!((a - b).abs() < 1e-4, "graph {g:?}, scorer {:?}", s.probs);
        }
    }
    // The context reaches the scores: weighting the target's neighbours moves them.
    let mut near = head.clone();
    near.tensors.get_mut(network::CTX_DISTANCE).unwrap().1[0] += 4.0;
    let moved = TdScorer::new(&near, &embedder)
        .unwrap()
        .score(&data.target_refs(), &mut |_| {})
        .unwrap();
    let shift: f32 = moved
        .iter()
        .zip(&scored)
        .map(|(a, b)| (a.probs[0] - b.probs[0]).abs())
        .sum();
    assert!(shift > 1e-3, "the distance bias moved nothing ({shift})");
}
