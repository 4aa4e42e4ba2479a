//! The attitude of a paragraph (and a document) toward an actor, from its mentions' scores: a
//! small multinomial logistic regression over pooled mention probabilities, the document's
//! mentions of the same actor, and VADER on the paragraph, learned on PerSenT
//! (`themescope head attitude`). The file is JSON with the recipe beside the numbers.
//!
//! The mean of the mention probabilities, the old rule, reads a paragraph that reports on a
//! person as hostile (PerSenT positive recall 0.24); the learned weights and class offsets
//! correct that bias.
//!
//! One rule the learned model must satisfy (the unanimity rule): a paragraph in which every
//! mention of the actor is negative with probability at least the model's `unanimity`
//! threshold is negative (the same for positive). The regression alone is so strongly
//! regularised that its offsets can outweigh any mention evidence, and then a paragraph whose
//! every mention scores −0.99 read "neutral". The rule keeps the label monotone in the
//! paragraph's own mentions, and costs nothing on PerSenT: the threshold is chosen with C and
//! the offsets by the inner cross-validation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::score::ScoredMention;
use super::vader::{Vader, VaderScores};
use super::{Label, Method, Prediction, Scorer, SentimentError};
use crate::corpus::Corpus;
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
pub const FEATURES: [&str; 35] = [
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
    "doc_mention_vader_compound",
    "text_vader_compound",
    "text_vader_negative",
    "text_vader_positive",
    "text_share_positive",
    "text_share_negative",
    "title_vader_compound",
    "previous_mean_p_negative",
    "previous_mean_p_positive",
    "next_mean_p_negative",
    "next_mean_p_positive",
    "sentence_max_vader_compound",
    "sentence_min_vader_compound",
    "doc_share_negative_mentions",
    "doc_share_positive_mentions",
];

/// VADER over all paragraphs of a document (whether or not they name the actor).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DocumentTone {
    pub compound: f64,
    pub negative: f64,
    pub positive: f64,
    /// Shares of paragraphs whose compound is at least +0.05, at most −0.05.
    pub share_positive: f64,
    pub share_negative: f64,
    /// The title's compound (0 without a title).
    pub title: f64,
}

impl DocumentTone {
    /// From each paragraph's VADER scores and the title's, if any.
    pub fn new(paragraphs: &[VaderScores], title: Option<VaderScores>) -> DocumentTone {
        let n = paragraphs.len().max(1) as f64;
        let mean = |f: fn(&VaderScores) -> f64| paragraphs.iter().map(f).sum::<f64>() / n;
        let share = |keep: fn(f64) -> bool| {
            paragraphs.iter().filter(|v| keep(v.compound)).count() as f64 / n
        };
        DocumentTone {
            compound: mean(|v| v.compound),
            negative: mean(|v| v.negative),
            positive: mean(|v| v.positive),
            share_positive: share(|c| c >= super::vader::THRESHOLD),
            share_negative: share(|c| c <= -super::vader::THRESHOLD),
            title: title.map_or(0.0, |t| t.compound),
        }
    }
}

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
    /// The same over all the document's mentions of the actor.
    pub document_mention_vader: f64,
    /// VADER over the whole document.
    pub tone: DocumentTone,
    /// The actor's mentions in the paragraphs just before and after (empty: none there).
    pub previous: &'a [Prediction],
    pub next: &'a [Prediction],
    /// The largest and smallest VADER compound of the paragraph's sentences.
    pub sentence_extremes: [f64; 2],
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
    let (prev, next) = (pool(input.previous), pool(input.next));
    let share = |l: Label| {
        input.document.iter().filter(|p| p.label == l).count() as f64
            / input.document.len().max(1) as f64
    };
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
        input.document_mention_vader,
        input.tone.compound,
        input.tone.negative,
        input.tone.positive,
        input.tone.share_positive,
        input.tone.share_negative,
        input.tone.title,
        prev.mean[0],
        prev.mean[2],
        next.mean[0],
        next.mean[2],
        input.sentence_extremes[0],
        input.sentence_extremes[1],
        share(Label::Negative),
        share(Label::Positive),
    ]
}

/// How an aggregation was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttitudeMeta {
    /// The mention scorer whose probabilities it was trained on (`head NAME` or `vader`).
    pub mention_model: String,
    /// What identifies that scorer's numbers ([`mention_identity`]): the aggregation is used
    /// only with the same.
    pub mention_identity: String,
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
    /// The unanimity rule's threshold (see the module's documentation); none in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanimity: Option<f64>,
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
        if m.unanimity.is_some_and(|t| !(t > 0.5 && t <= 1.0)) {
            return Err(bad("`unanimity` must be in (0.5, 1]".into()));
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
        pred.label = self
            .unanimity
            .and_then(|t| unanimous_label(x, t))
            .unwrap_or_else(|| label_with_offsets(&probs, &self.offsets));
        pred
    }

    /// The attitude of one actor in one paragraph.
    pub fn predict(&self, input: &AttitudeInput<'_>) -> Prediction {
        self.predict_row(&features(input))
    }
}

/// The name a mention scorer goes by in [`AttitudeMeta::mention_model`]: `head NAME` (the head
/// as named on the command line or in the config) or `vader`.
pub fn mention_model_name(method: Method, head: &str) -> String {
    match method {
        Method::Head => format!("head {head}"),
        Method::Vader => "vader".to_string(),
    }
}

/// What a scorer's numbers depend on, as a sha256: the head file's bytes for the head (so the
/// encoder's precision does not matter), else its cache identity; a scorer with neither
/// (VADER) goes by its method's name.
pub fn mention_identity(scorer: &dyn Scorer) -> String {
    use sha2::{Digest, Sha256};
    let bytes = match scorer.head() {
        Some((head, _)) => Some(head.to_bytes()),
        None => scorer.cache_identity(),
    };
    match bytes {
        Some(b) => Sha256::digest(&b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect(),
        None => scorer.method().as_str().to_string(),
    }
}

/// Each actor's attitude per paragraph and per document, learned from its mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attitudes {
    /// (actor, corpus paragraph row) → the paragraph's attitude toward the actor.
    pub paragraphs: BTreeMap<(usize, usize), Prediction>,
    /// (actor, document index) → the mean of its paragraphs' probabilities, labelled with the
    /// model's offsets.
    pub documents: BTreeMap<(usize, usize), Prediction>,
}

/// The attitudes of every actor in every paragraph and document that mentions it.
pub fn attitudes(
    model: &AttitudeModel,
    vader: &Vader,
    corpus: &Corpus,
    mentions: &[ScoredMention],
) -> Attitudes {
    let paragraph_text = |m: &ScoredMention| -> &str {
        corpus
            .documents
            .get(m.mention.doc)
            .and_then(|d| {
                d.paragraphs
                    .iter()
                    .find(|p| p.index == m.mention.paragraph)
                    .map(|p| d.paragraph_text(p))
            })
            .unwrap_or("")
    };
    // (actor, row) → its mentions; (actor, doc) → the rows that name it.
    let mut by_row: BTreeMap<(usize, usize), Vec<&ScoredMention>> = BTreeMap::new();
    for m in mentions {
        by_row
            .entry((m.mention.actor, m.mention.row))
            .or_default()
            .push(m);
    }
    let mut by_doc: BTreeMap<(usize, usize), Vec<(usize, VaderScores)>> = BTreeMap::new();
    for ((actor, row), ms) in &by_row {
        let v = vader.polarity(paragraph_text(ms[0]));
        by_doc
            .entry((*actor, ms[0].mention.doc))
            .or_default()
            .push((*row, v));
    }
    let mut tones: BTreeMap<usize, DocumentTone> = BTreeMap::new();
    let mut tone_of = |doc: usize| -> DocumentTone {
        *tones.entry(doc).or_insert_with(|| {
            let Some(d) = corpus.documents.get(doc) else {
                return DocumentTone::default();
            };
            let paragraphs: Vec<VaderScores> = d
                .paragraphs
                .iter()
                .map(|p| vader.polarity(d.paragraph_text(p)))
                .collect();
            DocumentTone::new(&paragraphs, d.title.as_deref().map(|t| vader.polarity(t)))
        })
    };
    let sentence_vader = |m: &ScoredMention| {
        let text = paragraph_text(m);
        vader
            .polarity(text.get(m.mention.sentence.clone()).unwrap_or(text))
            .compound
    };
    let mut out = Attitudes::default();
    for ((actor, doc), rows) in &by_doc {
        let tone = tone_of(*doc);
        let doc_mentions: Vec<&ScoredMention> = rows
            .iter()
            .flat_map(|(row, _)| by_row[&(*actor, *row)].iter().copied())
            .collect();
        let document_mention_vader = doc_mentions.iter().map(|m| sentence_vader(m)).sum::<f64>()
            / doc_mentions.len().max(1) as f64;
        let doc_preds: Vec<Prediction> = rows
            .iter()
            .flat_map(|(row, _)| by_row[&(*actor, *row)].iter().map(|m| m.prediction))
            .collect();
        let doc_vader =
            rows.iter().map(|(_, v)| v.compound).sum::<f64>() / rows.len().max(1) as f64;
        let mut para_preds = Vec::new();
        for (row, v) in rows {
            let ms = &by_row[&(*actor, *row)];
            let around = |r: Option<usize>| -> Vec<Prediction> {
                r.and_then(|r| by_row.get(&(*actor, r)))
                    .filter(|n| n[0].mention.doc == *doc)
                    .map(|n| n.iter().map(|m| m.prediction).collect())
                    .unwrap_or_default()
            };
            let (previous, next) = (around(row.checked_sub(1)), around(Some(row + 1)));
            let sentence_extremes = sentence_extremes(
                vader,
                corpus.documents.get(*doc).and_then(|d| {
                    d.paragraphs
                        .iter()
                        .find(|p| p.index == ms[0].mention.paragraph)
                        .map(|p| (d, p))
                }),
            );
            let text = paragraph_text(ms[0]);
            let preds: Vec<Prediction> = ms.iter().map(|m| m.prediction).collect();
            let mention_vader = ms
                .iter()
                .map(|m| {
                    vader
                        .polarity(text.get(m.mention.sentence.clone()).unwrap_or(text))
                        .compound
                })
                .sum::<f64>()
                / ms.len() as f64;
            let p = model.predict(&AttitudeInput {
                mentions: &preds,
                document: &doc_preds,
                paragraph_vader: *v,
                document_vader: doc_vader,
                mention_vader,
                document_mention_vader,
                tone,
                previous: &previous,
                next: &next,
                sentence_extremes,
            });
            out.paragraphs.insert((*actor, *row), p);
            para_preds.push(p);
        }
        if let Some(mut mean) = Prediction::mean(&para_preds) {
            mean.label = label_with_offsets(&mean.probs, &model.offsets);
            out.documents.insert((*actor, *doc), mean);
        }
    }
    out
}

/// The largest and smallest VADER compound of a paragraph's sentences ([0, 0] without any).
pub fn sentence_extremes_of<'a>(
    vader: &Vader,
    sentences: impl Iterator<Item = &'a str>,
) -> [f64; 2] {
    let mut out: Option<[f64; 2]> = None;
    for s in sentences {
        let c = vader.polarity(s).compound;
        out = Some(out.map_or([c, c], |[hi, lo]| [hi.max(c), lo.min(c)]));
    }
    out.unwrap_or([0.0, 0.0])
}

fn sentence_extremes(
    vader: &Vader,
    paragraph: Option<(&crate::corpus::Document, &crate::corpus::Paragraph)>,
) -> [f64; 2] {
    match paragraph {
        Some((d, p)) => sentence_extremes_of(
            vader,
            p.sentences
                .iter()
                .map(|s| d.text.get(s.clone()).unwrap_or("")),
        ),
        None => [0.0, 0.0],
    }
}

/// Column of a feature in [`FEATURES`].
const fn column(name: &str) -> usize {
    let mut i = 0;
    while i < FEATURES.len() {
        if str_eq(FEATURES[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("no such feature")
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const HAS_MENTION: usize = column("has_mention");
const MIN_P_NEGATIVE: usize = column("min_p_negative");
const MIN_P_POSITIVE: usize = column("min_p_positive");

/// The unanimity rule on a feature row: negative (positive) when the paragraph has mentions
/// and the smallest p(negative) (p(positive)) among them is at least `threshold`.
pub fn unanimous_label(x: &[f64], threshold: f64) -> Option<Label> {
    let at = |i: usize| x.get(i).copied().unwrap_or(0.0);
    if at(HAS_MENTION) < 0.5 {
        return None;
    }
    if at(MIN_P_NEGATIVE) >= threshold {
        Some(Label::Negative)
    } else if at(MIN_P_POSITIVE) >= threshold {
        Some(Label::Positive)
    } else {
        None
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
            document_mention_vader: -0.2,
            tone: DocumentTone::new(&[v, v], None),
            previous: &[],
            next: &[b],
            sentence_extremes: [0.5, -0.1],
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
        assert_eq!(at("text_share_positive"), 1.0);
        assert_eq!(at("title_vader_compound"), 0.0);
        assert_eq!(at("previous_mean_p_positive"), 0.0);
        assert!((at("next_mean_p_positive") - 0.6).abs() < 1e-6);
        assert!((at("doc_share_positive_mentions") - 2.0 / 3.0).abs() < 1e-12);
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
    fn unanimous_mentions_decide_the_label() {
        let row = |min_neg: f64, min_pos: f64, has: f64| {
            let mut x = [0.0; FEATURES.len()];
            x[HAS_MENTION] = has;
            x[MIN_P_NEGATIVE] = min_neg;
            x[MIN_P_POSITIVE] = min_pos;
            x
        };
        assert_eq!(
            unanimous_label(&row(0.99, 0.0, 1.0), 0.95),
            Some(Label::Negative)
        );
        assert_eq!(
            unanimous_label(&row(0.0, 0.96, 1.0), 0.95),
            Some(Label::Positive)
        );
        assert_eq!(unanimous_label(&row(0.9, 0.05, 1.0), 0.95), None);
        assert_eq!(unanimous_label(&row(0.99, 0.0, 0.0), 0.95), None);
        // However flat the regression, the rule wins over its offsets.
        let mut m = AttitudeModel::resolve(DEFAULT_ATTITUDE).unwrap();
        m.offsets = vec![-5.0, 0.0, -5.0];
        m.unanimity = Some(0.95);
        assert_eq!(m.predict_row(&row(0.99, 0.0, 1.0)).label, Label::Negative);
        m.unanimity = None;
        assert_eq!(m.predict_row(&row(0.99, 0.0, 1.0)).label, Label::Neutral);
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
        let mut loose = m.clone();
        loose.unanimity = Some(0.3);
        let e = AttitudeModel::from_bytes("u", &loose.to_bytes()).unwrap_err();
        assert!(e.to_string().contains("unanimity"), "{e}");
    }
}
