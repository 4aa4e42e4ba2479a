//! Each actor's mean attitude per key (a time bin, a group, or a group and bin), with a seeded
//! bootstrap interval that resamples the paragraphs holding its mentions there, not the mentions
//! ([`bootstrap`]). Cells with fewer mentions than the minimum carry their counts only.

use std::collections::HashMap;

use crate::sentiment::bootstrap;
use crate::sentiment::rng::SplitMix64;
use crate::sentiment::score::ScoredMention;

use super::{round4, AttitudeCell};

/// What the attitude cells need.
pub struct CellOptions {
    /// Fewer mentions: the cell is marked as too few, with no mean.
    pub min_mentions: usize,
    /// Bootstrap resamples for the 95% interval.
    pub bootstrap: usize,
}

/// A mention's score and the paragraph (its row in the corpus) it sits in.
pub type Scored = (f64, usize);

/// One cell from its mentions; the interval needs mentions in at least two paragraphs.
pub fn cell(scores: &[Scored], opts: &CellOptions, rng: &mut SplitMix64) -> AttitudeCell {
    let n = scores.len();
    let sums = bootstrap::paragraph_sums(scores);
    if n < opts.min_mentions.max(1) {
        return AttitudeCell {
            mentions: n,
            paragraphs: sums.len(),
            too_few: true,
            mean: None,
            ci95: None,
        };
    }
    let mean = scores.iter().map(|s| s.0).sum::<f64>() / n as f64;
    let ci95 =
        bootstrap::interval(&sums, opts.bootstrap, rng).map(|[lo, hi]| [round4(lo), round4(hi)]);
    AttitudeCell {
        mentions: n,
        paragraphs: sums.len(),
        too_few: false,
        mean: Some(round4(mean)),
        ci95,
    }
}

/// Each actor's cells over `keys` slots (`actors` by name, in that order); `key_of(mention)`
/// gives a mention's slot (a bin, a group, or a group and bin laid out as one index). The one
/// place attitude cells are made, for every table that has them.
pub fn cells(
    actors: &[String],
    mentions: &[ScoredMention],
    key_of: impl Fn(&ScoredMention) -> Option<usize>,
    keys: usize,
    opts: &CellOptions,
    seed: u64,
) -> Vec<Vec<AttitudeCell>> {
    let index: HashMap<&str, usize> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    let mut scores = vec![vec![Vec::new(); keys]; actors.len()];
    for m in mentions {
        let Some(&a) = index.get(m.mention.actor_name.as_str()) else {
            continue;
        };
        if let Some(k) = key_of(m).filter(|&k| k < keys) {
            scores[a][k].push((f64::from(m.prediction.score), m.mention.row));
        }
    }
    let mut rng = SplitMix64::new(seed);
    scores
        .iter()
        .map(|per_key| per_key.iter().map(|s| cell(s, opts, &mut rng)).collect())
        .collect()
}

/// Which side of zero a cell's interval lies on: -1 all below, 1 all above, 0 neither (or no
/// interval).
fn side(c: &AttitudeCell) -> i8 {
    match c.ci95 {
        Some([_, hi]) if hi < 0.0 => -1,
        Some([lo, _]) if lo > 0.0 => 1,
        _ => 0,
    }
}

/// The first slot whose interval lies on the other side of zero from the last earlier slot's
/// interval that excluded zero: where the attitude turned, with both sides beyond chance.
pub fn turn(cells: &[AttitudeCell]) -> Option<usize> {
    let mut last = 0i8;
    for (i, c) in cells.iter().enumerate() {
        let s = side(c);
        if s != 0 && last != 0 && s != last {
            return Some(i);
        }
        if s != 0 {
            last = s;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions, each in its own paragraph.
    fn scored(scores: &[f64]) -> Vec<Scored> {
        scores.iter().copied().zip(0..).collect()
    }

    fn opts(min_mentions: usize) -> CellOptions {
        CellOptions {
            min_mentions,
            bootstrap: 400,
        }
    }

    #[test]
    fn too_few_mentions_give_no_number() {
        let mut rng = SplitMix64::new(1);
        let c = cell(&scored(&[0.9, 0.8]), &opts(3), &mut rng);
        assert!(c.too_few && c.mean.is_none() && c.ci95.is_none());
        assert_eq!((c.mentions, c.paragraphs), (2, 2));
        let c = cell(&scored(&[0.9, 0.8, 0.7, 0.6]), &opts(3), &mut rng);
        assert_eq!(c.mean, Some(0.75));
        let [lo, hi] = c.ci95.unwrap();
        assert!(
            (0.6..=0.75).contains(&lo) && (0.75..=0.9).contains(&hi),
            "{lo} {hi}"
        );
    }

    #[test]
    fn a_cell_counts_paragraphs_and_needs_two_for_an_interval() {
        let mut rng = SplitMix64::new(7);
        let one_paragraph: Vec<Scored> = [0.8, 0.9, 0.7].iter().map(|&s| (s, 5)).collect();
        let c = cell(&one_paragraph, &opts(3), &mut rng);
        assert_eq!((c.mentions, c.paragraphs, c.mean), (3, 1, Some(0.8)));
        assert!(!c.too_few && c.ci95.is_none(), "{c:?}");
    }

    #[test]
    fn the_turn_is_where_the_interval_crosses_to_the_other_side() {
        let c = |lo: f32, hi: f32| AttitudeCell {
            mentions: 5,
            paragraphs: 5,
            too_few: false,
            mean: Some((lo + hi) / 2.0),
            ci95: Some([lo, hi]),
        };
        let few = AttitudeCell {
            mentions: 1,
            paragraphs: 1,
            too_few: true,
            mean: None,
            ci95: None,
        };
        let cells = [
            c(0.2, 0.6),
            few.clone(),
            c(-0.1, 0.3),
            c(-0.7, -0.2),
            c(-0.8, -0.4),
        ];
        assert_eq!(turn(&cells), Some(3));
        assert_eq!(turn(&[c(0.2, 0.6), c(-0.1, 0.3), few]), None);
    }
}
