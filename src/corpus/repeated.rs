//! Corpus-level boilerplate: short paragraphs that recur, verbatim or nearly (other numbers,
//! punctuation or case), in several documents of a corpus: bylines, newsletter footers, "Read
//! more" blocks, forms of address every speech opens with. One document cannot tell them from
//! prose; the corpus can. They are dropped before embedding and listed in the report.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Document, Paragraph};

/// A paragraph counts as boilerplate once it recurs in this many documents.
pub const MIN_DOCUMENTS: usize = 3;
/// Longer paragraphs are never boilerplate: a long passage several documents share (a quoted
/// treaty article, a syndicated story) is content.
pub const MAX_CHARS: usize = 500;

/// A paragraph dropped as corpus-level boilerplate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepeatedParagraph {
    /// Its text where it first occurs.
    pub text: String,
    /// Documents it was dropped from.
    pub documents: usize,
}

/// What two near-identical paragraphs share: lower case, each run of digits as one `0`, runs
/// of anything but letters and digits as one space. `None` for a paragraph too long to be boilerplate.
fn key(paragraph: &str) -> Option<String> {
    if paragraph.chars().count() > MAX_CHARS {
        return None;
    }
    let mut key = String::with_capacity(paragraph.len());
    let mut gap = false;
    for c in paragraph.chars() {
        if !c.is_alphanumeric() {
            gap = true;
            continue;
        }
        if gap && !key.is_empty() {
            key.push(' ');
        }
        if c.is_numeric() {
            // A run of digits is one `0`, whatever the number.
            if gap || !key.ends_with('0') {
                key.push('0');
            }
        } else {
            key.extend(c.to_lowercase());
        }
        gap = false;
    }
    (!key.is_empty()).then_some(key)
}

/// Drops the paragraphs that recur in at least [`MIN_DOCUMENTS`] documents and returns them,
/// most widespread first. A document of one paragraph (a record, a headline) is never touched,
/// and neither is one that would be left with nothing.
pub(crate) fn drop_repeated(documents: &mut [Document]) -> Vec<RepeatedParagraph> {
    let keys: Vec<Vec<Option<String>>> = documents
        .iter()
        .map(|d| match d.paragraphs.len() {
            0 | 1 => Vec::new(),
            _ => d
                .paragraphs
                .iter()
                .map(|p| key(d.paragraph_text(p)))
                .collect(),
        })
        .collect();
    let repeated = recurring_keys(&keys);
    if repeated.is_empty() {
        return Vec::new();
    }
    let mut dropped: BTreeMap<String, RepeatedParagraph> = BTreeMap::new();
    for (doc, keys) in documents.iter_mut().zip(&keys) {
        let keep: Vec<bool> = keys
            .iter()
            .map(|k| k.as_ref().is_none_or(|k| !repeated.contains(k)))
            .collect();
        if keep.iter().all(|&k| k) || !keep.iter().any(|&k| k) {
            continue;
        }
        for (p, k) in doc
            .paragraphs
            .iter()
            .zip(keys)
            .filter(|(_, k)| k.as_ref().is_some_and(|k| repeated.contains(k)))
        {
            let k = k.clone().unwrap_or_default();
            dropped
                .entry(k)
                .or_insert_with(|| RepeatedParagraph {
                    text: doc.paragraph_text(p).to_string(),
                    documents: 0,
                })
                .documents += 1;
        }
        keep_paragraphs(doc, &keep);
    }
    let mut out: Vec<RepeatedParagraph> = dropped.into_values().collect();
    // Several forms of one paragraph in one document count once per form: fine for a listing.
    out.sort_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then_with(|| a.text.cmp(&b.text))
    });
    out
}

/// Keys that occur in at least [`MIN_DOCUMENTS`] documents.
fn recurring_keys(keys: &[Vec<Option<String>>]) -> HashSet<String> {
    let mut documents_with: HashMap<&str, usize> = HashMap::new();
    for doc in keys {
        let distinct: HashSet<&str> = doc.iter().flatten().map(String::as_str).collect();
        for k in distinct {
            *documents_with.entry(k).or_default() += 1;
        }
    }
    documents_with
        .into_iter()
        .filter(|&(_, n)| n >= MIN_DOCUMENTS)
        .map(|(k, _)| k.to_string())
        .collect()
}

/// Rebuilds `doc` from the paragraphs `keep` marks, blank-line separated, their spans and
/// sentence spans moved to the new text.
fn keep_paragraphs(doc: &mut Document, keep: &[bool]) {
    let mut text = String::with_capacity(doc.text.len());
    let mut paragraphs = Vec::new();
    for (p, _) in doc.paragraphs.iter().zip(keep).filter(|(_, &k)| k) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(doc.paragraph_text(p));
        let shift = |r: &std::ops::Range<usize>| {
            r.start - p.span.start + start..r.end - p.span.start + start
        };
        paragraphs.push(Paragraph {
            index: paragraphs.len(),
            span: start..text.len(),
            sentences: p.sentences.iter().map(shift).collect(),
            clipped: p.clipped,
        });
    }
    doc.text = text;
    doc.paragraphs = paragraphs;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::ReadOptions;

    fn doc(id: &str, text: &str) -> Document {
        Document::from_text(id, text, &ReadOptions::default())
    }

    #[test]
    fn near_identical_paragraphs_share_a_key() {
        assert_eq!(
            key("Published 3 March 2024 by *The Ledger*."),
            key("published 14 march 2025 by The Ledger")
        );
        assert_ne!(key("Read more from us"), key("Read less from us"));
        assert_eq!(key("—"), None);
        assert_eq!(key(&"word ".repeat(200)), None);
    }

    #[test]
    fn a_line_in_three_documents_goes_and_is_listed() {
        let mut docs = vec![
            doc(
                "a",
                "Gas talks stall again.\n\nBy the Ledger desk, 2 May.\n\nNo price yet.",
            ),
            doc(
                "b",
                "Chips are scarce.\n\nBy the Ledger desk, 9 May.\n\nFactories wait.",
            ),
            doc(
                "c",
                "Ice melts early.\n\nby the ledger desk 12 may\n\nShips sail north.",
            ),
            doc("d", "Only two paragraphs here.\n\nNothing repeated."),
        ];
        let dropped = drop_repeated(&mut docs);
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].documents, 3);
        assert_eq!(dropped[0].text, "By the Ledger desk, 2 May.");
        assert_eq!(docs[0].text, "Gas talks stall again.\n\nNo price yet.");
        let second = &docs[0].paragraphs[1];
        assert_eq!(
            (second.index, docs[0].paragraph_text(second)),
            (1, "No price yet.")
        );
        assert_eq!(&docs[0].text[second.sentences[0].clone()], "No price yet.");
        assert_eq!(docs[3].paragraphs.len(), 2);
    }

    #[test]
    fn twice_is_not_enough_and_single_paragraph_records_stay() {
        let mut docs = vec![
            doc("a", "Story one.\n\nSubscribe to our letter."),
            doc("b", "Story two.\n\nSubscribe to our letter."),
            doc("c", "Subscribe to our letter."),
            doc("d", "Subscribe to our letter."),
        ];
        assert!(drop_repeated(&mut docs).is_empty());
        assert_eq!(docs[0].paragraphs.len(), 2);
    }
}
