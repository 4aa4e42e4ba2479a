//! Built-in word lists: one word per line in a text file beside the code that uses it
//! (`include_str!`), `#` starting a comment, read into a set on first use.

use std::collections::HashSet;
use std::sync::OnceLock;

/// A word list compiled into the binary.
pub struct WordList {
    text: &'static str,
    words: OnceLock<HashSet<&'static str>>,
}

impl WordList {
    pub const fn new(text: &'static str) -> WordList {
        WordList {
            text,
            words: OnceLock::new(),
        }
    }

    /// The words, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> {
        self.text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|w| !w.is_empty())
    }

    fn set(&self) -> &HashSet<&'static str> {
        self.words.get_or_init(|| self.iter().collect())
    }

    /// Whether `word` is in the list, exactly.
    pub fn contains(&self, word: &str) -> bool {
        self.set().contains(word)
    }

    /// Whether `word`, lowercased, is in the list.
    pub fn contains_lowercase(&self, word: &str) -> bool {
        self.contains(&word.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_comments_and_blank_lines() {
        let list = WordList::new("# header\nthe\n\n  of  # a comment\nDon't\n");
        assert_eq!(list.iter().collect::<Vec<_>>(), ["the", "of", "Don't"]);
        assert!(list.contains("of") && !list.contains("header"));
        assert!(list.contains_lowercase("THE") && !list.contains("THE"));
    }
}
