//! Values, strings and conditions in their canonical spelling.

use crate::ast::{Args, CheckState, Cond, Expr, ExprKind, Str, StrPart, StrStyle};

/// Binding strength of a condition operator: a looser operand gets parentheses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Not,
    Atom,
}

pub(super) fn cond(c: &Cond) -> String {
    cond_at(c, Prec::Or)
}

fn cond_at(c: &Cond, min: Prec) -> String {
    // The parser folds `a or b or c` to the left, so a right operand of the same operator
    // needs parentheses to keep its shape.
    let (text, prec) = match c {
        Cond::Or(a, b) => (
            format!("{} or {}", cond_at(a, Prec::Or), cond_at(b, Prec::And)),
            Prec::Or,
        ),
        Cond::And(a, b) => (
            format!("{} and {}", cond_at(a, Prec::And), cond_at(b, Prec::Not)),
            Prec::And,
        ),
        Cond::Not(inner, _) => (format!("not {}", cond_at(inner, Prec::Not)), Prec::Not),
        Cond::State { state, check, .. } => {
            let state = match state {
                CheckState::Passed => "passed",
                CheckState::Failed => "failed",
                CheckState::Errored => "errored",
            };
            (format!("{state}(:{})", check.name), Prec::Atom)
        }
        Cond::Compare {
            check, op, value, ..
        } => (
            format!(
                "value(:{}) {} {}",
                check.name,
                op.as_str(),
                self::value(value)
            ),
            Prec::Atom,
        ),
    };
    if prec < min {
        format!("({text})")
    } else {
        text
    }
}

/// An argument as written on the statement's line; a heredoc's body goes to `heredocs`.
pub(super) fn arg<'a>(e: &'a Expr, heredocs: &mut Vec<&'a Str>) -> String {
    match &e.kind {
        ExprKind::Str(s) => match &s.style {
            StrStyle::Heredoc { tag } => {
                heredocs.push(s);
                format!("<<~{tag}")
            }
            StrStyle::Double | StrStyle::Single => string(s),
        },
        _ => value(e),
    }
}

pub(super) fn value(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Str(s) => string(s),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => float(*f),
        ExprKind::Duration(d) => d.to_string(),
        ExprKind::Percent(p) => format!("{p}%"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Symbol(s) => format!(":{s}"),
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
        ExprKind::Call { func, args } => format!("{}({})", func.name, inline_args(args)),
        ExprKind::Ref(name) => name.clone(),
        // Files with invalid literals are refused before printing; keep the shape anyway.
        ExprKind::Invalid => String::new(),
    }
}

/// Arguments inside a call's parentheses: always on one line.
fn inline_args(args: &Args) -> String {
    let mut parts: Vec<String> = args.positional.iter().map(value).collect();
    parts.extend(
        args.keywords
            .iter()
            .map(|kw| format!("{}: {}", kw.key.name, value(&kw.value))),
    );
    parts.join(", ")
}

/// Display never uses an exponent; a whole float keeps its `.0` so it stays a float.
fn float(f: f64) -> String {
    let text = f.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn string(s: &Str) -> String {
    match s.style {
        StrStyle::Single => single(s),
        StrStyle::Double | StrStyle::Heredoc { .. } => double(s),
    }
}

/// Double quotes: escapes only what must be escaped, and `#{` that is text, not interpolation.
pub(super) fn double(s: &Str) -> String {
    let mut out = String::from("\"");
    for part in &s.parts {
        match part {
            StrPart::Interp(name) => {
                out.push_str("#{");
                out.push_str(&name.name);
                out.push('}');
            }
            StrPart::Text(text) => {
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        '\r' => out.push_str("\\r"),
                        '\0' => out.push_str("\\0"),
                        '#' if chars.peek() == Some(&'{') => out.push_str("\\#"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out.push('"');
    out
}

/// Single quotes keep their meaning (no interpolation); a backslash is doubled only where the
/// parser would otherwise read it as an escape.
fn single(s: &Str) -> String {
    let mut out = String::from("'");
    for part in &s.parts {
        let text = match part {
            StrPart::Text(t) => t.clone(),
            StrPart::Interp(name) => format!("#{{{}}}", name.name),
        };
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' if matches!(chars.peek(), None | Some('\\') | Some('\'')) => {
                    out.push_str("\\\\")
                }
                c => out.push(c),
            }
        }
    }
    out.push('\'');
    out
}

/// A heredoc's body lines (without the closing tag), indented by `indent`.
pub(super) fn heredoc_lines(s: &Str, indent: &str) -> Vec<String> {
    let mut text = String::new();
    for part in &s.parts {
        match part {
            StrPart::Text(t) => text.push_str(t),
            StrPart::Interp(name) => {
                text.push_str("#{");
                text.push_str(&name.name);
                text.push('}');
            }
        }
    }
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(&text);
    body.split('\n')
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{indent}{line}")
            }
        })
        .collect()
}
