//! The target-dependent head file: adapters and head as one `.safetensors` whose metadata says
//! how it was made (encoder, shape, recipe, training data and its sha256, seed, dev scores).
//! Written byte-for-byte deterministically.

use std::collections::BTreeMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use safetensors::SafeTensors;

use super::network::{
    self, Shape, CTX_DISTANCE, CTX_KEY, CTX_QUERY, DISTANCE_BUCKETS, HEAD_BIAS, HEAD_WEIGHT,
};
use crate::embed::{BertConfig, EncoderInfo};
use crate::fsutil::write_atomic;
use crate::sentiment::head::{f32_values, safetensors_bytes_as, StoredAs};
use crate::sentiment::SentimentError;

/// Value of the `format` metadata key.
pub const FORMAT: &str = "themescope-td-sentiment";
const FORMAT_VERSION: &str = "1";
/// What the head reads, for the metadata.
pub const RECIPE: &str = "cls+target_mean over the sentence's final token states";
/// What a head with the context pooling reads, for the metadata.
pub const CONTEXT_RECIPE: &str = "cls+target_mean+context (target-query attention over the sentence's other tokens, distance bias) over the sentence's final token states";

/// How a tensor of a head file is stored: the adapters (nine tenths of the file) in f16, which
/// moves the dev scores by less than their seed-to-seed spread (heads README); the head and
/// context pooling, a few hundred KB, in f32. Training rounds the adapters the same way before
/// its last dev scoring, so the file holds exactly what was scored.
pub fn stored_as(name: &str) -> StoredAs {
    if name.starts_with(network::ADAPTER_PREFIX) {
        StoredAs::F16
    } else {
        StoredAs::F32
    }
}

/// How a head was made.
#[derive(Debug, Clone, PartialEq)]
pub struct TdMeta {
    pub encoder_id: String,
    pub encoder_revision: Option<String>,
    pub encoder_dim: usize,
    pub encoder_layers: usize,
    pub shape: Shape,
    pub training_data: String,
    pub training_sha256: String,
    pub n_train: usize,
    pub seed: u64,
    pub epochs: usize,
    /// Free-form provenance kept as given: dev scores, optimiser settings, version.
    pub extra: BTreeMap<String, String>,
}

/// A loaded target-dependent head.
#[derive(Debug, Clone)]
pub struct TdHead {
    pub source: String,
    pub meta: TdMeta,
    /// Tensors by name: shape and values (f32).
    pub tensors: BTreeMap<String, (Vec<usize>, Vec<f32>)>,
}

/// The `format` of a head file's metadata, if it has one (to tell head kinds apart).
pub fn format_of(bytes: &[u8]) -> Option<String> {
    let (_, m) = SafeTensors::read_metadata(bytes).ok()?;
    m.metadata().as_ref()?.get("format").cloned()
}

impl TdHead {
    pub fn from_bytes(source: &str, bytes: &[u8]) -> Result<TdHead, SentimentError> {
        let bad = |reason: String| SentimentError::BadHead {
            source_name: source.to_string(),
            reason,
        };
        let (st, meta) = crate::sentiment::head::read_head_file(source, bytes, FORMAT)?;
        let get = |key: &str| {
            meta.get(key)
                .cloned()
                .ok_or_else(|| bad(format!("__metadata__ lacks `{key}`")))
        };
        let int = |key: &str| -> Result<usize, SentimentError> {
            get(key)?
                .parse::<usize>()
                .map_err(|_| bad(format!("`{key}` is not an integer")))
        };
        let shape = Shape {
            top_layers: int("top_layers")?,
            rank: int("rank")?,
            alpha: get("alpha")?
                .parse()
                .map_err(|_| bad("`alpha` is not a number".into()))?,
            // Heads from before the context pooling have no `context_rank`.
            context: match meta.get("context_rank") {
                Some(_) => int("context_rank")?,
                None => 0,
            },
        };
        let known = [
            "format",
            "format_version",
            "encoder_id",
            "encoder_revision",
            "encoder_dim",
            "encoder_layers",
            "top_layers",
            "rank",
            "alpha",
            "context_rank",
            "recipe",
            "training_data",
            "training_sha256",
            "n_train",
            "seed",
            "epochs",
        ];
        let td_meta = TdMeta {
            encoder_id: get("encoder_id")?,
            encoder_revision: meta.get("encoder_revision").cloned(),
            encoder_dim: int("encoder_dim")?,
            encoder_layers: int("encoder_layers")?,
            shape,
            training_data: get("training_data")?,
            training_sha256: get("training_sha256")?,
            n_train: int("n_train")?,
            seed: get("seed")?
                .parse()
                .map_err(|_| bad("`seed` is not an integer".into()))?,
            epochs: int("epochs")?,
            extra: meta
                .iter()
                .filter(|(k, _)| !known.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        if shape.top_layers > td_meta.encoder_layers {
            return Err(bad("`top_layers` exceeds `encoder_layers`".into()));
        }
        let mut tensors = BTreeMap::new();
        for (name, view) in st.tensors() {
            let values = f32_values(&view)
                .ok_or_else(|| bad(format!("tensor `{name}` is not F32 or F16")))?;
            tensors.insert(name, (view.shape().to_vec(), values));
        }
        let (dim, rank) = (td_meta.encoder_dim, shape.context);
        let mut expect = vec![
            (HEAD_WEIGHT, vec![3, shape.feature_width(dim)]),
            (HEAD_BIAS, vec![3]),
        ];
        if rank > 0 {
            expect.extend([
                (CTX_QUERY, vec![rank, dim]),
                (CTX_KEY, vec![rank, dim]),
                (CTX_DISTANCE, vec![DISTANCE_BUCKETS]),
            ]);
        }
        for (name, shape) in expect {
            match tensors.get(name) {
                Some((s, _)) if *s == shape => {}
                _ => return Err(bad(format!("it has no tensor `{name}` of shape {shape:?}"))),
            }
        }
        Ok(TdHead {
            source: source.to_string(),
            meta: td_meta,
            tensors,
        })
    }

    pub fn read(path: &Path) -> Result<TdHead, SentimentError> {
        let bytes = std::fs::read(path).map_err(|e| SentimentError::read(path, e))?;
        TdHead::from_bytes(&path.display().to_string(), &bytes)
    }

    /// The file's bytes: sorted header keys, tensors in name order, little-endian, the adapters
    /// in f16 (see [`stored_as`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let m = &self.meta;
        let mut meta = m.extra.clone();
        let mut put = |k: &str, v: String| {
            meta.insert(k.to_string(), v);
        };
        put("format", FORMAT.into());
        put("format_version", FORMAT_VERSION.into());
        put("encoder_id", m.encoder_id.clone());
        if let Some(rev) = &m.encoder_revision {
            put("encoder_revision", rev.clone());
        }
        put("encoder_dim", m.encoder_dim.to_string());
        put("encoder_layers", m.encoder_layers.to_string());
        put("top_layers", m.shape.top_layers.to_string());
        put("rank", m.shape.rank.to_string());
        put("alpha", format!("{}", m.shape.alpha));
        if m.shape.context > 0 {
            put("context_rank", m.shape.context.to_string());
            put("recipe", CONTEXT_RECIPE.into());
        } else {
            put("recipe", RECIPE.into());
        }
        put("training_data", m.training_data.clone());
        put("training_sha256", m.training_sha256.clone());
        put("n_train", m.n_train.to_string());
        put("seed", m.seed.to_string());
        put("epochs", m.epochs.to_string());
        safetensors_bytes_as(&meta, &self.tensors, stored_as)
    }

    pub fn write(&self, path: &Path) -> Result<(), SentimentError> {
        use std::io::Write;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| SentimentError::write(path, e))?;
        }
        let bytes = self.to_bytes();
        write_atomic(path, |f| f.write_all(&bytes)).map_err(|e| SentimentError::write(path, e))
    }

    /// Refuses an encoder other than the one the head was trained on.
    pub fn check_encoder(
        &self,
        info: &EncoderInfo,
        config: Option<&BertConfig>,
    ) -> Result<(), SentimentError> {
        let layers_match = config.is_none_or(|c| c.num_hidden_layers == self.meta.encoder_layers);
        if info.model_id == self.meta.encoder_id
            && info.dim == self.meta.encoder_dim
            && layers_match
        {
            return Ok(());
        }
        Err(SentimentError::EncoderMismatch {
            head: self.source.clone(),
            trained: self.meta.encoder_id.clone(),
            trained_dim: self.meta.encoder_dim,
            loaded: info.model_id.clone(),
            loaded_dim: info.dim,
        })
    }

    /// The tensors as candle tensors on `device`.
    pub fn candle_tensors(&self, device: &Device) -> candle_core::Result<BTreeMap<String, Tensor>> {
        self.tensors
            .iter()
            .map(|(n, (shape, v))| {
                Ok((
                    n.clone(),
                    Tensor::from_vec(v.clone(), shape.as_slice(), device)?,
                ))
            })
            .collect()
    }

    /// The adapters as deltas of the encoder's weights (for [`crate::embed::Embedder::adapted`]).
    pub fn weight_deltas(
        &self,
        config: &BertConfig,
    ) -> Result<Vec<(String, Tensor)>, SentimentError> {
        let bad = |e: candle_core::Error| SentimentError::BadHead {
            source_name: self.source.clone(),
            reason: e.to_string(),
        };
        let t = self.candle_tensors(&Device::Cpu).map_err(bad)?;
        network::weight_deltas(config, &self.meta.shape, &t).map_err(bad)
    }

    /// The head's weight (3 × feature width, row-major) and bias.
    pub fn head_weights(&self) -> (&[f32], &[f32]) {
        (&self.tensors[HEAD_WEIGHT].1, &self.tensors[HEAD_BIAS].1)
    }

    /// The context pooling's query and key projections (rank × dim, row-major) and distance
    /// bias, when the head has one.
    pub fn context_weights(&self) -> Option<(&[f32], &[f32], &[f32])> {
        (self.meta.shape.context > 0).then(|| {
            (
                self.tensors[CTX_QUERY].1.as_slice(),
                self.tensors[CTX_KEY].1.as_slice(),
                self.tensors[CTX_DISTANCE].1.as_slice(),
            )
        })
    }

    /// Size of the numbers, for the cache identity.
    pub fn identity_bytes(&self) -> Vec<u8> {
        let mut id = Vec::new();
        for (name, (_, values)) in &self.tensors {
            id.extend_from_slice(name.as_bytes());
            id.push(0);
            for v in values {
                id.extend_from_slice(&v.to_le_bytes());
            }
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> TdHead {
        let tensors = BTreeMap::from([
            (HEAD_BIAS.to_string(), (vec![3], vec![0.0, 0.5, -0.5])),
            (
                HEAD_WEIGHT.to_string(),
                (vec![3, 4], (0..12).map(|i| i as f32).collect()),
            ),
            // An adapter-named tensor of numbers f16 holds exactly.
            (
                network::adapter_name(5, "attention.self.query", "a"),
                (vec![2, 2], vec![0.5, -0.25, 0.125, 2f32.powi(-24)]),
            ),
        ]);
        TdHead {
            source: "test".into(),
            meta: TdMeta {
                encoder_id: "enc".into(),
                encoder_revision: Some("abc".into()),
                encoder_dim: 2,
                encoder_layers: 6,
                shape: Shape {
                    top_layers: 0,
                    rank: 0,
                    alpha: 1.0,
                    context: 0,
                },
                training_data: "train.jsonl".into(),
                training_sha256: "00".into(),
                n_train: 3,
                seed: 7,
                epochs: 1,
                extra: BTreeMap::new(),
            },
            tensors,
        }
    }

    fn header_len(bytes: &[u8]) -> usize {
        u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
    }

    #[test]
    fn td_heads_round_trip_and_bad_bytes_are_refused() {
        let head = tiny();
        let bytes = head.to_bytes();
        assert_eq!(bytes, head.to_bytes());
        assert_eq!(format_of(&bytes).as_deref(), Some(FORMAT));
        let back = TdHead::from_bytes("test", &bytes).unwrap();
        assert_eq!(back.meta, head.meta);
        assert_eq!(back.tensors, head.tensors);
        let header = String::from_utf8_lossy(&bytes[8..8 + header_len(&bytes)]).to_string();
        assert!(header.contains(r#""dtype":"F16""#), "{header}");
        let err = TdHead::from_bytes("x.safetensors", &bytes[..bytes.len() - 5]).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("x.safetensors is not a valid sentiment head"));
    }

    #[test]
    fn adapters_are_stored_in_half_precision_rounded_to_nearest() {
        let mut head = tiny();
        let name = network::adapter_name(5, "attention.self.query", "a");
        head.tensors.get_mut(&name).unwrap().1 = vec![0.1, -1.0e-3, 3.0e-6, 2.0];
        let f32_size = head
            .tensors
            .values()
            .map(|(_, v)| v.len() * 4)
            .sum::<usize>();
        let bytes = head.to_bytes();
        let back = TdHead::from_bytes("test", &bytes).unwrap();
        let stored = &back.tensors[&name].1;
        assert_eq!(stored[0], 0.099975586, "0.1 to the nearest f16");
        assert!((stored[1] + 1.0e-3).abs() < 1.0e-6);
        assert!((stored[2] - 3.0e-6).abs() < 6.0e-8, "subnormals kept");
        assert_eq!(stored[3], 2.0);
        assert_eq!(back.tensors[HEAD_WEIGHT], head.tensors[HEAD_WEIGHT]);
        let data = bytes.len() - 8 - header_len(&bytes);
        assert_eq!(data, f32_size - 8, "four adapter numbers at two bytes");
    }
}
