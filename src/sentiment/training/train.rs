//! Training the head: features of the training targets, standardisation, the regularisation
//! chosen by seeded k-fold cross-validation on the training data (or on a dev file), a final fit,
//! and dev scores written into the head's metadata.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, Axis};

use super::cache;
use super::data::Dataset;
use super::logreg::{self, LogRegOptions};
use super::metrics::Evaluation;
use crate::embed::Embedder;
use crate::sentiment::features::{self, Recipe};
use crate::sentiment::head::{Head, HeadMeta};
use crate::sentiment::rng::SplitMix64;
use crate::sentiment::{Label, SentimentError};

/// How to choose the regularisation.
#[derive(Debug, Clone, PartialEq)]
pub enum Tuning {
    /// k-fold cross-validation on the training data, folds drawn with the seed.
    CrossValidation(usize),
    /// Macro-F1 on the first dev file.
    FirstDev,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub seed: u64,
    pub recipe: Recipe,
    /// Values of C to try; the best by F1m is kept.
    pub c_grid: Vec<f64>,
    pub tuning: Tuning,
    /// Train on this many targets drawn with the seed instead of all (for quick runs).
    pub limit: Option<usize>,
    /// Where computed features are kept between runs.
    pub cache_dir: Option<PathBuf>,
    pub max_iter: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            seed: 42,
            recipe: Recipe::full(),
            c_grid: vec![0.0003, 0.001, 0.003, 0.01, 0.03],
            tuning: Tuning::CrossValidation(5),
            limit: None,
            cache_dir: None,
            max_iter: 500,
        }
    }
}

/// What training produced.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub head: Head,
    /// (C, F1m) for every value tried.
    pub grid: Vec<(f64, f64)>,
    /// Scores of the final head on each dev file, by file name.
    pub dev: Vec<(String, Evaluation)>,
    pub n_train: usize,
}

/// Progress events, for a progress bar.
pub enum TrainEvent<'a> {
    /// Computing features: `done` of `total` targets of `what`.
    Features {
        what: &'a str,
        done: usize,
        total: usize,
    },
    /// Fitting with this C.
    Fit { c: f64 },
}

/// The features of a dataset's targets under the full recipe, from the cache when possible.
pub fn dataset_features(
    embedder: &Embedder,
    data: &Dataset,
    cache_dir: Option<&Path>,
    progress: &mut dyn FnMut(TrainEvent<'_>),
) -> Result<Array2<f32>, SentimentError> {
    let full = Recipe::full();
    let info = embedder.info();
    let cols = info.dim * full.blocks.len();
    let key = format!(
        "{}|{:?}|{}|{}|{}|{}{}{}|{}",
        data.sha256,
        info.revision,
        info.model_id,
        info.max_seq_length,
        full.name(),
        features::MARK_OPEN,
        features::MARK_CLOSE,
        features::PLACEHOLDER,
        data.targets.len()
    );
    let cached = cache_dir.map(|d| cache::path_for(d, &key));
    if let Some(m) = cached
        .as_deref()
        .and_then(|p| cache::load(p, data.targets.len(), cols))
    {
        return Ok(m);
    }
    let name = file_name(&data.path);
    let targets = data.target_refs();
    let total = targets.len();
    let mut done = 0;
    let m = features::extract(embedder, &full, &targets, &mut |n| {
        done += n;
        progress(TrainEvent::Features {
            what: &name,
            done,
            total,
        })
    })?;
    if let Some(p) = cached {
        cache::store(&p, &m)?;
    }
    Ok(m)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn select(m: &Array2<f32>, cols: &[usize]) -> Array2<f32> {
    m.select(Axis(1), cols)
}

/// Mean and standard deviation of each column (constant columns get scale 1).
fn standardiser(x: &Array2<f32>) -> (Array1<f32>, Array1<f32>) {
    let x64 = x.mapv(f64::from);
    let mean = x64
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()));
    let var = x64.var_axis(Axis(0), 0.0);
    let scale = var.mapv(|v| if v > 1e-12 { v.sqrt() } else { 1.0 });
    (mean.mapv(|v| v as f32), scale.mapv(|v| v as f32))
}

fn standardise(x: &Array2<f32>, mean: &Array1<f32>, scale: &Array1<f32>) -> Array2<f64> {
    ((x - mean) / scale).mapv(f64::from)
}

fn argmax_labels(p: &Array2<f64>) -> Vec<Label> {
    p.rows()
        .into_iter()
        .map(|r| {
            let best = (0..3).fold(1, |b, i| if r[i] > r[b] { i } else { b });
            Label::from_index(best)
        })
        .collect()
}

/// Trains a head on `train`; `dev` files are scored (and the first one tunes C with
/// [`Tuning::FirstDev`]).
pub fn train(
    embedder: &Embedder,
    train: &Dataset,
    dev: &[Dataset],
    opts: &TrainOptions,
    progress: &mut dyn FnMut(TrainEvent<'_>),
) -> Result<TrainReport, SentimentError> {
    if opts.c_grid.is_empty() || opts.c_grid.iter().any(|c| !(*c > 0.0 && c.is_finite())) {
        return Err(SentimentError::Options(
            "option `c` takes positive numbers".to_string(),
        ));
    }
    if opts.tuning == Tuning::FirstDev && dev.is_empty() {
        return Err(SentimentError::Options(
            "option `tune` dev needs a file to tune on (option `dev`)".to_string(),
        ));
    }
    let info = embedder.info();
    let cols = opts.recipe.columns_in_full(info.dim);
    // The training rows: all, or a seeded subset (whose features alone are computed).
    let mut rows: Vec<usize> = (0..train.targets.len()).collect();
    let subset = opts.limit.is_some_and(|n| n < rows.len());
    if let (true, Some(n)) = (subset, opts.limit) {
        SplitMix64::new(opts.seed).shuffle(&mut rows);
        rows.truncate(n);
        rows.sort_unstable();
    }
    let all = if subset {
        let part = Dataset {
            path: train.path.clone(),
            sha256: train.sha256.clone(),
            targets: rows.iter().map(|&i| train.targets[i].clone()).collect(),
            sentences: 0,
        };
        dataset_features(embedder, &part, None, progress)?
    } else {
        dataset_features(embedder, train, opts.cache_dir.as_deref(), progress)?
    };
    let x = select(&all, &cols);
    let y: Vec<usize> = rows
        .iter()
        .map(|&i| train.targets[i].label.index())
        .collect();
    let (mean, scale) = standardiser(&x);
    let xs = standardise(&x, &mean, &scale);

    let dev_x: Vec<Array2<f64>> = dev
        .iter()
        .map(|d| {
            let f = dataset_features(embedder, d, opts.cache_dir.as_deref(), progress)?;
            Ok(standardise(&select(&f, &cols), &mean, &scale))
        })
        .collect::<Result<_, SentimentError>>()?;

    let fit_opts = |c: f64| LogRegOptions {
        c,
        balanced: true,
        max_iter: opts.max_iter,
        tol: 1e-6,
    };
    let mut grid = Vec::new();
    if opts.c_grid.len() > 1 {
        for &c in &opts.c_grid {
            progress(TrainEvent::Fit { c });
            let f1m = match opts.tuning {
                Tuning::FirstDev => {
                    let m = logreg::fit(xs.view(), &y, 3, &fit_opts(c));
                    let gold: Vec<Label> = dev[0].targets.iter().map(|t| t.label).collect();
                    Evaluation::new(&gold, &argmax_labels(&m.predict_proba(dev_x[0].view()))).f1m
                }
                Tuning::CrossValidation(k) => cross_validate(&xs, &y, k, opts.seed, &fit_opts(c)),
            };
            grid.push((c, f1m));
        }
    }
    // The best C; ties go to the stronger penalty (the smaller C).
    let c = grid
        .iter()
        .fold(None::<(f64, f64)>, |best, &(c, f)| match best {
            Some((_, bf)) if bf >= f => best,
            _ => Some((c, f)),
        })
        .map_or(opts.c_grid[0], |(c, _)| c);
    progress(TrainEvent::Fit { c });
    let model = logreg::fit(xs.view(), &y, 3, &fit_opts(c));

    let mut extra = BTreeMap::new();
    extra.insert(
        "themescope_version".to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    );
    extra.insert(
        "classifier".to_string(),
        "multinomial logistic regression, L2, class weights balanced, L-BFGS".to_string(),
    );
    extra.insert(
        "markers".to_string(),
        format!(
            "{:?} {:?} placeholder {:?}",
            features::MARK_OPEN,
            features::MARK_CLOSE,
            features::PLACEHOLDER
        ),
    );
    extra.insert(
        "tuning".to_string(),
        match (&opts.tuning, grid.is_empty()) {
            (_, true) => "none (one C given)".to_string(),
            (Tuning::CrossValidation(k), _) => {
                format!("{k}-fold cross-validation on the training data, F1m")
            }
            (Tuning::FirstDev, _) => format!("F1m on {}", file_name(&dev[0].path)),
        },
    );
    if !grid.is_empty() {
        let g: Vec<String> = grid.iter().map(|(c, f)| format!("{c}: {f:.4}")).collect();
        extra.insert("c_grid".to_string(), g.join(", "));
    }
    let mut head = Head {
        source: "trained".to_string(),
        meta: HeadMeta {
            encoder_id: info.model_id.clone(),
            encoder_revision: info.revision.clone(),
            encoder_dim: info.dim,
            recipe: opts.recipe.clone(),
            training_data: file_name(&train.path),
            training_sha256: train.sha256.clone(),
            n_train: rows.len(),
            seed: opts.seed,
            c,
            extra,
        },
        mean,
        scale,
        weight: model.weight.mapv(|v| v as f32),
        bias: model.bias.mapv(|v| v as f32),
    };
    // Dev scores of the head as stored (f32), from the unstandardised features.
    let mut dev_scores = Vec::new();
    for d in dev {
        let f = dataset_features(embedder, d, opts.cache_dir.as_deref(), progress)?;
        let preds = head.predict(select(&f, &cols).view());
        let gold: Vec<Label> = d.targets.iter().map(|t| t.label).collect();
        let labels: Vec<Label> = preds.iter().map(|p| p.label).collect();
        dev_scores.push((file_name(&d.path), Evaluation::new(&gold, &labels)));
    }
    let dev_json: serde_json::Map<String, serde_json::Value> = dev_scores
        .iter()
        .map(|(name, e)| {
            (
                name.clone(),
                serde_json::json!({
                    "f1m": format!("{:.4}", e.f1m),
                    "accuracy": format!("{:.4}", e.accuracy),
                    "n": e.n,
                }),
            )
        })
        .collect();
    head.meta.extra.insert(
        "dev_scores".to_string(),
        serde_json::Value::Object(dev_json).to_string(),
    );
    Ok(TrainReport {
        head,
        grid,
        dev: dev_scores,
        n_train: rows.len(),
    })
}

/// Out-of-fold macro-F1 of k-fold cross-validation with seeded folds.
fn cross_validate(x: &Array2<f64>, y: &[usize], k: usize, seed: u64, opts: &LogRegOptions) -> f64 {
    let n = y.len();
    let k = k.clamp(2, n.max(2));
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix64::new(seed ^ 0xC0FF_EE00).shuffle(&mut order);
    let mut fold = vec![0usize; n];
    for (pos, &i) in order.iter().enumerate() {
        fold[i] = pos % k;
    }
    let mut predicted = vec![Label::Neutral; n];
    for f in 0..k {
        let train_rows: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
        let test_rows: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
        if train_rows.is_empty() || test_rows.is_empty() {
            continue;
        }
        let xt = x.select(Axis(0), &train_rows);
        let yt: Vec<usize> = train_rows.iter().map(|&i| y[i]).collect();
        let m = logreg::fit(xt.view(), &yt, 3, opts);
        let p = argmax_labels(&m.predict_proba(x.select(Axis(0), &test_rows).view()));
        for (&i, l) in test_rows.iter().zip(p) {
            predicted[i] = l;
        }
    }
    let gold: Vec<Label> = y.iter().map(|&c| Label::from_index(c)).collect();
    Evaluation::new(&gold, &predicted).f1m
}
