//! The narrow interface every forward pass implements: a packed batch in, the states of its real
//! tokens out. Two engines implement it: candle tensors on any device and dtype
//! ([`super::bert::BertModel`], padding inside itself) and the padding-free CPU engine
//! ([`super::cpu::PackedEncoder`]). Pooling and token spans are done once, over what they return.

use super::batch::PackedBatch;

pub trait TokenEncoder: Send + Sync {
    fn hidden_size(&self) -> usize;

    /// Every real token's final state: `batch.tokens()` × hidden, f32, row-major, in the
    /// batch's packed order.
    fn forward(&self, batch: &PackedBatch) -> candle_core::Result<Vec<f32>>;

    /// Whether [`TokenEncoder::forward_layers`] can stop below the top layer.
    fn stops_early(&self) -> bool {
        false
    }

    /// As [`TokenEncoder::forward`], stopped after the first `layers` layers (0: the
    /// embeddings): the input of the layers above, for training them on cached states.
    fn forward_layers(
        &self,
        _batch: &PackedBatch,
        _layers: usize,
    ) -> candle_core::Result<Vec<f32>> {
        candle_core::bail!("this encoder cannot stop below its top layer")
    }
}
