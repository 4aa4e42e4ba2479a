//! Finding input files and reading them as UTF-8 text.

use std::path::{Path, PathBuf};

use super::lines::{self, CappedText};
use super::{CorpusError, Format};

/// How many leading bytes are searched for a NUL byte to tell binary files from text.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// A file to read, with the document id it gets and its format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InputFile {
    pub path: PathBuf,
    pub id: String,
    pub format: Format,
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> CorpusError {
    if source.kind() == std::io::ErrorKind::NotFound {
        CorpusError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        CorpusError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// `relative`'s components joined with `/`, the same on every platform.
fn slash_path(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files an input argument stands for: itself, or the known-format files under a folder.
#[cfg(test)]
pub(crate) fn expand(input: &Path) -> Result<Vec<InputFile>, CorpusError> {
    expand_noting(input, &mut Vec::new())
}

/// [`expand`], noting in `passed_over` the files under a folder that are not read (an unknown
/// extension, a broken link) and why.
pub(crate) fn expand_noting(
    input: &Path,
    passed_over: &mut Vec<(PathBuf, String)>,
) -> Result<Vec<InputFile>, CorpusError> {
    let meta = std::fs::metadata(input).map_err(|e| io_error(input, e))?;
    if !meta.is_dir() {
        // A file named explicitly is read even with an unknown extension: as plain text.
        let id = input
            .file_name()
            .map_or_else(|| input.to_string_lossy(), |n| n.to_string_lossy())
            .into_owned();
        let format = Format::from_path(input).unwrap_or(Format::Text);
        return Ok(vec![InputFile {
            path: input.to_path_buf(),
            id,
            format,
        }]);
    }
    let mut paths = Vec::new();
    walk(input, &mut paths, passed_over)?;
    // Path order compares component by component, so "a/b" sorts before "a-b" and "a0".
    paths.sort();
    let files: Vec<InputFile> = paths
        .into_iter()
        .filter_map(|path| {
            let Some(format) = Format::from_path(&path) else {
                tracing::warn!(path = %path.display(), "skipping file with an unknown extension");
                passed_over.push((
                    path,
                    "unknown extension (read: .txt .md .html .jsonl .csv)".to_string(),
                ));
                return None;
            };
            let relative = path.strip_prefix(input).unwrap_or(&path);
            Some(InputFile {
                id: slash_path(relative),
                path,
                format,
            })
        })
        .collect();
    if files.is_empty() {
        return Err(CorpusError::NoReadableFiles {
            path: input.to_path_buf(),
        });
    }
    Ok(files)
}

/// Collects the non-hidden files under `dir`. Symbolic links to folders are not followed, so a
/// link cycle cannot trap the walk.
fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    passed_over: &mut Vec<(PathBuf, String)>,
) -> Result<(), CorpusError> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let path = entry.path();
        if is_hidden(&path) {
            continue;
        }
        let kind = entry.file_type().map_err(|e| io_error(&path, e))?;
        if kind.is_dir() {
            walk(&path, files, passed_over)?;
        } else if kind.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(target) if target.is_file() => files.push(path),
                Ok(_) => tracing::warn!(path = %path.display(), "skipping link to a folder"),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "skipping broken link");
                    passed_over.push((path, format!("broken link ({e})")));
                }
            }
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// Checks that `bytes` are UTF-8 text and returns them as a string (a BOM, if any, is kept for
/// the parser to strip).
pub(crate) fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, CorpusError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(CorpusError::Utf16 {
            path: path.to_path_buf(),
        });
    }
    if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(CorpusError::Binary {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|e| CorpusError::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

pub(crate) fn read_file(path: &Path) -> Result<String, CorpusError> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    decode(path, bytes)
}

/// Lines longer than this lose their ends as they are read: a little past the longest
/// paragraph kept, so that the paragraph is still cut at a space (`parse::clip`).
const LINE_CAP: usize = super::MAX_PARAGRAPH_BYTES + 4096;

/// A plain-text file, streamed: each line kept to [`LINE_CAP`] bytes.
pub(crate) fn read_text(path: &Path) -> Result<CappedText, CorpusError> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    lines::read_capped(path, file, LINE_CAP)
}

/// The name standard input goes by in messages.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// Standard input, as plain text: streamed as [`read_text`] does.
pub(crate) fn read_stdin() -> Result<CappedText, CorpusError> {
    lines::read_capped(Path::new(STDIN_NAME), std::io::stdin().lock(), LINE_CAP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn folders_are_walked_sorted_skipping_hidden_and_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/deeper")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "b/deeper/z.md",
            "b/a.html",
            "a.txt",
            "c.JSONL",
            "notes.docx",
            ".hidden.txt",
            ".git/config.txt",
            "d.csv",
        ] {
            fs::write(root.join(name), "x").unwrap();
        }
        let files = expand(root).unwrap();
        let ids: Vec<_> = files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            ["a.txt", "b/a.html", "b/deeper/z.md", "c.JSONL", "d.csv"]
        );
        let formats: Vec<_> = files.iter().map(|f| f.format).collect();
        assert_eq!(
            formats,
            [
                Format::Text,
                Format::Html,
                Format::Markdown,
                Format::Jsonl,
                Format::Csv
            ]
        );
        assert_eq!(files[2].path, root.join("b/deeper/z.md"));
    }

    #[test]
    fn explicit_file_with_unknown_extension_is_plain_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("notes.log");
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(&path, "x").unwrap();
        let files = expand(&path).unwrap();
        assert_eq!(
            files,
            [InputFile {
                path: path.clone(),
                id: "notes.log".into(),
                format: Format::Text
            }]
        );
    }

    #[test]
    fn missing_path_is_reported() {
        let err = expand(Path::new("no/such/place.txt")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no such file or directory: no/such/place.txt (check the path)"
        );
    }

    #[test]
    fn folder_without_known_files_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("image.png"), "x").unwrap();
        fs::write(dir.path().join(".hidden.txt"), "x").unwrap();
        let err = expand(dir.path()).unwrap_err();
        assert!(matches!(err, CorpusError::NoReadableFiles { .. }));
        assert!(err.to_string().ends_with(
            "contains no readable files; put .txt, .md, .html, .jsonl or .csv files in it"
        ));
    }

    #[test]
    fn binary_utf16_and_invalid_utf8_are_rejected() {
        let path = Path::new("in.txt");
        let err = decode(path, b"PK\x03\x04\x00\x00".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in.txt looks like a binary file, not text; pass .txt/.md/.html/.jsonl/.csv files"
        );
        let err = decode(path, b"\xFF\xFEa\x00".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in.txt is UTF-16 text; re-encode it as UTF-8"
        );
        let err = decode(path, b"caf\xC3\xA9 \xE9t\xE9".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in.txt is not valid UTF-8: invalid byte at offset 6; re-encode it as UTF-8"
        );
    }

    #[test]
    fn nul_after_the_sniffed_prefix_is_not_binary() {
        let mut bytes = vec![b'a'; BINARY_SNIFF_BYTES];
        bytes.push(0);
        assert!(decode(Path::new("x.txt"), bytes).is_ok());
    }
}
