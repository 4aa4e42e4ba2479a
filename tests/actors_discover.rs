//! Discovery on a corpus written for it (tests/data/actor-variants: speeches with name variants,
//! multi-word places, plurals, possessives and party words): spellings of one name merge, and no
//! fragment of a longer name becomes an actor.

use std::path::Path;

use themescope::actors::{
    discover, parse_actor_file, to_toml, Actor, ActorKind, ActorSet, DiscoverOptions, Discovered,
    MentionMatcher,
};
use themescope::corpus::{Corpus, Document, ReadOptions};

fn discovered() -> Discovered {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/actor-variants");
    let corpus = Corpus::read(&[dir], &ReadOptions::default()).expect("the test corpus reads");
    discover(
        &corpus,
        &DiscoverOptions {
            min_mentions: 2,
            ..DiscoverOptions::default()
        },
    )
}

/// The discovered actor one of whose names is `pattern`, with its mention count.
fn owner<'a>(d: &'a Discovered, pattern: &str) -> Option<&'a (Actor, usize)> {
    d.actors
        .iter()
        .find(|(a, _)| a.patterns().any(|p| p == pattern))
}

/// The owner of `pattern`, which must also be named `alias`, and its mention count.
fn owner_also_named<'a>(d: &'a Discovered, pattern: &str, alias: &str) -> (&'a Actor, usize) {
    let (actor, n) = owner(d, pattern).unwrap_or_else(|| panic!("{pattern} not found"));
    assert!(actor.patterns().any(|p| p == alias), "{alias}: {actor:?}");
    (actor, *n)
}

fn names(d: &Discovered) -> Vec<&str> {
    d.actors.iter().map(|(a, _)| a.name.as_str()).collect()
}

#[test]
fn spellings_plurals_and_articles_of_one_name_merge() {
    let d = discovered();
    let (nazi, n) = owner(&d, "Nazi").expect("Nazi found");
    assert!(nazi.patterns().any(|p| p == "Nazis"), "{nazi:?}");
    assert_eq!(*n, 7, "four Nazi and three Nazis: {nazi:?}");

    // al-Qaeda, Al Qaeda, Al-Qaeda's and al-Qaida are one group.
    let (qaeda, n) = owner(&d, "Al Qaeda").expect("Al Qaeda found");
    for variant in ["al-Qaeda", "al-Qaida"] {
        assert!(
            qaeda.patterns().any(|p| p == variant),
            "{variant}: {qaeda:?}"
        );
    }
    assert_eq!(*n, 7, "{qaeda:?}");
    assert!(d
        .actors
        .iter()
        .all(|(a, _)| a.name != "Qaeda" && a.name != "Qaida"));

    // Possessives count as mentions of the name: "Putin's army", "Putin's war".
    let (putin, n) = owner(&d, "Putin").expect("Putin found");
    assert_eq!(*n, 6, "{putin:?}");
}

#[test]
fn no_fragment_of_a_longer_name_becomes_an_actor() {
    let d = discovered();
    let names = names(&d);
    // "New York" stays whole; "York" alone is never written.
    assert!(names.contains(&"New York"), "{names:?}");
    assert!(!names.contains(&"York"), "{names:?}");
    // `of` after an organisation word continues the name; after "Islam" it does not.
    assert!(names.contains(&"Bank of England"), "{names:?}");
    assert!(!names.contains(&"England"), "{names:?}");
    assert!(names.contains(&"Da’esh"), "{names:?}");
    assert!(names.iter().all(|n| !n.contains(" of Da")), "{names:?}");
    // A country inside a place name is no mention of the country: Mexico is named twice on
    // its own beside two "New Mexico"; China twice beside two "South China Sea".
    assert_eq!(owner(&d, "Mexico").map(|(_, n)| *n), Some(2));
    assert_eq!(owner(&d, "China").map(|(_, n)| *n), Some(2));
    let matcher = MentionMatcher::new(&d.actor_set());
    assert!(matcher.find("the governor of New Mexico").is_empty());
    // Every discovered name is found where the corpus writes it whole, not as a piece.
    for (a, _) in d.actors.iter().filter(|(a, _)| a.name.contains(' ')) {
        let words: Vec<&str> = a.name.split(' ').collect();
        for w in &words {
            assert!(
                !names.contains(w) || owner(&d, w).is_some_and(|(o, _)| o.name == a.name),
                "`{w}` of `{}` is an actor of its own",
                a.name
            );
        }
    }
}

#[test]
fn a_party_word_opens_an_organisation_but_not_a_person() {
    let d = discovered();
    let names = names(&d);
    // "Democrat Ralph Northam" names Ralph Northam; the party word is no part of him.
    for person in ["Ralph Northam", "Ed Gillespie"] {
        assert!(names.contains(&person), "{person}: {names:?}");
    }
    for titled in ["Democrat Ralph Northam", "Republican Ed Gillespie"] {
        assert!(!names.contains(&titled), "{titled}: {names:?}");
    }
    // The party's people are no alias of the person the party word once stood before.
    let (gillespie, _) = owner(&d, "Ed Gillespie").expect("Ed Gillespie found");
    assert!(
        gillespie.patterns().all(|p| !p.starts_with("Republican")),
        "{gillespie:?}"
    );
    // The corpus also writes "republican" and "labour" in lower case; inside an organisation's
    // name, capitalised, they still belong to it.
    for organisation in ["Republican National Committee", "Labour Party"] {
        assert!(names.contains(&organisation), "{organisation}: {names:?}");
    }
    for fragment in ["Party", "National Committee"] {
        assert!(!names.contains(&fragment), "{fragment}: {names:?}");
    }
}

#[test]
fn party_forms_merge_surnames_and_described_titles_stay_and_lists_split() {
    let d = discovered();
    let names = names(&d);
    // "Democrats" and the lone adjective "Democratic" are one group.
    let (democrats, n) = owner_also_named(&d, "Democrats", "Democratic");
    assert!(n >= 5, "three Democrats and two Democratic: {democrats:?}");
    // "baker" is also a common word here, but the corpus ends names with "Baker" more often.
    let (baker, _) = owner(&d, "Katie Baker").expect("Katie Baker found");
    assert_eq!(baker.kind, ActorKind::Person, "{baker:?}");
    // The words before a title in lower case say whose title it is: no part of her name.
    assert!(
        baker
            .patterns()
            .any(|p| p == "Democratic Caucus spokesperson Katie Baker"),
        "{baker:?}"
    );
    assert!(!names.contains(&"Katie"), "{names:?}");
    // A title shortened with a dot ends no clause: the state before it describes the title.
    let (abbott, _) = owner(&d, "Greg Abbott").expect("Greg Abbott found");
    assert!(
        abbott.patterns().any(|p| p == "Texas Gov. Greg Abbott"),
        "{abbott:?}"
    );
    assert!(names.iter().all(|n| !n.starts_with("Texas")), "{names:?}");
    // The transcript's lost commas left two spaces between the names: three witnesses, not one.
    for witness in ["Maria Lopez", "Tom Fischer", "Anna Kowalski"] {
        assert!(names.contains(&witness), "{witness}: {names:?}");
    }
    assert!(names.iter().all(|n| !n.contains("Lopez Tom")), "{names:?}");
}

#[test]
fn initials_stay_in_names_headlines_and_honorifics_name_no_one_else_and_teams_are_groups() {
    let d = discovered();
    let names = names(&d);
    // A middle initial ends no clause: "Walter J. Harmon" is Walter Harmon, and a father and
    // son whose initials differ stay two persons.
    let (harmon, n) = owner_also_named(&d, "Walter J. Harmon", "Walter Harmon");
    assert!(n >= 5, "{harmon:?} {n}");
    for vance in ["Edward T. Vance", "Edward R. Vance"] {
        let (a, _) = owner(&d, vance).unwrap_or_else(|| panic!("{vance}: {names:?}"));
        assert_eq!(a.kind, ActorKind::Person, "{a:?}");
        assert_eq!(a.name, vance, "the two Vances stay apart: {a:?}");
    }
    // Headlines in title case propose no names ("Harmon Was Warned", "Ellis Grant Reportedly
    // Picked").
    // A headline inside a sentence ("a post titled Nadia Reyes Slams Board Over Harmon Pick")
    // ends at its capitalised preposition.
    for word in [
        "Was",
        "Warned",
        "Reportedly",
        "Picked",
        "Friend",
        "Say",
        "Over",
    ] {
        assert!(
            names.iter().all(|n| !n.split(' ').any(|w| w == word)),
            "{word}: {names:?}"
        );
    }
    // "Mr. Grant" is a surname: Ellis Grant's, not the given name of Grant Nolan.
    let (grant, _) = owner(&d, "Mr. Grant").expect("Mr. Grant found");
    assert_eq!(grant.name, "Ellis Grant", "{grant:?}");
    let (nolan, _) = owner(&d, "Grant Nolan").expect("Grant Nolan found");
    assert!(!nolan.patterns().any(|p| p == "Grant"), "{nolan:?}");
    // "a Halden White House aide" names the White House, whose president is Tom Halden; a town
    // of springs and a state after "Former" are no persons.
    assert!(
        names.iter().all(|n| !n.contains("White House")),
        "{names:?}"
    );
    assert!(names.contains(&"Tom Halden"), "{names:?}");
    assert!(names.iter().all(|n| !n.contains("Springs")), "{names:?}");
    let (nevada, _) = owner(&d, "Nevada").expect("Nevada found");
    assert_ne!(nevada.kind, ActorKind::Person, "{nevada:?}");
    // "Al" before a name is a given name where the text never joins it as an article
    // ("al-Qaeda"), and "As" opens no name.
    let (benton, _) = owner_also_named(&d, "Benton", "Al Benton");
    assert_eq!(benton.name, "Al Benton", "{benton:?}");
    assert_eq!(benton.kind, ActorKind::Person, "{benton:?}");
    assert!(
        benton.patterns().all(|p| !p.starts_with("As ")),
        "{benton:?}"
    );
    // A name the text writes after "the" is a team's, not a person's.
    let (gulls, _) = owner(&d, "Harbor Point Gulls").expect("Harbor Point Gulls found");
    assert_eq!(gulls.kind, ActorKind::Group, "{gulls:?}");
}

/// Articles on two Clintons, two Kellys and two Bushes, each article naming its own.
fn namesakes() -> Corpus {
    let texts = [
        "Former President Bill Clinton spoke in Little Rock on Monday.\n\nClinton said the \
         economy of the 1990s had lifted every town. President Clinton thanked the crowd.",
        "Hillary Clinton campaigned in Ohio on Tuesday.\n\nClinton told voters that jobs came \
         first. Supporters cheered Clinton at every stop.",
        "Hillary Clinton raised money in Denver.\n\nClinton met donors, and Clinton spoke late.",
        "Megyn Kelly interviewed Newt Gingrich on Wednesday.\n\nKelly asked him about the \
         campaign. Gingrich told Kelly she was fascinated with scandal.",
        "Kelly Evans of CNBC asked the senator to calm down.\n\nMr. Kelly said the border had \
         to be secured, and Mr. Kelly left for Texas.",
        "President George W. Bush addressed the troops.\n\nPresident Bush praised their courage.",
        "Jeb Bush campaigned in Iowa.\n\nBush spoke about schools. Voters asked Bush about his \
         brother, and Bush smiled.",
        "Special counsel Robert Mueller filed charges.\n\nMueller named two aides, and Mueller \
         asked for a trial date. Mueller declined to comment.",
        "Derek Moeller, a teacher, won the award.\n\nMoeller thanked his students.",
    ];
    let docs = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document::from_text(format!("d{i}"), *t, &ReadOptions::default()))
        .collect();
    Corpus::from_documents(docs)
}

#[test]
fn a_surname_two_actors_share_names_whom_each_article_names() {
    let corpus = namesakes();
    let d = discover(
        &corpus,
        &DiscoverOptions {
            min_mentions: 1,
            ..DiscoverOptions::default()
        },
    );
    let lists = |name: &str, alias: &str| {
        d.actors
            .iter()
            .any(|(a, _)| a.name == name && a.aliases.iter().any(|x| x == alias))
    };
    // The lone surname is shared; a titled form goes only where the title is written.
    assert!(lists("Hillary Clinton", "Clinton"), "{d:?}");
    assert!(lists("Bill Clinton", "Clinton"), "{d:?}");
    assert!(lists("George W. Bush", "President Bush"), "{d:?}");
    assert!(!lists("Jeb Bush", "President Bush"), "{d:?}");
    // "Mr. Kelly" is a surname: not Kelly Evans's given name.
    assert!(!lists("Kelly Evans", "Mr. Kelly"), "{d:?}");
    assert!(!lists("Kelly Evans", "Kelly"), "{d:?}");

    let set = d.actor_set();
    let matcher = MentionMatcher::new(&set);
    let named_in = |doc: usize, alias: &str| -> Vec<String> {
        let doc = &corpus.documents[doc];
        let texts = doc.paragraph_texts();
        matcher
            .find_in_document(&texts)
            .into_iter()
            .flatten()
            .filter(|m| m.alias == alias)
            .map(|m| set.actors[m.actor].name.clone())
            .collect()
    };
    assert_eq!(named_in(0, "Clinton"), ["Bill Clinton"]);
    assert_eq!(named_in(1, "Clinton"), ["Hillary Clinton"; 2]);
    assert_eq!(named_in(3, "Kelly"), ["Megyn Kelly"; 2]);
    assert_eq!(named_in(6, "Bush"), ["Jeb Bush"; 3]);
    assert_eq!(named_in(5, "President Bush"), ["George W. Bush"]);
    // Counts follow the articles: Bill is named three times, Hillary six.
    let count = |name: &str| d.actors.iter().find(|(a, _)| a.name == name).map(|x| x.1);
    assert_eq!(count("Bill Clinton"), Some(3), "{d:?}");
    assert_eq!(count("Hillary Clinton"), Some(6), "{d:?}");

    // One vowel apart, "Moeller" is no misspelt "Mueller": each ends another person's name.
    assert!(!lists("Robert Mueller", "Moeller"), "{d:?}");
    assert!(lists("Derek Moeller", "Moeller"), "{d:?}");

    // Kept at three mentions or more, the Bushes and Kellys named once or twice are namesakes:
    // in their own articles the shared alias is theirs, and no one's mention.
    let d = discover(&corpus, &DiscoverOptions::default());
    let set = d.actor_set();
    let namesakes: Vec<&str> = d.namesakes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(namesakes, ["George W. Bush"], "{d:?}");
    assert_eq!(count_in(&corpus, &set, 5, "George W. Bush"), 0);
    assert_eq!(count_in(&corpus, &set, 5, "Jeb Bush"), 0);
    assert_eq!(count_in(&corpus, &set, 6, "Jeb Bush"), 4);
}

/// How many mentions of `name` the set's matcher finds in one document.
fn count_in(corpus: &Corpus, set: &ActorSet, doc: usize, name: &str) -> usize {
    let doc = &corpus.documents[doc];
    let texts = doc.paragraph_texts();
    MentionMatcher::new(set)
        .find_in_document(&texts)
        .iter()
        .flatten()
        .filter(|m| set.actors[m.actor].name == name)
        .count()
}

#[test]
fn an_actor_file_written_from_discovery_finds_the_same_mentions() {
    let corpus = namesakes();
    let d = discover(&corpus, &DiscoverOptions::default());
    assert!(!d.namesakes.is_empty(), "{d:?}");
    let text = to_toml("test", &d.actor_file(), &[]);
    let back = parse_actor_file(Path::new("actors.toml"), &text).expect("reads back");
    let mentions = |set: &ActorSet| -> Vec<(usize, String, usize)> {
        let matcher = MentionMatcher::new(set);
        corpus
            .documents
            .iter()
            .enumerate()
            .flat_map(|(k, doc)| {
                let texts = doc.paragraph_texts();
                let found = matcher.find_in_document(&texts);
                found
                    .into_iter()
                    .flatten()
                    .map(|m| (k, set.actors[m.actor].name.clone(), m.span.start))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(mentions(&back.actor_set()), mentions(&d.actor_set()));
}
