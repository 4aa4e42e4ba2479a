//! Turning the text of one input into documents: format conversion, paragraph and sentence
//! spans, boilerplate removal.

use std::ops::Range;
use std::path::Path;

use serde_json::Map;

use super::{boilerplate, entities, html, markdown, records, split};
use super::{CorpusError, Document, Format, Paragraph, ReadOptions};

/// Paragraph spans of `text`, boilerplate left out when asked.
pub(crate) fn kept_spans(text: &str, opts: &ReadOptions) -> Vec<Range<usize>> {
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

pub(crate) fn paragraphs_at(text: &str, spans: Vec<Range<usize>>) -> Vec<Paragraph> {
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
pub(crate) struct Origin<'a> {
    pub id: &'a str,
    pub source: &'a str,
    /// Named in error messages (and gives records their fallback id).
    pub path: &'a Path,
}

/// A file's document. Its text is rebuilt from the kept paragraphs, so the whole-document unit
/// carries no boilerplate either; the separator between paragraphs stays the one the file used.
fn file_document(origin: &Origin<'_>, read: Read, opts: &ReadOptions) -> Option<Document> {
    let Read {
        text: raw,
        title,
        metadata,
    } = read;
    let raw = raw.as_str();
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
        metadata,
    })
}

/// A file's text, title and metadata, read from its format.
pub(crate) struct Read {
    pub text: String,
    pub title: Option<String>,
    pub metadata: Map<String, serde_json::Value>,
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
    let text = entities::decode(&record.text).into_owned();
    let mut doc = Document::from_text(record.id, text, opts);
    doc.source = origin.source.to_string();
    doc.title = record.title.map(|t| entities::decode(&t).into_owned());
    doc.metadata = record.metadata;
    Some(doc)
}

pub(crate) fn parse(
    origin: &Origin<'_>,
    text: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<Document>, CorpusError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match format {
        Format::Text | Format::Markdown | Format::Html => {
            let read = match format {
                Format::Markdown => {
                    let (clean, title) = markdown::to_text(text);
                    Read {
                        metadata: markdown::front_matter(text),
                        text: clean,
                        title,
                    }
                }
                Format::Html => html::read(text),
                _ => Read {
                    text: entities::decode(text).into_owned(),
                    title: None,
                    metadata: Map::new(),
                },
            };
            return Ok(file_document(origin, read, opts).into_iter().collect());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corpus, Unit};
    use serde_json::Value;

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
    fn character_references_in_records_and_text_are_read_as_characters() {
        // AG News as distributed: ampersands lost, a space in their place.
        let jsonl = r#"{"id":"a","title":"Bush #39;s plan","text":"Officials  quot;welcome quot; Bush #39;s plan.\n\nIt costs  #36;10 million &amp; more."}"#;
        let docs = parse_text("ag.jsonl", jsonl, Format::Jsonl, &opts()).unwrap();
        assert_eq!(docs[0].title.as_deref(), Some("Bush's plan"));
        assert_eq!(
            paragraph_texts(&docs[0]),
            [
                "Officials \"welcome\" Bush's plan.",
                "It costs $10 million & more."
            ]
        );
        let txt = parse_text("a.txt", "He said &quot;no&quot;.", Format::Text, &opts()).unwrap();
        assert_eq!(txt[0].text, "He said \"no\".");
    }
    #[test]
    fn csv_records_become_documents() {
        let csv = "title,text\nT,\"Yes. No.\"\n";
        let docs = parse_text("feed.csv", csv, Format::Csv, &opts()).unwrap();
        assert_eq!(docs[0].id, "feed:2");
        assert_eq!(docs[0].title.as_deref(), Some("T"));
        assert_eq!(docs[0].paragraphs[0].sentences.len(), 2);
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
