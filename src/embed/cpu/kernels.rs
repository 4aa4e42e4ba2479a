//! Element-wise kernels of the padding-free CPU encoder ([`super::packed`]): GELU, softmax,
//! layer norm and row quantisation over f32 slices.
//!
//! candle's CPU path calls libm's scalar `erff` and `expf` once per element (about a fifth of the
//! encoder's time). These are written as branch-free loops that the compiler vectorises, built
//! three times: for the x86-64 baseline, for AVX2 + FMA and for AVX-512, picked at run time.

/// `exp(x)` to about 2 ulp for x in [-87.3, 88.7]; inputs outside are clamped. Branch-free so that
/// loops over it vectorise: 2^n is built from the exponent bits, e^r from a degree-6 polynomial on
/// |r| ≤ ln2/2.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding and subtracting 1.5 × 2^23 rounds to the nearest integer without a libm call.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.3, 88.7);
    let shifted = x * LOG2E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // n sits in the low mantissa bits of `shifted`: reading it from there keeps the loop in
    // vector registers (a float-to-int cast saturates lane by lane in scalar code).
    let n = shifted.to_bits() as i32 - ROUND.to_bits() as i32;
    let scale = f32::from_bits(((n + 127) as u32) << 23);
    p * scale
}

/// `erf(x)` to 1.5e-7 absolute (Abramowitz & Stegun 7.1.26).
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * exp(-a * a);
    y.copysign(x)
}

#[inline(always)]
fn gelu_erf_body(xs: &mut [f32]) {
    for x in xs.iter_mut() {
        let v = *x;
        *x = 0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

#[inline(always)]
fn gelu_tanh_body(xs: &mut [f32]) {
    const C: f32 = 0.797_884_6; // sqrt(2/π)
    for x in xs.iter_mut() {
        let v = *x;
        let y = C * (v + 0.044_715 * v * v * v);
        // tanh(y) = 1 - 2 / (e^{2y} + 1)
        let tanh = 1.0 - 2.0 / (exp(2.0 * y) + 1.0);
        *x = 0.5 * v * (1.0 + tanh);
    }
}

/// Sum in eight lanes: a running f32 sum in one accumulator is a serial dependency the compiler
/// may not reorder, which keeps the loop scalar.
#[inline(always)]
fn lane_sum(xs: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = xs.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += f(*v);
        }
    }
    acc.iter().sum::<f32>() + rest.iter().map(|v| f(*v)).sum::<f32>()
}

/// Maximum in eight lanes (`>` rather than `f32::max`, whose NaN rule blocks vectorising).
#[inline(always)]
fn lane_max(xs: &[f32], f: impl Fn(f32) -> f32, init: f32) -> f32 {
    let pick = |m: f32, v: f32| if v > m { v } else { m };
    let mut acc = [init; 8];
    let chunks = xs.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a = pick(*a, f(*v));
        }
    }
    let lanes = acc.iter().fold(init, |m, &v| pick(m, v));
    rest.iter().fold(lanes, |m, v| pick(m, f(*v)))
}

#[inline(always)]
fn softmax_body(row: &mut [f32]) {
    let max = lane_max(row, |v| v, f32::NEG_INFINITY);
    for v in row.iter_mut() {
        *v = exp(*v - max);
    }
    let inv = 1.0 / lane_sum(row, |v| v);
    for v in row.iter_mut() {
        *v *= inv;
    }
}

/// Rounds `x · q / max|x|` into `out` (symmetric, no zero point); returns `max|x| / q`, the
/// factor back. An all-zero row gives zeros and a factor of 0.
#[inline(always)]
fn quantize_row_body(x: &[f32], out: &mut [i16], q: f32) -> f32 {
    let max = lane_max(x, f32::abs, 0.0);
    let inv = if max > 0.0 { q / max } else { 0.0 };
    // Adding 1.5 × 2^23 rounds to the nearest integer (ties to even) and leaves it in the low
    // mantissa bits, so subtracting the constant's bits reads it out: no libm call and no
    // saturating float-to-int conversion, which the compiler would not vectorise. Exact for
    // |v · inv| ≤ q ≤ i16::MAX.
    const ROUND: f32 = 12_582_912.0;
    let base = ROUND.to_bits() as i32;
    for (o, v) in out.iter_mut().zip(x) {
        *o = ((v * inv + ROUND).to_bits() as i32 - base) as i16;
    }
    max / q
}

/// Rounds `x` onto `0..=levels` with a zero point (asymmetric, the range widened to hold 0) into
/// `out`; returns `(scale, zero)` with `x ≈ scale · (q − zero)`. An all-zero row gives zeros.
#[inline(always)]
fn quantize_row_u8_body(x: &[f32], mul: &[f32], out: &mut [u8], levels: f32) -> (f32, i32) {
    // Sixteen lanes over fixed-size arrays: with slices of unknown length the compiler kept
    // this loop in 128-bit registers and mask shuffles, most of the function's time. A maximum
    // does not round, so the lane layout cannot change the result.
    let (mut max, mut min) = ([0f32; 16], [0f32; 16]);
    let pairs = x.chunks_exact(16).zip(mul.chunks_exact(16));
    for (xs, ms) in pairs {
        let (xs, ms): (&[f32; 16], &[f32; 16]) = (xs.try_into().unwrap(), ms.try_into().unwrap());
        for i in 0..16 {
            let v = xs[i] * ms[i];
            max[i] = if v > max[i] { v } else { max[i] };
            min[i] = if v < min[i] { v } else { min[i] };
        }
    }
    let tail = x.len() / 16 * 16;
    let (mut max, mut min) = (lane_max(&max, |v| v, 0.0), -lane_max(&min, |v| -v, 0.0));
    for (v, m) in x[tail..].iter().zip(&mul[tail..]) {
        max = max.max(v * m);
        min = min.min(v * m);
    }
    if max <= min {
        out.fill(0);
        return (0.0, 0);
    }
    let scale = (max - min) / levels;
    let inv = levels / (max - min);
    const ROUND: f32 = 12_582_912.0;
    let base = ROUND.to_bits() as i32;
    // The zero point is an integer, so adding it before rounding rounds the same way.
    let zero = (((-min * inv) + ROUND).to_bits() as i32 - base).clamp(0, levels as i32);
    let (z, top) = (zero as f32, levels as i32);
    for ((o, v), m) in out.iter_mut().zip(x).zip(mul) {
        *o = (((v * m * inv + z) + ROUND).to_bits() as i32 - base).clamp(0, top) as u8;
    }
    (scale, zero)
}

#[inline(always)]
fn layer_norm_body(row: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = lane_sum(row, |v| v) / n;
    let var = lane_sum(row, |v| (v - mean) * (v - mean)) / n;
    let rstd = 1.0 / (var + eps).sqrt();
    for ((v, w), b) in row.iter_mut().zip(weight).zip(bias) {
        *v = (*v - mean) * rstd * w + b;
    }
}

/// Defines `pub fn $name` that runs `$body` through an AVX-512 build where the chosen product
/// kernel is the AVX-512 one, through an AVX2 + FMA build where the CPU has those, and through
/// the baseline build elsewhere. The loops add in the same order in every build (sums run in
/// eight explicit lanes), so the builds give the same results bit for bit; only the width of the
/// vectors differs.
macro_rules! dispatch {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)? => $body:ident) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                unsafe fn widest($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn wide($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                if super::kernel_choice::Kernel::chosen()
                    == super::kernel_choice::Kernel::Avx512Vnni
                {
                    // SAFETY: the AVX-512 kernel is only chosen where the CPU has AVX-512 F, BW,
                    // DQ and VL, AVX2 and FMA (`Kernel::available`).
                    return unsafe { widest($($arg),*) };
                }
                if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU was just checked for AVX2 and FMA.
                    return unsafe { wide($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}

dispatch!(
    /// Exact GELU, `x·Φ(x)`, in place.
    gelu_erf(xs: &mut [f32]) => gelu_erf_body
);
dispatch!(
    /// Tanh-approximated GELU, in place.
    gelu_tanh(xs: &mut [f32]) => gelu_tanh_body
);
dispatch!(
    /// Softmax of one row, in place.
    softmax(row: &mut [f32]) => softmax_body
);
dispatch!(
    /// Quantises one row to symmetric 16-bit integers of magnitude ≤ `q`; returns the scale back.
    quantize_row(x: &[f32], out: &mut [i16], q: f32) -> f32 => quantize_row_body
);
dispatch!(
    /// Quantises one row to unsigned 8-bit integers `0..=levels` with a zero point; returns
    /// `(scale, zero)`.
    quantize_row_u8(x: &[f32], mul: &[f32], out: &mut [u8], levels: f32) -> (f32, i32) => quantize_row_u8_body
);
dispatch!(
    /// Layer norm of one row, in place: `(x - mean) / sqrt(var + eps) · weight + bias`.
    layer_norm(row: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) => layer_norm_body
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std_to_a_few_ulp() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let (got, want) = (exp(x), x.exp());
            assert!(
                ((got - want) / want).abs() < 4e-7,
                "exp({x}) = {got}, want {want}"
            );
            x += 0.0137;
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1000.0) < 1e-37);
    }

    #[test]
    fn gelu_matches_the_exact_definition() {
        let xs: Vec<f32> = (-800..800).map(|i| i as f32 * 0.01).collect();
        let mut got = xs.clone();
        gelu_erf(&mut got);
        for (x, g) in xs.iter().zip(&got) {
            let x64 = *x as f64;
            // erf through its series is exact enough in f64 for |x| ≤ 8.
            let want = 0.5 * x64 * (1.0 + erf64(x64 / std::f64::consts::SQRT_2));
            assert!(
                (*g as f64 - want).abs() < 2e-6,
                "gelu({x}) = {g}, want {want}"
            );
        }
    }

    fn erf64(x: f64) -> f64 {
        // The Maclaurin series cancels badly for large |x|: there the asymptotic series of erfc,
        // whose error (below 1e-9 absolute from 3 on) is far under the tolerance.
        let z = x.abs();
        if z > 3.0 {
            let z2 = z * z;
            let erfc = (-z2).exp() / (z * std::f64::consts::PI.sqrt())
                * (1.0 - 1.0 / (2.0 * z2) + 3.0 / (4.0 * z2 * z2) - 15.0 / (8.0 * z2 * z2 * z2));
            return x.signum() * (1.0 - erfc);
        }
        let (mut term, mut sum, mut n) = (x, x, 0.0);
        while term.abs() > 1e-17 {
            n += 1.0;
            term *= -x * x / n;
            sum += term / (2.0 * n + 1.0);
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let mut row = vec![1.0, 3.0, -2.0, 3.0, 0.5];
        softmax(&mut row);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(row[1] > row[0] && row[0] > row[4] && row[4] > row[2]);
        assert_eq!(row[1], row[3]);
    }

    #[test]
    fn layer_norm_centres_and_scales() {
        let mut row = vec![1.0, 2.0, 3.0, 4.0];
        layer_norm(&mut row, &[1.0; 4], &[0.5; 4], 1e-12);
        let mean = row.iter().sum::<f32>() / 4.0;
        assert!((mean - 0.5).abs() < 1e-6);
        assert!((row[3] - 0.5 - 1.341_640_8).abs() < 1e-5);
    }
}
