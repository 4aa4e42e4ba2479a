//! HTML to visible main text: the `<article>`s or `<main>` when present, else the body; page
//! chrome (navigation, header, footer, forms, scripts) skipped; block elements become paragraph
//! breaks.

use scraper::{Html, Node};
use serde_json::{Map, Value};

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg",
    "iframe", "button", "select", "textarea", "head", "title",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "body",
];

fn is_skipped(element: &scraper::node::Element) -> bool {
    SKIPPED.contains(&element.name())
        || element.attr("hidden").is_some()
        || element.attr("aria-hidden") == Some("true")
}

/// Collapses whitespace the way a browser renders it, except inside `<pre>`.
#[derive(Default)]
struct Writer {
    out: String,
    space: bool,
    pre: usize,
}

impl Writer {
    fn end_block(&mut self) {
        let kept = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(kept);
        while !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.space = false;
    }

    fn open(&mut self, name: &str) {
        if BLOCKS.contains(&name) {
            self.end_block();
        }
        match name {
            "pre" => self.pre += 1,
            // Cells of a row are words apart.
            "td" | "th" => self.space = true,
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        if name == "pre" {
            self.pre = self.pre.saturating_sub(1);
        }
        if BLOCKS.contains(&name) {
            self.end_block();
        }
    }

    fn text(&mut self, text: &str) {
        if self.pre > 0 {
            self.out.push_str(text);
            return;
        }
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push(' ');
                }
                self.space = false;
                self.out.push(c);
            }
        }
    }
}

/// Text of `html`'s main content and its `<title>`.
#[cfg(test)]
pub(crate) fn to_text(html: &str) -> (String, Option<String>) {
    let read = read(html);
    (read.text, read.title)
}

/// Whether a `<meta>` name is kept as metadata: dates and the site's name.
fn kept_meta(name: &str) -> bool {
    name.contains("date") || name.contains("published") || name.ends_with("site_name")
}

/// The page's dates and site name: each kept `<meta name|property|itemprop=K content=V>` under
/// its lower-cased name; `published` from the first name with "published" in it (else "date"),
/// else the first `<time datetime>`; `outlet` from `og:site_name`.
fn metadata(doc: &Html) -> Map<String, Value> {
    let mut out = Map::new();
    let mut first_time = None;
    for node in doc.tree.root().descendants() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        match e.name() {
            "meta" => {
                let name = ["name", "property", "itemprop"]
                    .iter()
                    .find_map(|a| e.attr(a))
                    .map(|n| n.trim().to_ascii_lowercase());
                if let (Some(name), Some(content)) = (name, e.attr("content")) {
                    if kept_meta(&name) && !content.trim().is_empty() && !out.contains_key(&name) {
                        out.insert(name, Value::String(content.trim().to_string()));
                    }
                }
            }
            "time" if first_time.is_none() => {
                first_time = e.attr("datetime").map(|t| t.trim().to_string());
            }
            _ => {}
        }
    }
    let pick = |needle: &str| {
        out.iter()
            .find(|(k, _)| k.contains(needle))
            .map(|(_, v)| v.clone())
    };
    let published = pick("published")
        .or_else(|| pick("date"))
        .or_else(|| first_time.filter(|t| !t.is_empty()).map(Value::String));
    if let Some(p) = published {
        out.entry("published").or_insert(p);
    }
    if let Some(site) = out.get("og:site_name").cloned() {
        out.entry("outlet").or_insert(site);
    }
    out
}

/// Text of `html`'s main content, its `<title>`, and its dates and site name as metadata.
pub(crate) fn read(html: &str) -> super::parse::Read {
    let doc = Html::parse_document(&super::html_depth::bounded(html));
    let metadata = metadata(&doc);
    let title = doc
        .tree
        .root()
        .descendants()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))
        .map(|n| {
            let mut w = Writer::default();
            for t in n
                .descendants()
                .filter_map(|d| d.value().as_text().map(|t| &**t))
            {
                w.text(t);
            }
            w.out
        })
        .filter(|t| !t.is_empty());

    let named = |name: &'static str| {
        doc.tree.root().descendants().filter(move |n| {
            n.value().as_element().is_some_and(|e| e.name() == name)
                // An <article> inside another one, or inside page chrome (a "related" box), is
                // not a main text of its own.
                && !n.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| is_skipped(e) || e.name() == "article")
                })
        })
    };
    let mut roots: Vec<_> = named("article").collect();
    if roots.is_empty() {
        roots.extend(named("main").take(1));
    }
    if roots.is_empty() {
        roots.extend(named("body").take(1));
    }
    if roots.is_empty() {
        roots.push(doc.tree.root());
    }

    let mut w = Writer::default();
    for root in roots {
        w.end_block();
        // Depth-first walk with an explicit stack: deeply nested pages must not overflow ours.
        // Each frame holds the children still to visit and the element they belong to.
        let mut stack = vec![(root.children(), None)];
        while let Some((children, _)) = stack.last_mut() {
            let Some(node) = children.next() else {
                if let Some((_, Some(name))) = stack.pop() {
                    w.close(name);
                }
                continue;
            };
            match node.value() {
                Node::Text(t) => w.text(t),
                Node::Element(e) if !is_skipped(e) => {
                    w.open(e.name());
                    stack.push((node.children(), Some(e.name())));
                }
                _ => {}
            }
        }
    }
    super::parse::Read {
        text: w.out,
        title,
        metadata,
        dropped: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::split::paragraph_spans;

    fn paragraphs(html: &str) -> Vec<String> {
        let (text, _) = to_text(html);
        paragraph_spans(&text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn prefers_article_and_skips_page_chrome() {
        let html = "<html><head><title> The  Title </title><style>p{}</style></head><body>\
            <nav><a href=/>Home</a></nav><p>Outside the article.</p>\
            <article><header><h1>Kicker</h1></header>\
            <h2>Heading</h2><p>First <b>bold</b>\n   words.</p><script>var x;</script>\
            <div>Second<br>after break</div><ul><li>one</li><li>two</li></ul>\
            <footer>Footer text</footer></article><aside><article>Related</article></aside>\
            </body></html>";
        assert_eq!(
            paragraphs(html),
            [
                "Heading",
                "First bold words.",
                "Second",
                "after break",
                "one",
                "two"
            ]
        );
        assert_eq!(to_text(html).1.as_deref(), Some("The Title"));
    }

    #[test]
    fn uses_main_then_body() {
        let with_main = "<body><p>Menu</p><main><p>Main text.</p></main></body>";
        assert_eq!(paragraphs(with_main), ["Main text."]);
        let body_only = "<body><p>One.</p><form>Search</form><p>Two &amp; three.</p></body>";
        assert_eq!(paragraphs(body_only), ["One.", "Two & three."]);
        assert_eq!(to_text(body_only).1, None);
    }

    #[test]
    fn keeps_preformatted_lines_and_table_cells() {
        let html = "<body><pre>a  b\nc</pre><table><tr><td>x</td><td>y</td></tr></table></body>";
        assert_eq!(paragraphs(html), ["a  b\nc", "x y"]);
    }

    #[test]
    fn dates_and_site_name_become_metadata() {
        let html = "<html><head><meta property=\"og:site_name\" content=\"North Star\">\
            <meta property=\"article:published_time\" content=\"2019-03-02T10:00:00Z\">\
            <meta name=\"viewport\" content=\"width=device-width\"></head>\
            <body><p>Text <time datetime=\"2020-01-01\">then</time>.</p></body></html>";
        let meta = read(html).metadata;
        assert_eq!(meta["published"], "2019-03-02T10:00:00Z");
        assert_eq!(meta["outlet"], "North Star");
        assert!(!meta.contains_key("viewport"));
        let only_time =
            read("<body><article><time datetime=\"2021-05-06\">May</time> text</article></body>");
        assert_eq!(only_time.metadata["published"], "2021-05-06");
        assert!(read("<body><p>No dates.</p></body>").metadata.is_empty());
    }

    #[test]
    fn hidden_elements_are_skipped() {
        let html = "<body><p hidden>secret</p><p aria-hidden=\"true\">icon</p><p>shown</p></body>";
        assert_eq!(paragraphs(html), ["shown"]);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let html = format!(
            "<body>{}deep{}</body>",
            "<span>".repeat(50_000),
            "</span>".repeat(50_000)
        );
        assert_eq!(paragraphs(&html), ["deep"]);
    }
}
