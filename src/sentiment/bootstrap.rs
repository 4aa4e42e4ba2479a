//! Seeded bootstrap intervals for a mean over mentions that resample the paragraphs holding the
//! mentions, not the mentions one by one: mentions in one paragraph share their context and
//! their scores move together, so resampling them as independent draws would give intervals
//! narrower than the data support (a cluster bootstrap, with the paragraph as the cluster).

use super::rng::SplitMix64;

/// Per paragraph, in paragraph order: the sum of its mentions' scores and their number, from
/// `(score, paragraph)` pairs in any order.
pub fn paragraph_sums(scores: &[(f64, usize)]) -> Vec<(f64, usize)> {
    let mut sorted = scores.to_vec();
    sorted.sort_by_key(|&(_, p)| p);
    let mut out: Vec<(usize, f64, usize)> = Vec::new();
    for (score, p) in sorted {
        match out.last_mut() {
            Some((last, sum, n)) if *last == p => {
                *sum += score;
                *n += 1;
            }
            _ => out.push((p, score, 1)),
        }
    }
    out.into_iter().map(|(_, sum, n)| (sum, n)).collect()
}

/// The 95% interval of the mention mean over `resamples` draws, each taking as many paragraphs
/// as there are, with replacement, and pooling their mentions; `None` with fewer than two
/// paragraphs (nothing to resample) or no resamples.
pub fn interval(sums: &[(f64, usize)], resamples: usize, rng: &mut SplitMix64) -> Option<[f64; 2]> {
    let k = sums.len();
    if k < 2 || resamples == 0 {
        return None;
    }
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let (mut sum, mut n) = (0.0, 0usize);
            for _ in 0..k {
                let (s, c) = sums[rng.below(k)];
                sum += s;
                n += c;
            }
            sum / n as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * (resamples - 1) as f64).round() as usize).min(resamples - 1)];
    Some([at(0.025), at(0.975)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_pooled_per_paragraph_in_paragraph_order() {
        let sums = paragraph_sums(&[(0.5, 9), (0.25, 2), (-1.0, 9), (1.0, 2), (0.0, 4)]);
        assert_eq!(sums, [(1.25, 2), (0.0, 1), (-0.5, 2)]);
    }

    #[test]
    fn correlated_mentions_widen_the_interval() {
        // Six mentions in two paragraphs, one of praise and one of blame, against the same six
        // mentions each in its own paragraph.
        let scores = [0.8, 0.9, 0.7, -0.6, -0.8, -0.7];
        let paragraphs = [4, 4, 4, 9, 9, 9];
        let two: Vec<(f64, usize)> = scores.iter().copied().zip(paragraphs).collect();
        let six: Vec<(f64, usize)> = scores.iter().copied().zip(0..).collect();
        let mut rng = SplitMix64::new(7);
        let [lo2, hi2] = interval(&paragraph_sums(&two), 400, &mut rng).unwrap();
        let [lo6, hi6] = interval(&paragraph_sums(&six), 400, &mut rng).unwrap();
        // Two paragraphs: a resample is all praise, all blame or both, so the interval reaches
        // both paragraphs' means.
        assert!(lo2 <= -0.69 && hi2 >= 0.79, "{lo2} {hi2}");
        assert!(hi2 - lo2 > (hi6 - lo6) * 1.3, "{lo2} {hi2} vs {lo6} {hi6}");
        // One paragraph: nothing to resample.
        let one: Vec<(f64, usize)> = scores.iter().map(|&s| (s, 3)).collect();
        assert_eq!(interval(&paragraph_sums(&one), 400, &mut rng), None);
    }

    #[test]
    fn the_same_seed_gives_the_same_interval() {
        let sums = paragraph_sums(&[(0.1, 0), (0.5, 0), (-0.2, 1), (0.9, 2), (-0.4, 3)]);
        let at = |seed| interval(&sums, 300, &mut SplitMix64::new(seed));
        assert_eq!(at(11), at(11));
        assert_ne!(at(11), at(12));
    }
}
