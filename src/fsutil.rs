//! File-system helpers shared by the stages that write files.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes a file atomically: `write` fills a temporary file in the destination's folder, which is
/// renamed over `path` only once everything succeeded. A failure (or a crash) never leaves a
/// half-written output behind.
pub fn write_atomic<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut std::fs::File) -> io::Result<()>,
{
    stage(path, write)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The folder a file at `path` goes in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Checks, before any work, that a file can be written at `path`: its folder exists and takes
/// a new file (probed with a temporary file, removed at once).
pub fn check_writable(path: &Path) -> io::Result<()> {
    let dir = folder_of(path);
    if !dir.is_dir() {
        let why = format!(
            "the folder {} does not exist; create it first",
            dir.display()
        );
        return Err(io::Error::new(io::ErrorKind::NotFound, why));
    }
    tempfile::Builder::new()
        .prefix(".themescope-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| {
            let why = format!(
                "the folder {} takes no new file: {}",
                dir.display(),
                e.kind()
            );
            io::Error::new(e.kind(), why)
        })
}

/// A temporary file beside `path`, filled by `write` and synced, ready to be renamed over it.
fn stage<F>(path: &Path, write: F) -> io::Result<tempfile::NamedTempFile>
where
    F: FnOnce(&mut std::fs::File) -> io::Result<()>,
{
    let dir = folder_of(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".themescope-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    write(tmp.as_file_mut())?;
    tmp.as_file_mut().flush()?;
    // Temporary files are created private (0600); an output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Files that belong together (a `.npy` and its sidecars), written as a set: each is written to
/// a temporary file beside its destination, and only when every one was written are they renamed
/// into place, in the order staged. A failed write (a full disk) leaves the old set untouched.
#[derive(Default)]
pub struct AtomicSet {
    staged: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl AtomicSet {
    pub fn new() -> AtomicSet {
        AtomicSet::default()
    }

    /// Writes one file of the set to its temporary place.
    pub fn write<F>(&mut self, path: &Path, write: F) -> io::Result<()>
    where
        F: FnOnce(&mut std::fs::File) -> io::Result<()>,
    {
        let tmp = stage(path, write)?;
        self.staged.push((tmp, path.to_path_buf()));
        Ok(())
    }

    /// Renames every file into place; the error names the file that could not be.
    pub fn commit(self) -> Result<(), (PathBuf, io::Error)> {
        for (tmp, path) in self.staged {
            tmp.persist(&path).map_err(|e| (path, e.error))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        let err = write_atomic(&target, |f| {
            f.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_set_with_a_failed_member_leaves_the_old_set() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"old a").unwrap();
        std::fs::write(&b, b"old b").unwrap();
        let mut set = AtomicSet::new();
        set.write(&a, |f| f.write_all(b"new a")).unwrap();
        assert!(set
            .write(&b, |_| Err(io::Error::other("disk full")))
            .is_err());
        drop(set);
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(std::fs::read(&b).unwrap(), b"old b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

        let mut set = AtomicSet::new();
        set.write(&a, |f| f.write_all(b"new a")).unwrap();
        set.write(&b, |f| f.write_all(b"new b")).unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
    }

    #[test]
    fn successful_write_replaces_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        std::fs::write(&target, b"old").unwrap();
        write_atomic(&target, |f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }
}
