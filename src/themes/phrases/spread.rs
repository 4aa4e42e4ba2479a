//! How many documents use each phrase, per theme and over the corpus, counted so that the
//! counts of consecutive runs of paragraphs add up ([`DocRuns::append`]).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// Documents that hold something (a phrase, a theme's paragraph) in a run of paragraphs, and
/// whether it is in the run's first and in its last document: where two runs meet, their
/// shared document is counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct DocRun {
    pub(super) n: u32,
    pub(super) first: bool,
    pub(super) last: bool,
}

/// Where run `a` meets the run `b` after it: `joined` when `a`'s last document is `b`'s first;
/// `a_single`/`b_single` when a run holds one document only.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seam {
    pub(super) joined: bool,
    pub(super) a_single: bool,
    pub(super) b_single: bool,
}

impl DocRun {
    /// `self` followed by `b`.
    fn join(self, b: DocRun, s: Seam) -> DocRun {
        let shared = s.joined && self.last && b.first;
        DocRun {
            n: self.n + b.n - u32::from(shared),
            first: self.first || (s.a_single && s.joined && b.first),
            last: b.last || (s.b_single && s.joined && self.last),
        }
    }
}

/// Documents per phrase (per theme and in all) and per theme, over a run of paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct DocRuns {
    /// Per theme: documents holding each phrase id.
    pub(super) in_theme: Vec<BTreeMap<u32, DocRun>>,
    /// Documents holding each phrase id.
    pub(super) in_corpus: Vec<DocRun>,
    /// Per theme: documents with a paragraph in it.
    pub(super) theme_docs: Vec<DocRun>,
    /// Documents with a counted paragraph.
    pub(super) corpus_docs: DocRun,
}

impl DocRuns {
    /// `other`, the run after this one, added in: `map[id]` is `other`'s phrase `id` here
    /// (`self.in_corpus` already holds a row for each).
    pub(super) fn append(&mut self, other: DocRuns, map: &[u32], seam: Seam) {
        let mut next = vec![DocRun::default(); self.in_corpus.len()];
        for (id, run) in other.in_corpus.into_iter().enumerate() {
            next[map[id] as usize] = run;
        }
        for (a, b) in self.in_corpus.iter_mut().zip(next) {
            *a = a.join(b, seam);
        }
        for (mine, theirs) in self.in_theme.iter_mut().zip(other.in_theme) {
            let mut theirs: BTreeMap<u32, DocRun> = theirs
                .into_iter()
                .map(|(id, r)| (map[id as usize], r))
                .collect();
            for (id, a) in mine.iter_mut() {
                *a = a.join(theirs.remove(id).unwrap_or_default(), seam);
            }
            for (id, b) in theirs {
                mine.insert(id, DocRun::default().join(b, seam));
            }
        }
        for (a, b) in self.theme_docs.iter_mut().zip(other.theme_docs) {
            *a = a.join(b, seam);
        }
        self.corpus_docs = self.corpus_docs.join(other.corpus_docs, seam);
    }
}

/// Counts documents over paragraphs in reading order (a document's paragraphs consecutive):
/// something is counted again when the document it is seen in changes.
pub(super) struct DocCounter {
    runs: DocRuns,
    first_doc: Option<usize>,
    last_in_theme: HashMap<(usize, u32), usize>,
    last_in_corpus: Vec<Option<usize>>,
    last_theme_doc: Vec<Option<usize>>,
    last_doc: Option<usize>,
}

impl DocCounter {
    pub(super) fn new(phrases: usize, themes: usize) -> DocCounter {
        DocCounter {
            runs: DocRuns {
                in_theme: vec![BTreeMap::new(); themes],
                in_corpus: vec![DocRun::default(); phrases],
                theme_docs: vec![DocRun::default(); themes],
                corpus_docs: DocRun::default(),
            },
            first_doc: None,
            last_in_theme: HashMap::new(),
            last_in_corpus: vec![None; phrases],
            last_theme_doc: vec![None; themes],
            last_doc: None,
        }
    }

    pub(super) fn see_paragraph(&mut self, theme: usize, doc: usize) {
        let first = *self.first_doc.get_or_insert(doc) == doc;
        if self.last_doc.replace(doc) != Some(doc) {
            self.runs.corpus_docs.n += 1;
        }
        let run = &mut self.runs.theme_docs[theme];
        if self.last_theme_doc[theme].replace(doc) != Some(doc) {
            run.n += 1;
        }
        run.first |= first;
    }

    pub(super) fn see(&mut self, id: u32, theme: usize, doc: usize) {
        let first = self.first_doc == Some(doc);
        let run = &mut self.runs.in_corpus[id as usize];
        if self.last_in_corpus[id as usize].replace(doc) != Some(doc) {
            run.n += 1;
        }
        run.first |= first;
        let run = self.runs.in_theme[theme].entry(id).or_default();
        if self.last_in_theme.insert((theme, id), doc) != Some(doc) {
            run.n += 1;
        }
        run.first |= first;
    }

    /// The counts, each marked with whether it was seen in the last document.
    pub(super) fn finish(self) -> DocRuns {
        let DocCounter {
            mut runs,
            last_doc,
            last_in_theme,
            last_in_corpus,
            last_theme_doc,
            ..
        } = self;
        let Some(last) = last_doc else {
            return runs;
        };
        for (run, seen) in runs.in_corpus.iter_mut().zip(&last_in_corpus) {
            run.last = *seen == Some(last);
        }
        for ((theme, id), doc) in last_in_theme {
            if let Some(run) = runs.in_theme[theme].get_mut(&id) {
                run.last = doc == last;
            }
        }
        for (run, seen) in runs.theme_docs.iter_mut().zip(&last_theme_doc) {
            run.last = *seen == Some(last);
        }
        runs.corpus_docs.first = true;
        runs.corpus_docs.last = true;
        runs
    }
}

/// The document counts [`super::naming`] reads, over all the paragraphs counted.
pub(super) struct DocSpread {
    /// Per theme: documents holding each phrase id.
    pub(super) in_theme: Vec<BTreeMap<u32, u32>>,
    /// Documents holding each phrase id.
    pub(super) in_corpus: Vec<u32>,
    /// Per theme: documents with a paragraph in it.
    pub(super) theme_docs: Vec<u32>,
    /// Documents with a counted paragraph.
    pub(super) corpus_docs: u32,
}

impl DocSpread {
    pub(super) fn of(runs: &DocRuns) -> DocSpread {
        DocSpread {
            in_theme: runs
                .in_theme
                .iter()
                .map(|m| m.iter().map(|(&id, r)| (id, r.n)).collect())
                .collect(),
            in_corpus: runs.in_corpus.iter().map(|r| r.n).collect(),
            theme_docs: runs.theme_docs.iter().map(|r| r.n).collect(),
            corpus_docs: runs.corpus_docs.n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paragraphs as (document, theme, holds phrase 0), in reading order.
    fn runs(paragraphs: &[(usize, usize, bool)]) -> DocRuns {
        let mut c = DocCounter::new(1, 2);
        for &(d, t, has) in paragraphs {
            c.see_paragraph(t, d);
            if has {
                c.see(0, t, d);
            }
        }
        c.finish()
    }

    #[test]
    fn runs_split_anywhere_add_up_to_the_whole() {
        let docs: Vec<(usize, usize, bool)> = [0, 0, 1, 2, 2, 2, 3, 4, 4, 4]
            .iter()
            .enumerate()
            .map(|(i, &d)| (d, i % 2, i % 3 != 1))
            .collect();
        let whole = runs(&docs);
        assert_eq!(whole.corpus_docs.n, 5);
        assert_eq!(whole.in_corpus[0].n, 5);
        assert_eq!(
            whole.theme_docs.iter().map(|r| r.n).collect::<Vec<_>>(),
            [5, 3]
        );
        for cut in 0..=docs.len() {
            for cut2 in cut..=docs.len() {
                let parts = [&docs[..cut], &docs[cut..cut2], &docs[cut2..]];
                let mut merged: Option<(DocRuns, usize, usize)> = None;
                for part in parts.into_iter().filter(|p| !p.is_empty()) {
                    let r = runs(part);
                    let (first, last) = (part[0].0, part[part.len() - 1].0);
                    merged = Some(match merged {
                        None => (r, first, last),
                        Some((mut a, a_first, a_last)) => {
                            let seam = Seam {
                                joined: a_last == first,
                                a_single: a_first == a_last,
                                b_single: first == last,
                            };
                            a.append(r, &[0], seam);
                            (a, a_first, last)
                        }
                    });
                }
                assert_eq!(merged.unwrap().0, whole, "cut at {cut} and {cut2}");
            }
        }
    }
}
