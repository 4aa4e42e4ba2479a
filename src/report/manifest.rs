//! `run.json`, the run manifest: what ran (version, command line, model files with their hashes,
//! every setting and the seed), on what (each input file with its hash, skipped files), and how
//! long each stage took. Unlike the report, it holds times and paths, so it differs between
//! runs.

use std::path::Path;

use serde_json::{json, Value};

use crate::config::RunConfig;
use crate::corpus::{Corpus, SkippedInput};
use crate::embed::EncoderInfo;
use crate::model::ResolvedModel;
use crate::sentiment::HeadSummary;

/// Schema id of `run.json`.
pub const SCHEMA: &str = "themescope.run/1";

/// The files a run writes, run.json last.
pub const OUTPUTS: [&str; 5] = [
    "report.html",
    "report.md",
    "report.json",
    "paragraphs.parquet",
    "run.json",
];

/// What the manifest records.
pub struct ManifestInputs<'a> {
    /// The command line (or how a library caller names the run).
    pub command: &'a [String],
    pub config_file: Option<&'a Path>,
    pub config: &'a RunConfig,
    pub model: &'a ResolvedModel,
    pub encoder: &'a EncoderInfo,
    pub head: Option<HeadSummary>,
    pub corpus: &'a Corpus,
    pub skipped: &'a [SkippedInput],
    /// Wall time of each stage, in order.
    pub stages: &'a [(&'static str, f64)],
    pub total_seconds: f64,
    pub exit_code: u8,
}

/// The manifest as JSON (keys sorted, as serde_json writes maps).
pub fn build(m: &ManifestInputs<'_>) -> Value {
    let c = m.config;
    let params = c.themes.params();
    json!({
        "schema": SCHEMA,
        "themescope_version": env!("CARGO_PKG_VERSION"),
        "command": m.command,
        "config": m.config_file.map(|p| p.display().to_string()),
        "model": {
            "id": m.model.id,
            "revision": m.model.revision,
            "source": m.model.source.to_string(),
            "dir": m.model.dir.display().to_string(),
            "files": model_files(&m.model.dir),
            "device": m.encoder.device,
            "dtype": c.model.dtype.as_str(),
            "batch_size": c.model.batch_size,
            "threads": c.model.threads,
        },
        "sentiment": {
            "method": c.sentiment.method.as_str(),
            "head": m.head,
            "actors_file": c.sentiment.actors.as_ref().map(|p| p.display().to_string()),
            "min_mentions": c.sentiment.min_mentions,
        },
        "themes": {
            "params": params,
            "phrases": c.themes.phrase_record(),
        },
        "input": {
            "text_field": c.input.text_field,
            "keep_boilerplate": c.input.keep_boilerplate,
        },
        "seed": params.seed,
        "inputs": input_files(m.corpus),
        "skipped": m.skipped,
        "outputs": OUTPUTS,
        "stages": m.stages.iter().map(|(n, t)| json!({"stage": n, "seconds": millis(*t)})).collect::<Vec<_>>(),
        "total_seconds": millis(m.total_seconds),
        "peak_rss_bytes": peak_rss_bytes(),
        "exit_code": m.exit_code,
    })
}

fn millis(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// Size and sha256 of a file, streamed (the model's weights are not read into memory whole).
fn sha256_file(path: &Path) -> Option<(u64, String)> {
    let size = std::fs::metadata(path).ok()?.len();
    let hash = crate::model::manifest::sha256_file(path).ok()?;
    Some((size, hash))
}

/// Every file of the model folder with its size and sha256.
fn model_files(dir: &Path) -> Vec<Value> {
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
fn input_files(corpus: &Corpus) -> Vec<Value> {
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
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
