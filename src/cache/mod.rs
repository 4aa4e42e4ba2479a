//! The incremental embedding cache: vectors already computed are looked up instead of
//! recomputed, so a growing corpus is embedded once per paragraph.
//!
//! One [redb](https://docs.rs/redb) file (`embeddings.redb`) in the cache folder. redb is an
//! embedded, pure-Rust, copy-on-write B-tree store with ACID transactions: a committed
//! transaction survives a crash or SIGKILL, an unfinished one leaves no trace. It needs no C
//! toolchain (SQLite would) and opens in microseconds. Rows are committed in chunks of
//! [`COMMIT_ROWS`] as they are embedded, so a killed run loses at most one chunk and the next run
//! resumes from there.
//!
//! The key is the sha256 of everything that decides a vector: model id, revision, pooling,
//! normalisation, maximum length, precision and the text itself. The value carries its own
//! checksum, which `verify` recomputes.

mod units;

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use sha2::{Digest, Sha256};

use ndarray::Array2;

use crate::embed::{EmbedError, Embedder, EncoderInfo};

pub use units::{embed_units, weighted_mean, EmbeddedUnits, LongRows};

/// Vectors embedded between two commits.
pub const COMMIT_ROWS: usize = 128;
/// File name of the store inside the cache folder.
pub const FILE_NAME: &str = "embeddings.redb";

const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("embeddings_v1");
/// First byte of every value: the value layout's version.
const VALUE_VERSION: u8 = 1;
/// Bytes of the checksum at the end of a value.
const CHECKSUM_BYTES: usize = 8;

/// Errors of the cache, each naming the file.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot create the cache folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another process has the cache open (redb allows one writer process).
    #[error("the embedding cache {} is in use by another themescope process", path.display())]
    Busy { path: PathBuf },
    #[error("embedding cache {} is damaged or unreadable (delete the file, or run `themescope cache clear`)", path.display())]
    Store {
        path: PathBuf,
        #[source]
        source: Box<redb::Error>,
    },
    /// The store failed inside (redb panics on some damaged pages).
    #[error("embedding cache {} is damaged ({detail}): run `themescope cache clear` (or delete the file)", path.display())]
    Damaged { path: PathBuf, detail: String },
}

impl CacheError {
    /// Whether the cache file itself is at fault (damaged), as opposed to its folder or another
    /// process holding it.
    pub fn is_damage(&self) -> bool {
        matches!(self, CacheError::Store { .. } | CacheError::Damaged { .. })
    }
}

/// Runs a store operation, turning a panic inside redb (it panics on some damaged pages
/// instead of returning an error) into [`CacheError::Damaged`]. The panic message is kept for
/// the error and not printed.
fn guarded<T>(path: &Path, op: impl FnOnce() -> Result<T, CacheError>) -> Result<T, CacheError> {
    crate::guard::without_panics(op).unwrap_or_else(|detail| {
        Err(CacheError::Damaged {
            path: path.to_path_buf(),
            detail,
        })
    })
}

/// What decides a vector besides its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpec {
    prefix: Vec<u8>,
    pub dim: usize,
}

impl KeySpec {
    pub fn new(info: &EncoderInfo) -> KeySpec {
        let prefix = format!("themescope-cache-v1\0{}", info.settings_key()).into_bytes();
        KeySpec {
            prefix,
            dim: info.dim,
        }
    }

    /// The key of one text.
    pub fn key(&self, text: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(&self.prefix);
        h.update(text.as_bytes());
        h.finalize().into()
    }
}

fn checksum(floats: &[u8]) -> [u8; CHECKSUM_BYTES] {
    let d = Sha256::digest(floats);
    let mut out = [0u8; CHECKSUM_BYTES];
    out.copy_from_slice(&d[..CHECKSUM_BYTES]);
    out
}

fn encode(vector: &[f32]) -> Vec<u8> {
    let mut v = Vec::with_capacity(1 + 4 + vector.len() * 4 + CHECKSUM_BYTES);
    v.push(VALUE_VERSION);
    v.extend_from_slice(&(vector.len() as u32).to_le_bytes());
    for x in vector {
        v.extend_from_slice(&x.to_le_bytes());
    }
    let sum = checksum(&v[5..]);
    v.extend_from_slice(&sum);
    v
}

/// The vector in a value, or why it is damaged.
fn decode(value: &[u8]) -> Result<Vec<f32>, &'static str> {
    if value.len() < 5 + CHECKSUM_BYTES || value[0] != VALUE_VERSION {
        return Err("unknown value layout");
    }
    let dim = u32::from_le_bytes(value[1..5].try_into().expect("4 bytes")) as usize;
    let floats = &value[5..value.len() - CHECKSUM_BYTES];
    if floats.len() != dim * 4 {
        return Err("length does not match the dimension");
    }
    if checksum(floats) != value[value.len() - CHECKSUM_BYTES..] {
        return Err("checksum mismatch");
    }
    let v: Vec<f32> = floats
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect();
    if v.iter().any(|x| !x.is_finite()) {
        return Err("non-finite value");
    }
    Ok(v)
}

/// Each key's vector (`None`: missing), and how many stored values were damaged.
pub type Lookup = (Vec<Option<Vec<f32>>>, usize);

/// Numbers about a cache.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CacheStats {
    pub path: PathBuf,
    pub entries: u64,
    pub file_bytes: u64,
}

/// The result of [`EmbeddingCache::verify`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    /// Entries whose value is damaged (bad layout, checksum, non-finite numbers).
    pub damaged: u64,
    /// redb's own check of its B-trees and page checksums.
    pub store_ok: bool,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.store_ok && self.damaged == 0
    }
}

/// An open cache.
pub struct EmbeddingCache {
    db: Database,
    path: PathBuf,
}

impl EmbeddingCache {
    /// Where the cache lives by default: `$XDG_CACHE_HOME/themescope`, else
    /// `~/.cache/themescope`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("themescope"))
    }

    /// Opens (creating when missing) the cache in `dir`.
    pub fn open(dir: &Path) -> Result<EmbeddingCache, CacheError> {
        std::fs::create_dir_all(dir).map_err(|source| CacheError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let db = guarded(&path, || {
            Database::create(&path).map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => CacheError::Busy { path: path.clone() },
                other => CacheError::Store {
                    path: path.clone(),
                    source: Box::new(other.into()),
                },
            })
        })?;
        Ok(EmbeddingCache { db, path })
    }

    /// Deletes the cache file in `dir` without opening it (for a file too damaged to open);
    /// `false` when there was none.
    pub fn remove(dir: &Path) -> std::io::Result<bool> {
        match std::fs::remove_file(dir.join(FILE_NAME)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn store_error(&self, e: impl Into<redb::Error>) -> CacheError {
        CacheError::Store {
            path: self.path.clone(),
            source: Box::new(e.into()),
        }
    }

    /// The cached vector of each key (`None`: not cached, cached with another dimension, or
    /// damaged).
    pub fn get_many(
        &self,
        keys: &[[u8; 32]],
        dim: usize,
    ) -> Result<Vec<Option<Vec<f32>>>, CacheError> {
        Ok(self.lookup(keys, dim)?.0)
    }

    /// As [`EmbeddingCache::get_many`], and how many values were damaged (their checksum does
    /// not match): those count as missing, so they are computed again and replaced.
    pub fn lookup(&self, keys: &[[u8; 32]], dim: usize) -> Result<Lookup, CacheError> {
        guarded(&self.path, || {
            let txn = self.db.begin_read().map_err(|e| self.store_error(e))?;
            let table = match txn.open_table(TABLE) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => {
                    return Ok((vec![None; keys.len()], 0))
                }
                Err(e) => return Err(self.store_error(e)),
            };
            let mut damaged = 0;
            let mut found = Vec::with_capacity(keys.len());
            for k in keys {
                let got = table.get(k.as_slice()).map_err(|e| self.store_error(e))?;
                let vector = match got.map(|v| decode(v.value())) {
                    Some(Ok(v)) => Some(v),
                    Some(Err(_)) => {
                        damaged += 1;
                        None
                    }
                    None => None,
                };
                found.push(vector.filter(|v| v.len() == dim));
            }
            Ok((found, damaged))
        })
    }

    /// Stores vectors in one transaction, durable once this returns.
    pub fn put_many(&self, entries: &[([u8; 32], &[f32])]) -> Result<(), CacheError> {
        guarded(&self.path, || {
            let txn = self.db.begin_write().map_err(|e| self.store_error(e))?;
            {
                let mut table = txn.open_table(TABLE).map_err(|e| self.store_error(e))?;
                for (k, v) in entries {
                    table
                        .insert(k.as_slice(), encode(v).as_slice())
                        .map_err(|e| self.store_error(e))?;
                }
            }
            txn.commit().map_err(|e| self.store_error(e))
        })
    }

    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        guarded(&self.path, || {
            let txn = self.db.begin_read().map_err(|e| self.store_error(e))?;
            let entries = match txn.open_table(TABLE) {
                Ok(t) => t.len().map_err(|e| self.store_error(e))?,
                Err(redb::TableError::TableDoesNotExist(_)) => 0,
                Err(e) => return Err(self.store_error(e)),
            };
            let file_bytes = std::fs::metadata(&self.path).map_or(0, |m| m.len());
            Ok(CacheStats {
                path: self.path.clone(),
                entries,
                file_bytes,
            })
        })
    }

    /// Deletes every entry; returns how many there were.
    pub fn clear(&mut self) -> Result<u64, CacheError> {
        let before = self.stats()?.entries;
        let path = self.path.clone();
        guarded(&path, || {
            let txn = self.db.begin_write().map_err(|e| self.store_error(e))?;
            txn.delete_table(TABLE).map_err(|e| self.store_error(e))?;
            txn.commit().map_err(|e| self.store_error(e))?;
            // Give the freed pages back to the file system.
            let _ = self.db.compact();
            Ok(before)
        })
    }

    /// Checks redb's structures and every entry's checksum.
    pub fn verify(&mut self) -> Result<VerifyReport, CacheError> {
        let path = self.path.clone();
        guarded(&path, || {
            let store_ok = self.db.check_integrity().map_err(|e| self.store_error(e))?;
            let txn = self.db.begin_read().map_err(|e| self.store_error(e))?;
            let (mut entries, mut damaged) = (0u64, 0u64);
            match txn.open_table(TABLE) {
                Ok(table) => {
                    for item in table.iter().map_err(|e| self.store_error(e))? {
                        let (k, v) = item.map_err(|e| self.store_error(e))?;
                        entries += 1;
                        if k.value().len() != 32 || decode(v.value()).is_err() {
                            damaged += 1;
                        }
                    }
                }
                Err(redb::TableError::TableDoesNotExist(_)) => {}
                Err(e) => return Err(self.store_error(e)),
            }
            Ok(VerifyReport {
                entries,
                damaged,
                store_ok,
            })
        })
    }
}

/// Where the rows of an [`embed_through_cache`] call came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct CacheUse {
    /// Found in the cache.
    pub hits: usize,
    /// Computed by the encoder (and stored, when there is a cache).
    pub embedded: usize,
    /// Found damaged in the cache (checksum mismatch), computed again and replaced.
    pub damaged: usize,
    /// Why the cache stopped being used part-way (the rows were embedded without it).
    pub failed: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CachedEmbedError {
    #[error(transparent)]
    Embed(#[from] EmbedError),
}

/// Embeds `texts`, taking what it can from `cache` and storing the rest.
///
/// The rows to compute are ordered by length (then position) and embedded in consecutive
/// chunks of [`COMMIT_ROWS`], each stored in one transaction. A run killed midway has stored
/// a prefix of those chunks; the next run computes the remaining chunks with exactly the same
/// composition, so its vectors are bit-for-bit those of a run that was never interrupted (and
/// so are those of a run without a cache).
pub fn embed_through_cache(
    embedder: &Embedder,
    cache: Option<&EmbeddingCache>,
    texts: &[&str],
    progress: &mut dyn FnMut(usize),
) -> Result<(Array2<f32>, CacheUse), CachedEmbedError> {
    let spec = KeySpec::new(embedder.info());
    let dim = spec.dim;
    let mut out = Array2::<f32>::zeros((texts.len(), dim));
    let mut used = CacheUse::default();
    // A cache that fails is set aside: it never stops the embedding.
    let mut cache = cache;
    let keys: Vec<[u8; 32]> = match cache {
        Some(_) => texts.iter().map(|t| spec.key(t)).collect(),
        None => Vec::new(),
    };
    let mut todo: Vec<usize> = Vec::new();
    match cache.map(|c| c.lookup(&keys, dim)) {
        Some(Ok((found, damaged))) => {
            used.damaged = damaged;
            for (i, got) in found.into_iter().enumerate() {
                match got {
                    Some(v) => {
                        out.row_mut(i).assign(&ndarray::ArrayView1::from(&v[..]));
                        used.hits += 1;
                    }
                    None => todo.push(i),
                }
            }
        }
        Some(Err(e)) => {
            used.failed = Some(with_causes(&e));
            cache = None;
            todo.extend(0..texts.len());
        }
        None => todo.extend(0..texts.len()),
    }
    if used.hits > 0 {
        progress(used.hits);
    }
    todo.sort_by_key(|&i| (texts[i].len(), i));
    for chunk in todo.chunks(COMMIT_ROWS) {
        let chunk_texts: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
        let vectors = embedder.embed(&chunk_texts, progress)?;
        if let Some(c) = cache {
            let entries: Vec<([u8; 32], &[f32])> = chunk
                .iter()
                .zip(vectors.rows())
                .map(|(&i, row)| (keys[i], row.to_slice().expect("rows of a standard matrix")))
                .collect();
            if let Err(e) = c.put_many(&entries) {
                used.failed = Some(with_causes(&e));
                cache = None;
            }
            tracing::debug!(rows = chunk.len(), "cache: committed a chunk");
        }
        for (&i, row) in chunk.iter().zip(vectors.rows()) {
            out.row_mut(i).assign(&row);
        }
    }
    used.embedded = todo.len();
    Ok((out, used))
}

/// An error and its causes on one line.
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut line = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        line.push_str(": ");
        line.push_str(&c.to_string());
        cause = c.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_damage_is_detected() {
        let v = vec![0.5f32, -1.25, 3.0];
        let mut bytes = encode(&v);
        assert_eq!(decode(&bytes).unwrap(), v);
        bytes[7] ^= 1;
        assert_eq!(decode(&bytes), Err("checksum mismatch"));
        assert!(decode(&bytes[..6]).is_err());
    }

    #[test]
    fn put_get_stats_clear_verify() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = EmbeddingCache::open(dir.path()).unwrap();
        let (a, b) = ([1u8; 32], [2u8; 32]);
        assert_eq!(cache.get_many(&[a], 2).unwrap(), vec![None]);
        cache.put_many(&[(a, &[1.0, 2.0][..])]).unwrap();
        assert_eq!(
            cache.get_many(&[a, b], 2).unwrap(),
            vec![Some(vec![1.0, 2.0]), None]
        );
        // Another dimension is a miss, not an error.
        assert_eq!(cache.get_many(&[a], 3).unwrap(), vec![None]);
        assert_eq!(cache.stats().unwrap().entries, 1);
        assert!(cache.verify().unwrap().ok());
        // A second process (here: a second handle) is told the cache is busy.
        assert!(matches!(
            EmbeddingCache::open(dir.path()),
            Err(CacheError::Busy { .. })
        ));
        assert_eq!(cache.clear().unwrap(), 1);
        assert_eq!(cache.stats().unwrap().entries, 0);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[derive(Debug, Clone)]
    enum Op {
        /// Store a batch of (key index, vector) pairs in one transaction.
        Put(Vec<(u8, Vec<f32>)>),
        /// Look up these key indices.
        Get(Vec<u8>),
    }

    fn op() -> impl Strategy<Value = Op> {
        let vector = proptest::collection::vec(-1e6f32..1e6f32, 3);
        prop_oneof![
            proptest::collection::vec((0u8..12, vector), 1..5).prop_map(Op::Put),
            proptest::collection::vec(0u8..12, 1..6).prop_map(Op::Get),
        ]
    }

    fn key(i: u8) -> [u8; 32] {
        let mut k = [0u8; 32];
        k[0] = i;
        k[31] = i.wrapping_mul(7);
        k
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any interleaving of puts and gets reads back what a map would hold, across reopening.
        #[test]
        fn puts_and_gets_agree_with_a_map(ops in proptest::collection::vec(op(), 1..20)) {
            let dir = tempfile::tempdir().unwrap();
            let mut model: HashMap<u8, Vec<f32>> = HashMap::new();
            let mut cache = Some(EmbeddingCache::open(dir.path()).unwrap());
            for (n, op) in ops.iter().enumerate() {
                let c = cache.as_ref().unwrap();
                match op {
                    Op::Put(entries) => {
                        let stored: Vec<([u8; 32], &[f32])> =
                            entries.iter().map(|(i, v)| (key(*i), v.as_slice())).collect();
                        c.put_many(&stored).unwrap();
                        for (i, v) in entries {
                            model.insert(*i, v.clone());
                        }
                    }
                    Op::Get(indices) => {
                        let keys: Vec<[u8; 32]> = indices.iter().map(|&i| key(i)).collect();
                        let (got, damaged) = c.lookup(&keys, 3).unwrap();
                        prop_assert_eq!(damaged, 0);
                        for (i, g) in indices.iter().zip(got) {
                            prop_assert_eq!(g.as_ref(), model.get(i));
                        }
                    }
                }
                if n % 7 == 6 {
                    // Closing and reopening keeps every committed vector.
                    drop(cache.take());
                    cache = Some(EmbeddingCache::open(dir.path()).unwrap());
                }
            }
            let c = cache.as_ref().unwrap();
            prop_assert_eq!(c.stats().unwrap().entries, model.len() as u64);
        }
    }
}
