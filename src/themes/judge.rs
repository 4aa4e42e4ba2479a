//! Partitions proposed in a layout, judged on the vectors.
//!
//! k-means in a UMAP layout has several local minima of nearly equal inertia, and which one has
//! the least inertia in the layout turns on rounding: on the first 2,000 AG News items (k = 4)
//! a layout from vectors normalised twice puts baseball and the Olympics apart and business with
//! technology (NMI 0.52) at 1% less layout inertia than the topical split (0.60), while the
//! layout from the vectors as read orders them the other way. The layout is only a map; how
//! tightly each cluster's paragraphs agree in meaning is measured on the vectors themselves.
//! Of the seeded runs, the one whose clusters are most coherent on the vectors wins: on AG News
//! (four 2,000-row slices, 7,600 rows, several layout seeds) it is the topical split where the
//! layout's own choice was not, and within 0.005 NMI of it everywhere else.

use ndarray::{Array2, ArrayView2};

use super::{Clusterer, ThemeError};

/// Runs `make(seed + i)` on `space` for `runs` seeds and keeps the partition with the greatest
/// coherence on `unit_vectors` (ties: the earlier seed).
pub fn most_coherent(
    make: &dyn Fn(u64) -> Box<dyn Clusterer>,
    space: &Array2<f64>,
    unit_vectors: ArrayView2<f32>,
    seed: u64,
    runs: usize,
) -> Result<Vec<Option<usize>>, ThemeError> {
    let mut best: Option<(f64, Vec<Option<usize>>)> = None;
    for i in 0..runs.max(1) as u64 {
        let labels = make(seed.wrapping_add(i)).fit(space.view())?;
        let score = coherence(unit_vectors, &labels);
        tracing::debug!("layout run {i}: coherence {score:.3}");
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, labels));
        }
    }
    Ok(best.map(|(_, labels)| labels).unwrap_or_default())
}

/// The sum over rows of the cosine to their cluster's mean direction: for unit rows, the sum
/// over clusters of the length of the rows' sum. Outliers add nothing.
pub fn coherence(unit_vectors: ArrayView2<f32>, labels: &[Option<usize>]) -> f64 {
    let k = labels.iter().flatten().max().map_or(0, |m| m + 1);
    let mut sums = Array2::<f64>::zeros((k, unit_vectors.ncols()));
    for (row, label) in unit_vectors.rows().into_iter().zip(labels) {
        if let Some(c) = label {
            let mut sum = sums.row_mut(*c);
            sum.zip_mut_with(&row, |s, &v| *s += f64::from(v));
        }
    }
    sums.rows()
        .into_iter()
        .map(|s| s.dot(&s).sqrt())
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// A fixed partition, whatever the seed.
    struct Fixed(Vec<Option<usize>>);
    impl Clusterer for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn fit(&self, _: ArrayView2<f64>) -> Result<Vec<Option<usize>>, ThemeError> {
            Ok(self.0.clone())
        }
    }

    fn rows() -> Array2<f32> {
        let s = std::f32::consts::FRAC_1_SQRT_2;
        array![[1.0, 0.0], [s, s], [0.0, 1.0], [-s, s]]
    }

    #[test]
    fn coherence_is_the_sum_of_cosines_to_each_clusters_direction() {
        let x = rows();
        // {0,1} and {2,3}: each pair 45 degrees apart, cos 22.5 degrees to its mean direction.
        let paired = coherence(x.view(), &[Some(0), Some(0), Some(1), Some(1)]);
        let expected = 4.0 * (std::f64::consts::PI / 8.0).cos();
        assert!((paired - expected).abs() < 1e-6, "{paired} vs {expected}");
        // {0,3} and {1,2}: 135 and 45 degrees apart; outliers count nothing.
        let crossed = coherence(x.view(), &[Some(0), Some(1), Some(1), Some(0)]);
        assert!(crossed < paired, "{crossed} vs {paired}");
        assert_eq!(coherence(x.view(), &[None; 4]), 0.0);
    }

    #[test]
    fn the_run_most_coherent_on_the_vectors_wins() {
        let x = rows();
        let space = Array2::<f64>::zeros((4, 2));
        let make = |seed: u64| -> Box<dyn Clusterer> {
            Box::new(Fixed(match seed {
                10 => vec![Some(0), Some(1), Some(1), Some(0)],
                11 => vec![Some(0), Some(0), Some(1), Some(1)],
                _ => vec![Some(0), Some(1), Some(0), Some(1)],
            }))
        };
        let labels = most_coherent(&make, &space, x.view(), 10, 3).unwrap();
        assert_eq!(labels, vec![Some(0), Some(0), Some(1), Some(1)]);
    }
}
