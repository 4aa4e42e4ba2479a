//! One-line error messages, as the command line and the Python package show them: an error and
//! its causes joined by `: ` (a cause already in the message not repeated), control characters
//! escaped, cut at [`MAX_CHARS`]: a message may quote a file's header or line.

use std::error::Error;

/// Longest message, in characters.
pub const MAX_CHARS: usize = 600;

/// The error and its causes on one printable line.
pub fn one_line(err: &dyn Error) -> String {
    printable(&chain_line(err))
}

/// The error and its causes joined by `: `, a cause already in the line left out.
pub fn chain_line(err: &dyn Error) -> String {
    let mut line = String::new();
    let mut next: Option<&dyn Error> = Some(err);
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
    line
}

/// `line` with line breaks and tabs as spaces, other control characters escaped, cut at
/// [`MAX_CHARS`].
pub fn printable(line: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "reading a.csv: {}", self.0)
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_join_once_and_the_line_is_printable_and_capped() {
        let err = Outer(std::io::Error::other("bad\u{7}\nbyte"));
        // The cause is already in the message: not repeated.
        assert_eq!(one_line(&err), "reading a.csv: bad\\u{7} byte");
        let long = "x".repeat(MAX_CHARS + 10);
        assert_eq!(printable(&long).chars().count(), MAX_CHARS + 2);
    }
}
