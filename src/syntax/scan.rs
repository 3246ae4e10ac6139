//! A light lexical pass for the guard and the hint that work without pest: which bytes are
//! code, as opposed to the inside of strings, comments and heredoc bodies.

use std::ops::ControlFlow;

/// Calls `f` with the offset and byte of every byte of code in `text`, until it breaks.
/// A plain loop over locals, not an iterator: the depth guard runs it over every byte of
/// every file, and this keeps it at a few instructions a byte.
pub(super) fn code<T>(text: &str, mut f: impl FnMut(usize, u8) -> ControlFlow<T>) -> Option<T> {
    let bytes = text.as_bytes();
    let line_end = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |n| from + n)
    };
    // The quote of the string being read (strings end at their line's end), and the tag of
    // the last heredoc opened, whose body starts on the next line.
    let mut quote = None;
    let mut tag: Option<&[u8]> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (quote, b) {
            (Some(_), b'\\') => i += 1,
            (Some(q), _) if b == q || b == b'\n' => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') => i = line_end(i) - 1,
            (None, _) => {
                if let ControlFlow::Break(found) = f(i, b) {
                    return Some(found);
                }
                if b == b'<' && matches!(bytes[i..], [b'<', b'<', b'~' | b'-', ..]) {
                    let rest = &bytes[i + 3..];
                    let len = rest
                        .iter()
                        .position(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_'))
                        .unwrap_or(rest.len());
                    tag = (len > 0).then(|| &rest[..len]);
                } else if b == b'\n'
                    && let Some(t) = tag.take()
                {
                    // Skip the body, through the line that closes it.
                    let mut line = i + 1;
                    while line < bytes.len() {
                        let end = line_end(line);
                        let closes = bytes[line..end].trim_ascii() == t;
                        line = end + 1;
                        if closes {
                            break;
                        }
                    }
                    i = line - 1;
                }
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::code;
    use std::ops::ControlFlow;

    fn kept(text: &str) -> String {
        let mut kept = String::new();
        code::<()>(text, |_, b| {
            kept.push(b as char);
            ControlFlow::Continue(())
        });
        kept
    }

    #[test]
    fn strings_comments_and_heredoc_bodies_are_not_code() {
        assert_eq!(kept("a \"(x\" 'y[' b # (c\nd"), "a   b \nd");
        assert_eq!(
            kept("q <<~SQL, x\n  select (1\n  SQL\nend"),
            "q <<~SQL, x\nend"
        );
        assert_eq!(kept("\"a\\\"(\" ("), " (");
        assert_eq!(
            kept("x <<~SQL\n(\n"),
            "x <<~SQL\n",
            "a heredoc never closed"
        );
    }
}
