//! Scoring a corpus: every mention of every actor, scored on the sentence that holds it.

use std::ops::Range;

use serde::Serialize;

use sha2::{Digest, Sha256};

use super::features::TargetRef;
use super::{Prediction, Scorer, SentimentError};
use crate::actors::{discover, ActorFile, ActorSet, DiscoverOptions, MentionMatcher};
use crate::cache::EmbeddingCache;
use crate::corpus::Corpus;

/// A mention located in a corpus. Spans are relative to the paragraph's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusMention {
    /// Index of the document in the corpus, and its id.
    #[serde(skip)]
    pub doc: usize,
    pub doc_id: String,
    /// The paragraph's index in its document.
    pub paragraph: usize,
    /// The paragraph's position among all paragraphs of the corpus (the row of
    /// `corpus.units(Unit::Paragraph)`; per-paragraph themes are aligned with it).
    #[serde(skip)]
    pub row: usize,
    /// Index of the actor in the actor set.
    #[serde(skip)]
    pub actor: usize,
    /// The actor's name.
    #[serde(rename = "actor")]
    pub actor_name: String,
    /// The alias that matched, and the text as written.
    pub alias: String,
    pub text: String,
    /// Byte span in the paragraph.
    pub span: Range<usize>,
    /// Character span in the paragraph (end exclusive).
    pub chars: Range<usize>,
    /// Byte span of the sentence that holds it, in the paragraph.
    pub sentence: Range<usize>,
}

/// A mention with its attitude.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredMention {
    #[serde(flatten)]
    pub mention: CorpusMention,
    #[serde(flatten)]
    pub prediction: Prediction,
}

/// Mentions grouped by paragraph: (document id, paragraph index) → its mentions in order.
pub fn by_paragraph(
    mentions: &[ScoredMention],
) -> std::collections::HashMap<(&str, usize), Vec<&ScoredMention>> {
    let mut out: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for m in mentions {
        out.entry((m.mention.doc_id.as_str(), m.mention.paragraph))
            .or_default()
            .push(m);
    }
    out
}

/// The actors (from the file, else discovered with at least `min_mentions` mentions) and
/// every mention of them in the corpus.
pub fn actors_and_mentions(
    corpus: &Corpus,
    file: Option<&ActorFile>,
    min_mentions: usize,
) -> (ActorSet, Vec<CorpusMention>) {
    let actors = match file {
        Some(f) => f.actor_set(),
        None => discover(
            corpus,
            &DiscoverOptions {
                min_mentions,
                ..DiscoverOptions::default()
            },
        )
        .actor_set(),
    };
    let matcher = MentionMatcher::new(&actors);
    let names: Vec<String> = actors.actors.iter().map(|a| a.name.clone()).collect();
    let mentions = find_mentions(corpus, &matcher, &names);
    (actors, mentions)
}

/// Every mention in every paragraph of the corpus, in reading order.
pub fn find_mentions(
    corpus: &Corpus,
    matcher: &MentionMatcher,
    actor_names: &[String],
) -> Vec<CorpusMention> {
    let mut out = Vec::new();
    let mut row = 0;
    for (d, doc) in corpus.documents.iter().enumerate() {
        let texts = doc.paragraph_texts();
        let found = matcher.find_in_document(&texts);
        for ((p, text), mentions) in doc.paragraphs.iter().zip(texts).zip(found) {
            let base = p.span.start;
            for m in mentions {
                // The sentence (paragraph-relative) that holds the mention, else the paragraph.
                let sentence = p
                    .sentences
                    .iter()
                    .map(|s| s.start.saturating_sub(base)..s.end.saturating_sub(base))
                    .find(|s| s.start <= m.span.start && m.span.end <= s.end)
                    .unwrap_or(0..text.len());
                out.push(CorpusMention {
                    doc: d,
                    doc_id: doc.id.clone(),
                    paragraph: p.index,
                    row,
                    actor: m.actor,
                    actor_name: actor_names.get(m.actor).cloned().unwrap_or_default(),
                    alias: m.alias,
                    text: text[m.span.clone()].to_string(),
                    span: m.span,
                    chars: m.chars,
                    sentence,
                });
            }
            row += 1;
        }
    }
    out
}

/// Mentions scored per call of the scorer (and stored in the cache per transaction): bounds the
/// memory a head's features take, several vectors per mention.
const SCORE_CHUNK: usize = 4096;

/// `todo` (indices of `targets`) in chunks of about [`SCORE_CHUNK`] that never split the mentions
/// of one sentence, each sentence's mentions together: a scorer that encodes each distinct
/// sentence once per call then encodes it once in all.
fn sentence_chunks(todo: &[usize], targets: &[TargetRef<'_>]) -> Vec<Vec<usize>> {
    let mut order = todo.to_vec();
    // Stable: mentions keep reading order within their sentence, sentences their first place.
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (pos, &i) in order.iter().enumerate() {
        first.entry(targets[i].text).or_insert(pos);
    }
    order.sort_by_key(|&i| first[targets[i].text]);
    let mut chunks: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let new_sentence = k == 0 || targets[order[k - 1]].text != targets[i].text;
        if new_sentence && current.len() >= SCORE_CHUNK {
            chunks.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// Bytes of context kept on each side of a mention: more than the encoder reads (256 word
/// pieces), so ordinary sentences are scored whole.
const CONTEXT_BYTES: usize = 2048;

/// The mention in its sentence, the sentence cut to [`CONTEXT_BYTES`] on each side of the
/// mention (at whitespace) when it is longer: a sentence of megabytes (a text without
/// punctuation) is not copied, marked and encoded whole for each of its mentions.
fn context_window(sentence: &str, span: Range<usize>) -> TargetRef<'_> {
    if sentence.len() <= 2 * CONTEXT_BYTES + span.len() {
        return TargetRef {
            text: sentence,
            span,
        };
    }
    let mut lo = span.start.saturating_sub(CONTEXT_BYTES);
    while !sentence.is_char_boundary(lo) {
        lo += 1;
    }
    // Start after a whitespace, so no word is cut in two.
    if lo > 0 {
        if let Some((i, c)) = sentence[lo..span.start]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
        {
            lo += i + c.len_utf8();
        }
    }
    let mut hi = (span.end + CONTEXT_BYTES).min(sentence.len());
    while !sentence.is_char_boundary(hi) {
        hi -= 1;
    }
    if hi < sentence.len() {
        if let Some(i) = sentence[span.end..hi].rfind(char::is_whitespace) {
            hi = span.end + i;
        }
    }
    TargetRef {
        text: &sentence[lo..hi],
        span: span.start - lo..span.end - lo,
    }
}

/// How many predictions came from the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreCacheUse {
    pub hits: usize,
    pub scored: usize,
    /// Why the cache stopped being used part-way (scoring went on without it).
    pub failed: Option<String>,
}

/// The cache key of one target under a scorer's identity.
fn mention_key(identity: &[u8], t: &TargetRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"themescope-mention-v1\0");
    h.update(identity);
    h.update(t.span.start.to_le_bytes());
    h.update(t.span.end.to_le_bytes());
    h.update(t.text.as_bytes());
    h.finalize().into()
}

/// Scores each mention on its sentence. With a cache and a scorer worth caching (the trained
/// heads: encoder passes), predictions found there are reused and new ones stored, so a second
/// run over the same corpus skips the encoder here too. The mentions left to score go to the
/// scorer grouped by sentence, so the target-dependent head encodes each sentence once however
/// many mentions it holds.
pub fn score_mentions(
    corpus: &Corpus,
    mentions: Vec<CorpusMention>,
    scorer: &dyn Scorer,
    cache: Option<&EmbeddingCache>,
    progress: &mut dyn FnMut(usize),
) -> Result<(Vec<ScoredMention>, ScoreCacheUse), SentimentError> {
    let paragraph_text = |m: &CorpusMention| {
        let doc = &corpus.documents[m.doc];
        doc.paragraphs
            .iter()
            .find(|p| p.index == m.paragraph)
            .map_or("", |p| doc.paragraph_text(p))
    };
    let targets: Vec<TargetRef<'_>> = mentions
        .iter()
        .map(|m| {
            let sentence = &paragraph_text(m)[m.sentence.clone()];
            let span = m.span.start - m.sentence.start..m.span.end - m.sentence.start;
            context_window(sentence, span)
        })
        .collect();
    // A cache that fails is set aside: it never stops the scoring.
    let mut cache = cache.zip(scorer.cache_identity());
    let keys: Vec<[u8; 32]> = match &cache {
        Some((_, id)) => targets.iter().map(|t| mention_key(id, t)).collect(),
        None => Vec::new(),
    };
    let mut preds: Vec<Option<Prediction>> = vec![None; targets.len()];
    let mut failed = None;
    match cache.as_ref().map(|(c, _)| c.get_many(&keys, 3)) {
        Some(Ok(found)) => {
            for (p, got) in preds.iter_mut().zip(found) {
                *p = got.map(|v| Prediction::from_probs([v[0], v[1], v[2]]));
            }
        }
        Some(Err(e)) => {
            failed = Some(crate::cache::with_causes(&e));
            cache = None;
        }
        None => {}
    }
    let todo: Vec<usize> = (0..targets.len()).filter(|&i| preds[i].is_none()).collect();
    let mut used = ScoreCacheUse {
        hits: targets.len() - todo.len(),
        scored: todo.len(),
        failed,
    };
    if used.hits > 0 {
        progress(used.hits);
    }
    for chunk in sentence_chunks(&todo, &targets) {
        let chunk = &chunk[..];
        let batch: Vec<TargetRef<'_>> = chunk.iter().map(|&i| targets[i].clone()).collect();
        let got = scorer.score(&batch, progress)?;
        if let Some((c, _)) = &cache {
            let entries: Vec<([u8; 32], &[f32])> = chunk
                .iter()
                .zip(&got)
                .map(|(&i, p)| (keys[i], &p.probs[..]))
                .collect();
            if let Err(e) = c.put_many(&entries) {
                used.failed = Some(crate::cache::with_causes(&e));
                cache = None;
            }
        }
        for (&i, p) in chunk.iter().zip(got) {
            preds[i] = Some(p);
        }
    }
    let preds = preds.into_iter().map(|p| p.expect("every mention scored"));
    let scored = mentions
        .into_iter()
        .zip(preds)
        .map(|(mention, prediction)| ScoredMention {
            mention,
            prediction,
        })
        .collect();
    Ok((scored, used))
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn ordinary_sentences_are_kept_whole_and_long_ones_cut_around_the_mention() {
        let short = "Moscow and Beijing met.";
        let t = context_window(short, 11..18);
        assert_eq!((t.text, t.span), (short, 11..18));

        let long = format!(
            "{}Beijing{}",
            "élan vital ".repeat(2_000),
            " wary ».".repeat(2_000)
        );
        let start = long.find("Beijing").unwrap();
        let t = context_window(&long, start..start + 7);
        assert_eq!(&t.text[t.span.clone()], "Beijing");
        assert!(t.text.len() <= 2 * CONTEXT_BYTES + 7, "{}", t.text.len());
        assert!(t.text.len() > CONTEXT_BYTES);
        // Cut at whitespace: whole words at both ends.
        let lo = t.text.as_ptr() as usize - long.as_ptr() as usize;
        let hi = lo + t.text.len();
        assert!(long[..lo].ends_with(char::is_whitespace));
        assert!(long[hi..].starts_with(char::is_whitespace));
    }

    #[test]
    fn chunks_keep_each_sentences_mentions_together() {
        // 2000 sentences with three mentions each, interleaved: 6000 mentions, over one chunk.
        let texts: Vec<String> = (0..2000)
            .map(|i| format!("Ann, Bob and Cy met in town {i}."))
            .collect();
        let mut targets = Vec::new();
        for span in [0..3, 5..8, 13..15] {
            for t in &texts {
                targets.push(TargetRef {
                    text: t,
                    span: span.clone(),
                });
            }
        }
        let todo: Vec<usize> = (0..targets.len()).filter(|i| i % 7 != 0).collect();
        let chunks = sentence_chunks(&todo, &targets);
        assert!(chunks.len() >= 2);
        let mut seen = std::collections::HashMap::new();
        for (c, chunk) in chunks.iter().enumerate() {
            assert!(chunk.len() < SCORE_CHUNK + 3, "{}", chunk.len());
            for &i in chunk {
                assert_eq!(
                    *seen.entry(targets[i].text).or_insert(c),
                    c,
                    "a sentence split across calls"
                );
            }
        }
        let mut all: Vec<usize> = chunks.concat();
        all.sort_unstable();
        assert_eq!(all, todo);
    }
}
