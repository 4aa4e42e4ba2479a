//! Regression tests for what a hostile test campaign found (issue "Reliability"): each case
//! failed before its fix.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_one_line_error, read_npy, stderr, themescope, write_tiny_bert};

fn embed(tmp: &Path, model: &Path, cache: Option<&Path>, out: &Path) -> Output {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let mut cmd = themescope(&tmp.join("hf"));
    if let Some(dir) = cache {
        cmd.env_remove("THEMESCOPE_NO_CACHE")
            .arg("--cache")
            .arg(dir);
    }
    let out = cmd
        .arg("embed")
        .arg(&corpus)
        .arg("--model")
        .arg(model)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// Halves the word embeddings of a model folder in place, as a retrained or re-downloaded
/// checkpoint would change them.
fn change_weights(dir: &Path) {
    let path = dir.join("model.safetensors");
    let mut tensors = candle_core::safetensors::load(&path, &candle_core::Device::Cpu).unwrap();
    let name = "embeddings.word_embeddings.weight";
    let halved = (tensors[name].clone() * 0.5).unwrap();
    tensors.insert(name.to_string(), halved);
    candle_core::safetensors::save(&tensors, &path).unwrap();
}

#[test]
fn weights_changed_inside_a_model_folder_change_the_vectors_with_the_cache_on() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let model = t.join("org--tiny");
    write_tiny_bert(&model, false);
    let cache = t.join("cache");
    let (before, after, fresh) = (
        t.join("before.npy"),
        t.join("after.npy"),
        t.join("fresh.npy"),
    );

    let first = embed(t, &model, Some(&cache), &before);
    assert!(stderr(&first).contains("cache: 0 of"), "{}", stderr(&first));
    change_weights(&model);
    let second = embed(t, &model, Some(&cache), &after);
    // Nothing stale is served: every row is embedded again with the new weights...
    assert!(
        stderr(&second).contains("cache: 0 of"),
        "{}",
        stderr(&second)
    );
    embed(t, &model, None, &fresh);
    let (before, after, fresh) = (read_npy(&before), read_npy(&after), read_npy(&fresh));
    // ...so the vectors are those of a run without the cache, and not the old ones.
    assert_eq!(after, fresh);
    assert_ne!(after, before);

    // The same weights again are found in the cache (paragraphs longer than the tiny model's
    // 48 tokens are cached as their windows).
    let third = embed(t, &model, Some(&cache), &t.join("third.npy"));
    let err = stderr(&third);
    let found: Vec<&str> = err
        .split("cache: ")
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .take(3)
        .collect();
    assert!(found.len() == 3 && found[0] == found[2], "{err}");
    assert!(err.contains("found, 0 embedded"), "{err}");
}

/// Text of `bytes` bytes or more: words and punctuation of varied lengths, no line break.
fn long_line(bytes: usize) -> String {
    let words = [
        "Moscow", "and", "Beijing", "signed", "accords;", "analysts", "(wary)", "say", "x",
    ];
    let mut out = String::with_capacity(bytes + 16);
    let mut i = 0usize;
    while out.len() < bytes {
        out.push_str(words[i % words.len()]);
        out.push(if i.is_multiple_of(7) { ',' } else { ' ' });
        if i.is_multiple_of(11) {
            out.push_str("   ");
        }
        i += 1;
    }
    out
}

#[test]
fn a_long_paragraph_is_tokenised_as_if_whole_from_a_bounded_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    write_tiny_bert(&dir, false);
    let model = themescope::model::resolve(dir.to_str().unwrap(), &Default::default()).unwrap();
    let embedder =
        themescope::embed::Embedder::load(&model, &themescope::embed::EmbedOptions::default())
            .unwrap();
    let max_length = embedder.info().max_seq_length;
    let mut whole = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    whole.with_padding(None);
    whole
        .with_truncation(Some(tokenizers::TruncationParams {
            max_length,
            ..Default::default()
        }))
        .unwrap();
    // A word far longer than a word piece may be ([UNK]) right where the cut may fall, and a
    // run of spaces that makes no tokens at all.
    let texts = [
        long_line(300_000),
        format!("{}{}", "a".repeat(5_000), long_line(100_000)),
        format!("start{}{}", " ".repeat(200_000), long_line(50_000)),
    ];
    for text in &texts {
        let got = embedder.tokenize(&[text.as_str()]).unwrap().remove(0);
        let want = whole.encode(text.as_str(), true).unwrap();
        assert_eq!(got.get_ids(), want.get_ids());
        assert_eq!(got.get_offsets(), want.get_offsets());
    }

    // A 50 MB paragraph embeds as its first 300 kB do (the same first tokens), at once.
    let huge = long_line(50_000_000);
    let vectors = embedder
        .embed(&[huge.as_str(), &huge[..300_000]], &mut |_| {})
        .unwrap();
    assert_eq!(vectors.row(0), vectors.row(1));
}

/// A folder holding `files` (name, content), and a tiny model beside it.
fn setup(tmp: &Path, files: &[(&str, &str)]) -> (PathBuf, PathBuf) {
    let corpus = tmp.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for (name, text) in files {
        std::fs::write(corpus.join(name), text).unwrap();
    }
    let model = tmp.join("org--tiny");
    write_tiny_bert(&model, false);
    (corpus, model)
}

#[test]
fn hdbscan_on_two_paragraphs_does_not_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let two = "Moscow and Beijing met.\n\nWashington watched the talks.\n";
    let (corpus, model) = setup(tmp.path(), &[("two.txt", two)]);
    let out = themescope(&tmp.path().join("hf"))
        .args(["themes", "--algo", "hdbscan", "--json", "--model"])
        .arg(&model)
        .arg(&corpus)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
    let themes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        themes["themes"].as_array().map(Vec::len),
        Some(0),
        "{themes}"
    );
}

#[test]
fn bad_inputs_are_one_line_errors_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let csv = "id,text\n1,\"a quote that never closes\n2,swallowed\n";
    let (corpus, model) = setup(t, &[("feed.csv", csv)]);
    let run = |args: &[&str]| {
        themescope(&t.join("hf"))
            .args(args)
            .arg("--model")
            .arg(&model)
            .output()
            .unwrap()
    };
    let c = corpus.to_str().unwrap();
    let out = run(&["embed", c, "--out", t.join("e.npy").to_str().unwrap()]);
    assert_one_line_error(&out, &["feed.csv line 2", "never closed"]);

    // Every input unreadable: each file's reason is said.
    let binary = t.join("blob.txt");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1]).unwrap();
    let out = run(&[
        "run",
        binary.to_str().unwrap(),
        "--out",
        t.join("R").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, &["no text found", "blob.txt:"]);
    // ...and the output folder it would have created is not left behind.
    assert!(!t.join("R").exists());

    let actors = t.join("actors.toml");
    std::fs::write(&actors, "# to do\n").unwrap();
    let (a, r) = (actors.to_str().unwrap(), t.join("R2"));
    let out = run(&["run", c, "--out", r.to_str().unwrap(), "--actors", a]);
    assert_one_line_error(&out, &["actors.toml lists no actors"]);

    let config = t.join("themescope.toml");
    std::fs::write(&config, "[model]\nthreads = 100000\n").unwrap();
    let (f, r) = (config.to_str().unwrap(), t.join("R3"));
    let out = run(&["run", c, "--out", r.to_str().unwrap(), "--config", f]);
    assert_one_line_error(
        &out,
        &[
            "themescope.toml",
            "[model] threads = 100000",
            "out of range",
        ],
    );

    // An output that cannot be written fails before any work.
    let nowhere = t.join("missing/dir/e.parquet");
    let out = run(&["embed", c, "--out", nowhere.to_str().unwrap()]);
    assert_one_line_error(
        &out,
        &["cannot write", "missing/dir/e.parquet", "does not exist"],
    );
}

#[test]
fn a_page_of_deeply_nested_divs_is_read_in_linear_time() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 5_000_000 / 11;
    let page = format!(
        "<html><body>{}<p>Deep inside, Moscow and Beijing signed.</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let path = tmp.path().join("deep.html");
    std::fs::write(&path, &page).unwrap();
    let started = std::time::Instant::now();
    let corpus = themescope::corpus::Corpus::read(&[path], &Default::default()).unwrap();
    // Seconds, not the 20 minutes of a parser scanning a million-deep stack per tag (the bound
    // is loose: this machine is shared and slow).
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    assert_eq!(corpus.documents.len(), 1);
    assert!(corpus.documents[0]
        .text
        .contains("Moscow and Beijing signed."));
}

/// The tiny model in `t`, and `examples/corpus` embedded once through a cache: (model folder,
/// cache folder, the vectors' file).
fn embedded_once_with_a_cache(t: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let model = t.join("org--tiny");
    write_tiny_bert(&model, false);
    let (cache, first) = (t.join("cache"), t.join("first.npy"));
    embed(t, &model, Some(&cache), &first);
    (model, cache, first)
}

#[test]
fn a_damaged_cached_vector_is_recomputed_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (model, cache, first) = embedded_once_with_a_cache(t);
    let vectors = read_npy(&first);

    // Flip one byte inside the first row's stored floats.
    let file = cache.join("embeddings.redb");
    let mut bytes = std::fs::read(&file).unwrap();
    let row: Vec<u8> = vectors
        .row(0)
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let at = bytes
        .windows(row.len())
        .position(|w| w == row.as_slice())
        .expect("the vector's bytes are in the cache file");
    bytes[at + 5] ^= 0x10;
    std::fs::write(&file, bytes).unwrap();

    let second = t.join("second.npy");
    let out = embed(t, &model, Some(&cache), &second);
    let err = stderr(&out);
    assert!(
        err.contains("warning: 1 vectors in the embedding cache") && err.contains("damaged"),
        "{err}"
    );
    assert_eq!(read_npy(&second), vectors);
    // Replaced: the next run finds every row intact.
    let third = embed(t, &model, Some(&cache), &t.join("third.npy"));
    assert!(!stderr(&third).contains("damaged"), "{}", stderr(&third));
}

#[test]
fn a_damaged_cache_file_never_stops_the_work_and_clear_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (model, cache, first) = embedded_once_with_a_cache(t);

    // Damage the start of every page in use after the file header, as a bad disk would.
    let file = cache.join("embeddings.redb");
    let mut bytes = std::fs::read(&file).unwrap();
    let in_use: Vec<usize> = (1..bytes.len() / 4096)
        .filter(|p| bytes[p * 4096..p * 4096 + 64].iter().any(|b| *b != 0))
        .collect();
    assert!(!in_use.is_empty());
    for page in in_use {
        for b in &mut bytes[page * 4096..page * 4096 + 16] {
            *b ^= 0xff;
        }
    }
    std::fs::write(&file, bytes).unwrap();

    let cache_cmd = |what: &str| {
        themescope(&t.join("hf"))
            .args(["cache", what, "--cache"])
            .arg(&cache)
            .output()
            .unwrap()
    };
    let verify = cache_cmd("verify");
    let err = stderr(&verify);
    assert_eq!(verify.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("embeddings.redb is damaged"),
        "{err}"
    );
    assert!(
        err.contains("cache clear") && !err.contains("panicked"),
        "{err}"
    );

    // Embedding goes on without the cache, says so, and gives the same vectors.
    let second = t.join("second.npy");
    let out = embed(t, &model, Some(&cache), &second);
    let err = stderr(&out);
    assert!(
        !err.contains("panicked") && err.contains("warning: "),
        "{err}"
    );
    assert_eq!(read_npy(&second), read_npy(&first));

    let clear = cache_cmd("clear");
    assert!(clear.status.success(), "{}", stderr(&clear));
    let verify = cache_cmd("verify");
    assert!(verify.status.success(), "{}", stderr(&verify));
    let third = embed(t, &model, Some(&cache), &t.join("third.npy"));
    assert!(stderr(&third).contains("cache: 0 of"), "{}", stderr(&third));
}

/// Found by `fuzz/run.sh` (store_parquet): a 95-byte file whose footer declares an absurd list
/// length made the parquet crate panic ("capacity overflow"). Now a one-line error naming it.
#[test]
fn a_parquet_footer_with_an_absurd_length_is_an_error_not_a_panic() {
    const FOUND: &str = "52000000000800f340b4b6b6504100b6b6b6b6b6b4b6b6504100b6b6b6b6f5f5f5f5f5\
        01000007f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f533f5f5f5f5f5f5f5f5f5f5f5f5b6b6b6b6b6b6b6b6\
        beb6b6b6b6b6b6063100000050415231";
    refused_as_malformed(FOUND, &[]);
}

/// Found by `fuzz/` (`store_parquet`, a timeout): a 67-byte footer declaring a list of two billion
/// booleans, which the parquet crate skipped one by one without reading a byte (5 s here).
/// Refused by the footer check before the crate reads it.
#[test]
fn a_parquet_footer_with_a_list_of_billions_of_booleans_is_refused_at_once() {
    const FOUND: &str = "5200a9a9a9a9a9a9a9a9a9a925a98300500083008383838383\
        83a9a9f2ffffffb6b6b6b640b6b6b60000ffffff0080000000\
        00b6305041005200063100000050415231";
    refused_as_malformed(FOUND, &["list of booleans"]);
}

/// Found by `fuzz/` (`store_parquet`, out of memory): a 146-byte file whose footer declares
/// `key_value_metadata` as a number; the parquet crate reads a field by its id whatever its type,
/// took the bytes after it for a list header and asked for 37 GB.
#[test]
fn a_parquet_footer_field_of_the_wrong_type_is_refused_before_any_allocation() {
    const FOUND: &str =
        "00030030929292dcdcdcdc8383838383838383830600830083000606060652311b000050411b\
        1b1b52311bdc8383838383838383830600830083000606060652311b000050411b1b1b52311b\
        1b31f2f2f2f2f2f2f2f2f2f254f2f2f2f2f2f28b83000000000000000006521b31f2f2f2f2f2\
        f2f2f2f2f254f2f2f2f2f2f28b83000000000000000006523200000050415231";
    refused_as_malformed(FOUND, &["not the type the format gives it"]);
}

/// Writes the bytes of `hex` as `found.parquet`; reading it, in the library and through
/// `themes`, must be a one-line error naming the file (and holding `needles`), never a panic.
fn refused_as_malformed(hex: &str, needles: &[&str]) {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("found.parquet");
    std::fs::write(&file, bytes).unwrap();
    let err = themescope::store::read(&file).expect_err("a malformed file");
    assert!(err.to_string().contains("found.parquet"), "{err}");
    for needle in needles {
        assert!(err.to_string().contains(needle), "{err}");
    }
    let out = themescope(tmp.path())
        .args(["themes", "--embeddings"])
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("t.json"))
        .output()
        .unwrap();
    assert_one_line_error(&out, &["found.parquet"]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

/// A file that is one 25 MB line: every stage reads its first 256 KiB, and stderr says how much
/// was left. Before, `run` scored hundreds of thousands of mentions in it and passed 2.7 GB.
#[test]
fn a_25_mb_paragraph_is_read_to_a_bounded_length_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let line = long_line(25_000_000);
    let (corpus, model) = setup(tmp.path(), &[("one.txt", &line)]);
    let out_dir = tmp.path().join("out");
    let out = themescope(&tmp.path().join("hf"))
        .args(["run", "--method", "vader", "--model"])
        .arg(&model)
        .arg(&corpus)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let kept = themescope::corpus::MAX_PARAGRAPH_BYTES;
    let warning = format!("1 paragraph(s) longer than {} KiB: the ", kept / 1024);
    let left: usize = err
        .split(&warning)
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no clipping warning: {err}"));
    assert!(
        left > line.len() - kept && left < line.len() - kept / 2,
        "{err}"
    );
    // Mentions are counted over the kept text only: "Moscow" and "Beijing" are 2 of 9 words.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).unwrap()).unwrap();
    let mentions: u64 = report["actors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["mentions"].as_u64())
        .sum();
    let words_kept = kept / 7;
    assert!(
        mentions > 0 && mentions < words_kept as u64,
        "{mentions} mentions"
    );
}
