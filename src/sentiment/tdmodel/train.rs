//! Training the target-dependent head with candle's autograd: seeded initialisation and batch
//! order, class-weighted cross-entropy, AdamW (written here so its moments go into the
//! checkpoint), a linear warm-up and decay, a resumable checkpoint after each epoch, and dev
//! scores after each epoch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, D};
use candle_nn::VarBuilder;

use super::file::{stored_as, TdHead, TdMeta};
use super::network::{self, ContextPlan, Params, Shape, TopLayers};
use super::pairs;
use super::states::{self, Example};
use crate::embed::Embedder;
use crate::fsutil::write_atomic;
use crate::sentiment::head::{f32_values, safetensors_bytes, StoredAs};
use crate::sentiment::rng::SplitMix64;
use crate::sentiment::training::data::{Dataset, LabelledTarget};
use crate::sentiment::training::metrics::Evaluation;
use crate::sentiment::{Label, SentimentError};

/// Training settings.
#[derive(Debug, Clone)]
pub struct TdTrainOptions {
    pub seed: u64,
    pub epochs: usize,
    pub shape: Shape,
    pub lr: f64,
    /// The head's and the context pooling's learning rate as a multiple of `lr`.
    pub head_lr_scale: f64,
    /// Loss weight of a target whose sentence holds a target of another label (the examples
    /// that teach telling a sentence's targets apart; 9% of NewsMTSC train's targets).
    pub mixed_weight: f64,
    /// Pairs of training sentences of different labels joined into one example, as a share of
    /// the training sentences (0: none; see `pairs.rs`).
    pub joined: f64,
    pub weight_decay: f64,
    /// Sentences per step.
    pub batch: usize,
    /// Dropout on the pooled features.
    pub dropout: f64,
    /// Train on this many targets drawn with the seed (a quick run).
    pub limit: Option<usize>,
    /// Where the lower layers' token states are kept between runs.
    pub cache_dir: Option<PathBuf>,
    /// Written after each epoch; a run with the same settings resumes from it.
    pub checkpoint: Option<PathBuf>,
    /// Where the top layers and the head train.
    pub device: Device,
}

impl Default for TdTrainOptions {
    fn default() -> Self {
        TdTrainOptions {
            seed: 42,
            epochs: 3,
            shape: Shape {
                top_layers: 6,
                rank: 32,
                alpha: 64.0,
                context: 0,
            },
            lr: 5e-4,
            head_lr_scale: 1.0,
            mixed_weight: 1.0,
            joined: 0.0,
            weight_decay: 0.01,
            batch: 16,
            dropout: 0.1,
            limit: None,
            cache_dir: None,
            checkpoint: None,
            device: Device::Cpu,
        }
    }
}

/// Progress events.
pub enum TdEvent<'a> {
    /// Computing the lower layers' states of `what`.
    States {
        what: &'a str,
        done: usize,
        total: usize,
    },
    /// A step of an epoch (1-based) finished.
    Step {
        epoch: usize,
        done: usize,
        total: usize,
    },
    /// An epoch finished: its mean training loss and the dev scores.
    Epoch {
        epoch: usize,
        loss: f64,
        dev: &'a [(String, Evaluation)],
    },
    /// Resumed from the checkpoint after this epoch.
    Resumed { epoch: usize },
}

/// What training produced.
pub struct TdReport {
    pub head: TdHead,
    pub dev: Vec<(String, Evaluation)>,
    pub n_train: usize,
    /// Per epoch: mean training loss and dev macro-F1s.
    pub log: Vec<(usize, f64, Vec<f64>)>,
}

fn fail(e: candle_core::Error) -> SentimentError {
    SentimentError::Options(format!("training failed: {e}"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The settings that decide the weights, for the checkpoint's fingerprint.
fn fingerprint(opts: &TdTrainOptions, train: &Dataset, n_train: usize) -> String {
    let scale = unless_one(opts.head_lr_scale).map_or(String::new(), |s| format!("|head lr x{s}"));
    let mixed = unless_one(opts.mixed_weight).map_or(String::new(), |w| format!("|mixed x{w}"));
    let joined = joined_share(opts).map_or(String::new(), |s| format!("|joined {s}"));
    format!(
        "{}|{}|{:?}|{}|{}|{}|{}|{}|{}{scale}{mixed}{joined}",
        train.sha256,
        n_train,
        opts.shape,
        opts.seed,
        opts.epochs,
        opts.lr,
        opts.weight_decay,
        opts.batch,
        opts.dropout
    )
}

/// Trains on `train`; `dev` files are scored after each epoch.
pub fn train(
    embedder: &Embedder,
    train: &Dataset,
    dev: &[Dataset],
    opts: &TdTrainOptions,
    progress: &mut dyn FnMut(TdEvent<'_>),
) -> Result<TdReport, SentimentError> {
    let config = embedder.config().clone();
    check_options(opts, config.num_hidden_layers)?;
    let lower = config.num_hidden_layers - opts.shape.top_layers;
    let device = &opts.device;

    // The training targets: all, or a seeded subset.
    let mut rows: Vec<usize> = (0..train.targets.len()).collect();
    if let Some(n) = opts.limit.filter(|&n| n < rows.len()) {
        SplitMix64::new(opts.seed).shuffle(&mut rows);
        rows.truncate(n);
        rows.sort_unstable();
    }
    let chosen: Vec<&LabelledTarget> = rows.iter().map(|&i| &train.targets[i]).collect();
    let joined = pairs::joined(&chosen, opts.joined, opts.seed);
    let with_joined: Vec<&LabelledTarget> = chosen.iter().copied().chain(&joined).collect();
    let name = file_name(&train.path);
    let cache = opts.cache_dir.as_deref();
    let train_ex = states::examples(embedder, &with_joined, lower, cache, &mut |done, total| {
        progress(TdEvent::States {
            what: &name,
            done,
            total,
        })
    })?;
    let dev_ex: Vec<(String, Vec<Example>, Vec<Label>)> = dev
        .iter()
        .map(|d| {
            let refs: Vec<&LabelledTarget> = d.targets.iter().collect();
            let what = file_name(&d.path);
            let ex = states::examples(embedder, &refs, lower, cache, &mut |done, total| {
                progress(TdEvent::States {
                    what: &what,
                    done,
                    total,
                })
            })?;
            // Gold labels in the order the examples hold the targets.
            let gold = ex
                .iter()
                .flat_map(|e| e.targets.iter().map(|t| Label::from_index(t.label)))
                .collect();
            Ok((what, ex, gold))
        })
        .collect::<Result<_, SentimentError>>()?;

    let weights = embedder.weights_path();
    // SAFETY: read-only map of the model file, which nothing writes while training.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, device) }
        .map_err(fail)?;
    let top = TopLayers::load(&config, vb, opts.shape.top_layers).map_err(fail)?;
    let mut params = network::init_params(&config, &opts.shape, opts.seed, device).map_err(fail)?;
    let mut adam = Adam::new(&params).map_err(fail)?;

    let class_weight = class_weights(&train_ex);
    let steps_per_epoch = train_ex.len().div_ceil(opts.batch);
    let total_steps = steps_per_epoch * opts.epochs;
    let print = fingerprint(opts, train, chosen.len());
    let mut start_epoch = 1;
    if let Some(ckpt) = &opts.checkpoint {
        if let Some(epoch) = resume(ckpt, &print, &mut params, &mut adam, device)? {
            progress(TdEvent::Resumed { epoch });
            start_epoch = epoch + 1;
        }
    }
    let mut log = Vec::new();
    let mut dev_scores = Vec::new();
    for epoch in start_epoch..=opts.epochs {
        let batches = epoch_batches(&train_ex, opts.batch, opts.seed, epoch);
        let mut loss_sum = 0.0;
        for (k, batch) in batches.iter().enumerate() {
            let step = (epoch - 1) * steps_per_epoch + k;
            let lr = opts.lr * schedule(step, total_steps);
            let mut drop_rng = SplitMix64::new(opts.seed ^ ((step as u64 + 1) << 20));
            let b = Batch::new(&train_ex, batch, opts.shape.context > 0, device).map_err(fail)?;
            let keep = dropout_mask(
                b.targets,
                opts.shape.feature_width(config.hidden_size),
                opts.dropout,
                &mut drop_rng,
                device,
            )
            .map_err(fail)?;
            let logits = b
                .logits(&top, &params, &opts.shape, keep.as_ref())
                .map_err(fail)?;
            let weights = target_weights(&b, &class_weight, opts.mixed_weight);
            let loss = weighted_loss(&logits, &b.labels, &weights, device).map_err(fail)?;
            loss_sum += f64::from(loss.to_scalar::<f32>().map_err(fail)?);
            let grads = loss.backward().map_err(fail)?;
            adam.step(
                &params,
                &grads,
                [lr, lr * opts.head_lr_scale],
                opts.weight_decay,
            )
            .map_err(fail)?;
            progress(TdEvent::Step {
                epoch,
                done: k + 1,
                total: batches.len(),
            });
        }
        if epoch == opts.epochs {
            // The file stores the adapters in f16: the last scores are those of its numbers.
            round_as_stored(&params).map_err(fail)?;
        }
        dev_scores = score_dev(&top, &params, &opts.shape, &dev_ex, device).map_err(fail)?;
        let loss = loss_sum / batches.len().max(1) as f64;
        progress(TdEvent::Epoch {
            epoch,
            loss,
            dev: &dev_scores,
        });
        log.push((epoch, loss, dev_scores.iter().map(|(_, e)| e.f1m).collect()));
        if let Some(ckpt) = &opts.checkpoint {
            save_checkpoint(ckpt, &print, epoch, &params, &adam)?;
        }
    }
    // Idempotent; a checkpoint of code before f16 storage holds unrounded numbers.
    round_as_stored(&params).map_err(fail)?;
    if dev_scores.is_empty() && !dev_ex.is_empty() {
        // Resumed after the last epoch: score the weights as the file will hold them.
        dev_scores = score_dev(&top, &params, &opts.shape, &dev_ex, device).map_err(fail)?;
    }
    let head = make_head(
        embedder,
        train,
        opts,
        chosen.len(),
        &params,
        &dev_scores,
        &log,
    )?;
    Ok(TdReport {
        head,
        dev: dev_scores,
        n_train: chosen.len(),
        log,
    })
}

/// Dev scores as a head file's metadata holds them: `{"dev-rw.jsonl": {"f1m": "0.8254", ...}}`.
pub fn dev_scores_json(dev: &[(String, Evaluation)]) -> String {
    let scores: serde_json::Map<String, serde_json::Value> = dev
        .iter()
        .map(|(name, e)| {
            (
                name.clone(),
                serde_json::json!({"f1m": format!("{:.4}", e.f1m), "accuracy": format!("{:.4}", e.accuracy), "n": e.n}),
            )
        })
        .collect();
    serde_json::Value::Object(scores).to_string()
}

/// The training graph's class probabilities for `targets` with the weights of `head`, one row
/// per target in the order given (to check that scoring computes the same).
pub fn graph_probabilities(
    embedder: &Embedder,
    head: &TdHead,
    targets: &[&LabelledTarget],
) -> Result<Vec<[f32; 3]>, SentimentError> {
    let config = embedder.config().clone();
    let shape = head.meta.shape;
    let device = Device::Cpu;
    let lower = config.num_hidden_layers - shape.top_layers;
    let examples = states::examples(embedder, targets, lower, None, &mut |_, _| {})?;
    let weights = embedder.weights_path();
    // SAFETY: read-only map of the model file, which nothing writes meanwhile.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &device) }
        .map_err(fail)?;
    let top = TopLayers::load(&config, vb, shape.top_layers).map_err(fail)?;
    let params: Params = head
        .candle_tensors(&device)
        .and_then(|t| {
            t.into_iter()
                .map(|(n, t)| Ok((n, candle_core::Var::from_tensor(&t)?)))
                .collect()
        })
        .map_err(fail)?;
    let mut by_target = vec![[0f32; 3]; targets.len()];
    let members = states::sentences(targets);
    for (k, (_, ids)) in members.iter().enumerate() {
        let b = Batch::new(&examples, &[k], shape.context > 0, &device).map_err(fail)?;
        let logits = b.logits(&top, &params, &shape, None).map_err(fail)?;
        let probs = candle_nn::ops::softmax(&logits, D::Minus1).map_err(fail)?;
        let rows: Vec<Vec<f32>> = probs.to_vec2().map_err(fail)?;
        for (&i, row) in ids.iter().zip(rows) {
            by_target[i] = [row[0], row[1], row[2]];
        }
    }
    Ok(by_target)
}

fn check_options(opts: &TdTrainOptions, layers: usize) -> Result<(), SentimentError> {
    let bad = |m: &str| Err(SentimentError::Options(m.to_string()));
    if opts.shape.top_layers > layers {
        return bad("option `top-layers` is larger than the encoder's number of layers");
    }
    if opts.shape.rank > 0 && opts.shape.top_layers == 0 {
        return bad(
            "option `rank` needs `top-layers` of at least 1 (adapters go on the top layers)",
        );
    }
    if opts.epochs == 0 || opts.batch == 0 {
        return bad("options `epochs` and `batch` must be at least 1");
    }
    if !(opts.lr > 0.0 && opts.lr.is_finite() && (0.0..1.0).contains(&opts.dropout)) {
        return bad("option `lr` must be positive and `dropout` in [0, 1)");
    }
    if !(opts.head_lr_scale > 0.0 && opts.head_lr_scale.is_finite()) {
        return bad("option `head-lr-scale` must be positive");
    }
    if !(opts.mixed_weight > 0.0 && opts.mixed_weight.is_finite()) {
        return bad("option `mixed-weight` must be positive");
    }
    if !(0.0..=1.0).contains(&opts.joined) {
        return bad("option `joined` must be in [0, 1]");
    }
    Ok(())
}

/// Linear warm-up over the first 6% of steps, then linear decay to zero.
fn schedule(step: usize, total: usize) -> f64 {
    let warm = (total as f64 * 0.06).max(1.0);
    let s = step as f64;
    if s < warm {
        (s + 1.0) / warm
    } else {
        ((total as f64 - s) / (total as f64 - warm).max(1.0)).max(0.0)
    }
}

/// Balanced class weights: n / (classes · n_c).
fn class_weights(examples: &[Example]) -> [f32; 3] {
    let mut count = [0usize; 3];
    for t in examples.iter().flat_map(|e| &e.targets) {
        count[t.label] += 1;
    }
    let n: usize = count.iter().sum();
    count.map(|c| {
        if c == 0 {
            0.0
        } else {
            n as f32 / (3.0 * c as f32)
        }
    })
}

/// The epoch's batches: a seeded shuffle, then sentences of similar length batched together
/// inside windows of 16 batches (less padding), the batches in seeded order.
fn epoch_batches(examples: &[Example], batch: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
    let mut rng = SplitMix64::new(seed.wrapping_add(0xE90C_0000_u64.wrapping_mul(epoch as u64)));
    let mut order: Vec<usize> = (0..examples.len()).collect();
    rng.shuffle(&mut order);
    let mut batches = Vec::new();
    for window in order.chunks_mut(batch * 16) {
        window.sort_by_key(|&i| examples[i].tokens);
        batches.extend(window.chunks(batch).map(<[usize]>::to_vec));
    }
    rng.shuffle(&mut batches);
    batches
}

fn dropout_mask(
    rows: usize,
    cols: usize,
    p: f64,
    rng: &mut SplitMix64,
    device: &Device,
) -> candle_core::Result<Option<Tensor>> {
    if p <= 0.0 {
        return Ok(None);
    }
    let keep = (1.0 / (1.0 - p)) as f32;
    let values: Vec<f32> = (0..rows * cols)
        .map(|_| {
            let u = (rng.next_u64() >> 40) as f64 / (1u64 << 24) as f64;
            if u < p {
                0.0
            } else {
                keep
            }
        })
        .collect();
    Tensor::from_vec(values, (rows, cols), device).map(Some)
}

/// A padded batch of sentences with its pooling matrices.
struct Batch {
    states: Tensor,
    mask: Tensor,
    cls: Tensor,
    span: Tensor,
    context: Option<ContextPlan>,
    labels: Vec<usize>,
    /// Whether each target's sentence holds a target of another label.
    mixed: Vec<bool>,
    targets: usize,
}

impl Batch {
    fn new(
        examples: &[Example],
        which: &[usize],
        with_context: bool,
        device: &Device,
    ) -> candle_core::Result<Batch> {
        let dim = examples[which[0]].states.len() / examples[which[0]].tokens.max(1);
        let (b, s) = (
            which.len(),
            which.iter().map(|&i| examples[i].tokens).max().unwrap_or(1),
        );
        let mut x = vec![0f32; b * s * dim];
        let mut mask = vec![0f32; b * s];
        let targets: usize = which.iter().map(|&i| examples[i].targets.len()).sum();
        let mut cls = vec![0f32; targets * b * s];
        let mut span = vec![0f32; targets * b * s];
        let mut labels = Vec::with_capacity(targets);
        let mut mixed = Vec::with_capacity(targets);
        let mut t = 0;
        for (r, &i) in which.iter().enumerate() {
            let e = &examples[i];
            x[r * s * dim..r * s * dim + e.states.len()].copy_from_slice(&e.states);
            mask[r * s..r * s + e.tokens].fill(1.0);
            let labels_differ = e.targets.iter().any(|x| x.label != e.targets[0].label);
            for target in &e.targets {
                cls[t * b * s + r * s] = 1.0;
                for &row in &target.rows {
                    span[t * b * s + r * s + row] = 1.0 / target.rows.len() as f32;
                }
                labels.push(target.label);
                mixed.push(labels_differ);
                t += 1;
            }
        }
        Ok(Batch {
            states: Tensor::from_vec(x, (b, s, dim), device)?,
            mask: Tensor::from_vec(mask, (b, s), device)?,
            cls: Tensor::from_vec(cls, (targets, b * s), device)?,
            span: Tensor::from_vec(span, (targets, b * s), device)?,
            context: if with_context {
                Some(context_plan(examples, which, s, device)?)
            } else {
                None
            },
            labels,
            mixed,
            targets,
        })
    }

    fn logits(
        &self,
        top: &TopLayers,
        params: &Params,
        shape: &Shape,
        keep: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let h = top.forward(&self.states, &self.mask, params, shape)?;
        network::head_logits(
            &h,
            &self.cls,
            &self.span,
            self.context.as_ref(),
            keep,
            params,
        )
    }
}

/// The context pooling's plan for a batch padded to `s` tokens: each target reads the tokens of
/// its own sentence that are not its own.
fn context_plan(
    examples: &[Example],
    which: &[usize],
    s: usize,
    device: &Device,
) -> candle_core::Result<ContextPlan> {
    let width = which.len() * s;
    let mut mask = Vec::new();
    let mut buckets = Vec::new();
    for (r, &i) in which.iter().enumerate() {
        let e = &examples[i];
        for target in &e.targets {
            let start = mask.len();
            mask.resize(start + width, network::MASKED);
            buckets.resize(start + width, 0u32);
            for row in 0..e.tokens {
                if let Some(b) = network::distance_bucket(row, &target.rows) {
                    mask[start + r * s + row] = 0.0;
                    buckets[start + r * s + row] = b as u32;
                }
            }
        }
    }
    let targets = mask.len() / width.max(1);
    Ok(ContextPlan {
        mask: Tensor::from_vec(mask, (targets, width), device)?,
        buckets: Tensor::from_vec(buckets, targets * width, device)?,
    })
}

/// Each target's loss weight: its class's, times `mixed_weight` in a mixed sentence.
fn target_weights(batch: &Batch, class_weight: &[f32; 3], mixed_weight: f64) -> Vec<f32> {
    batch
        .labels
        .iter()
        .zip(&batch.mixed)
        .map(|(&l, &mixed)| class_weight[l] * if mixed { mixed_weight as f32 } else { 1.0 })
        .collect()
}

/// Cross-entropy, each target weighted, normalised by the weights' sum.
fn weighted_loss(
    logits: &Tensor,
    labels: &[usize],
    target_weight: &[f32],
    device: &Device,
) -> candle_core::Result<Tensor> {
    let mut w = vec![0f32; labels.len() * 3];
    for (i, &l) in labels.iter().enumerate() {
        w[i * 3 + l] = target_weight[i];
    }
    let total: f32 = w.iter().sum();
    let w = Tensor::from_vec(w, (labels.len(), 3), device)?;
    let logp = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    (logp * w)?.sum_all()?.neg()? / f64::from(total.max(1e-12))
}

/// The predicted class of every target of `examples`, in order.
/// Each dev set's scores with the weights as they are.
fn score_dev(
    top: &TopLayers,
    params: &Params,
    shape: &Shape,
    dev_ex: &[(String, Vec<Example>, Vec<Label>)],
    device: &Device,
) -> candle_core::Result<Vec<(String, Evaluation)>> {
    dev_ex
        .iter()
        .map(|(what, ex, gold)| {
            let pred = predict(top, params, shape, ex, device)?;
            Ok((what.clone(), Evaluation::new(gold, &pred)))
        })
        .collect()
}

fn predict(
    top: &TopLayers,
    params: &Params,
    shape: &Shape,
    examples: &[Example],
    device: &Device,
) -> candle_core::Result<Vec<Label>> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    order.sort_by_key(|&i| examples[i].tokens);
    let mut by_example: Vec<Vec<Label>> = vec![Vec::new(); examples.len()];
    for chunk in order.chunks(64) {
        let b = Batch::new(examples, chunk, shape.context > 0, device)?;
        let logits: Vec<Vec<f32>> = b.logits(top, params, shape, None)?.to_vec2()?;
        let mut it = logits.into_iter();
        for &i in chunk {
            for _ in &examples[i].targets {
                let row = it.next().unwrap_or_default();
                let best = (0..3).fold(1, |b, c| if row[c] > row[b] { c } else { b });
                by_example[i].push(Label::from_index(best));
            }
        }
    }
    Ok(by_example.into_iter().flatten().collect())
}

/// A multiplier option (the head's learning-rate scale, the mixed-sentence weight) when it is
/// not its default 1: files and checkpoints of the default recipe read as before the option.
fn unless_one(multiplier: f64) -> Option<f64> {
    Some(multiplier).filter(|&m| m != 1.0)
}

/// The share of joined pairs, when there are any (the recipe without them keeps its
/// fingerprint and metadata).
fn joined_share(opts: &TdTrainOptions) -> Option<f64> {
    Some(opts.joined).filter(|&s| s > 0.0)
}

/// The head's and the context pooling's parameters (the rest are adapters).
fn is_head_param(name: &str) -> bool {
    name.starts_with("head.") || name.starts_with("ctx.")
}

/// AdamW with its moments kept, so a checkpoint can resume it exactly.
struct Adam {
    m: BTreeMap<String, Tensor>,
    v: BTreeMap<String, Tensor>,
    t: u64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl Adam {
    fn new(params: &Params) -> candle_core::Result<Adam> {
        let zeros = |p: &candle_core::Var| p.as_tensor().zeros_like();
        Ok(Adam {
            m: params
                .iter()
                .map(|(n, p)| Ok((n.clone(), zeros(p)?)))
                .collect::<candle_core::Result<_>>()?,
            v: params
                .iter()
                .map(|(n, p)| Ok((n.clone(), zeros(p)?)))
                .collect::<candle_core::Result<_>>()?,
            t: 0,
        })
    }

    /// One update; `[adapters, head]`: the learning rates of the adapters and of the head and
    /// context pooling.
    fn step(
        &mut self,
        params: &Params,
        grads: &candle_core::backprop::GradStore,
        [adapter_lr, head_lr]: [f64; 2],
        weight_decay: f64,
    ) -> candle_core::Result<()> {
        self.t += 1;
        let c1 = 1.0 - BETA1.powi(self.t as i32);
        let c2 = 1.0 - BETA2.powi(self.t as i32);
        for (name, p) in params {
            let Some(g) = grads.get(p.as_tensor()) else {
                continue;
            };
            let m = ((&self.m[name] * BETA1)? + (g * (1.0 - BETA1))?)?;
            let v = ((&self.v[name] * BETA2)? + (g.sqr()? * (1.0 - BETA2))?)?;
            let update = ((&m / c1)? / ((&v / c2)?.sqrt()? + EPS)?)?;
            let decay = if name.ends_with("bias") {
                0.0
            } else {
                weight_decay
            };
            let lr = if is_head_param(name) {
                head_lr
            } else {
                adapter_lr
            };
            let theta = p.as_tensor();
            let next = ((theta * (1.0 - lr * decay))? - (update * lr)?)?;
            p.set(&next)?;
            self.m.insert(name.clone(), m);
            self.v.insert(name.clone(), v);
        }
        Ok(())
    }
}

/// Rounds the parameters the head file stores in f16 to the numbers it will hold.
fn round_as_stored(params: &Params) -> candle_core::Result<()> {
    for (name, p) in params {
        if stored_as(name) == StoredAs::F16 {
            let t = p.as_tensor();
            p.set(&t.to_dtype(DType::F16)?.to_dtype(DType::F32)?)?;
        }
    }
    Ok(())
}

fn tensor_entry(t: &Tensor) -> candle_core::Result<(Vec<usize>, Vec<f32>)> {
    Ok((t.dims().to_vec(), t.flatten_all()?.to_vec1::<f32>()?))
}

fn save_checkpoint(
    path: &Path,
    print: &str,
    epoch: usize,
    params: &Params,
    adam: &Adam,
) -> Result<(), SentimentError> {
    let mut tensors = BTreeMap::new();
    for (n, p) in params {
        tensors.insert(
            format!("param.{n}"),
            tensor_entry(p.as_tensor()).map_err(fail)?,
        );
        tensors.insert(
            format!("adam_m.{n}"),
            tensor_entry(&adam.m[n]).map_err(fail)?,
        );
        tensors.insert(
            format!("adam_v.{n}"),
            tensor_entry(&adam.v[n]).map_err(fail)?,
        );
    }
    let meta = BTreeMap::from([
        ("fingerprint".to_string(), print.to_string()),
        ("epoch".to_string(), epoch.to_string()),
        ("adam_t".to_string(), adam.t.to_string()),
    ]);
    let bytes = safetensors_bytes(&meta, &tensors);
    use std::io::Write;
    write_atomic(path, |f| f.write_all(&bytes)).map_err(|e| SentimentError::write(path, e))
}

/// Loads the checkpoint when it exists and was made with the same settings; the epoch it ended.
fn resume(
    path: &Path,
    print: &str,
    params: &mut Params,
    adam: &mut Adam,
    device: &Device,
) -> Result<Option<usize>, SentimentError> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(None);
    };
    let Ok(st) = safetensors::SafeTensors::deserialize(&bytes) else {
        return Ok(None);
    };
    let Ok((_, m)) = safetensors::SafeTensors::read_metadata(&bytes) else {
        return Ok(None);
    };
    let meta = m.metadata().clone().unwrap_or_default();
    if meta.get("fingerprint").map(String::as_str) != Some(print) {
        return Ok(None);
    }
    let (Some(epoch), Some(t)) = (
        meta.get("epoch").and_then(|e| e.parse::<usize>().ok()),
        meta.get("adam_t").and_then(|e| e.parse::<u64>().ok()),
    ) else {
        return Ok(None);
    };
    let get = |name: &str, like: &Tensor| -> Option<Tensor> {
        let values = f32_values(&st.tensor(name).ok()?)?;
        Tensor::from_vec(values, like.dims(), device).ok()
    };
    for (n, p) in params.iter() {
        let (Some(value), Some(m), Some(v)) = (
            get(&format!("param.{n}"), p.as_tensor()),
            get(&format!("adam_m.{n}"), p.as_tensor()),
            get(&format!("adam_v.{n}"), p.as_tensor()),
        ) else {
            return Ok(None);
        };
        p.set(&value).map_err(fail)?;
        adam.m.insert(n.clone(), m);
        adam.v.insert(n.clone(), v);
    }
    adam.t = t;
    Ok(Some(epoch))
}

fn make_head(
    embedder: &Embedder,
    train: &Dataset,
    opts: &TdTrainOptions,
    n_train: usize,
    params: &Params,
    dev: &[(String, Evaluation)],
    log: &[(usize, f64, Vec<f64>)],
) -> Result<TdHead, SentimentError> {
    let info = embedder.info();
    let mut tensors = BTreeMap::new();
    for (n, p) in params {
        tensors.insert(n.clone(), tensor_entry(p.as_tensor()).map_err(fail)?);
    }
    let epochs: Vec<String> = log
        .iter()
        .map(|(e, loss, f)| {
            let f: Vec<String> = f.iter().map(|v| format!("{v:.4}")).collect();
            format!("{e}: loss {loss:.4} dev F1m {}", f.join("/"))
        })
        .collect();
    let extra = BTreeMap::from([
        ("themescope_version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("dev_scores".to_string(), dev_scores_json(dev)),
        (
            "optimiser".to_string(),
            format!(
                "AdamW lr {}{} (6% warm-up, linear decay) weight decay {} batch {} sentences, dropout {} on the pooled features, class-weighted cross-entropy (balanced){}{}",
                opts.lr,
                unless_one(opts.head_lr_scale)
                    .map_or(String::new(), |s| format!(" (head and context pooling x{s})")),
                opts.weight_decay,
                opts.batch,
                opts.dropout,
                unless_one(opts.mixed_weight).map_or(String::new(), |w| format!(
                    ", targets in sentences of mixed labels weighted x{w}"
                )),
                joined_share(opts).map_or(String::new(), |s| format!(
                    ", pairs of sentences of different labels joined into one example ({s} x the training sentences, seeded)"
                )),
            ),
        ),
        (
            "adapters".to_string(),
            "LoRA on query, key, value, attention output, intermediate and output of the top layers; merged into the encoder's weights at load".to_string(),
        ),
        ("epoch_log".to_string(), epochs.join("; ")),
    ]);
    Ok(TdHead {
        source: "trained".into(),
        meta: TdMeta {
            encoder_id: info.model_id.clone(),
            encoder_revision: info.revision.clone(),
            encoder_dim: info.dim,
            encoder_layers: embedder.config().num_hidden_layers,
            shape: opts.shape,
            training_data: file_name(&train.path),
            training_sha256: train.sha256.clone(),
            n_train,
            seed: opts.seed,
            epochs: opts.epochs,
            extra,
        },
        tensors,
    })
}
