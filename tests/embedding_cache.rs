//! The incremental embedding cache: a second run embeds nothing, a new document only its own
//! paragraphs, and a run killed with SIGKILL resumes and ends exactly where an uninterrupted
//! run would. The inputs come from the sample corpus in `examples/corpus`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{models_dir, read_npy, stderr, themescope};
use themescope::corpus::{Corpus, ReadOptions, Unit};

fn sample_corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

fn cmd(tmp: &Path, cache: Option<&Path>) -> Command {
    let mut c = themescope(&tmp.join("hf"));
    c.env("THEMESCOPE_MODELS", models_dir());
    if let Some(dir) = cache {
        c.env_remove("THEMESCOPE_NO_CACHE").arg("--cache").arg(dir);
    }
    c
}

fn embed(tmp: &Path, cache: Option<&Path>, args: &[&str]) -> Output {
    let out = cmd(tmp, cache).arg("embed").args(args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// "cache: H of N ... found, E embedded" → (H, N, E).
fn cache_line(out: &Output) -> (usize, usize, usize) {
    let err = stderr(out);
    let line = err
        .lines()
        .find(|l| l.starts_with("cache: "))
        .unwrap_or_else(|| panic!("no cache line in: {err}"));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    (n[0], n[1], n[2])
}

/// A short article written for this test; no paragraph of it is in the sample corpus.
const NEW_DOCUMENT: &str = "# A grain corridor reopens on the Danube

Barges loaded with wheat left the port of Izmail on Monday, the first convoy to sail since the \
river corridor closed in the spring.

Insurers had refused to cover the route for months. A guarantee fund backed by several European \
governments changed their minds, officials said, although premiums remain far above their old \
level.

Traders in Constanta expect the convoys to ease a backlog of silos that has kept prices low for \
farmers and high for importers across North Africa.
";

#[test]
fn second_run_embeds_nothing_and_a_new_document_only_its_paragraphs() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let corpus = t.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    // The sample corpus, with its credit line kept in the first article only: the cache holds
    // each text once, so no two paragraphs may be the same for the counts below.
    let credit = "An original sample article written for the themescope examples.";
    let mut files: Vec<_> = std::fs::read_dir(sample_corpus())
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    files.sort();
    let mut credited = false;
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !(credited && l.contains(credit)))
            .map(|l| format!("{l}\n"))
            .collect();
        credited |= text.contains(credit);
        std::fs::write(corpus.join(p.file_name().unwrap()), kept).unwrap();
    }
    assert!(credited);
    let cache = t.join("cache");
    let c = corpus.to_str().unwrap();
    let (a, b, fresh) = (t.join("a.npy"), t.join("b.npy"), t.join("fresh.npy"));

    let first = embed(t, Some(&cache), &[c, "--out", a.to_str().unwrap()]);
    let (hits, n, embedded) = cache_line(&first);
    assert_eq!((hits, embedded), (0, n));
    let second = embed(t, Some(&cache), &[c, "--out", b.to_str().unwrap()]);
    assert_eq!(cache_line(&second), (n, n, 0), "{}", stderr(&second));
    assert_eq!(read_npy(&a), read_npy(&b));
    // Without the cache: the very same numbers.
    embed(t, None, &[c, "--out", fresh.to_str().unwrap()]);
    assert_eq!(read_npy(&a), read_npy(&fresh));

    // One new document: only its paragraphs are embedded.
    std::fs::write(corpus.join("zz-new.md"), NEW_DOCUMENT).unwrap();
    let third = embed(t, Some(&cache), &[c, "--out", b.to_str().unwrap()]);
    let (hits, total, embedded) = cache_line(&third);
    assert_eq!(hits, n);
    assert_eq!(total, n + embedded);
    assert!(embedded > 0 && embedded < 20, "{embedded}");

    let stats = cmd(t, Some(&cache))
        .args(["cache", "stats", "--json"])
        .output()
        .unwrap();
    assert!(stats.status.success(), "{}", stderr(&stats));
    let s: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(s["entries"].as_u64().unwrap() as usize, total);
}

#[test]
fn a_killed_run_resumes_and_matches_an_uninterrupted_one() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // 700 short news items, one document each: two sentences of the sample corpus apiece, a
    // different pair every time (so no two items share a text).
    let corpus = Corpus::read(&[sample_corpus()], &ReadOptions::default()).unwrap();
    let sentences: Vec<String> = corpus
        .units(Unit::Sentence)
        .into_iter()
        .map(|u| u.text)
        .collect();
    let n = sentences.len();
    assert!(n * (n - 1) >= 700, "only {n} sentences");
    let mut lines = String::new();
    for i in 0..700 {
        let (a, b) = (i % n, (i % n + 1 + i / n) % n);
        let text = format!("{} {}", sentences[a], sentences[b]);
        lines
            .push_str(&serde_json::json!({"id": format!("item-{i:03}"), "text": text}).to_string());
        lines.push('\n');
    }
    let input = t.join("ag.jsonl");
    std::fs::write(&input, lines).unwrap();
    let cache = t.join("cache");
    let out = t.join("resumed.npy");
    let args = [
        input.to_str().unwrap(),
        "--unit",
        "document",
        "--out",
        out.to_str().unwrap(),
    ];

    // Kill the first run with SIGKILL once it has committed a chunk.
    let mut child = cmd(t, Some(&cache))
        .env("RUST_LOG", "themescope=debug")
        .arg("embed")
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).unwrap();
        assert!(n > 0, "the run ended before committing a chunk");
        if line.contains("committed a chunk") {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(!out.exists(), "a killed run left an output file");

    let resumed = embed(t, Some(&cache), &args);
    let (hits, total, embedded) = cache_line(&resumed);
    assert_eq!(total, 700);
    assert!(
        hits >= 128 && embedded > 0,
        "{hits} found, {embedded} embedded"
    );

    let fresh = t.join("fresh.npy");
    embed(
        t,
        None,
        &[
            input.to_str().unwrap(),
            "--unit",
            "document",
            "--out",
            fresh.to_str().unwrap(),
        ],
    );
    assert_eq!(
        read_npy(&out),
        read_npy(&fresh),
        "resumed run differs from an uninterrupted one"
    );

    let verify = cmd(t, Some(&cache))
        .args(["cache", "verify"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", stderr(&verify));
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(
        said.contains("700 vectors checked, 0 damaged, store ok"),
        "{said}"
    );
}

/// The trained head's mention scores are cached too: a second `sentiment` run over the same
/// corpus scores nothing and writes the same file; without the cache the numbers are the same.
#[test]
fn second_sentiment_run_takes_every_mention_score_from_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cache = t.join("cache");
    let corpus = sample_corpus();
    let run = |cache: Option<&Path>, out: &Path| -> Output {
        let o = cmd(t, cache)
            .arg("sentiment")
            .arg(&corpus)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        o
    };
    let (a, b, fresh) = (t.join("a.json"), t.join("b.json"), t.join("fresh.json"));
    let first = run(Some(&cache), &a);
    let (hits, n, scored) = cache_line(&first);
    assert!(n > 20, "too few mentions to say anything: {n}");
    assert_eq!((hits, scored), (0, n));
    let second = run(Some(&cache), &b);
    assert_eq!(cache_line(&second), (n, n, 0), "{}", stderr(&second));
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    assert_eq!(read(&a), read(&b));
    run(None, &fresh);
    assert_eq!(read(&a), read(&fresh));
}

/// The lexicon is not worth caching: a `--method vader` run with a cache prints no cache line.
#[test]
#[ignore = "needs the VADER lexicon from the shared models (THEMESCOPE_MODELS)"]
fn the_lexicon_method_takes_nothing_from_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cache = t.join("cache");
    let corpus = sample_corpus();
    // The head's scores are in the cache first: there is something the lexicon could find.
    let head = cmd(t, Some(&cache))
        .arg("sentiment")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(head.status.success(), "{}", stderr(&head));
    assert!(
        stderr(&head).contains("mention scores found"),
        "{}",
        stderr(&head)
    );
    let vader = cmd(t, Some(&cache))
        .arg("sentiment")
        .arg(&corpus)
        .args(["--method", "vader"])
        .output()
        .unwrap();
    assert!(vader.status.success(), "{}", stderr(&vader));
    assert!(!stderr(&vader).contains("mention scores found"));
}
