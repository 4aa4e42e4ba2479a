//! `themescope config init` and the run configuration file (`themescope.toml`): every option of
//! `themescope run` can be set there; flags and environment variables override it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use themescope::fsutil::write_atomic;

use super::GlobalArgs;

/// The commented default configuration `config init` writes. A test checks that it parses and
/// names every key `run` reads.
pub const DEFAULT_CONFIG: &str = r#"# themescope run configuration. `themescope run INPUT --config themescope.toml` reads it;
# command-line flags and THEMESCOPE_* environment variables override what is set here.
# Every value below is the default: delete a line to keep the default, edit it to change it.

[model]
# A local folder or a Hugging Face id `org/name[@revision]`.
name = "sentence-transformers/all-MiniLM-L6-v2"
# auto (a GPU when this build has one and it is present), cpu, cuda or metal.
device = "auto"
# f32, or f16/bf16 on a GPU.
dtype = "f32"
# Texts per forward pass.
batch_size = 32
# CPU threads for the encoder and tokenizer (0: all cores).
threads = 0
# Embedding cache folder (empty: $XDG_CACHE_HOME/themescope, else ~/.cache/themescope).
cache = ""
# true: neither read nor write the embedding cache.
no_cache = false

[input]
# Field (jsonl) or column (csv) that holds the text.
text_field = "text"
# Keep copyright lines, photo credits and share/follow footers.
keep_boilerplate = false

[themes]
# Number of themes, or "auto" (k in 2..=k_max with the best silhouette × stability).
k = "auto"
k_max = 12
# kmeans, hdbscan or gmm.
algo = "kmeans"
# Same inputs and seed give the same report.
seed = 42
# Smallest theme in paragraphs (0: 1% of the paragraphs, at least 3, at most 50).
min_size = 0
# auto, none, or "pca:D".
reduce = "auto"
# keep, or "reassign" / "reassign:T" (move an outlier to its nearest theme at cosine ≥ T).
outliers = "reassign"
# Longest key phrase in words (1 to 3), and key phrases listed per theme.
ngram = 3
top_phrases = 10
# english (built in), none, or the path of a file with one word per line.
stop_words = "english"
# Count near-duplicate documents in theme sizes as if they were distinct.
keep_duplicates = false

[sentiment]
# An actor file (TOML, as `themescope actors` writes); empty: discover the actors.
actors = ""
# head (the trained head) or vader (the lexicon baseline).
method = "head"
# A built-in head name or the path of a .safetensors head.
head = "minilm-newsmtsc"
# Actors with fewer mentions are listed but not ranked.
min_mentions = 3

[report]
# Title of the report (empty: "Themes and actors in" and the input names).
title = ""
"#;

/// The keys `run` reads, by section.
pub const KEYS: &[(&str, &[&str])] = &[
    (
        "model",
        &[
            "name",
            "device",
            "dtype",
            "batch_size",
            "threads",
            "cache",
            "no_cache",
        ],
    ),
    ("input", &["text_field", "keep_boilerplate"]),
    (
        "themes",
        &[
            "k",
            "k_max",
            "algo",
            "seed",
            "min_size",
            "reduce",
            "outliers",
            "ngram",
            "top_phrases",
            "stop_words",
            "keep_duplicates",
        ],
    ),
    ("sentiment", &["actors", "method", "head", "min_mentions"]),
    ("report", &["title"]),
];

/// A parsed configuration file: `section.key` → the value as text.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    path: PathBuf,
    values: BTreeMap<(String, String), String>,
}

impl RunConfig {
    /// Reads and checks a configuration file: TOML syntax (the error gives the line), known
    /// sections and keys, scalar values.
    pub fn load(path: &Path) -> Result<RunConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<RunConfig> {
        let shown = path.display();
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!(" line {line}:")
                })
                .unwrap_or_default();
            anyhow::anyhow!("{shown}:{at} {}", e.message().trim())
        })?;
        let mut values = BTreeMap::new();
        for (section, body) in &table {
            let Some((_, keys)) = KEYS.iter().find(|(s, _)| s == section) else {
                bail!(
                    "{shown}: unknown section [{section}]; sections are {}",
                    KEYS.iter()
                        .map(|(s, _)| format!("[{s}]"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let toml::Value::Table(body) = body else {
                bail!("{shown}: `{section}` must be a section ([{section}])");
            };
            for (key, value) in body {
                if !keys.contains(&key.as_str()) {
                    bail!(
                        "{shown}: unknown key `{key}` in [{section}]; keys are {}",
                        keys.join(", ")
                    );
                }
                let text = match value {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => bail!("{shown}: [{section}] {key} must be a string, number or boolean"),
                };
                values.insert((section.clone(), key.clone()), text);
            }
        }
        Ok(RunConfig {
            path: path.to_path_buf(),
            values,
        })
    }

    fn raw(&self, section: &str, key: &str) -> Option<&str> {
        self.values
            .get(&(section.to_string(), key.to_string()))
            .map(String::as_str)
    }

    fn invalid(
        &self,
        section: &str,
        key: &str,
        value: &str,
        why: impl std::fmt::Display,
    ) -> anyhow::Error {
        anyhow::anyhow!(
            "{}: [{section}] {key} = {value:?} is invalid: {why}",
            self.path.display()
        )
    }

    /// A value parsed with its type's `FromStr` (the same parser as the flag).
    pub fn get<T: FromStr>(&self, section: &str, key: &str) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        self.raw(section, key)
            .map(|v| v.parse::<T>().map_err(|e| self.invalid(section, key, v, e)))
            .transpose()
    }

    /// A value naming one of an enum's choices (the flag's possible values).
    pub fn get_enum<T: ValueEnum>(&self, section: &str, key: &str) -> Result<Option<T>> {
        self.raw(section, key)
            .map(|v| {
                T::from_str(v, true).map_err(|_| {
                    let choices: Vec<String> = T::value_variants()
                        .iter()
                        .filter_map(|c| c.to_possible_value().map(|p| p.get_name().to_string()))
                        .collect();
                    self.invalid(section, key, v, format!("choose {}", choices.join(", ")))
                })
            })
            .transpose()
    }

    /// A text value; empty text counts as unset.
    pub fn get_text(&self, section: &str, key: &str) -> Option<String> {
        self.raw(section, key)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented configuration file with every default, ready to edit.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it (`-`: standard output).
    #[arg(default_value = "themescope.toml")]
    pub path: PathBuf,

    /// Replace the file if it exists.
    #[arg(long, env = "THEMESCOPE_FORCE")]
    pub force: bool,
}

pub fn run(global: &GlobalArgs, cmd: &ConfigCommand) -> Result<ExitCode> {
    let ConfigCommand::Init(args) = cmd;
    if args.path.as_os_str() == "-" {
        use std::io::Write;
        std::io::stdout().write_all(DEFAULT_CONFIG.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.path.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to replace it, or name another file",
            args.path.display()
        );
    }
    write_atomic(&args.path, |f| {
        use std::io::Write;
        f.write_all(DEFAULT_CONFIG.as_bytes())
    })
    .with_context(|| format!("cannot write {}", args.path.display()))?;
    global.info(format!(
        "wrote {}; edit it, then: themescope run INPUT --config {}",
        args.path.display(),
        args.path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_sets_every_key() {
        let c = RunConfig::parse(Path::new("themescope.toml"), DEFAULT_CONFIG).unwrap();
        for (section, keys) in KEYS {
            for key in *keys {
                assert!(c.raw(section, key).is_some(), "[{section}] {key} missing");
            }
        }
        assert_eq!(c.get::<u32>("model", "batch_size").unwrap(), Some(32));
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        let p = Path::new("my.toml");
        let e = RunConfig::parse(p, "[themes]\nk = \n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("my.toml: line 2:"), "{e}");
        let e = RunConfig::parse(p, "[themes]\nkk = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown key `kk` in [themes]"), "{e}");
        let e = RunConfig::parse(p, "[theme]\nk = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown section [theme]"), "{e}");
        let c = RunConfig::parse(p, "[themes]\nk_max = \"many\"\n").unwrap();
        let e = c.get::<usize>("themes", "k_max").unwrap_err().to_string();
        assert!(e.contains("[themes] k_max = \"many\" is invalid"), "{e}");
    }
}
