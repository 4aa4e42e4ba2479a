//! Bad input: a one-line error naming the file, a non-zero exit, and no output file left behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

/// Runs `themescope embed INPUT --out <tmp>/out.npy [extra]` and returns the output and whether
/// any output file was left.
fn embed(tmp: &Path, input: &Path, extra: &[&str], models: Option<&Path>) -> (Output, bool) {
    let out = tmp.join("out.npy");
    let mut cmd = themescope(&tmp.join("hf-cache"));
    if let Some(m) = models {
        cmd.env("THEMESCOPE_MODELS", m);
    }
    let output = cmd
        .arg("embed")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    let left = out.exists() || tmp.join("out.jsonl").exists();
    (output, left)
}

fn real_model_args() -> Vec<String> {
    vec!["--model".into(), minilm_dir().to_str().unwrap().into()]
}

#[test]
fn missing_path() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.txt");
    let (out, left) = embed(tmp.path(), &missing, &[], None);
    assert_one_line_error(&out, &["nope.txt", "no such file"]);
    assert!(!left);
}

#[test]
fn binary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("image.txt");
    std::fs::write(&bin, [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0, 1, 2, 3]).unwrap();
    let (out, left) = embed(tmp.path(), &bin, &[], None);
    assert_one_line_error(&out, &["image.txt", "binary"]);
    assert!(!left);
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("latin1.txt");
    let mut bytes = b"Caf".to_vec();
    bytes.push(0xE9); // 'é' in Latin-1
    bytes.extend_from_slice(b" au lait\n");
    std::fs::write(&bad, bytes).unwrap();
    let (out, left) = embed(tmp.path(), &bad, &[], None);
    assert_one_line_error(&out, &["latin1.txt", "UTF-8", "3"]);
    assert!(!left);
}

#[test]
fn empty_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("empty");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("blank.txt"), "\n  \n\n").unwrap();
    let (out, left) = embed(tmp.path(), &dir, &[], None);
    assert_one_line_error(&out, &["no text found", "empty"]);
    assert!(!left);
}

#[test]
fn unknown_model_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, left) = embed(
        tmp.path(),
        &sample_corpus(),
        &["--model", "nobody/no-such-model", "--offline"],
        Some(tmp.path()),
    );
    assert_one_line_error(
        &out,
        &["nobody/no-such-model", "offline", "THEMESCOPE_MODELS"],
    );
    assert!(!left);
}

#[test]
fn model_folder_without_weights() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("half-model");
    std::fs::create_dir(&model).unwrap();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(minilm_dir().join(f), model.join(f)).unwrap();
    }
    let (out, left) = embed(
        tmp.path(),
        &sample_corpus(),
        &["--model", model.to_str().unwrap()],
        None,
    );
    assert_one_line_error(&out, &["half-model", "model.safetensors"]);
    assert!(!left);
}

#[test]
fn weights_whose_sha256_differs_from_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let models = tmp.path().join("models");
    let dir = models.join("sentence-transformers--all-MiniLM-L6-v2");
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    for f in [
        "config.json",
        "tokenizer.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ] {
        std::fs::copy(minilm_dir().join(f), dir.join(f)).unwrap();
    }
    // Same size class, different bytes: a truncated download.
    let weights = std::fs::read(minilm_dir().join("model.safetensors")).unwrap();
    std::fs::write(dir.join("model.safetensors"), &weights[..weights.len() / 2]).unwrap();
    let (out, left) = embed(
        tmp.path(),
        &sample_corpus(),
        &["--model", "sentence-transformers/all-MiniLM-L6-v2"],
        Some(&models),
    );
    assert_one_line_error(&out, &["model.safetensors", "sha256", "manifest"]);
    assert!(!left);
}

#[test]
fn unknown_output_extension_fails_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = themescope(tmp.path())
        .args(["embed", "--out"])
        .arg(tmp.path().join("vectors.xlsx"))
        .arg(sample_corpus())
        .output()
        .unwrap();
    assert_one_line_error(&out, &["vectors.xlsx", ".npy"]);
}

#[test]
fn cuda_without_cuda_build_is_explained() {
    if cfg!(feature = "cuda") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut extra = real_model_args();
    extra.extend(["--device".into(), "cuda".into()]);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let (out, left) = embed(tmp.path(), &sample_corpus(), &extra, None);
    assert_one_line_error(&out, &["--device cuda", "--features cuda"]);
    assert!(!left);
}
