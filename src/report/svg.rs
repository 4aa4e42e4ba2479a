//! Inline SVG charts for the HTML report. Each chart carries a `<title>` and a `<desc>`, draws
//! text as real text, and never relies on colour alone: themes also differ by marker shape, and
//! heatmap cells print their value.

use std::fmt::Write;

use super::{ActorEntry, DocumentEntry, Heatmap, MapPoint, ThemeEntry};
use crate::timeline::{AttitudeCell, ByGroup, GroupsOverTime, OverTime};

/// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies).
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442",
];
/// Marker shapes, cycled at a different period from the colours.
const SHAPES: usize = 5;

/// The colour of theme `t`.
pub fn theme_colour(t: usize) -> &'static str {
    PALETTE[t % PALETTE.len()]
}

/// Escapes text for XML/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn open(id: &str, width: f32, height: f32, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         width=\"{width:.0}\" height=\"{height:.0}\">\n<title id=\"{id}-title\">{}</title>\n\
         <desc id=\"{id}-desc\">{}</desc>\n",
        esc(title),
        esc(desc)
    )
}

/// A marker of theme `t`'s shape centred at (x, y).
fn marker(t: Option<usize>, x: f32, y: f32, r: f32, tip: &str) -> String {
    let Some(t) = t else {
        // Outliers: a grey cross.
        return format!(
            "<path class=\"pt\" d=\"M{:.1} {:.1}l{:.1} {:.1}M{:.1} {:.1}l{:.1} {:.1}\" \
             stroke=\"#888\" stroke-width=\"1.2\"><title>{}</title></path>",
            x - r,
            y - r,
            2.0 * r,
            2.0 * r,
            x - r,
            y + r,
            2.0 * r,
            -2.0 * r,
            esc(tip)
        );
    };
    let fill = theme_colour(t);
    let tip = format!("<title>{}</title>", esc(tip));
    match t % SHAPES {
        0 => format!("<circle class=\"pt\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{fill}\">{tip}</circle>"),
        1 => format!(
            "<rect class=\"pt\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\">{tip}</rect>",
            x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8
        ),
        2 => format!(
            "<path class=\"pt\" d=\"M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{fill}\">{tip}</path>",
            y - r * 1.2, x + r * 1.1, y + r * 0.8, x - r * 1.1, y + r * 0.8
        ),
        3 => format!(
            "<path class=\"pt\" d=\"M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z\" fill=\"{fill}\">{tip}</path>",
            y - r * 1.3, x + r * 1.3, y + r * 1.3, x - r * 1.3
        ),
        _ => format!(
            "<circle class=\"pt\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"white\" stroke=\"{fill}\" stroke-width=\"2\">{tip}</circle>"
        ),
    }
}

/// Most markers drawn on the map: beyond this an evenly strided subset is shown (a browser slows
/// to a crawl on hundreds of thousands of SVG nodes, and the picture does not change).
const MAP_MARKERS: usize = 5000;

/// Paragraphs on the plane of the first two principal components, one marker per paragraph.
pub fn paragraph_map(points: &[MapPoint], labels: &[String], explained: [f32; 2]) -> String {
    let (w, h, pad) = (640.0f32, 420.0f32, 30.0f32);
    let step = points.len().div_ceil(MAP_MARKERS).max(1);
    let shown = if step > 1 {
        format!(" (every {step}th of them drawn)")
    } else {
        String::new()
    };
    let legend_h = 18.0 * (labels.len() + 1) as f32;
    let mut svg = open(
        "chart-map",
        w,
        h + legend_h,
        "Map of paragraphs by theme",
        &format!(
            "{} paragraphs{shown} projected on their first two principal components ({:.0}% and {:.0}% of the variance); colour and shape show the theme, grey crosses are outliers.",
            points.len(),
            explained[0] * 100.0,
            explained[1] * 100.0
        ),
    );
    let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for p in points {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
        y0 = y0.min(p.y);
        y1 = y1.max(p.y);
    }
    let span = |a: f32, b: f32| if b > a { b - a } else { 1.0 };
    let sx = |x: f32| pad + (x - x0) / span(x0, x1) * (w - 2.0 * pad);
    let sy = |y: f32| h - pad - (y - y0) / span(y0, y1) * (h - 2.0 * pad);
    let _ = writeln!(
        svg,
        "<rect x=\"{pad}\" y=\"{pad}\" width=\"{:.0}\" height=\"{:.0}\" fill=\"none\" stroke=\"#ccc\"/>",
        w - 2.0 * pad,
        h - 2.0 * pad
    );
    let _ = writeln!(
        svg,
        "<text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"middle\">first component</text>\
         <text x=\"12\" y=\"{:.0}\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 12 {:.0})\">second component</text>",
        w / 2.0,
        h - 8.0,
        h / 2.0,
        h / 2.0
    );
    for p in points.iter().step_by(step).filter(|p| !p.duplicate) {
        let tip = format!(
            "{} ¶{} — {}",
            p.doc_id,
            p.para_index,
            p.theme
                .and_then(|t| labels.get(t))
                .map_or("outlier", String::as_str)
        );
        svg.push_str(&marker(p.theme, sx(p.x), sy(p.y), 4.0, &tip));
        svg.push('\n');
    }
    for (i, label) in labels.iter().enumerate() {
        let y = h + 12.0 + 18.0 * i as f32;
        svg.push_str(&marker(Some(i), pad + 6.0, y - 4.0, 5.0, label));
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{y:.0}\">{}</text>",
            pad + 18.0,
            esc(&shorten(label, 80))
        );
    }
    let y = h + 12.0 + 18.0 * labels.len() as f32;
    svg.push_str(&marker(None, pad + 6.0, y - 4.0, 4.0, "outlier"));
    let _ = writeln!(
        svg,
        "<text x=\"{:.0}\" y=\"{y:.0}\">outlier (no theme)</text>",
        pad + 18.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// Horizontal bars: paragraphs per theme.
pub fn theme_sizes(themes: &[ThemeEntry]) -> String {
    let row = 26.0f32;
    let (label_w, bar_w) = (300.0f32, 300.0f32);
    let h = row * themes.len() as f32 + 20.0;
    let mut svg = open(
        "chart-sizes",
        label_w + bar_w + 90.0,
        h,
        "Theme sizes",
        "Paragraphs in each theme, largest first.",
    );
    let max = themes.iter().map(|t| t.size).max().unwrap_or(1).max(1) as f32;
    for (i, t) in themes.iter().enumerate() {
        let y = 10.0 + row * i as f32;
        let len = bar_w * t.size as f32 / max;
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar\" x=\"{:.0}\" y=\"{y:.0}\" width=\"{len:.1}\" height=\"{:.0}\" fill=\"{}\"><title>{}: {} paragraphs</title></rect>\
             <text x=\"{:.1}\" y=\"{:.0}\">{} ({:.0}%)</text>",
            label_w - 8.0,
            y + 16.0,
            esc(&shorten(&t.label, 40)),
            label_w,
            row - 6.0,
            theme_colour(t.id),
            esc(&t.label),
            t.size,
            label_w + len + 6.0,
            y + 16.0,
            t.size,
            t.share * 100.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Diverging colour for a score in [-1, 1]: red below 0, white at 0, blue above.
pub fn diverging(score: f32) -> String {
    let s = score.clamp(-1.0, 1.0);
    let (end, t) = if s < 0.0 {
        ((178.0, 24.0, 43.0), -s)
    } else {
        ((33.0, 102.0, 172.0), s)
    };
    let mix = |a: f32, b: f32| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, end.0),
        mix(247.0, end.1),
        mix(247.0, end.2)
    )
}

/// Actor × theme grid: each cell coloured by the mean attitude (diverging, centred on 0) and
/// printing the mean and the number of mentions.
pub fn heatmap(h: &Heatmap) -> String {
    let (name_w, cell_w, cell_h, head_h) = (150.0f32, 96.0f32, 34.0f32, 120.0f32);
    let width = name_w + cell_w * h.themes.len().max(1) as f32 + 20.0;
    let height = head_h + cell_h * h.actors.len() as f32 + 60.0;
    let mut svg = open(
        "chart-heatmap",
        width,
        height,
        "Attitude toward each actor in each theme",
        "Mean attitude score (−1 negative to +1 positive) of the mentions of each actor (rows) in each theme (columns), with the number of mentions; blank cells have no mention.",
    );
    let labels = h.themes.iter().map(String::as_str);
    column_heads(&mut svg, labels, name_w, cell_w, head_h, 24, true);
    for (a, actor) in h.actors.iter().enumerate() {
        let y = head_h + cell_h * a as f32;
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>",
            name_w - 8.0,
            y + cell_h / 2.0 + 5.0,
            esc(&shorten(actor, 22))
        );
        for (t, cell) in h.cells[a].iter().enumerate() {
            let x = name_w + cell_w * t as f32;
            match cell {
                Some(c) => {
                    let ink = if c.mean.abs() > 0.55 { "#fff" } else { "#111" };
                    let _ = writeln!(
                        svg,
                        "<rect class=\"cell\" x=\"{x:.0}\" y=\"{y:.0}\" width=\"{:.0}\" height=\"{:.0}\" fill=\"{}\" stroke=\"#fff\"><title>{} in “{}”: mean {:+.2} over {} mentions</title></rect>\
                         <text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"small\">{:+.2} ({})</text>",
                        cell_w - 2.0,
                        cell_h - 2.0,
                        diverging(c.mean),
                        esc(actor),
                        esc(&h.themes[t]),
                        c.mean,
                        c.mentions,
                        x + cell_w / 2.0,
                        y + cell_h / 2.0 + 4.0,
                        c.mean,
                        c.mentions
                    );
                }
                None => {
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"{:.0}\" height=\"{:.0}\" fill=\"none\" stroke=\"#ddd\"/>",
                        cell_w - 2.0,
                        cell_h - 2.0
                    );
                }
            }
        }
    }
    // Colour key.
    let ky = head_h + cell_h * h.actors.len() as f32 + 16.0;
    for i in 0..=20 {
        let s = -1.0 + i as f32 * 0.1;
        let _ = write!(
            svg,
            "<rect x=\"{:.0}\" y=\"{ky:.0}\" width=\"10\" height=\"12\" fill=\"{}\"/>",
            name_w + 10.0 * i as f32,
            diverging(s)
        );
    }
    let _ = writeln!(
        svg,
        "\n<text x=\"{:.0}\" y=\"{:.0}\" class=\"small\" text-anchor=\"middle\">−1 negative</text>\
         <text x=\"{:.0}\" y=\"{:.0}\" class=\"small\" text-anchor=\"middle\">0</text>\
         <text x=\"{:.0}\" y=\"{:.0}\" class=\"small\" text-anchor=\"middle\">+1 positive</text>",
        name_w,
        ky + 26.0,
        name_w + 105.0,
        ky + 26.0,
        name_w + 210.0,
        ky + 26.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// One stacked bar per document: the share of its paragraphs in each theme.
pub fn document_mix(documents: &[DocumentEntry], labels: &[String]) -> String {
    let (name_w, bar_w, row) = (220.0f32, 400.0f32, 24.0f32);
    let h = row * documents.len() as f32 + 20.0;
    let mut svg = open(
        "chart-mix",
        name_w + bar_w + 20.0,
        h,
        "Theme mix of each document",
        "Share of each document's paragraphs in each theme; colours as in the map, grey for outliers.",
    );
    for (i, d) in documents.iter().enumerate() {
        let y = 10.0 + row * i as f32;
        let name = d.title.as_deref().unwrap_or(&d.id);
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\" class=\"small\">{}{}<title>{}</title></text>",
            name_w - 8.0,
            y + 14.0,
            esc(&shorten(name, 32)),
            if d.duplicate_of.is_some() { " (copy)" } else { "" },
            esc(&d.id)
        );
        let mut x = name_w;
        let parts = d
            .theme_shares
            .iter()
            .enumerate()
            .map(|(t, &s)| (Some(t), s))
            .chain(std::iter::once((None, d.outlier_share)));
        for (t, share) in parts {
            if share <= 0.0 {
                continue;
            }
            let len = bar_w * share;
            let (fill, name) = match t {
                Some(t) => (theme_colour(t), labels.get(t).map_or("", String::as_str)),
                None => ("#bbb", "outliers"),
            };
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.0}\" width=\"{len:.1}\" height=\"{:.0}\" fill=\"{fill}\" stroke=\"#fff\"><title>{}: {:.0}%</title></rect>",
                row - 6.0,
                esc(name),
                share * 100.0
            );
            if len > 34.0 {
                let ink = if matches!(fill, "#F0E442" | "#E69F00" | "#56B4E9" | "#bbb") {
                    "#111"
                } else {
                    "#fff"
                };
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.0}\" fill=\"{ink}\" class=\"small\" text-anchor=\"middle\">{:.0}%</text>",
                    x + len / 2.0,
                    y + 14.0,
                    share * 100.0
                );
            }
            x += len;
        }
        svg.push('\n');
    }
    svg.push_str("</svg>\n");
    svg
}

/// Each ranked actor's mean attitude with its 95% interval, on a −1..+1 axis.
pub fn actor_attitudes(actors: &[ActorEntry]) -> String {
    let ranked: Vec<&ActorEntry> = actors.iter().filter(|a| a.rank.is_some()).collect();
    let (name_w, axis_w, row) = (170.0f32, 400.0f32, 24.0f32);
    let h = row * ranked.len() as f32 + 50.0;
    let mut svg = open(
        "chart-actors",
        name_w + axis_w + 120.0,
        h,
        "Attitude toward each actor",
        "Mean attitude score of each actor's mentions (dot) with its 95% bootstrap interval (line), from −1 (negative) to +1 (positive); most negative first.",
    );
    let sx = |s: f32| name_w + (s.clamp(-1.0, 1.0) + 1.0) / 2.0 * axis_w;
    let bottom = row * ranked.len() as f32 + 10.0;
    let _ = writeln!(
        svg,
        "<line x1=\"{:.0}\" y1=\"4\" x2=\"{:.0}\" y2=\"{bottom:.0}\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>",
        sx(0.0),
        sx(0.0)
    );
    for (s, label) in [
        (-1.0, "−1"),
        (-0.5, "−0.5"),
        (0.0, "0"),
        (0.5, "+0.5"),
        (1.0, "+1"),
    ] {
        let _ = write!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" class=\"small\" text-anchor=\"middle\">{label}</text>",
            sx(s),
            bottom + 16.0
        );
    }
    let _ = writeln!(
        svg,
        "\n<text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"middle\">negative ← mean attitude → positive</text>",
        sx(0.0),
        bottom + 34.0
    );
    for (i, a) in ranked.iter().enumerate() {
        let y = 10.0 + row * i as f32 + row / 2.0;
        let [lo, hi] = a.ci95.unwrap_or([a.mean, a.mean]);
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\
             <line x1=\"{:.1}\" y1=\"{y:.0}\" x2=\"{:.1}\" y2=\"{y:.0}\" stroke=\"#444\" stroke-width=\"2\"/>\
             <circle class=\"pt\" cx=\"{:.1}\" cy=\"{y:.0}\" r=\"5\" fill=\"{}\" stroke=\"#222\"><title>{}: mean {:+.2}, 95% interval [{:+.2}, {:+.2}], {} mentions</title></circle>\
             <text x=\"{:.0}\" y=\"{:.0}\" class=\"small\">{:+.2} (n={})</text>",
            name_w - 8.0,
            y + 5.0,
            esc(&shorten(&a.name, 24)),
            sx(lo),
            sx(hi),
            sx(a.mean),
            diverging(a.mean),
            esc(&a.name),
            a.mean,
            lo,
            hi,
            a.mentions,
            name_w + axis_w + 8.0,
            y + 4.0,
            a.mean,
            a.mentions
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Small panels in a grid: `(columns, panel width, panel height)` for `n` panels.
fn grid(n: usize) -> (usize, f32, f32) {
    let columns = n.clamp(1, 3);
    (columns, 300.0, 150.0)
}

/// Bin labels along a panel's bottom: the first, the last, and evenly spaced ones between.
fn bin_ticks(svg: &mut String, bins: &[String], x: impl Fn(usize) -> f32, y: f32) {
    let step = bins.len().div_ceil(4).max(1);
    for (i, label) in bins.iter().enumerate() {
        if i % step == 0 || i + 1 == bins.len() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{y:.0}\" class=\"axis\" text-anchor=\"middle\">{}</text>",
                x(i),
                esc(label)
            );
        }
    }
}

/// One small panel per theme: its share of each time bin's paragraphs, as a line with a
/// marker per bin (empty bins: no marker, the line broken).
pub fn theme_share_over_time(t: &OverTime) -> String {
    let (columns, pw, ph) = grid(t.themes.len());
    let rows = t.themes.len().div_ceil(columns);
    let (pad_l, pad_t, pad_b) = (40.0f32, 22.0f32, 26.0f32);
    let mut svg = open(
        "chart-themes-time",
        pw * columns as f32 + 10.0,
        ph * rows as f32 + 10.0,
        "Theme share over time",
        &format!(
            "For each theme, the share of each {}'s paragraphs in it (one panel per theme, the same scale in every panel); bins without dated paragraphs break the line.",
            t.bin
        ),
    );
    let max = t
        .themes
        .iter()
        .flat_map(|s| s.shares.iter().copied())
        .fold(0.05f32, f32::max);
    for (k, series) in t.themes.iter().enumerate() {
        let (ox, oy) = ((k % columns) as f32 * pw, (k / columns) as f32 * ph);
        let inner_w = pw - pad_l - 14.0;
        let inner_h = ph - pad_t - pad_b;
        let n = t.bins.len().max(2) - 1;
        let x = |i: usize| ox + pad_l + inner_w * i as f32 / n as f32;
        let y = |s: f32| oy + pad_t + inner_h * (1.0 - s / max);
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" class=\"small\">{}<title>{}</title></text>\
             <rect x=\"{:.0}\" y=\"{:.0}\" width=\"{inner_w:.0}\" height=\"{inner_h:.0}\" fill=\"none\" stroke=\"#ddd\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"end\">{:.0}%</text>\
             <text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"end\">0</text>",
            ox + pad_l,
            oy + 14.0,
            esc(&shorten(&format!("#{} {}", series.theme, series.label), 44)),
            esc(&series.label),
            ox + pad_l,
            oy + pad_t,
            ox + pad_l - 4.0,
            oy + pad_t + 8.0,
            max * 100.0,
            ox + pad_l - 4.0,
            oy + pad_t + inner_h,
        );
        let colour = theme_colour(series.theme);
        let mut path = String::new();
        for (i, &share) in series.shares.iter().enumerate() {
            if t.paragraphs[i] == 0 {
                continue;
            }
            let joined = i > 0 && t.paragraphs[i - 1] > 0;
            let _ = write!(
                path,
                "{}{:.1} {:.1}",
                if joined { "L" } else { "M" },
                x(i),
                y(share)
            );
        }
        let _ = writeln!(
            svg,
            "<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>"
        );
        for (i, &share) in series.shares.iter().enumerate() {
            if t.paragraphs[i] == 0 {
                continue;
            }
            let tip = format!(
                "{} in {}: {:.0}% ({} of {} paragraphs)",
                series.label,
                t.bins[i],
                share * 100.0,
                series.counts[i],
                t.paragraphs[i]
            );
            svg.push_str(&marker(Some(series.theme), x(i), y(share), 3.0, &tip));
        }
        bin_ticks(&mut svg, &t.bins, x, oy + ph - 8.0);
        svg.push('\n');
    }
    svg.push_str("</svg>\n");
    svg
}

/// White to dark blue for a share in [0, max].
fn sequential(share: f32, max: f32) -> String {
    let t = (share / max.max(1e-6)).clamp(0.0, 1.0);
    let mix = |a: f32, b: f32| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 69.0),
        mix(255.0, 148.0)
    )
}

/// A grid chart's column labels, slanted above the columns that start at `x0` (`cell_w` wide),
/// shortened to `max_chars`; with `full_title`, the whole label as a tooltip.
fn column_heads<'a>(
    svg: &mut String,
    labels: impl Iterator<Item = &'a str>,
    x0: f32,
    cell_w: f32,
    head_h: f32,
    max_chars: usize,
    full_title: bool,
) {
    let y = head_h - 8.0;
    for (i, label) in labels.enumerate() {
        let x = x0 + cell_w * i as f32 + cell_w / 2.0;
        let title = if full_title {
            format!("<title>{}</title>", esc(label))
        } else {
            String::new()
        };
        let _ = writeln!(
            svg,
            "<text x=\"{x:.0}\" y=\"{y:.0}\" transform=\"rotate(-30 {x:.0} {y:.0})\" class=\"small\">{}{title}</text>",
            esc(&shorten(label, max_chars))
        );
    }
}

/// Groups (rows) × themes (columns): the share of each group's paragraphs in each theme.
pub fn group_theme_heatmap(g: &ByGroup) -> String {
    let (name_w, cell_w, cell_h, head_h) = (150.0f32, 80.0f32, 28.0f32, 110.0f32);
    // Room on the right for the last column's slanted label.
    let width = name_w + cell_w * g.themes.len().max(1) as f32 + 110.0;
    let height = head_h + cell_h * g.groups.len() as f32 + 10.0;
    let mut svg = open(
        "chart-groups",
        width,
        height,
        &format!("Themes by {}", g.field),
        &format!(
            "Share of each {}'s paragraphs (rows) in each theme (columns); darker is a larger share.",
            g.field
        ),
    );
    let max = g
        .themes
        .iter()
        .flat_map(|t| t.shares.iter().copied())
        .fold(0.0f32, f32::max);
    let labels = g.themes.iter().map(|t| t.label.as_str());
    column_heads(&mut svg, labels, name_w, cell_w, head_h, 22, true);
    for (r, group) in g.groups.iter().enumerate() {
        let y = head_h + cell_h * r as f32;
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}<title>{}: {} documents, {} paragraphs</title></text>",
            name_w - 8.0,
            y + cell_h / 2.0 + 5.0,
            esc(&shorten(group, 22)),
            esc(group),
            g.documents[r],
            g.paragraphs[r]
        );
        for (t, series) in g.themes.iter().enumerate() {
            let x = name_w + cell_w * t as f32;
            let share = series.shares[r];
            let ink = if share > 0.55 * max { "#fff" } else { "#111" };
            let _ = writeln!(
                svg,
                "<rect class=\"cell\" x=\"{x:.0}\" y=\"{y:.0}\" width=\"{:.0}\" height=\"{:.0}\" fill=\"{}\" stroke=\"#fff\"><title>{} in “{}”: {:.0}% ({} of {} paragraphs)</title></rect>\
                 <text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"small\">{:.0}%</text>",
                cell_w - 2.0,
                cell_h - 2.0,
                sequential(share, max),
                esc(group),
                esc(&series.label),
                share * 100.0,
                series.counts[r],
                g.paragraphs[r],
                x + cell_w / 2.0,
                y + cell_h / 2.0 + 4.0,
                share * 100.0
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// Most actors drawn in the attitude-over-time chart.
const TIME_ACTORS: usize = 6;

/// Where a small panel sits and how big it is.
struct Panel {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// One attitude panel: a frame from −1 to +1 with a dashed zero line, the mean per bin (dot,
/// coloured by sign) with its 95% interval (line); bins with too few mentions get a grey cross
/// on the zero line and no number; `tip(i, cell)` is each mark's tooltip.
fn attitude_panel(
    svg: &mut String,
    at: &Panel,
    heading: &str,
    bins: &[String],
    cells: &[AttitudeCell],
    tip: impl Fn(usize, &AttitudeCell) -> String,
) {
    let (pad_l, pad_t, pad_b) = (40.0f32, 22.0f32, 26.0f32);
    let (ox, oy) = (at.x, at.y);
    let inner_w = at.w - pad_l - 14.0;
    let inner_h = at.h - pad_t - pad_b;
    let n = bins.len().max(2) - 1;
    let x = |i: usize| ox + pad_l + inner_w * i as f32 / n as f32;
    // A 5-pixel margin inside the frame, so that ±1 marks are not cut by it.
    let y = |s: f32| oy + pad_t + 5.0 + (inner_h - 10.0) * (1.0 - (s.clamp(-1.0, 1.0) + 1.0) / 2.0);
    let _ = writeln!(
        svg,
        "<text x=\"{:.0}\" y=\"{:.0}\" class=\"small\">{}</text>\
         <rect x=\"{:.0}\" y=\"{:.0}\" width=\"{inner_w:.0}\" height=\"{inner_h:.0}\" fill=\"none\" stroke=\"#ddd\"/>\
         <line x1=\"{:.0}\" y1=\"{:.1}\" x2=\"{:.0}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>\
         <text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"end\">+1</text>\
         <text x=\"{:.0}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"end\">0</text>\
         <text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"end\">−1</text>",
        ox + pad_l,
        oy + 14.0,
        esc(heading),
        ox + pad_l,
        oy + pad_t,
        ox + pad_l,
        y(0.0),
        ox + pad_l + inner_w,
        y(0.0),
        ox + pad_l - 4.0,
        oy + pad_t + 8.0,
        ox + pad_l - 4.0,
        y(0.0) + 4.0,
        ox + pad_l - 4.0,
        oy + pad_t + inner_h,
    );
    if cells.iter().all(|c| c.mentions == 0) {
        // An empty frame would read as a flat line: say that there is nothing.
        let _ = write!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" class=\"axis\" text-anchor=\"middle\">no mentions</text>",
            ox + pad_l + inner_w / 2.0,
            y(0.5)
        );
    }
    for (i, c) in cells.iter().enumerate() {
        let tip = tip(i, c);
        match (c.mean, c.too_few) {
            (Some(mean), false) => {
                let [lo, hi] = c.ci95.unwrap_or([mean, mean]);
                let _ = write!(
                    svg,
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#444\" stroke-width=\"1.5\"/>\
                     <circle class=\"pt\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\" stroke=\"#222\"><title>{}</title></circle>",
                    x(i),
                    y(lo),
                    x(i),
                    y(hi),
                    x(i),
                    y(mean),
                    diverging(mean),
                    esc(&tip)
                );
            }
            _ if c.mentions > 0 => {
                // A grey cross on the zero line: not a circle, so it never reads as a mean.
                let (cx, cy) = (x(i), y(0.0));
                let _ = write!(
                    svg,
                    "<path class=\"pt few\" d=\"M{:.1} {:.1}l6 6m0 -6l-6 6\" stroke=\"#888\" stroke-width=\"1.3\"><title>{}</title></path>",
                    cx - 3.0,
                    cy - 3.0,
                    esc(&tip)
                );
            }
            _ => {}
        }
    }
    bin_ticks(svg, bins, x, oy + at.h - 8.0);
    svg.push('\n');
}

/// One small panel per actor (the most mentioned): the mean attitude per time bin with its
/// 95% interval; bins with too few mentions get a grey cross and no number.
pub fn attitude_over_time(t: &OverTime) -> String {
    let shown = &t.actors[..t.actors.len().min(TIME_ACTORS)];
    let (columns, pw, ph) = grid(shown.len());
    let rows = shown.len().div_ceil(columns);
    let mut svg = open(
        "chart-attitude-time",
        pw * columns as f32 + 10.0,
        ph * rows as f32 + 10.0,
        "Attitude toward the main actors over time",
        &format!(
            "For each of the most mentioned actors, the mean attitude of its mentions in each {} (dot, coloured by sign) with its 95% bootstrap interval (line), from −1 to +1; a small grey cross on the zero line marks a {} with too few mentions to show.",
            t.bin, t.bin
        ),
    );
    for (k, series) in shown.iter().enumerate() {
        let at = Panel {
            x: (k % columns) as f32 * pw,
            y: (k / columns) as f32 * ph,
            w: pw,
            h: ph,
        };
        let turn = series
            .turn
            .as_deref()
            .map_or_else(String::new, |b| format!(" (turned in {b})"));
        let heading = format!("{}{turn}", shorten(&series.actor, 30));
        let tip = |i: usize, c: &AttitudeCell| attitude_tip(&series.actor, &t.bins[i], c);
        attitude_panel(&mut svg, &at, &heading, &t.bins, &series.cells, tip);
    }
    svg.push_str("</svg>\n");
    svg
}

/// Most actors (rows) and groups (columns) drawn in the attitude-per-group-over-time chart;
/// the tables hold them all.
pub const CROSS_CHART_ACTORS: usize = 4;
pub const CROSS_CHART_GROUPS: usize = 5;

/// Small multiples, one row per actor (the most mentioned) and one panel per group (the
/// largest): the actor's mean attitude in that group per time bin, with its interval; bins with
/// too few mentions get a grey cross and no number.
pub fn attitude_groups_over_time(g: &ByGroup, t: &GroupsOverTime) -> String {
    let actors = &t.actors[..t.actors.len().min(CROSS_CHART_ACTORS)];
    let columns = g.groups.len().clamp(1, CROSS_CHART_GROUPS);
    let (pw, ph, head) = (230.0f32, 140.0f32, 22.0f32);
    let band = head + ph;
    let mut svg = open(
        "chart-attitude-groups-time",
        pw * columns as f32 + 10.0,
        band * actors.len() as f32 + 10.0,
        &format!("Attitude toward the main actors over time, per {}", g.field),
        &format!(
            "One row per actor (the {} most mentioned) and one panel per {} (the {} with most paragraphs): the mean attitude of the {}'s mentions of the actor in each {} (dot, coloured by sign) with its 95% bootstrap interval over paragraphs (line), from −1 to +1; a small grey cross on the zero line marks a {} with too few mentions to show, an empty panel none at all.",
            actors.len(),
            g.field,
            columns,
            g.field,
            t.bin,
            t.bin
        ),
    );
    for (r, actor) in actors.iter().enumerate() {
        let top = r as f32 * band;
        let _ = writeln!(
            svg,
            "<text x=\"6\" y=\"{:.0}\" font-weight=\"bold\">{}</text>",
            top + 16.0,
            esc(&shorten(&actor.actor, 60))
        );
        for (c, row) in actor.groups.iter().take(columns).enumerate() {
            let at = Panel {
                x: c as f32 * pw,
                y: top + head,
                w: pw,
                h: ph,
            };
            let turn = row
                .turn
                .as_deref()
                .map_or_else(String::new, |b| format!(" (turned {b})"));
            let heading = format!("{}{turn}", shorten(&row.group, 24));
            let tip = |i: usize, cell: &AttitudeCell| {
                attitude_tip(&actor.actor, &format!("{}, {}", row.group, t.bins[i]), cell)
            };
            attitude_panel(&mut svg, &at, &heading, &t.bins, &row.cells, tip);
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// A cell's tooltip: its mean and interval, or that it has too few mentions.
pub fn attitude_tip(actor: &str, slot: &str, c: &AttitudeCell) -> String {
    match (c.mean, c.ci95) {
        (Some(mean), Some([lo, hi])) => format!(
            "{actor} in {slot}: mean {mean:+.2}, 95% interval [{lo:+.2}, {hi:+.2}], {} mentions",
            c.mentions
        ),
        (Some(mean), None) => format!(
            "{actor} in {slot}: mean {mean:+.2}, {} mentions",
            c.mentions
        ),
        _ => format!(
            "{actor} in {slot}: too few mentions to show ({})",
            c.mentions
        ),
    }
}

/// Groups (rows) × actors (columns): the mean attitude of each group's mentions of each actor,
/// with its interval; cells with too few mentions say so and are not coloured.
pub fn group_actor_heatmap(g: &ByGroup) -> String {
    let (name_w, cell_w, cell_h, head_h) = (150.0f32, 104.0f32, 40.0f32, 100.0f32);
    let width = name_w + cell_w * g.actors.len().max(1) as f32 + 110.0;
    let height = head_h + cell_h * g.groups.len() as f32 + 10.0;
    let mut svg = open(
        "chart-group-actors",
        width,
        height,
        &format!("How each {} treats each actor", g.field),
        &format!(
            "Mean attitude (−1 negative to +1 positive) of each {}'s mentions (rows) of each actor (columns), with its 95% bootstrap interval and the number of mentions; grey cells have too few mentions to show.",
            g.field
        ),
    );
    let labels = g.actors.iter().map(|a| a.actor.as_str());
    column_heads(&mut svg, labels, name_w, cell_w, head_h, 22, false);
    for (r, group) in g.groups.iter().enumerate() {
        let y = head_h + cell_h * r as f32;
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>",
            name_w - 8.0,
            y + cell_h / 2.0 + 5.0,
            esc(&shorten(group, 22))
        );
        for (a, series) in g.actors.iter().enumerate() {
            let c = &series.cells[r];
            let x = name_w + cell_w * a as f32;
            let tip = esc(&attitude_tip(&series.actor, group, c));
            let (fill, ink, line1, line2) = match c.mean {
                Some(mean) => (
                    diverging(mean),
                    if mean.abs() > 0.55 { "#fff" } else { "#111" },
                    format!("{mean:+.2} ({})", c.mentions),
                    c.ci95
                        .map_or_else(String::new, |[lo, hi]| format!("[{lo:+.2}, {hi:+.2}]")),
                ),
                None if c.mentions > 0 => (
                    "#e4e4e4".to_string(),
                    "#555",
                    format!("too few ({})", c.mentions),
                    String::new(),
                ),
                None => ("#fff".to_string(), "#999", "—".to_string(), String::new()),
            };
            let _ = writeln!(
                svg,
                "<rect class=\"cell\" x=\"{x:.0}\" y=\"{y:.0}\" width=\"{:.0}\" height=\"{:.0}\" fill=\"{fill}\" stroke=\"#ddd\"><title>{tip}</title></rect>\
                 <text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"small\">{}</text>\
                 <text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"small\">{}</text>",
                cell_w - 2.0,
                cell_h - 2.0,
                x + cell_w / 2.0,
                y + 16.0,
                esc(&line1),
                x + cell_w / 2.0,
                y + 30.0,
                esc(&line2)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_scale_is_white_at_zero_and_darker_at_the_ends() {
        assert_eq!(diverging(0.0), "#f7f7f7");
        assert_eq!(diverging(-1.0), "#b2182b");
        assert_eq!(diverging(1.0), "#2166ac");
        assert_eq!(diverging(5.0), diverging(1.0));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
