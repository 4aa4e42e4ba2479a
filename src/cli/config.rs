//! `themescope config init`: writes the run configuration file (`themescope.toml`, see
//! `themescope::config`); every option of `themescope run` can be set there.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use themescope::config::DEFAULT_CONFIG;
use themescope::fsutil::write_atomic;

use super::GlobalArgs;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented configuration file with every default, ready to edit.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it (`-`: standard output).
    #[arg(default_value = "themescope.toml")]
    pub path: PathBuf,

    /// Replace the file if it exists.
    #[arg(long, env = "THEMESCOPE_FORCE")]
    pub force: bool,
}

pub fn run(global: &GlobalArgs, cmd: &ConfigCommand) -> Result<ExitCode> {
    let ConfigCommand::Init(args) = cmd;
    if args.path.as_os_str() == "-" {
        use std::io::Write;
        std::io::stdout().write_all(DEFAULT_CONFIG.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.path.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to replace it, or name another file",
            args.path.display()
        );
    }
    write_atomic(&args.path, |f| {
        use std::io::Write;
        f.write_all(DEFAULT_CONFIG.as_bytes())
    })
    .with_context(|| format!("cannot write {}", args.path.display()))?;
    global.info(format!(
        "wrote {}; edit it, then: themescope run INPUT --config {}",
        args.path.display(),
        args.path.display()
    ));
    Ok(ExitCode::SUCCESS)
}
