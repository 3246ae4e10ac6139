//! Quick fixes for the findings under the cursor: the checker's did-you-mean suggestion, a
//! `timeout:` for a probe that could wait forever, and an allow comment whose reason the
//! author still has to write.

use super::analysis::{self, Analysis};
use super::position::LineIndex;
use crate::ast::{ExprKind, Stmt, StrStyle};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The placeholder an allow comment is inserted with; the author replaces it with the reason.
pub const REASON_PLACEHOLDER: &str = "REASON: say why this finding is acceptable";

pub fn actions(analysis: &Analysis, uri: &Uri, range: Range) -> Vec<CodeAction> {
    let Some(file) = analysis.file(uri) else {
        return Vec::new();
    };
    let text = analysis.text(file);
    let index = LineIndex::new(text);
    let wanted = index.span(range);
    let mut out = Vec::new();
    for d in &analysis.session.checked.diagnostics {
        let overlaps = d.span.start <= wanted.end && wanted.start <= d.span.end;
        if d.file != file || !overlaps {
            continue;
        }
        let fix = |title: String, span: Span, new_text: String| CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![super::diagnostics::to_lsp_one(d, &index, uri)]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri.clone(),
                    vec![TextEdit::new(index.range(span), new_text)],
                )])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        };
        if let Some(new) = suggestion(d, text) {
            out.push(fix(format!("Change to `{new}`"), d.span, new));
        }
        if d.code == Code::ProbeWithoutTimeout
            && let Some(at) = args_end(analysis, file, d.span)
        {
            out.push(fix(
                "Add `timeout: 30s`".into(),
                Span::new(at, at),
                ", timeout: 30s".into(),
            ));
        }
        if d.rule().suppressible {
            let line = text[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
            let indent: String = text[line..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let mut allow = fix(
                format!("Allow {} here (with a reason)", d.rule().code),
                Span::new(line, line),
                format!(
                    "{indent}# lrb:allow({}) {REASON_PLACEHOLDER}\n",
                    d.rule().code
                ),
            );
            allow.is_preferred = Some(false);
            out.push(allow);
        }
    }
    out
}

/// The replacement for the span a "Did you mean `x`?" help names, written as the span is
/// (with or without the symbol's colon, the keyword's colon, the target before the dot).
fn suggestion(d: &Diagnostic, text: &str) -> Option<String> {
    let rest = d.help.strip_prefix("Did you mean `")?;
    let mut new = &rest[..rest.find('`')?];
    let old = text.get(d.span.start..d.span.end)?;
    if old.is_empty() || old.contains(char::is_whitespace) {
        return None;
    }
    if !old.contains('.')
        && let Some((_, verb)) = new.rsplit_once('.')
    {
        new = verb;
    }
    if !old.starts_with(':') {
        new = new.trim_start_matches(':');
    }
    if !old.ends_with(':') {
        new = new.trim_end_matches(':');
    }
    (new != old && !new.is_empty()).then(|| new.to_string())
}

/// Where a keyword argument can be appended to the action call at `span`: after its last
/// argument (after the opener of a heredoc, whose body follows on the next lines).
fn args_end(analysis: &Analysis, file: FileId, span: Span) -> Option<usize> {
    let ast = analysis.ast(file)?;
    let Some(Stmt::Action(call)) = analysis::enclosing(ast, span.start).last().copied() else {
        return None;
    };
    let exprs = call
        .args
        .positional
        .iter()
        .chain(call.args.keywords.iter().map(|k| &k.value));
    let end = exprs
        .map(|e| match &e.kind {
            ExprKind::Str(s) => match &s.style {
                StrStyle::Heredoc { tag } => e.span.start + "<<~".len() + tag.len(),
                StrStyle::Double | StrStyle::Single => e.span.end,
            },
            _ => e.span.end,
        })
        .max()
        .unwrap_or(call.verb.span.end);
    Some(end)
}
