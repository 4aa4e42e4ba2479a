//! `report.md`: the report as Markdown tables and quotes.

use std::fmt::Write;

use super::table::md_escape as cell;
use super::{phrase_list, tables, Report};
use crate::timeline::GroupsOverTime;

/// Renders the report as Markdown.
pub fn render(r: &Report) -> String {
    let mut m = String::new();
    summary(&mut m, r);
    themes_table(&mut m, r);
    heatmap(&mut m, r);
    actors(&mut m, r);
    over_time(&mut m, r);
    by_group(&mut m, r);
    documents(&mut m, r);
    theme_sections(&mut m, r);
    duplicates_and_skipped(&mut m, r);
    m
}

/// The title and the one-line summary.
fn summary(m: &mut String, r: &Report) {
    let _ = writeln!(m, "# {}\n", cell(&r.title));
    let _ = writeln!(
        m,
        "{} documents, {} paragraphs, {} themes (reduction `{}`), {} actor mentions. Model `{}`{}; attitude by {}. themescope {}.\n",
        r.corpus.documents,
        r.corpus.paragraphs,
        r.themes.len(),
        r.clustering.reduce,
        r.corpus.mentions,
        r.model.id,
        r.model
            .revision
            .as_deref()
            .map_or_else(String::new, |v| format!(" @ `{}`", &v[..v.len().min(12)])),
        match &r.sentiment.head {
            Some(h) if r.sentiment.method == "head" => format!("the `{h}` head"),
            _ => r.sentiment.method.clone(),
        },
        r.themescope_version
    );
}

/// The themes with sizes and key phrases.
fn themes_table(m: &mut String, r: &Report) {
    m.push_str("## Themes\n\n");
    let _ = writeln!(
        m,
        "Outliers: {} paragraphs ({:.1}%), {} moved to their nearest theme. Near-duplicate documents counted once: {}.\n",
        r.outliers.count,
        r.outliers.share * 100.0,
        r.outliers.reassigned,
        r.duplicates.len()
    );
    let _ = writeln!(m, "{}\n", super::label_quality_line(r));
    let tree = super::tree_lines(r);
    if !tree.is_empty() {
        m.push_str("Theme tree (themes merged pairwise, closest first; coarsest group first):\n\n");
        for line in tree {
            let _ = writeln!(m, "- {line}");
        }
        m.push('\n');
    }
    groups_table(m, r);
    m.push_str(&tables::themes(r).markdown());
}

/// The themes cut into `--level` groups, when asked for.
fn groups_table(m: &mut String, r: &Report) {
    if r.theme_groups.is_empty() {
        return;
    }
    let _ = writeln!(m, "{}\n", super::groups_line(r));
    m.push_str(&tables::groups(r).markdown());
}

/// The actor × theme attitudes.
fn heatmap(m: &mut String, r: &Report) {
    m.push_str("\n## Actors × themes\n\nMean attitude of each actor's mentions in each theme (−1 negative, +1 positive), with the number of mentions.\n\n");
    if r.heatmap.actors.is_empty() {
        let _ = writeln!(
            m,
            "No actor has {} or more mentions.",
            r.sentiment.min_mentions
        );
    } else {
        m.push_str("| actor |");
        for l in &r.heatmap.themes {
            let _ = write!(m, " {} |", cell(l));
        }
        m.push_str("\n|---|");
        m.push_str(&"---:|".repeat(r.heatmap.themes.len()));
        m.push('\n');
        for (a, actor) in r.heatmap.actors.iter().enumerate() {
            let _ = write!(m, "| {} |", cell(actor));
            for c in &r.heatmap.cells[a] {
                match c {
                    Some(c) => {
                        let _ = write!(m, " {:+.2} ({}) |", c.mean, c.mentions);
                    }
                    None => m.push_str(" |"),
                }
            }
            m.push('\n');
        }
    }
}

/// Each actor over the corpus.
fn actors(m: &mut String, r: &Report) {
    m.push_str("\n## Actors\n\nMentions by their own score; paragraphs and documents that name the actor by their learned attitude toward it.\n\n");
    m.push_str(&tables::actors(r).markdown());
}

/// Each document's theme mix.
fn documents(m: &mut String, r: &Report) {
    m.push_str(
        "\n## Documents\n\nShare of each document's paragraphs in each theme.\n\n| document |",
    );
    for t in &r.themes {
        let _ = write!(m, " {} |", t.id);
    }
    m.push_str(" outliers |\n|---|");
    m.push_str(&"---:|".repeat(r.themes.len() + 1));
    m.push('\n');
    for d in &r.documents {
        let _ = write!(
            m,
            "| {}{} |",
            cell(&d.id),
            d.duplicate_of
                .as_deref()
                .map_or_else(String::new, |o| format!(
                    " (repeats {}, not counted)",
                    cell(o)
                ))
        );
        for s in &d.theme_shares {
            let _ = write!(m, " {:.0}% |", s * 100.0);
        }
        let _ = writeln!(m, " {:.0}% |", d.outlier_share * 100.0);
    }
}

/// One section per theme: key phrases and representative paragraphs.
fn theme_sections(m: &mut String, r: &Report) {
    for t in &r.themes {
        let _ = writeln!(
            m,
            "\n## Theme {}: {}\n\n*Top words:* {}\n\n{} paragraphs ({:.1}%).\n\n**Key phrases:** {}\n\n### Representative paragraphs\n",
            t.id,
            cell(&t.label),
            cell(&super::words_line(&t.words)),
            t.size,
            t.share * 100.0,
            cell(&phrase_list(&t.phrases, usize::MAX))
        );
        for p in &t.representatives {
            let mentions: Vec<String> = p
                .mentions
                .iter()
                .map(|x| format!("{} {:+.2}", x.actor, x.score))
                .collect();
            let _ = writeln!(
                m,
                "> {}\n>\n> — {} ¶{}, similarity {:.2}{}\n",
                p.text.replace('\n', " "),
                p.doc_id,
                p.para_index,
                p.similarity,
                if mentions.is_empty() {
                    String::new()
                } else {
                    format!("; actors: {}", mentions.join(", "))
                }
            );
        }
    }
}

/// Near-duplicate documents and skipped files, when there are any.
fn duplicates_and_skipped(m: &mut String, r: &Report) {
    if !r.duplicates.is_empty() {
        m.push_str("\n## Duplicates\n\n");
        m.push_str(&tables::duplicates(r).markdown());
    }
    if !r.corpus.boilerplate.is_empty() {
        m.push_str("\n## Left out as boilerplate\n\nParagraphs that recur in several documents; `--keep-boilerplate` keeps them.\n\n");
        m.push_str(&tables::boilerplate(r).markdown());
    }
    let long = &r.corpus.long_paragraphs;
    if long.split > 0 {
        let _ = writeln!(
            m,
            "\n{} paragraph(s) longer than the encoder reads at once were read whole, as {} windows of whole sentences.",
            long.split, long.windows
        );
    }
    if let Some(clipped) = &r.corpus.clipped {
        let _ = writeln!(m, "\n{}", clipped.sentence());
    }
    if !r.corpus.skipped.is_empty() {
        m.push_str("\n## Skipped files\n\n");
        m.push_str(&tables::skipped(r).markdown());
    }
}

/// Themes and attitudes per time bin, when documents have dates.
fn over_time(m: &mut String, r: &Report) {
    let Some(t) = &r.over_time else { return };
    let _ = writeln!(m, "\n## Over time\n\n{}\n", super::time_axis_line(t));
    let _ = writeln!(
        m,
        "### Theme share per {}\n\nShare of each {}'s paragraphs in each theme (paragraphs in brackets).\n",
        t.bin, t.bin
    );
    m.push_str(&tables::theme_slots(&t.bin, &t.bins, &t.paragraphs, &t.themes).markdown());
    m.push_str("First appearance (the first bin with at least 2 of a theme's paragraphs and 5% of the bin's):\n\n");
    for s in &t.themes {
        let _ = writeln!(
            m,
            "- #{} {}: {}",
            s.theme,
            cell(&s.label),
            s.first.as_deref().unwrap_or("never that much")
        );
    }
    let _ = writeln!(
        m,
        "\n### Theme phrases per {}\n\nc-TF-IDF of the theme's paragraphs in the bin{}.\n",
        t.bin,
        if t.smoothed_phrases {
            ", averaged with the previous bin's"
        } else {
            ""
        },
    );
    m.push_str(&tables::phrases_per_bin(t).markdown());
    if !t.actors.is_empty() {
        let _ = writeln!(
            m,
            "\n### Attitude per {}\n\nMean attitude of each actor's mentions in each {} (−1 negative, +1 positive), its 95% bootstrap interval, and the number of mentions; \"too few\" below {} mentions. \"Turned in\": the first {} whose interval lies on the other side of zero from an earlier one's.\n",
            t.bin, t.bin, r.sentiment.min_mentions, t.bin
        );
        m.push_str(&tables::attitudes(&t.bins, &t.actors, true).markdown());
    }
    if !t.bad_dates.listed.is_empty() {
        let _ = writeln!(
            m,
            "### Dates that do not read\n\n{} document(s); the first {} listed.\n",
            t.bad_dates.count,
            t.bad_dates.listed.len()
        );
        m.push_str(&tables::bad_dates(&t.bad_dates).markdown());
    }
}

/// Themes and attitudes per group, when documents have one.
fn by_group(m: &mut String, r: &Report) {
    let Some(g) = &r.by_group else { return };
    let _ = writeln!(
        m,
        "\n## By {}\n\n{}\n",
        cell(&g.field),
        super::group_axis_line(g)
    );
    let _ = writeln!(m, "### Themes per {}\n", cell(&g.field));
    m.push_str(&tables::theme_slots(&g.field, &g.groups, &g.paragraphs, &g.themes).markdown());
    if !g.actors.is_empty() {
        let _ = writeln!(
            m,
            "### How each {} treats each actor\n\nMean attitude, 95% bootstrap interval and mentions; \"too few\" below {} mentions.\n",
            cell(&g.field),
            r.sentiment.min_mentions
        );
        m.push_str(&tables::attitudes(&g.groups, &g.actors, false).markdown());
    }
    if let Some(t) = &g.over_time {
        groups_over_time(m, &g.field, t, r.sentiment.min_mentions);
    }
}

/// The top actors' attitude per group and time bin: one row per actor and group that has a
/// number somewhere; rows with none are counted, not listed.
fn groups_over_time(m: &mut String, field: &str, t: &GroupsOverTime, min_mentions: usize) {
    let _ = writeln!(
        m,
        "### Attitude per {} and {}\n\nThe top actors: mean attitude, 95% bootstrap interval (resampling paragraphs) and mentions per {} and {}; \"too few\" below {} mentions. Rows without a single number are left out.\n",
        cell(field),
        t.bin,
        cell(field),
        t.bin,
        min_mentions
    );
    let (table, left) = tables::groups_over_time(field, t);
    m.push_str(&table.markdown());
    if left > 0 {
        let _ = writeln!(
            m,
            "{left} more actor and {} rows have too few mentions in every {}.",
            cell(field),
            t.bin
        );
    }
}
