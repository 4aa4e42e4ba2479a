//! Texts → L2-normalised vectors (and, when asked, per-token vectors), with the pooling,
//! normalisation and truncation the model folder prescribes, exactly as sentence-transformers
//! computes them.

pub mod bert;
pub mod config;
mod device;
mod error;
mod tokens;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use ndarray::Array2;
use tokenizers::Tokenizer;

pub use config::{BertConfig, Pooling, SentenceConfig};
pub use device::{device_name, DeviceChoice, Precision};
pub use error::EmbedError;
pub use tokens::TokenVectors;

use crate::model::ResolvedModel;

/// The narrow interface the embedder needs from a transformer: padded token ids in, one vector per
/// token out (batch × seq × hidden). Another architecture plugs in by implementing it.
pub trait TokenEncoder: Send + Sync {
    fn hidden_size(&self) -> usize;
    fn max_positions(&self) -> usize;
    fn pad_token_id(&self) -> u32;
    fn forward(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor>;
}

/// How to load and run the encoder; checked before any work starts.
#[derive(Debug, Clone)]
pub struct EmbedOptions {
    pub device: DeviceChoice,
    pub precision: Precision,
    /// Texts per forward pass.
    pub batch_size: usize,
    /// Overrides the model's `max_seq_length` (tokens, special tokens included).
    pub max_length: Option<usize>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            device: DeviceChoice::Auto,
            precision: Precision::F32,
            batch_size: 32,
            max_length: None,
        }
    }
}

/// What produced a set of vectors; stored beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderInfo {
    pub model_id: String,
    pub revision: Option<String>,
    pub pooling: Pooling,
    pub normalize: bool,
    pub max_seq_length: usize,
    pub dim: usize,
    pub device: &'static str,
    pub precision: Precision,
}

/// Receives each row's input index, pooled vector and (when asked) token vectors.
type RowSink<'a> = dyn FnMut(usize, &[f32], Option<TokenVectors>) + 'a;

/// A loaded model ready to embed texts.
pub struct Embedder {
    tokenizer: Tokenizer,
    encoder: Box<dyn TokenEncoder>,
    device: Device,
    info: EncoderInfo,
    batch_size: usize,
}

impl Embedder {
    /// Loads a BERT-architecture model folder (see [`crate::model::resolve`]).
    pub fn load(model: &ResolvedModel, opts: &EmbedOptions) -> Result<Embedder, EmbedError> {
        if opts.batch_size == 0 {
            return Err(EmbedError::BatchSize);
        }
        let device = opts.device.open()?;
        let config = BertConfig::load(&model.dir)?;
        let sentence = SentenceConfig::load(&model.dir)?;
        let weights = model.dir.join("model.safetensors");
        let dtype = opts.precision.dtype();
        // SAFETY: the file is mapped read-only; themescope never writes model files while running.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], dtype, &device) }
            .map_err(|e| EmbedError::Weights {
                path: weights.clone(),
                reason: e.to_string(),
            })?;
        let encoder = bert::BertModel::load(&config, vb).map_err(|e| EmbedError::Weights {
            path: weights.clone(),
            reason: e.to_string(),
        })?;
        let max_seq_length = opts
            .max_length
            .or(sentence.max_seq_length)
            .unwrap_or(512)
            .min(config.max_position_embeddings);
        let tokenizer = tokens::load_tokenizer(&model.dir.join("tokenizer.json"), max_seq_length)?;
        let info = EncoderInfo {
            model_id: model.id.clone(),
            revision: model.revision.clone(),
            pooling: sentence.pooling,
            normalize: sentence.normalize,
            max_seq_length,
            dim: config.hidden_size,
            device: device_name(&device),
            precision: opts.precision,
        };
        Ok(Embedder {
            tokenizer,
            encoder: Box::new(encoder),
            device,
            info,
            batch_size: opts.batch_size,
        })
    }

    pub fn info(&self) -> &EncoderInfo {
        &self.info
    }

    /// One vector per text, in input order. `progress` is told how many texts each finished
    /// batch held.
    pub fn embed(
        &self,
        texts: &[&str],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Array2<f32>, EmbedError> {
        let mut out = Array2::<f32>::zeros((texts.len(), self.info.dim));
        self.run(texts, false, progress, &mut |row, pooled, _| {
            out.row_mut(row).assign(&ndarray::ArrayView1::from(pooled));
        })?;
        Ok(out)
    }

    /// One vector per text and, from the same forward pass, the vector of every token with its
    /// byte span in the text.
    pub fn embed_with_tokens(
        &self,
        texts: &[&str],
        progress: &mut dyn FnMut(usize),
    ) -> Result<(Array2<f32>, Vec<TokenVectors>), EmbedError> {
        let mut out = Array2::<f32>::zeros((texts.len(), self.info.dim));
        let mut tokens: Vec<Option<TokenVectors>> = (0..texts.len()).map(|_| None).collect();
        self.run(texts, true, progress, &mut |row, pooled, toks| {
            out.row_mut(row).assign(&ndarray::ArrayView1::from(pooled));
            tokens[row] = toks;
        })?;
        let tokens = tokens.into_iter().map(Option::unwrap_or_default).collect();
        Ok((out, tokens))
    }

    /// Tokenises everything, runs length-sorted batches (little padding), and hands each row's
    /// pooled vector (and token vectors when `sink` wants them) back under its input index.
    fn run(
        &self,
        texts: &[&str],
        with_tokens: bool,
        progress: &mut dyn FnMut(usize),
        sink: &mut RowSink<'_>,
    ) -> Result<(), EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        // Longest first: the first batch shows at once whether memory suffices.
        order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
        for chunk in order.chunks(self.batch_size) {
            let batch: Vec<&tokenizers::Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            let (ids, type_ids, mask) =
                tokens::batch_tensors(&batch, self.encoder.pad_token_id(), &self.device)?;
            let hidden = self.encoder.forward(&ids, &type_ids, &mask)?;
            let hidden = hidden.to_dtype(DType::F32)?;
            let pooled = pool(&hidden, &mask, self.info.pooling, self.info.normalize)?;
            let pooled: Vec<Vec<f32>> = pooled.to_vec2()?;
            let hidden_rows = if with_tokens {
                Some(hidden.to_device(&Device::Cpu)?)
            } else {
                None
            };
            for (k, &row) in chunk.iter().enumerate() {
                let toks = match &hidden_rows {
                    Some(h) => Some(tokens::token_vectors(h, k, batch[k])?),
                    None => None,
                };
                sink(row, &pooled[k], toks);
            }
            progress(chunk.len());
        }
        Ok(())
    }
}

/// Pools token vectors (batch × seq × hidden, f32) over the attention mask (batch × seq).
pub fn pool(
    hidden: &Tensor,
    mask: &Tensor,
    pooling: Pooling,
    normalize: bool,
) -> candle_core::Result<Tensor> {
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let pooled = match pooling {
        Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
        Pooling::Mean | Pooling::MeanSqrtLen => {
            let sum = hidden.broadcast_mul(&mask)?.sum(1)?;
            let count = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
            let count = if pooling == Pooling::Mean {
                count
            } else {
                count.sqrt()?
            };
            sum.broadcast_div(&count)?
        }
        Pooling::Max => {
            // Padding must never win the maximum.
            let penalty = ((mask.clone() - 1.0)? * 1e9)?;
            hidden.broadcast_add(&penalty)?.max(1)?
        }
    };
    if normalize {
        let norm = pooled
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12, f64::MAX)?;
        pooled.broadcast_div(&norm)
    } else {
        Ok(pooled)
    }
}
