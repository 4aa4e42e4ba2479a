//! Learning the paragraph attitude from PerSenT: each paragraph's target mentions are scored by
//! the mention model (kept on disk, so refitting takes seconds), pooled into
//! [`attitude::features`], and a balanced logistic regression with class offsets is fitted.
//! Cross-validation splits by document (a document's paragraphs share its mentions), and C and
//! the offsets are chosen inside each training split (nested), so the reported scores never
//! saw their test paragraphs.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use ndarray::{Array2, Axis};
use serde::Serialize;

use super::data::{sha256_hex, PersentParagraph};
use super::logreg::{self, LogRegOptions};
use super::metrics::Evaluation;
use super::{cache, eval};
use crate::actors::{ActorSet, MentionMatcher};
use crate::corpus::{Document, ReadOptions};
use crate::sentiment::attitude::{
    self, AttitudeInput, AttitudeMeta, AttitudeModel, DocumentTone, FEATURES,
};
use crate::sentiment::features::TargetRef;
use crate::sentiment::rng::SplitMix64;
use crate::sentiment::vader::Vader;
use crate::sentiment::{Label, Prediction, Scorer, SentimentError};

/// One mention of a paragraph's target: the paragraph, its sentence and the span in it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedMention {
    pub paragraph: usize,
    pub sentence: String,
    pub span: Range<usize>,
}

/// Every mention of each paragraph's target (its full name or surname), on its sentence.
pub fn locate_mentions(paragraphs: &[PersentParagraph]) -> Vec<LocatedMention> {
    let opts = ReadOptions {
        strip_boilerplate: false,
        ..ReadOptions::default()
    };
    let mut out = Vec::new();
    for (k, p) in paragraphs.iter().enumerate() {
        let set = ActorSet {
            actors: vec![eval::persent_actor(&p.target)],
            not_actors: Vec::new(),
            namesakes: Vec::new(),
        };
        let doc = Document::from_text("p", p.text.clone(), &opts);
        let sentences: Vec<Range<usize>> = doc.sentence_spans().cloned().collect();
        for m in MentionMatcher::new(&set).find(&doc.text) {
            let s = sentences
                .iter()
                .find(|s| s.start <= m.span.start && m.span.end <= s.end)
                .cloned()
                .unwrap_or(0..doc.text.len());
            out.push(LocatedMention {
                paragraph: k,
                sentence: doc.text[s.clone()].to_string(),
                span: m.span.start - s.start..m.span.end - s.start,
            });
        }
    }
    out
}

/// The mention model's predictions for `mentions`, kept in `cache_dir` under a key made of
/// the scorer's identity and the mentions themselves (a scorer without one, VADER, is rerun).
pub fn score_mentions(
    scorer: &dyn Scorer,
    mentions: &[LocatedMention],
    cache_dir: Option<&Path>,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<Prediction>, SentimentError> {
    let path = match (cache_dir, scorer.cache_identity()) {
        (Some(dir), Some(id)) => {
            let mut key = format!("attitude-mentions-v1\0{}\0", sha256_hex(&id));
            for m in mentions {
                key.push_str(&format!("{}\0{:?}\0", m.sentence, m.span));
            }
            Some(cache::path_for(dir, &key))
        }
        _ => None,
    };
    if let Some(probs) = path
        .as_deref()
        .and_then(|p| cache::load(p, mentions.len(), 3))
    {
        progress(mentions.len());
        return Ok(probs
            .rows()
            .into_iter()
            .map(|r| Prediction::from_probs([r[0], r[1], r[2]]))
            .collect());
    }
    let targets: Vec<TargetRef<'_>> = mentions
        .iter()
        .map(|m| TargetRef {
            text: &m.sentence,
            span: m.span.clone(),
        })
        .collect();
    let preds = scorer.score(&targets, progress)?;
    if let Some(p) = &path {
        let m = Array2::from_shape_fn((preds.len(), 3), |(i, c)| preds[i].probs[c]);
        cache::store(p, &m)?;
    }
    Ok(preds)
}

/// The training rows: one per paragraph, with the gold label and the document it belongs to.
#[derive(Debug, Clone)]
pub struct AttitudeData {
    pub x: Array2<f64>,
    pub gold: Vec<Label>,
    /// Paragraphs of one document share a group (the folds keep them together).
    pub groups: Vec<usize>,
    /// The old rule's label (mean of the mention probabilities; neutral without a mention).
    pub mean_rule: Vec<Label>,
}

/// Builds [`AttitudeData`] from the paragraphs and their mentions' predictions.
pub fn attitude_data(
    paragraphs: &[PersentParagraph],
    mentions: &[LocatedMention],
    preds: &[Prediction],
    vader: &Vader,
) -> AttitudeData {
    let n = paragraphs.len();
    let mut per_para: Vec<Vec<Prediction>> = vec![Vec::new(); n];
    let mut sentence_vader: Vec<Vec<f64>> = vec![Vec::new(); n];
    for (m, p) in mentions.iter().zip(preds) {
        per_para[m.paragraph].push(*p);
        sentence_vader[m.paragraph].push(vader.polarity(&m.sentence).compound);
    }
    let para_vader: Vec<_> = paragraphs.iter().map(|p| vader.polarity(&p.text)).collect();
    let opts = ReadOptions {
        strip_boilerplate: false,
        ..ReadOptions::default()
    };
    let extremes: Vec<[f64; 2]> = paragraphs
        .iter()
        .map(|p| {
            let doc = Document::from_text("p", p.text.clone(), &opts);
            let sentences: Vec<&str> = doc
                .sentence_spans()
                .map(|s| doc.text.get(s.clone()).unwrap_or(""))
                .collect();
            attitude::sentence_extremes_of(vader, sentences.into_iter())
        })
        .collect();
    // Documents: PerSenT's doc_index with its target.
    let mut doc_ids: BTreeMap<(i64, &str), usize> = BTreeMap::new();
    let groups: Vec<usize> = paragraphs
        .iter()
        .map(|p| {
            let next = doc_ids.len();
            *doc_ids
                .entry((p.doc_index, p.target.as_str()))
                .or_insert(next)
        })
        .collect();
    let n_docs = doc_ids.len();
    let mut doc_preds: Vec<Vec<Prediction>> = vec![Vec::new(); n_docs];
    let mut doc_vader: Vec<Vec<f64>> = vec![Vec::new(); n_docs];
    let mut doc_sentence_vader: Vec<Vec<f64>> = vec![Vec::new(); n_docs];
    let mut doc_paragraphs: Vec<Vec<_>> = vec![Vec::new(); n_docs];
    let mut doc_title: Vec<Option<&str>> = vec![None; n_docs];
    for k in 0..n {
        doc_preds[groups[k]].extend(&per_para[k]);
        doc_sentence_vader[groups[k]].extend(&sentence_vader[k]);
        doc_paragraphs[groups[k]].push(para_vader[k]);
        doc_title[groups[k]] = paragraphs[k].title.as_deref();
        if !per_para[k].is_empty() {
            doc_vader[groups[k]].push(para_vader[k].compound);
        }
    }
    let tones: Vec<DocumentTone> = (0..n_docs)
        .map(|d| DocumentTone::new(&doc_paragraphs[d], doc_title[d].map(|t| vader.polarity(t))))
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    // Neighbours: the paragraphs of the same document just before and after (by para_idx).
    let position: BTreeMap<(usize, i64), usize> = (0..n)
        .map(|k| ((groups[k], paragraphs[k].para_idx), k))
        .collect();
    let neighbour = |k: usize, step: i64| -> &[Prediction] {
        position
            .get(&(groups[k], paragraphs[k].para_idx + step))
            .map_or(&[][..], |j| per_para[*j].as_slice())
    };
    let mut x = Array2::zeros((n, FEATURES.len()));
    for k in 0..n {
        let row = attitude::features(&AttitudeInput {
            mentions: &per_para[k],
            document: &doc_preds[groups[k]],
            paragraph_vader: para_vader[k],
            document_vader: mean(&doc_vader[groups[k]]),
            mention_vader: mean(&sentence_vader[k]),
            document_mention_vader: mean(&doc_sentence_vader[groups[k]]),
            tone: tones[groups[k]],
            previous: neighbour(k, -1),
            next: neighbour(k, 1),
            sentence_extremes: extremes[k],
        });
        x.row_mut(k).assign(&ndarray::ArrayView1::from(&row[..]));
    }
    AttitudeData {
        x,
        gold: paragraphs.iter().map(|p| p.label).collect(),
        groups,
        mean_rule: per_para
            .iter()
            .map(|p| Prediction::mean(p).map_or(Label::Neutral, |m| m.label))
            .collect(),
    }
}

/// Fitting settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AttitudeOptions {
    pub seed: u64,
    pub folds: usize,
    pub c_grid: Vec<f64>,
    /// Choose class offsets (log-probability shifts) for F1m as well as C.
    pub offsets: bool,
    /// Thresholds of the unanimity rule ([`attitude::unanimous_label`]) to choose from with C
    /// (empty: no rule).
    pub unanimity_grid: Vec<f64>,
}

impl Default for AttitudeOptions {
    fn default() -> Self {
        AttitudeOptions {
            seed: 42,
            folds: 5,
            c_grid: vec![0.001, 0.003, 0.01, 0.03, 0.1],
            offsets: true,
            unanimity_grid: vec![0.8, 0.9, 0.95, 0.99],
        }
    }
}

/// The fold of each row: whole groups are dealt to folds in a seeded order.
pub fn group_folds(groups: &[usize], folds: usize, seed: u64) -> Vec<usize> {
    let n_groups = groups.iter().max().map_or(0, |g| g + 1);
    let mut order: Vec<usize> = (0..n_groups).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    let mut fold_of_group = vec![0; n_groups];
    for (i, g) in order.iter().enumerate() {
        fold_of_group[*g] = i % folds.max(1);
    }
    groups.iter().map(|g| fold_of_group[*g]).collect()
}

/// Standardisation and a fitted regression.
struct Fitted {
    mean: Vec<f64>,
    scale: Vec<f64>,
    model: logreg::LogReg,
}

fn fit(x: &Array2<f64>, y: &[usize], c: f64) -> Fitted {
    let mean = x.mean_axis(Axis(0)).expect("rows").to_vec();
    let scale: Vec<f64> = x
        .std_axis(Axis(0), 0.0)
        .iter()
        .map(|s| if *s > 1e-12 { *s } else { 1.0 })
        .collect();
    let z = standardise(x, &mean, &scale);
    let opts = LogRegOptions {
        c,
        ..LogRegOptions::default()
    };
    Fitted {
        model: logreg::fit(z.view(), y, 3, &opts),
        mean,
        scale,
    }
}

fn standardise(x: &Array2<f64>, mean: &[f64], scale: &[f64]) -> Array2<f64> {
    let mut z = x.clone();
    for mut row in z.rows_mut() {
        for ((v, m), s) in row.iter_mut().zip(mean).zip(scale) {
            *v = (*v - m) / s;
        }
    }
    z
}

impl Fitted {
    fn proba(&self, x: &Array2<f64>) -> Array2<f64> {
        self.model
            .predict_proba(standardise(x, &self.mean, &self.scale).view())
    }
}

fn rows(x: &Array2<f64>, idx: &[usize]) -> Array2<f64> {
    x.select(Axis(0), idx)
}

/// The labels the offsets pick, except where the unanimity rule (`forced`) decides.
fn labels_of(probs: &Array2<f64>, offsets: &[f64; 3], forced: &[Option<Label>]) -> Vec<Label> {
    probs
        .rows()
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            forced.get(i).copied().flatten().unwrap_or_else(|| {
                attitude::label_with_offsets(&[r[0] as f32, r[1] as f32, r[2] as f32], offsets)
            })
        })
        .collect()
}

/// The unanimity rule's label of each row of `x` for `threshold` (none: no rule).
fn forced_labels(x: &Array2<f64>, threshold: Option<f64>) -> Vec<Option<Label>> {
    x.rows()
        .into_iter()
        .map(|r| threshold.and_then(|t| attitude::unanimous_label(r.as_slice()?, t)))
        .collect()
}

/// The rule's thresholds to try: the grid, or no rule when it is empty.
fn thresholds(opts: &AttitudeOptions) -> Vec<Option<f64>> {
    if opts.unanimity_grid.is_empty() {
        vec![None]
    } else {
        opts.unanimity_grid.iter().map(|t| Some(*t)).collect()
    }
}

/// Out-of-fold probabilities of `x` for one C, folds by group.
fn out_of_fold(
    x: &Array2<f64>,
    y: &[usize],
    groups: &[usize],
    c: f64,
    opts: &AttitudeOptions,
) -> Array2<f64> {
    let fold = group_folds(groups, opts.folds, opts.seed);
    let mut probs = Array2::zeros((x.nrows(), 3));
    for f in 0..opts.folds {
        let (train, test): (Vec<usize>, Vec<usize>) = (0..x.nrows()).partition(|i| fold[*i] != f);
        if train.is_empty() || test.is_empty() {
            continue;
        }
        let ty: Vec<usize> = train.iter().map(|i| y[*i]).collect();
        let fitted = fit(&rows(x, &train), &ty, c);
        let p = fitted.proba(&rows(x, &test));
        for (k, i) in test.iter().enumerate() {
            probs.row_mut(*i).assign(&p.row(k));
        }
    }
    probs
}

/// The offsets (negative, positive; neutral stays 0) that give the best F1m on `probs`, the
/// rows in `forced` labelled by the rule.
fn best_offsets(probs: &Array2<f64>, gold: &[Label], forced: &[Option<Label>]) -> ([f64; 3], f64) {
    let grid: Vec<f64> = (-15..=15).map(|i| f64::from(i) * 0.1).collect();
    let mut best = (
        [0.0; 3],
        Evaluation::new(gold, &labels_of(probs, &[0.0; 3], forced)).f1m,
    );
    for &neg in &grid {
        for &pos in &grid {
            let o = [neg, 0.0, pos];
            let f1m = Evaluation::new(gold, &labels_of(probs, &o, forced)).f1m;
            // Strictly better only: among ties the first (smallest shifts) stays.
            if f1m > best.1 + 1e-12 {
                best = (o, f1m);
            }
        }
    }
    best
}

/// What the inner cross-validation chose.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Choice {
    c: f64,
    offsets: [f64; 3],
    unanimity: Option<f64>,
}

/// C, the offsets and the rule's threshold chosen by cross-validation on these rows, with the
/// best F1m of each C.
fn choose(
    x: &Array2<f64>,
    gold: &[Label],
    groups: &[usize],
    opts: &AttitudeOptions,
) -> (Choice, Vec<(f64, f64)>) {
    let y: Vec<usize> = gold.iter().map(|l| l.index()).collect();
    let rules: Vec<(Option<f64>, Vec<Option<Label>>)> = thresholds(opts)
        .into_iter()
        .map(|t| (t, forced_labels(x, t)))
        .collect();
    let mut best = (
        Choice {
            c: opts.c_grid[0],
            offsets: [0.0; 3],
            unanimity: None,
        },
        f64::NEG_INFINITY,
    );
    let mut grid = Vec::new();
    for &c in &opts.c_grid {
        let probs = out_of_fold(x, &y, groups, c, opts);
        let mut best_of_c = f64::NEG_INFINITY;
        for (unanimity, forced) in &rules {
            let (offsets, f1m) = if opts.offsets {
                best_offsets(&probs, gold, forced)
            } else {
                let labels = labels_of(&probs, &[0.0; 3], forced);
                ([0.0; 3], Evaluation::new(gold, &labels).f1m)
            };
            best_of_c = best_of_c.max(f1m);
            if f1m > best.1 + 1e-12 {
                let unanimity = *unanimity;
                best = (
                    Choice {
                        c,
                        offsets,
                        unanimity,
                    },
                    f1m,
                );
            }
        }
        grid.push((c, best_of_c));
    }
    (best.0, grid)
}

/// Nested cross-validation: per outer fold, C and the offsets are chosen by an inner
/// cross-validation on the other folds, then fitted there and scored on this one.
#[derive(Debug, Clone, Serialize)]
pub struct CvReport {
    pub learned: Evaluation,
    /// The old rule on the same paragraphs.
    pub mean_rule: Evaluation,
    /// C chosen in each outer fold.
    pub c_per_fold: Vec<f64>,
    /// The unanimity threshold chosen in each outer fold.
    pub unanimity_per_fold: Vec<Option<f64>>,
    /// The out-of-fold probabilities and labels, per paragraph.
    #[serde(skip)]
    pub predictions: Vec<Prediction>,
}

pub fn cross_validate(data: &AttitudeData, opts: &AttitudeOptions) -> CvReport {
    let n = data.gold.len();
    let fold = group_folds(&data.groups, opts.folds, opts.seed);
    let mut preds = vec![Prediction::from_probs([0.0, 1.0, 0.0]); n];
    let mut c_per_fold = Vec::new();
    let mut unanimity_per_fold = Vec::new();
    for f in 0..opts.folds {
        let (train, test): (Vec<usize>, Vec<usize>) = (0..n).partition(|i| fold[*i] != f);
        if train.is_empty() || test.is_empty() {
            continue;
        }
        let tx = rows(&data.x, &train);
        let tgold: Vec<Label> = train.iter().map(|i| data.gold[*i]).collect();
        let tgroups: Vec<usize> = train.iter().map(|i| data.groups[*i]).collect();
        // The inner folds use another seed so they do not line up with the outer ones.
        let inner = AttitudeOptions {
            seed: opts.seed.wrapping_add(1 + f as u64),
            ..opts.clone()
        };
        let (choice, _) = choose(&tx, &tgold, &tgroups, &inner);
        c_per_fold.push(choice.c);
        unanimity_per_fold.push(choice.unanimity);
        let ty: Vec<usize> = tgold.iter().map(|l| l.index()).collect();
        let fitted = fit(&tx, &ty, choice.c);
        let test_x = rows(&data.x, &test);
        let p = fitted.proba(&test_x);
        let labels = labels_of(
            &p,
            &choice.offsets,
            &forced_labels(&test_x, choice.unanimity),
        );
        for (k, i) in test.iter().enumerate() {
            let probs = [p[[k, 0]] as f32, p[[k, 1]] as f32, p[[k, 2]] as f32];
            let mut pred = Prediction::from_probs(probs);
            pred.label = labels[k];
            preds[*i] = pred;
        }
    }
    let labels: Vec<Label> = preds.iter().map(|p| p.label).collect();
    CvReport {
        learned: Evaluation::new(&data.gold, &labels),
        mean_rule: Evaluation::new(&data.gold, &data.mean_rule),
        c_per_fold,
        unanimity_per_fold,
        predictions: preds,
    }
}

/// Where the training data came from, for the file's metadata.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub mention_model: String,
    /// [`attitude::mention_identity`] of the scorer.
    pub mention_identity: String,
    pub training_data: String,
    pub training_sha256: String,
}

/// The final aggregation: C and offsets chosen by cross-validation on all rows, fitted on all.
pub fn train(
    data: &AttitudeData,
    opts: &AttitudeOptions,
    provenance: &Provenance,
    cv: &CvReport,
) -> AttitudeModel {
    let (choice, grid) = choose(&data.x, &data.gold, &data.groups, opts);
    let Choice {
        c,
        offsets,
        unanimity,
    } = choice;
    let y: Vec<usize> = data.gold.iter().map(|l| l.index()).collect();
    let fitted = fit(&data.x, &y, c);
    let round = |v: f64| (v * 1e4).round() / 1e4;
    let summary = |e: &Evaluation| {
        serde_json::json!({
            "f1m": round(e.f1m),
            "accuracy": round(e.accuracy),
            "recall": [round(e.per_class.negative.recall), round(e.per_class.neutral.recall), round(e.per_class.positive.recall)],
        })
    };
    AttitudeModel {
        format: "themescope-attitude-v1".into(),
        features: FEATURES.iter().map(|s| s.to_string()).collect(),
        meta: AttitudeMeta {
            mention_model: provenance.mention_model.clone(),
            mention_identity: provenance.mention_identity.clone(),
            training_data: provenance.training_data.clone(),
            training_sha256: provenance.training_sha256.clone(),
            n_train: data.gold.len(),
            seed: opts.seed,
            folds: opts.folds,
            c,
            recipe: format!(
                "multinomial logistic regression, L2, balanced class weights, L-BFGS, over the \
                 pooled features; C from {:?}, class offsets (negative, positive in -1.5..1.5 \
                 step 0.1) and the unanimity rule's threshold from {:?} chosen by {}-fold \
                 cross-validation grouped by document, seed {}",
                opts.c_grid, opts.unanimity_grid, opts.folds, opts.seed
            ),
            cv: serde_json::json!({
                "nested_learned": summary(&cv.learned),
                "mean_rule": summary(&cv.mean_rule),
                "c_per_fold": cv.c_per_fold,
                "unanimity_per_fold": cv.unanimity_per_fold,
                "grid_f1m": grid.iter().map(|(c, f)| [*c, round(*f)]).collect::<Vec<_>>(),
            }),
        },
        mean: fitted.mean,
        scale: fitted.scale,
        weight: fitted
            .model
            .weight
            .rows()
            .into_iter()
            .map(|r| r.to_vec())
            .collect(),
        bias: fitted.model.bias.to_vec(),
        offsets: offsets.to_vec(),
        unanimity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_groups_together_and_are_seeded() {
        let groups = [0, 0, 1, 1, 1, 2, 3, 3, 4, 5];
        let f = group_folds(&groups, 3, 7);
        for i in 0..groups.len() {
            for j in 0..groups.len() {
                if groups[i] == groups[j] {
                    assert_eq!(f[i], f[j]);
                }
            }
        }
        assert!(f.iter().all(|k| *k < 3));
        assert_eq!(f, group_folds(&groups, 3, 7));
        let used: std::collections::BTreeSet<usize> = f.iter().copied().collect();
        assert_eq!(used.len(), 3);
    }

    #[test]
    fn offsets_are_chosen_for_macro_f1() {
        // The model leans negative: every row's p(negative) is a little too high.
        let probs = ndarray::array![
            [0.5, 0.2, 0.3],
            [0.5, 0.2, 0.3],
            [0.6, 0.3, 0.1],
            [0.2, 0.6, 0.2]
        ];
        let gold = [
            Label::Positive,
            Label::Positive,
            Label::Negative,
            Label::Neutral,
        ];
        let (o, f1m) = best_offsets(&probs, &gold, &[]);
        assert_eq!(f1m, 1.0);
        assert_eq!(labels_of(&probs, &o, &[]), gold);
    }
}
