//! The whole job through the library: `examples/corpus` → a report in `report-example/`.
//!
//!     cargo run --release --example pipeline [INPUT] [OUT]

use themescope::pipeline::{self, Events, RunSpec, Stage};
use themescope::themes::K;

/// Prints each stage as it ends; a notebook or a worker would do otherwise.
struct Log;

impl Events for Log {
    fn stage_finished(&mut self, stage: Stage, seconds: f64) {
        eprintln!("{:<10} {seconds:.2} s", stage.name());
    }
    fn warning(&mut self, message: &str) {
        eprintln!("warning: {message}");
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args.next().unwrap_or_else(|| "examples/corpus".into());
    let out = args.next().unwrap_or_else(|| "report-example".into());
    let mut spec = RunSpec::new(vec![input.into()], out.into());
    spec.config.themes.k = K::Fixed(4);
    spec.config.sentiment.min_mentions = 2;
    let output = pipeline::run(&spec, &mut Log)?;
    for theme in &output.report.themes {
        println!("#{} {} ({} paragraphs)", theme.id, theme.label, theme.size);
    }
    println!("wrote {}/report.html", spec.out.display());
    Ok(())
}
