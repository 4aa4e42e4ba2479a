//! Flags shared by every command, and what they set up.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use themescope::cache::{embed_through_cache, EmbeddingCache};
use themescope::corpus::{Corpus, ReadOptions, TextUnit, Unit};
use themescope::embed::{DeviceChoice, EmbedOptions, Embedder, Precision};
use themescope::model::{self, ResolveOptions, ResolvedModel};
use themescope::sentiment::score::{score_mentions, CorpusMention, ScoredMention};
use themescope::sentiment::Scorer;
use themescope::store::{EmbeddingInfo, EmbeddingSet, RowMeta};

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

    /// Precision the encoder computes in: f16/bf16 are for GPUs; i16 and i8 are for CPUs with AVX2
    /// (integer linear layers). i16: about 1.5× f32's speed, cosine ≥ 0.9999 to f32's vectors. i8:
    /// the fastest, cosine about 0.999 (≥ 0.997 seen) to f32's. Pooling is always f32.
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

    pub fn resolve_options(&self) -> ResolveOptions {
        let mut opts = ResolveOptions::from_env();
        opts.offline |= self.offline;
        opts.progress = !self.quiet;
        opts
    }

    /// The model named by --model, or the default.
    pub fn model_spec(&self) -> &str {
        self.model.as_deref().unwrap_or(model::DEFAULT_MODEL)
    }

    pub fn resolve_model(&self, spec: &str) -> Result<ResolvedModel> {
        Ok(model::resolve(spec, &self.resolve_options())?)
    }

    pub fn embed_options(&self, max_length: Option<usize>) -> EmbedOptions {
        EmbedOptions {
            device: self.device,
            precision: self.dtype,
            batch_size: self.batch_size as usize,
            max_length,
            // Benchmarks set THEMESCOPE_CPU_ENCODER=tensors to time candle's tensor path against
            // the packed one in the same build.
            packed: std::env::var("THEMESCOPE_CPU_ENCODER").as_deref() != Ok("tensors"),
        }
    }

    /// Resolves and loads the model named by `spec` (a folder or Hub id).
    pub fn load_embedder(
        &self,
        spec: &str,
        max_length: Option<usize>,
    ) -> Result<(ResolvedModel, Embedder)> {
        let model = self.resolve_model(spec)?;
        let embedder = Embedder::load(&model, &self.embed_options(max_length))?;
        Ok((model, embedder))
    }

    /// The cache folder in effect (ignoring --no-cache).
    pub fn cache_dir(&self) -> Option<std::path::PathBuf> {
        self.cache.clone().or_else(EmbeddingCache::default_dir)
    }

    /// The embedding cache, unless --no-cache. A cache that cannot be opened (another process
    /// holds it, a damaged file) is reported and skipped: the work goes on without it.
    pub fn open_cache(&self) -> Option<EmbeddingCache> {
        if self.no_cache {
            return None;
        }
        let dir = self.cache_dir()?;
        match EmbeddingCache::open(&dir) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("warning: {e}; embedding without the cache");
                None
            }
        }
    }

    /// A progress bar on stderr, hidden with --quiet or when stderr is not a terminal.
    pub fn progress(&self, len: usize, what: &str) -> ProgressBar {
        if self.quiet {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar
    }

    /// An informational line on stderr unless --quiet.
    pub fn info(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }
}

/// How inputs are read into rows; shared by every command that reads a corpus.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// What one row is: a paragraph, a whole document (a file or a jsonl/csv record), or a sentence.
    #[arg(long, env = "THEMESCOPE_UNIT", value_enum, default_value_t = Unit::Paragraph)]
    pub unit: Unit,

    /// Field (jsonl) or column (csv) that holds the text.
    #[arg(long, env = "THEMESCOPE_TEXT_FIELD", default_value = "text")]
    pub text_field: String,

    /// Keep boilerplate paragraphs (copyright lines, photo credits, "Follow the topics" footers).
    #[arg(long, env = "THEMESCOPE_KEEP_BOILERPLATE")]
    pub keep_boilerplate: bool,
}

impl CorpusArgs {
    /// Reads the inputs and cuts them into rows.
    pub fn read(
        &self,
        global: &GlobalArgs,
        inputs: &[std::path::PathBuf],
    ) -> Result<Vec<TextUnit>> {
        let read = ReadOptions {
            text_field: self.text_field.clone(),
            strip_boilerplate: !self.keep_boilerplate,
        };
        let corpus = Corpus::read(inputs, &read)?;
        let units = corpus.units(self.unit);
        global.info(format!(
            "read {} documents, {} {}s",
            corpus.documents.len(),
            units.len(),
            unit_name(self.unit)
        ));
        Ok(units)
    }
}

pub fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Paragraph => "paragraph",
        Unit::Document => "document",
        Unit::Sentence => "sentence",
    }
}

/// Embeds the rows with a progress bar and packs them with their provenance.
/// Scores mentions, reusing the predictions the cache holds for the trained head (see
/// [`score_mentions`]) and saying how many it found.
pub fn score_mentions_cached(
    global: &GlobalArgs,
    corpus: &Corpus,
    mentions: Vec<CorpusMention>,
    scorer: &dyn Scorer,
) -> Result<Vec<ScoredMention>> {
    let cache = match scorer.cache_identity() {
        Some(_) => global.open_cache(),
        None => None,
    };
    let total = mentions.len();
    let bar = global.progress(total, "mentions");
    let (scored, used) = score_mentions(corpus, mentions, scorer, cache.as_ref(), &mut |n| {
        bar.inc(n as u64)
    })
    .context("scoring failed")?;
    bar.finish_and_clear();
    if let Some(c) = &cache {
        global.info(format!(
            "cache: {} of {total} mention scores found, {} scored ({})",
            used.hits,
            used.scored,
            c.path().display()
        ));
    }
    Ok(scored)
}

pub fn embed_units(
    global: &GlobalArgs,
    embedder: &Embedder,
    units: Vec<TextUnit>,
    unit: Unit,
) -> Result<EmbeddingSet> {
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let cache = global.open_cache();
    let bar = global.progress(texts.len(), "embedding");
    let (vectors, used) =
        embed_through_cache(embedder, cache.as_ref(), &texts, &mut |n| bar.inc(n as u64))
            .context("embedding failed")?;
    bar.finish_and_clear();
    if let Some(c) = &cache {
        global.info(format!(
            "cache: {} of {} {}s found, {} embedded ({})",
            used.hits,
            texts.len(),
            unit_name(unit),
            used.embedded,
            c.path().display()
        ));
    }
    let info = embedder.info();
    Ok(EmbeddingSet {
        info: EmbeddingInfo {
            model_id: info.model_id.clone(),
            revision: info.revision.clone(),
            pooling: info.pooling.as_str().to_string(),
            normalized: info.normalize,
            max_seq_length: info.max_seq_length,
            dim: info.dim,
            unit: unit_name(unit).to_string(),
            themescope_version: env!("CARGO_PKG_VERSION").to_string(),
        },
        rows: units
            .into_iter()
            .map(|u| RowMeta {
                doc_id: u.doc_id,
                para_index: u.index,
                text: u.text,
            })
            .collect(),
        vectors,
    })
}
