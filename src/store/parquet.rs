//! `.parquet`: one row per vector with columns `doc_id` (Utf8), `para_index` (Int64, what pandas
//! uses for integers), `text` (Utf8) and `embedding` (FixedSizeList<Float32, dim>, no nulls).
//! The [`EmbeddingInfo`] goes in the file's key-value metadata, as JSON under `themescope` (what
//! we read back) and field by field under its own keys (easy to see in any tool).

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::Compression;
use ::parquet::file::metadata::KeyValue;
use ::parquet::file::properties::WriterProperties;
use ::parquet::schema::types::ColumnPath;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, Float32Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use ndarray::Array2;

use super::{EmbeddingInfo, EmbeddingSet, RowMeta, StoreError};
use crate::fsutil::write_atomic;

const FORMAT: &str = ".parquet embedding";
/// Key of the JSON-encoded [`EmbeddingInfo`] in the key-value metadata.
const INFO_KEY: &str = "themescope";
/// Rows per row group (and per in-memory batch while writing): small enough that readers can
/// stream, large enough that snappy pages compress well.
const ROW_GROUP: usize = 4096;

/// Columns a caller adds to an embeddings file, between `text` and `embedding` (the run's
/// `paragraphs.parquet`: theme, mentions...), built one row group at a time.
pub trait ExtraColumns {
    /// The added fields, in order.
    fn fields(&self) -> Vec<Field>;
    /// The added columns for rows `start..end`, in the order of [`ExtraColumns::fields`].
    fn columns(&self, start: usize, end: usize) -> io::Result<Vec<ArrayRef>>;
}

/// No added columns: a plain embeddings file.
struct NoExtra;

impl ExtraColumns for NoExtra {
    fn fields(&self) -> Vec<Field> {
        Vec::new()
    }
    fn columns(&self, _: usize, _: usize) -> io::Result<Vec<ArrayRef>> {
        Ok(Vec::new())
    }
}

pub(crate) fn write(path: &Path, set: &EmbeddingSet) -> Result<(), StoreError> {
    write_with(path, set, &NoExtra)
}

/// The key-value metadata: the [`EmbeddingInfo`] as JSON under [`INFO_KEY`], and field by
/// field under its own keys.
fn info_metadata(info: &EmbeddingInfo) -> Result<Vec<KeyValue>, serde_json::Error> {
    let mut kv = vec![KeyValue::new(
        INFO_KEY.to_string(),
        serde_json::to_string(info)?,
    )];
    if let serde_json::Value::Object(fields) = serde_json::to_value(info)? {
        for (k, v) in fields {
            let v = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            kv.push(KeyValue::new(k, v));
        }
    }
    Ok(kv)
}

/// Writes an embeddings file with `extra` columns, atomically.
pub fn write_with(
    path: &Path,
    set: &EmbeddingSet,
    extra: &dyn ExtraColumns,
) -> Result<(), StoreError> {
    let invalid = |reason: String| StoreError::InvalidSet {
        path: path.to_path_buf(),
        reason,
    };
    let dim = i32::try_from(set.info.dim).map_err(|e| invalid(e.to_string()))?;
    let item = Arc::new(Field::new("item", DataType::Float32, false));
    let kv = info_metadata(&set.info).map_err(|e| invalid(e.to_string()))?;
    // The same keys also go in the Arrow schema: pyarrow shows only the embedded Arrow schema's
    // metadata as `table.schema.metadata`, while DuckDB and others read the file key-values.
    let schema_meta = kv
        .iter()
        .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
        .collect();
    let mut fields = vec![
        Field::new("doc_id", DataType::Utf8, false),
        Field::new("para_index", DataType::Int64, false),
        Field::new("text", DataType::Utf8, false),
    ];
    fields.extend(extra.fields());
    let embedding = DataType::FixedSizeList(item.clone(), dim);
    fields.push(Field::new("embedding", embedding, false));
    let schema = Arc::new(Schema::new_with_metadata(fields, schema_meta));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_size(ROW_GROUP)
        .set_key_value_metadata(Some(kv))
        // Dictionaries pay off only for the repetitive id columns, not for texts or floats.
        .set_dictionary_enabled(false)
        .set_column_dictionary_enabled(ColumnPath::from("doc_id"), true)
        .set_column_dictionary_enabled(ColumnPath::from("para_index"), true)
        .build();

    let mut para_indices = Vec::with_capacity(set.rows.len());
    for row in &set.rows {
        para_indices.push(i64::try_from(row.para_index).map_err(|e| invalid(e.to_string()))?);
    }

    write_atomic(path, |file| {
        let mut writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(io::Error::other)?;
        for start in (0..set.rows.len()).step_by(ROW_GROUP) {
            let end = (start + ROW_GROUP).min(set.rows.len());
            let rows = &set.rows[start..end];
            let vectors = set.vectors.slice(ndarray::s![start..end, ..]);
            let mut columns: Vec<ArrayRef> = vec![
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| &r.doc_id),
                )),
                Arc::new(Int64Array::from(para_indices[start..end].to_vec())),
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.text))),
            ];
            columns.extend(extra.columns(start, end)?);
            columns.push(Arc::new(
                FixedSizeListArray::try_new(
                    item.clone(),
                    dim,
                    Arc::new(Float32Array::from_iter_values(vectors.iter().copied())),
                    None,
                )
                .map_err(io::Error::other)?,
            ));
            let batch = RecordBatch::try_new(schema.clone(), columns).map_err(io::Error::other)?;
            writer.write(&batch).map_err(io::Error::other)?;
        }
        writer.close().map_err(io::Error::other)?;
        Ok(())
    })
    .map_err(|e| StoreError::write(path, e))
}

/// Reads a Parquet embeddings file. The parquet crate panics on some malformed files (a footer
/// declaring billions of entries): that is a malformed file too.
pub(crate) fn read(path: &Path) -> Result<EmbeddingSet, StoreError> {
    crate::guard::without_panics(|| read_unguarded(path)).unwrap_or_else(|detail| {
        Err(StoreError::malformed(
            path,
            FORMAT,
            format!("the Parquet reader failed: {detail}"),
        ))
    })
}

fn read_unguarded(path: &Path) -> Result<EmbeddingSet, StoreError> {
    let bad = |reason: String| StoreError::malformed(path, FORMAT, reason);
    let mut file = File::open(path).map_err(|e| StoreError::read(path, e))?;
    super::parquet_footer::check(&mut file).map_err(bad)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| bad(e.to_string()))?;

    let info_json = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == INFO_KEY))
        .and_then(|kv| kv.value.clone())
        .ok_or_else(|| bad(format!("its metadata has no '{INFO_KEY}' key")))?;
    let info: EmbeddingInfo =
        serde_json::from_str(&info_json).map_err(|e| bad(format!("metadata '{INFO_KEY}': {e}")))?;
    let dim = info.dim;

    let schema = builder.schema().clone();
    for name in ["doc_id", "para_index", "text", "embedding"] {
        if schema.field_with_name(name).is_err() {
            return Err(bad(format!("it has no column '{name}'")));
        }
    }

    let reader = builder.build().map_err(|e| bad(e.to_string()))?;
    let mut rows = Vec::new();
    let mut values: Vec<f32> = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| bad(e.to_string()))?;
        let column = |name: &str| -> &ArrayRef {
            // Presence was checked against the schema above.
            batch.column(batch.schema().index_of(name).unwrap_or_default())
        };
        let doc_ids = strings(column("doc_id"), "doc_id").map_err(bad)?;
        let para_indices = indices(column("para_index")).map_err(bad)?;
        let texts = strings(column("text"), "text").map_err(bad)?;
        append_vectors(column("embedding"), dim, &mut values).map_err(bad)?;
        rows.extend(doc_ids.into_iter().zip(para_indices).zip(texts).map(
            |((doc_id, para_index), text)| RowMeta {
                doc_id,
                para_index,
                text,
            },
        ));
    }
    let vectors = Array2::from_shape_vec((rows.len(), dim), values).map_err(|e| {
        bad(format!(
            "embedding values do not form {} × {dim}: {e}",
            rows.len()
        ))
    })?;
    Ok(EmbeddingSet {
        info,
        rows,
        vectors,
    })
}

/// A non-null string column (Utf8, LargeUtf8 or Utf8View, as polars or DuckDB may write).
fn strings(col: &ArrayRef, name: &str) -> Result<Vec<String>, String> {
    if col.null_count() > 0 {
        return Err(format!("column '{name}' has nulls"));
    }
    let out = if let Some(a) = col.as_string_opt::<i32>() {
        a.iter()
            .map(|s| s.unwrap_or_default().to_string())
            .collect()
    } else if let Some(a) = col.as_string_opt::<i64>() {
        a.iter()
            .map(|s| s.unwrap_or_default().to_string())
            .collect()
    } else if let Some(a) = col.as_string_view_opt() {
        a.iter()
            .map(|s| s.unwrap_or_default().to_string())
            .collect()
    } else {
        return Err(format!(
            "column '{name}' has type {}, expected Utf8",
            col.data_type()
        ));
    };
    Ok(out)
}

/// The `para_index` column: Int64 as we write it, or another integer type another tool chose.
fn indices(col: &ArrayRef) -> Result<Vec<usize>, String> {
    if col.null_count() > 0 {
        return Err("column 'para_index' has nulls".to_string());
    }
    fn conv<T: TryInto<usize> + Copy>(vals: &[T]) -> Result<Vec<usize>, String> {
        vals.iter()
            .map(|&v| {
                v.try_into()
                    .map_err(|_| "column 'para_index' has negative values".to_string())
            })
            .collect()
    }
    match col.data_type() {
        DataType::Int64 => conv(col.as_primitive::<Int64Type>().values()),
        DataType::Int32 => conv(col.as_primitive::<Int32Type>().values()),
        DataType::UInt32 => conv(col.as_primitive::<UInt32Type>().values()),
        DataType::UInt64 => conv(col.as_primitive::<UInt64Type>().values()),
        other => Err(format!(
            "column 'para_index' has type {other}, expected Int64"
        )),
    }
}

/// Appends the batch's vectors, checking type, length and the absence of nulls.
fn append_vectors(col: &ArrayRef, dim: usize, out: &mut Vec<f32>) -> Result<(), String> {
    let expected = || format!("expected FixedSizeList<Float32, {dim}>");
    let list = col.as_fixed_size_list_opt().ok_or_else(|| {
        format!(
            "column 'embedding' has type {}, {}",
            col.data_type(),
            expected()
        )
    })?;
    if list.value_length() as usize != dim {
        return Err(format!(
            "column 'embedding' holds vectors of {} values but metadata says dim is {dim}",
            list.value_length()
        ));
    }
    let floats = list
        .values()
        .as_primitive_opt::<Float32Type>()
        .ok_or_else(|| {
            format!(
                "column 'embedding' has items of type {}, {}",
                list.value_type(),
                expected()
            )
        })?;
    if list.null_count() > 0 || floats.null_count() > 0 {
        return Err("column 'embedding' has nulls".to_string());
    }
    if list.is_empty() {
        return Ok(());
    }
    // Child values are relative to the (possibly sliced) list.
    let start = list.value_offset(0) as usize;
    out.extend_from_slice(&floats.values()[start..start + list.len() * dim]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil;
    use ::parquet::file::reader::{FileReader, SerializedFileReader};

    #[test]
    fn roundtrip_bit_for_bit_across_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let set = testutil::set(ROW_GROUP + 5, 3);
        write(&path, &set).unwrap();
        testutil::assert_same(&set, &read(&path).unwrap());

        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.num_row_groups(), 2);
        let kv = meta.file_metadata().key_value_metadata().unwrap();
        let get = |k: &str| {
            kv.iter()
                .find(|kv| kv.key == k)
                .and_then(|kv| kv.value.clone())
        };
        assert_eq!(get("model_id").unwrap(), set.info.model_id);
        assert_eq!(get("normalized").unwrap(), "true");
        assert_eq!(get("dim").unwrap(), "3");
        assert!(get("themescope").unwrap().starts_with('{'));
        assert_eq!(
            meta.row_group(0).column(0).compression(),
            Compression::SNAPPY
        );
    }

    #[test]
    fn empty_set_and_missing_revision_roundtrip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let mut set = testutil::set(0, 6);
        set.info.revision = None;
        write(&path, &set).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.vectors.dim(), (0, 6));
        testutil::assert_same(&set, &back);
    }

    fn write_batch(path: &Path, batch: RecordBatch, kv: Option<Vec<KeyValue>>) {
        let props = WriterProperties::builder()
            .set_key_value_metadata(kv)
            .build();
        let mut w =
            ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    #[test]
    fn refuses_foreign_or_broken_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let info = serde_json::to_string(&testutil::info(2)).unwrap();
        let kv = || Some(vec![KeyValue::new(INFO_KEY.to_string(), info.clone())]);
        let ids: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
        let idx: ArrayRef = Arc::new(Int64Array::from(vec![0]));
        let f64_list: ArrayRef = Arc::new(FixedSizeListArray::from_iter_primitive::<
            arrow_array::types::Float64Type,
            _,
            _,
        >(vec![Some(vec![Some(1.0), Some(2.0)])], 2));
        let f32_list_3: ArrayRef = Arc::new(FixedSizeListArray::from_iter_primitive::<
            Float32Type,
            _,
            _,
        >(
            vec![Some(vec![Some(1.0), Some(2.0), Some(3.0)])], 3
        ));
        let batch = |emb: &ArrayRef| {
            RecordBatch::try_from_iter([
                ("doc_id", ids.clone()),
                ("para_index", idx.clone()),
                ("text", ids.clone()),
                ("embedding", emb.clone()),
            ])
            .unwrap()
        };

        let cases = [
            (batch(&f64_list), None, "no 'themescope' key"),
            (batch(&f64_list), kv(), "items of type Float64"),
            (batch(&f32_list_3), kv(), "vectors of 3 values"),
            (
                RecordBatch::try_from_iter([("doc_id", ids.clone())]).unwrap(),
                kv(),
                "no column 'para_index'",
            ),
        ];
        for (b, kv, want) in cases {
            write_batch(&path, b, kv);
            let msg = read(&path).unwrap_err().to_string();
            assert!(
                msg.contains(want) && msg.contains("e.parquet"),
                "{want}: {msg}"
            );
        }
        std::fs::write(&path, b"PAR1 but not really").unwrap();
        let err = read(&path).unwrap_err();
        assert!(matches!(err, StoreError::Malformed { .. }), "{err}");
    }
}
