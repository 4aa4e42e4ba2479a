//! Near-duplicate documents: the same article twice, or a translation or rewrite of it. Judged
//! from the embeddings (how many paragraphs of the shorter document have a close match in the
//! other) and, for the record, from the text (shared word trigrams).

use std::collections::BTreeSet;

use ndarray::{Array2, ArrayView2, Axis};
use serde::Serialize;

/// Paragraphs this similar are "the same paragraph" (a paraphrase or translation still is).
pub const PARAGRAPH_MATCH: f32 = 0.8;
/// Share of the shorter document's paragraphs that must match.
pub const MATCHED_SHARE: f32 = 0.6;
/// Documents whose mean vectors are less similar than this are never compared in detail.
pub const CENTROID_GATE: f32 = 0.85;
/// Single-paragraph documents must be this close: short news items on one event are often 0.8.
pub const SHORT_MATCH: f32 = 0.95;

/// One document found to repeat an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    pub doc_id: String,
    /// The earlier document (in input order) it repeats; it keeps counting in theme shares.
    pub duplicate_of: String,
    /// Share of the shorter document's paragraphs with a match (cosine ≥ 0.8) in the other.
    pub paragraph_match: f32,
    /// Cosine between the two documents' mean vectors.
    pub similarity: f32,
    /// Share of the shorter document's word trigrams found in the other.
    pub text_overlap: f32,
}

/// A document as rows of the embedding matrix.
pub struct DocRows<'a> {
    pub id: &'a str,
    pub rows: Vec<usize>,
}

/// Finds documents that repeat an earlier one. `vectors` are L2-normalised rows.
pub fn find(docs: &[DocRows], vectors: ArrayView2<f32>, texts: &[&str]) -> Vec<Duplicate> {
    let dim = vectors.ncols();
    let mut centroids = Array2::<f32>::zeros((docs.len(), dim));
    for (d, doc) in docs.iter().enumerate() {
        let mut c = centroids.row_mut(d);
        for &r in &doc.rows {
            c += &vectors.row(r);
        }
        let norm = c.dot(&c).sqrt().max(1e-12);
        c /= norm;
    }
    let mut out = Vec::new();
    let mut taken = vec![false; docs.len()];
    // Blocks of rows keep the similarity matrix small for corpora of many short documents.
    const BLOCK: usize = 1024;
    for start in (0..docs.len()).step_by(BLOCK) {
        let end = (start + BLOCK).min(docs.len());
        let sims = centroids
            .slice(ndarray::s![start..end, ..])
            .dot(&centroids.t());
        for (bi, row) in sims.axis_iter(Axis(0)).enumerate() {
            let later = start + bi;
            if taken[later] {
                continue;
            }
            // Compare with earlier documents only: the first of a group is the original.
            for earlier in 0..later {
                if taken[earlier] || row[earlier] < CENTROID_GATE {
                    continue;
                }
                let (a, b) = (&docs[earlier], &docs[later]);
                let matched = matched_share(a, b, vectors);
                let short = a.rows.len().min(b.rows.len()) == 1;
                let is_dup = if short {
                    row[earlier] >= SHORT_MATCH
                } else {
                    matched >= MATCHED_SHARE
                };
                if is_dup {
                    taken[later] = true;
                    out.push(Duplicate {
                        doc_id: b.id.to_string(),
                        duplicate_of: a.id.to_string(),
                        paragraph_match: round4(matched),
                        similarity: round4(row[earlier]),
                        text_overlap: round4(trigram_overlap(&joined(a, texts), &joined(b, texts))),
                    });
                    break;
                }
            }
        }
    }
    out
}

fn matched_share(a: &DocRows, b: &DocRows, vectors: ArrayView2<f32>) -> f32 {
    let (short, long) = if a.rows.len() <= b.rows.len() {
        (a, b)
    } else {
        (b, a)
    };
    let s = vectors.select(Axis(0), &short.rows);
    let l = vectors.select(Axis(0), &long.rows);
    let sims = s.dot(&l.t());
    let hits = sims
        .axis_iter(Axis(0))
        .filter(|r| r.iter().any(|&x| x >= PARAGRAPH_MATCH))
        .count();
    hits as f32 / short.rows.len().max(1) as f32
}

fn joined(doc: &DocRows, texts: &[&str]) -> String {
    doc.rows
        .iter()
        .map(|&r| texts[r])
        .collect::<Vec<_>>()
        .join(" ")
}

fn trigrams(text: &str) -> BTreeSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(3).map(|w| w.join(" ")).collect()
}

/// Share of the smaller trigram set found in the other.
pub fn trigram_overlap(a: &str, b: &str) -> f32 {
    let (ta, tb) = (trigrams(a), trigrams(b));
    let (small, large) = if ta.len() <= tb.len() {
        (&ta, &tb)
    } else {
        (&tb, &ta)
    };
    if small.is_empty() {
        return 0.0;
    }
    small.intersection(large).count() as f32 / small.len() as f32
}

fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn trigram_overlap_of_a_copy_is_one() {
        assert_eq!(trigram_overlap("a b c d e", "x a b c d e y"), 1.0);
        assert_eq!(trigram_overlap("a b c", "d e f"), 0.0);
    }

    #[test]
    fn a_repeated_document_is_found_once() {
        // Docs 0 and 2 have the same two paragraphs; doc 1 differs.
        let v = array![
            [1.0f32, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [0.6, 0.0, 0.8],
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0]
        ];
        let texts = ["p one", "p two", "other", "more", "p one", "p two"];
        let docs = vec![
            DocRows {
                id: "a",
                rows: vec![0, 1],
            },
            DocRows {
                id: "b",
                rows: vec![2, 3],
            },
            DocRows {
                id: "c",
                rows: vec![4, 5],
            },
        ];
        let d = find(&docs, v.view(), &texts);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].doc_id, "c");
        assert_eq!(d[0].duplicate_of, "a");
        assert_eq!(d[0].paragraph_match, 1.0);
    }
}
