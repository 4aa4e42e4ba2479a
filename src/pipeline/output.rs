//! The output folder and the report files written into it, each atomically (complete or not at
//! all).

use std::io::Write;
use std::path::Path;

use crate::fsutil::write_atomic;
use crate::report;

use super::{PipelineError, RunOutput};

/// Creates the folder when missing and checks that files can be written in it; `true` when
/// this call created it.
pub fn prepare_dir(dir: &Path) -> Result<bool, PipelineError> {
    let existed = dir.is_dir();
    std::fs::create_dir_all(dir).map_err(|source| PipelineError::Output {
        action: "create the output folder",
        path: dir.to_path_buf(),
        source,
    })?;
    if let Err(source) = crate::fsutil::check_writable(&dir.join("report.html")) {
        if !existed {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(PipelineError::Output {
            action: "write in the output folder",
            path: dir.to_path_buf(),
            source,
        });
    }
    Ok(!existed)
}

/// Writes `report.json`, `report.md`, `report.html` and `paragraphs.parquet`.
pub fn write_report(dir: &Path, out: &RunOutput) -> Result<(), PipelineError> {
    let report = &out.report;
    write_file(&dir.join("report.json"), &report.to_json())?;
    let markdown = report::markdown::render(report);
    write_file(&dir.join("report.md"), markdown.as_bytes())?;
    let html = report::html::render(report);
    write_file(&dir.join("report.html"), html.as_bytes())?;
    let parquet = dir.join("paragraphs.parquet");
    let axes = out.axes.rows(&out.corpus);
    report::paragraphs::write(&parquet, &out.embeddings, &out.themes, &out.mentions, &axes)?;
    Ok(())
}

/// Writes a JSON value, pretty-printed, with a final newline.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), PipelineError> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("JSON values serialise");
    bytes.push(b'\n');
    write_file(path, &bytes)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PipelineError> {
    write_atomic(path, |f| f.write_all(bytes)).map_err(|source| PipelineError::Output {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}
