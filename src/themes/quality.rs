//! How good the themes' words are, measured as the topic-model literature does: the NPMI
//! coherence of each theme's top-10 words ([`super::phrases::topwords`]) against the corpus
//! (co-occurrence in sliding windows of 10 tokens, as gensim's `c_npmi` counts them), and topic
//! diversity (the share of distinct words among all themes' top-10 words).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::phrases::topwords::split_words as words;

/// Tokens per sliding window.
pub const WINDOW: usize = 10;
/// Added to a pair's probability inside the logarithms, as gensim does.
const EPSILON: f64 = 1e-12;

/// The label quality of a set of themes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelQuality {
    /// Mean NPMI over the themes, in `[-1, 1]`; higher: words that occur together.
    pub npmi: f32,
    /// Distinct words over all top words, in `(0, 1]`; higher: themes told apart.
    pub diversity: f32,
    /// Each theme's NPMI, in theme order.
    pub per_theme: Vec<f32>,
}

/// Share of distinct words among all themes' top words (1 when no word is shared).
pub fn diversity(topics: &[Vec<String>]) -> f32 {
    let all: usize = topics.iter().map(Vec::len).sum();
    let distinct: HashSet<&String> = topics.iter().flatten().collect();
    match all {
        0 => 0.0,
        _ => distinct.len() as f32 / all as f32,
    }
}

/// Each topic's mean NPMI over its word pairs, counted in sliding windows over `texts`.
pub fn npmi(texts: &[&str], topics: &[Vec<String>]) -> Vec<f32> {
    let mut id_of: HashMap<&str, u32> = HashMap::new();
    for w in topics.iter().flatten() {
        let next = id_of.len() as u32;
        id_of.entry(w.as_str()).or_insert(next);
    }
    let ids: Vec<Vec<u32>> = topics
        .iter()
        .map(|t| t.iter().map(|w| id_of[w.as_str()]).collect())
        .collect();
    let wanted: HashSet<(u32, u32)> = ids.iter().flat_map(|t| pairs(t)).collect();
    let counts = count_windows(texts, &id_of, &wanted);
    ids.iter()
        .map(|t| {
            let scores: Vec<f64> = pairs(t).filter_map(|p| counts.npmi(p)).collect();
            match scores.len() {
                0 => 0.0,
                n => (scores.iter().sum::<f64>() / n as f64) as f32,
            }
        })
        .collect()
}

/// NPMI and diversity of the themes' top words (lower-case, one list per theme).
pub fn measure(texts: &[&str], topics: &[Vec<String>]) -> LabelQuality {
    let per_theme: Vec<f32> = npmi(texts, topics).into_iter().map(round4).collect();
    let mean = match per_theme.len() {
        0 => 0.0,
        n => per_theme.iter().sum::<f32>() / n as f32,
    };
    LabelQuality {
        npmi: round4(mean),
        diversity: round4(diversity(topics)),
        per_theme,
    }
}

fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

/// Unordered pairs of a topic's words (smaller id first).
fn pairs(ids: &[u32]) -> impl Iterator<Item = (u32, u32)> + '_ {
    ids.iter()
        .enumerate()
        .flat_map(move |(i, &a)| ids[i + 1..].iter().map(move |&b| (a.min(b), a.max(b))))
}

/// Windows holding each word and each wanted pair.
struct WindowCounts {
    windows: u64,
    word: HashMap<u32, u64>,
    pair: HashMap<(u32, u32), u64>,
}

impl WindowCounts {
    fn npmi(&self, (a, b): (u32, u32)) -> Option<f64> {
        let n = self.windows as f64;
        let (ca, cb) = (*self.word.get(&a)?, *self.word.get(&b)?);
        let joint = self.pair.get(&(a, b)).copied().unwrap_or(0) as f64 / n + EPSILON;
        let ratio = joint.ln() - (ca as f64 * cb as f64 / (n * n)).ln();
        Some(ratio / -joint.ln())
    }
}

/// Slides a window of [`WINDOW`] tokens over each text (a shorter text is one window) and
/// counts the windows holding each scored word and each wanted pair.
fn count_windows(
    texts: &[&str],
    id_of: &HashMap<&str, u32>,
    wanted: &HashSet<(u32, u32)>,
) -> WindowCounts {
    let mut counts = WindowCounts {
        windows: 0,
        word: HashMap::new(),
        pair: HashMap::new(),
    };
    for text in texts {
        // Only the scored words matter; others are kept as gaps so windows stay 10 tokens.
        let tokens: Vec<Option<u32>> = words(text)
            .map(|w| id_of.get(w.as_str()).copied())
            .collect();
        if tokens.is_empty() {
            continue;
        }
        for start in 0..=tokens.len().saturating_sub(WINDOW) {
            let end = (start + WINDOW).min(tokens.len());
            let mut present: Vec<u32> = tokens[start..end].iter().flatten().copied().collect();
            present.sort_unstable();
            present.dedup();
            counts.windows += 1;
            for (i, &a) in present.iter().enumerate() {
                *counts.word.entry(a).or_default() += 1;
                for &b in &present[i + 1..] {
                    if wanted.contains(&(a, b)) {
                        *counts.pair.entry((a, b)).or_default() += 1;
                    }
                }
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diversity_is_the_share_of_distinct_words() {
        let t = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(diversity(&[t(&["a", "b"]), t(&["c", "d"])]), 1.0);
        assert_eq!(diversity(&[t(&["a", "b"]), t(&["a", "b"])]), 0.5);
    }

    #[test]
    fn npmi_is_one_for_words_always_together_and_negative_for_words_never_together() {
        // Four short texts, each one window: "gas" and "pipeline" always together, "chips"
        // never with "gas".
        let texts = [
            "gas pipeline",
            "gas pipeline talks",
            "chips export",
            "chips rules",
        ];
        let t = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let scores = npmi(&texts, &[t(&["gas", "pipeline"]), t(&["gas", "chips"])]);
        // p(gas) = p(pipeline) = p(both) = 1/2: log(1/2 / 1/4) / -log(1/2) = 1.
        assert!((scores[0] - 1.0).abs() < 1e-6, "{scores:?}");
        // Never together: log(eps / 1/4) / -log(eps), close to -1.
        assert!(scores[1] < -0.9, "{scores:?}");
    }

    #[test]
    fn windows_slide_over_long_texts() {
        // 12 tokens: 3 windows of 10. "a" in windows 1 and 2 only (position 1), "z" at 11 in
        // window 3 only.
        let text = "x a x x x x x x x x x z";
        let t = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let topics = [t(&["a", "z"])];
        let mut id_of = HashMap::new();
        id_of.insert("a", 0u32);
        id_of.insert("z", 1u32);
        let wanted: HashSet<(u32, u32)> = [(0, 1)].into_iter().collect();
        let counts = count_windows(&[text], &id_of, &wanted);
        assert_eq!(counts.windows, 3);
        assert_eq!(counts.word[&0], 2);
        assert_eq!(counts.word[&1], 1);
        assert!(!counts.pair.contains_key(&(0, 1)));
        assert!(npmi(&[text], &topics)[0] < 0.0);
    }
}
