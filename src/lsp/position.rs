//! Byte offsets of the checker to and from the protocol's positions: a line and a column in
//! UTF-16 code units, as LSP counts them unless told otherwise.

use crate::source::Span;
use lsp_types::{Position, Range};

/// The line starts of one text, for converting in both directions.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, line_starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position; past the end of its line means the line's end, past the
    /// last line the end of the text (the protocol asks for both).
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        Span::new(start, self.offset(range.end).max(start))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "a\n  title \"café 🚀\" x\nend";
        let index = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        // `é` is one unit, the rocket two.
        assert_eq!(index.position(x), Position::new(1, 18));
        assert_eq!(index.offset(Position::new(1, 18)), x);
        // Inside the surrogate pair: the end of the rocket.
        assert_eq!(index.offset(Position::new(1, 15)), x - 2);
        assert_eq!(
            index.offset(Position::new(1, 500)),
            text.find("\nend").unwrap()
        );
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }
}
