//! What keeps the themes stage bounded on a million paragraphs: labels counted on a seeded
//! sample of each large corpus, and a UMAP layout made for a seeded sample whose clusters the
//! other paragraphs then join by their nearest centroid.
//!
//! Why these two. Phrase candidates are held per paragraph while they are counted (about 7 kB a
//! paragraph: 420 MB for 60,000 paragraphs), and the layout's neighbour search and descent grow
//! with the rows (48 of the 77 CPU seconds of `themes` on 60,000 rows). A label and the clusters
//! of a 100,000-row sample already say what the corpus holds; what grows with the corpus beyond
//! it is the vectors themselves, the texts and one cosine per paragraph and theme.

use ndarray::{ArrayView2, Axis};

use super::select_k::seeded_sample;
use super::{nearest_themes, ThemeError};

/// Paragraphs the phrases and labels are counted from, at most.
pub const LABEL_ROWS: usize = 50_000;
/// Rows a UMAP layout is made for, at most.
pub const LAYOUT_ROWS: usize = 100_000;

/// `assignment` with all but a seeded sample of `LABEL_ROWS` assigned rows set to `None` (all
/// kept when there are no more).
pub fn label_sample(assignment: &[Option<usize>], seed: u64) -> Vec<Option<usize>> {
    let assigned: Vec<usize> = (0..assignment.len())
        .filter(|&r| assignment[r].is_some())
        .collect();
    if assigned.len() <= LABEL_ROWS {
        return assignment.to_vec();
    }
    let mut out = vec![None; assignment.len()];
    for i in seeded_sample(assigned.len(), LABEL_ROWS, seed) {
        out[assigned[i]] = assignment[assigned[i]];
    }
    out
}

/// Every row's cluster: a row of `sample` (indices into `x`, sorted) keeps its own label, any
/// other row joins the cluster whose centroid (the normalised mean of its sampled rows) is the
/// nearest by cosine. A sampled outlier stays one; the other rows are never outliers.
pub fn join_nearest(
    x: ArrayView2<f32>,
    sample: &[usize],
    sample_labels: &[Option<usize>],
) -> Result<Vec<Option<usize>>, ThemeError> {
    let k = sample_labels.iter().flatten().max().map_or(0, |m| m + 1);
    if k == 0 {
        return Ok(vec![None; x.nrows()]);
    }
    let centroids = super::centroids(x.select(Axis(0), sample).view(), sample_labels, k);
    let mut labels: Vec<Option<usize>> = nearest_themes(x, centroids.view(), None)?
        .into_iter()
        .map(|n| n.theme)
        .collect();
    for (&r, &l) in sample.iter().zip(sample_labels) {
        labels[r] = l;
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rows_outside_the_sample_join_the_nearest_cluster() {
        let x = array![
            [1.0f32, 0.0],
            [0.0, 1.0],
            [0.9, 0.1],
            [0.1, 0.9],
            [0.6, 0.8]
        ];
        // Rows 0 and 1 sampled into clusters 0 and 1; row 4 sampled as an outlier.
        let labels = join_nearest(x.view(), &[0, 1, 4], &[Some(0), Some(1), None]).unwrap();
        assert_eq!(labels, vec![Some(0), Some(1), Some(0), Some(1), None]);
    }

    #[test]
    fn small_assignments_are_kept_and_large_ones_sampled_the_same_way_each_time() {
        let small: Vec<Option<usize>> = (0..100).map(|r| (r % 7 != 0).then_some(r % 3)).collect();
        assert_eq!(label_sample(&small, 1), small);
        let n = LABEL_ROWS * 2 + 10;
        let large: Vec<Option<usize>> = (0..n).map(|r| (r % 10 != 0).then_some(r % 4)).collect();
        let a = label_sample(&large, 1);
        assert_eq!(a.iter().flatten().count(), LABEL_ROWS);
        // Only assigned rows are kept, each with its own theme.
        assert!((0..n).all(|r| a[r].is_none() || a[r] == large[r]));
        assert_eq!(a, label_sample(&large, 1), "same seed, same sample");
        assert_ne!(a, label_sample(&large, 2));
    }
}
