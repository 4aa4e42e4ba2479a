//! The low-dimensional layout: start from the rows' principal components, then pull the ends of
//! each graph edge together (as often as its weight says) and push each row away from a few
//! random rows, by stochastic gradient descent on UMAP's cross-entropy, with the curve
//! 1 / (1 + a·d^(2b)) fitted to `min_dist`.
//!
//! The descent is sequential with one seeded generator, so a seed always gives the same layout.

use ndarray::{Array2, ArrayView2};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

use super::graph::Graph;

/// Random rows each edge sample pushes away from.
const NEGATIVE_RATE: f32 = 5.0;
/// Largest step of one coordinate in one update.
const CLIP: f32 = 4.0;
/// The layout spans [0, SPAN] on each axis when the descent starts.
const SPAN: f32 = 10.0;

/// (a, b) of the curve 1 / (1 + a·x^(2b)) that best fits 1 below `min_dist` and
/// exp(−(x − min_dist) / spread) above, on x in (0, 3·spread] (least squares, Gauss–Newton).
pub fn fit_ab(min_dist: f64, spread: f64) -> (f64, f64) {
    let xs: Vec<f64> = (1..=300).map(|i| 3.0 * spread * i as f64 / 300.0).collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|&x| {
            if x < min_dist {
                1.0
            } else {
                (-(x - min_dist) / spread).exp()
            }
        })
        .collect();
    let (mut a, mut b) = (1.0f64, 1.0f64);
    let mut lambda = 1e-3;
    let loss = |a: f64, b: f64| -> f64 {
        xs.iter()
            .zip(&ys)
            .map(|(&x, &y)| (1.0 / (1.0 + a * x.powf(2.0 * b)) - y).powi(2))
            .sum()
    };
    let mut current = loss(a, b);
    for _ in 0..200 {
        // Normal equations of the residuals' Jacobian (Levenberg–Marquardt damping).
        let (mut jtj, mut jtr) = ([[0.0f64; 2]; 2], [0.0f64; 2]);
        for (&x, &y) in xs.iter().zip(&ys) {
            let p = x.powf(2.0 * b);
            let f = 1.0 / (1.0 + a * p);
            let da = -p * f * f;
            let db = -a * p * 2.0 * x.ln() * f * f;
            let r = f - y;
            let g = [da, db];
            for i in 0..2 {
                jtr[i] += g[i] * r;
                for j in 0..2 {
                    jtj[i][j] += g[i] * g[j];
                }
            }
        }
        let m = [
            [jtj[0][0] * (1.0 + lambda), jtj[0][1]],
            [jtj[1][0], jtj[1][1] * (1.0 + lambda)],
        ];
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
        if det.abs() < 1e-300 {
            break;
        }
        let step_a = (m[1][1] * jtr[0] - m[0][1] * jtr[1]) / det;
        let step_b = (m[0][0] * jtr[1] - m[1][0] * jtr[0]) / det;
        let (na, nb) = (a - step_a, b - step_b);
        let next = if na > 0.0 && nb > 0.0 {
            loss(na, nb)
        } else {
            f64::INFINITY
        };
        if next < current {
            let done = (current - next) < 1e-14;
            (a, b, current) = (na, nb, next);
            lambda /= 10.0;
            if done {
                break;
            }
        } else {
            lambda *= 10.0;
            if lambda > 1e12 {
                break;
            }
        }
    }
    (a, b)
}

/// The first `dims` principal components of the rows (covariance, then subspace iteration).
pub fn principal_components(x: ArrayView2<f32>, dims: usize, seed: u64) -> Array2<f32> {
    let (n, dim) = x.dim();
    let mean = x.mean_axis(ndarray::Axis(0)).expect("rows");
    let xtx = x.t().dot(&x).mapv(f64::from);
    let mean64 = mean.mapv(f64::from);
    let cov = Array2::from_shape_fn((dim, dim), |(i, j)| {
        xtx[[i, j]] / n as f64 - mean64[i] * mean64[j]
    });
    let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ 0x0050_CA11);
    let mut q = Array2::from_shape_fn((dim, dims), |_| unit_random(&mut rng) - 0.5);
    orthonormalise(&mut q);
    for _ in 0..300 {
        q = cov.dot(&q);
        orthonormalise(&mut q);
    }
    // A fixed sign per component: its largest coordinate positive.
    for mut col in q.columns_mut() {
        let big = col
            .iter()
            .copied()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        if big < 0.0 {
            col.mapv_inplace(|v| -v);
        }
    }
    let centred = &x - &mean.insert_axis(ndarray::Axis(0));
    centred.dot(&q.mapv(|v| v as f32))
}

/// Diffuses a starting layout over the graph: subspace iteration with (I + P) / 2, where
/// P = D^-1/2 W D^-1/2 is the normalised adjacency, keeping the columns orthogonal to its trivial
/// eigenvector. Converged, the columns are the graph's leading non-trivial eigenvectors (UMAP's
/// spectral start); after fewer steps, a start smoothed along the neighbour graph.
pub fn diffuse(start: &Array2<f32>, graph: &Graph, steps: usize) -> Array2<f32> {
    let (n, dims) = start.dim();
    let mut degree = vec![0f64; n];
    for (&h, &w) in graph.heads.iter().zip(&graph.weights) {
        degree[h as usize] += f64::from(w);
    }
    let scale: Vec<f64> = degree.iter().map(|&d| 1.0 / d.max(1e-12).sqrt()).collect();
    let trivial_norm = degree.iter().sum::<f64>().sqrt().max(1e-300);
    let trivial: Vec<f64> = degree.iter().map(|&d| d.sqrt() / trivial_norm).collect();
    let mut q = Array2::from_shape_fn((n, dims + 1), |(r, c)| match c {
        0 => trivial[r],
        _ => f64::from(start[[r, c - 1]]),
    });
    orthonormalise(&mut q);
    let mut next = Array2::<f64>::zeros((n, dims + 1));
    for _ in 0..steps {
        next.assign(&q);
        for e in 0..graph.heads.len() {
            let (h, t) = (graph.heads[e] as usize, graph.tails[e] as usize);
            let w = f64::from(graph.weights[e]) * scale[h] * scale[t];
            for c in 0..=dims {
                next[[h, c]] += w * q[[t, c]];
            }
        }
        next.mapv_inplace(|v| v / 2.0);
        // The first column stays the trivial eigenvector; the others are kept orthogonal to it.
        next.column_mut(0)
            .assign(&ndarray::Array1::from(trivial.clone()));
        std::mem::swap(&mut q, &mut next);
        orthonormalise(&mut q);
    }
    q.slice(ndarray::s![.., 1..]).mapv(|v| v as f32)
}

/// Gram–Schmidt on the columns.
fn orthonormalise(q: &mut Array2<f64>) {
    for c in 0..q.ncols() {
        for p in 0..c {
            let proj = q.column(c).dot(&q.column(p));
            let prev = q.column(p).to_owned();
            q.column_mut(c).scaled_add(-proj, &prev);
        }
        let norm = q.column(c).dot(&q.column(c)).sqrt().max(1e-300);
        q.column_mut(c).mapv_inplace(|v| v / norm);
    }
}

fn unit_random(rng: &mut Xoshiro256Plus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Scales each axis to [0, SPAN], as UMAP does before its descent.
pub fn rescale(y: &mut Array2<f32>) {
    for mut col in y.columns_mut() {
        let lo = col.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = col.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let width = (hi - lo).max(1e-12);
        col.mapv_inplace(|v| SPAN * (v - lo) / width);
    }
}

/// The descent itself: `epochs` passes; an edge of weight w is sampled in w / max(w) of them.
pub fn optimise(y: &mut Array2<f32>, graph: &Graph, a: f32, b: f32, epochs: usize, seed: u64) {
    let (n, dims) = y.dim();
    let coords = y.as_slice_mut().expect("a fresh standard-layout array");
    let max_w = graph.weights.iter().copied().fold(0.0f32, f32::max);
    // Edges too weak to be sampled even once are left out, as UMAP does.
    let edges: Vec<usize> = (0..graph.weights.len())
        .filter(|&e| graph.weights[e] >= max_w / epochs as f32)
        .collect();
    let every: Vec<f32> = edges.iter().map(|&e| max_w / graph.weights[e]).collect();
    let every_negative: Vec<f32> = every.iter().map(|&s| s / NEGATIVE_RATE).collect();
    let mut next = every.clone();
    let mut next_negative = every_negative.clone();
    let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ 0x1A70_u64);
    let mut delta = vec![0f32; dims];
    for epoch in 0..epochs {
        let alpha = 1.0 - epoch as f32 / epochs as f32;
        let now = epoch as f32;
        for (i, &e) in edges.iter().enumerate() {
            if next[i] > now {
                continue;
            }
            let (h, t) = (graph.heads[e] as usize, graph.tails[e] as usize);
            let d2 = diff(coords, h, t, dims, &mut delta);
            let coeff = if d2 > 0.0 {
                let p = d2.powf(b);
                -2.0 * a * b * (p / d2) / (a * p + 1.0)
            } else {
                0.0
            };
            for (c, &dv) in delta.iter().enumerate() {
                let g = (coeff * dv).clamp(-CLIP, CLIP) * alpha;
                coords[h * dims + c] += g;
                coords[t * dims + c] -= g;
            }
            next[i] += every[i];
            let pushes = ((now - next_negative[i]) / every_negative[i]).max(0.0) as usize;
            for _ in 0..pushes {
                let other = (rng.next_u64() % n as u64) as usize;
                if other == h {
                    continue;
                }
                let d2 = diff(coords, h, other, dims, &mut delta);
                // A row on the very same spot gives no direction to push in.
                if d2 <= 0.0 {
                    continue;
                }
                let coeff = 2.0 * b / ((0.001 + d2) * (a * d2.powf(b) + 1.0));
                for (c, &dv) in delta.iter().enumerate() {
                    coords[h * dims + c] += (coeff * dv).clamp(-CLIP, CLIP) * alpha;
                }
            }
            next_negative[i] += pushes as f32 * every_negative[i];
        }
    }
}

/// Squared distance between rows `h` and `t`, with their difference in `delta`.
fn diff(coords: &[f32], h: usize, t: usize, dims: usize, delta: &mut [f32]) -> f32 {
    let mut d2 = 0.0;
    for c in 0..dims {
        let v = coords[h * dims + c] - coords[t * dims + c];
        delta[c] = v;
        d2 += v * v;
    }
    d2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_fit_matches_umaps_constants() {
        // umap-learn's find_ab_params gives a ≈ 1.929, b ≈ 0.7915 for min_dist 0 and
        // a ≈ 1.577, b ≈ 0.8951 for min_dist 0.1 (spread 1).
        let (a, b) = fit_ab(0.0, 1.0);
        assert!(
            (a - 1.929).abs() < 0.01 && (b - 0.7915).abs() < 0.005,
            "{a} {b}"
        );
        let (a, b) = fit_ab(0.1, 1.0);
        assert!(
            (a - 1.577).abs() < 0.01 && (b - 0.8951).abs() < 0.005,
            "{a} {b}"
        );
    }

    #[test]
    fn principal_components_follow_the_spread() {
        // Points along (1, 1, 0) with a little noise on the other axes.
        let x = Array2::from_shape_fn((50, 3), |(r, c)| match c {
            2 => ((r * 7) % 5) as f32 * 0.01,
            _ => r as f32 + if c == 0 { 0.02 } else { 0.0 },
        });
        let p = principal_components(x.view(), 1, 3);
        let v: Vec<f32> = p.column(0).to_vec();
        assert!(v.windows(2).all(|w| w[0] < w[1]) || v.windows(2).all(|w| w[0] > w[1]));
    }
}
