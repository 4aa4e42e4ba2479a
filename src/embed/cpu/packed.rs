//! Padding-free BERT forward pass for the CPU in f32.
//!
//! The tokens of a batch are packed one sequence after another (no padding rows at all): every
//! linear layer is one matrix product over all real tokens, and attention runs per sequence and
//! head on that sequence's own tokens, so no mask is needed. Compared with the tensor path in
//! [`crate::embed::bert`] it also fuses what candle runs as separate passes: the three attention
//! projections are one product, biases and residuals are written into the product's destination
//! before it accumulates, GELU and softmax use vectorised kernels ([`super::kernels`]), and every
//! buffer is reused from layer to layer. Same weights and the same arithmetic up to summation
//! order: tests hold it to the tensor path and to sentence-transformers' vectors. The linear
//! layers can also run as 16-bit ([`super::qgemm`]) or 8-bit ([`super::q8gemm`]) integer products,
//! or as bfloat16 products ([`super::bf16gemm`]).

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;
use gemm::{gemm, Parallelism};
use rayon::prelude::*;

use super::kernels;
use super::{bf16gemm, q8gemm, qgemm};
use crate::embed::config::{Activation, BertConfig};

/// How the encoder's linear layers compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linear {
    /// f32 weights and products, as in the checkpoint.
    F32,
    /// 16-bit integer products ([`qgemm`]).
    I16,
    /// 8-bit integer products ([`q8gemm`]).
    I8,
    /// bfloat16 products with f32 sums ([`bf16gemm`]).
    Bf16,
}

/// A dense layer's weight: f32 as stored in the checkpoint (out × in, row-major), or quantised
/// for [`qgemm`] or [`q8gemm`].
enum Weights {
    F32(Vec<f32>),
    I16(qgemm::QuantWeights),
    I8(q8gemm::QuantWeights),
    Bf16(bf16gemm::Bf16Weights),
}

/// A layer input's quantised (or bf16-rounded) rows, one buffer per product; reused from call to
/// call.
#[derive(Default)]
pub struct QuantRows {
    i16: qgemm::QuantRows,
    i8: q8gemm::QuantRows,
    bf16: bf16gemm::Bf16Rows,
    /// While calibrating: each linear layer's largest input magnitude per channel, in the order
    /// the forward pass reaches them.
    observed: Option<Vec<Vec<f32>>>,
}

impl QuantRows {
    fn observe(&mut self, x: &[f32], width: usize) {
        let Some(observed) = &mut self.observed else {
            return;
        };
        let mut max = vec![0f32; width];
        for row in x.chunks_exact(width) {
            max.iter_mut()
                .zip(row)
                .for_each(|(m, v)| *m = m.max(v.abs()));
        }
        observed.push(max);
    }
}

struct Dense {
    weights: Weights,
    bias: Vec<f32>,
    n_in: usize,
    n_out: usize,
}

fn flat(t: Tensor) -> Result<Vec<f32>> {
    t.flatten_all()?.to_vec1::<f32>()
}

impl Dense {
    fn load(n_in: usize, n_out: usize, vb: VarBuilder) -> Result<Dense> {
        Ok(Dense {
            weights: Weights::F32(flat(vb.get((n_out, n_in), "weight")?)?),
            bias: flat(vb.get(n_out, "bias")?)?,
            n_in,
            n_out,
        })
    }

    /// Stacks layers that read the same input into one (query, key and value); before they are
    /// quantised.
    fn concat(parts: [Dense; 3]) -> Dense {
        let n_in = parts[0].n_in;
        let (mut weight, mut bias, mut n_out) = (Vec::new(), Vec::new(), 0);
        for p in parts {
            match p.weights {
                Weights::F32(w) => weight.extend_from_slice(&w),
                _ => unreachable!("layers are stacked before they are quantised"),
            }
            bias.extend_from_slice(&p.bias);
            n_out += p.n_out;
        }
        Dense {
            weights: Weights::F32(weight),
            bias,
            n_in,
            n_out,
        }
    }

    /// Replaces the f32 weight by its quantised form for `linear`.
    fn quantized(self, linear: Linear, range: Option<&[f32]>) -> Dense {
        let (n, k) = (self.n_out, self.n_in);
        let weights = match (self.weights, linear) {
            (Weights::F32(w), Linear::I16) => Weights::I16(qgemm::QuantWeights::new(&w, n, k)),
            (Weights::F32(w), Linear::I8) => {
                Weights::I8(q8gemm::QuantWeights::new(&w, n, k, range))
            }
            (Weights::F32(w), Linear::Bf16) => Weights::Bf16(bf16gemm::Bf16Weights::new(&w, n, k)),
            (weights, _) => weights,
        };
        Dense { weights, ..self }
    }

    /// `out = x · Wᵀ + bias (+ residual)`; `x` is rows × n_in, `out` rows × n_out. `q` holds the
    /// quantised input when the layer is quantised.
    fn forward(
        &self,
        x: &[f32],
        rows: usize,
        residual: Option<&[f32]>,
        out: &mut Vec<f32>,
        q: &mut QuantRows,
    ) {
        let x_in = &x[..rows * self.n_in];
        q.observe(x_in, self.n_in);
        match &self.weights {
            Weights::I16(w) => q.i16.quantize(x_in, w),
            Weights::I8(w) => q.i8.quantize(x_in, w),
            Weights::Bf16(w) => q.bf16.convert(x_in, w),
            Weights::F32(_) => {}
        }
        self.product(x, rows, residual, out, q);
    }

    /// [`Dense::forward`] after `prepare` has run on every row of `x` in place (a layer norm or an
    /// activation). When the layer is quantised, each row is prepared and quantised in one pass
    /// while it is in cache.
    fn forward_prepared(
        &self,
        x: &mut [f32],
        prepare: impl Fn(&mut [f32]) + Sync,
        rows: usize,
        residual: Option<&[f32]>,
        out: &mut Vec<f32>,
        q: &mut QuantRows,
    ) {
        let x = &mut x[..rows * self.n_in];
        match &self.weights {
            Weights::I16(w) => q.i16.quantize_prepared(x, w, prepare),
            Weights::I8(w) => q.i8.quantize_prepared(x, w, prepare),
            Weights::Bf16(w) => q.bf16.convert_prepared(x, w, prepare),
            Weights::F32(_) => x
                .par_chunks_mut(self.n_in * ROWS_PER_TASK)
                .for_each(|chunk| chunk.chunks_exact_mut(self.n_in).for_each(&prepare)),
        }
        q.observe(x, self.n_in);
        self.product(x, rows, residual, out, q);
    }

    fn product(
        &self,
        x: &[f32],
        rows: usize,
        residual: Option<&[f32]>,
        out: &mut Vec<f32>,
        q: &QuantRows,
    ) {
        out.clear();
        match residual {
            Some(res) => {
                out.extend_from_slice(&res[..rows * self.n_out]);
                for row in out.chunks_exact_mut(self.n_out) {
                    row.iter_mut().zip(&self.bias).for_each(|(o, b)| *o += b);
                }
            }
            None => (0..rows).for_each(|_| out.extend_from_slice(&self.bias)),
        }
        let weight = match &self.weights {
            Weights::I16(w) => return qgemm::matmul(&q.i16, w, out),
            Weights::I8(w) => return q8gemm::matmul(&q.i8, w, x, out),
            Weights::Bf16(w) => return bf16gemm::matmul(&q.bf16, w, out),
            Weights::F32(w) => w,
        };
        // SAFETY: the pointers and strides describe x (rows × n_in), Wᵀ (n_in × n_out, read
        // through the row-major out × in weight) and out (rows × n_out), all in bounds.
        unsafe {
            gemm(
                rows,
                self.n_out,
                self.n_in,
                out.as_mut_ptr(),
                1,
                self.n_out as isize,
                true,
                x.as_ptr(),
                1,
                self.n_in as isize,
                weight.as_ptr(),
                self.n_in as isize,
                1,
                1.0,
                1.0,
                false,
                false,
                false,
                threads(),
            )
        }
    }
}

fn threads() -> Parallelism {
    match rayon::current_num_threads() {
        0 | 1 => Parallelism::None,
        n => Parallelism::Rayon(n),
    }
}

struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl Norm {
    fn load(size: usize, eps: f64, vb: VarBuilder) -> Result<Norm> {
        let (w, b) = crate::embed::bert::norm_param_names(&vb);
        Ok(Norm {
            weight: flat(vb.get(size, w)?)?,
            bias: flat(vb.get(size, b)?)?,
            eps: eps as f32,
        })
    }

    fn apply(&self, x: &mut [f32]) {
        let width = self.weight.len();
        x.par_chunks_mut(width * ROWS_PER_TASK).for_each(|rows| {
            for row in rows.chunks_exact_mut(width) {
                self.apply_row(row);
            }
        });
    }

    fn apply_row(&self, row: &mut [f32]) {
        kernels::layer_norm(row, &self.weight, &self.bias, self.eps);
    }
}

/// Rows per parallel task in the row-wise passes: large enough that scheduling is noise.
const ROWS_PER_TASK: usize = 16;

struct Layer {
    qkv: Dense,
    attn_out: Dense,
    attn_norm: Norm,
    intermediate: Dense,
    output: Dense,
    out_norm: Norm,
}

impl Layer {
    /// `ranges`: the observed input ranges of qkv, attn_out, intermediate and output.
    fn quantized(self, linear: Linear, ranges: Option<&[Vec<f32>]>) -> Layer {
        let range = |i: usize| ranges.map(|r| &r[i][..]);
        Layer {
            qkv: self.qkv.quantized(linear, range(0)),
            attn_out: self.attn_out.quantized(linear, range(1)),
            intermediate: self.intermediate.quantized(linear, range(2)),
            output: self.output.quantized(linear, range(3)),
            ..self
        }
    }
}

/// Reused from layer to layer and batch to batch.
#[derive(Default)]
pub struct Scratch {
    qkv: Vec<f32>,
    context: Vec<f32>,
    attended: Vec<f32>,
    inner: Vec<f32>,
    next: Vec<f32>,
    quant: QuantRows,
}

/// The encoder's weights, laid out for the packed forward pass.
pub struct PackedBert {
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    emb_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    act: Activation,
    vocab: usize,
    type_vocab: usize,
    max_positions: usize,
}

impl PackedBert {
    /// Loads the weights (f32, CPU), with or without the `bert.` prefix. [`PackedBert::quantize`]
    /// then turns the linear layers into integer products if wanted; embeddings, attention
    /// scores, layer norms and activations stay f32 either way.
    pub fn load(c: &BertConfig, vb: VarBuilder) -> Result<PackedBert> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let h = c.hidden_size;
        let emb = vb.pp("embeddings");
        let layers = (0..c.num_hidden_layers)
            .map(|i| {
                let vb = vb.pp(format!("encoder.layer.{i}"));
                let attn = vb.pp("attention");
                let this = attn.pp("self");
                Ok(Layer {
                    qkv: Dense::concat([
                        Dense::load(h, h, this.pp("query"))?,
                        Dense::load(h, h, this.pp("key"))?,
                        Dense::load(h, h, this.pp("value"))?,
                    ]),
                    attn_out: Dense::load(h, h, attn.pp("output").pp("dense"))?,
                    attn_norm: Norm::load(h, c.layer_norm_eps, attn.pp("output").pp("LayerNorm"))?,
                    intermediate: Dense::load(
                        h,
                        c.intermediate_size,
                        vb.pp("intermediate").pp("dense"),
                    )?,
                    output: Dense::load(c.intermediate_size, h, vb.pp("output").pp("dense"))?,
                    out_norm: Norm::load(h, c.layer_norm_eps, vb.pp("output").pp("LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PackedBert {
            word: flat(emb.pp("word_embeddings").get((c.vocab_size, h), "weight")?)?,
            position: flat(
                emb.pp("position_embeddings")
                    .get((c.max_position_embeddings, h), "weight")?,
            )?,
            token_type: flat(
                emb.pp("token_type_embeddings")
                    .get((c.type_vocab_size, h), "weight")?,
            )?,
            emb_norm: Norm::load(h, c.layer_norm_eps, emb.pp("LayerNorm"))?,
            layers,
            hidden: h,
            heads: c.num_attention_heads,
            act: c.hidden_act,
            vocab: c.vocab_size,
            type_vocab: c.type_vocab_size,
            max_positions: c.max_position_embeddings,
        })
    }

    /// Converts every linear layer of the encoder to `linear`. 8-bit layers first run the f32
    /// encoder over `calibration` (token ids and type ids of each sequence) to learn each input
    /// channel's range; 16-bit layers need none.
    pub fn quantize(&mut self, linear: Linear, calibration: &[(&[u32], &[u32])]) -> Result<()> {
        let ranges = if linear == Linear::I8 && !calibration.is_empty() {
            let mut scratch = Scratch::default();
            scratch.quant.observed = Some(Vec::new());
            self.forward(calibration, &mut scratch)?;
            scratch.quant.observed
        } else {
            None
        };
        let per_layer = ranges
            .as_ref()
            .map(|r| r.chunks_exact(4).collect::<Vec<_>>());
        let layers = std::mem::take(&mut self.layers);
        self.layers = layers
            .into_iter()
            .enumerate()
            .map(|(i, l)| l.quantized(linear, per_layer.as_ref().map(|p| p[i])))
            .collect();
        Ok(())
    }

    pub fn hidden_size(&self) -> usize {
        self.hidden
    }

    /// Runs the encoder over `seqs` (token ids and token type ids of each sequence, no padding)
    /// and returns the final hidden states, all sequences' tokens one after another
    /// (Σ len × hidden, row-major).
    pub fn forward(&self, seqs: &[(&[u32], &[u32])], scratch: &mut Scratch) -> Result<Vec<f32>> {
        self.forward_layers(seqs, scratch, self.layers.len())
    }

    /// Number of transformer layers.
    pub fn num_layers(&self) -> usize {
        self.layers.len()
    }

    /// [`PackedBert::forward`] stopped after the first `layers` layers (0: the embeddings): the
    /// input of the layers above, for training them on cached states.
    pub fn forward_layers(
        &self,
        seqs: &[(&[u32], &[u32])],
        scratch: &mut Scratch,
        layers: usize,
    ) -> Result<Vec<f32>> {
        let h = self.hidden;
        let packing = Packing::new(seqs.iter().map(|(ids, _)| ids.len()).collect());
        let mut x = Vec::with_capacity(packing.rows * h);
        for (ids, types) in seqs {
            if ids.len() > self.max_positions {
                candle_core::bail!(
                    "a sequence of {} tokens is longer than the model's {} positions",
                    ids.len(),
                    self.max_positions
                );
            }
            for (pos, (&id, &ty)) in ids.iter().zip(types.iter()).enumerate() {
                let (id, ty) = (id as usize, ty as usize);
                if id >= self.vocab || ty >= self.type_vocab {
                    candle_core::bail!("token id {id} or type {ty} is outside the vocabulary");
                }
                let w = &self.word[id * h..(id + 1) * h];
                let p = &self.position[pos * h..(pos + 1) * h];
                let t = &self.token_type[ty * h..(ty + 1) * h];
                x.extend(w.iter().zip(p).zip(t).map(|((a, b), c)| a + c + b));
            }
        }
        self.emb_norm.apply(&mut x);
        for layer in self.layers.iter().take(layers) {
            self.layer(layer, &mut x, &packing, scratch);
        }
        Ok(x)
    }

    fn layer(&self, l: &Layer, x: &mut Vec<f32>, packing: &Packing, s: &mut Scratch) {
        let rows = packing.rows;
        l.qkv.forward(x, rows, None, &mut s.qkv, &mut s.quant);
        self.attention(&s.qkv, packing, &mut s.context);
        l.attn_out
            .forward(&s.context, rows, Some(x), &mut s.attended, &mut s.quant);
        l.intermediate.forward_prepared(
            &mut s.attended,
            |row| l.attn_norm.apply_row(row),
            rows,
            None,
            &mut s.inner,
            &mut s.quant,
        );
        let act = self.act;
        l.output.forward_prepared(
            &mut s.inner,
            |row| match act {
                Activation::Gelu => kernels::gelu_erf(row),
                Activation::GeluNew => kernels::gelu_tanh(row),
                Activation::Relu => row.iter_mut().for_each(|v| *v = v.max(0.0)),
            },
            rows,
            Some(&s.attended),
            &mut s.next,
            &mut s.quant,
        );
        l.out_norm.apply(&mut s.next);
        std::mem::swap(x, &mut s.next);
    }

    /// Scaled dot-product attention of every sequence and head over its own tokens. `qkv` holds
    /// rows × [query | key | value]; the result (rows × hidden) goes to `context`.
    fn attention(&self, qkv: &[f32], packing: &Packing, context: &mut Vec<f32>) {
        let h = self.hidden;
        let d = h / self.heads;
        let (lens, starts) = (&packing.lens, &packing.starts);
        context.clear();
        context.resize(packing.rows * h, 0.0);
        let scale = 1.0 / (d as f32).sqrt();
        let out = SendPtr(context.as_mut_ptr());
        (0..lens.len() * self.heads).into_par_iter().for_each_init(
            Vec::new,
            |scores: &mut Vec<f32>, task| {
                let (seq, head) = (task / self.heads, task % self.heads);
                let (start, n) = (starts[seq], lens[seq]);
                scores.clear();
                scores.resize(n * n, 0.0);
                let base = start * 3 * h + head * d;
                let stride = 3 * h as isize;
                // SAFETY: query, key and value of this sequence and head lie inside qkv (n rows
                // of 3h from `start`); scores is n × n. Each task writes only its own head's
                // columns of its own sequence's rows of context, so no two tasks overlap.
                unsafe {
                    // scores = scale · Q Kᵀ
                    gemm(
                        n,
                        n,
                        d,
                        scores.as_mut_ptr(),
                        1,
                        n as isize,
                        false,
                        qkv.as_ptr().add(base),
                        1,
                        stride,
                        qkv.as_ptr().add(base + h),
                        stride,
                        1,
                        0.0,
                        scale,
                        false,
                        false,
                        false,
                        Parallelism::None,
                    );
                    for row in scores.chunks_exact_mut(n) {
                        kernels::softmax(row);
                    }
                    // context = P V
                    let dst = out.at(start * h + head * d);
                    gemm(
                        n,
                        d,
                        n,
                        dst,
                        1,
                        h as isize,
                        false,
                        scores.as_ptr(),
                        1,
                        n as isize,
                        qkv.as_ptr().add(base + 2 * h),
                        1,
                        stride,
                        0.0,
                        1.0,
                        false,
                        false,
                        false,
                        Parallelism::None,
                    );
                }
            },
        );
    }
}

/// Where each sequence's tokens sit among the packed rows of a batch.
struct Packing {
    lens: Vec<usize>,
    starts: Vec<usize>,
    rows: usize,
}

impl Packing {
    fn new(lens: Vec<usize>) -> Packing {
        let mut starts = Vec::with_capacity(lens.len());
        let mut rows = 0;
        for &n in &lens {
            starts.push(rows);
            rows += n;
        }
        Packing { lens, starts, rows }
    }
}

/// A raw pointer the attention tasks share; each writes a disjoint block through it.
#[derive(Clone, Copy)]
struct SendPtr(*mut f32);

impl SendPtr {
    /// A method rather than `.0`, so closures capture the whole (Sync) wrapper.
    unsafe fn at(self, offset: usize) -> *mut f32 {
        self.0.add(offset)
    }
}
// SAFETY: see `attention`: tasks write disjoint regions and the buffer outlives them.
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}
