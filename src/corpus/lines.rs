//! Plain text read line by line, each line kept to a bounded length: memory follows what is
//! kept, not the size of the file, so a file that is one huge line costs no more than its first
//! [`MAX_PARAGRAPH_BYTES`](super::MAX_PARAGRAPH_BYTES).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::{input, CorpusError};

/// Text read with the ends of over-long lines left out.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct CappedText {
    pub text: String,
    /// Where in `text` a line's end was left out (its offset, in order), and how many bytes.
    pub dropped: Vec<(usize, usize)>,
}

/// Bytes left out (`dropped`, as in [`CappedText`]) at offsets in `within` of the text.
pub(crate) fn dropped_within(dropped: &[(usize, usize)], within: std::ops::Range<usize>) -> usize {
    let first = dropped.partition_point(|&(at, _)| at < within.start);
    dropped[first..]
        .iter()
        .take_while(|&&(at, _)| at < within.end)
        .map(|&(_, bytes)| bytes)
        .sum()
}

impl CappedText {
    /// The offset in the file of `offset` in the text: the bytes left out before it added back.
    fn file_offset(&self, offset: usize) -> usize {
        let before = self.dropped.partition_point(|&(at, _)| at < offset);
        offset + self.dropped[..before].iter().map(|d| d.1).sum::<usize>()
    }
}

/// Reads `source` (named `path` in errors) keeping at most `line_cap` bytes of each line, cut at
/// a character boundary; then checks that what is kept is UTF-8 text, as [`input::decode`] does.
pub(crate) fn read_capped(
    path: &Path,
    source: impl Read,
    line_cap: usize,
) -> Result<CappedText, CorpusError> {
    let mut reader = BufReader::with_capacity(64 * 1024, source);
    let mut bytes = Vec::new();
    let mut dropped = Vec::new();
    let mut line_len = 0usize; // bytes of the current line seen so far
    loop {
        let chunk = reader.fill_buf().map_err(|e| input::io_error(path, e))?;
        if chunk.is_empty() {
            break;
        }
        let (piece, ends_line) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..=i], true),
            None => (chunk, false),
        };
        let room = line_cap.saturating_sub(line_len);
        let (keep, skip) = piece.split_at(piece.len().min(room));
        bytes.extend_from_slice(keep);
        line_len += piece.len();
        let newline_skipped = ends_line && !skip.is_empty();
        let lost = skip.len() - usize::from(newline_skipped);
        if lost > 0 {
            note_dropped(&mut bytes, &mut dropped, lost);
        }
        if newline_skipped {
            bytes.push(b'\n');
        }
        if ends_line {
            line_len = 0;
        }
        let used = piece.len();
        reader.consume(used);
    }
    let capped = CappedText {
        text: String::new(),
        dropped: merge(dropped),
    };
    match input::decode(path, bytes) {
        Ok(text) => Ok(CappedText { text, ..capped }),
        Err(CorpusError::InvalidUtf8 { path, offset }) => Err(CorpusError::InvalidUtf8 {
            path,
            offset: capped.file_offset(offset),
        }),
        Err(e) => Err(e),
    }
}

/// Records `skipped` bytes left out at the end of `bytes`, first moving a character cut in two
/// at the cap out of the kept part (it is left out with the rest).
fn note_dropped(bytes: &mut Vec<u8>, dropped: &mut Vec<(usize, usize)>, skipped: usize) {
    let mut cut = 0;
    // A UTF-8 character is at most 4 bytes: look back at most 3 for its first byte.
    for back in 1..=3.min(bytes.len()) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 != 0x80 {
            let width = match b {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            cut = if width > back { back } else { 0 };
            break;
        }
    }
    bytes.truncate(bytes.len() - cut);
    dropped.push((bytes.len(), skipped + cut));
}

/// One entry per offset: a line left out in several chunks counts once.
fn merge(dropped: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(dropped.len());
    for (at, bytes) in dropped {
        match out.last_mut() {
            Some(last) if last.0 == at => last.1 += bytes,
            _ => out.push((at, bytes)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], cap: usize) -> Result<CappedText, CorpusError> {
        read_capped(Path::new("in.txt"), text, cap)
    }

    #[test]
    fn short_lines_are_read_whole() {
        let got = read(b"one\n\ntwo three\nfour", 100).unwrap();
        assert_eq!(got.text, "one\n\ntwo three\nfour");
        assert!(got.dropped.is_empty());
    }

    #[test]
    fn long_lines_keep_their_head_and_say_what_was_left() {
        let got = read(b"abcdefgh\nxy\n0123456789", 4).unwrap();
        assert_eq!(got.text, "abcd\nxy\n0123");
        assert_eq!(got.dropped, [(4, 4), (12, 6)]);
        assert_eq!(dropped_within(&got.dropped, 0..5), 4);
        assert_eq!(dropped_within(&got.dropped, 5..usize::MAX), 6);
        assert_eq!(dropped_within(&got.dropped, 5..12), 0);
        let exact = read(
            b"abcd
abcde",
            4,
        )
        .unwrap();
        assert_eq!(
            (exact.text.as_str(), exact.dropped),
            (
                "abcd
abcd",
                vec![(9, 1)]
            )
        );
    }

    #[test]
    fn a_line_read_in_many_chunks_is_one_drop() {
        let line = "word ".repeat(100_000);
        let got = read(format!("{line}\nend").as_bytes(), 1000).unwrap();
        assert_eq!(got.text, format!("{}\nend", &line[..1000]));
        assert_eq!(got.dropped, [(1000, line.len() - 1000)]);
    }

    #[test]
    fn a_character_at_the_cap_is_left_out_whole() {
        let got = read("aé日x\nb".as_bytes(), 4).unwrap();
        assert_eq!(got.text, "aé\nb");
        assert_eq!(got.dropped, [(3, 4)]);
    }

    #[test]
    fn a_bad_byte_is_named_at_its_offset_in_the_file() {
        let err = read(b"abcdefgh\nok \xFF", 4).unwrap_err();
        assert!(
            matches!(err, CorpusError::InvalidUtf8 { offset: 12, .. }),
            "{err}"
        );
        let err = read(b"\xFF\xFEa\x00", 100).unwrap_err();
        assert!(matches!(err, CorpusError::Utf16 { .. }));
    }
}
