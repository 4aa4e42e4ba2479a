//! Aggregation of scored mentions: per actor per paragraph (the mean over its mentions), per
//! document, per theme (when paragraphs have themes) and over the corpus, with counts of
//! negative, neutral and positive mentions, the standard deviation and a seeded bootstrap
//! interval of the mean over paragraphs (`bootstrap`). Actors with fewer mentions than the
//! minimum are listed, not ranked.

use std::collections::BTreeMap;

use serde::Serialize;

use super::attitude::Attitudes;
use super::bootstrap;
use super::rng::SplitMix64;
use super::score::ScoredMention;
use super::{Label, Prediction};
use crate::actors::{ActorKind, ActorSet};

/// Aggregation settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateOptions {
    /// Actors with fewer mentions are listed but not ranked.
    pub min_mentions: usize,
    /// Bootstrap resamples for the interval of the mean (0: none).
    pub bootstrap: usize,
    pub seed: u64,
}

impl Default for AggregateOptions {
    fn default() -> Self {
        AggregateOptions {
            min_mentions: 3,
            bootstrap: 1000,
            seed: 42,
        }
    }
}

/// Summary of a set of mention scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub mentions: usize,
    /// Mean score (P(positive) − P(negative) for the head, compound for VADER).
    pub mean: f64,
    /// Standard deviation of the scores.
    pub std: f64,
    /// 95% bootstrap interval of the mean, resampling paragraphs (none with fewer than two).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<[f64; 2]>,
    pub negative: usize,
    pub neutral: usize,
    pub positive: usize,
}

/// One actor in one paragraph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphScore {
    pub doc_id: String,
    pub paragraph: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<usize>,
    pub mentions: usize,
    pub mean: f64,
    /// The paragraph's attitude toward the actor, learned from its mentions (absent when the
    /// aggregation does not fit the mention model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attitude: Option<Prediction>,
}

/// Statistics under a key (a document id or a theme).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyed<K> {
    pub key: K,
    #[serde(flatten)]
    pub stats: Stats,
    /// Documents: the attitude from their paragraphs' (see [`ParagraphScore::attitude`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attitude: Option<Prediction>,
}

/// Everything about one actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorSummary {
    pub actor: String,
    pub kind: ActorKind,
    /// Position by mean attitude among ranked actors, 1 = most negative; none below the minimum.
    pub rank: Option<usize>,
    #[serde(flatten)]
    pub overall: Stats,
    pub most_negative: Option<ParagraphScore>,
    pub most_positive: Option<ParagraphScore>,
    pub documents: Vec<Keyed<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<Keyed<usize>>,
    pub paragraphs: Vec<ParagraphScore>,
}

/// Mention scores with their labels and paragraphs (corpus rows).
type Scores = Vec<(f64, Label, usize)>;

fn stats(scores: &[(f64, Label, usize)], resamples: usize, rng: &mut SplitMix64) -> Stats {
    let n = scores.len();
    let mean = scores.iter().map(|s| s.0).sum::<f64>() / n.max(1) as f64;
    let var = scores.iter().map(|s| (s.0 - mean).powi(2)).sum::<f64>() / n.max(1) as f64;
    let count = |l: Label| scores.iter().filter(|s| s.1 == l).count();
    let by_paragraph: Vec<(f64, usize)> = scores.iter().map(|s| (s.0, s.2)).collect();
    let ci95 = bootstrap::interval(&bootstrap::paragraph_sums(&by_paragraph), resamples, rng);
    Stats {
        mentions: n,
        mean,
        std: var.sqrt(),
        ci95,
        negative: count(Label::Negative),
        neutral: count(Label::Neutral),
        positive: count(Label::Positive),
    }
}

/// Aggregates scored mentions per actor. `themes`, when given, holds one optional theme per
/// corpus paragraph in reading order (the rows of `corpus.units(Unit::Paragraph)`). Only actors
/// with at least one mention appear: ranked ones first (most negative first), then the rest by
/// mentions. `attitudes`, when given, adds each paragraph's and document's learned attitude.
pub fn aggregate(
    actors: &ActorSet,
    mentions: &[ScoredMention],
    themes: Option<&[Option<usize>]>,
    attitudes: Option<&Attitudes>,
    opts: &AggregateOptions,
) -> Vec<ActorSummary> {
    let mut rng = SplitMix64::new(opts.seed);
    let theme_of = |row: usize| themes.and_then(|t| t.get(row).copied().flatten());
    let mut by_actor: BTreeMap<usize, Vec<&ScoredMention>> = BTreeMap::new();
    for m in mentions {
        by_actor.entry(m.mention.actor).or_default().push(m);
    }
    let mut out = Vec::new();
    for (actor, ms) in by_actor {
        let Some(a) = actors.actors.get(actor) else {
            continue;
        };
        let score = |m: &&ScoredMention| {
            (
                f64::from(m.prediction.score),
                m.prediction.label,
                m.mention.row,
            )
        };
        let all: Scores = ms.iter().map(score).collect();
        let overall = stats(&all, opts.bootstrap, &mut rng);

        // Per paragraph, keyed by corpus row (reading order).
        let mut paragraphs: BTreeMap<usize, Vec<&ScoredMention>> = BTreeMap::new();
        for m in &ms {
            paragraphs.entry(m.mention.row).or_default().push(m);
        }
        let paragraphs: Vec<ParagraphScore> = paragraphs
            .into_iter()
            .map(|(row, pm)| ParagraphScore {
                doc_id: pm[0].mention.doc_id.clone(),
                paragraph: pm[0].mention.paragraph,
                theme: theme_of(row),
                mentions: pm.len(),
                mean: pm
                    .iter()
                    .map(|m| f64::from(m.prediction.score))
                    .sum::<f64>()
                    / pm.len() as f64,
                attitude: attitudes.and_then(|a| a.paragraphs.get(&(actor, row)).copied()),
            })
            .collect();
        // Extremes: the first paragraph in reading order wins a tie.
        let pick = |better: fn(f64, f64) -> bool| {
            paragraphs
                .iter()
                .fold(None::<&ParagraphScore>, |best, p| match best {
                    Some(b) if !better(p.mean, b.mean) => Some(b),
                    _ => Some(p),
                })
                .cloned()
        };
        let most_negative = pick(|a, b| a < b);
        let most_positive = pick(|a, b| a > b);

        // (document id, document index, its scores) in reading order.
        let mut docs: Vec<(String, usize, Scores)> = Vec::new();
        for m in &ms {
            match docs.last_mut() {
                Some((id, _, v)) if *id == m.mention.doc_id => v.push(score(m)),
                _ => docs.push((m.mention.doc_id.clone(), m.mention.doc, vec![score(m)])),
            }
        }
        let documents = docs
            .into_iter()
            .map(|(key, doc, v)| Keyed {
                key,
                stats: stats(&v, opts.bootstrap, &mut rng),
                attitude: attitudes.and_then(|a| a.documents.get(&(actor, doc)).copied()),
            })
            .collect();
        let mut by_theme: BTreeMap<usize, Scores> = BTreeMap::new();
        for m in &ms {
            if let Some(t) = theme_of(m.mention.row) {
                by_theme.entry(t).or_default().push(score(m));
            }
        }
        let themes = by_theme
            .into_iter()
            .map(|(key, v)| Keyed {
                key,
                stats: stats(&v, opts.bootstrap, &mut rng),
                attitude: None,
            })
            .collect();
        out.push(ActorSummary {
            actor: a.name.clone(),
            kind: a.kind,
            rank: None,
            overall,
            most_negative,
            most_positive,
            documents,
            themes,
            paragraphs,
        });
    }
    let ranked = |s: &ActorSummary| s.overall.mentions >= opts.min_mentions.max(1);
    out.sort_by(|a, b| match (ranked(a), ranked(b)) {
        (true, true) => a
            .overall
            .mean
            .total_cmp(&b.overall.mean)
            .then_with(|| a.actor.cmp(&b.actor)),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => b
            .overall
            .mentions
            .cmp(&a.overall.mentions)
            .then_with(|| a.actor.cmp(&b.actor)),
    });
    let mut rank = 0;
    for s in &mut out {
        if ranked(s) {
            rank += 1;
            s.rank = Some(rank);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::Actor;
    use crate::sentiment::score::CorpusMention;
    use crate::sentiment::Prediction;

    fn mention(actor: usize, doc: &str, row: usize, probs: [f32; 3]) -> ScoredMention {
        ScoredMention {
            mention: CorpusMention {
                doc: 0,
                doc_id: doc.into(),
                paragraph: row,
                row,
                actor,
                actor_name: String::new(),
                alias: String::new(),
                text: String::new(),
                span: 0..0,
                chars: 0..0,
                sentence: 0..0,
            },
            prediction: Prediction::from_probs(probs),
        }
    }

    fn actors() -> ActorSet {
        let a = |n: &str| Actor {
            name: n.into(),
            kind: ActorKind::Person,
            aliases: vec![],
        };
        ActorSet {
            actors: vec![a("A"), a("B"), a("C")],
            ..ActorSet::default()
        }
    }

    #[test]
    fn per_paragraph_document_theme_and_corpus() {
        let ms = vec![
            mention(0, "d1", 0, [0.8, 0.1, 0.1]),
            mention(0, "d1", 0, [0.6, 0.2, 0.2]),
            mention(0, "d2", 2, [0.1, 0.1, 0.8]),
            mention(1, "d1", 1, [0.1, 0.2, 0.7]),
            mention(1, "d1", 1, [0.1, 0.2, 0.7]),
            mention(1, "d2", 2, [0.2, 0.2, 0.6]),
            mention(2, "d2", 2, [0.9, 0.1, 0.0]),
        ];
        let themes = [Some(0), None, Some(1)];
        let opts = AggregateOptions {
            min_mentions: 2,
            ..Default::default()
        };
        let out = aggregate(&actors(), &ms, Some(&themes), None, &opts);
        let names: Vec<_> = out.iter().map(|s| (s.actor.as_str(), s.rank)).collect();
        assert_eq!(names, [("A", Some(1)), ("B", Some(2)), ("C", None)]);
        let a = &out[0];
        assert_eq!(a.overall.mentions, 3);
        assert_eq!(
            (a.overall.negative, a.overall.neutral, a.overall.positive),
            (2, 0, 1)
        );
        assert!((a.overall.mean - (-0.7 - 0.4 + 0.7) / 3.0).abs() < 1e-6);
        let [lo, hi] = a.overall.ci95.unwrap();
        assert!(lo <= a.overall.mean && a.overall.mean <= hi);
        assert_eq!(a.paragraphs.len(), 2);
        assert!((a.paragraphs[0].mean + 0.55).abs() < 1e-6);
        assert_eq!(a.most_negative.as_ref().unwrap().paragraph, 0);
        assert_eq!(a.most_positive.as_ref().unwrap().doc_id, "d2");
        assert_eq!(a.documents.len(), 2);
        assert_eq!(a.themes.iter().map(|t| t.key).collect::<Vec<_>>(), [0, 1]);
        // Same seed, same intervals.
        assert_eq!(out, aggregate(&actors(), &ms, Some(&themes), None, &opts));
        let none = aggregate(&actors(), &ms, None, None, &opts);
        assert!(none.iter().all(|s| s.themes.is_empty()));
    }
}
