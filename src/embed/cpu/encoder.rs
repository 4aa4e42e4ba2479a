//! The packed CPU engine behind the shared encoder interface: its buffers are reused from batch to
//! batch.

use std::sync::Mutex;

use super::packed::{PackedBert, Scratch};
use crate::embed::batch::PackedBatch;
use crate::embed::encoder::TokenEncoder;

pub struct PackedEncoder {
    model: PackedBert,
    scratch: Mutex<Scratch>,
}

impl PackedEncoder {
    pub fn new(model: PackedBert) -> PackedEncoder {
        PackedEncoder {
            model,
            scratch: Mutex::new(Scratch::default()),
        }
    }
}

impl TokenEncoder for PackedEncoder {
    fn hidden_size(&self) -> usize {
        self.model.hidden_size()
    }

    fn forward(&self, batch: &PackedBatch) -> candle_core::Result<Vec<f32>> {
        self.forward_layers(batch, self.model.num_layers())
    }

    fn stops_early(&self) -> bool {
        true
    }

    fn forward_layers(&self, batch: &PackedBatch, layers: usize) -> candle_core::Result<Vec<f32>> {
        // A panic elsewhere cannot leave the buffers half-valid: each pass overwrites them.
        let mut scratch = self.scratch.lock().unwrap_or_else(|p| p.into_inner());
        self.model
            .forward_layers(&batch.seqs(), &mut scratch, layers)
    }
}
