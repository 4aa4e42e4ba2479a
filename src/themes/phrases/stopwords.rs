//! Stop words: the built-in English list, none, or a list read from a file.
//!
//! A stop word may sit inside a phrase ("marriage *of* convenience") but never at either end.
//! Words are compared in the normalised form the tokeniser counts with: lowercase, straight
//! apostrophe (`'`), plain hyphen.

use std::collections::BTreeSet;
use std::path::Path;

use super::error::PhraseError;
use super::ngrams::normalize_word;

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
            StopWords::English => ENGLISH.binary_search(&word).is_ok(),
            StopWords::None => false,
            StopWords::Custom(set) => set.contains(word),
        }
    }
}

/// The built-in English stop words, sorted (checked by a test) for binary search.
///
/// Written for this crate: closed-class words (articles, pronouns, prepositions, conjunctions,
/// auxiliaries and modals with their contractions), vague quantifiers and adverbs that make
/// no label ("also", "many", "however"), and the reporting verbs and titles of news prose
/// ("said", "according", "mr"). Content words that could head a theme ("war", "state",
/// "world", "people") are deliberately absent.
pub const ENGLISH: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "across",
    "actually",
    "after",
    "afterwards",
    "again",
    "against",
    "ago",
    "ain't",
    "all",
    "almost",
    "alone",
    "along",
    "already",
    "also",
    "although",
    "always",
    "am",
    "among",
    "amongst",
    "an",
    "and",
    "another",
    "any",
    "anybody",
    "anyone",
    "anything",
    "anyway",
    "anywhere",
    "are",
    "aren't",
    "around",
    "as",
    "at",
    "be",
    "became",
    "because",
    "become",
    "becomes",
    "becoming",
    "been",
    "before",
    "beforehand",
    "behind",
    "being",
    "below",
    "beside",
    "besides",
    "between",
    "beyond",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "done",
    "down",
    "due",
    "during",
    "each",
    "eg",
    "either",
    "else",
    "elsewhere",
    "enough",
    "especially",
    "etc",
    "even",
    "ever",
    "every",
    "everybody",
    "everyone",
    "everything",
    "everywhere",
    "except",
    "far",
    "few",
    "fewer",
    "for",
    "former",
    "formerly",
    "from",
    "further",
    "furthermore",
    "get",
    "gets",
    "getting",
    "given",
    "go",
    "goes",
    "going",
    "gone",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "hence",
    "her",
    "here",
    "hereby",
    "herein",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "ie",
    "if",
    "in",
    "indeed",
    "instead",
    "into",
    "is",
    "isn't",
    "it",
    "it'd",
    "it'll",
    "its",
    "itself",
    "just",
    "last",
    "later",
    "latter",
    "least",
    "less",
    "let",
    "like",
    "likely",
    "made",
    "make",
    "makes",
    "making",
    "many",
    "may",
    "maybe",
    "me",
    "meanwhile",
    "might",
    "mine",
    "more",
    "moreover",
    "most",
    "mostly",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "mustn't",
    "my",
    "myself",
    "namely",
    "neither",
    "never",
    "nevertheless",
    "next",
    "no",
    "nobody",
    "none",
    "nor",
    "not",
    "nothing",
    "now",
    "nowhere",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "ones",
    "only",
    "onto",
    "or",
    "other",
    "others",
    "otherwise",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "particularly",
    "per",
    "perhaps",
    "please",
    "quite",
    "rather",
    "really",
    "recently",
    "regarding",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "see",
    "seem",
    "seemed",
    "seems",
    "several",
    "shall",
    "she",
    "she'd",
    "she'll",
    "should",
    "shouldn't",
    "since",
    "so",
    "some",
    "somebody",
    "someone",
    "something",
    "sometimes",
    "somewhat",
    "somewhere",
    "soon",
    "still",
    "such",
    "take",
    "taken",
    "takes",
    "taking",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "thence",
    "there",
    "thereafter",
    "thereby",
    "therefore",
    "therein",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "this",
    "those",
    "though",
    "through",
    "throughout",
    "thus",
    "to",
    "together",
    "told",
    "too",
    "toward",
    "towards",
    "under",
    "unless",
    "until",
    "up",
    "upon",
    "us",
    "use",
    "used",
    "using",
    "very",
    "via",
    "was",
    "wasn't",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "were",
    "weren't",
    "what",
    "whatever",
    "when",
    "whenever",
    "where",
    "whereas",
    "whereby",
    "wherever",
    "whether",
    "which",
    "while",
    "who",
    "whoever",
    "whole",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "won't",
    "would",
    "wouldn't",
    "yes",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_list_is_sorted_normalised_and_unique() {
        for w in ENGLISH.windows(2) {
            assert!(w[0] < w[1], "{} then {}", w[0], w[1]);
        }
        for w in ENGLISH {
            assert_eq!(normalize_word(w), *w);
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
