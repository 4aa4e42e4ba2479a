//! `report.md`: the report as Markdown tables and quotes.

use std::fmt::Write;

use super::html::phrase_list;
use super::Report;

/// Escapes the characters that would break a table cell or start markup.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

/// Renders the report as Markdown.
pub fn render(r: &Report) -> String {
    let mut m = String::new();
    summary(&mut m, r);
    themes_table(&mut m, r);
    heatmap(&mut m, r);
    actors(&mut m, r);
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
    m.push_str("| # | theme | paragraphs | share | key phrases |\n|---:|---|---:|---:|---|\n");
    for t in &r.themes {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {:.1}% | {} |",
            t.id,
            cell(&t.label),
            t.size,
            t.share * 100.0,
            cell(&phrase_list(&t.phrases, 6))
        );
    }
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
    m.push_str("\n## Actors\n\n| actor | kind | mentions | mean | sd | 95% interval | neg / neu / pos | most negative ¶ | most positive ¶ |\n|---|---|---:|---:|---:|---:|---:|---|---|\n");
    for a in &r.actors {
        let para = |p: &Option<super::ParagraphRef>| {
            p.as_ref().map_or_else(String::new, |p| {
                format!("{} ¶{} ({:+.2})", cell(&p.doc_id), p.para_index, p.mean)
            })
        };
        let _ = writeln!(
            m,
            "| {}{} | {} | {} | {:+.2} | {:.2} | {} | {} / {} / {} | {} | {} |",
            cell(&a.name),
            if a.rank.is_none() {
                " (not ranked)"
            } else {
                ""
            },
            a.kind,
            a.mentions,
            a.mean,
            a.std,
            a.ci95
                .map_or_else(String::new, |[lo, hi]| format!("[{lo:+.2}, {hi:+.2}]")),
            a.negative,
            a.neutral,
            a.positive,
            para(&a.most_negative),
            para(&a.most_positive)
        );
    }
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
            "\n## Theme {}: {}\n\n{} paragraphs ({:.1}%).\n\n**Key phrases:** {}\n\n### Representative paragraphs\n",
            t.id,
            cell(&t.label),
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
        m.push_str("\n## Duplicates\n\n| document | repeats | paragraphs matched | text overlap |\n|---|---|---:|---:|\n");
        for d in &r.duplicates {
            let _ = writeln!(
                m,
                "| {} | {} | {:.0}% | {:.0}% |",
                cell(&d.doc_id),
                cell(&d.duplicate_of),
                d.paragraph_match * 100.0,
                d.text_overlap * 100.0
            );
        }
    }
    if !r.corpus.boilerplate.is_empty() {
        m.push_str("\n## Left out as boilerplate\n\nParagraphs that recur in several documents; `--keep-boilerplate` keeps them.\n\n| paragraph | documents |\n|---|---:|\n");
        for b in &r.corpus.boilerplate {
            let _ = writeln!(m, "| {} | {} |", cell(&b.text), b.documents);
        }
    }
    let long = &r.corpus.long_paragraphs;
    if long.split > 0 {
        let _ = writeln!(
            m,
            "\n{} paragraph(s) longer than the encoder reads at once were read whole, as {} windows of whole sentences.",
            long.split, long.windows
        );
    }
    if !r.corpus.skipped.is_empty() {
        m.push_str("\n## Skipped files\n\n| file | reason |\n|---|---|\n");
        for s in &r.corpus.skipped {
            let _ = writeln!(m, "| {} | {} |", cell(&s.path), cell(&s.reason));
        }
    }
}
