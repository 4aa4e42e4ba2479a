//! A table as both renderings draw it: columns and rows of plain-text cells, with the few marks a
//! rendering may add (a theme's colour, a small second line, a greyed cell). `report.md` and
//! `report.html` draw the same [`Table`]s ([`super::tables`]), each in its own markup.

use std::fmt::Write;

use super::svg::{esc, theme_colour};

/// One cell: plain text, escaped by each rendering.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Cell {
    pub text: String,
    /// A second line in small type (a theme's top words, a note).
    pub note: Option<String>,
    /// The theme the cell names: HTML puts its colour swatch before the text.
    pub theme: Option<usize>,
    /// HTML links the text to that theme's section.
    pub link: bool,
    /// Too few mentions to show a number: HTML greys the cell.
    pub few: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    /// A theme's name with its swatch (HTML), as `#id label` or, `linked`, its label linked.
    pub fn theme(id: usize, text: impl Into<String>) -> Cell {
        Cell {
            theme: Some(id),
            ..Cell::text(text)
        }
    }

    pub fn with_note(self, note: impl Into<String>) -> Cell {
        Cell {
            note: Some(note.into()),
            ..self
        }
    }
}

/// What a column holds, for alignment and style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    /// Right-aligned, figures in columns.
    Number,
    /// Key phrases (HTML: their own colour).
    Phrases,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    pub title: Cell,
    pub kind: Kind,
}

impl Column {
    pub fn new(title: impl Into<String>, kind: Kind) -> Column {
        Column {
            title: Cell::text(title),
            kind,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    /// Markdown: a header, its alignment row, one line per row; a blank line after.
    pub fn markdown(&self) -> String {
        let mut m = String::from("|");
        for c in &self.columns {
            let _ = write!(m, " {} |", md_cell(&c.title));
        }
        m.push_str("\n|");
        for c in &self.columns {
            m.push_str(if c.kind == Kind::Number {
                "---:|"
            } else {
                "---|"
            });
        }
        m.push('\n');
        for row in &self.rows {
            m.push('|');
            for cell in row {
                let _ = write!(m, " {} |", md_cell(cell));
            }
            m.push('\n');
        }
        m.push('\n');
        m
    }

    /// HTML: a `<table>` with a header row.
    pub fn html(&self) -> String {
        let mut h = String::from("<table>\n<tr>");
        for c in &self.columns {
            let class = if c.kind == Kind::Number {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(h, "<th{class}>{}</th>", html_cell(&c.title));
        }
        h.push_str("</tr>\n");
        for row in &self.rows {
            h.push_str("<tr>");
            for (cell, c) in row.iter().zip(&self.columns) {
                let class = match (c.kind, cell.few) {
                    (Kind::Number, true) => " class=\"num few\"",
                    (Kind::Number, false) => " class=\"num\"",
                    (Kind::Phrases, _) => " class=\"phrases\"",
                    (Kind::Text, _) => "",
                };
                let _ = write!(h, "<td{class}>{}</td>", html_cell(cell));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
        h
    }
}

/// Escapes the characters that would break a Markdown table cell or start markup.
pub(super) fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

fn md_cell(c: &Cell) -> String {
    let text = match c.theme {
        Some(id) if !c.link => format!("#{id} {}", md_escape(&c.text)),
        _ => md_escape(&c.text),
    };
    match &c.note {
        Some(note) => format!("{text}<br>*{}*", md_escape(note)),
        None => text,
    }
}

fn html_cell(c: &Cell) -> String {
    let mut h = String::new();
    if let Some(id) = c.theme {
        let _ = write!(
            h,
            "<span class=\"swatch\" style=\"background:{}\"></span>",
            theme_colour(id)
        );
        match c.link {
            true => {
                let _ = write!(h, "<a href=\"#theme-{id}\">{}</a>", esc(&c.text));
            }
            false => {
                let _ = write!(h, "#{id} {}", esc(&c.text));
            }
        }
    } else {
        h.push_str(&esc(&c.text));
    }
    if let Some(note) = &c.note {
        let _ = write!(h, "<br><small class=\"words\">{}</small>", esc(note));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(vec![
            Column::new("theme", Kind::Text),
            Column::new("share", Kind::Number),
            Column::new("key phrases", Kind::Phrases),
        ]);
        t.rows.push(vec![
            Cell {
                link: true,
                ..Cell::theme(2, "a|b <c>").with_note("x_y")
            },
            Cell {
                few: true,
                ..Cell::text("too few (1)")
            },
            Cell::text("p, q"),
        ]);
        t
    }

    #[test]
    fn markdown_escapes_cells_and_aligns_numbers() {
        assert_eq!(
            sample().markdown(),
            "| theme | share | key phrases |\n|---|---:|---|\n| a\\|b <c><br>*x\\_y* | too few (1) | p, q |\n\n"
        );
    }

    #[test]
    fn html_escapes_cells_and_marks_swatches_links_and_few() {
        let h = sample().html();
        assert!(h.starts_with(
            "<table>\n<tr><th>theme</th><th class=\"num\">share</th><th>key phrases</th></tr>\n"
        ));
        assert!(h.contains(
            "<a href=\"#theme-2\">a|b &lt;c&gt;</a><br><small class=\"words\">x_y</small>"
        ));
        assert!(h.contains("<td class=\"num few\">too few (1)</td><td class=\"phrases\">p, q</td>"));
        assert!(h.ends_with("</tr>\n</table>\n"));
    }

    #[test]
    fn an_unlinked_theme_reads_as_its_number_and_label_in_both() {
        let c = Cell::theme(3, "trade");
        assert_eq!(md_cell(&c), "#3 trade");
        assert!(html_cell(&c).ends_with("</span>#3 trade"));
    }
}
