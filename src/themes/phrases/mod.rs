//! Key-phrase labels for themes, the way an analyst would name them.
//!
//! [`label_themes`] takes the paragraphs, their theme assignment and the theme centroids, and
//! gives each theme a short label and its best phrases:
//!
//! 1. **Candidates** ([`ngrams`]): 1–3-grams that do not cross punctuation and neither start nor
//!    end with a stop word, a number or a one-letter word. A phrase must occur in at least
//!    `min_df` paragraphs, unless it is a coined term: somewhere it is the whole of a quoted
//!    span (‘reverse Nixon’), which an author does not do by accident. Paragraphs that copy an
//!    earlier one (the same article twice, a translation) do not count towards `min_df` for
//!    what they share with it.
//! 2. **Longer over shorter**: a phrase that always has the same word beside it is a fragment
//!    ("Jinping" of "Xi Jinping") and goes, and so does a capitalised phrase that mostly has
//!    a capitalised word beside it ("Securities and Exchange" of a four-word name, longer
//!    than a candidate), and so does a phrase ending in a lowercase word that nearly always has
//!    another content word after it ("drop in quarterly" profit, "bid for rival" PeopleSoft);
//!    a phrase that occurs in a theme mostly inside one
//!    longer candidate ("convenience" inside "marriage of convenience") is dropped for it.
//! 3. **c-TF-IDF** ([`ctfidf`]) scores every candidate per theme; the best `candidates` of
//!    each theme go on, split evenly between phrase lengths (each length ranked on its own,
//!    since a bigram is always rarer than its words), plus the theme's quoted terms.
//! 4. **Re-ranking**: every candidate of every theme is embedded in one call; relevance
//!    combines the phrase's c-TF-IDF, its cosine to the theme centroid (standardised over all
//!    centroids) and how much it is a phrase rather than a word sequence (see [`relevance`]).
//! 5. **Diversity** ([`mmr`]): maximal marginal relevance over the phrase embeddings, never
//!    keeping a phrase together with a sub- or super-phrase that it mostly occurs with.
//! 6. **Top words** ([`topwords`]): the theme's best single words by c-TF-IDF, re-ranked by
//!    their closeness to the centroid, for coherence and diversity as topic models are compared.
//!
//! Steps 1–2 read counts ([`PhraseCounts`], module `tally`) that add up over blocks of
//! paragraphs: [`count_phrases`] on each block, [`PhraseCounts::append`], then [`name_counted`]
//! names the themes from the sum as [`label_themes`] names them from the paragraphs (Ray's
//! distributed phrase group-by; one machine counts all its paragraphs as one block).
//!
//! Everything is deterministic: maps that reach the output are ordered, ties are broken by the
//! phrase's normalised text.

pub mod clause;
mod copies;
pub mod ctfidf;
mod dateline;
mod error;
pub mod mmr;
pub mod naming;
pub mod ngrams;
mod spread;
pub mod stopwords;
mod tally;
pub mod topwords;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use ndarray::{Array2, ArrayView2};

pub use copies::{find_copies_over, Copies, CopyEvidence};
pub use error::PhraseError;
pub use stopwords::StopWords;
pub use tally::PhraseCounts;

use crate::themes::quality::{self, WindowCounts};
use spread::DocSpread;
use tally::Extracted;

/// How key phrases are found.
#[derive(Debug, Clone, PartialEq)]
pub struct PhraseOptions {
    /// Longest phrase, in words: 1, 2 or 3.
    pub ngram_max: usize,
    /// Phrases kept per theme.
    pub top_n: usize,
    /// Candidates per theme that are re-ranked against the centroid (at least `top_n`).
    pub candidates: usize,
    /// MMR trade-off in `[0, 1]`: 0 keeps the relevance order, higher values favour phrases
    /// unlike those already chosen.
    pub diversity: f32,
    /// A phrase must occur in at least this many paragraphs (quoted coined terms excepted).
    pub min_df: usize,
    /// Words that may not start or end a phrase.
    pub stop_words: StopWords,
}

impl Default for PhraseOptions {
    fn default() -> Self {
        PhraseOptions {
            ngram_max: 3,
            top_n: 10,
            candidates: 45,
            diversity: 0.4,
            min_df: 2,
            stop_words: StopWords::English,
        }
    }
}

/// A phrase and its relevance to the theme, in `[0, 1]`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoredPhrase {
    /// The most common spelling of the phrase in the corpus.
    pub phrase: String,
    /// Relevance before diversification (see [`relevance`]); the list order is MMR's, so a
    /// later phrase may score higher than an earlier one.
    pub score: f32,
}

/// The name of one theme.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThemeLabel {
    /// The best phrase, or the best two joined by " / " when the best is a single word or the
    /// second is about as relevant. Empty for a theme without paragraphs or phrases.
    pub label: String,
    /// Up to `top_n` phrases, in the order MMR chose them.
    pub phrases: Vec<ScoredPhrase>,
    /// Up to [`topwords::TOP_WORDS`] single words, best first ([`topwords`]).
    #[serde(default)]
    pub words: Vec<String>,
    /// The one-word candidates the words are chosen from: the first ones until the corpus is
    /// read ([`topwords::choose`]).
    #[serde(default, skip_serializing_if = "topwords::WordPool::is_empty")]
    pub pool: topwords::WordPool,
}

/// Weights of informativeness, semantic fit and phraseness in [`relevance`].
pub const RELEVANCE_WEIGHTS: [f32; 3] = [0.4, 0.2, 0.4];
/// Exponent of the length prior in [`relevance`].
pub const LENGTH_PRIOR: f32 = 0.3;

/// Relevance of a candidate to its theme, in `[0, 1]`:
///
/// ```text
/// (words / ngram_max)^0.3 · (0.4 · informativeness + 0.2 · semantic + 0.4 · phraseness)
/// ```
///
/// - *informativeness*: the phrase's c-TF-IDF over the best c-TF-IDF of a phrase of the same
///   length in the theme; 1 for a term the theme's text puts in quotation marks.
/// - *semantic*: the cosine between the phrase's embedding and the theme centroid,
///   standardised over all centroids (`z`), through a logistic: 0.5 for a phrase as close to
///   this theme as to the average theme, near 1 for one much closer to it than to others.
/// - *phraseness*: for a multi-word phrase, the Dice cohesion of its words (1 when they only
///   ever occur together: a name, an idiom, a term), 1 when quoted; 0 for a single word.
/// - the length prior favours longer, more specific phrases over their parts.
///
/// Why this combination. The two text statistics are the classic pair of keyphrase extraction
/// (Tomokiyo & Hurst 2003: informativeness + phraseness): c-TF-IDF alone ranks by counts and
/// drowns multi-word phrases in frequent single words (BERTopic's labels); cohesion alone
/// promotes any rare pair. The encoder brings meaning, but its cosine is reliable for literal
/// phrases only: on the seed articles "marriage of convenience" has cosine 0.12 with the
/// centroid of the paragraphs that use it, against 0.75 for "Moscow-Beijing partnership", and
/// reading the phrase in context does not change that. So the cosine is a minority voice and
/// is standardised over the themes: what counts is that a phrase is closer to this theme than
/// to the others (which also demotes generic words close to every theme, like "China"), not its
/// raw value. A weighted sum rather than a product, so that no single signal can veto a phrase
/// the other two support. The weights were chosen on the seed articles over 6 values of k and
/// 2 clusterings each, in a region where results are stable (±0.1 on each weight).
pub fn relevance(
    informativeness: f32,
    semantic: f32,
    phraseness: f32,
    words: usize,
    ngram_max: usize,
) -> f32 {
    let [wi, ws, wp] = RELEVANCE_WEIGHTS;
    let prior = (words as f32 / ngram_max.max(1) as f32).powf(LENGTH_PRIOR);
    let clamp = |x: f32| x.clamp(0.0, 1.0);
    prior * (wi * clamp(informativeness) + ws * clamp(semantic) + wp * clamp(phraseness))
}

/// Share of a theme's paragraphs a phrase must occur in to count fully (see [`support`]).
pub const SUPPORT_SHARE: f32 = 0.01;

/// How much of its theme a phrase speaks for, in `(0, 1]`: 1 once it occurs at least
/// `SUPPORT_SHARE` × the theme's paragraphs times, falling as the square root below that.
///
/// Why. Informativeness and phraseness are both 1 for a quoted term or an idiom seen once, which
/// is right in a theme of 30 paragraphs (an op-ed's one "reverse Nixon" names its theme) and
/// wrong in a theme of 2,000 (on AG News, one-off quotes such as "browse by keyword" and "Meesa
/// gonna die" became labels of whole news categories). Scaling by the theme's size keeps the
/// first and demotes the second; on themes under 100 paragraphs it changes nothing.
pub fn support(count: u32, theme_paragraphs: usize) -> f32 {
    let needed = SUPPORT_SHARE * theme_paragraphs as f32;
    if needed <= 1.0 {
        return 1.0;
    }
    (count as f32 / needed).clamp(0.0, 1.0).sqrt()
}

/// Weight of a phrase that only one document of a larger corpus uses (see [`spread_weight`]).
pub const ONE_DOCUMENT_WEIGHT: f32 = 0.8;

/// How far a phrase recurs across the corpus's documents: 1 for a phrase of several documents
/// (or of a one-document corpus), [`ONE_DOCUMENT_WEIGHT`] for one that a single document uses.
/// A phrase that several authors use is more likely the name of what they discuss than one
/// author's wording ("marriage of convenience" in three articles against "unwavering
/// friendship" quoted in one).
pub fn spread_weight(documents: u32, all_documents: u32) -> f32 {
    if documents >= 2 || all_documents <= 1 {
        1.0
    } else {
        ONE_DOCUMENT_WEIGHT
    }
}

/// A theme of at least this many documents is broad: its phrases are weighed by how many of
/// them use each ([`theme_spread`]).
pub const BROAD_THEME_DOCUMENTS: u32 = 20;
/// Share of a broad theme's documents a phrase must occur in to count fully.
pub const THEME_SPREAD_SHARE: f32 = 0.05;

/// How far a phrase recurs across its theme's documents, in `(0, 1]`: 1 in a theme of fewer
/// than [`BROAD_THEME_DOCUMENTS`] documents or once [`THEME_SPREAD_SHARE`] of them use it,
/// falling as the square root below that. A phrase two articles of a broad theme use
/// ("animal spirits" in a theme of news on Bitcoin) yields to one that several use ("Wall
/// Street"); in a theme of one article, its one "reverse Nixon" still counts fully.
pub fn theme_spread(documents: u32, theme_documents: u32) -> f32 {
    if theme_documents < BROAD_THEME_DOCUMENTS {
        return 1.0;
    }
    let needed = THEME_SPREAD_SHARE * theme_documents as f32;
    (documents as f32 / needed).clamp(0.0, 1.0).sqrt()
}

/// A phrase is dropped for a longer candidate that contains it when, in the theme, the longer
/// one has at least this share of the shorter one's occurrences.
const ABSORB_SHARE: f32 = 0.5;

/// A capitalised phrase with a word beside it that could continue its name in at least this
/// share of its occurrences is a cut name ([`cut_from_name`]).
const NAME_CUT_SHARE: f32 = 0.75;

/// A phrase ending in a lowercase word with a content word after it in at least this share of
/// its occurrences, and at least [`DANGLING_MIN`] of them, is the start of a longer phrase
/// ([`dangles`]). A past form after a phrase is its verb and does not count. Whole noun
/// phrases are followed by punctuation, a stop word or a verb often enough: on AG News,
/// "running back" and "open source" have a content word after them in 87–88% of their
/// occurrences, "mutual fund" 82%, "drop in quarterly" and "bid for rival" in all.
const DANGLING_SHARE: f32 = 0.9;
const DANGLING_MIN: u32 = 4;

/// Labels every theme. `texts` holds one paragraph each; `assignment[i]` is paragraph `i`'s
/// theme (`None`: an outlier, left out); `centroids` has one row per theme (L2-normalised mean
/// of its paragraph vectors); `embed` embeds phrases with the encoder that embedded the
/// paragraphs and returns one L2-normalised row per phrase. It is called once, with every
/// candidate of every theme (or not at all when there are none).
///
/// Returns one [`ThemeLabel`] per centroid row, in order.
pub fn label_themes(
    texts: &[&str],
    assignment: &[Option<usize>],
    centroids: ArrayView2<'_, f32>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeLabel>, PhraseError> {
    // Each paragraph its own document.
    let docs: Vec<usize> = (0..texts.len()).collect();
    label_themes_by_document(texts, &docs, assignment, centroids, embed, opts)
}

/// [`label_themes`] for paragraphs of documents: `docs[i]` is paragraph `i`'s document
/// (paragraphs of a document consecutive), so that a label is a phrase that recurs across
/// documents, not within one ([`naming`]).
pub fn label_themes_by_document(
    texts: &[&str],
    docs: &[usize],
    assignment: &[Option<usize>],
    centroids: ArrayView2<'_, f32>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeLabel>, PhraseError> {
    Ok(
        explain_themes_by_document(texts, docs, assignment, centroids, embed, opts)?
            .into_iter()
            .map(|t| t.label)
            .collect(),
    )
}

/// A re-ranked candidate, for inspection ([`explain_themes`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateScore {
    /// Most common spelling.
    pub phrase: String,
    pub words: usize,
    /// Occurrences in the theme.
    pub count: u32,
    /// Paragraphs of the corpus (outliers aside, copies not counted again) that hold it.
    pub paragraphs: u32,
    /// The whole of a quoted span somewhere in the theme.
    pub quoted: bool,
    pub ctfidf: f32,
    /// c-TF-IDF over the best of the same length in the theme; 1 when quoted.
    pub informativeness: f32,
    /// Cosine between the phrase's embedding and the theme centroid.
    pub cosine: f32,
    /// The cosine standardised over all centroids, through a logistic.
    pub semantic: f32,
    /// Dice cohesion of a multi-word phrase's words (1 when quoted); 0 for a single word.
    pub phraseness: f32,
    /// See [`relevance`].
    pub relevance: f32,
    /// Documents of the theme that hold it.
    pub documents: u32,
    /// It may be the theme's label ([`naming::can_name`]).
    pub can_name: bool,
    /// A bare name ([`naming::is_bare_name`]): every content word capitalised, and no event,
    /// agreement or policy ("Super Bowl", "Cold War").
    pub is_name: bool,
}

/// A theme's label with every candidate that was re-ranked, best relevance first.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeExplanation {
    pub label: ThemeLabel,
    pub candidates: Vec<CandidateScore>,
}

/// [`label_themes`], also returning the scores of every re-ranked candidate.
pub fn explain_themes(
    texts: &[&str],
    assignment: &[Option<usize>],
    centroids: ArrayView2<'_, f32>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeExplanation>, PhraseError> {
    // Each paragraph its own document.
    let docs: Vec<usize> = (0..texts.len()).collect();
    explain_themes_by_document(texts, &docs, assignment, centroids, embed, opts)
}

/// [`label_themes_by_document`], also returning the scores of every re-ranked candidate.
pub fn explain_themes_by_document(
    texts: &[&str],
    docs: &[usize],
    assignment: &[Option<usize>],
    centroids: ArrayView2<'_, f32>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeExplanation>, PhraseError> {
    validate(opts)?;
    check_assignment(texts.len(), docs, assignment, centroids.nrows())?;
    let extracted = tally::extract_all(texts, assignment, opts);
    let grouping = Grouping {
        assignment,
        centroids: centroids.view(),
        taken: &[],
        wanted: &[],
        name_yield: naming::NAME_YIELD,
    };
    let mut explained = explain_extracted(&extracted, docs, grouping, embed, opts)?;
    choose_top_words(texts, explained.iter_mut().map(|t| &mut t.label), opts);
    Ok(explained)
}

/// Chooses each label's top words from its pool ([`topwords::choose`]), read together in the
/// corpus `texts` (every paragraph, counted or not: the reference their NPMI is measured on).
/// Returns the window counts it read.
pub fn choose_top_words<'a>(
    texts: &[&str],
    labels: impl IntoIterator<Item = &'a mut ThemeLabel>,
    opts: &PhraseOptions,
) -> WindowCounts {
    let mut labels: Vec<&mut ThemeLabel> = labels.into_iter().collect();
    let pools: Vec<Vec<String>> = labels.iter().map(|l| l.pool.words.clone()).collect();
    let windows = WindowCounts::count(texts, quality::vocabulary(&pools), &opts.stop_words);
    choose_counted(labels.iter_mut().map(|l| &mut **l), &windows);
    windows
}

/// [`choose_top_words`] from window counts added up elsewhere (blocks of a corpus counted on
/// several machines with the vocabulary of every pool).
pub fn choose_counted<'a>(
    labels: impl IntoIterator<Item = &'a mut ThemeLabel>,
    windows: &WindowCounts,
) {
    // A label without candidates (a group not named, or one given without its pool) keeps its
    // words.
    for label in labels.into_iter().filter(|l| !l.pool.is_empty()) {
        label.words = topwords::choose(&label.pool, windows);
    }
}

/// One grouping of the paragraphs: each paragraph's group (`None`: left out), the groups'
/// centroids, one row per group (L2-normalised means of their paragraphs' vectors), for each
/// group the names it may not take (its parts' labels: a group named as one of its parts tells
/// the reader nothing about the rest of it), and which groups to name (the others are scored
/// against but get an empty label). `taken` and `wanted` may be empty: nothing taken, all named.
#[derive(Debug, Clone)]
pub struct Partition {
    pub assignment: Vec<Option<usize>>,
    pub centroids: Array2<f32>,
    pub taken: Vec<Vec<String>>,
    pub wanted: Vec<bool>,
    /// A bare name yields the label to a phrase that is not one and scores at least this share
    /// of the best: [`naming::NAME_YIELD`] for themes, [`naming::GROUP_NAME_YIELD`] for groups.
    pub name_yield: f32,
}

/// Labels `count` groupings of the same paragraphs (the levels of the theme tree), each as
/// [`label_themes_by_document`] labels themes: a group is named by the phrases of its own
/// paragraphs, scored against the other groups of its partition, with the same naming rules,
/// and not by a name its partition marks as taken. `partition(i, labels)` gives partition `i`
/// knowing the labels of the partitions before it. Every partition groups the paragraphs the
/// first one groups. Partitions are made one at a time, paragraphs are read into phrases once,
/// and a phrase is embedded once however many partitions rank it. Also returns the corpus's
/// window counts the top words were chosen with ([`choose_top_words`]), which measure them.
pub fn label_partitions(
    texts: &[&str],
    docs: &[usize],
    count: usize,
    mut partition: impl FnMut(usize, &[Vec<ThemeLabel>]) -> Partition,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<(Vec<Vec<ThemeLabel>>, WindowCounts), PhraseError> {
    validate(opts)?;
    let mut memo = EmbedMemo {
        embed,
        rows: HashMap::new(),
    };
    let mut embed_once = |phrases: &[&str]| memo.embed(phrases);
    let mut extracted: Option<(Vec<bool>, Extracted)> = None;
    let mut out: Vec<Vec<ThemeLabel>> = Vec::new();
    for index in 0..count {
        let p = partition(index, &out);
        check_assignment(texts.len(), docs, &p.assignment, p.centroids.nrows())?;
        let (named, read) = extracted.get_or_insert_with(|| {
            let named = p.assignment.iter().map(Option::is_some).collect();
            (named, tally::extract_all(texts, &p.assignment, opts))
        });
        if let Some(row) = (0..texts.len()).find(|&r| named[r] != p.assignment[r].is_some()) {
            return Err(PhraseError::PartitionRows {
                partition: index,
                row,
            });
        }
        let grouping = Grouping {
            assignment: &p.assignment,
            centroids: p.centroids.view(),
            taken: &p.taken,
            wanted: &p.wanted,
            name_yield: p.name_yield,
        };
        let explained = explain_extracted(read, docs, grouping, &mut embed_once, opts)?;
        out.push(explained.into_iter().map(|t| t.label).collect());
    }
    let windows = choose_top_words(texts, out.iter_mut().flatten(), opts);
    Ok((out, windows))
}

/// A phrase embedder that embeds each phrase once and answers again from memory.
struct EmbedMemo<'e, 'a> {
    embed: &'e mut crate::themes::PhraseEmbedder<'a>,
    rows: HashMap<String, Vec<f32>>,
}

impl EmbedMemo<'_, '_> {
    fn embed(&mut self, phrases: &[&str]) -> Result<Array2<f32>, String> {
        // In the order asked, each once.
        let mut seen: HashSet<&str> = HashSet::new();
        let missing: Vec<&str> = phrases
            .iter()
            .copied()
            .filter(|p| !self.rows.contains_key(*p) && seen.insert(p))
            .collect();
        if !missing.is_empty() {
            let vectors = (self.embed)(&missing)?;
            if vectors.nrows() != missing.len() {
                return Err(format!(
                    "the encoder gave {} vectors for {} phrases",
                    vectors.nrows(),
                    missing.len()
                ));
            }
            for (p, row) in missing.iter().zip(vectors.rows()) {
                self.rows.insert(p.to_string(), row.to_vec());
            }
        }
        let dim = phrases.first().map_or(0, |p| self.rows[*p].len());
        let flat: Vec<f32> = phrases
            .iter()
            .flat_map(|p| self.rows[*p].iter().copied())
            .collect();
        Array2::from_shape_vec((phrases.len(), dim), flat)
            .map_err(|_| "the encoder gave vectors of different lengths".to_string())
    }
}

/// The paragraphs, their documents and their themes line up, and every theme has a centroid.
fn check_assignment(
    texts: usize,
    docs: &[usize],
    assignment: &[Option<usize>],
    n_themes: usize,
) -> Result<(), PhraseError> {
    if texts != assignment.len() || docs.len() != texts {
        return Err(PhraseError::LengthMismatch {
            texts,
            assignment: assignment.len().min(docs.len()),
        });
    }
    for (index, a) in assignment.iter().enumerate() {
        if let Some(theme) = *a {
            if theme >= n_themes {
                return Err(PhraseError::ThemeOutOfRange {
                    index,
                    theme,
                    themes: n_themes,
                });
            }
        }
    }
    Ok(())
}

/// A [`Partition`] borrowed: what [`explain_extracted`] names.
struct Grouping<'a> {
    assignment: &'a [Option<usize>],
    centroids: ArrayView2<'a, f32>,
    taken: &'a [Vec<String>],
    wanted: &'a [bool],
    name_yield: f32,
}

/// [`explain_themes_by_document`] on paragraphs already read into candidates (checked).
fn explain_extracted(
    extracted: &Extracted,
    docs: &[usize],
    grouping: Grouping<'_>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeExplanation>, PhraseError> {
    let n_themes = grouping.centroids.nrows();
    let name = |d: usize| d.to_string();
    let counts = tally::count(
        extracted,
        docs,
        &name,
        grouping.assignment,
        n_themes,
        Copies::Find,
        opts,
    );
    explain_counted(&Counted::of(counts), grouping, embed, opts)
}

/// Counts the phrase candidates of paragraphs per theme, as the themes are named from them:
/// `doc_ids[i]` is paragraph `i`'s document (a document's paragraphs consecutive),
/// `assignment[i]` its theme (`None`: not counted). Counts of consecutive blocks of paragraphs
/// add up with [`PhraseCounts::append`]; [`name_counted`] names the themes from them.
/// `copies`: [`Copies::Find`] finds copied paragraphs among these; blocks of a corpus are
/// given the copies found over all of them ([`copy_evidence`], [`find_copies_over`]).
pub fn count_phrases(
    texts: &[&str],
    doc_ids: &[&str],
    assignment: &[Option<usize>],
    n_themes: usize,
    copies: Copies<'_>,
    opts: &PhraseOptions,
) -> Result<PhraseCounts, PhraseError> {
    validate(opts)?;
    if let Copies::Given(originals) = copies {
        if originals.len() != texts.len() {
            return Err(PhraseError::Option(format!(
                "{} texts but {} originals: give each text the text it copies, or none",
                texts.len(),
                originals.len()
            )));
        }
    }
    // Documents numbered as `find_themes` numbers them: by first appearance.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let docs: Vec<usize> = doc_ids
        .iter()
        .map(|&d| {
            *index.entry(d).or_insert_with(|| {
                names.push(d);
                names.len() - 1
            })
        })
        .collect();
    check_assignment(texts.len(), &docs, assignment, n_themes)?;
    let extracted = tally::extract_all(texts, assignment, opts);
    let name = |d: usize| names[d].to_string();
    Ok(tally::count(
        &extracted, &docs, &name, assignment, n_themes, copies, opts,
    ))
}

/// The evidence [`find_copies_over`] reads of a block of paragraphs (`assignment[i]`: paragraph
/// `i`'s theme, `None`: not counted), to find copied paragraphs across blocks.
pub fn copy_evidence(
    texts: &[&str],
    assignment: &[Option<usize>],
    opts: &PhraseOptions,
) -> Result<CopyEvidence, PhraseError> {
    validate(opts)?;
    if texts.len() != assignment.len() {
        return Err(PhraseError::LengthMismatch {
            texts: texts.len(),
            assignment: assignment.len(),
        });
    }
    let extracted = tally::extract_all(texts, assignment, opts);
    Ok(CopyEvidence::of(
        extracted.iter().map(|(c, _)| c.as_slice()),
        opts.ngram_max,
    ))
}

/// Names the themes from their phrase counts ([`count_phrases`], added up over blocks) as
/// [`label_themes_by_document`] names them from the paragraphs: the same c-TF-IDF, re-ranking,
/// MMR, naming rules and top words. `centroids` has one row per theme.
pub fn name_counted(
    counts: PhraseCounts,
    centroids: ArrayView2<'_, f32>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeLabel>, PhraseError> {
    validate(opts)?;
    if counts.n_themes != centroids.nrows() || counts.ngram_max != opts.ngram_max {
        return Err(PhraseError::Counts {
            themes: counts.n_themes,
            ngram_max: counts.ngram_max,
            centroids: centroids.nrows(),
            wanted: opts.ngram_max,
        });
    }
    let grouping = Grouping {
        assignment: &[],
        centroids,
        taken: &[],
        wanted: &[],
        name_yield: naming::NAME_YIELD,
    };
    let named = explain_counted(&Counted::of(counts), grouping, embed, opts)?;
    Ok(named.into_iter().map(|t| t.label).collect())
}

/// Names the groups of `grouping` from their counts.
fn explain_counted(
    counted: &Counted,
    grouping: Grouping<'_>,
    embed: &mut crate::themes::PhraseEmbedder<'_>,
    opts: &PhraseOptions,
) -> Result<Vec<ThemeExplanation>, PhraseError> {
    let Grouping {
        centroids,
        taken,
        wanted,
        name_yield,
        ..
    } = grouping;
    let named = |c: usize| wanted.get(c).copied().unwrap_or(true);
    let n_themes = centroids.nrows();
    let scores = ctfidf::ctfidf(&counted.counts, &counted.theme_tokens);
    // Groups not to be named need no candidates.
    let pools: Vec<Vec<u32>> = (0..n_themes)
        .map(|c| match named(c) {
            true => pool(counted, &scores[c], c, opts),
            false => Vec::new(),
        })
        .collect();
    let word_pools: Vec<Vec<u32>> = (0..n_themes)
        .map(|c| match named(c) {
            true => word_pool(counted, &scores[c], c, opts),
            false => Vec::new(),
        })
        .collect();

    // One embedding call for the union of all pools, in key order.
    let all: BTreeSet<u32> = pools.iter().chain(&word_pools).flatten().copied().collect();
    let mut all: Vec<u32> = all.into_iter().collect();
    all.sort_by(|a, b| counted.keys[*a as usize].cmp(&counted.keys[*b as usize]));
    let row_of: HashMap<u32, usize> = all.iter().enumerate().map(|(r, &id)| (id, r)).collect();
    let surfaces: Vec<&str> = all
        .iter()
        .map(|&id| counted.surface[id as usize].as_str())
        .collect();
    let dim = centroids.ncols();
    let vectors = if surfaces.is_empty() {
        Array2::zeros((0, dim))
    } else {
        let v = embed(&surfaces).map_err(PhraseError::Embed)?;
        if v.nrows() != surfaces.len() || v.ncols() != dim {
            return Err(PhraseError::EmbedShape {
                phrases: surfaces.len(),
                rows: v.nrows(),
                dim: v.ncols(),
                expected: dim,
            });
        }
        normalize_rows(v)
    };
    let centroids = normalize_rows(centroids.to_owned());

    // Cosine of every phrase to every centroid, and each phrase's mean and spread over the
    // themes that have paragraphs.
    let cos_all = vectors.dot(&centroids.t());
    let live: Vec<usize> = (0..n_themes)
        .filter(|&c| counted.theme_tokens[c] > 0)
        .collect();
    let spread: Vec<(f32, f32)> = cos_all
        .rows()
        .into_iter()
        .map(|row| {
            let n = live.len().max(1) as f32;
            let mean = live.iter().map(|&c| row[c]).sum::<f32>() / n;
            let var = live.iter().map(|&c| (row[c] - mean).powi(2)).sum::<f32>() / n;
            (mean, var.sqrt())
        })
        .collect();

    // The cosine standardised over the themes, through a logistic (see `relevance`).
    let semantic_of = |row: usize, c: usize| {
        let cosine = cos_all[[row, c]];
        let (mean, sd) = spread[row];
        if live.len() >= 2 && sd > 1e-6 {
            1.0 / (1.0 + (-(cosine - mean) / sd).exp())
        } else {
            cosine.max(0.0)
        }
    };

    // Paragraphs per theme, for the support of a phrase.
    let theme_size = &counted.theme_paragraphs;

    let mut out = Vec::with_capacity(n_themes);
    let mut used_in_labels: HashSet<String> = HashSet::new();
    for c in 0..n_themes {
        if !named(c) {
            out.push(ThemeExplanation {
                label: ThemeLabel {
                    label: String::new(),
                    phrases: Vec::new(),
                    words: Vec::new(),
                    pool: topwords::WordPool::default(),
                },
                candidates: Vec::new(),
            });
            continue;
        }
        let ids = &pools[c];
        let counts = &counted.counts[c];
        // Best c-TF-IDF per phrase length in the pool.
        let mut best = vec![0f32; opts.ngram_max + 1];
        for &id in ids {
            let n = length_class(counted.len[id as usize], opts.ngram_max);
            best[n] = best[n].max(scores[c][&id]);
        }
        let mut cands: Vec<(u32, CandidateScore)> = ids
            .iter()
            .map(|&id| {
                let i = id as usize;
                let words = counted.len[i];
                let class = length_class(words, opts.ngram_max);
                let quoted = counted.quoted[c].contains(&id);
                let can_name = naming::can_name(&counted.evidence(id, c, quoted), &opts.stop_words);
                // Quotation marks make a term only of a phrase that may name the theme: a
                // one-off quote or a title is scored like any other phrase.
                let documents = counted.spread.in_theme[c].get(&id).copied().unwrap_or(0);
                let spread = theme_spread(documents, counted.spread.theme_docs[c]);
                // In a broad theme a quote two of its documents share is someone's words, not
                // the theme's term ("extremely careless" in 123 articles on the email inquiry).
                let term = quoted && can_name && spread >= 1.0;
                let s = scores[c][&id];
                let informativeness = if term {
                    1.0
                } else if best[class] > 0.0 {
                    s / best[class]
                } else {
                    0.0
                };
                let row = row_of[&id];
                let cosine = cos_all[[row, c]];
                let semantic = semantic_of(row, c);
                // A quoted single word is more often a scare quote than a term: no phraseness.
                let phraseness = if term && words >= 2 {
                    1.0
                } else if term {
                    0.0
                } else {
                    counted.cohesion(id).unwrap_or(0.0)
                };
                (
                    id,
                    CandidateScore {
                        phrase: counted.surface[i].clone(),
                        words,
                        count: counts[&id],
                        paragraphs: counted.df[i],
                        quoted,
                        ctfidf: s,
                        informativeness,
                        cosine,
                        semantic,
                        phraseness,
                        relevance: relevance(
                            informativeness,
                            semantic,
                            phraseness,
                            class,
                            opts.ngram_max,
                        ) * support(counts[&id], theme_size[c])
                            * spread_weight(
                                counted.spread.in_corpus[i],
                                counted.spread.corpus_docs,
                            )
                            * spread,
                        documents,
                        can_name,
                        is_name: !quoted
                            && naming::is_bare_name(&counted.surface[i], &opts.stop_words),
                    },
                )
            })
            .collect();
        cands.sort_by(|a, b| {
            b.1.relevance
                .total_cmp(&a.1.relevance)
                .then_with(|| counted.keys[a.0 as usize].cmp(&counted.keys[b.0 as usize]))
        });
        let rel: Vec<f32> = cands.iter().map(|(_, s)| s.relevance).collect();
        let rows: Vec<usize> = cands.iter().map(|(id, _)| row_of[id]).collect();
        let emb = vectors.select(ndarray::Axis(0), &rows);
        let tokens: Vec<Vec<&str>> = cands
            .iter()
            .map(|(id, _)| counted.keys[*id as usize].split(' ').collect())
            .collect();
        let redundant = |i: usize, j: usize| {
            // i is contained in j (as whole words) and occurs mostly with it.
            let (short, long) = (&tokens[i], &tokens[j]);
            short.len() < long.len()
                && long.windows(short.len()).any(|w| w == short.as_slice())
                && cands[i].1.count < 3 * cands[j].1.count
        };
        let picked = mmr::mmr(&rel, emb.view(), opts.top_n, opts.diversity, &redundant);
        let phrases: Vec<ScoredPhrase> = picked
            .iter()
            .map(|&i| ScoredPhrase {
                phrase: cands[i].1.phrase.clone(),
                score: cands[i].1.relevance,
            })
            .collect();
        // Labels are unique: a phrase that already names a larger theme is passed over (it
        // stays in this theme's phrase list).
        let scored: Vec<&CandidateScore> = cands.iter().map(|(_, s)| s).collect();
        let mut used = used_in_labels.clone();
        // A taken label is taken part by part.
        for part in taken
            .get(c)
            .into_iter()
            .flatten()
            .flat_map(|l| l.split(" / "))
        {
            used.insert(part.to_lowercase());
        }
        let (free, words) = label_choices(&scored, &picked, &used, name_yield);
        // Why a label won (`RUST_LOG=themescope::themes=debug`).
        tracing::debug!(
            group = c,
            best = ?scored
                .iter()
                .take(12)
                .map(|s| format!(
                    "{} {:.3} (i{:.2} s{:.2} p{:.2} n{} d{}){}{}{}",
                    s.phrase,
                    s.relevance,
                    s.informativeness,
                    s.semantic,
                    s.phraseness,
                    s.count,
                    s.documents,
                    if s.can_name { "" } else { " !name" },
                    if s.is_name { " [name]" } else { "" },
                    if used.contains(&s.phrase.to_lowercase()) { " [taken]" } else { "" },
                ))
                .collect::<Vec<_>>(),
            "label candidates"
        );
        let label = if free.is_empty() && !phrases.is_empty() {
            // Nothing left that is not taken: the best phrase, numbered by theme.
            format!("{} (#{c})", phrases[0].phrase)
        } else {
            make_label(&free, &words)
        };
        for part in label.split(" / ").filter(|p| !p.is_empty()) {
            used_in_labels.insert(part.to_lowercase());
        }
        let word_scores: Vec<topwords::WordScore<'_>> = word_pools[c]
            .iter()
            .map(|&id| topwords::WordScore {
                word: counted.surface[id as usize].as_str(),
                key: counted.keys[id as usize].as_str(),
                ctfidf: scores[c][&id],
                semantic: semantic_of(row_of[&id], c),
            })
            .collect();
        let pool = topwords::rank(&word_scores, &opts.stop_words);
        out.push(ThemeExplanation {
            label: ThemeLabel {
                label,
                phrases,
                words: pool.top(),
                pool,
            },
            candidates: cands.into_iter().map(|(_, s)| s).collect(),
        });
    }
    Ok(out)
}

/// The phrases the label is made from, best first, with their lengths: those MMR picked that
/// may name the theme (else any candidate that may), not already a label, and no bare name
/// when a phrase that is not one scores at least `name_yield` of the best (such phrases are
/// looked for among all candidates, after those MMR picked, and come first). With none that
/// may name the theme, the picked phrases.
fn label_choices(
    cands: &[&CandidateScore],
    picked: &[usize],
    used: &HashSet<String>,
    name_yield: f32,
) -> (Vec<ScoredPhrase>, Vec<usize>) {
    let free = |i: &usize| !used.contains(&cands[*i].phrase.to_lowercase());
    let may = |i: &usize| cands[*i].can_name && free(i);
    let mut order: Vec<usize> = picked.iter().copied().filter(may).collect();
    if order.is_empty() {
        order = (0..cands.len()).filter(may).collect();
    }
    if order.is_empty() {
        order = picked.iter().copied().filter(free).collect();
    }
    let best = order
        .iter()
        .map(|&i| cands[i].relevance)
        .fold(0f32, f32::max);
    let phrase_does = |i: &usize| !cands[*i].is_name && cands[*i].relevance >= name_yield * best;
    if order.iter().any(|&i| cands[i].is_name) {
        // A name yields to a phrase that does nearly as well, among all candidates: the
        // phrases MMR kept beside a name are often taken already (a group of the tree may not
        // take its themes' names), which left the group named by a person.
        let others: Vec<usize> = (0..cands.len())
            .filter(|i| !order.contains(i) && may(i) && phrase_does(i))
            .collect();
        if order.iter().any(phrase_does) || !others.is_empty() {
            // The label goes to those that do nearly as well, not to whatever MMR kept
            // first: on a corpus of news, "work ethic" (relevance 0.41, in 2 of a sports
            // theme's documents) named the theme where "Super Bowl" scored 0.74. MMR's order
            // stays among them; the other phrases follow.
            let mut doers: Vec<usize> = order.iter().copied().filter(phrase_does).collect();
            doers.extend(others);
            let rest = order
                .iter()
                .copied()
                .filter(|i| !cands[*i].is_name && !phrase_does(i));
            order = doers.iter().copied().chain(rest).collect();
        }
    }
    order
        .into_iter()
        .map(|i| {
            let c = cands[i];
            let phrase = ScoredPhrase {
                phrase: c.phrase.clone(),
                score: c.relevance,
            };
            (phrase, c.words)
        })
        .unzip()
}

fn make_label(phrases: &[ScoredPhrase], words: &[usize]) -> String {
    match phrases {
        [] => String::new(),
        [first] => first.phrase.clone(),
        [first, second, ..] => {
            if words[0] == 1 || second.score >= 0.9 * first.score {
                format!("{} / {}", first.phrase, second.phrase)
            } else {
                first.phrase.clone()
            }
        }
    }
}

fn validate(opts: &PhraseOptions) -> Result<(), PhraseError> {
    if !(1..=3).contains(&opts.ngram_max) {
        return Err(PhraseError::Option(format!(
            "ngram_max is {}: phrases are 1 to 3 words long",
            opts.ngram_max
        )));
    }
    if opts.top_n == 0 {
        return Err(PhraseError::Option(
            "top_n is 0: ask for at least one phrase per theme".into(),
        ));
    }
    if !(0.0..=1.0).contains(&opts.diversity) {
        return Err(PhraseError::Option(format!(
            "diversity is {}: use a value from 0 (none) to 1",
            opts.diversity
        )));
    }
    Ok(())
}

fn normalize_rows(mut m: Array2<f32>) -> Array2<f32> {
    for mut row in m.rows_mut() {
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 && norm.is_finite() {
            row.mapv_inplace(|x| x / norm);
        }
    }
    m
}

/// Counts over the non-outlier paragraphs ([`PhraseCounts`]), with what naming reads of them.
struct Counted {
    /// Normalised key of each phrase id.
    keys: Vec<String>,
    /// Most common spelling of each phrase id.
    surface: Vec<String>,
    /// Words in each phrase id.
    len: Vec<usize>,
    /// Paragraphs holding each phrase id.
    df: Vec<u32>,
    /// Per theme: occurrences of each phrase id.
    counts: Vec<BTreeMap<u32, u32>>,
    /// Per theme: tokens, and paragraphs.
    theme_tokens: Vec<usize>,
    theme_paragraphs: Vec<usize>,
    /// Per theme: phrase ids that are somewhere a whole quoted span.
    quoted: Vec<BTreeSet<u32>>,
    /// Occurrences of each phrase id over all themes.
    totals: Vec<u32>,
    /// Phrase ids that occur at least twice and always with the same content word on one
    /// side, mostly beside a word that continues their name ([`cut_from_name`]), or nearly
    /// always before a content word ([`dangles`]): fragments of a longer phrase.
    fragment: Vec<bool>,
    ids: HashMap<String, u32>,
    /// How many documents hold each phrase, per theme and in all.
    spread: DocSpread,
}

impl Counted {
    fn of(tally: PhraseCounts) -> Counted {
        let spread = DocSpread::of(&tally.spread);
        let PhraseCounts {
            keys,
            len,
            df,
            spellings,
            sides,
            name_beside,
            word_after,
            counts,
            theme_tokens,
            theme_paragraphs,
            quoted,
            ..
        } = tally;
        let surface: Vec<String> = spellings
            .into_iter()
            .map(|forms| {
                // Most common; then fewer capitals (a sentence-initial capital is not the
                // phrase's spelling); then code-point order.
                forms
                    .into_iter()
                    .max_by(|(a, na), (b, nb)| {
                        na.cmp(nb)
                            .then_with(|| capitals(b).cmp(&capitals(a)))
                            .then_with(|| b.cmp(a))
                    })
                    .map(|(s, _)| s)
                    .unwrap_or_default()
            })
            .collect();
        let mut totals = vec![0u32; keys.len()];
        for theme in &counts {
            for (&id, &n) in theme {
                totals[id as usize] += n;
            }
        }
        let fragment = sides
            .iter()
            .zip(&totals)
            .zip(&name_beside)
            .zip(&surface)
            .zip(&word_after)
            .map(|((((s, &n), beside), surface), &after)| {
                n >= 2
                    && (s.iter().any(|s| matches!(s, tally::Side::Same(_)))
                        || cut_from_name(surface, *beside, n)
                        || dangles(surface, after, n))
            })
            .collect();
        let ids = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u32))
            .collect();
        Counted {
            spread,
            totals,
            fragment,
            keys,
            surface,
            len,
            df,
            counts,
            theme_tokens,
            theme_paragraphs,
            quoted,
            ids,
        }
    }

    /// What decides whether phrase `id` may name theme `c`. Whether its words recur is
    /// counted over the corpus: an article may discuss a quoted term in paragraphs that fall
    /// in other themes.
    fn evidence(&self, id: u32, c: usize, quoted: bool) -> naming::Evidence<'_> {
        let i = id as usize;
        let count = self.counts[c].get(&id).copied().unwrap_or(0);
        let words_recur = self.keys[i].split(' ').all(|w| match self.ids.get(w) {
            Some(&wid) if wid != id => self.totals[wid as usize] > self.totals[i],
            Some(_) => false,
            // A stop word inside the phrase: it need not recur.
            None => true,
        });
        naming::Evidence {
            surface: &self.surface[i],
            key: &self.keys[i],
            quoted,
            count,
            documents: self.spread.in_theme[c].get(&id).copied().unwrap_or(0),
            theme_documents: self.spread.theme_docs[c],
            corpus_documents: self.spread.in_corpus[i],
            all_documents: self.spread.corpus_docs,
            words_recur,
        }
    }

    /// Dice cohesion of a multi-word phrase: its occurrences times its number of content words,
    /// over the occurrences of those words; 1 when the words only ever occur together. `None`
    /// for a phrase with fewer than two content words.
    fn cohesion(&self, id: u32) -> Option<f32> {
        let key = &self.keys[id as usize];
        let mut words = 0u32;
        let mut sum = 0u64;
        for w in key.split(' ') {
            if let Some(&wid) = self.ids.get(w) {
                if self.len[wid as usize] == 1 {
                    words += 1;
                    sum += u64::from(self.totals[wid as usize]);
                }
            }
        }
        (words >= 2 && sum > 0)
            .then(|| (words as f32 * self.totals[id as usize] as f32 / sum as f32).min(1.0))
    }
}

/// Whether a phrase is cut from a longer name: its first (last) word is capitalised (or a
/// connector inside names, "bin Laden") and at
/// least [`NAME_CUT_SHARE`] of its `occurrences` have a word before (after) it that could
/// continue the name ("Democratic challenger John" Kerry, "Securities and Exchange"
/// Commission). Counted, not required of every occurrence, since a name is now and then
/// written another way ("John F. Kerry", "the SEC").
fn cut_from_name(surface: &str, name_beside: [u32; 2], occurrences: u32) -> bool {
    let capital = |w: Option<&str>| {
        w.is_some_and(|w| {
            w.chars().next().is_some_and(char::is_uppercase) || ngrams::NAME_CONNECTORS.contains(&w)
        })
    };
    let edges = [
        capital(surface.split(' ').next()),
        capital(surface.split(' ').next_back()),
    ];
    edges
        .iter()
        .zip(name_beside)
        .any(|(&edge, n)| edge && n as f32 >= NAME_CUT_SHARE * occurrences as f32)
}

/// Whether a phrase is the start of a longer one that the phrase length cut off: its last word
/// is lowercase and nearly every occurrence has a content word after it ("drop in quarterly"
/// profit). A name may well be followed by one ("Dow Jones" industrial average) and is left to
/// [`cut_from_name`].
fn dangles(surface: &str, word_after: u32, occurrences: u32) -> bool {
    let last_lowercase = surface
        .split(' ')
        .next_back()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_lowercase);
    last_lowercase
        && occurrences >= DANGLING_MIN
        && word_after as f32 >= DANGLING_SHARE * occurrences as f32
}

fn capitals(s: &str) -> usize {
    s.chars().filter(|c| c.is_uppercase()).count()
}

/// The length a phrase is ranked with: names longer than `ngram_max` words
/// ([`ngrams::NAME_WORDS_MAX`]) count as the longest phrases.
fn length_class(words: usize, ngram_max: usize) -> usize {
    words.min(ngram_max)
}

/// The candidates of theme `c` that are re-ranked: eligible (frequent enough, or quoted), not
/// absorbed by a longer phrase, and among the best c-TF-IDF of their length — plus the theme's
/// quoted terms.
fn pool(
    counted: &Counted,
    scores: &BTreeMap<u32, f32>,
    c: usize,
    opts: &PhraseOptions,
) -> Vec<u32> {
    let counts = &counted.counts[c];
    let quoted = &counted.quoted[c];
    let eligible = |id: u32| {
        (counted.df[id as usize] as usize >= opts.min_df || quoted.contains(&id))
            && !counted.fragment[id as usize]
    };
    // Longer over shorter.
    let mut absorbed: BTreeSet<u32> = BTreeSet::new();
    for (&id, &n) in counts {
        if counted.len[id as usize] < 2 || !eligible(id) {
            continue;
        }
        let words: Vec<&str> = counted.keys[id as usize].split(' ').collect();
        for sub_len in 1..words.len() {
            for w in words.windows(sub_len) {
                if let Some(&sub) = counted.ids.get(&w.join(" ")) {
                    if let Some(&m) = counts.get(&sub) {
                        if n as f32 >= ABSORB_SHARE * m as f32 {
                            absorbed.insert(sub);
                        }
                    }
                }
            }
        }
    }
    let ranked = |filter: &dyn Fn(u32) -> bool| {
        let mut v: Vec<u32> = counts
            .keys()
            .copied()
            .filter(|&id| eligible(id) && !absorbed.contains(&id) && filter(id))
            .collect();
        v.sort_by(|a, b| {
            scores[b]
                .total_cmp(&scores[a])
                .then_with(|| counted.keys[*a as usize].cmp(&counted.keys[*b as usize]))
        });
        v
    };
    let per_length = opts.candidates.max(opts.top_n).div_ceil(opts.ngram_max);
    let mut out: BTreeSet<u32> = BTreeSet::new();
    // Each length its own share; names longer than a phrase one more, so that they do not
    // crowd out the longest phrases.
    for n in 1..=opts.ngram_max + 1 {
        out.extend(
            ranked(&|id| counted.len[id as usize].min(opts.ngram_max + 1) == n)
                .into_iter()
                .take(per_length),
        );
    }
    // Quoted terms: longer ones first among equals, since a quoted single word is more often
    // a scare quote ("dictator") than a coined term.
    let mut terms = ranked(&|id| quoted.contains(&id));
    terms.sort_by(|a, b| {
        scores[b]
            .total_cmp(&scores[a])
            .then_with(|| counted.len[*b as usize].cmp(&counted.len[*a as usize]))
            .then_with(|| counted.keys[*a as usize].cmp(&counted.keys[*b as usize]))
    });
    out.extend(terms.into_iter().take(opts.candidates.max(opts.top_n)));
    out.into_iter().collect()
}

/// A theme's best single words by c-TF-IDF ([`topwords::CANDIDATES`] of them, ties by key),
/// for its top words: every one-word candidate of at least `min_df` paragraphs, including those
/// a longer phrase absorbs or that are fragments of one (a word list is read word by word).
fn word_pool(
    counted: &Counted,
    scores: &BTreeMap<u32, f32>,
    c: usize,
    opts: &PhraseOptions,
) -> Vec<u32> {
    let mut v: Vec<u32> = counted.counts[c]
        .keys()
        .copied()
        .filter(|&id| {
            counted.len[id as usize] == 1 && counted.df[id as usize] as usize >= opts.min_df
        })
        .collect();
    v.sort_by(|a, b| {
        scores[b]
            .total_cmp(&scores[a])
            .then_with(|| counted.keys[*a as usize].cmp(&counted.keys[*b as usize]))
    });
    v.truncate(topwords::CANDIDATES);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every phrase gets its own direction, except that phrases sharing a word lean together.
    fn fake_embed(phrases: &[&str]) -> Result<Array2<f32>, String> {
        let dim = 32;
        let mut m = Array2::<f32>::zeros((phrases.len(), dim));
        for (i, p) in phrases.iter().enumerate() {
            for w in p.to_lowercase().split_whitespace() {
                let h = w
                    .bytes()
                    .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
                m[[i, (h % dim as u64) as usize]] += 1.0;
            }
        }
        Ok(normalize_rows(m))
    }

    fn explain(texts: &[&str], assignment: &[Option<usize>], k: usize) -> Vec<ThemeExplanation> {
        let centroids = Array2::<f32>::from_shape_fn((k, 32), |(c, j)| (c * 7 + j) as f32 % 5.0);
        explain_themes(
            texts,
            assignment,
            centroids.view(),
            &mut fake_embed,
            &PhraseOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn two_themes_never_share_a_label() {
        // Two themes with the same text have the same best phrase; only the larger (first)
        // theme may take it as its label.
        let a = "The gas pipeline deal with Beijing was signed. The gas pipeline deal sets prices.";
        let b = "Energy ministers praised the gas pipeline deal and the border crossings. \
                 New border crossings opened.";
        let texts = [a, b, a, b, "Border crossings, said the ministers."];
        let assignment = [Some(0), Some(0), Some(1), Some(1), None];
        let t = explain(&texts, &assignment, 2);
        let names = |i: usize| -> Vec<String> {
            t[i].label
                .phrases
                .iter()
                .map(|p| p.phrase.clone())
                .collect()
        };
        assert_eq!(names(0), names(1));
        // Only one candidate (the copies count once): the second theme's label is numbered.
        assert_eq!(t[0].label.label, "gas pipeline deal");
        assert_eq!(t[1].label.label, "gas pipeline deal (#1)");
    }

    /// Two paragraphs on each of gas, oil and steel, then an outlier.
    const THREE_SUBJECTS: [&str; 7] = [
        "The gas pipeline to Europe was shut. Gas prices rose across Europe.",
        "Gas pipeline repairs stalled; Europe burned coal. The gas pipeline stayed closed.",
        "Oil exports through the pipeline fell; oil exports to Europe stopped.",
        "Oil exports and oil prices: tankers waited while oil exports fell.",
        "Tariffs on steel rose again. The trade war hit steel makers.",
        "A trade war over steel tariffs worried markets; steel tariffs doubled.",
        "An outlier about football.",
    ];

    #[test]
    fn partitions_are_labelled_as_themes_are_with_each_phrase_embedded_once() {
        let texts = THREE_SUBJECTS;
        let docs: Vec<usize> = (0..texts.len()).collect();
        let fine = vec![Some(0), Some(0), Some(1), Some(1), Some(2), Some(2), None];
        let coarse = vec![Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), None];
        let centroids = |k: usize| {
            Array2::<f32>::from_shape_fn((k, 32), |(c, j)| ((c * 7 + j) % 5) as f32 + 1.0)
        };
        let opts = PhraseOptions::default();
        let mut asked: Vec<String> = Vec::new();
        let mut embed = |p: &[&str]| {
            asked.extend(p.iter().map(|p| p.to_string()));
            fake_embed(p)
        };
        let parts = |i: usize, before: &[Vec<ThemeLabel>]| match i {
            0 => Partition {
                assignment: fine.clone(),
                centroids: centroids(3),
                taken: Vec::new(),
                wanted: Vec::new(),
                name_yield: naming::NAME_YIELD,
            },
            _ => Partition {
                assignment: coarse.clone(),
                centroids: centroids(2),
                // The group of gas and oil may not take its parts' names.
                taken: vec![before[0][..2].iter().map(|l| l.label.clone()).collect()],
                wanted: Vec::new(),
                name_yield: naming::GROUP_NAME_YIELD,
            },
        };
        let (labels, _) = label_partitions(&texts, &docs, 2, parts, &mut embed, &opts).unwrap();
        let alone = label_themes(&texts, &fine, centroids(3).view(), &mut fake_embed, &opts);
        assert_eq!(labels[0], alone.unwrap());
        // The coarse group of gas and oil is named from its own paragraphs, not as a part.
        assert_eq!(labels[1].len(), 2);
        let group = &labels[1][0].label;
        assert!(!group.is_empty());
        for part in group.split(" / ") {
            assert!(
                labels[0][..2]
                    .iter()
                    .all(|l| !l.label.split(" / ").any(|p| p == part)),
                "{group} repeats a part's name: {:?}",
                labels[0]
            );
        }
        let mut once = asked.clone();
        once.sort();
        once.dedup();
        assert_eq!(once.len(), asked.len(), "a phrase embedded twice");
        // Every partition groups the same paragraphs.
        let odd = |i: usize, _: &[Vec<ThemeLabel>]| Partition {
            assignment: match i {
                0 => fine.clone(),
                _ => vec![Some(0); texts.len()],
            },
            centroids: centroids(3 - 2 * i),
            taken: Vec::new(),
            wanted: Vec::new(),
            name_yield: naming::NAME_YIELD,
        };
        let e = label_partitions(&texts, &docs, 2, odd, &mut fake_embed, &opts);
        assert!(matches!(
            e,
            Err(PhraseError::PartitionRows {
                partition: 1,
                row: 6
            })
        ));
    }

    #[test]
    fn themes_named_from_counts_added_over_blocks_are_named_as_from_the_paragraphs() {
        let texts = THREE_SUBJECTS;
        let doc_ids = ["a", "a", "b", "c", "c", "d", "d"];
        let docs = [0, 0, 1, 2, 2, 3, 3];
        let assignment = [Some(0), Some(0), Some(1), Some(1), Some(2), Some(2), None];
        let centroids =
            Array2::<f32>::from_shape_fn((3, 32), |(c, j)| ((c * 7 + j) % 5) as f32 + 1.0);
        let opts = PhraseOptions::default();
        let whole = label_themes_by_document(
            &texts,
            &docs,
            &assignment,
            centroids.view(),
            &mut fake_embed,
            &opts,
        )
        .unwrap();
        assert!(!whole[0].label.is_empty());
        let count = |r: std::ops::Range<usize>| {
            count_phrases(
                &texts[r.clone()],
                &doc_ids[r.clone()],
                &assignment[r],
                3,
                Copies::Find,
                &opts,
            )
            .unwrap()
        };
        for cut in 0..=texts.len() {
            let mut sum = count(0..cut);
            sum.append(count(cut..texts.len())).unwrap();
            assert_eq!(sum.paragraphs(), 6);
            let named = name_counted(sum, centroids.view(), &mut fake_embed, &opts).unwrap();
            assert_eq!(named, whole, "cut at {cut}");
        }
        // Counts of other themes or options name nothing.
        let counts = count(0..texts.len());
        let two = centroids.slice(ndarray::s![..2, ..]);
        let e = name_counted(counts, two, &mut fake_embed, &opts);
        assert!(matches!(e, Err(PhraseError::Counts { themes: 3, .. })));
    }

    fn pool_of(t: &ThemeExplanation) -> Vec<String> {
        t.candidates
            .iter()
            .map(|c| c.phrase.to_lowercase())
            .collect()
    }

    #[test]
    fn a_copied_paragraph_does_not_make_a_phrase_recur() {
        let original =
            "The gas pipeline deal, the energy security pact, the border treaty and arms talks.";
        let texts = [original, original, "Weather was mild."];
        let a = [Some(0), Some(0), Some(1)];
        let pool = pool_of(&explain(&texts, &a, 2)[0]);
        assert!(!pool.contains(&"gas pipeline deal".to_string()), "{pool:?}");
        // An independent paragraph using the phrase makes it recur.
        let texts = [
            original,
            original,
            "Talks on the gas pipeline deal resumed.",
        ];
        let a = [Some(0), Some(0), Some(0)];
        let pool = pool_of(&explain(&texts, &a, 1)[0]);
        assert!(pool.contains(&"gas pipeline deal".to_string()), "{pool:?}");
    }

    #[test]
    fn fragments_and_absorbed_words_leave_the_pool() {
        let texts = [
            "President Xi Jinping met the press. The gas pipeline opened.",
            "Xi Jinping spoke; the gas pipeline closed again.",
            "Later, Xi Jinping left. Xi spoke alone.",
        ];
        let a = [Some(0); 3];
        let pool = pool_of(&explain(&texts, &a, 1)[0]);
        assert!(pool.contains(&"xi jinping".to_string()), "{pool:?}");
        // "Jinping" always follows "Xi"; "pipeline" only ever occurs in "gas pipeline".
        assert!(!pool.contains(&"jinping".to_string()), "{pool:?}");
        assert!(!pool.contains(&"pipeline".to_string()), "{pool:?}");
        assert!(pool.contains(&"gas pipeline".to_string()), "{pool:?}");
    }

    #[test]
    fn names_cut_from_a_longer_name_leave_the_pool() {
        let texts = [
            "Aides to Democratic challenger John Kerry met the Food and Drug Administration.",
            "Democratic challenger John Kerry spoke; the Food and Drug Administration replied.",
            "Democratic challenger John F. Kerry left. Then John Kerry ate.",
            "Staff of the Food and Drug Administration met John Kerry.",
            "Voters like John Kerry.",
        ];
        let a = [Some(0); 5];
        let pool = pool_of(&explain(&texts, &a, 1)[0]);
        assert!(pool.contains(&"john kerry".to_string()), "{pool:?}");
        // Followed by a capital in three occurrences of three, though not always by "Kerry".
        assert!(
            !pool.contains(&"democratic challenger john".to_string()),
            "{pool:?}"
        );
        // Always beside another part of the name, across "and".
        for cut in ["food and drug", "drug administration"] {
            assert!(!pool.contains(&cut.to_string()), "{pool:?}");
        }
    }

    #[test]
    fn phrases_cut_before_their_noun_leave_the_pool() {
        let texts = [
            "The bank reported a drop in quarterly profit on Monday.",
            "Ford posted a drop in quarterly earnings as car sales slowed.",
            "Analysts had expected a drop in quarterly revenue at Intel.",
            "A drop in quarterly sales hit the retailer hard.",
            "Crude oil futures rose on Monday.",
            "Crude oil futures fell sharply in Asia.",
            "Crude oil futures jumped again.",
            "Traders watched crude oil futures.",
        ];
        let a = [Some(0); 8];
        let pool = pool_of(&explain(&texts, &a, 1)[0]);
        // A content word after it every time, never the same one.
        assert!(!pool.contains(&"drop in quarterly".to_string()), "{pool:?}");
        // Followed by its verbs or nothing: a whole phrase.
        assert!(pool.contains(&"crude oil futures".to_string()), "{pool:?}");
    }

    #[test]
    fn quoted_terms_need_no_second_paragraph() {
        let texts = [
            "Analysts fear a ‘reverse Nixon,’ said one professor.",
            "The professor said trade talks stalled.",
            "Trade talks resume, and Nixon is played in reverse.",
            "Leaders vowed to share “weal and woe” together.",
        ];
        let a = [Some(0), Some(0), Some(0), Some(0)];
        let t = &explain(&texts, &a, 1)[0];
        let nixon = t
            .candidates
            .iter()
            .find(|c| c.phrase == "reverse Nixon")
            .expect("the quoted term is a candidate");
        assert!(nixon.quoted && nixon.can_name);
        assert_eq!((nixon.informativeness, nixon.phraseness), (1.0, 1.0));
        // A quote whose words the text never uses again is a one-off, not a term.
        let quote = t
            .candidates
            .iter()
            .find(|c| c.phrase == "weal and woe")
            .expect("quoted, so a candidate");
        assert!(quote.quoted && !quote.can_name);
        // Unquoted one-off phrases are not candidates.
        assert!(!pool_of(t).contains(&"analysts fear".to_string()));
        assert!(pool_of(t).contains(&"trade talks".to_string()));
    }

    #[test]
    fn a_quote_few_of_a_broad_themes_documents_share_is_no_term() {
        // `quoted` of the documents put "nuclear option" in quotation marks; all the others
        // use both of its words apart, so the quote is one that may name the theme.
        let nuclear = |documents: usize, quoted: usize| {
            let texts: Vec<String> = (0..documents)
                .map(|d| match d < quoted {
                    true => {
                        format!("Senators in session {d} feared the ‘nuclear option,’ aides said.")
                    }
                    false => format!("Budget talks of week {d} stalled; one option was nuclear."),
                })
                .collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let t = &explain(&texts, &vec![Some(0); documents], 1)[0];
            let c = t.candidates.iter().find(|c| c.phrase == "nuclear option");
            let c = c.expect("the quote is a candidate").clone();
            assert!(c.quoted && c.can_name, "{c:?}");
            c.informativeness == 1.0 && c.phraseness == 1.0
        };
        // A theme of few documents: two of them quoting it make it a term.
        assert!(nuclear(BROAD_THEME_DOCUMENTS as usize - 1, 2));
        // 80 documents: two are someone's words; four (5%) name what the theme discusses.
        assert!(!nuclear(80, 2));
        assert!(nuclear(80, 4));
    }

    #[test]
    fn support_demotes_one_off_phrases_only_in_large_themes() {
        // Small themes: one occurrence is enough.
        assert_eq!(support(1, 30), 1.0);
        assert_eq!(support(1, 100), 1.0);
        // 2,000 paragraphs: 20 occurrences count fully, one counts sqrt(1/20).
        assert_eq!(support(20, 2000), 1.0);
        assert!((support(1, 2000) - (0.05f32).sqrt()).abs() < 1e-6);
        assert!(support(5, 2000) > support(1, 2000));
    }

    #[test]
    fn a_broad_themes_phrases_count_by_the_documents_that_use_them() {
        // A theme of few documents: one article's phrase counts fully.
        assert_eq!(theme_spread(1, 5), 1.0);
        assert_eq!(theme_spread(1, BROAD_THEME_DOCUMENTS - 1), 1.0);
        // 200 documents: 10 (5%) count fully, 2 count as sqrt(0.2).
        assert_eq!(theme_spread(10, 200), 1.0);
        assert!((theme_spread(2, 200) - 0.2f32.sqrt()).abs() < 1e-6);
        assert!(theme_spread(33, 200) > theme_spread(9, 200));
    }

    #[test]
    fn relevance_is_bounded_and_monotone() {
        let r = |i, s, p, n| relevance(i, s, p, n, 3);
        assert!((r(1.0, 1.0, 1.0, 3) - 1.0).abs() < 1e-6);
        assert_eq!(r(0.0, 0.0, 0.0, 1), 0.0);
        assert!(r(2.0, -1.0, 5.0, 3) <= 1.0);
        let base = r(0.5, 0.5, 0.5, 2);
        assert!(r(0.6, 0.5, 0.5, 2) > base);
        assert!(r(0.5, 0.6, 0.5, 2) > base);
        assert!(r(0.5, 0.5, 0.6, 2) > base);
        assert!(r(0.5, 0.5, 0.5, 3) > base);
        // Informativeness and phraseness weigh more than the semantic fit.
        assert!(r(0.6, 0.5, 0.5, 2) > r(0.5, 0.6, 0.5, 2));
    }

    #[test]
    fn labels_take_a_second_phrase_after_a_word_or_a_near_tie() {
        let p = |s: &str, score| ScoredPhrase {
            phrase: s.into(),
            score,
        };
        assert_eq!(make_label(&[], &[]), "");
        assert_eq!(
            make_label(&[p("energy", 0.5), p("gas pipeline", 0.4)], &[1, 2]),
            "energy / gas pipeline"
        );
        assert_eq!(
            make_label(&[p("trade war", 0.8), p("steel tariffs", 0.75)], &[2, 2]),
            "trade war / steel tariffs"
        );
        assert_eq!(
            make_label(&[p("trade war", 0.8), p("steel tariffs", 0.5)], &[2, 2]),
            "trade war"
        );
    }

    fn cand(phrase: &str, relevance: f32, can_name: bool, is_name: bool) -> CandidateScore {
        CandidateScore {
            phrase: phrase.into(),
            words: 2,
            count: 2,
            paragraphs: 2,
            quoted: false,
            ctfidf: 0.0,
            informativeness: 0.0,
            cosine: 0.0,
            semantic: 0.0,
            phraseness: 0.0,
            relevance,
            documents: 2,
            can_name,
            is_name,
        }
    }

    #[test]
    fn a_name_yields_only_to_a_phrase_that_does_nearly_as_well() {
        // Candidates come best first; MMR kept "work ethic" before the phrase that does
        // nearly as well (0.47 ≥ 0.6 × 0.74), which it passed over.
        let cands = [
            cand("Super Bowl", 0.74, true, true),
            cand("Tom Brady", 0.67, true, true),
            cand("quarterback Tom Brady", 0.47, true, false),
            cand("game", 0.41, true, false),
            cand("work ethic", 0.40, true, false),
        ];
        let refs: Vec<&CandidateScore> = cands.iter().collect();
        let none = HashSet::new();
        let (free, _) = label_choices(&refs, &[0, 1, 4, 3], &none, naming::NAME_YIELD);
        let order: Vec<&str> = free.iter().map(|p| p.phrase.as_str()).collect();
        assert_eq!(order, ["quarterback Tom Brady", "work ethic", "game"]);
        // Without that phrase, the names keep the label.
        let without: Vec<&CandidateScore> = [0, 1, 3, 4].map(|i| &cands[i]).into();
        let (free, _) = label_choices(&without, &[0, 1, 3, 2], &none, naming::NAME_YIELD);
        assert_eq!(free[0].phrase, "Super Bowl");
    }

    #[test]
    fn a_name_yields_to_a_phrase_beyond_those_mmr_kept() {
        // A tree group: the phrases beside the name are its themes' labels (taken).
        let cands = [
            cand("foreign policy", 0.63, true, false),
            cand("Xi Jinping", 0.61, true, true),
            cand("China question", 0.59, true, false),
            cand("border conflicts", 0.55, false, false),
            cand("war in Ukraine", 0.46, true, false),
            cand("Donald Trump", 0.45, true, true),
        ];
        let refs: Vec<&CandidateScore> = cands.iter().collect();
        let taken: HashSet<String> = ["foreign policy", "china question"]
            .map(String::from)
            .into();
        let picked = [0, 1, 2, 3];
        let (free, _) = label_choices(&refs, &picked, &taken, naming::NAME_YIELD);
        let names: Vec<&str> = free.iter().map(|p| p.phrase.as_str()).collect();
        assert_eq!(names, ["war in Ukraine"]);
        // Nothing that is not a name does nearly as well: the name stays.
        let (free, _) = label_choices(&refs[..4], &picked, &taken, naming::NAME_YIELD);
        assert_eq!(free[0].phrase, "Xi Jinping");
        // A group of the tree yields to any phrase that may name it.
        let weak = [cands[1].clone(), cand("trade talks", 0.2, true, false)];
        let refs: Vec<&CandidateScore> = weak.iter().collect();
        let (free, _) = label_choices(&refs, &[0], &taken, naming::NAME_YIELD);
        assert_eq!(free[0].phrase, "Xi Jinping");
        let (free, _) = label_choices(&refs, &[0], &taken, naming::GROUP_NAME_YIELD);
        assert_eq!(free[0].phrase, "trade talks");
    }

    #[test]
    fn cohesion_is_dice_over_content_words() {
        let texts = [
            "Marriage of convenience here. Convenience stores there.",
            "Another marriage of convenience.",
        ];
        let a = [Some(0), Some(0)];
        let t = &explain(&texts, &a, 1)[0];
        let m = t
            .candidates
            .iter()
            .find(|c| c.phrase.eq_ignore_ascii_case("marriage of convenience"))
            .unwrap();
        // 2 content words × 2 occurrences / (2 "marriage" + 3 "convenience").
        assert!((m.phraseness - 0.8).abs() < 1e-6, "{m:?}");
    }
}
