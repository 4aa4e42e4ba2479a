//! A folder of embedding files read as one set: the Parquet parts that `themescope.ray`'s
//! `embed(parts=...)` writes, one per batch, or any files [`super::write`] wrote with the same
//! model. Files are read in name order; every one must carry the same model information.

use std::path::{Path, PathBuf};

use ndarray::{concatenate, Array2, Axis};

use super::{EmbeddingInfo, EmbeddingSet, Format, StoreError};

/// The embedding files directly inside `dir`, in name order (sidecars and other files skipped).
fn part_paths(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let entries = std::fs::read_dir(dir).map_err(|e| StoreError::read(dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| StoreError::read(dir, e))?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_file() && !hidden && Format::from_path(&path).is_ok() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// What two parts must share to be one set (not the version of themescope that wrote them).
fn same_model(a: &EmbeddingInfo, b: &EmbeddingInfo) -> bool {
    (
        &a.model_id,
        &a.revision,
        &a.pooling,
        a.normalized,
        a.dim,
        &a.unit,
    ) == (
        &b.model_id,
        &b.revision,
        &b.pooling,
        b.normalized,
        b.dim,
        &b.unit,
    )
}

/// Reads every embedding file in `dir` and joins them, rows in file order.
pub(crate) fn read_folder(dir: &Path) -> Result<EmbeddingSet, StoreError> {
    let paths = part_paths(dir)?;
    let Some(first_path) = paths.first() else {
        return Err(StoreError::EmptyFolder {
            path: dir.to_path_buf(),
        });
    };
    let first = super::read(first_path)?;
    let mut rows = first.rows;
    let mut blocks: Vec<Array2<f32>> = vec![first.vectors];
    for path in &paths[1..] {
        let part = super::read(path)?;
        if !same_model(&first.info, &part.info) {
            return Err(StoreError::PartsDiffer {
                first: first_path.clone(),
                other: path.clone(),
            });
        }
        rows.extend(part.rows);
        blocks.push(part.vectors);
    }
    let views: Vec<_> = blocks.iter().map(Array2::view).collect();
    let vectors = concatenate(Axis(0), &views).map_err(|e| {
        StoreError::malformed(
            dir,
            "folder of embedding",
            format!("parts do not join: {e}"),
        )
    })?;
    Ok(EmbeddingSet {
        info: first.info,
        rows,
        vectors,
    })
}
