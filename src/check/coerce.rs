//! From the AST's expressions to checked argument values: the one place that says which
//! expression fits which argument type, and why not.

use crate::action::catalogue::{ArgType, ArgValue};
use crate::action::{Part, Template};
use crate::ast::{Expr, ExprKind, Str, StrPart};
use crate::duration::{Duration, DurationError};

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
        (ExprKind::Duration(d), ArgType::Duration) => ArgValue::Duration(d.as_ms()),
        (ExprKind::Str(s), ArgType::Duration) => match s.as_literal() {
            Some(text) => match Duration::parse(text.trim()) {
                Ok(d) => ArgValue::Duration(d.as_ms()),
                Err(DurationError::TooLong) => {
                    return Err(format!("the duration \"{text}\" is too long"));
                }
                Err(DurationError::Malformed) => {
                    return Err(format!(
                        "expected a duration like `5s`, found the string \"{text}\""
                    ));
                }
            },
            None => {
                return Err(
                    "expected a duration like `5s`, found the string with interpolation".into(),
                );
            }
        },
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
