//! Turns a pest error into a diagnostic a person can act on.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use std::ops::ControlFlow;

pub(super) fn from_pest(err: &pest::error::Error<Rule>, text: &str, file: FileId) -> Diagnostic {
    let at = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let span = token_at(text, at);
    let found = &text[span.start..span.end];
    let message = if found.is_empty() {
        "unexpected end of file".to_string()
    } else if found == "\n" || found == "\r\n" {
        "unexpected end of line".to_string()
    } else {
        format!("unexpected `{found}`")
    };
    let expected = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    // pest names rules, not literals: an open bracket's closer is never among them.
    let unclosed = unclosed_bracket(text, at);
    let expected = match unclosed {
        Some((_, close)) if expected.is_empty() => format!("`{close}`"),
        Some((_, close)) => format!("`{close}`, {expected}"),
        None => expected,
    };
    let line_could_end = expected.contains("a new line");
    let help = if found == "end" {
        "This `end` closes nothing: remove it, or add the `do` it was meant to close.".to_string()
    } else if line_could_end && !message.starts_with("unexpected end") {
        format!(
            "The statement before `{found}` is complete: remove `{found}`, or start a new line before it."
        )
    } else if let Some((_, close)) = unclosed {
        format!("Close the bracket with `{close}` where what it holds ends.")
    } else if expected.is_empty() {
        Code::SyntaxError.rule().help.to_string()
    } else {
        format!("Write {expected} here; `docs/language.md` shows every construct.")
    };
    let d = Diagnostic::new(Code::SyntaxError, file, span, message)
        .label(if expected.is_empty() {
            "not valid here".to_string()
        } else {
            format!("expected {expected}")
        })
        .help(help);
    match unclosed {
        Some((open, close)) => d.related(open, format!("this bracket has no `{close}`")),
        None => d,
    }
}

/// The innermost `(` or `[` still open in code before `at`, and the bracket that closes it.
fn unclosed_bracket(text: &str, at: usize) -> Option<(Span, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    super::scan::code::<()>(&text[..at.min(text.len())], |i, b| {
        match b {
            b'(' => open.push((i, ')')),
            b'[' => open.push((i, ']')),
            b')' | b']' => {
                open.pop();
            }
            _ => {}
        }
        ControlFlow::Continue(())
    });
    open.pop().map(|(i, close)| (Span::new(i, i + 1), close))
}

/// The word, symbol or line end at `at`, for the label.
fn token_at(text: &str, at: usize) -> Span {
    let rest = &text[at.min(text.len())..];
    let len = match rest.chars().next() {
        None => 0,
        Some('\r') if rest.starts_with("\r\n") => 2,
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len()),
        Some(c) => c.len_utf8(),
    };
    Span::new(at, at + len)
}

fn expected(positives: &[Rule]) -> String {
    let mut names: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
    // Where a block may end, a statement may too: a new line is always an option there.
    if positives
        .iter()
        .any(|r| matches!(r, Rule::kw_end | Rule::EOI))
    {
        names.push("a new line");
    }
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::kw_end => "`end`",
        Rule::kw_do => "`do`",
        Rule::args | Rule::kwarg | Rule::kw_key => "an argument",
        Rule::string | Rule::raw_string => "a string",
        Rule::symbol => "a symbol like `:name`",
        Rule::number | Rule::duration | Rule::percent => "a number",
        Rule::list => "a list",
        Rule::ident => "a name",
        Rule::cond | Rule::cond_and | Rule::cond_not | Rule::check_state | Rule::comparison => {
            "a condition like `failed(:check)`"
        }
        Rule::state_fn => "`failed`, `passed` or `errored`",
        Rule::kw_value => "`value(:check)`",
        Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::heredoc_body => "the heredoc's text on the next line",
        Rule::target_decl
        | Rule::param_decl
        | Rule::runbook_def
        | Rule::check_def
        | Rule::when_def
        | Rule::mitigate_def
        | Rule::confirm_def
        | Rule::followup_def
        | Rule::step_stmt
        | Rule::todo_stmt
        | Rule::see_stmt
        | Rule::wait_stmt
        | Rule::meta_stmt
        | Rule::action_stmt
        | Rule::unknown_stmt => "a statement",
        _ => return None,
    })
}
