//! Turning the text of one input into documents: format conversion, paragraph and sentence
//! spans, boilerplate removal.

use std::ops::Range;
use std::path::Path;

use serde_json::Map;

use super::{boilerplate, entities, html, lines, markdown, records, split};
use super::{CorpusError, Document, Format, Paragraph, ReadOptions};

/// The longest paragraph read, in bytes; the rest of a longer one is left out (and counted in
/// [`Paragraph::clipped`]). About 45,000 words of English: more than the encoder's windows read
/// (256 windows of 256 word pieces), so nothing an embedding sees is cut, while every later
/// stage (sentences, mentions, phrases) stays bounded on a file that is one huge line.
pub const MAX_PARAGRAPH_BYTES: usize = 256 * 1024;

/// A paragraph's span, and how many bytes at its end were left out.
pub(crate) type KeptSpan = (Range<usize>, usize);

/// Paragraph spans of `text`, boilerplate left out when asked, each at most
/// [`MAX_PARAGRAPH_BYTES`] long. `dropped` says where the reader already left out the ends of
/// over-long lines (offset, bytes; see `lines.rs`): they count as clipped from the paragraph
/// they were cut from.
pub(crate) fn kept_spans(
    text: &str,
    dropped: &[(usize, usize)],
    opts: &ReadOptions,
) -> Vec<KeptSpan> {
    let spans = split::paragraph_spans(text);
    // A line's end left out belongs to the last paragraph that starts before it.
    let reach: Vec<usize> = spans
        .iter()
        .skip(1)
        .map(|s| s.start)
        .chain([usize::MAX])
        .collect();
    let keep = match opts.strip_boilerplate {
        true => boilerplate::keep_mask(text, &spans),
        false => vec![true; spans.len()],
    };
    spans
        .into_iter()
        .zip(reach)
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|((span, reach), _)| {
            let (kept, clipped) = clip(text, span, MAX_PARAGRAPH_BYTES);
            let read_away = lines::dropped_within(dropped, kept.end..reach);
            (kept, clipped + read_away)
        })
        .collect()
}

/// `span` cut to at most `max` bytes, at the last whitespace before the limit (or a character
/// boundary, for text without spaces), trimmed; with the number of bytes left out.
fn clip(text: &str, span: Range<usize>, max: usize) -> KeptSpan {
    if span.len() <= max {
        return (span, 0);
    }
    let mut end = span.start + max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[span.start..end];
    // A space in the last quarter is a word boundary worth cutting at; further back is not.
    if let Some(space) = head.rfind(char::is_whitespace).filter(|&i| i > max * 3 / 4) {
        end = span.start + space;
    }
    end = span.start + text[span.start..end].trim_end().len();
    (span.start..end, span.end - end)
}

pub(crate) fn paragraphs_at(text: &str, spans: Vec<KeptSpan>) -> Vec<Paragraph> {
    spans
        .into_iter()
        .enumerate()
        .map(|(index, (span, clipped))| Paragraph {
            index,
            sentences: split::sentence_spans(text, span.clone()),
            span,
            clipped,
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
        dropped,
    } = read;
    let raw = raw.as_str();
    let separator = if split::has_blank_separator(raw) {
        "\n\n"
    } else {
        "\n"
    };
    let mut text = String::with_capacity(raw.len());
    let mut spans = Vec::new();
    for (span, clipped) in kept_spans(raw, &dropped, opts) {
        if !text.is_empty() {
            text.push_str(separator);
        }
        let start = text.len();
        text.push_str(&raw[span]);
        spans.push((start..text.len(), clipped));
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
    /// Ends of over-long lines the reader left out (plain text only; see `lines.rs`).
    pub dropped: Vec<(usize, usize)>,
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
    let mut doc = Document::from_record_text(record.id, &record.text, opts);
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
        // Plain text read whole takes the streamed reader's path, with nothing left out.
        Format::Text => {
            let read = lines::CappedText {
                text: text.to_string(),
                dropped: Vec::new(),
            };
            return Ok(parse_plain(origin, read, opts));
        }
        Format::Markdown | Format::Html => {
            let read = match format {
                Format::Markdown => {
                    let (clean, title) = markdown::to_text(text);
                    Read {
                        metadata: markdown::front_matter(text),
                        text: clean,
                        title,
                        dropped: Vec::new(),
                    }
                }
                _ => html::read(text),
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

/// A plain-text file's document, from text read line by line (`lines.rs`).
pub(crate) fn parse_plain(
    origin: &Origin<'_>,
    read: lines::CappedText,
    opts: &ReadOptions,
) -> Vec<Document> {
    let lines::CappedText {
        mut text,
        mut dropped,
    } = read;
    if text.starts_with('\u{feff}') {
        // The byte order mark (3 bytes) goes, and every offset after it moves back.
        text.drain(..3);
        dropped.iter_mut().for_each(|d| d.0 = d.0.saturating_sub(3));
    }
    let read = Read {
        text: decode_between(&text, &mut dropped),
        title: None,
        metadata: Map::new(),
        dropped,
    };
    file_document(origin, read, opts).into_iter().collect()
}

/// `text` with its character references decoded (`entities`), the offsets in `dropped` moved
/// to match. They sit at line ends, and no reference spans a line, so decoding piece by piece
/// between them reads the same as decoding the whole.
fn decode_between(text: &str, dropped: &mut [(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for drop in dropped.iter_mut() {
        out.push_str(&entities::decode(&text[from..drop.0]));
        from = drop.0;
        drop.0 = out.len();
    }
    out.push_str(&entities::decode(&text[from..]));
    out
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
    fn a_paragraph_past_the_limit_is_cut_at_a_space_and_counted() {
        let long = "word ".repeat(MAX_PARAGRAPH_BYTES / 5 + 1000);
        let text = format!("Short one.\n\n{long}\n\nLast one.");
        let docs = parse_text("a.txt", &text, Format::Text, &opts()).unwrap();
        let doc = &docs[0];
        let kept = doc.paragraph_text(&doc.paragraphs[1]);
        assert!(kept.len() <= MAX_PARAGRAPH_BYTES && kept.ends_with("word"));
        assert_eq!(
            kept.len() + doc.paragraphs[1].clipped,
            long.trim_end().len()
        );
        assert_eq!(paragraph_texts(doc)[2], "Last one.");
        assert_eq!(
            (doc.paragraphs[0].clipped, doc.paragraphs[2].clipped),
            (0, 0)
        );
        let clipped = doc.paragraphs[1].clipped;
        let corpus = Corpus::from_documents(docs);
        assert_eq!(corpus.clipped(), Some((1, clipped)));
        assert!(corpus
            .clipped_notice()
            .unwrap()
            .starts_with("1 paragraph(s) longer than 256 KiB"));
    }
    #[test]
    fn text_without_spaces_is_cut_on_a_character_boundary() {
        let long = "日本".repeat(MAX_PARAGRAPH_BYTES / 3);
        let jsonl = format!("{{\"text\":\"{long}\"}}\n");
        let docs = parse_text("r.jsonl", &jsonl, Format::Jsonl, &opts()).unwrap();
        let p = &docs[0].paragraphs[0];
        let kept = docs[0].paragraph_text(p);
        assert!(kept.len() <= MAX_PARAGRAPH_BYTES && kept.chars().all(|c| c == '日' || c == '本'));
        assert_eq!(kept.len() + p.clipped, long.len());
        assert_eq!(docs[0].text, long, "a record's text stays verbatim");
    }
    #[test]
    fn streamed_text_is_decoded_and_its_cut_still_counted() {
        let long = "word ".repeat(MAX_PARAGRAPH_BYTES / 5 + 2000);
        let raw = format!("Bush #39;s &quot;plan&quot;.\n\n{long}\n\nEnd.");
        let cap = MAX_PARAGRAPH_BYTES + 4096;
        let read = lines::read_capped(Path::new("a.txt"), raw.as_bytes(), cap).unwrap();
        assert_eq!(
            read.dropped.len(),
            1,
            "the long line loses its end as it is read"
        );
        let origin = Origin {
            id: "a.txt",
            source: "a.txt",
            path: Path::new("a.txt"),
        };
        let docs = parse_plain(&origin, read, &opts());
        let doc = &docs[0];
        assert_eq!(paragraph_texts(doc)[0], "Bush's \"plan\".");
        assert_eq!(paragraph_texts(doc)[2], "End.");
        let p = &doc.paragraphs[1];
        assert_eq!(
            doc.paragraph_text(p).len() + p.clipped,
            long.trim_end().len()
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
