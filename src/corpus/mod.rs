//! Reading and cleaning inputs into documents made of paragraphs.
//!
//! Inputs are files (`.txt`, `.md`, `.html`, `.jsonl`, `.csv`), folders (read recursively) or
//! `-` for standard input. Each file, or each record of a `.jsonl`/`.csv` file, becomes a
//! [`Document`]: its cleaned text, split into [`Paragraph`]s with sentence spans.

mod boilerplate;
mod error;
mod html;
mod input;
mod markdown;
mod records;
mod split;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

pub use error::CorpusError;

/// What becomes one row of the embedding matrix.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// One row per paragraph (blank-line separated, or line separated when a document has no blank lines).
    #[default]
    Paragraph,
    /// One row per document (a file, or a record of a `.jsonl`/`.csv` file).
    Document,
    /// One row per sentence.
    Sentence,
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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
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
    /// Cleaned text: markup removed (and boilerplate, for files); a record's text verbatim.
    pub text: String,
    /// A record's other fields.
    pub metadata: Map<String, Value>,
    /// The paragraphs, boilerplate left out.
    pub paragraphs: Vec<Paragraph>,
}

impl Document {
    /// A document whose text is kept verbatim and split into paragraphs, as for a record.
    pub fn from_text(
        id: impl Into<String>,
        text: impl Into<String>,
        opts: &ReadOptions,
    ) -> Document {
        let text = text.into();
        let paragraphs = paragraphs_at(&text, kept_spans(&text, opts));
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

    /// Spans of all sentences, in order, across paragraphs.
    pub fn sentence_spans(&self) -> impl Iterator<Item = &Range<usize>> {
        self.paragraphs.iter().flat_map(|p| &p.sentences)
    }
}

/// Paragraph spans of `text`, boilerplate left out when asked.
fn kept_spans(text: &str, opts: &ReadOptions) -> Vec<Range<usize>> {
    let spans = split::paragraph_spans(text);
    if !opts.strip_boilerplate {
        return spans;
    }
    let keep = boilerplate::keep_mask(text, &spans);
    spans
        .into_iter()
        .zip(keep)
        .filter_map(|(span, keep)| keep.then_some(span))
        .collect()
}

fn paragraphs_at(text: &str, spans: Vec<Range<usize>>) -> Vec<Paragraph> {
    spans
        .into_iter()
        .enumerate()
        .map(|(index, span)| Paragraph {
            index,
            sentences: split::sentence_spans(text, span.clone()),
            span,
        })
        .collect()
}

/// Where a text came from: the id it gives its document, and the source it names.
struct Origin<'a> {
    id: &'a str,
    source: &'a str,
    /// Named in error messages (and gives records their fallback id).
    path: &'a Path,
}

/// A file's document. Its text is rebuilt from the kept paragraphs, so the whole-document unit
/// carries no boilerplate either; the separator between paragraphs stays the one the file used.
fn file_document(
    origin: &Origin<'_>,
    title: Option<String>,
    raw: &str,
    opts: &ReadOptions,
) -> Option<Document> {
    let separator = if split::has_blank_separator(raw) {
        "\n\n"
    } else {
        "\n"
    };
    let mut text = String::with_capacity(raw.len());
    let mut spans = Vec::new();
    for span in kept_spans(raw, opts) {
        if !text.is_empty() {
            text.push_str(separator);
        }
        let start = text.len();
        text.push_str(&raw[span]);
        spans.push(start..text.len());
    }
    if text.is_empty() {
        tracing::warn!(source = origin.source, "skipping a document without text");
        return None;
    }
    Some(Document {
        id: origin.id.to_string(),
        source: origin.source.to_string(),
        title,
        paragraphs: paragraphs_at(&text, spans),
        text,
        metadata: Map::new(),
    })
}

fn record_document(
    origin: &Origin<'_>,
    record: records::Record,
    opts: &ReadOptions,
) -> Option<Document> {
    if record.text.trim().is_empty() {
        tracing::warn!(
            source = origin.source,
            id = record.id,
            "skipping a record without text"
        );
        return None;
    }
    let mut doc = Document::from_text(record.id, record.text, opts);
    doc.source = origin.source.to_string();
    doc.title = record.title;
    doc.metadata = record.metadata;
    Some(doc)
}

fn parse(
    origin: &Origin<'_>,
    text: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<Document>, CorpusError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match format {
        Format::Text => {
            return Ok(file_document(origin, None, text, opts)
                .into_iter()
                .collect())
        }
        Format::Markdown => {
            let (clean, title) = markdown::to_text(text);
            return Ok(file_document(origin, title, &clean, opts)
                .into_iter()
                .collect());
        }
        Format::Html => {
            let (clean, title) = html::to_text(text);
            return Ok(file_document(origin, title, &clean, opts)
                .into_iter()
                .collect());
        }
        Format::Jsonl => records::jsonl(origin.path, text, &opts.text_field)?,
        Format::Csv => records::csv(origin.path, text, &opts.text_field)?,
    };
    Ok(records
        .into_iter()
        .filter_map(|r| record_document(origin, r, opts))
        .collect())
}

/// Parses `text` as `format` without touching the file system. `name` is the document id of a
/// text/markdown/HTML input, the source of every document, and the file named in errors.
pub fn parse_text(
    name: &str,
    text: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<Document>, CorpusError> {
    let origin = Origin {
        id: name,
        source: name,
        path: Path::new(name),
    };
    parse(&origin, text, format, opts)
}

/// The documents read from all inputs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Corpus {
    pub documents: Vec<Document>,
}

impl Corpus {
    /// Reads files, folders and `-` (standard input, as plain text) in the order given.
    pub fn read(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Corpus, CorpusError> {
        let mut documents = Vec::new();
        for input in inputs {
            if input.as_os_str() == "-" {
                let text = input::read_stdin()?;
                let origin = Origin {
                    id: "stdin",
                    source: "-",
                    path: Path::new(input::STDIN_NAME),
                };
                documents.extend(parse(&origin, &text, Format::Text, opts)?);
                continue;
            }
            for file in input::expand(input)? {
                let text = input::read_file(&file.path)?;
                let source = file.path.to_string_lossy();
                let origin = Origin {
                    id: &file.id,
                    source: &source,
                    path: &file.path,
                };
                documents.extend(parse(&origin, &text, file.format, opts)?);
            }
        }
        if documents.is_empty() {
            let names: Vec<_> = inputs.iter().map(|p| p.to_string_lossy()).collect();
            let inputs = if names.is_empty() {
                "(none)".to_string()
            } else {
                names.join(", ")
            };
            return Err(CorpusError::EmptyCorpus { inputs });
        }
        Ok(Corpus::from_documents(documents))
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
        Corpus { documents }
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
                Unit::Paragraph => {
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

    fn paragraph_texts(doc: &Document) -> Vec<&str> {
        doc.paragraphs
            .iter()
            .map(|p| doc.paragraph_text(p))
            .collect()
    }

    #[test]
    fn text_document_has_paragraphs_sentences_and_no_boilerplate() {
        let text =
            "\u{feff}Title line\n\nFirst sentence. Second one!\n\nPhoto: AP\n\n© 2024 Acme\n";
        let docs = parse_text("a.txt", text, Format::Text, &opts()).unwrap();
        assert_eq!(docs.len(), 1);
        let doc = &docs[0];
        assert_eq!(
            (doc.id.as_str(), doc.source.as_str(), doc.title.as_deref()),
            ("a.txt", "a.txt", None)
        );
        assert_eq!(doc.text, "Title line\n\nFirst sentence. Second one!");
        assert_eq!(
            paragraph_texts(doc),
            ["Title line", "First sentence. Second one!"]
        );
        assert_eq!(doc.paragraphs[1].index, 1);
        let sentences: Vec<_> = doc.paragraphs[1]
            .sentences
            .iter()
            .map(|s| &doc.text[s.clone()])
            .collect();
        assert_eq!(sentences, ["First sentence.", "Second one!"]);
    }

    #[test]
    fn boilerplate_stripping_can_be_switched_off() {
        let text = "Body text.\n\nPhoto: AP\n\n© 2024 Acme";
        let off = ReadOptions {
            strip_boilerplate: false,
            ..opts()
        };
        let docs = parse_text("a.txt", text, Format::Text, &off).unwrap();
        assert_eq!(docs[0].text, text);
        assert_eq!(docs[0].paragraphs.len(), 3);
    }

    #[test]
    fn line_separated_text_keeps_its_separator() {
        let docs = parse_text("a.txt", "One.\nPhoto: AP\nTwo.\n", Format::Text, &opts()).unwrap();
        assert_eq!(docs[0].text, "One.\nTwo.");
        assert_eq!(paragraph_texts(&docs[0]), ["One.", "Two."]);
    }

    #[test]
    fn markdown_and_html_give_titles() {
        let md = parse_text(
            "n.md",
            "# Big *news*\n\nBody [here](http://x).\n",
            Format::Markdown,
            &opts(),
        )
        .unwrap();
        assert_eq!(md[0].title.as_deref(), Some("Big news"));
        assert_eq!(md[0].text, "Big news\n\nBody here.");
        let html =
            "<title>Page</title><body><nav>Menu</nav><p>Para one.</p><p>Para two.</p></body>";
        let html = parse_text("n.html", html, Format::Html, &opts()).unwrap();
        assert_eq!(html[0].title.as_deref(), Some("Page"));
        assert_eq!(paragraph_texts(&html[0]), ["Para one.", "Para two."]);
    }

    #[test]
    fn record_text_is_verbatim_even_when_boilerplate_is_stripped() {
        let jsonl = "{\"id\":\"r1\",\"text\":\" Body.\\n\\n© 2024 Acme \",\"lang\":\"en\"}\n{\"text\":\"  \"}\n";
        let docs = parse_text("d/recs.jsonl", jsonl, Format::Jsonl, &opts()).unwrap();
        assert_eq!(docs.len(), 1, "the blank record is skipped");
        assert_eq!(docs[0].text, " Body.\n\n© 2024 Acme ");
        assert_eq!(paragraph_texts(&docs[0]), ["Body."]);
        assert_eq!(docs[0].metadata.get("lang"), Some(&Value::from("en")));
        let corpus = Corpus::from_documents(docs);
        assert_eq!(
            corpus.units(Unit::Document)[0].text,
            " Body.\n\n© 2024 Acme "
        );
    }

    #[test]
    fn csv_records_become_documents() {
        let csv = "title,text\nT,\"A. B.\"\n";
        let docs = parse_text("feed.csv", csv, Format::Csv, &opts()).unwrap();
        assert_eq!(docs[0].id, "feed:2");
        assert_eq!(docs[0].title.as_deref(), Some("T"));
        assert_eq!(docs[0].paragraphs[0].sentences.len(), 2);
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
        let err = Corpus::read(&[bin.clone()], &opts()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} looks like a binary file, not text; pass .txt/.md/.html/.jsonl/.csv files",
                bin.display()
            )
        );
        let latin1 = dir.path().join("l.txt");
        fs::write(&latin1, b"abc\xe9").unwrap();
        let err = Corpus::read(&[latin1.clone()], &opts()).unwrap_err();
        assert!(
            matches!(err, CorpusError::InvalidUtf8 { offset: 3, .. }),
            "{err}"
        );
        let missing = dir.path().join("missing.txt");
        let err = Corpus::read(&[missing.clone()], &opts()).unwrap_err();
        assert!(
            matches!(err, CorpusError::NotFound { ref path } if *path == missing),
            "{err}"
        );
        let bad = dir.path().join("bad.jsonl");
        fs::write(&bad, "{\"text\": \"ok\"}\n\n{\"title\": \"no text\"}\n").unwrap();
        let err = Corpus::read(&[bad.clone()], &opts()).unwrap_err();
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

    #[test]
    fn odd_inputs_never_panic() {
        let inputs = [
            "", "\u{feff}", "\n\n\n", ".", "?!", "。", "<", "<<<>>>", "# ", "- [x](", "\"",
            "a,b\n\"", "{}", "\r\n\r\n",
        ];
        for text in inputs {
            for format in [
                Format::Text,
                Format::Markdown,
                Format::Html,
                Format::Jsonl,
                Format::Csv,
            ] {
                let _ = parse_text("x", text, format, &opts());
            }
        }
    }
}
