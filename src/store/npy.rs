//! `.npy` (NPY format 1.0, `<f4`, C order) plus the `.jsonl` and `.meta.json` sidecars.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::{f32_from_le_bytes, EmbeddingInfo, EmbeddingSet, RowMeta, StoreError};
use crate::fsutil::AtomicSet;

const MAGIC: &[u8] = b"\x93NUMPY";
const FORMAT: &str = ".npy embedding";
/// numpy aligns the data start to 64 bytes so that it can be memory-mapped efficiently.
const ALIGN: usize = 64;

/// The row sidecar of a `.npy` file: `emb.npy` → `emb.jsonl`.
pub fn npy_rows_path(npy: &Path) -> PathBuf {
    npy.with_extension("jsonl")
}

/// The provenance sidecar of a `.npy` file: `emb.npy` → `emb.meta.json`.
pub fn npy_info_path(npy: &Path) -> PathBuf {
    npy.with_extension("meta.json")
}

pub(crate) fn write(path: &Path, set: &EmbeddingSet) -> Result<(), StoreError> {
    // The three files are written as a set: a failure leaves the previous set whole.
    let mut files = AtomicSet::new();
    let info_path = npy_info_path(path);
    files
        .write(&info_path, |f| {
            serde_json::to_writer_pretty(&mut *f, &set.info)?;
            f.write_all(b"\n")
        })
        .map_err(|e| StoreError::write(&info_path, e))?;
    let rows_path = npy_rows_path(path);
    files
        .write(&rows_path, |f| {
            let mut w = BufWriter::new(f);
            for row in &set.rows {
                // serde_json escapes control characters, so each row stays on one line.
                serde_json::to_writer(&mut w, row)?;
                w.write_all(b"\n")?;
            }
            w.flush()
        })
        .map_err(|e| StoreError::write(&rows_path, e))?;
    // Renamed last: a complete .npy means its sidecars are already in place.
    let (rows, dim) = set.vectors.dim();
    files
        .write(path, |f| {
            let mut w = BufWriter::new(f);
            w.write_all(&header(rows, dim))?;
            for v in set.vectors.iter() {
                w.write_all(&v.to_le_bytes())?;
            }
            w.flush()
        })
        .map_err(|e| StoreError::write(path, e))?;
    files
        .commit()
        .map_err(|(failed, e)| StoreError::write(failed, e))
}

/// Magic, version 1.0, header length and the header dict, padded with spaces and a final newline
/// so that the data starts at a multiple of [`ALIGN`], byte for byte as `numpy.save` does.
fn header(rows: usize, dim: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    let unpadded = MAGIC.len() + 2 + 2 + dict.len() + 1;
    let padding = (ALIGN - unpadded % ALIGN) % ALIGN;
    let header_len = dict.len() + padding + 1;
    // A 2-D shape needs a few dozen bytes; version 1.0 allows 65535.
    let header_len_u16 = u16::try_from(header_len).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(unpadded + padding);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&header_len_u16.to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.resize(out.len() + padding, b' ');
    out.push(b'\n');
    out
}

pub(crate) fn read(path: &Path) -> Result<EmbeddingSet, StoreError> {
    let vectors = read_npy_matrix(path)?;
    let info = read_info(path)?;
    let rows = read_rows(path)?;
    let (n, dim) = vectors.dim();
    if dim != info.dim {
        return Err(StoreError::malformed(
            path,
            FORMAT,
            format!(
                "it has {dim} columns but {} says dim is {}",
                npy_info_path(path).display(),
                info.dim
            ),
        ));
    }
    if rows.len() != n {
        return Err(StoreError::RowCountMismatch {
            path: path.to_path_buf(),
            vectors: n,
            rows: rows.len(),
        });
    }
    Ok(EmbeddingSet {
        info,
        rows,
        vectors,
    })
}

/// Opens a sidecar, telling a missing one apart from other I/O failures.
fn open_sidecar(npy: &Path, sidecar: &Path) -> Result<std::fs::File, StoreError> {
    std::fs::File::open(sidecar).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            StoreError::MissingSidecar {
                path: npy.to_path_buf(),
                sidecar: sidecar.to_path_buf(),
            }
        } else {
            StoreError::read(sidecar, e)
        }
    })
}

fn read_info(npy: &Path) -> Result<EmbeddingInfo, StoreError> {
    let info_path = npy_info_path(npy);
    let file = open_sidecar(npy, &info_path)?;
    serde_json::from_reader(BufReader::new(file))
        .map_err(|e| StoreError::malformed(&info_path, ".meta.json sidecar", e.to_string()))
}

fn read_rows(npy: &Path) -> Result<Vec<RowMeta>, StoreError> {
    let rows_path = npy_rows_path(npy);
    let file = open_sidecar(npy, &rows_path)?;
    let mut rows = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| StoreError::read(&rows_path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let row = serde_json::from_str(&line).map_err(|e| {
            StoreError::malformed(
                &rows_path,
                ".jsonl row sidecar",
                format!("line {}: {e}", i + 1),
            )
        })?;
        rows.push(row);
    }
    Ok(rows)
}

/// Reads the matrix of a `.npy` file, ours or one written by `numpy.save`: a 2-D little-endian
/// float32 array in C order. Other dtypes, ranks or Fortran order are refused with the conversion
/// to apply. Sidecars are not needed.
pub fn read_npy_matrix(path: &Path) -> Result<Array2<f32>, StoreError> {
    let bytes = std::fs::read(path).map_err(|e| StoreError::read(path, e))?;
    let bad = |reason: String| StoreError::malformed(path, FORMAT, reason);

    if bytes.len() < MAGIC.len() + 2 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(bad("it does not start with the NPY magic bytes".into()));
    }
    let (major, minor) = (bytes[6], bytes[7]);
    // 1.0 has a u16 header length; 2.0 and 3.0 (UTF-8 header) a u32 one.
    let (len_bytes, header_start) = match major {
        1 => (2, 10),
        2 | 3 => (4, 12),
        _ => return Err(bad(format!("unsupported NPY version {major}.{minor}"))),
    };
    if bytes.len() < header_start {
        return Err(bad("it is truncated inside the header".into()));
    }
    let header_len = bytes[8..8 + len_bytes]
        .iter()
        .rev()
        .fold(0usize, |acc, &b| (acc << 8) | b as usize);
    let data_start = header_start + header_len;
    if bytes.len() < data_start {
        return Err(bad("it is truncated inside the header".into()));
    }
    // Latin-1 for 1.0/2.0; the dict itself is ASCII in practice, so bytes map to chars directly.
    let header: String = bytes[header_start..data_start]
        .iter()
        .map(|&b| b as char)
        .collect();
    let (rows, dim) = parse_header(&header).map_err(bad)?;

    let expected = rows
        .checked_mul(dim)
        .and_then(|n| n.checked_mul(4))
        .ok_or_else(|| bad(format!("shape ({rows}, {dim}) is too large")))?;
    let data = &bytes[data_start..];
    if data.len() != expected {
        return Err(bad(format!(
            "shape ({rows}, {dim}) needs {expected} bytes of data but the file has {}",
            data.len()
        )));
    }
    Array2::from_shape_vec((rows, dim), f32_from_le_bytes(data)).map_err(|e| bad(e.to_string()))
}

/// Checks the header dict and returns the shape.
fn parse_header(header: &str) -> Result<(usize, usize), String> {
    let entries = PyParser::new(header).dict()?;
    let get = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("the header has no '{key}'"))
    };
    match get("descr")? {
        Py::Str(d) if d == "<f4" => {}
        Py::Str(d) => {
            return Err(format!(
                "its dtype is '{d}', expected '<f4' (little-endian float32); convert with arr.astype('<f4')"
            ))
        }
        other => return Err(format!("unsupported descr {other:?}")),
    }
    match get("fortran_order")? {
        Py::Bool(false) => {}
        Py::Bool(true) => {
            return Err(
                "it is in Fortran order; save np.ascontiguousarray(arr) instead".to_string(),
            )
        }
        other => return Err(format!("fortran_order is {other:?}, expected False")),
    }
    match get("shape")? {
        Py::Tuple(dims) => match dims.as_slice() {
            [Py::Int(r), Py::Int(d)] => Ok((*r, *d)),
            _ => Err(format!(
                "its shape is {dims:?}, expected a 2-D (rows, dim) matrix"
            )),
        },
        other => Err(format!("shape is {other:?}, expected a tuple")),
    }
}

/// The Python literals an NPY header dict uses.
#[derive(Debug)]
enum Py {
    Str(String),
    Bool(bool),
    Int(usize),
    Tuple(Vec<Py>),
    None,
}

/// A tiny parser for the `repr` of the header dict (numpy itself uses `ast.literal_eval`).
struct PyParser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl<'a> PyParser<'a> {
    fn new(s: &'a str) -> Self {
        PyParser {
            chars: s.chars().peekable(),
        }
    }

    fn skip_ws(&mut self) {
        while self.chars.next_if(|c| c.is_whitespace()).is_some() {}
    }

    fn expect(&mut self, want: char) -> Result<(), String> {
        self.skip_ws();
        match self.chars.next() {
            Some(c) if c == want => Ok(()),
            Some(c) => Err(format!("bad header: expected '{want}', found '{c}'")),
            None => Err(format!("bad header: expected '{want}', found the end")),
        }
    }

    /// Consumes `close` (after an optional comma) and returns true, or consumes a comma and
    /// returns false when another item follows.
    fn end_or_comma(&mut self, close: char) -> Result<bool, String> {
        self.skip_ws();
        if self.chars.next_if_eq(&close).is_some() {
            return Ok(true);
        }
        self.expect(',')?;
        self.skip_ws();
        Ok(self.chars.next_if_eq(&close).is_some())
    }

    fn dict(&mut self) -> Result<Vec<(String, Py)>, String> {
        self.expect('{')?;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.chars.next_if_eq(&'}').is_some() {
            return Ok(entries);
        }
        loop {
            let key = match self.value()? {
                Py::Str(k) => k,
                other => return Err(format!("bad header: key {other:?} is not a string")),
            };
            self.expect(':')?;
            entries.push((key, self.value()?));
            if self.end_or_comma('}')? {
                return Ok(entries);
            }
        }
    }

    fn value(&mut self) -> Result<Py, String> {
        self.skip_ws();
        match self.chars.peek().copied() {
            Some(q @ ('\'' | '"')) => {
                self.chars.next();
                let mut s = String::new();
                loop {
                    match self.chars.next() {
                        Some('\\') => s.extend(self.chars.next()),
                        Some(c) if c == q => return Ok(Py::Str(s)),
                        Some(c) => s.push(c),
                        None => return Err("bad header: unterminated string".into()),
                    }
                }
            }
            Some('(') => {
                self.chars.next();
                let mut items = Vec::new();
                self.skip_ws();
                if self.chars.next_if_eq(&')').is_some() {
                    return Ok(Py::Tuple(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.end_or_comma(')')? {
                        return Ok(Py::Tuple(items));
                    }
                }
            }
            Some(c) if c.is_ascii_digit() => {
                let mut n: usize = 0;
                while let Some(d) = self.chars.next_if(char::is_ascii_digit) {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(d as usize - '0' as usize))
                        .ok_or("bad header: dimension overflows")?;
                }
                // Python 2 numpy wrote longs as `3L`.
                self.chars.next_if_eq(&'L');
                Ok(Py::Int(n))
            }
            Some(c) if c.is_alphabetic() => {
                let mut word = String::new();
                while let Some(c) = self.chars.next_if(|c| c.is_alphanumeric() || *c == '_') {
                    word.push(c);
                }
                match word.as_str() {
                    "True" => Ok(Py::Bool(true)),
                    "False" => Ok(Py::Bool(false)),
                    "None" => Ok(Py::None),
                    _ => Err(format!("bad header: unexpected '{word}'")),
                }
            }
            Some(c) => Err(format!("bad header: unexpected '{c}'")),
            None => Err("bad header: it ends early".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil;

    fn npy_bytes(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn roundtrip_with_sidecars() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emb.npy");
        let set = testutil::set(23, 7);
        write(&path, &set).unwrap();
        assert!(dir.path().join("emb.jsonl").is_file());
        assert!(dir.path().join("emb.meta.json").is_file());
        // One line per row even with newlines in the text.
        let jsonl = std::fs::read_to_string(dir.path().join("emb.jsonl")).unwrap();
        assert_eq!(jsonl.lines().count(), 23);
        testutil::assert_same(&set, &read(&path).unwrap());
    }

    #[test]
    fn header_matches_numpy_layout() {
        let h = header(162, 384);
        assert_eq!(h.len() % ALIGN, 0);
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        assert_eq!(usize::from(u16::from_le_bytes([h[8], h[9]])) + 10, h.len());
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(text.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (162, 384), }"));
        assert!(text.ends_with(" \n"));
    }

    #[test]
    fn empty_set_roundtrips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emb.npy");
        let set = testutil::set(0, 5);
        write(&path, &set).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.vectors.dim(), (0, 5));
        testutil::assert_same(&set, &back);
    }

    #[test]
    fn reads_numpy_style_headers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.npy");
        let data: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        for header in [
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n",
            "{\"shape\": (2L, 3L), 'fortran_order': False, 'descr': '<f4'}\n",
        ] {
            std::fs::write(&path, npy_bytes(header, &data)).unwrap();
            let m = read_npy_matrix(&path).unwrap();
            assert_eq!(m, ndarray::array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        }
    }

    #[test]
    fn refuses_other_dtypes_orders_and_ranks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.npy");
        let cases = [
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }\n",
                "'<f8'",
            ),
            (
                "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }\n",
                "astype('<f4')",
            ),
            (
                "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }\n",
                "Fortran order",
            ),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n",
                "2-D",
            ),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }\n",
                "needs 8 bytes",
            ),
            (
                "{'descr': '<f4', 'shape': (1, 1), }\n",
                "no 'fortran_order'",
            ),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1)\n",
                "bad header",
            ),
        ];
        for (header, want) in cases {
            std::fs::write(&path, npy_bytes(header, &1.0f32.to_le_bytes())).unwrap();
            let err = read_npy_matrix(&path).unwrap_err();
            assert!(matches!(err, StoreError::Malformed { .. }));
            let msg = err.to_string();
            assert!(msg.contains(want) && msg.contains("m.npy"), "{msg}");
        }
        std::fs::write(&path, b"not numpy at all").unwrap();
        let msg = read_npy_matrix(&path).unwrap_err().to_string();
        assert!(msg.contains("magic"), "{msg}");
    }

    #[test]
    fn missing_or_inconsistent_sidecars() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emb.npy");
        write(&path, &testutil::set(3, 4)).unwrap();

        let rows = npy_rows_path(&path);
        let saved = std::fs::read_to_string(&rows).unwrap();
        let two_lines: String = saved.lines().take(2).map(|l| format!("{l}\n")).collect();
        std::fs::write(&rows, two_lines).unwrap();
        let err = read(&path).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::RowCountMismatch {
                    vectors: 3,
                    rows: 2,
                    ..
                }
            ),
            "{err}"
        );

        std::fs::write(&rows, "{\"doc_id\": 1}\n").unwrap();
        let msg = read(&path).unwrap_err().to_string();
        assert!(msg.contains("emb.jsonl") && msg.contains("line 1"), "{msg}");

        std::fs::remove_file(&rows).unwrap();
        let err = read(&path).unwrap_err();
        assert!(matches!(err, StoreError::MissingSidecar { .. }), "{err}");
        assert!(err.to_string().contains("emb.jsonl is missing"));

        std::fs::remove_file(npy_info_path(&path)).unwrap();
        let msg = read(&path).unwrap_err().to_string();
        assert!(msg.contains("emb.meta.json is missing"), "{msg}");
    }
}
