//! The encoder against sentence-transformers' own output on the real all-MiniLM-L6-v2. The
//! reference rows and vectors are in the shared data (`reference/`): those tests are ignored
//! unless run with `-- --include-ignored`.

mod common;

use common::*;
use themescope::embed::{DeviceChoice, EmbedOptions, Embedder, Precision};
use themescope::model::{self, ResolveOptions};

const REFERENCE_ROWS: usize = 162;

fn reference_texts() -> Vec<String> {
    std::fs::read_to_string(data("reference/minilm-paragraphs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Runs `themescope embed` on the reference records and compares every row with the vectors
/// sentence-transformers computed.
fn check_cli_against_reference(model: &str, models_env: Option<&std::path::Path>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("X.npy");
    let mut cmd = themescope(tmp.path());
    if let Some(dir) = models_env {
        cmd.env("THEMESCOPE_MODELS", dir);
    }
    let result = cmd
        .args([
            "embed",
            "--quiet",
            "--unit",
            "document",
            "--long-text",
            "truncate",
            "--model",
            model,
            "--out",
        ])
        .arg(&out)
        .arg(data("reference/minilm-paragraphs.jsonl"))
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", stderr(&result));

    let ours = read_npy(&out);
    let reference = read_npy(&data("reference/minilm-paragraphs.npy"));
    assert_eq!(ours.dim(), (REFERENCE_ROWS, 384));
    assert_eq!(reference.dim(), ours.dim());
    let texts = reference_texts();
    let mut worst = (1.0f32, 0usize);
    for i in 0..REFERENCE_ROWS {
        let c = cosine(ours.row(i), reference.row(i));
        if c < worst.0 {
            worst = (c, i);
        }
    }
    assert!(
        worst.0 >= 0.9999,
        "row {} has cosine {} to sentence-transformers: {:?}",
        worst.1,
        worst.0,
        texts[worst.1].chars().take(80).collect::<String>()
    );
    // The hard rows are really in there: a long one (truncated at 256 tokens), CJK and emoji.
    assert!(texts.iter().any(|t| t.split_whitespace().count() > 600));
    assert!(texts
        .iter()
        .any(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));
    assert!(texts.iter().any(|t| t.chars().any(|c| c as u32 >= 0x1F300)));
    // The sidecar names every row.
    let sidecar = std::fs::read_to_string(tmp.path().join("X.jsonl")).unwrap();
    assert_eq!(sidecar.lines().count(), REFERENCE_ROWS);
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn embed_by_path_matches_sentence_transformers() {
    check_cli_against_reference(minilm_dir().to_str().unwrap(), None);
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn embed_by_hub_id_from_themescope_models_matches_sentence_transformers() {
    check_cli_against_reference(
        "sentence-transformers/all-MiniLM-L6-v2",
        Some(&models_dir()),
    );
}

fn load(batch_size: usize) -> Embedder {
    load_with(batch_size, true)
}

/// `packed`: the padding-free CPU encoder rather than candle's tensor path.
fn load_with(batch_size: usize, packed: bool) -> Embedder {
    load_precision(batch_size, packed, Precision::F32)
}

fn load_precision(batch_size: usize, packed: bool, precision: Precision) -> Embedder {
    let m = model::resolve(minilm_dir().to_str().unwrap(), &ResolveOptions::default()).unwrap();
    Embedder::load(
        &m,
        &EmbedOptions {
            device: DeviceChoice::Cpu,
            batch_size,
            packed,
            precision,
            ..EmbedOptions::default()
        },
    )
    .unwrap()
}

/// The 16-bit integer linear layers against sentence-transformers' f32 vectors: the bar
/// is 0.99; the quantisation is fine enough to hold 0.999 on every row, long, CJK and emoji ones
/// included. The reference rows are also checked not to have become trivially close: i16 must
/// differ from f32 somewhere, or the quantised path did not run.
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn i16_encoder_stays_close_to_sentence_transformers() {
    assert_close_to_sentence_transformers(Precision::I16, 0.999, 0.9999);
}

/// 8-bit products with calibrated outlier channels: further from f32 than i16, still well inside
/// the 0.99 the faster precision must keep.
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn i8_encoder_stays_close_to_sentence_transformers() {
    assert_close_to_sentence_transformers(Precision::I8, 0.995, 0.998);
}

/// bfloat16 products with f32 sums (layer norm, softmax and GELU in f32): all but as close as
/// i16, on every CPU (AVX-512 BF16 where it has it, portable code elsewhere).
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn bf16_encoder_stays_close_to_sentence_transformers() {
    assert_close_to_sentence_transformers(Precision::Bf16, 0.9995, 0.9999);
}

fn assert_close_to_sentence_transformers(precision: Precision, worst_floor: f32, mean_floor: f32) {
    let texts = reference_texts();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let reference = read_npy(&data("reference/minilm-paragraphs.npy"));
    let ours = load_precision(32, true, precision)
        .embed(&refs, &mut |_| {})
        .unwrap();
    let cos: Vec<f32> = (0..REFERENCE_ROWS)
        .map(|i| cosine(ours.row(i), reference.row(i)))
        .collect();
    let worst = cos.iter().copied().fold(1f32, f32::min);
    let mean = cos.iter().sum::<f32>() / cos.len() as f32;
    eprintln!("{precision:?}: worst cosine {worst}, mean {mean}");
    assert!(worst >= worst_floor, "{precision:?}: worst cosine {worst}");
    assert!(mean >= mean_floor, "{precision:?}: mean cosine {mean}");
    let max_diff = (&ours - &reference)
        .iter()
        .fold(0f32, |m, d| m.max(d.abs()));
    assert!(
        max_diff > 1e-5,
        "{precision:?} equals f32 to {max_diff}: was it quantised?"
    );
}

/// Quantisation (and bf16 rounding) is per token, and i8's calibration is fixed at load, so a
/// text's vector does not depend on what shares its batch.
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn integer_precisions_give_a_batch_of_one_the_vectors_of_a_batch_of_32_exactly() {
    let texts = reference_texts();
    let sample: Vec<&str> = texts.iter().step_by(4).map(String::as_str).collect();
    for precision in [Precision::I16, Precision::I8, Precision::Bf16] {
        let one = load_precision(1, true, precision)
            .embed(&sample, &mut |_| {})
            .unwrap();
        let many = load_precision(32, true, precision)
            .embed(&sample, &mut |_| {})
            .unwrap();
        assert_eq!(one, many, "{precision:?}");
    }
}

/// Both CPU encoders against sentence-transformers' vectors, row by row.
#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn packed_and_tensor_encoders_both_match_sentence_transformers() {
    let texts = reference_texts();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let reference = read_npy(&data("reference/minilm-paragraphs.npy"));
    for packed in [true, false] {
        let ours = load_with(32, packed).embed(&refs, &mut |_| {}).unwrap();
        let worst = (0..REFERENCE_ROWS)
            .map(|i| cosine(ours.row(i), reference.row(i)))
            .fold(1f32, f32::min);
        assert!(worst >= 0.9999, "packed={packed}: worst cosine {worst}");
    }
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn batch_of_one_equals_batch_of_32() {
    let texts = reference_texts();
    // Mixed lengths, so the batch of 32 pads heavily.
    let sample: Vec<&str> = texts.iter().step_by(4).map(String::as_str).collect();
    let one = load(1).embed(&sample, &mut |_| {}).unwrap();
    let many = load(32).embed(&sample, &mut |_| {}).unwrap();
    let max_diff = (&one - &many).iter().fold(0f32, |m, d| m.max(d.abs()));
    assert!(max_diff <= 1e-5, "batch 1 vs 32 differ by {max_diff}");
}

#[test]
fn token_vectors_come_from_the_same_pass_with_byte_spans() {
    let embedder = load(8);
    let text = "Putin and Xi met in Beijing; 习近平 smiled 🙂 at the cameras.";
    let (pooled, tokens) = embedder.embed_with_tokens(&[text], &mut |_| {}).unwrap();
    let t = &tokens[0];
    assert_eq!(t.vectors.nrows(), t.ids.len());
    assert_eq!(t.tokens.first().map(String::as_str), Some("[CLS]"));
    assert_eq!(t.offsets[0], (0, 0));
    // Mean of the token vectors, normalised, is the pooled vector.
    let mean = t.vectors.mean_axis(ndarray::Axis(0)).unwrap();
    assert!(cosine(mean.view(), pooled.row(0)) > 0.99999);
    // Spans point at the words they came from.
    let putin = t.tokens.iter().position(|s| s == "putin").unwrap();
    let (a, b) = t.offsets[putin];
    assert_eq!(&text[a..b], "Putin");
    let beijing = t.tokens.iter().position(|s| s == "beijing").unwrap();
    let (a, b) = t.offsets[beijing];
    assert_eq!(&text[a..b], "Beijing");
    for &(a, b) in &t.offsets {
        assert!(text.is_char_boundary(a) && text.is_char_boundary(b) && a <= b);
    }
}

#[test]
fn embedding_info_follows_the_model_folder() {
    let e = load(4);
    let info = e.info();
    assert_eq!(info.dim, 384);
    assert_eq!(
        info.max_seq_length, 256,
        "sentence_bert_config.json, not the tokenizer's 128"
    );
    assert_eq!(info.pooling.as_str(), "mean");
    assert!(info.normalize);
}
