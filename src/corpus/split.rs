//! Paragraph and sentence boundaries, as byte spans into a document's text.

use std::ops::Range;

/// Byte ranges of the lines of `text`, each including its line break.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let range = start..start + line.len();
        start = range.end;
        range
    })
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// `range` shrunk to exclude leading and trailing whitespace.
fn trim_span(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    start..start + slice.trim().len()
}

/// Whether some blank line separates two lines of text. Leading and trailing blank lines do not
/// count: they say nothing about how the author separates paragraphs.
pub(crate) fn has_blank_separator(text: &str) -> bool {
    let mut seen_text = false;
    let mut gap = false;
    for range in line_ranges(text) {
        if is_blank(&text[range]) {
            gap = seen_text;
        } else if gap {
            return true;
        } else {
            seen_text = true;
        }
    }
    false
}

/// Trimmed, non-empty paragraph spans: blocks separated by blank lines, or single lines when the
/// text has no blank separator at all (some articles put one paragraph on each line).
pub(crate) fn paragraph_spans(text: &str) -> Vec<Range<usize>> {
    let by_blank_lines = has_blank_separator(text);
    let mut spans = Vec::new();
    let mut current: Option<Range<usize>> = None;
    for line in line_ranges(text) {
        let blank = is_blank(&text[line.clone()]);
        if !by_blank_lines {
            if !blank {
                spans.push(trim_span(text, line));
            }
        } else if blank {
            spans.extend(current.take().map(|r| trim_span(text, r)));
        } else {
            current = Some(current.map_or(line.clone(), |c| c.start..line.end));
        }
    }
    spans.extend(current.map(|r| trim_span(text, r)));
    spans.retain(|r| !r.is_empty());
    spans
}

/// Words ending in a period that rarely end a sentence (compared lower-case, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "inc", "ltd", "co",
    "corp", "gen", "gov", "sen", "rep", "rev", "col", "lt", "sgt", "capt", "cmdr", "adm", "fig",
    "figs", "approx", "ca", "cf", "al", "pp", "vol", "vols", "ed", "eds", "dept", "univ", "ave",
    "blvd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Whether the word just before a period is an abbreviation, so the period ends no sentence.
fn is_abbreviation(before: &str, next: char) -> bool {
    let token = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let token = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    if token.is_empty() {
        return false;
    }
    let lower = token.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // "No. 5" is a number; "said no. Then" is a sentence end.
    if (lower == "no" || lower == "nos") && next.is_ascii_digit() {
        return true;
    }
    let mut chars = token.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        // An initial, as in "J. Smith".
        return c.is_uppercase();
    }
    // Dotted abbreviations: U.S., e.g., i.e., a.m., Ph.D.
    token.contains('.')
        && token.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        })
}

/// Where a sentence ends after the terminal `c` at byte `i` of `p`, and where the next one begins.
fn sentence_break(p: &str, i: usize, c: char) -> Option<(usize, usize)> {
    let cjk = matches!(c, '。' | '！' | '？');
    let mut end = i + c.len_utf8();
    // Runs like "?!" or "..." and closing quotes or brackets belong to the sentence.
    for ch in p[end..].chars() {
        if matches!(
            ch,
            '.' | '!' | '?' | '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '」' | '』' | '）'
        ) {
            end += ch.len_utf8();
        } else {
            break;
        }
    }
    let rest = &p[end..];
    let next_text = rest.trim_start();
    let next = next_text.chars().next()?;
    let start = end + (rest.len() - next_text.len());
    if cjk {
        // CJK text puts no space between sentences.
        return Some((end, start));
    }
    // A bracket opens a sentence only before a capital: "(Later, ...)" does, a note "(2)" not.
    let after_bracket = next_text[next.len_utf8()..].chars().next();
    let opens_sentence = next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '\'' | '“' | '‘' | '«')
        || (matches!(next, '(' | '[') && after_bracket.is_some_and(char::is_uppercase));
    if start == end || !opens_sentence {
        return None;
    }
    if c == '.' && end == i + 1 && is_abbreviation(&p[..i], next) {
        return None;
    }
    Some((end, start))
}

/// Sentence spans inside the paragraph `para` of `text`: a conservative rule-based splitter that
/// breaks after `.`, `!` or `?` followed by whitespace and an uppercase letter, a digit or an
/// opening quote, except after common abbreviations and initials (and after `。！？`).
pub(crate) fn sentence_spans(text: &str, para: Range<usize>) -> Vec<Range<usize>> {
    let p = &text[para.clone()];
    let mut spans = Vec::new();
    let mut start = 0;
    let mut chars = p.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '。' | '！' | '？') {
            continue;
        }
        if let Some((end, next)) = sentence_break(p, i, c) {
            spans.push(trim_span(p, start..end));
            start = next;
            while chars.next_if(|&(j, _)| j < next).is_some() {}
        }
    }
    spans.push(trim_span(p, start..p.len()));
    spans
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| para.start + r.start..para.start + r.end)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(text: &str) -> Vec<&str> {
        paragraph_spans(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text, 0..text.len())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_single_breaks_stay_inside() {
        let text = "\n\n  First line\nsame paragraph.  \n\n\n \t\nSecond.\r\n\r\nThird\n";
        assert_eq!(
            paragraphs(text),
            ["First line\nsame paragraph.", "Second.", "Third"]
        );
    }

    #[test]
    fn without_blank_lines_each_line_is_a_paragraph() {
        let text = "\nOne.\n  Two, indented.\nThree.\n\n";
        assert!(!has_blank_separator(text));
        assert_eq!(paragraphs(text), ["One.", "Two, indented.", "Three."]);
    }

    #[test]
    fn whitespace_only_lines_count_as_blank() {
        // A no-break space alone on a line separates paragraphs too.
        let text = "A\nB\n\u{a0}\nC";
        assert_eq!(paragraphs(text), ["A\nB", "C"]);
    }

    #[test]
    fn empty_and_blank_texts_have_no_paragraphs() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\t\n").is_empty());
    }

    #[test]
    fn spans_are_byte_offsets_in_multibyte_text() {
        let text = "中俄关系\n\n📈 rallied";
        let spans = paragraph_spans(text);
        assert_eq!(spans, vec![0..12, 14..text.len()]);
        assert_eq!(&text[spans[1].clone()], "📈 rallied");
    }

    #[test]
    fn splits_sentences_on_terminal_punctuation() {
        assert_eq!(
            sentences("It rained. Then it stopped! Did it? “Yes,” he said. 2024 was wet."),
            [
                "It rained.",
                "Then it stopped!",
                "Did it?",
                "“Yes,” he said.",
                "2024 was wet."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        assert_eq!(
            sentences("He called it “the Collective West.” However, he was wrong."),
            [
                "He called it “the Collective West.”",
                "However, he was wrong."
            ]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let text = "Mr. Smith met Dr. Jones in St. Louis on Jan. 5 with J. R. Tolkien. \
                    U.S. President Trump spoke, e.g. About trade. It ended.";
        assert_eq!(
            sentences(text),
            [
                "Mr. Smith met Dr. Jones in St. Louis on Jan. 5 with J. R. Tolkien.",
                "U.S. President Trump spoke, e.g. About trade.",
                "It ended."
            ]
        );
    }

    #[test]
    fn note_markers_stay_with_the_sentence_before() {
        assert_eq!(
            sentences("They were “capitalist roaders.” (2) (Later, he said more.) End."),
            [
                "They were “capitalist roaders.” (2) (Later, he said more.)",
                "End."
            ]
        );
    }

    #[test]
    fn lowercase_or_no_space_after_a_period_does_not_split() {
        assert_eq!(
            sentences("Prices rose 3.5 percent. and then fell.It was odd."),
            ["Prices rose 3.5 percent. and then fell.It was odd."]
        );
    }

    #[test]
    fn number_abbreviation_only_before_digits() {
        assert_eq!(sentences("See No. 5 here."), ["See No. 5 here."]);
        assert_eq!(
            sentences("She said no. Then left."),
            ["She said no.", "Then left."]
        );
    }

    #[test]
    fn cjk_sentences_split_without_spaces() {
        assert_eq!(
            sentences("中俄关系稳健。双方会谈！"),
            ["中俄关系稳健。", "双方会谈！"]
        );
    }

    #[test]
    fn sentence_spans_are_relative_to_the_document() {
        let text = "Title\n\nOne. Two.";
        let para = paragraph_spans(text)[1].clone();
        let spans = sentence_spans(text, para);
        assert_eq!(spans, vec![7..11, 12..16]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text made of words, punctuation, spaces, line breaks and a few non-ASCII characters.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                "[A-Za-z]{1,8}",
                Just(" ".to_string()),
                Just("\n".to_string()),
                Just("\n\n".to_string()),
                Just(". ".to_string()),
                Just("? ".to_string()),
                Just("Mr. ".to_string()),
                Just("\t".to_string()),
                Just("«Über» ".to_string()),
                Just("。".to_string()),
                Just("\u{a0}".to_string()),
                Just("\r\n".to_string()),
            ],
            0..60,
        )
        .prop_map(|parts| parts.concat())
    }

    /// Spans in order, apart, on character boundaries, trimmed and non-empty.
    fn well_formed(text: &str, spans: &[Range<usize>], within: Range<usize>) {
        let mut last = within.start;
        for s in spans {
            assert!(
                s.start >= last && s.start < s.end && s.end <= within.end,
                "{spans:?}"
            );
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert_eq!(text[s.clone()].trim(), &text[s.clone()]);
            last = s.end;
        }
    }

    /// Every non-whitespace character of `within` lies in a span.
    fn covers(text: &str, spans: &[Range<usize>], within: Range<usize>) {
        for (i, c) in text[within.clone()].char_indices() {
            let at = within.start + i;
            if !c.is_whitespace() {
                assert!(
                    spans.iter().any(|s| s.contains(&at)),
                    "{c:?} at {at} not in {spans:?}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn paragraph_spans_map_back_to_the_text(text in text()) {
            let spans = paragraph_spans(&text);
            well_formed(&text, &spans, 0..text.len());
            covers(&text, &spans, 0..text.len());
        }

        #[test]
        fn sentence_spans_map_back_to_their_paragraph(text in text()) {
            for para in paragraph_spans(&text) {
                let sentences = sentence_spans(&text, para.clone());
                well_formed(&text, &sentences, para.clone());
                covers(&text, &sentences, para);
            }
        }
    }
}
