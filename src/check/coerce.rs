//! From the AST's expressions to checked argument values: the one place that says which
//! expression fits which argument type, and why not.

use crate::action::catalogue::{ArgType, ArgValue};
use crate::action::{Part, Template};
use crate::ast::{Expr, ExprKind, Str, StrPart};

/// Converts an expression to `ty`, or says why it cannot be.
pub fn coerce(expr: &Expr, ty: ArgType) -> Result<ArgValue, String> {
    let wrong = || {
        Err(format!(
            "expected {}, found {}",
            ty.describe(),
            expr.kind.describe()
        ))
    };
    Ok(match (&expr.kind, ty) {
        (ExprKind::Str(s), ArgType::Text | ArgType::Raw(_)) => ArgValue::Text(template(s)),
        (ExprKind::Ref(name), ArgType::Text | ArgType::Raw(_)) => ArgValue::Text(Template {
            parts: vec![Part::Param(name.clone())],
        }),
        (ExprKind::Int(i), ArgType::ExitCode) if (0..=255).contains(i) => ArgValue::Int(*i),
        (ExprKind::Int(i), ArgType::Count) if (0..=i64::from(u32::MAX)).contains(i) => {
            ArgValue::Int(*i)
        }
        (ExprKind::Int(i), ArgType::ExitCode | ArgType::Count) => {
            return Err(format!("`{i}` is not {}", ty.describe()));
        }
        (ExprKind::Int(i), ArgType::Number) => ArgValue::Number(*i as f64),
        (ExprKind::Float(f), ArgType::Number) => ArgValue::Number(*f),
        (ExprKind::Duration(ms), ArgType::Duration) => ArgValue::Duration(*ms),
        (ExprKind::Str(s), ArgType::Duration) => {
            match s.as_literal().as_deref().map(parse_duration) {
                Some(Some(ms)) => ArgValue::Duration(ms),
                _ => {
                    return Err(format!(
                        "expected a duration like `5s`, found the string {}",
                        s.as_literal()
                            .map_or("with interpolation".into(), |t| format!("\"{t}\""))
                    ));
                }
            }
        }
        (ExprKind::Percent(p), ArgType::Percent) => ArgValue::Percent(*p),
        (ExprKind::Bool(b), ArgType::Bool) => ArgValue::Bool(*b),
        (ExprKind::Int(i), ArgType::Statuses) => ArgValue::Statuses(vec![status(*i)?]),
        (ExprKind::List(items), ArgType::Statuses) => ArgValue::Statuses(
            items
                .iter()
                .map(|e| match e.kind {
                    ExprKind::Int(i) => status(i),
                    _ => Err(format!(
                        "expected status codes, found {}",
                        e.kind.describe()
                    )),
                })
                .collect::<Result<_, _>>()?,
        ),
        (ExprKind::Symbol(s), ArgType::Symbol(options)) => {
            if options.contains(&s.as_str()) {
                ArgValue::Symbol(s.clone())
            } else {
                return Err(format!("`:{s}` is not {}", ty.describe()));
            }
        }
        (ExprKind::Invalid, _) => return Err(String::new()),
        _ => return wrong(),
    })
}

fn status(i: i64) -> Result<u16, String> {
    u16::try_from(i)
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| format!("`{i}` is not an HTTP status code (100 to 599)"))
}

/// `"5s"`, `"250ms"`, `"2m"`, `"1h"` to milliseconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let n: u64 = text[..split].parse().ok()?;
    let unit = match &text[split..] {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    n.checked_mul(unit)
}

pub fn template(s: &Str) -> Template {
    Template {
        parts: s
            .parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => Part::Text(t.clone()),
                StrPart::Interp(id) => Part::Param(id.name.clone()),
            })
            .collect(),
    }
}
