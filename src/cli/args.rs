//! Argument groups shared by several commands: each flag is declared once, here or in
//! [`super::GlobalArgs`], and flattened into the commands that take it. A flag's id is the name
//! of the setting it sets (see `themescope::config`).

use clap::Args;
use themescope::config::InputSettings;
use themescope::corpus::{Corpus, TextUnit, Unit};
use themescope::sentiment::{Method, DEFAULT_HEAD};
use themescope::themes::{Algo, Outliers, Reduce, K};
use themescope::timeline::TimeBin;

/// How input files are read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Field (jsonl) or column (csv) that holds the text.
    #[arg(long, env = "THEMESCOPE_TEXT_FIELD", default_value = "text")]
    pub text_field: String,

    /// Keep boilerplate paragraphs: copyright lines, photo credits, "Follow the topics" footers,
    /// and short paragraphs that recur in 3 or more documents (bylines, newsletter footers),
    /// which are otherwise dropped before embedding and listed in the report.
    #[arg(long, env = "THEMESCOPE_KEEP_BOILERPLATE")]
    pub keep_boilerplate: bool,
}

/// How inputs are cut into rows.
#[derive(Debug, Clone, Args)]
pub struct CorpusArgs {
    /// What one row is: a paragraph, a whole document (a file or a jsonl/csv record), a
    /// sentence, or a window (a paragraph, or each window of sentences of one longer than the
    /// encoder reads, instead of their mean).
    #[arg(long, env = "THEMESCOPE_UNIT", value_enum, default_value_t = Unit::Paragraph)]
    pub unit: Unit,

    #[command(flatten)]
    pub input: InputArgs,
}

impl CorpusArgs {
    /// Reads the inputs and cuts them into rows.
    pub fn read(
        &self,
        global: &super::GlobalArgs,
        input: &InputSettings,
        inputs: &[std::path::PathBuf],
    ) -> anyhow::Result<Vec<TextUnit>> {
        let corpus = Corpus::read(inputs, &input.read_options())?;
        let units = corpus.units(self.unit);
        // Windows are cut from the paragraphs when they are embedded.
        let what = match self.unit {
            Unit::Window => Unit::Paragraph,
            unit => unit,
        };
        global.info(format!(
            "read {} documents, {} {}s",
            corpus.documents.len(),
            units.len(),
            what.as_str()
        ));
        if let Some(line) = corpus.clipped_notice() {
            global.warn(line);
        }
        Ok(units)
    }
}

/// How themes are found and named.
#[derive(Debug, Clone, Args)]
pub struct ThemeArgs {
    /// Number of themes, or `auto` to pick the k in 2..=--k-max with the best silhouette ×
    /// stability (agreement of two differently seeded fits).
    #[arg(long, env = "THEMESCOPE_K", default_value = "auto")]
    pub k: K,

    /// Largest k tried by `--k auto`.
    #[arg(long, env = "THEMESCOPE_K_MAX", default_value_t = 12)]
    pub k_max: usize,

    /// Clustering algorithm.
    #[arg(long, env = "THEMESCOPE_ALGO", value_enum, default_value_t = Algo::Kmeans)]
    pub algo: Algo,

    /// Seed for clustering: the same inputs and seed give byte-identical themes.json.
    #[arg(long, env = "THEMESCOPE_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Smallest theme, in paragraphs; smaller clusters become outliers [default: 1% of the
    /// paragraphs, at least 3, at most 50].
    #[arg(long, env = "THEMESCOPE_MIN_SIZE")]
    pub min_size: Option<usize>,

    /// Dimension reduction before clustering: auto, none, pca:D, or umap:D (a neighbour-graph
    /// embedding, as BERTopic's UMAP). auto: umap:5 for kmeans and hdbscan from 1,500
    /// paragraphs on; below, none for kmeans and pca:16 for hdbscan; pca:32 for gmm. Only the
    /// clustering sees the reduced vectors.
    #[arg(long, env = "THEMESCOPE_REDUCE", default_value = "auto")]
    pub reduce: Reduce,

    /// Outliers: keep them apart, or reassign[:T] each to its nearest theme when the cosine is
    /// at least T (default 0.3).
    #[arg(long, env = "THEMESCOPE_OUTLIERS", default_value = "reassign")]
    pub outliers: Outliers,

    /// Longest key phrase, in words (1 to 3).
    #[arg(long, env = "THEMESCOPE_NGRAM", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=3))]
    pub ngram: u32,

    /// Key phrases listed per theme.
    #[arg(long, env = "THEMESCOPE_TOP_PHRASES", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub top_phrases: u32,

    /// Stop words that phrases may not start or end with: `english` (built in), `none`, or a
    /// file with one word per line.
    #[arg(long, env = "THEMESCOPE_STOP_WORDS", default_value = "english")]
    pub stop_words: String,

    /// Count near-duplicate documents in theme sizes and shares as if they were distinct.
    #[arg(long, env = "THEMESCOPE_KEEP_DUPLICATES")]
    pub keep_duplicates: bool,

    /// Also show the themes cut into N groups of the theme tree (the closest themes merged
    /// first), each named from its own paragraphs [default: no cut].
    #[arg(long, env = "THEMESCOPE_LEVEL", value_name = "N")]
    pub level: Option<usize>,
}

/// How mentions are scored.
#[derive(Debug, Clone, Args)]
pub struct ScorerArgs {
    /// head: the trained head over the encoder's features; vader: the VADER lexicon baseline on
    /// the sentence around each mention.
    #[arg(long, env = "THEMESCOPE_METHOD", value_enum, default_value_t = Method::Head)]
    pub method: Method,

    /// The sentiment head: a built-in name or the path of a .safetensors head.
    #[arg(long, env = "THEMESCOPE_HEAD", default_value = DEFAULT_HEAD, value_name = "NAME|PATH")]
    pub head: String,
}

/// Actors with fewer mentions are not ranked.
#[derive(Debug, Clone, Args)]
pub struct MinMentionsArg {
    /// Actors mentioned fewer times are not discovered, and not ranked (they are still listed).
    #[arg(long, env = "THEMESCOPE_MIN_MENTIONS", default_value_t = 3)]
    pub min_mentions: usize,
}

/// Which actors, and how their mentions are scored.
#[derive(Debug, Clone, Args)]
pub struct SentimentArgs {
    /// Actor file (TOML, as `themescope actors` writes); without it actors are discovered.
    #[arg(long, env = "THEMESCOPE_ACTORS", value_name = "FILE")]
    pub actors: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub scorer: ScorerArgs,

    #[command(flatten)]
    pub min: MinMentionsArg,
}

/// Documents on a time axis and a group axis, from their metadata.
#[derive(Debug, Clone, Args)]
pub struct AxesArgs {
    /// Metadata field with each document's date (jsonl/csv field, markdown front matter, HTML
    /// <meta>) [default: the first of date, published, year]. ISO dates, years and "2 March
    /// 2019" read; ambiguous (03/02/2019) and bad values are counted and listed, not guessed.
    #[arg(long, env = "THEMESCOPE_TIME_FIELD", value_name = "FIELD")]
    pub time_field: Option<String>,

    /// Metadata field with each document's group [default: the first of source, outlet,
    /// country, speaker].
    #[arg(long, env = "THEMESCOPE_GROUP_FIELD", value_name = "FIELD")]
    pub group_field: Option<String>,

    /// Time bins; auto: the finest of month, quarter, year with at most 30 bins.
    #[arg(long, env = "THEMESCOPE_TIME_BIN", value_enum, default_value_t = TimeBin::Auto)]
    pub time_bin: TimeBin,

    /// Average each bin's theme phrases with the previous bin's (BERTopic's evolution tuning).
    #[arg(long, env = "THEMESCOPE_SMOOTH_PHRASES", default_value_t = true,
          action = clap::ArgAction::Set, value_name = "BOOL")]
    pub smooth_phrases: bool,
}
