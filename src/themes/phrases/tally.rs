//! The phrase counts of paragraphs per theme ([`PhraseCounts`]): what naming reads, counted
//! once on one machine, or per block of paragraphs elsewhere and added up
//! ([`PhraseCounts::append`]) into the same counts.
//!
//! What adds up: occurrences per theme, paragraph frequencies, spellings, the words beside a
//! phrase, quoted spans, tokens and paragraphs per theme, and the documents that use a phrase
//! (blocks in reading order: a document split between two blocks is counted once). What does
//! not by itself: copied paragraphs are found among the paragraphs counted together, unless
//! they are given ([`Copies::Given`], found over every block).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::clause;
use super::copies::{find_copies, Copies};
use super::ngrams;
use super::spread::{DocCounter, DocRuns, Seam};
use super::PhraseError;

/// Each paragraph's candidates and token count ([`ngrams::extract`]); empty for paragraphs
/// outside every theme.
pub(super) type Extracted = Vec<(Vec<ngrams::Candidate>, usize)>;

/// The phrase counts of a run of paragraphs in reading order, per theme; serialisable, and
/// added to the counts of the run after it with [`PhraseCounts::append`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhraseCounts {
    /// Longest phrase counted, in words.
    pub(super) ngram_max: usize,
    pub(super) n_themes: usize,
    /// Normalised key of each phrase id, in the order first seen.
    pub(super) keys: Vec<String>,
    /// Words in each phrase id.
    pub(super) len: Vec<usize>,
    /// Paragraphs holding each phrase id (what a copy shares with its original left out).
    pub(super) df: Vec<u32>,
    /// Each phrase id's spellings and their occurrences.
    pub(super) spellings: Vec<BTreeMap<String, u32>>,
    /// What is beside each phrase id, left and right.
    pub(super) sides: Vec<[Side; 2]>,
    /// Occurrences of each phrase id with a word beside it, left and right, that could continue
    /// a name ([`super::ngrams::continues_name`]).
    pub(super) name_beside: Vec<[u32; 2]>,
    /// Occurrences of each phrase id followed by a content word that is not a past form (see
    /// `super::dangles`).
    pub(super) word_after: Vec<u32>,
    /// Per theme: occurrences of each phrase id.
    pub(super) counts: Vec<BTreeMap<u32, u32>>,
    /// Per theme: tokens, and paragraphs.
    pub(super) theme_tokens: Vec<usize>,
    pub(super) theme_paragraphs: Vec<usize>,
    /// Per theme: phrase ids that are somewhere a whole quoted span.
    pub(super) quoted: Vec<BTreeSet<u32>>,
    /// Documents holding each phrase, per theme and in all.
    pub(super) spread: DocRuns,
    /// The first and last documents with a counted paragraph (`None`: none counted).
    pub(super) first_doc: Option<String>,
    pub(super) last_doc: Option<String>,
}

impl PhraseCounts {
    /// Paragraphs counted.
    pub fn paragraphs(&self) -> usize {
        self.theme_paragraphs.iter().sum()
    }

    /// Themes counted.
    pub fn themes(&self) -> usize {
        self.n_themes
    }

    /// Adds `next`, the counts of the paragraphs that follow these in reading order. Adding the
    /// counts of consecutive blocks gives the counts of the whole (copies: module doc).
    pub fn append(&mut self, next: PhraseCounts) -> Result<(), PhraseError> {
        if (self.n_themes, self.ngram_max) != (next.n_themes, next.ngram_max) {
            return Err(PhraseError::Option(format!(
                "phrase counts of {} themes and {}-word phrases cannot be added to counts of {} themes and {}-word phrases: count every block with the same themes and options",
                next.n_themes, next.ngram_max, self.n_themes, self.ngram_max
            )));
        }
        if next.first_doc.is_none() {
            return Ok(());
        }
        if self.first_doc.is_none() {
            *self = next;
            return Ok(());
        }
        let seam = Seam {
            joined: self.last_doc == next.first_doc,
            a_single: self.first_doc == self.last_doc,
            b_single: next.first_doc == next.last_doc,
        };
        let mut ids: HashMap<String, u32> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u32))
            .collect();
        let map: Vec<u32> = next
            .keys
            .iter()
            .zip(&next.len)
            .map(|(key, &len)| {
                *ids.entry(key.clone()).or_insert_with(|| {
                    self.keys.push(key.clone());
                    self.len.push(len);
                    self.df.push(0);
                    self.spellings.push(BTreeMap::new());
                    self.sides.push([Side::Unseen, Side::Unseen]);
                    self.name_beside.push([0, 0]);
                    self.word_after.push(0);
                    (self.keys.len() - 1) as u32
                })
            })
            .collect();
        let PhraseCounts {
            df,
            spellings,
            sides,
            name_beside,
            word_after,
            counts,
            theme_tokens,
            theme_paragraphs,
            quoted,
            spread,
            last_doc,
            ..
        } = next;
        let per_id = df.into_iter().zip(spellings).zip(sides).zip(name_beside);
        for (id, (((n, forms), [l, r]), [nl, nr])) in per_id.enumerate() {
            let i = map[id] as usize;
            self.word_after[i] += word_after[id];
            self.name_beside[i][0] += nl;
            self.name_beside[i][1] += nr;
            self.df[i] += n;
            for (form, n) in forms {
                *self.spellings[i].entry(form).or_default() += n;
            }
            let [sl, sr] = &mut self.sides[i];
            sl.join(l);
            sr.join(r);
        }
        for (c, theme) in counts.into_iter().enumerate() {
            for (id, n) in theme {
                *self.counts[c].entry(map[id as usize]).or_default() += n;
            }
        }
        for (c, ids) in quoted.into_iter().enumerate() {
            self.quoted[c].extend(ids.into_iter().map(|id| map[id as usize]));
        }
        add(&mut self.theme_tokens, theme_tokens);
        add(&mut self.theme_paragraphs, theme_paragraphs);
        self.spread
            .in_corpus
            .resize(self.keys.len(), Default::default());
        self.spread.append(spread, &map, seam);
        self.last_doc = last_doc;
        Ok(())
    }
}

fn add(a: &mut [usize], b: Vec<usize>) {
    for (a, b) in a.iter_mut().zip(b) {
        *a += b;
    }
}

/// Candidates of every paragraph in a theme.
pub(super) fn extract_all(
    texts: &[&str],
    assignment: &[Option<usize>],
    opts: &super::PhraseOptions,
) -> Extracted {
    texts
        .iter()
        .zip(assignment)
        .map(|(text, a)| match a {
            Some(_) => ngrams::extract(text, opts.ngram_max, &opts.stop_words),
            None => (Vec::new(), 0),
        })
        .collect()
}

/// Counts the candidates of the paragraphs in a theme. `docs[i]` is paragraph `i`'s
/// document, `doc_name` names a document (the counts record their first and last one).
pub(super) fn count(
    extracted: &Extracted,
    docs: &[usize],
    doc_name: &dyn Fn(usize) -> String,
    assignment: &[Option<usize>],
    n_themes: usize,
    copies: Copies<'_>,
    opts: &super::PhraseOptions,
) -> PhraseCounts {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    let mut len = Vec::new();
    // Pass 1: the phrases of every paragraph, to find copied paragraphs.
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); extracted.len()];
    for (i, ((cands, _), a)) in extracted.iter().zip(assignment).enumerate() {
        if a.is_none() {
            continue;
        }
        let mut set: Vec<u32> = cands
            .iter()
            .map(|cand| {
                *ids.entry(cand.key.clone()).or_insert_with_key(|key| {
                    keys.push(key.clone());
                    len.push(cand.len);
                    (keys.len() - 1) as u32
                })
            })
            .collect();
        set.sort_unstable();
        set.dedup();
        sets[i] = set;
    }
    let originals = originals(copies, &sets, &len, &ids, opts);

    // Pass 2: counts; paragraph frequencies leave out what a copy shares with its original.
    let mut df = vec![0u32; keys.len()];
    let mut spellings: Vec<BTreeMap<String, u32>> = vec![BTreeMap::new(); keys.len()];
    let mut sides: Vec<[Side; 2]> = vec![[Side::Unseen, Side::Unseen]; keys.len()];
    let mut name_beside = vec![[0u32; 2]; keys.len()];
    let mut word_after = vec![0u32; keys.len()];
    let mut counts = vec![BTreeMap::<u32, u32>::new(); n_themes];
    let mut theme_tokens = vec![0usize; n_themes];
    let mut theme_paragraphs = vec![0usize; n_themes];
    let mut quoted = vec![BTreeSet::<u32>::new(); n_themes];
    let mut spread = DocCounter::new(keys.len(), n_themes);
    let (mut first_doc, mut last_doc) = (None, None);
    for (i, ((cands, tokens), a)) in extracted.iter().zip(assignment).enumerate() {
        let Some(c) = *a else { continue };
        first_doc.get_or_insert(docs[i]);
        last_doc = Some(docs[i]);
        spread.see_paragraph(c, docs[i]);
        theme_tokens[c] += tokens;
        theme_paragraphs[c] += 1;
        let original = &originals[i];
        let mut seen: BTreeSet<u32> = BTreeSet::new();
        for cand in cands {
            let id = ids[&cand.key];
            *counts[c].entry(id).or_default() += 1;
            spread.see(id, c, docs[i]);
            *spellings[id as usize]
                .entry(cand.surface.clone())
                .or_default() += 1;
            let [l, r] = &mut sides[id as usize];
            l.see(cand.left.as_deref());
            r.see(cand.right.as_deref());
            // A verb after a phrase is its predicate ("crude oil futures rose"): it is whole.
            let continued = cand.right.as_deref().is_some_and(|w| !clause::is_past(w));
            word_after[id as usize] += u32::from(continued);
            for (n, beside) in name_beside[id as usize].iter_mut().zip(cand.name_beside) {
                *n += u32::from(beside);
            }
            if cand.quoted {
                quoted[c].insert(id);
            }
            // A copy is not independent evidence that the phrase recurs.
            if seen.insert(id) && original.binary_search(&id).is_err() {
                df[id as usize] += 1;
            }
        }
    }
    PhraseCounts {
        ngram_max: opts.ngram_max,
        n_themes,
        keys,
        len,
        df,
        spellings,
        sides,
        name_beside,
        word_after,
        counts,
        theme_tokens,
        theme_paragraphs,
        quoted,
        spread: spread.finish(),
        first_doc: first_doc.map(doc_name),
        last_doc: last_doc.map(doc_name),
    }
}

/// Each phrase's length as copy evidence: 0 for names longer than `ngram_max`.
fn evidence_lengths(len: &[usize], ngram_max: usize) -> Vec<usize> {
    len.iter()
        .map(|&l| if l > ngram_max { 0 } else { l })
        .collect()
}

/// Per paragraph, the phrase ids of the paragraph it copies (sorted; empty: no copy). `sets`
/// holds each paragraph's phrase ids, `ids` the id of each phrase key.
fn originals<'s>(
    copies: Copies<'_>,
    sets: &'s [Vec<u32>],
    len: &[usize],
    ids: &HashMap<String, u32>,
    opts: &super::PhraseOptions,
) -> Vec<Cow<'s, [u32]>> {
    match copies {
        // Names longer than a phrase are no evidence: few paragraphs hold one.
        Copies::Find => find_copies(sets, &evidence_lengths(len, opts.ngram_max))
            .into_iter()
            .map(|q| Cow::Borrowed(q.map_or(&[][..], |q| sets[q].as_slice())))
            .collect(),
        // A phrase the paragraphs here lack cannot be shared with one of them: only ids.
        Copies::Given(texts) => texts
            .iter()
            .map(|text| {
                let Some(text) = text else {
                    return Cow::Borrowed(&[][..]);
                };
                let (cands, _) = ngrams::extract(text, opts.ngram_max, &opts.stop_words);
                let mut set: Vec<u32> = cands
                    .iter()
                    .filter_map(|c| ids.get(&c.key).copied())
                    .collect();
                set.sort_unstable();
                set.dedup();
                Cow::Owned(set)
            })
            .collect(),
    }
}

/// What is next to every occurrence of a phrase, on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Side {
    Unseen,
    /// Always this content word.
    Same(String),
    /// A boundary, a stop word, or different words.
    Open,
}

impl Side {
    fn see(&mut self, neighbour: Option<&str>) {
        *self = match (std::mem::replace(self, Side::Open), neighbour) {
            (Side::Unseen, Some(w)) => Side::Same(w.to_string()),
            (Side::Same(a), Some(b)) if a == b => Side::Same(a),
            _ => Side::Open,
        };
    }

    /// What this side is after the occurrences `other` saw too.
    fn join(&mut self, other: Side) {
        *self = match (std::mem::replace(self, Side::Open), other) {
            (Side::Unseen, s) | (s, Side::Unseen) => s,
            (Side::Same(a), Side::Same(b)) if a == b => Side::Same(a),
            _ => Side::Open,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::phrases::copies::{find_copies_over, CopyEvidence};
    use crate::themes::phrases::PhraseOptions;

    type Row<'a> = (&'a str, usize, Option<usize>);

    /// Counts of texts (each with its document and theme) in reading order.
    fn counts_of(rows: &[Row<'_>]) -> PhraseCounts {
        counted(rows, Copies::Find)
    }

    fn counted(rows: &[Row<'_>], copies: Copies<'_>) -> PhraseCounts {
        let opts = PhraseOptions::default();
        let texts: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let docs: Vec<usize> = rows.iter().map(|r| r.1).collect();
        let assignment: Vec<Option<usize>> = rows.iter().map(|r| r.2).collect();
        let extracted = extract_all(&texts, &assignment, &opts);
        count(
            &extracted,
            &docs,
            &|d| format!("doc{d}"),
            &assignment,
            2,
            copies,
            &opts,
        )
    }

    /// The counts of `rows` cut into blocks at `cuts`, added up; copies found over all blocks
    /// from their evidence when `across`, else within each block.
    fn blocks_added(rows: &[Row<'_>], cuts: &[usize], across: bool) -> PhraseCounts {
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(rows.len());
        let blocks: Vec<&[Row<'_>]> = bounds.windows(2).map(|w| &rows[w[0]..w[1]]).collect();
        let opts = PhraseOptions::default();
        let evidence: Vec<CopyEvidence> = blocks
            .iter()
            .map(|b| {
                let texts: Vec<&str> = b.iter().map(|r| r.0).collect();
                let assignment: Vec<Option<usize>> = b.iter().map(|r| r.2).collect();
                crate::themes::phrases::copy_evidence(&texts, &assignment, &opts).unwrap()
            })
            .collect();
        let originals: Vec<Option<&str>> = find_copies_over(&evidence)
            .into_iter()
            .map(|q| q.map(|q| rows[q].0))
            .collect();
        let mut parts = blocks.iter().zip(bounds.windows(2)).map(|(b, w)| {
            let copies = match across {
                true => Copies::Given(&originals[w[0]..w[1]]),
                false => Copies::Find,
            };
            counted(b, copies)
        });
        let mut sum = parts.next().unwrap();
        for part in parts {
            sum.append(part).unwrap();
        }
        sum
    }

    #[test]
    fn copies_found_over_blocks_count_as_the_whole_counts_them() {
        let story =
            "The gas pipeline deal, the energy security pact, the border treaty and arms talks.";
        let rows = [
            (story, 0, Some(0)),
            (
                "Steel tariffs rose; the trade war hit steel makers.",
                0,
                Some(1),
            ),
            ("An outlier about football.", 1, None),
            (
                "Xi Jinping met the press about the gas pipeline deal.",
                1,
                Some(0),
            ),
            // The same story again, in other documents and themes.
            (story, 2, Some(1)),
            (
                "A trade war over steel tariffs, said Xi Jinping.",
                2,
                Some(1),
            ),
            (story, 3, Some(0)),
        ];
        let whole = by_key(&counts_of(&rows));
        let mut missed = 0;
        for a in 0..=rows.len() {
            for b in a..=rows.len() {
                let sum = blocks_added(&rows, &[a, b], true);
                assert_eq!(by_key(&sum), whole, "cut at {a} and {b}");
                missed += usize::from(by_key(&blocks_added(&rows, &[a, b], false)) != whole);
            }
        }
        // Copies looked for within each block alone miss those of other blocks.
        assert!(missed > 0);
    }

    /// `counts` with phrase ids renumbered in key order, to compare counts made in any order.
    fn by_key(c: &PhraseCounts) -> String {
        let mut order: Vec<usize> = (0..c.keys.len()).collect();
        order.sort_by(|a, b| c.keys[*a].cmp(&c.keys[*b]));
        let mut new = vec![0u32; order.len()];
        for (n, &old) in order.iter().enumerate() {
            new[old] = n as u32;
        }
        let pick = |i: usize| {
            serde_json::json!([
                c.keys[i],
                c.len[i],
                c.df[i],
                c.spellings[i],
                c.sides[i],
                c.spread.in_corpus[i]
            ])
        };
        let themed = |m: &BTreeMap<u32, serde_json::Value>| -> BTreeMap<u32, serde_json::Value> {
            m.iter()
                .map(|(id, v)| (new[*id as usize], v.clone()))
                .collect()
        };
        let counts: Vec<_> = c
            .counts
            .iter()
            .map(|m| themed(&m.iter().map(|(k, v)| (*k, serde_json::json!(v))).collect()))
            .collect();
        let in_theme: Vec<_> = c
            .spread
            .in_theme
            .iter()
            .map(|m| themed(&m.iter().map(|(k, v)| (*k, serde_json::json!(v))).collect()))
            .collect();
        let quoted: Vec<BTreeSet<u32>> = c
            .quoted
            .iter()
            .map(|s| s.iter().map(|id| new[*id as usize]).collect())
            .collect();
        serde_json::json!({
            "phrases": order.iter().map(|&i| pick(i)).collect::<Vec<_>>(),
            "counts": counts, "in_theme": in_theme, "quoted": quoted,
            "tokens": c.theme_tokens, "paragraphs": c.theme_paragraphs,
            "theme_docs": c.spread.theme_docs, "docs": c.spread.corpus_docs,
            "first": c.first_doc, "last": c.last_doc,
        })
        .to_string()
    }

    #[test]
    fn counts_of_blocks_add_up_to_the_counts_of_the_whole() {
        let rows = [
            (
                "The gas pipeline deal was signed in ‘good faith’.",
                0,
                Some(0),
            ),
            ("Gas pipeline talks stalled; Xi Jinping left.", 0, Some(1)),
            ("An outlier about football.", 1, None),
            (
                "Xi Jinping met the press about the gas pipeline.",
                1,
                Some(0),
            ),
            (
                "Steel tariffs rose; the trade war hit steel makers.",
                2,
                Some(1),
            ),
            (
                "A trade war over steel tariffs, said Xi Jinping.",
                2,
                Some(1),
            ),
            ("Trade war talks: steel tariffs doubled.", 3, Some(0)),
        ];
        let whole = counts_of(&rows);
        for cut in 0..=rows.len() {
            for cut2 in cut..=rows.len() {
                let mut sum = counts_of(&rows[..cut]);
                sum.append(counts_of(&rows[cut..cut2])).unwrap();
                sum.append(counts_of(&rows[cut2..])).unwrap();
                assert_eq!(by_key(&sum), by_key(&whole), "cut at {cut} and {cut2}");
            }
        }
        // Through bytes, as blocks elsewhere send them.
        let bytes = serde_json::to_vec(&whole).unwrap();
        let back: PhraseCounts = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, whole);
        let mut other = PhraseCounts {
            n_themes: 3,
            ..whole.clone()
        };
        assert!(other.append(whole).is_err());
    }
}
