//! The corpus reader on real data from the shared folder (`$THEMESCOPE_SHARED`, by default
//! `../shared` beside the crate): the seed articles and the reference JSON Lines file. Every test
//! here needs that folder, so all are ignored unless run with `-- --include-ignored` (`.ci/run`).

use std::path::PathBuf;

use themescope::corpus::{Corpus, Document, ReadOptions, Unit};

fn shared() -> PathBuf {
    let dir = std::env::var_os("THEMESCOPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        dir.is_dir(),
        "shared data folder {} not found; set THEMESCOPE_SHARED",
        dir.display()
    );
    dir
}

fn seeds() -> PathBuf {
    shared().join("seeds")
}

fn read_seeds(opts: &ReadOptions) -> Corpus {
    Corpus::read(&[seeds()], opts).unwrap()
}

fn doc<'a>(corpus: &'a Corpus, prefix: &str) -> &'a Document {
    corpus
        .documents
        .iter()
        .find(|d| d.id.starts_with(prefix))
        .unwrap_or_else(|| panic!("no document {prefix}*"))
}

fn paragraphs(doc: &Document) -> Vec<&str> {
    doc.paragraphs
        .iter()
        .map(|p| doc.paragraph_text(p))
        .collect()
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn seed_folder_gives_five_documents_in_sorted_order() {
    let corpus = read_seeds(&ReadOptions::default());
    let mut names: Vec<String> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, names);
    for d in &corpus.documents {
        assert_eq!(PathBuf::from(&d.source), seeds().join(&d.id));
        assert!(
            (15..=60).contains(&d.paragraphs.len()),
            "{}: {} paragraphs",
            d.id,
            d.paragraphs.len()
        );
    }
    assert_eq!(
        corpus.paragraph_count(),
        corpus.units(Unit::Paragraph).len()
    );
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn seed_without_blank_lines_splits_on_line_breaks() {
    let raw = std::fs::read_to_string(seeds().join("001_6deca10addbd3850.txt")).unwrap();
    let lines: Vec<&str> = raw.lines().collect();
    assert!(
        lines.iter().all(|l| !l.trim().is_empty()),
        "the seed was expected to have no blank lines"
    );
    let corpus = read_seeds(&ReadOptions::default());
    let d = doc(&corpus, "001_");
    assert_eq!(
        paragraphs(d),
        lines.iter().map(|l| l.trim()).collect::<Vec<_>>()
    );
    assert!(d.paragraphs.iter().all(|p| !p.sentences.is_empty()));
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn seed_with_blank_lines_keeps_line_broken_lists_together() {
    let corpus = read_seeds(&ReadOptions::default());
    let d = doc(&corpus, "002_");
    assert!(
        (40..=60).contains(&d.paragraphs.len()),
        "{}",
        d.paragraphs.len()
    );
    let bullets = paragraphs(d)
        .into_iter()
        .find(|p| p.starts_with("• The Putin China visit reflects"))
        .expect("bullet list paragraph");
    assert_eq!(bullets.lines().count(), 4, "{bullets}");
    assert_eq!(paragraphs(d)[0], "Putin and Xi Tighten Their Trump-Era Bet");
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn seed_paragraphs_and_sentences_are_well_formed() {
    let corpus = read_seeds(&ReadOptions::default());
    for d in &corpus.documents {
        for (i, p) in d.paragraphs.iter().enumerate() {
            let text = d.paragraph_text(p);
            assert_eq!(p.index, i);
            assert!(!text.is_empty());
            assert_eq!(text, text.trim(), "{}: untrimmed paragraph", d.id);
            assert!(
                text.lines().all(|l| !l.trim().is_empty()),
                "{}: paragraph {i} holds a blank line",
                d.id
            );
            let mut end = p.span.start;
            for s in &p.sentences {
                assert!(
                    s.start >= end && s.end <= p.span.end,
                    "{}: sentence outside paragraph",
                    d.id
                );
                end = s.end;
                // "U.S. President ..." must not be cut after "U.S.".
                assert!(
                    !d.text[s.clone()].ends_with("U.S."),
                    "{}: {:?}",
                    d.id,
                    &d.text[s.clone()]
                );
            }
        }
    }
    let sentences = corpus.units(Unit::Sentence);
    assert!(sentences.len() > corpus.paragraph_count() + 100);
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn seed_boilerplate_is_dropped_only_when_asked() {
    let on = read_seeds(&ReadOptions::default());
    let off = read_seeds(&ReadOptions {
        strip_boilerplate: false,
        ..ReadOptions::default()
    });

    let credit = "Pool photo by Evgenia Novozhenina/AFP via Getty Images";
    assert!(!paragraphs(doc(&on, "000_")).contains(&credit));
    assert!(paragraphs(doc(&off, "000_")).contains(&credit));

    let ft = doc(&on, "003_");
    let last = paragraphs(ft).last().copied().unwrap();
    assert!(last.starts_with("“The Chinese are certain"), "{last}");
    for gone in ["All rights reserved", "Follow the topics", "© Reuters"] {
        assert!(!ft.text.contains(gone), "{gone}");
        assert!(doc(&off, "003_").text.contains(gone), "{gone}");
    }
    assert!(paragraphs(ft).iter().all(|p| *p != "---"));
    // Prose around the removed lines is intact.
    assert!(ft.text.contains("said Sergey Radchenko"));
    // 000 loses the credit line; 003 three "---" rules, two captions with a © credit, the
    // copyright line and the follow footer with its five topics; the others lose nothing.
    let dropped: Vec<usize> = off
        .documents
        .iter()
        .zip(&on.documents)
        .map(|(off, on)| off.paragraphs.len() - on.paragraphs.len())
        .collect();
    assert_eq!(dropped, [1, 0, 0, 12, 0]);
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn reference_jsonl_document_units_are_the_raw_text_fields() {
    let path = shared().join("data/reference/minilm-paragraphs.jsonl");
    let raw = std::fs::read_to_string(&path).unwrap();
    let records: Vec<serde_json::Value> = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 162);

    for opts in [
        ReadOptions::default(),
        ReadOptions {
            strip_boilerplate: false,
            ..ReadOptions::default()
        },
    ] {
        let corpus = Corpus::read(std::slice::from_ref(&path), &opts).unwrap();
        let units = corpus.units(Unit::Document);
        assert_eq!(corpus.documents.len(), 162);
        assert_eq!(units.len(), 162);
        for (record, unit) in records.iter().zip(&units) {
            assert_eq!(unit.doc_id, record["id"].as_str().unwrap());
            assert_eq!(
                unit.text.as_bytes(),
                record["text"].as_str().unwrap().as_bytes()
            );
            assert_eq!(unit.span, 0..unit.text.len());
        }
        assert!(units.iter().any(|u| u.text.contains('📈')));
        assert!(units
            .iter()
            .any(|u| u.text == "中俄关系在复杂国际形势下更加稳健成熟"));
        assert!(units.iter().any(|u| u.text.len() > 5000));
    }

    // A credit line record keeps its document text but has no paragraph left to embed.
    let corpus = Corpus::read(&[path], &ReadOptions::default()).unwrap();
    let credit = doc(&corpus, "000-010");
    assert!(credit.text.starts_with("Pool photo by"));
    assert!(credit.paragraphs.is_empty());
}
