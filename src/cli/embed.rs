//! `themescope embed`: inputs → vectors in a `.npy`, `.safetensors` or `.parquet` file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{ArgMatches, Args};
use themescope::fsutil::check_writable;
use themescope::pipeline::steps;
use themescope::store::{self, Format};

use super::args::CorpusArgs;
use super::GlobalArgs;

/// Shown after `themescope embed --help`.
pub const AFTER_HELP: &str = "\
Inputs are files or folders (read recursively, sorted, hidden files skipped) or `-` for stdin.
Formats by extension: .txt, .md, .html/.htm, .jsonl (one document per line, field `text`),
.csv (header row, column `text`); other files given by name are read as plain text.

The output format follows --out's extension:
  .npy          rows x dim float32, plus FILE.jsonl (one line per row) and FILE.meta.json
  .safetensors  tensor `embeddings`; rows and model details in the metadata
  .parquet      columns doc_id, para_index, text, embedding (pandas, polars, DuckDB)

Examples:
  themescope embed examples/corpus --out emb.parquet
  themescope embed articles.jsonl --unit document --out emb.npy
  cat notes.txt | themescope embed - --out notes.safetensors";

#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// Files, folders, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output file: .npy, .safetensors or .parquet. Written atomically (never half-written).
    #[arg(long, short, env = "THEMESCOPE_OUT", value_name = "FILE")]
    pub out: PathBuf,

    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// Truncate texts at this many tokens instead of the model's max_seq_length.
    #[arg(long, env = "THEMESCOPE_MAX_LENGTH", value_parser = clap::value_parser!(u32).range(2..))]
    pub max_length: Option<u32>,
}

pub fn run(global: &GlobalArgs, args: &EmbedArgs, matches: &ArgMatches) -> Result<ExitCode> {
    // Cheap checks first: a bad --out or input fails before the model loads.
    let format = Format::from_path(&args.out)?;
    check_writable(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?;
    let config = super::settings::resolve(matches, None, &[])?;
    let units = args.corpus.read(global, &config.input, &args.inputs)?;

    let started = Instant::now();
    let max_length = args.max_length.map(|n| n as usize);
    let (model, embedder) =
        steps::load_encoder(&config.model, &global.resolve_options(), max_length)?;
    let info = embedder.info().clone();
    global.info(format!(
        "model {} ({}, {} on {})",
        info.model_id,
        model.source,
        info.precision.as_str(),
        info.device
    ));
    let embed_started = Instant::now();
    let mut progress = global.progress();
    let set = steps::embed_cached(
        &embedder,
        &config.model,
        units,
        args.corpus.unit,
        &mut progress,
    )?;
    let embed_seconds = embed_started.elapsed().as_secs_f64();
    store::write(&args.out, &set)?;
    let rows = set.rows.len();
    let per_second = rows as f64 / embed_seconds.max(1e-9);
    global.info(format!(
        "wrote {rows} × {} vectors to {} ({:?}) in {:.1} s; embedding {:.1} rows/s",
        info.dim,
        args.out.display(),
        format,
        started.elapsed().as_secs_f64(),
        per_second
    ));
    if global.json {
        let summary = serde_json::json!({
            "out": args.out,
            "rows": rows,
            "dim": info.dim,
            "unit": args.corpus.unit.as_str(),
            "model": info.model_id,
            "revision": info.revision,
            "device": info.device,
            "embed_seconds": embed_seconds,
            "rows_per_second": per_second,
        });
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{summary}")?;
    }
    Ok(ExitCode::SUCCESS)
}
