//! Actor sentiment over the seed articles with the committed head: Putin's mean attitude in seed
//! 000 is negative, and aliases from an actor file merge into one actor.

mod common;

use std::path::PathBuf;

use common::{models_dir, seeds, stderr, themescope};

fn seed(prefix: &str) -> PathBuf {
    let dir = seeds();
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()))
}

const ACTORS: &str = r#"
gazetteer = true

[[actor]]
name = "Vladimir Putin"
kind = "person"
aliases = ["Putin", "President Vladimir Putin", "the Russian leader"]

[[actor]]
name = "Donald Trump"
kind = "person"
aliases = ["Trump", "U.S. President Donald Trump", "the U.S. leader"]

[[actor]]
name = "Xi Jinping"
kind = "person"
aliases = ["Xi", "Chinese President Xi Jinping"]
"#;

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn putin_is_treated_negatively_in_seed_000() {
    let dir = tempfile::tempdir().unwrap();
    let actors = dir.path().join("actors.toml");
    std::fs::write(&actors, ACTORS).unwrap();
    let json = dir.path().join("sentiment.json");
    let out = themescope(dir.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["sentiment", "--quiet", "--actors"])
        .arg(&actors)
        .arg("--out")
        .arg(&json)
        .arg(seed("000_"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("Vladimir Putin"), "{table}");

    let result: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let actors = result["actors"].as_array().unwrap();
    let putin = actors
        .iter()
        .find(|a| a["actor"] == "Vladimir Putin")
        .expect("Putin in the result");
    let mean = putin["mean"].as_f64().unwrap();
    assert!(mean < 0.0, "Putin's mean attitude in seed 000 is {mean}");
    assert!(putin["mentions"].as_u64().unwrap() >= 10);
    assert!(putin["rank"].is_number());

    // Aliases merge: every written form of Putin counts for the one actor.
    let mentions = result["mentions"].as_array().unwrap();
    let forms: std::collections::BTreeSet<&str> = mentions
        .iter()
        .filter(|m| m["actor"] == "Vladimir Putin")
        .map(|m| m["alias"].as_str().unwrap())
        .collect();
    for alias in ["Putin", "President Vladimir Putin", "the Russian leader"] {
        assert!(forms.contains(alias), "{alias} not among {forms:?}");
    }
    assert!(actors.iter().all(|a| a["actor"] != "Putin"));
    // Spans point at the text, in bytes and characters.
    for m in mentions {
        let span = &m["span"];
        let (s, e) = (
            span["start"].as_u64().unwrap(),
            span["end"].as_u64().unwrap(),
        );
        assert_eq!(m["text"].as_str().unwrap().len() as u64, e - s);
        assert!(m["score"].as_f64().unwrap().abs() <= 1.0);
    }
    // Countries come from the gazetteer: Kremlin and Moscow count for Russia.
    let russia = actors.iter().find(|a| a["actor"] == "Russia").unwrap();
    assert!(russia["mentions"].as_u64().unwrap() >= 10);
}

/// (actor, document, paragraph) of a mention or a paragraph entry.
fn paragraph_key(actor: &str, v: &serde_json::Value) -> (String, String, u64) {
    (
        actor.to_string(),
        v["doc_id"].as_str().unwrap().to_string(),
        v["paragraph"].as_u64().unwrap(),
    )
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn paragraphs_whose_mentions_agree_take_their_polarity() {
    use std::collections::BTreeMap;
    use themescope::sentiment::attitude::{AttitudeModel, DEFAULT_ATTITUDE};
    let threshold = AttitudeModel::resolve(DEFAULT_ATTITUDE)
        .unwrap()
        .unanimity
        .expect("the built-in aggregation has the unanimity rule");
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("sentiment.json");
    let out = themescope(dir.path())
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["sentiment", "--quiet", "--out"])
        .arg(&json)
        .arg(seeds())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    // The smallest p(negative) and p(positive) over each paragraph's mentions of each actor.
    let mut least: BTreeMap<(String, String, u64), [f64; 2]> = BTreeMap::new();
    for m in result["mentions"].as_array().unwrap() {
        let probs = &m["probs"];
        let (neg, pos) = (probs[0].as_f64().unwrap(), probs[2].as_f64().unwrap());
        let key = paragraph_key(m["actor"].as_str().unwrap(), m);
        let e = least.entry(key).or_insert([1.0, 1.0]);
        *e = [e[0].min(neg), e[1].min(pos)];
    }
    let mut unanimous = 0;
    for actor in result["actors"].as_array().unwrap() {
        let name = actor["actor"].as_str().unwrap();
        for p in actor["paragraphs"].as_array().unwrap() {
            let [neg, pos] = least[&paragraph_key(name, p)];
            let label = p["attitude"]["label"].as_str().unwrap();
            let expect = if neg >= threshold {
                "negative"
            } else if pos >= threshold {
                "positive"
            } else {
                continue;
            };
            unanimous += 1;
            assert_eq!(label, expect, "{name} in {p}");
        }
    }
    assert!(
        unanimous >= 5,
        "only {unanimous} paragraphs with agreeing mentions"
    );
    // Putin's most negative paragraph (every mention about −0.99) reads negative.
    let putin = result["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Vladimir Putin")
        .unwrap();
    let worst = putin["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .min_by(|a, b| {
            a["mean"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["mean"].as_f64().unwrap())
        })
        .unwrap();
    assert!(worst["mean"].as_f64().unwrap() < -0.9, "{worst}");
    assert_eq!(worst["attitude"]["label"], "negative", "{worst}");
}
