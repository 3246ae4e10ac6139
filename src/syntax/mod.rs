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
