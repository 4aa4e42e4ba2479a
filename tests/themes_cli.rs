//! `themescope themes` end to end on the seed articles (shared data) and the sample corpus, with
//! the real model.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

fn run_themes(tmp: &Path, args: &[&str]) -> std::process::Output {
    themescope(&tmp.join("hf-cache"))
        .env("THEMESCOPE_MODELS", models_dir())
        .arg("themes")
        .args(args)
        .output()
        .unwrap()
}

/// Embeds the seeds once into `tmp/seeds.parquet`.
fn seed_embeddings(tmp: &Path) -> PathBuf {
    embeddings(tmp, &seeds(), "seeds.parquet")
}

/// Embeds the sample corpus once into `tmp/sample.parquet`.
fn sample_embeddings(tmp: &Path) -> PathBuf {
    embeddings(tmp, &sample_corpus(), "sample.parquet")
}

fn embeddings(tmp: &Path, input: &Path, name: &str) -> PathBuf {
    let out = tmp.join(name);
    let r = themescope(&tmp.join("hf-cache"))
        .env("THEMESCOPE_MODELS", models_dir())
        .args(["embed", "--quiet", "--out"])
        .arg(&out)
        .arg(input)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", stderr(&r));
    out
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn seed_themes_name_the_phrases_an_analyst_would_and_are_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let emb = seed_embeddings(tmp.path());
    let a = tmp.path().join("a.json");
    let b = tmp.path().join("b.json");
    for out in [&a, &b] {
        let r = run_themes(
            tmp.path(),
            &[
                "--quiet",
                "--embeddings",
                emb.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(r.status.success(), "{}", stderr(&r));
        // The summary on stdout lists the themes.
        assert!(String::from_utf8_lossy(&r.stdout).contains("themes over"));
    }
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(&b).unwrap(),
        "same seed, different themes.json"
    );

    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["schema"], "themescope.themes/1");
    let themes = doc["themes"].as_array().unwrap();
    assert!(themes.len() >= 3, "only {} themes", themes.len());
    let top10 = |needle: &str| {
        themes.iter().any(|t| {
            t["phrases"]
                .as_array()
                .unwrap()
                .iter()
                .take(10)
                .any(|p| p["phrase"].as_str().unwrap().to_lowercase() == needle)
        })
    };
    assert!(top10("marriage of convenience"), "{}", summary(themes));
    assert!(top10("reverse nixon"), "{}", summary(themes));
    let labels: Vec<String> = themes
        .iter()
        .map(|t| t["label"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("marriage of convenience") || l.contains("reverse nixon")),
        "{labels:?}"
    );
    // Seed 001 retells 000: found, and not counted twice.
    let dups = doc["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert!(dups[0]["doc_id"].as_str().unwrap().starts_with("001_"));
    assert!(dups[0]["duplicate_of"]
        .as_str()
        .unwrap()
        .starts_with("000_"));
    let paragraphs = doc["paragraphs"].as_array().unwrap();
    let counted: u64 = themes
        .iter()
        .map(|t| t["size"].as_u64().unwrap())
        .sum::<u64>()
        + doc["outliers"]["count"].as_u64().unwrap();
    let not_dup = paragraphs
        .iter()
        .filter(|p| p["duplicate"] == false)
        .count() as u64;
    assert_eq!(counted, not_dup);
    for t in themes {
        assert_eq!(
            t["representatives"].as_array().unwrap().len().min(3),
            3.min(t["size"].as_u64().unwrap() as usize)
        );
    }
}

fn summary(themes: &[serde_json::Value]) -> String {
    themes
        .iter()
        .map(|t| {
            let p: Vec<&str> = t["phrases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["phrase"].as_str().unwrap())
                .collect();
            format!("{}: {}", t["label"], p.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn k_larger_than_the_corpus_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = sample_corpus();
    let r = run_themes(tmp.path(), &["--k", "500", corpus.to_str().unwrap()]);
    assert_one_line_error(&r, &["--k 500", "paragraphs"]);
}

#[test]
fn embeddings_from_another_model_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let emb = sample_embeddings(tmp.path());
    let other = tmp.path().join("other--model");
    write_tiny_bert(&other, false);
    let r = run_themes(
        tmp.path(),
        &[
            "--embeddings",
            emb.to_str().unwrap(),
            "--model",
            other.to_str().unwrap(),
        ],
    );
    assert_one_line_error(&r, &["sample.parquet", "all-MiniLM-L6-v2", "other/model"]);
}

#[test]
fn empty_and_misshapen_embeddings_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let emb = sample_embeddings(tmp.path());
    let mut set = themescope::store::read(&emb).unwrap();

    // Vectors of the wrong width for the model named in the file.
    let narrow = tmp.path().join("narrow.safetensors");
    let mut bad = set.clone();
    bad.vectors = bad.vectors.slice(ndarray::s![.., ..100]).to_owned();
    bad.info.dim = 100;
    themescope::store::write(&narrow, &bad).unwrap();
    let r = run_themes(tmp.path(), &["--embeddings", narrow.to_str().unwrap()]);
    assert_one_line_error(&r, &["narrow.safetensors", "100"]);

    // No rows at all.
    let empty = tmp.path().join("empty.safetensors");
    set.rows.clear();
    set.vectors = ndarray::Array2::zeros((0, 384));
    themescope::store::write(&empty, &set).unwrap();
    let r = run_themes(tmp.path(), &["--embeddings", empty.to_str().unwrap()]);
    assert_one_line_error(&r, &["empty"]);
}

/// Lower case, one space between words, straight apostrophes and plain hyphens: how a phrase
/// and a paragraph are compared.
fn plain(text: &str) -> String {
    let text = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{2013}', '\u{2014}', '\u{2010}'], "-");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every part of `label` (parts joined by " / ") occurs in one of the paragraphs of `themes`.
fn label_is_a_phrase_of(label: &str, themes: &[u64], doc: &serde_json::Value, texts: &[String]) {
    let theirs: Vec<String> = doc["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["duplicate"] == false)
        .filter(|p| p["theme"].as_u64().is_some_and(|t| themes.contains(&t)))
        .map(|p| plain(&texts[p["row"].as_u64().unwrap() as usize]))
        .collect();
    assert!(!label.is_empty() && !label.contains(" · "), "{label:?}");
    for part in label.split(" / ") {
        let part = plain(part);
        assert!(
            theirs.iter().any(|t| t.contains(&part)),
            "{part:?} is in no paragraph of themes {themes:?}"
        );
    }
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn level_cuts_the_theme_tree_into_groups_named_from_their_own_paragraphs() {
    let tmp = tempfile::tempdir().unwrap();
    let emb = seed_embeddings(tmp.path());
    let out = tmp.path().join("level.json");
    let r = run_themes(
        tmp.path(),
        &[
            "--embeddings",
            emb.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--level",
            "3",
        ],
    );
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(String::from_utf8_lossy(&r.stdout).contains("in 3 groups"));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let texts: Vec<String> = themescope::store::read(&emb)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.text)
        .collect();
    let themes = doc["themes"].as_array().unwrap();
    assert!(themes.len() > 3, "{} themes", themes.len());
    assert_eq!(doc["params"]["level"], 3);

    // Three groups whose themes partition the themes, their sizes adding up.
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3, "{groups:?}");
    let ids = |v: &serde_json::Value| -> Vec<u64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_u64().unwrap())
            .collect()
    };
    let mut members: Vec<u64> = groups.iter().flat_map(|g| ids(&g["themes"])).collect();
    members.sort_unstable();
    assert_eq!(members, (0..themes.len() as u64).collect::<Vec<_>>());
    for g in groups {
        let size: u64 = ids(&g["themes"])
            .iter()
            .map(|&t| themes[t as usize]["size"].as_u64().unwrap())
            .sum();
        assert_eq!(g["size"].as_u64().unwrap(), size);
        // Named from its own paragraphs: a phrase they hold, not its themes' names joined.
        label_is_a_phrase_of(
            g["label"].as_str().unwrap(),
            &ids(&g["themes"]),
            &doc,
            &texts,
        );
        assert!(g["words"].as_array().unwrap().len() >= 5, "{g}");
    }
    // A group of several themes is a node of the tree, named the same way; the root, which
    // holds them all, is the corpus.
    let tree = doc["tree"].as_array().unwrap();
    assert_eq!(tree.len(), themes.len() - 1);
    let (root, groups_below) = tree.split_last().unwrap();
    assert_eq!(root["label"], themescope::themes::tree::ROOT_LABEL);
    for m in groups_below {
        label_is_a_phrase_of(
            m["label"].as_str().unwrap(),
            &ids(&m["themes"]),
            &doc,
            &texts,
        );
    }
    for g in groups
        .iter()
        .filter(|g| g["themes"].as_array().unwrap().len() > 1)
    {
        assert!(tree
            .iter()
            .any(|m| m["node"] == g["node"] && m["themes"] == g["themes"]));
    }

    // A level of at least the number of themes leaves each theme alone, with its own name.
    let all = tmp.path().join("all.json");
    let r = run_themes(
        tmp.path(),
        &[
            "--quiet",
            "--embeddings",
            emb.to_str().unwrap(),
            "--out",
            all.to_str().unwrap(),
            "--level",
            "50",
        ],
    );
    assert!(r.status.success(), "{}", stderr(&r));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&all).unwrap()).unwrap();
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), doc["themes"].as_array().unwrap().len());
    for g in groups {
        let t = &doc["themes"][g["themes"][0].as_u64().unwrap() as usize];
        assert_eq!(g["label"], t["label"]);
    }
}
