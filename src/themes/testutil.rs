//! Test data for the themes stage.

use ndarray::Array2;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// `groups` blobs of unit vectors in `dim` dimensions, `spread` wide, rows interleaved (row `r`
/// belongs to blob `r % groups`).
pub fn blobs(n: usize, groups: usize, dim: usize, spread: f32, seed: u64) -> Array2<f32> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut unif = move || (rng.next_u64() >> 11) as f32 / (1u64 << 53) as f32 - 0.5;
    let centres: Vec<Vec<f32>> = (0..groups)
        .map(|_| (0..dim).map(|_| unif()).collect())
        .collect();
    let mut x = Array2::from_shape_fn((n, dim), |(r, c)| centres[r % groups][c] + spread * unif());
    for mut row in x.rows_mut() {
        let norm = row.dot(&row).sqrt();
        row /= norm;
    }
    x
}
