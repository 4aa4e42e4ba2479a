//! The CPU engine: a padding-free BERT encoder with its own kernels, in f32 or with 16- or
//! 8-bit integer or bfloat16 linear layers.
//!
//! | file | job |
//! |---|---|
//! | `packed.rs` | the encoder over a packed batch (no padding), layer by layer |
//! | `encoder.rs` | `PackedEncoder`: the packed encoder and its reusable buffers behind the shared `TokenEncoder` interface |
//! | `kernels.rs` | element-wise kernels: GELU, softmax, layer norm, row quantisation |
//! | `qgemm.rs` | the 16-bit integer product (portable, AVX2, AVX-512 VNNI), and the tile driver all three products share |
//! | `q8gemm.rs` | the 8-bit integer product with f32 outlier channels (portable, AVX2, AVX-512 VNNI) |
//! | `bf16gemm.rs` | the bfloat16 product with f32 sums (portable, AVX2, AVX-512 BF16) |
//! | `kernel_choice.rs` | which product kernel runs: the widest the CPU has, or the one `THEMESCOPE_CPU_KERNEL` forces |
//! | `calibration.rs` | the sentences that calibrate the 8-bit activations at load |

mod bf16gemm;
pub mod calibration;
mod encoder;
mod kernel_choice;
mod kernels;
pub mod packed;
mod q8gemm;
mod qgemm;

pub use encoder::PackedEncoder;

/// Whether this CPU runs the bf16 product natively (AVX-512 BF16) rather than widened to f32,
/// which is slower than f32's own product.
pub fn bf16_native() -> bool {
    bf16gemm::Bf16Kernel::chosen() == bf16gemm::Bf16Kernel::Avx512
}
