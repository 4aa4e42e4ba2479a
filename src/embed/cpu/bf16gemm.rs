//! bfloat16 matrix products for the CPU encoder's `bf16` precision.
//!
//! Weights are rounded to bfloat16 (f32's exponent, 8 bits of significand) once at load and
//! inputs once per product; AVX-512 BF16's `vdpbf16ps` multiplies a row's pair of bf16 values by
//! a panel's sixteen columns' pairs and adds both products into sixteen f32 sums: 32 products per
//! instruction, twice an f32 FMA's. A product of two bf16 values is exact in f32, and the
//! instruction adds the odd product and then the even one into the running sum, each rounded as
//! an f32 addition; the AVX2 kernel (two FMAs on the values widened to f32) and the portable one
//! do the same additions in the same order, so all three give the same sums bit for bit
//! (`vdpbf16ps` flushes subnormals, which these magnitudes never reach).

use rayon::prelude::*;

use super::kernel_choice::Kernel;
use super::qgemm::{by_rows, for_each_tile, NR, ROWS_PER_TASK};

/// `x` rounded to the nearest bfloat16 (ties to even), as its 16 bits; NaN stays NaN.
#[inline(always)]
fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return ((bits >> 16) | 0x40) as u16;
    }
    let round = 0x7fff + ((bits >> 16) & 1);
    (bits.wrapping_add(round) >> 16) as u16
}

/// The f32 value of bfloat16 bits (exact).
#[inline(always)]
fn from_bf16(v: u16) -> f32 {
    f32::from_bits((v as u32) << 16)
}

/// A weight matrix (out × in) in bfloat16, packed in panels of [`NR`] columns: within a panel,
/// for each pair of inner indices `2t, 2t+1`, the columns' two values side by side (the operand
/// layout of `vdpbf16ps`).
pub struct Bf16Weights {
    k: usize,
    /// Inner dimension rounded up to even (the padding weighs zero).
    kp: usize,
    n: usize,
    panels: Vec<u16>,
    /// The panels start at `offset`, the first 64-byte boundary.
    offset: usize,
}

impl Bf16Weights {
    /// Rounds `weight` (`n` rows of `k`) to bfloat16 and packs it.
    pub fn new(weight: &[f32], n: usize, k: usize) -> Bf16Weights {
        assert_eq!(weight.len(), n * k, "weight is not {n} × {k}");
        let kp = k.next_multiple_of(2);
        let mut panels = vec![0u16; n.div_ceil(NR) * NR * kp + 32];
        let offset = panels.as_ptr().align_offset(64);
        for (col, row) in weight.chunks_exact(k).enumerate() {
            let base = offset + (col / NR) * NR * kp + (col % NR) * 2;
            for (i, &v) in row.iter().enumerate() {
                panels[base + (i / 2) * 2 * NR + i % 2] = to_bf16(v);
            }
        }
        Bf16Weights {
            k,
            kp,
            n,
            panels,
            offset,
        }
    }
}

/// Rows rounded to bfloat16; reused from call to call.
#[derive(Default)]
pub struct Bf16Rows {
    data: Vec<u16>,
    kp: usize,
}

impl Bf16Rows {
    /// Rounds `x` (rows of the weights' inner dimension) for a product with `w`.
    pub fn convert(&mut self, x: &[f32], w: &Bf16Weights) {
        self.fill(x.par_chunks(w.k), w, round_row);
    }

    /// Runs `prepare` on each row of `x` in place and rounds it while it is in cache.
    pub fn convert_prepared(
        &mut self,
        x: &mut [f32],
        w: &Bf16Weights,
        prepare: impl Fn(&mut [f32]) + Sync,
    ) {
        self.fill(x.par_chunks_mut(w.k), w, |row, out| {
            prepare(row);
            round_row(row, out)
        });
    }

    fn fill<R: Send>(
        &mut self,
        rows: impl IndexedParallelIterator<Item = R>,
        w: &Bf16Weights,
        each: impl Fn(R, &mut [u16]) + Sync,
    ) {
        let n = rows.len();
        self.kp = w.kp;
        self.data.clear();
        self.data.resize(n * w.kp, 0);
        self.data
            .par_chunks_mut(w.kp)
            .zip(rows)
            .with_min_len(ROWS_PER_TASK)
            .for_each(|(d, row)| each(row, &mut d[..w.k]));
    }

    fn rows(&self) -> usize {
        self.data.len().checked_div(self.kp).unwrap_or(0)
    }
}

fn round_row(x: &[f32], out: &mut [u16]) {
    out.iter_mut().zip(x).for_each(|(o, &v)| *o = to_bf16(v));
}

/// Which bf16 product kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bf16Kernel {
    Portable,
    /// AVX2 + FMA: each bf16 pair widened to two f32 values, two FMAs.
    Avx2,
    /// AVX-512 BF16: `vdpbf16ps`.
    Avx512,
}

impl Bf16Kernel {
    /// The kernel that follows the chosen integer kernel ([`Kernel::chosen`]): `vdpbf16ps`
    /// beside the AVX-512 one where the CPU has AVX-512 BF16, AVX2 beside either SIMD one, the
    /// portable kernel when that is forced.
    pub(crate) fn chosen() -> Bf16Kernel {
        Bf16Kernel::following(Kernel::chosen())
    }

    fn following(kernel: Kernel) -> Bf16Kernel {
        match kernel {
            Kernel::Portable => Bf16Kernel::Portable,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512Vnni if std::is_x86_feature_detected!("avx512bf16") => Bf16Kernel::Avx512,
            _ => Bf16Kernel::Avx2,
        }
    }
}

/// `out += A · Wᵀ`, where `out` is rows × n and already holds the bias (and residual).
pub fn matmul(a: &Bf16Rows, w: &Bf16Weights, out: &mut [f32]) {
    matmul_with(a, w, out, Bf16Kernel::chosen())
}

/// [`matmul`] with the kernel chosen by the caller (tests compare them).
pub(crate) fn matmul_with(a: &Bf16Rows, w: &Bf16Weights, out: &mut [f32], kernel: Bf16Kernel) {
    assert_eq!(a.kp, w.kp, "inner dimensions differ");
    assert_eq!(out.len(), a.rows() * w.n, "output is not rows × n");
    let kp = w.kp;
    let wide = kernel == Bf16Kernel::Avx512;
    for_each_tile(out, w.n, wide, |r0, mr, columns, dst, cols| {
        let c0 = columns.start;
        let tile = Tile {
            a: &a.data[r0 * kp..(r0 + mr) * kp],
            b: &w.panels[w.offset + columns.start * kp..w.offset + columns.end * kp],
            kp,
        };
        match kernel {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Bf16Kernel::Avx2` only follows a SIMD integer kernel, which is only made
            // where the CPU has AVX2 and FMA.
            Bf16Kernel::Avx2 => unsafe { by_rows!(mr, avx2::tile(&tile, dst, w.n, c0, cols)) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Bf16Kernel::Avx512` is only made where the CPU has AVX-512 F and BF16.
            Bf16Kernel::Avx512 if cols > NR => unsafe {
                by_rows!(wide mr, avx512::tile2(&tile, dst, w.n, c0, cols))
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            Bf16Kernel::Avx512 => unsafe {
                by_rows!(wide mr, avx512::tile(&tile, dst, w.n, c0, cols))
            },
            _ => tile_portable(&tile, dst, w.n, c0, cols),
        }
    });
}

/// One micro-tile's operands: rows of bf16 inputs and one or two weight panels.
struct Tile<'a> {
    a: &'a [u16],
    b: &'a [u16],
    kp: usize,
}

/// One panel, in the order `vdpbf16ps` adds: per pair, the odd product, then the even one.
fn tile_portable(t: &Tile, out: &mut [f32], ldo: usize, c0: usize, cols: usize) {
    for (r, row) in t.a.chunks_exact(t.kp).enumerate() {
        let mut acc = [0f32; NR];
        for (p, pair) in row.chunks_exact(2).enumerate() {
            let (a0, a1) = (from_bf16(pair[0]), from_bf16(pair[1]));
            let w = &t.b[p * 2 * NR..(p + 1) * 2 * NR];
            for (c, acc) in acc.iter_mut().enumerate() {
                *acc += a1 * from_bf16(w[2 * c + 1]);
                *acc += a0 * from_bf16(w[2 * c]);
            }
        }
        for (c, acc) in acc.iter().enumerate().take(cols) {
            out[r * ldo + c0 + c] += acc;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Tile, NR};

    /// `R` rows × one panel without `vdpbf16ps`: a bf16 value is the high half of an f32, so
    /// each column pair widens to two f32 vectors with a mask and a shift, and two FMAs add the
    /// odd product, then the even one. The product of two bf16 values is exact in f32, so each
    /// FMA rounds once, as the instruction's additions do: the same sums bit for bit. The odd
    /// products of all rows go first, then the even ones, so that twelve accumulators, two
    /// weight vectors and a broadcast fit the sixteen registers.
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
        let mut acc = [[_mm256_setzero_ps(); 2]; R];
        let a = t.a.as_ptr();
        let b = t.b.as_ptr();
        let high = _mm256_set1_epi32(0xffff_0000_u32 as i32);
        // No closures here: they would not inherit this function's target features.
        for p in 0..t.kp / 2 {
            let b0 = b.add(p * 2 * NR) as *const __m256i;
            let b1 = b.add(p * 2 * NR + 16) as *const __m256i;
            let odd0 = _mm256_castsi256_ps(_mm256_and_si256(_mm256_loadu_si256(b0), high));
            let odd1 = _mm256_castsi256_ps(_mm256_and_si256(_mm256_loadu_si256(b1), high));
            for (r, acc) in acc.iter_mut().enumerate() {
                let pair = (a.add(r * t.kp + 2 * p) as *const u32).read_unaligned();
                let a1 = _mm256_castsi256_ps(_mm256_set1_epi32((pair & 0xffff_0000) as i32));
                acc[0] = _mm256_fmadd_ps(a1, odd0, acc[0]);
                acc[1] = _mm256_fmadd_ps(a1, odd1, acc[1]);
            }
            let even0 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_loadu_si256(b0), 16));
            let even1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_loadu_si256(b1), 16));
            for (r, acc) in acc.iter_mut().enumerate() {
                let pair = (a.add(r * t.kp + 2 * p) as *const u32).read_unaligned();
                let a0 = _mm256_castsi256_ps(_mm256_set1_epi32((pair << 16) as i32));
                acc[0] = _mm256_fmadd_ps(a0, even0, acc[0]);
                acc[1] = _mm256_fmadd_ps(a0, even1, acc[1]);
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            let row = out.as_mut_ptr().add(r * ldo + c0);
            for (v, sums) in acc.iter().enumerate() {
                let at = v * 8;
                if at >= cols {
                    break;
                }
                if at + 8 <= cols {
                    let dst = row.add(at);
                    _mm256_storeu_ps(dst, _mm256_add_ps(_mm256_loadu_ps(dst), *sums));
                } else {
                    let mut s = [0f32; 8];
                    _mm256_storeu_ps(s.as_mut_ptr(), *sums);
                    for (c, &v) in s.iter().enumerate().take(cols - at) {
                        *row.add(at + c) += v;
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

    super::super::qgemm::panel_tiles!("avx512f,avx512bf16");

    /// One `vdpbf16ps` per row and panel per pair of inner indices: the row's pair broadcast,
    /// the panel's sixteen column pairs, sixteen f32 sums; then added onto `out`.
    #[inline(always)]
    unsafe fn tile_panels<const R: usize, const P: usize>(
        t: &Tile,
        out: &mut [f32],
        ldo: usize,
        c0: usize,
        cols: usize,
    ) {
        const _: () = assert!(NR == 16, "one panel is one 512-bit register of f32 sums");
        debug_assert!(t.a.len() >= R * t.kp && t.b.len() >= P * t.kp * NR);
        debug_assert!(cols > (P - 1) * NR && cols <= P * NR);
        debug_assert!(out.len() >= (R - 1) * ldo + c0 + cols);
        let mut acc = [[_mm512_setzero_ps(); P]; R];
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
                let av: __m512bh = std::mem::transmute(_mm512_set1_epi32(pair));
                for (acc, bv) in acc.iter_mut().zip(&bv) {
                    *acc =
                        _mm512_dpbf16_ps(*acc, av, std::mem::transmute::<__m512i, __m512bh>(*bv));
                }
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            for (j, sums) in acc.iter().enumerate() {
                let at = j * NR;
                let row = out.as_mut_ptr().add(r * ldo + c0 + at);
                if cols - at >= NR {
                    _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), *sums));
                } else {
                    let mut s = [0f32; NR];
                    _mm512_storeu_ps(s.as_mut_ptr(), *sums);
                    for (c, &v) in s.iter().enumerate().take(cols - at) {
                        *row.add(c) += v;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::qgemm::testing::{lcg, reference};
    use super::*;

    #[test]
    fn rounding_to_bf16_is_to_nearest_even() {
        assert_eq!(from_bf16(to_bf16(1.0)), 1.0);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even significand, 1.
        assert_eq!(from_bf16(to_bf16(1.0 + 1.0 / 256.0)), 1.0);
        assert_eq!(from_bf16(to_bf16(1.0 + 3.0 / 256.0)), 1.0 + 4.0 / 256.0);
        assert_eq!(from_bf16(to_bf16(-2.5)), -2.5);
        assert!(from_bf16(to_bf16(f32::NAN)).is_nan());
        assert_eq!(from_bf16(to_bf16(f32::INFINITY)), f32::INFINITY);
    }

    /// Odd sizes: every remainder tile, an odd inner dimension (padding), and a column count
    /// that ends in a partial panel of a group of one for the two-panel kernel.
    #[test]
    fn simd_and_portable_kernels_agree_exactly_and_match_f32_closely() {
        let (rows, n, k) = (71, 69, 37);
        let mut seed = 13;
        let x: Vec<f32> = (0..rows * k).map(|_| lcg(&mut seed) * 3.0).collect();
        let w: Vec<f32> = (0..n * k).map(|_| lcg(&mut seed) * 0.2).collect();
        let bw = Bf16Weights::new(&w, n, k);
        let mut ba = Bf16Rows::default();
        ba.convert(&x, &bw);
        let bias: Vec<f32> = (0..rows * n).map(|i| (i % 5) as f32).collect();
        let mut portable = bias.clone();
        matmul_with(&ba, &bw, &mut portable, Bf16Kernel::Portable);
        for kernel in Kernel::available() {
            let kernel = Bf16Kernel::following(kernel);
            let mut fast = bias.clone();
            matmul_with(&ba, &bw, &mut fast, kernel);
            assert_eq!(
                fast, portable,
                "{kernel:?} differs from the portable kernel"
            );
        }
        let exact = reference(&x, &w, rows, n, k);
        let worst = exact
            .iter()
            .zip(&bias)
            .zip(&portable)
            .map(|((e, b), p)| (e + b - p).abs())
            .fold(0f32, f32::max);
        // Each operand is off by at most 2^-9 of itself: 37 · 3 · 0.2 · 2 · 2^-9 ≈ 0.09 at
        // worst; random signs keep the real error far below.
        assert!(worst < 0.03, "largest error {worst}");
    }
}
