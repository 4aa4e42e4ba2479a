//! Themes: paragraph vectors → clusters → themes named by key phrases, with representative
//! paragraphs, each document's share, outliers made explicit and near-duplicate documents
//! counted once.

mod assign;
mod cluster;
pub mod duplicates;
mod error;
mod judge;
pub mod lloyd;
pub mod metrics;
mod minibatch;
pub mod output;
mod params;
pub mod phrases;
pub mod quality;
pub mod reduce;
pub mod scale;
pub mod select_k;
#[cfg(test)]
mod testutil;
pub mod tree;

use duplicates::DocRows;
use ndarray::{Array2, ArrayView2, Axis};
use serde::Serialize;

pub use assign::{nearest_themes, Nearest};
pub use cluster::{pca, Clusterer, GmmClusterer, HdbscanClusterer, KMeansClusterer};
pub use minibatch::MiniBatchKMeans;

/// From this many rows on, k-means runs in mini-batches (see [`MiniBatchKMeans`]).
pub const MINI_BATCH_ROWS: usize = 50_000;
pub use duplicates::Duplicate;
pub use error::ThemeError;
pub use params::{
    Algo, Outliers, Reduce, ThemeParams, ValidThemeParams, DEFAULT_REASSIGN_THRESHOLD, K,
    UMAP_AUTO_MIN_ROWS,
};
pub use phrases::{PhraseOptions, ScoredPhrase};
pub use quality::LabelQuality;
pub use reduce::UmapParams;
pub use select_k::KScore;

use crate::store::EmbeddingSet;

/// Paragraphs most typical of a theme, shown with it.
const REPRESENTATIVES: usize = 3;

/// One theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// 0-based, themes ordered by size (largest first).
    pub id: usize,
    /// Its best phrase or two.
    pub label: String,
    /// Top key phrases with scores, best first.
    pub phrases: Vec<ScoredPhrase>,
    /// Top single words, best first ([`phrases::topwords`]): what NPMI and diversity score.
    pub words: Vec<String>,
    /// Paragraphs in the theme (near-duplicate documents not counted).
    pub size: usize,
    /// `size` over all counted paragraphs.
    pub share: f32,
    pub representatives: Vec<Representative>,
    /// Documents with paragraphs in the theme, with the share of their paragraphs it holds.
    pub documents: Vec<DocShare>,
    /// NPMI coherence of its top-10 words against the corpus ([`quality`]).
    pub npmi: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Representative {
    pub row: usize,
    pub doc_id: String,
    pub para_index: usize,
    /// Cosine to the theme centroid.
    pub similarity: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocShare {
    pub doc_id: String,
    pub paragraphs: usize,
    /// Share of the document's paragraphs in this theme.
    pub share: f32,
}

/// Where one paragraph went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub row: usize,
    pub doc_id: String,
    pub para_index: usize,
    /// `None`: an outlier.
    pub theme: Option<usize>,
    /// Cosine to the centroid of the nearest theme.
    pub similarity: f32,
    /// It was moved into its theme from the outliers.
    pub reassigned: bool,
    /// It belongs to a near-duplicate document (not counted in sizes and shares).
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlierSummary {
    /// Outliers the clustering left (including dissolved small clusters).
    pub found: usize,
    /// Of those, moved to their nearest theme.
    pub reassigned: usize,
    /// Outliers in the result, and their share of the counted paragraphs.
    pub count: usize,
    pub share: f32,
}

/// Everything the themes stage found.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeResult {
    pub themes: Vec<Theme>,
    pub assignments: Vec<Assignment>,
    pub outliers: OutlierSummary,
    pub duplicates: Vec<Duplicate>,
    /// Silhouette for each k tried by `--k auto` (empty otherwise).
    pub k_scores: Vec<KScore>,
    pub k: usize,
    pub reduce: Reduce,
    pub min_size: usize,
    /// Where a large corpus was sampled (`scale`): rows of the layout and rows labels were
    /// counted on; `None`: all of them.
    pub layout_rows: Option<usize>,
    pub label_rows: Option<usize>,
    /// NPMI and diversity of the themes' top words.
    pub label_quality: LabelQuality,
    /// The themes merged pairwise into coarser groups, closest first.
    pub tree: Vec<tree::Merge>,
    /// Each theme's L2-normalised mean vector (row = theme id): what [`nearest_themes`]
    /// assigns further paragraphs with.
    #[serde(skip)]
    pub centroids: Array2<f32>,
    /// The themes cut into `--level` groups of the tree (empty without `--level`).
    pub groups: Vec<tree::Group>,
}

/// Embeds phrases with the same encoder as the paragraphs (L2-normalised rows).
pub type PhraseEmbedder<'a> = dyn FnMut(&[&str]) -> Result<Array2<f32>, String> + 'a;

/// Finds and names the themes of an embedding set.
pub fn find_themes(
    set: &EmbeddingSet,
    params: &ValidThemeParams,
    phrase_opts: &PhraseOptions,
    embed: &mut PhraseEmbedder<'_>,
) -> Result<ThemeResult, ThemeError> {
    let (n, dim) = set.vectors.dim();
    check_rows(set)?;
    params.check_data(n, dim)?;
    themes_of(set, params, phrase_opts, embed, None)
}

/// [`find_themes`] with each row's theme given instead of fitted (`given[r]`: row `r`'s theme,
/// `None`: an outlier), as themes fitted elsewhere (on a Ray cluster) are: the same names,
/// representatives, shares, near-duplicates, tree and `themes.json`. Themes are numbered by
/// size as always; outliers stay outliers; rows of near-duplicate documents are left out of
/// the counts and follow their nearest theme, as in a fit.
pub fn themes_from_assignments(
    set: &EmbeddingSet,
    given: &[Option<usize>],
    params: &ValidThemeParams,
    phrase_opts: &PhraseOptions,
    embed: &mut PhraseEmbedder<'_>,
) -> Result<ThemeResult, ThemeError> {
    check_rows(set)?;
    if given.len() != set.rows.len() {
        return Err(ThemeError::Given {
            given: given.len(),
            rows: set.rows.len(),
        });
    }
    if set.rows.is_empty() {
        return Err(ThemeError::Empty);
    }
    themes_of(set, params, phrase_opts, embed, Some(given))
}

/// The embedding set's vectors and rows line up.
fn check_rows(set: &EmbeddingSet) -> Result<(), ThemeError> {
    let (n, dim) = set.vectors.dim();
    if set.rows.len() != n {
        return Err(ThemeError::Shape {
            rows: n,
            dim,
            expected: set.rows.len(),
        });
    }
    Ok(())
}

/// The themes of `set`, fitted (`given` None) or given, named.
fn themes_of(
    set: &EmbeddingSet,
    params: &ValidThemeParams,
    phrase_opts: &PhraseOptions,
    embed: &mut PhraseEmbedder<'_>,
    given: Option<&[Option<usize>]>,
) -> Result<ThemeResult, ThemeError> {
    let n = set.rows.len();
    let vectors = normalized(set.vectors.view());
    let texts: Vec<&str> = set.rows.iter().map(|r| r.text.as_str()).collect();
    let docs = documents(set);
    let duplicates = duplicates::find(&docs, vectors.view(), &texts);
    let is_duplicate = duplicate_rows(&docs, &duplicates, n, params.keep_duplicates);

    let (fit, outliers) = match given {
        None => (fit(params, vectors.view(), &is_duplicate)?, params.outliers),
        Some(g) => (given_fit(g, vectors.view(), &is_duplicate), Outliers::Keep),
    };
    let mut rows = assign(&fit, vectors.view(), &is_duplicate, outliers);
    rows.order_themes_by_size(&is_duplicate);

    // Labels from the counted paragraphs.
    let counted: Vec<Option<usize>> = (0..n)
        .map(|r| if is_duplicate[r] { None } else { rows.theme[r] })
        .collect();
    let mut doc_of_row = vec![0usize; n];
    for (d, doc) in docs.iter().enumerate() {
        for &r in &doc.rows {
            doc_of_row[r] = d;
        }
    }
    let sizes: Vec<usize> = (0..rows.n_themes)
        .map(|t| counted.iter().filter(|c| **c == Some(t)).count())
        .collect();
    // Labels are counted on at most `scale::LABEL_ROWS` of the counted paragraphs.
    let labelled = scale::label_sample(&counted, params.seed);
    let mut tree = tree::merge_tree(rows.centroids.view(), &sizes);
    // The themes, then each level of the tree (after merge i), named in one pass.
    let levels: Vec<Vec<tree::Cut>> = (0..tree.len())
        .map(|i| tree::cut(&tree, &sizes, tree.len() - i))
        .collect();
    let k = rows.n_themes;
    // Partition 0: the themes; partition i + 1: the level after merge i. A merged group may not
    // take the name of a theme or group inside it (named at an earlier level).
    let partition = |i: usize, named: &[Vec<phrases::ThemeLabel>]| match i {
        0 => phrases::Partition {
            assignment: labelled.clone(),
            centroids: rows.centroids.clone(),
            taken: Vec::new(),
            wanted: Vec::new(),
            name_yield: phrases::naming::NAME_YIELD,
        },
        _ => {
            let cut = &levels[i - 1];
            let group = tree::group_of_theme(cut, k);
            let in_group = |a: &[Option<usize>]| -> Vec<Option<usize>> {
                a.iter().map(|c| c.map(|t| group[t])).collect()
            };
            let assignment = in_group(&labelled);
            let name_of = |node: usize| match node.checked_sub(k) {
                None => named[0][node].label.clone(),
                Some(m) => levels[m]
                    .iter()
                    .position(|c| c.node == node)
                    .map_or_else(String::new, |g| named[m + 1][g].label.clone()),
            };
            // Only the group formed here is named, unless this level is the `--level` cut; as
            // among themes, it may not take the name of a larger group of the level either.
            let new = k + i - 1;
            let all = params.level == Some(cut.len());
            let wanted: Vec<bool> = cut.iter().map(|c| all || c.node == new).collect();
            let taken = cut
                .iter()
                .map(|c| {
                    let mut not = tree::descendants(&tree, k, c.node);
                    if c.node == new && !all {
                        not.extend(cut.iter().map(|o| o.node).take_while(|&o| o != new));
                    }
                    not.into_iter().map(name_of).collect()
                })
                .collect();
            phrases::Partition {
                centroids: centroids(vectors.view(), &in_group(&counted), cut.len()),
                assignment,
                taken,
                wanted,
                name_yield: phrases::naming::GROUP_NAME_YIELD,
            }
        }
    };
    let (mut labels, windows) = match k {
        0 => (Vec::new(), None),
        _ => {
            let (labels, windows) = phrases::label_partitions(
                &texts,
                &doc_of_row,
                1 + levels.len(),
                partition,
                embed,
                phrase_opts,
            )?;
            (labels, Some(windows))
        }
    };
    let level_labels = labels.split_off(labels.len().min(1));
    let theme_labels = labels.pop().unwrap_or_default();
    for (i, merge) in tree.iter_mut().enumerate() {
        // Named at the level where it formed.
        let g = levels[i].iter().position(|c| c.node == merge.node);
        if let Some(named) = g.map(|g| level_labels[i][g].clone()) {
            (merge.label, merge.phrases, merge.words) = (named.label, named.phrases, named.words);
        }
    }
    if let Some(root) = tree.last_mut() {
        root.label = tree::ROOT_LABEL.to_string();
    }
    let mut themes: Vec<Theme> = theme_labels
        .into_iter()
        .enumerate()
        .map(|(t, label)| theme(set, &docs, &rows.sims, &counted, &is_duplicate, t, label))
        .collect();
    // The whole corpus is the reference, as in the bench's protocol: its windows were counted
    // for every candidate word when the top words were chosen.
    let word_lists: Vec<Vec<String>> = themes.iter().map(|t| t.words.clone()).collect();
    let label_quality = match &windows {
        Some(windows) => quality::measure_counted(windows, &word_lists),
        None => quality::measure(&texts, &word_lists, &phrase_opts.stop_words),
    };
    for (t, score) in themes.iter_mut().zip(&label_quality.per_theme) {
        t.npmi = *score;
    }
    let groups = match params.level {
        Some(n) => level_groups(&themes, &tree, &levels, &level_labels, n),
        None => Vec::new(),
    };
    Ok(ThemeResult {
        themes,
        assignments: assignments(set, &rows, &is_duplicate),
        outliers: outlier_summary(&rows, &is_duplicate, fit.found_outliers),
        duplicates,
        k_scores: fit.k_scores,
        k: fit.k,
        reduce: fit.reduce,
        min_size: fit.min_size,
        layout_rows: fit.layout_rows,
        label_rows: (labelled != counted).then(|| labelled.iter().flatten().count()),
        label_quality,
        tree,
        centroids: rows.centroids,
        groups,
    })
}

/// The themes cut into `n` groups of the tree (`--level`), each with the name its level gave
/// it; each theme its own group when `n` is at least the number of themes.
fn level_groups(
    themes: &[Theme],
    tree: &[tree::Merge],
    levels: &[Vec<tree::Cut>],
    level_labels: &[Vec<phrases::ThemeLabel>],
    n: usize,
) -> Vec<tree::Group> {
    let counted_total: usize = themes.iter().map(|t| t.size).sum::<usize>().max(1);
    // Level i is the cut into k - 1 - i groups, already named; past the themes' count there is
    // no level, and each theme keeps its own name.
    let level = themes
        .len()
        .checked_sub(1 + n.max(1))
        .filter(|&i| i < levels.len());
    let (cut, names): (Vec<tree::Cut>, Vec<phrases::ThemeLabel>) = match level {
        Some(i) => (levels[i].clone(), level_labels[i].clone()),
        None => {
            let sizes: Vec<usize> = themes.iter().map(|t| t.size).collect();
            let cut = tree::cut(tree, &sizes, n);
            let names = cut
                .iter()
                .map(|c| {
                    let own = &themes[c.themes[0]];
                    phrases::ThemeLabel {
                        label: own.label.clone(),
                        phrases: own.phrases.clone(),
                        words: own.words.clone(),
                        pool: Default::default(),
                    }
                })
                .collect();
            (cut, names)
        }
    };
    cut.into_iter()
        .zip(names)
        .enumerate()
        .map(|(id, (c, named))| tree::Group {
            id,
            node: c.node,
            label: match c.themes.len() == themes.len() && themes.len() > 1 {
                true => tree::ROOT_LABEL.to_string(),
                false => named.label,
            },
            phrases: named.phrases,
            words: named.words,
            themes: c.themes,
            size: c.size,
            share: round4(c.size as f32 / counted_total as f32),
        })
        .collect()
}

/// Rows of near-duplicate documents: left out of the fit and of the counts (unless kept).
fn duplicate_rows(docs: &[DocRows], duplicates: &[Duplicate], n: usize, keep: bool) -> Vec<bool> {
    let mut is_duplicate = vec![false; n];
    if keep {
        return is_duplicate;
    }
    for d in duplicates {
        if let Some(doc) = docs.iter().find(|doc| doc.id == d.doc_id) {
            for &r in &doc.rows {
                is_duplicate[r] = true;
            }
        }
    }
    is_duplicate
}

/// Clusters `x` (unit rows) in the space `reduce` makes; only the clustering sees that space,
/// centroids, labels and shares use the vectors.
fn reduce_and_cluster(
    params: &ThemeParams,
    reduce: Reduce,
    x: ArrayView2<f32>,
    min_size: usize,
) -> Result<Clustering, ThemeError> {
    let space: Array2<f64> = match reduce {
        Reduce::Pca(d) => pca(x.mapv(f64::from).view(), d)?,
        Reduce::Umap(d) => reduce::umap(
            x,
            &UmapParams {
                n_components: d,
                seed: params.seed,
                ..Default::default()
            },
        )?,
        Reduce::None | Reduce::Auto => x.mapv(f64::from),
    };
    cluster(params, reduce, &space, x, min_size)
}

/// The clustering of the counted rows: each fit row's theme, and the themes' centroids.
struct Fit {
    /// The rows clustered (duplicates left out), and each one's theme.
    rows: Vec<usize>,
    labels: Vec<Option<usize>>,
    n_themes: usize,
    centroids: Array2<f32>,
    found_outliers: usize,
    k: usize,
    k_scores: Vec<KScore>,
    reduce: Reduce,
    min_size: usize,
    /// Rows of the layout when it was made for a sample.
    layout_rows: Option<usize>,
}

/// Reduces, clusters, and dissolves clusters smaller than the minimum size into outliers.
fn fit(
    params: &ThemeParams,
    vectors: ArrayView2<f32>,
    is_duplicate: &[bool],
) -> Result<Fit, ThemeError> {
    let rows: Vec<usize> = (0..vectors.nrows()).filter(|&r| !is_duplicate[r]).collect();
    // Every row is fitted unless some are duplicates: then borrow, not copy.
    let fit_vectors: ndarray::CowArray<f32, ndarray::Ix2> = if rows.len() == vectors.nrows() {
        vectors.into()
    } else {
        vectors.select(Axis(0), &rows).into()
    };
    let min_size = params.effective_min_size(rows.len());
    if let K::Fixed(k) = params.k {
        if k > rows.len() {
            return Err(ThemeError::TooFewRows { k, n: rows.len() });
        }
    }
    let reduce = params.effective_reduce(rows.len(), vectors.ncols());
    let layout_rows = matches!(reduce, Reduce::Umap(_) if rows.len() > scale::LAYOUT_ROWS)
        .then_some(scale::LAYOUT_ROWS);
    let (labels, k, k_scores) = match reduce {
        // A layout of a large corpus is made for a seeded sample; the rest join its clusters.
        Reduce::Umap(_) if layout_rows.is_some() => {
            let sample = select_k::seeded_sample(rows.len(), scale::LAYOUT_ROWS, params.seed);
            let sub = fit_vectors.select(Axis(0), &sample);
            let (sub_labels, k, k_scores) =
                reduce_and_cluster(params, reduce, sub.view(), min_size)?;
            let labels = scale::join_nearest(fit_vectors.view(), &sample, &sub_labels)?;
            (labels, k, k_scores)
        }
        _ => reduce_and_cluster(params, reduce, fit_vectors.view(), min_size)?,
    };
    let labels = dissolve_small(labels, min_size);
    let n_themes = labels.iter().flatten().max().map_or(0, |m| m + 1);
    Ok(Fit {
        found_outliers: labels.iter().filter(|l| l.is_none()).count(),
        centroids: centroids(fit_vectors.view(), &labels, n_themes),
        rows,
        labels,
        n_themes,
        k,
        k_scores,
        reduce,
        min_size,
        layout_rows,
    })
}

/// The "fit" of themes given per row: the counted rows keep their given theme; centroids are
/// the means of the counted rows.
fn given_fit(given: &[Option<usize>], vectors: ArrayView2<f32>, is_duplicate: &[bool]) -> Fit {
    let rows: Vec<usize> = (0..vectors.nrows()).filter(|&r| !is_duplicate[r]).collect();
    let labels: Vec<Option<usize>> = rows.iter().map(|&r| given[r]).collect();
    let n_themes = given.iter().flatten().max().map_or(0, |m| m + 1);
    let fit_vectors = vectors.select(Axis(0), &rows);
    Fit {
        found_outliers: labels.iter().filter(|l| l.is_none()).count(),
        centroids: centroids(fit_vectors.view(), &labels, n_themes),
        rows,
        labels,
        n_themes,
        k: n_themes,
        k_scores: Vec::new(),
        reduce: Reduce::None,
        min_size: 1,
        layout_rows: None,
    }
}

/// Every row's theme, its cosine to each theme's centroid, and whether it was reassigned.
struct RowThemes {
    theme: Vec<Option<usize>>,
    sims: Array2<f32>,
    reassigned: Vec<bool>,
    centroids: Array2<f32>,
    n_themes: usize,
}

/// Every paragraph (duplicates too) learns its nearest theme; outliers move when allowed.
fn assign(
    fit: &Fit,
    vectors: ArrayView2<f32>,
    is_duplicate: &[bool],
    outliers: Outliers,
) -> RowThemes {
    let n = vectors.nrows();
    let mut theme: Vec<Option<usize>> = vec![None; n];
    for (i, &r) in fit.rows.iter().enumerate() {
        theme[r] = fit.labels[i];
    }
    let sims = match fit.n_themes {
        0 => Array2::zeros((n, 0)),
        _ => vectors.dot(&fit.centroids.t()),
    };
    let threshold = match outliers {
        Outliers::Keep => None,
        Outliers::Reassign(t) => Some(t),
    };
    let mut reassigned = vec![false; n];
    for r in 0..n {
        if theme[r].is_some() || fit.n_themes == 0 {
            continue;
        }
        let (best, sim) = argmax(sims.row(r));
        // A duplicate paragraph follows its nearest theme but is never counted.
        if is_duplicate[r] || threshold.is_some_and(|t| sim >= t) {
            theme[r] = Some(best);
            reassigned[r] = !is_duplicate[r];
        }
    }
    RowThemes {
        theme,
        sims,
        reassigned,
        centroids: fit.centroids.clone(),
        n_themes: fit.n_themes,
    }
}

impl RowThemes {
    /// Renumbers the themes by counted size, ties by first row.
    fn order_themes_by_size(&mut self, is_duplicate: &[bool]) {
        let n = self.theme.len();
        let size_of = |t: usize| {
            (0..n)
                .filter(|&r| self.theme[r] == Some(t) && !is_duplicate[r])
                .count()
        };
        let sizes: Vec<usize> = (0..self.n_themes).map(size_of).collect();
        let first_row: Vec<usize> = (0..self.n_themes)
            .map(|t| (0..n).find(|&r| self.theme[r] == Some(t)).unwrap_or(n))
            .collect();
        let mut order: Vec<usize> = (0..self.n_themes).collect();
        order.sort_by_key(|&t| (std::cmp::Reverse(sizes[t]), first_row[t]));
        let mut new_id = vec![0usize; self.n_themes];
        for (new, &old) in order.iter().enumerate() {
            new_id[old] = new;
        }
        for t in self.theme.iter_mut().flatten() {
            *t = new_id[*t];
        }
        self.centroids = self.centroids.select(Axis(0), &order);
        if self.n_themes > 0 {
            self.sims = self.sims.select(Axis(1), &order);
        }
    }
}

/// Theme `t` with its label, size, most representative paragraphs and share of each document.
fn theme(
    set: &EmbeddingSet,
    docs: &[DocRows],
    sims: &Array2<f32>,
    counted: &[Option<usize>],
    is_duplicate: &[bool],
    t: usize,
    label: phrases::ThemeLabel,
) -> Theme {
    let n = counted.len();
    let counted_total = is_duplicate.iter().filter(|d| !**d).count();
    let members: Vec<usize> = (0..n).filter(|&r| counted[r] == Some(t)).collect();
    let mut reps = members.clone();
    reps.sort_by(|&a, &b| sims[[b, t]].total_cmp(&sims[[a, t]]).then(a.cmp(&b)));
    let representatives = reps
        .into_iter()
        .take(REPRESENTATIVES)
        .map(|r| Representative {
            row: r,
            doc_id: set.rows[r].doc_id.clone(),
            para_index: set.rows[r].para_index,
            similarity: round4(sims[[r, t]]),
        })
        .collect();
    let documents = docs
        .iter()
        .filter_map(|d| {
            let total = d.rows.iter().filter(|&&r| !is_duplicate[r]).count();
            let k = d.rows.iter().filter(|&&r| counted[r] == Some(t)).count();
            (k > 0).then(|| DocShare {
                doc_id: d.id.to_string(),
                paragraphs: k,
                share: round4(k as f32 / total.max(1) as f32),
            })
        })
        .collect();
    Theme {
        id: t,
        label: label.label,
        phrases: label.phrases,
        words: label.words,
        size: members.len(),
        share: round4(members.len() as f32 / counted_total.max(1) as f32),
        representatives,
        documents,
        npmi: 0.0,
    }
}

fn assignments(set: &EmbeddingSet, rows: &RowThemes, is_duplicate: &[bool]) -> Vec<Assignment> {
    (0..rows.theme.len())
        .map(|r| Assignment {
            row: r,
            doc_id: set.rows[r].doc_id.clone(),
            para_index: set.rows[r].para_index,
            theme: rows.theme[r],
            similarity: match rows.n_themes {
                0 => 0.0,
                _ => round4(argmax(rows.sims.row(r)).1),
            },
            reassigned: rows.reassigned[r],
            duplicate: is_duplicate[r],
        })
        .collect()
}

fn outlier_summary(rows: &RowThemes, is_duplicate: &[bool], found: usize) -> OutlierSummary {
    let counted_total = is_duplicate.iter().filter(|d| !**d).count();
    let count = (0..rows.theme.len())
        .filter(|&r| !is_duplicate[r] && rows.theme[r].is_none())
        .count();
    OutlierSummary {
        found,
        reassigned: rows.reassigned.iter().filter(|&&x| x).count(),
        count,
        share: round4(count as f32 / counted_total.max(1) as f32),
    }
}

/// The fewest themes `--k auto` gives when the corpus has room for them (`min_size` paragraphs
/// each): two or three themes tell a reader little more than the corpus's title, and the
/// silhouette favours such coarse splits (on 252 political speeches it picked 2, split along
/// one axis of the map). Coarser groupings stay visible in the theme tree.
pub const K_AUTO_MIN: usize = 4;

/// Per-row cluster (`None`: outlier), the number of clusters, and the scores of each k tried.
type Clustering = (Vec<Option<usize>>, usize, Vec<KScore>);

/// Runs the chosen algorithm; with `--k auto`, tries each k and keeps the best silhouette.
fn cluster(
    params: &ThemeParams,
    reduce: Reduce,
    space: &Array2<f64>,
    unit_vectors: ArrayView2<f32>,
    min_size: usize,
) -> Result<Clustering, ThemeError> {
    let n = space.nrows();
    // `rows`: how many rows the clusterer will see (the full matrix or choose_k's sample).
    let make = |k: usize, runs: usize, seed: u64, rows: usize| -> Box<dyn Clusterer> {
        match params.algo {
            Algo::Kmeans if rows >= MINI_BATCH_ROWS => Box::new(MiniBatchKMeans::new(k, seed)),
            Algo::Kmeans => Box::new(KMeansClusterer { k, seed, runs }),
            Algo::Gmm => Box::new(GmmClusterer { k, seed }),
            Algo::Hdbscan => Box::new(HdbscanClusterer {
                min_cluster_size: min_size,
                min_samples: min_size.min(5),
            }),
        }
    };
    if params.algo == Algo::Hdbscan {
        let labels = make(0, 0, params.seed, n).fit(space.view())?;
        let k = labels.iter().flatten().max().map_or(0, |m| m + 1);
        return Ok((labels, k, Vec::new()));
    }
    let k = match params.k {
        K::Fixed(k) => k,
        K::Auto => {
            let upper = params.k_max.min(n / min_size.max(1));
            if upper < 2 {
                1
            } else {
                let lower = K_AUTO_MIN.min(upper);
                // A UMAP layout makes every k look stable (and k = 2 best: NMI 0.49 on AG News
                // against 0.60), so k is chosen on the vectors themselves, then clustered in the
                // layout.
                let sample = select_k::sample_rows(n, params.seed);
                let sub = match reduce {
                    Reduce::Umap(_) => unit_vectors.select(Axis(0), &sample).mapv(f64::from),
                    _ => space.select(Axis(0), &sample),
                };
                let best = choose_k(
                    &make,
                    &sub,
                    &sample,
                    unit_vectors,
                    params.seed,
                    lower,
                    upper,
                )?;
                let labels = fit_k(&make, reduce, space, unit_vectors, best.0, params.seed)?;
                return Ok((labels, best.0, best.1));
            }
        }
    };
    Ok((
        fit_k(&make, reduce, space, unit_vectors, k, params.seed)?,
        k,
        Vec::new(),
    ))
}

/// k-means with `k` clusters: ten seeded runs, the least inertia among them, or in a UMAP
/// layout the run most coherent on the vectors (see `judge`).
fn fit_k(
    make: &dyn Fn(usize, usize, u64, usize) -> Box<dyn Clusterer>,
    reduce: Reduce,
    space: &Array2<f64>,
    unit_vectors: ArrayView2<f32>,
    k: usize,
    seed: u64,
) -> Result<Vec<Option<usize>>, ThemeError> {
    const RUNS: usize = 10;
    let n = space.nrows();
    match reduce {
        Reduce::Umap(_) if n < MINI_BATCH_ROWS => {
            judge::most_coherent(&|s| make(k, 1, s, n), space, unit_vectors, seed, RUNS)
        }
        _ => make(k, RUNS, seed, n).fit(space.view()),
    }
}

/// `--k auto`: for each k, fits k-means on a seeded sample twice with different seeds and
/// scores it by silhouette × stability (adjusted Rand index between the two fits).
///
/// Silhouette alone prefers the coarsest split (k = 2 on AG News, NMI 0.38), and the runner-up
/// k = 3 is an unstable split (the two fits agree at ARI 0.37); weighting by stability picks
/// k = 4, the number of gold topics (see the note of issue 3 for the measurements).
fn choose_k(
    make: &dyn Fn(usize, usize, u64, usize) -> Box<dyn Clusterer>,
    sub: &Array2<f64>,
    sample: &[usize],
    unit_vectors: ArrayView2<f32>,
    seed: u64,
    lower: usize,
    upper: usize,
) -> Result<(usize, Vec<KScore>), ThemeError> {
    let sim = select_k::sample_similarity(unit_vectors, sample);
    let mut scores = Vec::new();
    for k in lower..=upper.min(sample.len()) {
        // Single runs: how much the result depends on the k-means++ draw is what is measured.
        let a = make(k, 1, seed, sub.nrows()).fit(sub.view())?;
        let b = make(k, 1, seed.wrapping_add(1), sub.nrows()).fit(sub.view())?;
        let s = select_k::silhouette(&sim, &a);
        let stability = metrics::adjusted_rand(&a, &b) as f32;
        tracing::debug!("k = {k}: silhouette {s:.4}, stability {stability:.3}");
        scores.push(KScore {
            k,
            silhouette: round4(s),
            stability: round4(stability),
            score: round4(s * stability.max(0.0)),
        });
    }
    let best = scores
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score).then(b.k.cmp(&a.k)))
        .map_or(2, |s| s.k);
    Ok((best, scores))
}

fn dissolve_small(labels: Vec<Option<usize>>, min_size: usize) -> Vec<Option<usize>> {
    let k = labels.iter().flatten().max().map_or(0, |m| m + 1);
    let mut sizes = vec![0usize; k];
    for l in labels.iter().flatten() {
        sizes[*l] += 1;
    }
    let mut remap = vec![None; k];
    let mut next = 0;
    for c in 0..k {
        if sizes[c] >= min_size {
            remap[c] = Some(next);
            next += 1;
        }
    }
    labels
        .into_iter()
        .map(|l| l.and_then(|c| remap[c]))
        .collect()
}

/// L2-normalised mean vector of each theme.
fn centroids(vectors: ArrayView2<f32>, labels: &[Option<usize>], k: usize) -> Array2<f32> {
    let mut c = Array2::<f32>::zeros((k, vectors.ncols()));
    for (r, l) in labels.iter().enumerate() {
        if let Some(t) = l {
            let mut row = c.row_mut(*t);
            row += &vectors.row(r);
        }
    }
    normalized(c.view()).into_owned()
}

/// What a row is divided by to be at unit length: 1 when it is already (within rounding) or
/// zero. The one rule of the fit, `assign` and `lloyd`, so that all three see the same rows.
pub(crate) fn unit_scale(row: ndarray::ArrayView1<f32>) -> f32 {
    let squared = row.dot(&row);
    if (squared - 1.0).abs() <= 1e-4 || squared == 0.0 {
        1.0
    } else {
        squared.sqrt()
    }
}

/// The rows at unit length ([`unit_scale`]): borrowed when they are already (embedding files
/// hold normalised rows, and a copy of a million of them is 1.5 GB), else a normalised copy.
fn normalized(v: ArrayView2<'_, f32>) -> ndarray::CowArray<'_, f32, ndarray::Ix2> {
    if v.rows().into_iter().all(|row| unit_scale(row) == 1.0) {
        return v.into();
    }
    let mut out = v.to_owned();
    for mut row in out.rows_mut() {
        let norm = unit_scale(row.view());
        if norm != 1.0 {
            row /= norm;
        }
    }
    out.into()
}

fn argmax(row: ndarray::ArrayView1<f32>) -> (usize, f32) {
    row.iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &s)| {
            if s > best.1 {
                (i, s)
            } else {
                best
            }
        })
}

/// Documents in first-appearance order with their rows.
fn documents(set: &EmbeddingSet) -> Vec<duplicates::DocRows<'_>> {
    let mut docs: Vec<duplicates::DocRows> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (r, row) in set.rows.iter().enumerate() {
        let i = *index.entry(row.doc_id.as_str()).or_insert_with(|| {
            docs.push(duplicates::DocRows {
                id: row.doc_id.as_str(),
                rows: Vec::new(),
            });
            docs.len() - 1
        });
        docs[i].rows.push(r);
    }
    docs
}

pub(crate) fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}
