//! Labelled data: NewsMTSC (one sentence per line with its targets) for training and evaluating
//! the head, and PerSenT (one paragraph per line, the author's attitude toward a person) for
//! paragraph-level evaluation.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::sentiment::features::TargetRef;
use crate::sentiment::{Label, SentimentError};

/// One target in a sentence with its gold label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledTarget {
    /// The sentence.
    pub text: String,
    /// The mention's byte span in `text`.
    pub span: Range<usize>,
    /// The mention's character span in `text` (as the file gives it, end exclusive).
    pub chars: Range<usize>,
    pub label: Label,
    /// 1-based line of the file it came from.
    pub line: usize,
}

/// A NewsMTSC file read into targets.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub path: PathBuf,
    /// sha256 of the file's bytes, hex.
    pub sha256: String,
    pub targets: Vec<LabelledTarget>,
    /// Number of sentences (lines) the targets come from.
    pub sentences: usize,
}

impl Dataset {
    /// Each target as the scorers take it: its sentence and its span there.
    pub fn target_refs(&self) -> Vec<TargetRef<'_>> {
        self.targets
            .iter()
            .map(|t| TargetRef {
                text: &t.text,
                span: t.span.clone(),
            })
            .collect()
    }
}

/// One PerSenT paragraph: the author's attitude toward `target` in `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersentParagraph {
    pub doc_index: i64,
    pub para_idx: i64,
    pub target: String,
    pub text: String,
    pub label: Label,
    /// The article's title, when the line has one.
    pub title: Option<String>,
    pub line: usize,
}

/// The layouts of labelled data themescope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    NewsMtsc,
    Persent,
}

/// Tells NewsMTSC from PerSenT by the fields of the first record.
pub fn detect_format(path: &Path) -> Result<DataFormat, SentimentError> {
    let text = std::fs::read_to_string(path).map_err(|e| SentimentError::read(path, e))?;
    let Some((i, line)) = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) else {
        return Err(SentimentError::EmptyData {
            path: path.to_path_buf(),
        });
    };
    let value = parse_line(path, i + 1, line)?;
    if value.get("sentence_normalized").is_some() && value.get("targets").is_some() {
        Ok(DataFormat::NewsMtsc)
    } else if value.get("target_entity").is_some() && value.get("text").is_some() {
        Ok(DataFormat::Persent)
    } else {
        Err(SentimentError::data(
            path,
            i + 1,
            "neither NewsMTSC (`sentence_normalized`, `targets`) nor PerSenT (`target_entity`, `text`, `label`): pass a file in one of those formats",
        ))
    }
}

/// sha256 of bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_line(path: &Path, line: usize, text: &str) -> Result<Value, SentimentError> {
    serde_json::from_str(text)
        .map_err(|e| SentimentError::data(path, line, format!("not valid JSON ({e})")))
}

/// The byte span of characters `from..to` (end exclusive) of `text`, if both lie inside it.
pub fn char_span_to_bytes(text: &str, from: usize, to: usize) -> Option<Range<usize>> {
    if from > to {
        return None;
    }
    let mut starts = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let start = starts.nth(from)?;
    let end = if to == from {
        start
    } else {
        starts.nth(to - from - 1)?
    };
    Some(start..end)
}

/// Reads a NewsMTSC `.jsonl` file: every target with its byte span checked against its mention.
pub fn read_newsmtsc(path: &Path) -> Result<Dataset, SentimentError> {
    let bytes = std::fs::read(path).map_err(|e| SentimentError::read(path, e))?;
    let sha256 = sha256_hex(&bytes);
    let text = String::from_utf8(bytes).map_err(|e| {
        SentimentError::data(
            path,
            1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            "invalid UTF-8: save the file as UTF-8",
        )
    })?;
    let mut targets = Vec::new();
    let mut sentences = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value = parse_line(path, line, raw)?;
        let bad = |reason: String| SentimentError::data(path, line, reason);
        let sentence = value
            .get("sentence_normalized")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                bad("no `sentence_normalized` string: this is not a NewsMTSC line".into())
            })?;
        let list = value
            .get("targets")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no `targets` array: this is not a NewsMTSC line".into()))?;
        sentences += 1;
        for (k, t) in list.iter().enumerate() {
            let int = |key: &str| {
                t.get(key)
                    .and_then(Value::as_u64)
                    .map(|v| v as usize)
                    .ok_or_else(|| bad(format!("target {} has no integer `{key}`", k + 1)))
            };
            let (from, to) = (int("from")?, int("to")?);
            let mention = t
                .get("mention")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("target {} has no `mention` string", k + 1)))?;
            let polarity = t
                .get("polarity")
                .and_then(Value::as_f64)
                .ok_or_else(|| bad(format!("target {} has no numeric `polarity`", k + 1)))?;
            let label = if polarity == 2.0 {
                Label::Negative
            } else if polarity == 4.0 {
                Label::Neutral
            } else if polarity == 6.0 {
                Label::Positive
            } else {
                return Err(bad(format!(
                    "target {} has polarity {polarity}: expected 2.0 (negative), 4.0 (neutral) or 6.0 (positive)",
                    k + 1
                )));
            };
            let span = char_span_to_bytes(sentence, from, to)
                .filter(|s| &sentence[s.clone()] == mention)
                .ok_or_else(|| {
                    let found: String = sentence.chars().skip(from).take(to.saturating_sub(from)).collect();
                    bad(format!(
                        "target {} `{mention}`: characters {from}..{to} of the sentence read `{found}`, not the mention; fix `from`/`to` (character offsets, `to` exclusive)",
                        k + 1
                    ))
                })?;
            targets.push(LabelledTarget {
                text: sentence.to_string(),
                span,
                chars: from..to,
                label,
                line,
            });
        }
    }
    if targets.is_empty() {
        return Err(SentimentError::EmptyData {
            path: path.to_path_buf(),
        });
    }
    Ok(Dataset {
        path: path.to_path_buf(),
        sha256,
        targets,
        sentences,
    })
}

/// Reads a PerSenT `.jsonl` file (`target_entity`, `text`, `label` per line).
pub fn read_persent(path: &Path) -> Result<Vec<PersentParagraph>, SentimentError> {
    let text = std::fs::read_to_string(path).map_err(|e| SentimentError::read(path, e))?;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value = parse_line(path, line, raw)?;
        let field = |key: &str| {
            value.get(key).and_then(Value::as_str).ok_or_else(|| {
                SentimentError::data(
                    path,
                    line,
                    format!("no `{key}` string: this is not a PerSenT line"),
                )
            })
        };
        let label_text = field("label")?;
        let label = Label::parse(label_text).ok_or_else(|| {
            SentimentError::data(
                path,
                line,
                format!("label `{label_text}`: expected Negative, Neutral or Positive"),
            )
        })?;
        out.push(PersentParagraph {
            doc_index: value.get("doc_index").and_then(Value::as_i64).unwrap_or(-1),
            para_idx: value.get("para_idx").and_then(Value::as_i64).unwrap_or(-1),
            target: field("target_entity")?.to_string(),
            text: field("text")?.to_string(),
            label,
            title: value
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string),
            line,
        });
    }
    if out.is_empty() {
        return Err(SentimentError::EmptyData {
            path: path.to_path_buf(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_offsets_become_byte_offsets() {
        let s = "“He” met Müller.";
        let span = char_span_to_bytes(s, 9, 15).unwrap();
        assert_eq!(&s[span], "Müller");
        assert_eq!(char_span_to_bytes(s, 1, 3).map(|r| &s[r]), Some("He"));
        assert_eq!(char_span_to_bytes(s, 16, 16), Some(s.len()..s.len()));
        assert_eq!(char_span_to_bytes(s, 10, 17), None);
        assert_eq!(char_span_to_bytes(s, 3, 2), None);
    }

    #[test]
    fn newsmtsc_lines_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        std::fs::write(
            &p,
            concat!(
                r#"{"sentence_normalized": "“Ann” praised Bob.", "targets": [{"from": 1, "to": 4, "mention": "Ann", "polarity": 6.0}, {"from": 14, "to": 17, "mention": "Bob", "polarity": 4.0}]}"#,
                "\n\n",
                r#"{"sentence_normalized": "Cy lost.", "targets": [{"from": 0, "to": 2, "mention": "Cy", "polarity": 2.0}]}"#,
                "\n"
            ),
        )
        .unwrap();
        let d = read_newsmtsc(&p).unwrap();
        assert_eq!(d.sentences, 2);
        let got: Vec<_> = d
            .targets
            .iter()
            .map(|t| (&t.text[t.span.clone()], t.label, t.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Ann", Label::Positive, 1),
                ("Bob", Label::Neutral, 1),
                ("Cy", Label::Negative, 3)
            ]
        );
        assert_eq!(detect_format(&p).unwrap(), DataFormat::NewsMtsc);

        std::fs::write(
            &p,
            r#"{"sentence_normalized": "Ann met Bob.", "targets": [{"from": 0, "to": 3, "mention": "Ann", "polarity": 4.0}, {"from": 7, "to": 10, "mention": "Bob", "polarity": 4.0}]}"#,
        )
        .unwrap();
        let err = read_newsmtsc(&p).unwrap_err().to_string();
        assert!(err.contains("line 1: target 2 `Bob`"), "{err}");
        assert!(err.contains("read ` Bo`"), "{err}");
    }
}
