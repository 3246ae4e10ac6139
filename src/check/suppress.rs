//! Inline suppression: `# lrb:allow(CODE[, CODE...]) reason` silences those codes on the next
//! statement (with its whole block), or on the statement it trails. A reason is required, and
//! an allow that silences nothing is itself reported.

use crate::ast::{self, Stmt};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Code, registry};
use crate::source::{FileId, Span};

struct Allow {
    span: Span,
    codes: Vec<Code>,
    scope: Option<Span>,
    used: bool,
}

/// Drops the findings that allow comments cover, and reports the allow comments themselves.
pub(super) fn apply(file: FileId, text: &str, ast: &ast::File, diagnostics: &mut Vec<Diagnostic>) {
    let mut stmts = Vec::new();
    flatten(&ast.body, &mut stmts);
    let mut allows = Vec::new();
    for comment in &ast.comments {
        let Some(rest) = comment
            .text
            .trim_start_matches('#')
            .trim_start()
            .strip_prefix("lrb:allow")
        else {
            continue;
        };
        allows.extend(parse(file, text, comment, rest, &stmts, diagnostics));
    }
    diagnostics.retain(|d| {
        let covering = allows.iter_mut().find(|a| {
            a.codes.contains(&d.code)
                && a.scope.is_some_and(|s| {
                    s.start <= d.span.start && d.span.start < s.end.max(s.start + 1)
                })
        });
        match covering {
            Some(a) => {
                a.used = true;
                false
            }
            None => true,
        }
    });
    for a in allows.iter().filter(|a| !a.used) {
        let codes: Vec<&str> = a.codes.iter().map(|c| c.rule().code).collect();
        diagnostics.push(
            Diagnostic::new(
                Code::UnusedAllow,
                file,
                a.span,
                format!("`lrb:allow({})` silences nothing", codes.join(", ")),
            )
            .label(if a.scope.is_some() {
                "no such finding on the next statement"
            } else {
                "no statement follows"
            }),
        );
    }
}

/// Reads one allow comment; reports malformed ones.
fn parse(
    file: FileId,
    text: &str,
    comment: &ast::Comment,
    rest: &str,
    stmts: &[Span],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Allow> {
    let malformed = |message: &str| {
        Diagnostic::new(Code::UnknownAllow, file, comment.span, message.to_string())
            .label("malformed allow comment")
            .help("Write `# lrb:allow(LRB401) why this is acceptable`.")
    };
    let Some((inside, reason)) = rest.strip_prefix('(').and_then(|r| r.split_once(')')) else {
        diagnostics.push(malformed("an allow comment needs its codes in parentheses"));
        return None;
    };
    let mut codes = Vec::new();
    for key in inside.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        match registry::find(key) {
            Some(rule) if rule.suppressible => codes.push(rule.id),
            Some(rule) => diagnostics.push(
                Diagnostic::new(
                    Code::UnknownAllow,
                    file,
                    comment.span,
                    format!("`{}` ({}) cannot be silenced", rule.code, rule.name),
                )
                .label("not suppressible")
                .help("Fix the problem instead: the runbook cannot run while it stands. Only flow and safety codes (`LRB3xx`, `LRB4xx`) can be allowed."),
            ),
            None => diagnostics.push(
                Diagnostic::new(
                    Code::UnknownAllow,
                    file,
                    comment.span,
                    format!("unknown code `{key}` in an allow comment"),
                )
                .label("no such rule"),
            ),
        }
    }
    if inside.trim().is_empty() {
        diagnostics.push(malformed("an allow comment names no code"));
    }
    if reason.trim().is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::AllowWithoutReason,
                file,
                comment.span,
                "an allow comment must say why",
            )
            .label("no reason given"),
        );
        return None;
    }
    if codes.is_empty() {
        return None;
    }
    Some(Allow {
        span: comment.span,
        codes,
        scope: scope(text, comment.span, stmts),
        used: false,
    })
}

/// The statement a comment trails on its line, or else the next statement after it.
fn scope(text: &str, comment: Span, stmts: &[Span]) -> Option<Span> {
    let line_start = text[..comment.start].rfind('\n').map_or(0, |i| i + 1);
    let trailing = !text[line_start..comment.start].trim().is_empty();
    if trailing {
        // The innermost statement that starts on the comment's line.
        stmts
            .iter()
            .filter(|s| s.start >= line_start && s.start < comment.start)
            .max_by_key(|s| s.start)
            .copied()
    } else {
        stmts
            .iter()
            .filter(|s| s.start >= comment.end)
            .min_by_key(|s| s.start)
            .copied()
    }
}

/// The spans of every statement, at every depth.
fn flatten(stmts: &[Stmt], out: &mut Vec<Span>) {
    for stmt in stmts {
        out.push(stmt.span());
        let block = stmt.block();
        if let Some(block) = block {
            flatten(&block.stmts, out);
        }
    }
}
