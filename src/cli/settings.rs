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

#[cfg(test)]
mod tests {
    use super::resolve;
    use crate::cli::{Cli, Command};
    use clap::{CommandFactory, FromArgMatches};
    use themescope::config::{RunConfig, DEFAULT_CONFIG};
    use themescope::themes::K;

    fn config_for(argv: &[&str]) -> RunConfig {
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let Command::Run(args) = &cli.command else {
            panic!("not run")
        };
        let sub = matches.subcommand_matches("run").unwrap();
        resolve(sub, args.config.as_deref(), &[]).unwrap()
    }

    #[test]
    fn the_default_config_changes_nothing_and_flags_beat_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("themescope.toml");
        std::fs::write(&path, DEFAULT_CONFIG).unwrap();
        let p = path.to_str().unwrap();
        let plain = config_for(&["themescope", "run", "in", "--out", "R"]);
        let with_file = config_for(&["themescope", "run", "in", "--out", "R", "--config", p]);
        assert_eq!(plain, with_file);
        assert_eq!(plain, RunConfig::default());

        std::fs::write(
            &path,
            "[themes]\nk = 7\nseed = 9\n[model]\nbatch_size = 8\n",
        )
        .unwrap();
        let argv = ["themescope", "run", "in", "--out", "R", "--config", p];
        let s = config_for(&[&argv[..], &["--seed", "5", "--model", "m/x", "--no-cache"]].concat());
        assert_eq!(s.themes.k, K::Fixed(7));
        assert_eq!(s.themes.seed, 5);
        assert_eq!(s.model.batch_size, 8);
        assert_eq!(s.model.name.as_deref(), Some("m/x"));
        assert!(s.model.no_cache);
    }
}
