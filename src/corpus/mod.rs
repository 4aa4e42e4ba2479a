//! Reading and cleaning inputs into documents made of paragraphs.
//!
//! Inputs are files (`.txt`, `.md`, `.html`, `.jsonl`, `.csv`), folders (read recursively) or
//! `-` for standard input. Each file, or each record of a `.jsonl`/`.csv` file, becomes a
//! [`Document`]: its cleaned text, split into [`Paragraph`]s with sentence spans.

mod boilerplate;
mod entities;
mod error;
mod html;
mod html_depth;
mod input;
mod lines;
mod markdown;
mod parse;
mod records;
mod repeated;
mod split;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

pub use error::CorpusError;
pub use parse::{parse_text, MAX_PARAGRAPH_BYTES};
pub use repeated::RepeatedParagraph;
pub(crate) use split::sentence_spans;

/// What becomes one row of the embedding matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// One row per paragraph (blank-line separated, or line separated when a document has no blank lines).
    #[default]
    Paragraph,
    /// One row per document (a file, or a record of a `.jsonl`/`.csv` file).
    Document,
    /// One row per sentence.
    Sentence,
    /// One row per paragraph, but a paragraph longer than the encoder's maximum length one row
    /// per window of whole sentences that fits (the rows of one paragraph share its index).
    /// The corpus gives paragraphs; the embedding step cuts them (`cache::embed_units`).
    Window,
}

impl Unit {
    /// The unit's name, as in embedding files (`"paragraph"`, `"document"`, `"sentence"`,
    /// `"window"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Paragraph => "paragraph",
            Unit::Document => "document",
            Unit::Sentence => "sentence",
            Unit::Window => "window",
        }
    }
}

/// One piece of text that becomes a row: a paragraph, a sentence or a whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct TextUnit {
    /// Id of the document it comes from.
    pub doc_id: String,
    /// Index of the unit inside its document (paragraph, sentence or 0 for a whole document).
    pub index: usize,
    /// Byte span inside the document's cleaned text.
    pub span: Range<usize>,
    /// The text itself.
    pub text: String,
}

/// How inputs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Field (`.jsonl`) or column (`.csv`) that holds the text.
    pub text_field: String,
    /// Drop short boilerplate paragraphs: copyright lines, photo credits, share/follow footers.
    pub strip_boilerplate: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            text_field: "text".to_string(),
            strip_boilerplate: true,
        }
    }
}

/// Input formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text (`.txt`, stdin, and files with an unknown extension named explicitly).
    Text,
    /// Markdown (`.md`, `.markdown`).
    Markdown,
    /// HTML (`.html`, `.htm`).
    Html,
    /// JSON Lines, one document per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// CSV with a header row, one document per row (`.csv`).
    Csv,
}

impl Format {
    /// The format a file's extension names (case-insensitive), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// A paragraph of a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Paragraph {
    /// Position among the document's kept paragraphs, from 0.
    pub index: usize,
    /// Byte span in [`Document::text`], trimmed.
    pub span: Range<usize>,
    /// Byte spans of its sentences in [`Document::text`].
    pub sentences: Vec<Range<usize>>,
    /// Bytes at its end left out, past [`MAX_PARAGRAPH_BYTES`] (0 for nearly every paragraph).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub clipped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A file, or one record of a `.jsonl`/`.csv` file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// Unique id: a path relative to the input argument, a record's `id`, or `<stem>:<line>`.
    pub id: String,
    /// The file it was read from, or `-` for standard input.
    pub source: String,
    /// The record's `title`, a markdown file's first heading or an HTML `<title>`.
    pub title: Option<String>,
    /// Cleaned text: markup removed (and boilerplate, for files); a record's text verbatim but
    /// for HTML character references (`&quot;`, ` #39;`: `entities.rs`), which are decoded.
    pub text: String,
    /// A record's other fields, a markdown file's front matter (`key: value` lines), an HTML
    /// page's dates and site name (`<meta>`, `<time datetime>`; see `html.rs`).
    pub metadata: Map<String, Value>,
    /// The paragraphs, boilerplate left out.
    pub paragraphs: Vec<Paragraph>,
}

impl Document {
    /// A document whose text is kept verbatim and split into paragraphs, as for a record.
    /// A record's document (a `.jsonl` or `.csv` row, a row of another engine): its text with
    /// character references decoded (`&amp;`, ` #36;`), then split as [`Document::from_text`].
    pub fn from_record_text(id: impl Into<String>, text: &str, opts: &ReadOptions) -> Document {
        Document::from_text(id, entities::decode(text).into_owned(), opts)
    }

    pub fn from_text(
        id: impl Into<String>,
        text: impl Into<String>,
        opts: &ReadOptions,
    ) -> Document {
        let text = text.into();
        let paragraphs = parse::paragraphs_at(&text, parse::kept_spans(&text, &[], opts));
        Document {
            id: id.into(),
            source: String::new(),
            title: None,
            text,
            metadata: Map::new(),
            paragraphs,
        }
    }

    /// The text of one of this document's paragraphs.
    pub fn paragraph_text(&self, p: &Paragraph) -> &str {
        self.text.get(p.span.clone()).unwrap_or("")
    }

    /// The texts of all its paragraphs, in order.
    pub fn paragraph_texts(&self) -> Vec<&str> {
        self.paragraphs
            .iter()
            .map(|p| self.paragraph_text(p))
            .collect()
    }

    /// Spans of all sentences, in order, across paragraphs.
    pub fn sentence_spans(&self) -> impl Iterator<Item = &Range<usize>> {
        self.paragraphs.iter().flat_map(|p| &p.sentences)
    }
}

/// An input file a lenient read left out, and why (one line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkippedInput {
    pub path: String,
    pub reason: String,
}

/// The documents read from all inputs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Corpus {
    pub documents: Vec<Document>,
    /// Paragraphs dropped because they recur in several documents (bylines, footers), most
    /// widespread first; empty when boilerplate is kept.
    #[serde(default)]
    pub boilerplate: Vec<RepeatedParagraph>,
}

impl Corpus {
    /// Reads files, folders and `-` (standard input, as plain text) in the order given.
    pub fn read(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Corpus, CorpusError> {
        Self::read_inner(inputs, opts, None)
    }

    /// Like [`Corpus::read`], but a file that cannot be read (binary, not UTF-8, unreadable,
    /// a bad record, no text) is left out and listed instead of failing the whole read. A
    /// missing input argument and a corpus with no text left are still errors.
    pub fn read_lenient(
        inputs: &[PathBuf],
        opts: &ReadOptions,
    ) -> Result<(Corpus, Vec<SkippedInput>), CorpusError> {
        let mut skipped = Vec::new();
        let corpus = Self::read_inner(inputs, opts, Some(&mut skipped))?;
        Ok((corpus, skipped))
    }

    fn read_inner(
        inputs: &[PathBuf],
        opts: &ReadOptions,
        mut skipped: Option<&mut Vec<SkippedInput>>,
    ) -> Result<Corpus, CorpusError> {
        let mut documents = Vec::new();
        for input in inputs {
            if input.as_os_str() == "-" {
                let text = input::read_stdin()?;
                let origin = parse::Origin {
                    id: "stdin",
                    source: "-",
                    path: Path::new(input::STDIN_NAME),
                };
                documents.extend(parse::parse_plain(&origin, text, opts));
                continue;
            }
            let mut passed_over = Vec::new();
            let files = input::expand_noting(input, &mut passed_over)?;
            if let Some(list) = skipped.as_deref_mut() {
                list.extend(passed_over.into_iter().map(|(path, reason)| SkippedInput {
                    path: path.to_string_lossy().into_owned(),
                    reason,
                }));
            }
            for file in files {
                let source = file.path.to_string_lossy();
                let origin = parse::Origin {
                    id: &file.id,
                    source: &source,
                    path: &file.path,
                };
                let parsed = match file.format {
                    // Streamed, so that one huge line costs no more than what is kept of it.
                    Format::Text => input::read_text(&file.path)
                        .map(|text| parse::parse_plain(&origin, text, opts)),
                    format => input::read_file(&file.path)
                        .and_then(|text| parse::parse(&origin, &text, format, opts)),
                };
                match (parsed, skipped.as_deref_mut()) {
                    (Ok(docs), Some(list)) if docs.is_empty() => list.push(SkippedInput {
                        path: source.into_owned(),
                        reason: "empty: no text in it".to_string(),
                    }),
                    (Ok(docs), _) => documents.extend(docs),
                    (Err(e), Some(list)) => list.push(SkippedInput {
                        path: source.into_owned(),
                        reason: e.to_string(),
                    }),
                    (Err(e), None) => return Err(e),
                }
            }
        }
        if documents.is_empty() {
            let names: Vec<_> = inputs.iter().map(|p| p.to_string_lossy()).collect();
            let inputs = if names.is_empty() {
                "(none)".to_string()
            } else {
                names.join(", ")
            };
            let reasons: Vec<String> = skipped
                .iter()
                .flat_map(|list| list.iter())
                .map(|k| format!("{}: {}", k.path, k.reason))
                .collect();
            let skipped = match reasons.is_empty() {
                true => String::new(),
                false => format!(" (skipped {})", reasons.join("; ")),
            };
            return Err(CorpusError::EmptyCorpus { inputs, skipped });
        }
        let mut corpus = Corpus::from_documents(documents);
        if opts.strip_boilerplate {
            corpus.boilerplate = repeated::drop_repeated(&mut corpus.documents);
        }
        Ok(corpus)
    }

    /// A corpus of given documents; repeated ids get a `#2`, `#3`... suffix, since ids key the
    /// rows of every later stage.
    pub fn from_documents(mut documents: Vec<Document>) -> Corpus {
        let mut seen = HashSet::new();
        for doc in &mut documents {
            if seen.insert(doc.id.clone()) {
                continue;
            }
            let unique = (2..)
                .map(|n| format!("{}#{n}", doc.id))
                .find(|candidate| !seen.contains(candidate))
                .unwrap_or_default();
            tracing::warn!(
                id = doc.id,
                renamed = unique,
                source = doc.source,
                "repeated document id"
            );
            seen.insert(unique.clone());
            doc.id = unique;
        }
        Corpus {
            documents,
            boilerplate: Vec::new(),
        }
    }

    /// The rows to embed: one per paragraph, document or sentence. A document unit is the whole
    /// text (span `0..len`); sentence indexes count across the document.
    pub fn units(&self, unit: Unit) -> Vec<TextUnit> {
        let mut units = Vec::new();
        for doc in &self.documents {
            let make = |index: usize, span: &Range<usize>| TextUnit {
                doc_id: doc.id.clone(),
                index,
                span: span.clone(),
                text: doc.text.get(span.clone()).unwrap_or("").to_string(),
            };
            match unit {
                Unit::Document => units.push(make(0, &(0..doc.text.len()))),
                // Windows are cut from paragraphs where the encoder is known.
                Unit::Paragraph | Unit::Window => {
                    units.extend(doc.paragraphs.iter().map(|p| make(p.index, &p.span)))
                }
                Unit::Sentence => {
                    units.extend(doc.sentence_spans().enumerate().map(|(i, s)| make(i, s)))
                }
            }
        }
        units
    }

    /// Number of paragraphs over all documents.
    /// How many paragraphs were longer than [`MAX_PARAGRAPH_BYTES`], and how many bytes at
    /// their ends were left out; `None` when none were.
    pub fn clipped(&self) -> Option<(usize, usize)> {
        let clipped = self
            .documents
            .iter()
            .flat_map(|d| &d.paragraphs)
            .filter(|p| p.clipped > 0);
        let (count, bytes) = clipped.fold((0, 0), |(n, b), p| (n + 1, b + p.clipped));
        (count > 0).then_some((count, bytes))
    }

    /// The line that says what [`Corpus::clipped`] left out, if anything was.
    pub fn clipped_notice(&self) -> Option<String> {
        let (count, bytes) = self.clipped()?;
        Some(format!(
            "{count} paragraph(s) longer than {} KiB: the {bytes} bytes past that were not read \
             (separate paragraphs with blank lines or line breaks to have them all read)",
            MAX_PARAGRAPH_BYTES / 1024
        ))
    }

    pub fn paragraph_count(&self) -> usize {
        self.documents.iter().map(|d| d.paragraphs.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    #[test]
    fn units_cover_paragraphs_documents_and_sentences() {
        let docs = parse_text("a.txt", "One. Two.\n\nThree.", Format::Text, &opts()).unwrap();
        let corpus = Corpus::from_documents(docs);
        assert_eq!(corpus.paragraph_count(), 2);
        let unit = |u| {
            corpus
                .units(u)
                .into_iter()
                .map(|t| (t.index, t.span, t.text))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            unit(Unit::Document),
            [(0, 0..17, "One. Two.\n\nThree.".to_string())]
        );
        assert_eq!(
            unit(Unit::Paragraph),
            [
                (0, 0..9, "One. Two.".to_string()),
                (1, 11..17, "Three.".to_string())
            ]
        );
        assert_eq!(
            unit(Unit::Sentence),
            [
                (0, 0..4, "One.".to_string()),
                (1, 5..9, "Two.".to_string()),
                (2, 11..17, "Three.".to_string())
            ]
        );
        assert!(corpus
            .units(Unit::Sentence)
            .iter()
            .all(|u| u.doc_id == "a.txt"));
    }
    #[test]
    fn repeated_ids_are_made_unique() {
        let doc = |id: &str| Document::from_text(id, "x", &opts());
        let corpus = Corpus::from_documents(vec![doc("a"), doc("a"), doc("a#2"), doc("a")]);
        let ids: Vec<_> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "a#2", "a#2#2", "a#3"]);
    }
    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("a/B.HTM")), Some(Format::Html));
        assert_eq!(
            Format::from_path(Path::new("x.markdown")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::from_path(Path::new("x.pdf")), None);
        assert_eq!(Format::from_path(Path::new("README")), None);
    }
    #[test]
    fn read_files_and_folders_with_ids_relative_to_the_argument() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("docs/sub")).unwrap();
        fs::write(root.join("docs/b.txt"), "Bee.").unwrap();
        fs::write(root.join("docs/sub/a.md"), "# Ay\n\nText.").unwrap();
        fs::write(root.join("docs/skip.bin"), "ignored").unwrap();
        fs::write(root.join("single.log"), "Log line.").unwrap();
        fs::write(root.join("recs.jsonl"), "{\"id\": 3, \"text\": \"R.\"}\n").unwrap();
        let inputs = [
            root.join("docs"),
            root.join("single.log"),
            root.join("recs.jsonl"),
        ];
        let corpus = Corpus::read(&inputs, &opts()).unwrap();
        let ids: Vec<_> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["b.txt", "sub/a.md", "single.log", "3"]);
        assert_eq!(corpus.documents[1].title.as_deref(), Some("Ay"));
        assert_eq!(
            corpus.documents[1].source,
            root.join("docs/sub/a.md").to_string_lossy()
        );
        assert_eq!(corpus.documents[2].text, "Log line.");
    }
    #[test]
    fn read_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("x.txt");
        fs::write(&bin, b"ab\x00cd").unwrap();
        let err = Corpus::read(std::slice::from_ref(&bin), &opts()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} looks like a binary file, not text; pass .txt/.md/.html/.jsonl/.csv files",
                bin.display()
            )
        );
        let latin1 = dir.path().join("l.txt");
        fs::write(&latin1, b"abc\xe9").unwrap();
        let err = Corpus::read(std::slice::from_ref(&latin1), &opts()).unwrap_err();
        assert!(
            matches!(err, CorpusError::InvalidUtf8 { offset: 3, .. }),
            "{err}"
        );
        let missing = dir.path().join("missing.txt");
        let err = Corpus::read(std::slice::from_ref(&missing), &opts()).unwrap_err();
        assert!(
            matches!(err, CorpusError::NotFound { ref path } if *path == missing),
            "{err}"
        );
        let bad = dir.path().join("bad.jsonl");
        fs::write(&bad, "{\"text\": \"ok\"}\n\n{\"title\": \"no text\"}\n").unwrap();
        let err = Corpus::read(std::slice::from_ref(&bad), &opts()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("{} line 3: no `text` field", bad.display())),
            "{err}"
        );
    }
    #[test]
    fn empty_inputs_are_an_empty_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.md");
        fs::write(&a, "\u{feff}  \n\n").unwrap();
        fs::write(&b, "![only an image](x.png)\n").unwrap();
        let err = Corpus::read(&[a.clone(), b.clone()], &opts()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "no text found in the inputs: {}, {}; pass files that contain text",
                a.display(),
                b.display()
            )
        );
    }
}
