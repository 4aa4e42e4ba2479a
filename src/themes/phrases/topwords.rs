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

/// The theme's top words from its one-word candidates (any order): best [`word_score`] first,
/// ties by key, then [`top_words`].
pub fn rank(cands: &[WordScore<'_>], stop: &super::StopWords) -> Vec<String> {
    let best = cands.iter().map(|w| w.ctfidf).fold(0f32, f32::max);
    let score = |w: &WordScore<'_>| match best > 0.0 {
        true => word_score(w.ctfidf / best, w.semantic),
        false => 0.0,
    };
    let mut order: Vec<&WordScore<'_>> = cands.iter().collect();
    order.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| a.key.cmp(b.key)));
    top_words(order.into_iter().map(|w| w.word), stop)
}

/// The first [`TOP_WORDS`] distinct content words of `ranked` (phrases or words, best first).
pub fn top_words<'a>(
    ranked: impl IntoIterator<Item = &'a str>,
    stop: &super::StopWords,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in ranked.into_iter().flat_map(split_words) {
        if is_content(&w, stop) && !out.contains(&w) {
            out.push(w);
            if out.len() == TOP_WORDS {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::StopWords;
    use super::*;

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
        let words = top_words(ranked, &StopWords::English);
        assert_eq!(
            words,
            [
                "marriage",
                "convenience",
                "moscow",
                "beijing",
                "partnership",
                "putin"
            ]
        );
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
        let words = rank(&cands, &StopWords::English);
        assert_eq!(words, ["profit", "reuters", "synergy"]);
        // Informativeness scales with the best word of the theme.
        assert!((word_score(0.5, 1.0) - 0.5).abs() < 1e-6);
        assert!(word_score(1.0, 0.25) == 0.5);
    }

    #[test]
    fn at_most_ten_words() {
        let ranked: Vec<String> = (0..30).map(|i| format!("word{i}")).collect();
        let words = top_words(ranked.iter().map(String::as_str), &StopWords::English);
        assert_eq!(words.len(), TOP_WORDS);
        assert_eq!(words[9], "word9");
    }
}
