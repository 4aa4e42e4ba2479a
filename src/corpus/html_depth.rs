//! Bounding the nesting depth of an HTML page before it is parsed. The HTML5 tree builder scans
//! its stack of open elements for many tags, so a page of a million nested `<div>`s takes time
//! quadratic in the depth (a 5 MB page: more than 20 minutes). Browsers stop nesting at a fixed
//! depth and add deeper elements as siblings (Blink: 512); this does the same by dropping the
//! start and end tags of elements nested deeper than [`MAX_DEPTH`], which keeps their text.

use std::borrow::Cow;

/// Deepest nesting kept, as in Blink's HTML parser.
pub const MAX_DEPTH: usize = 512;

/// Elements that nest and need an end tag (elements with implied ends, like `<p>` or `<li>`,
/// are not counted: a page of unclosed `<p>`s is not deep).
const NESTING: &[&str] = &[
    "a",
    "article",
    "aside",
    "b",
    "blockquote",
    "center",
    "div",
    "em",
    "font",
    "footer",
    "form",
    "header",
    "i",
    "main",
    "nav",
    "ol",
    "section",
    "small",
    "span",
    "strong",
    "table",
    "u",
    "ul",
];

/// A tag found in the text.
struct Tag<'a> {
    /// Byte range of the whole tag, `<` to `>`.
    start: usize,
    end: usize,
    name: &'a str,
    closing: bool,
    self_closing: bool,
}

/// The next tag at or after `from`, skipping comments and the raw text of scripts and styles.
fn next_tag(html: &str, mut from: usize) -> Option<Tag<'_>> {
    let bytes = html.as_bytes();
    loop {
        let start = from + html[from..].find('<')?;
        if html[start..].starts_with("<!--") {
            from = start
                + 4
                + html[start + 4..]
                    .find("-->")
                    .map_or(html.len() - start - 4, |i| i + 3);
            continue;
        }
        let closing = bytes.get(start + 1) == Some(&b'/');
        let name_at = start + 1 + usize::from(closing);
        let name_len = html[name_at..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(html.len() - name_at);
        if name_len == 0 {
            from = start + 1;
            continue;
        }
        let end = tag_end(html, name_at + name_len)?;
        let name = &html[name_at..name_at + name_len];
        let self_closing = html[..end].ends_with("/>");
        if !closing && (name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style")) {
            from = raw_text_end(html, end, name);
            continue;
        }
        return Some(Tag {
            start,
            end,
            name,
            closing,
            self_closing,
        });
    }
}

/// Where the raw text of a `<script>` or `<style>` opened before `from` ends: its end tag.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    html[from..]
        .match_indices("</")
        .map(|(i, _)| from + i)
        .find(|&at| {
            html.get(at + 2..at + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .unwrap_or(html.len())
}

/// Just past the `>` that ends a tag, outside quoted attribute values.
fn tag_end(html: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html[from..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(from + i + 1),
            _ => {}
        }
    }
    None
}

fn is_nesting(name: &str) -> bool {
    NESTING.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// `html` with the tags of elements nested deeper than [`MAX_DEPTH`] removed; borrowed when
/// nothing is that deep (the usual case, found in one linear scan).
pub fn bounded(html: &str) -> Cow<'_, str> {
    let mut depth = 0usize;
    let mut from = 0;
    let mut too_deep = false;
    while let Some(tag) = next_tag(html, from) {
        from = tag.end;
        if !is_nesting(tag.name) || tag.self_closing {
            continue;
        }
        if tag.closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_DEPTH {
                too_deep = true;
                break;
            }
        }
    }
    if !too_deep {
        return Cow::Borrowed(html);
    }
    Cow::Owned(flatten(html))
}

/// Copies `html` without the start and end tags of nesting elements beyond [`MAX_DEPTH`].
fn flatten(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // For each open nesting element: whether its tags were kept; and how many were.
    let mut open: Vec<bool> = Vec::new();
    let mut kept_depth = 0;
    let (mut from, mut copied) = (0, 0);
    while let Some(tag) = next_tag(html, from) {
        from = tag.end;
        if !is_nesting(tag.name) || tag.self_closing {
            continue;
        }
        let keep = if tag.closing {
            let keep = open.pop().unwrap_or(true);
            kept_depth -= usize::from(keep && kept_depth > 0);
            keep
        } else {
            let keep = kept_depth < MAX_DEPTH;
            kept_depth += usize::from(keep);
            open.push(keep);
            keep
        };
        if !keep {
            out.push_str(&html[copied..tag.start]);
            copied = tag.end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_left_as_they_are() {
        let page = "<html><body><div class=\"a>b\"><p>One<p>Two <!-- <div> --> <script>if (a<b) {}</script></div></body></html>";
        assert!(matches!(bounded(page), Cow::Borrowed(_)));
        let many_paragraphs = "<p>x".repeat(5_000);
        assert!(matches!(bounded(&many_paragraphs), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit_and_the_text_kept() {
        let n = 2_000;
        let page = format!("{}deep text{}", "<div>".repeat(n), "</div>".repeat(n));
        let flat = bounded(&page);
        assert_eq!(flat.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(flat.matches("</div>").count(), MAX_DEPTH);
        assert!(flat.contains("<div>deep text</div>"));
    }
}
