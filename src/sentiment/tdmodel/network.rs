//! The trainable graph: the encoder's top layers (frozen weights plus low-rank adapters) over
//! cached lower-layer token states, then the target-aware head (the [CLS] state concatenated with
//! the mean of the target's own token states, a linear layer to three classes).

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
}

impl Shape {
    pub fn scale(&self) -> f64 {
        if self.rank == 0 {
            0.0
        } else {
            self.alpha / self.rank as f64
        }
    }
}

/// Name of the adapter matrix `part` ("a": rank × in, "b": out × rank) of a linear layer.
pub fn adapter_name(layer: usize, linear: &str, part: &str) -> String {
    format!("lora.encoder.layer.{layer}.{linear}.{part}")
}

pub const HEAD_WEIGHT: &str = "head.weight";
pub const HEAD_BIAS: &str = "head.bias";

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
    let width = 2 * c.hidden_size;
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

/// The head over pooled states: `cls` and `span` are targets × (batch · seq) selection and
/// averaging matrices; `keep` (targets × 2·hidden) is a dropout mask already scaled, if any.
pub fn head_logits(
    states: &Tensor,
    cls: &Tensor,
    span: &Tensor,
    keep: Option<&Tensor>,
    params: &Params,
) -> Result<Tensor> {
    let mut features = Tensor::cat(&[cls.matmul(states)?, span.matmul(states)?], 1)?;
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
