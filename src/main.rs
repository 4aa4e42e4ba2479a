//! The `themescope` binary: parses arguments and calls the library (see `cli/`).

mod cli;

/// mimalloc keeps and reuses freed memory: candle allocates a fresh buffer for every tensor op,
/// and glibc's allocator hands large ones back to the kernel each time, so every op paid for
/// page faults again (see BENCHMARKS.md for the measured effect).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        // `themescope ... | head`: the reader left early; that is not an error.
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", cli::one_line(&err));
            ExitCode::FAILURE
        }
    }
}
