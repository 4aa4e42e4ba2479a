//! Rows of a corpus → an [`EmbeddingSet`]: embedded through the cache and packed with their
//! provenance and the encoder's details.

use crate::corpus::{TextUnit, Unit};
use crate::embed::Embedder;
use crate::store::{EmbeddingInfo, EmbeddingSet, RowMeta};

use super::{embed_through_cache, CacheUse, CachedEmbedError, EmbeddingCache};

/// Embeds the rows (taking what it can from `cache`) and packs them with their provenance.
/// `progress` is told how many rows each step finished.
pub fn embed_units(
    embedder: &Embedder,
    cache: Option<&EmbeddingCache>,
    units: Vec<TextUnit>,
    unit: Unit,
    progress: &mut dyn FnMut(usize),
) -> Result<(EmbeddingSet, CacheUse), CachedEmbedError> {
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let (vectors, used) = embed_through_cache(embedder, cache, &texts, progress)?;
    let info = embedder.info();
    let set = EmbeddingSet {
        info: EmbeddingInfo {
            model_id: info.model_id.clone(),
            revision: info.revision.clone(),
            pooling: info.pooling.as_str().to_string(),
            normalized: info.normalize,
            max_seq_length: info.max_seq_length,
            dim: info.dim,
            unit: unit.as_str().to_string(),
            themescope_version: env!("CARGO_PKG_VERSION").to_string(),
        },
        rows: units
            .into_iter()
            .map(|u| RowMeta {
                doc_id: u.doc_id,
                para_index: u.index,
                text: u.text,
            })
            .collect(),
        vectors,
    };
    Ok((set, used))
}
