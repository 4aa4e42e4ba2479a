//! Which phrases may name a theme. A label names what the theme's paragraphs discuss: a phrase
//! that recurs across documents (one theme of a small corpus may hold a single article's
//! paragraphs, so recurring across the corpus is what counts), or an idea the text marks as a
//! term by quoting it and then discusses (‘reverse Nixon’, with "Nixon" and "reverse" again
//! around it). Not a
//! speaker's one-off quote ("weal and woe"), one article's wording in a theme that dozens of
//! articles share, the title of a book or article ("War and Peace"),
//! a form of address ("Ladies and Gentlemen"), the title of an office ("Prime Minister"), a piece of a sentence ("agreed to buy": see
//! [`clause`]), a phrase that most documents of a large corpus
//! repeat, or an actor's bare name when a phrase about the theme does nearly as well (for a
//! group of the theme tree: when any other phrase may name it). Such phrases stay in the
//! theme's phrase list.

use super::{clause, StopWords};
use crate::wordlist::WordList;

/// Forms of address and courtesies (`words/address.txt`).
static ADDRESS: WordList = WordList::new(include_str!("words/address.txt"));

/// Words of the titles of offices (`words/offices.txt`).
static OFFICES: WordList = WordList::new(include_str!("words/offices.txt"));

/// Last words of the names of events, agreements and policies (`words/named_things.txt`).
static NAMED_THINGS: WordList = WordList::new(include_str!("words/named_things.txt"));

/// In a corpus of at least this many documents...
const WIDESPREAD_MIN_DOCUMENTS: u32 = 10;
/// ...a phrase in this share of them is everyone's, not a theme's.
const WIDESPREAD_SHARE: f32 = 0.5;
/// A theme of at least [`super::BROAD_THEME_DOCUMENTS`] documents is named only by a phrase
/// that at least this share of them use (and at least 2): one article's wording does not name
/// what dozens of articles discuss.
const BROAD_THEME_SHARE: f32 = super::SUPPORT_SHARE;
/// A name yields the label to a phrase that is not a name and scores at least this share of
/// the best relevance among the phrases that may name the theme.
pub const NAME_YIELD: f32 = 0.6;
/// A group of the theme tree is never named by a bare name when any phrase that may name it is
/// not one: a group gathers themes, and the actors they share ("Xi Jinping", "Donald Trump"
/// across a corpus on China and Russia) say least what tells it from the other groups.
pub const GROUP_NAME_YIELD: f32 = 0.0;

/// What decides whether a phrase may name its theme.
pub struct Evidence<'a> {
    /// As written most often.
    pub surface: &'a str,
    /// Normalised words joined by spaces.
    pub key: &'a str,
    /// Somewhere in the theme a whole quoted span.
    pub quoted: bool,
    /// Occurrences in the theme.
    pub count: u32,
    /// Documents of the theme that hold it, and documents with a paragraph in the theme.
    pub documents: u32,
    pub theme_documents: u32,
    /// Documents of the corpus that hold it, and documents in the corpus.
    pub corpus_documents: u32,
    pub all_documents: u32,
    /// Every content word of it occurs in the corpus more often than the phrase does: the text
    /// discusses what the phrase names.
    pub words_recur: bool,
}

/// Whether the phrase may be the theme's label.
pub fn can_name(e: &Evidence<'_>, stop: &StopWords) -> bool {
    if is_address(e.key)
        || is_office(e.key)
        || is_widespread(e)
        || is_one_voice_of_many(e)
        || clause::reads_as_clause(e.surface)
    {
        return false;
    }
    let recurs = match e.all_documents {
        0 | 1 => e.count >= 2,
        _ => e.corpus_documents >= 2,
    };
    let words = e.key.split(' ').count();
    recurs || (e.quoted && words >= 2 && !is_title_case(e.surface, stop) && e.words_recur)
}

/// Used by too few of a broad theme's documents to speak for it (see [`BROAD_THEME_SHARE`]).
/// On AG News at k = 50, themes of 100–225 items were named by a phrase that one of them used
/// once ("perfect storm" for job cuts at General Motors, "white knight" for the Nobel prizes).
fn is_one_voice_of_many(e: &Evidence<'_>) -> bool {
    let needed = (BROAD_THEME_SHARE * e.theme_documents as f32)
        .ceil()
        .max(2.0) as u32;
    e.theme_documents >= super::BROAD_THEME_DOCUMENTS && e.documents < needed
}

fn is_widespread(e: &Evidence<'_>) -> bool {
    e.all_documents >= WIDESPREAD_MIN_DOCUMENTS
        && e.corpus_documents as f32 >= WIDESPREAD_SHARE * e.all_documents as f32
}

/// The title of a public office and nothing else, of two words or more ("prime minister",
/// "secretary of state"): news on any subject names such offices.
pub fn is_office(key: &str) -> bool {
    let words: Vec<&str> = key
        .split(' ')
        .filter(|w| !matches!(*w, "of" | "the"))
        .collect();
    words.len() >= 2 && words.iter().all(|w| OFFICES.contains(w))
}

/// A form of address, or a phrase holding one ("excellencies ladies and gentlemen").
pub fn is_address(key: &str) -> bool {
    let words: Vec<&str> = key.split(' ').collect();
    (1..=words.len().min(4)).any(|n| {
        words
            .windows(n)
            .any(|w| ADDRESS.contains(w.join(" ").as_str()))
    })
}

/// A bare name, which yields the label to a phrase that does nearly as well: every content
/// word capitalised ("Donald Trump", "United States"), unless the last word makes it the name
/// of an event, an agreement or a policy ("Super Bowl", "Cold War", "Paris Agreement"), which
/// is what a theme discusses.
pub fn is_bare_name(surface: &str, stop: &StopWords) -> bool {
    let last = surface.rsplit(' ').next().unwrap_or(surface);
    is_title_case(surface, stop) && !NAMED_THINGS.contains_lowercase(last)
}

/// Every content word capitalised ("War and Peace", "Donald Trump", "China"): a name or a
/// title. Stop words may stay lower case inside.
pub fn is_title_case(surface: &str, stop: &StopWords) -> bool {
    let mut content = 0;
    for word in surface.split(' ') {
        let Some(first) = word.chars().find(|c| c.is_alphabetic()) else {
            continue;
        };
        if first.is_uppercase() {
            content += 1;
        } else if !stop.contains(&super::ngrams::normalize_word(word)) {
            return false;
        }
    }
    content > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence<'a>(surface: &'a str, key: &'a str) -> Evidence<'a> {
        Evidence {
            surface,
            key,
            quoted: false,
            count: 1,
            documents: 1,
            theme_documents: 3,
            corpus_documents: 1,
            all_documents: 5,
            words_recur: false,
        }
    }

    #[test]
    fn a_phrase_must_recur_across_the_themes_documents() {
        let stop = StopWords::English;
        let mut e = evidence("marriage of convenience", "marriage of convenience");
        assert!(!can_name(&e, &stop));
        e.corpus_documents = 2;
        assert!(can_name(&e, &stop));
        // A corpus of one document: recurring paragraphs are enough.
        let mut one = evidence("gas price", "gas price");
        one.all_documents = 1;
        one.count = 2;
        assert!(can_name(&one, &stop));
    }

    #[test]
    fn a_quoted_term_names_a_theme_when_the_text_discusses_it() {
        let stop = StopWords::English;
        let mut coined = evidence("reverse Nixon", "reverse nixon");
        coined.quoted = true;
        assert!(!can_name(&coined, &stop), "a one-off quote");
        coined.words_recur = true;
        assert!(can_name(&coined, &stop));
        let mut title = evidence("War and Peace", "war and peace");
        title.quoted = true;
        title.words_recur = true;
        assert!(!can_name(&title, &stop), "a title");
    }

    #[test]
    fn forms_of_address_and_everyones_phrases_never_name_a_theme() {
        let stop = StopWords::English;
        let mut e = evidence("Ladies and Gentlemen", "ladies and gentlemen");
        e.documents = 40;
        assert!(!can_name(&e, &stop));
        assert!(is_address("excellencies ladies and gentlemen"));
        assert!(!is_address("gentleman's agreement"));
        let mut common = evidence("international community", "international community");
        (
            common.documents,
            common.corpus_documents,
            common.all_documents,
        ) = (30, 120, 200);
        assert!(!can_name(&common, &stop));
        common.corpus_documents = 40;
        assert!(can_name(&common, &stop));
    }

    #[test]
    fn a_broad_theme_is_named_by_a_phrase_several_of_its_documents_use() {
        let stop = StopWords::English;
        let mut idiom = evidence("perfect storm", "perfect storm");
        (idiom.corpus_documents, idiom.all_documents) = (3, 7_600);
        // One document of a theme of 5 may speak for it; one of 130 may not.
        idiom.theme_documents = 5;
        assert!(can_name(&idiom, &stop));
        idiom.theme_documents = 130;
        assert!(!can_name(&idiom, &stop));
        idiom.documents = 2;
        assert!(can_name(&idiom, &stop));
        // At 300 documents, 1 % of them: 3.
        idiom.theme_documents = 300;
        assert!(!can_name(&idiom, &stop));
        idiom.documents = 3;
        assert!(can_name(&idiom, &stop));
    }

    #[test]
    fn names_and_titles_are_title_case() {
        let stop = StopWords::English;
        assert!(is_title_case("Donald Trump", &stop));
        assert!(is_title_case("War and Peace", &stop));
        assert!(is_title_case("China", &stop));
        assert!(!is_title_case("Ping-Pong diplomacy", &stop));
        assert!(!is_title_case("reverse Nixon", &stop));
    }

    #[test]
    fn events_and_agreements_are_no_bare_names() {
        let stop = StopWords::English;
        for thing in [
            "Super Bowl",
            "Cold War",
            "Wall Street",
            "Paris Agreement",
            "World Cup",
        ] {
            assert!(!is_bare_name(thing, &stop), "{thing}");
        }
        for name in ["Tom Brady", "United States", "Xi Jinping", "Red Sox"] {
            assert!(is_bare_name(name, &stop), "{name}");
        }
        assert!(!is_bare_name("trade war", &stop));
    }

    #[test]
    fn public_offices_alone_are_offices() {
        for office in ["prime minister", "secretary of state", "vice president"] {
            assert!(is_office(office), "{office}");
        }
        for phrase in [
            "president",
            "prime minister theresa may",
            "chief executive",
            "state aid",
        ] {
            assert!(!is_office(phrase), "{phrase}");
        }
    }
}
