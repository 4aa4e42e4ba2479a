//! The pinned models of `models/manifest.toml`: revision, file hashes, mirrors.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::ModelError;

const MANIFEST_TOML: &str = include_str!("../../models/manifest.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    #[serde(rename = "model")]
    pub models: Vec<ManifestEntry>,
}

/// One pinned model.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestEntry {
    pub id: String,
    pub revision: String,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub license: Option<String>,
    /// File path inside the model folder → lower-case hex sha256.
    pub sha256: BTreeMap<String, String>,
    #[serde(default)]
    pub pypi: Option<PypiMirror>,
}

/// A PyPI package whose wheel carries the model's files.
#[derive(Debug, Clone, Deserialize)]
pub struct PypiMirror {
    pub package: String,
    pub version: String,
    /// Folder inside the wheel that holds the model files.
    pub folder: String,
}

impl Manifest {
    /// The manifest compiled into this binary.
    pub fn builtin() -> Result<&'static Manifest, ModelError> {
        static CELL: OnceLock<Result<Manifest, String>> = OnceLock::new();
        CELL.get_or_init(|| toml::from_str(MANIFEST_TOML).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ModelError::Manifest(e.clone()))
    }

    pub fn find(&self, id: &str) -> Option<&ManifestEntry> {
        self.models.iter().find(|m| m.id.eq_ignore_ascii_case(id))
    }

    pub fn default_model(&self) -> Option<&ManifestEntry> {
        self.models.iter().find(|m| m.default)
    }
}

impl ManifestEntry {
    /// Checks every pinned file that exists under `dir`; missing optional files are left to the
    /// loader, which knows which ones it needs.
    pub fn verify(&self, dir: &Path) -> Result<(), ModelError> {
        for (file, expected) in &self.sha256 {
            let path = dir.join(file);
            if !path.exists() {
                continue;
            }
            let actual = sha256_file(&path)?;
            if !actual.eq_ignore_ascii_case(expected) {
                return Err(ModelError::HashMismatch {
                    id: self.id.clone(),
                    path,
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok(())
    }
}

/// Hashes already computed in this process, by path, size and modification time: a model's
/// weights are hashed for the cache key when it loads and again for `run.json`.
type HashMemo = std::sync::Mutex<
    std::collections::HashMap<(std::path::PathBuf, u64, std::time::SystemTime), String>,
>;
static HASHED: std::sync::OnceLock<HashMemo> = std::sync::OnceLock::new();

/// Lower-case hex sha256 of a file, streamed; a file unchanged since it was hashed in this
/// process is not read again.
pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let meta = std::fs::metadata(path).map_err(|e| ModelError::io(path, e))?;
    let key = meta
        .modified()
        .ok()
        .map(|m| (path.to_path_buf(), meta.len(), m));
    let memo = HASHED.get_or_init(Default::default);
    if let Some(k) = &key {
        if let Some(h) = memo.lock().unwrap_or_else(|p| p.into_inner()).get(k) {
            return Ok(h.clone());
        }
    }
    let hash = hash_file(path)?;
    if let Some(k) = key {
        memo.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(k, hash.clone());
    }
    Ok(hash)
}

fn hash_file(path: &Path) -> Result<String, ModelError> {
    let mut file = std::fs::File::open(path).map_err(|e| ModelError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| ModelError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifest_parses_and_has_one_default() {
        let m = Manifest::builtin().unwrap();
        assert_eq!(m.models.iter().filter(|m| m.default).count(), 1);
        let d = m.default_model().unwrap();
        assert_eq!(d.id, "sentence-transformers/all-MiniLM-L6-v2");
        assert_eq!(d.revision.len(), 40);
        for (file, hash) in &d.sha256 {
            assert_eq!(hash.len(), 64, "{file}");
            assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{file}");
        }
        assert!(d.sha256.contains_key("model.safetensors"));
    }

    #[test]
    fn sha256_of_known_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(
            sha256_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
