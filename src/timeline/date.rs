//! Dates as documents write them, read without guessing.
//!
//! Accepted:
//!
//! - ISO: `2019`, `2019-03`, `2019-03-02` (`2019-3-2` too), `2019/03/02`, and a date followed by a time
//!   (`2019-03-02T10:00:00Z`, `2019-03-02 10:00`); the time and its zone are ignored, so the day
//!   is the one written.
//! - Month names, in full or in three letters, in either order: `2 March 2019`, `March 2, 2019`,
//!   `Mar 2019`, and the RFC 2822 form of feeds (`Sat, 02 Mar 2019 10:00:00 +0000`).
//! - `02.03.2019` (day.month.year, the dotted form's only convention).
//! - `DD/MM/YYYY` or `MM/DD/YYYY` only when the numbers decide it: one of them above 12, or both
//!   the same. `03/02/2019` is ambiguous (2 March in the US, 3 February elsewhere) and rejected.
//! - A JSON number from 1000 to 9999: a year.
//!
//! Anything else is rejected with a reason (a timestamp in seconds, `next week`, `2019-13-01`).

use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar date, as precise as it was written (month and day are 1 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub precision: Precision,
}

impl fmt::Display for Date {
    /// ISO form, as precise as the date: `2019`, `2019-03`, `2019-03-02`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Year => write!(f, "{:04}", self.year),
            Precision::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's number from its name, in full or its first three letters ("Sept" too).
fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as u32 + 1)
}

fn leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A year written with four digits, from 1000 to 9999.
fn year(text: &str) -> Option<i32> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|y| *y >= 1000)
}

fn number(text: &str, max_len: usize) -> Option<u32> {
    let t = text
        .trim_end_matches(|c: char| c.is_ascii_alphabetic()) // 2nd, 21st
        .trim_end_matches(',');
    (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

fn make(year: i32, month: u32, day: Option<u32>) -> Result<Date, String> {
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 1 to 12"));
    }
    match day {
        None => Ok(Date {
            year,
            month,
            day: 1,
            precision: Precision::Month,
        }),
        Some(d) if (1..=days_in(year, month)).contains(&d) => Ok(Date {
            year,
            month,
            day: d,
            precision: Precision::Day,
        }),
        Some(d) => Err(format!("day {d} is not in {year}-{month:02}")),
    }
}

/// Reads a date from text; the error says why it is not one.
pub fn parse(text: &str) -> Result<Date, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty".into());
    }
    if let Some(y) = year(t) {
        return Ok(Date {
            year: y,
            month: 1,
            day: 1,
            precision: Precision::Year,
        });
    }
    if t.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        if let Some(d) = iso(t) {
            return d;
        }
        if let Some(d) = numeric(t) {
            return d;
        }
    }
    if let Some(d) = with_month_name(t) {
        return d;
    }
    Err("not a date (use ISO 2019-03-02, 2019-03, 2019, or 2 March 2019)".into())
}

/// `YYYY-MM[-DD]` or `YYYY/MM[/DD]`, with anything after a `T` or a space ignored.
fn iso(t: &str) -> Option<Result<Date, String>> {
    let date = t.split(['T', ' ']).next()?;
    let sep = if date.contains('-') { '-' } else { '/' };
    let parts: Vec<&str> = date.split(sep).collect();
    let y = year(parts.first()?)?;
    let field = |i: usize| {
        parts
            .get(i)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| number(p, 2))
    };
    match parts.len() {
        2 => Some(make(y, field(1)?, None)),
        3 => Some(make(y, field(1)?, Some(field(2)?))),
        _ => None,
    }
}

/// `DD.MM.YYYY`, and `DD/MM/YYYY` or `MM/DD/YYYY` when the numbers decide which.
fn numeric(t: &str) -> Option<Result<Date, String>> {
    let date = t.split(' ').next()?;
    let sep = ['.', '/', '-'].into_iter().find(|c| date.contains(*c))?;
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3 {
        return None;
    }
    let y = year(parts[2])?;
    let (a, b) = (number(parts[0], 2)?, number(parts[1], 2)?);
    if sep == '.' {
        return Some(make(y, b, Some(a)));
    }
    Some(match (a > 12, b > 12) {
        (true, true) => Err(format!("neither {a} nor {b} is a month")),
        (true, false) => make(y, b, Some(a)),
        (false, true) => make(y, a, Some(b)),
        (false, false) if a == b => make(y, a, Some(a)),
        (false, false) => Err(format!(
            "ambiguous: {a:02}{sep}{b:02} may be day{sep}month or month{sep}day; write it as ISO \
             {y}-MM-DD"
        )),
    })
}

/// `2 March 2019`, `March 2, 2019`, `Mar 2019`, `Sat, 02 Mar 2019 10:00:00 +0000`.
fn with_month_name(t: &str) -> Option<Result<Date, String>> {
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    // A weekday in front says nothing more.
    let start = usize::from(words.first().is_some_and(|w| {
        let w = w.trim_end_matches('.').to_ascii_lowercase();
        w.len() >= 3
            && ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&&w[..3])
            && month_number(&w).is_none()
    }));
    let words = &words[start..];
    let (m_at, month) = words
        .iter()
        .take(2)
        .enumerate()
        .find_map(|(i, w)| month_number(w).map(|m| (i, m)))?;
    let (day, y_at) = match m_at {
        // "March 2019" or "March 2, 2019".
        0 => match words.get(1).and_then(|w| year(w)) {
            Some(_) => (None, 1),
            None => (Some(number(words.get(1)?, 2)?), 2),
        },
        // "2 March 2019".
        _ => (Some(number(words[0], 2)?), 2),
    };
    let y = year(words.get(y_at)?)?;
    // After the year only a time of day or a zone may follow.
    let rest_ok = words[y_at + 1..].iter().all(|w| {
        w.contains(':')
            || w.starts_with(['+', '-'])
            || ["gmt", "utc", "z", "am", "pm"].contains(&w.to_ascii_lowercase().as_str())
            || w.chars().all(|c| c.is_ascii_uppercase())
    });
    if !rest_ok {
        return None;
    }
    Some(make(y, month, day))
}

/// Reads a date from a metadata value: text, or a number that is a year.
pub fn from_value(value: &serde_json::Value) -> Result<Date, String> {
    match value {
        serde_json::Value::String(s) => parse(s),
        serde_json::Value::Number(n) => match n.as_u64() {
            Some(y @ 1000..=9999) => Ok(Date {
                year: y as i32,
                month: 1,
                day: 1,
                precision: Precision::Year,
            }),
            _ => Err(format!(
                "the number {n} is not a year (a timestamp is not read as a date; write it as \
                 ISO 2019-03-02)"
            )),
        },
        serde_json::Value::Null => Err("empty".into()),
        other => Err(format!("{other} is not a date")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso_of(text: &str) -> String {
        parse(text)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .to_string()
    }

    #[test]
    fn iso_forms_at_their_precision() {
        assert_eq!(iso_of("2019"), "2019");
        assert_eq!(iso_of(" 2019-03 "), "2019-03");
        assert_eq!(iso_of("2019-03-02"), "2019-03-02");
        assert_eq!(iso_of("2019/03/02"), "2019-03-02");
        assert_eq!(iso_of("2019-03-02T23:59:00+05:00"), "2019-03-02");
        assert_eq!(iso_of("2019-03-02 10:00"), "2019-03-02");
        assert_eq!(iso_of("2020-02-29"), "2020-02-29");
        assert_eq!(iso_of("2019-3-2"), "2019-03-02");
    }

    #[test]
    fn month_names_in_either_order() {
        assert_eq!(iso_of("2 March 2019"), "2019-03-02");
        assert_eq!(iso_of("March 2, 2019"), "2019-03-02");
        assert_eq!(iso_of("Sept 21st, 2001"), "2001-09-21");
        assert_eq!(iso_of("Mar 2019"), "2019-03");
        assert_eq!(iso_of("Sat, 02 Mar 2019 10:00:00 +0000"), "2019-03-02");
        assert_eq!(iso_of("Monday, May 6, 2024"), "2024-05-06");
    }

    #[test]
    fn numeric_day_month_only_when_the_numbers_decide() {
        assert_eq!(iso_of("02.03.2019"), "2019-03-02");
        assert_eq!(iso_of("25/12/2019"), "2019-12-25");
        assert_eq!(iso_of("12/25/2019"), "2019-12-25");
        assert_eq!(iso_of("05/05/2019"), "2019-05-05");
        let e = parse("03/02/2019").unwrap_err();
        assert!(e.contains("ambiguous"), "{e}");
    }

    #[test]
    fn bad_values_are_rejected_with_a_reason() {
        for bad in [
            "",
            "next week",
            "2019-13-01",
            "2019-02-30",
            "2019-3-2x",
            "32/13/2019",
            "March",
            "2 Marchy 2019",
            "19",
            "0999",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} read as {:?}", parse(bad));
        }
        assert!(parse("2019-02-30").unwrap_err().contains("day 30"));
        let v = serde_json::json!(1551484800);
        assert!(from_value(&v).unwrap_err().contains("timestamp"));
        assert_eq!(
            from_value(&serde_json::json!(1991)).unwrap().to_string(),
            "1991"
        );
        assert!(from_value(&serde_json::json!(true)).is_err());
    }
}
