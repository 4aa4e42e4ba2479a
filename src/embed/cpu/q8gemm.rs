//! 8-bit integer matrix products for the CPU encoder's `i8` precision.
//!
//! A linear layer's input is quantised per row (token) to unsigned 8-bit integers with a zero
//! point, its weight per output column to signed 7-bit integers. AVX2's `vpmaddubsw` multiplies
//! 32 byte pairs per instruction (twice `vpmaddwd`'s 16) and adds neighbours into i16 lanes;
//! `vpmaddwd` with ones widens them into i32 sums of four products. The weights keep to ±63 so
//! that a neighbour pair, at most 2 · 255 · 63 = 32,130, never saturates the i16 lane: the sums
//! stay exact and the only error is the rounding of the two operands.
//!
//! The zero point `z` of a row comes out of the sum through each column's sum of integer weights:
//! `Σ (qa − z) · qw = Σ qa · qw − z · Σ qw`. Without AVX2 a portable kernel gives bit-identical
//! results.

use rayon::prelude::*;

pub(crate) use super::kernel_choice::Kernel;
use super::kernels::{quantize_row, quantize_row_u8};
use super::qgemm::{by_rows, for_each_tile, NR, ROWS_PER_TASK};

/// Activation levels: `0..=255`.
const A_LEVELS: f32 = 255.0;
/// Weight magnitude: `-63..=63` (see the module comment).
const W_MAX: f32 = 63.0;
/// An input channel whose range is more than this many times the median channel's is an
/// outlier. In all-MiniLM-L6-v2 that picks none to four channels per linear layer, fifteen at
/// the first GELU's output (a few hidden dimensions after layer norm swing to ±30 where most stay
/// within ±2), which would otherwise stretch every token's 256 levels over them.
const OUTLIER_RATIO: f32 = 4.0;
/// The most outlier channels per layer: each costs one f32 multiply-add per output.
const MAX_OUTLIERS: usize = 16;
/// SmoothQuant's α, how much of a channel's range moves into the weight. On the 2,000 bench
/// paragraphs, with outliers split off, 0.3 kept the worst cosine to f32 at 0.9971 and 0.5 at
/// 0.9965; without the split, 0 and 0.7 did worse than both.
const SMOOTHING: f32 = 0.3;

/// The input channels wider than [`OUTLIER_RATIO`] times the median, widest first up to
/// [`MAX_OUTLIERS`], in channel order.
fn outlier_channels(range: &[f32]) -> Vec<usize> {
    let mut sorted = range.to_vec();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[range.len() / 2];
    let mut wide: Vec<usize> = (0..range.len())
        .filter(|&j| range[j] > OUTLIER_RATIO * median)
        .collect();
    wide.sort_by(|&a, &b| range[b].total_cmp(&range[a]));
    wide.truncate(MAX_OUTLIERS);
    wide.sort_unstable();
    wide
}

/// A weight matrix (out × in) quantised per output column and packed in panels of [`NR`]
/// columns: within a panel, for each group of four inner indices, each column's four values side
/// by side, which is the operand layout of `vpmaddubsw` followed by `vpmaddwd`.
pub struct QuantWeights {
    k: usize,
    /// Inner dimension rounded up to a multiple of four (the padding weighs zero).
    kp: usize,
    n: usize,
    /// The panels start at `offset`, the first 64-byte boundary.
    panels: Vec<i8>,
    offset: usize,
    /// Per column, padded with zeros to whole panels: the scale back and the sum of the integers.
    scales: Vec<f32>,
    sums: Vec<i32>,
    /// Per input channel, what the input is multiplied by before it is quantised (the weight's
    /// column was multiplied by the inverse): evens out channels whose range is far wider than
    /// the rest (SmoothQuant). All ones without smoothing.
    smooth: Vec<f32>,
    /// Input channels whose range is far wider than the rest, left out of the integer product
    /// (their multiplier in `smooth` is zero) and added in f32 by the kernel's epilogue:
    /// `outlier_weights` holds, per panel and such channel, its [`NR`] columns' weights.
    outliers: Vec<usize>,
    outlier_weights: Vec<f32>,
}

impl QuantWeights {
    /// Quantises `weight` (`n` rows of `k`). With `range`, each input channel's largest observed
    /// magnitude: channels wider than [`OUTLIER_RATIO`] times the median leave the integer
    /// product for an f32 one (at most [`MAX_OUTLIERS`]), and the rest share range with the
    /// weight (SmoothQuant): channel `j` is divided by `s_j = range_j^α / max|W_·j|^(1−α)` and
    /// the weight's column multiplied by it, which leaves the product unchanged.
    pub fn new(weight: &[f32], n: usize, k: usize, range: Option<&[f32]>) -> QuantWeights {
        assert_eq!(weight.len(), n * k, "weight is not {n} × {k}");
        let mut smooth = vec![1f32; k];
        let mut outliers = Vec::new();
        let mut outlier_weights = Vec::new();
        let mut scaled;
        let weight = match range {
            Some(range) => {
                assert_eq!(range.len(), k, "range is not one per input channel");
                let mut wmax = vec![0f32; k];
                for row in weight.chunks_exact(k) {
                    wmax.iter_mut()
                        .zip(row)
                        .for_each(|(m, v)| *m = m.max(v.abs()));
                }
                for ((m, r), w) in smooth.iter_mut().zip(range).zip(&wmax) {
                    if *r > 0.0 && *w > 0.0 {
                        *m = w.powf(1.0 - SMOOTHING) / r.powf(SMOOTHING);
                    }
                }
                scaled = weight.to_vec();
                for row in scaled.chunks_exact_mut(k) {
                    row.iter_mut().zip(&smooth).for_each(|(v, m)| *v /= m);
                }
                outliers = outlier_channels(range);
                outlier_weights = vec![0f32; n.div_ceil(NR) * outliers.len() * NR];
                for (c, row) in weight.chunks_exact(k).enumerate() {
                    for (o, &j) in outliers.iter().enumerate() {
                        outlier_weights[((c / NR) * outliers.len() + o) * NR + c % NR] = row[j];
                    }
                }
                for &j in &outliers {
                    smooth[j] = 0.0;
                    scaled.chunks_exact_mut(k).for_each(|row| row[j] = 0.0);
                }
                &scaled[..]
            }
            None => weight,
        };
        let kp = k.next_multiple_of(4);
        let n_panels = n.div_ceil(NR);
        let mut scales = vec![0f32; n_panels * NR];
        let mut sums = vec![0i32; n_panels * NR];
        let mut panels = vec![0i8; n_panels * NR * kp + 64];
        let offset = panels.as_ptr().align_offset(64);
        let mut column = vec![0i16; k];
        for (col, row) in weight.chunks_exact(k).enumerate() {
            scales[col] = quantize_row(row, &mut column, W_MAX);
            sums[col] = column.iter().map(|&v| v as i32).sum();
            let base = offset + (col / NR) * NR * kp + (col % NR) * 4;
            for (i, &v) in column.iter().enumerate() {
                panels[base + (i / 4) * 4 * NR + i % 4] = v as i8;
            }
        }
        QuantWeights {
            k,
            kp,
            n,
            panels,
            offset,
            scales,
            sums,
            smooth,
            outliers,
            outlier_weights,
        }
    }
}

/// Rows quantised per row; reused from call to call.
#[derive(Default)]
pub struct QuantRows {
    data: Vec<u8>,
    scales: Vec<f32>,
    zeros: Vec<i32>,
    kp: usize,
}

impl QuantRows {
    /// Quantises `x` (rows of the weights' inner dimension) for a product with `w`.
    pub fn quantize(&mut self, x: &[f32], w: &QuantWeights) {
        self.fill(x.par_chunks(w.k), w, |row, out| {
            quantize_row_u8(row, &w.smooth, out, A_LEVELS)
        });
    }

    /// Runs `prepare` on each row of `x` in place and quantises it while it is in cache.
    pub fn quantize_prepared(
        &mut self,
        x: &mut [f32],
        w: &QuantWeights,
        prepare: impl Fn(&mut [f32]) + Sync,
    ) {
        self.fill(x.par_chunks_mut(w.k), w, |row, out| {
            prepare(row);
            quantize_row_u8(row, &w.smooth, out, A_LEVELS)
        });
    }

    fn fill<R: Send>(
        &mut self,
        rows: impl IndexedParallelIterator<Item = R>,
        w: &QuantWeights,
        each: impl Fn(R, &mut [u8]) -> (f32, i32) + Sync,
    ) {
        let n = rows.len();
        self.kp = w.kp;
        self.data.clear();
        self.data.resize(n * w.kp, 0);
        self.scales.clear();
        self.scales.resize(n, 0.0);
        self.zeros.clear();
        self.zeros.resize(n, 0);
        self.data
            .par_chunks_mut(w.kp)
            .zip(self.scales.par_iter_mut().zip(self.zeros.par_iter_mut()))
            .zip(rows)
            .with_min_len(ROWS_PER_TASK)
            .for_each(|((d, (s, z)), row)| (*s, *z) = each(row, &mut d[..w.k]));
    }

    fn rows(&self) -> usize {
        self.scales.len()
    }
}

/// `out += (A · Wᵀ)` scaled back to f32, where `out` is rows × n and already holds the bias (and
/// residual). Uses the widest kernel the CPU has ([`Kernel::chosen`]).
/// `x` is the f32 input that `a` was quantised from: its outlier channels are read from it.
pub fn matmul(a: &QuantRows, w: &QuantWeights, x: &[f32], out: &mut [f32]) {
    matmul_with(a, w, x, out, Kernel::chosen())
}

/// [`matmul`] with the kernel chosen by the caller (tests compare them).
pub(crate) fn matmul_with(
    a: &QuantRows,
    w: &QuantWeights,
    x: &[f32],
    out: &mut [f32],
    kernel: Kernel,
) {
    assert_eq!(a.kp, w.kp, "inner dimensions differ");
    assert_eq!(out.len(), a.rows() * w.n, "output is not rows × n");
    assert_eq!(x.len(), a.rows() * w.k, "input is not rows × k");
    let (kp, k, o) = (w.kp, w.k, w.outliers.len());
    let wide = kernel == Kernel::Avx512Vnni;
    for_each_tile(out, w.n, wide, |r0, mr, columns, dst, cols| {
        let c0 = columns.start;
        let panels = columns.start / NR..columns.end / NR;
        let tile = Tile {
            x: &x[r0 * k..(r0 + mr) * k],
            k,
            outliers: &w.outliers,
            ow: &w.outlier_weights[panels.start * o * NR..panels.end * o * NR],
            a: &a.data[r0 * kp..(r0 + mr) * kp],
            sa: &a.scales[r0..r0 + mr],
            za: &a.zeros[r0..r0 + mr],
            b: &w.panels[w.offset + columns.start * kp..w.offset + columns.end * kp],
            sw: &w.scales[columns.clone()],
            sums: &w.sums[columns],
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

/// One micro-tile's operands: up to [`super::qgemm::MR`] quantised rows and one weight panel (or up to
/// [`super::qgemm::MR_WIDE`] rows and two panels).
struct Tile<'a> {
    /// The rows' f32 inputs (stride `k`), read only at the outlier channels.
    x: &'a [f32],
    k: usize,
    outliers: &'a [usize],
    /// The panels' outlier weights: per panel and outlier channel, [`NR`] columns.
    ow: &'a [f32],
    a: &'a [u8],
    sa: &'a [f32],
    za: &'a [i32],
    b: &'a [i8],
    sw: &'a [f32],
    sums: &'a [i32],
    kp: usize,
}

/// The scale-back shared by all kernels, for row `r` and the tile's column `c`: one f32
/// multiply-add onto the bias already in `out`, then one per outlier channel.
#[inline(always)]
fn epilogue(t: &Tile, r: usize, c: usize, acc: i32, out: &mut f32) {
    let scale = t.sa[r] * t.sw[c];
    let mut v = ((acc - t.za[r] * t.sums[c]) as f32).mul_add(scale, *out);
    let ow = &t.ow[(c / NR) * t.outliers.len() * NR..];
    for (o, &j) in t.outliers.iter().enumerate() {
        v = t.x[r * t.k + j].mul_add(ow[o * NR + c % NR], v);
    }
    *out = v;
}

fn tile_portable(t: &Tile, out: &mut [f32], ldo: usize, c0: usize, cols: usize) {
    for (r, row) in t.a.chunks_exact(t.kp).enumerate() {
        for c in 0..cols {
            let mut acc = 0i32;
            for (g, quad) in row.chunks_exact(4).enumerate() {
                let w = &t.b[g * 4 * NR + c * 4..g * 4 * NR + c * 4 + 4];
                acc += quad
                    .iter()
                    .zip(w)
                    .map(|(&a, &w)| a as i32 * w as i32)
                    .sum::<i32>();
            }
            epilogue(t, r, c, acc, &mut out[r * ldo + c0 + c]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{epilogue, Tile, NR};

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
        let ones = _mm256_set1_epi16(1);
        let mut acc = [[_mm256_setzero_si256(); 2]; R];
        let a = t.a.as_ptr();
        let b = t.b.as_ptr();
        for g in 0..t.kp / 4 {
            let bp = b.add(g * 4 * NR);
            let b0 = _mm256_loadu_si256(bp as *const __m256i);
            let b1 = _mm256_loadu_si256(bp.add(32) as *const __m256i);
            for (r, acc) in acc.iter_mut().enumerate() {
                let quad = (a.add(r * t.kp + 4 * g) as *const i32).read_unaligned();
                let av = _mm256_set1_epi32(quad);
                let p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(av, b0), ones);
                let p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(av, b1), ones);
                acc[0] = _mm256_add_epi32(acc[0], p0);
                acc[1] = _mm256_add_epi32(acc[1], p1);
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            let sa = _mm256_set1_ps(t.sa[r]);
            let za = _mm256_set1_epi32(t.za[r]);
            let row = out.as_mut_ptr().add(r * ldo + c0);
            for (v, sums) in acc.iter().enumerate() {
                let at = v * 8;
                if at >= cols {
                    break;
                }
                let scale = _mm256_mul_ps(sa, _mm256_loadu_ps(t.sw.as_ptr().add(at)));
                let column_sums = _mm256_loadu_si256(t.sums.as_ptr().add(at) as *const __m256i);
                let centred = _mm256_sub_epi32(*sums, _mm256_mullo_epi32(za, column_sums));
                if at + 8 <= cols {
                    let dst = row.add(at);
                    let sums = _mm256_cvtepi32_ps(centred);
                    let mut v = _mm256_fmadd_ps(sums, scale, _mm256_loadu_ps(dst));
                    for (o, &j) in t.outliers.iter().enumerate() {
                        let xv = _mm256_set1_ps(*t.x.get_unchecked(r * t.k + j));
                        let ow = _mm256_loadu_ps(t.ow.as_ptr().add(o * NR + at));
                        v = _mm256_fmadd_ps(xv, ow, v);
                    }
                    _mm256_storeu_ps(dst, v);
                } else {
                    let mut s = [0i32; 8];
                    _mm256_storeu_si256(s.as_mut_ptr() as *mut __m256i, *sums);
                    for (c, &acc) in s.iter().enumerate().take(cols - at) {
                        epilogue(t, r, at + c, acc, &mut *row.add(at + c));
                    }
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{epilogue, Tile, NR};

    super::super::qgemm::panel_tiles!("avx512f,avx512bw,avx512vnni,fma");

    /// [`super::avx2::tile`] with AVX-512 VNNI over `P` panels: one `vpdpbusd` multiplies a
    /// row's four bytes by a panel's sixteen columns and adds them into sixteen i32 sums, where
    /// AVX2 needs six instructions, and each broadcast serves `P` panels. The sums are the same
    /// exact integers, and the epilogue the same f32 operations lane by lane, so the results
    /// equal the other kernels' bit for bit.
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
        for g in 0..t.kp / 4 {
            let mut bv = [_mm512_setzero_si512(); P];
            for (j, bv) in bv.iter_mut().enumerate() {
                *bv = _mm512_loadu_si512(b.add(j * panel + g * 4 * NR) as *const __m512i);
            }
            for (r, acc) in acc.iter_mut().enumerate() {
                let quad = (a.add(r * t.kp + 4 * g) as *const i32).read_unaligned();
                let av = _mm512_set1_epi32(quad);
                for (acc, bv) in acc.iter_mut().zip(&bv) {
                    *acc = _mm512_dpbusd_epi32(*acc, av, *bv);
                }
            }
        }
        let o = t.outliers.len();
        for (r, acc) in acc.iter().enumerate() {
            for (j, sums) in acc.iter().enumerate() {
                let at = j * NR;
                let row = out.as_mut_ptr().add(r * ldo + c0 + at);
                if cols - at < NR {
                    let mut s = [0i32; NR];
                    _mm512_storeu_si512(s.as_mut_ptr() as *mut __m512i, *sums);
                    for (c, &acc) in s.iter().enumerate().take(cols - at) {
                        epilogue(t, r, at + c, acc, &mut *row.add(c));
                    }
                    continue;
                }
                let sw = _mm512_loadu_ps(t.sw.as_ptr().add(at));
                let scale = _mm512_mul_ps(_mm512_set1_ps(t.sa[r]), sw);
                let column_sums = _mm512_loadu_si512(t.sums.as_ptr().add(at) as *const __m512i);
                let za = _mm512_set1_epi32(t.za[r]);
                let centred = _mm512_sub_epi32(*sums, _mm512_mullo_epi32(za, column_sums));
                let mut v =
                    _mm512_fmadd_ps(_mm512_cvtepi32_ps(centred), scale, _mm512_loadu_ps(row));
                let ow = t.ow.as_ptr().add(j * o * NR);
                for (oi, &ch) in t.outliers.iter().enumerate() {
                    let xv = _mm512_set1_ps(*t.x.get_unchecked(r * t.k + ch));
                    v = _mm512_fmadd_ps(xv, _mm512_loadu_ps(ow.add(oi * NR)), v);
                }
                _mm512_storeu_ps(row, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::qgemm::testing::{lcg, reference};
    use super::*;

    /// Odd sizes on purpose: a row count that leaves every remainder tile, an inner dimension
    /// that needs padding and a column count that is not a whole panel. Rows that are all
    /// positive, all negative or mixed test the zero point at both ends and in the middle.
    #[test]
    fn simd_and_portable_kernels_agree_exactly_and_match_f32_closely() {
        let (rows, n, k) = (71, 53, 37);
        let mut seed = 11;
        let x: Vec<f32> = (0..rows * k)
            .map(|i| {
                let v = lcg(&mut seed) * 3.0;
                match (i / k) % 3 {
                    0 => v.abs(),
                    1 => -v.abs(),
                    _ => v,
                }
            })
            .collect();
        let w: Vec<f32> = (0..n * k).map(|_| lcg(&mut seed) * 0.2).collect();
        let qw = QuantWeights::new(&w, n, k, None);
        let mut qa = QuantRows::default();
        qa.quantize(&x, &qw);
        let bias: Vec<f32> = (0..rows * n).map(|i| (i % 5) as f32).collect();
        let mut portable = bias.clone();
        matmul_with(&qa, &qw, &x, &mut portable, Kernel::Portable);
        for kernel in Kernel::available() {
            let mut fast = bias.clone();
            matmul_with(&qa, &qw, &x, &mut fast, kernel);
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
        // Half a step of each operand per product: 37 · (3 · 0.2/63/2 + 0.2 · 6/255/2) ≈ 0.26 at
        // worst; random signs keep the real error far below that.
        assert!(worst < 0.05, "largest error {worst}");
    }

    /// Two channels forty and twenty-five times wider than the rest: found from the ranges,
    /// computed in f32 (identically by both kernels), and the error falls with them out of the
    /// integer product.
    #[test]
    fn outlier_channels_go_to_f32_and_shrink_the_error() {
        let (rows, n, k) = (40, 37, 64);
        let mut seed = 5;
        let x: Vec<f32> = (0..rows * k)
            .map(|i| {
                let v = lcg(&mut seed);
                match i % k {
                    5 => v * 40.0,
                    17 => v * 25.0,
                    _ => v,
                }
            })
            .collect();
        let w: Vec<f32> = (0..n * k).map(|_| lcg(&mut seed) * 0.2).collect();
        let mut range = vec![0f32; k];
        for row in x.chunks_exact(k) {
            range
                .iter_mut()
                .zip(row)
                .for_each(|(m, v)| *m = m.max(v.abs()));
        }
        let exact = reference(&x, &w, rows, n, k);
        let worst = |qw: &QuantWeights, kernel: Kernel| {
            let mut qa = QuantRows::default();
            qa.quantize(&x, qw);
            let mut out = vec![0f32; rows * n];
            matmul_with(&qa, qw, &x, &mut out, kernel);
            let err = exact
                .iter()
                .zip(&out)
                .map(|(e, o)| (e - o).abs())
                .fold(0f32, f32::max);
            (err, out)
        };
        let plain = QuantWeights::new(&w, n, k, None);
        let split = QuantWeights::new(&w, n, k, Some(&range));
        assert_eq!(split.outliers, vec![5, 17]);
        let (plain_err, _) = worst(&plain, Kernel::Portable);
        let (split_err, portable) = worst(&split, Kernel::Portable);
        assert!(
            split_err * 4.0 < plain_err,
            "error {split_err} with outliers split off, {plain_err} without"
        );
        for kernel in Kernel::available() {
            assert_eq!(worst(&split, kernel).1, portable, "{kernel:?}");
        }
    }

    #[test]
    fn no_pair_saturates_and_no_sum_overflows_at_bert_large_sizes() {
        assert!(2.0 * A_LEVELS * W_MAX <= i16::MAX as f32);
        assert!(4096.0 * A_LEVELS as f64 * (W_MAX as f64) < i32::MAX as f64);
    }

    #[test]
    fn zero_rows_stay_zero() {
        let (rows, n, k) = (3, 30, 8);
        let x = vec![0f32; rows * k];
        let mut seed = 3;
        let w: Vec<f32> = (0..n * k).map(|_| lcg(&mut seed)).collect();
        let qw = QuantWeights::new(&w, n, k, None);
        let mut qa = QuantRows::default();
        qa.quantize(&x, &qw);
        let mut out = vec![1f32; rows * n];
        matmul(&qa, &qw, &x, &mut out);
        assert!(out.iter().all(|&v| v == 1.0));
    }
}
