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
use arrow_array::{ArrayRef, BooleanArray, Int64Array, StringArray};
use arrow_schema::{DataType, Field, Fields};

use crate::sentiment::score::{by_paragraph, ScoredMention};
use crate::store::{self, EmbeddingSet, ExtraColumns, StoreError};
use crate::themes::ThemeResult;
use crate::timeline::RowAxes;

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

/// The run's columns of one paragraph: its theme, whether it is a near-duplicate's copy, its
/// scored mentions, and its document's date, time bin and group.
struct RunColumns<'a> {
    set: &'a EmbeddingSet,
    themes: &'a ThemeResult,
    axes: &'a RowAxes,
    by_paragraph: HashMap<(&'a str, usize), Vec<&'a ScoredMention>>,
    mention_item: Arc<Field>,
}

impl RunColumns<'_> {
    fn label(&self, theme: Option<usize>) -> Option<&str> {
        theme
            .and_then(|t| self.themes.themes.get(t))
            .map(|t| t.label.as_str())
    }

    /// The mentions of rows `start..end`, one list per row.
    fn mentions(&self, start: usize, end: usize) -> ArrayRef {
        let mut list = ListBuilder::new(StructBuilder::from_fields(mention_fields(), 0))
            .with_field(self.mention_item.clone());
        for r in &self.set.rows[start..end] {
            let key = (r.doc_id.as_str(), r.para_index);
            for m in self.by_paragraph.get(&key).into_iter().flatten() {
                append_mention(list.values(), m);
            }
            list.append(true);
        }
        Arc::new(list.finish())
    }
}

fn append_mention(s: &mut StructBuilder, m: &ScoredMention) {
    let text = |s: &mut StructBuilder, i: usize, v: &str| {
        s.field_builder::<StringBuilder>(i)
            .expect("schema")
            .append_value(v)
    };
    let int = |s: &mut StructBuilder, i: usize, v: usize| {
        s.field_builder::<Int64Builder>(i)
            .expect("schema")
            .append_value(v as i64)
    };
    text(s, 0, &m.mention.actor_name);
    text(s, 1, &m.mention.text);
    int(s, 2, m.mention.span.start);
    int(s, 3, m.mention.span.end);
    s.field_builder::<Float32Builder>(4)
        .expect("schema")
        .append_value(m.prediction.score);
    text(s, 5, m.prediction.label.as_str());
    s.append(true);
}

impl ExtraColumns for RunColumns<'_> {
    fn fields(&self) -> Vec<Field> {
        vec![
            Field::new("theme", DataType::Int64, true),
            Field::new("theme_label", DataType::Utf8, true),
            Field::new("duplicate", DataType::Boolean, false),
            Field::new("mentions", DataType::List(self.mention_item.clone()), false),
            Field::new("time", DataType::Utf8, true),
            Field::new("time_bin", DataType::Utf8, true),
            Field::new("group", DataType::Utf8, true),
        ]
    }

    fn columns(&self, start: usize, end: usize) -> io::Result<Vec<ArrayRef>> {
        let assigned = &self.themes.assignments[start..end];
        Ok(vec![
            Arc::new(Int64Array::from_iter(
                assigned.iter().map(|a| a.theme.map(|t| t as i64)),
            )),
            Arc::new(StringArray::from_iter(
                assigned.iter().map(|a| self.label(a.theme)),
            )),
            Arc::new(BooleanArray::from_iter(
                assigned.iter().map(|a| Some(a.duplicate)),
            )),
            self.mentions(start, end),
            strings(&self.axes.time, start, end),
            strings(&self.axes.bin, start, end),
            strings(&self.axes.group, start, end),
        ])
    }
}

/// Rows `start..end` of an optional text column (rows past its end are null).
fn strings(values: &[Option<String>], start: usize, end: usize) -> ArrayRef {
    Arc::new(StringArray::from_iter(
        (start..end).map(|r| values.get(r).and_then(|v| v.as_deref())),
    ))
}

/// Writes the file atomically through the embeddings writer, so it carries every metadata key
/// an embeddings file does. `set` rows, `themes.assignments` and the mentions' paragraphs all
/// refer to the same paragraphs, as do `axes` rows.
pub fn write(
    path: &Path,
    set: &EmbeddingSet,
    themes: &ThemeResult,
    mentions: &[ScoredMention],
    axes: &RowAxes,
) -> Result<(), StoreError> {
    let columns = RunColumns {
        set,
        themes,
        axes,
        by_paragraph: by_paragraph(mentions),
        mention_item: Arc::new(Field::new(
            "item",
            DataType::Struct(mention_fields()),
            false,
        )),
    };
    store::write_parquet_with(path, set, &columns)
}
