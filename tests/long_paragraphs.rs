//! Paragraphs longer than the encoder's 256 word pieces are read whole, as windows of whole
//! sentences, and their vector is the token-weighted mean of the windows' vectors.

mod common;

use common::*;
use themescope::cache::{embed_units, weighted_mean};
use themescope::corpus::{TextUnit, Unit};
use themescope::embed::windows::LongText;
use themescope::embed::{EmbedOptions, Embedder};

/// Original sentences about one subject, numbered so that no two are equal, `words` words or
/// more, on one line.
fn speech(sentences: &[&str], words: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.split_whitespace().count() < words {
        let s = sentences[i % sentences.len()];
        out.push_str(&format!("{s} This was point number {i}. "));
        i += 1;
    }
    out.trim_end().to_string()
}

const TRADE: &[&str] = &[
    "Tariffs on steel and aluminium were raised again after the talks in Geneva failed.",
    "Exporters of soybeans complained that the new duties closed their largest market.",
    "The trade ministers agreed to meet once more before the end of the quarter.",
    "Customs officials reported that shipments through the port had fallen by a third.",
];

const CLIMATE: &[&str] = &[
    "Glaciers in the Alps lost more ice this summer than in any year on record.",
    "Farmers in the south blamed the drought for a harvest half the usual size.",
    "Coastal towns are building sea walls as storms bring higher floods each winter.",
    "The heatwave pushed temperatures in the capital above forty degrees for a week.",
];

fn load() -> Embedder {
    let model = themescope::model::resolve(minilm_dir().to_str().unwrap(), &Default::default())
        .expect("the real model");
    Embedder::load(&model, &EmbedOptions::default()).unwrap()
}

fn unit(text: &str) -> TextUnit {
    TextUnit {
        doc_id: "speech".into(),
        index: 0,
        span: 0..text.len(),
        text: text.to_string(),
    }
}

fn embed_rows(embedder: &Embedder, texts: &[&str], long_text: LongText) -> ndarray::Array2<f32> {
    let units = texts.iter().map(|t| unit(t)).collect();
    embed_units(
        embedder,
        None,
        units,
        Unit::Paragraph,
        long_text,
        &mut |_| {},
    )
    .unwrap()
    .set
    .vectors
}

#[test]
fn a_paragraph_of_two_thousand_words_is_the_weighted_mean_of_its_windows() {
    let embedder = load();
    let text = speech(TRADE, 2_000);
    let plan = embedder.plan_windows(&[&text]).unwrap().remove(0);
    let windows: Vec<&str> = plan.windows.iter().map(|w| &text[w.span.clone()]).collect();
    assert!(windows.len() >= 8, "{} windows", windows.len());
    assert_eq!(plan.dropped_bytes, 0);
    // Every window fits the encoder, and together they hold every word, in order.
    let budget = embedder.info().max_seq_length - 2;
    assert!(plan.windows.iter().all(|w| w.tokens <= budget));
    let read: Vec<&str> = windows.iter().flat_map(|w| w.split_whitespace()).collect();
    let all: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(read, all);
    // Windows end at sentence ends.
    assert!(windows.iter().all(|w| w.ends_with('.')), "{windows:?}");

    // By hand: each window embedded alone, weighted by its tokens.
    let by_hand_rows = embedder.embed(&windows, &mut |_| {}).unwrap();
    let views: Vec<_> = by_hand_rows.rows().into_iter().collect();
    let tokens: Vec<usize> = plan.windows.iter().map(|w| w.tokens).collect();
    let by_hand = weighted_mean(&views, &tokens, true);

    let got = embed_rows(&embedder, &[&text, "A short paragraph."], LongText::Windows);
    let diff = got
        .row(0)
        .iter()
        .zip(&by_hand)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(diff < 1e-5, "largest difference {diff}");
    // A paragraph that fits is embedded as it always was.
    let short = embedder
        .embed(&["A short paragraph."], &mut |_| {})
        .unwrap();
    assert_eq!(got.row(1), short.row(0));
}

#[test]
fn the_end_of_a_single_line_speech_is_read() {
    let embedder = load();
    // One line of about 3,000 words: trade first, the climate at the end.
    let text = format!("{} {}", speech(TRADE, 1_500), speech(CLIMATE, 1_500));
    let climate = embedder
        .embed(&[speech(CLIMATE, 150).as_str()], &mut |_| {})
        .unwrap();
    let whole = embed_rows(&embedder, &[&text], LongText::Windows);
    let truncated = embed_rows(&embedder, &[&text], LongText::Truncate);
    let to_climate = |v: ndarray::ArrayView1<f32>| cosine(v, climate.row(0));
    assert!(
        to_climate(whole.row(0)) > to_climate(truncated.row(0)) + 0.2,
        "windows {} vs truncated {}",
        to_climate(whole.row(0)),
        to_climate(truncated.row(0))
    );
}

#[test]
fn the_cli_says_how_many_paragraphs_were_read_as_windows() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("speech.txt");
    let text = format!("{}\n\nA short closing line.\n", speech(CLIMATE, 1_200));
    std::fs::write(&input, text).unwrap();
    let err = embed_cli(tmp.path(), &input, "X.npy", &[]);
    assert!(
        err.contains("1 paragraph longer than the encoder's 256 tokens read whole as"),
        "{err}"
    );
    let err = embed_cli(tmp.path(), &input, "Y.npy", &["--long-text", "truncate"]);
    assert!(err.contains("1 paragraph truncated at 256 tokens"), "{err}");
}

/// `themescope embed ARGS --out TMP/OUT INPUT` with the real model; its stderr, once it succeeded.
fn embed_cli(tmp: &std::path::Path, input: &std::path::Path, out: &str, args: &[&str]) -> String {
    let run = themescope(tmp)
        .env("THEMESCOPE_MODELS", models_dir())
        .arg("embed")
        .args(args)
        .arg("--out")
        .arg(tmp.join(out))
        .arg(input)
        .output()
        .unwrap();
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    err
}

#[test]
fn with_unit_window_each_window_of_a_long_paragraph_is_a_row() {
    let embedder = load();
    let text = speech(TRADE, 2_000);
    let plan = embedder.plan_windows(&[&text]).unwrap().remove(0);
    let windows: Vec<&str> = plan.windows.iter().map(|w| &text[w.span.clone()]).collect();
    assert!(windows.len() >= 8, "{} windows", windows.len());
    let mut short = unit("A short paragraph.");
    short.index = 1;
    let units = vec![unit(&text), short];
    let set = embed_units(
        &embedder,
        None,
        units,
        Unit::Window,
        LongText::Windows,
        &mut |_| {},
    )
    .unwrap()
    .set;
    assert_eq!(set.info.unit, "window");
    assert_eq!(set.rows.len(), windows.len() + 1);
    // Each window a row: its text, its paragraph's index, the vector it has alone.
    let alone = embedder.embed(&windows, &mut |_| {}).unwrap();
    for (i, window) in windows.iter().enumerate() {
        assert_eq!(set.rows[i].text, *window);
        assert_eq!(
            (set.rows[i].doc_id.as_str(), set.rows[i].para_index),
            ("speech", 0)
        );
        let diff = set
            .vectors
            .row(i)
            .iter()
            .zip(alone.row(i))
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(diff < 1e-5, "window {i}: largest difference {diff}");
    }
    let last = set.rows.last().unwrap();
    assert_eq!(
        (last.text.as_str(), last.para_index),
        ("A short paragraph.", 1)
    );
    // The paragraph unit's vector is these rows' token-weighted mean.
    let rows: Vec<_> = set.vectors.rows().into_iter().take(windows.len()).collect();
    let tokens: Vec<usize> = plan.windows.iter().map(|w| w.tokens).collect();
    let mean = weighted_mean(&rows, &tokens, true);
    let paragraph = embed_rows(&embedder, &[&text], LongText::Windows);
    let diff = paragraph
        .row(0)
        .iter()
        .zip(&mean)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(diff < 1e-5, "largest difference {diff}");
}

#[test]
fn the_cli_writes_a_row_per_window_with_unit_window() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("speech.txt");
    let text = format!("{}\n\nA short closing line.\n", speech(CLIMATE, 1_200));
    std::fs::write(&input, text).unwrap();
    let err = embed_cli(tmp.path(), &input, "W.npy", &["--unit", "window"]);
    assert!(err.contains("read 1 documents, 2 paragraphs"), "{err}");
    let said = "1 paragraph longer than the encoder's 256 tokens read whole as ";
    let windows: usize = err
        .split(said)
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!(windows >= 4 && err.contains("windows, each a row"), "{err}");
    let rows = std::fs::read_to_string(tmp.path().join("W.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = rows
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), windows + 1);
    assert!(rows[..windows].iter().all(|r| r["para_index"] == 0));
    assert_eq!(rows[windows]["text"], "A short closing line.");
    let meta = std::fs::read_to_string(tmp.path().join("W.meta.json")).unwrap();
    assert!(meta.contains("\"window\""), "{meta}");
}
