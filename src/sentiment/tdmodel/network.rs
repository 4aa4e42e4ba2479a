//! The trainable graph: the encoder's top layers (frozen weights plus low-rank adapters) over
//! cached lower-layer token states, then the target-aware head: the [CLS] state concatenated with
//! the mean of the target's own token states and, when the shape has a context rank, a
//! target-query attention pooling of the sentence's other tokens; a linear layer to three
//! classes.

use std::collections::BTreeMap;

use candle_core::{DType, Device, Result, Tensor, Var, D};
use candle_nn::VarBuilder;

use crate::embed::config::{Activation, BertConfig};
use crate::sentiment::rng::SplitMix64;

/// The linear layers of a BERT layer that get adapters, by their checkpoint names (relative to
/// `encoder.layer.N.`), with their input and output widths.
pub fn adapted_linears(c: &BertConfig) -> [(&'static str, usize, usize); 6] {
    let (h, i) = (c.hidden_size, c.intermediate_size);
    [
        ("attention.self.query", h, h),
        ("attention.self.key", h, h),
        ("attention.self.value", h, h),
        ("attention.output.dense", h, h),
        ("intermediate.dense", h, i),
        ("output.dense", i, h),
    ]
}

/// The shape of the adapters and the head.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// How many of the encoder's top layers carry adapters.
    pub top_layers: usize,
    /// The adapters' rank (0: the top layers stay frozen).
    pub rank: usize,
    /// The adapters' output is scaled by alpha / rank.
    pub alpha: f64,
    /// Rank of the context pooling's query and key projections (0: no context pooling, the
    /// head reads [CLS] ⊕ target mean only).
    pub context: usize,
}

impl Shape {
    /// Width of the pooled features: [CLS], the target mean and, with a context rank, the
    /// context.
    pub fn feature_width(&self, hidden: usize) -> usize {
        if self.context > 0 {
            3 * hidden
        } else {
            2 * hidden
        }
    }

    pub fn scale(&self) -> f64 {
        if self.rank == 0 {
            0.0
        } else {
            self.alpha / self.rank as f64
        }
    }
}

/// What every adapter matrix's name starts with.
pub const ADAPTER_PREFIX: &str = "lora.";

/// Name of the adapter matrix `part` ("a": rank × in, "b": out × rank) of a linear layer.
pub fn adapter_name(layer: usize, linear: &str, part: &str) -> String {
    format!("{ADAPTER_PREFIX}encoder.layer.{layer}.{linear}.{part}")
}

pub const HEAD_WEIGHT: &str = "head.weight";
pub const HEAD_BIAS: &str = "head.bias";
/// The context pooling's query projection (context rank × hidden), applied to the target mean.
pub const CTX_QUERY: &str = "ctx.query";
/// The context pooling's key projection (context rank × hidden), applied to every token state.
pub const CTX_KEY: &str = "ctx.key";
/// The context pooling's learned score bias by distance to the target ([`DISTANCE_BUCKETS`]).
pub const CTX_DISTANCE: &str = "ctx.distance";
/// Distances 1, 2, …, 15 and ≥ 16 tokens from the target's nearest token, and one bucket for
/// every token of a target that has no tokens (truncated away).
pub const DISTANCE_BUCKETS: usize = 17;
/// What masks a token out of the context's softmax (added to its score).
pub const MASKED: f32 = -1e4;

/// The distance bucket of token `row` for a target whose own tokens are `rows` (sorted), or
/// `None` when the token is one of the target's own (left out of the context).
pub fn distance_bucket(row: usize, rows: &[usize]) -> Option<usize> {
    if rows.is_empty() {
        return Some(DISTANCE_BUCKETS - 1);
    }
    let d = rows.iter().map(|&r| r.abs_diff(row)).min().unwrap_or(0);
    (d > 0).then(|| d.min(DISTANCE_BUCKETS - 1) - 1)
}

/// The trainable numbers, by name, in a fixed order (sorted): adapters and head.
pub type Params = BTreeMap<String, Var>;

/// Fresh parameters from `seed`: adapter A and the head uniform in ±1/√fan-in, adapter B zero
/// (so training starts from the encoder as it is).
pub fn init_params(c: &BertConfig, shape: &Shape, seed: u64, device: &Device) -> Result<Params> {
    let mut rng = SplitMix64::new(seed ^ 0x7D5E_ED00);
    let mut uniform = |n: usize, bound: f64| -> Vec<f32> {
        (0..n)
            .map(|_| {
                let u = (rng.next_u64() >> 40) as f64 / (1u64 << 24) as f64;
                ((2.0 * u - 1.0) * bound) as f32
            })
            .collect()
    };
    let mut out = Params::new();
    let first = c.num_hidden_layers - shape.top_layers;
    if shape.rank > 0 {
        for layer in first..c.num_hidden_layers {
            for (name, n_in, n_out) in adapted_linears(c) {
                let a = uniform(shape.rank * n_in, 1.0 / (n_in as f64).sqrt());
                let a = Tensor::from_vec(a, (shape.rank, n_in), device)?;
                let b = Tensor::zeros((n_out, shape.rank), DType::F32, device)?;
                out.insert(adapter_name(layer, name, "a"), Var::from_tensor(&a)?);
                out.insert(adapter_name(layer, name, "b"), Var::from_tensor(&b)?);
            }
        }
    }
    if shape.context > 0 {
        let h = c.hidden_size;
        let q = uniform(shape.context * h, 1.0 / (h as f64).sqrt());
        let q = Tensor::from_vec(q, (shape.context, h), device)?;
        // The key projection and the distance bias start at zero: the context starts as the
        // plain mean of the sentence's other tokens.
        let k = Tensor::zeros((shape.context, h), DType::F32, device)?;
        let d = Tensor::zeros(DISTANCE_BUCKETS, DType::F32, device)?;
        out.insert(CTX_QUERY.into(), Var::from_tensor(&q)?);
        out.insert(CTX_KEY.into(), Var::from_tensor(&k)?);
        out.insert(CTX_DISTANCE.into(), Var::from_tensor(&d)?);
    }
    let width = shape.feature_width(c.hidden_size);
    let w = uniform(3 * width, 1.0 / (width as f64).sqrt());
    out.insert(
        HEAD_WEIGHT.into(),
        Var::from_tensor(&Tensor::from_vec(w, (3, width), device)?)?,
    );
    out.insert(
        HEAD_BIAS.into(),
        Var::from_tensor(&Tensor::zeros(3, DType::F32, device)?)?,
    );
    Ok(out)
}

struct FrozenLinear {
    /// in × out (transposed once, so each product reads it contiguously).
    weight_t: Tensor,
    bias: Tensor,
}

struct FrozenLayer {
    linears: Vec<FrozenLinear>,
    attn_norm: (Tensor, Tensor),
    out_norm: (Tensor, Tensor),
}

/// The encoder's top layers with their checkpoint weights.
pub struct TopLayers {
    first: usize,
    layers: Vec<FrozenLayer>,
    heads: usize,
    eps: f32,
    act: Activation,
    names: Vec<&'static str>,
}

impl TopLayers {
    /// Loads the weights of the top `shape.top_layers` layers from the checkpoint.
    pub fn load(c: &BertConfig, vb: VarBuilder, top_layers: usize) -> Result<TopLayers> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let first = c.num_hidden_layers - top_layers;
        let mut layers = Vec::new();
        for layer in first..c.num_hidden_layers {
            let vb = vb.pp(format!("encoder.layer.{layer}"));
            let mut linears = Vec::new();
            for (name, n_in, n_out) in adapted_linears(c) {
                let l = vb.pp(name);
                linears.push(FrozenLinear {
                    weight_t: l.get((n_out, n_in), "weight")?.t()?.contiguous()?,
                    bias: l.get(n_out, "bias")?,
                });
            }
            let norm = |vb: VarBuilder| -> Result<(Tensor, Tensor)> {
                let (w, b) = crate::embed::bert::norm_param_names(&vb);
                Ok((vb.get(c.hidden_size, w)?, vb.get(c.hidden_size, b)?))
            };
            layers.push(FrozenLayer {
                linears,
                attn_norm: norm(vb.pp("attention.output.LayerNorm"))?,
                out_norm: norm(vb.pp("output.LayerNorm"))?,
            });
        }
        Ok(TopLayers {
            first,
            layers,
            heads: c.num_attention_heads,
            eps: c.layer_norm_eps as f32,
            act: c.hidden_act,
            names: adapted_linears(c).iter().map(|l| l.0).collect(),
        })
    }

    /// `x`: batch × seq × hidden states entering the top layers; `mask`: batch × seq of 1/0.
    /// Returns the final states, (batch · seq) × hidden.
    pub fn forward(
        &self,
        x: &Tensor,
        mask: &Tensor,
        params: &Params,
        shape: &Shape,
    ) -> Result<Tensor> {
        let (b, s, h) = x.dims3()?;
        let additive = ((mask.to_dtype(DType::F32)? - 1.0)? * 1e4)?.reshape((b, 1, 1, s))?;
        let d = h / self.heads;
        let mut x = x.reshape((b * s, h))?;
        for (k, layer) in self.layers.iter().enumerate() {
            let index = self.first + k;
            let lin = |i: usize, input: &Tensor| -> Result<Tensor> {
                let f = &layer.linears[i];
                let mut y = input.matmul(&f.weight_t)?.broadcast_add(&f.bias)?;
                if shape.rank > 0 {
                    let a = params[&adapter_name(index, self.names[i], "a")].as_tensor();
                    let bm = params[&adapter_name(index, self.names[i], "b")].as_tensor();
                    let low = input.matmul(&a.t()?)?.matmul(&bm.t()?)?;
                    y = (y + (low * shape.scale())?)?;
                }
                Ok(y)
            };
            let split = |t: Tensor| -> Result<Tensor> {
                t.reshape((b, s, self.heads, d))?
                    .transpose(1, 2)?
                    .contiguous()
            };
            let q = split((lin(0, &x)? / (d as f64).sqrt())?)?;
            let kk = split(lin(1, &x)?)?;
            let v = split(lin(2, &x)?)?;
            let scores = q.matmul(&kk.t()?)?.broadcast_add(&additive)?;
            let probs = candle_nn::ops::softmax(&scores, D::Minus1)?;
            let context = probs
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((b * s, h))?;
            let (w1, b1) = &layer.attn_norm;
            let attended =
                candle_nn::ops::layer_norm_slow(&(lin(3, &context)? + &x)?, w1, b1, self.eps)?;
            let inner = lin(4, &attended)?;
            let inner = match self.act {
                Activation::Gelu => inner.gelu_erf()?,
                Activation::GeluNew => inner.gelu()?,
                Activation::Relu => inner.relu()?,
            };
            let (w2, b2) = &layer.out_norm;
            x = candle_nn::ops::layer_norm_slow(&(lin(5, &inner)? + &attended)?, w2, b2, self.eps)?;
        }
        Ok(x)
    }
}

/// Which tokens each target's context reads: `mask` (targets × (batch · seq)) is 0 for a token
/// of the target's sentence that is not one of its own, [`MASKED`] elsewhere; `buckets`
/// (targets · batch · seq, u32) are the tokens' distance buckets (0 where masked).
pub struct ContextPlan {
    pub mask: Tensor,
    pub buckets: Tensor,
}

/// The target-query attention pooling: softmax over the plan's tokens of
/// (Q·target mean)·(K·state)/√rank + distance bias, weighting the token states.
pub fn context_pool(
    states: &Tensor,
    span_mean: &Tensor,
    plan: &ContextPlan,
    params: &Params,
) -> Result<Tensor> {
    let wq = params[CTX_QUERY].as_tensor();
    let wk = params[CTX_KEY].as_tensor();
    let rank = wq.dim(0)?;
    let (targets, tokens) = plan.mask.dims2()?;
    let q = span_mean.matmul(&wq.t()?)?;
    let k = states.matmul(&wk.t()?)?;
    let scores = (q.matmul(&k.t()?)? / (rank as f64).sqrt())?;
    let bias = params[CTX_DISTANCE]
        .as_tensor()
        .index_select(&plan.buckets, 0)?
        .reshape((targets, tokens))?;
    let scores = ((scores + bias)? + &plan.mask)?;
    candle_nn::ops::softmax(&scores, D::Minus1)?.matmul(states)
}

/// The head over pooled states: `cls` and `span` are targets × (batch · seq) selection and
/// averaging matrices; `context` the context pooling's plan when the head has one; `keep`
/// (targets × feature width) is a dropout mask already scaled, if any.
pub fn head_logits(
    states: &Tensor,
    cls: &Tensor,
    span: &Tensor,
    context: Option<&ContextPlan>,
    keep: Option<&Tensor>,
    params: &Params,
) -> Result<Tensor> {
    let span_mean = span.matmul(states)?;
    let mut parts = vec![cls.matmul(states)?, span_mean.clone()];
    if let Some(plan) = context {
        parts.push(context_pool(states, &span_mean, plan, params)?);
    }
    let mut features = Tensor::cat(&parts, 1)?;
    if let Some(keep) = keep {
        features = (features * keep)?;
    }
    let w = params[HEAD_WEIGHT].as_tensor();
    features
        .matmul(&w.t()?)?
        .broadcast_add(params[HEAD_BIAS].as_tensor())
}

/// The adapters as weight deltas (`scale · B·A`, name of the weight → delta), for merging.
pub fn weight_deltas(
    c: &BertConfig,
    shape: &Shape,
    params: &BTreeMap<String, Tensor>,
) -> Result<Vec<(String, Tensor)>> {
    let mut out = Vec::new();
    if shape.rank == 0 {
        return Ok(out);
    }
    for layer in c.num_hidden_layers - shape.top_layers..c.num_hidden_layers {
        for (name, _, _) in adapted_linears(c) {
            let get = |part: &str| {
                params.get(&adapter_name(layer, name, part)).ok_or_else(|| {
                    candle_core::Error::Msg(format!(
                        "no tensor `{}`",
                        adapter_name(layer, name, part)
                    ))
                })
            };
            let delta = (get("b")?.matmul(get("a")?)? * shape.scale())?;
            out.push((format!("encoder.layer.{layer}.{name}.weight"), delta));
        }
    }
    Ok(out)
}
