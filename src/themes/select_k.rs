//! Choosing the number of themes: the k whose clustering has the best mean silhouette (cosine
//! distance), measured on a seeded sample so that large corpora stay cheap.

use ndarray::{Array2, ArrayView2, Axis};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::Serialize;

/// Rows the silhouette is measured on at most.
const SAMPLE: usize = 2000;

/// How one candidate k scored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KScore {
    pub k: usize,
    /// Mean silhouette (cosine distance) on the sample.
    pub silhouette: f32,
    /// Adjusted Rand index between two differently seeded fits on the sample.
    pub stability: f32,
    /// silhouette × stability; the best k has the highest.
    pub score: f32,
}

/// Up to `SAMPLE` row indices, seeded, sorted.
pub fn sample_rows(n: usize, seed: u64) -> Vec<usize> {
    seeded_sample(n, SAMPLE, seed)
}

/// Up to `size` of the indices `0..n`, drawn without replacement for `seed`, sorted.
pub fn seeded_sample(n: usize, size: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    if n <= size {
        return idx;
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ 0x5EED_5A3F);
    for i in 0..size {
        let j = i + (rng.next_u64() % (n - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(size);
    idx.sort_unstable();
    idx
}

/// Cosine similarities between the sampled rows (rows are L2-normalised).
pub fn sample_similarity(vectors: ArrayView2<f32>, rows: &[usize]) -> Array2<f32> {
    let s = vectors.select(Axis(0), rows);
    s.dot(&s.t())
}

/// Mean silhouette with cosine distance (1 − similarity); rows without a cluster are skipped.
pub fn silhouette(similarity: &Array2<f32>, labels: &[Option<usize>]) -> f32 {
    let k = labels.iter().flatten().max().map_or(0, |m| m + 1);
    if k < 2 {
        return 0.0;
    }
    let mut sizes = vec![0usize; k];
    for l in labels.iter().flatten() {
        sizes[*l] += 1;
    }
    let mut total = 0.0f64;
    let mut counted = 0usize;
    let mut sums = vec![0.0f64; k];
    for (i, li) in labels.iter().enumerate() {
        let Some(own) = *li else { continue };
        counted += 1;
        if sizes[own] < 2 {
            continue; // a singleton's silhouette is 0
        }
        sums.fill(0.0);
        for (j, lj) in labels.iter().enumerate() {
            if let Some(c) = lj {
                if i != j {
                    sums[*c] += 1.0 - similarity[[i, j]] as f64;
                }
            }
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let s = (b - a) / a.max(b).max(1e-12);
        total += s;
    }
    if counted == 0 {
        0.0
    } else {
        (total / counted as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn separated_clusters_score_high_and_mixed_low() {
        let v = array![[1.0f32, 0.0], [0.99, 0.141], [0.0, 1.0], [0.141, 0.99]];
        let sim = v.dot(&v.t());
        let good = silhouette(&sim, &[Some(0), Some(0), Some(1), Some(1)]);
        let bad = silhouette(&sim, &[Some(0), Some(1), Some(0), Some(1)]);
        assert!(good > 0.8, "{good}");
        assert!(bad < 0.0, "{bad}");
    }

    #[test]
    fn samples_are_seeded_and_bounded() {
        assert_eq!(sample_rows(10, 1), (0..10).collect::<Vec<_>>());
        let a = sample_rows(10_000, 7);
        assert_eq!(a.len(), SAMPLE);
        assert_eq!(a, sample_rows(10_000, 7));
        assert_ne!(a, sample_rows(10_000, 8));
        assert!(a.windows(2).all(|w| w[0] < w[1]));
    }
}
