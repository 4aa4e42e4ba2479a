//! `themescope actors`: the actors a corpus names, discovered from proper nouns and the built-in
//! gazetteer, printed as an actor file (TOML) ready to edit and pass to `sentiment --actors`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{ArgMatches, Args};
use themescope::actors::{discover, to_toml, DiscoverOptions};
use themescope::corpus::Corpus;

use super::args::{InputArgs, MinMentionsArg};
use super::GlobalArgs;

/// Shown after `themescope actors --help`.
pub const AFTER_HELP: &str = "\
The actor file lists [[actor]] tables with a name, a kind (person, country, organisation or
group) and aliases; `gazetteer = true` also matches the built-in countries (with demonyms and
capitals), Europe, NATO and the UN that the file does not list. Aliases match on word
boundaries, longest first; words in capitals (US, NATO) match only in capitals, capitalised
words only capitalised (China, not china), lower-case words in any case. An alias listed for
several actors (\"Clinton\") names, in each document, the one that document names first in
full. [[namesake]] tables list people named too rarely to report who share such an alias: in
their own documents it is theirs, and no one's mention.

Examples:
  themescope actors ../shared/seeds > actors.toml
  themescope sentiment ../shared/seeds --actors actors.toml";

#[derive(Debug, Args)]
pub struct ActorsArgs {
    /// Files, folders, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub min: MinMentionsArg,

    /// List at most this many discovered people, organisations and groups (countries aside).
    #[arg(long, env = "THEMESCOPE_MAX_ACTORS", default_value_t = 100)]
    pub max_actors: usize,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &GlobalArgs, args: &ActorsArgs, matches: &ArgMatches) -> Result<ExitCode> {
    let config = super::settings::resolve(matches, None, &[])?;
    let corpus = Corpus::read(&args.inputs, &config.input.read_options())?;
    let min_mentions = config.sentiment.min_mentions;
    let found = discover(
        &corpus,
        &DiscoverOptions {
            min_mentions,
            max_actors: args.max_actors,
        },
    );
    global.info(format!(
        "{} documents, {} paragraphs: {} actors mentioned at least {} times",
        corpus.documents.len(),
        corpus.paragraph_count(),
        found.actors.len(),
        min_mentions
    ));
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", found.to_json())?;
    } else {
        let inputs: Vec<String> = args
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let header = format!(
            "Actors found by `themescope actors` in {} ({} documents).\n\
             Edit freely (merge, rename, add aliases, delete), then: themescope sentiment INPUT --actors FILE",
            inputs.join(", "),
            corpus.documents.len()
        );
        let notes: Vec<String> = found
            .actors
            .iter()
            .map(|(_, n)| format!("{n} mentions"))
            .collect();
        write!(stdout, "{}", to_toml(&header, &found.actor_file(), &notes))?;
    }
    Ok(ExitCode::SUCCESS)
}
