//! Theme hyperparameters, checked before any work starts (as linfa does).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::ThemeError;

/// `--k`: the number of themes, or `auto` to choose it by silhouette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum K {
    Auto,
    Fixed(usize),
}

impl FromStr for K {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "auto" => Ok(K::Auto),
            n => match n.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(K::Fixed(k)),
                _ => Err(format!("`{s}` is not `auto` or a whole number ≥ 1")),
            },
        }
    }
}

impl fmt::Display for K {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            K::Auto => f.write_str("auto"),
            K::Fixed(k) => write!(f, "{k}"),
        }
    }
}

/// `--algo`: the clustering algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    /// k-means with k-means++ seeding (linfa); every paragraph gets a theme.
    #[default]
    Kmeans,
    /// Density-based (petal-clustering); finds its own number of themes and leaves outliers.
    Hdbscan,
    /// Gaussian mixture with full covariances (linfa), on PCA-reduced vectors.
    Gmm,
}

impl Algo {
    pub fn as_str(self) -> &'static str {
        match self {
            Algo::Kmeans => "kmeans",
            Algo::Hdbscan => "hdbscan",
            Algo::Gmm => "gmm",
        }
    }
}

/// `--reduce`: dimension reduction before clustering (only the clustering sees the reduced
/// vectors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    /// UMAP to 5 dimensions from [`UMAP_AUTO_MIN_ROWS`] rows on (k-means, HDBSCAN); below, none
    /// for k-means and PCA to 16 for HDBSCAN; PCA to 32 for GMM.
    Auto,
    None,
    Pca(usize),
    /// The neighbour-graph embedding of `super::reduce` to D dimensions.
    Umap(usize),
}

/// Rows from which `--reduce auto` lays them out with UMAP first. Measured on AG News, k = 4,
/// NMI unreduced → UMAP with 30 neighbours: 0.598 → 0.615 (7,600 rows); four slices of 2,000
/// rows 0.595 → 0.603 on average; the first 1,000 rows 0.518 → 0.503, so small corpora keep
/// clustering the vectors as they are.
pub const UMAP_AUTO_MIN_ROWS: usize = 1500;
/// Dimensions of `umap` without a number, and of `auto` (as BERTopic).
pub const UMAP_DEFAULT_DIMS: usize = 5;

impl FromStr for Reduce {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let dims = |d: Option<&str>| d.and_then(|d| d.parse::<usize>().ok()).filter(|&d| d >= 1);
        match s.trim() {
            "auto" => Ok(Reduce::Auto),
            "none" => Ok(Reduce::None),
            "umap" => Ok(Reduce::Umap(UMAP_DEFAULT_DIMS)),
            other => {
                let pca = dims(other.strip_prefix("pca:")).map(Reduce::Pca);
                let umap = dims(other.strip_prefix("umap:")).map(Reduce::Umap);
                pca.or(umap).ok_or_else(|| {
                    format!("`{s}` is not `auto`, `none`, `pca:D` or `umap:D` (D ≥ 1)")
                })
            }
        }
    }
}

impl fmt::Display for Reduce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reduce::Auto => f.write_str("auto"),
            Reduce::None => f.write_str("none"),
            Reduce::Pca(d) => write!(f, "pca:{d}"),
            Reduce::Umap(d) => write!(f, "umap:{d}"),
        }
    }
}

/// Written as the flag's text (`"umap:5"`), so `themes.json` reads as the command line does.
impl Serialize for Reduce {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `--outliers`: what happens to paragraphs no theme claims.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outliers {
    /// Leave them outside every theme.
    Keep,
    /// Move each to its nearest theme when the cosine to that theme's centroid is at least this.
    Reassign(f32),
}

/// Default similarity an outlier needs to join a theme.
pub const DEFAULT_REASSIGN_THRESHOLD: f32 = 0.3;

impl FromStr for Outliers {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "keep" => Ok(Outliers::Keep),
            "reassign" => Ok(Outliers::Reassign(DEFAULT_REASSIGN_THRESHOLD)),
            other => match other.strip_prefix("reassign:").map(str::parse::<f32>) {
                Some(Ok(t)) if (-1.0..=1.0).contains(&t) => Ok(Outliers::Reassign(t)),
                _ => Err(format!(
                    "`{s}` is not `keep`, `reassign` or `reassign:T` with T a cosine in [-1, 1]"
                )),
            },
        }
    }
}

impl fmt::Display for Outliers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outliers::Keep => f.write_str("keep"),
            Outliers::Reassign(t) => write!(f, "reassign:{t}"),
        }
    }
}

/// Everything that shapes the themes. Build with `Default` and adjust, then `validate`.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeParams {
    pub k: K,
    pub algo: Algo,
    pub seed: u64,
    /// Smallest theme; smaller clusters become outliers. `None`: chosen from the corpus size.
    pub min_size: Option<usize>,
    pub reduce: Reduce,
    pub outliers: Outliers,
    /// Largest k tried by `--k auto`.
    pub k_max: usize,
    /// Keep near-duplicate documents in theme sizes and shares.
    pub keep_duplicates: bool,
    /// Also cut the themes into this many groups of the theme tree (`--level`).
    pub level: Option<usize>,
}

impl Default for ThemeParams {
    fn default() -> Self {
        ThemeParams {
            k: K::Auto,
            algo: Algo::Kmeans,
            seed: 42,
            min_size: None,
            reduce: Reduce::Auto,
            outliers: Outliers::Reassign(DEFAULT_REASSIGN_THRESHOLD),
            k_max: 12,
            keep_duplicates: false,
            level: None,
        }
    }
}

/// Theme parameters that passed [`ThemeParams::check`] (as linfa's hyperparameters do): what
/// can be said without the data is said before any work starts.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ValidThemeParams(ThemeParams);

impl std::ops::Deref for ValidThemeParams {
    type Target = ThemeParams;
    fn deref(&self) -> &ThemeParams {
        &self.0
    }
}

impl ValidThemeParams {
    /// Checks the parameters against the data: rows to cluster and their dimension.
    pub fn check_data(&self, rows: usize, dim: usize) -> Result<(), ThemeError> {
        if rows == 0 || dim == 0 {
            return Err(ThemeError::Empty);
        }
        if let K::Fixed(k) = self.k {
            if k > rows {
                return Err(ThemeError::TooFewRows { k, n: rows });
            }
        }
        if let Reduce::Pca(d) | Reduce::Umap(d) = self.reduce {
            if d > dim {
                return Err(ThemeError::Param {
                    option: "option `reduce`",
                    reason: format!(
                        "{} asks for more dimensions than the vectors have ({dim})",
                        self.reduce
                    ),
                });
            }
        }
        Ok(())
    }
}

impl ThemeParams {
    /// Checks what does not depend on the data, once, before any work.
    pub fn check(self) -> Result<ValidThemeParams, ThemeError> {
        if matches!(self.k, K::Fixed(_)) && self.algo == Algo::Hdbscan {
            return Err(ThemeError::Param {
                option: "option `k`",
                reason: "hdbscan finds the number of themes itself: use k auto".into(),
            });
        }
        if self.k_max < 2 {
            return Err(ThemeError::Param {
                option: "option `k_max`",
                reason: "must be at least 2".into(),
            });
        }
        if let Some(0) = self.level {
            return Err(ThemeError::Param {
                option: "option `level`",
                reason: "must be at least 1 (the number of groups)".into(),
            });
        }
        if let Some(0) = self.min_size {
            return Err(ThemeError::Param {
                option: "option `min_size`",
                reason: "must be at least 1".into(),
            });
        }
        Ok(ValidThemeParams(self))
    }

    /// The reduction actually applied to `rows` vectors of `dim` values.
    pub fn effective_reduce(&self, rows: usize, dim: usize) -> Reduce {
        let umap_fits = rows >= UMAP_AUTO_MIN_ROWS;
        let target = match (self.reduce, self.algo) {
            (Reduce::None, _) => return Reduce::None,
            (Reduce::Auto, Algo::Kmeans | Algo::Hdbscan) if umap_fits => {
                return Reduce::Umap(UMAP_DEFAULT_DIMS.min(dim))
            }
            (Reduce::Auto, Algo::Kmeans) => return Reduce::None,
            // A layout needs a few neighbours per row: too few rows, the vectors as they are.
            (Reduce::Umap(_), _) if rows < super::reduce::MIN_ROWS => return Reduce::None,
            (Reduce::Umap(d), _) => return Reduce::Umap(d.min(dim)),
            (Reduce::Auto, Algo::Gmm) => 32,
            (Reduce::Auto, Algo::Hdbscan) => 16,
            (Reduce::Pca(d), _) => d,
        };
        // PCA cannot give more components than rows - 1.
        Reduce::Pca(target.min(dim).min(rows.saturating_sub(1)).max(1))
    }

    /// The smallest theme size: given, or about 1% of the rows (at least 3, at most 50).
    pub fn effective_min_size(&self, rows: usize) -> usize {
        self.min_size.unwrap_or((rows / 100).clamp(3, 50))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        assert_eq!("auto".parse::<K>().unwrap(), K::Auto);
        assert_eq!("7".parse::<K>().unwrap(), K::Fixed(7));
        assert!("0".parse::<K>().is_err());
        assert_eq!("pca:8".parse::<Reduce>().unwrap(), Reduce::Pca(8));
        assert!("pca:".parse::<Reduce>().is_err());
        assert_eq!("umap:5".parse::<Reduce>().unwrap(), Reduce::Umap(5));
        assert_eq!("umap".parse::<Reduce>().unwrap(), Reduce::Umap(5));
        for bad in ["umap:0", "umap:x", "umap:", "tsne", "pca:-1", ""] {
            let e = bad.parse::<Reduce>().unwrap_err();
            assert!(e.contains("umap:D") && !e.contains('\n'), "{e}");
        }
        assert_eq!(
            serde_json::to_string(&Reduce::Umap(5)).unwrap(),
            "\"umap:5\""
        );
        assert_eq!(
            "reassign:0.5".parse::<Outliers>().unwrap(),
            Outliers::Reassign(0.5)
        );
        assert!("reassign:2".parse::<Outliers>().is_err());
        assert_eq!("keep".parse::<Outliers>().unwrap(), Outliers::Keep);
    }

    #[test]
    fn validation_happens_before_work() {
        let p = ThemeParams {
            k: K::Fixed(10),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert!(matches!(
            p.check_data(5, 384),
            Err(ThemeError::TooFewRows { k: 10, n: 5 })
        ));
        assert!(matches!(p.check_data(0, 384), Err(ThemeError::Empty)));
        assert!(p.check_data(50, 384).is_ok());
        let p = ThemeParams {
            reduce: Reduce::Pca(500),
            ..Default::default()
        };
        let e = p.check().unwrap().check_data(50, 384).unwrap_err();
        assert!(e.to_string().contains("option `reduce`"));
        for bad in [
            ThemeParams {
                k_max: 1,
                ..Default::default()
            },
            ThemeParams {
                min_size: Some(0),
                ..Default::default()
            },
            ThemeParams {
                k: K::Fixed(3),
                algo: Algo::Hdbscan,
                ..Default::default()
            },
        ] {
            assert!(matches!(bad.check(), Err(ThemeError::Param { .. })));
        }
    }

    #[test]
    fn auto_reduction_depends_on_algorithm() {
        let mut p = ThemeParams::default();
        assert_eq!(p.effective_reduce(999, 384), Reduce::None);
        assert_eq!(p.effective_reduce(7600, 384), Reduce::Umap(5));
        p.algo = Algo::Hdbscan;
        assert_eq!(p.effective_reduce(500, 384), Reduce::Pca(16));
        assert_eq!(p.effective_reduce(7600, 384), Reduce::Umap(5));
        p.reduce = Reduce::Umap(8);
        assert_eq!(p.effective_reduce(5, 384), Reduce::None);
        assert_eq!(p.effective_reduce(50, 384), Reduce::Umap(8));
        p.reduce = Reduce::Auto;
        p.algo = Algo::Gmm;
        assert_eq!(p.effective_reduce(1000, 384), Reduce::Pca(32));
        assert_eq!(p.effective_reduce(10, 384), Reduce::Pca(9));
    }
}
