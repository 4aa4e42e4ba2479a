//! Rows of a corpus → an [`EmbeddingSet`]: embedded through the cache and packed with their
//! provenance and the encoder's details. A row longer than the encoder's maximum length is read
//! as windows ([`crate::embed::windows`]); its vector is the token-weighted mean of theirs, or,
//! with [`Unit::Window`], each window is a row of its own.

use ndarray::{Array2, ArrayView1};

use crate::corpus::{TextUnit, Unit};
use crate::embed::windows::{LongText, WindowPlan};
use crate::embed::Embedder;
use crate::store::{EmbeddingInfo, EmbeddingSet, RowMeta};

use super::{embed_through_cache, CacheUse, CachedEmbedError, EmbeddingCache};

/// Rows too long for the encoder, and how they were read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LongRows {
    /// Rows read as more than one window.
    pub split: usize,
    /// Windows those rows were read as.
    pub windows: usize,
    /// Rows whose end was left out (beyond the most windows a row may have).
    pub cut: usize,
    /// Bytes left out of those rows.
    pub dropped_bytes: usize,
}

/// What [`embed_units`] made, and how.
pub struct EmbeddedUnits {
    pub set: EmbeddingSet,
    pub cache: CacheUse,
    pub long: LongRows,
}

/// Embeds the rows (taking what it can from `cache`) and packs them with their provenance.
/// `progress` is told how many rows each step finished.
pub fn embed_units(
    embedder: &Embedder,
    cache: Option<&EmbeddingCache>,
    units: Vec<TextUnit>,
    unit: Unit,
    long_text: LongText,
    progress: &mut dyn FnMut(usize),
) -> Result<EmbeddedUnits, CachedEmbedError> {
    // Progress is told in the rows asked for (paragraphs, for `Unit::Window`).
    let asked = units.len();
    let plans = {
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        embedder.plan_windows(&texts)?
    };
    let long = long_rows(&plans, long_text);
    let (units, plans) = match long_text {
        LongText::Windows if unit == Unit::Window => window_rows(units, plans),
        LongText::Windows => (units, plans),
        // Each text whole: the encoder reads its first tokens.
        LongText::Truncate => {
            let whole = plans.into_iter().map(|_| WindowPlan::unsplit()).collect();
            (units, whole)
        }
    };
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let (pieces, owner) = window_texts(&texts, &plans);
    let mut rows_progress = RowsProgress::new(asked, pieces.len(), progress);
    let (window_vectors, used) =
        embed_through_cache(embedder, cache, &pieces, &mut |n| rows_progress.add(n))?;
    let vectors = combine(
        &window_vectors,
        &owner,
        &plans,
        texts.len(),
        embedder.info().normalize,
    );
    let set = EmbeddingSet {
        info: EmbeddingInfo::of(embedder.info(), unit.as_str()),
        rows: units.into_iter().map(RowMeta::from).collect(),
        vectors,
    };
    Ok(EmbeddedUnits {
        set,
        cache: used,
        long,
    })
}

/// `--unit window`: each window of a long row a row of its own (its span within the row's
/// document, the row's index), read whole; the other rows as they are.
fn window_rows(units: Vec<TextUnit>, plans: Vec<WindowPlan>) -> (Vec<TextUnit>, Vec<WindowPlan>) {
    let mut rows = Vec::with_capacity(units.len());
    for (u, plan) in units.into_iter().zip(&plans) {
        if !plan.is_split() {
            rows.push(u);
            continue;
        }
        for w in &plan.windows {
            rows.push(TextUnit {
                doc_id: u.doc_id.clone(),
                index: u.index,
                span: u.span.start + w.span.start..u.span.start + w.span.end,
                text: u.text[w.span.clone()].to_string(),
            });
        }
    }
    let plans = rows.iter().map(|_| WindowPlan::unsplit()).collect();
    (rows, plans)
}

/// The texts to embed: a row that fits is itself (so its cache entry is the one it always had),
/// a long row is its windows. `owner[i]` is the row that text `i` belongs to.
fn window_texts<'a>(texts: &[&'a str], plans: &[WindowPlan]) -> (Vec<&'a str>, Vec<usize>) {
    let mut pieces = Vec::with_capacity(texts.len());
    let mut owner = Vec::with_capacity(texts.len());
    for (row, (text, plan)) in texts.iter().zip(plans).enumerate() {
        if plan.is_split() {
            pieces.extend(plan.windows.iter().map(|w| &text[w.span.clone()]));
            owner.extend(std::iter::repeat_n(row, plan.windows.len()));
        } else {
            pieces.push(text);
            owner.push(row);
        }
    }
    (pieces, owner)
}

/// Each row's vector: its only window's, or the token-weighted mean of its windows' (normalised
/// again when the encoder normalises).
fn combine(
    window_vectors: &Array2<f32>,
    owner: &[usize],
    plans: &[WindowPlan],
    rows: usize,
    normalize: bool,
) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((rows, window_vectors.ncols()));
    let mut windows_of: Vec<Vec<ArrayView1<'_, f32>>> = vec![Vec::new(); rows];
    for (vector, &row) in window_vectors.rows().into_iter().zip(owner) {
        windows_of[row].push(vector);
    }
    for (row, (windows, plan)) in windows_of.iter().zip(plans).enumerate() {
        if plan.is_split() {
            let tokens: Vec<usize> = plan.windows.iter().map(|w| w.tokens).collect();
            let mean = weighted_mean(windows, &tokens, normalize);
            out.row_mut(row).assign(&ArrayView1::from(&mean[..]));
        } else if let Some(only) = windows.first() {
            out.row_mut(row).assign(only);
        }
    }
    out
}

/// The token-weighted mean of a long row's window vectors, L2-normalised when `normalize`.
pub fn weighted_mean(
    vectors: &[ArrayView1<'_, f32>],
    tokens: &[usize],
    normalize: bool,
) -> Vec<f32> {
    let total: usize = tokens.iter().sum();
    let mut mean = vec![0f32; vectors.first().map_or(0, |v| v.len())];
    for (v, &t) in vectors.iter().zip(tokens) {
        let weight = t as f32 / total.max(1) as f32;
        for (m, x) in mean.iter_mut().zip(v.iter()) {
            *m += weight * x;
        }
    }
    if normalize {
        let norm = mean.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            mean.iter_mut().for_each(|x| *x /= norm);
        }
    }
    mean
}

/// What the plans say about long rows; truncated, a long row loses all but its first window.
fn long_rows(plans: &[WindowPlan], long_text: LongText) -> LongRows {
    let mut long = LongRows::default();
    for plan in plans.iter().filter(|p| p.is_split() || p.dropped_bytes > 0) {
        let dropped = match long_text {
            LongText::Windows => plan.dropped_bytes,
            LongText::Truncate => plan.text_len - plan.windows[0].span.end,
        };
        if long_text == LongText::Windows && plan.is_split() {
            long.split += 1;
            long.windows += plan.windows.len();
        }
        if dropped > 0 {
            long.cut += 1;
            long.dropped_bytes += dropped;
        }
    }
    long
}

/// Turns progress in windows into progress in rows (what the caller counts).
struct RowsProgress<'p> {
    rows: usize,
    windows: usize,
    windows_done: usize,
    rows_told: usize,
    progress: &'p mut dyn FnMut(usize),
}

impl<'p> RowsProgress<'p> {
    fn new(rows: usize, windows: usize, progress: &'p mut dyn FnMut(usize)) -> RowsProgress<'p> {
        RowsProgress {
            rows,
            windows,
            windows_done: 0,
            rows_told: 0,
            progress,
        }
    }

    fn add(&mut self, windows: usize) {
        self.windows_done += windows;
        let rows = self.windows_done * self.rows / self.windows.max(1);
        if rows > self.rows_told {
            (self.progress)(rows - self.rows_told);
            self.rows_told = rows;
        }
    }
}
