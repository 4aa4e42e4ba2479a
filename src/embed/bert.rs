//! BERT encoder (BERT, MiniLM, bge, e5, gte checkpoints) in candle.
//!
//! Written here rather than taken from candle-transformers so that the attention mask stays
//! finite in every dtype (candle-transformers' `f32::MIN` mask turns into NaN in f16/bf16) and the
//! per-token output is available to the sentiment stage from the same forward pass.

use candle_core::{DType, Device, Module, Result, Tensor};
use candle_nn::{embedding, linear, Embedding, LayerNorm, Linear, VarBuilder};

use super::batch::PackedBatch;
use super::config::{Activation, BertConfig};
use super::encoder::TokenEncoder;

/// Added to the attention scores of padding. Finite in f16 and bf16, and far enough below any
/// real score that `exp` underflows to exactly 0 in every dtype, so padding never changes a result.
const MASK_VALUE: f64 = -1e4;

/// The names of a layer norm's scale and shift: old TF-converted checkpoints say gamma/beta.
pub(crate) fn norm_param_names(vb: &VarBuilder) -> (&'static str, &'static str) {
    if vb.contains_tensor("weight") {
        ("weight", "bias")
    } else {
        ("gamma", "beta")
    }
}

fn layer_norm(size: usize, eps: f64, vb: VarBuilder) -> Result<LayerNorm> {
    let (w, b) = norm_param_names(&vb);
    Ok(LayerNorm::new(vb.get(size, w)?, vb.get(size, b)?, eps))
}

struct Embeddings {
    word: Embedding,
    position: Embedding,
    token_type: Embedding,
    norm: LayerNorm,
}

impl Embeddings {
    fn load(c: &BertConfig, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            word: embedding(c.vocab_size, c.hidden_size, vb.pp("word_embeddings"))?,
            position: embedding(
                c.max_position_embeddings,
                c.hidden_size,
                vb.pp("position_embeddings"),
            )?,
            token_type: embedding(
                c.type_vocab_size,
                c.hidden_size,
                vb.pp("token_type_embeddings"),
            )?,
            norm: layer_norm(c.hidden_size, c.layer_norm_eps, vb.pp("LayerNorm"))?,
        })
    }

    fn forward(&self, ids: &Tensor, type_ids: &Tensor) -> Result<Tensor> {
        let seq_len = ids.dim(1)?;
        let positions = Tensor::arange(0u32, seq_len as u32, ids.device())?;
        let x = self
            .word
            .forward(ids)?
            .add(&self.token_type.forward(type_ids)?)?
            .broadcast_add(&self.position.forward(&positions)?)?;
        self.norm.forward(&x)
    }
}

struct Layer {
    /// Query, key and value stacked into one projection (one matrix product, one kernel launch
    /// on a GPU instead of three), the query part pre-scaled by 1/sqrt(head_dim).
    qkv: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_norm: LayerNorm,
    heads: usize,
    head_dim: usize,
    act: Activation,
}

impl Layer {
    fn load(c: &BertConfig, vb: VarBuilder) -> Result<Self> {
        let h = c.hidden_size;
        let attn = vb.pp("attention");
        let this = attn.pp("self");
        let head_dim = h / c.num_attention_heads;
        let scale = 1.0 / (head_dim as f64).sqrt();
        let part = |name: &str, scale: f64| -> Result<(Tensor, Tensor)> {
            let l = this.pp(name);
            Ok((
                (l.get((h, h), "weight")? * scale)?,
                (l.get(h, "bias")? * scale)?,
            ))
        };
        let (wq, bq) = part("query", scale)?;
        let (wk, bk) = part("key", 1.0)?;
        let (wv, bv) = part("value", 1.0)?;
        Ok(Self {
            qkv: Linear::new(
                Tensor::cat(&[wq, wk, wv], 0)?,
                Some(Tensor::cat(&[bq, bk, bv], 0)?),
            ),
            attn_out: linear(h, h, attn.pp("output").pp("dense"))?,
            attn_norm: layer_norm(h, c.layer_norm_eps, attn.pp("output").pp("LayerNorm"))?,
            intermediate: linear(h, c.intermediate_size, vb.pp("intermediate").pp("dense"))?,
            output: linear(c.intermediate_size, h, vb.pp("output").pp("dense"))?,
            out_norm: layer_norm(h, c.layer_norm_eps, vb.pp("output").pp("LayerNorm"))?,
            heads: c.num_attention_heads,
            head_dim,
            act: c.hidden_act,
        })
    }

    /// `x`: batch × seq × hidden; `mask`: batch × 1 × 1 × seq, additive.
    fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, s, h) = x.dims3()?;
        // batch × seq × (3 · heads · head_dim) → 3 × batch × heads × seq × head_dim, one copy.
        let qkv = self
            .qkv
            .forward(x)?
            .reshape((b, s, 3, self.heads, self.head_dim))?
            .permute((2, 0, 3, 1, 4))?
            .contiguous()?;
        let (q, k, v) = (qkv.get(0)?, qkv.get(1)?, qkv.get(2)?);
        let scores = q.matmul(&k.t()?)?.broadcast_add(mask)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probs.matmul(&v)?.transpose(1, 2)?.reshape((b, s, h))?;
        let attended = self
            .attn_norm
            .forward(&self.attn_out.forward(&context)?.add(x)?)?;
        let inner = self.intermediate.forward(&attended)?;
        let inner = match self.act {
            Activation::Gelu => inner.gelu_erf()?,
            Activation::GeluNew => inner.gelu()?,
            Activation::Relu => inner.relu()?,
        };
        self.out_norm
            .forward(&self.output.forward(&inner)?.add(&attended)?)
    }
}

/// A BERT encoder: token ids in, one vector per token out. It computes on padded rectangles,
/// padding each packed batch to its longest text.
pub struct BertModel {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    hidden_size: usize,
    pad_token_id: u32,
    dtype: DType,
    device: Device,
}

impl BertModel {
    /// Loads the weights, with or without the `bert.` prefix that some checkpoints carry.
    pub fn load(c: &BertConfig, vb: VarBuilder) -> Result<Self> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let embeddings = Embeddings::load(c, vb.pp("embeddings"))?;
        let layers = (0..c.num_hidden_layers)
            .map(|i| Layer::load(c, vb.pp(format!("encoder.layer.{i}"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            embeddings,
            layers,
            hidden_size: c.hidden_size,
            pad_token_id: c.pad_token_id,
            dtype: vb.dtype(),
            device: vb.device().clone(),
        })
    }

    /// `ids`, `type_ids`, `attention_mask`: batch × seq; returns batch × seq × hidden.
    fn forward_padded(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> Result<Tensor> {
        let (b, s) = ids.dims2()?;
        // 1 → 0, 0 → MASK_VALUE, computed in f32 then cast so it is exact in every dtype.
        let mask = ((attention_mask.to_dtype(DType::F32)? - 1.0)? * -MASK_VALUE)?
            .to_dtype(self.dtype)?
            .reshape((b, 1, 1, s))?;
        let mut x = self.embeddings.forward(ids, type_ids)?;
        for layer in &self.layers {
            x = layer.forward(&x, &mask)?;
        }
        Ok(x)
    }
}

impl TokenEncoder for BertModel {
    fn hidden_size(&self) -> usize {
        self.hidden_size
    }

    fn forward(&self, batch: &PackedBatch) -> Result<Vec<f32>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let padded = batch.padded(self.pad_token_id);
        let shape = (padded.texts, padded.width);
        let tensor = |v: Vec<u32>| Tensor::from_vec(v, shape, &self.device);
        let hidden = self.forward_padded(
            &tensor(padded.ids)?,
            &tensor(padded.type_ids)?,
            &tensor(padded.mask)?,
        )?;
        // Only the real tokens leave the device, already in packed order.
        let real = Tensor::from_vec(padded.real, batch.tokens(), &self.device)?;
        hidden
            .to_dtype(DType::F32)?
            .reshape((shape.0 * shape.1, self.hidden_size))?
            .index_select(&real, 0)?
            .flatten_all()?
            .to_vec1()
    }
}
