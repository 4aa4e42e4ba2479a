//! The command line: argument parsing, settings resolution, progress drawing and output
//! printing. Every command is a thin layer over the library; one file per subcommand, shared
//! argument groups in `args.rs` and `common.rs`, settings in `settings.rs`, progress in
//! `progress.rs`.

mod actors;
mod args;
mod attitude;
mod cache;
mod common;
mod config;
mod embed;
mod head;
mod models;
mod progress;
mod run;
mod sentiment;
mod settings;
mod themes;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

pub use common::GlobalArgs;

/// themescope: the themes running through a corpus of articles, and the attitude each text takes
/// toward the actors it names.
///
/// Examples:
///   themescope run examples/corpus --out report    (then open report/report.html)
///   themescope embed examples/corpus --out emb.parquet
///   themescope embed notes.jsonl --unit document --out emb.npy --device cpu
///   themescope models verify
#[derive(Debug, Parser)]
#[command(name = "themescope", version, about, long_about, verbatim_doc_comment)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The whole job: read, embed, find themes, score actor mentions, write the report
    /// (HTML, Markdown, JSON, Parquet, run manifest).
    #[command(after_help = run::AFTER_HELP)]
    Run(run::RunArgs),
    /// Embed paragraphs (or documents, or sentences) and write the vectors to a file.
    #[command(after_help = embed::AFTER_HELP)]
    Embed(embed::EmbedArgs),
    /// Find the themes of a corpus or an embeddings file and name them with key phrases.
    #[command(after_help = themes::AFTER_HELP)]
    Themes(themes::ThemesArgs),
    /// List, fetch and verify the models themescope knows.
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// Train and evaluate the actor-sentiment head (NewsMTSC), beside the VADER baseline.
    #[command(subcommand, after_help = head::AFTER_HELP)]
    Head(head::HeadCommand),
    /// Propose the actors a corpus names, as an actor file (TOML) to edit.
    #[command(after_help = actors::AFTER_HELP)]
    Actors(actors::ActorsArgs),
    /// Score the attitude toward every actor the corpus names: a per-actor table and JSON.
    #[command(after_help = sentiment::AFTER_HELP)]
    Sentiment(sentiment::SentimentCmdArgs),
    /// The incremental embedding cache: stats, clear, verify.
    #[command(subcommand, after_help = cache::AFTER_HELP)]
    Cache(cache::CacheCommand),
    /// Write a default configuration file for `run`.
    #[command(subcommand)]
    Config(config::ConfigCommand),
}

/// Parses the command line and runs the command.
pub fn run() -> Result<ExitCode> {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    cli.global.init()?;
    let sub = leaf(&matches);
    let g = &cli.global;
    match &cli.command {
        Command::Run(args) => run::run(g, args, sub),
        Command::Config(cmd) => config::run(g, cmd),
        Command::Cache(cmd) => cache::run(g, cmd),
        Command::Embed(args) => embed::run(g, args, sub),
        Command::Themes(args) => themes::run(g, args, sub),
        Command::Models(cmd) => models::run(g, cmd),
        Command::Head(cmd) => head::run(g, cmd, sub),
        Command::Actors(args) => actors::run(g, args, sub),
        Command::Sentiment(args) => sentiment::run(g, args, sub),
    }
}

/// The matches of the innermost subcommand given (`head eval` → those of `eval`).
fn leaf(matches: &clap::ArgMatches) -> &clap::ArgMatches {
    let mut m = matches;
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
    }
    m
}

/// The error and its causes on one line, settings named as flags (`themescope::message`).
pub fn one_line(err: &anyhow::Error) -> String {
    let cause: &(dyn std::error::Error + 'static) = err.as_ref();
    themescope::message::printable(&as_flags(&themescope::message::chain_line(cause)))
}

/// The library names a setting as ``option `batch_size` ``; on the command line it is the flag
/// `--batch-size`.
fn as_flags(message: &str) -> String {
    const MARK: &str = "option `";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let Some(end) = after.find('`') else { break };
        out.push_str(&rest[..at]);
        out.push_str("--");
        out.push_str(&after[..end].replace('_', "-"));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn error_lines_are_one_short_printable_line() {
        let long = format!("bad header: {}\u{7}\nnext", "x,".repeat(5000));
        let line = one_line(&anyhow::anyhow!(long));
        assert!(
            line.chars().count() <= themescope::message::MAX_CHARS + 2,
            "{}",
            line.len()
        );
        assert!(line.ends_with(" …"));
        let short = one_line(&anyhow::anyhow!("a\u{7}b\nc").context("reading f.csv"));
        assert_eq!(short, "reading f.csv: a\\u{7}b c");
    }

    #[test]
    fn library_settings_read_as_flags() {
        let e = anyhow::anyhow!("option `dtype` i8 runs on the CPU only; or option `device` cpu");
        assert_eq!(
            one_line(&e),
            "--dtype i8 runs on the CPU only; or --device cpu"
        );
        assert_eq!(
            as_flags("option `k_max`: must be at least 2"),
            "--k-max: must be at least 2"
        );
        assert_eq!(as_flags("no option here `x`"), "no option here `x`");
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_flag_is_documented_and_has_an_env_var() {
        let cmd = Cli::command();
        let mut checked = 0;
        for sub in cmd.get_subcommands().chain(std::iter::once(&cmd)) {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") || arg.is_positional() {
                    continue;
                }
                assert!(arg.get_help().is_some(), "--{id} has no help text");
                assert!(
                    arg.get_env().is_some(),
                    "--{id} has no environment variable"
                );
                checked += 1;
            }
        }
        assert!(checked > 8);
    }
}
