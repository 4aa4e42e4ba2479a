//! The three embedding formats hold the same set, read numpy's own `.npy`, and (when
//! `THEMESCOPE_PYTHON` names a Python with numpy, safetensors, pyarrow and pandas) load in Python.

use std::path::{Path, PathBuf};
use std::process::Command;

use ndarray::Array2;
use themescope::corpus::{Corpus, ReadOptions, Unit};
use themescope::store::{self, EmbeddingInfo, EmbeddingSet, RowMeta};

const DIM: usize = 384;
const ROWS: usize = 500;

/// The shared data folder's reference vectors, written by numpy (`$THEMESCOPE_SHARED`, else
/// `../shared` next to the repository); only the test that reads them needs them.
fn reference(name: &str) -> PathBuf {
    let dir = std::env::var_os("THEMESCOPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let path = dir.join("data/reference").join(name);
    assert!(
        path.is_file(),
        "{} is missing: this test needs the shared data; set THEMESCOPE_SHARED",
        path.display()
    );
    path
}

/// Real paragraphs of the sample corpus in `examples/corpus` (doc id and paragraph number) and
/// texts that stress escaping (CJK, emoji, line breaks, quotes, NUL), cycled to `ROWS` rows with
/// deterministic pseudo-random vectors.
fn sample_set() -> EmbeddingSet {
    let corpus = Corpus::read(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")],
        &ReadOptions::default(),
    )
    .unwrap();
    let mut paragraphs: Vec<(String, usize, String)> = corpus
        .units(Unit::Paragraph)
        .into_iter()
        .map(|u| (u.doc_id, u.index, u.text))
        .collect();
    assert!(paragraphs.len() >= 30, "{} paragraphs", paragraphs.len());
    paragraphs.extend(
        EDGE_TEXTS
            .iter()
            .map(|t| ("edge".to_string(), 0, t.to_string())),
    );
    let rows = (0..ROWS)
        .map(|i| {
            let (doc, para, text) = &paragraphs[i % paragraphs.len()];
            RowMeta {
                doc_id: format!("{doc}#{}", i / paragraphs.len()),
                para_index: *para,
                text: text.clone(),
            }
        })
        .collect();
    // xorshift64*: fixed seed, values in [-1, 1).
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let vectors = Array2::from_shape_simple_fn((ROWS, DIM), || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let x = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40;
        (x as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    });
    EmbeddingSet {
        info: sample_info(),
        rows,
        vectors,
    }
}

fn sample_info() -> EmbeddingInfo {
    EmbeddingInfo {
        model_id: "sentence-transformers/all-MiniLM-L6-v2".into(),
        revision: Some("c9745ed1d9f207416be6d2e6f8de32d1f16199bf".into()),
        pooling: "mean".into(),
        normalized: false,
        max_seq_length: 256,
        dim: DIM,
        unit: "paragraph".into(),
        themescope_version: env!("CARGO_PKG_VERSION").into(),
    }
}

fn assert_same(a: &EmbeddingSet, b: &EmbeddingSet, what: &Path) {
    assert_eq!(a.info, b.info, "{}", what.display());
    assert_eq!(a.rows, b.rows, "{}", what.display());
    assert_eq!(a.vectors.dim(), b.vectors.dim(), "{}", what.display());
    assert!(
        a.vectors
            .iter()
            .zip(b.vectors.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits()),
        "{}: vectors differ",
        what.display()
    );
}

fn write_all_formats(dir: &Path, set: &EmbeddingSet) -> Vec<PathBuf> {
    ["emb.npy", "emb.safetensors", "emb.parquet"]
        .iter()
        .map(|name| {
            let path = dir.join(name);
            store::write(&path, set).unwrap();
            path
        })
        .collect()
}

#[test]
fn all_formats_load_back_equal() {
    let set = sample_set();
    let dir = tempfile::tempdir().unwrap();
    for path in write_all_formats(dir.path(), &set) {
        let back = store::read(&path).unwrap();
        assert_same(&set, &back, &path);
    }
    // Nothing but the outputs and the .npy sidecars: no temporary files left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "emb.jsonl",
            "emb.meta.json",
            "emb.npy",
            "emb.parquet",
            "emb.safetensors"
        ]
    );
}

/// Rows `range` of `set`, as one part of it.
fn part_of(set: &EmbeddingSet, range: std::ops::Range<usize>) -> EmbeddingSet {
    EmbeddingSet {
        info: set.info.clone(),
        rows: set.rows[range.clone()].to_vec(),
        vectors: set.vectors.slice(ndarray::s![range, ..]).to_owned(),
    }
}

#[test]
fn a_folder_of_parts_reads_as_one_set_in_name_order() {
    let set = sample_set();
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("vectors");
    std::fs::create_dir(&parts).unwrap();
    // Written out of order and in mixed formats; a stray file and a hidden one are passed over.
    store::write(&parts.join("part-c.parquet"), &part_of(&set, 300..ROWS)).unwrap();
    store::write(&parts.join("part-a.parquet"), &part_of(&set, 0..120)).unwrap();
    store::write(&parts.join("part-b.npy"), &part_of(&set, 120..300)).unwrap();
    std::fs::write(parts.join("_SUCCESS"), "").unwrap();
    std::fs::write(parts.join(".part-d.parquet"), "not parquet").unwrap();
    let back = store::read(&parts).unwrap();
    assert_same(&set, &back, &parts);

    let mut other = part_of(&set, 0..10);
    other.info.model_id = "another/model".into();
    store::write(&parts.join("part-e.safetensors"), &other).unwrap();
    let err = store::read(&parts).unwrap_err().to_string();
    assert!(
        err.contains("part-a.parquet") && err.contains("part-e.safetensors"),
        "{err}"
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = store::read(&empty).unwrap_err().to_string();
    assert!(
        err.contains("holds no .npy, .safetensors or .parquet file"),
        "{err}"
    );
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn reads_numpy_written_reference_matrix() {
    let path = reference("minilm-paragraphs.npy");
    let m = store::read_npy_matrix(&path).unwrap();
    assert_eq!(m.dim(), (162, 384));
    for (i, row) in m.rows().into_iter().enumerate() {
        let norm = row.dot(&row).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "row {i} has norm {norm}");
    }
    // Our writer produces numpy's bytes exactly (header, padding, data).
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("m.npy");
    let mut info = sample_info();
    info.dim = m.ncols();
    let set = EmbeddingSet {
        info,
        rows: (0..m.nrows())
            .map(|i| RowMeta {
                doc_id: i.to_string(),
                para_index: 0,
                text: String::new(),
            })
            .collect(),
        vectors: m,
    };
    store::write(&ours, &set).unwrap();
    assert!(std::fs::read(&ours).unwrap() == std::fs::read(&path).unwrap());
}

/// A few rows whose texts and values stress escaping and bit patterns.
const EDGE_TEXTS: [&str; 5] = [
    "emoji 📈🤝 and CJK 中俄关系",
    "line\nbreaks\r\nand\ttabs",
    "quotes \" ' and \\ backslash",
    "NUL \0 and U+2028 \u{2028} here",
    "",
];

fn edge_set(n: usize) -> EmbeddingSet {
    let texts = EDGE_TEXTS;
    let mut info = sample_info();
    info.dim = 4;
    info.revision = None;
    EmbeddingSet {
        info,
        rows: (0..n)
            .map(|i| RowMeta {
                doc_id: format!("d{i}"),
                para_index: i,
                text: texts[i % texts.len()].into(),
            })
            .collect(),
        vectors: Array2::from_shape_fn((n, 4), |(r, c)| match (r, c) {
            (0, 0) => -0.0,
            (0, 1) => f32::MIN_POSITIVE / 4.0,
            _ => (r * 4 + c) as f32 / 3.0,
        }),
    }
}

#[test]
fn python_reads_all_formats() {
    let Some(python) = std::env::var_os("THEMESCOPE_PYTHON") else {
        eprintln!("skipped: set THEMESCOPE_PYTHON to a Python with numpy, safetensors, pyarrow and pandas");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/read_embeddings.py");
    let mut sets = vec![("edge cases", edge_set(7)), ("empty", edge_set(0))];
    sets.push(("sample paragraphs", sample_set()));
    for (what, set) in sets {
        let dir = tempfile::tempdir().unwrap();
        let files = write_all_formats(dir.path(), &set);
        let out = Command::new(&python)
            .arg(&script)
            .args(&files)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", Path::new(&python).display()));
        assert!(
            out.status.success(),
            "{} failed on the {what} set:\n{}{}",
            script.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // The checker is not vacuous: one flipped bit makes it fail.
    let dir = tempfile::tempdir().unwrap();
    let mut set = edge_set(3);
    let a = dir.path().join("a.npy");
    store::write(&a, &set).unwrap();
    set.vectors[[2, 3]] = f32::from_bits(set.vectors[[2, 3]].to_bits() ^ 1);
    let b = dir.path().join("b.parquet");
    store::write(&b, &set).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("different matrices"));
}
