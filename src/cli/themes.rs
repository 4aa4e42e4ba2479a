//! `themescope themes`: cluster paragraph vectors into themes named by key phrases.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{ArgMatches, Args};
use themescope::config::RunConfig;
use themescope::embed::Embedder;
use themescope::fsutil::check_writable;
use themescope::pipeline::steps;
use themescope::store::{self, EmbeddingSet};
use themescope::themes::{self, output};

use super::args::{CorpusArgs, ThemeArgs};
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
  themescope themes --embeddings vectors/ --k 20   (a folder of parts from themescope.ray)
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

    /// Cluster the vectors of this file (.npy, .safetensors, .parquet from `themescope embed`),
    /// or of a folder of such files read as one set (the Parquet parts `themescope.ray` writes).
    #[arg(long, env = "THEMESCOPE_EMBEDDINGS", value_name = "FILE|DIR")]
    pub embeddings: Option<PathBuf>,

    /// Write themes.json here (written atomically).
    #[arg(long, short, env = "THEMESCOPE_THEMES_OUT", value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub opts: ThemeArgs,

    #[command(flatten)]
    pub corpus: CorpusArgs,
}

pub fn run(global: &GlobalArgs, args: &ThemesArgs, matches: &ArgMatches) -> Result<ExitCode> {
    let config = super::settings::resolve(matches, None, &[])?;
    if let Some(out) = &args.out {
        check_writable(out).with_context(|| format!("cannot write {}", out.display()))?;
    }
    let params = config.themes.params().check()?;
    let phrase_opts = config.themes.phrase_options()?;
    let (set, embedder) = match &args.embeddings {
        Some(path) => read_embeddings(global, &config, path)?,
        None => {
            let units = args.corpus.read(global, &config.input, &args.inputs)?;
            let (_, embedder) =
                steps::load_encoder(&config.model, &global.resolve_options(), None)?;
            let mut progress = global.progress();
            let unit = args.corpus.unit;
            let set = steps::embed_cached(&embedder, &config.model, units, unit, &mut progress)?;
            (set, embedder)
        }
    };
    // Checked again with the real row count, before clustering starts.
    params.check_data(set.rows.len(), set.vectors.ncols())?;

    let mut embed_phrases = embedder.phrase_embedder();
    let result = themes::find_themes(&set, &params, &phrase_opts, &mut embed_phrases)?;

    let record = config.themes.phrase_record();
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

/// An embeddings file and the encoder that made its vectors (phrases must be embedded by it).
fn read_embeddings(
    global: &GlobalArgs,
    config: &RunConfig,
    path: &Path,
) -> Result<(EmbeddingSet, Embedder)> {
    let set = store::read(path)?;
    if set.rows.is_empty() {
        bail!(
            "{} is empty: it holds no rows to cluster; embed a corpus with text first",
            path.display()
        );
    }
    let mut settings = config.model.clone();
    settings
        .name
        .get_or_insert_with(|| set.info.model_id.clone());
    let (model, embedder) = steps::load_encoder(&settings, &global.resolve_options(), None)?;
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
    Ok((set, embedder))
}
