//! The run settings, resolved once: defaults, then the configuration file (`themescope.toml`),
//! then the options a caller sets (the CLI's flags and environment variables), into one checked
//! [`RunConfig`]. Every stage reads its options from here.
//!
//! | file | job |
//! |---|---|
//! | `mod.rs` | the sections, loading, layering and range checks |
//! | `value.rs` | how each kind of value reads from TOML text and from option text |
//! | `default.toml` | the commented default file `themescope config init` writes |

mod value;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::ReadOptions;
use crate::embed::windows::LongText;
use crate::embed::{CpuEncoder, DeviceChoice, EmbedOptions, Precision};
use crate::sentiment::Method;
use crate::themes::output::PhraseRecord;
use crate::themes::phrases::{PhraseOptions, StopWords};
use crate::themes::{Algo, Outliers, Reduce, ThemeParams, K};
use crate::timeline::{AxisFields, TimeBin};

/// The commented default configuration; every value in it is the default (tested).
pub const DEFAULT_CONFIG: &str = include_str!("default.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A syntax error or a bad value in the file: where, and why.
    #[error("{}: {at}{message}", path.display())]
    File {
        path: PathBuf,
        /// `line N: [section] key: `, as far as it is known.
        at: String,
        message: String,
    },
    /// A value set by the caller (an option) that does not fit its setting.
    #[error("{key} = {value:?} is invalid: {message}")]
    Option {
        key: String,
        value: String,
        message: String,
    },
    /// `key` is not a setting of any section.
    #[error("`{0}` is not a run setting")]
    UnknownKey(String),
    /// A value outside its range; `origin` is the file it came from, if any.
    #[error("{origin}[{section}] {key} = {value} is out of range: {range}")]
    Range {
        origin: String,
        section: &'static str,
        key: &'static str,
        value: String,
        range: &'static str,
    },
}

/// Every setting of a run, by section (the sections of `themescope.toml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    pub model: ModelSettings,
    pub input: InputSettings,
    pub themes: ThemeSettings,
    pub sentiment: SentimentSettings,
    pub axes: AxesSettings,
    pub report: ReportSettings,
}

/// `[model]`: which encoder, where and how it runs, and the embedding cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSettings {
    /// A local folder or a Hub id `org/name[@revision]`; `None`: the default model.
    #[serde(with = "value::empty_is_none")]
    pub name: Option<String>,
    #[serde(with = "value::choice")]
    pub device: DeviceChoice,
    #[serde(with = "value::choice")]
    pub dtype: Precision,
    #[serde(with = "value::number")]
    pub batch_size: u32,
    /// `None`: all cores (0 in the file).
    #[serde(with = "value::zero_is_none")]
    pub threads: Option<u32>,
    /// `None`: the default cache folder.
    #[serde(with = "value::empty_is_none")]
    pub cache: Option<PathBuf>,
    #[serde(with = "value::flag")]
    pub no_cache: bool,
    #[serde(with = "value::choice")]
    pub cpu_encoder: CpuEncoder,
    /// Texts longer than the encoder's maximum length: read as windows, or truncated.
    #[serde(with = "value::choice")]
    pub long_text: LongText,
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            name: None,
            device: DeviceChoice::Auto,
            dtype: Precision::F32,
            batch_size: 32,
            threads: None,
            cache: None,
            no_cache: false,
            cpu_encoder: CpuEncoder::Packed,
            long_text: LongText::Windows,
        }
    }
}

impl ModelSettings {
    /// The model named, or the default one.
    pub fn name_or_default(&self) -> &str {
        self.name.as_deref().unwrap_or(crate::model::DEFAULT_MODEL)
    }

    /// How the encoder loads and runs; `max_length` overrides the model's own.
    pub fn embed_options(&self, max_length: Option<usize>) -> EmbedOptions {
        EmbedOptions {
            device: self.device,
            precision: self.dtype,
            batch_size: self.batch_size as usize,
            max_length,
            packed: self.cpu_encoder == CpuEncoder::Packed,
        }
    }
}

/// `[input]`: how files are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputSettings {
    pub text_field: String,
    #[serde(with = "value::flag")]
    pub keep_boilerplate: bool,
}

impl Default for InputSettings {
    fn default() -> Self {
        InputSettings {
            text_field: "text".into(),
            keep_boilerplate: false,
        }
    }
}

impl InputSettings {
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            text_field: self.text_field.clone(),
            strip_boilerplate: !self.keep_boilerplate,
        }
    }
}

/// `[themes]`: how themes are found and named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeSettings {
    #[serde(with = "value::text")]
    pub k: K,
    #[serde(with = "value::number")]
    pub k_max: usize,
    #[serde(with = "value::choice")]
    pub algo: Algo,
    #[serde(with = "value::number")]
    pub seed: u64,
    /// `None`: chosen from the corpus size (0 in the file).
    #[serde(with = "value::zero_is_none")]
    pub min_size: Option<usize>,
    #[serde(with = "value::text")]
    pub reduce: Reduce,
    #[serde(with = "value::text")]
    pub outliers: Outliers,
    #[serde(with = "value::number")]
    pub ngram: u32,
    #[serde(with = "value::number")]
    pub top_phrases: u32,
    /// `english`, `none`, or the path of a file with one word per line.
    pub stop_words: String,
    #[serde(with = "value::flag")]
    pub keep_duplicates: bool,
    /// Groups of the theme tree to cut the themes into; `None`: no cut (0 in the file).
    #[serde(with = "value::zero_is_none")]
    pub level: Option<usize>,
}

impl Default for ThemeSettings {
    fn default() -> Self {
        let p = ThemeParams::default();
        ThemeSettings {
            k: p.k,
            k_max: p.k_max,
            algo: p.algo,
            seed: p.seed,
            min_size: p.min_size,
            reduce: p.reduce,
            outliers: p.outliers,
            ngram: 3,
            top_phrases: 10,
            stop_words: "english".into(),
            keep_duplicates: p.keep_duplicates,
            level: p.level,
        }
    }
}

impl ThemeSettings {
    pub fn params(&self) -> ThemeParams {
        ThemeParams {
            k: self.k,
            algo: self.algo,
            seed: self.seed,
            min_size: self.min_size,
            reduce: self.reduce,
            outliers: self.outliers,
            k_max: self.k_max,
            keep_duplicates: self.keep_duplicates,
            level: self.level,
        }
    }

    /// Phrase options; reads the stop-word file, if one is named.
    pub fn phrase_options(&self) -> Result<PhraseOptions, crate::themes::phrases::PhraseError> {
        let stop_words = match self.stop_words.as_str() {
            "english" => StopWords::English,
            "none" => StopWords::None,
            path => StopWords::from_file(Path::new(path))?,
        };
        Ok(PhraseOptions {
            ngram_max: self.ngram as usize,
            top_n: self.top_phrases as usize,
            stop_words,
            ..PhraseOptions::default()
        })
    }

    /// What themes.json records of the phrase options.
    pub fn phrase_record(&self) -> PhraseRecord {
        PhraseRecord {
            ngram_max: self.ngram as usize,
            top_n: self.top_phrases as usize,
            stop_words: self.stop_words.clone(),
        }
    }
}

/// `[sentiment]`: which actors, and how mentions are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SentimentSettings {
    /// An actor file; `None`: discover the actors.
    #[serde(with = "value::empty_is_none")]
    pub actors: Option<PathBuf>,
    #[serde(with = "value::choice")]
    pub method: Method,
    /// A built-in head name or the path of a `.safetensors` head.
    pub head: String,
    #[serde(with = "value::number")]
    pub min_mentions: usize,
}

impl Default for SentimentSettings {
    fn default() -> Self {
        SentimentSettings {
            actors: None,
            method: Method::Head,
            head: crate::sentiment::DEFAULT_HEAD.into(),
            min_mentions: 3,
        }
    }
}

/// `[axes]`: documents on a time axis and a group axis, from their metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AxesSettings {
    /// The metadata field with each document's date; `None`: the first of `date`, `published`,
    /// `year` that a document has.
    #[serde(with = "value::empty_is_none")]
    pub time_field: Option<String>,
    /// The metadata field with each document's group; `None`: the first of `source`,
    /// `outlet`, `country`, `speaker`.
    #[serde(with = "value::empty_is_none")]
    pub group_field: Option<String>,
    #[serde(with = "value::choice")]
    pub time_bin: TimeBin,
    /// Average each bin's phrase scores with the previous bin's.
    #[serde(with = "value::flag")]
    pub smooth_phrases: bool,
}

impl Default for AxesSettings {
    fn default() -> Self {
        AxesSettings {
            time_field: None,
            group_field: None,
            time_bin: TimeBin::Auto,
            smooth_phrases: true,
        }
    }
}

impl AxesSettings {
    pub fn fields(&self) -> AxisFields {
        AxisFields {
            time_field: self.time_field.clone(),
            group_field: self.group_field.clone(),
            time_bin: self.time_bin,
        }
    }
}

/// `[report]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportSettings {
    /// `None`: "Themes and actors in" and the input names.
    #[serde(with = "value::empty_is_none")]
    pub title: Option<String>,
}

impl RunConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<RunConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses the text of a configuration file; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<RunConfig, ConfigError> {
        let config: RunConfig = toml::from_str(text).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            at: value::locate(text, e.span()),
            message: e.message().trim().to_string(),
        })?;
        config.check(&format!("{}: ", path.display()))?;
        Ok(config)
    }

    /// The section a setting belongs to (setting names are unique across sections), read off
    /// the settings themselves: adding a field to a section is all a new setting needs here.
    pub fn section_of(key: &str) -> Option<String> {
        let table = toml::Table::try_from(RunConfig::default()).expect("settings serialise");
        table
            .into_iter()
            .find(|(_, body)| body.as_table().is_some_and(|b| b.contains_key(key)))
            .map(|(section, _)| section)
    }

    /// Sets one setting from option text (a flag's or an environment variable's value), with
    /// the parser the file uses.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), ConfigError> {
        let section = Self::section_of(key).ok_or_else(|| ConfigError::UnknownKey(key.into()))?;
        let mut table = toml::Table::try_from(&*self).expect("settings serialise to a table");
        let body = table
            .get_mut(&section)
            .and_then(toml::Value::as_table_mut)
            .expect("every section serialises");
        body.insert(key.into(), toml::Value::String(text.into()));
        let bad = |message: String| ConfigError::Option {
            key: key.into(),
            value: text.into(),
            message,
        };
        let updated: RunConfig = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.message().trim().to_string()))?;
        updated.check("")?;
        *self = updated;
        Ok(())
    }

    /// Range checks, the same whatever the value's source; `origin` prefixes the message.
    pub fn check(&self, origin: &str) -> Result<(), ConfigError> {
        let out_of = |section, key, value: String, range| ConfigError::Range {
            origin: origin.to_string(),
            section,
            key,
            value,
            range,
        };
        let m = &self.model;
        if !(1..=65536).contains(&m.batch_size) {
            return Err(out_of(
                "model",
                "batch_size",
                m.batch_size.to_string(),
                "1 to 65536",
            ));
        }
        if let Some(n) = m.threads.filter(|n| !(1..=1024).contains(n)) {
            return Err(out_of(
                "model",
                "threads",
                n.to_string(),
                "0 (all cores) or 1 to 1024",
            ));
        }
        let t = &self.themes;
        if !(1..=3).contains(&t.ngram) {
            return Err(out_of("themes", "ngram", t.ngram.to_string(), "1, 2 or 3"));
        }
        if !(1..=100).contains(&t.top_phrases) {
            let v = t.top_phrases.to_string();
            return Err(out_of("themes", "top_phrases", v, "1 to 100"));
        }
        if t.k_max < 2 {
            return Err(out_of("themes", "k_max", t.k_max.to_string(), "at least 2"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_holds_every_setting_at_its_default() {
        let parsed = RunConfig::parse(Path::new("themescope.toml"), DEFAULT_CONFIG).unwrap();
        assert_eq!(parsed, RunConfig::default());
        let file: toml::Table = toml::from_str(DEFAULT_CONFIG).unwrap();
        let serialised = toml::Table::try_from(RunConfig::default()).unwrap();
        // Every setting is written in the default file, in the order of its section.
        assert_eq!(file.len(), serialised.len());
        for (section, body) in &serialised {
            let keys = |t: &toml::Value| t.as_table().unwrap().keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(body), keys(&file[section]), "[{section}]");
            for key in keys(body) {
                assert_eq!(
                    RunConfig::section_of(&key).as_deref(),
                    Some(section.as_str())
                );
            }
        }
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        for (text, needles) in [
            ("[themes]\nk = \n", &["my.toml: line 2:"][..]),
            (
                "[themes]\nkk = 3\n",
                &["line 2: [themes] kk:", "unknown field"],
            ),
            ("[theme]\nk = 3\n", &["[theme]", "unknown field"]),
            ("[themes]\nk_max = \"many\"\n", &["line 2: [themes] k_max:"]),
            (
                "[themes]\nalgo = \"dbscan\"\n",
                &["[themes] algo", "kmeans"],
            ),
        ] {
            let e = RunConfig::parse(Path::new("my.toml"), text)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("my.toml: "), "{e}");
            for needle in needles {
                assert!(e.contains(needle), "`{needle}` missing from: {e}");
            }
        }
    }

    #[test]
    fn values_read_as_the_flags_read_them() {
        let p = Path::new("t.toml");
        let c = RunConfig::parse(
            p,
            "[themes]\nk = 7\nreduce = \"pca:8\"\nalgo = \"HDBSCAN\"\nmin_size = 0\n[model]\nthreads = 2\ncache = \"\"\n",
        )
        .unwrap();
        assert_eq!(c.themes.k, K::Fixed(7));
        assert_eq!(c.themes.reduce, Reduce::Pca(8));
        assert_eq!(c.themes.algo, Algo::Hdbscan);
        assert_eq!(c.themes.min_size, None);
        assert_eq!(c.model.threads, Some(2));
        assert_eq!(c.model.cache, None);
        assert_eq!(
            RunConfig::parse(p, "[themes]\nk = \"auto\"\n")
                .unwrap()
                .themes
                .k,
            K::Auto
        );
    }

    #[test]
    fn every_numeric_setting_is_range_checked_whatever_its_source() {
        let p = Path::new("t.toml");
        for (text, needle) in [
            ("[model]\nthreads = 100000\n", "[model] threads = 100000"),
            ("[model]\nbatch_size = 0\n", "[model] batch_size = 0"),
            ("[themes]\nngram = 4\n", "[themes] ngram = 4"),
            ("[themes]\ntop_phrases = 0\n", "[themes] top_phrases = 0"),
        ] {
            let e = RunConfig::parse(p, text).unwrap_err().to_string();
            assert!(e.starts_with("t.toml: ") && e.contains(needle), "{e}");
        }
        let mut c = RunConfig::default();
        assert!(c.set("threads", "5000").is_err());
        c.set("threads", "4").unwrap();
        c.set("k", "9").unwrap();
        c.set("no_cache", "true").unwrap();
        c.set("name", "some/model").unwrap();
        assert_eq!(c.model.threads, Some(4));
        assert_eq!(c.themes.k, K::Fixed(9));
        assert!(c.model.no_cache);
        assert_eq!(c.model.name.as_deref(), Some("some/model"));
        let e = c.set("algo", "dbscan").unwrap_err().to_string();
        assert!(e.contains("algo") && e.contains("kmeans"), "{e}");
        assert!(matches!(
            c.set("nope", "1"),
            Err(ConfigError::UnknownKey(_))
        ));
    }
}
