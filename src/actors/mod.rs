//! Actors: the people, countries, organisations and groups a text names, with their aliases;
//! where they come from (an actor file, the built-in gazetteer, or discovery from a corpus) and
//! where a text mentions them.
//!
//! | file | job |
//! |---|---|
//! | `file.rs` | the actor file (TOML): reading with line-numbered errors, writing |
//! | `gazetteer.rs` | built-in countries, demonyms, capitals; Europe, NATO, UN |
//! | `discover.rs` | proposing actors from proper-noun n-grams, merging name variants |
//! | `mentions.rs` | finding alias occurrences with byte and character spans |

mod discover;
mod error;
mod file;
pub mod gazetteer;
mod mentions;

use serde::{Deserialize, Serialize};

pub use discover::{discover, DiscoverOptions, Discovered};
pub use error::ActorError;
pub use file::{parse_actor_file, read_actor_file, to_toml, ActorFile};
pub use mentions::{Mention, MentionMatcher};

/// What kind of actor a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Person,
    Country,
    #[serde(alias = "organization", alias = "org")]
    Organisation,
    Group,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Country => "country",
            ActorKind::Organisation => "organisation",
            ActorKind::Group => "group",
        }
    }
}

/// An actor: its display name and the other strings that refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
    /// Other ways texts refer to it; the name itself always counts too.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Actor {
    /// The name, then the aliases: every string that refers to the actor.
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The actors to look for, in a fixed order (indexes are actor ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorSet {
    pub actors: Vec<Actor>,
    /// Names that hold an actor's alias but name something else ("New Mexico", "South China
    /// Sea"): the matcher reads them as one word and reports nothing.
    pub not_actors: Vec<String>,
    /// Actors named too rarely to report that share an alias with one reported ("Brian Kelly"
    /// beside Megyn Kelly): the matcher reads the shared alias to them in their documents and
    /// reports nothing, rather than giving it to the namesake.
    pub namesakes: Vec<Actor>,
}

impl ActorSet {
    /// The built-in gazetteer alone.
    pub fn gazetteer() -> ActorSet {
        ActorSet {
            actors: gazetteer::actors(),
            not_actors: Vec::new(),
            namesakes: Vec::new(),
        }
    }

    /// `actors` first, then (when `with_gazetteer`) the built-in actors they do not override: a
    /// built-in actor with the same name is replaced, and built-in aliases that a given actor
    /// claims are taken away from the built-in one ("configured otherwise"). When two actors
    /// share a string anyway, [`MentionMatcher`] gives it to the earlier one.
    pub fn with_gazetteer(actors: Vec<Actor>, with_gazetteer: bool) -> ActorSet {
        let mut all = actors;
        if with_gazetteer {
            let claimed: std::collections::HashSet<String> = all
                .iter()
                .flat_map(|a| a.patterns().map(str::to_string))
                .collect();
            let names: std::collections::HashSet<String> =
                all.iter().map(|a| a.name.to_lowercase()).collect();
            for mut g in gazetteer::actors() {
                if names.contains(&g.name.to_lowercase()) {
                    continue;
                }
                g.aliases.retain(|a| !claimed.contains(a));
                all.push(g);
            }
        }
        ActorSet {
            actors: all,
            not_actors: Vec::new(),
            namesakes: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.actors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    /// Index of the actor with this name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.name == name)
    }
}
