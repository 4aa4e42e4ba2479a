//! Class-based TF-IDF (the c-TF-IDF of BERTopic, Grootendorst 2022): all the paragraphs of a
//! theme are read as one document, and a term scores
//!
//! ```text
//! ctfidf(t, c) = tf(t, c) / N_c · ln(1 + A / f_t)
//! ```
//!
//! with `tf(t, c)` the number of occurrences of `t` in theme `c`, `N_c` the number of tokens in
//! theme `c` (so long and short themes compare), `A` the average number of tokens per theme and
//! `f_t` the number of occurrences of `t` across all themes. The second factor is the class
//! analogue of IDF: a term spread over all themes gets `ln(1 + A / f_t)` small, one confined to
//! a few themes gets it large; the `1 +` keeps it positive.
//!
//! Scores of phrases of different lengths are not comparable: a bigram is always rarer than its
//! words, so on raw c-TF-IDF frequent single words crowd out every multi-word phrase (BERTopic's
//! labels show it). [`super::label_themes`] therefore ranks each phrase length separately and
//! lets the encoder arbitrate between lengths.

use std::collections::BTreeMap;

/// c-TF-IDF of every term of every theme. `counts[c]` maps a term to its number of occurrences
/// in theme `c`; `theme_tokens[c]` is the number of tokens in theme `c` (`N_c`). Themes with no
/// tokens get no scores.
pub fn ctfidf<K: Ord + Clone>(
    counts: &[BTreeMap<K, u32>],
    theme_tokens: &[usize],
) -> Vec<BTreeMap<K, f32>> {
    assert_eq!(counts.len(), theme_tokens.len());
    let mut total: BTreeMap<&K, u64> = BTreeMap::new();
    for theme in counts {
        for (term, &n) in theme {
            *total.entry(term).or_default() += u64::from(n);
        }
    }
    let themes = theme_tokens.iter().filter(|&&n| n > 0).count().max(1);
    let average = theme_tokens.iter().sum::<usize>() as f64 / themes as f64;
    counts
        .iter()
        .zip(theme_tokens)
        .map(|(theme, &n_c)| {
            if n_c == 0 {
                return BTreeMap::new();
            }
            theme
                .iter()
                .map(|(term, &n)| {
                    let f = total[term].max(1) as f64;
                    let tf = f64::from(n) / n_c as f64;
                    (term.clone(), (tf * (1.0 + average / f).ln()) as f32)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(terms: &[(&'static str, u32)]) -> BTreeMap<&'static str, u32> {
        terms.iter().copied().collect()
    }

    #[test]
    fn distinctive_terms_outrank_shared_ones() {
        // "war" is everywhere; "pipeline" is frequent only in theme 0, "tariff" only in theme 1.
        let counts = vec![
            theme(&[("war", 10), ("pipeline", 8), ("gas", 5), ("tariff", 1)]),
            theme(&[("war", 10), ("tariff", 9), ("trade", 6)]),
            theme(&[("war", 10), ("election", 7)]),
        ];
        let s = ctfidf(&counts, &[100, 100, 100]);
        let rank = |c: usize| {
            let mut v: Vec<_> = s[c].iter().collect();
            v.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
            v.into_iter().map(|(k, _)| *k).collect::<Vec<_>>()
        };
        assert_eq!(rank(0), ["pipeline", "gas", "war", "tariff"]);
        assert_eq!(rank(1), ["tariff", "trade", "war"]);
        assert_eq!(rank(2), ["election", "war"]);
        // The same term scores higher where it is concentrated.
        assert!(s[1]["tariff"] > 5.0 * s[0]["tariff"]);
    }

    #[test]
    fn formula_and_length_normalisation() {
        let counts = vec![theme(&[("a", 2)]), theme(&[("a", 2), ("b", 4)])];
        let s = ctfidf(&counts, &[10, 40]);
        // A = 25 tokens per theme; f_a = 4, f_b = 4.
        let idf = (1.0f64 + 25.0 / 4.0).ln();
        assert!((f64::from(s[0]["a"]) - 0.2 * idf).abs() < 1e-6);
        assert!((f64::from(s[1]["a"]) - 0.05 * idf).abs() < 1e-6);
        assert!((f64::from(s[1]["b"]) - 0.1 * idf).abs() < 1e-6);
        // Twice as many occurrences in a theme four times as long: a quarter... times two.
        assert!(s[0]["a"] > s[1]["b"]);
    }

    #[test]
    fn empty_themes_get_nothing() {
        let counts: Vec<BTreeMap<&str, u32>> = vec![BTreeMap::new(), theme(&[("x", 1)])];
        let s = ctfidf(&counts, &[0, 5]);
        assert!(s[0].is_empty());
        assert!(s[1]["x"] > 0.0);
    }
}
