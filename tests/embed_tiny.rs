//! Loading code paths on a tiny random-weight BERT: fast, and independent of the real weights.

mod common;

use common::*;
use themescope::embed::{DeviceChoice, EmbedOptions, Embedder, Precision};
use themescope::model::{self, ResolveOptions};

fn load(dir: &std::path::Path, precision: Precision, batch_size: usize) -> Embedder {
    load_with(dir, precision, batch_size, true)
}

/// `packed`: the padding-free CPU encoder rather than candle's tensor path.
fn load_with(
    dir: &std::path::Path,
    precision: Precision,
    batch_size: usize,
    packed: bool,
) -> Embedder {
    let m = model::resolve(dir.to_str().unwrap(), &ResolveOptions::default()).unwrap();
    Embedder::load(
        &m,
        &EmbedOptions {
            device: DeviceChoice::Cpu,
            precision,
            batch_size,
            max_length: None,
            packed,
        },
    )
    .unwrap()
}

const TEXTS: [&str; 4] = [
    "A short one.",
    "A considerably longer text about pipelines, chips and Arctic shipping routes, padded by its neighbours.",
    "",
    "Middle length text here.",
];

#[test]
fn weights_with_and_without_bert_prefix_give_the_same_vectors() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let prefixed = tmp.path().join("prefixed");
    write_tiny_bert(&plain, false);
    write_tiny_bert(&prefixed, true);
    let a = load(&plain, Precision::F32, 4)
        .embed(&TEXTS, &mut |_| {})
        .unwrap();
    let b = load(&prefixed, Precision::F32, 4)
        .embed(&TEXTS, &mut |_| {})
        .unwrap();
    assert_eq!(a.dim(), (4, 32));
    assert_eq!(a, b);
    for row in a.rows() {
        let norm = row.dot(&row).sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "not normalised: {norm}");
    }
}

#[test]
fn packed_and_tensor_encoders_agree_on_vectors_and_token_vectors() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_bert(tmp.path(), false);
    // One batch of four very different lengths: the tensor path pads, the packed one does not.
    let (a, ta) = load_with(tmp.path(), Precision::F32, 4, true)
        .embed_with_tokens(&TEXTS, &mut |_| {})
        .unwrap();
    let (b, tb) = load_with(tmp.path(), Precision::F32, 4, false)
        .embed_with_tokens(&TEXTS, &mut |_| {})
        .unwrap();
    for i in 0..TEXTS.len() {
        let c = cosine(a.row(i), b.row(i));
        assert!(c > 0.99999, "row {i}: cosine {c}");
        assert_eq!(ta[i].ids, tb[i].ids);
        assert_eq!(ta[i].offsets, tb[i].offsets);
        let diff = (&ta[i].vectors - &tb[i].vectors)
            .iter()
            .fold(0f32, |m, d| m.max(d.abs()));
        assert!(diff < 1e-4, "row {i}: token vectors differ by {diff}");
    }
}

#[test]
fn half_precision_with_padding_stays_finite_and_close() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_bert(tmp.path(), false);
    let full = load(tmp.path(), Precision::F32, 4)
        .embed(&TEXTS, &mut |_| {})
        .unwrap();
    for precision in [Precision::F16, Precision::Bf16] {
        // One batch of all four texts through candle's tensor path (the path GPUs take): three
        // of them are padded.
        let half = load_with(tmp.path(), precision, 4, false)
            .embed(&TEXTS, &mut |_| {})
            .unwrap();
        assert!(
            half.iter().all(|x| x.is_finite()),
            "{precision:?} gave NaN/inf"
        );
        for i in 0..TEXTS.len() {
            let c = cosine(half.row(i), full.row(i));
            assert!(c > 0.99, "{precision:?} row {i}: cosine {c}");
        }
    }
}

/// `--dtype i16`, `i8` and `bf16` on the tiny model: every linear layer quantised (i8 after
/// calibrating on the tiny model's own activations) or rounded to bf16 and run through the packed
/// encoder. (Partial tiles, odd
/// inner dimensions and outlier channels are covered by the kernels' unit tests.)
#[test]
fn quantised_linear_layers_stay_close_to_f32_and_say_so_in_the_info() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_bert(tmp.path(), false);
    let full = load(tmp.path(), Precision::F32, 4)
        .embed(&TEXTS, &mut |_| {})
        .unwrap();
    for (precision, floor) in [
        (Precision::I16, 0.999),
        (Precision::I8, 0.99),
        (Precision::Bf16, 0.999),
    ] {
        let e = load(tmp.path(), precision, 4);
        assert_eq!(e.info().precision, precision);
        let quantised = e.embed(&TEXTS, &mut |_| {}).unwrap();
        for i in 0..TEXTS.len() {
            let c = cosine(quantised.row(i), full.row(i));
            assert!(c > floor, "{precision:?} row {i}: cosine {c}");
        }
        assert_ne!(
            quantised, full,
            "{precision:?} gave f32's exact vectors: nothing was quantised"
        );
    }
}

#[test]
fn truncates_at_max_seq_length_from_the_model_folder() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_bert(tmp.path(), false);
    let e = load(tmp.path(), Precision::F32, 2);
    assert_eq!(e.info().max_seq_length, 48);
    let long = "word ".repeat(500);
    let (_, tokens) = e.embed_with_tokens(&[long.as_str()], &mut |_| {}).unwrap();
    assert_eq!(tokens[0].ids.len(), 48);
    assert_eq!(tokens[0].tokens.last().map(String::as_str), Some("[SEP]"));
}

#[test]
fn progress_counts_every_row_once() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_bert(tmp.path(), false);
    let e = load(tmp.path(), Precision::F32, 3);
    let mut seen = 0;
    let texts: Vec<&str> = TEXTS.iter().cycle().take(10).copied().collect();
    let out = e.embed(&texts, &mut |n| seen += n).unwrap();
    assert_eq!(seen, 10);
    // Rows come back in input order: equal texts give equal rows.
    assert_eq!(out.row(0), out.row(4));
    assert_eq!(out.row(1), out.row(9));
}

#[test]
fn corrupt_weights_are_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_bert(tmp.path(), false);
    std::fs::write(
        tmp.path().join("model.safetensors"),
        b"not a safetensors file",
    )
    .unwrap();
    let m = model::resolve(tmp.path().to_str().unwrap(), &ResolveOptions::default()).unwrap();
    let err = Embedder::load(
        &m,
        &EmbedOptions {
            device: DeviceChoice::Cpu,
            ..Default::default()
        },
    )
    .err()
    .expect("corrupt weights must fail");
    let msg = err.to_string();
    assert!(msg.contains("model.safetensors"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}
