//! Themes and attitudes over time and by group: documents placed on a time axis and a group
//! axis from their metadata, each theme's share per time bin and group with its phrases per bin,
//! and each ranked actor's mean attitude per bin, per group, and (the top ones) per group and bin,
//! with a bootstrap interval over paragraphs.
//!
//! | file | job |
//! |---|---|
//! | `date.rs` | dates as documents write them, read without guessing (ambiguous ones rejected) |
//! | `bins.rs` | years, quarters, months; `auto` |
//! | `axes.rs` | each document's date, bin and group from its metadata; bad dates counted and listed |
//! | `shares.rs` | theme counts and shares per bin or group; phrases per bin (c-TF-IDF, smoothed) |
//! | `attitude.rs` | attitude cells over any key (bin, group, group and bin), and where an actor's attitude turned |
//!
//! The library never prints: what a reader should know (no dates, bad dates) comes back as
//! [`Note`]s for the caller to show.

pub mod attitude;
pub mod axes;
pub mod bins;
pub mod date;
pub mod shares;

use std::collections::BTreeMap;

use serde::Serialize;

pub use axes::{AxisFields, BadDates, BadValue, DocumentAxes, RowAxes, GROUP_FIELDS, TIME_FIELDS};
pub use bins::TimeBin;
pub use date::Date;

use crate::corpus::Corpus;
use crate::sentiment::aggregate::ActorSummary;
use crate::sentiment::score::ScoredMention;
use crate::themes::phrases::PhraseOptions;
use crate::themes::ThemeResult;

/// Most groups shown (by paragraphs); the rest are counted.
pub const MAX_GROUPS: usize = 20;
/// Most actors shown (ranked ones, most mentioned first).
pub const MAX_ACTORS: usize = 15;
/// Most actors in the time × group cross (the first of the ones shown).
pub const MAX_CROSS_ACTORS: usize = 5;

/// How the over-time and per-group tables are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineOptions {
    /// Average each bin's phrase scores with the previous bin's (when the theme was there).
    pub smooth: bool,
    /// Attitude cells with fewer mentions are marked as too few.
    pub min_mentions: usize,
    /// Bootstrap resamples for the attitude intervals.
    pub bootstrap: usize,
    pub seed: u64,
}

impl Default for TimelineOptions {
    fn default() -> Self {
        TimelineOptions {
            smooth: true,
            min_mentions: 3,
            bootstrap: 1000,
            seed: 42,
        }
    }
}

/// A theme's paragraphs per bin or group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeSeries {
    pub theme: usize,
    pub label: String,
    /// Paragraphs of the theme in each bin or group.
    pub counts: Vec<usize>,
    /// Their share of the bin's or group's paragraphs.
    pub shares: Vec<f32>,
    /// Over time: the first bin with at least 2 of its paragraphs and 5% of the bin's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// Over time: the theme's phrases in each bin.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<PhraseSlot>,
}

/// The phrases of a theme in one bin, best first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PhraseSlot {
    pub phrases: Vec<String>,
}

/// An actor's attitude in one bin or group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttitudeCell {
    pub mentions: usize,
    /// Paragraphs holding those mentions: the units the bootstrap resamples.
    pub paragraphs: usize,
    /// Fewer mentions than the minimum: no mean is given.
    pub too_few: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f32>,
    /// 95% bootstrap interval of the mean, resampling paragraphs (needs two or more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<[f32; 2]>,
}

/// An actor's attitude per bin or group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorSeries {
    pub actor: String,
    pub cells: Vec<AttitudeCell>,
    /// Over time: the first bin whose interval lies on the other side of zero from the last
    /// earlier interval that excluded zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<String>,
}

/// Themes and attitudes per time bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverTime {
    /// The metadata field the dates came from.
    pub field: String,
    /// `year`, `quarter` or `month`.
    pub bin: String,
    pub bins: Vec<String>,
    pub documents: Vec<usize>,
    /// Counted paragraphs (near-duplicate copies left out) per bin.
    pub paragraphs: Vec<usize>,
    /// Documents without a value in the field.
    pub undated_documents: usize,
    pub bad_dates: BadDates,
    /// Whether each bin's phrase scores were averaged with the previous bin's.
    pub smoothed_phrases: bool,
    pub themes: Vec<ThemeSeries>,
    pub actors: Vec<ActorSeries>,
}

/// One group's row of an actor's attitude over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSeries {
    pub group: String,
    /// One cell per time bin.
    pub cells: Vec<AttitudeCell>,
    /// Where the attitude turned in this group (as [`ActorSeries::turn`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<String>,
}

/// An actor's attitude per group and time bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorGroupSeries {
    pub actor: String,
    /// One row per group, in the order of [`ByGroup::groups`].
    pub groups: Vec<GroupSeries>,
}

/// The top actors' attitude per group and time bin; only when documents have both axes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupsOverTime {
    /// `year`, `quarter` or `month`.
    pub bin: String,
    pub bins: Vec<String>,
    /// The first [`MAX_CROSS_ACTORS`] of the actors shown.
    pub actors: Vec<ActorGroupSeries>,
}

/// Themes and attitudes per group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByGroup {
    pub field: String,
    /// The groups with most paragraphs, most first.
    pub groups: Vec<String>,
    pub documents: Vec<usize>,
    pub paragraphs: Vec<usize>,
    /// Documents without a group.
    pub ungrouped_documents: usize,
    /// Groups beyond the ones shown.
    pub other_groups: usize,
    pub themes: Vec<ThemeSeries>,
    pub actors: Vec<ActorSeries>,
    /// The top actors' attitude per group over time; absent without dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_time: Option<GroupsOverTime>,
}

/// Something the caller should tell the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    Info(String),
    Warning(String),
}

/// The over-time and per-group tables; each absent when its axis is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub over_time: Option<OverTime>,
    pub by_group: Option<ByGroup>,
    pub notes: Vec<Note>,
}

/// What the tables are made from: `themes` found on the corpus paragraphs in reading order,
/// `actors` aggregated from `mentions`.
pub struct TimelineInputs<'a> {
    pub corpus: &'a Corpus,
    pub axes: &'a DocumentAxes,
    pub themes: &'a ThemeResult,
    pub mentions: &'a [ScoredMention],
    pub actors: &'a [ActorSummary],
}

pub(crate) fn round4(x: f64) -> f32 {
    ((x * 10_000.0).round() / 10_000.0) as f32
}

/// Per paragraph row: its document, theme and whether it is counted.
struct Rows {
    doc: Vec<usize>,
    theme: Vec<Option<usize>>,
    counted: Vec<bool>,
}

impl Rows {
    fn new(corpus: &Corpus, themes: &ThemeResult) -> Rows {
        let doc = DocumentAxes::row_documents(corpus);
        let mut theme = vec![None; doc.len()];
        let mut counted = vec![false; doc.len()];
        for a in &themes.assignments {
            if a.row < doc.len() {
                theme[a.row] = a.theme;
                counted[a.row] = !a.duplicate;
            }
        }
        Rows {
            doc,
            theme,
            counted,
        }
    }

    /// Each row's slot, from its document's.
    fn slots(&self, by_doc: &[Option<usize>]) -> Vec<Option<usize>> {
        self.doc.iter().map(|&d| by_doc[d]).collect()
    }
}

/// Ranked actors, most mentioned first (ties by name), at most [`MAX_ACTORS`].
fn shown_actors(actors: &[ActorSummary]) -> Vec<String> {
    let mut ranked: Vec<&ActorSummary> = actors.iter().filter(|a| a.rank.is_some()).collect();
    ranked.sort_by(|a, b| {
        b.overall
            .mentions
            .cmp(&a.overall.mentions)
            .then(a.actor.cmp(&b.actor))
    });
    ranked
        .into_iter()
        .take(MAX_ACTORS)
        .map(|a| a.actor.clone())
        .collect()
}

/// Builds the tables and the notes about them.
pub fn build(
    inputs: &TimelineInputs<'_>,
    opts: &TimelineOptions,
    phrase_opts: &PhraseOptions,
) -> Timeline {
    let rows = Rows::new(inputs.corpus, inputs.themes);
    let mut notes = axis_notes(inputs.axes);
    let over_time = inputs
        .axes
        .has_time()
        .then(|| over_time(inputs, &rows, opts, phrase_opts));
    let by_group = inputs
        .axes
        .has_groups()
        .then(|| by_group(inputs, &rows, opts));
    if let Some(g) = &by_group {
        notes.push(Note::Info(format!(
            "groups by `{}`: {} groups{}",
            g.field,
            g.groups.len() + g.other_groups,
            match g.ungrouped_documents {
                0 => String::new(),
                n => format!(", {n} documents without one"),
            }
        )));
    }
    Timeline {
        over_time,
        by_group,
        notes,
    }
}

/// What the reader should know about the time axis.
fn axis_notes(axes: &DocumentAxes) -> Vec<Note> {
    let mut notes = Vec::new();
    // A field the user named and no document has is worth a warning; the defaults missing is
    // the ordinary case of a corpus without dates or sources.
    let named = |tried: &[String], defaults: &[&str]| tried.iter().ne(defaults.iter());
    if axes.group_field.is_none() && named(&axes.group_fields_tried, &GROUP_FIELDS) {
        notes.push(Note::Warning(format!(
            "no document has a `{}` field; the per-group sections are left out",
            axes.group_fields_tried.join(", ")
        )));
    }
    let Some(field) = &axes.time_field else {
        let line = format!(
            "no document has a date (fields tried: {}); the over-time sections are left out \
             (--time-field names another field)",
            axes.time_fields_tried.join(", ")
        );
        notes.push(match named(&axes.time_fields_tried, &TIME_FIELDS) {
            true => Note::Warning(line),
            false => Note::Info(line),
        });
        return notes;
    };
    let bad = &axes.bad_dates;
    if let Some(first) = bad.listed.first() {
        notes.push(Note::Warning(format!(
            "{} document(s) have a `{field}` that is not a date, left out of the over-time \
             sections (listed in the report; e.g. {}: {}: {})",
            bad.count, first.doc_id, first.value, first.reason
        )));
    }
    if !axes.has_time() {
        notes.push(Note::Info(format!(
            "no `{field}` value reads as a date; the over-time sections are left out"
        )));
        return notes;
    }
    let dated = axes.bins.iter().flatten().count();
    let undated = match axes.undated {
        0 => String::new(),
        n => format!(", {n} without a `{field}`"),
    };
    notes.push(Note::Info(format!(
        "time by `{field}`, per {}: {} to {} ({} bins), {dated} documents dated{undated}",
        axes.bin.as_str(),
        axes.bin_labels[0],
        axes.bin_labels[axes.bin_labels.len() - 1],
        axes.bin_labels.len()
    )));
    notes
}

fn documents_per(slots: &[Option<usize>], n: usize) -> Vec<usize> {
    let mut counts = vec![0; n];
    for s in slots.iter().flatten() {
        counts[*s] += 1;
    }
    counts
}

fn over_time(
    inputs: &TimelineInputs<'_>,
    rows: &Rows,
    opts: &TimelineOptions,
    phrase_opts: &PhraseOptions,
) -> OverTime {
    let axes = inputs.axes;
    let bins = &axes.bin_labels;
    let labels: Vec<String> = inputs
        .themes
        .themes
        .iter()
        .map(|t| t.label.clone())
        .collect();
    let slots = rows.slots(&axes.bins);
    let counts = shares::count(&slots, &rows.theme, &rows.counted, labels.len(), bins.len());
    let mut themes = shares::series(&counts, &labels, bins);
    let texts: Vec<&str> = inputs
        .corpus
        .documents
        .iter()
        .flat_map(|d| d.paragraphs.iter().map(move |p| d.paragraph_text(p)))
        .collect();
    let phrases = shares::phrases_per_bin(
        &texts,
        &slots,
        &rows.theme,
        &rows.counted,
        (labels.len(), bins.len()),
        phrase_opts,
        opts.smooth,
    );
    for (series, phrases) in themes.iter_mut().zip(phrases) {
        series.phrases = phrases;
    }
    let actors = actor_series(inputs, &axes.bins, bins, opts, true);
    OverTime {
        field: axes.time_field.clone().unwrap_or_default(),
        bin: axes.bin.as_str().to_string(),
        bins: bins.clone(),
        documents: documents_per(&axes.bins, bins.len()),
        paragraphs: counts.totals,
        undated_documents: axes.undated,
        bad_dates: axes.bad_dates.clone(),
        smoothed_phrases: opts.smooth,
        themes,
        actors,
    }
}

/// The attitude cells of `actors` over `keys` slots, each mention in its document's slot.
fn attitude_cells(
    inputs: &TimelineInputs<'_>,
    actors: &[String],
    doc_keys: &[Option<usize>],
    keys: usize,
    opts: &TimelineOptions,
) -> Vec<Vec<AttitudeCell>> {
    let cell_opts = attitude::CellOptions {
        min_mentions: opts.min_mentions,
        bootstrap: opts.bootstrap,
    };
    let key_of = |m: &ScoredMention| doc_keys.get(m.mention.doc).copied().flatten();
    attitude::cells(actors, inputs.mentions, key_of, keys, &cell_opts, opts.seed)
}

/// Each shown actor's cells per slot, and (over time) where its attitude turned.
fn actor_series(
    inputs: &TimelineInputs<'_>,
    doc_slots: &[Option<usize>],
    slot_labels: &[String],
    opts: &TimelineOptions,
    over_time: bool,
) -> Vec<ActorSeries> {
    let actors = shown_actors(inputs.actors);
    let cells = attitude_cells(inputs, &actors, doc_slots, slot_labels.len(), opts);
    actors
        .into_iter()
        .zip(cells)
        .map(|(actor, cells)| ActorSeries {
            actor,
            turn: over_time
                .then(|| attitude::turn(&cells))
                .flatten()
                .map(|s| slot_labels[s].clone()),
            cells,
        })
        .collect()
}

/// The top actors' cells per (group, bin): one slot per pair, `group * bins + bin`, so the
/// cells come from the same function as the other tables; then one row per group.
fn groups_over_time(
    inputs: &TimelineInputs<'_>,
    group_of_doc: &[Option<usize>],
    groups: &[String],
    opts: &TimelineOptions,
) -> GroupsOverTime {
    let axes = inputs.axes;
    let bins = &axes.bin_labels;
    let nb = bins.len();
    let doc_keys: Vec<Option<usize>> = group_of_doc
        .iter()
        .zip(&axes.bins)
        .map(|(g, b)| Some(g.as_ref()? * nb + b.as_ref()?))
        .collect();
    let mut actors = shown_actors(inputs.actors);
    actors.truncate(MAX_CROSS_ACTORS);
    let cells = attitude_cells(inputs, &actors, &doc_keys, groups.len() * nb, opts);
    let actors = actors
        .into_iter()
        .zip(cells)
        .map(|(actor, cells)| ActorGroupSeries {
            actor,
            groups: groups
                .iter()
                .zip(cells.chunks(nb.max(1)))
                .map(|(group, row)| GroupSeries {
                    group: group.clone(),
                    turn: attitude::turn(row).map(|s| bins[s].clone()),
                    cells: row.to_vec(),
                })
                .collect(),
        })
        .collect();
    GroupsOverTime {
        bin: axes.bin.as_str().to_string(),
        bins: bins.clone(),
        actors,
    }
}

fn by_group(inputs: &TimelineInputs<'_>, rows: &Rows, opts: &TimelineOptions) -> ByGroup {
    let axes = inputs.axes;
    // Groups by counted paragraphs, most first, ties by name.
    let mut size: BTreeMap<&str, usize> = BTreeMap::new();
    for (row, &d) in rows.doc.iter().enumerate() {
        if let Some(g) = &axes.groups[d] {
            *size.entry(g.as_str()).or_default() += usize::from(rows.counted[row]);
        }
    }
    let mut order: Vec<(&str, usize)> = size.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let other_groups = order.len().saturating_sub(MAX_GROUPS);
    order.truncate(MAX_GROUPS);
    let groups: Vec<String> = order.iter().map(|(g, _)| g.to_string()).collect();
    let doc_slots: Vec<Option<usize>> = axes
        .groups
        .iter()
        .map(|g| g.as_ref().and_then(|g| groups.iter().position(|x| x == g)))
        .collect();
    let labels: Vec<String> = inputs
        .themes
        .themes
        .iter()
        .map(|t| t.label.clone())
        .collect();
    let slots = rows.slots(&doc_slots);
    let counts = shares::count(
        &slots,
        &rows.theme,
        &rows.counted,
        labels.len(),
        groups.len(),
    );
    let mut themes = shares::series(&counts, &labels, &groups);
    themes.iter_mut().for_each(|t| t.first = None);
    ByGroup {
        field: axes.group_field.clone().unwrap_or_default(),
        documents: documents_per(&doc_slots, groups.len()),
        paragraphs: counts.totals,
        ungrouped_documents: axes.groups.iter().filter(|g| g.is_none()).count(),
        other_groups,
        actors: actor_series(inputs, &doc_slots, &groups, opts, false),
        over_time: axes
            .has_time()
            .then(|| groups_over_time(inputs, &doc_slots, &groups, opts)),
        themes,
        groups,
    }
}
