//! Discovery: propose actors from a corpus without an actor file. Runs of capitalised words
//! ("President Vladimir Putin", "Chinese President Xi Jinping") are trimmed of titles, function
//! words and leading demonyms to a core name; a lone surname or given name ("Putin", "Xi") is
//! merged into the longer name it belongs to; role phrases that the corpus uses ("the Russian
//! leader") are attached to the person most often titled with that country. Countries come from
//! the gazetteer. Counts are the mentions the final actor set finds.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{Actor, ActorFile, ActorKind, ActorSet, MentionMatcher};
use crate::corpus::Corpus;
use crate::wordlist::WordList;

/// Discovery settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverOptions {
    /// Keep actors mentioned at least this often.
    pub min_mentions: usize,
    /// Keep at most this many discovered (non-gazetteer) actors, the most mentioned first.
    pub max_actors: usize,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            min_mentions: 3,
            max_actors: 100,
        }
    }
}

/// The proposed actors with their mention counts, most mentioned first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub actors: Vec<(Actor, usize)>,
    /// Place names that hold a country's name ("New Mexico"): not mentions of it.
    pub not_actors: Vec<String>,
    /// Actors left out for too few mentions that share an alias with one kept ("Brian Kelly"
    /// beside Megyn Kelly): matched, so that the alias reads right, and never reported.
    pub namesakes: Vec<Actor>,
}

impl Discovered {
    /// The actors to match: the discovered ones, then the rest of the gazetteer.
    pub fn actor_set(&self) -> ActorSet {
        self.actor_file().actor_set()
    }

    /// The actor file that finds the mentions discovery found.
    pub fn actor_file(&self) -> ActorFile {
        ActorFile {
            gazetteer: true,
            actors: self.actors.iter().map(|(a, _)| a.clone()).collect(),
            namesakes: self.namesakes.clone(),
            not_actors: self.not_actors.clone(),
        }
    }

    /// What `themescope actors --json` prints and Python's `discover_actors` returns:
    /// `{"actors": [{"name", "kind", "aliases", "mentions"}...], "not_actors": [...],
    /// "namesakes": [{"name", "kind", "aliases"}...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let actors: Vec<serde_json::Value> = self
            .actors
            .iter()
            .map(|(a, n)| {
                serde_json::json!({"name": a.name, "kind": a.kind, "aliases": a.aliases, "mentions": n})
            })
            .collect();
        serde_json::json!({
            "actors": actors,
            "not_actors": self.not_actors,
            "namesakes": self.namesakes,
        })
    }
}

/// Words that start a sentence or a run without naming anything.
static STOP: WordList = WordList::new(include_str!("words/stop.txt"));

/// Titles and the words that make them up; stripped from names, and the sign of a person.
static TITLES: WordList = WordList::new(include_str!("words/titles.txt"));

/// Words that make a name an organisation.
static ORG_WORDS: WordList = WordList::new(include_str!("words/organisation.txt"));

/// Words of place names, which are not actors ("South China Sea", "Pennsylvania Avenue").
static PLACE_WORDS: WordList = WordList::new(include_str!("words/place.txt"));

/// Words that make a name a place or a people rather than a person.
static NOT_PERSON_WORDS: WordList = WordList::new(include_str!("words/not_person.txt"));

/// Lower-case words that may sit inside a name ("Bank of England", "Ursula von der Leyen").
static CONNECTORS: WordList = WordList::new(include_str!("words/connectors.txt"));

/// Words after which `of` continues a name (besides organisation words and titles).
static OF_HEADS: WordList = WordList::new(include_str!("words/of_heads.txt"));

/// First words of place names ("New York"), kept at the start of a name.
static PLACE_PREFIX: WordList = WordList::new(include_str!("words/place_prefix.txt"));

/// Arabic articles that begin names ("al-Qaeda", "Al Qaeda").
static ARTICLES: WordList = WordList::new(include_str!("words/articles.txt"));

/// Legal forms that end a company's name ("Corp", "Inc.").
static LEGAL_FORMS: WordList = WordList::new(include_str!("words/legal_forms.txt"));

/// Titles of an office, which the words before them describe ("Houston Mayor").
static OFFICES: WordList = WordList::new(include_str!("words/offices.txt"));

/// Title words that only modify a title ("former", "vice"): alone they title no one.
static TITLE_MODIFIERS: WordList = WordList::new(include_str!("words/title_modifiers.txt"));

/// Titles before a surname ("Mr. Paul" is no Paul Ryan).
static HONORIFICS: WordList = WordList::new(include_str!("words/honorifics.txt"));

/// Titles of sovereigns and popes, which stand before a given name alone ("Prince Harry").
static SOVEREIGNS: WordList = WordList::new(include_str!("words/sovereigns.txt"));

/// Words that head a storm's name ("Hurricane Ivan").
static STORMS: WordList = WordList::new(include_str!("words/storms.txt"));

/// Prepositions that no name holds capitalised ("Trump Over Franken").
static PREPOSITIONS: WordList = WordList::new(include_str!("words/prepositions.txt"));

/// Party words that stand before a person's name ("Democrat Ralph Northam"), not part of it.
static PARTIES: WordList = WordList::new(include_str!("words/parties.txt"));

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    /// Only whitespace separates it from the previous token (and that one was no possessive).
    joined: bool,
    /// Part of a hyphenated compound ("Indo-Pacific", "Trump-Xi", "Kremlin-friendly").
    hyphenated: bool,
    /// The first token of its sentence.
    initial: bool,
    /// A title shortened with a dot ("Gov.", "Sen.").
    title_abbreviation: bool,
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '\'' || c == '’'
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// Word tokens of a sentence: possessives and sentence-final dots removed, abbreviations with
/// inner dots (U.S., D.C.) kept whole.
fn tokens(sentence: &str) -> Vec<Token<'_>> {
    let mut start: Option<usize> = None;
    let mut gap = String::new();
    let mut words: Vec<(usize, usize, String)> = Vec::new();
    for (i, c) in sentence
        .char_indices()
        .chain(std::iter::once((sentence.len(), ' ')))
    {
        if i < sentence.len() && is_token_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            words.push((s, i, std::mem::take(&mut gap)));
        }
        if i < sentence.len() {
            gap.push(c);
        }
    }
    let words = join_articles(sentence, words);
    let mut out = Vec::new();
    let mut breaks_next = false;
    for (k, (s, e, before)) in words.iter().enumerate() {
        let raw = &sentence[*s..*e];
        let mut t = raw.trim_start_matches(['.', '\'', '’']);
        let inner_dots = t.trim_end_matches(['.', '\'', '’']).contains('.');
        if !inner_dots {
            t = t.trim_end_matches('.');
        }
        let mut possessive = false;
        for suffix in ["'s", "’s"] {
            if let Some(stripped) = t.strip_suffix(suffix) {
                t = stripped;
                possessive = true;
            }
        }
        t = t.trim_end_matches(['\'', '’']);
        if !inner_dots {
            t = t.trim_end_matches('.');
        }
        let after = words.get(k + 1).map_or("", |w| w.2.as_str());
        let hyphenated = before.chars().last().is_some_and(is_hyphen)
            || after.chars().next().is_some_and(is_hyphen);
        let joined = !before.is_empty()
            && before.chars().all(char::is_whitespace)
            && !comma_trace(before)
            && !breaks_next;
        // "Gov." and "Sen." before a name end no clause, nor "St." inside one ("Mount St.
        // Helens").
        let title_abbreviation = raw.ends_with('.') && t.len() <= 4 && in_list(&TITLES, t);
        let initial = raw.ends_with('.') && name_initial(sentence, &words, k, t);
        if initial {
            // "Donald J. Trump": the initial keeps its dot, as the name is written.
            let start = t.as_ptr() as usize - raw.as_ptr() as usize;
            t = &raw[start..start + t.len() + 1];
        }
        let inside_name = initial || (raw.ends_with('.') && matches!(t, "St" | "Mt" | "Ft"));
        let ends_clause = !inner_dots
            && !possessive
            && !title_abbreviation
            && !inside_name
            && raw.ends_with(['.', '\'', '’']);
        if !t.is_empty() && t.chars().next().is_some_and(char::is_alphanumeric) {
            out.push(Token {
                text: t,
                joined,
                hyphenated,
                initial: k == 0,
                title_abbreviation,
            });
        }
        // "Putin's Russia" and "Seoul. Then" are two runs.
        breaks_next = possessive || ends_clause;
    }
    out
}

/// A capital letter with a dot between two capitalised words ("Donald J. Trump", "George H. W.
/// Bush"): a middle initial, which ends no clause.
fn name_initial(sentence: &str, words: &[(usize, usize, String)], k: usize, t: &str) -> bool {
    let capital_word = |w: Option<&(usize, usize, String)>| {
        w.is_some_and(|(s, _, _)| sentence[*s..].starts_with(char::is_uppercase))
    };
    let mut letters = t.chars();
    letters.next().is_some_and(char::is_uppercase)
        && letters.next().is_none()
        && k > 0
        && capital_word(words.get(k - 1))
        && capital_word(words.get(k + 1))
        && words[k + 1].2.chars().all(char::is_whitespace)
}

/// Two or more spaces inside a line: where a corpus's text lost its commas (PerSenT's news
/// writes "Bill Cosby  Roger Ailes  Bill O'Reilly"), a list of names must not read as one. A
/// line break is no such trace: hard-wrapped text breaks lines inside names.
fn comma_trace(gap: &str) -> bool {
    !gap.contains('\n') && gap.chars().filter(|c| c.is_whitespace()).count() >= 2
}

/// "al-Qaeda", "el-Sisi": an article, a hyphen and a capitalised word are one word.
fn join_articles(
    sentence: &str,
    words: Vec<(usize, usize, String)>,
) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::with_capacity(words.len());
    let mut iter = words.into_iter().peekable();
    while let Some((s, e, before)) = iter.next() {
        let article = ARTICLES.contains_lowercase(&sentence[s..e]);
        if let Some(next) = iter.peek() {
            let hyphen_only = next.2.chars().count() == 1 && next.2.chars().all(is_hyphen);
            if article && hyphen_only && sentence[next.0..].starts_with(char::is_uppercase) {
                let end = next.1;
                iter.next();
                out.push((s, end, before));
                continue;
            }
        }
        out.push((s, e, before));
    }
    out
}

/// Starts with a capital, or is an article joined to a capitalised word ("al-Qaeda").
fn capitalised(t: &str) -> bool {
    if t.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    t.split_once(is_hyphen).is_some_and(|(a, rest)| {
        ARTICLES.contains_lowercase(a) && rest.starts_with(char::is_uppercase)
    })
}

/// Written in capitals throughout ("LONDON", "NATO", "U.S."): two letters or more, none lower case.
fn all_caps(t: &str) -> bool {
    t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !t.chars().any(char::is_lowercase)
}

fn in_list(list: &WordList, t: &str) -> bool {
    list.contains_lowercase(t)
}

/// What one trimmed run says.
struct RunInfo {
    core: Vec<String>,
    /// The run as written, when it carried a title ("Chinese President Xi Jinping").
    titled_form: Option<String>,
    /// The gazetteer alias and title in front of the name ("Chinese", "President").
    country_title: Option<(String, String)>,
    /// "Mr. Paul": the name is a surname.
    honorific: bool,
    /// Where the core name starts in the run.
    core_start: usize,
}

struct Context<'a> {
    /// Lower-case forms of words the corpus writes in lower case, with how often it does.
    lowercase_words: HashMap<String, usize>,
    /// How often the corpus ends a run of capitals with a word, inside a sentence ("Baker
    /// said", "Matthew Baker said").
    name_ends: HashMap<&'a str, usize>,
    /// Words the corpus capitalises inside a sentence (not only at its start).
    mid_caps: HashSet<&'a str>,
    /// Gazetteer strings → actor index.
    gazetteer: HashMap<&'a str, usize>,
    /// The same in lower case: "ITALY" of a dateline is the gazetteer's Italy, not an actor that
    /// would replace it.
    gazetteer_lower: HashSet<String>,
}

impl Context<'_> {
    fn common(&self, t: &str) -> bool {
        // "I'm", "We’ve": a contraction of a function word is one.
        let stem = t.split(['\'', '’']).next().unwrap_or(t);
        in_list(&STOP, t)
            || (stem.len() < t.len() && in_list(&STOP, stem))
            || self.lowercase_words.contains_key(&t.to_lowercase())
    }

    /// A sentence in headline case ("Nobel Laureate Decries Stem Cell Limits"): at least half of
    /// its words after the first are capitalised words the corpus also writes in lower case.
    /// Its capitals say nothing about names, so it proposes none (the names it holds are still
    /// counted where the corpus names them elsewhere).
    fn headline_case(&self, toks: &[Token<'_>]) -> bool {
        let words: Vec<&Token<'_>> = toks
            .iter()
            .filter(|t| !t.initial && t.text.chars().any(char::is_alphabetic))
            .collect();
        let common_capitals = words
            .iter()
            .filter(|t| {
                capitalised(t.text) && self.lowercase_words.contains_key(&t.text.to_lowercase())
            })
            .count();
        if words.len() >= 3 && 2 * common_capitals >= words.len() {
            return true;
        }
        // Title case capitalises the common words of a headline but its short function words
        // ("Flynn Was Compromised With Respect to the Russians", "Friend of Putin Rex
        // Tillerson Reportedly Picked by Trump"), where prose writes them in lower case: most
        // of the common words, titles and the words of names aside, are capitalised. Words in
        // capitals ("FRESH AIR", a show's name) are neither.
        let plain: Vec<&&Token<'_>> = words
            .iter()
            .filter(|t| self.common(t.text) && !self.name_word(t.text) && !all_caps(t.text))
            .collect();
        let capitals = plain.iter().filter(|t| capitalised(t.text)).count();
        capitals >= 3 && 2 * capitals >= plain.len()
    }

    /// A word that belongs in names though the corpus writes it in lower case too: a title, an
    /// office, an organisation's, a place's or a party's word, a country's name.
    fn name_word(&self, t: &str) -> bool {
        [&TITLES, &OFFICES, &ORG_WORDS, &PLACE_WORDS, &PARTIES]
            .iter()
            .any(|list| in_list(list, t))
            || self.gazetteer.contains_key(t)
    }

    /// Capitals end a run, or start one, where the writing changes between all capitals and
    /// mixed case ("LONDON President Vladimir Putin", "AP Keillor"), unless the capitals are a
    /// title or a country's ("US President", "CEO Tim Cook").
    fn case_break(&self, previous: &str, next: &str) -> bool {
        all_caps(previous) != all_caps(next)
            && !(all_caps(previous)
                && (in_list(&TITLES, previous) || self.gazetteer.contains_key(previous)))
    }

    /// A run of several words in capitals ("NEW YORK", a byline): no name as the corpus writes
    /// it elsewhere. (One word in capitals may be an acronym.)
    fn shouted(&self, run: &[Token<'_>]) -> bool {
        if !run.iter().all(|t| all_caps(t.text)) {
            return false;
        }
        run.len() > 1 && run.iter().any(|t| !self.gazetteer.contains_key(t.text))
    }

    /// A surname that is also a common word ("Katie Baker" where the corpus also writes "a
    /// baker"): the corpus ends names with it, inside sentences, more often than it writes it
    /// in lower case.
    fn surname(&self, t: &str) -> bool {
        let ends = self.name_ends.get(t).copied().unwrap_or(0);
        let lower = self
            .lowercase_words
            .get(&t.to_lowercase())
            .copied()
            .unwrap_or(0);
        !in_list(&STOP, t) && ends > lower
    }

    /// A common word, or a capitalised word seen only at the start of sentences ("Let", "Step").
    fn common_token(&self, t: &Token<'_>) -> bool {
        self.common(t.text) || (t.initial && !self.mid_caps.contains(t.text))
    }
}

/// What comes before a run's core name: titles, a country, function words.
#[derive(Default)]
struct Lead {
    /// Where the core name starts.
    core_start: usize,
    /// Where the titled form starts ("If President X" → "President X"), if titled.
    form_start: Option<usize>,
    country: Option<String>,
    title: Option<String>,
    /// A title that heads one ("President", not only "Former" or "Vice") was seen.
    head_title: bool,
    /// "Mr.", "Mrs.", "Ms.": the name after it is a surname.
    honorific: bool,
}

/// Skips the titles, the country and the function words in front of a name.
fn lead(run: &[Token<'_>], ctx: &Context<'_>) -> Lead {
    let texts: Vec<&str> = run.iter().map(|t| t.text).collect();
    let organisation_named = ends_in_org_word(&texts);
    let mut lead = Lead::default();
    // After "Secretary of", common words continue the title ("Secretary of Education").
    let mut title_continues = false;
    let mut after_party = false;
    let mut described_from = None;
    let mut i = 0;
    while i + 1 < texts.len() {
        let t = texts[i];
        let country_ahead = || {
            ctx.gazetteer.contains_key(t)
                || ctx
                    .gazetteer
                    .contains_key(format!("{t} {}", texts[i + 1]).as_str())
        };
        if marked_title_ahead(&run[i + 1..])
            && !in_list(&TITLES, t)
            && !ctx.common(t)
            && !country_ahead()
        {
            // "Democratic Caucus spokesperson Katie Baker", "Texas Gov. Greg Abbott", "Houston
            // Mayor Sylvester Turner": the words before a title in lower case, shortened or of
            // an office say whose title it is, and belong to the titled form.
            described_from.get_or_insert(i);
            i += 1;
            continue;
        }
        // "New York", "Al Qaeda": the first word belongs to the name.
        // "Hurricane Ivan": a storm's word opens its name.
        if (in_list(&PLACE_PREFIX, t)
            || in_list(&STORMS, t)
            || (in_list(&ARTICLES, t) && !in_list(&STOP, t)))
            && capitalised(texts[i + 1])
        {
            break;
        }
        let titled = lead.form_start.is_some();
        let two = (i + 2 < texts.len()).then(|| format!("{} {}", t, texts[i + 1]));
        let step = if in_list(&TITLES, t) {
            lead.title = Some(t.to_string());
            lead.head_title |= !in_list(&TITLE_MODIFIERS, t);
            lead.honorific |= in_list(&HONORIFICS, t);
            title_continues = false;
            1
        } else if ctx.gazetteer.contains_key(t) && in_list(&TITLES, texts[i + 1]) {
            lead.country = Some(t.to_string());
            1
        } else if two.as_ref().is_some_and(|w| {
            ctx.gazetteer.contains_key(w.as_str()) && in_list(&TITLES, texts[i + 2])
        }) {
            lead.country = two;
            2
        } else if titled && CONNECTORS.contains(t) {
            title_continues = true;
            1
        } else if title_continues && texts.len() - i > 2 {
            // "Secretary of Education Betsy DeVos", "Prime Minister of India Narendra Modi":
            // the word after `of` is the title's, when a name of two words follows.
            title_continues = ctx.common(t);
            i += 1;
            continue;
        } else if !titled
            && organisation_named
            && (ctx.mid_caps.contains(t) || in_list(&PARTIES, t))
            && !in_list(&STOP, t)
        {
            // "Labour Party", "Republican National Committee": a word the corpus also writes in
            // lower case still opens an organisation's name where it is capitalised mid-sentence.
            break;
        } else if in_list(&PARTIES, t) && !titled && !after_party {
            // "Republican Ed Gillespie": the party word goes; the given name after it stays,
            // though the corpus writes it in lower case too ("op-ed").
            after_party = true;
            i += 1;
            continue;
        } else if (ctx.common(t) || CONNECTORS.contains(t))
            && !after_party
            && (!titled || texts[i + 1..].iter().any(|w| in_list(&TITLES, w)))
        {
            // Between a title and the name, a common word is a given name ("President Bill
            // Clinton"); before a title it belongs to the title ("State Department spokesman").
            i += 1;
            continue;
        } else {
            break;
        };
        if lead.title.is_some() || lead.country.is_some() {
            lead.form_start
                .get_or_insert(described_from.unwrap_or_else(|| title_start(&texts, i, ctx)));
        }
        i += step;
    }
    lead.core_start = i;
    if !lead.head_title {
        // "Former Florida governor": "Former" alone titles no one.
        lead.title = None;
    }
    if lead.title.is_none() {
        lead.form_start = None;
    }
    lead
}

/// A title in lower case, shortened ("Gov.") or of an office ("Mayor") inside the rest of a
/// run, with a name after it.
fn marked_title_ahead(rest: &[Token<'_>]) -> bool {
    let before_name = &rest[..rest.len().saturating_sub(1)];
    // No words describe an honorific ("SPECIAL COVERAGE: Immigration Reform Mr. Obama").
    before_name.iter().any(|w| {
        (w.title_abbreviation && !in_list(&HONORIFICS, w.text))
            || in_list(&OFFICES, w.text)
            || (w.text.starts_with(char::is_lowercase) && in_list(&TITLES, w.text))
    })
}

/// The titled form starts at the first title or country, or before it at words that describe
/// the title rather than open the sentence ("Education Secretary", "Golden State", not "If").
fn title_start(texts: &[&str], first_title: usize, ctx: &Context<'_>) -> usize {
    let mut start = first_title;
    while start > 0 {
        let w = texts[start - 1];
        if in_list(&STOP, w) || all_caps(w) || !ctx.lowercase_words.contains_key(&w.to_lowercase())
        {
            break;
        }
        start -= 1;
    }
    start
}

/// Trailing function words and country names go ("Putin China visit" names Putin), unless
/// the country follows a connector ("Bank of China") or the word is a surname after a name
/// ("Katie Baker"). An organisation word that ends the run
/// stays, though the corpus writes it in lower case too ("Labour Party", "a party").
/// Returns the end and whether it moved.
fn tail_end(texts: &[&str], core_start: usize, ctx: &Context<'_>) -> (usize, bool) {
    let mut j = texts.len();
    if ends_in_org_word(texts) {
        return (j, false);
    }
    while j > core_start + 1 {
        // "a Reagan White House aide": a name of the gazetteer's ends the run, and the words
        // before it only say whose.
        if let Some(n) = (2..=3.min(j - core_start - 1)).find(|&n| {
            ctx.gazetteer
                .contains_key(texts[j - n..j].join(" ").as_str())
                && !CONNECTORS.contains(texts[j - n - 1])
        }) {
            j -= n;
            continue;
        }
        let (before, last) = (texts[j - 2], texts[j - 1]);
        let country_tail = ctx.gazetteer.contains_key(last) && !CONNECTORS.contains(before);
        // After a name word, a surname stays though it is a common word too.
        let surname = !ctx.common(before) && ctx.surname(last);
        if (ctx.common(last) && !surname) || CONNECTORS.contains(last) || country_tail {
            j -= 1;
        } else {
            break;
        }
    }
    (j, j < texts.len())
}

fn trim_run(run: &[Token<'_>], ctx: &Context<'_>) -> Option<RunInfo> {
    // "while Ohio Gov." where a sentence was cut after the title: the title is no one's name.
    let (run, title_cut) = match run.split_last() {
        Some((last, rest)) if last.title_abbreviation && !rest.is_empty() => (rest, true),
        _ => (run, false),
    };
    let texts: Vec<&str> = run.iter().map(|t| t.text).collect();
    let lead = lead(run, ctx);
    let i = lead.core_start;
    let (j, cut_tail) = tail_end(&texts, i, ctx);
    let cut_tail = cut_tail || title_cut;
    let core: Vec<String> = texts[i..j].iter().map(|s| s.to_string()).collect();
    let joined = core.join(" ");
    let single = core.len() == 1;
    // A lone word left from a phrase ("Cold" of "Cold War") names nothing, nor a dateline
    // in capitals of a name the corpus writes in mixed case ("CHICAGO" of "Chicago").
    let dateline =
        single && all_caps(&core[0]) && ctx.mid_caps.contains(title_cased(&core[0]).as_str());
    if core.is_empty()
        || dateline
        || (single && (cut_tail || ctx.common_token(&run[i]) || in_list(&TITLES, &core[0])))
        || core.iter().any(|w| in_list(&PLACE_WORDS, w))
        || joined.chars().filter(|c| c.is_alphabetic()).count() < 2
        || ctx.gazetteer_lower.contains(&joined.to_lowercase())
    {
        return None;
    }
    Some(RunInfo {
        titled_form: lead.form_start.map(|f| written(&run[f..j])),
        honorific: lead.honorific,
        core_start: i,
        country_title: match (lead.country, lead.title) {
            (Some(c), Some(t)) => Some((c, t.to_lowercase())),
            _ => None,
        },
        core,
    })
}

/// "CHICAGO" as "Chicago".
fn title_cased(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map_or(String::new(), |f| f.to_uppercase().chain(chars).collect())
}

/// Tokens as the text writes them, shortened titles with their dot ("Texas Gov. Greg Abbott").
fn written(run: &[Token<'_>]) -> String {
    let words: Vec<String> = run
        .iter()
        .map(|t| match t.title_abbreviation {
            true => format!("{}.", t.text),
            false => t.text.to_string(),
        })
        .collect();
    words.join(" ")
}

#[derive(Default)]
struct Candidate {
    runs: usize,
    /// Runs in which an honorific stood before the name ("Mr. Paul").
    honorific_runs: usize,
    /// Runs of a name of several words right after "the" ("the Boston Red Sox").
    article_runs: usize,
    titled: bool,
    forms: BTreeSet<String>,
    roles: BTreeSet<(String, String)>,
}

/// Proposes actors for a corpus: runs of capitalised words become candidates, lone names merge
/// into the longer names they belong to, each is classed (person, organisation, group) and
/// given the titled forms and role phrases the corpus uses, then all are counted with the
/// matcher beside the gazetteer's.
pub fn discover(corpus: &Corpus, opts: &DiscoverOptions) -> Discovered {
    let gazetteer = ActorSet::gazetteer();
    let sentences: Vec<&str> = corpus
        .documents
        .iter()
        .flat_map(|d| {
            d.sentence_spans()
                .map(|s| d.text.get(s.clone()).unwrap_or(""))
        })
        .collect();
    let all_tokens: Vec<Vec<Token<'_>>> = sentences.iter().map(|s| tokens(s)).collect();
    let ctx = Context::new(&all_tokens, &gazetteer);
    let (mut candidates, places) = candidates(&all_tokens, &ctx);
    let variants = merge_variants(&mut candidates);
    let merged_into = merge_lone_names(&mut candidates, &ctx);
    let mut actors = classify(candidates, &merged_into, &ctx);
    for (variant, kept) in &variants {
        let owner = merged_into.get(kept).unwrap_or(kept);
        if let Some((a, _)) = actors.get_mut(owner) {
            a.aliases.push(variant.clone());
        }
    }
    add_role_aliases(&mut actors, &sentences);
    // The most used first: a string two actors share names the first by default.
    let mut found: Vec<(Actor, Candidate)> = actors.into_values().collect();
    found.sort_by(|a, b| {
        b.1.runs
            .cmp(&a.1.runs)
            .then_with(|| a.0.name.cmp(&b.0.name))
    });
    let found: Vec<Actor> = found.into_iter().map(|(a, _)| a).collect();
    count_and_rank(corpus, found, places.into_iter().collect(), opts)
}

/// Where spellings of one name meet: lower case, ’ as ', without a leading article, hyphens,
/// spaces and dots ("al-Qaeda", "Al Qaeda" and "Qaeda" all give "qaeda"; "Microsoft Corp."
/// and "Microsoft Corp" are one, and so are "F.B.I." and "FBI").
fn variant_key(name: &str) -> String {
    let lower = name.to_lowercase().replace('’', "'");
    let mut words = key_words(&lower);
    if words.len() > 1 && ARTICLES.contains(words[0]) {
        words.remove(0);
    }
    joined_key(&words)
}

/// [`variant_key`] keeping a leading article.
fn variant_key_with_article(name: &str) -> String {
    joined_key(&key_words(&name.to_lowercase().replace('’', "'")))
}

/// The key's words joined, without dots ("f.b.i" is "fbi").
fn joined_key(words: &[&str]) -> String {
    words.concat().replace('.', "")
}

fn key_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| c == ' ' || is_hyphen(c))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// An article joined to the word after it ("al-Qaeda") or in lower case ("al Qaeda").
fn joined_article(name: &str) -> bool {
    let first = name.split([' ']).next().unwrap_or(name);
    let article = first.split(is_hyphen).next().unwrap_or(first);
    ARTICLES.contains_lowercase(article)
        && (first.len() > article.len() || article.starts_with(char::is_lowercase))
}

/// Each name's variant key, its leading article dropped where the corpus writes the article
/// joined ("al-Qaeda"), and from "Al Qaeda" where it writes that name so: "Al Franken",
/// never "al-Franken", is no spelling of "Franken".
fn article_keys(names: &[String]) -> Vec<String> {
    let keys: Vec<String> = names.iter().map(|n| variant_key(n)).collect();
    let joined: HashSet<String> = names
        .iter()
        .zip(&keys)
        .filter(|(n, _)| joined_article(n))
        .map(|(_, k)| k.clone())
        .collect();
    names
        .iter()
        .zip(keys)
        .map(|(n, key)| match joined.contains(&key) {
            true => key,
            false => variant_key_with_article(n),
        })
        .collect()
}

/// "J.", "H.W.": initials, each a capital letter with its dot.
fn is_initials(word: &str) -> bool {
    word.ends_with('.')
        && word.split_terminator('.').all(|part| {
            let mut letters = part.chars();
            letters.next().is_some_and(char::is_uppercase) && letters.next().is_none()
        })
}

/// The variant key of a name of three words or more without its initials ("Donald J. Trump"
/// → that of "Donald Trump"), when it has any.
fn key_without_initials(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let rest: Vec<&str> = words.iter().copied().filter(|w| !is_initials(w)).collect();
    (rest.len() >= 2 && rest.len() < words.len()).then(|| variant_key(&rest.join(" ")))
}

/// Two spellings that differ in one vowel ("qaeda", "qaida"), five letters or more.
fn vowel_variant(a: &str, b: &str) -> bool {
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() || a.len() < 5 {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diffs.len() == 1 && vowel(a[diffs[0]]) && vowel(b[diffs[0]])
}

/// The first words of the names of several words, by the variant key of their last word.
fn given_names_by_surname(names: &[String]) -> HashMap<String, BTreeSet<&str>> {
    let mut given: HashMap<String, BTreeSet<&str>> = HashMap::new();
    for name in names {
        let words: Vec<&str> = name.split(' ').collect();
        if let [first, .., last] = words.as_slice() {
            given.entry(variant_key(last)).or_default().insert(first);
        }
    }
    given
}

/// Two lone spellings one vowel apart that end names of different people ("Derek Moeller",
/// "Robert Mueller") are two surnames, not one misspelt.
fn surnames_of_others(a: &str, b: &str, given: &HashMap<String, BTreeSet<&str>>) -> bool {
    match (given.get(a), given.get(b)) {
        (Some(x), Some(y)) => x.is_disjoint(y),
        _ => false,
    }
}

/// The party a lone word names: the party word, its plural or its adjective ("Democrats",
/// "Democratic" both name the Democrats).
fn party_form(key: &str) -> Option<&'static str> {
    PARTIES.iter().find(|p| {
        key.strip_prefix(p)
            .is_some_and(|rest| matches!(rest, "" | "s" | "ic" | "ics"))
    })
}

/// Merges the spellings and inflections of one name: the same key (case, hyphens, articles),
/// a plural ("Nazis" with "Nazi"), one vowel apart from a more used spelling ("Qaida" into
/// "Qaeda"), or forms of one party word ("Democrats", "Democratic"). The most used spelling
/// is kept; returns each merged spelling with the one kept.
fn merge_variants(candidates: &mut BTreeMap<String, Candidate>) -> BTreeMap<String, String> {
    let names: Vec<String> = candidates.keys().cloned().collect();
    let keys = article_keys(&names);
    let mut parent: Vec<usize> = (0..names.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        by_key.entry(k.as_str()).or_insert(i);
    }
    let mut by_len: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        by_len.entry(k.chars().count()).or_default().push(i);
    }
    // "Donald J. Trump" is "Donald Trump", unless other initials share that name ("George W.
    // Bush" and "George H. W. Bush" stay apart, and apart from "George Bush").
    let mut initialled: HashMap<String, BTreeSet<&str>> = HashMap::new();
    let plain: Vec<Option<String>> = names.iter().map(|n| key_without_initials(n)).collect();
    for (i, p) in plain.iter().enumerate() {
        if let Some(p) = p {
            initialled
                .entry(p.clone())
                .or_default()
                .insert(keys[i].as_str());
        }
    }
    let runs = |x: usize| candidates[&names[x]].runs;
    let given_names = given_names_by_surname(&names);
    let mut by_party: HashMap<&str, usize> = HashMap::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        pairs.push((i, by_key[k.as_str()]));
        if let Some(p) = &plain[i] {
            if let (1, Some(&j)) = (initialled[p].len(), by_key.get(p.as_str())) {
                pairs.push((i, j));
            }
        }
        if let Some(party) = party_form(k) {
            pairs.push((i, *by_party.entry(party).or_insert(i)));
        }
        let stem = k.strip_suffix('s').filter(|s| s.chars().count() >= 3);
        if let Some(&j) = stem.and_then(|s| by_key.get(s)) {
            pairs.push((i, j));
        }
        // A spelling joins its most used variant, and only one used more than itself: a rare
        // spelling between two names ("Davos" between "Davis" and "DeVos") bridges neither.
        let commoner = by_len
            .get(&k.chars().count())
            .into_iter()
            .flatten()
            .filter(|&&j| {
                runs(j) > runs(i)
                    && vowel_variant(k, &keys[j])
                    && !surnames_of_others(k, &keys[j], &given_names)
            })
            .max_by(|&&a, &&b| runs(a).cmp(&runs(b)).then(b.cmp(&a)));
        if let Some(&j) = commoner {
            pairs.push((i, j));
        }
    }
    for (a, b) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..names.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut merged = BTreeMap::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        // The most used spelling; ties go to the first in order.
        let kept = *members
            .iter()
            .max_by(|a, b| {
                candidates[&names[**a]]
                    .runs
                    .cmp(&candidates[&names[**b]].runs)
                    .then_with(|| b.cmp(a))
            })
            .expect("a group has members");
        for &m in members.iter().filter(|m| **m != kept) {
            if let Some(c) = candidates.remove(&names[m]) {
                let k = candidates.get_mut(&names[kept]).expect("kept");
                k.runs += c.runs;
                k.honorific_runs += c.honorific_runs;
                k.article_runs += c.article_runs;
                k.titled |= c.titled;
                k.forms.extend(c.forms);
                k.roles.extend(c.roles);
            }
            merged.insert(names[m].clone(), names[kept].clone());
        }
    }
    merged
}

impl<'a> Context<'a> {
    fn new(all_tokens: &[Vec<Token<'a>>], gazetteer: &'a ActorSet) -> Context<'a> {
        let mut gaz_map = HashMap::new();
        for (i, a) in gazetteer.actors.iter().enumerate() {
            for p in a.patterns() {
                gaz_map.entry(p).or_insert(i);
            }
        }
        let mut lowercase_words: HashMap<String, usize> = HashMap::new();
        for t in all_tokens.iter().flatten().filter(|t| {
            t.text.chars().next().is_some_and(char::is_lowercase) && !capitalised(t.text)
        }) {
            *lowercase_words.entry(t.text.to_lowercase()).or_default() += 1;
        }
        let mut name_ends: HashMap<&str, usize> = HashMap::new();
        for toks in all_tokens {
            for (k, t) in toks.iter().enumerate() {
                let next_capitalised = toks
                    .get(k + 1)
                    .is_some_and(|n| n.joined && capitalised(n.text));
                if !t.initial && capitalised(t.text) && !next_capitalised {
                    *name_ends.entry(t.text).or_default() += 1;
                }
            }
        }
        let mid_caps: HashSet<&str> = all_tokens
            .iter()
            .flatten()
            .filter(|t| !t.initial && capitalised(t.text))
            .map(|t| t.text)
            .collect();
        Context {
            lowercase_words,
            name_ends,
            mid_caps,
            gazetteer_lower: gaz_map.keys().map(|k| k.to_lowercase()).collect(),
            gazetteer: gaz_map,
        }
    }
}

/// Runs of capitalised tokens joined by whitespace (connectors allowed inside), trimmed; and
/// the place names that hold a country's name ("New Mexico", "South China Sea").
fn candidates(
    all_tokens: &[Vec<Token<'_>>],
    ctx: &Context<'_>,
) -> (BTreeMap<String, Candidate>, BTreeSet<String>) {
    let mut candidates: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut places = BTreeSet::new();
    for toks in all_tokens.iter().filter(|t| !ctx.headline_case(t)) {
        let mut k = 0;
        while k < toks.len() {
            if !capitalised(toks[k].text) {
                k += 1;
                continue;
            }
            let mut m = k + 1;
            while m < toks.len() && toks[m].joined {
                let t = toks[m].text;
                // Lower-case titles and connectors may sit between capitalised words
                // ("US president Richard Nixon", "Bank of England").
                let inner = (in_list(&TITLES, t) || CONNECTORS.contains(t))
                    && (t != "of" || of_continues(toks[m - 1].text))
                    && toks
                        .get(m + 1)
                        .is_some_and(|n| n.joined && capitalised(n.text));
                // A capitalised preposition ends the run: a headline inside a sentence.
                let preposition = capitalised(t) && in_list(&PREPOSITIONS, t);
                if (capitalised(t) || inner) && !preposition && !ctx.case_break(toks[m - 1].text, t)
                {
                    m += 1;
                } else {
                    break;
                }
            }
            let run = &toks[k..m];
            if let Some(place) = place_holding_a_country(run, ctx) {
                places.insert(place);
            }
            // Hyphenated compounds ("Trump-Xi", "Indo-Pacific") are not names, nor are datelines
            // and bylines in capitals.
            let info = if run.iter().any(|t| t.hyphenated) || ctx.shouted(run) {
                None
            } else {
                trim_run(run, ctx)
            };
            if let Some(info) = info {
                let c = candidates.entry(info.core.join(" ")).or_default();
                c.runs += 1;
                c.honorific_runs += usize::from(info.honorific);
                let before = match info.core_start {
                    0 => k.checked_sub(1).map(|b| &toks[b]).filter(|_| run[0].joined),
                    start => Some(&run[start - 1]),
                };
                let after_the = before.is_some_and(|t| t.text.eq_ignore_ascii_case("the"));
                c.article_runs += usize::from(after_the && info.core.len() > 1);
                if let Some(form) = info.titled_form {
                    c.titled = true;
                    c.forms.insert(form);
                }
                if let Some(role) = info.country_title {
                    c.roles.insert(role);
                }
            }
            k = m;
        }
    }
    (candidates, places)
}

/// A place name in the run that holds a gazetteer name without being one: a place prefix and
/// a country ("New Mexico"), or words up to a place word around one ("South China Sea").
fn place_holding_a_country(run: &[Token<'_>], ctx: &Context<'_>) -> Option<String> {
    let texts: Vec<&str> = run.iter().map(|t| t.text).collect();
    let start = texts
        .iter()
        .position(|t| !in_list(&STOP, t) || in_list(&PLACE_PREFIX, t))?;
    let texts = &texts[start..];
    let holds_country = |words: &[&str]| {
        (0..words.len()).any(|i| {
            (i + 1..=words.len())
                .any(|j| ctx.gazetteer.contains_key(words[i..j].join(" ").as_str()))
        })
    };
    let place = if in_list(&PLACE_PREFIX, texts[0]) && texts.len() > 1 {
        // The prefix and the longest gazetteer name after it.
        let end = (2..=texts.len().min(4))
            .rev()
            .find(|&j| ctx.gazetteer.contains_key(texts[1..j].join(" ").as_str()))?;
        &texts[..end]
    } else {
        let end = texts.iter().position(|t| in_list(&PLACE_WORDS, t))?;
        let name = &texts[..=end];
        if !holds_country(&name[..end]) {
            return None;
        }
        name
    };
    let joined = place.join(" ");
    (!ctx.gazetteer.contains_key(joined.as_str())).then_some(joined)
}

/// Whether `of` after `word` continues the name ("Bank of England") rather than ending it
/// ("the Islam of Da’esh" names Islam and Da’esh).
fn of_continues(word: &str) -> bool {
    in_list(&ORG_WORDS, word) || in_list(&TITLES, word) || in_list(&OF_HEADS, word)
}

/// A run that ends in an organisation word ("Labour Party") names an organisation.
fn ends_in_org_word(texts: &[&str]) -> bool {
    texts.last().is_some_and(|w| org_word(w))
}

fn is_org(name: &str) -> bool {
    name.split(' ').any(org_word)
}

/// "Hurricane Ivan": a storm, which takes its lone name ("Ivan") as a person takes a surname.
fn is_storm(name: &str) -> bool {
    name.split_once(' ')
        .is_some_and(|(first, _)| in_list(&STORMS, first))
}

/// A company's name: words and their legal form ("Microsoft Corp", "Apple Computer Inc.").
fn is_company(name: &str) -> bool {
    name.rsplit_once(' ')
        .is_some_and(|(_, last)| in_list(&LEGAL_FORMS, last.trim_end_matches('.')))
}

/// "Corp", "Inc.", "Party": a word that makes a name an organisation's.
fn org_word(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    in_list(&ORG_WORDS, w) || in_list(&LEGAL_FORMS, w)
}

/// Merges lone names into the longer names they begin or end ("Xi" into "Xi Jinping"); returns
/// each merged name's parent. A lone name that ends several names ("Clinton" of "Bill
/// Clinton" and "Hillary Clinton") merges into the most used and is shared with the others,
/// with its titled forms: the matcher reads it per document.
fn merge_lone_names(
    candidates: &mut BTreeMap<String, Candidate>,
    ctx: &Context<'_>,
) -> BTreeMap<String, String> {
    let multi = person_like_names(candidates, ctx);
    // A party word alone ("Republicans", "Democratic") names the party's people, not the
    // person whose name it once stood before.
    let party = |n: &str| {
        let lower = n.to_lowercase();
        PARTIES.iter().any(|w| lower.starts_with(w))
    };
    let lone: HashSet<&str> = candidates
        .keys()
        .filter(|n| !n.contains(' ') && !party(n))
        .map(String::as_str)
        .collect();
    let mut merged_into: BTreeMap<String, String> = BTreeMap::new();
    let mut shared_with: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Lone names that name no one: removed.
    let mut names_no_one: Vec<String> = Vec::new();
    let runs = |n: &str| candidates.get(n).map_or(0, |c| c.runs);
    for name in &lone {
        // "St" of "St Louis" names nothing alone.
        if in_list(&PLACE_PREFIX, name) {
            names_no_one.push(name.to_string());
            continue;
        }
        let given_name = may_be_given_name(&candidates[*name]);
        // "England" is no surname of "New England", nor "York" of "New York".
        let ends =
            |m: &str| m.rsplit(' ').next() == Some(*name) && !is_org(m) && !is_prefixed_place(m);
        let begins = |m: &str| m.split(' ').next() == Some(*name) && given_name;
        // A company takes the word that begins it ("Microsoft" into "Microsoft Corp"). Between
        // names used as often, a surname before a given name ("Kelly" of "Megyn Kelly", not of
        // "Kelly Evans").
        let parent = multi
            .iter()
            .filter(|m| ends(m) || begins(m))
            .max_by(|a, b| {
                (runs(a), ends(a))
                    .cmp(&(runs(b), ends(b)))
                    .then_with(|| b.cmp(a))
            });
        let Some(p) = parent else { continue };
        // "Paul" of "Paul Manafort", where "Manafort" stands alone more often, is a given name;
        // when it begins other names too ("Paul Ryan"), it names no one: no alias, no actor.
        // ("Xi" of "Xi Jinping" is the family name; "Microsoft" of "Microsoft Corp" is used
        // alone more than "Corp"; "Hillary" begins no other name.)
        let surname = p.rsplit(' ').next().unwrap_or(p);
        let first_of = format!("{name} ");
        let names_begun = multi.iter().filter(|m| m.starts_with(&first_of)).count();
        if names_begun > 1
            && p.starts_with(&first_of)
            && lone.contains(surname)
            && runs(surname) > runs(name)
        {
            names_no_one.push(name.to_string());
            continue;
        }
        merged_into.insert(name.to_string(), p.clone());
        let others: Vec<String> = multi
            .iter()
            .filter(|m| *m != p && ends(m))
            .cloned()
            .collect();
        if !others.is_empty() {
            shared_with.insert(name.to_string(), others);
        }
    }
    for name in &names_no_one {
        candidates.remove(name);
    }
    // A merged name's titled forms and roles ("President Xi") go to the longer name; a shared
    // name and its titled forms go to the others too.
    for (single, parent) in &merged_into {
        let Some(c) = candidates.remove(single) else {
            continue;
        };
        let others = shared_with.get(single).map_or(&[][..], Vec::as_slice);
        let owners: Vec<&String> = std::iter::once(parent).chain(others).collect();
        let takers: Vec<(String, Vec<&String>)> = c
            .forms
            .iter()
            .map(|form| (form.clone(), form_takers(form, &owners, candidates)))
            .collect();
        for other in others {
            if let Some(o) = candidates.get_mut(other) {
                o.forms.insert(single.clone());
            }
        }
        for (form, owners) in takers {
            for owner in owners {
                if let Some(o) = candidates.get_mut(owner) {
                    o.forms.insert(form.clone());
                }
            }
        }
        if let Some(p) = candidates.get_mut(parent) {
            p.titled |= c.titled;
            p.roles.extend(c.roles);
        }
    }
    merged_into
}

/// Which of the names a lone name merges into take its titled form: those written with the
/// same title ("President Bush" goes to "George W. Bush", written "President George W. Bush",
/// not to "Jeb Bush"); when none is, all of them, but an honorific, which may tell a man from
/// a woman, only the most used ("Mr Mugabe" is Robert's, not Grace's).
fn form_takers<'a>(
    form: &str,
    owners: &[&'a String],
    candidates: &BTreeMap<String, Candidate>,
) -> Vec<&'a String> {
    let mut words: Vec<&str> = form.split(' ').collect();
    words.pop();
    let Some(title) = words.last() else {
        return owners.to_vec();
    };
    let bears = |owner: &String| {
        candidates.get(owner).is_some_and(|c| {
            c.forms
                .iter()
                .any(|f| f != owner && f.split(' ').any(|w| w == *title))
        })
    };
    let agreeing: Vec<&String> = owners.iter().copied().filter(|o| bears(o)).collect();
    match (
        agreeing.is_empty(),
        in_list(&HONORIFICS, title.trim_end_matches('.')),
    ) {
        (false, _) => agreeing,
        (true, false) => owners.to_vec(),
        (true, true) => owners[..1].to_vec(),
    }
}

/// A place prefix and one word ("New England", "St Louis").
fn is_prefixed_place(name: &str) -> bool {
    name.split_once(' ')
        .is_some_and(|(first, rest)| !rest.contains(' ') && in_list(&PLACE_PREFIX, first))
}

/// Names of several words that may be a person's (or a storm's), which lone names merge into.
fn person_like_names(candidates: &BTreeMap<String, Candidate>, ctx: &Context<'_>) -> Vec<String> {
    candidates
        .keys()
        .filter(|n| {
            n.contains(' ')
                && (!is_org(n) || is_company(n))
                && !n
                    .split(' ')
                    .any(|w| in_list(&NOT_PERSON_WORDS, w) || ctx.gazetteer.contains_key(w))
                || is_storm(n)
        })
        .cloned()
        .collect()
}

/// Whether a lone name may be a given name. "Mr. Paul" is a surname, though "Paul Ryan" begins
/// with it, and so is "Mr. Kelly" beside "Kelly Evans"; "Prince Harry", "Pope Francis": a name
/// a sovereign's title stands before is no commoner's given name ("Harry Reid").
fn may_be_given_name(lone: &Candidate) -> bool {
    let royal = lone
        .forms
        .iter()
        .any(|f| f.split(' ').next().is_some_and(|t| in_list(&SOVEREIGNS, t)));
    lone.honorific_runs == 0 && !royal
}

/// A name the corpus writes after "the" in at least a sixth of its runs, twice or more, is no
/// person's: on three news corpora, sports teams and institutions take it in 19–100% of their
/// runs ("the Boston Red Sox" 88%, "the New York Times" 69%), persons in 0–4% ("the George W.
/// Bush administration"), and once in a while ("the James Comey leaks").
fn takes_article(cand: &Candidate) -> bool {
    cand.article_runs >= 2 && 6 * cand.article_runs >= cand.runs
}

/// Each candidate as an actor of its kind, merged names as aliases of their parents.
fn classify(
    candidates: BTreeMap<String, Candidate>,
    merged_into: &BTreeMap<String, String>,
    ctx: &Context<'_>,
) -> BTreeMap<String, (Actor, Candidate)> {
    let mut actors: BTreeMap<String, (Actor, Candidate)> = BTreeMap::new();
    for (name, cand) in candidates {
        let words: Vec<&str> = name.split(' ').collect();
        let name_like = (2..=4).contains(&words.len())
            && words.iter().all(|w| {
                is_initials(w)
                    || (capitalised(w)
                        && w.chars().all(char::is_alphabetic)
                        && !in_list(&NOT_PERSON_WORDS, w)
                        && !ctx.gazetteer.contains_key(w)
                        && (!ctx.common(w) || ctx.surname(w)))
            });
        let kind = if is_org(&name) {
            ActorKind::Organisation
        } else if words.iter().any(|w| in_list(&NOT_PERSON_WORDS, w)) || is_storm(&name) {
            // "Vancouver Olympics", though "Olympics" alone merged into it.
            ActorKind::Group
        } else if takes_article(&cand) {
            // "the Boston Red Sox", "the Indianapolis Colts": a team or an institution.
            ActorKind::Group
        } else if cand.titled || merged_into.values().any(|p| *p == name) || name_like {
            ActorKind::Person
        } else {
            ActorKind::Group
        };
        let actor = Actor {
            name: name.clone(),
            kind,
            aliases: Vec::new(),
        };
        actors.insert(name, (actor, cand));
    }
    for (single, parent) in merged_into {
        if let Some((a, _)) = actors.get_mut(parent) {
            a.aliases.push(single.clone());
        }
    }
    actors
}

/// Titled forms, and the role phrases the corpus uses ("the Chinese leader"), as aliases.
fn add_role_aliases(actors: &mut BTreeMap<String, (Actor, Candidate)>, sentences: &[&str]) {
    // Role phrases go to the person most mentioned with that country's title.
    let text_lower: Vec<String> = sentences.iter().map(|s| s.to_lowercase()).collect();
    let mut role_owner: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (name, (actor, cand)) in actors.iter() {
        if actor.kind != ActorKind::Person {
            continue;
        }
        for (country, title) in &cand.roles {
            for role_word in BTreeSet::from([title.as_str(), "leader"]) {
                let phrase = format!("the {country} {role_word}");
                let owner = role_owner
                    .entry(phrase)
                    .or_insert((cand.runs, name.clone()));
                if cand.runs > owner.0 {
                    *owner = (cand.runs, name.clone());
                }
            }
        }
    }
    for (phrase, (_, owner)) in role_owner {
        let lower = phrase.to_lowercase();
        let mut used = false;
        let mut appositive = false;
        for (s, l) in sentences.iter().zip(&text_lower) {
            for (at, _) in l.match_indices(&lower) {
                used = true;
                let after = s[at + lower.len()..].trim_start();
                if after.chars().next().is_some_and(char::is_uppercase) {
                    appositive = true;
                }
            }
        }
        if used && !appositive {
            if let Some((a, _)) = actors.get_mut(&owner) {
                a.aliases.push(phrase);
            }
        }
    }
    for (actor, cand) in actors.values_mut() {
        for form in &cand.forms {
            if *form != actor.name && !actor.aliases.contains(form) {
                actor.aliases.push(form.clone());
            }
        }
    }
}

/// Counts every actor with the matcher, over the discovered actors and the whole gazetteer;
/// keeps those with enough mentions, most mentioned first.
fn count_and_rank(
    corpus: &Corpus,
    found: Vec<Actor>,
    not_actors: Vec<String>,
    opts: &DiscoverOptions,
) -> Discovered {
    let n_found = found.len();
    let mut set = ActorSet::with_gazetteer(found, true);
    set.not_actors = not_actors.clone();
    let matcher = MentionMatcher::new(&set);
    let mut counts = vec![0usize; set.len()];
    for d in &corpus.documents {
        let texts = d.paragraph_texts();
        for m in matcher.find_in_document(&texts).iter().flatten() {
            counts[m.actor] += 1;
        }
    }
    let mut discovered: Vec<(Actor, usize)> = Vec::new();
    let mut gazetteer_found: Vec<(Actor, usize)> = Vec::new();
    let mut left_out: Vec<Actor> = Vec::new();
    for (i, (actor, n)) in set.actors.into_iter().zip(counts).enumerate() {
        if n < opts.min_mentions.max(1) {
            if i < n_found {
                left_out.push(actor);
            }
            continue;
        }
        if i < n_found {
            discovered.push((actor, n));
        } else {
            gazetteer_found.push((actor, n));
        }
    }
    let order = |a: &(Actor, usize), b: &(Actor, usize)| {
        b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name))
    };
    discovered.sort_by(order);
    let over = discovered.split_off(opts.max_actors.min(discovered.len()));
    left_out.extend(over.into_iter().map(|(a, _)| a));
    let namesakes = namesakes(&discovered, left_out);
    discovered.extend(gazetteer_found);
    discovered.sort_by(order);
    Discovered {
        actors: discovered,
        not_actors,
        namesakes,
    }
}

/// The actors left out that share an alias with one kept.
fn namesakes(kept: &[(Actor, usize)], left_out: Vec<Actor>) -> Vec<Actor> {
    let kept_aliases: HashSet<&str> = kept
        .iter()
        .flat_map(|(a, _)| a.aliases.iter().map(String::as_str))
        .collect();
    left_out
        .into_iter()
        .filter(|a| a.aliases.iter().any(|x| kept_aliases.contains(x.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Document, ReadOptions};

    fn corpus(texts: &[&str]) -> Corpus {
        Corpus::from_documents(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| Document::from_text(format!("d{i}"), *t, &ReadOptions::default()))
                .collect(),
        )
    }

    /// Discovery on one document per text, keeping every actor mentioned at least once.
    fn discover_each(texts: &[&str]) -> Discovered {
        let opts = DiscoverOptions {
            min_mentions: 1,
            ..DiscoverOptions::default()
        };
        discover(&corpus(texts), &opts)
    }

    #[test]
    fn a_company_takes_its_lone_name_and_a_dateline_is_no_actor() {
        let d = discover_each(&[
            "CHICAGO (Reuters) - Microsoft Corp. said on Monday that sales rose. Chicago cheered.",
            "Microsoft Corp and Boeing Co. agreed. Microsoft said more. Mount St. Helens erupted.",
            "CHICAGO (AP) - Microsoft bought a Chicago start-up. Mount St. Helens was quiet.",
        ]);
        let microsoft = actor(&d, "Microsoft Corp").expect("Microsoft Corp found");
        assert_eq!(microsoft.kind, ActorKind::Organisation, "{microsoft:?}");
        assert!(
            microsoft.aliases.iter().any(|a| a == "Microsoft"),
            "{microsoft:?}"
        );
        let names: Vec<&str> = d.actors.iter().map(|(a, _)| a.name.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| *n != "CHICAGO" && *n != "Microsoft Corp." && *n != "Mount St"),
            "{names:?}"
        );
    }

    #[test]
    fn a_title_cut_from_its_name_and_words_before_an_honorific_name_no_one() {
        let found = discover_each(&[
            "The poll shows Harmon ahead in Nevada, while Ohio Gov.",
            "SPECIAL COVERAGE: Flood Relief Mr. Harmon spoke. Walter Harmon left.",
        ]);
        let names: Vec<&str> = found.actors.iter().map(|(a, _)| a.name.as_str()).collect();
        assert!(names.iter().all(|n| !n.contains("Gov")), "{names:?}");
        let harmon = actor(&found, "Walter Harmon").expect("Walter Harmon found");
        assert!(
            harmon.aliases.iter().all(|a| !a.contains("Relief")),
            "{harmon:?}"
        );
    }

    #[test]
    fn a_prince_is_no_commoner_of_his_given_name() {
        let found = discover_each(&[
            "Prince Harry visited the hospital. Harry smiled at the nurses.",
            "Harry Reid spoke in the Senate. Reid left early, and Harry Reid voted no.",
        ]);
        let reid = actor(&found, "Harry Reid").expect("Harry Reid found");
        assert!(
            reid.aliases.iter().all(|a| !a.contains("Prince")),
            "{reid:?}"
        );
    }

    #[test]
    fn a_storm_takes_its_name() {
        let found = discover_each(&[
            "Hurricane Ivan hit the coast on Monday. Ivan moved north, and Ivan weakened.",
            "Ivan Petrov lost his barn. After Hurricane Ivan, the town rebuilt.",
        ]);
        let storm = actor(&found, "Hurricane Ivan").expect("Hurricane Ivan found");
        assert_eq!(storm.kind, ActorKind::Group, "{storm:?}");
        assert!(storm.aliases.iter().any(|a| a == "Ivan"), "{storm:?}");
    }

    #[test]
    fn an_event_is_no_person() {
        let found = discover_each(&[
            "The Vancouver Olympics opened on Friday. Skaters at the Vancouver Olympics won.",
            "The Olympics ended. Tessa Virtue skated at the Vancouver Olympics with Scott Moir.",
        ])
        .actors;
        assert!(
            found
                .iter()
                .all(|(a, _)| !(a.name.contains("Olympics") && a.kind == ActorKind::Person)),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(a, _)| a.name == "Tessa Virtue" && a.kind == ActorKind::Person),
            "{found:?}"
        );
    }

    #[test]
    fn headlines_in_title_case_propose_no_actors() {
        let names: Vec<String> = discover_each(&[
            "Nobel Laureate Decries Stem Cell Limits. Research on stem cell lines faces limits.",
            "Vladimir Putin met Xi Jinping in Beijing. The talks on stem cell limits went on.",
        ])
        .actors
        .iter()
        .map(|a| a.0.name.clone())
        .collect();
        assert!(
            !names
                .iter()
                .any(|n| n.contains("Decries") || n.contains("Laureate")),
            "{names:?}"
        );
        assert!(names.iter().any(|n| n.contains("Putin")), "{names:?}");
    }

    fn actor<'a>(d: &'a Discovered, name: &str) -> Option<&'a Actor> {
        d.actors.iter().map(|(a, _)| a).find(|a| a.name == name)
    }

    #[test]
    fn datelines_and_sentence_openers_stay_out_of_names() {
        let d = discover_each(&[
            "LONDON President Vladimir Putin said on Monday that talks would go on.",
            "If former President Barack Obama had spoken, Putin would have answered. Obama did not.",
            "WASHINGTON Obama met Putin. I'm Dave Davies, and Putin is our subject today.",
        ]);
        let names: Vec<&str> = d.actors.iter().map(|(a, _)| a.name.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| !n.contains("LONDON") && !n.contains("I'm")),
            "{names:?}"
        );
        let putin = actor(&d, "Vladimir Putin").expect("Putin found");
        assert!(
            putin
                .aliases
                .iter()
                .any(|a| a == "President Vladimir Putin"),
            "{putin:?}"
        );
        let obama = actor(&d, "Barack Obama").expect("Obama found");
        assert!(
            obama
                .aliases
                .iter()
                .any(|a| a == "former President Barack Obama")
                && obama.aliases.iter().all(|a| !a.starts_with("If")),
            "{obama:?}"
        );
        assert!(actor(&d, "Dave Davies").is_some(), "{names:?}");
    }

    #[test]
    fn given_names_after_titles_stay_and_alone_name_no_one() {
        let d = discover_each(&[
            "President Bill Clinton spoke. Hillary Clinton answered. Clinton left. Clinton won.",
            "Paul Manafort was charged. Manafort denied it. Manafort appealed. Then Paul said nothing.",
            "Paul Ryan spoke. Ryan left. Ryan returned. Hillary said nothing, and Hillary left.",
            "Secretary of Education Betsy DeVos spoke. DeVos left. Xi Jinping came, and then Xi spoke.",
        ]);
        let names: Vec<&str> = d.actors.iter().map(|(a, _)| a.name.as_str()).collect();
        let bill = actor(&d, "Bill Clinton").expect("Bill Clinton found");
        assert!(
            bill.aliases.iter().any(|a| a == "President Bill Clinton"),
            "{bill:?}"
        );
        let hillary = actor(&d, "Hillary Clinton").expect("Hillary Clinton found");
        assert!(
            hillary.aliases.iter().all(|a| !a.contains("Bill"))
                && hillary.aliases.iter().any(|a| a == "Hillary"),
            "{hillary:?}"
        );
        let manafort = actor(&d, "Paul Manafort").expect("Manafort found");
        assert!(manafort.aliases.iter().all(|a| a != "Paul"), "{manafort:?}");
        assert!(actor(&d, "Paul").is_none(), "{names:?}");
        let devos = actor(&d, "Betsy DeVos").expect("DeVos found");
        assert!(
            devos
                .aliases
                .iter()
                .any(|a| a == "Secretary of Education Betsy DeVos"),
            "{devos:?}"
        );
        let xi = actor(&d, "Xi Jinping").expect("Xi found");
        assert!(xi.aliases.iter().any(|a| a == "Xi"), "{xi:?}");
    }

    #[test]
    fn tokens_keep_abbreviations_and_drop_possessives() {
        let t: Vec<(&str, bool)> =
            tokens("The U.S. and Putin’s Russia met. Then “Xi” spoke of Trump’s. Indo-Pacific")
                .iter()
                .map(|t| (t.text, t.joined))
                .collect();
        assert_eq!(
            t,
            [
                ("The", false),
                ("U.S.", true),
                ("and", true),
                ("Putin", true),
                ("Russia", false),
                ("met", true),
                ("Then", false),
                ("Xi", false),
                ("spoke", false),
                ("of", true),
                ("Trump", true),
                ("Indo", false),
                ("Pacific", false)
            ]
        );
        let h: Vec<bool> = tokens("The Indo-Pacific way")
            .iter()
            .map(|t| t.hyphenated)
            .collect();
        assert_eq!(h, [false, true, true, false]);
    }

    #[test]
    fn an_initialism_with_dots_is_the_one_without() {
        let d = discover_each(&[
            "The F.B.I. opened an inquiry on Monday.",
            "Agents of the FBI searched the office, and the FBI said little.",
        ]);
        let fbi = actor(&d, "FBI").expect("FBI found");
        assert_eq!(fbi.aliases, ["F.B.I."]);
        assert!(actor(&d, "F.B.I.").is_none(), "{d:?}");
    }

    #[test]
    fn name_variants_merge_into_one_person() {
        let c = corpus(&[
            "Chinese President Xi Jinping met the press. Later, Xi spoke again.\n\n\
             President Xi said the talks went well. The Chinese leader smiled. Xi Jinping left.",
            "Russian President Vladimir Putin was angry. Putin said no.\n\n\
             The Russian leader walked out. Moscow and Beijing were silent. The Kremlin said nothing.",
        ]);
        // Two mentions are enough here: Russia is named only as "Moscow" and "the Kremlin".
        let opts = DiscoverOptions {
            min_mentions: 2,
            ..DiscoverOptions::default()
        };
        let d = discover(&c, &opts);
        let get = |name: &str| d.actors.iter().find(|(a, _)| a.name == name).cloned();
        let (xi, n) = get("Xi Jinping").expect("Xi Jinping found");
        assert_eq!(xi.kind, ActorKind::Person);
        for alias in [
            "Xi",
            "President Xi",
            "Chinese President Xi Jinping",
            "the Chinese leader",
        ] {
            assert!(
                xi.aliases.iter().any(|a| a == alias),
                "{alias} not in {xi:?}"
            );
        }
        assert_eq!(n, 5, "{xi:?}");
        let (putin, n) = get("Vladimir Putin").expect("Putin found");
        assert!(
            putin.aliases.iter().any(|a| a == "the Russian leader"),
            "{putin:?}"
        );
        assert_eq!(n, 3);
        // Countries come from the gazetteer: Chinese (in the titled form) is Xi's, Beijing China's.
        let (_, n) = get("Russia").expect("Russia found");
        assert_eq!(n, 2, "Moscow and the Kremlin");
        assert!(get("Xi").is_none() && get("Putin").is_none() && get("President").is_none());
        assert!(d
            .actors
            .iter()
            .all(|(a, _)| a.name != "The" && a.name != "Later"));
    }
}
