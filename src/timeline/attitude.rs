//! Each actor's mean attitude per key (a time bin, a group, or a group and bin), with a seeded
//! bootstrap interval that resamples the paragraphs holding its mentions there, not the mentions:
//! mentions in one paragraph share their context and their scores move together, so resampling
//! them one by one would give intervals narrower than the data support. Cells with fewer mentions
//! than the minimum carry their counts only.

use std::collections::HashMap;

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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub paragraph: usize,
}

/// Per paragraph: the sum of its mentions' scores and their number, in paragraph order.
fn clusters(scores: &[Scored]) -> Vec<(f64, usize)> {
    let mut sorted: Vec<Scored> = scores.to_vec();
    sorted.sort_by_key(|s| s.paragraph);
    let mut out: Vec<(usize, f64, usize)> = Vec::new();
    for s in sorted {
        match out.last_mut() {
            Some((p, sum, n)) if *p == s.paragraph => {
                *sum += s.score;
                *n += 1;
            }
            _ => out.push((s.paragraph, s.score, 1)),
        }
    }
    out.into_iter().map(|(_, sum, n)| (sum, n)).collect()
}

/// The 95% interval of the mention mean over `b` resamples of whole paragraphs (each resample
/// draws as many paragraphs as there are, with replacement, and pools their mentions).
fn cluster_interval(clusters: &[(f64, usize)], b: usize, rng: &mut SplitMix64) -> [f32; 2] {
    let k = clusters.len();
    let mut means: Vec<f64> = (0..b)
        .map(|_| {
            let (mut sum, mut n) = (0.0, 0usize);
            for _ in 0..k {
                let (s, c) = clusters[rng.below(k)];
                sum += s;
                n += c;
            }
            sum / n as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * (b - 1) as f64).round() as usize).min(b - 1)];
    [round4(at(0.025)), round4(at(0.975))]
}

/// One cell from its mentions; the interval needs mentions in at least two paragraphs.
pub fn cell(scores: &[Scored], opts: &CellOptions, rng: &mut SplitMix64) -> AttitudeCell {
    let n = scores.len();
    let clusters = clusters(scores);
    if n < opts.min_mentions.max(1) {
        return AttitudeCell {
            mentions: n,
            paragraphs: clusters.len(),
            too_few: true,
            mean: None,
            ci95: None,
        };
    }
    let mean = scores.iter().map(|s| s.score).sum::<f64>() / n as f64;
    let ci95 = (opts.bootstrap > 0 && clusters.len() > 1)
        .then(|| cluster_interval(&clusters, opts.bootstrap, rng));
    AttitudeCell {
        mentions: n,
        paragraphs: clusters.len(),
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
            scores[a][k].push(Scored {
                score: f64::from(m.prediction.score),
                paragraph: m.mention.row,
            });
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

    /// Mentions, one paragraph per mention unless `paragraphs` says otherwise.
    fn scored(scores: &[f64], paragraphs: &[usize]) -> Vec<Scored> {
        scores
            .iter()
            .enumerate()
            .map(|(i, &score)| Scored {
                score,
                paragraph: paragraphs.get(i).copied().unwrap_or(i),
            })
            .collect()
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
        let c = cell(&scored(&[0.9, 0.8], &[]), &opts(3), &mut rng);
        assert!(c.too_few && c.mean.is_none() && c.ci95.is_none());
        assert_eq!((c.mentions, c.paragraphs), (2, 2));
        let c = cell(&scored(&[0.9, 0.8, 0.7, 0.6], &[]), &opts(3), &mut rng);
        assert_eq!(c.mean, Some(0.75));
        let [lo, hi] = c.ci95.unwrap();
        assert!(
            (0.6..=0.75).contains(&lo) && (0.75..=0.9).contains(&hi),
            "{lo} {hi}"
        );
    }

    #[test]
    fn the_bootstrap_resamples_paragraphs_not_mentions() {
        // Six mentions in two paragraphs: one paragraph of praise, one of blame.
        let scores = [0.8, 0.9, 0.7, -0.6, -0.8, -0.7];
        let two = scored(&scores, &[4, 4, 4, 9, 9, 9]);
        let six = scored(&scores, &[]);
        let mut rng = SplitMix64::new(7);
        let clustered = cell(&two, &opts(3), &mut rng);
        let independent = cell(&six, &opts(3), &mut rng);
        assert_eq!(clustered.mean, independent.mean);
        assert_eq!((clustered.mentions, clustered.paragraphs), (6, 2));
        let width = |c: &AttitudeCell| c.ci95.map(|[lo, hi]| hi - lo).unwrap();
        // Two paragraphs: a resample is all praise, all blame or both, so the interval spans
        // nearly the two paragraphs' means; six independent mentions would give a narrower one.
        let [lo, hi] = clustered.ci95.unwrap();
        assert!(lo <= -0.69 && hi >= 0.79, "{lo} {hi}");
        assert!(width(&clustered) > width(&independent) * 1.3);
        // All mentions in one paragraph: no interval at all.
        let one = cell(&scored(&scores, &[3; 6]), &opts(3), &mut rng);
        assert!(one.mean.is_some() && one.ci95.is_none(), "{one:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_intervals() {
        let s = scored(
            &[0.1, 0.5, -0.2, 0.9, 0.3, -0.4, 0.6],
            &[0, 0, 1, 2, 2, 3, 4],
        );
        let a = cell(&s, &opts(3), &mut SplitMix64::new(11));
        let b = cell(&s, &opts(3), &mut SplitMix64::new(11));
        let c = cell(&s, &opts(3), &mut SplitMix64::new(12));
        assert_eq!(a, b);
        assert_ne!(a.ci95, c.ci95);
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
