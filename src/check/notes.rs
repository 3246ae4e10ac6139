//! The comment written just above a statement: the human wording exporters show beside it
//! (`# Check health endpoints` over a check, `# Bad deployment: ...` over a `when`). The
//! checker lowers it into the plan, so exporters read the plan alone.

use crate::ast::Comment;
use crate::source::Span;

/// The own-line comments directly above `span` (no blank line between), joined into one line
/// without their `#`.
pub(super) fn above(text: &str, comments: &[Comment], span: Span) -> Option<String> {
    let mut lines = Vec::new();
    let mut next_start = span.start;
    // Comments are in source order: skip straight to those that end before `span`.
    let before = comments.partition_point(|c| c.span.end <= span.start);
    for c in comments[..before].iter().rev() {
        let between = &text[c.span.end..next_start];
        let line_start = text[..c.span.start].rfind('\n').map_or(0, |i| i + 1);
        let own_line = text[line_start..c.span.start].trim().is_empty();
        if !own_line || between.matches('\n').count() != 1 || !between.trim().is_empty() {
            break;
        }
        lines.push(c.text.trim_start_matches('#').trim().to_string());
        next_start = line_start;
    }
    lines.reverse();
    let note = lines.join(" ");
    (!note.is_empty()).then_some(note)
}
