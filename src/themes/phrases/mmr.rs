//! Maximal marginal relevance (Carbonell & Goldstein 1998): pick phrases one at a time, each
//! maximising
//!
//! ```text
//! (1 − diversity) · relevance(p) − diversity · max over chosen q of cos(p, q)
//! ```
//!
//! so a phrase that says what an already chosen one says (a near-synonym, an inflection) loses
//! to a slightly less relevant phrase that adds something.

use ndarray::ArrayView2;

/// Indices of up to `k` items in the order MMR picks them. `relevance[i]` is item `i`'s
/// relevance (any scale; `[0, 1]` keeps `diversity` meaningful), `embeddings` holds one
/// L2-normalised row per item, `redundant(i, j)` says that item `i` may not be picked once `j`
/// has been (it is checked in both directions: a sub- or super-phrase). Ties go to the lower
/// index, so callers sort items by a deterministic order first.
pub fn mmr(
    relevance: &[f32],
    embeddings: ArrayView2<'_, f32>,
    k: usize,
    diversity: f32,
    redundant: &dyn Fn(usize, usize) -> bool,
) -> Vec<usize> {
    let m = relevance.len();
    assert_eq!(embeddings.nrows(), m);
    let mut chosen: Vec<usize> = Vec::with_capacity(k.min(m));
    let mut open = vec![true; m];
    // Highest similarity of each item to any chosen one.
    let mut max_sim = vec![f32::NEG_INFINITY; m];
    while chosen.len() < k {
        let mut best: Option<(usize, f32)> = None;
        for i in 0..m {
            if !open[i] {
                continue;
            }
            let penalty = if chosen.is_empty() { 0.0 } else { max_sim[i] };
            let value = (1.0 - diversity) * relevance[i] - diversity * penalty;
            if best.is_none_or(|(_, b)| value > b) {
                best = Some((i, value));
            }
        }
        let Some((pick, _)) = best else { break };
        chosen.push(pick);
        open[pick] = false;
        for i in 0..m {
            if !open[i] {
                continue;
            }
            if redundant(i, pick) || redundant(pick, i) {
                open[i] = false;
                continue;
            }
            let sim = embeddings.row(i).dot(&embeddings.row(pick));
            if sim > max_sim[i] {
                max_sim[i] = sim;
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    fn rows(vs: &[&[f32]]) -> ndarray::Array2<f32> {
        let d = vs[0].len();
        let flat: Vec<f32> = vs.iter().flat_map(|v| unit(v)).collect();
        ndarray::Array2::from_shape_vec((vs.len(), d), flat).unwrap()
    }

    #[test]
    fn no_diversity_is_relevance_order() {
        let e = rows(&[&[1.0, 0.0], &[1.0, 0.01], &[0.0, 1.0]]);
        let got = mmr(&[0.9, 0.8, 0.7], e.view(), 3, 0.0, &|_, _| false);
        assert_eq!(got, [0, 1, 2]);
    }

    #[test]
    fn diversity_skips_near_duplicates() {
        // 0 and 1 say the same thing ("gas pipeline", "gas pipelines"); 2 is different.
        let e = rows(&[&[1.0, 0.0, 0.0], &[0.99, 0.1, 0.0], &[0.0, 0.2, 1.0]]);
        let got = mmr(&[0.9, 0.85, 0.6], e.view(), 2, 0.5, &|_, _| false);
        assert_eq!(got, [0, 2]);
        // A little diversity does not override a large relevance gap.
        let got = mmr(&[0.9, 0.85, 0.1], e.view(), 2, 0.05, &|_, _| false);
        assert_eq!(got, [0, 1]);
    }

    #[test]
    fn redundant_items_are_never_picked() {
        let e = rows(&[&[1.0, 0.0], &[0.0, 1.0], &[0.7, 0.7]]);
        // 1 is a sub-phrase of 0.
        let got = mmr(&[0.9, 0.8, 0.1], e.view(), 3, 0.0, &|i, j| (i, j) == (1, 0));
        assert_eq!(got, [0, 2]);
    }

    #[test]
    fn ties_go_to_the_lower_index_and_k_is_respected() {
        let e = array![[1.0f32, 0.0], [1.0, 0.0], [0.0, 1.0]];
        assert_eq!(mmr(&[0.5, 0.5, 0.5], e.view(), 1, 0.3, &|_, _| false), [0]);
        assert_eq!(
            mmr(&[0.5, 0.5, 0.5], e.view(), 2, 0.3, &|_, _| false),
            [0, 2]
        );
        assert!(mmr(
            &[],
            ndarray::Array2::<f32>::zeros((0, 2)).view(),
            3,
            0.3,
            &|_, _| false
        )
        .is_empty());
    }
}
