//! A feature cache for training: computing the features of NewsMTSC's 8,739 training targets
//! takes minutes on a CPU, fitting the classifier seconds. Files hold a small header and f32
//! rows; the name is a hash of everything the features depend on.

use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::Array2;

use crate::fsutil::write_atomic;
use crate::sentiment::SentimentError;

const MAGIC: &[u8; 8] = b"TSFEAT01";

/// The cache file for a key (hashed) in `dir`.
pub fn path_for(dir: &Path, key: &str) -> PathBuf {
    let hash = super::data::sha256_hex(key.as_bytes());
    dir.join(format!("features-{}.bin", &hash[..24]))
}

/// The cached matrix, if present and of the expected shape.
pub fn load(path: &Path, rows: usize, cols: usize) -> Option<Array2<f32>> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() != 24 + rows * cols * 4 || &bytes[..8] != MAGIC {
        return None;
    }
    let r = u64::from_le_bytes(bytes[8..16].try_into().ok()?) as usize;
    let c = u64::from_le_bytes(bytes[16..24].try_into().ok()?) as usize;
    if (r, c) != (rows, cols) {
        return None;
    }
    let values = bytes[24..]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Array2::from_shape_vec((rows, cols), values).ok()
}

pub fn store(path: &Path, m: &Array2<f32>) -> Result<(), SentimentError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| SentimentError::write(path, e))?;
    }
    let mut bytes = Vec::with_capacity(24 + m.len() * 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(m.nrows() as u64).to_le_bytes());
    bytes.extend_from_slice(&(m.ncols() as u64).to_le_bytes());
    for v in m.iter() {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    write_atomic(path, |f| f.write_all(&bytes)).map_err(|e| SentimentError::write(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_shape_check() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_for(dir.path(), "key");
        let m = ndarray::array![[1.0f32, -2.5], [3.0, 4.0], [0.0, 1e-7]];
        store(&p, &m).unwrap();
        assert_eq!(load(&p, 3, 2), Some(m));
        assert_eq!(load(&p, 2, 3), None);
        assert_ne!(path_for(dir.path(), "other"), p);
    }
}
