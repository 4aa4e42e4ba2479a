//! The sentiment head: standardisation and a 3-class linear layer over [`super::features`], stored
//! as a small `.safetensors` file whose metadata says how it was made (encoder, feature recipe,
//! training data, seed, dev scores). Files are written byte-for-byte deterministically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayView2};
use safetensors::{Dtype, SafeTensors};

use super::features::Recipe;
use super::{Prediction, SentimentError};
use crate::embed::EncoderInfo;
use crate::fsutil::write_atomic;

/// The head used when none is named: the target-dependent model.
pub const DEFAULT_HEAD: &str = "minilm-newsmtsc-td";
/// The logistic-regression head on frozen features, kept for comparison.
pub const LR_HEAD: &str = "minilm-newsmtsc-lr";

/// Heads compiled into the binary: name and file bytes.
const BUILTIN: &[(&str, &[u8])] = &[
    (
        DEFAULT_HEAD,
        include_bytes!("../../models/heads/minilm-newsmtsc-td.safetensors"),
    ),
    (
        LR_HEAD,
        include_bytes!("../../models/heads/minilm-newsmtsc-lr.safetensors"),
    ),
];

/// The bytes of a head of either kind, and the name to report it by: a built-in head by name,
/// a file by path, or `models/heads/NAME.safetensors` under the current folder.
pub fn head_bytes(spec: &str) -> Result<(String, Vec<u8>), SentimentError> {
    if let Some((name, bytes)) = BUILTIN.iter().find(|(n, _)| *n == spec) {
        return Ok((name.to_string(), bytes.to_vec()));
    }
    let path = PathBuf::from(spec);
    let local = Path::new("models/heads").join(format!("{spec}.safetensors"));
    for candidate in [path, local] {
        if candidate.is_file() {
            let bytes =
                std::fs::read(&candidate).map_err(|e| SentimentError::read(&candidate, e))?;
            return Ok((candidate.display().to_string(), bytes));
        }
    }
    Err(SentimentError::UnknownHead {
        name: spec.to_string(),
        known: builtin_heads().join(", "),
    })
}

/// Value of the `format` metadata key.
const FORMAT: &str = "themescope-sentiment-head";
const FORMAT_VERSION: &str = "1";

/// How a head was made; stored as the file's `__metadata__`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadMeta {
    /// Encoder the features come from (e.g. `sentence-transformers/all-MiniLM-L6-v2`).
    pub encoder_id: String,
    pub encoder_revision: Option<String>,
    pub encoder_dim: usize,
    pub recipe: Recipe,
    /// File name of the training data and the sha256 of its bytes.
    pub training_data: String,
    pub training_sha256: String,
    pub n_train: usize,
    pub seed: u64,
    /// The regularisation (scikit-learn's C) chosen.
    pub c: f64,
    /// Free-form provenance kept as given: dev scores (JSON), the tuning grid, the version.
    pub extra: BTreeMap<String, String>,
}

/// A loaded head ready to score features.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The name or path it was loaded from.
    pub source: String,
    pub meta: HeadMeta,
    pub mean: Array1<f32>,
    pub scale: Array1<f32>,
    /// classes × features.
    pub weight: Array2<f32>,
    pub bias: Array1<f32>,
}

/// A head file's tensors and `__metadata__`, checked to be of `format`: the one reader both
/// kinds of head share, so that a damaged or foreign file fails the same way.
pub(crate) fn read_head_file<'b>(
    source: &str,
    bytes: &'b [u8],
    format: &str,
) -> Result<(SafeTensors<'b>, std::collections::HashMap<String, String>), SentimentError> {
    let bad = |reason: String| SentimentError::BadHead {
        source_name: source.to_string(),
        reason,
    };
    let tensors = SafeTensors::deserialize(bytes).map_err(|e| bad(e.to_string()))?;
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(|e| bad(e.to_string()))?;
    let meta = metadata
        .metadata()
        .clone()
        .ok_or_else(|| bad("it has no __metadata__".into()))?;
    match meta.get("format") {
        None => Err(bad("__metadata__ lacks `format`".into())),
        Some(f) if f != format => Err(bad(format!("`format` is not {format}"))),
        Some(_) => Ok((tensors, meta)),
    }
}

/// How a tensor's numbers are stored in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredAs {
    F32,
    /// IEEE half precision, rounded to nearest: half the bytes, ~3 significant digits.
    F16,
}

/// A safetensors file's bytes from metadata and named f32 tensors, deterministically.
pub fn safetensors_bytes(
    meta: &BTreeMap<String, String>,
    tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>,
) -> Vec<u8> {
    safetensors_bytes_as(meta, tensors, |_| StoredAs::F32)
}

/// As [`safetensors_bytes`], each tensor stored as `stored_as(name)` says.
pub fn safetensors_bytes_as(
    meta: &BTreeMap<String, String>,
    tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    stored_as: impl Fn(&str) -> StoredAs,
) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let meta_json: serde_json::Map<String, serde_json::Value> = meta
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    header.insert("__metadata__".into(), meta_json.into());
    let mut data = Vec::new();
    for (name, (shape, values)) in tensors {
        let start = data.len();
        let dtype = match stored_as(name) {
            StoredAs::F32 => {
                values
                    .iter()
                    .for_each(|v| data.extend_from_slice(&v.to_le_bytes()));
                "F32"
            }
            StoredAs::F16 => {
                values
                    .iter()
                    .for_each(|v| data.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes()));
                "F16"
            }
        };
        header.insert(
            name.clone(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [start, data.len()]}),
        );
    }
    let mut header = serde_json::to_string(&serde_json::Value::Object(header))
        .unwrap_or_default()
        .into_bytes();
    while !header.len().is_multiple_of(8) {
        header.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + header.len() + data.len());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&data);
    out
}

/// A tensor's numbers as f32, from F32 or F16 storage; `None` for any other dtype.
pub fn f32_values(view: &safetensors::tensor::TensorView<'_>) -> Option<Vec<f32>> {
    match view.dtype() {
        safetensors::Dtype::F32 => Some(
            view.data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        ),
        safetensors::Dtype::F16 => Some(
            view.data()
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
        ),
        _ => None,
    }
}

/// Names of the built-in heads.
pub fn builtin_heads() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

impl Head {
    /// A built-in head by name, a file by path, or `models/heads/NAME.safetensors` under the
    /// current folder.
    pub fn resolve(spec: &str) -> Result<Head, SentimentError> {
        let (source, bytes) = head_bytes(spec)?;
        Head::from_bytes(&source, &bytes)
    }

    pub fn read(path: &Path) -> Result<Head, SentimentError> {
        let bytes = std::fs::read(path).map_err(|e| SentimentError::read(path, e))?;
        Head::from_bytes(&path.display().to_string(), &bytes)
    }

    pub fn from_bytes(source: &str, bytes: &[u8]) -> Result<Head, SentimentError> {
        let bad = |reason: String| SentimentError::BadHead {
            source_name: source.to_string(),
            reason,
        };
        let (tensors, meta) = read_head_file(source, bytes, FORMAT)?;
        let get = |key: &str| {
            meta.get(key)
                .cloned()
                .ok_or_else(|| bad(format!("__metadata__ lacks `{key}`")))
        };
        let number = |key: &str| -> Result<f64, SentimentError> {
            get(key)?
                .parse::<f64>()
                .map_err(|_| bad(format!("`{key}` is not a number")))
        };
        let recipe_text = get("recipe")?;
        let recipe = Recipe::parse(&recipe_text)
            .ok_or_else(|| bad(format!("unknown feature recipe `{recipe_text}`")))?;
        let known = [
            "format",
            "format_version",
            "encoder_id",
            "encoder_revision",
            "encoder_dim",
            "recipe",
            "training_data",
            "training_sha256",
            "n_train",
            "seed",
            "c",
        ];
        let head_meta = HeadMeta {
            encoder_id: get("encoder_id")?,
            encoder_revision: meta.get("encoder_revision").cloned(),
            encoder_dim: number("encoder_dim")? as usize,
            recipe,
            training_data: get("training_data")?,
            training_sha256: get("training_sha256")?,
            n_train: number("n_train")? as usize,
            seed: get("seed")?
                .parse()
                .map_err(|_| bad("`seed` is not an integer".into()))?,
            c: number("c")?,
            extra: meta
                .iter()
                .filter(|(k, _)| !known.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        let features = head_meta.encoder_dim * head_meta.recipe.blocks.len();
        let read = |name: &str, shape: &[usize]| -> Result<Vec<f32>, SentimentError> {
            let view = tensors
                .tensor(name)
                .map_err(|_| bad(format!("it has no tensor `{name}`")))?;
            if view.dtype() != Dtype::F32 || view.shape() != shape {
                return Err(bad(format!(
                    "tensor `{name}` is {:?} {:?}, expected F32 {shape:?}",
                    view.dtype(),
                    view.shape()
                )));
            }
            Ok(view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let weight = Array2::from_shape_vec((3, features), read("weight", &[3, features])?)
            .map_err(|e| bad(e.to_string()))?;
        Ok(Head {
            source: source.to_string(),
            mean: Array1::from(read("feature_mean", &[features])?),
            scale: Array1::from(read("feature_scale", &[features])?),
            weight,
            bias: Array1::from(read("bias", &[3])?),
            meta: head_meta,
        })
    }

    /// The file's bytes: a safetensors header with sorted keys, then the tensors in name order,
    /// little-endian. The same head always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let m = &self.meta;
        let mut meta: BTreeMap<String, String> = m.extra.clone();
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
        put("recipe", m.recipe.name());
        put("training_data", m.training_data.clone());
        put("training_sha256", m.training_sha256.clone());
        put("n_train", m.n_train.to_string());
        put("seed", m.seed.to_string());
        put("c", format!("{}", m.c));

        let tensors: BTreeMap<String, (Vec<usize>, Vec<f32>)> = [
            ("bias", vec![3], self.bias.to_vec()),
            ("feature_mean", vec![self.mean.len()], self.mean.to_vec()),
            ("feature_scale", vec![self.scale.len()], self.scale.to_vec()),
            (
                "weight",
                self.weight.shape().to_vec(),
                self.weight.iter().copied().collect(),
            ),
        ]
        .into_iter()
        .map(|(name, shape, values)| (name.to_string(), (shape, values)))
        .collect();
        safetensors_bytes(&meta, &tensors)
    }

    /// Writes the head atomically.
    pub fn write(&self, path: &Path) -> Result<(), SentimentError> {
        use std::io::Write;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| SentimentError::write(path, e))?;
        }
        let bytes = self.to_bytes();
        write_atomic(path, |f| f.write_all(&bytes)).map_err(|e| SentimentError::write(path, e))
    }

    /// Refuses an encoder other than the one the head was trained on.
    pub fn check_encoder(&self, info: &EncoderInfo) -> Result<(), SentimentError> {
        if info.model_id == self.meta.encoder_id && info.dim == self.meta.encoder_dim {
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

    /// One prediction per row of features (made with this head's recipe).
    pub fn predict(&self, features: ArrayView2<'_, f32>) -> Vec<Prediction> {
        let z = (&features - &self.mean) / &self.scale;
        let logits = z.dot(&self.weight.t()) + &self.bias;
        logits
            .rows()
            .into_iter()
            .map(|row| {
                let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let e: Vec<f32> = row.iter().map(|v| (v - max).exp()).collect();
                let sum: f32 = e.iter().sum();
                Prediction::from_probs([e[0] / sum, e[1] / sum, e[2] / sum])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tiny_head() -> Head {
        let recipe = Recipe::parse("sentence").unwrap();
        Head {
            source: "test".into(),
            meta: HeadMeta {
                encoder_id: "enc".into(),
                encoder_revision: Some("abc".into()),
                encoder_dim: 2,
                recipe,
                training_data: "train.jsonl".into(),
                training_sha256: "00".into(),
                n_train: 3,
                seed: 7,
                c: 0.5,
                extra: BTreeMap::from([("dev".into(), "{}".into())]),
            },
            mean: ndarray::array![0.0, 1.0],
            scale: ndarray::array![1.0, 2.0],
            weight: ndarray::array![[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]],
            bias: ndarray::array![0.0, 0.5, 0.0],
        }
    }

    #[test]
    fn heads_round_trip_through_bytes() {
        let head = tiny_head();
        let bytes = head.to_bytes();
        assert_eq!(bytes, head.to_bytes());
        let back = Head::from_bytes("test", &bytes).unwrap();
        assert_eq!(back, head);
        let p = back.predict(ndarray::array![[3.0, 1.0], [-3.0, 1.0]].view());
        assert_eq!(p[0].label, super::super::Label::Positive);
        assert_eq!(p[1].label, super::super::Label::Negative);
        assert!(p[0].score > 0.8 && p[1].score < -0.8);
    }

    #[test]
    fn bad_heads_are_refused() {
        let err = Head::from_bytes("x.safetensors", b"not a head").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("x.safetensors is not a valid sentiment head"));
        let err = Head::resolve("no-such-head").unwrap_err().to_string();
        assert!(err.contains("unknown head `no-such-head`"), "{err}");
        assert!(err.contains(DEFAULT_HEAD), "{err}");
    }
}
