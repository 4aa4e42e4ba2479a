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
