//! Actor sentiment: the attitude a text takes toward a target, from a head trained on the
//! encoder's own features (NewsMTSC), with a lexicon baseline (VADER) beside it, and aggregation
//! per actor, paragraph, document and theme.
//!
//! | file | job |
//! |---|---|
//! | `label.rs` | the three classes and a scored [`Prediction`] |
//! | `data.rs` | reading NewsMTSC and PerSenT |
//! | `features.rs` | encoder features for (sentence, target span) |
//! | `logreg.rs` | the classifier (multinomial logistic regression, L-BFGS) |
//! | `head.rs` | the head file: load, save, predict |
//! | `train.rs` | training with tuning and dev scores |
//! | `metrics.rs` | accuracy, F1m, confusion |
//! | `vader.rs` | the VADER lexicon baseline |
//! | `scorer.rs` | the scoring methods (head, VADER) and loading the one chosen |
//! | `score.rs` | finding and scoring every mention in a corpus |
//! | `aggregate.rs` | per actor, paragraph, document, theme and corpus statistics |
//! | `eval.rs` | evaluation on NewsMTSC and PerSenT |

pub mod aggregate;
pub mod cache;
pub mod data;
mod error;
pub mod eval;
pub mod features;
pub mod head;
mod label;
pub mod logreg;
pub mod metrics;
pub mod rng;
pub mod score;
mod scorer;
pub mod train;
pub mod vader;

pub use error::SentimentError;
pub use head::{Head, DEFAULT_HEAD};
pub use label::{Label, Prediction};
pub use metrics::Evaluation;
pub use scorer::{HeadScorer, Method, Scorer, ScoringModel};
