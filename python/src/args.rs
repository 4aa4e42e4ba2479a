//! Python arguments → what the library takes: lists of texts, paths, settings. A wrong type is a
//! `TypeError` and an empty list a `ThemescopeError`, each naming the argument.

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use themescope::config::RunConfig;

use crate::errors;

/// The Python type's name of `obj`, for messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A non-empty list (or any iterable but a string) of `str`.
pub fn texts(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a list of str, not a single {}: wrap it in a list",
            type_name(obj)
        )));
    }
    let items = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a list of str, not {}",
            type_name(obj)
        ))
    })?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item?;
        let text = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("{name}[{i}] is {}, not str", type_name(&item)))
        })?;
        out.push(text.to_cow()?.into_owned());
    }
    if out.is_empty() {
        return Err(errors::message(format!(
            "{name} is empty: give at least one text"
        )));
    }
    Ok(out)
}

/// One path (str or os.PathLike) or a non-empty list of them.
pub fn paths(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<PathBuf>> {
    if let Ok(one) = obj.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    let items = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a path or a list of paths, not {}",
            type_name(obj)
        ))
    })?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item?;
        out.push(item.extract::<PathBuf>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{name}[{i}] is {}, not a path (str or os.PathLike)",
                type_name(&item)
            ))
        })?);
    }
    if out.is_empty() {
        return Err(errors::message(format!(
            "{name} is empty: give at least one file or folder"
        )));
    }
    Ok(out)
}

/// A setting's value as the option text the configuration parses (`None` is skipped by the
/// caller): booleans as `true`/`false`, paths through `os.fspath`, anything else as `str()`.
fn setting_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(b) = value.extract::<bool>() {
        return Ok(b.to_string());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(p) = value.extract::<PathBuf>() {
        return Ok(p.to_string_lossy().into_owned());
    }
    Ok(value.str()?.to_cow()?.into_owned())
}

/// The setting a Python keyword names: `model` is the model section's `name`.
fn setting_key(key: &str) -> &str {
    match key {
        "model" => "name",
        k => k,
    }
}

/// Applies keyword settings to `config` with the configuration's own parser and range checks;
/// `sections`, when given, are the sections the keywords may come from. `None` values keep the
/// setting as it is.
pub fn apply_settings(
    config: &mut RunConfig,
    settings: Option<&Bound<'_, PyDict>>,
    sections: Option<&[&str]>,
) -> PyResult<()> {
    let Some(settings) = settings else {
        return Ok(());
    };
    for (key, value) in settings.iter() {
        let key: String = key.extract()?;
        if value.is_none() {
            continue;
        }
        set(config, &key, &value, sections)?;
    }
    Ok(())
}

/// Sets one setting from a Python value.
pub fn set(
    config: &mut RunConfig,
    key: &str,
    value: &Bound<'_, PyAny>,
    sections: Option<&[&str]>,
) -> PyResult<()> {
    let setting = setting_key(key);
    if let Some(allowed) = sections {
        let section = RunConfig::section_of(setting);
        if !section.is_some_and(|s| allowed.contains(&s.as_str())) {
            return Err(PyTypeError::new_err(format!(
                "unexpected keyword argument `{key}`: not a setting of [{}]",
                allowed.join("], [")
            )));
        }
    }
    let text = setting_text(value)?;
    config.set(setting, &text).map_err(errors::to_py)
}
