//! k nearest neighbours by cosine distance (1 − cosine) on L2-normalised rows.
//!
//! Up to [`EXACT_MAX_ROWS`] rows: exact, by blocked matrix products. Above: a forest of
//! random-projection trees gives candidates (the rows sharing a leaf), then rounds of
//! "neighbours of neighbours" (the NN-descent idea) refine them; time and memory grow with
//! rows × (trees × leaf size + k²), not rows².
//!
//! Every row's list is computed on its own (rows in parallel, each list sorted by distance, then
//! row index), so the result does not depend on the number of threads.

use ndarray::{s, ArrayView2};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use rayon::prelude::*;

/// Above this many rows the neighbours are approximate.
pub const EXACT_MAX_ROWS: usize = 50_000;
/// Rows per block of the exact search: a block's similarities are `BLOCK × rows` floats.
const BLOCK: usize = 256;
/// Random-projection trees, and the most rows a leaf holds.
const TREES: usize = 8;
const LEAF: usize = 48;
/// Rounds of neighbours-of-neighbours refinement.
const DESCENT_ROUNDS: usize = 2;

/// Each row's `k` nearest other rows, nearest first.
pub struct Knn {
    pub k: usize,
    /// `rows × k`, row-major.
    pub indices: Vec<u32>,
    pub distances: Vec<f32>,
}

impl Knn {
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let span = r * self.k..(r + 1) * self.k;
        (&self.indices[span.clone()], &self.distances[span])
    }
}

/// The `k` nearest neighbours of every row (`k < rows`), exact or approximate by size.
pub fn neighbours(x: ArrayView2<f32>, k: usize, seed: u64) -> Knn {
    if x.nrows() <= EXACT_MAX_ROWS {
        exact(x, k)
    } else {
        approximate(x, k, seed)
    }
}

/// Brute force: similarities of a block of rows to all rows, the top `k` of each.
pub fn exact(x: ArrayView2<f32>, k: usize) -> Knn {
    let n = x.nrows();
    let starts: Vec<usize> = (0..n).step_by(BLOCK).collect();
    let lists: Vec<Vec<(f32, u32)>> = starts
        .par_iter()
        .flat_map_iter(|&start| {
            let end = (start + BLOCK).min(n);
            let sims = x.slice(s![start..end, ..]).dot(&x.t());
            (start..end)
                .map(|r| {
                    let row = sims.row(r - start);
                    let cands = (0..n).filter(|&j| j != r).map(|j| (1.0 - row[j], j as u32));
                    top_k(cands, k)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    collect(lists, k)
}

/// Random-projection forest, then neighbour-of-neighbour refinement.
pub fn approximate(x: ArrayView2<f32>, k: usize, seed: u64) -> Knn {
    let n = x.nrows();
    let x = x.as_standard_layout();
    let rows: Vec<&[f32]> = (0..n)
        .map(|r| {
            let row = x.row(r);
            // `as_standard_layout` makes every row contiguous.
            row.to_slice().expect("standard layout")
        })
        .collect();
    // leaf_of[t][r]: the leaf of row r in tree t; leaves[t]: the rows of each leaf.
    let forest: Vec<Vec<Vec<u32>>> = (0..TREES)
        .into_par_iter()
        .map(|t| tree_leaves(&rows, seed.wrapping_add(t as u64 * 0x9E37_79B9)))
        .collect();
    let mut leaf_of = vec![vec![0u32; n]; TREES];
    for (t, leaves) in forest.iter().enumerate() {
        for (l, leaf) in leaves.iter().enumerate() {
            for &r in leaf {
                leaf_of[t][r as usize] = l as u32;
            }
        }
    }
    let mut lists: Vec<Vec<(f32, u32)>> = (0..n)
        .into_par_iter()
        .map(|r| {
            let mut cands: Vec<u32> = (0..TREES)
                .flat_map(|t| forest[t][leaf_of[t][r] as usize].iter().copied())
                .filter(|&j| j as usize != r)
                .collect();
            scored_top_k(&rows, r, &mut cands, k)
        })
        .collect();
    for _ in 0..DESCENT_ROUNDS {
        lists = (0..n)
            .into_par_iter()
            .map(|r| {
                let mut cands: Vec<u32> = Vec::with_capacity(k * (k + 1));
                for &(_, j) in &lists[r] {
                    cands.push(j);
                    cands.extend(lists[j as usize].iter().map(|&(_, m)| m));
                }
                cands.retain(|&j| j as usize != r);
                scored_top_k(&rows, r, &mut cands, k)
            })
            .collect();
    }
    collect(lists, k)
}

/// The leaves of one random-projection tree: each split is the hyperplane halfway between two
/// random rows of the node (for unit vectors, the sign of the dot with their difference).
fn tree_leaves(rows: &[&[f32]], seed: u64) -> Vec<Vec<u32>> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut stack: Vec<Vec<u32>> = vec![(0..rows.len() as u32).collect()];
    let mut leaves = Vec::new();
    let dim = rows.first().map_or(0, |r| r.len());
    let mut normal = vec![0f32; dim];
    while let Some(node) = stack.pop() {
        if node.len() <= LEAF {
            leaves.push(node);
            continue;
        }
        let a = node[(rng.next_u64() % node.len() as u64) as usize] as usize;
        let b = node[(rng.next_u64() % node.len() as u64) as usize] as usize;
        for (v, (p, q)) in normal.iter_mut().zip(rows[a].iter().zip(rows[b])) {
            *v = p - q;
        }
        let (mut left, mut right): (Vec<u32>, Vec<u32>) = node
            .iter()
            .partition(|&&r| dot(rows[r as usize], &normal) < 0.0);
        // Equal rows (or a == b) give no split: halve the node at random instead.
        if left.is_empty() || right.is_empty() {
            let mut all = node;
            for i in (1..all.len()).rev() {
                all.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
            }
            right = all.split_off(all.len() / 2);
            left = all;
        }
        stack.push(left);
        stack.push(right);
    }
    leaves
}

/// Distances from row `r` to the (deduplicated) candidates, the nearest `k`.
fn scored_top_k(rows: &[&[f32]], r: usize, cands: &mut Vec<u32>, k: usize) -> Vec<(f32, u32)> {
    cands.sort_unstable();
    cands.dedup();
    let own = rows[r];
    top_k(
        cands.iter().map(|&j| (1.0 - dot(own, rows[j as usize]), j)),
        k,
    )
}

/// The `k` smallest (distance, index) pairs, nearest first; ties by index. Fewer candidates than
/// `k` (a tiny approximate search) are padded with the farthest one found.
fn top_k(cands: impl Iterator<Item = (f32, u32)>, k: usize) -> Vec<(f32, u32)> {
    let mut best: Vec<(f32, u32)> = Vec::with_capacity(k + 1);
    for (d, j) in cands {
        let d = d.max(0.0);
        if best.len() == k && !less(&(d, j), &best[k - 1]) {
            continue;
        }
        let at = best.partition_point(|b| less(b, &(d, j)));
        best.insert(at, (d, j));
        best.truncate(k);
    }
    best
}

fn less(a: &(f32, u32), b: &(f32, u32)) -> bool {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).is_lt()
}

fn collect(lists: Vec<Vec<(f32, u32)>>, k: usize) -> Knn {
    let mut indices = Vec::with_capacity(lists.len() * k);
    let mut distances = Vec::with_capacity(lists.len() * k);
    for list in lists {
        let last = list.last().copied().unwrap_or((1.0, 0));
        for i in 0..k {
            let (d, j) = list.get(i).copied().unwrap_or(last);
            indices.push(j);
            distances.push(d);
        }
    }
    Knn {
        k,
        indices,
        distances,
    }
}

/// Dot product with eight running sums, so the compiler can vectorise it.
pub(super) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = a.len() / 8;
    for c in 0..chunks {
        for l in 0..8 {
            acc[l] += a[c * 8 + l] * b[c * 8 + l];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for i in chunks * 8..a.len() {
        sum += a[i] * b[i];
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Unit vectors scattered around a few directions, seeded.
    fn points(n: usize, dim: usize, seed: u64) -> Array2<f32> {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let mut unif = move || (rng.next_u64() >> 11) as f32 / (1u64 << 53) as f32 - 0.5;
        let centres: Vec<Vec<f32>> = (0..5).map(|_| (0..dim).map(|_| unif()).collect()).collect();
        let mut x = Array2::from_shape_fn((n, dim), |(r, c)| centres[r % 5][c] + 0.4 * unif());
        for mut row in x.rows_mut() {
            let norm = row.dot(&row).sqrt();
            row /= norm;
        }
        x
    }

    #[test]
    fn exact_lists_are_sorted_and_exclude_self() {
        let x = points(300, 16, 1);
        let knn = exact(x.view(), 10);
        for r in 0..300 {
            let (idx, dist) = knn.row(r);
            assert!(!idx.contains(&(r as u32)));
            assert!(dist.windows(2).all(|w| w[0] <= w[1]));
            // The true nearest row, found by a plain scan.
            let nearest = (0..300)
                .filter(|&j| j != r)
                .min_by(|&a, &b| {
                    let da = 1.0 - x.row(r).dot(&x.row(a));
                    let db = 1.0 - x.row(r).dot(&x.row(b));
                    da.total_cmp(&db).then(a.cmp(&b))
                })
                .unwrap();
            assert!((dist[0] - (1.0 - x.row(r).dot(&x.row(nearest)))).abs() < 1e-5);
        }
    }

    #[test]
    fn approximate_search_finds_most_true_neighbours() {
        let x = points(3000, 24, 2);
        let truth = exact(x.view(), 10);
        let approx = approximate(x.view(), 10, 7);
        let mut hits = 0;
        for r in 0..3000 {
            let t = truth.row(r).0;
            hits += approx.row(r).0.iter().filter(|j| t.contains(j)).count();
        }
        let recall = hits as f64 / 30_000.0;
        assert!(recall > 0.9, "recall {recall}");
        let again = approximate(x.view(), 10, 7);
        assert_eq!(approx.indices, again.indices, "seeded: the same lists");
    }
}
