//! Time bins: years, quarters or months, numbered so that consecutive bins are consecutive
//! numbers, and the `auto` choice between them.

use super::date::{Date, Precision};

/// How dates are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum TimeBin {
    /// Years, quarters or months: the finest with at most 30 bins over the dates' span that
    /// every date is precise enough for.
    #[default]
    Auto,
    Year,
    Quarter,
    Month,
}

/// Most bins `auto` chooses.
pub const AUTO_MAX_BINS: i64 = 30;
/// Most bins at all: beyond, the dates are binned by year.
pub const MAX_BINS: i64 = 600;

impl TimeBin {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeBin::Auto => "auto",
            TimeBin::Year => "year",
            TimeBin::Quarter => "quarter",
            TimeBin::Month => "month",
        }
    }

    /// The precision a date needs to be placed in this bin.
    pub fn needs(self) -> Precision {
        match self {
            TimeBin::Auto | TimeBin::Year => Precision::Year,
            TimeBin::Quarter | TimeBin::Month => Precision::Month,
        }
    }

    /// The bin's number: consecutive bins have consecutive numbers.
    pub fn index(self, d: &Date) -> i64 {
        let (y, m) = (i64::from(d.year), i64::from(d.month) - 1);
        match self {
            TimeBin::Auto | TimeBin::Year => y,
            TimeBin::Quarter => y * 4 + m / 3,
            TimeBin::Month => y * 12 + m,
        }
    }

    /// The bin's label: `2019`, `2019-Q1`, `2019-03`.
    pub fn label(self, index: i64) -> String {
        match self {
            TimeBin::Auto | TimeBin::Year => format!("{index}"),
            TimeBin::Quarter => format!("{}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
            TimeBin::Month => format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1),
        }
    }

    /// The bin `auto` stands for, given the dates; a fixed bin stays itself unless it would
    /// make more than [`MAX_BINS`] bins.
    pub fn resolve(self, dates: &[Date]) -> TimeBin {
        let span = |bin: TimeBin| {
            let lo = dates.iter().map(|d| bin.index(d)).min().unwrap_or(0);
            let hi = dates.iter().map(|d| bin.index(d)).max().unwrap_or(0);
            hi - lo + 1
        };
        if self != TimeBin::Auto {
            return if span(self) > MAX_BINS {
                TimeBin::Year
            } else {
                self
            };
        }
        let coarsest = dates
            .iter()
            .map(|d| d.precision)
            .min()
            .unwrap_or(Precision::Year);
        [TimeBin::Month, TimeBin::Quarter]
            .into_iter()
            .filter(|b| coarsest >= b.needs())
            .find(|b| span(*b) <= AUTO_MAX_BINS)
            .unwrap_or(TimeBin::Year)
    }
}

impl std::str::FromStr for TimeBin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            TimeBin::Auto,
            TimeBin::Year,
            TimeBin::Quarter,
            TimeBin::Month,
        ]
        .into_iter()
        .find(|b| b.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| "choose auto, year, quarter or month".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::date::parse;

    fn dates(texts: &[&str]) -> Vec<Date> {
        texts.iter().map(|t| parse(t).unwrap()).collect()
    }

    #[test]
    fn labels_follow_the_bin() {
        let d = parse("2019-11-02").unwrap();
        assert_eq!(TimeBin::Year.label(TimeBin::Year.index(&d)), "2019");
        assert_eq!(
            TimeBin::Quarter.label(TimeBin::Quarter.index(&d)),
            "2019-Q4"
        );
        assert_eq!(TimeBin::Month.label(TimeBin::Month.index(&d)), "2019-11");
        let next = parse("2020-01").unwrap();
        assert_eq!(
            TimeBin::Month.index(&next) - TimeBin::Month.index(&d),
            2,
            "consecutive months are consecutive numbers across a year"
        );
    }

    #[test]
    fn auto_picks_the_finest_bin_with_at_most_30_bins() {
        let a = TimeBin::Auto;
        assert_eq!(
            a.resolve(&dates(&["2019-01-05", "2020-06-30"])),
            TimeBin::Month
        );
        assert_eq!(
            a.resolve(&dates(&["2019-01-05", "2022-06-30"])),
            TimeBin::Quarter
        );
        assert_eq!(
            a.resolve(&dates(&["2010-01-05", "2022-06-30"])),
            TimeBin::Year
        );
        assert_eq!(a.resolve(&dates(&["1991", "2024"])), TimeBin::Year);
        // A year-only date cannot go in a month.
        assert_eq!(a.resolve(&dates(&["2019-01-05", "2019"])), TimeBin::Year);
        assert_eq!(
            TimeBin::Month.resolve(&dates(&["1900-01", "2020-01"])),
            TimeBin::Year
        );
        assert_eq!("Quarter".parse::<TimeBin>(), Ok(TimeBin::Quarter));
        assert!("week".parse::<TimeBin>().is_err());
    }
}
