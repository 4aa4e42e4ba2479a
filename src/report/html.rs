//! `report.html`: one self-contained page (inline CSS and SVG; no script, font or image from
//! anywhere), readable on a laptop and printable.

use std::fmt::Write;

use super::svg::{self, esc, theme_colour};
use super::{phrase_list, tables, MentionEntry, ParagraphEntry, Report};
use crate::sentiment::Label;
use crate::timeline::{ByGroup, GroupsOverTime};

const STYLE: &str = "
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;max-width:980px;margin:0 auto;padding:1.5em}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{max-width:100%;height:auto;display:block;margin:1em 0}
.chart text{font:12px system-ui,sans-serif;fill:#111}.chart text.small{font-size:11px}.chart text.axis{font-size:11px;fill:#555}
.meta{color:#444}.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.4em;vertical-align:-.1em}
blockquote{margin:.6em 0;padding:.4em .8em;border-left:4px solid #ccc;background:#fafafa}
mark{padding:0 .15em;border-radius:2px;border-bottom:2px solid}
mark.negative{background:#f6d5d8;border-color:#b2182b}mark.positive{background:#d4e4f4;border-color:#2166ac}mark.neutral{background:#eee;border-color:#777}
.phrases{color:#333}.words{color:#555;font-style:italic}.skipped{color:#8a1c1c}td.few{color:#888}
@media print{body{max-width:none;padding:0}h2{break-after:avoid}.chart,blockquote,table{break-inside:avoid}}
";

/// Renders the report as one HTML page.
pub fn render(r: &Report) -> String {
    let labels: Vec<String> = r.themes.iter().map(|t| t.label.clone()).collect();
    let mut h = String::new();
    page_head(&mut h, r);
    overview(&mut h, r, &labels);
    actors(&mut h, r);
    over_time(&mut h, r);
    by_group(&mut h, r);
    documents(&mut h, r, &labels);
    theme_sections(&mut h, r);
    duplicates(&mut h, r);
    left_out(&mut h, r);
    skipped(&mut h, r);
    h.push_str("</body>\n</html>\n");
    h
}

/// The page head, the title and the one-line summary.
fn page_head(h: &mut String, r: &Report) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&r.title),
        esc(&r.title)
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} documents, {} paragraphs, {} themes (reduction {}), {} actor mentions. Model {}{}; attitude by {}. themescope {}.</p>",
        r.corpus.documents,
        r.corpus.paragraphs,
        r.themes.len(),
        esc(&r.clustering.reduce),
        r.corpus.mentions,
        esc(&r.model.id),
        r.model
            .revision
            .as_deref()
            .map_or_else(String::new, |v| format!(" @ {}", esc(&v[..v.len().min(12)]))),
        esc(&method_name(r)),
        esc(&r.themescope_version)
    );
    if !r.corpus.skipped.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"skipped\"><strong>{} input file(s) skipped</strong> (see <a href=\"#skipped\">Skipped files</a>).</p>",
            r.corpus.skipped.len()
        );
    }
}

/// The themes: table, sizes chart, map of paragraphs.
fn overview(h: &mut String, r: &Report, labels: &[String]) {
    h.push_str("<h2 id=\"themes\">Themes</h2>\n");
    let _ = writeln!(h, "<p>{}</p>", esc(&super::label_quality_line(r)));
    let tree = super::tree_lines(r);
    if !tree.is_empty() {
        h.push_str(
            "<details><summary>Theme tree (themes merged pairwise, closest first)</summary><ul>\n",
        );
        for line in tree {
            let _ = writeln!(h, "<li>{}</li>", esc(&line));
        }
        h.push_str("</ul></details>\n");
    }
    let _ = writeln!(
        h,
        "<p>Outliers: {} paragraphs ({:.1}%), {} moved to their nearest theme.{}</p>",
        r.outliers.count,
        r.outliers.share * 100.0,
        r.outliers.reassigned,
        if r.duplicates.is_empty() {
            String::new()
        } else {
            format!(
                " {} near-duplicate document(s) counted once (see <a href=\"#duplicates\">Duplicates</a>).",
                r.duplicates.len()
            )
        }
    );
    groups_table(h, r);
    h.push_str(&tables::themes(r).html());
    h.push_str(&svg::theme_sizes(&r.themes));
    h.push_str("<h3>Map of paragraphs</h3>\n");
    h.push_str(&svg::paragraph_map(&r.map.points, labels, r.map.explained));
}

/// The themes cut into `--level` groups, when asked for.
fn groups_table(h: &mut String, r: &Report) {
    if r.theme_groups.is_empty() {
        return;
    }
    let _ = writeln!(h, "<p>{}</p>", esc(&super::groups_line(r)));
    h.push_str(&tables::groups(r).html());
}

/// The actor × theme heatmap and the actors table.
fn actors(h: &mut String, r: &Report) {
    h.push_str("<h2 id=\"heatmap\">Actors × themes</h2>\n");
    if r.heatmap.actors.is_empty() {
        let _ = writeln!(
            h,
            "<p>No actor has {} or more mentions.</p>",
            r.sentiment.min_mentions
        );
    } else {
        h.push_str("<p>How each theme's paragraphs treat each actor: the mean attitude of its mentions (−1 negative, +1 positive) and, in brackets, how many mentions.</p>\n");
        h.push_str(&svg::heatmap(&r.heatmap));
    }
    h.push_str("<h2 id=\"actors\">Actors</h2>\n");
    if r.actors.iter().any(|a| a.rank.is_some()) {
        h.push_str(&svg::actor_attitudes(&r.actors));
    }
    h.push_str(&tables::actors(r).html());
    h.push_str("<p><small>Mentions by their own score; paragraphs and documents that name the actor by their learned attitude toward it.</small></p>\n");
}

/// Themes and attitudes per time bin, when documents have dates.
fn over_time(h: &mut String, r: &Report) {
    let Some(t) = &r.over_time else { return };
    let _ = writeln!(
        h,
        "<h2 id=\"over-time\">Over time</h2>\n<p>{}</p>\n<h3>Theme share per {}</h3>",
        esc(&super::time_axis_line(t)),
        esc(&t.bin)
    );
    h.push_str(&svg::theme_share_over_time(t));
    h.push_str("<details><summary>Table: paragraphs of each theme per bin, and where each theme first appears</summary>\n");
    h.push_str(&tables::theme_slots(&t.bin, &t.bins, &t.paragraphs, &t.themes).html());
    h.push_str("<ul>\n");
    for s in &t.themes {
        let _ = writeln!(
            h,
            "<li>#{} {}: first appears in {}</li>",
            s.theme,
            esc(&s.label),
            esc(s
                .first
                .as_deref()
                .unwrap_or("no bin (never 2 paragraphs and 5% of a bin)"))
        );
    }
    h.push_str("</ul></details>\n");
    let _ = writeln!(
        h,
        "<details><summary>Theme phrases per {} (c-TF-IDF of the bin{})</summary>",
        esc(&t.bin),
        if t.smoothed_phrases {
            ", averaged with the previous bin's"
        } else {
            ""
        },
    );
    h.push_str(&tables::phrases_per_bin(t).html());
    h.push_str("</details>\n");
    if !t.actors.is_empty() {
        let _ = writeln!(
            h,
            "<h3>Attitude per {}</h3>\n<p>Mean attitude of each actor's mentions in each {} (−1 negative, +1 positive), its 95% bootstrap interval and the number of mentions; below {} mentions a cell says “too few”. “Turned in”: the first {} whose interval lies on the other side of zero from an earlier one's.</p>",
            esc(&t.bin),
            esc(&t.bin),
            r.sentiment.min_mentions,
            esc(&t.bin)
        );
        h.push_str(&svg::attitude_over_time(t));
        h.push_str(&tables::attitudes(&t.bins, &t.actors, true).html());
    }
    if !t.bad_dates.listed.is_empty() {
        let _ = writeln!(
            h,
            "<h3 id=\"bad-dates\">Dates that do not read</h3>\n<p>{} document(s); the first {} listed.</p>",
            t.bad_dates.count,
            t.bad_dates.listed.len()
        );
        h.push_str(&tables::bad_dates(&t.bad_dates).html());
    }
}

/// Themes and attitudes per group, when documents have one.
fn by_group(h: &mut String, r: &Report) {
    let Some(g) = &r.by_group else { return };
    let _ = writeln!(
        h,
        "<h2 id=\"by-group\">By {}</h2>\n<p>{}</p>\n<h3>Themes per {}</h3>",
        esc(&g.field),
        esc(&super::group_axis_line(g)),
        esc(&g.field)
    );
    h.push_str(&svg::group_theme_heatmap(g));
    h.push_str(&tables::theme_slots(&g.field, &g.groups, &g.paragraphs, &g.themes).html());
    if !g.actors.is_empty() {
        let _ = writeln!(h, "<h3>How each {} treats each actor</h3>", esc(&g.field));
        h.push_str(&svg::group_actor_heatmap(g));
        let _ = writeln!(
            h,
            "<details><summary>Table: actors × {}</summary>",
            esc(&g.field)
        );
        h.push_str(&tables::attitudes(&g.groups, &g.actors, false).html());
        h.push_str("</details>\n");
    }
    if let Some(t) = &g.over_time {
        groups_over_time(h, g, t, r.sentiment.min_mentions);
    }
}

/// The top actors' attitude per group over time: small multiples, and the table of every row
/// with a number.
fn groups_over_time(h: &mut String, g: &ByGroup, t: &GroupsOverTime, min_mentions: usize) {
    let _ = writeln!(
        h,
        "<h3 id=\"attitude-groups-time\">Attitude per {} over time</h3>\n<p>For the top actors, the mean attitude of each {}'s mentions per {} (−1 negative, +1 positive) with its 95% bootstrap interval, which resamples paragraphs rather than mentions; below {} mentions a {} shows as a small grey cross on the zero line, not as a number. “Turned”: the first {} whose interval lies on the other side of zero from an earlier one's, within the {}.</p>",
        esc(&g.field),
        esc(&g.field),
        esc(&t.bin),
        min_mentions,
        esc(&t.bin),
        esc(&t.bin),
        esc(&g.field)
    );
    h.push_str(&svg::attitude_groups_over_time(g, t));
    let _ = writeln!(
        h,
        "<details><summary>Table: actors × {} × {}</summary>",
        esc(&g.field),
        esc(&t.bin)
    );
    let (table, left) = tables::groups_over_time(&g.field, t);
    h.push_str(&table.html());
    if left > 0 {
        let _ = writeln!(
            h,
            "<p>{left} more rows have too few mentions in every {}.</p>",
            esc(&t.bin)
        );
    }
    h.push_str("</details>\n");
}

/// Each document's theme mix.
fn documents(h: &mut String, r: &Report, labels: &[String]) {
    h.push_str("<h2 id=\"documents\">Documents</h2>\n");
    h.push_str(&svg::document_mix(&r.documents, labels));
    h.push_str("<table>\n<tr><th>document</th><th>title</th><th class=\"num\">paragraphs</th><th>main theme</th></tr>\n");
    for d in &r.documents {
        let main = d
            .theme_shares
            .iter()
            .enumerate()
            .filter(|(_, &s)| s > 0.0)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .map_or_else(String::new, |(t, s)| {
                format!("{} ({:.0}%)", esc(&labels[t]), s * 100.0)
            });
        let _ = writeln!(
            h,
            "<tr><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td>{main}</td></tr>",
            esc(&d.id),
            d.duplicate_of
                .as_deref()
                .map_or_else(String::new, |o| format!(
                    " <small>(repeats {}, not counted)</small>",
                    esc(o)
                )),
            esc(d.title.as_deref().unwrap_or("")),
            d.paragraphs
        );
    }
    h.push_str("</table>\n");
}

/// One section per theme: key phrases and representative paragraphs.
fn theme_sections(h: &mut String, r: &Report) {
    for t in &r.themes {
        let _ = writeln!(
            h,
            "<h2 id=\"theme-{}\"><span class=\"swatch\" style=\"background:{}\"></span>Theme {}: {}</h2>\n<p class=\"words\">{}</p>\n<p>{} paragraphs ({:.1}%).</p>",
            t.id,
            theme_colour(t.id),
            t.id,
            esc(&t.label),
            esc(&super::words_line(&t.words)),
            t.size,
            t.share * 100.0
        );
        h.push_str("<p class=\"phrases\"><strong>Key phrases:</strong> ");
        h.push_str(&esc(&phrase_list(&t.phrases, usize::MAX)));
        h.push_str("</p>\n<h3>Representative paragraphs</h3>\n");
        for p in &t.representatives {
            h.push_str(&paragraph(p));
        }
    }
}

/// Near-duplicate documents, when there are any.
fn duplicates(h: &mut String, r: &Report) {
    if !r.duplicates.is_empty() {
        h.push_str("<h2 id=\"duplicates\">Duplicates</h2>\n");
        h.push_str(&tables::duplicates(r).html());
    }
}

/// Paragraphs left out as boilerplate and paragraphs read as windows, when there are any.
fn left_out(h: &mut String, r: &Report) {
    let long = &r.corpus.long_paragraphs;
    if long.split > 0 {
        let _ = writeln!(
            h,
            "<p>{} paragraph(s) longer than the encoder reads at once were read whole, as {} \
             windows of whole sentences.</p>",
            long.split, long.windows
        );
    }
    if let Some(clipped) = &r.corpus.clipped {
        let _ = writeln!(h, "<p>{}</p>", esc(&clipped.sentence()));
    }
    if r.corpus.boilerplate.is_empty() {
        return;
    }
    h.push_str(
        "<h2 id=\"boilerplate\">Left out as boilerplate</h2>\n<p>Paragraphs that recur in \
         several documents (bylines, footers); <code>--keep-boilerplate</code> keeps them.</p>\n",
    );
    h.push_str(&tables::boilerplate(r).html());
}

/// Skipped input files, when there are any.
fn skipped(h: &mut String, r: &Report) {
    if !r.corpus.skipped.is_empty() {
        h.push_str("<h2 id=\"skipped\">Skipped files</h2>\n");
        h.push_str(&tables::skipped(r).html());
    }
}

fn method_name(r: &Report) -> String {
    match &r.sentiment.head {
        Some(head) if r.sentiment.method == "head" => format!("the {head} head"),
        _ => r.sentiment.method.clone(),
    }
}

/// A paragraph with its actor mentions highlighted by attitude.
fn paragraph(p: &ParagraphEntry) -> String {
    format!(
        "<blockquote><p>{}</p><footer class=\"meta\">{} ¶{} · similarity {:.2}</footer></blockquote>\n",
        highlight(&p.text, &p.mentions),
        esc(&p.doc_id),
        p.para_index,
        p.similarity
    )
}

fn highlight(text: &str, mentions: &[MentionEntry]) -> String {
    let mut sorted: Vec<&MentionEntry> = mentions.iter().collect();
    sorted.sort_by_key(|m| (m.start, m.end));
    let mut out = String::new();
    let mut at = 0;
    for m in sorted {
        if m.start < at
            || m.end > text.len()
            || !text.is_char_boundary(m.start)
            || !text.is_char_boundary(m.end)
        {
            continue;
        }
        out.push_str(&esc(&text[at..m.start]));
        let class = match m.label {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        };
        let _ = write!(
            out,
            "<mark class=\"{class}\" title=\"{}: {class} ({:+.2})\">{}</mark>",
            esc(&m.actor),
            m.score,
            esc(&text[m.start..m.end])
        );
        at = m.end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_highlighted_and_text_escaped() {
        let text = "Putin & Xi <met>.";
        let m = |actor: &str, start, end, label| MentionEntry {
            actor: actor.to_string(),
            start,
            end,
            score: 0.5,
            label,
        };
        let html = highlight(
            text,
            &[
                m("Xi", 8, 10, Label::Positive),
                m("Putin", 0, 5, Label::Negative),
            ],
        );
        assert_eq!(
            html,
            "<mark class=\"negative\" title=\"Putin: negative (+0.50)\">Putin</mark> &amp; \
             <mark class=\"positive\" title=\"Xi: positive (+0.50)\">Xi</mark> &lt;met&gt;."
        );
    }
}
