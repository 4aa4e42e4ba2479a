//! Actors on real text: discovery on the seed articles merges name variants, mentions follow the
//! case rules, and a broken actor file names its line.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_one_line_error, seeds, stderr, themescope};
use themescope::actors::{parse_actor_file, ActorSet, MentionMatcher};

fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn discovery_on_the_seeds_merges_name_variants() {
    let dir = tempfile::tempdir().unwrap();
    let out = themescope(dir.path())
        .args(["actors", "--quiet"])
        .arg(seeds())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let file = parse_actor_file(Path::new("stdout"), &text).expect("valid actor file");
    let get = |name: &str| {
        file.actors
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} not discovered:\n{text}"))
    };
    for (name, aliases) in [
        ("Vladimir Putin", &["Putin", "the Russian leader"][..]),
        ("Xi Jinping", &["Xi", "Chinese President Xi Jinping"][..]),
        ("Donald Trump", &["Trump"][..]),
    ] {
        let a = get(name);
        assert_eq!(a.kind.as_str(), "person", "{a:?}");
        for alias in aliases {
            assert!(a.aliases.iter().any(|x| x == alias), "{alias} not in {a:?}");
        }
    }
    for country in ["Russia", "China", "United States", "Europe", "Ukraine"] {
        get(country);
    }
    // No lone name survives beside its merged full name, and no sentence-initial word.
    for junk in ["Putin", "Xi", "Trump", "The", "But", "Putin China"] {
        assert!(file.actors.iter().all(|a| a.name != junk), "{junk} listed");
    }

    // `--json` says what the file says: the same actors, namesakes and names of no one.
    let out = themescope(dir.path())
        .args(["actors", "--quiet", "--json"])
        .arg(seeds())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key} in {json}"))
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    let file_names = |list: &[themescope::actors::Actor]| -> Vec<String> {
        list.iter().map(|a| a.name.clone()).collect()
    };
    assert_eq!(names("actors"), file_names(&file.actors));
    assert_eq!(names("namesakes"), file_names(&file.namesakes));
    assert_eq!(json["not_actors"], serde_json::json!(file.not_actors));
    assert!(
        json["actors"][0]["mentions"].as_u64().unwrap() > 10,
        "{json}"
    );
}

#[test]
fn mentions_keep_the_country_us_apart_from_the_pronoun_us() {
    let m = MentionMatcher::new(&ActorSet::gazetteer());
    let text = "Let us be clear: the US and the U.S. Senate told us that America’s allies, \
                like the United States itself, trust US-China talks.";
    let found: Vec<&str> = m.find(text).iter().map(|x| &text[x.span.clone()]).collect();
    assert_eq!(
        found,
        ["US", "U.S.", "America", "the United States", "US", "China"]
    );
    let found = m.find("Ünter us, the US");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].chars.clone(), found[0].span.clone()),
        (14..16, 15..17)
    );
}

#[test]
fn an_actor_file_with_a_syntax_error_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("actors.toml");
    std::fs::write(
        &bad,
        "gazetteer = true\n\n[[actor]]\nname = \"Vladimir Putin\"\nkind = \"person\"\naliases = [\"Putin\" \"the Russian leader\"]\n",
    )
    .unwrap();
    let out = themescope(dir.path())
        .args(["sentiment", "--method", "vader", "--actors"])
        .arg(&bad)
        .arg(sample_corpus())
        .output()
        .unwrap();
    assert_one_line_error(&out, &["actors.toml line 6", "fix the actor file"]);
}
