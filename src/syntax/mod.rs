//! Text to AST. The only module that knows pest: nothing outside it names `Pair` or `Rule`.

mod depth;
mod error;
pub mod keywords;
mod lower;
mod scan;

use crate::ast::File;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use pest::Parser as _;
use std::ops::ControlFlow;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/runbook.pest"]
struct Grammar;

/// Parses one file. A file that does not follow the grammar gives `None` and one diagnostic;
/// one that does gives its AST and any diagnostics from literals the parser let through.
pub fn parse(text: &str, file: FileId) -> (Option<File>, Vec<Diagnostic>) {
    if let Some(at) = depth::too_deep(text) {
        return (None, vec![depth::diagnostic(at, text, file)]);
    }
    match Grammar::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let top = pairs
                .next()
                .expect("the `file` rule always yields one pair");
            let (ast, diagnostics) = lower::file(top, file);
            (Some(ast), diagnostics)
        }
        Err(err) => (None, vec![error::from_pest(&err, text, file)]),
    }
}

/// Which bytes of `text` are code, not the inside of a string, comment or heredoc body: for
/// an editor's completion, which reads text that may not parse.
pub fn code_bytes(text: &str) -> Vec<bool> {
    let mut code = vec![false; text.len()];
    scan::code::<()>(text, |i, _| {
        code[i] = true;
        ControlFlow::Continue(())
    });
    code
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::source::FileId;

    fn comments(text: &str) -> Vec<String> {
        let (ast, diagnostics) = parse(text, FileId(0));
        assert!(diagnostics.is_empty(), "{text:?}: {diagnostics:?}");
        let ast = ast.unwrap_or_else(|| panic!("{text:?} should parse"));
        ast.comments.into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn a_comment_may_end_any_line() {
        let text = "# top\nrunbook :a do # after do\n  check :b, # after a comma\n    \"B\" do\n    x.y( # in brackets\n      [1, # in a list\n       2] # before the bracket\n    )\n    x.q <<~SQL, info: true # after a heredoc's opening\n      select 1 -- # not a comment\n    SQL\n  end # after end\nend # last, with no new line";
        assert_eq!(
            comments(text),
            [
                "# top",
                "# after do",
                "# after a comma",
                "# in brackets",
                "# in a list",
                "# before the bracket",
                "# after a heredoc's opening",
                "# after end",
                "# last, with no new line",
            ]
        );
        // A block left open at the end of the file, after a comment, is still read.
        for text in [
            "runbook :a do\n  check :b do\n  end # x",
            "runbook :a do # x",
        ] {
            let (ast, diagnostics) = parse(text, FileId(0));
            assert_eq!(ast.map(|a| a.comments.len()), Some(1), "{text:?}");
            assert!(
                matches!(&diagnostics[..], [d] if d.code == crate::diagnostic::Code::MissingEnd)
            );
        }
    }

    #[test]
    fn reserved_words_start_no_value_or_statement() {
        // A symbol, a key or a method may be any name.
        assert!(comments("runbook :end do\n  x.do end: :do, when: 1\nend\n").is_empty());
        for text in [
            "runbook :a do\n  x.y do\nend\n",
            "runbook :a do\n  not\nend\n",
            "end\n",
        ] {
            let (_, diagnostics) = parse(text, FileId(0));
            assert!(!diagnostics.is_empty(), "{text:?} should not parse");
        }
    }
}
