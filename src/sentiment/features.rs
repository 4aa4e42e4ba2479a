//! Features for one (text, target span) pair, from the encoder: the pooled sentence, the mean of
//! the target's token vectors, and the same two from a copy of the sentence with the target
//! wrapped in markers and from a copy with the target replaced by a placeholder.

use std::collections::HashMap;
use std::ops::Range;

use ndarray::{s, Array1, Array2};

use crate::embed::{EmbedError, Embedder, TokenVectors};

/// Opens and closes the target in the marked copy: "… [ Putin ] …".
pub const MARK_OPEN: &str = "[ ";
pub const MARK_CLOSE: &str = " ]";
/// Stands in for the target in the replaced copy.
pub const PLACEHOLDER: &str = "someone";

/// Targets per chunk: bounds the memory the token vectors take.
const CHUNK: usize = 256;

/// A target: its text (usually the sentence) and its byte span in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRef<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
}

/// One block of the feature vector (each is as wide as the encoder's vectors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Block {
    /// The sentence's pooled (and normalised) vector.
    Sentence,
    /// Mean of the target's token vectors in the sentence.
    Span,
    /// The pooled vector of the sentence with the target wrapped in markers.
    Marked,
    /// Mean of the token vectors of the marked target (markers included).
    MarkedSpan,
    /// The pooled vector of the sentence with the target replaced by a placeholder.
    Replaced,
    /// Mean of the placeholder's token vectors.
    ReplacedSpan,
}

impl Block {
    pub const ALL: [Block; 6] = [
        Block::Sentence,
        Block::Span,
        Block::Marked,
        Block::MarkedSpan,
        Block::Replaced,
        Block::ReplacedSpan,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Block::Sentence => "sentence",
            Block::Span => "span",
            Block::Marked => "marked",
            Block::MarkedSpan => "marked_span",
            Block::Replaced => "replaced",
            Block::ReplacedSpan => "replaced_span",
        }
    }

    fn pass(self) -> Pass {
        match self {
            Block::Sentence | Block::Span => Pass::Original,
            Block::Marked | Block::MarkedSpan => Pass::Marked,
            Block::Replaced | Block::ReplacedSpan => Pass::Replaced,
        }
    }

    fn pooled(self) -> bool {
        matches!(self, Block::Sentence | Block::Marked | Block::Replaced)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Original,
    Marked,
    Replaced,
}

/// Which blocks make the feature vector, in order. Written into a head's metadata as
/// `sentence+span+marked+...` so that a head always gets the features it was trained on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    pub blocks: Vec<Block>,
}

impl Recipe {
    /// All six blocks.
    pub fn full() -> Recipe {
        Recipe {
            blocks: Block::ALL.to_vec(),
        }
    }

    pub fn name(&self) -> String {
        let names: Vec<&str> = self.blocks.iter().map(|b| b.name()).collect();
        names.join("+")
    }

    /// Parses a `+`-separated list of block names.
    pub fn parse(s: &str) -> Option<Recipe> {
        let mut blocks = Vec::new();
        for part in s.split('+') {
            let b = Block::ALL.into_iter().find(|b| b.name() == part.trim())?;
            if blocks.contains(&b) {
                return None;
            }
            blocks.push(b);
        }
        (!blocks.is_empty()).then_some(Recipe { blocks })
    }

    /// Forward passes per target beyond the (shared) sentence pass.
    pub fn extra_passes(&self) -> usize {
        [Pass::Marked, Pass::Replaced]
            .into_iter()
            .filter(|p| self.blocks.iter().any(|b| b.pass() == *p))
            .count()
    }

    fn needs(&self, pass: Pass) -> bool {
        self.blocks.iter().any(|b| b.pass() == pass)
    }

    /// Feature columns of `block` in a matrix made with [`Recipe::full`], for taking a subset.
    pub fn columns_in_full(&self, dim: usize) -> Vec<usize> {
        self.blocks
            .iter()
            .flat_map(|b| {
                let k = Block::ALL.iter().position(|x| x == b).unwrap_or(0);
                k * dim..(k + 1) * dim
            })
            .collect()
    }
}

/// The marked copy of a target's text and the span of the marked target (markers included).
pub fn marked_copy(t: &TargetRef<'_>) -> (String, Range<usize>) {
    let mention = &t.text[t.span.clone()];
    let text = format!(
        "{}{MARK_OPEN}{mention}{MARK_CLOSE}{}",
        &t.text[..t.span.start],
        &t.text[t.span.end..]
    );
    let span = t.span.start..t.span.end + MARK_OPEN.len() + MARK_CLOSE.len();
    (text, span)
}

/// The replaced copy of a target's text and the placeholder's span.
pub fn replaced_copy(t: &TargetRef<'_>) -> (String, Range<usize>) {
    let text = format!(
        "{}{PLACEHOLDER}{}",
        &t.text[..t.span.start],
        &t.text[t.span.end..]
    );
    (text, t.span.start..t.span.start + PLACEHOLDER.len())
}

/// Mean of the vectors of the tokens that overlap `span`; zeros when none does (the target lies
/// beyond the truncation point).
pub fn span_mean(tokens: &TokenVectors, span: &Range<usize>, dim: usize) -> Array1<f32> {
    let mut sum = Array1::<f32>::zeros(dim);
    let mut n = 0usize;
    for (k, &(s, e)) in tokens.offsets.iter().enumerate() {
        if e > s && s < span.end && e > span.start {
            sum += &tokens.vectors.row(k);
            n += 1;
        }
    }
    if n > 0 {
        sum /= n as f32;
    }
    sum
}

/// One row of features per target, in the order of `targets`. `progress` is told how many
/// targets each finished chunk held.
pub fn extract(
    embedder: &Embedder,
    recipe: &Recipe,
    targets: &[TargetRef<'_>],
    progress: &mut dyn FnMut(usize),
) -> Result<Array2<f32>, EmbedError> {
    let dim = embedder.info().dim;
    let mut out = Array2::<f32>::zeros((targets.len(), dim * recipe.blocks.len()));
    for (c, chunk) in targets.chunks(CHUNK).enumerate() {
        let rows = extract_chunk(embedder, recipe, chunk, dim)?;
        let at = c * CHUNK;
        out.slice_mut(s![at..at + chunk.len(), ..]).assign(&rows);
        progress(chunk.len());
    }
    Ok(out)
}

/// Where a target's marked or replaced copy sits in the encoder call, and its span there.
type CopyRow = Option<(usize, Range<usize>)>;

fn extract_chunk(
    embedder: &Embedder,
    recipe: &Recipe,
    targets: &[TargetRef<'_>],
    dim: usize,
) -> Result<Array2<f32>, EmbedError> {
    // Texts for one encoder call: each distinct original text once, then the copies.
    let mut texts: Vec<String> = Vec::new();
    let mut original_row: Vec<usize> = Vec::with_capacity(targets.len());
    if recipe.needs(Pass::Original) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for t in targets {
            let row = *seen.entry(t.text).or_insert_with(|| {
                texts.push(t.text.to_string());
                texts.len() - 1
            });
            original_row.push(row);
        }
    }
    let mut copies: Vec<[CopyRow; 2]> = Vec::with_capacity(targets.len());
    for t in targets {
        let mut slot = [None, None];
        for (k, (pass, make)) in [
            (Pass::Marked, marked_copy as fn(&TargetRef<'_>) -> _),
            (Pass::Replaced, replaced_copy),
        ]
        .into_iter()
        .enumerate()
        {
            if recipe.needs(pass) {
                let (text, span) = make(t);
                texts.push(text);
                slot[k] = Some((texts.len() - 1, span));
            }
        }
        copies.push(slot);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (pooled, tokens) = embedder.embed_with_tokens(&refs, &mut |_| {})?;

    let mut out = Array2::<f32>::zeros((targets.len(), dim * recipe.blocks.len()));
    for (i, t) in targets.iter().enumerate() {
        for (k, block) in recipe.blocks.iter().enumerate() {
            let (row, span) = match block.pass() {
                Pass::Original => (original_row[i], t.span.clone()),
                Pass::Marked => copies[i][0].clone().unwrap_or((0, 0..0)),
                Pass::Replaced => copies[i][1].clone().unwrap_or((0, 0..0)),
            };
            let value = if block.pooled() {
                pooled.row(row).to_owned()
            } else {
                span_mean(&tokens[row], &span, dim)
            };
            out.slice_mut(s![i, k * dim..(k + 1) * dim]).assign(&value);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_the_target_span() {
        let t = TargetRef {
            text: "Why did Putin go?",
            span: 8..13,
        };
        let (m, ms) = marked_copy(&t);
        assert_eq!(m, "Why did [ Putin ] go?");
        assert_eq!(&m[ms], "[ Putin ]");
        let (r, rs) = replaced_copy(&t);
        assert_eq!(r, "Why did someone go?");
        assert_eq!(&r[rs], "someone");
    }

    #[test]
    fn recipes_parse_and_select_columns() {
        let full = Recipe::full();
        assert_eq!(Recipe::parse(&full.name()), Some(full.clone()));
        assert_eq!(full.extra_passes(), 2);
        let r = Recipe::parse("sentence+span").unwrap();
        assert_eq!(r.extra_passes(), 0);
        assert_eq!(
            Recipe::parse("span+replaced").unwrap().columns_in_full(2),
            [2, 3, 8, 9]
        );
        assert_eq!(Recipe::parse("span+nonsense"), None);
        assert_eq!(Recipe::parse("span+span"), None);
    }

    #[test]
    fn span_mean_averages_overlapping_tokens() {
        let tokens = TokenVectors {
            tokens: vec!["[CLS]".into(), "a".into(), "b".into(), "[SEP]".into()],
            ids: vec![0, 1, 2, 3],
            offsets: vec![(0, 0), (0, 1), (2, 3), (0, 0)],
            vectors: ndarray::array![[9.0, 9.0], [1.0, 2.0], [3.0, 4.0], [9.0, 9.0]],
        };
        assert_eq!(span_mean(&tokens, &(0..3), 2).to_vec(), [2.0, 3.0]);
        assert_eq!(span_mean(&tokens, &(2..3), 2).to_vec(), [3.0, 4.0]);
        assert_eq!(span_mean(&tokens, &(5..9), 2).to_vec(), [0.0, 0.0]);
    }
}
