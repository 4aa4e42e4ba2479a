//! `paragraphs.parquet`: one row per paragraph with its theme, its actor mentions with scores,
//! and its embedding; the model's details sit in the file metadata under the same keys as an
//! embeddings file from `themescope embed`, so `themescope themes --embeddings` reads it too.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    Float32Builder, Int64Builder, ListBuilder, StringBuilder, StructBuilder,
};
use arrow_array::{
    ArrayRef, FixedSizeListArray, Float32Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Fields, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::fsutil::write_atomic;
use crate::sentiment::score::ScoredMention;
use crate::store::EmbeddingSet;
use crate::themes::ThemeResult;

/// Rows per row group.
const ROW_GROUP: usize = 4096;

fn mention_fields() -> Fields {
    Fields::from(vec![
        Field::new("actor", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
        Field::new("score", DataType::Float32, false),
        Field::new("label", DataType::Utf8, false),
    ])
}

/// Writes the file atomically. `set` rows, `themes.assignments` and the mentions' paragraphs
/// all refer to the same paragraphs.
pub fn write(
    path: &Path,
    set: &EmbeddingSet,
    themes: &ThemeResult,
    mentions: &[ScoredMention],
) -> io::Result<()> {
    let dim = i32::try_from(set.info.dim).map_err(io::Error::other)?;
    let item = Arc::new(Field::new("item", DataType::Float32, false));
    let mention_item = Arc::new(Field::new(
        "item",
        DataType::Struct(mention_fields()),
        false,
    ));
    let info = serde_json::to_string(&set.info).map_err(io::Error::other)?;
    let mut meta = vec![
        ("themescope".to_string(), info),
        ("model_id".to_string(), set.info.model_id.clone()),
        (
            "themescope_version".to_string(),
            set.info.themescope_version.clone(),
        ),
    ];
    if let Some(rev) = &set.info.revision {
        meta.push(("revision".to_string(), rev.clone()));
    }
    let schema = Arc::new(Schema::new_with_metadata(
        vec![
            Field::new("doc_id", DataType::Utf8, false),
            Field::new("para_index", DataType::Int64, false),
            Field::new("text", DataType::Utf8, false),
            Field::new("theme", DataType::Int64, true),
            Field::new("theme_label", DataType::Utf8, true),
            Field::new("duplicate", DataType::Boolean, false),
            Field::new("mentions", DataType::List(mention_item.clone()), false),
            Field::new(
                "embedding",
                DataType::FixedSizeList(item.clone(), dim),
                false,
            ),
        ],
        meta.iter().cloned().collect(),
    ));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_size(ROW_GROUP)
        .set_key_value_metadata(Some(
            meta.into_iter().map(|(k, v)| KeyValue::new(k, v)).collect(),
        ))
        .build();

    let mut by_paragraph: HashMap<(&str, usize), Vec<&ScoredMention>> = HashMap::new();
    for m in mentions {
        by_paragraph
            .entry((m.mention.doc_id.as_str(), m.mention.paragraph))
            .or_default()
            .push(m);
    }
    let label = |t: Option<usize>| {
        t.and_then(|t| themes.themes.get(t))
            .map(|t| t.label.as_str())
    };

    write_atomic(path, |file| {
        let mut writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(io::Error::other)?;
        for start in (0..set.rows.len()).step_by(ROW_GROUP) {
            let end = (start + ROW_GROUP).min(set.rows.len());
            let rows = &set.rows[start..end];
            let assigned = &themes.assignments[start..end];
            let mut list = ListBuilder::new(StructBuilder::from_fields(mention_fields(), 0))
                .with_field(mention_item.clone());
            for r in rows {
                if let Some(ms) = by_paragraph.get(&(r.doc_id.as_str(), r.para_index)) {
                    let s = list.values();
                    for m in ms {
                        s.field_builder::<StringBuilder>(0)
                            .expect("schema")
                            .append_value(&m.mention.actor_name);
                        s.field_builder::<StringBuilder>(1)
                            .expect("schema")
                            .append_value(&m.mention.text);
                        s.field_builder::<Int64Builder>(2)
                            .expect("schema")
                            .append_value(m.mention.span.start as i64);
                        s.field_builder::<Int64Builder>(3)
                            .expect("schema")
                            .append_value(m.mention.span.end as i64);
                        s.field_builder::<Float32Builder>(4)
                            .expect("schema")
                            .append_value(m.prediction.score);
                        s.field_builder::<StringBuilder>(5)
                            .expect("schema")
                            .append_value(m.prediction.label.as_str());
                        s.append(true);
                    }
                }
                list.append(true);
            }
            let vectors = set.vectors.slice(ndarray::s![start..end, ..]);
            let columns: Vec<ArrayRef> = vec![
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| &r.doc_id),
                )),
                Arc::new(Int64Array::from_iter_values(
                    rows.iter().map(|r| r.para_index as i64),
                )),
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.text))),
                Arc::new(Int64Array::from_iter(
                    assigned.iter().map(|a| a.theme.map(|t| t as i64)),
                )),
                Arc::new(StringArray::from_iter(
                    assigned.iter().map(|a| label(a.theme)),
                )),
                Arc::new(arrow_array::BooleanArray::from_iter(
                    assigned.iter().map(|a| Some(a.duplicate)),
                )),
                Arc::new(list.finish()),
                Arc::new(
                    FixedSizeListArray::try_new(
                        item.clone(),
                        dim,
                        Arc::new(Float32Array::from_iter_values(vectors.iter().copied())),
                        None,
                    )
                    .map_err(io::Error::other)?,
                ),
            ];
            let batch = RecordBatch::try_new(schema.clone(), columns).map_err(io::Error::other)?;
            writer.write(&batch).map_err(io::Error::other)?;
        }
        writer.close().map_err(io::Error::other)?;
        Ok(())
    })
}
