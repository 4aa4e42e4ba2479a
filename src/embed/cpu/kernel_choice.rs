//! Which integer-product kernel runs, chosen once per process from what the CPU has.
//!
//! Every kernel computes the same exact integer sums and the same f32 epilogue, so the choice
//! changes speed, never results. `THEMESCOPE_CPU_KERNEL` (`portable`, `avx2`, `avx512-vnni`)
//! forces a narrower one, to test or time it on a CPU that has a wider one; a kernel the CPU
//! lacks is never chosen.

use std::sync::OnceLock;

/// An integer product kernel (for both the i8 and the i16 product).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// Plain Rust: any CPU.
    Portable,
    /// AVX2 + FMA: `vpmaddubsw`, `vpmaddwd`.
    Avx2,
    /// AVX-512 F, BW, DQ, VL and VNNI: `vpdpbusd` (i8), `vpdpwssd` (i16); the element-wise
    /// kernels in 512-bit vectors.
    Avx512Vnni,
}

/// The environment variable that forces a kernel.
pub(crate) const KERNEL_ENV: &str = "THEMESCOPE_CPU_KERNEL";

impl Kernel {
    /// The SIMD kernels this CPU can run, narrowest first.
    pub(crate) fn available() -> Vec<Kernel> {
        let mut kernels = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                kernels.push(Kernel::Avx2);
                if is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512bw")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                    && is_x86_feature_detected!("avx512vnni")
                {
                    kernels.push(Kernel::Avx512Vnni);
                }
            }
        }
        kernels
    }

    /// The kernel for this process: the widest available, or the one `THEMESCOPE_CPU_KERNEL`
    /// names if the CPU has it.
    pub(crate) fn chosen() -> Kernel {
        static CHOSEN: OnceLock<Kernel> = OnceLock::new();
        *CHOSEN.get_or_init(|| {
            let available = Kernel::available();
            let widest = available.last().copied().unwrap_or(Kernel::Portable);
            let forced = std::env::var(KERNEL_ENV)
                .ok()
                .and_then(|v| Kernel::parse(&v));
            match forced {
                Some(k) if k == Kernel::Portable || available.contains(&k) => k,
                Some(k) => {
                    tracing::warn!("{KERNEL_ENV}={k:?}: this CPU lacks it; using {widest:?}");
                    widest
                }
                None => widest,
            }
        })
    }

    fn parse(name: &str) -> Option<Kernel> {
        match name.trim().to_ascii_lowercase().as_str() {
            "portable" => Some(Kernel::Portable),
            "avx2" => Some(Kernel::Avx2),
            "avx512-vnni" | "avx512vnni" | "avx512" => Some(Kernel::Avx512Vnni),
            other => {
                tracing::warn!("{KERNEL_ENV}={other}: not portable, avx2 or avx512-vnni; ignored");
                None
            }
        }
    }
}
