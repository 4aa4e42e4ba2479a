//! serde values → Python objects, through the standard `json` module: what the CLI writes as
//! JSON, Python gets as dicts and lists with the same keys.

use pyo3::prelude::*;
use pyo3::types::PyAnyMethods;

/// `value` as Python objects (dict, list, str, int, float, bool, None).
pub fn to_py<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| crate::errors::message(format!("cannot convert a result: {e}")))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Python objects (dicts, lists...) read as `T`, through the standard `json` module; `name` is
/// the argument, for the error.
pub fn from_py<T: serde::de::DeserializeOwned>(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<T> {
    let py = obj.py();
    let text: String = py
        .import("json")?
        .call_method1("dumps", (obj,))
        .and_then(|t| t.extract())
        .map_err(|e| crate::errors::message(format!("{name} cannot be read as JSON: {e}")))?;
    serde_json::from_str(&text).map_err(|e| crate::errors::message(format!("{name}: {e}")))
}
