//! How each kind of setting reads from TOML and from option text. A value may come as its TOML
//! type or as text (`k = 7` or `k = "7"`; a flag's value is always text), and text is parsed by
//! the same `FromStr` the flag uses, so the file and the command line accept the same values.

use std::fmt::{self, Display};
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;

use crate::corpus::Unit;
use crate::embed::windows::LongText;
use crate::embed::{CpuEncoder, DeviceChoice, Precision};
use crate::sentiment::Method;
use crate::themes::Algo;
use crate::timeline::TimeBin;

/// Any scalar, as the text a flag would hold.
struct ScalarText;

impl Visitor<'_> for ScalarText {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(ScalarText)
}

fn parsed<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    let text = scalar(d)?;
    text.trim()
        .parse()
        .map_err(|e| de::Error::custom(format!("{text:?} is invalid: {e}")))
}

/// Values with their own text form (`k = "auto"`, `reduce = "pca:16"`), and numbers.
pub mod text {
    use super::*;

    pub fn serialize<S: Serializer, T: Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        parsed(d)
    }
}

/// Whole numbers: a TOML integer or its text.
pub use text as number;

/// Booleans: `true`/`false`, or their text.
pub mod flag {
    use super::*;

    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let text = scalar(d)?;
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err(de::Error::custom(format!(
                "{text:?} is invalid: use true or false"
            ))),
        }
    }
}

/// An enum whose values are named in settings (`algo = "kmeans"`); the names are the CLI's
/// (tested against clap's).
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
}

macro_rules! choices {
    ($($t:ty => [$($v:expr),+ $(,)?]),+ $(,)?) => {$(
        impl Choice for $t {
            const ALL: &'static [Self] = &[$($v),+];
            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    )+};
}

choices! {
    Unit => [Unit::Paragraph, Unit::Document, Unit::Sentence, Unit::Window],
    Algo => [Algo::Kmeans, Algo::Hdbscan, Algo::Gmm],
    Method => [Method::Head, Method::Vader],
    DeviceChoice => [DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Cuda, DeviceChoice::Metal],
    Precision => [Precision::F32, Precision::F16, Precision::Bf16, Precision::I16, Precision::I8],
    CpuEncoder => [CpuEncoder::Packed, CpuEncoder::Tensors],
    LongText => [LongText::Windows, LongText::Truncate],
    TimeBin => [TimeBin::Auto, TimeBin::Year, TimeBin::Quarter, TimeBin::Month],
}

/// One of an enum's named choices, in any case (`algo = "kmeans"`).
pub mod choice {
    use super::*;

    pub fn serialize<S: Serializer, T: Choice>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.name())
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Choice,
    {
        let text = scalar(d)?;
        let wanted = text.trim();
        T::ALL
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = T::ALL.iter().map(|c| c.name()).collect();
                de::Error::custom(format!("{text:?} is invalid: choose {}", names.join(", ")))
            })
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;

    fn same_names<T: Choice + clap::ValueEnum>() {
        let clap_names: Vec<String> = T::value_variants()
            .iter()
            .map(|v| v.to_possible_value().unwrap().get_name().to_string())
            .collect();
        let ours: Vec<&str> = T::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(clap_names, ours);
    }

    #[test]
    fn settings_name_every_choice_as_the_flags_do() {
        same_names::<Unit>();
        same_names::<Algo>();
        same_names::<Method>();
        same_names::<DeviceChoice>();
        same_names::<Precision>();
        same_names::<CpuEncoder>();
        same_names::<LongText>();
        same_names::<TimeBin>();
    }
}

/// Optional text, where empty text means unset (`cache = ""`).
pub mod empty_is_none {
    use super::*;

    pub fn serialize<S, T>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: AsRef<std::ffi::OsStr>,
    {
        let text = v
            .as_ref()
            .map(|t| t.as_ref().to_string_lossy().into_owned());
        s.serialize_str(text.as_deref().unwrap_or(""))
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: From<String>,
    {
        let text = scalar(d)?;
        Ok((!text.is_empty()).then(|| T::from(text)))
    }
}

/// An optional count, where 0 means unset (`threads = 0`: all cores).
pub mod zero_is_none {
    use super::*;

    pub fn serialize<S, T>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Display,
    {
        match v {
            Some(n) => s.collect_str(n),
            None => s.serialize_str("0"),
        }
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr + Default + PartialEq,
        T::Err: Display,
    {
        let n: T = parsed(d)?;
        Ok((n != T::default()).then_some(n))
    }
}

/// `line N: [section] key: ` for an error at `span` in a TOML file's text, as far as the text
/// shows it (empty when there is no span).
pub fn locate(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return String::new();
    };
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    let section = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'));
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    match (section, key) {
        (Some(s), Some(k)) => format!("line {line_no}: {s} {k}: "),
        (None, Some(k)) => format!("line {line_no}: {k}: "),
        (_, None) if line.starts_with('[') => format!("line {line_no}: {line}: "),
        _ => format!("line {line_no}: "),
    }
}
