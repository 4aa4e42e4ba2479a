//! The target-dependent sentiment model: the encoder's top layers with low-rank adapters and a
//! head over the [CLS] state and the mean of the target's own token states (optionally also a
//! target-query attention pooling of the sentence's other tokens), trained with candle's
//! autograd on cached lower-layer states. At scoring time the adapters are merged into the
//! encoder's weights, so each sentence takes one pass of the fast encoder, however many
//! targets it holds.
//!
//! | file | job |
//! |---|---|
//! | `network.rs` | the trainable graph: top layers with adapters, the head, the context pooling |
//! | `pairs.rs` | training sentences of different labels joined into one example |
//! | `states.rs` | training examples: lower-layer token states, cached on disk |
//! | `train.rs` | the training loop, AdamW, checkpoints, dev scores |
//! | `file.rs` | the head file (adapters + head + metadata) |
//! | `scorer.rs` | scoring targets, one encoder pass per sentence |
//! | `soup.rs` | heads of one recipe and several seeds averaged into one |

pub mod file;
pub mod network;
pub mod pairs;
pub mod scorer;
pub mod soup;
pub mod states;
pub mod train;

pub use file::TdHead;
pub use scorer::TdScorer;
