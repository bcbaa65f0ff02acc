//! Helpers over the raw scenario text: byte offsets to 1-based
//! `line:column` (through a [`LineIndex`] built once, so that locating many
//! problems stays linear in the file's size), and short excerpts of "the
//! value as given" for messages.

use std::cell::Cell;
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

/// Byte offsets at which each line of one text starts, so that an offset is
/// turned into `line:column` by a binary search (instead of a scan from the
/// start of the file for every problem). Columns count characters: on an
/// ASCII line that is the byte distance; on another line the characters are
/// counted on from the previous lookup when it was earlier on the same line,
/// so that the many lookups of one long line (a 100,000-item array) stay
/// linear in all.
#[derive(Clone, Debug)]
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of the first character of each line; the first is 0.
    starts: Vec<usize>,
    /// Whether each line is pure ASCII.
    ascii: Vec<bool>,
    /// The last non-ASCII lookup: (byte offset, its 1-based column).
    last: Cell<(usize, usize)>,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text` (one pass).
    pub(crate) fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            } else if !byte.is_ascii() {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        Self {
            text,
            starts,
            ascii,
            last: Cell::new((usize::MAX, 0)),
        }
    }

    /// The indexed text.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    /// 1-based `(line, column)` of a byte offset, as [`line_column`].
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= end);
        let line_start = self.starts[line.saturating_sub(1)];
        if self
            .ascii
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(true)
        {
            return (line, end - line_start + 1);
        }
        let (last_byte, last_column) = self.last.get();
        let column = if last_byte != usize::MAX && last_byte >= line_start && last_byte <= end {
            last_column + text[last_byte..end].chars().count()
        } else {
            text[line_start..end].chars().count() + 1
        };
        self.last.set((end, column));
        (line, column)
    }
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
        let text = "a = 1\n\nné = \"é\" ü\r\nlast";
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
