//! `themescope cache stats|clear|verify`: the incremental embedding cache.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Subcommand;
use themescope::cache::EmbeddingCache;

use super::GlobalArgs;

/// Shown after `themescope cache --help`.
pub const AFTER_HELP: &str = "\
Vectors are cached by model id, revision, pooling, maximum length, precision and the text's
sha256, so embedding a corpus again computes only paragraphs it has not seen. The cache is one
redb file, embeddings.redb, in --cache DIR (default $XDG_CACHE_HOME/themescope, else
~/.cache/themescope). --no-cache on any command bypasses it.

Examples:
  themescope cache stats
  themescope cache verify --cache /data/ts-cache
  themescope cache clear";

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Where the cache is, how many vectors it holds and its size on disk.
    Stats,
    /// Delete every cached vector.
    Clear,
    /// Check the store's structure and every vector's checksum; exit 1 on any damage.
    Verify,
}

fn dir(global: &GlobalArgs) -> Result<std::path::PathBuf> {
    match global.cache.clone().or_else(EmbeddingCache::default_dir) {
        Some(dir) => Ok(dir),
        None => bail!("no cache folder: set --cache DIR (or XDG_CACHE_HOME or HOME)"),
    }
}

pub fn run(global: &GlobalArgs, cmd: &CacheCommand) -> Result<ExitCode> {
    let dir = dir(global)?;
    let mut cache = match EmbeddingCache::open(&dir) {
        Ok(cache) => cache,
        // A file too damaged to open is removed by `clear`: nothing in it can be read anyway.
        Err(e) if e.is_damage() && matches!(cmd, CacheCommand::Clear) => {
            EmbeddingCache::remove(&dir)?;
            let path = dir.join(themescope::cache::FILE_NAME);
            writeln!(
                std::io::stdout(),
                "removed the damaged cache file {}",
                path.display()
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e.into()),
    };
    let mut stdout = std::io::stdout().lock();
    match cmd {
        CacheCommand::Stats => {
            let s = cache.stats()?;
            if global.json {
                writeln!(stdout, "{}", serde_json::to_string(&s)?)?;
            } else {
                writeln!(
                    stdout,
                    "{}: {} vectors, {:.1} MB",
                    s.path.display(),
                    s.entries,
                    s.file_bytes as f64 / 1e6
                )?;
            }
        }
        CacheCommand::Clear => match cache.clear() {
            Ok(n) => writeln!(
                stdout,
                "removed {n} vectors from {}",
                cache.path().display()
            )?,
            Err(e) if e.is_damage() => {
                let path = cache.path().to_path_buf();
                drop(cache);
                EmbeddingCache::remove(&dir)?;
                writeln!(stdout, "removed the damaged cache file {}", path.display())?;
            }
            Err(e) => return Err(e.into()),
        },
        CacheCommand::Verify => {
            let r = cache.verify()?;
            if global.json {
                writeln!(stdout, "{}", serde_json::to_string(&r)?)?;
            } else {
                writeln!(
                    stdout,
                    "{}: {} vectors checked, {} damaged, store {}",
                    cache.path().display(),
                    r.entries,
                    r.damaged,
                    if r.store_ok { "ok" } else { "damaged" }
                )?;
            }
            if !r.ok() {
                bail!(
                    "{} is damaged: run `themescope cache clear` (vectors are recomputed on the next run)",
                    cache.path().display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
