//! Mini-batch k-means (Sculley 2010) for corpora too large for full k-means passes.
//!
//! Full k-means with ten restarts touches every row hundreds of times; on 200,000 paragraphs that
//! is minutes of arithmetic and two f64 copies of the matrix inside linfa. Here the centres start
//! from full k-means on a seeded sample, move through a few epochs of small batches with
//! per-centre learning rates 1/count, and every row is assigned once at the end.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

use super::cluster::{renumber, Clusterer, KMeansClusterer};
use super::ThemeError;

/// Rows the starting centres are fitted on.
const INIT_SAMPLE: usize = 20_000;

/// Mini-batch k-means behind the [`Clusterer`] trait.
pub struct MiniBatchKMeans {
    pub k: usize,
    pub seed: u64,
    /// Rows per update.
    pub batch: usize,
    /// Passes over all rows.
    pub epochs: usize,
}

impl MiniBatchKMeans {
    pub fn new(k: usize, seed: u64) -> MiniBatchKMeans {
        MiniBatchKMeans {
            k,
            seed,
            batch: 2048,
            epochs: 3,
        }
    }
}

/// A seeded permutation of `0..n` (Fisher–Yates).
fn shuffled(n: usize, rng: &mut Xoshiro256Plus) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        idx.swap(i, j);
    }
    idx
}

fn nearest(centres: &Array2<f64>, row: ArrayView1<f64>) -> usize {
    let mut best = (f64::INFINITY, 0);
    for (c, centre) in centres.axis_iter(Axis(0)).enumerate() {
        let d: f64 = centre
            .iter()
            .zip(row.iter())
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        if d < best.0 {
            best = (d, c);
        }
    }
    best.1
}

impl Clusterer for MiniBatchKMeans {
    fn name(&self) -> &'static str {
        "kmeans (mini-batch)"
    }

    fn fit(&self, x: ArrayView2<f64>) -> Result<Vec<Option<usize>>, ThemeError> {
        let n = x.nrows();
        if self.k == 0 || self.k > n {
            return Err(ThemeError::Cluster {
                algo: self.name(),
                reason: format!("k = {} for {n} rows", self.k),
            });
        }
        let mut rng = Xoshiro256Plus::seed_from_u64(self.seed);
        let mut sample = shuffled(n, &mut rng);
        sample.truncate(INIT_SAMPLE.max(self.k));
        sample.sort_unstable();
        let sub = x.select(Axis(0), &sample);
        let init = KMeansClusterer {
            k: self.k,
            seed: self.seed,
            runs: 3,
        }
        .fit(sub.view())?;
        let mut centres = Array2::<f64>::zeros((self.k, x.ncols()));
        let mut counts = vec![0f64; self.k];
        for (r, l) in init.iter().enumerate() {
            if let Some(c) = *l {
                let mut centre = centres.row_mut(c);
                centre += &sub.row(r);
                counts[c] += 1.0;
            }
        }
        for (c, &m) in counts.iter().enumerate() {
            let mut centre = centres.row_mut(c);
            centre /= m.max(1.0);
        }
        // Each centre has already absorbed its sample rows: updates start at that weight.
        for _ in 0..self.epochs {
            let order = shuffled(n, &mut rng);
            for batch in order.chunks(self.batch) {
                let assigned: Vec<usize> =
                    batch.iter().map(|&r| nearest(&centres, x.row(r))).collect();
                for (&r, &c) in batch.iter().zip(&assigned) {
                    counts[c] += 1.0;
                    let eta = 1.0 / counts[c];
                    let mut centre = centres.row_mut(c);
                    centre.zip_mut_with(&x.row(r), |m, v| *m += eta * (v - *m));
                }
            }
        }
        Ok(renumber(
            x.axis_iter(Axis(0)).map(|row| Some(nearest(&centres, row))),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three well-separated blobs of 30,000 rows each: the mini-batch path finds them.
    #[test]
    fn finds_separated_blobs_on_a_large_matrix() {
        let mut rng = Xoshiro256Plus::seed_from_u64(7);
        let n = 90_000;
        let mut x = Array2::<f64>::zeros((n, 8));
        for r in 0..n {
            let blob = r % 3;
            for c in 0..8 {
                let noise = (rng.next_u64() % 1000) as f64 / 1000.0 - 0.5;
                x[[r, c]] = if c == blob { 10.0 } else { 0.0 } + noise;
            }
        }
        let labels = MiniBatchKMeans::new(3, 1).fit(x.view()).unwrap();
        for r in 3..n {
            assert_eq!(labels[r], labels[r % 3], "row {r}");
        }
        let distinct: std::collections::BTreeSet<_> = labels[..3].iter().collect();
        assert_eq!(distinct.len(), 3);
    }
}
