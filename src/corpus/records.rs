//! `.jsonl` and `.csv` files: one document per line or row, with a text field, an optional `id`
//! and `title`, and every other field kept as metadata.

use std::path::Path;

use serde_json::{Map, Value};

use super::CorpusError;

/// One record of a `.jsonl` or `.csv` file, its text verbatim.
#[derive(Debug)]
pub(crate) struct Record {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    pub metadata: Map<String, Value>,
}

/// The id used when a record has none: `<file stem>:<line number>`.
fn fallback_id(path: &Path, line: u64) -> String {
    let stem = path
        .file_stem()
        .map_or_else(|| path.to_string_lossy(), |s| s.to_string_lossy());
    format!("{stem}:{line}")
}

fn bad(path: &Path, line: u64, reason: impl Into<String>) -> CorpusError {
    CorpusError::BadRecord {
        path: path.to_path_buf(),
        line,
        // Messages stay on one line whatever the parser says.
        reason: reason.into().replace(['\r', '\n'], " "),
    }
}

/// Records of a JSON Lines text; blank lines are skipped.
pub(crate) fn jsonl(path: &Path, text: &str, text_field: &str) -> Result<Vec<Record>, CorpusError> {
    let mut records = Vec::new();
    for (number, line) in (1u64..).zip(text.split('\n')) {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            bad(
                path,
                number,
                format!("not valid JSON ({e}); write one JSON object per line"),
            )
        })?;
        let Value::Object(mut fields) = value else {
            return Err(bad(
                path,
                number,
                "not a JSON object; write one object with a text field per line",
            ));
        };
        let text = match fields.remove(text_field) {
            Some(Value::String(s)) => s,
            Some(_) => {
                return Err(bad(
                    path,
                    number,
                    format!("field `{text_field}` is not a string; store the text as a JSON string"),
                ))
            }
            None => {
                return Err(bad(
                    path,
                    number,
                    format!(
                        "no `{text_field}` field; add it or name the text field with option `text_field`"
                    ),
                ))
            }
        };
        // Ids may be strings or numbers; anything else stays in the metadata.
        let id = match fields.remove("id") {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                fields.insert("id".into(), other);
                None
            }
            None => None,
        };
        let title = match fields.remove("title") {
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                fields.insert("title".into(), other);
                None
            }
            None => None,
        };
        records.push(Record {
            id: id.unwrap_or_else(|| fallback_id(path, number)),
            title,
            text,
            metadata: fields,
        });
    }
    Ok(records)
}

/// Records of a CSV text with a header row.
pub(crate) fn csv(path: &Path, text: &str, text_field: &str) -> Result<Vec<Record>, CorpusError> {
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line());
        bad(
            path,
            line,
            format!("{e}; check the quoting and the number of fields"),
        )
    };
    if let Some(line) = unterminated_quote(text) {
        return Err(bad(
            path,
            line,
            "a quoted field opened here is never closed, so the rest of the file would be read \
             as one field; close the quote (a quote inside a quoted field is written twice: \"\")"
                .to_string(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().map_err(csv_error)?.clone();
    let Some(text_column) = headers.iter().position(|h| h == text_field) else {
        return Err(CorpusError::MissingColumn {
            path: path.to_path_buf(),
            field: text_field.to_string(),
            columns: headers.iter().collect::<Vec<_>>().join(", "),
        });
    };
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(csv_error)?;
        let line = row.position().map_or(0, |p| p.line());
        let mut record = Record {
            id: String::new(),
            title: None,
            text: String::new(),
            metadata: Map::new(),
        };
        let mut id = None;
        for (column, (name, value)) in headers.iter().zip(row.iter()).enumerate() {
            match name {
                _ if column == text_column => record.text = value.to_string(),
                "id" if !value.is_empty() => id = Some(value.to_string()),
                "title" if !value.is_empty() => record.title = Some(value.to_string()),
                _ => {
                    record
                        .metadata
                        .insert(name.to_string(), Value::String(value.to_string()));
                }
            }
        }
        record.id = id.unwrap_or_else(|| fallback_id(path, line));
        records.push(record);
    }
    Ok(records)
}

/// The line where a quoted field opens and never closes, read as the csv reader does: a quote
/// is special only at the start of a field, and `""` inside a quoted field is a quote.
fn unterminated_quote(text: &str) -> Option<u64> {
    let (mut line, mut opened_at): (u64, u64) = (1, 0);
    let (mut in_quotes, mut field_start) = (false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                }
                '"' => in_quotes = false,
                '\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if field_start => (in_quotes, opened_at) = (true, line),
            ',' => field_start = true,
            '\n' => (field_start, line) = (true, line + 1),
            _ => field_start = false,
        }
    }
    in_quotes.then_some(opened_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_reads_text_id_title_and_metadata() {
        let text = "{\"id\": \"a\", \"title\": \"T\", \"text\": \"Hello.\", \"lang\": \"en\"}\n\n\
                    {\"id\": 7, \"text\": \"  Spaced\\n\\ntext \"}\r\n{\"text\": \"No id.\"}\n";
        let records = jsonl(Path::new("dir/news.jsonl"), text, "text").unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].id, "a");
        assert_eq!(records[0].title.as_deref(), Some("T"));
        assert_eq!(records[0].metadata.get("lang"), Some(&Value::from("en")));
        assert!(!records[0].metadata.contains_key("text"));
        assert_eq!(records[1].id, "7");
        assert_eq!(records[1].text, "  Spaced\n\ntext ");
        // Line 4: the blank line 2 still counts.
        assert_eq!(records[2].id, "news:4");
        assert_eq!(records[2].title, None);
    }

    #[test]
    fn jsonl_uses_the_configured_text_field() {
        let records = jsonl(
            Path::new("x.jsonl"),
            "{\"body\": \"B\", \"text\": 1}",
            "body",
        )
        .unwrap();
        assert_eq!(records[0].text, "B");
        assert_eq!(records[0].metadata.get("text"), Some(&Value::from(1)));
    }

    #[test]
    fn jsonl_errors_name_file_and_line() {
        let path = Path::new("data/in.jsonl");
        let err = jsonl(path, "{\"text\": \"ok\"}\n{not json\n", "text").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("data/in.jsonl line 2: not valid JSON"),
            "{msg}"
        );
        let err = jsonl(path, "\n{\"body\": \"x\"}", "text").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("data/in.jsonl line 2: no `text` field"),
            "{err}"
        );
        let err = jsonl(path, "{\"text\": null}", "text").unwrap_err();
        assert!(
            err.to_string()
                .contains("line 1: field `text` is not a string"),
            "{err}"
        );
        let err = jsonl(path, "[1, 2]", "text").unwrap_err();
        assert!(
            err.to_string().contains("line 1: not a JSON object"),
            "{err}"
        );
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn csv_reads_rows_with_header() {
        let text = "id,title,text,source\n1,First,\"Hello, world.\nSecond line.\",wire\n,,Plain,\n";
        let records = csv(Path::new("feed.csv"), text, "text").unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].id, "1");
        assert_eq!(records[0].title.as_deref(), Some("First"));
        assert_eq!(records[0].text, "Hello, world.\nSecond line.");
        assert_eq!(
            records[0].metadata.get("source"),
            Some(&Value::from("wire"))
        );
        // The second record starts on line 4, after the quoted line break.
        assert_eq!(records[1].id, "feed:4");
        assert_eq!(records[1].title, None);
    }

    #[test]
    fn csv_without_text_column_lists_the_columns() {
        let err = csv(Path::new("feed.csv"), "id,body\n1,x\n", "text").unwrap_err();
        assert_eq!(
            err.to_string(),
            "feed.csv has no `text` column (columns: id, body); name the text column with option `text_field`"
        );
    }

    #[test]
    fn csv_with_an_unterminated_quote_names_the_line_where_it_opens() {
        let text = "id,text\n1,\"fine, quoted\"\n2,\"never closed\n3,lost\n4,lost too\n";
        let err = csv(Path::new("feed.csv"), text, "text")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("feed.csv line 3: a quoted field"), "{err}");
        let ok = "id,text\n1,\"say \"\"hi\"\"\nthere\"\n2,5\" screen\n";
        assert_eq!(csv(Path::new("f.csv"), ok, "text").unwrap().len(), 2);
    }

    #[test]
    fn csv_row_with_wrong_field_count_names_the_line() {
        let err = csv(Path::new("feed.csv"), "id,text\n1,ok\n2,x,extra\n", "text").unwrap_err();
        assert!(err.to_string().starts_with("feed.csv line 3: "), "{err}");
        assert!(!err.to_string().contains('\n'));
    }
}
