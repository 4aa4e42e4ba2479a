//! Texts longer than the encoder's maximum length, as windows that fit: whole sentences packed
//! greedily up to the limit (an over-long sentence cut between words). A long text's vector is
//! the token-weighted mean of its windows' vectors, so no part of it goes unread.

use std::ops::Range;

use rayon::prelude::*;
use tokenizers::Tokenizer;

use super::{EmbedError, Embedder};

/// What happens to a text longer than the encoder's maximum length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LongText {
    /// Read it all, as windows of whole sentences; its vector is their token-weighted mean.
    #[default]
    Windows,
    /// Read its first `max_seq_length` tokens only, as sentence-transformers does.
    Truncate,
}

impl LongText {
    pub fn as_str(self) -> &'static str {
        match self {
            LongText::Windows => "windows",
            LongText::Truncate => "truncate",
        }
    }
}

/// At most this many windows per text (about 50,000 words); the rest of a longer text is left
/// out, and the caller is told how much.
pub const MAX_WINDOWS: usize = 256;

/// Sentences longer than this are cut between words before tokenising, so that no single
/// tokenisation call sees megabytes.
const SEGMENT_BYTES: usize = 1024;

/// One window: its byte span in the text and how many tokens it has (special tokens aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub span: Range<usize>,
    pub tokens: usize,
}

/// How one text is read: one window spanning it all when it fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowPlan {
    pub windows: Vec<Window>,
    /// Bytes at the end of the text beyond [`MAX_WINDOWS`] windows, left out.
    pub dropped_bytes: usize,
    /// Bytes of the text.
    pub text_len: usize,
}

impl WindowPlan {
    /// The whole text as one window.
    fn whole(text: &str, tokens: usize) -> WindowPlan {
        WindowPlan {
            windows: vec![Window {
                span: 0..text.len(),
                tokens,
            }],
            dropped_bytes: 0,
            text_len: text.len(),
        }
    }

    /// A text read whole (truncated by the encoder if long).
    pub fn unsplit() -> WindowPlan {
        WindowPlan {
            windows: Vec::new(),
            dropped_bytes: 0,
            text_len: 0,
        }
    }

    /// Whether the text was split.
    pub fn is_split(&self) -> bool {
        self.windows.len() > 1
    }
}

impl Embedder {
    /// The windows of each text, planned in parallel.
    pub fn plan_windows(&self, texts: &[&str]) -> Result<Vec<WindowPlan>, EmbedError> {
        texts.par_iter().map(|t| self.plan_one(t)).collect()
    }

    fn plan_one(&self, text: &str) -> Result<WindowPlan, EmbedError> {
        let budget = self
            .info
            .max_seq_length
            .saturating_sub(self.special_tokens)
            .max(1);
        // A token covers at least one byte: a short text fits without tokenising.
        if text.len() <= budget {
            return Ok(WindowPlan::whole(text, text.len().min(budget)));
        }
        let segments = segments(&self.tokenizer, text, budget)?;
        let total: usize = segments.iter().map(|s| s.tokens).sum();
        if total <= budget {
            return Ok(WindowPlan::whole(text, total));
        }
        Ok(pack(&segments, budget, text.len()))
    }
}

/// Sentences (cut between words when long), each with its token count, each at most `budget`
/// tokens; in order, covering the text but for the whitespace between them.
fn segments(tokenizer: &Tokenizer, text: &str, budget: usize) -> Result<Vec<Window>, EmbedError> {
    // Enough segments for the most windows a text may have; the rest is never read.
    let enough = budget.saturating_mul(MAX_WINDOWS + 1);
    let mut out = Vec::new();
    let mut tokens = 0;
    for sentence in crate::corpus::sentence_spans(text, 0..text.len()) {
        for piece in cut_between_words(text, sentence, SEGMENT_BYTES) {
            let from = out.len();
            fit(tokenizer, text, piece, budget, &mut out)?;
            tokens += out[from..].iter().map(|w| w.tokens).sum::<usize>();
            if tokens > enough {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// Appends `span` as one segment when it fits in `budget` tokens, else its halves (cut between
/// words), recursively.
fn fit(
    tokenizer: &Tokenizer,
    text: &str,
    span: Range<usize>,
    budget: usize,
    out: &mut Vec<Window>,
) -> Result<(), EmbedError> {
    let tokens = count_tokens(tokenizer, &text[span.clone()])?;
    // The tokenizer truncates at the model's length: a count at the limit may be a cut one.
    if tokens < budget || span.len() <= 1 {
        out.push(Window { span, tokens });
        return Ok(());
    }
    let half = span.len() / 2;
    for piece in cut_between_words(text, span, half.max(1)) {
        fit(tokenizer, text, piece, budget, out)?;
    }
    Ok(())
}

fn count_tokens(tokenizer: &Tokenizer, text: &str) -> Result<usize, EmbedError> {
    let encoding = tokenizer
        .encode(text, false)
        .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
    Ok(encoding.len())
}

/// `span` cut into pieces of at most about `max_bytes`, at whitespace where there is some
/// (else at a character boundary), trimmed.
fn cut_between_words(text: &str, span: Range<usize>, max_bytes: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = span.start;
    while span.end - start > max_bytes {
        let mut limit = start + max_bytes;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let cut = text[start..limit]
            .rfind(char::is_whitespace)
            .map(|i| start + i)
            .filter(|&c| c > start)
            .unwrap_or_else(|| {
                // No whitespace: cut after the first character past the limit's boundary.
                let next = text[limit..].chars().next().map_or(0, char::len_utf8);
                if limit > start {
                    limit
                } else {
                    limit + next
                }
            });
        push_trimmed(text, start..cut, &mut pieces);
        start = cut;
    }
    push_trimmed(text, start..span.end, &mut pieces);
    pieces
}

fn push_trimmed(text: &str, span: Range<usize>, out: &mut Vec<Range<usize>>) {
    let piece = &text[span.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push(span.start + lead..span.end - trail);
    }
}

/// Consecutive segments packed into windows of at most `budget` tokens, at most
/// [`MAX_WINDOWS`] of them.
fn pack(segments: &[Window], budget: usize, text_len: usize) -> WindowPlan {
    let mut windows: Vec<Window> = Vec::new();
    let mut dropped_bytes = 0;
    for s in segments {
        if let Some(w) = windows.last_mut().filter(|w| w.tokens + s.tokens <= budget) {
            w.span.end = s.span.end;
            w.tokens += s.tokens;
        } else if windows.len() == MAX_WINDOWS {
            dropped_bytes = text_len - s.span.start;
            break;
        } else {
            windows.push(s.clone());
        }
    }
    WindowPlan {
        windows,
        dropped_bytes,
        text_len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(span: Range<usize>, tokens: usize) -> Window {
        Window { span, tokens }
    }

    #[test]
    fn pieces_are_cut_at_whitespace_and_trimmed() {
        let text = "alpha beta gamma delta";
        let pieces = cut_between_words(text, 0..text.len(), 11);
        let words: Vec<&str> = pieces.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(words, ["alpha beta", "gamma", "delta"]);
    }

    #[test]
    fn a_text_without_whitespace_is_cut_at_character_boundaries() {
        let text = "ééééé";
        let pieces = cut_between_words(text, 0..text.len(), 3);
        let joined: String = pieces.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(joined, text);
        assert!(pieces.iter().all(|r| r.len() <= 4));
    }

    #[test]
    fn segments_are_packed_up_to_the_budget_in_order() {
        let segs = [
            seg(0..10, 4),
            seg(11..20, 5),
            seg(21..30, 3),
            seg(31..40, 6),
        ];
        let plan = pack(&segs, 10, 40);
        assert_eq!(plan.windows, [seg(0..20, 9), seg(21..40, 9)]);
        assert_eq!(plan.dropped_bytes, 0);
    }

    #[test]
    fn windows_beyond_the_cap_are_dropped_and_counted() {
        let segs: Vec<Window> = (0..MAX_WINDOWS + 3)
            .map(|i| seg(i * 10..i * 10 + 9, 8))
            .collect();
        let plan = pack(&segs, 10, (MAX_WINDOWS + 3) * 10);
        assert_eq!(plan.windows.len(), MAX_WINDOWS);
        assert_eq!(plan.dropped_bytes, 3 * 10);
    }
}
