//! The attitude of a paragraph (and a document) toward an actor, from its mentions' scores: a
//! small multinomial logistic regression over pooled mention probabilities, the document's
//! mentions of the same actor, and VADER on the paragraph, learned on PerSenT
//! (`themescope head attitude`). The file is JSON with the recipe beside the numbers.
//!
//! The mean of the mention probabilities, the old rule, reads a paragraph that reports on a
//! person as hostile (PerSenT positive recall 0.24); the learned weights and class offsets
//! correct that bias.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::vader::VaderScores;
use super::{Label, Prediction, SentimentError};
use crate::fsutil::write_atomic;

/// The aggregation used when none is named.
pub const DEFAULT_ATTITUDE: &str = "persent-attitude";

/// Aggregations compiled into the binary: name and file bytes.
const BUILTIN: &[(&str, &[u8])] = &[(
    DEFAULT_ATTITUDE,
    include_bytes!("../../models/heads/persent-attitude.json"),
)];

/// Value of the `format` key.
const FORMAT: &str = "themescope-attitude-v1";

/// The features, in column order.
pub const FEATURES: [&str; 20] = [
    "has_mention",
    "log_mentions",
    "mean_p_negative",
    "mean_p_neutral",
    "mean_p_positive",
    "max_p_negative",
    "max_p_positive",
    "min_p_negative",
    "min_p_positive",
    "doc_mean_p_negative",
    "doc_mean_p_neutral",
    "doc_mean_p_positive",
    "doc_max_p_negative",
    "doc_max_p_positive",
    "doc_log_mentions",
    "vader_compound",
    "vader_negative",
    "vader_positive",
    "doc_vader_compound",
    "mention_vader_compound",
];

/// What one actor's attitude in one paragraph is computed from.
#[derive(Debug, Clone, Copy)]
pub struct AttitudeInput<'a> {
    /// The actor's mentions in the paragraph, scored.
    pub mentions: &'a [Prediction],
    /// The actor's mentions in the whole document (this paragraph's included).
    pub document: &'a [Prediction],
    /// VADER on the paragraph's text.
    pub paragraph_vader: VaderScores,
    /// The mean VADER compound of the document's paragraphs that name the actor.
    pub document_vader: f64,
    /// The mean VADER compound of the sentences that hold the mentions (0 without one).
    pub mention_vader: f64,
}

/// Mean, max and min of each class probability.
struct Pooled {
    mean: [f64; 3],
    max: [f64; 3],
    min: [f64; 3],
}

fn pool(preds: &[Prediction]) -> Pooled {
    let mut p = Pooled {
        mean: [0.0; 3],
        max: [0.0; 3],
        min: [0.0; 3],
    };
    if preds.is_empty() {
        return p;
    }
    p.min = [1.0; 3];
    for pred in preds {
        for c in 0..3 {
            let v = f64::from(pred.probs[c]);
            p.mean[c] += v / preds.len() as f64;
            p.max[c] = p.max[c].max(v);
            p.min[c] = p.min[c].min(v);
        }
    }
    p
}

/// The feature row of [`FEATURES`].
pub fn features(input: &AttitudeInput<'_>) -> [f64; FEATURES.len()] {
    let para = pool(input.mentions);
    let doc = pool(input.document);
    let v = input.paragraph_vader;
    [
        f64::from(u8::from(!input.mentions.is_empty())),
        (input.mentions.len() as f64).ln_1p(),
        para.mean[0],
        para.mean[1],
        para.mean[2],
        para.max[0],
        para.max[2],
        para.min[0],
        para.min[2],
        doc.mean[0],
        doc.mean[1],
        doc.mean[2],
        doc.max[0],
        doc.max[2],
        (input.document.len() as f64).ln_1p(),
        v.compound,
        v.negative,
        v.positive,
        input.document_vader,
        input.mention_vader,
    ]
}

/// How an aggregation was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttitudeMeta {
    /// The mention scorer whose probabilities it was trained on (`head NAME` or `vader`).
    pub mention_model: String,
    /// File name of the training data and the sha256 of its bytes.
    pub training_data: String,
    pub training_sha256: String,
    pub n_train: usize,
    pub seed: u64,
    pub folds: usize,
    /// The regularisation (scikit-learn's C) chosen by cross-validation.
    pub c: f64,
    /// Cross-validated scores and how they were made, free-form.
    pub recipe: String,
    pub cv: serde_json::Value,
}

/// A learned aggregation: standardise, `softmax(W·x + b)`, then the class offsets added to the
/// log-probabilities pick the label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttitudeModel {
    pub format: String,
    pub features: Vec<String>,
    pub meta: AttitudeMeta,
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    /// One row of weights per class (negative, neutral, positive).
    pub weight: Vec<Vec<f64>>,
    pub bias: Vec<f64>,
    /// Added to each class's log-probability before the label is chosen.
    pub offsets: Vec<f64>,
}

/// Names of the built-in aggregations.
pub fn builtin_attitudes() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

impl AttitudeModel {
    /// A built-in aggregation by name, a file by path, or `models/heads/NAME.json`.
    pub fn resolve(spec: &str) -> Result<AttitudeModel, SentimentError> {
        if let Some((name, bytes)) = BUILTIN.iter().find(|(n, _)| *n == spec) {
            return AttitudeModel::from_bytes(name, bytes);
        }
        let local = Path::new("models/heads").join(format!("{spec}.json"));
        for candidate in [PathBuf::from(spec), local] {
            if candidate.is_file() {
                return AttitudeModel::read(&candidate);
            }
        }
        Err(SentimentError::UnknownHead {
            name: spec.to_string(),
            known: builtin_attitudes().join(", "),
        })
    }

    pub fn read(path: &Path) -> Result<AttitudeModel, SentimentError> {
        let bytes = std::fs::read(path).map_err(|e| SentimentError::read(path, e))?;
        AttitudeModel::from_bytes(&path.display().to_string(), &bytes)
    }

    /// Parses and checks the shapes.
    pub fn from_bytes(source: &str, bytes: &[u8]) -> Result<AttitudeModel, SentimentError> {
        let bad = |reason: String| SentimentError::BadAttitude {
            source_name: source.to_string(),
            reason,
        };
        let m: AttitudeModel = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if m.format != FORMAT {
            return Err(bad(format!("format `{}`, expected `{FORMAT}`", m.format)));
        }
        let d = FEATURES.len();
        let names_match = m.features.iter().map(String::as_str).eq(FEATURES);
        let shapes_ok = m.mean.len() == d
            && m.scale.len() == d
            && m.weight.len() == 3
            && m.weight.iter().all(|r| r.len() == d)
            && m.bias.len() == 3
            && m.offsets.len() == 3;
        if !names_match || !shapes_ok {
            return Err(bad(format!(
                "it needs {d} features named as this version names them and 3 classes"
            )));
        }
        let finite = m
            .mean
            .iter()
            .chain(&m.scale)
            .chain(m.weight.iter().flatten())
            .chain(&m.bias)
            .chain(&m.offsets)
            .all(|v| v.is_finite());
        if !finite || m.scale.iter().any(|s| *s <= 0.0) {
            return Err(bad("a weight is not a finite number".into()));
        }
        Ok(m)
    }

    /// Pretty JSON with a final newline; the same model gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s.into_bytes()
    }

    /// Writes the file atomically.
    pub fn write(&self, path: &Path) -> Result<(), SentimentError> {
        let bytes = self.to_bytes();
        write_atomic(path, |f| std::io::Write::write_all(f, &bytes))
            .map_err(|e| SentimentError::write(path, e))
    }

    /// The class probabilities of one feature row, and the label the offsets pick.
    pub fn predict_row(&self, x: &[f64]) -> Prediction {
        let mut z = [0.0f64; 3];
        for (c, zc) in z.iter_mut().enumerate() {
            *zc = self.bias[c]
                + self.weight[c]
                    .iter()
                    .zip(x.iter().zip(self.mean.iter().zip(&self.scale)))
                    .map(|(w, (v, (m, s)))| w * (v - m) / s)
                    .sum::<f64>();
        }
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e = z.map(|v| (v - max).exp());
        let sum: f64 = e.iter().sum();
        let probs = e.map(|v| (v / sum) as f32);
        let mut pred = Prediction::from_probs(probs);
        pred.label = label_with_offsets(&probs, &self.offsets);
        pred
    }

    /// The attitude of one actor in one paragraph.
    pub fn predict(&self, input: &AttitudeInput<'_>) -> Prediction {
        self.predict_row(&features(input))
    }
}

/// The class with the largest log-probability plus offset (ties: neutral, then the lower one).
pub fn label_with_offsets(probs: &[f32; 3], offsets: &[f64]) -> Label {
    let v = |i: usize| f64::from(probs[i]).max(1e-12).ln() + offsets.get(i).copied().unwrap_or(0.0);
    let mut best = 1;
    for i in [0, 2] {
        if v(i) > v(best) {
            best = i;
        }
    }
    Label::from_index(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_features_follow_the_mentions() {
        let a = Prediction::from_probs([0.6, 0.3, 0.1]);
        let b = Prediction::from_probs([0.2, 0.2, 0.6]);
        let v = VaderScores {
            negative: 0.1,
            neutral: 0.7,
            positive: 0.2,
            compound: 0.4,
        };
        let input = AttitudeInput {
            mentions: &[a, b],
            document: &[a, b, b],
            paragraph_vader: v,
            document_vader: 0.25,
            mention_vader: -0.5,
        };
        let f = features(&input);
        let at = |name: &str| f[FEATURES.iter().position(|n| *n == name).unwrap()];
        assert_eq!(at("has_mention"), 1.0);
        assert!((at("log_mentions") - 3f64.ln()).abs() < 1e-12);
        assert!((at("mean_p_negative") - 0.4).abs() < 1e-6);
        assert!((at("max_p_positive") - 0.6).abs() < 1e-6);
        assert!((at("min_p_negative") - 0.2).abs() < 1e-6);
        assert!((at("doc_mean_p_positive") - (0.1 + 0.6 + 0.6) / 3.0).abs() < 1e-6);
        assert_eq!(at("vader_compound"), 0.4);
        assert_eq!(at("mention_vader_compound"), -0.5);
        let none = features(&AttitudeInput {
            mentions: &[],
            ..input
        });
        assert_eq!(none[..9], [0.0; 9]);
    }

    #[test]
    fn offsets_move_the_label() {
        let p = [0.5f32, 0.3, 0.2];
        assert_eq!(label_with_offsets(&p, &[0.0, 0.0, 0.0]), Label::Negative);
        // ln 0.2 + 1 > ln 0.5: a positive offset of 1 makes it positive.
        assert_eq!(label_with_offsets(&p, &[0.0, 0.0, 1.0]), Label::Positive);
    }

    #[test]
    fn the_built_in_aggregation_loads_and_bad_files_are_refused() {
        let m = AttitudeModel::resolve(DEFAULT_ATTITUDE).unwrap();
        assert_eq!(m.features.len(), FEATURES.len());
        let bytes = m.to_bytes();
        assert_eq!(AttitudeModel::from_bytes("x", &bytes).unwrap(), m);
        let cut = AttitudeModel::from_bytes("cut.json", &bytes[..bytes.len() / 2]).unwrap_err();
        assert!(cut.to_string().starts_with("cut.json is not"), "{cut}");
        let mut short = m.clone();
        short.weight[1].pop();
        let e = AttitudeModel::from_bytes("s", &short.to_bytes()).unwrap_err();
        assert!(e.to_string().contains("features"), "{e}");
    }
}
