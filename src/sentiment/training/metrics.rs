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

    /// A few lines for people: accuracy, F1m, per-class F1 and the confusion matrix.
    pub fn to_text(&self) -> String {
        let pc = &self.per_class;
        let mut out = format!(
            "n {}  accuracy {:.3}  F1m {:.3}\n\
             F1  negative {:.3}  neutral {:.3}  positive {:.3}\n\
             confusion (rows gold, columns predicted):\n\
             {:>10} {:>9} {:>9} {:>9}\n",
            self.n,
            self.accuracy,
            self.f1m,
            pc.negative.f1,
            pc.neutral.f1,
            pc.positive.f1,
            "",
            "negative",
            "neutral",
            "positive"
        );
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
        assert!(e.to_text().contains("F1m 0."));
    }
}
