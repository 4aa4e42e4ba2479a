//! Clustering behind one small trait, so that linfa or petal-clustering can be swapped without
//! touching the rest of the themes stage.

use std::collections::BTreeMap;

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{GaussianMixtureModel, KMeans};
use ndarray::{Array2, ArrayView2};
use petal_clustering::{Fit as PetalFit, HDbscan};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::ThemeError;

/// A clustering of rows: a cluster index per row, `None` for outliers. Cluster indices are
/// `0..n_clusters`, numbered by first appearance so equal inputs give equal output.
pub trait Clusterer {
    fn name(&self) -> &'static str;
    fn fit(&self, x: ArrayView2<f64>) -> Result<Vec<Option<usize>>, ThemeError>;
}

/// k-means with k-means++ seeding, the best of `runs` seeded runs.
pub struct KMeansClusterer {
    pub k: usize,
    pub seed: u64,
    pub runs: usize,
}

impl Clusterer for KMeansClusterer {
    fn name(&self) -> &'static str {
        "kmeans"
    }

    fn fit(&self, x: ArrayView2<f64>) -> Result<Vec<Option<usize>>, ThemeError> {
        let data = DatasetBase::from(x.to_owned());
        let rng = Xoshiro256Plus::seed_from_u64(self.seed);
        let model = KMeans::params_with_rng(self.k, rng)
            .n_runs(self.runs)
            .max_n_iterations(300)
            .tolerance(1e-5)
            .fit(&data)
            .map_err(|e| ThemeError::Cluster {
                algo: self.name(),
                reason: e.to_string(),
            })?;
        let labels = model.predict(&data);
        Ok(renumber(labels.iter().map(|&l| Some(l))))
    }
}

/// A Gaussian mixture with full covariances.
pub struct GmmClusterer {
    pub k: usize,
    pub seed: u64,
}

impl Clusterer for GmmClusterer {
    fn name(&self) -> &'static str {
        "gmm"
    }

    fn fit(&self, x: ArrayView2<f64>) -> Result<Vec<Option<usize>>, ThemeError> {
        let data = DatasetBase::from(x.to_owned());
        let rng = Xoshiro256Plus::seed_from_u64(self.seed);
        let model = GaussianMixtureModel::params_with_rng(self.k, rng)
            .n_runs(3)
            .reg_covariance(1e-4)
            .max_n_iterations(200)
            .fit(&data)
            .map_err(|e| ThemeError::Cluster {
                algo: self.name(),
                reason: format!("{e}; try fewer dimensions (option `reduce` pca:16) or fewer themes (option `k`)"),
            })?;
        let labels = model.predict(&data);
        Ok(renumber(labels.iter().map(|&l| Some(l))))
    }
}

/// HDBSCAN: clusters of at least `min_cluster_size` dense rows; the rest are outliers.
pub struct HdbscanClusterer {
    pub min_cluster_size: usize,
    pub min_samples: usize,
}

impl Clusterer for HdbscanClusterer {
    fn name(&self) -> &'static str {
        "hdbscan"
    }

    fn fit(&self, x: ArrayView2<f64>) -> Result<Vec<Option<usize>>, ThemeError> {
        let mut model = HDbscan {
            min_cluster_size: self.min_cluster_size.max(2),
            min_samples: self.min_samples.max(1),
            ..HDbscan::default()
        };
        // A core distance needs `min_samples` neighbours besides the row itself, and a cluster
        // `min_cluster_size` rows: with fewer rows nothing is dense, every row is an outlier
        // (and petal-clustering would index past its neighbour lists).
        if x.nrows() <= model.min_samples || x.nrows() < model.min_cluster_size {
            return Ok(vec![None; x.nrows()]);
        }
        let (clusters, _outliers, _) = PetalFit::fit(&mut model, &x.to_owned(), None);
        let mut labels = vec![None; x.nrows()];
        // HashMap order is arbitrary: order clusters by their first row.
        let mut ordered: Vec<(usize, Vec<usize>)> = clusters.into_iter().collect();
        ordered.sort_by_key(|(_, rows)| rows.iter().min().copied().unwrap_or(usize::MAX));
        for (cluster, (_, rows)) in ordered.into_iter().enumerate() {
            for r in rows {
                labels[r] = Some(cluster);
            }
        }
        Ok(renumber(labels.into_iter()))
    }
}

/// Renumbers cluster ids by first appearance.
pub(super) fn renumber(labels: impl Iterator<Item = Option<usize>>) -> Vec<Option<usize>> {
    let mut map = BTreeMap::new();
    labels
        .map(|l| {
            l.map(|c| {
                let next = map.len();
                *map.entry(c).or_insert(next)
            })
        })
        .collect()
}

/// Projects rows onto their first `dims` principal components (linfa-reduction).
pub fn pca(x: ArrayView2<f64>, dims: usize) -> Result<Array2<f64>, ThemeError> {
    let data = DatasetBase::from(x.to_owned());
    let model = linfa_reduction::Pca::params(dims)
        .fit(&data)
        .map_err(|e| ThemeError::Reduce(e.to_string()))?;
    let projected = model.predict(&data);
    Ok(projected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn blobs() -> Array2<f64> {
        // Three tight groups far apart.
        let mut rows = Vec::new();
        for (cx, cy) in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)] {
            for i in 0..8 {
                let d = i as f64 * 0.05;
                rows.push([cx + d, cy - d]);
            }
        }
        Array2::from_shape_fn((rows.len(), 2), |(r, c)| rows[r][c])
    }

    fn groups(labels: &[Option<usize>]) -> Vec<Option<usize>> {
        labels.to_vec()
    }

    #[test]
    fn kmeans_finds_separated_groups_deterministically() {
        let x = blobs();
        let c = KMeansClusterer {
            k: 3,
            seed: 1,
            runs: 4,
        };
        let a = c.fit(x.view()).unwrap();
        let b = c.fit(x.view()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a[0], Some(0), "numbered by first appearance");
        for g in 0..3 {
            let first = a[g * 8];
            assert!(a[g * 8..g * 8 + 8].iter().all(|&l| l == first));
        }
        assert_ne!(a[0], a[8]);
        assert_ne!(a[8], a[16]);
    }

    #[test]
    fn hdbscan_leaves_a_far_point_out() {
        let mut x = blobs().into_raw_vec_and_offset().0;
        x.extend_from_slice(&[100.0, 100.0]);
        let x = Array2::from_shape_vec((25, 2), x).unwrap();
        let c = HdbscanClusterer {
            min_cluster_size: 4,
            min_samples: 3,
        };
        let labels = groups(&c.fit(x.view()).unwrap());
        assert_eq!(labels[24], None);
        assert_eq!(labels.iter().flatten().max(), Some(&2));
    }

    #[test]
    fn hdbscan_on_fewer_rows_than_it_needs_leaves_them_all_out() {
        for rows in 1..=6 {
            let x = Array2::from_shape_fn((rows, 2), |(i, j)| (i * 3 + j) as f64);
            for (min_cluster_size, min_samples) in [(3, 3), (2, 1), (5, 5), (3, 2)] {
                let c = HdbscanClusterer {
                    min_cluster_size,
                    min_samples,
                };
                let labels = c.fit(x.view()).unwrap();
                assert_eq!(labels.len(), rows);
            }
        }
        let two = Array2::from_shape_vec((2, 2), vec![0.0, 0.0, 1.0, 1.0]).unwrap();
        let c = HdbscanClusterer {
            min_cluster_size: 3,
            min_samples: 3,
        };
        assert_eq!(c.fit(two.view()).unwrap(), vec![None, None]);
    }

    #[test]
    fn gmm_separates_groups() {
        let x = blobs();
        let labels = GmmClusterer { k: 3, seed: 3 }.fit(x.view()).unwrap();
        assert_ne!(labels[0], labels[8]);
        assert_ne!(labels[8], labels[16]);
    }

    #[test]
    fn pca_keeps_the_main_direction() {
        let x = array![[1.0, 1.0], [2.0, 2.0], [3.0, 3.1], [4.0, 3.9]];
        let p = pca(x.view(), 1).unwrap();
        assert_eq!(p.dim(), (4, 1));
        // Monotone along the diagonal.
        let v: Vec<f64> = p.column(0).to_vec();
        assert!(v.windows(2).all(|w| w[0] < w[1]) || v.windows(2).all(|w| w[0] > w[1]));
    }
}
