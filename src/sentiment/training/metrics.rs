//! Accuracy, per-class and macro F1 (F1m) and the confusion matrix of 3-class predictions.

use serde::Serialize;

use crate::sentiment::Label;

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold examples of this class.
    pub support: usize,
}

/// Scores of predictions against gold labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub n: usize,
    pub accuracy: f64,
    /// Macro-averaged F1 over the three classes.
    pub f1m: f64,
    pub per_class: PerClass,
    /// `confusion[gold][predicted]`, classes in the order negative, neutral, positive.
    pub confusion: [[usize; 3]; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerClass {
    pub negative: ClassScore,
    pub neutral: ClassScore,
    pub positive: ClassScore,
}

impl Evaluation {
    /// Scores `predicted` against `gold` (same length).
    pub fn new(gold: &[Label], predicted: &[Label]) -> Evaluation {
        let mut confusion = [[0usize; 3]; 3];
        for (g, p) in gold.iter().zip(predicted) {
            confusion[g.index()][p.index()] += 1;
        }
        let n = gold.len().min(predicted.len());
        let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let score = |c: usize| {
            let tp = confusion[c][c];
            let gold_c: usize = confusion[c].iter().sum();
            let pred_c: usize = (0..3).map(|g| confusion[g][c]).sum();
            let precision = ratio(tp, pred_c);
            let recall = ratio(tp, gold_c);
            let f1 = if precision + recall == 0.0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            ClassScore {
                precision,
                recall,
                f1,
                support: gold_c,
            }
        };
        let per_class = PerClass {
            negative: score(0),
            neutral: score(1),
            positive: score(2),
        };
        Evaluation {
            n,
            accuracy: ratio(correct, n),
            f1m: (per_class.negative.f1 + per_class.neutral.f1 + per_class.positive.f1) / 3.0,
            per_class,
            confusion,
        }
    }

    /// A few lines for people: accuracy, F1m, per-class precision, recall and F1, and the
    /// confusion matrix.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "n {}  accuracy {:.3}  F1m {:.3}\n{:>10} {:>9} {:>9} {:>9} {:>9}\n",
            self.n, self.accuracy, self.f1m, "", "precision", "recall", "F1", "support"
        );
        for (l, c) in Label::ALL.iter().zip(self.per_class.all()) {
            out.push_str(&format!(
                "{:>10} {:>9.3} {:>9.3} {:>9.3} {:>9}\n",
                l.as_str(),
                c.precision,
                c.recall,
                c.f1,
                c.support
            ));
        }
        out.push_str(&format!(
            "confusion (rows gold, columns predicted):\n{:>10} {:>9} {:>9} {:>9}\n",
            "", "negative", "neutral", "positive"
        ));
        for (l, row) in Label::ALL.iter().zip(&self.confusion) {
            out.push_str(&format!(
                "{:>10} {:>9} {:>9} {:>9}\n",
                l.as_str(),
                row[0],
                row[1],
                row[2]
            ));
        }
        out
    }
}

impl PerClass {
    /// The classes in index order.
    pub fn all(&self) -> [ClassScore; 3] {
        [self.negative, self.neutral, self.positive]
    }
}

/// One confidence bin of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// The bin's confidence range, `[lo, hi)` (the last bin includes 1).
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// Mean confidence of the predictions in the bin.
    pub confidence: f64,
    /// Share of them that are right.
    pub accuracy: f64,
}

/// How well predicted confidence matches accuracy: equal-width bins of the probability given
/// to the predicted class, and the expected calibration error (ECE), the count-weighted mean
/// of |accuracy − confidence| over the bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    pub n: usize,
    pub ece: f64,
    /// The bins that hold predictions, lowest confidence first.
    pub bins: Vec<ReliabilityBin>,
}

impl Reliability {
    /// From each prediction's confidence (in [0, 1]) and whether it was right.
    pub fn new(confidence: &[f64], correct: &[bool], bins: usize) -> Reliability {
        let bins = bins.max(1);
        let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
        for (c, ok) in confidence.iter().zip(correct) {
            let c = c.clamp(0.0, 1.0);
            let b = ((c * bins as f64) as usize).min(bins - 1);
            sums[b].0 += 1;
            sums[b].1 += c;
            sums[b].2 += usize::from(*ok);
        }
        let n = confidence.len().min(correct.len());
        let mut ece = 0.0;
        let mut out = Vec::new();
        for (b, (count, conf_sum, right)) in sums.into_iter().enumerate() {
            if count == 0 {
                continue;
            }
            let confidence = conf_sum / count as f64;
            let accuracy = right as f64 / count as f64;
            ece += count as f64 / n as f64 * (accuracy - confidence).abs();
            out.push(ReliabilityBin {
                lo: b as f64 / bins as f64,
                hi: (b + 1) as f64 / bins as f64,
                count,
                confidence,
                accuracy,
            });
        }
        Reliability { n, ece, bins: out }
    }

    /// The table for people.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "reliability (confidence = probability of the predicted class), ECE {:.3}\n\
             {:>11} {:>6} {:>10} {:>9} {:>7}\n",
            self.ece, "confidence", "count", "mean conf", "accuracy", "gap"
        );
        for b in &self.bins {
            out.push_str(&format!(
                "{:>11} {:>6} {:>10.3} {:>9.3} {:>+7.3}\n",
                format!("{:.1}-{:.1}", b.lo, b.hi),
                b.count,
                b.confidence,
                b.accuracy,
                b.accuracy - b.confidence
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::*;

    #[test]
    fn scores_match_a_hand_count() {
        let gold = [Negative, Negative, Neutral, Positive, Positive, Positive];
        let pred = [Negative, Neutral, Neutral, Positive, Negative, Positive];
        let e = Evaluation::new(&gold, &pred);
        assert_eq!(e.n, 6);
        assert!((e.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(e.confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
        // negative: p 1/2 r 1/2; neutral: p 1/2 r 1; positive: p 1 r 2/3.
        let f = |p: f64, r: f64| 2.0 * p * r / (p + r);
        let want = (f(0.5, 0.5) + f(0.5, 1.0) + f(1.0, 2.0 / 3.0)) / 3.0;
        assert!((e.f1m - want).abs() < 1e-12);
        assert_eq!(e.per_class.positive.support, 3);
        let text = e.to_text();
        assert!(text.contains("F1m 0."), "{text}");
        // The positive line: precision 1, recall 2/3, F1 0.8, support 3.
        assert!(
            text.contains("  positive     1.000     0.667     0.800         3"),
            "{text}"
        );
    }

    #[test]
    fn reliability_matches_a_hand_count() {
        // Bins of 0.1: 0.35 and 0.38 share [0.3, 0.4); 0.9 and 1.0 share [0.9, 1.0].
        let conf = [0.35, 0.38, 0.62, 0.9, 1.0];
        let right = [false, true, true, true, false];
        let r = Reliability::new(&conf, &right, 10);
        assert_eq!(r.n, 5);
        let counts: Vec<(usize, usize)> = r
            .bins
            .iter()
            .map(|b| ((b.lo * 10.0).round() as usize, b.count))
            .collect();
        assert_eq!(counts, [(3, 2), (6, 1), (9, 2)]);
        assert!((r.bins[0].confidence - 0.365).abs() < 1e-12);
        assert!((r.bins[0].accuracy - 0.5).abs() < 1e-12);
        // ECE = 2/5·|0.5 − 0.365| + 1/5·|1 − 0.62| + 2/5·|0.5 − 0.95|
        let want = 0.4 * 0.135 + 0.2 * 0.38 + 0.4 * 0.45;
        assert!((r.ece - want).abs() < 1e-12, "{}", r.ece);
        assert!(r.to_text().contains("0.3-0.4"));
        let perfect = Reliability::new(&[1.0, 1.0], &[true, true], 10);
        assert_eq!(perfect.ece, 0.0);
        assert_eq!(Reliability::new(&[], &[], 10).bins.len(), 0);
    }
}
