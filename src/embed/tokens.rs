//! Tokenisation settings, the bounded prefix of a long text, and one text's token vectors.

use std::path::Path;

use ndarray::Array2;
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::EmbedError;

/// The vectors of one text's tokens, special tokens included, padding excluded.
#[derive(Debug, Clone, Default)]
pub struct TokenVectors {
    pub tokens: Vec<String>,
    pub ids: Vec<u32>,
    /// Byte span of each token in the text; `(0, 0)` for special tokens.
    pub offsets: Vec<(usize, usize)>,
    /// One row per token.
    pub vectors: Array2<f32>,
}

/// Loads `tokenizer.json`, turning its fixed padding off (batches are padded to their longest
/// text) and truncating at the model's `max_seq_length` rather than the file's own setting.
pub fn load_tokenizer(path: &Path, max_length: usize) -> Result<Tokenizer, EmbedError> {
    let fail = |source: tokenizers::Error| EmbedError::Tokenizer {
        path: path.to_path_buf(),
        source,
    };
    let mut tokenizer = Tokenizer::from_file(path).map_err(fail)?;
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length,
            strategy: TruncationStrategy::LongestFirst,
            stride: 0,
            direction: TruncationDirection::Right,
        }))
        .map_err(fail)?;
    Ok(tokenizer)
}

/// Bytes of text tokenised at first, per token of the limit: paragraphs shorter than this are
/// tokenised whole, as before.
const BYTES_PER_TOKEN: usize = 16;

/// The prefix of `text` that tokenises to the same first `max_length` tokens as the whole text,
/// found by tokenising growing prefixes: a 50 MB paragraph costs a few kilobytes of
/// tokenisation instead of gigabytes. A prefix is enough once its truncated encoding is full
/// and the word holding its last token ends inside it (a whitespace or punctuation character
/// follows): word pieces, and the `[UNK]` of an over-long word, depend only on the whole word.
pub fn bounded_prefix<'a>(
    tokenizer: &Tokenizer,
    text: &'a str,
    max_length: usize,
) -> Result<&'a str, EmbedError> {
    let mut budget = max_length.saturating_mul(BYTES_PER_TOKEN).max(1024);
    while budget < text.len() {
        let mut cut = budget;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let prefix = &text[..cut];
        let encoding = tokenizer
            .encode(prefix, true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        if encoding.len() >= max_length {
            let end = encoding
                .get_offsets()
                .iter()
                .map(|o| o.1)
                .max()
                .unwrap_or(0);
            let word_ends = |c: char| c.is_whitespace() || c.is_ascii_punctuation();
            if prefix
                .get(end..)
                .is_some_and(|rest| rest.chars().any(word_ends))
            {
                return Ok(prefix);
            }
        }
        budget = budget.saturating_mul(4);
    }
    Ok(text)
}

/// One text's token vectors from its hidden states (tokens × dim, row-major, real tokens only).
pub fn token_vectors(rows: &[f32], dim: usize, enc: &Encoding) -> Result<TokenVectors, EmbedError> {
    let len = enc.len();
    let vectors = Array2::from_shape_vec((len, dim), rows[..len * dim].to_vec())
        .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
    let special = enc.get_special_tokens_mask();
    let offsets = enc
        .get_offsets()
        .iter()
        .zip(special)
        .map(|(&o, &s)| if s == 1 { (0, 0) } else { o })
        .collect();
    Ok(TokenVectors {
        tokens: enc.get_tokens().to_vec(),
        ids: enc.get_ids().to_vec(),
        offsets,
        vectors,
    })
}
