//! Progress on stderr: the pipeline's events as step lines, bars on a terminal, and plain
//! lines every few seconds when stderr is a log file. Nothing but errors and warnings with
//! `--quiet`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use themescope::pipeline::{Events, Stage, Task};

/// How often a plain progress line is written when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// A task in progress, drawn as a bar or as plain lines.
struct Current {
    task: Task,
    total: usize,
    done: usize,
    bar: ProgressBar,
    last_line: Instant,
}

/// Draws a command's progress on stderr.
pub struct Progress {
    quiet: bool,
    /// Print `[n/5] …` at each stage of `run`.
    steps: bool,
    terminal: bool,
    current: Option<Current>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            quiet,
            steps: false,
            terminal: std::io::stderr().is_terminal(),
            current: None,
        }
    }

    /// Also announce the stages of the whole job.
    pub fn with_steps(mut self) -> Progress {
        self.steps = true;
        self
    }

    fn bar(&self, task: Task, total: usize) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.set_message(task.name());
        bar
    }
}

fn step_line(stage: Stage) -> Option<&'static str> {
    Some(match stage {
        Stage::Read => "[1/5] reading",
        Stage::LoadModel => "[2/5] embedding",
        Stage::Embed => return None,
        Stage::Themes => "[3/5] finding themes",
        Stage::Sentiment => "[4/5] scoring actor mentions",
        Stage::Report => "[5/5] writing the report",
    })
}

impl Events for Progress {
    fn stage_started(&mut self, stage: Stage) {
        if let Some(line) = step_line(stage).filter(|_| self.steps) {
            self.info(line);
        }
    }

    fn task_started(&mut self, task: Task, total: usize) {
        let bar = self.bar(task, total);
        self.current = Some(Current {
            task,
            total,
            done: 0,
            bar,
            last_line: Instant::now(),
        });
    }

    fn task_progress(&mut self, done: usize) {
        let plain = !self.quiet && !self.terminal;
        let Some(c) = &mut self.current else {
            return;
        };
        c.done += done;
        c.bar.inc(done as u64);
        if plain && c.last_line.elapsed() >= PLAIN_EVERY {
            c.last_line = Instant::now();
            eprintln!("{}: {} of {}", c.task.name(), c.done, c.total);
        }
    }

    fn task_finished(&mut self) {
        if let Some(c) = self.current.take() {
            c.bar.finish_and_clear();
        }
    }

    fn info(&mut self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    fn warning(&mut self, message: &str) {
        eprintln!("warning: {message}");
    }
}
