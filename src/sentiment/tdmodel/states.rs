//! Training examples: each distinct sentence of a NewsMTSC file once, with its token states after
//! the encoder's frozen lower layers (computed once with the packed encoder and kept on disk) and
//! its targets (the rows of their own tokens, and the gold class).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::embed::Embedder;
use crate::fsutil::write_atomic;
use crate::sentiment::training::data::LabelledTarget;
use crate::sentiment::SentimentError;

/// One sentence: its token states (tokens × hidden, row-major) and its targets.
#[derive(Debug, Clone)]
pub struct Example {
    pub tokens: usize,
    pub states: Vec<f32>,
    pub targets: Vec<ExampleTarget>,
}

#[derive(Debug, Clone)]
pub struct ExampleTarget {
    /// Rows of the tokens that overlap the target's span (empty when truncated away).
    pub rows: Vec<usize>,
    /// Class index (see [`crate::sentiment::Label::index`]).
    pub label: usize,
}

/// The rows of the tokens overlapping `span` (special tokens have empty offsets): the same rule
/// as [`crate::sentiment::features::span_mean`], which scoring uses.
pub fn span_rows(offsets: &[(usize, usize)], span: &std::ops::Range<usize>) -> Vec<usize> {
    offsets
        .iter()
        .enumerate()
        .filter(|(_, &(s, e))| e > s && s < span.end && e > span.start)
        .map(|(k, _)| k)
        .collect()
}

/// Groups `targets` by sentence, in order of first appearance: (sentence, its targets' indices).
pub fn sentences(targets: &[&LabelledTarget]) -> Vec<(String, Vec<usize>)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let k = *index.entry(&t.text).or_insert_with(|| {
            out.push((t.text.clone(), Vec::new()));
            out.len() - 1
        });
        out[k].1.push(i);
    }
    out
}

/// The examples of `targets` with states after `layers` encoder layers, from `cache_dir` when
/// they were computed before with the same encoder, data and depth.
pub fn examples(
    embedder: &Embedder,
    targets: &[&LabelledTarget],
    layers: usize,
    cache_dir: Option<&Path>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Example>, SentimentError> {
    let groups = sentences(targets);
    let texts: Vec<&str> = groups.iter().map(|(t, _)| t.as_str()).collect();
    let dim = embedder.info().dim;
    let path = cache_dir.map(|d| cache_path(d, embedder, &texts, layers));
    let cached = path.as_deref().and_then(|p| load(p, texts.len(), dim));
    let states = match cached {
        Some(s) => s,
        None => {
            let total = texts.len();
            let mut done = 0;
            let computed = embedder.layer_states(&texts, layers, &mut |n| {
                done += n;
                progress(done, total);
            })?;
            let s: Vec<SentenceStates> = computed
                .into_iter()
                .map(|t| (t.offsets, t.vectors.into_raw_vec_and_offset().0))
                .collect();
            if let Some(p) = &path {
                store(p, &s)?;
            }
            s
        }
    };
    Ok(groups
        .iter()
        .zip(states)
        .map(|((_, members), (offsets, states))| Example {
            tokens: offsets.len(),
            states,
            targets: members
                .iter()
                .map(|&i| ExampleTarget {
                    rows: span_rows(&offsets, &targets[i].span),
                    label: targets[i].label.index(),
                })
                .collect(),
        })
        .collect())
}

/// One sentence's token offsets and states, as the cache holds them.
type SentenceStates = (Vec<(usize, usize)>, Vec<f32>);

fn cache_path(dir: &Path, embedder: &Embedder, texts: &[&str], layers: usize) -> PathBuf {
    let mut h = Sha256::new();
    h.update(b"themescope-td-states-v1\0");
    h.update(embedder.info().settings_key().as_bytes());
    h.update(layers.to_le_bytes());
    for t in texts {
        h.update(t.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    dir.join(format!("td-states-{hex}.bin"))
}

fn store(path: &Path, states: &[SentenceStates]) -> Result<(), SentimentError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| SentimentError::write(path, e))?;
    }
    write_atomic(path, |f| {
        let mut w = std::io::BufWriter::new(f);
        w.write_all(&(states.len() as u64).to_le_bytes())?;
        for (offsets, values) in states {
            w.write_all(&(offsets.len() as u64).to_le_bytes())?;
            for &(s, e) in offsets {
                w.write_all(&(s as u64).to_le_bytes())?;
                w.write_all(&(e as u64).to_le_bytes())?;
            }
            for v in values {
                w.write_all(&v.to_le_bytes())?;
            }
        }
        w.flush()
    })
    .map_err(|e| SentimentError::write(path, e))
}

/// The cached states, or `None` when the file is missing or does not fit (then they are
/// computed again).
fn load(path: &Path, count: usize, dim: usize) -> Option<Vec<SentenceStates>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .read_to_end(&mut bytes)
        .ok()?;
    let mut at = 0usize;
    if u64_at(&bytes, &mut at)? as usize != count {
        return None;
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let n = u64_at(&bytes, &mut at)? as usize;
        let mut offsets = Vec::with_capacity(n);
        for _ in 0..n {
            offsets.push((
                u64_at(&bytes, &mut at)? as usize,
                u64_at(&bytes, &mut at)? as usize,
            ));
        }
        let len = n.checked_mul(dim)?;
        let raw = bytes.get(at..at + 4 * len)?;
        at += 4 * len;
        let values = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        out.push((offsets, values));
    }
    (at == bytes.len()).then_some(out)
}

fn u64_at(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let v = u64::from_le_bytes(bytes.get(*at..*at + 8)?.try_into().ok()?);
    *at += 8;
    Some(v)
}
