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
