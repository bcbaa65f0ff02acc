//! Helpers over the raw scenario text: byte offsets to 1-based
//! `line:column` (through a [`LineIndex`] built once, so that locating many
//! problems stays linear in the file's size), and short excerpts of "the
//! value as given" for messages.

use std::ops::Range;

/// Longest excerpt (in characters) quoted back to the user in a message.
const MAX_EXCERPT_CHARS: usize = 60;

/// Converts a byte offset into a 1-based `(line, column)`; the column counts
/// characters, not bytes. Offsets past the end are clamped to the end.
/// Scans the text: for many lookups in one text build a [`LineIndex`].
#[cfg(test)]
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_column(offset)
}

/// Where each line of one text starts and how many characters precede each 1 KiB checkpoint,
/// so that a byte offset becomes `line:column` by a binary search plus at most 1 KiB of
/// counting, in any order of lookups: locating every problem of a file stays linear in its
/// size. Columns count characters, not bytes. Used for scenario and sweep files alike.
#[derive(Clone, Debug)]
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of the first character of each line; the first is 0.
    starts: Vec<usize>,
    /// Characters in `text[..k * CHUNK]`, for every k.
    chars_before_chunk: Vec<usize>,
}

/// Bytes between two character-count checkpoints (bounds the work of one lookup).
const CHUNK: usize = 1024;

impl<'t> LineIndex<'t> {
    /// Indexes `text` (one pass).
    pub(crate) fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_chunk = Vec::with_capacity(bytes.len() / CHUNK + 2);
        let mut count = 0;
        for chunk in bytes.chunks(CHUNK) {
            chars_before_chunk.push(count);
            count += chunk.iter().filter(|&&b| !is_continuation(b)).count();
        }
        chars_before_chunk.push(count);
        Self {
            text,
            starts,
            chars_before_chunk,
        }
    }

    /// The indexed text.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    /// 1-based `(line, column)` of a byte offset, clamped to the text and moved back to the
    /// start of a character.
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= end);
        let line_start = self.starts[line - 1];
        (
            line,
            self.chars_before(end) - self.chars_before(line_start) + 1,
        )
    }

    /// Characters in `text[..offset]` (`offset` at a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        self.chars_before_chunk[chunk]
            + self.text.as_bytes()[chunk * CHUNK..offset]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }
}

/// A UTF-8 continuation byte (not the start of a character).
fn is_continuation(byte: u8) -> bool {
    (0x80..0xC0).contains(&byte)
}

/// The text covered by `span`, trimmed, on one line and shortened for display.
/// Returns an empty string when the span does not fall inside `text`.
pub(crate) fn excerpt(text: &str, span: Range<usize>) -> String {
    let raw = text.get(span).unwrap_or("").trim();
    shorten(raw)
}

/// Collapses whitespace runs (including newlines) and cuts long text with `…`.
pub(crate) fn shorten(raw: &str) -> String {
    let one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_EXCERPT_CHARS {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(MAX_EXCERPT_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (1, 5));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 11), (2, 6));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn columns_count_characters() {
        let text = "name = \"é\" # x";
        assert_eq!(line_column(text, 11), (1, 11));
        // An offset inside a multi-byte character is clamped back to its start.
        assert_eq!(line_column(text, 9), (1, 9));
    }

    #[test]
    fn the_index_agrees_with_a_scan_at_every_offset() {
        // Multi-byte characters, CRLF, and a line longer than one checkpoint chunk.
        let mut text = String::from("a = 1\n\nné = \"é\" ü\r\n名前 = \"x\"\n");
        text.push_str(&"é".repeat(700));
        text.push_str("\nlast = [1, 2]");
        let text = text.as_str();
        let index = LineIndex::new(text);
        let forward = 0..text.len() + 3;
        for offset in forward.clone().chain(forward.rev()) {
            let mut end = offset.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let before = &text[..end];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[start..].chars().count() + 1;
            assert_eq!(index.line_column(offset), (line, column), "offset {offset}");
        }
    }

    #[test]
    fn excerpts_are_short_and_single_line() {
        assert_eq!(excerpt("x = [1,\n  2]", 4..12), "[1, 2]");
        assert_eq!(excerpt("abc", 5..9), "");
        let long = "y".repeat(100);
        assert_eq!(excerpt(&long, 0..100).chars().count(), MAX_EXCERPT_CHARS);
    }
}
