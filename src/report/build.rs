//! Gathering the stages' results into a [`Report`].

use std::collections::HashMap;

use super::projection::pca_2d;
use super::{
    round4, ActorEntry, Cell, ClusteringRef, CorpusSummary, DocumentEntry, Heatmap, Map, MapPoint,
    MentionEntry, ModelRef, ParagraphEntry, ParagraphRef, Report, SentimentRef, ThemeEntry, SCHEMA,
};
use crate::cache::LongRows;
use crate::corpus::{Corpus, SkippedInput};
use crate::sentiment::aggregate::{ActorSummary, ParagraphScore};
use crate::sentiment::score::{by_paragraph, ScoredMention};
use crate::sentiment::Prediction;
use crate::store::EmbeddingSet;
use crate::themes::ThemeResult;
use crate::timeline::Timeline;

/// Most actors shown as heatmap rows (ranked actors, most mentioned first).
const HEATMAP_ACTORS: usize = 15;

/// What a run produced, for [`build`]. `set` holds one row per corpus paragraph in reading
/// order (`corpus.units(Unit::Paragraph)`); `themes` was found on it; `summaries` were
/// aggregated with its per-paragraph themes.
pub struct ReportInputs<'a> {
    pub title: String,
    pub corpus: &'a Corpus,
    pub skipped: &'a [SkippedInput],
    /// Paragraphs too long for the encoder, read as windows.
    pub long_rows: &'a LongRows,
    pub set: &'a EmbeddingSet,
    pub themes: &'a ThemeResult,
    pub mentions: &'a [ScoredMention],
    pub summaries: &'a [ActorSummary],
    pub sentiment: SentimentRef,
    /// Themes and attitudes per time bin and group.
    pub timeline: &'a Timeline,
}

/// Builds the report.
pub fn build(inputs: &ReportInputs<'_>) -> Report {
    let ReportInputs {
        corpus,
        set,
        themes,
        mentions,
        summaries,
        ..
    } = *inputs;
    let labels: Vec<String> = themes.themes.iter().map(|t| t.label.clone()).collect();
    Report {
        schema: SCHEMA,
        themescope_version: env!("CARGO_PKG_VERSION").to_string(),
        title: inputs.title.clone(),
        model: ModelRef {
            id: set.info.model_id.clone(),
            revision: set.info.revision.clone(),
        },
        sentiment: inputs.sentiment.clone(),
        clustering: ClusteringRef {
            k: themes.k,
            reduce: themes.reduce.to_string(),
        },
        corpus: CorpusSummary {
            documents: corpus.documents.len(),
            paragraphs: corpus.paragraph_count(),
            mentions: mentions.len(),
            skipped: inputs.skipped.to_vec(),
            boilerplate: corpus.boilerplate.clone(),
            long_paragraphs: inputs.long_rows.clone(),
            clipped: corpus
                .clipped()
                .map(|(paragraphs, bytes)| super::ClippedText { paragraphs, bytes }),
        },
        themes: theme_entries(set, themes, mentions),
        label_quality: themes.label_quality.clone(),
        theme_tree: themes.tree.clone(),
        theme_groups: themes.groups.clone(),
        outliers: themes.outliers.clone(),
        duplicates: themes.duplicates.clone(),
        actors: summaries.iter().map(actor_entry).collect(),
        heatmap: heatmap(summaries, &labels),
        documents: documents(corpus, themes, labels.len()),
        map: map(set, themes),
        over_time: inputs.timeline.over_time.clone(),
        by_group: inputs.timeline.by_group.clone(),
    }
}

/// Each theme with its representative paragraphs, their mentions highlighted.
fn theme_entries(
    set: &EmbeddingSet,
    themes: &ThemeResult,
    mentions: &[ScoredMention],
) -> Vec<ThemeEntry> {
    let by_paragraph = by_paragraph(mentions);
    let mention_entries = |doc_id: &str, para: usize| -> Vec<MentionEntry> {
        let found = by_paragraph.get(&(doc_id, para));
        found
            .into_iter()
            .flatten()
            .map(|m| mention_entry(m))
            .collect()
    };
    themes
        .themes
        .iter()
        .map(|t| ThemeEntry {
            id: t.id,
            label: t.label.clone(),
            phrases: t.phrases.clone(),
            words: t.words.clone(),
            size: t.size,
            share: t.share,
            representatives: t
                .representatives
                .iter()
                .map(|r| ParagraphEntry {
                    doc_id: r.doc_id.clone(),
                    para_index: r.para_index,
                    text: set.rows[r.row].text.clone(),
                    similarity: r.similarity,
                    mentions: mention_entries(&r.doc_id, r.para_index),
                })
                .collect(),
        })
        .collect()
}

fn mention_entry(m: &ScoredMention) -> MentionEntry {
    MentionEntry {
        actor: m.mention.actor_name.clone(),
        start: m.mention.span.start,
        end: m.mention.span.end,
        score: round4(f64::from(m.prediction.score)),
        label: m.prediction.label,
    }
}

fn paragraph_ref(p: &Option<ParagraphScore>) -> Option<ParagraphRef> {
    p.as_ref().map(|p| ParagraphRef {
        doc_id: p.doc_id.clone(),
        para_index: p.paragraph,
        mean: round4(p.mean),
        attitude: p.attitude.map(|a| a.label),
    })
}

/// Counts by learned attitude (negative, neutral, positive); none when there is none.
fn attitude_counts<'a>(
    attitudes: impl Iterator<Item = Option<&'a Prediction>>,
) -> Option<[usize; 3]> {
    let mut counts = [0usize; 3];
    let mut any = false;
    for a in attitudes.flatten() {
        counts[a.label.index()] += 1;
        any = true;
    }
    any.then_some(counts)
}

fn actor_entry(s: &ActorSummary) -> ActorEntry {
    ActorEntry {
        name: s.actor.clone(),
        kind: s.kind.as_str().to_string(),
        rank: s.rank,
        mentions: s.overall.mentions,
        mean: round4(s.overall.mean),
        std: round4(s.overall.std),
        ci95: s.overall.ci95.map(|[lo, hi]| [round4(lo), round4(hi)]),
        negative: s.overall.negative,
        neutral: s.overall.neutral,
        positive: s.overall.positive,
        most_negative: paragraph_ref(&s.most_negative),
        most_positive: paragraph_ref(&s.most_positive),
        paragraph_attitudes: attitude_counts(s.paragraphs.iter().map(|p| p.attitude.as_ref())),
        document_attitudes: attitude_counts(s.documents.iter().map(|d| d.attitude.as_ref())),
    }
}

/// Ranked actors (most mentioned first, ties by name) × themes: mean attitude and mentions.
fn heatmap(summaries: &[ActorSummary], labels: &[String]) -> Heatmap {
    let mut rows: Vec<&ActorSummary> = summaries.iter().filter(|s| s.rank.is_some()).collect();
    rows.sort_by(|a, b| {
        b.overall
            .mentions
            .cmp(&a.overall.mentions)
            .then(a.actor.cmp(&b.actor))
    });
    rows.truncate(HEATMAP_ACTORS);
    let cell = |s: &ActorSummary, t: usize| {
        s.themes.iter().find(|k| k.key == t).map(|k| Cell {
            mean: round4(k.stats.mean),
            mentions: k.stats.mentions,
        })
    };
    Heatmap {
        actors: rows.iter().map(|s| s.actor.clone()).collect(),
        themes: labels.to_vec(),
        cells: rows
            .iter()
            .map(|s| (0..labels.len()).map(|t| cell(s, t)).collect())
            .collect(),
    }
}

/// Each document's theme mix, from the per-paragraph assignment.
fn documents(corpus: &Corpus, themes: &ThemeResult, n_themes: usize) -> Vec<DocumentEntry> {
    let duplicate_of: HashMap<&str, &str> = themes
        .duplicates
        .iter()
        .map(|d| (d.doc_id.as_str(), d.duplicate_of.as_str()))
        .collect();
    let mut per_doc: HashMap<&str, (usize, Vec<usize>)> = HashMap::new();
    for a in &themes.assignments {
        let entry = per_doc
            .entry(a.doc_id.as_str())
            .or_insert_with(|| (0, vec![0; n_themes]));
        entry.0 += 1;
        if let Some(t) = a.theme {
            entry.1[t] += 1;
        }
    }
    corpus
        .documents
        .iter()
        .map(|d| {
            let (total, counts) = per_doc
                .get(d.id.as_str())
                .cloned()
                .unwrap_or_else(|| (0, vec![0; n_themes]));
            let share = |k: usize| round4(k as f64 / total.max(1) as f64);
            let themed: usize = counts.iter().sum();
            DocumentEntry {
                id: d.id.clone(),
                title: d.title.clone(),
                paragraphs: d.paragraphs.len(),
                duplicate_of: duplicate_of.get(d.id.as_str()).map(|s| s.to_string()),
                theme_shares: counts.iter().map(|&k| share(k)).collect(),
                outlier_share: share(total - themed),
            }
        })
        .collect()
}

/// The paragraphs on their first two principal components.
fn map(set: &EmbeddingSet, themes: &ThemeResult) -> Map {
    let (xy, explained) = pca_2d(set.vectors.view());
    let points = themes
        .assignments
        .iter()
        .map(|a| MapPoint {
            doc_id: a.doc_id.clone(),
            para_index: a.para_index,
            x: xy[[a.row, 0]],
            y: xy[[a.row, 1]],
            theme: a.theme,
            duplicate: a.duplicate,
        })
        .collect();
    Map {
        method: "pca",
        explained,
        points,
    }
}
