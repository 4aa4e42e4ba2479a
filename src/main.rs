//! The `themescope` binary: parses arguments and calls the library (see `cli/`).

mod cli;

/// mimalloc keeps and reuses freed memory: candle allocates a fresh buffer for every tensor op,
/// and glibc's allocator hands large ones back to the kernel each time, so every op paid for
/// page faults again (see BENCHMARKS.md for the measured effect).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

/// mimalloc's `purge_delay` option (the number is its place in mimalloc's option list).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Never hand freed pages back to the kernel: the encoder frees and reallocates the same
    // buffer sizes every batch, and each handed-back page costs a fault and a zeroing when it
    // returns (a 20x cut in page faults and about 8% faster embedding, see BENCHMARKS.md).
    // SAFETY: setting an option is allowed at any time; this runs before any other thread starts.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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
