//! Conservative boilerplate removal: short paragraphs that are copyright lines, photo credits,
//! share/follow footers or bare separators. Long paragraphs are always kept, so real prose that
//! merely mentions these words survives.

use std::ops::Range;

/// Paragraphs at least this long (in characters) are never treated as boilerplate.
const MAX_CHARS: usize = 200;
/// Topic labels listed after a "Follow the topics" footer are shorter than this.
const MAX_LABEL_CHARS: usize = 60;

/// Lower-cased text with markdown-ish decoration removed, so `## **Follow the topics**` and
/// `[Copyright](#) ...` in plain-text files match like their clean forms.
fn plain(paragraph: &str) -> String {
    let stripped: String = paragraph
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '#' | '>' | '[' | ']' | '`'))
        .collect();
    stripped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn starts_with_any(s: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| s.starts_with(p))
}

/// "© 2024 Acme", "Copyright 2024 Acme", "(c) Acme", "... All rights reserved."; not prose about
/// copyright ("Copyright law has not kept up").
fn is_copyright(s: &str) -> bool {
    if s.contains('©') || s.contains("all rights reserved") || s.starts_with("(c) ") {
        return true;
    }
    s.strip_prefix("copyright").is_some_and(|rest| {
        let rest = rest.trim_start_matches([' ', ':', ')', '(', '#']);
        rest.starts_with(|c: char| c.is_ascii_digit())
            || rest.starts_with("c)")
            || rest.starts_with('©')
    })
}

/// "Photo: AP", "Pool photo by X/AFP via Getty Images", "(Photo by X/Getty Images)",
/// "Image credit: NASA".
fn is_photo_credit(s: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "photo:",
        "photo by",
        "photos:",
        "photos by",
        "photo credit",
        "photo illustration",
        "photograph:",
        "photograph by",
        "photography by",
        "pool photo",
        "file photo",
        "image:",
        "image by",
        "image credit",
        "image source",
        "images:",
        "credit:",
        "credits:",
        "picture:",
    ];
    let s = s.trim_start_matches('(');
    // Agency credits end the line ("X/AFP via Getty Images"); prose naming the agency does not.
    let s = s.trim_end_matches([')', '.']);
    starts_with_any(s, PREFIXES) || s.ends_with("getty images")
}

/// "Share this article", "Share on Facebook", "Click to share".
fn is_share_prompt(s: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "share this",
        "share on ",
        "share via",
        "share article",
        "click to share",
        "subscribe to our newsletter",
        "sign up for our newsletter",
        "sign up to our newsletter",
    ];
    matches!(s, "share" | "share:" | "advertisement") || starts_with_any(s, PREFIXES)
}

/// "Follow the topics in this article", "Follow us on X".
fn is_follow_footer(s: &str) -> bool {
    starts_with_any(
        s,
        &[
            "follow the topic",
            "follow this topic",
            "follow us",
            "follow our ",
        ],
    )
}

/// Whether a paragraph alone is boilerplate.
fn is_boilerplate(paragraph: &str) -> bool {
    if paragraph.chars().count() >= MAX_CHARS {
        return false;
    }
    // Separators and counters ("---", "0") carry no text.
    if !paragraph.chars().any(char::is_alphabetic) {
        return true;
    }
    let s = plain(paragraph);
    is_copyright(&s) || is_photo_credit(&s) || is_share_prompt(&s) || is_follow_footer(&s)
}

/// A short label without sentence punctuation, like the topic names under a "Follow" footer.
fn is_label(paragraph: &str) -> bool {
    paragraph.chars().count() < MAX_LABEL_CHARS && !paragraph.ends_with(['.', '!', '?'])
}

/// Which paragraphs (given as spans into `text`) to keep.
pub(crate) fn keep_mask(text: &str, spans: &[Range<usize>]) -> Vec<bool> {
    let paragraphs: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
    let mut keep: Vec<bool> = paragraphs.iter().map(|p| !is_boilerplate(p)).collect();
    // A "Follow the topics" footer is followed by its topic labels: drop them too, but only when
    // nothing except such labels follows.
    if let Some(i) = paragraphs
        .iter()
        .position(|p| p.chars().count() < MAX_CHARS && is_follow_footer(&plain(p)))
    {
        if paragraphs[i + 1..].iter().all(|p| is_label(p)) {
            keep[i..].fill(false);
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(paragraphs: &[&str]) -> Vec<String> {
        let text = paragraphs.join("\n\n");
        let spans = crate::corpus::split::paragraph_spans(&text);
        let keep = keep_mask(&text, &spans);
        spans
            .iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(r, _)| text[r.clone()].to_string())
            .collect()
    }

    #[test]
    fn drops_copyright_lines() {
        for line in [
            "© 2024 Acme Media",
            "Copyright 2024 Acme Media. All rights reserved.",
            "Copyright © Acme",
            "Copyright (c) 2023 The Authors",
            "[Copyright](#) The Financial Times Limited 2025. All rights reserved.",
            "All Rights Reserved",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn keeps_prose_that_mentions_copyright() {
        for line in [
            "Copyright law has not kept pace with generative models.",
            "The band lost a copyright case in 2019 over the song.",
            "Follow-up talks are planned for March.",
            "The photo shows the two leaders shaking hands in Beijing.",
            "Shareholders were not consulted.",
            "Getty Images sued the start-up over its training data.",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn long_paragraphs_are_never_boilerplate() {
        let long = format!("Copyright 2024 {}", "and the argument goes on ".repeat(10));
        assert!(long.chars().count() >= MAX_CHARS);
        assert!(!is_boilerplate(&long));
    }

    #[test]
    fn drops_photo_credits_and_captions_with_credits() {
        for line in [
            "Photo: AP",
            "(Photo by Jane Doe/Getty Images)",
            "Pool photo by Evgenia Novozhenina/AFP via Getty Images",
            "Jane Doe/AFP via Getty Images",
            "Image credit: NASA",
            "Leaders meet in Seoul © Reuters/Pool",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn drops_share_prompts_and_separators() {
        for line in [
            "Share this article",
            "Share on Facebook",
            "---",
            "\u{a0}0",
            "* * *",
        ] {
            assert!(is_boilerplate(line), "{line:?}");
        }
    }

    #[test]
    fn follow_footer_takes_its_topic_labels_along() {
        let kept = kept(&[
            "Prose stays.",
            "## **Follow the topics in this article**",
            "**Russian politics**",
            "**War in Ukraine**",
        ]);
        assert_eq!(kept, ["Prose stays."]);
    }

    #[test]
    fn follow_footer_before_prose_drops_only_itself() {
        let kept = kept(&[
            "Prose stays.",
            "Follow us on Mastodon",
            "Short label",
            "And here the article goes on with a full sentence.",
        ]);
        assert_eq!(
            kept,
            [
                "Prose stays.",
                "Short label",
                "And here the article goes on with a full sentence."
            ]
        );
    }
}
