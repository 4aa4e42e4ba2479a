//! HTML character references left in plain text (`.txt`, `.jsonl`, `.csv`): text scraped from
//! web pages often keeps `&quot;`, `&#39;` or `&amp;`, and some corpora lost the ampersand on
//! the way, leaving ` quot;` and ` #39;` with a space where `&` was (AG News: "Bush #39;s",
//! " quot;phone sex quot;"). They encode one character each, so they are decoded here, before
//! paragraphs are split: the encoder, the key phrases, actor discovery and the scorer all read
//! the character the author wrote, not a word "quot" or a number 39 cut off from its "s".
//! HTML and Markdown inputs are decoded by their own parsers.
//!
//! An escaped tag (`&lt;p&gt;`, `&lt;FONT face="verdana,MS Sans Serif"&gt;`) is markup that was
//! escaped once too often; it is dropped, as the HTML reader drops tags.
//!
//! Only references that cannot be ordinary words are read: a known name or a number, ended by
//! `;`. The ampersand-less form is read only after whitespace (which stands for the lost `&`
//! and goes with it), and only for the names that the loss is seen with and for numbers.

use std::borrow::Cow;

/// Named references decoded, with their characters. The first six are also read without
/// their ampersand.
const NAMED: &[(&str, char)] = &[
    ("quot", '"'),
    ("amp", '&'),
    ("apos", '\''),
    ("lt", '<'),
    ("gt", '>'),
    ("nbsp", '\u{a0}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("hellip", '…'),
    ("euro", '€'),
    ("pound", '£'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("deg", '°'),
];
/// How many of [`NAMED`] are also read without their ampersand.
const BARE_NAMED: usize = 6;

/// Windows-1252 characters for the code points 0x80–0x9F, which pages write as `&#146;` and
/// browsers show as that code page does (0 where it has none).
const CP1252: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// `text` with its character references decoded (borrowed when it has none).
pub fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains(';') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    // Bytes of `text` copied to `out` so far.
    let mut copied = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let found = match bytes[i] {
            b'&' => reference(&text[i + 1..], true).map(|(c, len)| (i, i + 1 + len, c)),
            // A lost ampersand: the whitespace before it goes with it.
            b'#' | b'a'..=b'z' if i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                reference(&text[i..], false).map(|(c, len)| (i - 1, i + len, c))
            }
            _ => None,
        };
        match found {
            Some((start, end, c)) if start >= copied => {
                out.push_str(&text[copied..start]);
                // An escaped tag is markup: dropped, a space left where words would meet.
                match (c == '<').then(|| escaped_tag_end(text, end)).flatten() {
                    Some(tag_end) => {
                        if !out.is_empty() && !out.ends_with(char::is_whitespace) {
                            out.push(' ');
                        }
                        copied = tag_end;
                    }
                    None => {
                        out.push(c);
                        copied = end;
                    }
                }
                i = copied;
            }
            _ => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Longest escaped tag dropped, in bytes (a `<font>` with its attributes).
const TAG_BYTES: usize = 400;

/// Where an escaped HTML tag (`&lt;p&gt;`, `&lt;/A&gt;`, `&lt;FONT face="..."&gt;`) ends, when
/// one starts at `from`, just after its `&lt;`: a tag name, then a space, `/` or the escaped
/// `>` within [`TAG_BYTES`]. A ticker symbol (`&lt;LMT.N&gt;`) is no tag and stays.
fn escaped_tag_end(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    let name = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = name.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after_name = &name[name_len..];
    if !after_name.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '&') {
        return None;
    }
    let mut cut = rest.len().min(TAG_BYTES);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let scope = &rest[..cut];
    let close = scope.find("&gt;")?;
    (!scope[..close].contains("&lt;")).then_some(from + close + "&gt;".len())
}

/// The character of the reference at the start of `rest` (after its `&`, if it had one) and
/// the bytes it takes, `;` included.
fn reference(rest: &str, ampersand: bool) -> Option<(char, usize)> {
    // The longest reference read, `#1114111` or `hellip`, is 8 bytes.
    let window = &rest.as_bytes()[..rest.len().min(10)];
    let end = window.iter().position(|&b| b == b';')?;
    let body = &rest[..end];
    let c = match body.strip_prefix('#') {
        Some(number) => numeric(number)?,
        None => {
            let names = if ampersand {
                NAMED
            } else {
                &NAMED[..BARE_NAMED]
            };
            names.iter().find(|(name, _)| *name == body)?.1
        }
    };
    Some((c, end + 1))
}

fn numeric(number: &str) -> Option<char> {
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.len() <= 6 => u32::from_str_radix(hex, 16).ok()?,
        None if !number.is_empty() && number.len() <= 7 => number.parse().ok()?,
        _ => return None,
    };
    match code {
        0x80..=0x9f => Some(CP1252[(code - 0x80) as usize]).filter(|&c| c != '\0'),
        0 => None,
        // Control characters other than white space are not text.
        c if c < 0x20 && !matches!(c, 0x09 | 0x0a | 0x0d) => None,
        c => char::from_u32(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_with_their_ampersand_are_decoded() {
        assert_eq!(
            decode("Dell Inc. &lt;DELL.O&gt; said &quot;no&quot; &amp; left"),
            "Dell Inc. <DELL.O> said \"no\" & left"
        );
        assert_eq!(decode("it&#39;s &#x2014; &#8212; &#146;"), "it's — — ’");
        assert_eq!(
            decode("caf&eacute; &unknown; &#0; &#;"),
            "caf&eacute; &unknown; &#0; &#;"
        );
    }

    #[test]
    fn escaped_tags_are_markup_and_go() {
        // As AG News has them.
        assert_eq!(
            decode("Profit Jumps. &lt;p&gt;\\&lt;/p&gt;&lt;p&gt; NEW YORK (Reuters) - Staples Inc. &lt;A HREF=\"http://x.com/q?s=SPLS.O\"&gt;SPLS.O&lt;/A&gt;, the top"),
            "Profit Jumps. \\  NEW YORK (Reuters) - Staples Inc. SPLS.O , the top"
        );
        assert_eq!(
            decode("&lt;FONT face=\"verdana,MS Sans Serif,arial\" size=\"-2\"&gt;&lt;B&gt;-The Post&lt;/B&gt;&lt;/FONT&gt;"),
            "-The Post "
        );
        // Ticker symbols and comparisons are no tags.
        assert_eq!(
            decode("Dell Inc. &lt;DELL.O&gt; rose"),
            "Dell Inc. <DELL.O> rose"
        );
        assert_eq!(
            decode("if a &lt; b &amp;&amp; c &gt; d"),
            "if a < b && c > d"
        );
        // No closing `&gt;` near: no tag, whatever the characters where the search stops.
        let long = format!("&lt;p x{}", "é".repeat(300));
        assert_eq!(decode(&long), format!("<p x{}", "é".repeat(300)));
    }

    #[test]
    fn a_lost_ampersand_takes_its_space_with_it() {
        // As AG News has them.
        assert_eq!(
            decode("Eriksson doesn #39;t feel it, Dubai #39;s ruling family"),
            "Eriksson doesn't feel it, Dubai's ruling family"
        );
        assert_eq!(
            decode("crack down on  quot;phone sex quot; services,  #36;10 million"),
            "crack down on \"phone sex\" services, $10 million"
        );
        assert_eq!(decode("the amp; and  lt;b gt;"), "the& and <b>");
    }

    #[test]
    fn words_and_numbers_that_are_no_reference_stay() {
        for text in [
            "quot; at the start",
            "a word; then another",
            "issue#39; glued",
            "the snbsp; and x; lowercase amps",
            "mdash; is only read with its ampersand: a mdash;",
            "no semicolon &quot here",
        ] {
            assert_eq!(decode(text), text);
            assert!(matches!(decode(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
