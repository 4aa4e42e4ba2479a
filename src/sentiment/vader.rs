//! The lexicon baseline: VADER (Hutto & Gilbert 2014), implemented here from the published
//! rules and reading the lexicon file at run time (it is not part of themescope). Rules: lexicon
//! valence, capitalisation emphasis, intensifiers in the three words before, negation in the three
//! words before, "least", contrast after "but", and exclamation and question marks; the compound
//! score is the sum normalised to [-1, 1].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Label, Prediction, SentimentError};

/// Where the lexicon lives under `$THEMESCOPE_MODELS`.
pub const LEXICON_SUBPATH: &str = "cjhutto--vaderSentiment/vader_lexicon.txt";

const BOOST: f64 = 0.293;
const CAPS_BOOST: f64 = 0.733;
const NEGATION_SCALAR: f64 = -0.74;
/// Compound labels: at or above this positive, at or below its negative negative.
pub const THRESHOLD: f64 = 0.05;

/// Words that raise (+) or lower (−) the intensity of the next sentiment word.
const INTENSIFIERS: &[(&str, f64)] = &[
    ("absolutely", BOOST),
    ("amazingly", BOOST),
    ("awfully", BOOST),
    ("completely", BOOST),
    ("considerably", BOOST),
    ("decidedly", BOOST),
    ("deeply", BOOST),
    ("enormously", BOOST),
    ("entirely", BOOST),
    ("especially", BOOST),
    ("exceptionally", BOOST),
    ("extremely", BOOST),
    ("fully", BOOST),
    ("greatly", BOOST),
    ("highly", BOOST),
    ("hugely", BOOST),
    ("incredibly", BOOST),
    ("intensely", BOOST),
    ("majorly", BOOST),
    ("more", BOOST),
    ("most", BOOST),
    ("particularly", BOOST),
    ("purely", BOOST),
    ("quite", BOOST),
    ("really", BOOST),
    ("remarkably", BOOST),
    ("so", BOOST),
    ("substantially", BOOST),
    ("thoroughly", BOOST),
    ("totally", BOOST),
    ("tremendously", BOOST),
    ("truly", BOOST),
    ("utterly", BOOST),
    ("very", BOOST),
    ("almost", -BOOST),
    ("barely", -BOOST),
    ("hardly", -BOOST),
    ("kinda", -BOOST),
    ("less", -BOOST),
    ("little", -BOOST),
    ("marginally", -BOOST),
    ("occasionally", -BOOST),
    ("partly", -BOOST),
    ("scarcely", -BOOST),
    ("slightly", -BOOST),
    ("somewhat", -BOOST),
    ("sorta", -BOOST),
];

/// Words that flip the sentiment of the words after them.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot",
    "without", "aint", "isnt", "wasnt", "dont", "doesnt", "didnt", "cant", "couldnt", "wouldnt",
    "shouldnt", "wont", "havent", "hasnt", "hadnt", "arent", "werent", "mustnt", "neednt",
];

/// VADER's four scores for a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VaderScores {
    pub negative: f64,
    pub neutral: f64,
    pub positive: f64,
    pub compound: f64,
}

impl VaderScores {
    /// The label from the compound score, the three proportions as "probabilities", and the
    /// compound as the score.
    pub fn prediction(&self) -> Prediction {
        let label = if self.compound >= THRESHOLD {
            Label::Positive
        } else if self.compound <= -THRESHOLD {
            Label::Negative
        } else {
            Label::Neutral
        };
        Prediction {
            label,
            probs: [
                self.negative as f32,
                self.neutral as f32,
                self.positive as f32,
            ],
            score: self.compound as f32,
        }
    }
}

/// A loaded lexicon.
#[derive(Debug, Clone)]
pub struct Vader {
    lexicon: HashMap<String, f64>,
}

impl Vader {
    /// The lexicon from `$THEMESCOPE_VADER_LEXICON`, else `$THEMESCOPE_MODELS/cjhutto--vaderSentiment/`.
    pub fn load_default() -> Result<Vader, SentimentError> {
        Vader::load(&default_lexicon_path())
    }

    /// Reads a lexicon file: `token<TAB>mean valence<TAB>...` per line.
    pub fn load(path: &Path) -> Result<Vader, SentimentError> {
        let text = std::fs::read_to_string(path).map_err(|e| SentimentError::Lexicon {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut lexicon = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let word = fields.next().unwrap_or("");
            let value = fields.next().and_then(|v| v.trim().parse::<f64>().ok());
            match value {
                Some(v) if !word.is_empty() => {
                    lexicon.insert(word.to_lowercase(), v);
                }
                _ => {
                    return Err(SentimentError::Lexicon {
                        path: path.to_path_buf(),
                        reason: format!("line {} is not `word<TAB>valence`", i + 1),
                    })
                }
            }
        }
        Ok(Vader { lexicon })
    }

    /// A lexicon from (word, valence) pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, f64)>) -> Vader {
        Vader {
            lexicon: pairs
                .into_iter()
                .map(|(w, v)| (w.to_lowercase(), v))
                .collect(),
        }
    }

    fn valence(&self, word: &str) -> Option<f64> {
        self.lexicon.get(&word.to_lowercase()).copied()
    }

    /// The scores of a text.
    pub fn polarity(&self, text: &str) -> VaderScores {
        let words = words(text);
        let lower: Vec<String> = words.iter().map(|w| normalise(&w.to_lowercase())).collect();
        let caps = words.iter().filter(|w| is_shouting(w)).count();
        let caps_differ = caps > 0 && caps < words.len();
        let mut sentiments = Vec::with_capacity(words.len());
        for i in 0..words.len() {
            let w = &lower[i];
            let is_intensifier = INTENSIFIERS.iter().any(|(b, _)| b == w);
            let kind_of = w == "kind" && lower.get(i + 1).is_some_and(|n| n == "of");
            let Some(mut v) = (!is_intensifier && !kind_of)
                .then(|| self.valence(w))
                .flatten()
            else {
                sentiments.push(0.0);
                continue;
            };
            if is_shouting(&words[i]) && caps_differ {
                v += CAPS_BOOST * v.signum();
            }
            for back in 1..=3 {
                if i < back {
                    break;
                }
                let prev = &lower[i - back];
                if self.valence(prev).is_none() {
                    let mut s = intensity(prev, &words[i - back], v, caps_differ);
                    if back == 2 {
                        s *= 0.95;
                    } else if back == 3 {
                        s *= 0.9;
                    }
                    v += s;
                    v = negation(v, &lower, i, back);
                }
            }
            if i >= 1 && lower[i - 1] == "least" {
                let at_least = i >= 2 && (lower[i - 2] == "at" || lower[i - 2] == "very");
                if !at_least {
                    v *= NEGATION_SCALAR;
                }
            }
            sentiments.push(v);
        }
        // Contrast: what follows "but" counts more, what precedes it less.
        if let Some(b) = lower.iter().position(|w| w == "but") {
            for (k, s) in sentiments.iter_mut().enumerate() {
                if k < b {
                    *s *= 0.5;
                } else if k > b {
                    *s *= 1.5;
                }
            }
        }
        let emphasis = punctuation_emphasis(text);
        let mut sum: f64 = sentiments.iter().sum();
        if sum > 0.0 {
            sum += emphasis;
        } else if sum < 0.0 {
            sum -= emphasis;
        }
        let compound = (sum / (sum * sum + 15.0).sqrt()).clamp(-1.0, 1.0);
        let mut pos: f64 = sentiments
            .iter()
            .filter(|s| **s > 0.0)
            .map(|s| s + 1.0)
            .sum();
        let mut neg: f64 = sentiments
            .iter()
            .filter(|s| **s < 0.0)
            .map(|s| s - 1.0)
            .sum();
        let neu = sentiments.iter().filter(|s| **s == 0.0).count() as f64;
        if pos > neg.abs() {
            pos += emphasis;
        } else if pos < neg.abs() {
            neg -= emphasis;
        }
        let total = pos + neg.abs() + neu;
        let (negative, neutral, positive) = if total > 0.0 {
            (neg.abs() / total, neu / total, pos / total)
        } else {
            (0.0, 0.0, 0.0)
        };
        VaderScores {
            negative,
            neutral,
            positive,
            compound,
        }
    }
}

/// `$THEMESCOPE_VADER_LEXICON`, else the lexicon under `$THEMESCOPE_MODELS`, else under
/// `../shared/models`.
pub fn default_lexicon_path() -> PathBuf {
    if let Some(p) = std::env::var_os("THEMESCOPE_VADER_LEXICON") {
        return PathBuf::from(p);
    }
    let models = std::env::var_os("THEMESCOPE_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/models"));
    models.join(LEXICON_SUBPATH)
}

/// Whitespace-separated words with surrounding punctuation removed (kept when removing it
/// would leave two characters or fewer, so emoticons like ":)" survive).
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            let stripped = w.trim_matches(|c: char| !c.is_alphanumeric());
            if stripped.chars().count() <= 2 {
                w.to_string()
            } else {
                stripped.to_string()
            }
        })
        .collect()
}

/// Lower-case with curly apostrophes made straight.
fn normalise(w: &str) -> String {
    w.replace(['’', '‘'], "'")
}

fn is_shouting(w: &str) -> bool {
    w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
}

fn is_negation(w: &str) -> bool {
    NEGATIONS.contains(&w) || w.contains("n't")
}

/// The push an intensifier gives a sentiment word of valence `v`.
fn intensity(lower: &str, word: &str, v: f64, caps_differ: bool) -> f64 {
    let Some(&(_, mut s)) = INTENSIFIERS.iter().find(|(b, _)| *b == lower) else {
        return 0.0;
    };
    if v < 0.0 {
        s = -s;
    }
    if is_shouting(word) && caps_differ {
        s += CAPS_BOOST * v.signum();
    }
    s
}

/// Negation `back` words before word `i`.
fn negation(v: f64, lower: &[String], i: usize, back: usize) -> f64 {
    let prev = lower[i - back].as_str();
    let between = &lower[i - back + 1..i];
    if back >= 2 && prev == "never" && between.iter().any(|w| w == "so" || w == "this") {
        return v * 1.25;
    }
    if back >= 2 && prev == "without" && between.first().is_some_and(|w| w == "doubt") {
        return v;
    }
    if is_negation(prev) {
        v * NEGATION_SCALAR
    } else {
        v
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let bangs = text.matches('!').count().min(4) as f64 * 0.292;
    let questions = text.matches('?').count();
    let q = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    bangs + q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vader() -> Vader {
        Vader::from_pairs([("good", 1.9), ("bad", -2.5), ("great", 3.1), ("hate", -2.7)])
    }

    #[test]
    fn rules_move_the_compound_the_expected_way() {
        let v = vader();
        let c = |t: &str| v.polarity(t).compound;
        assert!(c("The food is good.") > 0.3);
        assert!(c("The food is not good.") < 0.0);
        assert!(c("The food is very good.") > c("The food is good."));
        assert!(c("The food is GOOD.") > c("The food is good."));
        assert!(c("The food is good!!") > c("The food is good."));
        assert!(c("The food is good but the service is bad.") < 0.0);
        assert_eq!(c("The food arrived."), 0.0);
        assert_eq!(
            v.polarity("The food arrived.").prediction().label,
            Label::Neutral
        );
        assert_eq!(v.polarity("I hate it").prediction().label, Label::Negative);
        let s = v.polarity("good and bad and nothing");
        assert!((s.negative + s.neutral + s.positive - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_missing_lexicon_says_where_to_put_it() {
        let err = Vader::load(Path::new("/nonexistent/vader_lexicon.txt")).unwrap_err();
        assert!(err.to_string().contains("THEMESCOPE_MODELS"), "{err}");
    }
}
