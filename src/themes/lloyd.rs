//! k-means over rows held in blocks on other machines (Ray Data blocks, Parquet parts): one
//! Lloyd step is each block's per-centre sums and counts, added up by whoever holds the centres,
//! then [`next_centres`]. Rows are prepared and compared as the themes fit prepares and compares
//! them (normalised in f32, widened to f64, squared Euclidean distance to the centres, ties to
//! the lower centre), so steps repeated until no row moves end at a fixed point of the k-means
//! that [`super::KMeansClusterer`] runs, and [`nearest_centres`] labels rows as its prediction.

use ndarray::{Array2, ArrayView1, ArrayView2};

use super::ThemeError;

/// One block's share of a Lloyd step.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockStep {
    /// Per centre, the sum of the block's rows nearest to it (centres × dim).
    pub sums: Array2<f64>,
    /// Per centre, how many of the block's rows are nearest to it.
    pub counts: Vec<u64>,
    /// The rows' squared distances to their nearest centre, summed.
    pub inertia: f64,
    /// Rows whose nearest centre is not the one they had among the previous centres.
    pub moved: u64,
}

/// The block's sums and counts per nearest centre among `centres` (rows × dim, as
/// [`next_centres`] returns them). With `previous` (the centres of the step before), also how
/// many rows changed centre: 0 means the assignment is a fixed point.
pub fn block_step(
    vectors: ArrayView2<f32>,
    centres: ArrayView2<f64>,
    previous: Option<ArrayView2<f64>>,
) -> Result<BlockStep, ThemeError> {
    check(vectors, centres)?;
    if let Some(p) = previous.filter(|p| p.dim() != centres.dim()) {
        return Err(ThemeError::Param {
            option: "previous",
            reason: format!(
                "{} × {} previous centres for {} × {} centres: give the centres of the step before",
                p.nrows(),
                p.ncols(),
                centres.nrows(),
                centres.ncols()
            ),
        });
    }
    let mut step = BlockStep {
        sums: Array2::zeros(centres.dim()),
        counts: vec![0; centres.nrows()],
        inertia: 0.0,
        moved: 0,
    };
    let mut row = vec![0f64; vectors.ncols()];
    for v in vectors.rows() {
        widen_normalized(v, &mut row);
        let (c, dist) = nearest(&row, centres);
        if previous.is_some_and(|p| nearest(&row, p).0 != c) {
            step.moved += 1;
        }
        step.counts[c] += 1;
        step.inertia += dist;
        let mut sum = step.sums.row_mut(c);
        sum.iter_mut().zip(&row).for_each(|(s, x)| *s += x);
    }
    Ok(step)
}

/// Each row's nearest centre (the k-means rule: squared Euclidean distance to the raw means).
pub fn nearest_centres(
    vectors: ArrayView2<f32>,
    centres: ArrayView2<f64>,
) -> Result<Vec<usize>, ThemeError> {
    check(vectors, centres)?;
    let mut row = vec![0f64; vectors.ncols()];
    Ok(vectors
        .rows()
        .into_iter()
        .map(|v| {
            widen_normalized(v, &mut row);
            nearest(&row, centres).0
        })
        .collect())
}

/// The centres after a step: each the mean of the rows nearest to it (`sums` and `counts`
/// added over every block); a centre no row was nearest to stays where it was.
pub fn next_centres(
    sums: ArrayView2<f64>,
    counts: &[u64],
    centres: ArrayView2<f64>,
) -> Result<Array2<f64>, ThemeError> {
    if sums.dim() != centres.dim() || counts.len() != centres.nrows() {
        return Err(ThemeError::Param {
            option: "sums",
            reason: format!(
                "{} × {} sums and {} counts for {} × {} centres: add up the blocks' steps for these centres",
                sums.nrows(),
                sums.ncols(),
                counts.len(),
                centres.nrows(),
                centres.ncols()
            ),
        });
    }
    let mut next = centres.to_owned();
    for ((mut centre, sum), &n) in next.rows_mut().into_iter().zip(sums.rows()).zip(counts) {
        if n > 0 {
            centre.assign(&sum.mapv(|s| s / n as f64));
        }
    }
    Ok(next)
}

/// Refuses centres that cannot label the rows: none, another width, or values not finite.
fn check(vectors: ArrayView2<f32>, centres: ArrayView2<f64>) -> Result<(), ThemeError> {
    let bad = |reason: String| ThemeError::Param {
        option: "centres",
        reason,
    };
    if centres.nrows() == 0 {
        return Err(bad("no centres: fit the themes first".into()));
    }
    if vectors.ncols() != centres.ncols() {
        return Err(bad(format!(
            "the vectors have {} values but the centres {}: use the centres fitted on the same model",
            vectors.ncols(),
            centres.ncols()
        )));
    }
    if let Some(r) = centres.rows().into_iter().position(|c| !finite(c)) {
        return Err(bad(format!(
            "centre {r} holds a value that is not a finite number"
        )));
    }
    if let Some(r) = vectors
        .rows()
        .into_iter()
        .position(|v| v.iter().any(|x| !x.is_finite()))
    {
        return Err(ThemeError::Param {
            option: "vectors",
            reason: format!("row {r} holds a value that is not a finite number (NaN or infinite)"),
        });
    }
    Ok(())
}

fn finite(row: ArrayView1<f64>) -> bool {
    row.iter().all(|x| x.is_finite())
}

/// The row as the fit clusters it: at unit length in f32 (`super::unit_scale`), then f64.
fn widen_normalized(v: ArrayView1<f32>, out: &mut [f64]) {
    let norm = super::unit_scale(v);
    for (o, &x) in out.iter_mut().zip(v.iter()) {
        *o = f64::from(if norm != 1.0 { x / norm } else { x });
    }
}

/// The nearest centre and the squared distance to it; ties go to the lower centre.
fn nearest(row: &[f64], centres: ArrayView2<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, centre) in centres.rows().into_iter().enumerate() {
        let d: f64 = centre.iter().zip(row).map(|(a, b)| (a - b) * (a - b)).sum();
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::metrics::adjusted_rand;
    use crate::themes::{Clusterer, KMeansClusterer};
    use ndarray::{s, Axis};

    /// `groups` overlapping blobs of unit vectors, rows interleaved.
    fn blobs(n: usize, groups: usize, dim: usize, spread: f32) -> Array2<f32> {
        crate::themes::testutil::blobs(n, groups, dim, spread, 3)
    }

    /// Lloyd steps over `blocks` row blocks from `start` until no row moves.
    fn lloyd_in_blocks(x: &Array2<f32>, start: Array2<f64>, blocks: usize) -> Array2<f64> {
        let (mut centres, mut previous) = (start, None::<Array2<f64>>);
        for _ in 0..300 {
            let mut sums = Array2::zeros(centres.dim());
            let mut counts = vec![0; centres.nrows()];
            let mut moved = 0;
            for block in x.axis_chunks_iter(Axis(0), x.nrows().div_ceil(blocks)) {
                let step = block_step(block, centres.view(), previous.as_ref().map(|p| p.view()));
                let step = step.unwrap();
                sums += &step.sums;
                counts
                    .iter_mut()
                    .zip(&step.counts)
                    .for_each(|(a, b)| *a += b);
                moved += step.moved;
            }
            if previous.is_some() && moved == 0 {
                return centres;
            }
            let next = next_centres(sums.view(), &counts, centres.view()).unwrap();
            previous = Some(std::mem::replace(&mut centres, next));
        }
        panic!("no fixed point in 300 steps");
    }

    fn means(x: &Array2<f32>, labels: &[Option<usize>], k: usize) -> Array2<f64> {
        let mut m = Array2::<f64>::zeros((k, x.ncols()));
        let mut n = vec![0f64; k];
        for (r, l) in labels.iter().enumerate() {
            let c = l.unwrap();
            m.row_mut(c)
                .zip_mut_with(&x.row(r), |a, &b| *a += f64::from(b));
            n[c] += 1.0;
        }
        for (mut row, n) in m.rows_mut().into_iter().zip(n) {
            row /= n;
        }
        m
    }

    #[test]
    fn blocks_add_up_to_the_whole_and_count_the_rows_that_moved() {
        let x = blobs(203, 3, 12, 1.5);
        let centres = x.slice(s![0..3, ..]).mapv(f64::from);
        let other = x.slice(s![3..6, ..]).mapv(f64::from);
        let whole = block_step(x.view(), centres.view(), Some(other.view())).unwrap();
        let (a, b) = (x.slice(s![..77, ..]), x.slice(s![77.., ..]));
        let (a, b) = (
            block_step(a, centres.view(), Some(other.view())).unwrap(),
            block_step(b, centres.view(), Some(other.view())).unwrap(),
        );
        let counts: Vec<u64> = a.counts.iter().zip(&b.counts).map(|(p, q)| p + q).collect();
        assert_eq!(counts, whole.counts);
        assert_eq!(counts.iter().sum::<u64>(), 203);
        assert_eq!(a.moved + b.moved, whole.moved);
        assert!(whole.moved > 0, "other centres label some rows otherwise");
        assert!((&a.sums + &b.sums - &whole.sums)
            .iter()
            .all(|d| d.abs() < 1e-9));
        assert!((a.inertia + b.inertia - whole.inertia).abs() < 1e-9);
        let labels = nearest_centres(x.view(), centres.view()).unwrap();
        for c in 0..3 {
            let n = labels.iter().filter(|&&l| l == c).count() as u64;
            assert_eq!(n, whole.counts[c]);
        }
        // The same centres before and after: nothing moved.
        let same = block_step(x.view(), centres.view(), Some(centres.view())).unwrap();
        assert_eq!(same.moved, 0);
    }

    #[test]
    fn steps_from_a_samples_centres_end_where_kmeans_on_every_row_ends() {
        let x = blobs(1200, 5, 24, 1.5);
        let fit = |x: ArrayView2<f64>, seed| {
            let c = KMeansClusterer {
                k: 5,
                seed,
                runs: 10,
            };
            c.fit(x).unwrap()
        };
        let full = fit(x.mapv(f64::from).view(), 42);
        let rows: Vec<usize> = (0..1200).step_by(7).collect();
        let sample = x.select(Axis(0), &rows);
        let start = means(&sample, &fit(sample.mapv(f64::from).view(), 42), 5);
        let sample_labels = nearest_centres(x.view(), start.view()).unwrap();
        let centres = lloyd_in_blocks(&x, start, 7);
        let labels = nearest_centres(x.view(), centres.view()).unwrap();
        let as_options = |l: &[usize]| l.iter().map(|&c| Some(c)).collect::<Vec<_>>();
        let refined = adjusted_rand(&full, &as_options(&labels));
        let unrefined = adjusted_rand(&full, &as_options(&sample_labels));
        // Overlapping blobs: two full fits with other seeds agree at 0.994 here, the sample's
        // centroids alone at 0.95, the refined ones at 0.996.
        assert!(
            refined > 0.99,
            "refined {refined}, sample alone {unrefined}"
        );
        assert!(unrefined < 0.97, "the sample alone is off: {unrefined}");
        // A fixed point: the centres are the means of their rows (up to the f32 normalising).
        let again = means(&x, &as_options(&labels), 5);
        assert!((&again - &centres).iter().all(|d| d.abs() < 1e-6));
    }

    #[test]
    fn an_empty_centre_stays_and_bad_input_is_refused() {
        let sums = ndarray::array![[2.0, 4.0], [0.0, 0.0]];
        let old = ndarray::array![[0.0, 0.0], [5.0, 5.0]];
        let next = next_centres(sums.view(), &[2, 0], old.view()).unwrap();
        assert_eq!(next, ndarray::array![[1.0, 2.0], [5.0, 5.0]]);
        assert!(next_centres(sums.view(), &[2], old.view()).is_err());

        let x = blobs(10, 2, 4, 0.5);
        let none = Array2::<f64>::zeros((0, 4));
        let err = block_step(x.view(), none.view(), None).unwrap_err();
        assert!(err.to_string().contains("no centres"), "{err}");
        let wide = Array2::<f64>::zeros((2, 5));
        let err = nearest_centres(x.view(), wide.view()).unwrap_err();
        assert!(
            err.to_string().contains("4 values but the centres 5"),
            "{err}"
        );
        let mut nan = x.clone();
        nan[[6, 1]] = f32::NAN;
        let centres = x.slice(s![0..2, ..]).mapv(f64::from);
        let err = block_step(nan.view(), centres.view(), None).unwrap_err();
        assert!(err.to_string().contains("row 6"), "{err}");
        let prev = Array2::<f64>::zeros((3, 4));
        let err = block_step(x.view(), centres.view(), Some(prev.view())).unwrap_err();
        assert!(err.to_string().contains("previous"), "{err}");
    }
}
