//! Joined sentences for training: two training sentences whose targets differ in label, written
//! one after the other as one example. One pass per sentence means the model must tell a
//! sentence's targets apart from the same token states; few NewsMTSC training sentences hold
//! targets of different labels (9%), and a joined pair is one more such case whose labels only
//! each target's own words decide.

use crate::sentiment::rng::SplitMix64;
use crate::sentiment::training::data::LabelledTarget;

use super::states;

/// Joined text longer than this (bytes) is not made: it would pass the encoder's 256 word
/// pieces and lose the second sentence's targets.
const MAX_JOINED_BYTES: usize = 600;

/// Seeded pairs of `targets`' sentences of different labels (the label of each sentence's first
/// target), about `share` × the number of sentences of them, each joined into one sentence
/// with all its targets' spans moved to where they now stand.
pub fn joined(targets: &[&LabelledTarget], share: f64, seed: u64) -> Vec<LabelledTarget> {
    let groups = states::sentences(targets);
    let wanted = (share * groups.len() as f64).round() as usize;
    let mut order: Vec<usize> = (0..groups.len()).collect();
    SplitMix64::new(seed ^ 0x05EE_D0F9_A1E5).shuffle(&mut order);
    // One sentence waiting for a partner per label.
    let mut waiting: [Option<usize>; 3] = [None; 3];
    let mut out = Vec::new();
    let mut made = 0;
    for g in order {
        if made == wanted {
            break;
        }
        let ids = &groups[g].1;
        let label = targets[ids[0]].label.index();
        let fits = |w: usize| groups[w].0.len() + 1 + groups[g].0.len() <= MAX_JOINED_BYTES;
        let partner = (0..3)
            .filter(|&l| l != label)
            .find_map(|l| waiting[l].filter(|&w| fits(w)).map(|w| (l, w)));
        match partner {
            Some((l, first)) => {
                waiting[l] = None;
                out.extend(join(targets, &groups[first].1, &groups[g].1));
                made += 1;
            }
            None => waiting[label] = Some(g),
        }
    }
    out
}

/// The targets of two sentences as targets of the one sentence "first second".
fn join(targets: &[&LabelledTarget], first: &[usize], second: &[usize]) -> Vec<LabelledTarget> {
    let (a, b) = (&targets[first[0]].text, &targets[second[0]].text);
    let text = format!("{a} {b}");
    let (bytes, chars) = (a.len() + 1, a.chars().count() + 1);
    let moved = |t: &LabelledTarget, by_bytes: usize, by_chars: usize| LabelledTarget {
        text: text.clone(),
        span: t.span.start + by_bytes..t.span.end + by_bytes,
        chars: t.chars.start + by_chars..t.chars.end + by_chars,
        label: t.label,
        line: t.line,
    };
    first
        .iter()
        .map(|&i| moved(targets[i], 0, 0))
        .chain(second.iter().map(|&i| moved(targets[i], bytes, chars)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::Label;

    fn target(text: &str, mention: &str, label: Label, line: usize) -> LabelledTarget {
        let start = text.find(mention).unwrap();
        let chars = text[..start].chars().count();
        LabelledTarget {
            text: text.to_string(),
            span: start..start + mention.len(),
            chars: chars..chars + mention.chars().count(),
            label,
            line,
        }
    }

    #[test]
    fn pairs_join_sentences_of_different_labels_and_keep_each_span_on_its_mention() {
        let data = [
            target(
                "Critics – “fierce” ones – attacked Smith.",
                "Smith",
                Label::Negative,
                1,
            ),
            target("Voters praised Jones warmly.", "Jones", Label::Positive, 2),
            target("Brown spoke on Monday.", "Brown", Label::Neutral, 3),
            target("Lee was mocked by the press.", "Lee", Label::Negative, 4),
            target("Lee was mocked by the press.", "press", Label::Neutral, 4),
        ];
        let refs: Vec<&LabelledTarget> = data.iter().collect();
        let pairs = joined(&refs, 1.0, 7);
        assert!(!pairs.is_empty());
        for t in &pairs {
            let original = data
                .iter()
                .find(|d| d.line == t.line && d.span.len() == t.span.len());
            let original = original.unwrap();
            assert_eq!(
                &t.text[t.span.clone()],
                &original.text[original.span.clone()]
            );
            let by_chars: String = t
                .text
                .chars()
                .skip(t.chars.start)
                .take(t.chars.len())
                .collect();
            assert_eq!(by_chars, &original.text[original.span.clone()]);
            assert_eq!(t.label, original.label);
        }
        // Each joined sentence holds targets of two labels, and whole sentences only.
        for group in states::sentences(&pairs.iter().collect::<Vec<_>>()) {
            let labels: Vec<Label> = group.1.iter().map(|&i| pairs[i].label).collect();
            assert!(labels.iter().any(|l| *l != labels[0]), "{}", group.0);
        }
        assert_eq!(joined(&refs, 1.0, 7), pairs, "seeded");
        assert!(joined(&refs, 0.0, 7).is_empty());
    }
}
