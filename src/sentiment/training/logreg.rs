//! Multinomial logistic regression with an L2 penalty and per-class weights, fitted by L-BFGS.
//! Deterministic: no randomness, and the same inputs give the same bits.

use ndarray::{Array1, Array2, ArrayView2, Axis};

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogRegOptions {
    /// Inverse regularisation strength, as in scikit-learn: the objective is
    /// `C · Σ wᵢ·CEᵢ + ½‖W‖²` (the intercept is not penalised).
    pub c: f64,
    /// Weight each class by `n / (classes · n_class)` ("balanced").
    pub balanced: bool,
    pub max_iter: usize,
    /// Stop when the largest gradient component falls below this.
    pub tol: f64,
}

impl Default for LogRegOptions {
    fn default() -> Self {
        LogRegOptions {
            c: 1.0,
            balanced: true,
            max_iter: 500,
            tol: 1e-6,
        }
    }
}

/// A fitted model: `softmax(W·x + b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogReg {
    /// classes × features.
    pub weight: Array2<f64>,
    pub bias: Array1<f64>,
    /// L-BFGS iterations taken.
    pub iterations: usize,
}

impl LogReg {
    /// Class probabilities, one row per input row.
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut z = x.dot(&self.weight.t()) + &self.bias;
        softmax_rows(&mut z);
        z
    }
}

fn softmax_rows(z: &mut Array2<f64>) {
    for mut row in z.rows_mut() {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row /= sum;
    }
}

/// The objective (scaled by 1/(C·n)) and its gradient at `theta` = [W row-major, b].
struct Problem<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [usize],
    sample_weight: Vec<f64>,
    classes: usize,
    lambda: f64,
}

impl Problem<'_> {
    fn eval(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let (n, d, k) = (self.x.nrows(), self.x.ncols(), self.classes);
        let w = ArrayView2::from_shape((k, d), &theta[..k * d]).expect("shape");
        let b = &theta[k * d..];
        let mut z = self.x.dot(&w.t());
        for mut row in z.rows_mut() {
            for (v, bj) in row.iter_mut().zip(b) {
                *v += bj;
            }
        }
        let mut loss = 0.0;
        // z becomes the weighted residual (P - Y) · wᵢ / n.
        for (i, mut row) in z.rows_mut().into_iter().enumerate() {
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = max + row.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            let wi = self.sample_weight[i] / n as f64;
            loss += wi * (lse - row[self.y[i]]);
            row.mapv_inplace(|v| (v - lse).exp());
            row[self.y[i]] -= 1.0;
            row *= wi;
        }
        let mut grad_w = z.t().dot(&self.x);
        grad_w.scaled_add(self.lambda, &w);
        loss += 0.5 * self.lambda * w.iter().map(|v| v * v).sum::<f64>();
        let grad_b = z.sum_axis(Axis(0));
        let mut grad: Vec<f64> = grad_w.iter().copied().collect();
        grad.extend(grad_b.iter());
        (loss, grad)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits the model to rows `x` with class indexes `y` (all below `classes`).
pub fn fit<'a>(
    x: ArrayView2<'a, f64>,
    y: &'a [usize],
    classes: usize,
    opts: &LogRegOptions,
) -> LogReg {
    let (n, d) = (x.nrows(), x.ncols());
    let mut counts = vec![0usize; classes];
    for &c in y {
        counts[c] += 1;
    }
    let class_weight: Vec<f64> = counts
        .iter()
        .map(|&c| {
            if opts.balanced && c > 0 {
                n as f64 / (classes as f64 * c as f64)
            } else {
                1.0
            }
        })
        .collect();
    let problem = Problem {
        x,
        y,
        sample_weight: y.iter().map(|&c| class_weight[c]).collect(),
        classes,
        lambda: 1.0 / (opts.c * n as f64),
    };
    let dims = classes * d + classes;
    let mut theta = vec![0.0; dims];
    let (mut f, mut g) = problem.eval(&theta);
    let memory = 10;
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut iterations = 0;
    while iterations < opts.max_iter {
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < opts.tol {
            break;
        }
        iterations += 1;
        // Two-loop recursion: direction = -H·g.
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(s_hist.len());
        for (s, yv) in s_hist.iter().zip(&y_hist).rev() {
            let rho = 1.0 / dot(yv, s);
            let a = rho * dot(s, &q);
            for (qi, yi) in q.iter_mut().zip(yv) {
                *qi -= a * yi;
            }
            alphas.push((a, rho));
        }
        let gamma = match (s_hist.last(), y_hist.last()) {
            (Some(s), Some(yv)) => dot(s, yv) / dot(yv, yv),
            _ => 1.0 / dot(&g, &g).sqrt().max(1e-12),
        };
        q.iter_mut().for_each(|v| *v *= gamma);
        for ((s, yv), (a, rho)) in s_hist.iter().zip(&y_hist).zip(alphas.into_iter().rev()) {
            let beta = rho * dot(yv, &q);
            for (qi, si) in q.iter_mut().zip(s) {
                *qi += (a - beta) * si;
            }
        }
        let mut dir: Vec<f64> = q.iter().map(|v| -v).collect();
        let mut slope = dot(&g, &dir);
        if slope >= 0.0 {
            // Not a descent direction: restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            dir = g.iter().map(|v| -v).collect();
            slope = -dot(&g, &g);
        }
        // Backtracking line search (Armijo).
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..40 {
            let trial: Vec<f64> = theta.iter().zip(&dir).map(|(t, d)| t + step * d).collect();
            let (ft, gt) = problem.eval(&trial);
            if ft <= f + 1e-4 * step * slope {
                accepted = Some((trial, ft, gt));
                break;
            }
            step *= 0.5;
        }
        let Some((next, f_next, g_next)) = accepted else {
            break;
        };
        let s: Vec<f64> = next.iter().zip(&theta).map(|(a, b)| a - b).collect();
        let yv: Vec<f64> = g_next.iter().zip(&g).map(|(a, b)| a - b).collect();
        let converged = (f - f_next).abs() <= 1e-12 * f.abs().max(1.0);
        if dot(&s, &yv) > 1e-12 {
            s_hist.push(s);
            y_hist.push(yv);
            if s_hist.len() > memory {
                s_hist.remove(0);
                y_hist.remove(0);
            }
        }
        theta = next;
        f = f_next;
        g = g_next;
        if converged {
            break;
        }
    }
    let weight =
        Array2::from_shape_vec((classes, d), theta[..classes * d].to_vec()).expect("shape matches");
    let bias = Array1::from(theta[classes * d..].to_vec());
    LogReg {
        weight,
        bias,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn separates_three_clusters_and_is_deterministic() {
        let x = array![
            [-2.0, 0.1],
            [-2.2, -0.1],
            [-1.8, 0.0],
            [0.0, 2.0],
            [0.1, 2.2],
            [2.0, 0.0],
            [2.1, 0.2],
            [1.9, -0.2],
        ];
        let y = [0, 0, 0, 1, 1, 2, 2, 2];
        let opts = LogRegOptions {
            c: 10.0,
            ..Default::default()
        };
        let m = fit(x.view(), &y, 3, &opts);
        let p = m.predict_proba(x.view());
        for (row, &c) in p.rows().into_iter().zip(&y) {
            let best = (0..3).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            assert_eq!(best, c, "{p:?}");
        }
        assert_eq!(m, fit(x.view(), &y, 3, &opts));
        // A stronger penalty shrinks the weights.
        let weak = fit(x.view(), &y, 3, &LogRegOptions { c: 0.01, ..opts });
        let norm = |m: &LogReg| m.weight.iter().map(|v| v * v).sum::<f64>();
        assert!(norm(&weak) < norm(&m));
    }

    #[test]
    fn balanced_weights_lift_the_rare_class() {
        // One feature, heavily overlapping classes: balancing moves the boundary toward the
        // frequent class.
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..90 {
            rows.push(i as f64 / 90.0);
            y.push(0);
        }
        for i in 0..10 {
            rows.push(0.5 + i as f64 / 20.0);
            y.push(1);
        }
        let x = Array2::from_shape_vec((100, 1), rows).unwrap();
        let fit_with = |balanced| {
            let m = fit(
                x.view(),
                &y,
                2,
                &LogRegOptions {
                    c: 100.0,
                    balanced,
                    ..Default::default()
                },
            );
            m.predict_proba(x.view())
                .column(1)
                .iter()
                .filter(|&&p| p > 0.5)
                .count()
        };
        assert!(fit_with(true) > fit_with(false));
    }
}
