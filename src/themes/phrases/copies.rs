//! Copied paragraphs (the same article twice, a translation, a syndicated version): what they
//! share with their original is not independent evidence that a phrase recurs.
//!
//! One machine finds them among all the paragraphs it counts ([`find_copies`]). Elsewhere each
//! block of paragraphs gives its [`CopyEvidence`], the evidence of all blocks in reading order
//! finds the copies over the whole corpus ([`find_copies_over`]), and each block is counted
//! with the text of the paragraph each of its copies copies ([`Copies::Given`]): the same
//! counts as one machine's, wherever the blocks are cut.

use std::collections::{BTreeMap, HashMap};

use super::ngrams::Candidate;

/// Where the counting learns which paragraphs are copies.
pub enum Copies<'a> {
    /// Found among the paragraphs counted together.
    Find,
    /// Given: per paragraph, the text of the earlier paragraph it copies (found over every
    /// block with [`find_copies_over`]), or `None`.
    Given(&'a [Option<&'a str>]),
}

/// The longest phrases of a block's paragraphs, hashed: what [`find_copies_over`] needs of
/// the block to find copies across blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyEvidence {
    /// Words in the block's longest phrase (0: none).
    pub longest: usize,
    /// Per paragraph: the hashes of its phrases of `longest` words, sorted and deduplicated.
    pub sets: Vec<Vec<u64>>,
}

impl CopyEvidence {
    /// The evidence of paragraphs' candidates (empty for paragraphs outside every theme); names
    /// longer than `ngram_max` are no evidence (few paragraphs hold one).
    pub(super) fn of<'a>(
        paragraphs: impl Iterator<Item = &'a [Candidate]> + Clone,
        ngram_max: usize,
    ) -> Self {
        let longest = paragraphs
            .clone()
            .flatten()
            .map(|c| c.len)
            .filter(|&len| len <= ngram_max)
            .max()
            .unwrap_or(0);
        let sets = paragraphs
            .map(|cands| {
                let mut set: Vec<u64> = cands
                    .iter()
                    .filter(|c| c.len == longest)
                    .map(|c| fnv1a(&c.key))
                    .collect();
                set.sort_unstable();
                set.dedup();
                set
            })
            .collect();
        CopyEvidence { longest, sets }
    }
}

/// A hash that is the same in every process and build (blocks are hashed on other machines).
fn fnv1a(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// For each paragraph of the blocks (in reading order, numbered across them), the earlier
/// paragraph it copies: what [`find_copies`] finds among all of them at once.
pub fn find_copies_over(blocks: &[CopyEvidence]) -> Vec<Option<usize>> {
    // Only phrases of the corpus's longest length are evidence: a block whose longest is
    // shorter has none.
    let longest = blocks.iter().map(|b| b.longest).max().unwrap_or(0);
    let mut ids: HashMap<u64, u32> = HashMap::new();
    let sets: Vec<Vec<u32>> = blocks
        .iter()
        .flat_map(|b| b.sets.iter().map(move |set| (b.longest == longest, set)))
        .map(|(evidence, set)| {
            if !evidence {
                return Vec::new();
            }
            let mut set: Vec<u32> = set
                .iter()
                .map(|h| {
                    let next = ids.len() as u32;
                    *ids.entry(*h).or_insert(next)
                })
                .collect();
            set.sort_unstable();
            set
        })
        .collect();
    find_copies(&sets, &vec![longest; ids.len()])
}

/// A phrase of the longest length in at most this many paragraphs is rare: sharing several
/// rare phrases is what copied paragraphs do.
const RARE_DF: usize = 5;
/// A paragraph is a copy of an earlier one when they share at least this many rare phrases...
const COPY_MIN_SHARED: usize = 3;
/// ...and at least this share of the rare phrases of the one that has fewer.
const COPY_MIN_SHARE: f32 = 0.3;

/// For each paragraph, the earlier paragraph it copies, if any: the same article twice, a
/// translation, a syndicated version. `sets[i]` holds paragraph `i`'s phrase ids (sorted);
/// `len[id]` is a phrase's number of words. What a copy shares with its original does not add
/// to a phrase's paragraph frequency: a sentence that only recurs because its article does
/// is not a recurring phrase (`min_df`).
pub(super) fn find_copies(sets: &[Vec<u32>], len: &[usize]) -> Vec<Option<usize>> {
    // Only the longest phrases: one shared trigram would otherwise count three times (with its
    // two bigrams).
    let longest = sets
        .iter()
        .flatten()
        .map(|&id| len[id as usize])
        .max()
        .unwrap_or(0);
    let evidence = |id: u32| longest >= 2 && len[id as usize] == longest;
    let mut df: HashMap<u32, usize> = HashMap::new();
    for set in sets {
        for &id in set.iter().filter(|&&id| evidence(id)) {
            *df.entry(id).or_default() += 1;
        }
    }
    let rare = |set: &Vec<u32>| -> Vec<u32> {
        set.iter()
            .copied()
            .filter(|&id| evidence(id) && df[&id] <= RARE_DF)
            .collect()
    };
    let rare_sets: Vec<Vec<u32>> = sets.iter().map(rare).collect();
    let mut index: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut out = vec![None; sets.len()];
    for (p, ids) in rare_sets.iter().enumerate() {
        let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
        for id in ids {
            for &q in index.get(id).map_or(&[][..], Vec::as_slice) {
                *shared.entry(q).or_default() += 1;
            }
        }
        // The earlier paragraph sharing the most; ties to the earliest.
        let best = shared
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((q, n)) = best {
            let smaller = ids.len().min(rare_sets[q].len());
            if n >= COPY_MIN_SHARED && n as f32 >= COPY_MIN_SHARE * smaller as f32 {
                out[p] = Some(out[q].unwrap_or(q));
            }
        }
        for &id in ids {
            index.entry(id).or_default().push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_longer_than_a_phrase_is_no_evidence() {
        use crate::themes::phrases::{ngrams, StopWords};
        let stop = StopWords::English;
        let with_name = ngrams::candidates(
            "The Securities and Exchange Commission fined the bank.",
            3,
            &stop,
        );
        assert!(with_name.iter().any(|c| c.len == 4));
        let plain = ngrams::candidates(
            "Regulators fined a small regional lender heavily for misleading savers.",
            3,
            &stop,
        );
        let e = CopyEvidence::of([with_name.as_slice(), plain.as_slice()].into_iter(), 3);
        // Evidence stays the three-word phrases every paragraph has, not the one name.
        assert_eq!(e.longest, 3);
        assert!(!e.sets[1].is_empty());
    }

    #[test]
    fn copies_are_found() {
        // Paragraph 1 shares 3 of its 4 rare trigrams with paragraph 0; 2 shares one; 3 copies
        // 1 and so, transitively, 0.
        let sets = vec![
            vec![0, 1, 2, 3, 4],
            vec![0, 1, 2, 5],
            vec![0, 6, 7, 8],
            vec![0, 1, 2, 5, 9],
        ];
        let len = vec![3; 10];
        assert_eq!(find_copies(&sets, &len), [None, Some(0), None, Some(0)]);
        // Only the longest phrases count: here 0, 1 and 2 are bigrams.
        let mut len = vec![3; 10];
        len[0] = 2;
        len[1] = 2;
        len[2] = 2;
        assert_eq!(find_copies(&sets, &len), [None; 4]);
        // Single words never make a copy.
        let len = vec![1; 10];
        assert_eq!(find_copies(&sets, &len), [None; 4]);
    }
}
