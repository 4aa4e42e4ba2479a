//! Actor sentiment: the attitude a text takes toward a target, from a head trained on the
//! encoder's own features (NewsMTSC), with a lexicon baseline (VADER) beside it, and aggregation
//! per actor, paragraph, document and theme.
//!
//! | file | job |
//! |---|---|
//! Scoring a corpus (the runtime):
//!
//! | file | job |
//! |---|---|
//! | `label.rs` | the three classes and a scored [`Prediction`] |
//! | `features.rs` | encoder features for (sentence, target span) |
//! | `head.rs` | the head file: load, save, predict |
//! | `vader.rs` | the VADER lexicon baseline |
//! | `scorer.rs` | the scoring methods (head, VADER) and loading the one chosen |
//! | `score.rs` | finding and scoring every mention in a corpus |
//! | `attitude.rs` | paragraph and document attitude toward an actor from its mentions (learned on PerSenT) |
//! | `aggregate.rs` | per actor, paragraph, document, theme and corpus statistics |
//! | `rng.rs` | the small seeded generator of bootstrap and folds |
//!
//! Training and evaluating the head: [`training`] (data, train, logreg, metrics, eval).

pub mod aggregate;
pub mod attitude;
pub mod bootstrap;
mod error;
pub mod features;
pub mod head;
mod label;
pub mod rng;
pub mod score;
mod scorer;
pub mod tdmodel;
pub mod training;
pub mod vader;

pub use error::SentimentError;
pub use head::{Head, DEFAULT_HEAD, LR_HEAD};
pub use label::{Label, Prediction};
pub use scorer::{HeadScorer, HeadSummary, Method, Scorer, ScoringModel};
pub use training::Evaluation;
