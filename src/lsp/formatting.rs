//! Formatting the whole document through `lrb fmt`'s printer; a text that does not parse is
//! refused, since printing it back could drop what the parser skipped.

use super::position::LineIndex;
use crate::fmt::{self, FormatError};
use crate::source::{FileId, Span};
use lsp_types::TextEdit;

/// The edits that make `text` canonical: none when it already is.
pub fn format(text: &str) -> Result<Vec<TextEdit>, String> {
    match fmt::format(text, FileId(0)) {
        Ok(out) if out == text => Ok(Vec::new()),
        Ok(out) => {
            let index = LineIndex::new(text);
            Ok(vec![TextEdit::new(
                index.range(Span::new(0, text.len())),
                out,
            )])
        }
        Err(FormatError::Syntax(found)) => Err(match found.first() {
            Some(d) => {
                let (line, column) =
                    crate::source::SourceFile::new("", text).line_col(d.span.start);
                format!(
                    "not formatted: the text does not parse ({} at {line}:{column}: {})",
                    d.rule().code,
                    d.message
                )
            }
            None => "not formatted: the text does not parse".to_string(),
        }),
        Err(FormatError::Unstable) => Err(
            "not formatted: the formatter's output would mean something else (a bug in lrb fmt)"
                .to_string(),
        ),
    }
}
