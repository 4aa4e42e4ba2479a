//! The notebooks in `notebooks/` are saved without outputs, and run top to bottom, headless, on
//! real themescope outputs: `themescope run examples/corpus`, `themescope run` on the dated test
//! corpus (`tests/data/time_axes/`) and `themescope embed --unit document` on 600 AG News records, executed by nbclient with `$THEMESCOPE_PYTHON`.
//!
//! The run is skipped unless `THEMESCOPE_PYTHON` names a Python that imports nbclient (install
//! `notebooks/requirements.txt`); `THEMESCOPE_NOTEBOOK_TESTS=1` (set by `.ci/run`) makes it
//! required.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};

/// AG News records per class in the classifier notebook's data (4 classes: 600 records).
const AG_PER_CLASS: usize = 150;

/// The classifier notebook must beat chance (0.25) by far; it scores about 0.85.
const MIN_AG_ACCURACY: f64 = 0.7;

fn notebooks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks")
}

/// Every `.ipynb` in `notebooks/`, sorted by name.
fn notebooks() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(notebooks_dir())
        .expect("notebooks/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no notebook in notebooks/");
    found
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn cell_source(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// Notebooks are committed clean (they diff well), run on the `python3` kernel, and name their
/// files in the first code cell only, from environment variables.
#[test]
fn notebooks_are_saved_clean() {
    for path in notebooks() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let nb = json_file(&path);
        assert_eq!(nb["nbformat"], 4, "{name}");
        assert_eq!(
            nb["metadata"]["kernelspec"]["name"], "python3",
            "{name}: kernel"
        );
        let cells = nb["cells"].as_array().expect("cells");
        let code: Vec<&Value> = cells.iter().filter(|c| c["cell_type"] == "code").collect();
        assert!(!code.is_empty(), "{name} has no code");
        for cell in &code {
            assert_eq!(
                cell["outputs"],
                json!([]),
                "{name}: a cell was saved with outputs: {}",
                cell_source(cell)
            );
            assert!(
                cell["execution_count"].is_null(),
                "{name}: a cell was saved with an execution count: {}",
                cell_source(cell)
            );
        }
        assert!(
            cells.iter().all(|c| c.get("id").is_some()),
            "{name}: cells need ids (nbformat 4.5)"
        );
        let first = cell_source(code[0]);
        assert!(
            first.contains("os.environ.get(\"THEMESCOPE_"),
            "{name}: the first code cell should take the paths from THEMESCOPE_* variables:\n{first}"
        );
        for cell in &code[1..] {
            assert!(
                !cell_source(cell).contains("os.environ"),
                "{name}: only the first code cell reads the environment: {}",
                cell_source(cell)
            );
        }
    }
}

/// `$THEMESCOPE_PYTHON` when it imports nbclient; `None` (skip) otherwise, unless
/// `THEMESCOPE_NOTEBOOK_TESTS=1` makes that a failure.
fn notebook_python() -> Option<OsString> {
    let required = std::env::var_os("THEMESCOPE_NOTEBOOK_TESTS").is_some_and(|v| v == "1");
    let skip = |why: String| {
        assert!(
            !required,
            "THEMESCOPE_NOTEBOOK_TESTS=1 but {why}: THEMESCOPE_PYTHON must name a Python with notebooks/requirements.txt installed"
        );
        eprintln!("skipped: {why}; set THEMESCOPE_PYTHON to a Python with notebooks/requirements.txt installed");
        None
    };
    let Some(python) = std::env::var_os("THEMESCOPE_PYTHON") else {
        return skip("THEMESCOPE_PYTHON is not set".into());
    };
    let shown = Path::new(&python).display().to_string();
    match Command::new(&python)
        .args(["-c", "import nbclient, nbformat"])
        .output()
    {
        Ok(out) if out.status.success() => Some(python),
        Ok(out) => skip(format!(
            "{shown} cannot import nbclient ({})",
            common::stderr(&out)
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or_default()
                .trim()
        )),
        Err(e) => skip(format!("{shown} cannot be run ({e})")),
    }
}

/// The first `per_class` records of each label of AG News `test.jsonl`, in file order, as
/// themescope input: `id`, `text` (title, ". ", description), `label`, `label_name`.
fn write_ag_subset(source: &Path, dest: &Path, per_class: usize) -> usize {
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; set THEMESCOPE_SHARED to the shared folder",
            source.display()
        )
    });
    let mut counts = std::collections::BTreeMap::<i64, usize>::new();
    let mut lines = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let r: Value = serde_json::from_str(line).unwrap();
        let label = r["label"].as_i64().expect("integer label");
        let seen = counts.entry(label).or_default();
        if *seen == per_class {
            continue;
        }
        *seen += 1;
        let record = json!({
            "id": r["id"],
            "text": format!("{}. {}", r["title"].as_str().unwrap(), r["description"].as_str().unwrap()),
            "label": label,
            "label_name": r["label_name"],
        });
        lines.push(record.to_string());
    }
    assert!(
        counts.len() == 4 && counts.values().all(|&n| n == per_class),
        "AG News classes in {}: {counts:?}",
        source.display()
    );
    std::fs::write(dest, lines.join("\n") + "\n").unwrap();
    lines.len()
}

/// Executes each notebook given after the output folder with nbclient, writes the executed copy
/// there, and prints one JSON object: per notebook its error (null when it ran through), the
/// number of images, its text outputs and what its cells wrote on stderr.
const RUNNER: &str = r#"
import json, re, sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
out_dir = Path(sys.argv[1])
summary = {}
for name in sys.argv[2:]:
    path = Path(name)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = ANSI.sub("", str(e))
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
    nbformat.write(nb, out_dir / path.name)
    images, text, stderr = 0, [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                (stderr if output.get("name") == "stderr" else text).append(output.get("text", ""))
            data = output.get("data", {})
            images += "image/png" in data
            if "text/plain" in data:
                text.append(data["text/plain"] + "\n")
    summary[path.name] = {"error": error, "images": images, "text": "".join(text),
                          "stderr": ANSI.sub("", "".join(stderr))}
json.dump(summary, sys.stdout)
"#;

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn notebooks_run_on_themescope_outputs() {
    let Some(python) = notebook_python() else {
        return;
    };
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();
    let models = common::models_dir();

    // The quick start's run, on the example corpus.
    let report = tmp.join("report");
    let out = common::themescope(&tmp.join("hf"))
        .env("THEMESCOPE_MODELS", &models)
        .arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus"))
        .arg("--out")
        .arg(&report)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "themescope run failed: {}",
        common::stderr(&out)
    );
    // The over-time notebook's run, on the dated test corpus.
    let dated = tmp.join("report-dated");
    let out = common::themescope(&tmp.join("hf"))
        .env("THEMESCOPE_MODELS", &models)
        .arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/time_axes/news.jsonl"))
        .arg("--out")
        .arg(&dated)
        .args(["--time-bin", "year", "--k", "4", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "themescope run (dated) failed: {}",
        common::stderr(&out)
    );
    let ran = started.elapsed();

    // AG News documents, embedded one row per record.
    let ag_jsonl = tmp.join("ag.jsonl");
    let records = write_ag_subset(&common::data("ag_news/test.jsonl"), &ag_jsonl, AG_PER_CLASS);
    let ag_parquet = tmp.join("ag.parquet");
    let out = common::themescope(&tmp.join("hf"))
        .env("THEMESCOPE_MODELS", &models)
        .arg("embed")
        .arg(&ag_jsonl)
        .args(["--unit", "document", "--out"])
        .arg(&ag_parquet)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "themescope embed failed: {}",
        common::stderr(&out)
    );
    let embedded = started.elapsed();

    // The notebooks, as a user runs them from notebooks/, with the paths from the environment.
    // Jupyter's and IPython's folders are fresh ones, so that no `python3` kernel spec or
    // profile of the user's replaces THEMESCOPE_PYTHON's own kernel.
    let executed = tmp.join("executed");
    std::fs::create_dir_all(&executed).unwrap();
    let runner = tmp.join("run_notebooks.py");
    std::fs::write(&runner, RUNNER).unwrap();
    let notebooks = notebooks();
    let out = Command::new(&python)
        .arg(&runner)
        .arg(&executed)
        .args(&notebooks)
        .current_dir(notebooks_dir())
        .env("THEMESCOPE_RUN_DIR", &report)
        .env("THEMESCOPE_DATED_RUN_DIR", &dated)
        .env("THEMESCOPE_AG_EMBEDDINGS", &ag_parquet)
        .env("THEMESCOPE_AG_JSONL", &ag_jsonl)
        .env("JUPYTER_DATA_DIR", tmp.join("jupyter/data"))
        .env("JUPYTER_RUNTIME_DIR", tmp.join("jupyter/runtime"))
        .env("JUPYTER_CONFIG_DIR", tmp.join("jupyter/config"))
        .env("IPYTHONDIR", tmp.join("ipython"))
        .env("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        .env_remove("JUPYTER_PATH")
        .env_remove("MPLBACKEND")
        .output()
        .unwrap();
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the notebook runner failed ({e}):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            common::stderr(&out)
        )
    });
    assert!(
        out.status.success(),
        "the notebook runner failed: {}",
        common::stderr(&out)
    );

    for path in &notebooks {
        let name = path.file_name().unwrap().to_string_lossy();
        let result = &summary[name.as_ref()];
        if let Some(error) = result["error"].as_str() {
            panic!("{name} failed:\n{error}");
        }
        let stderr = result["stderr"].as_str().unwrap_or_default();
        assert!(
            stderr.trim().is_empty(),
            "{name} wrote on stderr (a warning is a defect for a reader):\n{stderr}"
        );
        assert!(
            result["images"].as_u64().unwrap_or(0) >= 1,
            "{name} drew no figure"
        );
    }

    // The over-time notebook recomputed the report's theme shares and found the turn.
    let text = summary["04-over-time.ipynb"]["text"]
        .as_str()
        .expect("04-over-time.ipynb ran");
    assert!(
        text.contains("theme shares per year agree with report.json")
            && text.contains("Talia Renwick: turned in 2021"),
        "{text}"
    );

    // The classifier learned the topics: parse "test accuracy: 0.853".
    let text = summary["03-downstream-classifier.ipynb"]["text"]
        .as_str()
        .expect("03-downstream-classifier.ipynb ran");
    assert!(
        text.contains(&format!(
            "{records} labelled embeddings (0 without a label)"
        )),
        "not every AG News embedding found its label:\n{text}"
    );
    let accuracy: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("test accuracy: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no test accuracy in the output:\n{text}"));
    assert!(
        accuracy >= MIN_AG_ACCURACY,
        "AG News accuracy {accuracy} < {MIN_AG_ACCURACY}"
    );

    eprintln!(
        "run {:.1} s, embed {records} records {:.1} s, {} notebooks {:.1} s",
        ran.as_secs_f64(),
        (embedded - ran).as_secs_f64(),
        notebooks.len(),
        (started.elapsed() - embedded).as_secs_f64()
    );
}
