//! Line and column of a byte offset in a sweep file, in constant time after one linear pass,
//! so placing every problem of a file with tens of thousands of entries stays linear in the
//! file's size. Same numbers as the scenario loader's positions (1-based; columns count
//! characters).

/// Bytes per checkpoint of the character count (bounds the work per lookup).
const CHUNK: usize = 1024;

/// Where lines start and how many characters precede each checkpoint.
#[derive(Debug, Clone)]
pub struct TextIndex<'t> {
    text: &'t str,
    /// Byte offset of the start of every line (the first is 0).
    line_starts: Vec<usize>,
    /// Characters in `text[..i * CHUNK]`, for every i.
    chars_before_chunk: Vec<usize>,
}

impl<'t> TextIndex<'t> {
    /// Index `text` (one pass).
    pub fn new(text: &'t str) -> TextIndex<'t> {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_chunk = Vec::with_capacity(bytes.len() / CHUNK + 1);
        let mut count = 0;
        for chunk in bytes.chunks(CHUNK) {
            chars_before_chunk.push(count);
            count += chunk.iter().filter(|&&b| !is_continuation(b)).count();
        }
        chars_before_chunk.push(count);
        TextIndex {
            text,
            line_starts,
            chars_before_chunk,
        }
    }

    /// 1-based (line, column) of the character at byte `offset` (clamped to the text, and
    /// moved back to the start of a character).
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= end);
        let line_start = self.line_starts[line - 1];
        (
            line,
            self.chars_before(end) - self.chars_before(line_start) + 1,
        )
    }

    /// Characters in `text[..offset]` (`offset` at a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        let from = chunk * CHUNK;
        self.chars_before_chunk[chunk]
            + self.text.as_bytes()[from..offset]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }
}

/// A UTF-8 continuation byte (not the start of a character).
fn is_continuation(byte: u8) -> bool {
    (0x80..0xC0).contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::line_column;

    #[test]
    fn positions_match_the_scenario_loaders_at_every_offset() {
        let mut text = String::from("a = 1\n\n名前 = \"x\"\r\n");
        text.push_str(&"é".repeat(700));
        text.push_str("\nlast = [1, 2]\n");
        let index = TextIndex::new(&text);
        for offset in 0..=text.len() + 3 {
            assert_eq!(
                index.line_column(offset),
                line_column(&text, offset),
                "offset {offset}"
            );
        }
    }
}
