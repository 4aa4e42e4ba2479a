//! `themes.json` (schema `themescope.themes/1`) and the readable summary.
//!
//! `themes.json` holds: `schema`; `themescope_version`; `model` (id, revision, pooling,
//! normalisation, max length, dim, unit of the vectors); `params` (every setting, the k and
//! reduction actually used, the seed); `k_selection` (silhouette per k tried by `--k auto`);
//! `label_quality` (NPMI and diversity of the top words); `tree` (each merge of two nodes: its
//! themes, size, the centroids' cosine, and its own label, phrases and top words); `groups`
//! (with `--level N`: the themes cut into N groups of the tree, each with its node, label,
//! phrases, top words, themes, size and share); `themes` (id, label, phrases with scores, top
//! words, size, share, representative paragraphs, documents with their share, NPMI of the top
//! words); `outliers` (found, reassigned, count, share); `duplicates` (document, the document
//! it repeats, paragraph match, similarity, text overlap); `paragraphs` (row, doc_id,
//! para_index, theme or null, similarity to its nearest theme, reassigned, duplicate).
//! Numbers are rounded to 4 decimals, so the same inputs and seed give the same bytes.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::{Algo, KScore, Outliers, Reduce, ThemeParams, ThemeResult, K};
use crate::store::{EmbeddingInfo, RowMeta};

pub const SCHEMA: &str = "themescope.themes/1";

#[derive(Serialize)]
struct ParamsRecord {
    k: K,
    k_used: usize,
    algo: Algo,
    seed: u64,
    min_size: usize,
    reduce: Reduce,
    /// Rows the layout was made for and rows the labels were counted on, when a large corpus
    /// was sampled (null: all).
    layout_rows: Option<usize>,
    label_rows: Option<usize>,
    outliers: Outliers,
    k_max: usize,
    keep_duplicates: bool,
    level: Option<usize>,
    ngram_max: usize,
    top_phrases: usize,
    stop_words: String,
}

#[derive(Serialize)]
struct ThemesFile<'a> {
    schema: &'static str,
    themescope_version: &'static str,
    model: &'a EmbeddingInfo,
    params: ParamsRecord,
    k_selection: &'a [KScore],
    /// NPMI coherence of each theme's top-10 words and the themes' diversity.
    label_quality: &'a super::LabelQuality,
    /// The themes merged pairwise into coarser groups (node ids: themes `0..k`, then merges).
    tree: &'a [super::tree::Merge],
    /// The themes cut into `level` groups of the tree (empty without `--level`).
    groups: &'a [super::tree::Group],
    themes: &'a [super::Theme],
    outliers: &'a super::OutlierSummary,
    duplicates: &'a [super::Duplicate],
    paragraphs: &'a [super::Assignment],
}

/// What the phrase settings were, for the record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PhraseRecord {
    pub ngram_max: usize,
    pub top_n: usize,
    pub stop_words: String,
}

/// Serialises the result as `themes.json` bytes.
pub fn to_json(
    result: &ThemeResult,
    params: &ThemeParams,
    phrases: &PhraseRecord,
    model: &EmbeddingInfo,
) -> Vec<u8> {
    let file = ThemesFile {
        schema: SCHEMA,
        themescope_version: env!("CARGO_PKG_VERSION"),
        model,
        params: ParamsRecord {
            k: params.k,
            k_used: result.k,
            algo: params.algo,
            seed: params.seed,
            min_size: result.min_size,
            reduce: result.reduce,
            layout_rows: result.layout_rows,
            label_rows: result.label_rows,
            outliers: params.outliers,
            k_max: params.k_max,
            keep_duplicates: params.keep_duplicates,
            level: params.level,
            ngram_max: phrases.ngram_max,
            top_phrases: phrases.top_n,
            stop_words: phrases.stop_words.clone(),
        },
        k_selection: &result.k_scores,
        label_quality: &result.label_quality,
        tree: &result.tree,
        groups: &result.groups,
        themes: &result.themes,
        outliers: &result.outliers,
        duplicates: &result.duplicates,
        paragraphs: &result.assignments,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("themes serialise");
    bytes.push(b'\n');
    bytes
}

/// Writes `themes.json` atomically.
pub fn write_json(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::fsutil::write_atomic(path, |f| f.write_all(bytes))
}

/// A readable summary: one block per theme with its label, size, top phrases and best paragraph.
pub fn summary(result: &ThemeResult, rows: &[RowMeta]) -> String {
    let mut out = String::new();
    let counted: usize =
        result.themes.iter().map(|t| t.size).sum::<usize>() + result.outliers.count;
    let _ = writeln!(
        out,
        "{} themes over {} paragraphs (k = {}{}); outliers {} ({:.1}%), {} reassigned; {} near-duplicate documents",
        result.themes.len(),
        counted,
        result.k,
        if result.k_scores.is_empty() { "" } else { ", chosen by silhouette × stability" },
        result.outliers.count,
        result.outliers.share * 100.0,
        result.outliers.reassigned,
        result.duplicates.len()
    );
    for t in &result.themes {
        let _ = writeln!(
            out,
            "\n#{} {}  ({} paragraphs, {:.1}%)",
            t.id,
            t.label,
            t.size,
            t.share * 100.0
        );
        let phrases: Vec<&str> = t.phrases.iter().map(|p| p.phrase.as_str()).collect();
        let _ = writeln!(out, "   phrases: {}", phrases.join(", "));
        if let Some(r) = t.representatives.first() {
            let text = &rows[r.row].text;
            let short: String = text.chars().take(160).collect();
            let more = if text.chars().count() > 160 {
                "…"
            } else {
                ""
            };
            let _ = writeln!(out, "   e.g. [{}#{}] {short}{more}", r.doc_id, r.para_index);
        }
    }
    if !result.groups.is_empty() {
        let n = result.groups.len();
        let _ = writeln!(out, "\nin {n} group{}:", if n == 1 { "" } else { "s" });
        for g in &result.groups {
            let themes: Vec<String> = g.themes.iter().map(|t| format!("#{t}")).collect();
            let _ = writeln!(
                out,
                "   {}  ({} paragraphs, {:.1}%; themes {})",
                g.label,
                g.size,
                g.share * 100.0,
                themes.join(", ")
            );
        }
    }
    for d in &result.duplicates {
        let _ = writeln!(
            out,
            "\nduplicate: {} repeats {} ({:.0}% of paragraphs match)",
            d.doc_id,
            d.duplicate_of,
            d.paragraph_match * 100.0
        );
    }
    out
}
