//! Scoring targets with the target-dependent head: each distinct sentence goes through the
//! adapted encoder once (batched with the others), and each of its targets is read from that
//! pass: the [CLS] state, the mean of the target's own token states and, when the head has a
//! context pooling, the target-query attention pooling of the sentence's other tokens (the same
//! arithmetic as [`super::network::head_logits`]).

use std::collections::HashMap;

use super::file::TdHead;
use super::network::distance_bucket;
use super::states::span_rows;
use crate::embed::{Embedder, TokenVectors};
use crate::sentiment::features::{span_mean, TargetRef};
use crate::sentiment::{Method, Prediction, Scorer, SentimentError};

/// Distinct sentences per encoder call: bounds the memory their token states take.
const SENTENCES_PER_CALL: usize = 512;

/// A copy of `base` with the head's adapters merged into its weights (check the encoder first
/// with [`TdHead::check_encoder`]).
pub fn adapted_encoder(head: &TdHead, base: &Embedder) -> Result<Embedder, SentimentError> {
    let deltas = head.weight_deltas(base.config())?;
    Ok(base.adapted(&deltas)?)
}

/// The adapted encoder, built by the scorer or ahead of it.
enum Encoder<'a> {
    Owned(Box<Embedder>),
    Borrowed(&'a Embedder),
}

/// The head with its adapted encoder (the adapters merged into the weights).
pub struct TdScorer<'a> {
    head: &'a TdHead,
    encoder: Encoder<'a>,
}

impl<'a> TdScorer<'a> {
    /// Merges the head's adapters into a copy of `base`.
    pub fn new(head: &'a TdHead, base: &Embedder) -> Result<TdScorer<'a>, SentimentError> {
        Ok(TdScorer {
            head,
            encoder: Encoder::Owned(Box::new(adapted_encoder(head, base)?)),
        })
    }

    /// With an encoder [`adapted_encoder`] built.
    pub fn prepared(head: &'a TdHead, adapted: &'a Embedder) -> TdScorer<'a> {
        TdScorer {
            head,
            encoder: Encoder::Borrowed(adapted),
        }
    }

    fn encoder(&self) -> &Embedder {
        match &self.encoder {
            Encoder::Owned(e) => e,
            Encoder::Borrowed(e) => e,
        }
    }

    /// Probabilities of the three classes from pooled features (cls ⊕ target mean).
    fn classify(&self, features: &[f32]) -> Prediction {
        let (w, b) = self.head.head_weights();
        let width = features.len();
        let logits: Vec<f32> = (0..3)
            .map(|c| {
                let row = &w[c * width..(c + 1) * width];
                row.iter().zip(features).map(|(a, x)| a * x).sum::<f32>() + b[c]
            })
            .collect();
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f32> = logits.iter().map(|v| (v - max).exp()).collect();
        let sum: f32 = e.iter().sum();
        Prediction::from_probs([e[0] / sum, e[1] / sum, e[2] / sum])
    }
}

impl Scorer for TdScorer<'_> {
    fn method(&self) -> Method {
        Method::Head
    }

    fn cache_identity(&self) -> Option<Vec<u8>> {
        let mut id = format!("td-head-v1\0{}\0", self.encoder().info().settings_key()).into_bytes();
        id.extend(self.head.identity_bytes());
        Some(id)
    }

    fn score(
        &self,
        targets: &[TargetRef<'_>],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Prediction>, SentimentError> {
        // Each distinct sentence once, in order of first appearance.
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut texts: Vec<&str> = Vec::new();
        let rows: Vec<usize> = targets
            .iter()
            .map(|t| {
                *index.entry(t.text).or_insert_with(|| {
                    texts.push(t.text);
                    texts.len() - 1
                })
            })
            .collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); texts.len()];
        for (i, &r) in rows.iter().enumerate() {
            users[r].push(i);
        }
        let dim = self.encoder().info().dim;
        let mut out: Vec<Option<Prediction>> = vec![None; targets.len()];
        for (c, chunk) in texts.chunks(SENTENCES_PER_CALL).enumerate() {
            let (_, tokens) = self.encoder().embed_with_tokens(chunk, &mut |_| {})?;
            let mut done = 0;
            for (k, toks) in tokens.iter().enumerate() {
                for &i in &users[c * SENTENCES_PER_CALL + k] {
                    let features = pooled_features(self.head, toks, &targets[i].span, dim);
                    out[i] = Some(self.classify(&features));
                    done += 1;
                }
            }
            progress(done);
        }
        Ok(out
            .into_iter()
            .map(|p| p.unwrap_or_else(|| Prediction::from_probs([0.0, 1.0, 0.0])))
            .collect())
    }
}

/// The head's features of the target at `span`: [CLS] ⊕ the target mean (⊕ the context).
fn pooled_features(
    head: &TdHead,
    toks: &TokenVectors,
    span: &std::ops::Range<usize>,
    dim: usize,
) -> Vec<f32> {
    let mut features = Vec::with_capacity(3 * dim);
    if toks.vectors.nrows() > 0 {
        features.extend(toks.vectors.row(0).iter());
    } else {
        features.resize(dim, 0.0);
    }
    let mean = span_mean(toks, span, dim);
    features.extend(mean.iter());
    if let Some((wq, wk, bias)) = head.context_weights() {
        let rows = span_rows(&toks.offsets, span);
        let mean = mean.as_slice().unwrap_or(&[]);
        features.extend(context(toks, &rows, mean, (wq, wk, bias), dim));
    }
    features
}

/// Row-major `matrix` (rank × dim) times `x`.
fn project(matrix: &[f32], x: &[f32]) -> Vec<f32> {
    matrix
        .chunks_exact(x.len())
        .map(|row| row.iter().zip(x).map(|(a, b)| a * b).sum())
        .collect()
}

/// The context pooling of the sentence's tokens other than `rows` (the target's own), with the
/// target mean `mean` as the query.
fn context(
    toks: &TokenVectors,
    rows: &[usize],
    mean: &[f32],
    (wq, wk, bias): (&[f32], &[f32], &[f32]),
    dim: usize,
) -> Vec<f32> {
    let mut out = vec![0f32; dim];
    if mean.len() != dim {
        return out;
    }
    let q = project(wq, mean);
    let root = (q.len() as f64).sqrt() as f32;
    // q · (Wk s) = (Wkᵀ q) · s: one projection per target instead of one per token.
    let mut query = ndarray::Array1::<f32>::zeros(dim);
    for (key_row, qr) in wk.chunks_exact(dim).zip(&q) {
        for (u, w) in query.iter_mut().zip(key_row) {
            *u += qr * w;
        }
    }
    let scored: Vec<(usize, f32)> = (0..toks.vectors.nrows())
        .filter_map(|row| {
            let b = distance_bucket(row, rows)?;
            let dot: f32 = toks.vectors.row(row).dot(&query);
            Some((row, dot / root + bias[b]))
        })
        .collect();
    let max = scored.iter().map(|s| s.1).fold(f32::NEG_INFINITY, f32::max);
    let weights: Vec<f32> = scored.iter().map(|s| (s.1 - max).exp()).collect();
    let total: f32 = weights.iter().sum();
    for ((row, _), w) in scored.iter().zip(&weights) {
        for (o, v) in out.iter_mut().zip(toks.vectors.row(*row).iter()) {
            *o += w / total * v;
        }
    }
    out
}
