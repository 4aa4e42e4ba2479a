//! `themescope themes`: cluster paragraph vectors into themes named by key phrases.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;
use themescope::embed::Embedder;
use themescope::store;
use themescope::themes::output::{self, PhraseRecord};
use themescope::themes::phrases::{PhraseOptions, StopWords};
use themescope::themes::{self, Algo, Outliers, Reduce, ThemeParams, K};

use super::common::{embed_units, CorpusArgs};
use super::GlobalArgs;

/// Shown after `themescope themes --help`.
pub const AFTER_HELP: &str = "\\
Input is either a corpus (embedded on the way) or an embeddings file from `themescope embed`.
Phrases are embedded with the model that made the vectors (named in the file), so the model
must be available; --model must name the same model when given.

Each theme gets a label (its best phrase or two), its top key phrases, its size, its most
representative paragraphs and its share of each document. Outliers are reported; near-duplicate
documents (the same article twice, or a translation) are listed and counted once.

Examples:
  themescope themes examples/corpus
  themescope themes --embeddings emb.parquet --k 8 --out themes.json
  themescope themes ../shared/seeds --algo hdbscan --outliers keep --json";

#[derive(Debug, Args)]
pub struct ThemesArgs {
    /// Files, folders, or `-` for stdin (omit with --embeddings).
    #[arg(
        value_name = "INPUT",
        required_unless_present = "embeddings",
        conflicts_with = "embeddings"
    )]
    pub inputs: Vec<PathBuf>,

    /// Cluster the vectors of this file (.npy, .safetensors, .parquet from `themescope embed`).
    #[arg(long, env = "THEMESCOPE_EMBEDDINGS", value_name = "FILE")]
    pub embeddings: Option<PathBuf>,

    /// Write themes.json here (written atomically).
    #[arg(long, short, env = "THEMESCOPE_THEMES_OUT", value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub opts: ThemeOptions,

    #[command(flatten)]
    pub corpus: CorpusArgs,
}

/// How themes are found and named; shared by `themes` and `run`.
#[derive(Debug, Clone, Args)]
pub struct ThemeOptions {
    /// Number of themes, or `auto` to pick the k in 2..=--k-max with the best silhouette ×
    /// stability (agreement of two differently seeded fits).
    #[arg(long, env = "THEMESCOPE_K", default_value = "auto")]
    pub k: K,

    /// Largest k tried by `--k auto`.
    #[arg(long, env = "THEMESCOPE_K_MAX", default_value_t = 12)]
    pub k_max: usize,

    /// Clustering algorithm.
    #[arg(long, env = "THEMESCOPE_ALGO", value_enum, default_value_t = Algo::Kmeans)]
    pub algo: Algo,

    /// Seed for clustering: the same inputs and seed give byte-identical themes.json.
    #[arg(long, env = "THEMESCOPE_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Smallest theme, in paragraphs; smaller clusters become outliers [default: 1% of the
    /// paragraphs, at least 3, at most 50].
    #[arg(long, env = "THEMESCOPE_MIN_SIZE")]
    pub min_size: Option<usize>,

    /// Dimension reduction before clustering: auto, none, or pca:D (auto: none for kmeans,
    /// pca:32 for gmm, pca:16 for hdbscan).
    #[arg(long, env = "THEMESCOPE_REDUCE", default_value = "auto")]
    pub reduce: Reduce,

    /// Outliers: keep them apart, or reassign[:T] each to its nearest theme when the cosine is
    /// at least T (default 0.3).
    #[arg(long, env = "THEMESCOPE_OUTLIERS", default_value = "reassign")]
    pub outliers: Outliers,

    /// Longest key phrase, in words (1 to 3).
    #[arg(long, env = "THEMESCOPE_NGRAM", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=3))]
    pub ngram: u32,

    /// Key phrases listed per theme.
    #[arg(long, env = "THEMESCOPE_TOP_PHRASES", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub top_phrases: u32,

    /// Stop words that phrases may not start or end with: `english` (built in), `none`, or a
    /// file with one word per line.
    #[arg(long, env = "THEMESCOPE_STOP_WORDS", default_value = "english")]
    pub stop_words: String,

    /// Count near-duplicate documents in theme sizes and shares as if they were distinct.
    #[arg(long, env = "THEMESCOPE_KEEP_DUPLICATES")]
    pub keep_duplicates: bool,
}

impl ThemeOptions {
    pub fn params(&self) -> ThemeParams {
        ThemeParams {
            k: self.k,
            algo: self.algo,
            seed: self.seed,
            min_size: self.min_size,
            reduce: self.reduce,
            outliers: self.outliers,
            k_max: self.k_max,
            keep_duplicates: self.keep_duplicates,
        }
    }

    /// Phrase options; reads the stop-word file, if one is named.
    pub fn phrase_options(&self) -> Result<PhraseOptions> {
        let stop_words = match self.stop_words.as_str() {
            "english" => StopWords::English,
            "none" => StopWords::None,
            path => StopWords::from_file(std::path::Path::new(path))?,
        };
        Ok(PhraseOptions {
            ngram_max: self.ngram as usize,
            top_n: self.top_phrases as usize,
            stop_words,
            ..PhraseOptions::default()
        })
    }

    /// What themes.json records of the phrase options.
    pub fn phrase_record(&self) -> PhraseRecord {
        PhraseRecord {
            ngram_max: self.ngram as usize,
            top_n: self.top_phrases as usize,
            stop_words: self.stop_words.clone(),
        }
    }
}

pub fn run(global: &GlobalArgs, args: &ThemesArgs) -> Result<ExitCode> {
    let params = args.opts.params();
    let phrase_opts = args.opts.phrase_options()?;

    let (set, embedder) = match &args.embeddings {
        Some(path) => {
            let set = store::read(path)?;
            if set.rows.is_empty() {
                bail!(
                    "{} is empty: it holds no rows to cluster; embed a corpus with text first",
                    path.display()
                );
            }
            let spec = global
                .model
                .clone()
                .unwrap_or_else(|| set.info.model_id.clone());
            let (model, embedder) = global.load_embedder(&spec, None)?;
            if model.id != set.info.model_id {
                bail!(
                    "{} holds vectors from {}, but --model names {}: phrases must be embedded by the same model; drop --model or re-embed",
                    path.display(),
                    set.info.model_id,
                    model.id
                );
            }
            let dim = embedder.info().dim;
            if set.vectors.ncols() != dim {
                bail!(
                    "{} holds vectors of {} dims, but {} makes {}: the file is damaged or not from this model; re-embed it",
                    path.display(),
                    set.vectors.ncols(),
                    model.id,
                    dim
                );
            }
            (set, embedder)
        }
        None => {
            let units = args.corpus.read(global, &args.inputs)?;
            let (_, embedder) = global.load_embedder(global.model_spec(), None)?;
            let set = embed_units(global, &embedder, units, args.corpus.unit)?;
            (set, embedder)
        }
    };
    // Checked again with the real row count, before clustering starts.
    params.validate(set.rows.len(), set.vectors.ncols())?;

    let bar = global.progress(1, "themes");
    let mut embed_phrases = |phrases: &[&str]| phrase_vectors(&embedder, phrases);
    let result = themes::find_themes(&set, &params, &phrase_opts, &mut embed_phrases)?;
    bar.finish_and_clear();

    let record = args.opts.phrase_record();
    let json = output::to_json(&result, &params, &record, &set.info);
    if let Some(out) = &args.out {
        output::write_json(out, &json)?;
        global.info(format!("wrote {}", out.display()));
    }
    let mut stdout = std::io::stdout().lock();
    if global.json {
        stdout.write_all(&json)?;
    } else {
        stdout.write_all(output::summary(&result, &set.rows).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn phrase_vectors(
    embedder: &Embedder,
    phrases: &[&str],
) -> Result<ndarray::Array2<f32>, String> {
    embedder
        .embed(phrases, &mut |_| {})
        .map_err(|e| e.to_string())
}
