//! The one shape every encoder takes: a batch of texts' token ids laid end to end, with where
//! each text starts (as text-embeddings-inference's `cu_seq_lengths`). An engine that needs
//! rectangles pads inside itself ([`PackedBatch::padded`]); every engine hands back the states of
//! the real tokens only, in the same packed order, so pooling is written once.

use std::ops::Range;

use tokenizers::Encoding;

/// Token ids and token type ids of a batch of texts, no padding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackedBatch {
    ids: Vec<u32>,
    type_ids: Vec<u32>,
    /// `starts[i]..starts[i + 1]` are text `i`'s tokens; one more entry than texts.
    starts: Vec<usize>,
}

/// A padded copy of a batch: texts × longest, row-major, with the mask of real tokens.
pub struct Padded {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
    pub mask: Vec<u32>,
    pub texts: usize,
    pub width: usize,
    /// Position of each real token in the padded layout, in packed order.
    pub real: Vec<u32>,
}

impl PackedBatch {
    /// Packs sequences of (token ids, token type ids); the two slices of a sequence have the
    /// same length.
    pub fn new<'a>(seqs: impl IntoIterator<Item = (&'a [u32], &'a [u32])>) -> PackedBatch {
        let mut batch = PackedBatch {
            starts: vec![0],
            ..PackedBatch::default()
        };
        for (ids, type_ids) in seqs {
            debug_assert_eq!(ids.len(), type_ids.len());
            batch.ids.extend_from_slice(ids);
            batch.type_ids.extend_from_slice(type_ids);
            batch.starts.push(batch.ids.len());
        }
        batch
    }

    /// Packs tokenizer encodings, in order.
    pub fn from_encodings(encodings: &[&Encoding]) -> PackedBatch {
        PackedBatch::new(encodings.iter().map(|e| (e.get_ids(), e.get_type_ids())))
    }

    /// Number of texts.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of tokens over all texts.
    pub fn tokens(&self) -> usize {
        self.ids.len()
    }

    /// Text `i`'s tokens as positions in the packed batch.
    pub fn span(&self, i: usize) -> Range<usize> {
        self.starts[i]..self.starts[i + 1]
    }

    /// Text `i`'s token ids and token type ids.
    pub fn seq(&self, i: usize) -> (&[u32], &[u32]) {
        let span = self.span(i);
        (&self.ids[span.clone()], &self.type_ids[span])
    }

    /// Every text's (token ids, token type ids), in order.
    pub fn seqs(&self) -> Vec<(&[u32], &[u32])> {
        (0..self.len()).map(|i| self.seq(i)).collect()
    }

    /// The longest text's token count.
    pub fn longest(&self) -> usize {
        (0..self.len())
            .map(|i| self.span(i).len())
            .max()
            .unwrap_or(0)
    }

    /// The batch as rectangles padded with `pad_id` to the longest text.
    pub fn padded(&self, pad_id: u32) -> Padded {
        let (texts, width) = (self.len(), self.longest());
        let mut padded = Padded {
            ids: vec![pad_id; texts * width],
            type_ids: vec![0; texts * width],
            mask: vec![0; texts * width],
            texts,
            width,
            real: Vec::with_capacity(self.tokens()),
        };
        for i in 0..texts {
            let (ids, type_ids) = self.seq(i);
            let at = i * width;
            padded.ids[at..at + ids.len()].copy_from_slice(ids);
            padded.type_ids[at..at + ids.len()].copy_from_slice(type_ids);
            padded.mask[at..at + ids.len()].fill(1);
            padded.real.extend((at..at + ids.len()).map(|p| p as u32));
        }
        padded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_padding_agree() {
        let a: (&[u32], &[u32]) = (&[101, 7, 8, 102], &[0, 0, 0, 0]);
        let b: (&[u32], &[u32]) = (&[101, 102], &[0, 1]);
        let batch = PackedBatch::new([a, b]);
        assert_eq!((batch.len(), batch.tokens(), batch.longest()), (2, 6, 4));
        assert_eq!(batch.span(1), 4..6);
        assert_eq!(batch.seq(1), b);
        let padded = batch.padded(0);
        assert_eq!(padded.ids, [101, 7, 8, 102, 101, 102, 0, 0]);
        assert_eq!(padded.type_ids, [0, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(padded.mask, [1, 1, 1, 1, 1, 1, 0, 0]);
        // Gathering the padded layout at `real` gives back the packed order.
        let gathered: Vec<u32> = padded
            .real
            .iter()
            .map(|&p| padded.ids[p as usize])
            .collect();
        assert_eq!(gathered, [101, 7, 8, 102, 101, 102]);
    }

    #[test]
    fn an_empty_batch_has_no_texts() {
        let batch = PackedBatch::new(std::iter::empty());
        assert!(batch.is_empty());
        assert_eq!(batch.padded(0).width, 0);
    }
}
