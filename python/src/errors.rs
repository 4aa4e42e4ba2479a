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

/// Longest message, in characters (as the CLI caps its error line).
const MAX_CHARS: usize = 600;

/// The error and its causes on one line, a cause already in the message not repeated, control
/// characters escaped, cut at [`MAX_CHARS`].
pub fn one_line(err: &dyn std::error::Error) -> String {
    let mut line = String::new();
    let mut next: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        next = e.source();
    }
    let mut out = String::new();
    for (n, c) in line.chars().enumerate() {
        if n == MAX_CHARS {
            out.push_str(" …");
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// A library error as `ThemescopeError`.
pub fn to_py<E: std::error::Error>(err: E) -> PyErr {
    ThemescopeError::new_err(one_line(&err))
}

/// A message of ours (bad arguments the library never sees) as `ThemescopeError`.
pub fn message(text: impl Into<String>) -> PyErr {
    ThemescopeError::new_err(text.into())
}
