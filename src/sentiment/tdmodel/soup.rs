//! Several heads trained by one recipe with different seeds, averaged into one (a "model soup",
//! Wortsman et al. 2022). Every head starts from the same encoder and its adapters are small
//! deltas of its weights, so the mean of the deltas is a model of its own: it scores as one
//! head does, at one encoder pass per sentence, and its scores vary less with the seed than a
//! single run's. The adapters are stacked along their rank (the mean of `B_i A_i` is
//! `[B_1 … B_n] / n · [A_1; …; A_n]`, exactly) and may then be cut back to a smaller rank by the
//! best approximation of the summed delta (truncated SVD); the head and the context pooling are
//! averaged.

use std::collections::BTreeMap;

use linfa_linalg::svd::SVD;
use ndarray::{Array2, Axis};

use super::file::TdHead;
use super::network::ADAPTER_PREFIX;
use crate::sentiment::SentimentError;

/// The mean of `heads` (two or more, made alike); `rank`: cut the stacked adapters back to this
/// rank (`None`: keep the stack, the exact mean).
pub fn soup(heads: &[TdHead], rank: Option<usize>) -> Result<TdHead, SentimentError> {
    let Some(first) = heads.first().filter(|_| heads.len() >= 2) else {
        return Err(SentimentError::Soup("give two heads or more".into()));
    };
    for other in &heads[1..] {
        check_alike(first, other)?;
    }
    let stacked_rank = first.meta.shape.rank * heads.len();
    let new_rank = rank.unwrap_or(stacked_rank);
    if new_rank == 0 || new_rank > stacked_rank {
        return Err(SentimentError::Soup(format!(
            "rank {new_rank}: give 1 to {stacked_rank} (the heads' ranks added up)"
        )));
    }
    let mut tensors = BTreeMap::new();
    for name in first.tensors.keys() {
        match adapter_pair(name) {
            Some((base, "a")) => {
                let (a, b) = stacked(heads, base);
                let (a, b) = match new_rank < stacked_rank {
                    true => truncated(&a, &b, new_rank)?,
                    false => (a, b),
                };
                tensors.insert(format!("{base}.a"), as_stored(a));
                tensors.insert(format!("{base}.b"), as_stored(b));
            }
            Some(_) => {}
            None => {
                tensors.insert(name.clone(), mean(heads, name));
            }
        }
    }
    let mut meta = first.meta.clone();
    // The scale alpha / rank of every adapter stays what each head had.
    meta.shape.alpha = first.meta.shape.scale() * new_rank as f64;
    meta.shape.rank = new_rank;
    meta.extra = soup_provenance(heads, new_rank < stacked_rank);
    Ok(TdHead {
        source: "soup".into(),
        meta,
        tensors,
    })
}

/// The heads of a soup share encoder, shape, training data and tensor shapes.
fn check_alike(first: &TdHead, other: &TdHead) -> Result<(), SentimentError> {
    let (a, b) = (&first.meta, &other.meta);
    let same_tensors = first.tensors.len() == other.tensors.len()
        && first
            .tensors
            .iter()
            .all(|(n, (shape, _))| other.tensors.get(n).is_some_and(|(s, _)| s == shape));
    let reason = if (&a.encoder_id, a.encoder_dim, a.encoder_layers)
        != (&b.encoder_id, b.encoder_dim, b.encoder_layers)
    {
        "was trained on another encoder"
    } else if a.shape != b.shape {
        "has adapters or a head of another shape"
    } else if a.training_sha256 != b.training_sha256 {
        "was trained on other data"
    } else if !same_tensors {
        "has other tensors"
    } else {
        return Ok(());
    };
    Err(SentimentError::Soup(format!(
        "{} {reason} than {}: average heads of one `head train` recipe and data, other --seed",
        other.source, first.source
    )))
}

/// `lora.….a` → (`lora.…`, "a").
fn adapter_pair(name: &str) -> Option<(&str, &str)> {
    if !name.starts_with(ADAPTER_PREFIX) {
        return None;
    }
    name.rsplit_once('.')
}

fn matrix(t: &(Vec<usize>, Vec<f32>)) -> Array2<f64> {
    let (shape, values) = t;
    let cols = shape.get(1).copied().unwrap_or(1);
    Array2::from_shape_fn((shape[0], cols), |(i, j)| values[i * cols + j] as f64)
}

/// `[A_1; …; A_n]` (rank n·r × in) and `[B_1 … B_n] / n` (out × n·r).
fn stacked(heads: &[TdHead], base: &str) -> (Array2<f64>, Array2<f64>) {
    let a: Vec<Array2<f64>> = heads
        .iter()
        .map(|h| matrix(&h.tensors[&format!("{base}.a")]))
        .collect();
    let b: Vec<Array2<f64>> = heads
        .iter()
        .map(|h| matrix(&h.tensors[&format!("{base}.b")]))
        .collect();
    let a_views: Vec<_> = a.iter().map(Array2::view).collect();
    let b_views: Vec<_> = b.iter().map(Array2::view).collect();
    let a = ndarray::concatenate(Axis(0), &a_views).expect("one shape, checked");
    let b = ndarray::concatenate(Axis(1), &b_views).expect("one shape, checked");
    (a, b / heads.len() as f64)
}

/// The rank-`r` factors of `B A` nearest to it: `√S Vᵀ` and `U √S` of its truncated SVD.
fn truncated(
    a: &Array2<f64>,
    b: &Array2<f64>,
    r: usize,
) -> Result<(Array2<f64>, Array2<f64>), SentimentError> {
    let product = b.dot(a);
    let (u, sigma, vt) = product
        .svd(true, true)
        .map_err(|e| SentimentError::Soup(format!("the SVD of the mean adapters failed: {e}")))?;
    let (u, vt) = (u.expect("asked for U"), vt.expect("asked for Vt"));
    // linfa-linalg leaves the singular values unsorted.
    let mut order: Vec<usize> = (0..sigma.len()).collect();
    order.sort_by(|&i, &j| sigma[j].total_cmp(&sigma[i]).then(i.cmp(&j)));
    let keep = &order[..r.min(order.len())];
    let root: Vec<f64> = keep.iter().map(|&k| sigma[k].max(0.0).sqrt()).collect();
    let new_b = Array2::from_shape_fn((b.nrows(), keep.len()), |(i, j)| u[[i, keep[j]]] * root[j]);
    let new_a = Array2::from_shape_fn((keep.len(), a.ncols()), |(i, j)| root[i] * vt[[keep[i], j]]);
    Ok((new_a, new_b))
}

fn as_stored(m: Array2<f64>) -> (Vec<usize>, Vec<f32>) {
    let shape = vec![m.nrows(), m.ncols()];
    (shape, m.iter().map(|&v| v as f32).collect())
}

/// The element-wise mean of one tensor over the heads.
fn mean(heads: &[TdHead], name: &str) -> (Vec<usize>, Vec<f32>) {
    let (shape, first) = &heads[0].tensors[name];
    let mut sum: Vec<f64> = first.iter().map(|&v| v as f64).collect();
    for h in &heads[1..] {
        for (s, v) in sum.iter_mut().zip(&h.tensors[name].1) {
            *s += *v as f64;
        }
    }
    let n = heads.len() as f64;
    (
        shape.clone(),
        sum.into_iter().map(|s| (s / n) as f32).collect(),
    )
}

/// The provenance of a soup: each head's seed and dev scores (its own are scored afresh), and
/// whether its stacked adapters were `cut` back by the SVD.
fn soup_provenance(heads: &[TdHead], cut: bool) -> BTreeMap<String, String> {
    let mut extra = heads[0].meta.extra.clone();
    extra.remove("dev_scores");
    extra.remove("epoch_log");
    let seeds: Vec<String> = heads.iter().map(|h| h.meta.seed.to_string()).collect();
    let members: Vec<String> = heads
        .iter()
        .map(|h| {
            let dev = h.meta.extra.get("dev_scores").map_or("", String::as_str);
            format!("seed {}: {dev}", h.meta.seed)
        })
        .collect();
    extra.insert("soup_seeds".into(), seeds.join(","));
    extra.insert("soup_members".into(), members.join("; "));
    let adapters = match cut {
        true => "stacked along their rank and cut back by the truncated SVD of the mean delta",
        false => "stacked along their rank (the exact mean delta)",
    };
    extra.insert(
        "soup".into(),
        format!(
            "the mean of {} heads of this recipe trained with seeds {}, adapters {adapters}",
            heads.len(),
            seeds.join(", ")
        ),
    );
    extra
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::tdmodel::file::TdMeta;
    use crate::sentiment::tdmodel::network::{adapter_name, Shape, HEAD_BIAS};

    /// A head with one adapter (rank 2 on a 3 × 4 layer) whose numbers follow `seed`.
    fn head(seed: u64) -> TdHead {
        let f = |i: usize| ((i as f32 + 1.0) * (seed as f32 + 0.5)).sin();
        let a = adapter_name(0, "attention.self.query", "a");
        let b = adapter_name(0, "attention.self.query", "b");
        let tensors = BTreeMap::from([
            (a, (vec![2, 4], (0..8).map(f).collect())),
            (b, (vec![3, 2], (10..16).map(f).collect())),
            (
                HEAD_BIAS.to_string(),
                (vec![3], vec![seed as f32, 0.0, 1.0]),
            ),
        ]);
        let shape = Shape {
            top_layers: 1,
            rank: 2,
            alpha: 4.0,
            context: 0,
        };
        TdHead {
            source: format!("head-{seed}"),
            meta: TdMeta {
                encoder_id: "enc".into(),
                encoder_revision: None,
                encoder_dim: 4,
                encoder_layers: 1,
                shape,
                training_data: "train.jsonl".into(),
                training_sha256: "00".into(),
                n_train: 3,
                seed,
                epochs: 1,
                extra: BTreeMap::new(),
            },
            tensors,
        }
    }

    /// The adapter's weight delta, scale included.
    fn delta(h: &TdHead) -> Array2<f64> {
        let base = "lora.encoder.layer.0.attention.self.query";
        let a = matrix(&h.tensors[&format!("{base}.a")]);
        let b = matrix(&h.tensors[&format!("{base}.b")]);
        b.dot(&a) * h.meta.shape.scale()
    }

    fn max_gap(x: &Array2<f64>, y: &Array2<f64>) -> f64 {
        (x - y).iter().fold(0.0, |m, v| m.max(v.abs()))
    }

    #[test]
    fn a_soup_is_the_mean_of_its_heads_deltas_and_weights() {
        let (one, two) = (head(1), head(2));
        let mean_delta = (delta(&one) + delta(&two)) / 2.0;
        let stacked = soup(&[one.clone(), two.clone()], None).unwrap();
        assert_eq!(stacked.meta.shape.rank, 4);
        assert_eq!(stacked.meta.shape.scale(), one.meta.shape.scale());
        assert!(max_gap(&delta(&stacked), &mean_delta) < 1e-6);
        assert_eq!(stacked.tensors[HEAD_BIAS].1, vec![1.5, 0.0, 1.0]);
        assert_eq!(stacked.meta.extra["soup_seeds"], "1,2");
        // Cut back to the rank of the delta (at most 3 on a 3 × 4 layer): still exact.
        let cut = soup(&[one.clone(), two.clone()], Some(3)).unwrap();
        assert!(max_gap(&delta(&cut), &mean_delta) < 1e-5);
        // Cut to rank 1: the best rank-1 approximation, no better and no worse.
        let rank1 = soup(&[one.clone(), two.clone()], Some(1)).unwrap();
        let sigma = {
            let (_, s, _) = mean_delta.svd(false, false).unwrap();
            let mut s = s.to_vec();
            s.sort_by(|a, b| b.total_cmp(a));
            s
        };
        let err = (delta(&rank1) - &mean_delta)
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt();
        let best = sigma[1..].iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((err - best).abs() < 1e-5, "{err} vs {best}");
    }

    #[test]
    fn heads_made_otherwise_make_no_soup() {
        let one = head(1);
        let err = |r: Result<TdHead, SentimentError>| r.unwrap_err().to_string();
        assert!(err(soup(std::slice::from_ref(&one), None)).contains("two heads or more"));
        let mut other = head(2);
        other.meta.encoder_id = "another".into();
        assert!(err(soup(&[one.clone(), other], None)).contains("another encoder"));
        let mut other = head(2);
        other.meta.training_sha256 = "11".into();
        assert!(err(soup(&[one.clone(), other], None)).contains("other data"));
        assert!(err(soup(&[one.clone(), head(2)], Some(5))).contains("give 1 to 4"));
    }
}
