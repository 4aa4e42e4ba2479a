//! Each document's date and group, read from its metadata (a record's fields, a markdown file's
//! front matter, an HTML page's `<meta>` and `<time>`), and its time bin.

use serde::Serialize;
use serde_json::{Map, Value};

use super::bins::TimeBin;
use super::date::{self, Date, Precision};
use crate::corpus::Corpus;

/// Fields tried for the date, in order, when none is named.
pub const TIME_FIELDS: [&str; 3] = ["date", "published", "year"];
/// Fields tried for the group, in order, when none is named.
pub const GROUP_FIELDS: [&str; 4] = ["source", "outlet", "country", "speaker"];
/// Most bad values listed (all are counted).
const LISTED: usize = 50;

/// Which fields give the axes, and how time is binned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AxisFields {
    /// `None`: the first of [`TIME_FIELDS`] that a document has.
    pub time_field: Option<String>,
    /// `None`: the first of [`GROUP_FIELDS`] that a document has.
    pub group_field: Option<String>,
    pub time_bin: TimeBin,
}

/// A value that is not a date, and where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadValue {
    pub doc_id: String,
    pub value: String,
    pub reason: String,
}

/// Documents whose time field could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BadDates {
    /// How many.
    pub count: usize,
    /// The first of them.
    pub listed: Vec<BadValue>,
}

/// Every document's place on the axes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentAxes {
    /// The field the dates came from; `None`: no document has a date field.
    pub time_field: Option<String>,
    /// The field the groups came from; `None`: no document has a group field.
    pub group_field: Option<String>,
    /// The fields looked for: the one named, or the defaults.
    pub time_fields_tried: Vec<String>,
    pub group_fields_tried: Vec<String>,
    /// The bin used (`auto` resolved).
    pub bin: TimeBin,
    /// By document: its date, when it has one that reads as a date.
    pub dates: Vec<Option<Date>>,
    /// By document: its time bin, counted from the first bin (`bin_labels`).
    pub bins: Vec<Option<usize>>,
    /// Every bin from the first date's to the last's, empty ones included.
    pub bin_labels: Vec<String>,
    /// By document: its group.
    pub groups: Vec<Option<String>>,
    /// Documents with no value in the time field.
    pub undated: usize,
    pub bad_dates: BadDates,
}

/// Per paragraph row: its document's date (ISO, as precise as written), time bin and group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowAxes {
    pub time: Vec<Option<String>>,
    pub bin: Vec<Option<String>>,
    pub group: Vec<Option<String>>,
}

/// The value of `field` in `metadata`, its name matched in any case.
fn field<'a>(metadata: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    metadata.get(name).or_else(|| {
        metadata
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The field named, or the first of `defaults` that some document has.
fn choose(corpus: &Corpus, named: Option<&str>, defaults: &[&str]) -> Option<String> {
    let has = |name: &str| {
        corpus
            .documents
            .iter()
            .any(|d| field(&d.metadata, name).is_some_and(|v| !v.is_null()))
    };
    match named {
        Some(name) => has(name).then(|| name.to_string()),
        None => defaults.iter().find(|f| has(f)).map(|f| f.to_string()),
    }
}

fn text_of(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

fn bad(list: &mut BadDates, doc_id: &str, value: String, reason: String) {
    list.count += 1;
    if list.listed.len() < LISTED {
        list.listed.push(BadValue {
            doc_id: doc_id.to_string(),
            value,
            reason,
        });
    }
}

impl DocumentAxes {
    /// Reads every document's date and group. Bad dates are counted and listed, never guessed.
    pub fn read(corpus: &Corpus, fields: &AxisFields) -> DocumentAxes {
        let time_field = choose(corpus, fields.time_field.as_deref(), &TIME_FIELDS);
        let group_field = choose(corpus, fields.group_field.as_deref(), &GROUP_FIELDS);
        let tried = |named: &Option<String>, defaults: &[&str]| match named {
            Some(name) => vec![name.clone()],
            None => defaults.iter().map(|f| f.to_string()).collect(),
        };
        let mut axes = DocumentAxes {
            time_field: time_field.clone(),
            group_field: group_field.clone(),
            time_fields_tried: tried(&fields.time_field, &TIME_FIELDS),
            group_fields_tried: tried(&fields.group_field, &GROUP_FIELDS),
            ..DocumentAxes::default()
        };
        for doc in &corpus.documents {
            let value = |name: &Option<String>| {
                name.as_deref()
                    .and_then(|n| field(&doc.metadata, n))
                    .filter(|v| !v.is_null())
            };
            let date = match value(&time_field) {
                None => {
                    axes.undated += usize::from(time_field.is_some());
                    None
                }
                Some(v) => match date::from_value(v) {
                    Ok(d) => Some(d),
                    Err(reason) => {
                        let written = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        bad(&mut axes.bad_dates, &doc.id, written, reason);
                        None
                    }
                },
            };
            axes.dates.push(date);
            axes.groups.push(value(&group_field).and_then(text_of));
        }
        axes.place_in_bins(corpus, fields.time_bin);
        axes
    }

    /// Resolves the bin and gives each dated document its bin; a date too coarse for the bin
    /// (a bare year binned by month) counts as bad.
    fn place_in_bins(&mut self, corpus: &Corpus, bin: TimeBin) {
        let known: Vec<Date> = self.dates.iter().flatten().copied().collect();
        self.bin = bin.resolve(&known);
        let needs = self.bin.needs();
        for (d, doc) in self.dates.iter_mut().zip(&corpus.documents) {
            if let Some(date) = d.filter(|date| date.precision < needs) {
                let reason = format!(
                    "only {}; --time-bin {} needs a month",
                    match date.precision {
                        Precision::Year => "a year",
                        _ => "a month",
                    },
                    self.bin.as_str()
                );
                bad(&mut self.bad_dates, &doc.id, date.to_string(), reason);
                *d = None;
            }
        }
        let indexes: Vec<Option<i64>> = self
            .dates
            .iter()
            .map(|d| d.as_ref().map(|d| self.bin.index(d)))
            .collect();
        let Some(first) = indexes.iter().flatten().min().copied() else {
            self.bins = vec![None; self.dates.len()];
            return;
        };
        let last = indexes.iter().flatten().max().copied().unwrap_or(first);
        self.bin_labels = (first..=last).map(|i| self.bin.label(i)).collect();
        self.bins = indexes
            .into_iter()
            .map(|i| i.map(|i| (i - first) as usize))
            .collect();
    }

    /// Whether any document has a usable date.
    pub fn has_time(&self) -> bool {
        !self.bin_labels.is_empty()
    }

    /// Whether any document has a group.
    pub fn has_groups(&self) -> bool {
        self.groups.iter().any(Option::is_some)
    }

    /// Each corpus paragraph's date, time bin and group, in reading order.
    pub fn rows(&self, corpus: &Corpus) -> RowAxes {
        let mut out = RowAxes::default();
        for d in Self::row_documents(corpus) {
            out.time
                .push(self.dates.get(d).copied().flatten().map(|t| t.to_string()));
            let bin = self.bins.get(d).copied().flatten();
            out.bin.push(bin.map(|b| self.bin_labels[b].clone()));
            out.group.push(self.groups.get(d).cloned().flatten());
        }
        out
    }

    /// Each corpus paragraph's document, in reading order (the rows of
    /// `corpus.units(Unit::Paragraph)`).
    pub fn row_documents(corpus: &Corpus) -> Vec<usize> {
        corpus
            .documents
            .iter()
            .enumerate()
            .flat_map(|(d, doc)| std::iter::repeat_n(d, doc.paragraphs.len()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Document, ReadOptions};
    use serde_json::json;

    fn corpus(meta: &[Value]) -> Corpus {
        let docs = meta
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut d = Document::from_text(format!("d{i}"), "Text.", &ReadOptions::default());
                d.metadata = m.as_object().cloned().unwrap_or_default();
                d
            })
            .collect();
        Corpus::from_documents(docs)
    }

    #[test]
    fn default_fields_and_bins() {
        let c = corpus(&[
            json!({"published": "2019-03-02", "Outlet": "North Star"}),
            json!({"published": "2021-11-30", "outlet": "Gazette"}),
            json!({"published": "soon"}),
            json!({"title": "no date"}),
        ]);
        let axes = DocumentAxes::read(&c, &AxisFields::default());
        assert_eq!(axes.time_field.as_deref(), Some("published"));
        assert_eq!(axes.group_field.as_deref(), Some("outlet"));
        assert_eq!(axes.bin, TimeBin::Quarter);
        assert_eq!(axes.bin_labels.first().map(String::as_str), Some("2019-Q1"));
        assert_eq!(axes.bin_labels.len(), 12);
        assert_eq!(axes.bins, [Some(0), Some(11), None, None]);
        assert_eq!(axes.groups[0].as_deref(), Some("North Star"));
        assert_eq!(axes.undated, 1);
        assert_eq!(axes.bad_dates.count, 1);
        assert_eq!(axes.bad_dates.listed[0].doc_id, "d2");
    }

    #[test]
    fn a_named_field_and_too_coarse_dates() {
        let c = corpus(&[
            json!({"when": "2019-03-02", "date": "x"}),
            json!({"when": 2019}),
        ]);
        let fields = AxisFields {
            time_field: Some("when".into()),
            time_bin: TimeBin::Month,
            ..AxisFields::default()
        };
        let axes = DocumentAxes::read(&c, &fields);
        assert_eq!(axes.bins, [Some(0), None]);
        assert_eq!(axes.bad_dates.count, 1);
        assert!(axes.bad_dates.listed[0].reason.contains("only a year"));
        assert!(!axes.has_groups());
    }

    #[test]
    fn no_date_field_means_no_time_axis() {
        let c = corpus(&[json!({"source": "A"}), json!({})]);
        let axes = DocumentAxes::read(&c, &AxisFields::default());
        assert!(!axes.has_time());
        assert_eq!(axes.time_field, None);
        assert_eq!(axes.undated, 0);
        assert!(axes.has_groups());
    }
}
