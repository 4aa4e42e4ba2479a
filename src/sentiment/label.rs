//! The three attitude classes and one scored prediction.

use serde::{Deserialize, Serialize};

/// The attitude a text takes toward a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Negative,
    Neutral,
    Positive,
}

impl Label {
    /// All classes in index order (the order of probabilities and confusion rows).
    pub const ALL: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Label {
        Label::ALL[i.min(2)]
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }

    /// Parses "negative"/"Neutral"/"POSITIVE" (any case).
    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One target's attitude: the label, the class probabilities (negative, neutral, positive) and
/// the score P(positive) − P(negative) in [-1, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub label: Label,
    pub probs: [f32; 3],
    pub score: f32,
}

impl Prediction {
    /// The most probable class (ties go to neutral, then the lower index) and the score.
    pub fn from_probs(probs: [f32; 3]) -> Prediction {
        let mut best = 1;
        for i in [0, 2] {
            if probs[i] > probs[best] {
                best = i;
            }
        }
        Prediction {
            label: Label::from_index(best),
            probs,
            score: (probs[2] - probs[0]).clamp(-1.0, 1.0),
        }
    }

    /// The average of several predictions' probabilities (e.g. all mentions in a paragraph).
    pub fn mean(preds: &[Prediction]) -> Option<Prediction> {
        if preds.is_empty() {
            return None;
        }
        let mut p = [0f64; 3];
        for pred in preds {
            for (acc, v) in p.iter_mut().zip(pred.probs) {
                *acc += f64::from(v);
            }
        }
        let n = preds.len() as f64;
        Some(Prediction::from_probs(p.map(|v| (v / n) as f32)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_scores_follow_probabilities() {
        for l in Label::ALL {
            assert_eq!(Label::parse(&l.as_str().to_uppercase()), Some(l));
            assert_eq!(Label::from_index(l.index()), l);
        }
        let p = Prediction::from_probs([0.7, 0.2, 0.1]);
        assert_eq!(p.label, Label::Negative);
        assert!((p.score + 0.6).abs() < 1e-6);
        let tie = Prediction::from_probs([0.4, 0.4, 0.2]);
        assert_eq!(tie.label, Label::Neutral);
        let m = Prediction::mean(&[p, Prediction::from_probs([0.1, 0.1, 0.8])]).unwrap();
        assert_eq!(m.label, Label::Positive);
        assert!((m.score - 0.05).abs() < 1e-6);
    }
}
