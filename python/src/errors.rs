//! Library errors as Python exceptions: `ThemescopeError` (a `ValueError`: the input, a setting
//! or a model named does not work) with the error and its causes on one line, as the CLI prints.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

create_exception!(
    themescope,
    ThemescopeError,
    PyValueError,
    "An error of the themescope library: bad input, a bad setting, a model not found, a file \
     that cannot be written. The message is the one line the command-line tool prints."
);

pub use themescope::message::one_line;

/// A library error as `ThemescopeError`.
pub fn to_py<E: std::error::Error>(err: E) -> PyErr {
    ThemescopeError::new_err(one_line(&err))
}

/// A message of ours (bad arguments the library never sees) as `ThemescopeError`.
pub fn message(text: impl Into<String>) -> PyErr {
    ThemescopeError::new_err(text.into())
}
