//! Training and evaluating the sentiment head: reading the labelled data (NewsMTSC, PerSenT),
//! the classifier, tuning, scores. Nothing here runs when a corpus is scored.
//!
//! | file | job |
//! |---|---|
//! | `data.rs` | reading NewsMTSC and PerSenT |
//! | `train.rs` | training with tuning and dev scores |
//! | `logreg.rs` | the classifier (multinomial logistic regression, L-BFGS) |
//! | `attitude.rs` | learning the paragraph attitude on PerSenT (nested, document-grouped cross-validation) |
//! | `cache.rs` | computed training features kept between runs |
//! | `metrics.rs` | accuracy, F1m, confusion |
//! | `eval.rs` | evaluation on NewsMTSC and PerSenT |

pub mod attitude;
pub mod cache;
pub mod data;
pub mod eval;
pub mod logreg;
pub mod metrics;
pub mod train;

pub use metrics::Evaluation;
