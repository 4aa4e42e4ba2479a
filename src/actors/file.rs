//! The actor file: TOML with a list of `[[actor]]` tables (name, kind, aliases) and a switch for
//! the built-in gazetteer. Errors name the line; [`to_toml`] writes the same layout.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{Actor, ActorError, ActorSet};

/// The parsed file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorFile {
    /// Also match the built-in countries, regions and alliances the file does not list.
    #[serde(default = "yes")]
    pub gazetteer: bool,
    #[serde(default, rename = "actor")]
    pub actors: Vec<Actor>,
    /// `[[namesake]]` tables: actors too rarely named to report that share an alias with one
    /// listed (see [`ActorSet::namesakes`]).
    #[serde(default, rename = "namesake")]
    pub namesakes: Vec<Actor>,
    /// Names that hold an alias but name something else ("New Mexico"): read whole, reported
    /// as nothing.
    #[serde(default)]
    pub not_actors: Vec<String>,
}

fn yes() -> bool {
    true
}

impl ActorFile {
    /// The actors to match: the file's, then the gazetteer's unless switched off.
    pub fn actor_set(&self) -> ActorSet {
        let mut set = ActorSet::with_gazetteer(self.actors.clone(), self.gazetteer);
        set.namesakes = self.namesakes.clone();
        set.not_actors = self.not_actors.clone();
        set
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The line of the `nth` (0-based) quoted occurrence of `s`, if any.
fn line_of(text: &str, s: &str, nth: usize) -> usize {
    let quoted = toml::Value::String(s.to_string()).to_string();
    text.match_indices(&quoted)
        .nth(nth)
        .or_else(|| text.match_indices(&quoted).last())
        .map_or(1, |(at, _)| line_col(text, at).0)
}

/// Parses an actor file's text; `path` only names the file in errors.
pub fn parse_actor_file(path: &Path, text: &str) -> Result<ActorFile, ActorError> {
    let file: ActorFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ActorError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().replace('\n', " "),
        }
    })?;
    // An empty file (or one that turns the gazetteer off and lists nobody) is a mistake, not a
    // request for the built-in actors: those must be asked for.
    let asks_gazetteer = file.gazetteer
        && text
            .lines()
            .any(|l| l.trim_start().starts_with("gazetteer"));
    if file.actors.is_empty() && !asks_gazetteer {
        return Err(ActorError::Empty {
            path: path.to_path_buf(),
        });
    }
    let invalid = |line: usize, message: String| ActorError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    // An alias two actors share is read per document ("Clinton"); a name is one actor's alone.
    let everyone = || file.actors.iter().chain(&file.namesakes);
    let names: HashSet<&str> = everyone().map(|a| a.name.as_str()).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for actor in everyone() {
        if actor.name.trim().is_empty() {
            return Err(invalid(
                line_of(text, &actor.name, 0),
                "an actor has an empty name: give every [[actor]] a name".to_string(),
            ));
        }
        for p in actor.patterns() {
            let count = seen.entry(p).or_insert(0);
            *count += 1;
            if !p.chars().next().is_some_and(char::is_alphanumeric) {
                return Err(invalid(
                    line_of(text, p, *count - 1),
                    format!(
                        "alias `{p}` of {} must start with a letter or digit",
                        actor.name
                    ),
                ));
            }
            if names.contains(p) && p != actor.name {
                return Err(invalid(
                    line_of(text, p, *count - 1),
                    format!(
                        "`{p}` names {p} and is listed for {} too: keep it under one actor \
                         (only aliases may be shared)",
                        actor.name
                    ),
                ));
            }
        }
    }
    Ok(file)
}

/// Reads and checks an actor file.
pub fn read_actor_file(path: &Path) -> Result<ActorFile, ActorError> {
    let text = std::fs::read_to_string(path).map_err(|source| ActorError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_actor_file(path, &text)
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The text of `file`, each actor with its note (if any) written as a comment after its
/// `[[actor]]` line (e.g. its mention count).
pub fn to_toml(header: &str, file: &ActorFile, notes: &[String]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
    }
    out.push_str(
        "#\n\
         # Each [[actor]] has a name, a kind (person, country, organisation or group) and aliases.\n\
         # Aliases match on word boundaries, longest first. Words in capitals (US, NATO) match only\n\
         # in capitals, capitalised words only capitalised (China, not china), lower-case words in\n\
         # any case (the Russian leader, The Russian leader). An alias listed for several actors\n\
         # (Clinton) names, in each document, the one of them that document names in full first.\n\n",
    );
    out.push_str(
        "# Also match the built-in countries (with demonyms and capitals) not listed below.\n",
    );
    out.push_str(&format!("gazetteer = {}\n", file.gazetteer));
    if !file.not_actors.is_empty() {
        let names: Vec<String> = file.not_actors.iter().map(|n| quote(n)).collect();
        out.push_str(
            "# Names that hold an alias but name something else: read whole, counted for no one.\n",
        );
        out.push_str(&format!("not_actors = [{}]\n", names.join(", ")));
    }
    for (k, actor) in file.actors.iter().enumerate() {
        let note = notes.get(k).map_or("", String::as_str);
        push_table(&mut out, "actor", actor, note);
    }
    if !file.namesakes.is_empty() {
        out.push_str(
            "\n# Named too rarely to list, and sharing an alias with an actor above: in their own\n\
             # documents that alias is theirs, and no one's mention.\n",
        );
    }
    for actor in &file.namesakes {
        push_table(&mut out, "namesake", actor, "");
    }
    out
}

fn push_table(out: &mut String, table: &str, actor: &Actor, note: &str) {
    out.push_str(&format!("\n[[{table}]]"));
    if !note.is_empty() {
        out.push_str(&format!("  # {note}"));
    }
    out.push('\n');
    out.push_str(&format!("name = {}\n", quote(&actor.name)));
    out.push_str(&format!("kind = {}\n", quote(actor.kind.as_str())));
    let aliases: Vec<String> = actor.aliases.iter().map(|a| quote(a)).collect();
    out.push_str(&format!("aliases = [{}]\n", aliases.join(", ")));
}

#[cfg(test)]
mod tests {
    use super::super::ActorKind;
    use super::*;

    const GOOD: &str = r#"
gazetteer = false

[[actor]]
name = "Vladimir Putin"
kind = "person"
aliases = ["Putin", "the Russian leader"]

[[actor]]
name = "NATO"
kind = "organization"
"#;

    #[test]
    fn reads_a_good_file() {
        let f = parse_actor_file(Path::new("a.toml"), GOOD).unwrap();
        assert!(!f.gazetteer);
        assert_eq!(f.actors.len(), 2);
        assert_eq!(f.actors[1].kind, ActorKind::Organisation);
        assert!(f.actors[1].aliases.is_empty());
        assert_eq!(f.actor_set().len(), 2);
        let with = parse_actor_file(Path::new("a.toml"), "gazetteer = true\n").unwrap();
        assert!(with.gazetteer && with.actor_set().len() > 190);
    }

    #[test]
    fn a_file_that_names_no_actor_is_an_error() {
        for text in ["", "# nothing yet\n", "gazetteer = false\n"] {
            let err = parse_actor_file(Path::new("a.toml"), text).unwrap_err();
            assert!(
                err.to_string().starts_with("a.toml lists no actors"),
                "{err}"
            );
        }
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let bad =
            "[[actor]]\nname = \"Putin\"\nkind = \"person\"\naliases = [\"Vladimir Putin\",\n";
        let err = parse_actor_file(Path::new("a.toml"), bad)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a.toml line 4"), "{err}");
        let unknown = "[[actor]]\nname = \"X\"\nkind = \"person\"\nalias = [\"Y\"]\n";
        let err = parse_actor_file(Path::new("a.toml"), unknown)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a.toml line 4"), "{err}");
        assert!(err.contains("alias"), "{err}");
        let kind = "[[actor]]\nname = \"X\"\nkind = \"planet\"\n";
        let err = parse_actor_file(Path::new("a.toml"), kind)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a.toml line 3"), "{err}");
    }

    #[test]
    fn a_name_belongs_to_one_actor_and_an_alias_may_be_shared() {
        let twice = "[[actor]]\nname = \"A\"\nkind = \"person\"\naliases = [\"X\"]\n\n[[actor]]\nname = \"B\"\nkind = \"person\"\naliases = [\"A\"]\n";
        let err = parse_actor_file(Path::new("a.toml"), twice)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "a.toml line 9: `A` names A and is listed for B too: keep it under one actor (only \
             aliases may be shared)"
        );
        let shared = twice.replace("[\"A\"]", "[\"X\"]");
        let file = parse_actor_file(Path::new("a.toml"), &shared).unwrap();
        assert_eq!(file.actors[1].aliases, ["X"]);
    }

    #[test]
    fn written_files_read_back() {
        let file = ActorFile {
            gazetteer: true,
            actors: vec![Actor {
                name: "Xi Jinping".into(),
                kind: ActorKind::Person,
                aliases: vec!["Xi".into(), "President \"Xi\"".into()],
            }],
            namesakes: vec![Actor {
                name: "Xi Zhongxun".into(),
                kind: ActorKind::Person,
                aliases: vec!["Xi".into()],
            }],
            not_actors: vec!["Xi'an".into()],
        };
        let text = to_toml("Found in seeds/", &file, &["12 mentions".to_string()]);
        assert!(text.contains("[[actor]]  # 12 mentions"), "{text}");
        let back = parse_actor_file(Path::new("x.toml"), &text).unwrap();
        assert_eq!(back, file);
        let set = back.actor_set();
        assert_eq!((set.namesakes.len(), set.not_actors.len()), (1, 1));
    }
}
