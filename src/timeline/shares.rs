//! Each theme's paragraphs per time bin or group, their share, and the theme's phrases per bin:
//! c-TF-IDF of the theme's paragraphs in the bin against the theme-level term frequencies of the
//! whole corpus (as BERTopic's `topics_over_time` scores a bin with the global IDF), optionally
//! averaged with the previous bin's scores when the theme was there (its `evolution_tuning`).

use std::collections::HashMap;

use crate::themes::phrases::ngrams;
use crate::themes::phrases::PhraseOptions;

use super::{round4, PhraseSlot, ThemeSeries};

/// Phrases shown per theme and bin.
const PHRASES_PER_BIN: usize = 5;
/// Multi-word phrases among them at most, and how often one must occur in the cell.
const LONG_PHRASES: usize = 2;
const LONG_MIN_COUNT: u32 = 2;

/// Paragraph counts: `counts[theme][slot]`, and `totals[slot]` (outliers included).
pub struct Counts {
    pub counts: Vec<Vec<usize>>,
    pub totals: Vec<usize>,
}

/// Counts each counted paragraph (`slots[row]`: its bin or group; `themes[row]`: its theme,
/// `None` for an outlier or a near-duplicate's copy, which `counted` leaves out).
pub fn count(
    slots: &[Option<usize>],
    themes: &[Option<usize>],
    counted: &[bool],
    n_themes: usize,
    n_slots: usize,
) -> Counts {
    let mut counts = vec![vec![0usize; n_slots]; n_themes];
    let mut totals = vec![0usize; n_slots];
    for ((slot, theme), &counted) in slots.iter().zip(themes).zip(counted) {
        let Some(s) = *slot else { continue };
        if !counted {
            continue;
        }
        totals[s] += 1;
        if let Some(t) = *theme {
            counts[t][s] += 1;
        }
    }
    Counts { counts, totals }
}

/// Share of each slot's paragraphs in each theme, and where a theme first appears.
pub fn series(c: &Counts, labels: &[String], slot_labels: &[String]) -> Vec<ThemeSeries> {
    c.counts
        .iter()
        .enumerate()
        .map(|(t, counts)| {
            let shares: Vec<f32> = counts
                .iter()
                .zip(&c.totals)
                .map(|(&k, &n)| round4(k as f64 / n.max(1) as f64))
                .collect();
            ThemeSeries {
                theme: t,
                label: labels.get(t).cloned().unwrap_or_default(),
                first: first_slot(counts, &c.totals).map(|s| slot_labels[s].clone()),
                counts: counts.clone(),
                shares,
                phrases: Vec::new(),
            }
        })
        .collect()
}

/// The first slot where the theme holds at least 2 paragraphs and 5% of the slot's: a single
/// paragraph moved into the theme from the outliers does not make it "appear".
fn first_slot(counts: &[usize], totals: &[usize]) -> Option<usize> {
    counts
        .iter()
        .zip(totals)
        .position(|(&k, &n)| k >= 2 && k as f64 >= 0.05 * n as f64)
}

/// Term counts of one theme in one bin, by term id.
#[derive(Default, Clone)]
struct Cell {
    terms: HashMap<u32, u32>,
    tokens: usize,
}

/// Every term seen, by id: its key, and how often each spelling of it occurs.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
    keys: Vec<String>,
    spellings: Vec<HashMap<String, u32>>,
}

impl Vocabulary {
    fn add(&mut self, key: String, surface: String) -> u32 {
        let id = match self.ids.get(key.as_str()) {
            Some(&id) => id,
            None => {
                let id = self.keys.len() as u32;
                self.ids.insert(key.clone(), id);
                self.keys.push(key);
                self.spellings.push(HashMap::new());
                id
            }
        };
        *self.spellings[id as usize].entry(surface).or_default() += 1;
        id
    }

    /// The most common spelling (ties: the first in byte order).
    fn spelling(&self, id: u32) -> String {
        self.spellings[id as usize]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or_else(|| self.keys[id as usize].clone(), |(s, _)| s.clone())
    }
}

/// The phrases of each theme in each bin. `texts[row]` is the paragraph's text; rows with no
/// bin or theme, or not counted, are skipped. Terms are interned, since a corpus has hundreds
/// of thousands of phrase occurrences.
pub fn phrases_per_bin(
    texts: &[&str],
    bins: &[Option<usize>],
    themes: &[Option<usize>],
    counted: &[bool],
    shape: (usize, usize),
    opts: &PhraseOptions,
    smooth: bool,
) -> Vec<Vec<PhraseSlot>> {
    let (n_themes, n_bins) = shape;
    let mut cells = vec![vec![Cell::default(); n_bins]; n_themes];
    let mut vocabulary = Vocabulary::default();
    for (row, text) in texts.iter().enumerate() {
        let (Some(b), Some(t)) = (bins[row], themes[row]) else {
            continue;
        };
        if !counted[row] {
            continue;
        }
        let (candidates, tokens) = ngrams::extract(text, opts.ngram_max, &opts.stop_words);
        let cell = &mut cells[t][b];
        cell.tokens += tokens;
        for c in candidates {
            let id = vocabulary.add(c.key, c.surface);
            *cell.terms.entry(id).or_default() += 1;
        }
    }
    let idf = theme_idf(&cells, vocabulary.keys.len());
    cells
        .iter()
        .map(|theme_cells| {
            let mut previous: Option<HashMap<u32, f64>> = None;
            theme_cells
                .iter()
                .map(|cell| {
                    if cell.tokens == 0 {
                        previous = None;
                        return PhraseSlot::default();
                    }
                    let mut scores: HashMap<u32, f64> = cell
                        .terms
                        .iter()
                        .map(|(&k, &n)| (k, f64::from(n) / cell.tokens as f64 * idf[k as usize]))
                        .collect();
                    if let (true, Some(prev)) = (smooth, &previous) {
                        for s in scores.values_mut() {
                            *s /= 2.0;
                        }
                        for (&k, &s) in prev {
                            *scores.entry(k).or_insert(0.0) += s / 2.0;
                        }
                    }
                    let shown = top_phrases(&scores, cell, &vocabulary);
                    previous = Some(scores);
                    shown
                })
                .collect()
        })
        .collect()
}

/// `ln(1 + A / f_t)` by term id: `A` the average tokens per theme, `f_t` the term's count over
/// all themes.
fn theme_idf(cells: &[Vec<Cell>], terms: usize) -> Vec<f64> {
    let mut total = vec![0u64; terms];
    let mut tokens = 0usize;
    let mut themes = 0usize;
    for theme in cells {
        let n: usize = theme.iter().map(|c| c.tokens).sum();
        tokens += n;
        themes += usize::from(n > 0);
        for cell in theme {
            for (&k, &n) in &cell.terms {
                total[k as usize] += u64::from(n);
            }
        }
    }
    let average = tokens as f64 / themes.max(1) as f64;
    total
        .into_iter()
        .map(|f| (1.0 + average / f.max(1) as f64).ln())
        .collect()
}

/// The best phrases present in the cell: up to two multi-word phrases that occur at least
/// twice (a bigram is always rarer than its words, so they are ranked apart), then single
/// words that are not part of a phrase already shown. Ties go by the term's key.
fn top_phrases(scores: &HashMap<u32, f64>, cell: &Cell, vocabulary: &Vocabulary) -> PhraseSlot {
    let key = |id: u32| vocabulary.keys[id as usize].as_str();
    let mut ranked: Vec<(u32, f64)> = scores
        .iter()
        .filter(|(k, _)| cell.terms.contains_key(k))
        .map(|(&k, &s)| (k, s))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| key(a.0).cmp(key(b.0))));
    let long: Vec<u32> = ranked
        .iter()
        .filter(|(k, _)| key(*k).contains(' ') && cell.terms[k] >= LONG_MIN_COUNT)
        .map(|(k, _)| *k)
        .take(LONG_PHRASES)
        .collect();
    let words = ranked
        .iter()
        .filter(|(k, _)| !key(*k).contains(' '))
        .filter(|(k, _)| {
            !long
                .iter()
                .any(|l| key(*l).split(' ').any(|w| w == key(*k)))
        })
        .map(|(k, _)| *k);
    let ids: Vec<u32> = long
        .iter()
        .copied()
        .chain(words)
        .take(PHRASES_PER_BIN)
        .collect();
    PhraseSlot {
        phrases: ids.into_iter().map(|id| vocabulary.spelling(id)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_first_appearance() {
        // Theme 1 appears in bin 2 with 2 of 4 paragraphs; a stray paragraph in bin 0 does not
        // count as its appearance.
        let slots = [0, 0, 0, 1, 1, 2, 2, 2, 2].map(Some);
        let themes = [0, 0, 1, 0, 0, 0, 1, 1, 0].map(Some);
        let counted = [true; 9];
        let c = count(&slots, &themes, &counted, 2, 3);
        assert_eq!(c.totals, [3, 2, 4]);
        let labels = ["a".to_string(), "b".to_string()];
        let bins = ["2019".to_string(), "2020".to_string(), "2021".to_string()];
        let s = series(&c, &labels, &bins);
        assert_eq!(s[1].counts, [1, 0, 2]);
        assert_eq!(s[1].shares, [0.3333, 0.0, 0.5]);
        assert_eq!(s[1].first.as_deref(), Some("2021"));
        assert_eq!(s[0].first.as_deref(), Some("2019"));
    }

    #[test]
    fn bin_phrases_follow_the_bin_and_smoothing_carries_the_previous_one() {
        let texts = [
            "Grain harvest records fell. The grain harvest was late.",
            "Farmers praised the grain harvest again.",
            "The canal toll dispute grew. Shipping firms fought the canal toll.",
            "Shipping firms paid the canal toll under protest.",
        ];
        let bins = [Some(0), Some(0), Some(1), Some(1)];
        let themes = [Some(0); 4];
        let counted = [true; 4];
        let opts = PhraseOptions::default();
        let plain = phrases_per_bin(&texts, &bins, &themes, &counted, (1, 2), &opts, false);
        assert_eq!(
            plain[0][0].phrases.first().map(String::as_str),
            Some("grain harvest")
        );
        assert_eq!(
            plain[0][1].phrases.first().map(String::as_str),
            Some("canal toll")
        );
        assert!(!plain[0][1].phrases.iter().any(|p| p.contains("grain")));
        let smooth = phrases_per_bin(&texts, &bins, &themes, &counted, (1, 2), &opts, true);
        // Only phrases present in the bin are shown, even smoothed.
        assert!(!smooth[0][1].phrases.iter().any(|p| p.contains("grain")));
        assert_eq!(
            smooth[0][1].phrases.first().map(String::as_str),
            Some("canal toll")
        );
    }
}
