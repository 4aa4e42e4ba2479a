//! `themescope embed` on the sample corpus and stdin, with the real model.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::*;
use themescope::store;

fn sample_corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

#[test]
fn sample_corpus_in_every_format_gives_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let mut sets = Vec::new();
    for ext in ["npy", "safetensors", "parquet"] {
        let out = tmp.path().join(format!("emb.{ext}"));
        let result = themescope(tmp.path())
            .args([
                "embed",
                "--json",
                "--model",
                minilm_dir().to_str().unwrap(),
                "--out",
            ])
            .arg(&out)
            .arg(sample_corpus())
            .output()
            .unwrap();
        assert!(result.status.success(), "{}", stderr(&result));
        let summary: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
        let set = store::read(&out).unwrap();
        assert_eq!(summary["rows"].as_u64().unwrap() as usize, set.rows.len());
        assert_eq!(summary["dim"], 384);
        sets.push(set);
    }
    let first = &sets[0];
    assert!(
        first.rows.len() >= 30,
        "only {} paragraphs",
        first.rows.len()
    );
    for other in &sets[1..] {
        assert_eq!(other.rows, first.rows);
        assert_eq!(other.vectors, first.vectors);
        assert_eq!(other.info, first.info);
    }
    assert_eq!(
        first.info.model_id,
        "sentence-transformers/all-MiniLM-L6-v2"
    );
    assert_eq!(first.info.max_seq_length, 256);
    assert!(first.info.normalized);
    // Every sample document contributes, and markup and boilerplate do not.
    let docs: std::collections::BTreeSet<&str> =
        first.rows.iter().map(|r| r.doc_id.as_str()).collect();
    assert_eq!(docs.len(), 7, "{docs:?}");
    for row in &first.rows {
        assert!(
            !row.text.contains("<p>") && !row.text.contains("](http"),
            "{}",
            row.text
        );
        assert!(!row.text.contains("All rights reserved"), "{}", row.text);
        assert!(!row.text.contains("console.log"), "{}", row.text);
    }
    // Paragraphs about the same subject are nearer each other than to unrelated ones.
    let find = |needle: &str| {
        first
            .rows
            .iter()
            .position(|r| r.text.contains(needle))
            .unwrap()
    };
    let gas_a = find("second large gas pipeline");
    let gas_b = find("Every year without a deal");
    let chips = find("gallium and germanium");
    let v = &first.vectors;
    assert!(v.row(gas_a).dot(&v.row(gas_b)) > v.row(gas_a).dot(&v.row(chips)));
}

#[test]
fn reads_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("stdin.safetensors");
    let mut child = themescope(tmp.path())
        .args([
            "embed",
            "-",
            "--quiet",
            "--model",
            minilm_dir().to_str().unwrap(),
            "--out",
        ])
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("First paragraph about Xi.\n\nSecond paragraph about Putin.\n".as_bytes())
        .unwrap();
    let result = child.wait_with_output().unwrap();
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        result.stderr.is_empty(),
        "--quiet printed: {}",
        stderr(&result)
    );
    let set = store::read(&out).unwrap();
    assert_eq!(set.rows.len(), 2);
    assert_eq!(set.rows[1].text, "Second paragraph about Putin.");
    assert_eq!(set.rows[1].para_index, 1);
}

#[test]
fn help_teaches_formats_and_examples() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_themescope"))
        .args(["embed", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        ".npy",
        ".safetensors",
        ".parquet",
        "Examples:",
        "--unit",
        "THEMESCOPE_MODEL",
        "--device",
    ] {
        assert!(
            help.contains(needle),
            "`{needle}` missing from embed --help"
        );
    }
}

/// Every product kernel the CPU has (forced with `THEMESCOPE_CPU_KERNEL`) gives the same i8, i16
/// and bf16 vectors, byte for byte, as the portable one: the kernel changes speed, never results.
/// (The element-wise kernels follow the choice too: AVX2 ones beside the portable and AVX2
/// products, AVX-512 ones beside the AVX-512 products.)
#[test]
fn every_integer_kernel_gives_the_same_vectors() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.txt");
    std::fs::write(
        &input,
        "Putin and Xi met in Moscow to sign new energy deals.\n\n\
         The central bank raised interest rates by half a point.\n\n\
         A storm closed the port, and ships waited offshore for three days.",
    )
    .unwrap();
    let embed = |kernel: &str, dtype: &str| {
        let out = tmp.path().join(format!("{kernel}-{dtype}.npy"));
        let result = themescope(tmp.path())
            .env("THEMESCOPE_CPU_KERNEL", kernel)
            .args(["embed", "--no-cache", "--dtype", dtype, "--device", "cpu"])
            .args(["--model", minilm_dir().to_str().unwrap(), "--out"])
            .arg(&out)
            .arg(&input)
            .output()
            .unwrap();
        assert!(result.status.success(), "{kernel}: {}", stderr(&result));
        std::fs::read(&out).unwrap()
    };
    for dtype in ["i8", "i16", "bf16"] {
        let portable = embed("portable", dtype);
        assert!(portable.len() > 3 * 384 * 4, "{} bytes", portable.len());
        // A kernel the CPU lacks falls back to the widest it has: still the same bytes.
        for kernel in ["avx2", "avx512-vnni"] {
            assert!(
                embed(kernel, dtype) == portable,
                "{dtype}: {kernel} differs from portable"
            );
        }
    }
}
