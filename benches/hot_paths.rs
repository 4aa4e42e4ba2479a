//! `cargo bench`: the hot parts of a run, on the real model and real paragraphs.
//!
//! Tokenisation, one encoder batch (the packed CPU encoder in f32 and i16, and candle's tensor
//! path), k-means
//! (full and mini-batch) and phrase scoring. Reads the model and data from `$THEMESCOPE_MODELS`
//! and `$THEMESCOPE_SHARED` (default `../shared`), like the tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ndarray::Array2;
use themescope::embed::{DeviceChoice, EmbedOptions, Embedder, Precision};
use themescope::model::{self, ResolveOptions};
use themescope::themes::phrases::{label_themes, PhraseOptions};
use themescope::themes::{Clusterer, KMeansClusterer, MiniBatchKMeans};

fn shared() -> PathBuf {
    std::env::var_os("THEMESCOPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

fn embedder(packed: bool, precision: Precision) -> Embedder {
    let models = std::env::var_os("THEMESCOPE_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("models"));
    let dir = models.join("sentence-transformers--all-MiniLM-L6-v2");
    let m = model::resolve(dir.to_str().unwrap(), &ResolveOptions::default())
        .expect("the real model: set THEMESCOPE_MODELS");
    let opts = EmbedOptions {
        device: DeviceChoice::Cpu,
        packed,
        precision,
        ..EmbedOptions::default()
    };
    Embedder::load(&m, &opts).unwrap()
}

/// The first `n` AG News test records (title + ". " + description) with their class (0–3; the
/// file numbers them 1–4).
fn ag_news(n: usize) -> Vec<(String, u8)> {
    let text = std::fs::read_to_string(shared().join("data/ag_news/test.jsonl"))
        .expect("AG News: set THEMESCOPE_SHARED");
    text.lines()
        .take(n)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                format!(
                    "{}. {}",
                    v["title"].as_str().unwrap(),
                    v["description"].as_str().unwrap()
                ),
                (v["label"].as_u64().unwrap() - 1) as u8,
            )
        })
        .collect()
}

fn encoder(c: &mut Criterion) {
    let records = ag_news(512);
    let texts: Vec<&str> = records.iter().map(|(t, _)| t.as_str()).collect();
    let packed = embedder(true, Precision::F32);
    let quantised = embedder(true, Precision::I16);
    let bytes = embedder(true, Precision::I8);
    let tensors = embedder(false, Precision::F32);
    let mut g = c.benchmark_group("encoder");
    g.sample_size(10);
    g.bench_function("tokenize 512 paragraphs", |b| {
        b.iter(|| packed.tokenize(&texts).unwrap())
    });
    let batch = &texts[..32];
    g.bench_function("batch of 32, packed f32", |b| {
        b.iter(|| packed.embed(batch, &mut |_| {}).unwrap())
    });
    g.bench_function("batch of 32, packed i16", |b| {
        b.iter(|| quantised.embed(batch, &mut |_| {}).unwrap())
    });
    g.bench_function("batch of 32, packed i8", |b| {
        b.iter(|| bytes.embed(batch, &mut |_| {}).unwrap())
    });
    g.bench_function("batch of 32, candle tensors f32", |b| {
        b.iter(|| tensors.embed(batch, &mut |_| {}).unwrap())
    });
    g.finish();
}

fn clustering_and_phrases(c: &mut Criterion) {
    let records = ag_news(2000);
    let texts: Vec<&str> = records.iter().map(|(t, _)| t.as_str()).collect();
    let embedder = embedder(true, Precision::F32);
    let vectors = embedder.embed(&texts, &mut |_| {}).unwrap();
    let x: Array2<f64> = vectors.mapv(f64::from);
    let mut g = c.benchmark_group("themes");
    g.sample_size(10);
    g.bench_function("k-means k=4, 10 runs, 2000 x 384", |b| {
        let km = KMeansClusterer {
            k: 4,
            seed: 42,
            runs: 10,
        };
        b.iter(|| km.fit(x.view()).unwrap())
    });
    g.bench_function("mini-batch k-means k=4, 2000 x 384", |b| {
        let km = MiniBatchKMeans::new(4, 42);
        b.iter(|| km.fit(x.view()).unwrap())
    });

    // Phrase scoring with the gold classes as themes; phrase vectors are embedded once up front
    // so that the scoring alone is timed.
    let assignment: Vec<Option<usize>> = records.iter().map(|(_, l)| Some(*l as usize)).collect();
    let mut centroids = Array2::<f32>::zeros((4, vectors.ncols()));
    for (r, l) in assignment.iter().enumerate() {
        let mut row = centroids.row_mut(l.unwrap());
        row += &vectors.row(r);
    }
    for mut row in centroids.rows_mut() {
        let norm = row.dot(&row).sqrt();
        row /= norm;
    }
    let opts = PhraseOptions::default();
    let mut cache: HashMap<String, Vec<f32>> = HashMap::new();
    let mut fill = |phrases: &[&str]| -> Result<Array2<f32>, String> {
        let v = embedder
            .embed(phrases, &mut |_| {})
            .map_err(|e| e.to_string())?;
        for (p, row) in phrases.iter().zip(v.rows()) {
            cache.insert(p.to_string(), row.to_vec());
        }
        Ok(v)
    };
    label_themes(&texts, &assignment, centroids.view(), &mut fill, &opts).unwrap();
    g.bench_function("phrase scoring, 4 themes over 2000 paragraphs", |b| {
        b.iter_batched(
            || cache.clone(),
            |cache| {
                let mut lookup = |phrases: &[&str]| -> Result<Array2<f32>, String> {
                    let dim = centroids.ncols();
                    let mut out = Array2::<f32>::zeros((phrases.len(), dim));
                    for (i, p) in phrases.iter().enumerate() {
                        let v = cache.get(*p).ok_or_else(|| format!("no vector for {p}"))?;
                        out.row_mut(i)
                            .assign(&ndarray::ArrayView1::from(v.as_slice()));
                    }
                    Ok(out)
                };
                label_themes(&texts, &assignment, centroids.view(), &mut lookup, &opts).unwrap()
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, encoder, clustering_and_phrases);
criterion_main!(benches);
