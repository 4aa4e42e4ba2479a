//! The theme report: everything a run found, gathered in one serialisable [`Report`] and
//! rendered as JSON, Markdown and a self-contained HTML page with inline SVG charts.
//!
//! | file | job |
//! |---|---|
//! | `build.rs` | gathering corpus, themes and sentiment into a [`Report`] |
//! | `projection.rs` | the 2-D map of paragraphs (PCA by power iteration) |
//! | `markdown.rs` | `report.md` |
//! | `html.rs` | `report.html` |
//! | `svg.rs` | the charts |
//! | `table.rs` | a table as both renderings draw it |
//! | `tables.rs` | the report's tables, built once for both |
//! | `paragraphs.rs` | `paragraphs.parquet` |
//! | `manifest.rs` | `run.json`, the run manifest |
//!
//! Every number is rounded to 4 decimals and no time or absolute path goes in, so the same
//! inputs give byte-identical files.

mod build;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod paragraphs;
pub mod projection;
mod svg;
mod table;
mod tables;

use serde::Serialize;

pub use build::{build, ReportInputs};

use crate::cache::LongRows;
use crate::corpus::{RepeatedParagraph, SkippedInput};
use crate::sentiment::Label;
use crate::themes::tree::{Group, Merge};
use crate::themes::{Duplicate, LabelQuality, OutlierSummary, ScoredPhrase};
use crate::timeline::{ByGroup, OverTime};

/// The theme tree as lines, coarsest group first: each group, its themes, and how close its
/// two parts were.
fn tree_lines(r: &Report) -> Vec<String> {
    r.theme_tree
        .iter()
        .rev()
        .map(|m| {
            let themes: Vec<String> = m.themes.iter().map(|t| format!("#{t}")).collect();
            format!(
                "{} ({} paragraphs: themes {}; parts at cosine {:.2})",
                m.label,
                m.size,
                themes.join(", "),
                m.similarity
            )
        })
        .collect()
}

/// Counts of (negative, neutral, positive) as `n / n / n`; empty where there are none (a scorer
/// without a learned paragraph attitude).
fn label_counts(counts: Option<[usize; 3]>) -> String {
    counts.map_or_else(String::new, |[neg, neu, pos]| {
        format!("{neg} / {neu} / {pos}")
    })
}

/// An attitude cell as text: its mean, interval and mentions, or that it has too few.
fn attitude_text(c: &crate::timeline::AttitudeCell) -> String {
    match (c.mean, c.ci95) {
        (Some(m), Some([lo, hi])) => format!("{m:+.2} [{lo:+.2}, {hi:+.2}] ({})", c.mentions),
        (Some(m), None) => format!("{m:+.2} ({})", c.mentions),
        (None, _) if c.mentions > 0 => format!("too few ({})", c.mentions),
        (None, _) => "—".to_string(),
    }
}

/// The rows of the time × group table that hold at least one number, as (actor, row), and
/// how many rows were left out for having none.
fn cross_rows(
    t: &crate::timeline::GroupsOverTime,
) -> (Vec<(&str, &crate::timeline::GroupSeries)>, usize) {
    let all = t
        .actors
        .iter()
        .flat_map(|a| a.groups.iter().map(move |g| (a.actor.as_str(), g)));
    let (shown, left): (Vec<_>, Vec<_>) =
        all.partition(|(_, g)| g.cells.iter().any(|c| c.mean.is_some()));
    (shown, left.len())
}

/// The sentence that says where the time axis comes from and what was left out of it.
fn time_axis_line(t: &OverTime) -> String {
    let mut line = format!(
        "Documents dated by `{}`, per {}: {} to {} ({} bins, {} dated documents).",
        t.field,
        t.bin,
        t.bins.first().map_or("", String::as_str),
        t.bins.last().map_or("", String::as_str),
        t.bins.len(),
        t.documents.iter().sum::<usize>()
    );
    if t.undated_documents > 0 {
        line.push_str(&format!(
            " {} document(s) have no `{}`.",
            t.undated_documents, t.field
        ));
    }
    if t.bad_dates.count > 0 {
        line.push_str(&format!(
            " {} document(s) have a `{}` that is not a date; they are left out (listed below).",
            t.bad_dates.count, t.field
        ));
    }
    line
}

/// The sentence that says where the groups come from.
fn group_axis_line(g: &ByGroup) -> String {
    let mut line = format!(
        "Documents grouped by `{}`: {} groups shown",
        g.field,
        g.groups.len()
    );
    if g.other_groups > 0 {
        line.push_str(&format!(" ({} smaller ones left out)", g.other_groups));
    }
    line.push('.');
    if g.ungrouped_documents > 0 {
        line.push_str(&format!(
            " {} document(s) have no `{}`.",
            g.ungrouped_documents, g.field
        ));
    }
    line
}

/// The label-quality sentence of the Markdown and HTML reports.
fn label_quality_line(r: &Report) -> String {
    format!(
        "Label quality: NPMI {:.3} (coherence of each theme's top-10 words in the corpus, −1 to 1; \
         higher is better), topic diversity {:.2} (share of distinct words among the themes' top \
         10).",
        r.label_quality.npmi, r.label_quality.diversity
    )
}

/// The sentence above the table of `--level` groups.
fn groups_line(r: &Report) -> String {
    format!(
        "The {} themes in {} groups (the theme tree cut where {} groups are left; each group named from its own paragraphs):",
        r.themes.len(),
        r.theme_groups.len(),
        r.theme_groups.len()
    )
}

/// A group's themes as `#id label` items.
fn group_themes(r: &Report, g: &Group) -> String {
    g.themes
        .iter()
        .map(|&t| match r.themes.get(t) {
            Some(theme) => format!("#{t} {}", theme.label),
            None => format!("#{t}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A theme's top words as the short line shown under its label.
fn words_line(words: &[String]) -> String {
    words.join(" · ")
}

/// The first `max` key phrases, comma-separated.
fn phrase_list(phrases: &[ScoredPhrase], max: usize) -> String {
    phrases
        .iter()
        .take(max)
        .map(|p| p.phrase.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Schema id of `report.json`.
pub const SCHEMA: &str = "themescope.report/1";

/// Everything in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub themescope_version: String,
    pub title: String,
    pub model: ModelRef,
    pub sentiment: SentimentRef,
    /// How the themes were found.
    pub clustering: ClusteringRef,
    pub corpus: CorpusSummary,
    pub themes: Vec<ThemeEntry>,
    /// NPMI coherence of each theme's top-10 words against the corpus, and their diversity.
    pub label_quality: LabelQuality,
    /// The themes merged pairwise into coarser groups, closest first.
    pub theme_tree: Vec<Merge>,
    /// The themes cut into `--level` groups of the tree; absent without `--level`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub theme_groups: Vec<Group>,
    pub outliers: OutlierSummary,
    pub duplicates: Vec<Duplicate>,
    pub actors: Vec<ActorEntry>,
    pub heatmap: Heatmap,
    pub documents: Vec<DocumentEntry>,
    pub map: Map,
    /// Themes and attitudes per time bin; absent when no document has a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_time: Option<OverTime>,
    /// Themes and attitudes per group (outlet, country, speaker); absent without groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_group: Option<ByGroup>,
}

/// The k used and the reduction the clustering saw (`none`, `pca:D`, `umap:D`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusteringRef {
    pub k: usize,
    pub reduce: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRef {
    pub id: String,
    pub revision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentimentRef {
    /// `head` or `vader`.
    pub method: String,
    /// The head's name, for `head`.
    pub head: Option<String>,
    /// Actors with fewer mentions are listed, not ranked.
    pub min_mentions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusSummary {
    pub documents: usize,
    pub paragraphs: usize,
    pub mentions: usize,
    /// Input files left out, with the reason.
    pub skipped: Vec<SkippedInput>,
    /// Paragraphs left out because they recur in several documents.
    pub boilerplate: Vec<RepeatedParagraph>,
    /// Paragraphs too long for the encoder, read as windows.
    pub long_paragraphs: LongRows,
    /// Paragraphs past the longest read (`corpus::MAX_PARAGRAPH_BYTES`), and the bytes left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clipped: Option<ClippedText>,
}

/// What the reader left out of over-long paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClippedText {
    pub paragraphs: usize,
    pub bytes: usize,
}

impl ClippedText {
    /// The report's sentence about it.
    pub(crate) fn sentence(&self) -> String {
        format!(
            "{} paragraph(s) longer than {} KiB were read to that length: {} bytes past it were \
             not read.",
            self.paragraphs,
            crate::corpus::MAX_PARAGRAPH_BYTES / 1024,
            self.bytes
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeEntry {
    pub id: usize,
    pub label: String,
    pub phrases: Vec<ScoredPhrase>,
    /// Its top single words, best first (`themes.json`'s `words`): what NPMI and diversity score.
    pub words: Vec<String>,
    /// Paragraphs (near-duplicate documents not counted).
    pub size: usize,
    pub share: f32,
    pub representatives: Vec<ParagraphEntry>,
}

/// A paragraph shown in the report, with its actor mentions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphEntry {
    pub doc_id: String,
    pub para_index: usize,
    pub text: String,
    /// Cosine to the theme centroid.
    pub similarity: f32,
    pub mentions: Vec<MentionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentionEntry {
    pub actor: String,
    /// Byte span in the paragraph's text.
    pub start: usize,
    pub end: usize,
    pub score: f32,
    pub label: Label,
}

/// One actor over the corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorEntry {
    pub name: String,
    pub kind: String,
    /// 1 = most negative among ranked actors; none below the minimum number of mentions.
    pub rank: Option<usize>,
    pub mentions: usize,
    pub mean: f32,
    pub std: f32,
    /// 95% bootstrap interval of the mean.
    pub ci95: Option<[f32; 2]>,
    pub negative: usize,
    pub neutral: usize,
    pub positive: usize,
    pub most_negative: Option<ParagraphRef>,
    pub most_positive: Option<ParagraphRef>,
    /// Paragraphs that name the actor by their learned attitude (negative, neutral, positive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph_attitudes: Option<[usize; 3]>,
    /// Documents that name the actor by their learned attitude (negative, neutral, positive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_attitudes: Option<[usize; 3]>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphRef {
    pub doc_id: String,
    pub para_index: usize,
    pub mean: f32,
    /// The paragraph's learned attitude toward the actor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attitude: Option<crate::sentiment::Label>,
}

/// Actor × theme attitude: `cells[a][t]` is actor `actors[a]` in theme `t` (none: no mention).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heatmap {
    pub actors: Vec<String>,
    pub themes: Vec<String>,
    pub cells: Vec<Vec<Option<Cell>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cell {
    pub mean: f32,
    pub mentions: usize,
}

/// One document and its theme mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentEntry {
    pub id: String,
    pub title: Option<String>,
    pub paragraphs: usize,
    /// The earlier document it repeats (not counted in theme shares).
    pub duplicate_of: Option<String>,
    /// Share of its paragraphs in each theme, by theme id.
    pub theme_shares: Vec<f32>,
    /// Share of its paragraphs left without a theme.
    pub outlier_share: f32,
}

/// The 2-D map of paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Map {
    /// How the vectors were projected.
    pub method: &'static str,
    /// Share of the variance each axis explains.
    pub explained: [f32; 2],
    pub points: Vec<MapPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapPoint {
    pub doc_id: String,
    pub para_index: usize,
    pub x: f32,
    pub y: f32,
    pub theme: Option<usize>,
    pub duplicate: bool,
}

impl Report {
    /// `report.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a report always serialises");
        bytes.push(b'\n');
        bytes
    }
}

pub(crate) fn round4(x: f64) -> f32 {
    ((x * 10_000.0).round() / 10_000.0) as f32
}
