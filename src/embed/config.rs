//! Model settings read straight from the model folder: `config.json` (the transformer) and the
//! sentence-transformers files (`modules.json`, `1_Pooling/config.json`,
//! `sentence_bert_config.json`) that say how token vectors become one vector.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::EmbedError;

/// The transformer's `config.json` (BERT family).
#[derive(Debug, Clone, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: Activation,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub pad_token_id: u32,
    #[serde(default = "default_position_type")]
    pub position_embedding_type: String,
    #[serde(default)]
    pub model_type: Option<String>,
}

fn default_act() -> Activation {
    Activation::Gelu
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_position_type() -> String {
    "absolute".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// Exact GELU (erf), what BERT's `gelu` means.
    Gelu,
    /// Tanh approximation.
    #[serde(alias = "gelu_pytorch_tanh")]
    GeluNew,
    Relu,
}

impl BertConfig {
    pub fn load(dir: &Path) -> Result<BertConfig, EmbedError> {
        let path = dir.join("config.json");
        let config: BertConfig = read_json(&path)?;
        let model_type = config.model_type.as_deref().unwrap_or("bert");
        if !matches!(model_type, "bert") || config.position_embedding_type != "absolute" {
            return Err(EmbedError::Unsupported {
                path,
                model_type: format!(
                    "{model_type} ({} positions)",
                    config.position_embedding_type
                ),
            });
        }
        if config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(EmbedError::Config {
                path,
                reason: "hidden_size is not a multiple of num_attention_heads".into(),
            });
        }
        Ok(config)
    }
}

/// How token vectors are pooled into one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// Mean over the real (unpadded) tokens.
    Mean,
    /// The first token (`[CLS]`).
    Cls,
    /// Element-wise maximum over the real tokens.
    Max,
    /// Sum over real tokens divided by the square root of their count.
    MeanSqrtLen,
}

impl Pooling {
    pub fn as_str(self) -> &'static str {
        match self {
            Pooling::Mean => "mean",
            Pooling::Cls => "cls",
            Pooling::Max => "max",
            Pooling::MeanSqrtLen => "mean_sqrt_len",
        }
    }
}

/// The sentence-transformers pipeline after the transformer.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceConfig {
    pub pooling: Pooling,
    pub normalize: bool,
    /// Tokens per text, special tokens included (`max_seq_length`).
    pub max_seq_length: Option<usize>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    path: String,
}

#[derive(Deserialize, Default)]
struct PoolingFile {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

#[derive(Deserialize)]
struct SentenceBertFile {
    max_seq_length: Option<usize>,
}

impl SentenceConfig {
    /// Reads the sentence-transformers files; a plain transformers checkpoint (no `modules.json`)
    /// gets what sentence-transformers gives it: mean pooling, no normalisation.
    pub fn load(dir: &Path) -> Result<SentenceConfig, EmbedError> {
        let modules_path = dir.join("modules.json");
        let modules: Vec<Module> = if modules_path.is_file() {
            read_json(&modules_path)?
        } else {
            Vec::new()
        };
        let pooling_dir = modules
            .iter()
            .find(|m| m.kind.ends_with("Pooling"))
            .map(|m| dir.join(&m.path))
            .unwrap_or_else(|| dir.join("1_Pooling"));
        let pooling_path = pooling_dir.join("config.json");
        let pooling = if pooling_path.is_file() {
            let p: PoolingFile = read_json(&pooling_path)?;
            let modes = [
                (p.pooling_mode_mean_tokens, Pooling::Mean),
                (p.pooling_mode_cls_token, Pooling::Cls),
                (p.pooling_mode_max_tokens, Pooling::Max),
                (p.pooling_mode_mean_sqrt_len_tokens, Pooling::MeanSqrtLen),
            ];
            let on: Vec<Pooling> = modes.iter().filter(|m| m.0).map(|m| m.1).collect();
            match on.as_slice() {
                [one] => *one,
                [] => Pooling::Mean,
                _ => {
                    return Err(EmbedError::Config {
                        path: pooling_path,
                        reason: "several pooling modes at once are not supported".into(),
                    })
                }
            }
        } else {
            Pooling::Mean
        };
        let normalize = modules.iter().any(|m| m.kind.ends_with("Normalize"));
        let st_path = dir.join("sentence_bert_config.json");
        let max_seq_length = if st_path.is_file() {
            read_json::<SentenceBertFile>(&st_path)?.max_seq_length
        } else {
            None
        };
        Ok(SentenceConfig {
            pooling,
            normalize,
            max_seq_length,
        })
    }
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, EmbedError> {
    let text = std::fs::read_to_string(path).map_err(|e| EmbedError::Config {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| EmbedError::Config {
        path: path.to_path_buf(),
        reason: format!("invalid JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_checkpoint_defaults_to_mean_without_normalisation() {
        let dir = tempfile::tempdir().unwrap();
        let c = SentenceConfig::load(dir.path()).unwrap();
        assert_eq!(c.pooling, Pooling::Mean);
        assert!(!c.normalize);
        assert_eq!(c.max_seq_length, None);
    }

    #[test]
    fn reads_cls_pooling_and_normalize() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("modules.json"),
            r#"[{"type":"sentence_transformers.models.Transformer","path":""},
                {"type":"sentence_transformers.models.Pooling","path":"pool"},
                {"type":"sentence_transformers.models.Normalize","path":"2_Normalize"}]"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("pool")).unwrap();
        std::fs::write(
            dir.path().join("pool/config.json"),
            r#"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("sentence_bert_config.json"),
            r#"{"max_seq_length": 512}"#,
        )
        .unwrap();
        let c = SentenceConfig::load(dir.path()).unwrap();
        assert_eq!(c.pooling, Pooling::Cls);
        assert!(c.normalize);
        assert_eq!(c.max_seq_length, Some(512));
    }

    #[test]
    fn rejects_other_architectures() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"model_type":"mpnet","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
                "num_attention_heads":2,"intermediate_size":16,"max_position_embeddings":32}"#,
        )
        .unwrap();
        let err = BertConfig::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("mpnet"), "{err}");
    }
}
