//! `.safetensors`: tensor `embeddings` (F32, rows × dim); the `__metadata__` string map holds the
//! [`EmbeddingInfo`] fields one per key and the rows as JSON arrays, so the file is self-contained.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use ::safetensors::tensor::TensorView;
use ::safetensors::{Dtype, SafeTensorError, SafeTensors};
use ndarray::Array2;

use super::{f32_from_le_bytes, f32_le_bytes, EmbeddingInfo, EmbeddingSet, RowMeta, StoreError};
use crate::fsutil::write_atomic;

const FORMAT: &str = ".safetensors embedding";
const TENSOR: &str = "embeddings";

pub(crate) fn write(path: &Path, set: &EmbeddingSet) -> Result<(), StoreError> {
    let invalid = |reason: String| StoreError::InvalidSet {
        path: path.to_path_buf(),
        reason,
    };
    let info = &set.info;
    let mut meta = HashMap::from([
        ("model_id".to_string(), info.model_id.clone()),
        ("pooling".to_string(), info.pooling.clone()),
        ("normalized".to_string(), info.normalized.to_string()),
        (
            "max_seq_length".to_string(),
            info.max_seq_length.to_string(),
        ),
        ("dim".to_string(), info.dim.to_string()),
        ("unit".to_string(), info.unit.clone()),
        (
            "themescope_version".to_string(),
            info.themescope_version.clone(),
        ),
        (
            "doc_ids".to_string(),
            json(set.rows.iter().map(|r| &r.doc_id)),
        ),
        (
            "para_indices".to_string(),
            json(set.rows.iter().map(|r| r.para_index)),
        ),
        ("texts".to_string(), json(set.rows.iter().map(|r| &r.text))),
    ]);
    // The map holds only strings: an unknown revision is an absent key.
    if let Some(rev) = &info.revision {
        meta.insert("revision".to_string(), rev.clone());
    }

    let bytes = f32_le_bytes(&set.vectors);
    let view = TensorView::new(Dtype::F32, set.vectors.shape().to_vec(), &bytes)
        .map_err(|e| invalid(e.to_string()))?;
    let buffer = ::safetensors::serialize([(TENSOR, view)], Some(meta)).map_err(|e| match e {
        SafeTensorError::HeaderTooLarge => invalid(
            "the row texts exceed the 100 MB safetensors header limit; write .parquet instead"
                .to_string(),
        ),
        e => invalid(e.to_string()),
    })?;
    write_atomic(path, |f| f.write_all(&buffer)).map_err(|e| StoreError::write(path, e))
}

fn json<T: serde::Serialize>(items: impl Iterator<Item = T>) -> String {
    // Serialising strings and integers cannot fail.
    serde_json::to_string(&items.collect::<Vec<T>>()).unwrap_or_default()
}

pub(crate) fn read(path: &Path) -> Result<EmbeddingSet, StoreError> {
    let bad = |reason: String| StoreError::malformed(path, FORMAT, reason);
    let bytes = std::fs::read(path).map_err(|e| StoreError::read(path, e))?;
    let tensors = SafeTensors::deserialize(&bytes).map_err(|e| bad(e.to_string()))?;
    let (_, metadata) = SafeTensors::read_metadata(&bytes).map_err(|e| bad(e.to_string()))?;

    let view = tensors.tensor(TENSOR).map_err(|_| {
        bad(format!(
            "it has no tensor '{TENSOR}' (found: {})",
            tensors.names().join(", ")
        ))
    })?;
    if view.dtype() != Dtype::F32 {
        return Err(bad(format!(
            "tensor '{TENSOR}' has dtype {:?}, expected F32",
            view.dtype()
        )));
    }
    let (n, dim) = match view.shape() {
        [n, dim] => (*n, *dim),
        shape => {
            return Err(bad(format!(
                "tensor '{TENSOR}' has shape {shape:?}, expected [rows, dim]"
            )))
        }
    };
    let vectors = Array2::from_shape_vec((n, dim), f32_from_le_bytes(view.data()))
        .map_err(|e| bad(e.to_string()))?;

    let meta = metadata
        .metadata()
        .as_ref()
        .ok_or_else(|| bad("it has no __metadata__".to_string()))?;
    let get = |key: &str| {
        meta.get(key)
            .ok_or_else(|| bad(format!("__metadata__ lacks '{key}'")))
    };
    let parse = |key: &str| -> Result<_, StoreError> {
        let v = get(key)?;
        v.parse().map_err(|_| {
            bad(format!(
                "__metadata__ '{key}' is {v:?}, expected an integer"
            ))
        })
    };
    let normalized = match get("normalized")?.as_str() {
        "true" => true,
        "false" => false,
        v => {
            return Err(bad(format!(
                "__metadata__ 'normalized' is {v:?}, expected true or false"
            )))
        }
    };
    let info = EmbeddingInfo {
        model_id: get("model_id")?.clone(),
        revision: meta.get("revision").cloned(),
        pooling: get("pooling")?.clone(),
        normalized,
        max_seq_length: parse("max_seq_length")?,
        dim: parse("dim")?,
        unit: get("unit")?.clone(),
        themescope_version: get("themescope_version")?.clone(),
    };
    if info.dim != dim {
        return Err(bad(format!(
            "tensor '{TENSOR}' has {dim} columns but __metadata__ says dim is {}",
            info.dim
        )));
    }

    let array = |key: &str| -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(get(key)?)
            .map_err(|e| bad(format!("__metadata__ '{key}' is not a JSON array: {e}")))
    };
    let doc_ids: Vec<String> = from_value(array("doc_ids")?, "doc_ids", &bad)?;
    let para_indices: Vec<usize> = from_value(array("para_indices")?, "para_indices", &bad)?;
    let texts: Vec<String> = from_value(array("texts")?, "texts", &bad)?;
    for len in [doc_ids.len(), para_indices.len(), texts.len()] {
        if len != n {
            return Err(StoreError::RowCountMismatch {
                path: path.to_path_buf(),
                vectors: n,
                rows: len,
            });
        }
    }
    let rows = doc_ids
        .into_iter()
        .zip(para_indices)
        .zip(texts)
        .map(|((doc_id, para_index), text)| RowMeta {
            doc_id,
            para_index,
            text,
        })
        .collect();
    Ok(EmbeddingSet {
        info,
        rows,
        vectors,
    })
}

fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    key: &str,
    bad: &dyn Fn(String) -> StoreError,
) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(|e| bad(format!("__metadata__ '{key}': {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil;

    #[test]
    fn roundtrip_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.safetensors");
        let mut set = testutil::set(17, 9);
        write(&path, &set).unwrap();
        testutil::assert_same(&set, &read(&path).unwrap());

        set.info.revision = None;
        write(&path, &set).unwrap();
        testutil::assert_same(&set, &read(&path).unwrap());
    }

    #[test]
    fn empty_set_roundtrips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.safetensors");
        let set = testutil::set(0, 4);
        write(&path, &set).unwrap();
        testutil::assert_same(&set, &read(&path).unwrap());
    }

    fn raw(
        path: &Path,
        name: &str,
        dtype: Dtype,
        shape: Vec<usize>,
        meta: HashMap<String, String>,
    ) {
        let n: usize = shape.iter().product::<usize>() * dtype.bitsize() / 8;
        let data = vec![0u8; n];
        let view = TensorView::new(dtype, shape, &data).unwrap();
        let buf = ::safetensors::serialize([(name, view)], Some(meta)).unwrap();
        std::fs::write(path, buf).unwrap();
    }

    #[test]
    fn refuses_wrong_tensors_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.safetensors");
        let good = {
            write(&path, &testutil::set(2, 3)).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let (_, m) = SafeTensors::read_metadata(&bytes).unwrap();
            m.metadata().clone().unwrap()
        };
        let check = |name: &str, dtype: Dtype, shape: Vec<usize>, meta, want: &str| {
            raw(&path, name, dtype, shape, meta);
            let msg = read(&path).unwrap_err().to_string();
            assert!(
                msg.contains(want) && msg.contains("e.safetensors"),
                "{want}: {msg}"
            );
        };
        check(
            "other",
            Dtype::F32,
            vec![2, 3],
            good.clone(),
            "no tensor 'embeddings'",
        );
        check(TENSOR, Dtype::F16, vec![2, 3], good.clone(), "dtype F16");
        check(
            TENSOR,
            Dtype::F32,
            vec![6],
            good.clone(),
            "expected [rows, dim]",
        );
        check(TENSOR, Dtype::F32, vec![2, 4], good.clone(), "dim is 3");
        check(
            TENSOR,
            Dtype::F32,
            vec![3, 3],
            good.clone(),
            "3 vectors but 2 row records",
        );
        check(
            TENSOR,
            Dtype::F32,
            vec![2, 3],
            HashMap::new(),
            "__metadata__ lacks",
        );
        let mut bad_texts = good.clone();
        bad_texts.insert("texts".into(), "[1, 2]".into());
        check(TENSOR, Dtype::F32, vec![2, 3], bad_texts, "'texts'");
        let mut bad_dim = good;
        bad_dim.insert("dim".into(), "three".into());
        check(
            TENSOR,
            Dtype::F32,
            vec![2, 3],
            bad_dim,
            "expected an integer",
        );
        std::fs::write(&path, b"garbage").unwrap();
        let err = read(&path).unwrap_err();
        assert!(matches!(err, StoreError::Malformed { .. }), "{err}");
    }
}
