//! Integer matrix products for the CPU encoder's `i16` precision.
//!
//! A linear layer's input is quantised per row (token) and its weight per output column to
//! symmetric 16-bit integers; AVX2's `vpmaddwd` multiplies them (sixteen products per instruction,
//! twice an f32 FMA's eight) into exact i32 sums, which are scaled back to f32. The integer range
//! is chosen from the inner dimension so that no sum can overflow i32, so the only error is the
//! rounding of the two operands (about 1 part in 2,000 at MiniLM's sizes).
//!
//! Without AVX2 the same products run in portable code with identical results: the sums are
//! exact integers and the f32 epilogue is the same fused multiply-add in both.

use std::ops::Range;

use rayon::prelude::*;

use super::kernel_choice::Kernel;
use super::kernels::quantize_row;

/// Output columns per packed weight panel: two AVX2 registers of eight i32 sums.
pub(super) const NR: usize = 16;
/// Rows per micro-kernel call: 6 × 2 accumulators + 2 weight registers + a broadcast and a
/// product register make exactly the 16 AVX2 registers (a 4 × 24 tile spilled an accumulator to
/// the stack every step, and the whole encoder ran about 15% slower with it).
pub(super) const MR: usize = 6;
/// Rows per AVX-512 micro-kernel call over two panels: 8 × 2 accumulators leave half of the 32
/// registers for the weights and the broadcast, and sixteen independent sums hide the
/// multiply-add's latency (six rows of one panel left the VNNI units waiting on the chains).
pub(super) const MR_WIDE: usize = 8;
/// Calls a micro-kernel `$kernel::<R>` generic over its row count with `R` = the tile's rows
/// (`1..=MR`, or `1..=MR_WIDE` with `wide`), so that each row count gets its own unrolled code.
macro_rules! by_rows {
    ($rows:expr, $module:ident :: $kernel:ident $args:tt) => {
        by_rows!(@ $rows, [6, 5, 4, 3, 2], $module::$kernel $args)
    };
    (wide $rows:expr, $module:ident :: $kernel:ident $args:tt) => {
        by_rows!(@ $rows, [8, 7, 6, 5, 4, 3, 2], $module::$kernel $args)
    };
    (@ $rows:expr, [$($r:literal),*], $module:ident :: $kernel:ident $args:tt) => {
        match $rows {
            $($r => $module::$kernel::<$r> $args,)*
            _ => $module::$kernel::<1> $args,
        }
    };
}
pub(super) use by_rows;
const _: () = assert!(
    MR == 6 && MR_WIDE == 8,
    "by_rows! covers six rows, or eight wide"
);

/// Defines a kernel module's `tile2` (two panels, 32 columns) and `tile` (one panel, for a last
/// odd one) over its `tile_panels::<R, P>`, compiled with the target features `$features`.
macro_rules! panel_tiles {
    ($features:literal) => {
        /// `R` rows × two panels (32 columns): [`tile_panels`].
        #[target_feature(enable = $features)]
        pub(super) unsafe fn tile2<const R: usize>(
            t: &Tile,
            out: &mut [f32],
            ldo: usize,
            c0: usize,
            cols: usize,
        ) {
            tile_panels::<R, 2>(t, out, ldo, c0, cols)
        }

        /// `R` rows × one panel, for a last odd panel: [`tile_panels`].
        #[target_feature(enable = $features)]
        pub(super) unsafe fn tile<const R: usize>(
            t: &Tile,
            out: &mut [f32],
            ldo: usize,
            c0: usize,
            cols: usize,
        ) {
            tile_panels::<R, 1>(t, out, ldo, c0, cols)
        }
    };
}
pub(super) use panel_tiles;

/// Rows per parallel task: large enough that scheduling is noise, small enough to share out.
pub(super) const ROWS_PER_TASK: usize = 48;

/// The largest integer magnitude for both operands of an inner dimension of `k` (even): `k · q²`
/// must fit in an i32.
fn qmax(k: usize) -> f32 {
    (((i32::MAX as f64) / k as f64).sqrt().floor()).min(i16::MAX as f64) as f32
}

/// A weight matrix (out × in, as stored in checkpoints) quantised per output column and packed in
/// panels of [`NR`] columns: within a panel, for each pair of inner indices `2t, 2t+1`, the
/// columns' two values side by side, which is the operand layout of `vpmaddwd`.
pub struct QuantWeights {
    k: usize,
    /// Inner dimension rounded up to even.
    kp: usize,
    n: usize,
    /// The panels start at `offset`, the first 64-byte boundary: unaligned 32-byte loads that
    /// straddle cache lines cost two.
    panels: Vec<i16>,
    offset: usize,
    /// Per column, padded with zeros to whole panels.
    scales: Vec<f32>,
}

impl QuantWeights {
    /// Quantises `weight` (`n` rows of `k`).
    pub fn new(weight: &[f32], n: usize, k: usize) -> QuantWeights {
        assert_eq!(weight.len(), n * k, "weight is not {n} × {k}");
        let kp = k.next_multiple_of(2);
        let q = qmax(kp);
        let n_panels = n.div_ceil(NR);
        let mut scales = vec![0f32; n_panels * NR];
        let mut panels = vec![0i16; n_panels * NR * kp + 32];
        let offset = panels.as_ptr().align_offset(64);
        let mut column = vec![0i16; k];
        for (col, row) in weight.chunks_exact(k).enumerate() {
            scales[col] = quantize_row(row, &mut column, q);
            let base = offset + (col / NR) * NR * kp + (col % NR) * 2;
            for (i, &v) in column.iter().enumerate() {
                panels[base + (i / 2) * 2 * NR + i % 2] = v;
            }
        }
        QuantWeights {
            k,
            kp,
            n,
            panels,
            offset,
            scales,
        }
    }
}

/// Rows quantised per row; reused from call to call.
#[derive(Default)]
pub struct QuantRows {
    data: Vec<i16>,
    scales: Vec<f32>,
    kp: usize,
}

impl QuantRows {
    /// Quantises `x` (rows of the weights' inner dimension) for a product with `w`.
    pub fn quantize(&mut self, x: &[f32], w: &QuantWeights) {
        let q = qmax(w.kp);
        self.fill(x.par_chunks(w.k), w, |row, out| quantize_row(row, out, q));
    }

    /// Runs `prepare` on each row of `x` in place and quantises it while it is in cache.
    pub fn quantize_prepared(
        &mut self,
        x: &mut [f32],
        w: &QuantWeights,
        prepare: impl Fn(&mut [f32]) + Sync,
    ) {
        let q = qmax(w.kp);
        self.fill(x.par_chunks_mut(w.k), w, |row, out| {
            prepare(row);
            quantize_row(row, out, q)
        });
    }

    /// Sizes the buffers for `rows` and fills each row's integers and scale with `each`.
    fn fill<R: Send>(
        &mut self,
        rows: impl IndexedParallelIterator<Item = R>,
        w: &QuantWeights,
        each: impl Fn(R, &mut [i16]) -> f32 + Sync,
    ) {
        let n = rows.len();
        self.kp = w.kp;
        self.data.clear();
        self.data.resize(n * w.kp, 0);
        self.scales.clear();
        self.scales.resize(n, 0.0);
        self.data
            .par_chunks_mut(w.kp)
            .zip(self.scales.par_iter_mut())
            .zip(rows)
            .with_min_len(ROWS_PER_TASK)
            .for_each(|((d, s), row)| *s = each(row, &mut d[..w.k]));
    }

    fn rows(&self) -> usize {
        self.scales.len()
    }
}

/// `out += (A · Wᵀ)` scaled back to f32, where `out` is rows × n and already holds the bias (and
/// residual). Uses AVX2 where the CPU has it.
pub fn matmul(a: &QuantRows, w: &QuantWeights, out: &mut [f32]) {
    matmul_with(a, w, out, Kernel::chosen())
}

/// [`matmul`] with the kernel chosen by the caller (tests compare them).
pub(crate) fn matmul_with(a: &QuantRows, w: &QuantWeights, out: &mut [f32], kernel: Kernel) {
    assert_eq!(a.kp, w.kp, "inner dimensions differ");
    assert_eq!(out.len(), a.rows() * w.n, "output is not rows × n");
    let kp = w.kp;
    let wide = kernel == Kernel::Avx512Vnni;
    for_each_tile(out, w.n, wide, |r0, mr, columns, dst, cols| {
        let c0 = columns.start;
        let tile = Tile {
            a: &a.data[r0 * kp..(r0 + mr) * kp],
            sa: &a.scales[r0..r0 + mr],
            b: &w.panels[w.offset + columns.start * kp..w.offset + columns.end * kp],
            sw: &w.scales[columns],
            kp,
        };
        match kernel {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Kernel::Avx2` is only made where the CPU has AVX2 and FMA.
            Kernel::Avx2 => unsafe { by_rows!(mr, avx2::tile(&tile, dst, w.n, c0, cols)) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Kernel::Avx512Vnni` is only made where the CPU has AVX-512 F, BW and VNNI.
            Kernel::Avx512Vnni if cols > NR => unsafe {
                by_rows!(wide mr, avx512::tile2(&tile, dst, w.n, c0, cols))
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            Kernel::Avx512Vnni => unsafe {
                by_rows!(wide mr, avx512::tile(&tile, dst, w.n, c0, cols))
            },
            _ => tile_portable(&tile, dst, w.n, c0, cols),
        }
    });
}

/// Splits `out` (rows × `n`) into tasks of [`ROWS_PER_TASK`] rows run in parallel; within a task,
/// visits each group of whole panels of [`NR`] columns (one panel, or two with `wide`) and, for
/// it, the rows in tiles of up to [`MR`] (or [`MR_WIDE`]). `tile` gets the tile's first row (of
/// the whole product), its row count, the group's columns counted in whole panels (the first is
/// where the tile writes), the destination from the tile's first row on, and how many of the
/// group's columns are real.
pub(super) fn for_each_tile(
    out: &mut [f32],
    n: usize,
    wide: bool,
    tile: impl Fn(usize, usize, Range<usize>, &mut [f32], usize) + Sync,
) {
    let (max_rows, width) = if wide { (MR_WIDE, 2 * NR) } else { (MR, NR) };
    out.par_chunks_mut(n * ROWS_PER_TASK)
        .enumerate()
        .for_each(|(task, out)| {
            let rows = out.len() / n;
            for c0 in (0..n).step_by(width) {
                let cols = width.min(n - c0);
                let mut r = 0;
                while r < rows {
                    let mr = max_rows.min(rows - r);
                    tile(
                        task * ROWS_PER_TASK + r,
                        mr,
                        c0..c0 + cols.next_multiple_of(NR),
                        &mut out[r * n..],
                        cols,
                    );
                    r += mr;
                }
            }
        });
}

/// One micro-tile's operands: up to [`MR`] quantised rows and one weight panel.
struct Tile<'a> {
    a: &'a [i16],
    sa: &'a [f32],
    b: &'a [i16],
    sw: &'a [f32],
    kp: usize,
}

fn tile_portable(t: &Tile, out: &mut [f32], ldo: usize, c0: usize, cols: usize) {
    for (r, (row, sa)) in t.a.chunks_exact(t.kp).zip(t.sa).enumerate() {
        for c in 0..cols {
            let mut acc = 0i32;
            for (p, pair) in row.chunks_exact(2).enumerate() {
                let w = &t.b[p * 2 * NR + c * 2..p * 2 * NR + c * 2 + 2];
                acc += pair[0] as i32 * w[0] as i32 + pair[1] as i32 * w[1] as i32;
            }
            let o = &mut out[r * ldo + c0 + c];
            *o = (acc as f32).mul_add(sa * t.sw[c], *o);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Tile, NR};

    /// `R` rows × one panel of [`NR`] columns; writes `cols` of them at column `c0` of `out`.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn tile<const R: usize>(
        t: &Tile,
        out: &mut [f32],
        ldo: usize,
        c0: usize,
        cols: usize,
    ) {
        debug_assert!(t.a.len() >= R * t.kp && t.b.len() >= t.kp * NR);
        debug_assert!(out.len() >= (R - 1) * ldo + c0 + cols);
        let mut acc = [[_mm256_setzero_si256(); 2]; R];
        let a = t.a.as_ptr();
        let b = t.b.as_ptr();
        for p in 0..t.kp / 2 {
            let bp = b.add(p * 2 * NR);
            let b0 = _mm256_loadu_si256(bp as *const __m256i);
            let b1 = _mm256_loadu_si256(bp.add(16) as *const __m256i);
            for (r, acc) in acc.iter_mut().enumerate() {
                let pair = (a.add(r * t.kp + 2 * p) as *const i32).read_unaligned();
                let av = _mm256_set1_epi32(pair);
                acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(av, b0));
                acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(av, b1));
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            let sa = _mm256_set1_ps(t.sa[r]);
            let row = out.as_mut_ptr().add(r * ldo + c0);
            for (v, sums) in acc.iter().enumerate() {
                let at = v * 8;
                if at >= cols {
                    break;
                }
                let scale = _mm256_mul_ps(sa, _mm256_loadu_ps(t.sw.as_ptr().add(at)));
                let sums = _mm256_cvtepi32_ps(*sums);
                if at + 8 <= cols {
                    let dst = row.add(at);
                    _mm256_storeu_ps(dst, _mm256_fmadd_ps(sums, scale, _mm256_loadu_ps(dst)));
                } else {
                    let (mut s, mut k) = ([0f32; 8], [0f32; 8]);
                    _mm256_storeu_ps(s.as_mut_ptr(), sums);
                    _mm256_storeu_ps(k.as_mut_ptr(), scale);
                    for c in 0..cols - at {
                        let dst = row.add(at + c);
                        *dst = s[c].mul_add(k[c], *dst);
                    }
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Tile, NR};

    super::panel_tiles!("avx512f,avx512bw,avx512vnni,fma");

    /// [`super::avx2::tile`] with AVX-512 VNNI over `P` panels: one `vpdpwssd` multiplies a
    /// row's pair of i16 by a panel's sixteen columns and adds them into sixteen i32 sums (AVX2:
    /// two `vpmaddwd` and two adds), and each broadcast row pair serves `P` panels. Same exact
    /// sums and the same f32 epilogue lane by lane: the same results.
    #[inline(always)]
    unsafe fn tile_panels<const R: usize, const P: usize>(
        t: &Tile,
        out: &mut [f32],
        ldo: usize,
        c0: usize,
        cols: usize,
    ) {
        const _: () = assert!(NR == 16, "one panel is one 512-bit register of i32 sums");
        debug_assert!(t.a.len() >= R * t.kp && t.b.len() >= P * t.kp * NR);
        debug_assert!(cols > (P - 1) * NR && cols <= P * NR);
        debug_assert!(out.len() >= (R - 1) * ldo + c0 + cols);
        let mut acc = [[_mm512_setzero_si512(); P]; R];
        let a = t.a.as_ptr();
        let b = t.b.as_ptr();
        let panel = t.kp * NR;
        for p in 0..t.kp / 2 {
            let mut bv = [_mm512_setzero_si512(); P];
            for (j, bv) in bv.iter_mut().enumerate() {
                *bv = _mm512_loadu_si512(b.add(j * panel + p * 2 * NR) as *const __m512i);
            }
            for (r, acc) in acc.iter_mut().enumerate() {
                let pair = (a.add(r * t.kp + 2 * p) as *const i32).read_unaligned();
                let av = _mm512_set1_epi32(pair);
                for (acc, bv) in acc.iter_mut().zip(&bv) {
                    *acc = _mm512_dpwssd_epi32(*acc, av, *bv);
                }
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            for (j, sums) in acc.iter().enumerate() {
                let at = j * NR;
                let row = out.as_mut_ptr().add(r * ldo + c0 + at);
                let sw = _mm512_loadu_ps(t.sw.as_ptr().add(at));
                let scale = _mm512_mul_ps(_mm512_set1_ps(t.sa[r]), sw);
                let sums = _mm512_cvtepi32_ps(*sums);
                if cols - at >= NR {
                    _mm512_storeu_ps(row, _mm512_fmadd_ps(sums, scale, _mm512_loadu_ps(row)));
                } else {
                    let (mut s, mut k) = ([0f32; NR], [0f32; NR]);
                    _mm512_storeu_ps(s.as_mut_ptr(), sums);
                    _mm512_storeu_ps(k.as_mut_ptr(), scale);
                    for c in 0..cols - at {
                        let dst = row.add(c);
                        *dst = s[c].mul_add(k[c], *dst);
                    }
                }
            }
        }
    }
}

/// Test inputs and the f64 product both integer kernels are held to.
#[cfg(test)]
pub(super) mod testing {
    /// Deterministic values in [-1, 1).
    pub fn lcg(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    /// `x · Wᵀ` in f64: `x` rows × k, `w` n × k.
    pub fn reference(x: &[f32], w: &[f32], rows: usize, n: usize, k: usize) -> Vec<f32> {
        let mut out = vec![0f32; rows * n];
        for r in 0..rows {
            for c in 0..n {
                out[r * n + c] = (0..k)
                    .map(|i| x[r * k + i] as f64 * w[c * k + i] as f64)
                    .sum::<f64>() as f32;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{lcg, reference};
    use super::*;

    /// Odd sizes on purpose: a row count that leaves every remainder tile, an odd inner
    /// dimension (padding) and a column count that is not a whole panel, in an odd number of
    /// panels (a last group of one for the two-panel kernel).
    #[test]
    fn simd_and_portable_kernels_agree_exactly_and_match_f32_closely() {
        let (rows, n, k) = (71, 69, 37);
        let mut seed = 7;
        let x: Vec<f32> = (0..rows * k).map(|_| lcg(&mut seed) * 3.0).collect();
        let w: Vec<f32> = (0..n * k).map(|_| lcg(&mut seed) * 0.2).collect();
        let qw = QuantWeights::new(&w, n, k);
        let mut qa = QuantRows::default();
        qa.quantize(&x, &qw);
        let bias: Vec<f32> = (0..rows * n).map(|i| (i % 5) as f32).collect();
        let mut portable = bias.clone();
        matmul_with(&qa, &qw, &mut portable, Kernel::Portable);
        for kernel in Kernel::available() {
            let mut fast = bias.clone();
            matmul_with(&qa, &qw, &mut fast, kernel);
            assert_eq!(
                fast, portable,
                "the {kernel:?} kernel differs from the portable one"
            );
        }
        let exact = reference(&x, &w, rows, n, k);
        let worst = exact
            .iter()
            .zip(&bias)
            .zip(&portable)
            .map(|((e, b), p)| (e + b - p).abs())
            .fold(0f32, f32::max);
        // Each operand is off by at most half a step: |x|max·|w|max/q per product, summed.
        assert!(worst < 2e-3, "largest error {worst}");
    }

    #[test]
    fn no_sum_can_overflow_at_bert_large_sizes() {
        for k in [2, 384, 1536, 4096] {
            let q = qmax(k) as f64;
            assert!(k as f64 * q * q <= i32::MAX as f64, "k = {k}");
            assert!(q >= 700.0, "k = {k}: only {q} levels");
        }
    }

    #[test]
    fn zero_rows_and_columns_stay_zero() {
        let (rows, n, k) = (3, 30, 8);
        let x = vec![0f32; rows * k];
        let w = vec![0f32; n * k];
        let qw = QuantWeights::new(&w, n, k);
        let mut qa = QuantRows::default();
        qa.quantize(&x, &qw);
        let mut out = vec![1f32; rows * n];
        matmul(&qa, &qw, &mut out);
        assert!(out.iter().all(|&v| v == 1.0));
    }
}
