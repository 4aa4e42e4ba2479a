//! Fuzzing in the test suite, so that CI fuzzes every reader without libFuzzer's instrumented
//! build of the whole tree. Each `cargo fuzz` target (its body in `fuzz/src/lib.rs`, included
//! here) runs for `THEMESCOPE_FUZZ_SECONDS` (default 2) on inputs mutated from seeds: the sample
//! corpus, small files of each format written here, and whatever `fuzz/run.sh` has kept in
//! `fuzz/corpus/<target>/`. Any panic, or one input running past `INPUT_TIMEOUT`, fails the test;
//! the input is saved with the command that replays it under libFuzzer.
//!
//! The mutator knows nothing of coverage: it finds shallow crashes fast, and `fuzz/run.sh` (the
//! coverage-guided runs) finds the deep ones.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use themescope::store::{EmbeddingInfo, EmbeddingSet, RowMeta};

/// Longest an input may grow to (as `fuzz/run.sh`'s `-max_len`).
const MAX_LEN: usize = 1 << 20;
/// One input taking longer than this is a hang.
const INPUT_TIMEOUT: Duration = Duration::from_secs(30);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// xorshift64*: deterministic for a target, no dependency.
struct Rng(u64);

impl Rng {
    fn seeded(name: &str) -> Rng {
        let seed = name.bytes().fold(0x9E37_79B9_7F4A_7C15u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
        });
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes and pieces that matter to the readers: markup, separators, quotes, escapes, encodings.
const TOKENS: &[&[u8]] = &[
    b"<div>",
    b"</p>",
    b"<p>",
    b"<!--",
    b"<script>",
    b"\n\n",
    b"\r\n",
    b"\"",
    b"\"\"",
    b",",
    b"{\"text\":\"",
    b"\"}",
    b"\\u00e9",
    b"\\",
    b"---\n",
    b"# ",
    b"```",
    b"&amp;",
    b"&#x10FFFF;",
    b"\xEF\xBB\xBF",
    b"\xC3\xA9",
    b"\xE6\x97\xA5",
    b"\xF0\x9F\x98\x80",
    b"\xFF",
    b"\x00",
    b"[[actor]]\n",
    b"name = ",
    b"aliases = [",
    b"threads = 100000",
    b"k = ",
    b"[model]\n",
    b"1e309",
    b"-1",
    b"99999999999999999999",
    b"NaN",
    b"PAR1",
    b"\x93NUMPY",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    let at = |rng: &mut Rng, v: &Vec<u8>| rng.below(v.len() + 1);
    match rng.below(8) {
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] ^= 1 << rng.below(8);
        }
        1 | 2 => {
            let i = at(rng, input);
            let token = TOKENS[rng.below(TOKENS.len())];
            input.splice(i..i, token.iter().copied());
        }
        3 if !input.is_empty() => {
            let i = rng.below(input.len());
            let end = (i + 1 + rng.below(64)).min(input.len());
            input.drain(i..end);
        }
        4 if !input.is_empty() => {
            // A chunk repeated: long lines, deep nesting, many records.
            let i = rng.below(input.len());
            let end = (i + 1 + rng.below(32)).min(input.len());
            let chunk = input[i..end].to_vec();
            let most = if rng.below(8) == 0 { 5000 } else { 8 };
            let times = 1 + rng.below(most);
            let at = at(rng, input);
            let repeated: Vec<u8> = chunk
                .iter()
                .copied()
                .cycle()
                .take(chunk.len() * times)
                .collect();
            input.splice(at..at, repeated);
        }
        5 if !other.is_empty() => {
            let i = rng.below(other.len());
            let end = (i + 1 + rng.below(256)).min(other.len());
            let at = at(rng, input);
            input.splice(at..at, other[i..end].iter().copied());
        }
        6 if !input.is_empty() => {
            let len = rng.below(input.len());
            input.truncate(len);
        }
        _ => {
            let i = at(rng, input);
            let byte = rng.next() as u8;
            input.insert(i, byte);
        }
    }
    input.truncate(MAX_LEN);
}

/// A small embeddings file in the format of `ext`, written by the library.
fn store_seed(ext: &str) -> Vec<u8> {
    let rows: Vec<RowMeta> = ["Putin met Xi.", "Trade talks \"stalled\", 日本"]
        .iter()
        .enumerate()
        .map(|(i, t)| RowMeta {
            doc_id: format!("d{i}"),
            para_index: i,
            text: t.to_string(),
        })
        .collect();
    let set = EmbeddingSet {
        info: EmbeddingInfo {
            model_id: "sentence-transformers/all-MiniLM-L6-v2".into(),
            revision: None,
            pooling: "mean".into(),
            normalized: true,
            max_seq_length: 256,
            dim: 4,
            unit: "paragraph".into(),
            themescope_version: "0".into(),
        },
        rows,
        vectors: ndarray::Array2::from_shape_fn((2, 4), |(r, c)| (r * 4 + c) as f32 / 8.0),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("seed.{ext}"));
    themescope::store::write(&path, &set).unwrap();
    std::fs::read(&path).unwrap()
}

/// Files of the sample corpus whose names end in one of `exts`.
fn examples(exts: &[&str]) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| exts.iter().any(|e| p.extension().is_some_and(|x| x == *e)))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut seeds = match target {
        "corpus_txt" | "tokenizer_prefix" => examples(&["txt"]),
        "corpus_md" => examples(&["md"]),
        "corpus_html" => examples(&["html"]),
        "corpus_jsonl" => examples(&["jsonl"]),
        "corpus_csv" => vec![b"id,title,text\n1,\"A, title\",\"Putin met Xi.\n\nThey talked \"\"long\"\" hours.\"\n2,B,Trump spoke.\n".to_vec()],
        "actor_file" => vec![b"[[actor]]\nname = \"Xi Jinping\"\nkind = \"person\"\naliases = [\"Xi\", \"President Xi\"]\n".to_vec()],
        "config_file" => vec![std::fs::read(repo().join("src/config/default.toml")).unwrap()],
        "store_npy" => vec![store_seed("npy")],
        "store_safetensors" => vec![store_seed("safetensors")],
        "store_parquet" => vec![store_seed("parquet")],
        other => panic!("no seeds for the fuzz target {other}"),
    };
    // What the coverage-guided runs kept (local only: fuzz/corpus is not in the repository).
    if let Ok(kept) = std::fs::read_dir(repo().join("fuzz/corpus").join(target)) {
        let mut kept: Vec<PathBuf> = kept.filter_map(|e| Some(e.ok()?.path())).collect();
        kept.sort();
        seeds.extend(kept.iter().take(500).filter_map(|p| std::fs::read(p).ok()));
    }
    seeds
}

/// Saves the failing input where the test build keeps its files, and says how to replay it.
fn failed(target: &str, input: &[u8], what: &str) -> String {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-smoke-{target}"));
    std::fs::write(&path, input).unwrap();
    format!(
        "fuzz target {target} {what} on {} ({} bytes); replay: cd fuzz && cargo +nightly fuzz run -s none {target} {}",
        path.display(),
        input.len(),
        path.display()
    )
}

/// Runs `target` for `budget` on mutated seeds; returns how many inputs it ran, and how many
/// of them were the seeds themselves.
fn fuzz(target: &'static str, body: fn(&[u8]), budget: Duration) -> (usize, usize) {
    let mut pool = seeds(target);
    let seeded = pool.len();
    let (sent, received) = mpsc::sync_channel::<Vec<u8>>(0);
    let (done, finished) = mpsc::channel::<Result<(), Vec<u8>>>();
    std::thread::spawn(move || {
        for input in received {
            let outcome = std::panic::catch_unwind(|| body(&input));
            let _ = done.send(outcome.map_err(|_| input));
        }
    });
    let mut rng = Rng::seeded(target);
    let started = Instant::now();
    let mut runs = 0;
    while runs < pool.len() || started.elapsed() < budget {
        let mut input = pool[runs % pool.len()].clone();
        if runs >= pool.len() {
            let other = pool[rng.below(pool.len())].clone();
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut input, &other);
            }
        }
        sent.send(input.clone()).unwrap();
        match finished.recv_timeout(INPUT_TIMEOUT) {
            Ok(Ok(())) => {}
            Ok(Err(input)) => panic!("{}", failed(target, &input, "panicked")),
            Err(_) => panic!("{}", failed(target, &input, "ran past the input timeout")),
        }
        // Some mutants become seeds, so that mutations stack up over the run.
        if runs >= pool.len() && pool.len() < 512 && rng.below(16) == 0 {
            pool.push(input);
        }
        runs += 1;
    }
    (runs, seeded)
}

#[test]
fn every_fuzz_target_survives_mutated_inputs() {
    let seconds: u64 = std::env::var("THEMESCOPE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let has_models = std::env::var_os("THEMESCOPE_MODELS").is_some();
    for &(target, body) in targets::TARGETS {
        if target == "tokenizer_prefix" && !has_models {
            eprintln!("fuzz: {target} skipped (it needs THEMESCOPE_MODELS)");
            continue;
        }
        let (runs, seeded) = fuzz(target, body, Duration::from_secs(seconds));
        eprintln!("fuzz: {target}: {runs} inputs in {seconds} s, no failure");
        assert!(runs > seeded, "{target} ran no mutated input");
    }
}
