//! `themescope embed`: inputs → vectors in a `.npy`, `.safetensors` or `.parquet` file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use themescope::corpus::{Corpus, ReadOptions, Unit};
use themescope::store::{self, EmbeddingInfo, EmbeddingSet, Format, RowMeta};

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

    /// What one row is: a paragraph, a whole document (a file or a jsonl/csv record), or a sentence.
    #[arg(long, env = "THEMESCOPE_UNIT", value_enum, default_value_t = Unit::Paragraph)]
    pub unit: Unit,

    /// Field (jsonl) or column (csv) that holds the text.
    #[arg(long, env = "THEMESCOPE_TEXT_FIELD", default_value = "text")]
    pub text_field: String,

    /// Keep boilerplate paragraphs (copyright lines, photo credits, "Follow the topics" footers).
    #[arg(long, env = "THEMESCOPE_KEEP_BOILERPLATE")]
    pub keep_boilerplate: bool,

    /// Truncate texts at this many tokens instead of the model's max_seq_length.
    #[arg(long, env = "THEMESCOPE_MAX_LENGTH", value_parser = clap::value_parser!(u32).range(2..))]
    pub max_length: Option<u32>,
}

pub fn run(global: &GlobalArgs, args: &EmbedArgs) -> Result<ExitCode> {
    // Cheap checks first: a bad --out or input fails before the model loads.
    let format = Format::from_path(&args.out)?;
    let read = ReadOptions {
        text_field: args.text_field.clone(),
        strip_boilerplate: !args.keep_boilerplate,
    };
    let corpus = Corpus::read(&args.inputs, &read)?;
    let units = corpus.units(args.unit);
    global.info(format!(
        "read {} documents, {} {}s",
        corpus.documents.len(),
        units.len(),
        unit_name(args.unit)
    ));

    let started = Instant::now();
    let (model, embedder) = global.load_embedder(args.max_length.map(|n| n as usize))?;
    let info = embedder.info().clone();
    global.info(format!(
        "model {} ({}, {} on {})",
        info.model_id,
        model.source,
        info.precision.as_str(),
        info.device
    ));
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let bar = global.progress(texts.len(), "embedding");
    let embed_started = Instant::now();
    let vectors = embedder
        .embed(&texts, &mut |n| bar.inc(n as u64))
        .context("embedding failed")?;
    bar.finish_and_clear();
    let embed_seconds = embed_started.elapsed().as_secs_f64();

    let set = EmbeddingSet {
        info: EmbeddingInfo {
            model_id: info.model_id.clone(),
            revision: info.revision.clone(),
            pooling: info.pooling.as_str().to_string(),
            normalized: info.normalize,
            max_seq_length: info.max_seq_length,
            dim: info.dim,
            unit: unit_name(args.unit).to_string(),
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
    };
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
            "unit": unit_name(args.unit),
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

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Paragraph => "paragraph",
        Unit::Document => "document",
        Unit::Sentence => "sentence",
    }
}
