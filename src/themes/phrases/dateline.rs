//! Datelines: where and from whom a news item came, written before its first sentence
//! ("NEW YORK (Reuters) - ", "TORONTO, Canada -- ", "AP - "). A dateline says nothing about what
//! the item discusses, and a wire corpus repeats the same few ("NEW YORK" in a third of a
//! business category), so its words are no phrase candidates: otherwise they name themes.
//!
//! A dateline starts a sentence and ends in a dash followed by a space. Before the dash: one to
//! four capitalised words or numbers (not only numbers), optionally `, ` and one to three more
//! (the country, the year), optionally a parenthesised source. Without a source, the words must be all capitals or a single word
//! ("AP", "Reuters"), so that a sentence opening with a name and a dash stays text.

use super::ngrams::Token;

/// A run of tokens separated by whitespace, and its first and last byte.
pub(super) type RawSegment<'a> = (Vec<Token<'a>>, usize, usize);

/// Words of the place before the comma, and of the country after it.
const PLACE_WORDS: usize = 4;
const COUNTRY_WORDS: usize = 3;
/// Longest parenthesised source, in bytes.
const SOURCE_BYTES: usize = 40;

/// How many segments from `k` on make a dateline (0 when none starts at segment `k`).
pub(super) fn length(text: &str, raw: &[RawSegment<'_>], k: usize) -> usize {
    let (tokens, start, end) = &raw[k];
    let named = tokens.iter().any(|t| !t.number);
    if !starts_sentence(&text[..*start]) || !capitalised(tokens, PLACE_WORDS) || !named {
        return 0;
    }
    let shouted = tokens.iter().all(|t| t.surface == t.surface.to_uppercase());
    let mut next = k + 1;
    let mut pos = *end;
    // ", Canada"
    if let Some((country, c_start, c_end)) = raw.get(next) {
        if text[pos..*c_start].trim() == "," && capitalised(country, COUNTRY_WORDS) {
            pos = *c_end;
            next += 1;
        }
    }
    // " (Reuters)"
    let rest = text[pos..].trim_start();
    let source = rest.strip_prefix('(').and_then(|inner| {
        let close = inner.get(..SOURCE_BYTES.min(inner.len()))?.find(')')?;
        (!inner[..close].contains('(')).then_some(close)
    });
    if let Some(close) = source {
        pos = text.len() - rest.len() + 1 + close + 1;
        while raw.get(next).is_some_and(|(_, s, _)| *s < pos) {
            next += 1;
        }
    } else if !shouted && tokens.len() > 1 {
        return 0;
    }
    // " - ", " -- ", " — "
    let after = &text[pos..];
    let dash = after.trim_start();
    let spaced = source.is_some() || dash.len() < after.len();
    let words = dash.trim_start_matches(['-', '—', '–']);
    let dashes = dash.len() - words.len();
    if spaced && (1..=6).contains(&dashes) && words.starts_with(char::is_whitespace) {
        next - k
    } else {
        0
    }
}

/// Whether text ending here ends a sentence (or is empty).
fn starts_sentence(before: &str) -> bool {
    let before = before.trim_end();
    let before = before.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    before.is_empty() || before.ends_with(['.', '!', '?'])
}

/// One to `max` tokens, each a number or a word starting with a capital letter ("SEPTEMBER
/// 13", "2004").
fn capitalised(tokens: &[Token<'_>], max: usize) -> bool {
    (1..=max).contains(&tokens.len())
        && tokens.iter().all(|t| {
            t.number
                || t.surface
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() && c.is_uppercase())
        })
}

#[cfg(test)]
mod tests {
    use super::super::ngrams::segments;

    fn words(text: &str) -> Vec<Vec<&str>> {
        segments(text)
            .into_iter()
            .map(|s| s.tokens.into_iter().map(|t| t.surface).collect())
            .collect()
    }

    #[test]
    fn datelines_are_no_words_of_the_text() {
        // As AG News writes them: title, then the item.
        assert_eq!(
            words("Dell profits rise. NEW YORK (Reuters) - Dell Inc. said"),
            [
                vec!["Dell", "profits", "rise"],
                vec!["Dell", "Inc"],
                vec!["said"]
            ]
        );
        assert_eq!(
            words("TORONTO, Canada -- A second team of rocketeers"),
            [vec!["A", "second", "team", "of", "rocketeers"]]
        );
        assert_eq!(
            words("AP - A company founded"),
            [vec!["A", "company", "founded"]]
        );
        assert_eq!(
            words("Talks fail. Reuters - The talks"),
            [vec!["Talks", "fail"], vec!["The", "talks"]]
        );
        assert_eq!(
            words("Symantec launches service. SEPTEMBER 13, 2004 (IDG NEWS SERVICE) - Symantec is"),
            [
                vec!["Symantec", "launches", "service"],
                vec!["Symantec", "is"]
            ]
        );
        assert_eq!(
            words("San Francisco (AFP) — Apple said"),
            [vec!["Apple", "said"]]
        );
    }

    #[test]
    fn names_and_places_in_sentences_stay() {
        for text in [
            "The talks in NEW YORK - stalled",
            "Donald Trump - the candidate - spoke",
            "New York City is large",
            "NATO-led forces",
            "IMPORTANT NEWS today",
            "He went to LONDON (England) - twice",
            "It rose. 2004 (a leap year) - the best",
        ] {
            let all: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .filter(|w| !w.is_empty() && *w != "-")
                .collect();
            let kept: Vec<&str> = words(text).into_iter().flatten().collect();
            assert_eq!(kept, all, "{text}");
        }
    }
}
