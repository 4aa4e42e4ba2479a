//! What the over-time and per-group step costs beside the themes stage, in CPU time (all the
//! process's threads, from `/proc/self/stat`, so a busy shared machine slows both alike but does
//! not bill either for other jobs' time). Runs the whole job `REPEATS` times in one process (the
//! embedding and score caches make every run after the first mostly themes) and prints each
//! run's two figures side by side, then their medians. Linux only.
//!
//!     RAYON_NUM_THREADS=1 cargo run --release --example timeline_cost -- INPUT OUT [REPEATS]

use std::time::Instant;

use themescope::pipeline::{self, Events, RunSpec, Stage};

/// Seconds of CPU the process has used (user + system), from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat (Linux only)");
    // Fields after the command name, which is in brackets and may hold spaces.
    let rest = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    // Clock ticks per second: 100 on every Linux platform that matters here.
    ticks / 100.0
}

/// CPU and wall seconds of the themes stage and of the step between the sentiment stage's end
/// and the line that closes the over-time and per-group step.
#[derive(Default)]
struct Cost {
    started: Option<(f64, Instant)>,
    themes: Option<(f64, f64)>,
    timeline: Option<(f64, f64)>,
}

impl Cost {
    fn mark(&mut self) {
        self.started = Some((cpu_seconds(), Instant::now()));
    }

    fn since(&self) -> (f64, f64) {
        let (cpu, wall) = self.started.expect("a mark before");
        (cpu_seconds() - cpu, wall.elapsed().as_secs_f64())
    }
}

impl Events for Cost {
    fn stage_started(&mut self, stage: Stage) {
        if stage == Stage::Themes {
            self.mark();
        }
    }
    fn stage_finished(&mut self, stage: Stage, _seconds: f64) {
        match stage {
            Stage::Themes => self.themes = Some(self.since()),
            // The step starts here: reading the axes, then the tables.
            Stage::Sentiment => self.mark(),
            _ => {}
        }
    }
    fn info(&mut self, message: &str) {
        if message.starts_with("themes and attitudes over time and by group") {
            self.timeline = Some(self.since());
        }
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: timeline_cost INPUT OUT [REPEATS]".into());
    };
    let repeats: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let mut spec = RunSpec::new(vec![input.into()], out.into());
    spec.config.model.threads = Some(1);
    println!("| run | themes CPU s (wall) | over time + by group CPU s (wall) | CPU ratio |");
    println!("|---|---:|---:|---:|");
    let mut ratios = Vec::new();
    let (mut themes_cpu, mut step_cpu) = (Vec::new(), Vec::new());
    for run in 1..=repeats {
        let mut cost = Cost::default();
        pipeline::run(&spec, &mut cost)?;
        let (Some((t_cpu, t_wall)), Some((s_cpu, s_wall))) = (cost.themes, cost.timeline) else {
            return Err("no time or group axis in this input: nothing to time".into());
        };
        let ratio = s_cpu / t_cpu;
        println!(
            "| {run} | {t_cpu:.2} ({t_wall:.2}) | {s_cpu:.2} ({s_wall:.2}) | {:.1}% |",
            ratio * 100.0
        );
        ratios.push(ratio);
        themes_cpu.push(t_cpu);
        step_cpu.push(s_cpu);
    }
    println!(
        "| median | {:.2} | {:.2} | {:.1}% |",
        median(themes_cpu),
        median(step_cpu),
        median(ratios) * 100.0
    );
    Ok(())
}
