//! Phrases that read as a piece of a sentence, not as a name: "agreed to buy", "miss the
//! rest", "people were killed", "scored 25 points", "stocks opened". On AG News at k = 50 such
//! pieces named a fifth of the themes; they recur because news prose repeats its verbs, but a
//! reader names a theme by what it is about ("takeover bid", "Super Bowl"). They stay among a
//! theme's phrases. Without a tagger, the shapes are read from closed word classes and two
//! short verb lists (`words/verbs.txt`, `words/verbs_past.txt`); only lowercase words count, so
//! names and titles ("Red Hat", "Apollo 13") are never clauses.

use crate::wordlist::WordList;

/// Base forms: one after an inner "to" makes an infinitive clause.
static VERBS: WordList = WordList::new(include_str!("words/verbs.txt"));
/// Irregular past forms (regular ones end in "-ed").
static PAST_VERBS: WordList = WordList::new(include_str!("words/verbs_past.txt"));

/// Auxiliaries and modals: a phrase holding one inside holds a finite verb.
const AUXILIARIES: [&str; 21] = [
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would",
    "can", "could", "shall", "should", "may", "might", "must", "does", "did",
];
/// Words that open a verb's object or a clause ("miss *the* rest", "warned *that*").
const OBJECT_OPENERS: [&str; 11] = [
    "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "that",
];
/// Prepositions and "and" after a past form ("filed *for* bankruptcy", "shot *and* killed").
const AFTER_PAST: [&str; 11] = [
    "for", "in", "on", "with", "by", "at", "from", "into", "of", "and", "as",
];
/// Number words that, like digits, make a verb's object ("killed three soldiers").
const NUMBER_WORDS: [&str; 12] = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "dozens",
    "hundreds",
    "thousands",
];
/// Verbs in the third person singular present that speak for a subject ("Russia *wants*",
/// "Trump *says*"); forms that are also plural nouns ("plans", "claims", "fears") are left out.
const PRESENT_VERBS: [&str; 14] = [
    "says", "wants", "needs", "thinks", "believes", "hopes", "seeks", "insists", "warns", "argues",
    "knows", "tells", "seems", "remains",
];
/// Irregular past forms that end a noun phrase as often as a clause.
const PAST_NOUNS: [&str; 7] = ["cost", "found", "left", "quit", "rose", "set", "shot"];
/// Words ending in "-ed" that are no past forms.
const NOT_PAST: [&str; 9] = [
    "hundred", "kindred", "sacred", "naked", "wicked", "wretched", "rugged", "beloved", "ragged",
];

/// Whether the phrase (words as written, joined by single spaces) reads as a clause.
pub fn reads_as_clause(surface: &str) -> bool {
    let words: Vec<&str> = surface.split(' ').collect();
    let Some((&first, rest)) = words.split_first() else {
        return false;
    };
    let Some(&second) = rest.first() else {
        return false;
    };
    let inner = &words[1..words.len() - 1];
    has_finite_auxiliary(inner)
        || has_infinitive(&words)
        || takes_object(first, second)
        || ends_in_past(&words)
        || ends_in_present(&words)
}

/// A named subject and its verb: "Russia *wants*", "Trump *says*".
fn ends_in_present(words: &[&str]) -> bool {
    let [.., before, last] = words else {
        return false;
    };
    !is_lower(before) && PRESENT_VERBS.contains(last)
}

fn is_lower(word: &str) -> bool {
    word.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase)
}

/// "people *were* killed", "prices *will* rise".
fn has_finite_auxiliary(inner: &[&str]) -> bool {
    inner.iter().any(|w| AUXILIARIES.contains(w))
}

/// "agreed *to buy*", "points *to lead*".
fn has_infinitive(words: &[&str]) -> bool {
    words
        .windows(2)
        .any(|w| w[0] == "to" && VERBS.contains(w[1]))
}

/// A regular ("-ed") or irregular past form, lowercase, not hyphenated.
pub fn is_past(word: &str) -> bool {
    let regular = word.len() >= 5
        && word.ends_with("ed")
        && !word.ends_with("eed")
        && !NOT_PAST.contains(&word);
    is_lower(word) && !word.contains('-') && (regular || PAST_VERBS.contains(word))
}

/// A lowercase first word with its object or complement: "miss *the* rest", "warned *that*",
/// "scored *25* points", "filed *for* bankruptcy".
fn takes_object(first: &str, second: &str) -> bool {
    if !is_lower(first) {
        return false;
    }
    let number = second.starts_with(|c: char| c.is_ascii_digit()) || NUMBER_WORDS.contains(&second);
    OBJECT_OPENERS.contains(&second) || (is_past(first) && (number || AFTER_PAST.contains(&second)))
}

/// A subject and its verb: "stocks *opened*", "Cleveland Cavaliers *won*"; not an adverb and
/// its participle ("genetically modified"), which reads as a modifier, nor a past form that is
/// also a noun ("tax cut", "jump shot", "far left").
fn ends_in_past(words: &[&str]) -> bool {
    let [.., before, last] = words else {
        return false;
    };
    let (before, last) = (*before, *last);
    let regular = last.ends_with("ed") && !before.ends_with("ly");
    let irregular =
        PAST_VERBS.contains(last) && !VERBS.contains(last) && !PAST_NOUNS.contains(&last);
    is_past(last) && (regular || irregular)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_sentences_read_as_clauses() {
        for phrase in [
            "agreed to buy",
            "million to settle",
            "points to lead",
            "Poland to cut",
            "miss the rest",
            "create the world",
            "warned that",
            "people were killed",
            "scored 25 points",
            "cut 600 jobs",
            "killed three Egyptian",
            "filed for bankruptcy",
            "shot and killed",
            "led by technology",
            "U.S. stocks opened",
            "Russia wants",
            "President Trump says",
            "car bomb exploded",
            "Cleveland Cavaliers won",
        ] {
            assert!(reads_as_clause(phrase), "{phrase}");
        }
    }

    #[test]
    fn names_and_noun_phrases_are_no_clauses() {
        for phrase in [
            "marriage of convenience",
            "reverse Nixon",
            "road to recovery",
            "return to power",
            "alternative to Microsoft",
            "genetically modified",
            "armed forces",
            "United Nations",
            "Red Hat",
            "Apollo 13",
            "percent pay cut",
            "Russia plans",
            "China remains open",
            "tax cut",
            "jump shot",
            "far left",
            "box office hit",
            "mad cow disease",
            "filed",
            "war in Iraq",
            "two hundred",
            "speed",
        ] {
            assert!(!reads_as_clause(phrase), "{phrase}");
        }
    }

    #[test]
    fn the_verb_lists_are_sorted_lowercase_words() {
        for list in [&VERBS, &PAST_VERBS] {
            let words: Vec<&str> = list.iter().collect();
            assert!(words.len() > 40);
            assert!(words.windows(2).all(|w| w[0] < w[1]), "{words:?}");
            assert!(words
                .iter()
                .all(|w| w.chars().all(|c| c.is_ascii_lowercase())));
        }
    }
}
