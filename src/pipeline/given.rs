//! Vectors, themes and mention scores found elsewhere (a distributed run on Ray), which a run
//! uses instead of embedding the paragraphs, fitting themes and scoring mentions: the report of
//! distributed results.

use std::collections::HashMap;
use std::ops::Range;

use ndarray::Array2;

use crate::corpus::TextUnit;
use crate::embed::EncoderInfo;
use crate::sentiment::score::{CorpusMention, ScoredMention};
use crate::sentiment::Prediction;
use crate::store::{EmbeddingInfo, EmbeddingSet, RowMeta};

/// Each paragraph's vector and theme, found elsewhere. Rows may come in any order and may
/// hold paragraphs the corpus does not (they are left out); every paragraph of the corpus must
/// have its row: the same document id, paragraph index and text.
#[derive(Debug, Clone)]
pub struct Given {
    pub rows: Vec<RowMeta>,
    /// One row per entry of `rows`, as the run's encoder makes them.
    pub vectors: Array2<f32>,
    /// Each row's theme; `None`: an outlier.
    pub themes: Vec<Option<usize>>,
    /// The mentions' scores, if they were scored elsewhere too (`None`: the run scores them).
    pub scores: Option<Vec<GivenScore>>,
}

/// One mention's score found elsewhere: the paragraph, the actor, its character span in the
/// paragraph, and the prediction.
#[derive(Debug, Clone)]
pub struct GivenScore {
    pub doc_id: String,
    pub para_index: usize,
    pub actor: String,
    pub chars: Range<usize>,
    pub prediction: Prediction,
}

/// Why given rows cannot stand for the corpus.
#[derive(Debug, thiserror::Error)]
pub enum GivenError {
    #[error("the given rows hold {rows} rows, {vectors} vectors of {dim} values and {themes} themes: give one vector and one theme per row")]
    Shape {
        rows: usize,
        vectors: usize,
        dim: usize,
        themes: usize,
    },
    #[error("the given vectors have {dim} values but {model} makes vectors of {expected}: run with the model that made them")]
    Dim {
        dim: usize,
        model: String,
        expected: usize,
    },
    #[error("paragraph {para_index} of document {doc_id:?} is not among the given rows: give a row for every paragraph of the inputs")]
    Missing { doc_id: String, para_index: usize },
    #[error("paragraph {para_index} of document {doc_id:?} reads differently in the given rows: split the documents as the inputs are read (themescope.split_paragraphs)")]
    Text { doc_id: String, para_index: usize },
    #[error("the mention of {actor:?} at character {start} of paragraph {para_index} of document {doc_id:?} has no given score: score every paragraph with the actors this run finds (themescope.ray.discover_actors)")]
    Unscored {
        actor: String,
        start: usize,
        doc_id: String,
        para_index: usize,
    },
}

/// The run's mentions with their given scores. Scores of mentions the run does not find are
/// left out; a mention without a score is an error.
pub fn scored(
    given: &[GivenScore],
    mentions: Vec<CorpusMention>,
) -> Result<Vec<ScoredMention>, GivenError> {
    // (document, paragraph, actor, first and last character) → the given prediction.
    type Key<'a> = (&'a str, usize, &'a str, usize, usize);
    let index: HashMap<Key<'_>, Prediction> = given
        .iter()
        .map(|g| {
            let (start, end) = (g.chars.start, g.chars.end);
            let key = (
                g.doc_id.as_str(),
                g.para_index,
                g.actor.as_str(),
                start,
                end,
            );
            (key, g.prediction)
        })
        .collect();
    mentions
        .into_iter()
        .map(|m| {
            let key = (
                m.doc_id.as_str(),
                m.paragraph,
                m.actor_name.as_str(),
                m.chars.start,
                m.chars.end,
            );
            match index.get(&key) {
                Some(&prediction) => Ok(ScoredMention {
                    mention: m,
                    prediction,
                }),
                None => Err(GivenError::Unscored {
                    actor: m.actor_name,
                    start: m.chars.start,
                    doc_id: m.doc_id,
                    para_index: m.paragraph,
                }),
            }
        })
        .collect()
}

/// The corpus's paragraphs (`units`, in reading order) as an embedding set of the given
/// vectors, and each one's given theme.
pub fn align(
    given: &Given,
    units: Vec<TextUnit>,
    encoder: &EncoderInfo,
) -> Result<(EmbeddingSet, Vec<Option<usize>>), GivenError> {
    let (n, dim) = given.vectors.dim();
    if given.rows.len() != n || given.themes.len() != n {
        return Err(GivenError::Shape {
            rows: given.rows.len(),
            vectors: n,
            dim,
            themes: given.themes.len(),
        });
    }
    if dim != encoder.dim {
        return Err(GivenError::Dim {
            dim,
            model: encoder.model_id.clone(),
            expected: encoder.dim,
        });
    }
    let index: HashMap<(&str, usize), usize> = given
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.doc_id.as_str(), r.para_index), i))
        .collect();
    let mut picked = Vec::with_capacity(units.len());
    for u in &units {
        let Some(&i) = index.get(&(u.doc_id.as_str(), u.index)) else {
            return Err(GivenError::Missing {
                doc_id: u.doc_id.clone(),
                para_index: u.index,
            });
        };
        if given.rows[i].text != u.text {
            return Err(GivenError::Text {
                doc_id: u.doc_id.clone(),
                para_index: u.index,
            });
        }
        picked.push(i);
    }
    let set = EmbeddingSet {
        info: EmbeddingInfo::of(encoder, "paragraph"),
        vectors: given.vectors.select(ndarray::Axis(0), &picked),
        rows: units.into_iter().map(RowMeta::from).collect(),
    };
    let themes = picked.iter().map(|&i| given.themes[i]).collect();
    Ok((set, themes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::{Pooling, Precision};

    fn encoder(dim: usize) -> EncoderInfo {
        EncoderInfo {
            model_id: "m".into(),
            revision: None,
            pooling: Pooling::Mean,
            normalize: true,
            max_seq_length: 128,
            dim,
            device: "cpu",
            precision: Precision::F32,
            content_sha256: String::new(),
        }
    }

    fn unit(doc: &str, index: usize, text: &str) -> TextUnit {
        TextUnit {
            doc_id: doc.into(),
            index,
            span: 0..text.len(),
            text: text.into(),
        }
    }

    fn row(doc: &str, para_index: usize, text: &str) -> RowMeta {
        RowMeta {
            doc_id: doc.into(),
            para_index,
            text: text.into(),
        }
    }

    fn mention(doc: &str, paragraph: usize, actor: &str, start: usize) -> CorpusMention {
        CorpusMention {
            doc: 0,
            doc_id: doc.into(),
            paragraph,
            row: 0,
            actor: 0,
            actor_name: actor.into(),
            alias: actor.into(),
            text: actor.into(),
            span: start..start + actor.len(),
            chars: start..start + actor.len(),
            sentence: 0..40,
        }
    }

    fn score(doc: &str, para_index: usize, actor: &str, start: usize, p: f32) -> GivenScore {
        GivenScore {
            doc_id: doc.into(),
            para_index,
            actor: actor.into(),
            chars: start..start + actor.len(),
            prediction: Prediction::from_probs([1.0 - p, 0.0, p]),
        }
    }

    #[test]
    fn given_scores_go_to_their_mentions_and_a_mention_without_one_is_named() {
        let given = [
            score("b", 0, "Xi", 3, 0.9),
            score("a", 1, "Putin", 0, 0.2),
            score("a", 1, "Xi", 10, 0.7),
            score("c", 0, "Xi", 0, 0.5),
        ];
        let mentions = vec![
            mention("a", 1, "Putin", 0),
            mention("a", 1, "Xi", 10),
            mention("b", 0, "Xi", 3),
        ];
        let got = scored(&given, mentions).unwrap();
        let probs: Vec<f32> = got.iter().map(|m| m.prediction.probs[2]).collect();
        assert_eq!(probs, [0.2, 0.7, 0.9]);
        assert_eq!(got[0].mention, mention("a", 1, "Putin", 0));
        let e = scored(&given, vec![mention("a", 1, "Xi", 11)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the mention of \"Xi\" at character 11 of paragraph 1 of document \"a\" has no given score: score every paragraph with the actors this run finds (themescope.ray.discover_actors)"
        );
    }

    #[test]
    fn given_rows_in_any_order_line_up_with_the_corpus() {
        let given = Given {
            rows: vec![row("b", 0, "three"), row("a", 1, "two"), row("a", 0, "one")],
            vectors: ndarray::array![[3.0f32, 0.0], [2.0, 0.0], [1.0, 0.0]],
            themes: vec![None, Some(1), Some(0)],
            scores: None,
        };
        let units = || {
            vec![
                unit("a", 0, "one"),
                unit("a", 1, "two"),
                unit("b", 0, "three"),
            ]
        };
        let (set, themes) = align(&given, units(), &encoder(2)).unwrap();
        assert_eq!(themes, [Some(0), Some(1), None]);
        assert_eq!(set.vectors.column(0).to_vec(), [1.0, 2.0, 3.0]);
        assert_eq!(set.rows[2], row("b", 0, "three"));
        assert_eq!(set.info.dim, 2);

        let e = align(&given, units(), &encoder(3)).unwrap_err();
        assert!(matches!(e, GivenError::Dim { dim: 2, .. }), "{e}");
        let mut other = units();
        other[1].text = "deux".into();
        let e = align(&given, other, &encoder(2)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("paragraph 1 of document \"a\" reads differently"),
            "{e}"
        );
        let e = align(&given, vec![unit("c", 0, "x")], &encoder(2)).unwrap_err();
        assert!(matches!(e, GivenError::Missing { .. }), "{e}");
        let short = Given {
            themes: vec![None],
            ..given
        };
        assert!(matches!(
            align(&short, units(), &encoder(2)),
            Err(GivenError::Shape { themes: 1, .. })
        ));
    }
}
