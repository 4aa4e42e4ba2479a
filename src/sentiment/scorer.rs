//! Scoring methods: the [`Scorer`] interface, the trained head over the encoder's features, the
//! VADER lexicon, and [`ScoringModel`], the one place a method is chosen and loaded (for `run`,
//! `sentiment` and `head eval` alike).

use serde::Serialize;

use super::features::{self, TargetRef};
use super::head;
use super::tdmodel::{self, TdHead, TdScorer};
use super::vader::Vader;
use super::{Head, Prediction, SentimentError};
use crate::embed::{Embedder, EncoderInfo};

/// How targets are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The trained head over the encoder's features.
    Head,
    /// The VADER lexicon on the sentence around the target.
    Vader,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Head => "head",
            Method::Vader => "vader",
        }
    }
}

/// Scores targets (a sentence and the target's byte span in it).
pub trait Scorer {
    fn method(&self) -> Method;

    /// What decides a prediction besides its target, as bytes for a cache key; `None` when
    /// scoring is cheaper than a cache lookup (the lexicon).
    fn cache_identity(&self) -> Option<Vec<u8>> {
        None
    }

    /// One prediction per target; `progress` is told how many targets each step finished.
    fn score(
        &self,
        targets: &[TargetRef<'_>],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Prediction>, SentimentError>;

    /// The head and its encoder, for a scorer that is one (evaluation reuses cached features).
    fn head(&self) -> Option<(&Head, &Embedder)> {
        None
    }
}

impl<T: Scorer + ?Sized> Scorer for &T {
    fn method(&self) -> Method {
        (**self).method()
    }
    fn cache_identity(&self) -> Option<Vec<u8>> {
        (**self).cache_identity()
    }
    fn score(
        &self,
        targets: &[TargetRef<'_>],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Prediction>, SentimentError> {
        (**self).score(targets, progress)
    }
    fn head(&self) -> Option<(&Head, &Embedder)> {
        (**self).head()
    }
}

/// The head with the encoder that makes its features.
pub struct HeadScorer<'a> {
    head: &'a Head,
    embedder: &'a Embedder,
}

impl<'a> HeadScorer<'a> {
    /// Call [`Head::check_encoder`] first.
    pub fn new(head: &'a Head, embedder: &'a Embedder) -> HeadScorer<'a> {
        HeadScorer { head, embedder }
    }
}

impl Scorer for HeadScorer<'_> {
    fn method(&self) -> Method {
        Method::Head
    }

    /// The encoder's settings, the recipe and every number of the head itself.
    fn cache_identity(&self) -> Option<Vec<u8>> {
        let mut id = format!(
            "head-v1\0{}{}\0",
            self.embedder.info().settings_key(),
            self.head.meta.recipe.name(),
        )
        .into_bytes();
        let h = self.head;
        for x in h
            .mean
            .iter()
            .chain(&h.scale)
            .chain(&h.weight)
            .chain(&h.bias)
        {
            id.extend_from_slice(&x.to_le_bytes());
        }
        Some(id)
    }

    fn score(
        &self,
        targets: &[TargetRef<'_>],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Prediction>, SentimentError> {
        let f = features::extract(self.embedder, &self.head.meta.recipe, targets, progress)?;
        Ok(self.head.predict(f.view()))
    }

    fn head(&self) -> Option<(&Head, &Embedder)> {
        Some((self.head, self.embedder))
    }
}

impl Scorer for Vader {
    fn method(&self) -> Method {
        Method::Vader
    }

    /// VADER reads the whole text it is given (the sentence), whatever the target.
    fn score(
        &self,
        targets: &[TargetRef<'_>],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Prediction>, SentimentError> {
        let out = targets
            .iter()
            .map(|t| self.polarity(t.text).prediction())
            .collect();
        progress(targets.len());
        Ok(out)
    }
}

/// What a run records of the head that scored it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadSummary {
    pub name: String,
    pub encoder: String,
    pub encoder_revision: Option<String>,
    pub recipe: String,
    pub training_sha256: String,
}

/// A scoring method, loaded: cheap to load, so it is loaded (and a bad head name or lexicon
/// reported) before the corpus and the encoder.
pub enum ScoringModel {
    /// Logistic regression on frozen features.
    Head(Box<Head>),
    /// The target-dependent model (adapters + head over the target's tokens), and the encoder
    /// with its adapters merged in once [`ScoringModel::prepare`] has built it.
    Td(Box<TdHead>, Option<Box<Embedder>>),
    Vader(Vader),
}

impl ScoringModel {
    /// Loads `method`; `head` is a built-in head name or a head file (used by `Method::Head`),
    /// of either kind (told apart by the file's `format`).
    pub fn load(method: Method, head: &str) -> Result<ScoringModel, SentimentError> {
        Ok(match method {
            Method::Head => {
                let (source, bytes) = head::head_bytes(head)?;
                if tdmodel::file::format_of(&bytes).as_deref() == Some(tdmodel::file::FORMAT) {
                    ScoringModel::Td(Box::new(TdHead::from_bytes(&source, &bytes)?), None)
                } else {
                    ScoringModel::Head(Box::new(Head::from_bytes(&source, &bytes)?))
                }
            }
            Method::Vader => ScoringModel::Vader(Vader::load_default()?),
        })
    }

    pub fn method(&self) -> Method {
        match self {
            ScoringModel::Head(_) | ScoringModel::Td(..) => Method::Head,
            ScoringModel::Vader(_) => Method::Vader,
        }
    }

    /// The logistic head, for the head method with that kind of head.
    pub fn head(&self) -> Option<&Head> {
        match self {
            ScoringModel::Head(h) => Some(h),
            _ => None,
        }
    }

    /// The head's name and provenance, for either kind of head.
    pub fn head_summary(&self) -> Option<HeadSummary> {
        match self {
            ScoringModel::Head(h) => Some(HeadSummary {
                name: h.source.clone(),
                encoder: h.meta.encoder_id.clone(),
                encoder_revision: h.meta.encoder_revision.clone(),
                recipe: h.meta.recipe.name(),
                training_sha256: h.meta.training_sha256.clone(),
            }),
            ScoringModel::Td(h, _) => Some(HeadSummary {
                name: h.source.clone(),
                encoder: h.meta.encoder_id.clone(),
                encoder_revision: h.meta.encoder_revision.clone(),
                recipe: format!(
                    "{}; adapters rank {} on the top {} layers",
                    tdmodel::file::RECIPE,
                    h.meta.shape.rank,
                    h.meta.shape.top_layers
                ),
                training_sha256: h.meta.training_sha256.clone(),
            }),
            ScoringModel::Vader(_) => None,
        }
    }

    /// Builds what scoring needs besides `embedder` ahead of time (the target-dependent head's
    /// copy of the encoder with its adapters merged in), so that loading is timed as loading.
    pub fn prepare(&mut self, embedder: &Embedder) -> Result<(), SentimentError> {
        if let ScoringModel::Td(h, adapted @ None) = self {
            h.check_encoder(embedder.info(), Some(embedder.config()))?;
            *adapted = Some(Box::new(tdmodel::scorer::adapted_encoder(h, embedder)?));
        }
        Ok(())
    }

    /// Whether scoring needs the encoder (the heads do; VADER does not).
    pub fn needs_encoder(&self) -> bool {
        !matches!(self, ScoringModel::Vader(_))
    }

    /// Checks that the encoder is the one the head was trained on (nothing to check for VADER).
    pub fn check_encoder(&self, info: &EncoderInfo) -> Result<(), SentimentError> {
        match self {
            ScoringModel::Head(h) => h.check_encoder(info),
            ScoringModel::Td(h, _) => h.check_encoder(info, None),
            ScoringModel::Vader(_) => Ok(()),
        }
    }

    /// The scorer; a head's needs `embedder` (call [`ScoringModel::check_encoder`] first). The
    /// target-dependent head builds its own copy of the encoder with its adapters merged in.
    pub fn scorer<'a>(
        &'a self,
        embedder: Option<&'a Embedder>,
    ) -> Result<Box<dyn Scorer + 'a>, SentimentError> {
        match (self, embedder) {
            (ScoringModel::Head(h), Some(e)) => Ok(Box::new(HeadScorer::new(h, e))),
            (ScoringModel::Td(h, Some(adapted)), _) => Ok(Box::new(TdScorer::prepared(h, adapted))),
            (ScoringModel::Td(h, None), Some(e)) => {
                h.check_encoder(e.info(), Some(e.config()))?;
                Ok(Box::new(TdScorer::new(h, e)?))
            }
            (ScoringModel::Head(_) | ScoringModel::Td(..), None) => Err(SentimentError::Options(
                "the sentiment head needs the encoder, and none was loaded".into(),
            )),
            (ScoringModel::Vader(v), _) => Ok(Box::new(v)),
        }
    }
}
