//! The report's tables, built once from the [`Report`] for both renderings
//! ([`Table::markdown`], [`Table::html`]).

use super::table::{Cell, Column, Kind, Table};
use super::{attitude_text, Report};
use crate::timeline::{ActorSeries, BadDates, GroupsOverTime, ThemeSeries};

/// Key phrases in a table cell: the first few.
const PHRASES_IN_TABLE: usize = 6;

fn number(text: impl Into<String>) -> Cell {
    Cell::text(text)
}

fn percent(share: f32, decimals: usize) -> Cell {
    number(format!("{:.*}%", decimals, share * 100.0))
}

/// The themes: label (linked, with the top words under it), size, share, key phrases.
pub(super) fn themes(r: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::new("#", Kind::Number),
        Column::new("theme", Kind::Text),
        Column::new("paragraphs", Kind::Number),
        Column::new("share", Kind::Number),
        Column::new("key phrases", Kind::Phrases),
    ]);
    for theme in &r.themes {
        let name = Cell {
            link: true,
            ..Cell::theme(theme.id, &theme.label).with_note(super::words_line(&theme.words))
        };
        t.rows.push(vec![
            number(theme.id.to_string()),
            name,
            number(theme.size.to_string()),
            percent(theme.share, 1),
            Cell::text(super::phrase_list(&theme.phrases, PHRASES_IN_TABLE)),
        ]);
    }
    t
}

/// The themes cut into `--level` groups (empty when not asked for).
pub(super) fn groups(r: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::new("group", Kind::Text),
        Column::new("paragraphs", Kind::Number),
        Column::new("share", Kind::Number),
        Column::new("themes", Kind::Text),
        Column::new("key phrases", Kind::Phrases),
    ]);
    for g in &r.theme_groups {
        t.rows.push(vec![
            Cell::text(&g.label).with_note(super::words_line(&g.words)),
            number(g.size.to_string()),
            percent(g.share, 1),
            Cell::text(super::group_themes(r, g)),
            Cell::text(super::phrase_list(&g.phrases, PHRASES_IN_TABLE)),
        ]);
    }
    t
}

/// Each actor over the corpus.
pub(super) fn actors(r: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::new("actor", Kind::Text),
        Column::new("kind", Kind::Text),
        Column::new("mentions", Kind::Number),
        Column::new("mean", Kind::Number),
        Column::new("sd", Kind::Number),
        Column::new("95% interval", Kind::Number),
        Column::new("mentions neg / neu / pos", Kind::Number),
        Column::new("paragraphs neg / neu / pos", Kind::Number),
        Column::new("documents neg / neu / pos", Kind::Number),
        Column::new("most negative ¶", Kind::Text),
        Column::new("most positive ¶", Kind::Text),
    ]);
    let para = |p: &Option<super::ParagraphRef>| {
        Cell::text(p.as_ref().map_or_else(String::new, |p| {
            format!("{} ¶{} ({:+.2})", p.doc_id, p.para_index, p.mean)
        }))
    };
    for a in &r.actors {
        let mut name = Cell::text(&a.name);
        if a.rank.is_none() {
            name = name.with_note("few mentions, not ranked");
        }
        t.rows.push(vec![
            name,
            Cell::text(&a.kind),
            number(a.mentions.to_string()),
            number(format!("{:+.2}", a.mean)),
            number(format!("{:.2}", a.std)),
            number(
                a.ci95
                    .map_or_else(String::new, |[lo, hi]| format!("[{lo:+.2}, {hi:+.2}]")),
            ),
            number(format!("{} / {} / {}", a.negative, a.neutral, a.positive)),
            number(super::label_counts(a.paragraph_attitudes)),
            number(super::label_counts(a.document_attitudes)),
            para(&a.most_negative),
            para(&a.most_positive),
        ]);
    }
    t
}

/// Slots (bins or groups) as rows and themes as columns: share and paragraphs.
pub(super) fn theme_slots(
    slot: &str,
    slots: &[String],
    totals: &[usize],
    themes: &[ThemeSeries],
) -> Table {
    let mut columns = vec![
        Column::new(slot, Kind::Text),
        Column::new("paragraphs", Kind::Number),
    ];
    columns.extend(themes.iter().map(|s| Column {
        title: Cell::theme(s.theme, &s.label),
        kind: Kind::Number,
    }));
    let mut t = Table::new(columns);
    for (i, s) in slots.iter().enumerate() {
        let mut row = vec![Cell::text(s), number(totals[i].to_string())];
        row.extend(
            themes
                .iter()
                .map(|s| number(format!("{:.0}% ({})", s.shares[i] * 100.0, s.counts[i]))),
        );
        t.rows.push(row);
    }
    t
}

fn attitude_cell(c: &crate::timeline::AttitudeCell) -> Cell {
    Cell {
        few: c.too_few,
        ..number(attitude_text(c))
    }
}

/// Actors as rows and slots (bins or groups) as columns: attitude cells; with `turn`, the slot
/// where each actor's attitude turned.
pub(super) fn attitudes(slots: &[String], actors: &[ActorSeries], turn: bool) -> Table {
    let mut columns = vec![Column::new("actor", Kind::Text)];
    columns.extend(slots.iter().map(|s| Column::new(s, Kind::Number)));
    if turn {
        columns.push(Column::new("turned in", Kind::Text));
    }
    let mut t = Table::new(columns);
    for a in actors {
        let mut row = vec![Cell::text(&a.actor)];
        row.extend(a.cells.iter().map(attitude_cell));
        if turn {
            row.push(Cell::text(a.turn.as_deref().unwrap_or("")));
        }
        t.rows.push(row);
    }
    t
}

/// The top actors' attitude per group and time bin: the rows with a number somewhere, and how
/// many rows were left out for having none.
pub(super) fn groups_over_time(field: &str, t: &GroupsOverTime) -> (Table, usize) {
    let mut columns = vec![
        Column::new("actor", Kind::Text),
        Column::new(field, Kind::Text),
    ];
    columns.extend(t.bins.iter().map(|b| Column::new(b, Kind::Number)));
    columns.push(Column::new("turned in", Kind::Text));
    let mut table = Table::new(columns);
    let (shown, left) = super::cross_rows(t);
    for (actor, row) in shown {
        let mut cells = vec![Cell::text(actor), Cell::text(&row.group)];
        cells.extend(row.cells.iter().map(attitude_cell));
        cells.push(Cell::text(row.turn.as_deref().unwrap_or("")));
        table.rows.push(cells);
    }
    (table, left)
}

/// Each theme's phrases per time bin (bins where it has some).
pub(super) fn phrases_per_bin(t: &crate::timeline::OverTime) -> Table {
    let mut table = Table::new(vec![
        Column::new(&t.bin, Kind::Text),
        Column::new("theme", Kind::Text),
        Column::new("phrases", Kind::Phrases),
    ]);
    for (i, bin) in t.bins.iter().enumerate() {
        for s in &t.themes {
            if let Some(p) = s.phrases.get(i).filter(|p| !p.phrases.is_empty()) {
                table.rows.push(vec![
                    Cell::text(bin),
                    Cell::theme(s.theme, &s.label),
                    Cell::text(p.phrases.join(", ")),
                ]);
            }
        }
    }
    table
}

/// Dates that do not read, as listed.
pub(super) fn bad_dates(b: &BadDates) -> Table {
    let mut t = Table::new(vec![
        Column::new("document", Kind::Text),
        Column::new("value", Kind::Text),
        Column::new("why", Kind::Text),
    ]);
    for d in &b.listed {
        t.rows.push(vec![
            Cell::text(&d.doc_id),
            Cell::text(&d.value),
            Cell::text(&d.reason),
        ]);
    }
    t
}

/// Near-duplicate documents.
pub(super) fn duplicates(r: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::new("document", Kind::Text),
        Column::new("repeats", Kind::Text),
        Column::new("paragraphs matched", Kind::Number),
        Column::new("text overlap", Kind::Number),
    ]);
    for d in &r.duplicates {
        t.rows.push(vec![
            Cell::text(&d.doc_id),
            Cell::text(&d.duplicate_of),
            percent(d.paragraph_match, 0),
            percent(d.text_overlap, 0),
        ]);
    }
    t
}

/// Paragraphs left out as boilerplate, with how many documents repeat each.
pub(super) fn boilerplate(r: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::new("paragraph", Kind::Text),
        Column::new("documents", Kind::Number),
    ]);
    for b in &r.corpus.boilerplate {
        t.rows
            .push(vec![Cell::text(&b.text), number(b.documents.to_string())]);
    }
    t
}

/// Input files skipped, and why.
pub(super) fn skipped(r: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::new("file", Kind::Text),
        Column::new("reason", Kind::Text),
    ]);
    for s in &r.corpus.skipped {
        t.rows
            .push(vec![Cell::text(&s.path), Cell::text(&s.reason)]);
    }
    t
}
