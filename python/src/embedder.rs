//! `themescope.Embedder`: a loaded model; `embed(texts)` gives the vectors `themescope embed`
//! writes for the same texts (long texts read as windows, the same cache keys).

use std::path::PathBuf;

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray2};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use themescope::cache::{embed_units, EmbeddingCache};
use themescope::config::{ModelSettings, RunConfig};
use themescope::corpus::{TextUnit, Unit};
use themescope::model::{ResolveOptions, ResolvedModel};
use themescope::pipeline::steps;

use crate::{args, errors};

/// A sentence-embedding model, loaded once and used for many calls.
#[pyclass(module = "themescope", frozen)]
pub struct Embedder {
    pub(crate) inner: themescope::embed::Embedder,
    pub(crate) model: ResolvedModel,
    pub(crate) settings: ModelSettings,
    cache: Option<EmbeddingCache>,
    /// Its own thread pool when `threads` was given (else rayon's global pool: all cores).
    pool: Option<rayon::ThreadPool>,
}

/// The `cache` argument: `None`/`False` no cache, `True` the default folder, else a folder.
fn cache_dir(cache: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PathBuf>> {
    let Some(cache) = cache.filter(|c| !c.is_none()) else {
        return Ok(None);
    };
    if let Ok(flag) = cache.extract::<bool>() {
        return match flag {
            true => EmbeddingCache::default_dir().map(Some).ok_or_else(|| {
                errors::message(
                    "no default cache folder (set XDG_CACHE_HOME or HOME), or pass cache=PATH",
                )
            }),
            false => Ok(None),
        };
    }
    cache.extract::<PathBuf>().map(Some).map_err(|_| {
        PyTypeError::new_err("cache must be None, a bool or a folder (str or os.PathLike)")
    })
}

/// Where models are looked up, as the CLI does: `THEMESCOPE_MODELS`, `HF_HUB_OFFLINE`, and
/// `THEMESCOPE_OFFLINE` (the CLI's `--offline`).
pub(crate) fn resolve_options() -> ResolveOptions {
    let mut opts = ResolveOptions::from_env();
    opts.offline |= std::env::var("THEMESCOPE_OFFLINE").is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    });
    opts
}

/// A pool of `threads` threads, when set.
pub(crate) fn thread_pool(threads: Option<u32>) -> PyResult<Option<rayon::ThreadPool>> {
    threads
        .map(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n as usize)
                .build()
                .map_err(errors::to_py)
        })
        .transpose()
}

/// Runs `work` in `pool` when there is one.
pub(crate) fn in_pool<T: Send>(
    pool: Option<&rayon::ThreadPool>,
    work: impl FnOnce() -> T + Send,
) -> T {
    match pool {
        Some(p) => p.install(work),
        None => work(),
    }
}

impl Embedder {
    /// Loads the model the settings name, resolved as the CLI resolves it.
    pub(crate) fn load(
        py: Python<'_>,
        settings: ModelSettings,
        max_length: Option<usize>,
        cache: Option<PathBuf>,
    ) -> PyResult<Embedder> {
        let pool = thread_pool(settings.threads)?;
        let loaded = py.detach(|| {
            let (model, inner) = steps::load_encoder(&settings, &resolve_options(), max_length)?;
            let cache = cache.as_deref().map(EmbeddingCache::open).transpose()?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((model, inner, cache))
        });
        let (model, inner, cache) = loaded.map_err(|e| errors::message(errors::one_line(&*e)))?;
        Ok(Embedder {
            inner,
            model,
            settings,
            cache,
            pool,
        })
    }

    /// Its own thread pool, if `threads` was given.
    pub(crate) fn pool(&self) -> Option<&rayon::ThreadPool> {
        self.pool.as_ref()
    }

    /// The vectors of `texts`, one row each, computed without the GIL.
    pub(crate) fn vectors(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Array2<f32>> {
        let units: Vec<TextUnit> = texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| TextUnit {
                doc_id: i.to_string(),
                index: 0,
                span: 0..text.len(),
                text,
            })
            .collect();
        let long_text = self.settings.long_text;
        let embedded = py.detach(|| {
            in_pool(self.pool.as_ref(), || {
                embed_units(
                    &self.inner,
                    self.cache.as_ref(),
                    units,
                    Unit::Paragraph,
                    long_text,
                    &mut |_| {},
                )
            })
        });
        Ok(embedded.map_err(errors::to_py)?.set.vectors)
    }
}

#[pymethods]
impl Embedder {
    #[new]
    #[pyo3(signature = (model=None, dtype="f32", device="auto", batch_size=32, threads=None,
                        cache=None, max_length=None, long_text="windows"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        model: Option<&Bound<'_, PyAny>>,
        dtype: &str,
        device: &str,
        batch_size: i64,
        threads: Option<i64>,
        cache: Option<&Bound<'_, PyAny>>,
        max_length: Option<usize>,
        long_text: &str,
    ) -> PyResult<Embedder> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("model", model)?;
        kwargs.set_item("dtype", dtype)?;
        kwargs.set_item("device", device)?;
        kwargs.set_item("batch_size", batch_size)?;
        kwargs.set_item("threads", threads)?;
        kwargs.set_item("long_text", long_text)?;
        let mut config = RunConfig::default();
        args::apply_settings(&mut config, Some(&kwargs), Some(&["model"]))?;
        if let Some(n) = max_length.filter(|n| *n < 2) {
            return Err(errors::message(format!(
                "max_length = {n} is invalid: at least 2 tokens"
            )));
        }
        Embedder::load(py, config.model, max_length, cache_dir(cache)?)
    }

    /// One L2-normalised float32 vector per text (rows × dim), as `themescope embed` computes it.
    fn embed<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let texts = args::texts(texts, "texts")?;
        Ok(self.vectors(py, texts)?.into_pyarray(py))
    }

    /// The vector length.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.info().dim
    }

    /// What the vectors are made with: model, revision, pooling, max length, and more.
    #[getter]
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let i = self.inner.info();
        let d = PyDict::new(py);
        d.set_item("model", &i.model_id)?;
        d.set_item("revision", &i.revision)?;
        d.set_item("pooling", i.pooling.as_str())?;
        d.set_item("normalize", i.normalize)?;
        d.set_item("max_length", i.max_seq_length)?;
        d.set_item("dim", i.dim)?;
        d.set_item("device", i.device)?;
        d.set_item("dtype", i.precision.as_str())?;
        d.set_item("content_sha256", &i.content_sha256)?;
        d.set_item("source", self.model.source.to_string())?;
        d.set_item("path", &self.model.dir)?;
        d.set_item("threads", self.settings.threads)?;
        d.set_item("cache", self.cache.as_ref().map(|c| c.path().to_path_buf()))?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let i = self.inner.info();
        format!(
            "Embedder(model={:?}, dtype={:?}, device={:?}, dim={})",
            i.model_id,
            i.precision.as_str(),
            i.device,
            i.dim
        )
    }
}
