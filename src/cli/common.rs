//! Flags shared by every command, and what they set up.

use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;
use themescope::embed::windows::LongText;
use themescope::embed::{CpuEncoder, DeviceChoice, Precision};
use themescope::model::ResolveOptions;

use super::progress::Progress;

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Model: a local folder or a Hugging Face id `org/name[@revision]`. Looked up in the folder
    /// itself, then $THEMESCOPE_MODELS/<org>--<name>/, then the Hugging Face cache, then
    /// downloaded [default: sentence-transformers/all-MiniLM-L6-v2; for an embeddings file, the
    /// model that made it].
    #[arg(long, global = true, env = "THEMESCOPE_MODEL")]
    pub model: Option<String>,

    /// Where the encoder runs: auto picks a GPU when this build supports one and it is present.
    #[arg(long, global = true, env = "THEMESCOPE_DEVICE", value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,

    /// Precision the encoder computes in: f16 is for GPUs; bf16 for GPUs and for CPUs with AVX-512
    /// BF16 (bf16 linear layers, f32 sums: about 1.4× f32's speed, cosine ≥ 0.9999 to f32's
    /// vectors); i16 and i8 for CPUs with AVX2 or AVX-512 VNNI (integer linear layers). i16:
    /// cosine ≥ 0.9999 to f32's. i8: the fastest, cosine about 0.999 (≥ 0.997 seen) to f32's.
    /// Pooling is always f32.
    #[arg(long, global = true, env = "THEMESCOPE_DTYPE", value_enum, default_value_t = Precision::F32)]
    pub dtype: Precision,

    /// Texts per forward pass. Larger batches are faster on GPUs and need more memory.
    #[arg(long, global = true, env = "THEMESCOPE_BATCH_SIZE", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub batch_size: u32,

    /// CPU threads for the encoder and tokenizer [default: all cores].
    #[arg(long, global = true, env = "THEMESCOPE_THREADS",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,

    /// Never download: use only local folders and caches (also HF_HUB_OFFLINE=1).
    #[arg(long, global = true, env = "THEMESCOPE_OFFLINE")]
    pub offline: bool,

    /// Embedding cache folder [default: $XDG_CACHE_HOME/themescope, else ~/.cache/themescope].
    #[arg(long, global = true, env = "THEMESCOPE_CACHE", value_name = "DIR")]
    pub cache: Option<std::path::PathBuf>,

    /// Neither read nor write the embedding cache: embed everything afresh.
    #[arg(long, global = true, env = "THEMESCOPE_NO_CACHE")]
    pub no_cache: bool,

    /// The f32 CPU encoder: packed (padding-free, faster) or tensors (candle's; the same vectors,
    /// kept to time the packed one against).
    #[arg(long, global = true, env = "THEMESCOPE_CPU_ENCODER", value_enum,
          default_value_t = CpuEncoder::Packed, hide_short_help = true)]
    pub cpu_encoder: CpuEncoder,

    /// A text longer than the model's maximum length (256 word pieces): windows reads all of it
    /// (whole sentences per window, the vector their token-weighted mean); truncate reads its
    /// start only, as sentence-transformers does.
    #[arg(long, global = true, env = "THEMESCOPE_LONG_TEXT", value_enum,
          default_value_t = LongText::Windows, value_name = "HOW")]
    pub long_text: LongText,

    /// No progress bars or informational messages on stderr (errors still print).
    #[arg(long, short, global = true, env = "THEMESCOPE_QUIET")]
    pub quiet: bool,

    /// Print the command's result as JSON on stdout.
    #[arg(long, global = true, env = "THEMESCOPE_JSON")]
    pub json: bool,
}

impl GlobalArgs {
    /// Logging and thread settings; runs before any work.
    pub fn init(&self) -> Result<()> {
        let default = if self.quiet { "error" } else { "warn" };
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .without_time()
            .try_init();
        if let Some(n) = self.threads {
            // candle's kernels and the tokenizer both read this before their pools start.
            std::env::set_var("RAYON_NUM_THREADS", n.to_string());
        }
        Ok(())
    }

    /// Where models are looked up: the environment, and --offline.
    pub fn resolve_options(&self) -> ResolveOptions {
        let mut opts = ResolveOptions::from_env();
        opts.offline |= self.offline;
        opts.progress = !self.quiet;
        opts
    }

    /// Progress and messages on stderr, as --quiet says.
    pub fn progress(&self) -> Progress {
        Progress::new(self.quiet)
    }

    /// An informational line on stderr unless --quiet.
    pub fn info(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    /// A warning on stderr, even with --quiet (it says that something was left out).
    pub fn warn(&self, line: impl AsRef<str>) {
        eprintln!("warning: {}", line.as_ref());
    }
}
