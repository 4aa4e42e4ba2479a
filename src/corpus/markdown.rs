//! Markdown to plain text: syntax removed, link text kept, images, rules and bare link lists
//! dropped. Blocks come out separated by blank lines.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Text seen inside one list item, to recognise items that are nothing but a link.
#[derive(Default)]
struct Item {
    start: usize,
    links: bool,
    words: bool,
}

#[derive(Default)]
struct Writer {
    out: String,
    title: Option<String>,
    heading: Option<String>,
    items: Vec<Item>,
    lists: usize,
    links: usize,
    /// Inside an image or a metadata block, whose text is not article text.
    hidden: usize,
}

/// A bare URL written as text, as in a list of links without markdown link syntax.
fn is_bare_url(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
        && !t.contains(char::is_whitespace)
}

impl Writer {
    fn end_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn end_block(&mut self) {
        self.end_line();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Inside a list, paragraphs are lines of the list's single block.
    fn paragraph_break(&mut self) {
        if self.lists > 0 {
            self.end_line();
        } else {
            self.end_block();
        }
    }

    fn text(&mut self, text: &str, is_word: bool) {
        if self.hidden > 0 {
            return;
        }
        self.out.push_str(text);
        if let Some(h) = &mut self.heading {
            h.push_str(text);
        }
        let link = self.links > 0 || (is_word && is_bare_url(text));
        let words = is_word && !link && text.chars().any(char::is_alphanumeric);
        // Every enclosing item sees the text, so an item with a nested prose list is kept.
        for item in &mut self.items {
            item.links |= link;
            item.words |= words;
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, true),
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, true),
            Event::SoftBreak | Event::HardBreak => self.text("\n", false),
            Event::Rule => self.end_block(),
            // Raw HTML, footnote markers and task boxes are not article text.
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.paragraph_break(),
            Tag::Heading { .. } => {
                self.end_block();
                if self.title.is_none() {
                    self.heading = Some(String::new());
                }
            }
            Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList => self.paragraph_break(),
            Tag::List(_) => {
                self.paragraph_break();
                self.lists += 1;
            }
            Tag::Item => {
                self.end_line();
                self.items.push(Item {
                    start: self.out.len(),
                    ..Item::default()
                });
            }
            Tag::TableHead
            | Tag::TableRow
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.end_line(),
            Tag::TableCell => {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push(' ');
                }
            }
            Tag::Link { .. } => self.links += 1,
            Tag::Image { .. } | Tag::MetadataBlock(_) => self.hidden += 1,
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.paragraph_break(),
            TagEnd::Heading(_) => {
                if let Some(h) = self.heading.take() {
                    let h = h.trim();
                    // An empty heading leaves the title to the next one.
                    if !h.is_empty() {
                        self.title = Some(h.to_string());
                    }
                }
                self.end_block();
            }
            TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList => self.paragraph_break(),
            TagEnd::List(_) => {
                self.lists = self.lists.saturating_sub(1);
                self.paragraph_break();
            }
            TagEnd::Item => {
                if let Some(item) = self.items.pop() {
                    // Link lists ("Related: [a](x)", "- https://...") are navigation, not prose.
                    if item.links && !item.words {
                        self.out.truncate(item.start);
                    }
                }
                self.end_line();
            }
            TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.end_line(),
            TagEnd::TableCell => {}
            TagEnd::Link => self.links = self.links.saturating_sub(1),
            TagEnd::Image | TagEnd::MetadataBlock(_) => self.hidden = self.hidden.saturating_sub(1),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }
}

/// The `key: value` lines of a front matter block (`---` lines around it, at the very top) as
/// metadata: values unquoted, nested keys and list items skipped. No front matter: empty.
pub(crate) fn front_matter(markdown: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let mut lines = markdown.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return out;
    }
    let mut pairs = Vec::new();
    for line in lines {
        if matches!(line.trim_end(), "---" | "...") {
            for (key, value) in pairs {
                out.insert(key, serde_json::Value::String(value));
            }
            return out;
        }
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        if !key.trim().is_empty() && !unquoted.is_empty() {
            pairs.push((key.trim().to_string(), unquoted.to_string()));
        }
    }
    // No closing line: not front matter.
    out
}

/// Plain text of a markdown document and its first heading.
pub(crate) fn to_text(markdown: &str) -> (String, Option<String>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut writer = Writer::default();
    for event in Parser::new_ext(markdown, options) {
        writer.event(event);
    }
    (writer.out, writer.title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::split::paragraph_spans;

    fn paragraphs(markdown: &str) -> Vec<String> {
        let (text, _) = to_text(markdown);
        paragraph_spans(&text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn removes_syntax_and_keeps_link_text() {
        let md = "# The *Title*\n\nSome **bold** and _italic_ text with [a link](https://x.org) \
                  and `code`.\n\n---\n\n![a chart](chart.png)\n\n> Quoted words.\n";
        assert_eq!(
            paragraphs(md),
            [
                "The Title",
                "Some bold and italic text with a link and code.",
                "Quoted words."
            ]
        );
    }

    #[test]
    fn first_heading_is_the_title() {
        let (_, title) = to_text("Intro line.\n\n## First *one*\n\n# Second\n");
        assert_eq!(title.as_deref(), Some("First one"));
        assert_eq!(to_text("No heading here.").1, None);
    }

    #[test]
    fn soft_breaks_stay_inside_the_paragraph() {
        assert_eq!(
            paragraphs("Line one\nline two.\n\nNext."),
            ["Line one\nline two.", "Next."]
        );
    }

    #[test]
    fn bare_link_lists_are_dropped_but_prose_lists_kept() {
        let md =
            "Read on.\n\n- [Related story](https://a.org)\n- <https://b.org>\n- https://c.org\n\n\
                  - Sanctions bite.\n- See [the report](https://r.org) for details.\n";
        assert_eq!(
            paragraphs(md),
            ["Read on.", "Sanctions bite.\nSee the report for details."]
        );
    }

    #[test]
    fn front_matter_fields_become_metadata() {
        let md = "---\ntitle: \"A: B\"\ndate: 2019-03-02\nsource: 'North Star'\ntags:\n  - x\n---\n\nBody.\n";
        let meta = front_matter(md);
        assert_eq!(meta["date"], "2019-03-02");
        assert_eq!(meta["source"], "North Star");
        assert_eq!(meta["title"], "A: B");
        assert!(!meta.contains_key("tags") && !meta.contains_key("  - x"));
        assert!(front_matter("Body.\n---\ndate: 2019\n---\n").is_empty());
        assert!(front_matter("---\ndate: 2019\nno closing line\n").is_empty());
    }

    #[test]
    fn front_matter_and_raw_html_are_dropped() {
        let md = "---\ntitle: x\n---\n\n<div class=\"ad\">\n\nBody text.\n";
        assert_eq!(paragraphs(md), ["Body text."]);
    }
}
