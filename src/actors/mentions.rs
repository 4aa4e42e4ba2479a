//! Finding where a text mentions each actor: every alias occurrence on word boundaries, the
//! longest match first, with case rules that keep "US" (the country) apart from "us".
//!
//! Case rules, per word of an alias: a word of two or more capitals and no lower-case letters
//! (US, U.S., NATO) matches only exactly; a capitalised word (China, Xi) needs a capital first
//! letter and takes the rest in any case (CHINA in a headline, not china); a lower-case word
//! (the, leader) matches in any case. Whitespace in an alias matches any run of whitespace, and
//! ' matches ’.

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
    actor: usize,
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
        actor,
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
}

impl MentionMatcher {
    /// Compiles every actor's name and aliases, and the names that are no actor. A string
    /// listed for two actors belongs to the first; aliases that do not start with a letter or
    /// digit are skipped.
    pub fn new(actors: &ActorSet) -> MentionMatcher {
        let mut patterns = Vec::new();
        let mut taken = std::collections::HashSet::new();
        let named = actors
            .actors
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.patterns().map(move |p| (i, p)));
        let not_named = actors.not_actors.iter().map(|p| (NOT_AN_ACTOR, p.as_str()));
        for (i, p) in named.chain(not_named) {
            let p = p.trim();
            if !p.chars().next().is_some_and(char::is_alphanumeric) {
                continue;
            }
            if !taken.insert(p.to_string()) {
                continue;
            }
            if let Some(pattern) = compile(i, p) {
                patterns.push(pattern);
            }
        }
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for (k, p) in patterns.iter().enumerate() {
            if let Some(Unit::Char(c, _)) = p.units.first() {
                by_first.entry(lower(*c)).or_default().push(k);
            }
        }
        MentionMatcher { patterns, by_first }
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
    /// matching alias wins (a tie goes to the earlier actor).
    pub fn find(&self, text: &str) -> Vec<Mention> {
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
                    let better = match best {
                        None => true,
                        Some((_, e)) => end > e,
                    };
                    if better {
                        best = Some((k, end));
                    }
                }
            }
            match best {
                Some((k, end)) if self.patterns[k].actor == NOT_AN_ACTOR => i = end,
                Some((k, end)) => {
                    let p = &self.patterns[k];
                    out.push(Mention {
                        actor: p.actor,
                        alias: p.text.clone(),
                        span: byte_at(i)..byte_at(end),
                        chars: i..end,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }
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
}
