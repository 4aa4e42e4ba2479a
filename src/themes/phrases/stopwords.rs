//! Stop words: the built-in English list, none, or a list read from a file.
//!
//! A stop word may sit inside a phrase ("marriage *of* convenience") but never at either end.
//! Words are compared in the normalised form the tokeniser counts with: lowercase, straight
//! apostrophe (`'`), plain hyphen.

use std::collections::BTreeSet;
use std::path::Path;

use super::error::PhraseError;
use super::ngrams::normalize_word;
use crate::wordlist::WordList;

/// Which words may not start or end a key phrase.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StopWords {
    /// The built-in English list ([`ENGLISH`]): function words, pronouns, auxiliaries and their
    /// contractions, vague quantifiers and adverbs, and the reporting verbs of news prose
    /// ("said", "told").
    #[default]
    English,
    /// No stop words: only numbers and one-letter words are kept off the ends of phrases.
    None,
    /// Exactly these words (normalised like the tokeniser does: lowercase, `'` for `’`).
    Custom(BTreeSet<String>),
}

impl StopWords {
    /// Reads a stop-word file: one word per line, UTF-8; blank lines and everything after a `#`
    /// are ignored; words are lowercased. A line holding two words is an error (a phrase can
    /// not be a stop word), so is a file that is not UTF-8 or cannot be read.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, PhraseError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| PhraseError::StopWordsIo {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| PhraseError::StopWordsFile {
            path: path.to_path_buf(),
            line: 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            reason: "is not valid UTF-8".into(),
        })?;
        Self::parse(&text).map_err(|(line, reason)| PhraseError::StopWordsFile {
            path: path.to_path_buf(),
            line,
            reason,
        })
    }

    /// Parses the stop-word file format (see [`StopWords::from_file`]); errors give the 1-based
    /// line number and what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut words = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let content = line.split('#').next().unwrap_or("").trim();
            let content = content.trim_start_matches('\u{feff}');
            if content.is_empty() {
                continue;
            }
            if content.split_whitespace().count() > 1 {
                return Err((
                    i + 1,
                    format!("`{content}` holds more than one word: write one word per line"),
                ));
            }
            words.insert(normalize_word(content));
        }
        Ok(StopWords::Custom(words))
    }

    /// Whether `word` (already normalised: lowercase, straight apostrophe) is a stop word.
    pub fn contains(&self, word: &str) -> bool {
        match self {
            StopWords::English => ENGLISH.contains(word),
            StopWords::None => false,
            StopWords::Custom(set) => set.contains(word),
        }
    }
}

/// The built-in English stop words (`words/english.txt`, sorted and normalised: tested).
///
/// Written for this crate: closed-class words (articles, pronouns, prepositions, conjunctions,
/// auxiliaries and modals with their contractions), vague quantifiers and adverbs that make
/// no label ("also", "many", "however"), and the reporting verbs and titles of news prose
/// ("said", "according", "mr"). Content words that could head a theme ("war", "state",
/// "world", "people") are deliberately absent.
pub static ENGLISH: WordList = WordList::new(include_str!("words/english.txt"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_list_is_sorted_normalised_and_unique() {
        let words: Vec<&str> = ENGLISH.iter().collect();
        for w in words.windows(2) {
            assert!(w[0] < w[1], "{} then {}", w[0], w[1]);
        }
        for w in words {
            assert_eq!(normalize_word(w), w);
        }
        let e = StopWords::English;
        assert!(e.contains("the") && e.contains("said") && e.contains("don't"));
        assert!(!e.contains("war") && !e.contains("energy") && !e.contains("reverse"));
        assert!(!StopWords::None.contains("the"));
    }

    #[test]
    fn parse_comments_case_and_errors() {
        let StopWords::Custom(set) =
            StopWords::parse("\u{feff}# header\nThe\n\nRussia’s # note\n  foo  \n").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            set.into_iter().collect::<Vec<_>>(),
            ["foo", "russia's", "the"]
        );
        assert_eq!(StopWords::parse("a\nb c\n").unwrap_err().0, 2);
        assert_eq!(
            StopWords::parse("").unwrap(),
            StopWords::Custom(BTreeSet::new())
        );
    }
}
