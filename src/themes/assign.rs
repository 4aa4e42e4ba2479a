//! Paragraphs assigned to themes fitted elsewhere: each vector goes to the theme whose centroid
//! it is closest to (cosine). Themes fitted on a sample can so be applied to every paragraph, in
//! batches and on other machines: each row is computed on its own, in a fixed order of
//! operations, so the result does not depend on the batch a row arrives in.

use ndarray::{ArrayView1, ArrayView2};

use super::ThemeError;

/// One paragraph's nearest theme and its cosine to that theme's centroid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// The theme's id (its row in the centroids); `None` when below the minimum similarity.
    pub theme: Option<usize>,
    /// Cosine to the nearest centroid (0 when there are no themes).
    pub similarity: f32,
}

/// The nearest theme of each row of `vectors` among `centroids` (one L2-normalised row per
/// theme, as [`super::ThemeResult::centroids`] holds them). Rows are normalised first, as the
/// fit normalises them. `min_similarity`: a row less similar than this to every theme is an
/// outlier (`None`); without it every row gets its nearest theme. Ties go to the lower id.
pub fn nearest_themes(
    vectors: ArrayView2<f32>,
    centroids: ArrayView2<f32>,
    min_similarity: Option<f32>,
) -> Result<Vec<Nearest>, ThemeError> {
    if vectors.ncols() != centroids.ncols() {
        return Err(ThemeError::Param {
            option: "centroids",
            reason: format!(
                "the vectors have {} values but the centroids {}: assign with the themes fitted on the same model",
                vectors.ncols(),
                centroids.ncols()
            ),
        });
    }
    if let Some(r) = first_non_finite(vectors).or(first_non_finite(centroids)) {
        return Err(ThemeError::Param {
            option: "vectors",
            reason: format!("row {r} holds a value that is not a finite number (NaN or infinite)"),
        });
    }
    Ok(vectors
        .rows()
        .into_iter()
        .map(|row| nearest(row, centroids, min_similarity))
        .collect())
}

/// The first row of `m` with a NaN or an infinity.
fn first_non_finite(m: ArrayView2<f32>) -> Option<usize> {
    m.rows()
        .into_iter()
        .position(|row| row.iter().any(|v| !v.is_finite()))
}

fn nearest(row: ArrayView1<f32>, centroids: ArrayView2<f32>, min: Option<f32>) -> Nearest {
    let scale = 1.0 / super::unit_scale(row);
    let mut best: Option<(usize, f32)> = None;
    for (t, centroid) in centroids.rows().into_iter().enumerate() {
        // The row is scaled after the product, so each similarity is one fixed sum.
        let sim = row.dot(&centroid) * scale;
        if best.is_none_or(|(_, b)| sim > b) {
            best = Some((t, sim));
        }
    }
    match best {
        None => Nearest {
            theme: None,
            similarity: 0.0,
        },
        Some((t, sim)) => Nearest {
            theme: min.is_none_or(|m| sim >= m).then_some(t),
            similarity: sim,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil;
    use crate::store::{EmbeddingSet, RowMeta};
    use crate::themes::metrics::adjusted_rand;
    use crate::themes::{find_themes, Algo, PhraseOptions, ThemeParams, K};
    use ndarray::{s, Array2};

    /// `groups` separated blobs of unit vectors, rows interleaved.
    fn blobs(n: usize, groups: usize, dim: usize, spread: f32) -> Array2<f32> {
        crate::themes::testutil::blobs(n, groups, dim, spread, 9)
    }

    fn themes_of(vectors: &Array2<f32>, k: usize) -> crate::themes::ThemeResult {
        let rows = (0..vectors.nrows())
            .map(|r| RowMeta {
                doc_id: r.to_string(),
                para_index: 0,
                text: format!("paragraph {} about topic{}", r, r % k),
            })
            .collect();
        let set = EmbeddingSet {
            info: testutil::info(vectors.ncols()),
            rows,
            vectors: vectors.clone(),
        };
        let params = ThemeParams {
            k: K::Fixed(k),
            algo: Algo::Kmeans,
            ..ThemeParams::default()
        };
        let valid = params.check().unwrap();
        let mut embed = |p: &[&str]| Ok(Array2::<f32>::from_elem((p.len(), vectors.ncols()), 0.1));
        find_themes(&set, &valid, &PhraseOptions::default(), &mut embed).unwrap()
    }

    fn ids(found: &[Nearest]) -> Vec<Option<usize>> {
        found.iter().map(|n| n.theme).collect()
    }

    #[test]
    fn fitted_themes_assign_their_own_rows_as_the_fit_did() {
        let x = blobs(300, 4, 24, 0.3);
        let found = themes_of(&x, 4);
        assert_eq!(found.centroids.dim(), (4, 24));
        let near = nearest_themes(x.view(), found.centroids.view(), None).unwrap();
        let fit: Vec<Option<usize>> = found.assignments.iter().map(|a| a.theme).collect();
        assert!((adjusted_rand(&fit, &ids(&near)) - 1.0).abs() < 1e-9);
        // The same ids, not only the same partition, and the similarity the result reports.
        assert_eq!(fit, ids(&near));
        for (a, n) in found.assignments.iter().zip(&near) {
            assert!((a.similarity - n.similarity).abs() < 1e-4);
        }
    }

    #[test]
    fn batches_give_the_rows_of_one_pass_bit_for_bit() {
        let x = blobs(257, 5, 40, 0.9);
        let found = themes_of(&x, 5);
        let c = found.centroids.view();
        let whole = nearest_themes(x.view(), c, None).unwrap();
        let mut parts = Vec::new();
        for start in (0..257).step_by(19) {
            let end = (start + 19).min(257);
            parts.extend(nearest_themes(x.slice(s![start..end, ..]), c, None).unwrap());
        }
        assert_eq!(whole.len(), parts.len());
        for (a, b) in whole.iter().zip(&parts) {
            assert_eq!(a.theme, b.theme);
            assert_eq!(a.similarity.to_bits(), b.similarity.to_bits());
        }
    }

    #[test]
    fn a_minimum_similarity_makes_far_rows_outliers_and_bad_input_is_refused() {
        let x = blobs(120, 3, 16, 0.3);
        let found = themes_of(&x, 3);
        let c = found.centroids.view();
        let row = x.slice(s![0..1, ..]);
        let best = nearest_themes(row, c, None).unwrap()[0];
        assert!(best.theme.is_some() && best.similarity > 0.5);
        let above = nearest_themes(row, c, Some(best.similarity + 1e-3)).unwrap()[0];
        assert_eq!(above.theme, None, "less similar than asked: an outlier");
        assert_eq!(above.similarity, best.similarity);
        let at = nearest_themes(row, c, Some(best.similarity)).unwrap()[0];
        assert_eq!(at.theme, best.theme);

        let short = Array2::<f32>::zeros((2, 15));
        let err = nearest_themes(short.view(), c, None).unwrap_err();
        assert!(err.to_string().contains("15 values but the centroids 16"));
        let mut nan = x.slice(s![0..3, ..]).to_owned();
        nan[[2, 5]] = f32::NAN;
        let err = nearest_themes(nan.view(), c, None).unwrap_err();
        assert!(err.to_string().contains("row 2"), "{err}");
        // No themes: every row an outlier.
        let none = Array2::<f32>::zeros((0, 16));
        let got = nearest_themes(x.view(), none.view(), None).unwrap();
        assert!(got.iter().all(|n| n.theme.is_none()));
    }
}
