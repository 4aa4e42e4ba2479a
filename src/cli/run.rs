//! `themescope run`: the whole job, from a folder of articles to a report. The work is the
//! library's [`themescope::pipeline`]; this file parses the options and prints the summary.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{ArgMatches, Args};
use themescope::pipeline::{self, RunSpec, EXIT_SKIPPED};
use themescope::report::Report;

use super::args::{AxesArgs, InputArgs, SentimentArgs, ThemeArgs};
use super::GlobalArgs;

/// Shown after `themescope run --help`.
pub const AFTER_HELP: &str = "\
Writes, in DIR (each file complete or not at all):
  report.html         the report: charts (paragraph map, theme sizes, actor × theme attitude
                      heatmap, document theme mix, actor attitudes) and each theme's key phrases
                      and representative paragraphs; one self-contained file
  report.md           the same as Markdown tables
  report.json         everything in the report (schema in the README)
  paragraphs.parquet  one row per paragraph: text, theme, actor mentions with scores, embedding
  run.json            version, model and its file hashes, every parameter, input file hashes,
                      stage times and peak memory

Files that cannot be read (binary, not UTF-8, empty, unreadable) are skipped, listed on stderr
and in the report. Exit status: 0 done; 1 error; 2 bad arguments; 3 files were skipped and
--strict was given (the report is still written).

Options can also come from a config file (`themescope config init` writes one); flags and
THEMESCOPE_* environment variables override it.

Examples:
  themescope run examples/corpus --out report
  themescope run ../shared/seeds --out R --k 6 --actors actors.toml
  themescope config init && themescope run articles/ --out R --config themescope.toml";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files, folders, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Folder to write the report files into (created when missing).
    #[arg(long, short, env = "THEMESCOPE_OUT_DIR", value_name = "DIR")]
    pub out: PathBuf,

    /// Configuration file (TOML, as `themescope config init` writes).
    #[arg(long, env = "THEMESCOPE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Exit with status 3 when any input file was skipped (the report is still written).
    #[arg(long, env = "THEMESCOPE_STRICT")]
    pub strict: bool,

    /// Title of the report [default: "Themes and actors in" and the input names].
    #[arg(long, env = "THEMESCOPE_TITLE")]
    pub title: Option<String>,

    #[command(flatten)]
    pub themes: ThemeArgs,

    #[command(flatten)]
    pub sentiment: SentimentArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub axes: AxesArgs,
}

pub fn run(global: &GlobalArgs, args: &RunArgs, matches: &ArgMatches) -> Result<ExitCode> {
    let spec = RunSpec {
        inputs: args.inputs.clone(),
        config: super::settings::resolve(matches, args.config.as_deref(), &[])?,
        out: args.out.clone(),
        config_file: args.config.clone(),
        strict: args.strict,
        command: std::env::args().collect(),
        resolve: global.resolve_options(),
        given: None,
    };
    let output = pipeline::run(&spec, &mut global.progress().with_steps())?;
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", output.summary(&spec.out))?;
    } else {
        stdout.write_all(summary(&output.report).as_bytes())?;
    }
    if output.exit_code != 0 {
        eprintln!(
            "error: {} input file(s) skipped and --strict given (exit status {EXIT_SKIPPED})",
            output.skipped.len()
        );
    }
    Ok(ExitCode::from(output.exit_code))
}

/// The short summary on stdout: themes with sizes, ranked actors with their mean attitude.
fn summary(r: &Report) -> String {
    let mut out = format!(
        "{} themes over {} paragraphs of {} documents; outliers {} ({:.1}%)\n",
        r.themes.len(),
        r.corpus.paragraphs,
        r.corpus.documents,
        r.outliers.count,
        r.outliers.share * 100.0
    );
    for t in &r.themes {
        out.push_str(&format!(
            "  #{} {}  ({} paragraphs)\n",
            t.id, t.label, t.size
        ));
    }
    let ranked: Vec<_> = r.actors.iter().filter(|a| a.rank.is_some()).collect();
    if !ranked.is_empty() {
        out.push_str("actors (mean attitude, −1 negative … +1 positive):\n");
        for a in ranked {
            out.push_str(&format!(
                "  {:<28} {:+.2}  ({} mentions)\n",
                a.name, a.mean, a.mentions
            ));
        }
    }
    if !r.corpus.skipped.is_empty() {
        out.push_str(&format!(
            "skipped {} input files (listed in the report)\n",
            r.corpus.skipped.len()
        ));
    }
    out
}
