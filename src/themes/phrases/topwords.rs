//! A theme's top words: the single words that stand for it, the unit topic models are compared on
//! (NPMI coherence and topic diversity of the top 10 words, [`crate::themes::quality`]).
//!
//! They come from a word ranking of their own, not from the theme's phrases. The phrases are
//! chosen to read as names (phraseness, diversity), so they are mostly proper names and idioms of
//! a few paragraphs each, whose words seldom share a paragraph with the words of the theme's other
//! phrases ("Delta Air Lines", "Fannie Mae", "Food and Drug" in AG News' business theme): as top
//! words they scored an NPMI of −0.15 on AG News at k = 10–50, against +0.08 for BERTopic's
//! c-TF-IDF words on the same clusters.
//!
//! The ranking: the theme's [`CANDIDATES`] best words by c-TF-IDF, ordered by
//! `informativeness · √semantic` ([`word_score`]), stop words, numbers and single letters left
//! out. c-TF-IDF alone (BERTopic's words) keeps words that are frequent in the theme but as
//! close to the other themes (news-agency names, "new", "company"); the standardised cosine to
//! the centroid demotes those and keeps the theme's own vocabulary. Its square root keeps it a
//! minority voice, as in the phrases' relevance, so a rare word cannot rise on meaning alone.
//!
//! The ranked candidates are the theme's [`WordPool`]; the ten top words are chosen from it
//! with the corpus ([`choose`]): the best word, then the candidates that occur near the words
//! already chosen. A ranking alone mixes the theme's sub-stories (Iraq and Gaza in one news
//! theme at k = 10): ten words of one story read as a subject. On AG News at k = 10–50 this
//! raised the NPMI of themescope's words from 0.036–0.117 to 0.180–0.262 on the same clusters,
//! diversity from 0.85–0.93 to 0.86–0.96 (BENCHMARKS.md).
/// Words per theme.
pub const TOP_WORDS: usize = 10;

/// Lower-case words, split at anything but letters and digits.
pub fn split_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether a lower-case word may be a top word: not a stop word, a number or a single letter
/// (what is left of "U.S." or "Putin's" when split at punctuation).
pub fn is_content(word: &str, stop: &super::StopWords) -> bool {
    word.chars().count() > 1 && !word.chars().all(char::is_numeric) && !stop.contains(word)
}

/// One-word candidates per theme that are re-ranked.
pub const CANDIDATES: usize = 30;

/// A one-word candidate of a theme.
#[derive(Debug, Clone, PartialEq)]
pub struct WordScore<'a> {
    /// Most common spelling.
    pub word: &'a str,
    /// Normalised key, for ties.
    pub key: &'a str,
    /// c-TF-IDF in the theme.
    pub ctfidf: f32,
    /// Closeness to the theme's centroid against the other themes', in `[0, 1]` (the
    /// standardised cosine through a logistic, as in [`super::relevance`]).
    pub semantic: f32,
}

/// `informativeness · √semantic`, informativeness being c-TF-IDF over the best of the theme.
pub fn word_score(informativeness: f32, semantic: f32) -> f32 {
    informativeness.clamp(0.0, 1.0) * semantic.clamp(0.0, 1.0).sqrt()
}

/// A theme's one-word candidates as [`rank`] orders them: content words, each once, best first,
/// with their [`word_score`]. The top words are chosen from it ([`WordPool::top`], or
/// [`choose`] with the corpus's window counts).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WordPool {
    pub words: Vec<String>,
    pub scores: Vec<f32>,
}

impl WordPool {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The first [`TOP_WORDS`] words: the top words without the corpus.
    pub fn top(&self) -> Vec<String> {
        self.words.iter().take(TOP_WORDS).cloned().collect()
    }
}

/// The theme's candidates (any order) ranked: best [`word_score`] first, ties by key; each
/// candidate split into lower-case content words ("U.S." gives none), each word once.
pub fn rank(cands: &[WordScore<'_>], stop: &super::StopWords) -> WordPool {
    let best = cands.iter().map(|w| w.ctfidf).fold(0f32, f32::max);
    let score = |w: &WordScore<'_>| match best > 0.0 {
        true => word_score(w.ctfidf / best, w.semantic),
        false => 0.0,
    };
    let mut order: Vec<&WordScore<'_>> = cands.iter().collect();
    order.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| a.key.cmp(b.key)));
    let mut pool = WordPool::default();
    for cand in order {
        for w in split_words(cand.word) {
            if is_content(&w, stop) && !pool.words.contains(&w) {
                pool.words.push(w);
                pool.scores.push(score(cand));
            }
        }
    }
    pool
}

/// Weight of a candidate's mean NPMI with the words already chosen, against its score (whose
/// best is 1) in [`choose`].
pub const COHERENCE_WEIGHT: f32 = 1.0;

/// The theme's top words from its pool, read together with the corpus: the best word first, then
/// each time the candidate with the highest `score + COHERENCE_WEIGHT · mean NPMI` with the
/// words chosen so far (ties to the better ranked). A word that names the theme but never
/// occurs near its others ("Delta" among "oil", "prices", "crude") yields to one that does, so
/// the ten words read as one subject, as a reader (and the NPMI coherence measure) reads them.
/// A word in no window of `counts` counts as independent of the others (NPMI 0).
pub fn choose(pool: &WordPool, counts: &crate::themes::quality::WindowCounts) -> Vec<String> {
    let n = pool.words.len();
    let mut chosen: Vec<usize> = Vec::with_capacity(TOP_WORDS);
    // Sum of NPMI with the chosen words, per candidate.
    let mut together = vec![0f32; n];
    while chosen.len() < TOP_WORDS.min(n) {
        let gain = |i: usize| match chosen.len() {
            0 => pool.scores[i],
            m => pool.scores[i] + COHERENCE_WEIGHT * together[i] / m as f32,
        };
        let Some(next) = (0..n).filter(|i| !chosen.contains(i)).reduce(|best, i| {
            if gain(i) > gain(best) {
                i
            } else {
                best
            }
        }) else {
            break;
        };
        chosen.push(next);
        for (i, sum) in together.iter_mut().enumerate() {
            *sum += counts
                .npmi(&pool.words[i], &pool.words[next])
                .unwrap_or(0.0) as f32;
        }
    }
    chosen.into_iter().map(|i| pool.words[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::super::StopWords;
    use super::*;
    use crate::themes::quality::WindowCounts;

    #[test]
    fn words_come_in_order_without_stop_words_numbers_or_single_letters() {
        let ranked = [
            "marriage of convenience",
            "Moscow-Beijing partnership",
            "convenience",
            "2024",
            "U.S.",
            "Putin's",
        ];
        // Best first: falling c-TF-IDF, the same closeness.
        let cands: Vec<WordScore<'_>> = ranked
            .iter()
            .enumerate()
            .map(|(i, &word)| WordScore {
                word,
                key: word,
                ctfidf: 1.0 - i as f32 / 10.0,
                semantic: 1.0,
            })
            .collect();
        let pool = rank(&cands, &StopWords::English);
        assert_eq!(
            pool.words,
            [
                "marriage",
                "convenience",
                "moscow",
                "beijing",
                "partnership",
                "putin"
            ]
        );
        // A word takes the score of the candidate it first came from.
        assert_eq!(pool.scores[1], 1.0);
        assert_eq!(pool.scores[5], 0.5);
    }

    #[test]
    fn a_word_as_close_to_every_theme_yields_to_one_of_this_theme() {
        let w = |word, ctfidf, semantic| WordScore {
            word,
            key: word,
            ctfidf,
            semantic,
        };
        // "reuters" is the most frequent but no closer to this theme than to the others;
        // "profit" is less frequent and of this theme; "synergy" is of this theme but rare.
        let cands = [
            w("reuters", 1.0, 0.5),
            w("profit", 0.8, 0.95),
            w("synergy", 0.1, 1.0),
        ];
        let pool = rank(&cands, &StopWords::English);
        assert_eq!(pool.words, ["profit", "reuters", "synergy"]);
        assert_eq!(pool.top(), pool.words);
        // Informativeness scales with the best word of the theme.
        assert!((word_score(0.5, 1.0) - 0.5).abs() < 1e-6);
        assert!(word_score(1.0, 0.25) == 0.5);
    }

    #[test]
    fn at_most_ten_words() {
        let pool = WordPool {
            words: (0..30).map(|i| format!("word{i}")).collect(),
            scores: (0..30).map(|i| 1.0 - i as f32 / 30.0).collect(),
        };
        assert_eq!(pool.top().len(), TOP_WORDS);
        assert_eq!(pool.top()[9], "word9");
        let counts = WindowCounts::count(&[], pool.words.clone(), &StopWords::English);
        assert_eq!(choose(&pool, &counts), pool.top());
    }

    #[test]
    fn words_that_occur_together_are_chosen_before_a_better_ranked_loner() {
        // "delta" ranks second but never occurs near the theme's other words; "crude" ranks
        // last and always occurs with "oil".
        let texts = [
            "oil prices rose as crude supplies fell",
            "oil prices and crude stocks",
            "crude oil prices climb",
            "delta flights",
            "opec output",
        ];
        let words = ["oil", "delta", "prices", "opec", "crude"];
        let pool = WordPool {
            words: words.iter().map(|w| w.to_string()).collect(),
            scores: vec![1.0, 0.9, 0.8, 0.7, 0.6],
        };
        let counts = WindowCounts::count(&texts, pool.words.clone(), &StopWords::English);
        assert_eq!(
            choose(&pool, &counts),
            ["oil", "prices", "crude", "delta", "opec"]
        );
        let topics = [
            choose(&pool, &counts)[..3].to_vec(),
            pool.top()[..3].to_vec(),
        ];
        assert!(counts.topic_npmi(&topics[0]) > counts.topic_npmi(&topics[1]));
    }
}
