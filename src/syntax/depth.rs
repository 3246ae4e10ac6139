//! A guard against input nested so deep that the recursive-descent parser would exhaust its
//! stack: real runbooks nest a few levels; a fuzzer or a broken generator can nest thousands.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use std::ops::ControlFlow;

/// Deeper than any runbook needs, far shallower than what overflows a 2 MiB thread stack.
pub(super) const MAX_DEPTH: usize = 64;

/// The byte offset where nesting first exceeds [`MAX_DEPTH`], counting `(`, `[` and `do`
/// against `)`, `]` and `end` in code (not in strings, comments or heredoc bodies).
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let word_at = |i: usize, w: &[u8]| {
        bytes[i..].starts_with(w)
            && (i == 0 || !is_word(bytes[i - 1]))
            && bytes.get(i + w.len()).is_none_or(|b| !is_word(*b))
    };
    let mut depth: usize = 0;
    super::scan::code(text, |i, b| {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'd' if word_at(i, b"do") => depth += 1,
            b'e' if word_at(i, b"end") => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            ControlFlow::Break(i)
        } else {
            ControlFlow::Continue(())
        }
    })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(super) fn diagnostic(at: usize, text: &str, file: FileId) -> Diagnostic {
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    Diagnostic::new(
        Code::TooDeep,
        file,
        Span::new(at, end),
        format!("nesting deeper than {MAX_DEPTH} levels"),
    )
    .label("too deep from here")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_runbooks_pass_and_deep_nesting_is_caught() {
        assert_eq!(
            too_deep("runbook :a do\n  check :b do\n    x.y [1, (2)]\n  end\nend\n"),
            None
        );
        assert_eq!(too_deep("title \"((((((((\" # [[[[[[\n"), None);
        let deep = "(".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&deep), Some(MAX_DEPTH));
        let blocks = "runbook :a do\n".repeat(MAX_DEPTH + 1);
        assert!(too_deep(&blocks).is_some());
        let sql = format!("x.query <<~SQL\n{}SQL\n", "do (\n".repeat(MAX_DEPTH + 1));
        assert_eq!(too_deep(&sql), None, "a heredoc body is not code");
    }
}
