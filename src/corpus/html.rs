//! HTML to visible main text: the `<article>`s or `<main>` when present, else the body; page
//! chrome (navigation, header, footer, forms, scripts) skipped; block elements become paragraph
//! breaks.

use scraper::{Html, Node};

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
pub(crate) fn to_text(html: &str) -> (String, Option<String>) {
    let doc = Html::parse_document(&super::html_depth::bounded(html));
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
    (w.out, title)
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
