//! Finding where a text mentions each actor: every alias occurrence on word boundaries, the
//! longest match first, with case rules that keep "US" (the country) apart from "us".
//!
//! Case rules, per word of an alias: a word of two or more capitals and no lower-case letters
//! (US, U.S., NATO) matches only exactly; a capitalised word (China, Xi) needs a capital first
//! letter and takes the rest in any case (CHINA in a headline, not china); a lower-case word
//! (the, leader) matches in any case. Whitespace in an alias matches any run of whitespace, and
//! ' matches ’.
//!
//! An alias listed for several actors ("Clinton" for Bill and Hillary Clinton) is shared: in a
//! document it names the one of them that the document names first by an alias of its own
//! ("Hillary Clinton … Clinton said"), else the first listed.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use super::ActorSet;

/// One occurrence of an actor in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Index of the actor in the [`ActorSet`].
    pub actor: usize,
    /// The alias (or name) that matched.
    pub alias: String,
    /// Byte span in the text (for slicing a Rust `&str`).
    pub span: Range<usize>,
    /// Character span in the text, end exclusive (as NewsMTSC counts).
    pub chars: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// This exact character.
    Exact,
    /// A capital, in any case otherwise.
    Capital,
    /// Any case.
    AnyCase,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Space,
    Char(char, Rule),
}

/// The `actor` of a pattern that names no actor (one of [`ActorSet::not_actors`]).
const NOT_AN_ACTOR: usize = usize::MAX;

#[derive(Debug, Clone)]
struct Pattern {
    /// The actors the alias names: one, or several for a shared alias (the first is the
    /// default).
    actors: Vec<usize>,
    text: String,
    units: Vec<Unit>,
    ends_in_word_char: bool,
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn same_char(a: char, b: char) -> bool {
    let norm = |c: char| if c == '’' || c == '‘' { '\'' } else { c };
    norm(a) == norm(b)
}

fn compile(actor: usize, text: &str) -> Option<Pattern> {
    let mut units = Vec::new();
    for (w, word) in text.split_whitespace().enumerate() {
        if w > 0 {
            units.push(Unit::Space);
        }
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        let acronym = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
        let mut first_letter = true;
        for c in word.chars() {
            let rule = if acronym {
                Rule::Exact
            } else if c.is_alphabetic() && first_letter && c.is_uppercase() {
                Rule::Capital
            } else {
                Rule::AnyCase
            };
            if c.is_alphabetic() {
                first_letter = false;
            }
            units.push(Unit::Char(c, rule));
        }
    }
    let last = text.trim_end().chars().last()?;
    Some(Pattern {
        actors: vec![actor],
        text: text.to_string(),
        units,
        ends_in_word_char: last.is_alphanumeric(),
    })
}

/// Finds the mentions of a set of actors in texts.
#[derive(Debug, Clone)]
pub struct MentionMatcher {
    patterns: Vec<Pattern>,
    /// Patterns by the lower-cased first character.
    by_first: HashMap<char, Vec<usize>>,
    /// How many actors are reported: ids from here on are namesakes.
    actors: usize,
}

impl MentionMatcher {
    /// Compiles every actor's name and aliases, and the names that are no actor. A string
    /// listed for several actors is shared among them (the first listed is its default); a
    /// name that is no actor never takes a string an actor lists. Aliases that do not start
    /// with a letter or digit are skipped.
    pub fn new(actors: &ActorSet) -> MentionMatcher {
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut taken: HashMap<String, usize> = HashMap::new();
        // Namesakes take the ids after the actors': the matcher reads them and reports nothing.
        let named = actors
            .actors
            .iter()
            .chain(&actors.namesakes)
            .enumerate()
            .flat_map(|(i, a)| a.patterns().map(move |p| (i, p)));
        let not_named = actors.not_actors.iter().map(|p| (NOT_AN_ACTOR, p.as_str()));
        for (i, p) in named.chain(not_named) {
            let p = p.trim();
            if !p.chars().next().is_some_and(char::is_alphanumeric) {
                continue;
            }
            if let Some(&k) = taken.get(p) {
                let shared = &mut patterns[k].actors;
                if i != NOT_AN_ACTOR && !shared.contains(&i) {
                    shared.push(i);
                }
                continue;
            }
            if let Some(pattern) = compile(i, p) {
                taken.insert(p.to_string(), patterns.len());
                patterns.push(pattern);
            }
        }
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for (k, p) in patterns.iter().enumerate() {
            if let Some(Unit::Char(c, _)) = p.units.first() {
                by_first.entry(lower(*c)).or_default().push(k);
            }
        }
        MentionMatcher {
            patterns,
            by_first,
            actors: actors.len(),
        }
    }

    /// Where `p` matches at char position `at`: the end position.
    fn match_at(&self, p: &Pattern, chars: &[(usize, char)], at: usize) -> Option<usize> {
        let mut i = at;
        for unit in &p.units {
            match *unit {
                Unit::Space => {
                    let start = i;
                    while i < chars.len() && chars[i].1.is_whitespace() {
                        i += 1;
                    }
                    if i == start {
                        return None;
                    }
                }
                Unit::Char(c, rule) => {
                    let t = chars.get(i)?.1;
                    let ok = match rule {
                        Rule::Exact => same_char(t, c),
                        Rule::Capital => t.is_uppercase() && lower(t) == lower(c),
                        Rule::AnyCase => same_char(lower(t), lower(c)),
                    };
                    if !ok {
                        return None;
                    }
                    i += 1;
                }
            }
        }
        if p.ends_in_word_char && chars.get(i).is_some_and(|(_, c)| c.is_alphanumeric()) {
            return None;
        }
        Some(i)
    }

    /// Every mention in `text`, left to right, never overlapping: at each word start the longest
    /// matching alias wins (a tie goes to the earlier actor). A shared alias names its default
    /// actor: [`MentionMatcher::find_in_document`] reads it in its document.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.matches(text)
            .into_iter()
            .filter_map(|m| self.mention(&m, self.patterns[m.pattern].actors[0]))
            .collect()
    }

    /// Every mention in each paragraph of one document, shared aliases read in the document:
    /// each names the one of its actors that the document names first by an alias of its own,
    /// else its default.
    pub fn find_in_document(&self, paragraphs: &[&str]) -> Vec<Vec<Mention>> {
        let found: Vec<Vec<Match>> = paragraphs.iter().map(|t| self.matches(t)).collect();
        let flat: Vec<&Match> = found.iter().flatten().collect();
        let mut named = self.resolve_shared(&flat).into_iter();
        // Zip asks `matches` first, so each paragraph takes exactly its own matches' actors.
        found
            .iter()
            .map(|matches| {
                matches
                    .iter()
                    .zip(named.by_ref())
                    .filter_map(|(m, actor)| self.mention(m, actor))
                    .collect()
            })
            .collect()
    }

    /// The actor each match (in document order) names: an unshared alias its one actor; a
    /// shared one the candidate the document names first by an unshared alias, else the
    /// default. News names its subject in full first and then by surname alone, and a
    /// relative in full each time ("Joe Biden … his son Beau Biden … Biden said"): on PerSenT's
    /// 533 articles this reads a lone surname right more often than the nearest full name.
    fn resolve_shared(&self, matches: &[&Match]) -> Vec<usize> {
        let actors_of = |m: &Match| &self.patterns[m.pattern].actors;
        // Where each actor named by an unshared alias is named first.
        let mut first_named: HashMap<usize, usize> = HashMap::new();
        for (at, m) in matches.iter().enumerate() {
            if let [only] = actors_of(m).as_slice() {
                first_named.entry(*only).or_insert(at);
            }
        }
        let pick = |actors: &[usize]| {
            actors
                .iter()
                .filter_map(|a| first_named.get(a).map(|&at| (at, *a)))
                .min()
                .map_or(actors[0], |(_, a)| a)
        };
        matches.iter().map(|m| pick(actors_of(m))).collect()
    }

    /// The mention of `actor`; none for a namesake.
    fn mention(&self, m: &Match, actor: usize) -> Option<Mention> {
        (actor < self.actors).then(|| Mention {
            actor,
            alias: self.patterns[m.pattern].text.clone(),
            span: m.span.clone(),
            chars: m.chars.clone(),
        })
    }

    /// Every alias occurrence in `text`, left to right, never overlapping: at each word start
    /// the longest matching alias wins; names that are no actor are read and left out.
    fn matches(&self, text: &str) -> Vec<Match> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let word_start = i == 0 || !chars[i - 1].1.is_alphanumeric();
            let c = chars[i].1;
            if !word_start || !c.is_alphanumeric() {
                i += 1;
                continue;
            }
            let mut best: Option<(usize, usize)> = None;
            for &k in self.by_first.get(&lower(c)).map_or(&[][..], Vec::as_slice) {
                if let Some(end) = self.match_at(&self.patterns[k], &chars, i) {
                    if best.is_none_or(|(_, e)| end > e) {
                        best = Some((k, end));
                    }
                }
            }
            match best {
                Some((k, end)) => {
                    if self.patterns[k].actors[0] != NOT_AN_ACTOR {
                        out.push(Match {
                            pattern: k,
                            span: byte_at(i)..byte_at(end),
                            chars: i..end,
                        });
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// An alias occurrence before its actor is chosen.
struct Match {
    pattern: usize,
    span: Range<usize>,
    chars: Range<usize>,
}

#[cfg(test)]
mod tests {
    use super::super::{Actor, ActorKind};
    use super::*;

    fn set() -> ActorSet {
        let a = |name: &str, kind, aliases: &[&str]| Actor {
            name: name.into(),
            kind,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
        };
        ActorSet {
            actors: vec![
                a(
                    "Vladimir Putin",
                    ActorKind::Person,
                    &["Putin", "the Russian leader"],
                ),
                a(
                    "Russia",
                    ActorKind::Country,
                    &["Russian", "Moscow", "the Kremlin", "Kremlin"],
                ),
                a(
                    "United States",
                    ActorKind::Country,
                    &["US", "U.S.", "America"],
                ),
                a("China", ActorKind::Country, &["Chinese", "Beijing"]),
            ],
            not_actors: vec!["South China Sea".into()],
            namesakes: vec![],
        }
    }

    fn found(text: &str) -> Vec<(usize, &str)> {
        MentionMatcher::new(&set())
            .find(text)
            .into_iter()
            .map(|m| (m.actor, &text[m.span]))
            .collect()
    }

    #[test]
    fn us_the_country_is_not_us_the_pronoun() {
        assert_eq!(
            found("Let us see whether the US and the U.S.-China talks help us."),
            [(2, "US"), (2, "U.S."), (3, "China")]
        );
        assert_eq!(found("Us and uS and USA"), []);
    }

    #[test]
    fn longest_match_first_on_word_boundaries() {
        assert_eq!(
            found("The Russian leader met Vladimir  Putin; Putin’s Kremlin-friendly Russians."),
            [
                (0, "The Russian leader"),
                (0, "Vladimir  Putin"),
                (0, "Putin"),
                (1, "Kremlin")
            ]
        );
        assert_eq!(found("Putinism and china and Chinatown"), []);
        // A place that holds a country's name is read whole and reported as nothing.
        assert_eq!(
            found("China's claims in the South China Sea worry Russia’s Putin."),
            [(3, "China"), (1, "Russia"), (0, "Putin")]
        );
        assert_eq!(
            found("CHINA and the kremlin and THE KREMLIN"),
            [(3, "CHINA"), (1, "THE KREMLIN")]
        );
    }

    #[test]
    fn spans_are_in_bytes_and_characters() {
        let text = "«Über» Beijing";
        let m = &MentionMatcher::new(&set()).find(text)[0];
        assert_eq!(&text[m.span.clone()], "Beijing");
        assert_eq!(m.chars, 7..14);
        assert_eq!(m.span, 10..17);
    }

    #[test]
    fn a_string_listed_twice_goes_to_the_first_actor() {
        let mut s = set();
        s.actors[1].aliases.push("Putin".into());
        let m = MentionMatcher::new(&s).find("Putin");
        assert_eq!(m[0].actor, 0);
    }

    #[test]
    fn a_shared_alias_names_whom_its_document_named_last() {
        let person = |name: &str| Actor {
            name: name.into(),
            kind: ActorKind::Person,
            aliases: vec!["Clinton".into(), "Mr. Clinton".into()],
        };
        let s = ActorSet {
            actors: vec![person("Hillary Clinton"), person("Bill Clinton")],
            not_actors: vec![],
            namesakes: vec![person("Roger Clinton")],
        };
        let matcher = MentionMatcher::new(&s);
        let actors = |paragraphs: &[&str]| -> Vec<Vec<(usize, String)>> {
            matcher
                .find_in_document(paragraphs)
                .iter()
                .zip(paragraphs)
                .map(|(ms, t)| {
                    ms.iter()
                        .map(|m| (m.actor, t[m.span.clone()].into()))
                        .collect()
                })
                .collect()
        };
        let hb = |a: usize, t: &str| (a, t.to_string());
        // A shared alias names the one its document names first in full, before and after;
        // the subject's relatives named later keep their full names.
        assert_eq!(
            actors(&[
                "Clinton spoke first.",
                "Bill Clinton said Mr. Clinton agreed. Later Hillary Clinton came.",
                "Clinton won.",
            ]),
            [
                vec![hb(1, "Clinton")],
                vec![
                    hb(1, "Bill Clinton"),
                    hb(1, "Mr. Clinton"),
                    hb(0, "Hillary Clinton")
                ],
                vec![hb(1, "Clinton")],
            ]
        );
        assert_eq!(actors(&["Clinton won."]), [vec![hb(0, "Clinton")]]);
        // A namesake too rarely named to report takes the alias in its document, silently.
        assert_eq!(
            actors(&["Roger Clinton sang. Clinton won.", "Mr. Clinton left."]),
            [vec![], vec![]]
        );
        // Out of a document, the default.
        assert_eq!(matcher.find("Bill Clinton and Clinton")[1].actor, 0);
    }
}
