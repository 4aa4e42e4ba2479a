//! Settings resolved once: the library's defaults, then the configuration file, then every flag
//! or environment variable the user set. Flags reach the settings by their id (the setting's
//! name) and their text, parsed by the same code that parses the file.

use std::path::Path;

use anyhow::Result;
use clap::parser::ValueSource;
use clap::ArgMatches;
use themescope::config::{ConfigError, RunConfig};

/// Flag ids whose setting has another name.
const RENAMED: &[(&str, &str)] = &[("model", "name")];

/// The settings in effect for a command: `file` (if any) under the flags and environment
/// variables set in `matches`. Ids in `not_settings` are the command's own options that share
/// a setting's name without setting it.
pub fn resolve(
    matches: &ArgMatches,
    file: Option<&Path>,
    not_settings: &[&str],
) -> Result<RunConfig> {
    let mut config = match file {
        Some(path) => RunConfig::load(path)?,
        None => RunConfig::default(),
    };
    for id in matches.ids().map(|id| id.as_str()) {
        let set_by_user = matches!(
            matches.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        );
        if !set_by_user || not_settings.contains(&id) {
            continue;
        }
        let key = RENAMED
            .iter()
            .find(|(flag, _)| *flag == id)
            .map_or(id, |(_, key)| key);
        if RunConfig::section_of(key).is_none() {
            continue;
        }
        let text = match matches.try_get_one::<bool>(id) {
            Ok(Some(on)) => on.to_string(),
            _ => match matches.get_raw(id).and_then(|mut v| v.next()) {
                Some(raw) => raw.to_string_lossy().into_owned(),
                None => continue,
            },
        };
        config.set(key, &text).map_err(|e| flag_error(id, e))?;
    }
    Ok(config)
}

/// A setting's error, told by its flag.
fn flag_error(id: &str, e: ConfigError) -> anyhow::Error {
    let flag = format!("--{}", id.replace('_', "-"));
    match e {
        ConfigError::Option { value, message, .. } => {
            anyhow::anyhow!("{flag} {value:?} is invalid: {message}")
        }
        other => anyhow::Error::new(other).context(flag),
    }
}
