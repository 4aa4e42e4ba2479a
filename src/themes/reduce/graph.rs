//! The fuzzy neighbour graph: each row's neighbour distances turned into memberships in (0, 1]
//! (its nearest neighbour at 1, the others decaying with a row-specific scale so that they sum
//! to log2(k + 1)), then made symmetric by fuzzy union, w = a + b − a·b.

use super::knn::Knn;

/// Binary-search steps and tolerance for each row's scale.
const SEARCH_STEPS: usize = 64;
const TOLERANCE: f64 = 1e-5;
/// A row's scale is at least this share of its mean neighbour distance.
const MIN_SCALE: f64 = 1e-3;

/// A symmetric weighted graph as a list of directed edges (each undirected edge twice), sorted
/// by (head, tail).
pub struct Graph {
    pub heads: Vec<u32>,
    pub tails: Vec<u32>,
    pub weights: Vec<f32>,
}

/// Builds the fuzzy union of every row's neighbour memberships.
pub fn fuzzy_graph(knn: &Knn) -> Graph {
    let n = knn.indices.len() / knn.k.max(1);
    // Both directions of every kNN edge, the reverse ones marked, sorted so that the (at most
    // two) memberships of a pair sit together.
    let mut directed: Vec<(u32, u32, f32)> = Vec::with_capacity(2 * n * knn.k);
    for r in 0..n {
        let (idx, dist) = knn.row(r);
        for (&j, w) in idx.iter().zip(memberships(dist, knn.k)) {
            if w > 0.0 {
                directed.push((r as u32, j, w));
                directed.push((j, r as u32, w));
            }
        }
    }
    directed.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
    let mut graph = Graph {
        heads: Vec::with_capacity(directed.len()),
        tails: Vec::with_capacity(directed.len()),
        weights: Vec::with_capacity(directed.len()),
    };
    let mut i = 0;
    while i < directed.len() {
        let (h, t, a) = directed[i];
        let mut w = a;
        // A pair seen twice: r lists j and j lists r (the same pair can't come more often).
        if i + 1 < directed.len() && (directed[i + 1].0, directed[i + 1].1) == (h, t) {
            let b = directed[i + 1].2;
            w = a + b - a * b;
            i += 1;
        }
        i += 1;
        if h != t {
            graph.heads.push(h);
            graph.tails.push(t);
            graph.weights.push(w);
        }
    }
    graph
}

/// One row's memberships: 1 for the nearest neighbour (and any as near), then
/// exp(−(d − ρ)/σ) with σ chosen so that they sum to log2(k + 1), k neighbours besides the row
/// itself.
pub fn memberships(dist: &[f32], k: usize) -> Vec<f32> {
    let rho = dist.iter().copied().find(|&d| d > 0.0).unwrap_or(0.0) as f64;
    let target = ((k + 1) as f64).log2();
    let sum_at = |sigma: f64| -> f64 {
        dist.iter()
            .map(|&d| {
                let excess = d as f64 - rho;
                if excess > 0.0 {
                    (-excess / sigma).exp()
                } else {
                    1.0
                }
            })
            .sum()
    };
    let (mut lo, mut hi, mut sigma) = (0.0f64, f64::INFINITY, 1.0f64);
    for _ in 0..SEARCH_STEPS {
        let total = sum_at(sigma);
        if (total - target).abs() < TOLERANCE {
            break;
        }
        if total > target {
            hi = sigma;
            sigma = (lo + hi) / 2.0;
        } else {
            lo = sigma;
            sigma = if hi.is_infinite() {
                sigma * 2.0
            } else {
                (lo + hi) / 2.0
            };
        }
    }
    let mean = dist.iter().map(|&d| d as f64).sum::<f64>() / dist.len().max(1) as f64;
    let sigma = sigma.max(MIN_SCALE * mean).max(1e-12);
    dist.iter()
        .map(|&d| {
            let excess = d as f64 - rho;
            if excess > 0.0 {
                (-excess / sigma).exp() as f32
            } else {
                1.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memberships_start_at_one_and_sum_to_the_target() {
        let dist = [0.1f32, 0.2, 0.25, 0.4, 0.7];
        let m = memberships(&dist, 5);
        assert_eq!(m[0], 1.0);
        assert!(m.windows(2).all(|w| w[0] >= w[1]));
        let sum: f32 = m.iter().sum();
        assert!((sum - 6f32.log2()).abs() < 1e-3, "{sum}");
    }

    #[test]
    fn union_is_symmetric_and_combines_both_directions() {
        // Row 0 and row 1 list each other; row 2 lists row 0, which does not list it.
        let knn = Knn {
            k: 2,
            indices: vec![1, 2, 0, 2, 0, 1],
            distances: vec![0.1, 0.5, 0.1, 0.4, 0.3, 0.45],
        };
        let g = fuzzy_graph(&knn);
        let w = |h: u32, t: u32| {
            (0..g.heads.len())
                .find(|&e| g.heads[e] == h && g.tails[e] == t)
                .map(|e| g.weights[e])
        };
        for (h, t) in [(0, 1), (0, 2), (1, 2)] {
            assert_eq!(w(h, t), w(t, h));
            assert!(w(h, t).is_some());
        }
        // Both memberships of (0, 1) are 1: the union is 1.
        assert_eq!(w(0, 1), Some(1.0));
        let a = memberships(&[0.1, 0.5], 2)[1];
        let b = memberships(&[0.3, 0.45], 2)[0];
        assert!((w(0, 2).unwrap() - (a + b - a * b)).abs() < 1e-6);
    }
}
