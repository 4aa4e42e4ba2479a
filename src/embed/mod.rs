//! Texts → L2-normalised vectors (and, when asked, per-token vectors), with the pooling,
//! normalisation and truncation the model folder prescribes, exactly as sentence-transformers
//! computes them.

pub mod batch;
pub mod bert;
pub mod config;
pub mod cpu;
mod device;
mod encoder;
mod error;
mod tokens;
pub mod windows;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use ndarray::Array2;
use tokenizers::Tokenizer;

pub use batch::PackedBatch;
pub use config::{BertConfig, Pooling, SentenceConfig};
pub use device::{device_name, CpuEncoder, DeviceChoice, Precision};
pub use encoder::TokenEncoder;
pub use error::EmbedError;
pub use tokens::{bounded_prefix, load_tokenizer, TokenVectors};

use crate::model::ResolvedModel;

/// How to load and run the encoder; checked before any work starts.
#[derive(Debug, Clone)]
pub struct EmbedOptions {
    pub device: DeviceChoice,
    pub precision: Precision,
    /// Texts per forward pass.
    pub batch_size: usize,
    /// Overrides the model's `max_seq_length` (tokens, special tokens included).
    pub max_length: Option<usize>,
    /// On the CPU in f32, run the padding-free encoder ([`packed`]) rather than the tensor one
    /// ([`bert`]). Both give the same vectors; the packed one is faster.
    pub packed: bool,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            device: DeviceChoice::Auto,
            precision: Precision::F32,
            batch_size: 32,
            max_length: None,
            packed: true,
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
    /// sha256 of the model files that decide a vector ([`ResolvedModel::content_sha256`]).
    pub content_sha256: String,
}

impl EncoderInfo {
    /// Everything besides the text that decides a vector, as NUL-separated fields: what cache
    /// keys are built from. The files' hash is in it: weights changed in place, or another
    /// folder of the same name, never return the old vectors.
    pub fn settings_key(&self) -> String {
        format!(
            "{}\0{}\0{}\0{}\0{}\0{}\0{:?}\0",
            self.model_id,
            self.revision.as_deref().unwrap_or(""),
            self.content_sha256,
            self.pooling.as_str(),
            self.normalize,
            self.max_seq_length,
            self.precision,
        )
    }
}

/// Receives each row's input index, pooled vector and (when asked) token vectors.
type RowSink<'a> = dyn FnMut(usize, &[f32], Option<TokenVectors>) + 'a;

/// Receives each packed batch with its rows' input indices and encodings.
type BatchSink<'a> =
    dyn FnMut(&PackedBatch, &[usize], &[&tokenizers::Encoding]) -> Result<(), EmbedError> + 'a;

/// A loaded model ready to embed texts.
pub struct Embedder {
    tokenizer: Tokenizer,
    encoder: Box<dyn TokenEncoder>,
    info: EncoderInfo,
    batch_size: usize,
    /// Tokens the tokenizer adds around a text (`[CLS]`, `[SEP]`).
    special_tokens: usize,
    config: BertConfig,
    /// The checkpoint's weights file, for [`Embedder::adapted`].
    weights: std::path::PathBuf,
    build: BackendSettings,
}

/// How the backend was built: [`Embedder::adapted`] builds its copy the same way.
#[derive(Clone)]
struct BackendSettings {
    device: Device,
    dtype: DType,
    linear: cpu::packed::Linear,
    packed: bool,
}

/// The packed encoder on the CPU in f32 (quantised when asked), else the tensor one.
fn build_encoder(
    config: &BertConfig,
    vb: VarBuilder,
    s: &BackendSettings,
    tokenizer: &Tokenizer,
) -> candle_core::Result<Box<dyn TokenEncoder>> {
    let quantize = s.linear != cpu::packed::Linear::F32;
    if (s.packed || quantize) && s.device.is_cpu() && s.dtype == DType::F32 {
        let mut packed = cpu::packed::PackedBert::load(config, vb)?;
        if s.linear == cpu::packed::Linear::Bf16 && !cpu::bf16_native() {
            tracing::warn!(
                "dtype bf16: this CPU lacks AVX-512 BF16, so the bf16 products run widened to \
                 f32, no faster than f32's own; use f32, or i8 for speed"
            );
        }
        if quantize {
            // Only 8-bit layers calibrate (`PackedBert::quantize`): i16 and bf16 need no texts.
            let calibration = match s.linear {
                cpu::packed::Linear::I8 => tokenizer
                    .encode_batch(cpu::calibration::TEXTS.to_vec(), true)
                    .map_err(|e| candle_core::Error::Msg(e.to_string()))?,
                _ => Vec::new(),
            };
            let seqs: Vec<(&[u32], &[u32])> = calibration
                .iter()
                .map(|e| (e.get_ids(), e.get_type_ids()))
                .collect();
            packed.quantize(s.linear, &seqs)?;
        }
        Ok(Box::new(cpu::PackedEncoder::new(packed)))
    } else {
        Ok(Box::new(bert::BertModel::load(config, vb)?))
    }
}

impl Embedder {
    /// Loads a BERT-architecture model folder (see [`crate::model::resolve`]).
    pub fn load(model: &ResolvedModel, opts: &EmbedOptions) -> Result<Embedder, EmbedError> {
        if opts.batch_size == 0 {
            return Err(EmbedError::BatchSize);
        }
        let integer = matches!(opts.precision, Precision::I16 | Precision::I8);
        // The integer precisions are CPU precisions: `auto` means the CPU for them.
        let device = if integer && opts.device == DeviceChoice::Auto {
            Device::Cpu
        } else {
            opts.device.open()?
        };
        let linear = match opts.precision {
            Precision::I16 => cpu::packed::Linear::I16,
            Precision::I8 => cpu::packed::Linear::I8,
            // On the CPU, bf16 runs as the packed encoder's bf16 products with f32 sums (layer
            // norm, softmax and GELU stay f32); on a GPU, as bf16 tensors.
            Precision::Bf16 if device.is_cpu() && opts.packed => cpu::packed::Linear::Bf16,
            _ => cpu::packed::Linear::F32,
        };
        let config = BertConfig::load(&model.dir)?;
        let sentence = SentenceConfig::load(&model.dir)?;
        let weights = model.dir.join("model.safetensors");
        let dtype = match linear {
            cpu::packed::Linear::F32 => opts.precision.dtype(),
            // Loaded in f32, then converted by the CPU encoder.
            _ => DType::F32,
        };
        // SAFETY: the file is mapped read-only; themescope never writes model files while running.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], dtype, &device) }
            .map_err(|source| EmbedError::Weights {
                path: weights.clone(),
                source,
            })?;
        let weights_error = |source: candle_core::Error| EmbedError::Weights {
            path: weights.clone(),
            source,
        };
        if integer && !device.is_cpu() {
            return Err(EmbedError::Device {
                device: device_name(&device).into(),
                reason: format!(
                    "option `dtype` {} runs on the CPU only; use f16 or bf16 on a GPU, or option `device` cpu",
                    opts.precision.as_str()
                ),
            });
        }
        let max_seq_length = opts
            .max_length
            .or(sentence.max_seq_length)
            .unwrap_or(512)
            .min(config.max_position_embeddings);
        let tokenizer = tokens::load_tokenizer(&model.dir.join("tokenizer.json"), max_seq_length)?;
        let build = BackendSettings {
            device: device.clone(),
            dtype,
            linear,
            packed: opts.packed,
        };
        let encoder = build_encoder(&config, vb, &build, &tokenizer).map_err(weights_error)?;
        let info = EncoderInfo {
            model_id: model.id.clone(),
            revision: model.revision.clone(),
            content_sha256: model.content_sha256()?,
            pooling: sentence.pooling,
            normalize: sentence.normalize,
            max_seq_length,
            dim: config.hidden_size,
            device: device_name(&device),
            precision: opts.precision,
        };
        let special_tokens = tokenizer
            .encode("", true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?
            .len();
        Ok(Embedder {
            tokenizer,
            encoder,
            info,
            batch_size: opts.batch_size,
            special_tokens,
            config,
            weights,
            build,
        })
    }

    /// The model's architecture settings.
    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// The checkpoint's weights file.
    pub fn weights_path(&self) -> &std::path::Path {
        &self.weights
    }

    /// A copy of this encoder whose weights have `deltas` added (tensor name without the `bert.`
    /// prefix → a tensor of the weight's shape), on the same backend: adapters trained for a
    /// task merged into the weights, so the task runs at the encoder's full speed.
    pub fn adapted(&self, deltas: &[(String, Tensor)]) -> Result<Embedder, EmbedError> {
        let weights_error = |source: candle_core::Error| EmbedError::Weights {
            path: self.weights.clone(),
            source,
        };
        let mut tensors =
            candle_core::safetensors::load(&self.weights, &Device::Cpu).map_err(weights_error)?;
        for (name, delta) in deltas {
            let key = [name.clone(), format!("bert.{name}")]
                .into_iter()
                .find(|k| tensors.contains_key(k))
                .ok_or_else(|| {
                    weights_error(candle_core::Error::Msg(format!(
                        "the adapter names `{name}`, which the encoder does not have"
                    )))
                })?;
            let base = &tensors[&key];
            let merged = base
                .to_dtype(DType::F32)
                .and_then(|b| b.add(&delta.to_dtype(DType::F32)?.to_device(&Device::Cpu)?))
                .map_err(weights_error)?;
            tensors.insert(key, merged);
        }
        let vb = VarBuilder::from_tensors(tensors, self.build.dtype, &self.build.device);
        let encoder =
            build_encoder(&self.config, vb, &self.build, &self.tokenizer).map_err(weights_error)?;
        Ok(Embedder {
            tokenizer: self.tokenizer.clone(),
            encoder,
            info: self.info.clone(),
            batch_size: self.batch_size,
            special_tokens: self.special_tokens,
            config: self.config.clone(),
            weights: self.weights.clone(),
            build: self.build.clone(),
        })
    }

    /// Each text's token states after the first `layers` transformer layers (special tokens
    /// included, byte offsets as in [`TokenVectors`]), from the packed CPU encoder: the input
    /// of the layers above, for training them on cached states.
    pub fn layer_states(
        &self,
        texts: &[&str],
        layers: usize,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<TokenVectors>, EmbedError> {
        if !self.encoder.stops_early() {
            return Err(EmbedError::Device {
                device: self.info.device.to_string(),
                reason: "caching layer states needs the packed f32 CPU encoder: pass option `device` cpu and `dtype` f32".into(),
            });
        }
        let mut out: Vec<TokenVectors> =
            (0..texts.len()).map(|_| TokenVectors::default()).collect();
        self.batches(texts, progress, &mut |batch, chunk, encodings| {
            let hidden = self.encoder.forward_layers(batch, layers)?;
            let dim = self.encoder.hidden_size();
            for (k, &i) in chunk.iter().enumerate() {
                let span = batch.span(k);
                let rows = &hidden[span.start * dim..span.end * dim];
                out[i] = tokens::token_vectors(rows, dim, encodings[k])?;
            }
            Ok(())
        })?;
        Ok(out)
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

    /// An embedding function for theme phrases (the themes stage takes a closure, so it does not
    /// depend on the encoder).
    pub fn phrase_embedder(&self) -> impl FnMut(&[&str]) -> Result<Array2<f32>, String> + '_ {
        |phrases| self.embed(phrases, &mut |_| {}).map_err(|e| e.to_string())
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

    /// Tokenises `texts` as the encoder sees them (special tokens added, truncated at
    /// `max_seq_length`, no padding), in parallel.
    /// Only a bounded prefix of a very long text is tokenised ([`tokens::bounded_prefix`]), so
    /// memory and time stay small whatever one paragraph holds.
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<tokenizers::Encoding>, EmbedError> {
        let max_length = self.info.max_seq_length;
        let bounded = texts
            .iter()
            .map(|t| tokens::bounded_prefix(&self.tokenizer, t, max_length))
            .collect::<Result<Vec<&str>, _>>()?;
        self.tokenizer
            .encode_batch(bounded, true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))
    }

    /// Tokenises everything and hands `each` length-sorted batches (little padding for the
    /// engines that pad), with their input indices and encodings.
    fn batches(
        &self,
        texts: &[&str],
        progress: &mut dyn FnMut(usize),
        each: &mut BatchSink<'_>,
    ) -> Result<(), EmbedError> {
        let encodings = self.tokenize(texts)?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        // Longest first: the first batch shows at once whether memory suffices.
        order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
        for chunk in order.chunks(self.batch_size) {
            let batch: Vec<&tokenizers::Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            each(&PackedBatch::from_encodings(&batch), chunk, &batch)?;
            progress(chunk.len());
        }
        Ok(())
    }

    /// Runs the encoder over every batch and hands each row's pooled vector (and token vectors
    /// when `with_tokens`) back under its input index.
    fn run(
        &self,
        texts: &[&str],
        with_tokens: bool,
        progress: &mut dyn FnMut(usize),
        sink: &mut RowSink<'_>,
    ) -> Result<(), EmbedError> {
        let dim = self.encoder.hidden_size();
        self.batches(texts, progress, &mut |batch, chunk, encodings| {
            let hidden = self.encoder.forward(batch)?;
            for (k, &row) in chunk.iter().enumerate() {
                let span = batch.span(k);
                let rows = &hidden[span.start * dim..span.end * dim];
                let pooled = pool_rows(rows, dim, self.info.pooling, self.info.normalize);
                let toks = if with_tokens {
                    Some(tokens::token_vectors(rows, dim, encodings[k])?)
                } else {
                    None
                };
                sink(row, &pooled, toks);
            }
            Ok(())
        })
    }
}

/// Pools one text's token vectors (tokens × dim, row-major, no padding) as the model's pooling
/// settings say: the one pooling every engine's output goes through.
fn pool_rows(rows: &[f32], dim: usize, pooling: Pooling, normalize: bool) -> Vec<f32> {
    let n = rows.len() / dim;
    let mut out = vec![0f32; dim];
    match pooling {
        Pooling::Cls => out.copy_from_slice(&rows[..dim.min(rows.len())]),
        Pooling::Mean | Pooling::MeanSqrtLen => {
            for row in rows.chunks_exact(dim) {
                out.iter_mut().zip(row).for_each(|(o, v)| *o += v);
            }
            let count = (n as f32).max(1e-9);
            let count = if pooling == Pooling::Mean {
                count
            } else {
                count.sqrt()
            };
            out.iter_mut().for_each(|o| *o /= count);
        }
        Pooling::Max => {
            out.fill(f32::NEG_INFINITY);
            for row in rows.chunks_exact(dim) {
                out.iter_mut().zip(row).for_each(|(o, v)| *o = o.max(*v));
            }
        }
    }
    if normalize {
        let norm = out.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
        out.iter_mut().for_each(|o| *o /= norm);
    }
    out
}
