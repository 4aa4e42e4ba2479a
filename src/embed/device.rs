//! Choosing where the encoder runs.

use candle_core::Device;

use super::EmbedError;

/// `--device`: where the encoder runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum DeviceChoice {
    /// A GPU when this build supports one and it is present, else the CPU.
    #[default]
    Auto,
    Cpu,
    /// NVIDIA GPU 0 (needs a build with `--features cuda`).
    Cuda,
    /// Apple GPU (needs a build with `--features metal`).
    Metal,
}

impl DeviceChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Cuda => "cuda",
            DeviceChoice::Metal => "metal",
        }
    }

    /// Opens the device, or says why it cannot.
    pub fn open(self) -> Result<Device, EmbedError> {
        let fail = |reason: String| EmbedError::Device {
            device: self.as_str().into(),
            reason,
        };
        match self {
            DeviceChoice::Cpu => Ok(Device::Cpu),
            DeviceChoice::Auto => {
                if candle_core::utils::cuda_is_available() {
                    if let Ok(d) = Device::new_cuda(0) {
                        return Ok(d);
                    }
                }
                if candle_core::utils::metal_is_available() {
                    if let Ok(d) = Device::new_metal(0) {
                        return Ok(d);
                    }
                }
                Ok(Device::Cpu)
            }
            DeviceChoice::Cuda if !candle_core::utils::cuda_is_available() => Err(fail(
                "this themescope was built without CUDA; rebuild with `--features cuda` or use option `device` cpu".into(),
            )),
            DeviceChoice::Cuda => Device::new_cuda(0).map_err(|e| {
                fail(format!("no usable NVIDIA GPU ({e}); use option `device` cpu"))
            }),
            DeviceChoice::Metal if !candle_core::utils::metal_is_available() => Err(fail(
                "this themescope was built without Metal; rebuild with `--features metal` or use option `device` cpu".into(),
            )),
            DeviceChoice::Metal => Device::new_metal(0)
                .map_err(|e| fail(format!("no usable Apple GPU ({e}); use option `device` cpu"))),
        }
    }
}

/// A short name for a device, for logs and run records.
pub fn device_name(device: &Device) -> &'static str {
    match device {
        Device::Cpu => "cpu",
        Device::Cuda(_) => "cuda",
        Device::Metal(_) => "metal",
    }
}

/// `--dtype`: the precision the encoder computes in. Pooling and normalisation are always f32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Precision {
    #[default]
    F32,
    /// GPUs: half-precision tensors.
    F16,
    /// GPUs: bfloat16 tensors. CPU: linear layers as bfloat16 products with f32 sums (AVX-512
    /// BF16 where the CPU has it; widened to f32, no faster than f32, elsewhere), cosine ≥ 0.9999
    /// to f32.
    Bf16,
    /// CPU only: linear layers as 16-bit integer products (AVX2, AVX-512 VNNI), cosine ≥ 0.9999
    /// to f32.
    I16,
    /// CPU only: linear layers as 8-bit integer products (AVX2, AVX-512 VNNI), calibrated at
    /// load; the fastest, cosine about 0.999 to f32.
    I8,
}

impl Precision {
    pub fn dtype(self) -> candle_core::DType {
        match self {
            Precision::F32 => candle_core::DType::F32,
            Precision::F16 => candle_core::DType::F16,
            Precision::Bf16 => candle_core::DType::BF16,
            // Loaded in f32, then quantised by the CPU encoder.
            Precision::I16 | Precision::I8 => candle_core::DType::F32,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::Bf16 => "bf16",
            Precision::I16 => "i16",
            Precision::I8 => "i8",
        }
    }
}

/// `--cpu-encoder`: which forward pass runs f32 on the CPU. Both give the same vectors; the
/// packed one is faster, the tensor one is kept to time it against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum CpuEncoder {
    /// The padding-free encoder with its own kernels.
    #[default]
    Packed,
    /// candle's tensor operations, batches padded to their longest text.
    Tensors,
}

impl CpuEncoder {
    pub fn as_str(self) -> &'static str {
        match self {
            CpuEncoder::Packed => "packed",
            CpuEncoder::Tensors => "tensors",
        }
    }
}
