//! How good the themes' words are, measured as the topic-model literature does: the NPMI
//! coherence of each theme's top-10 words ([`super::phrases::topwords`]) against the corpus, and
//! topic diversity (the share of distinct words among all themes' top-10 words).
//!
//! NPMI is counted as gensim's `c_npmi` counts it on a corpus preprocessed the way
//! `bench/npmi_score.py` preprocesses its reference (the protocol of the BERTopic paper), so
//! that the figure in `themes.json` is the figure the bench reports for the same words: every
//! text is lower-cased and split into words, words of one letter, numbers and stop words are
//! dropped (from the texts *and* from the top words), and windows of 10 of the remaining words
//! slide over each text; a text shorter than a window is one window (an empty one too). Like
//! gensim 4, a window forgets the word that just left it even when the word occurs again
//! inside it: on AG News at k = 10–50 this counting reproduces gensim's figure to 4 decimals
//! with scikit-learn's stop words, where counting every occurrence gives 0.002–0.014 more.
//! With the built-in English stop words (the default) `themes.json` reports 0.1801 and 0.2556
//! at k = 10 and 50 where the bench's gensim gives 0.1848 and 0.2572 for the same words.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::phrases::topwords::{is_content, split_words as words};
use super::phrases::StopWords;

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

/// Each topic's mean NPMI over its word pairs, counted in sliding windows over `texts` (see the
/// module doc). Stop words, numbers and one-letter words are left out of the topics and the texts.
pub fn npmi(texts: &[&str], topics: &[Vec<String>], stop: &StopWords) -> Vec<f32> {
    let counts = WindowCounts::count(texts, vocabulary(topics), stop);
    topics.iter().map(|t| counts.topic_npmi(t)).collect()
}

/// NPMI and diversity of the themes' top words (lower-case, one list per theme), against the
/// corpus `texts`.
pub fn measure(texts: &[&str], topics: &[Vec<String>], stop: &StopWords) -> LabelQuality {
    measure_counted(
        &WindowCounts::count(texts, vocabulary(topics), stop),
        topics,
    )
}

/// [`measure`] from window counts of the corpus that hold every top word.
pub fn measure_counted(counts: &WindowCounts, topics: &[Vec<String>]) -> LabelQuality {
    let per_theme: Vec<f32> = topics
        .iter()
        .map(|t| round4(counts.topic_npmi(t)))
        .collect();
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

/// The distinct words of `lists`, sorted.
pub fn vocabulary(lists: &[Vec<String>]) -> Vec<String> {
    let words: std::collections::BTreeSet<&String> = lists.iter().flatten().collect();
    words.into_iter().cloned().collect()
}

fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

/// Windows of a corpus holding each word of a vocabulary and each pair of them (see the module
/// doc for what a window holds). Counts of blocks of a corpus add up ([`WindowCounts::append`]),
/// so a corpus spread over machines is counted block by block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowCounts {
    /// The counted words, sorted; a word's id is its index.
    vocab: Vec<String>,
    windows: u64,
    /// Windows holding each word, by id.
    word: Vec<u64>,
    /// Windows holding each pair that occurs, keyed `smaller id << 32 | larger id` (written
    /// in key order, so equal counts are equal bytes).
    #[serde(serialize_with = "in_key_order")]
    pair: HashMap<u64, u64>,
}

fn in_key_order<S: serde::Serializer>(pair: &HashMap<u64, u64>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pair.iter().collect::<std::collections::BTreeMap<_, _>>())
}

/// Counts of blocks with different vocabularies cannot be added.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("window counts of {theirs} words cannot be added to counts of {ours} other words: count every block with the same vocabulary")]
pub struct VocabularyMismatch {
    pub ours: usize,
    pub theirs: usize,
}

impl WindowCounts {
    /// Counts the windows of `texts` for the content words of `vocab` (sorted and deduplicated
    /// here; stop words, numbers and one-letter words are never counted).
    pub fn count(texts: &[&str], mut vocab: Vec<String>, stop: &StopWords) -> Self {
        vocab.retain(|w| is_content(w, stop));
        vocab.sort_unstable();
        vocab.dedup();
        let id_of: HashMap<&str, u32> = vocab
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i as u32))
            .collect();
        let mut counts = WindowCounts {
            windows: 0,
            word: vec![0; vocab.len()],
            pair: HashMap::new(),
            vocab: Vec::new(),
        };
        for text in texts {
            counts.count_text(text, &id_of, stop);
        }
        counts.vocab = vocab;
        counts
    }

    /// The counted words, sorted.
    pub fn vocab(&self) -> &[String] {
        &self.vocab
    }

    /// Adds the counts of another block of the corpus, counted with the same vocabulary.
    pub fn append(&mut self, other: &WindowCounts) -> Result<(), VocabularyMismatch> {
        if self.vocab != other.vocab {
            return Err(VocabularyMismatch {
                ours: self.vocab.len(),
                theirs: other.vocab.len(),
            });
        }
        self.windows += other.windows;
        for (mine, theirs) in self.word.iter_mut().zip(&other.word) {
            *mine += theirs;
        }
        for (key, n) in &other.pair {
            *self.pair.entry(*key).or_default() += n;
        }
        Ok(())
    }

    fn id(&self, word: &str) -> Option<u32> {
        self.vocab
            .binary_search_by(|w| w.as_str().cmp(word))
            .ok()
            .map(|i| i as u32)
    }

    /// NPMI of two counted words; `None` when either is not counted or in no window.
    pub fn npmi(&self, a: &str, b: &str) -> Option<f64> {
        let (a, b) = (self.id(a)?, self.id(b)?);
        let (ca, cb) = (self.word[a as usize], self.word[b as usize]);
        if ca == 0 || cb == 0 {
            return None;
        }
        let n = self.windows as f64;
        let key = (a.min(b) as u64) << 32 | a.max(b) as u64;
        let joint = self.pair.get(&key).copied().unwrap_or(0) as f64 / n + EPSILON;
        let ratio = joint.ln() - (ca as f64 * cb as f64 / (n * n)).ln();
        Some(ratio / -joint.ln())
    }

    /// A topic's mean NPMI over the pairs of its distinct counted words (0 without a pair).
    pub fn topic_npmi(&self, topic: &[String]) -> f32 {
        let mut words: Vec<&str> = Vec::new();
        for w in topic {
            if self.id(w).is_some() && !words.contains(&w.as_str()) {
                words.push(w);
            }
        }
        let scores: Vec<f64> = words
            .iter()
            .enumerate()
            .flat_map(|(i, a)| words[i + 1..].iter().map(move |b| (*a, *b)))
            .filter_map(|(a, b)| self.npmi(a, b))
            .collect();
        match scores.len() {
            0 => 0.0,
            n => (scores.iter().sum::<f64>() / n as f64) as f32,
        }
    }

    /// Slides a window of [`WINDOW`] content words over `text`.
    fn count_text(&mut self, text: &str, id_of: &HashMap<&str, u32>, stop: &StopWords) {
        // Only the counted words matter; other content words are kept as gaps.
        let tokens: Vec<Option<u32>> = words(text)
            .filter(|w| is_content(w, stop))
            .map(|w| id_of.get(w.as_str()).copied())
            .collect();
        let mut present: Vec<u32> = Vec::new();
        for start in 0..=tokens.len().saturating_sub(WINDOW) {
            let end = (start + WINDOW).min(tokens.len());
            if start == 0 {
                present = tokens[..end].iter().flatten().copied().collect();
            } else {
                // gensim's update: the word leaving is forgotten, the word entering is added.
                if let Some(left) = tokens[start - 1] {
                    present.retain(|&w| w != left);
                }
                present.extend(tokens[end - 1]);
            }
            present.sort_unstable();
            present.dedup();
            self.see_window(&present);
        }
    }

    fn see_window(&mut self, present: &[u32]) {
        self.windows += 1;
        for (i, &a) in present.iter().enumerate() {
            self.word[a as usize] += 1;
            for &b in &present[i + 1..] {
                *self.pair.entry((a as u64) << 32 | b as u64).or_default() += 1;
            }
        }
    }
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

    fn t(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
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
        let topics = [t(&["gas", "pipeline"]), t(&["gas", "chips"])];
        let scores = npmi(&texts, &topics, &StopWords::English);
        // p(gas) = p(pipeline) = p(both) = 1/2: log(1/2 / 1/4) / -log(1/2) = 1.
        assert!((scores[0] - 1.0).abs() < 1e-6, "{scores:?}");
        // Never together: log(eps / 1/4) / -log(eps), close to -1.
        assert!(scores[1] < -0.9, "{scores:?}");
    }

    #[test]
    fn windows_slide_over_long_texts() {
        // 12 words: 3 windows of 10. "aa" in windows 1 and 2 only (position 1), "zz" at 11 in
        // window 3 only.
        let text = "xx aa xx xx xx xx xx xx xx xx xx zz";
        let counts = WindowCounts::count(&[text], t(&["zz", "aa"]), &StopWords::English);
        assert_eq!(counts.vocab(), ["aa", "zz"]);
        assert_eq!(counts.windows, 3);
        assert_eq!(counts.word, [2, 1]);
        assert!(counts.pair.is_empty());
        let topics = [t(&["aa", "zz"])];
        assert!(npmi(&[text], &topics, &StopWords::English)[0] < 0.0);
    }

    #[test]
    fn stop_words_numbers_and_single_letters_take_no_place_in_a_window_or_a_topic() {
        // "gas" and "pipeline" are 10 words apart only if the stop words, the number and the
        // letter count: without them they share the one window of this text.
        let texts = [
            "gas was at the 2024 meeting of a few of the pipeline",
            "chips export rules",
        ];
        let counts = WindowCounts::count(&texts, t(&["gas", "pipeline"]), &StopWords::English);
        assert_eq!(counts.windows, 2);
        assert_eq!(counts.pair[&1], 1);
        // A stop word among the top words is no word pair of the topic.
        let with_stop = npmi(
            &texts,
            &[t(&["gas", "the", "pipeline"])],
            &StopWords::English,
        );
        let without = npmi(&texts, &[t(&["gas", "pipeline"])], &StopWords::English);
        assert_eq!(with_stop, without);
        assert!((without[0] - 1.0).abs() < 1e-6, "{without:?}");
    }

    #[test]
    fn npmi_is_gensims_c_npmi_on_the_benchs_preprocessing() {
        // gensim 4.4.0's CoherenceModel(coherence="c_npmi", window 10) on these texts, split
        // and filtered as bench/npmi_score.py does (scikit-learn's stop words, which drop the
        // same words here as ours), gives 0.804463 and -0.025575 for the two topics. The
        // third text is 12 words long: its second window forgets "chips" (the word leaving
        // it), as gensim does, though "chips" occurs twice more inside; counting every
        // occurrence would give the second topic 0.071707. The empty text is one window.
        let texts = [
            "The gas pipeline to China opens, and the pipeline carries gas north of the border.",
            "Gas prices fell as the new pipeline opened; traders sold gas futures.",
            "Chips export rules tighten: chips makers and export licences in focus, chips stocks fall.",
            "A border dispute over chips? No: over gas, the pipeline and the price of gas again and again.",
            "",
            "Export of gas by pipeline, export of chips by air, and a border in between the markets for export.",
        ];
        let topics = [
            t(&["gas", "pipeline", "border"]),
            t(&["chips", "export", "gas", "rules"]),
        ];
        let scores = npmi(&texts, &topics, &StopWords::English);
        assert!((scores[0] - 0.804463).abs() < 1e-5, "{scores:?}");
        assert!((scores[1] - -0.025575).abs() < 1e-5, "{scores:?}");
    }

    #[test]
    fn counts_of_blocks_add_up_to_the_counts_of_the_whole() {
        let texts = [
            "gas pipeline talks in the north",
            "chips export rules",
            "gas export by pipeline, chips by air",
            "pipeline politics and chips politics",
        ];
        let vocab = t(&["pipeline", "gas", "chips", "export"]);
        let whole = WindowCounts::count(&texts, vocab.clone(), &StopWords::English);
        let mut sum = WindowCounts::count(&texts[..1], vocab.clone(), &StopWords::English);
        sum.append(&WindowCounts::count(
            &texts[1..],
            vocab.clone(),
            &StopWords::English,
        ))
        .unwrap();
        assert_eq!(sum, whole);
        let other = WindowCounts::count(&texts, t(&["gas"]), &StopWords::English);
        assert_eq!(
            sum.append(&other),
            Err(VocabularyMismatch { ours: 4, theirs: 1 })
        );
        // Serialised and read back, the same counts; equal counts, equal bytes.
        let json = serde_json::to_string(&whole).unwrap();
        assert_eq!(serde_json::from_str::<WindowCounts>(&json).unwrap(), whole);
        assert_eq!(serde_json::to_string(&sum).unwrap(), json);
    }
}
