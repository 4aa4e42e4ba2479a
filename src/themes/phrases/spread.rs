//! How many documents use each phrase, per theme and over the corpus.

use std::collections::{BTreeMap, HashMap};

/// Documents that hold each phrase, per theme and over the corpus (outliers aside). Paragraphs
/// come in reading order, so a document's paragraphs are consecutive: a phrase is counted again
/// when the document it is seen in changes.
pub(super) struct DocSpread {
    /// Per theme: documents holding each phrase id.
    pub(super) in_theme: Vec<BTreeMap<u32, u32>>,
    /// Documents holding each phrase id.
    pub(super) in_corpus: Vec<u32>,
    /// Per theme: documents with a paragraph in it.
    pub(super) theme_docs: Vec<u32>,
    /// Documents with a counted paragraph.
    pub(super) corpus_docs: u32,
    last_in_theme: HashMap<(usize, u32), usize>,
    last_in_corpus: Vec<Option<usize>>,
    last_theme_doc: Vec<Option<usize>>,
    last_doc: Option<usize>,
}

impl DocSpread {
    pub(super) fn new(phrases: usize, themes: usize) -> DocSpread {
        DocSpread {
            in_theme: vec![BTreeMap::new(); themes],
            in_corpus: vec![0; phrases],
            theme_docs: vec![0; themes],
            corpus_docs: 0,
            last_in_theme: HashMap::new(),
            last_in_corpus: vec![None; phrases],
            last_theme_doc: vec![None; themes],
            last_doc: None,
        }
    }

    pub(super) fn see_paragraph(&mut self, theme: usize, doc: usize) {
        if self.last_doc.replace(doc) != Some(doc) {
            self.corpus_docs += 1;
        }
        if self.last_theme_doc[theme].replace(doc) != Some(doc) {
            self.theme_docs[theme] += 1;
        }
    }

    pub(super) fn see(&mut self, id: u32, theme: usize, doc: usize) {
        if self.last_in_corpus[id as usize].replace(doc) != Some(doc) {
            self.in_corpus[id as usize] += 1;
        }
        if self.last_in_theme.insert((theme, id), doc) != Some(doc) {
            *self.in_theme[theme].entry(id).or_default() += 1;
        }
    }
}
