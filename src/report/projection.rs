//! A 2-D map of paragraph vectors: the first two principal components, found by power
//! iteration from a fixed start so the map is the same on every run (an SVD library's random
//! start or sign choice would make the report differ between runs).

use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Power-iteration steps; the map needs the top of the spectrum only roughly.
const ITERATIONS: usize = 200;

/// Coordinates (n × 2) and the share of the variance each axis explains.
pub fn pca_2d(vectors: ArrayView2<'_, f32>) -> (Array2<f32>, [f32; 2]) {
    let (n, dim) = vectors.dim();
    if n == 0 || dim == 0 {
        return (Array2::zeros((n, 2)), [0.0, 0.0]);
    }
    let x = vectors.mapv(f64::from);
    let mean = x.mean_axis(Axis(0)).expect("n > 0");
    let centred = &x - &mean;
    let cov = centred.t().dot(&centred) / n.max(2) as f64;
    let total: f64 = cov.diag().sum();
    let mut components: Vec<Array1<f64>> = Vec::new();
    let mut explained = [0.0f32; 2];
    let mut deflated = cov;
    for (axis, share) in explained.iter_mut().enumerate() {
        // A start that is not orthogonal to any particular direction.
        let mut v = Array1::from_shape_fn(dim, |i| 1.0 + ((i * 7 + axis * 3) % 11) as f64 / 10.0);
        v /= v.dot(&v).sqrt();
        let mut value = 0.0;
        for _ in 0..ITERATIONS {
            let next = deflated.dot(&v);
            let norm = next.dot(&next).sqrt();
            if norm <= f64::EPSILON {
                break;
            }
            value = v.dot(&next);
            v = next / norm;
        }
        // Sign: the largest coordinate positive.
        let flip = v.iter().copied().fold(
            0.0f64,
            |best, c| if c.abs() > best.abs() { c } else { best },
        );
        if flip < 0.0 {
            v.mapv_inplace(|c| -c);
        }
        *share = if total > 0.0 {
            super::round4((value / total).max(0.0))
        } else {
            0.0
        };
        let outer = v
            .view()
            .insert_axis(Axis(1))
            .dot(&v.view().insert_axis(Axis(0)));
        deflated = deflated - outer * value;
        components.push(v);
    }
    let mut out = Array2::<f32>::zeros((n, 2));
    for (c, v) in components.iter().enumerate() {
        let proj = centred.dot(v);
        for (r, p) in proj.iter().enumerate() {
            out[[r, c]] = super::round4(*p);
        }
    }
    (out, explained)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn finds_the_axis_of_greatest_spread_first() {
        // Points along (1, 1, 0) with a little spread along (0, 0, 1).
        let v = array![
            [-2.0f32, -2.0, 0.1],
            [-1.0, -1.0, -0.1],
            [0.0, 0.0, 0.1],
            [1.0, 1.0, -0.1],
            [2.0, 2.0, 0.1]
        ];
        let (xy, explained) = pca_2d(v.view());
        assert!(explained[0] > 0.99, "{explained:?}");
        // First axis ordered like the points, spaced by sqrt(2).
        let xs: Vec<f32> = xy.column(0).to_vec();
        assert!(
            xs.windows(2)
                .all(|w| (w[1] - w[0] - 2f32.sqrt()).abs() < 1e-3),
            "{xs:?}"
        );
        assert!(xy.column(1).iter().all(|y| y.abs() < 0.2));
        // The same input gives the same map.
        assert_eq!(pca_2d(v.view()).0, xy);
    }

    #[test]
    fn empty_input_gives_an_empty_map() {
        let (xy, explained) = pca_2d(Array2::<f32>::zeros((0, 4)).view());
        assert_eq!(xy.dim(), (0, 2));
        assert_eq!(explained, [0.0, 0.0]);
    }
}
