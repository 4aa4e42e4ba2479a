//! Evaluating a scoring method (the head or VADER) on NewsMTSC targets or PerSenT paragraphs.

use std::path::Path;

use serde::Serialize;

use super::data::{Dataset, PersentParagraph};
use super::metrics::Reliability;
use super::{train, Evaluation};
use crate::actors::{Actor, ActorKind, ActorSet, MentionMatcher};
use crate::corpus::{Document, ReadOptions};
use crate::sentiment::features::TargetRef;
use crate::sentiment::{Label, Method, Prediction, Scorer, SentimentError};

/// An evaluation with what was evaluated. Serialises flat: `accuracy`, `f1m`, `per_class`,
/// `confusion`, `n`, then `method`, `format`, and for PerSenT `named` and `coverage`.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    #[serde(flatten)]
    pub evaluation: Evaluation,
    pub method: Method,
    /// "newsmtsc" or "persent".
    pub format: &'static str,
    /// PerSenT: the paragraphs that name the target (the rest are predicted neutral).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named: Option<Evaluation>,
    /// PerSenT: the share of paragraphs that name the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// Confidence against accuracy (PerSenT: over the paragraphs that name the target); the
    /// CLI keeps it only with `--calibration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Reliability>,
}

/// Bins of the reliability table.
pub const RELIABILITY_BINS: usize = 10;

/// The reliability of predictions against gold labels; confidence is the probability given to
/// the predicted class.
pub fn reliability(gold: &[Label], preds: &[Prediction]) -> Reliability {
    let confidence: Vec<f64> = preds
        .iter()
        .map(|p| f64::from(p.probs[p.label.index()]))
        .collect();
    let correct: Vec<bool> = gold.iter().zip(preds).map(|(g, p)| *g == p.label).collect();
    Reliability::new(&confidence, &correct, RELIABILITY_BINS)
}

impl EvalReport {
    pub fn to_text(&self) -> String {
        let mut out = format!("{} on {}\n", self.method.as_str(), self.format);
        out.push_str(&self.evaluation.to_text());
        if let (Some(named), Some(coverage)) = (&self.named, self.coverage) {
            out.push_str(&format!(
                "\nparagraphs that name the target ({:.1}% of all):\n{}",
                coverage * 100.0,
                named.to_text()
            ));
        }
        if let Some(r) = &self.calibration {
            out.push('\n');
            out.push_str(&r.to_text());
        }
        out
    }
}

/// Scores a NewsMTSC dataset; the head reuses the full feature matrix kept in `cache` (the
/// one training computes), when given a folder.
fn score_dataset(
    scorer: &dyn Scorer,
    data: &Dataset,
    cache: Option<&Path>,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<Prediction>, SentimentError> {
    let (Some(dir), Some((head, embedder))) = (cache, scorer.head()) else {
        let targets = data.target_refs();
        return scorer.score(&targets, progress);
    };
    let mut last = 0;
    let full = train::dataset_features(embedder, data, Some(dir), &mut |e| {
        if let train::TrainEvent::Features { done, .. } = e {
            progress(done - last);
            last = done;
        }
    })?;
    let cols = head.meta.recipe.columns_in_full(head.meta.encoder_dim);
    Ok(head.predict(full.select(ndarray::Axis(1), &cols).view()))
}

/// Scores every NewsMTSC target.
pub fn eval_newsmtsc(
    scorer: &dyn Scorer,
    data: &Dataset,
    cache: Option<&Path>,
    progress: &mut dyn FnMut(usize),
) -> Result<EvalReport, SentimentError> {
    let preds = score_dataset(scorer, data, cache, progress)?;
    let gold: Vec<Label> = data.targets.iter().map(|t| t.label).collect();
    let labels: Vec<Label> = preds.iter().map(|p| p.label).collect();
    Ok(EvalReport {
        evaluation: Evaluation::new(&gold, &labels),
        method: scorer.method(),
        format: "newsmtsc",
        named: None,
        coverage: None,
        calibration: Some(reliability(&gold, &preds)),
    })
}

/// The actor a PerSenT target stands for: the full name, and the surname when the name has
/// several words.
pub fn persent_actor(target: &str) -> Actor {
    let name = target.split_whitespace().collect::<Vec<_>>().join(" ");
    let words: Vec<&str> = name.split(' ').collect();
    let mut aliases = Vec::new();
    if words.len() > 1 {
        if let Some(last) = words.last().filter(|w| w.chars().count() > 1) {
            aliases.push(last.to_string());
        }
    }
    Actor {
        name,
        kind: ActorKind::Person,
        aliases,
    }
}

/// Scores each PerSenT paragraph by the mean of its mentions' probabilities (mentions of the
/// target's name or surname, each scored on its sentence); a paragraph without one is neutral.
pub fn eval_persent(
    scorer: &dyn Scorer,
    paragraphs: &[PersentParagraph],
    progress: &mut dyn FnMut(usize),
) -> Result<EvalReport, SentimentError> {
    let opts = ReadOptions {
        strip_boilerplate: false,
        ..ReadOptions::default()
    };
    // Each paragraph: its sentences' texts and the target spans in them.
    let mut owned: Vec<(usize, String, std::ops::Range<usize>)> = Vec::new();
    for (k, p) in paragraphs.iter().enumerate() {
        let set = ActorSet {
            actors: vec![persent_actor(&p.target)],
            not_actors: Vec::new(),
            namesakes: Vec::new(),
        };
        let matcher = MentionMatcher::new(&set);
        let doc = Document::from_text("p", p.text.clone(), &opts);
        let sentences: Vec<std::ops::Range<usize>> = doc.sentence_spans().cloned().collect();
        for m in matcher.find(&doc.text) {
            let s = sentences
                .iter()
                .find(|s| s.start <= m.span.start && m.span.end <= s.end)
                .cloned()
                .unwrap_or(0..doc.text.len());
            let text = doc.text[s.clone()].to_string();
            owned.push((k, text, m.span.start - s.start..m.span.end - s.start));
        }
    }
    let targets: Vec<TargetRef<'_>> = owned
        .iter()
        .map(|(_, text, span)| TargetRef {
            text,
            span: span.clone(),
        })
        .collect();
    let preds = scorer.score(&targets, &mut |_| {})?;
    let mut per_paragraph: Vec<Vec<Prediction>> = vec![Vec::new(); paragraphs.len()];
    for ((k, _, _), p) in owned.iter().zip(preds) {
        per_paragraph[*k].push(p);
    }
    progress(paragraphs.len());
    let gold: Vec<Label> = paragraphs.iter().map(|p| p.label).collect();
    let mut all = Vec::with_capacity(paragraphs.len());
    let (mut named_gold, mut named_pred) = (Vec::new(), Vec::new());
    let mut named_scored = Vec::new();
    for (g, preds) in gold.iter().zip(&per_paragraph) {
        let label = match scorer.method() {
            // VADER's label comes from the mean compound, the head's from the mean probabilities.
            Method::Vader => {
                let mean = preds.iter().map(|p| p.score).sum::<f32>() / preds.len().max(1) as f32;
                if preds.is_empty() {
                    None
                } else if f64::from(mean) >= crate::sentiment::vader::THRESHOLD {
                    Some(Label::Positive)
                } else if f64::from(mean) <= -crate::sentiment::vader::THRESHOLD {
                    Some(Label::Negative)
                } else {
                    Some(Label::Neutral)
                }
            }
            Method::Head => Prediction::mean(preds).map(|p| p.label),
        };
        if let (Some(l), Some(mut mean)) = (label, Prediction::mean(preds)) {
            named_gold.push(*g);
            named_pred.push(l);
            mean.label = l;
            named_scored.push(mean);
        }
        all.push(label.unwrap_or(Label::Neutral));
    }
    Ok(EvalReport {
        evaluation: Evaluation::new(&gold, &all),
        method: scorer.method(),
        format: "persent",
        coverage: Some(named_gold.len() as f64 / paragraphs.len().max(1) as f64),
        named: Some(Evaluation::new(&named_gold, &named_pred)),
        calibration: Some(reliability(&named_gold, &named_scored)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::vader::Vader;

    #[test]
    fn persent_targets_match_by_name_and_surname() {
        let a = persent_actor("Benjamin  Koellmann");
        assert_eq!(a.name, "Benjamin Koellmann");
        assert_eq!(a.aliases, ["Koellmann"]);
        assert!(persent_actor("Madonna").aliases.is_empty());
    }

    #[test]
    fn persent_paragraphs_without_a_mention_are_neutral() {
        let vader = Vader::from_pairs([("praised", 2.0), ("failed", -2.0)]);
        let p = |text: &str, label| PersentParagraph {
            doc_index: 0,
            para_idx: 0,
            target: "Ann Lee".into(),
            text: text.into(),
            label,
            title: None,
            line: 1,
        };
        let paragraphs = [
            p(
                "Critics praised Lee. The weather was fine.",
                Label::Positive,
            ),
            p("Ann Lee failed.", Label::Negative),
            p("She went home.", Label::Neutral),
        ];
        let r = eval_persent(&vader, &paragraphs, &mut |_| {}).unwrap();
        assert_eq!(r.evaluation.accuracy, 1.0);
        assert_eq!(r.coverage, Some(2.0 / 3.0));
        assert_eq!(r.named.as_ref().unwrap().n, 2);
        let json = serde_json::to_value(&r).unwrap();
        for key in ["accuracy", "f1m", "per_class", "confusion", "n"] {
            assert!(json.get(key).is_some(), "{key}");
        }
    }
}
