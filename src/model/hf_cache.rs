//! The Hugging Face hub cache, laid out as Python's `huggingface_hub` does, so that models
//! downloaded by either are shared.

use std::path::{Path, PathBuf};

/// `HF_HUB_CACHE`, else `HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else
/// `~/.cache/huggingface/hub` (the same order as `huggingface_hub`).
pub fn default_dir() -> PathBuf {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(p) = var("HF_HUB_CACHE") {
        return p;
    }
    if let Some(p) = var("HF_HOME") {
        return p.join("hub");
    }
    let cache = var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("huggingface").join("hub")
}

/// `models--org--name`.
pub fn repo_dir(cache: &Path, id: &str) -> PathBuf {
    cache.join(format!("models--{}", id.replace('/', "--")))
}

/// The snapshot folder for `revision` (a commit, or a branch/tag recorded under `refs/`), with the
/// commit it resolves to.
pub fn lookup(cache: &Path, id: &str, revision: Option<&str>) -> Option<(PathBuf, String)> {
    let repo = repo_dir(cache, id);
    let rev = revision.unwrap_or("main");
    let commit = if is_commit(rev) {
        rev.to_string()
    } else {
        std::fs::read_to_string(repo.join("refs").join(rev))
            .ok()?
            .trim()
            .to_string()
    };
    let dir = repo.join("snapshots").join(&commit);
    dir.is_dir().then_some((dir, commit))
}

fn is_commit(rev: &str) -> bool {
    rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_refs_to_snapshots() {
        let cache = tempfile::tempdir().unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let repo = repo_dir(cache.path(), "org/m");
        std::fs::create_dir_all(repo.join("snapshots").join(commit)).unwrap();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), format!("{commit}\n")).unwrap();
        let (dir, c) = lookup(cache.path(), "org/m", None).unwrap();
        assert_eq!(c, commit);
        assert!(dir.ends_with(commit));
        assert!(lookup(cache.path(), "org/m", Some(commit)).is_some());
        assert!(lookup(cache.path(), "org/m", Some("v2")).is_none());
        assert!(lookup(cache.path(), "org/other", None).is_none());
    }
}
