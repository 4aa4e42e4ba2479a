//! Each actor's mean attitude per time bin or group, with a seeded bootstrap interval over its
//! mentions there; cells with fewer mentions than the minimum carry their count only.

use crate::sentiment::rng::SplitMix64;
use crate::sentiment::score::ScoredMention;

use super::{round4, ActorSeries, AttitudeCell};

/// What the attitude cells need.
pub struct CellOptions {
    /// Fewer mentions: the cell is marked as too few, with no mean.
    pub min_mentions: usize,
    /// Bootstrap resamples for the 95% interval.
    pub bootstrap: usize,
}

/// One cell from the scores of its mentions.
pub fn cell(scores: &[f64], opts: &CellOptions, rng: &mut SplitMix64) -> AttitudeCell {
    let n = scores.len();
    if n < opts.min_mentions.max(1) {
        return AttitudeCell {
            mentions: n,
            too_few: true,
            mean: None,
            ci95: None,
        };
    }
    let mean = scores.iter().sum::<f64>() / n as f64;
    let ci95 = (opts.bootstrap > 0 && n > 1).then(|| {
        let b = opts.bootstrap;
        let mut means: Vec<f64> = (0..b)
            .map(|_| (0..n).map(|_| scores[rng.below(n)]).sum::<f64>() / n as f64)
            .collect();
        means.sort_by(f64::total_cmp);
        let at = |q: f64| means[((q * (b - 1) as f64).round() as usize).min(b - 1)];
        [round4(at(0.025)), round4(at(0.975))]
    });
    AttitudeCell {
        mentions: n,
        too_few: false,
        mean: Some(round4(mean)),
        ci95,
    }
}

/// Each actor's cells over the slots (`actors` by name); `slot_of(mention)` gives a mention's
/// bin or group.
pub fn series(
    actors: &[String],
    mentions: &[ScoredMention],
    slot_of: impl Fn(&ScoredMention) -> Option<usize>,
    slots: &[String],
    opts: &CellOptions,
    seed: u64,
) -> Vec<ActorSeries> {
    let mut rng = SplitMix64::new(seed);
    actors
        .iter()
        .map(|name| {
            let mut scores = vec![Vec::new(); slots.len()];
            for m in mentions.iter().filter(|m| m.mention.actor_name == *name) {
                if let Some(s) = slot_of(m) {
                    scores[s].push(f64::from(m.prediction.score));
                }
            }
            let cells: Vec<AttitudeCell> = scores.iter().map(|s| cell(s, opts, &mut rng)).collect();
            ActorSeries {
                actor: name.clone(),
                turn: turn(&cells).map(|s| slots[s].clone()),
                cells,
            }
        })
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

    #[test]
    fn too_few_mentions_give_no_number() {
        let opts = CellOptions {
            min_mentions: 3,
            bootstrap: 200,
        };
        let mut rng = SplitMix64::new(1);
        let c = cell(&[0.9, 0.8], &opts, &mut rng);
        assert!(c.too_few && c.mean.is_none() && c.ci95.is_none());
        assert_eq!(c.mentions, 2);
        let c = cell(&[0.9, 0.8, 0.7, 0.6], &opts, &mut rng);
        assert_eq!(c.mean, Some(0.75));
        let [lo, hi] = c.ci95.unwrap();
        assert!(
            (0.6..=0.75).contains(&lo) && (0.75..=0.9).contains(&hi),
            "{lo} {hi}"
        );
    }

    #[test]
    fn the_turn_is_where_the_interval_crosses_to_the_other_side() {
        let c = |lo: f32, hi: f32| AttitudeCell {
            mentions: 5,
            too_few: false,
            mean: Some((lo + hi) / 2.0),
            ci95: Some([lo, hi]),
        };
        let few = AttitudeCell {
            mentions: 1,
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
