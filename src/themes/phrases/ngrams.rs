//! Tokenising paragraphs and extracting candidate phrases (1–3-grams, names up to 5 words).
//!
//! Rules:
//! - A token is a run of letters and digits. A hyphen or apostrophe between two letters or
//!   digits stays inside it ("Xi-Putin", "Russia’s", "don't"); so does a `.` or `,` between
//!   digits ("1,000", "3.5"). Dotted abbreviations are one token ("U.S.", "U.S.-China").
//! - A token is a *number* when it starts with a digit or holds no letter ("2025", "1970s").
//! - Tokens are joined into phrases only across whitespace: any other character between two
//!   tokens (sentence punctuation, commas, dashes, quotes, brackets, slashes...) is a boundary.
//! - A phrase must neither start nor end with a stop word, a number or a one-letter word;
//!   inside it, anything goes ("marriage of convenience").
//! - Counting uses a normalised key: lowercase, `’` → `'`, hyphen variants → `-`, a final
//!   possessive `'s` dropped ("Putin’s" counts as "putin"), dots dropped from abbreviations
//!   ("U.S." counts as "us"). The surface form shown is the most common original spelling.
//! - An all-capital token of two or more letters is an acronym and never a stop word ("US",
//!   "WHO").
//! - Each occurrence records its neighbouring content words, so that a phrase that only ever
//!   occurs inside the same longer phrase ("Jinping" in "Xi Jinping", "War international
//!   order" in "post-Cold War international order") can be recognised as a fragment.
//! - Neither a character reference (`&quot;`, ` #39;`, left in text that did not come through
//!   the corpus reader) nor a dateline ("NEW YORK (Reuters) - ": [`dateline`]) is a token.
//! - A phrase that is the whole of a quoted span (‘reverse Nixon,’ or “Collective West”) is
//!   marked `quoted`: authors put coined terms and labels in quotation marks.

use super::dateline::{self, RawSegment};
use super::stopwords::StopWords;
use crate::wordlist::WordList;

/// HTML character references that lost their ampersand (` quot;`), read as words when a text
/// did not come through the corpus reader, which decodes them (`corpus/entities.rs`).
const REFERENCE_NAMES: [&str; 6] = ["quot", "amp", "apos", "lt", "gt", "nbsp"];

/// The token between `before` and `after` is a character reference (`&quot;`, `&#39;`, or
/// one that lost its `&`): no word of the text.
fn is_reference(before: &str, token: &str, after: &str) -> bool {
    let numeric = before.ends_with("&#") || before.ends_with('#');
    after.starts_with(';')
        && ((numeric && token.bytes().all(|b| b.is_ascii_alphanumeric()))
            || REFERENCE_NAMES.contains(&token)
            || before.ends_with('&'))
}

/// One token of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The text as written.
    pub surface: &'a str,
    /// Byte offset of the token in the text.
    pub start: usize,
    /// The normalised form used for counting.
    pub key: String,
    /// Starts with a digit or holds no letter.
    pub number: bool,
    /// Two or more letters, all capitals ("US", "U.S.", "NATO").
    pub acronym: bool,
}

/// A run of tokens separated only by whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    pub tokens: Vec<Token<'a>>,
    /// The whole segment is enclosed in quotation marks.
    pub quoted: bool,
}

/// One occurrence of a candidate phrase in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Normalised key: token keys joined by single spaces.
    pub key: String,
    /// The phrase as written, tokens joined by single spaces.
    pub surface: String,
    /// Number of tokens (1..=`ngram_max`, up to [`NAME_WORDS_MAX`] for a name).
    pub len: usize,
    /// This occurrence is a whole quoted span.
    pub quoted: bool,
    /// The content word just before the phrase in the same segment (its key), if the word
    /// there is one that could itself start a phrase; `None` at a boundary or after a stop word
    /// or number.
    pub left: Option<String>,
    /// The content word just after the phrase, likewise.
    pub right: Option<String>,
    /// Whether the word just before (`[0]`) and just after (`[1]`) the phrase, in the same
    /// segment, could continue a name ([`continues_name`]): "Democratic challenger John" before
    /// "Kerry", "Securities and Exchange" before "Commission".
    pub name_beside: [bool; 2],
}

const OPEN_QUOTES: &[char] = &['"', '\'', '“', '‘', '«', '„', '‚', '‹'];
const CLOSE_QUOTES: &[char] = &['"', '\'', '”', '’', '»', '“', '‘', '›'];
const JOINERS: &[char] = &['-', '\'', '’', '‐', '‑', 'ʼ'];

/// Normalises one word as the counting key does (lowercase, straight apostrophe, plain hyphen);
/// used for stop-word files too. Does not drop possessives or dots.
pub fn normalize_word(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '’' | 'ʼ' | '‘' => '\'',
            '‐' | '‑' => '-',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn token(surface: &str, start: usize, abbreviation: bool) -> Token<'_> {
    let first = surface.chars().next().unwrap_or(' ');
    let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
    let number = first.is_numeric() || letters == 0;
    let acronym = letters >= 2
        && surface
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    let mut key = normalize_word(surface);
    if abbreviation {
        key.retain(|c| c != '.');
    }
    if key.len() > 2 && key.ends_with("'s") {
        key.truncate(key.len() - 2);
    }
    Token {
        surface,
        start,
        key,
        number,
        acronym,
    }
}

/// Splits a text into segments of tokens (see the module docs for the rules).
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let alnum = |i: usize| at(i).is_some_and(char::is_alphanumeric);
    let digit = |i: usize| at(i).is_some_and(char::is_numeric);
    let letter = |i: usize| at(i).is_some_and(char::is_alphabetic);
    let hyphen = |i: usize| matches!(at(i), Some('-' | '‐' | '‑'));

    // (tokens, start byte of the first, end byte of the last)
    let mut raw: Vec<RawSegment<'_>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !alnum(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        let mut abbreviation = false;
        if letter(i)
            && at(i + 1) == Some('.')
            && letter(i + 2)
            && at(i + 3) == Some('.')
            && (i == 0 || !alnum(i - 1))
        {
            while letter(j) && at(j + 1) == Some('.') {
                j += 2;
            }
            abbreviation = true;
            if hyphen(j) && alnum(j + 1) {
                j += 1;
            }
        }
        if !abbreviation || alnum(j) {
            loop {
                // A letter or digit, a joiner inside a word ("Xi's", "co-operation"), or
                // a separator inside a number ("1,000", "3.5").
                let inner = j > start && alnum(j - 1);
                let joined = inner && alnum(j + 1) && at(j).is_some_and(|c| JOINERS.contains(&c));
                let numeric =
                    j > start && digit(j - 1) && digit(j + 1) && matches!(at(j), Some('.' | ','));
                if alnum(j) || joined || numeric {
                    j += 1;
                } else {
                    break;
                }
            }
        }
        let (b0, b1) = (byte(start), byte(j));
        i = j;
        if is_reference(&text[..b0], &text[b0..b1], &text[b1..]) {
            continue;
        }
        let t = token(&text[b0..b1], b0, abbreviation);
        match raw.last_mut() {
            Some((tokens, _, end)) if text[*end..b0].chars().all(char::is_whitespace) => {
                tokens.push(t);
                *end = b1;
            }
            _ => raw.push((vec![t], b0, b1)),
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut dateline_end = 0;
    for k in 0..raw.len() {
        if k >= dateline_end {
            dateline_end = k + dateline::length(text, &raw, k);
        }
        if k < dateline_end {
            continue;
        }
        let before_start = if k == 0 { 0 } else { raw[k - 1].2 };
        let after_end = raw.get(k + 1).map_or(text.len(), |r| r.1);
        let before = &text[before_start..raw[k].1];
        let after = &text[raw[k].2..after_end];
        let opened = before.trim_end().ends_with(OPEN_QUOTES);
        let closed = after
            .trim_start_matches([',', '.', ';', ':', '!', '?'])
            .starts_with(CLOSE_QUOTES);
        out.push(Segment {
            tokens: std::mem::take(&mut raw[k].0),
            quoted: opened && closed,
        });
    }
    out
}

/// Titles, which start a name of their own rather than continue one ("Minister" before "Ariel
/// Sharon"), legal forms, which end a company's name without being part of what it is called
/// ("Inc", "Corp"), and days and months, which follow names in news copy ("Intel Monday").
static NOT_NAME_PARTS: WordList = WordList::new(include_str!("words/not_name_parts.txt"));

/// Lower-case words inside names ("Securities and Exchange Commission", "Bank of America").
pub const NAME_CONNECTORS: [&str; 10] = [
    "and", "of", "de", "du", "van", "von", "der", "bin", "al", "del",
];

/// Whether the name that `edge`, the phrase's first or last token, belongs to goes on at
/// `side` (the tokens beside the phrase, nearest first): a capitalised word or initial that is
/// not a stop word, or a connector and then one ("and Exchange"). A title (or a legal form, a
/// day) beside a name starts (or closes) another ("Minister" before "Ariel Sharon"), but beside
/// a title it is part of the same ("Prime" before "Minister Shaukat Aziz"). Each word of `side`
/// comes with whether it starts its segment: such a word may be capitalised only because it
/// starts a sentence, so it is not read as a name.
pub fn continues_name(
    edge: &Token<'_>,
    side: [Option<(&Token<'_>, bool)>; 2],
    stop: &StopWords,
) -> bool {
    let capital = |(t, first): (&Token<'_>, bool)| {
        !first
            && is_capital_word(t, stop)
            && (!NOT_NAME_PARTS.contains(&t.key) || NOT_NAME_PARTS.contains(&edge.key))
    };
    match side {
        [Some(next), _] if capital(next) => true,
        [Some((next, _)), Some(after)] if NAME_CONNECTORS.contains(&next.surface) => capital(after),
        _ => false,
    }
}

/// A word before a phrase, unless it is a possessive: that is another name ("Nixon's Ping-Pong
/// diplomacy").
fn not_possessive<'t, 'a>(word: Option<(&'t Token<'a>, bool)>) -> Option<(&'t Token<'a>, bool)> {
    word.filter(|(t, _)| !t.surface.ends_with("'s") && !t.surface.ends_with("’s"))
}

/// Names may run longer than other phrases ("International Atomic Energy Agency", "Securities
/// and Exchange Commission"): a run of capitalised words and connectors is a candidate of up to
/// this many tokens, whatever `ngram_max` (from 2), so that a name longer than a phrase is shown
/// whole instead of by pieces, which are fragments ([`continues_name`]).
pub const NAME_WORDS_MAX: usize = 5;

/// Every token a capitalised word that is not a stop word (or an acronym), or a connector
/// inside a name; no title, legal form or day: a person is shown by the name alone ("Ariel
/// Sharon", not "Prime Minister Ariel Sharon"), a company without its "Inc".
fn is_name(span: &[Token<'_>], stop: &StopWords) -> bool {
    span.iter().all(|t| {
        (is_capital_word(t, stop) && !NOT_NAME_PARTS.contains(&t.key))
            || NAME_CONNECTORS.contains(&t.surface)
    })
}

/// A capitalised word that is not a number, nor a stop word unless an acronym: what a name is
/// made of.
fn is_capital_word(t: &Token<'_>, stop: &StopWords) -> bool {
    t.surface.chars().next().is_some_and(char::is_uppercase)
        && !t.number
        && (t.acronym || !stop.contains(&t.key))
}

/// Whether a token may start or end a phrase.
pub fn edge_ok(t: &Token<'_>, stop: &StopWords) -> bool {
    !t.number && t.key.chars().count() >= 2 && (t.acronym || !stop.contains(&t.key))
}

/// Every candidate phrase occurrence of up to `ngram_max` tokens in `text` (names up to
/// [`NAME_WORDS_MAX`]), in text order
/// (by start token, then length), and the number of tokens in the text.
pub fn extract(text: &str, ngram_max: usize, stop: &StopWords) -> (Vec<Candidate>, usize) {
    let mut out = Vec::new();
    let mut tokens = 0;
    for seg in segments(text) {
        let toks = &seg.tokens;
        tokens += toks.len();
        for s in 0..toks.len() {
            if !edge_ok(&toks[s], stop) {
                continue;
            }
            let at = |i: Option<usize>| i.and_then(|i| toks.get(i)).map(|t| (t, i == Some(0)));
            let before = [
                not_possessive(at(s.checked_sub(1))),
                not_possessive(at(s.checked_sub(2))),
            ];
            let name_before = continues_name(&toks[s], before, stop);
            let longest = match ngram_max {
                0 | 1 => ngram_max,
                _ => ngram_max.max(NAME_WORDS_MAX),
            };
            for len in 1..=longest.min(toks.len() - s) {
                let span = &toks[s..s + len];
                if len > ngram_max && !is_name(span, stop) {
                    break;
                }
                if !edge_ok(&toks[s + len - 1], stop) {
                    continue;
                }
                let key = span
                    .iter()
                    .map(|t| t.key.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                // A possessive at the end of a phrase is not part of its name: "Peking
                // University's" is shown as "Peking University".
                let mut words: Vec<&str> = span.iter().map(|t| t.surface).collect();
                if let Some(last) = words.last_mut() {
                    *last = ["'s", "’s", "'S", "’S"]
                        .iter()
                        .find_map(|p| last.strip_suffix(p))
                        .filter(|w| !w.is_empty())
                        .unwrap_or(last);
                }
                let surface = words.join(" ");
                let content = |t: &Token<'_>| edge_ok(t, stop).then(|| t.key.clone());
                let after = [at(Some(s + len)), at(Some(s + len + 1))];
                out.push(Candidate {
                    key,
                    surface,
                    len,
                    quoted: seg.quoted && len == toks.len(),
                    left: s.checked_sub(1).and_then(|i| content(&toks[i])),
                    right: toks.get(s + len).and_then(content),
                    name_beside: [name_before, continues_name(&toks[s + len - 1], after, stop)],
                });
            }
        }
    }
    (out, tokens)
}

/// The candidate phrases of `text` (see [`extract`]).
pub fn candidates(text: &str, ngram_max: usize, stop: &StopWords) -> Vec<Candidate> {
    extract(text, ngram_max, stop).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str, n: usize) -> Vec<String> {
        candidates(text, n, &StopWords::English)
            .into_iter()
            .map(|c| c.key)
            .collect()
    }

    fn seg_texts(text: &str) -> Vec<Vec<&str>> {
        segments(text)
            .into_iter()
            .map(|s| s.tokens.into_iter().map(|t| t.surface).collect())
            .collect()
    }

    #[test]
    fn tokens_keep_hyphens_apostrophes_abbreviations_and_numbers() {
        assert_eq!(
            seg_texts("The Xi-Putin partnership, Russia’s war; U.S.-China talks in the U.S. cost $1,000.5 in 2025"),
            [
                vec!["The", "Xi-Putin", "partnership"],
                vec!["Russia’s", "war"],
                vec!["U.S.-China", "talks", "in", "the", "U.S.", "cost"],
                vec!["1,000.5", "in", "2025"],
            ]
        );
        let t = &segments("Putin’s U.S. e.g. don't")[0].tokens;
        let keys: Vec<&str> = t.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["putin", "us", "eg", "don't"]);
        assert!(t[1].acronym && !t[0].acronym);
        let t = &segments("1970s 12 G7 5G")[0].tokens;
        let numbers: Vec<bool> = t.iter().map(|t| t.number).collect();
        assert_eq!(numbers, [true, true, false, true]);
    }

    /// `[before, after]` of the candidate `surface` in `text`: whether a word beside it could
    /// continue its name.
    fn name_beside(text: &str, surface: &str) -> [bool; 2] {
        candidates(text, 3, &StopWords::English)
            .into_iter()
            .find(|c| c.surface == surface)
            .unwrap_or_else(|| panic!("`{surface}` is no candidate of `{text}`"))
            .name_beside
    }

    #[test]
    fn a_capitalised_word_beside_a_phrase_continues_its_name() {
        let kerry = "Aides say Democratic challenger John Kerry won";
        assert_eq!(
            name_beside(kerry, "Democratic challenger John"),
            [false, true]
        );
        assert_eq!(name_beside(kerry, "John Kerry"), [false, false]);
        // Across a connector, on either side.
        let sec = "filed with the Securities and Exchange Commission today";
        assert_eq!(name_beside(sec, "Exchange Commission"), [true, false]);
        assert_eq!(name_beside(sec, "Securities"), [false, true]);
        // A title starts a name of its own, unless the phrase starts with a title too.
        let sharon = "said Israeli Prime Minister Ariel Sharon on";
        assert_eq!(name_beside(sharon, "Ariel Sharon"), [false, false]);
        assert_eq!(name_beside(sharon, "Minister Ariel Sharon"), [true, false]);
        // A legal form or a day closes a name; a sentence's first word may be capitalised for
        // that alone.
        assert_eq!(
            name_beside("rival Intel Corp Monday", "Intel"),
            [false, false]
        );
        assert_eq!(
            name_beside("Boston Red Sox fans", "Red Sox"),
            [false, false]
        );
        assert_eq!(
            name_beside("the Boston Red Sox fans", "Red Sox"),
            [true, false]
        );
    }

    #[test]
    fn character_references_are_no_words() {
        // AG News text read from elsewhere than the corpus reader.
        assert_eq!(
            keys("crack down on  quot;phone sex quot; services", 2),
            ["crack", "phone", "phone sex", "sex", "services"]
        );
        assert_eq!(
            seg_texts("Bush #39;s plan &amp; Kerry&#x27;s &lt;b&gt;view"),
            [
                vec!["Bush"],
                vec!["s", "plan"],
                vec!["Kerry"],
                vec!["s"],
                vec!["b"],
                vec!["view"]
            ]
        );
        // Words before a semicolon stay.
        assert_eq!(keys("a quota; lots", 1), ["quota", "lots"]);
    }

    #[test]
    fn punctuation_breaks_phrases() {
        for sep in [
            ".", ",", ";", ":", "!", "?", " —", " –", " (", ")", " \"", " “", "”", " /", " [", "]",
        ] {
            let text = format!("energy security{sep} gas pipeline");
            let got = keys(&text, 3);
            assert!(
                !got.iter().any(|k| k.contains("security gas")),
                "`{text}` gave {got:?}"
            );
            assert!(
                got.contains(&"gas pipeline".to_string()),
                "`{text}` gave {got:?}"
            );
        }
        // Whitespace of any kind does not.
        assert!(keys("energy\n security", 2).contains(&"energy security".to_string()));
    }

    #[test]
    fn stop_words_and_numbers_only_inside() {
        let got = keys("the marriage of convenience in 2025 was over", 3);
        assert_eq!(
            got,
            ["marriage", "marriage of convenience", "convenience"],
            "stop words and numbers never at an edge"
        );
        let got = keys("sanctions in 2022 hurt", 3);
        // "sanctions in 2022" would end with a number; a 4-gram is too long.
        assert_eq!(got, ["sanctions", "hurt"]);
        let got = keys("Section 301 tariffs", 3);
        assert_eq!(got, ["section", "section 301 tariffs", "tariffs"]);
        // One-letter words stay off the edges.
        assert_eq!(keys("plan B", 2), ["plan"]);
        // Possessives and contractions reduce to stop words.
        assert_eq!(keys("it's Putin's war", 3), ["putin", "putin war", "war"]);
        // An acronym is not the pronoun.
        assert_eq!(keys("the US and us", 3), ["us"]);
    }

    #[test]
    fn ngram_max_limits_length() {
        assert_eq!(
            keys("gas pipeline repairs", 1),
            ["gas", "pipeline", "repairs"]
        );
        assert_eq!(
            keys("gas pipeline repairs", 2),
            [
                "gas",
                "gas pipeline",
                "pipeline",
                "pipeline repairs",
                "repairs"
            ]
        );
        assert_eq!(keys("gas pipeline repairs", 3).len(), 6);
    }

    #[test]
    fn a_name_may_be_longer_than_a_phrase() {
        let sec = "filed with the Securities and Exchange Commission today";
        assert!(keys(sec, 3).contains(&"securities and exchange commission".to_string()));
        assert_eq!(
            name_beside(sec, "Securities and Exchange Commission"),
            [false, false]
        );
        let iaea = "inspectors of the International Atomic Energy Agency arrived";
        assert!(keys(iaea, 2).contains(&"international atomic energy agency".to_string()));
        // Only names: a run with a lowercase word ends at it, and single words stay single.
        assert!(keys("gas pipeline repairs began in earnest", 3)
            .iter()
            .all(|k| k.split(' ').count() <= 3));
        assert!(keys(iaea, 1).iter().all(|k| !k.contains(' ')));
        // Never longer than NAME_WORDS_MAX.
        let run = "Alpha Bravo Charlie Delta Echo Foxtrot Golf";
        assert!(keys(run, 3)
            .iter()
            .all(|k| k.split(' ').count() <= NAME_WORDS_MAX));
        assert!(keys(run, 3).contains(&"alpha bravo charlie delta echo".to_string()));
    }

    #[test]
    fn whole_quoted_spans_are_marked() {
        let quoted = |text: &str| -> Vec<String> {
            candidates(text, 3, &StopWords::English)
                .into_iter()
                .filter(|c| c.quoted)
                .map(|c| c.surface)
                .collect()
        };
        assert_eq!(
            quoted("concerns about some sort of ‘reverse Nixon,’” said Chong"),
            ["reverse Nixon"]
        );
        assert_eq!(quoted("the “Collective West.” And"), ["Collective West"]);
        assert_eq!(quoted("labeled him a \"dictator\" twice"), ["dictator"]);
        // A long quotation is speech, not a term; a quote mark on one side only is not a span.
        assert!(quoted("“We will respond to sanctions and tariffs firmly,” he said").is_empty());
        assert!(quoted("“Gas prices, he said, would rise").is_empty());
        // An apostrophe inside a word is not a quote.
        assert!(quoted("Russia’s energy").is_empty());
    }

    #[test]
    fn surfaces_keep_the_original_spelling() {
        let c = candidates("Reverse Nixon", 2, &StopWords::English);
        assert_eq!(c[1].surface, "Reverse Nixon");
        assert_eq!(c[1].key, "reverse nixon");
        assert_eq!(c[1].len, 2);
        // A final possessive goes; an inner one stays.
        let c = candidates("Peking University’s Putin’s war", 3, &StopWords::English);
        let s: Vec<&str> = c.iter().map(|c| c.surface.as_str()).collect();
        assert!(s.contains(&"Peking University"), "{s:?}");
        assert!(s.contains(&"Putin’s war"), "{s:?}");
        assert!(s.contains(&"Putin"), "{s:?}");
    }
}
