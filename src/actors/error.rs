//! The error type of the `actors` module.

use std::path::PathBuf;

/// Why an actor file could not be used. Every message names the file, the line when there is
/// one, and what to change.
#[derive(Debug, thiserror::Error)]
pub enum ActorError {
    #[error("cannot read the actor file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML or not the actor-file layout.
    #[error("{} line {line}, column {column}: {message}; fix the actor file (see `themescope actors --help` for its layout)", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// The file names no actor and does not ask for the built-in ones: nothing would match.
    #[error("{} lists no actors: add [[actor]] tables (`themescope actors INPUT` writes a file to edit), or set `gazetteer = true` to match only the built-in countries", path.display())]
    Empty { path: PathBuf },

    /// The file parses but says something impossible.
    #[error("{} line {line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}
