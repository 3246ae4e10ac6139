//! `when` conditions: each named check exists, and each comparison's literal has the type of
//! the check's value.

use super::scope::FileChecker;
use crate::action::ValueType;
use crate::ast::{self, ExprKind};
use crate::diagnostic::{Code, did_you_mean};
use crate::plan;
use crate::source::Span;
use std::collections::BTreeMap;

/// Check ids with their value types and spans, for conditions.
pub(super) type Checks = BTreeMap<String, (ValueType, Span)>;

impl FileChecker<'_> {
    pub(super) fn condition(&mut self, c: &ast::Cond, checks: &Checks) -> Option<plan::Condition> {
        Some(match c {
            ast::Cond::State { state, check, .. } => {
                self.check_exists(check, checks)?;
                plan::Condition::State {
                    check: check.name.clone(),
                    state: *state,
                }
            }
            ast::Cond::Compare {
                check, op, value, ..
            } => {
                let ty = self.check_exists(check, checks)?;
                let literal = self.comparison(check, ty, *op, value)?;
                plan::Condition::Compare {
                    check: check.name.clone(),
                    op: *op,
                    value: literal,
                }
            }
            ast::Cond::Not(inner, _) => {
                plan::Condition::Not(Box::new(self.condition(inner, checks)?))
            }
            ast::Cond::And(a, b) => {
                let (a, b) = (self.condition(a, checks), self.condition(b, checks));
                plan::Condition::And(Box::new(a?), Box::new(b?))
            }
            ast::Cond::Or(a, b) => {
                let (a, b) = (self.condition(a, checks), self.condition(b, checks));
                plan::Condition::Or(Box::new(a?), Box::new(b?))
            }
        })
    }

    fn check_exists(&mut self, check: &ast::Ident, checks: &Checks) -> Option<ValueType> {
        if let Some((ty, _)) = checks.get(&check.name) {
            return Some(*ty);
        }
        if !self.unknown_checks.insert(check.name.clone()) {
            return None;
        }
        let help = match did_you_mean(&check.name, checks.keys().map(String::as_str)) {
            Some(s) => format!("Did you mean `:{s}`?"),
            None if checks.is_empty() => {
                "This runbook defines no checks; add `check :name do ... end`.".to_string()
            }
            None => format!(
                "Checks of this runbook: {}.",
                checks
                    .keys()
                    .map(|k| format!("`:{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let d = self
            .diag(
                Code::UnknownCheck,
                check.span,
                format!("unknown check `{}`", check.name),
            )
            .label("no check of this name in this runbook")
            .help(help);
        self.report(d);
        None
    }

    /// Types `value(:check) op literal`.
    fn comparison(
        &mut self,
        check: &ast::Ident,
        ty: ValueType,
        op: ast::CmpOp,
        value: &ast::Expr,
    ) -> Option<plan::Literal> {
        use plan::Literal as L;
        if ty == ValueType::None {
            let d = self
                .diag(
                    Code::CheckWithoutValue,
                    check.span,
                    format!("check `{}` yields no value to compare", check.name),
                )
                .label("no value");
            self.report(d);
            return None;
        }
        let Some(literal) = typed_literal(&value.kind, ty) else {
            if value.kind == ExprKind::Invalid {
                return None;
            }
            let d = self
                .diag(
                    Code::ComparisonTypeMismatch,
                    value.span,
                    format!(
                        "check `{}` yields {}, but is compared with {}",
                        check.name,
                        ty.describe(),
                        value.kind.describe()
                    ),
                )
                .label(format!("expected {}", ty.describe()))
                .related(check.span, "this check's value")
                .help(literal_hint(ty));
            self.report(d);
            return None;
        };
        if matches!(literal, L::Text(_) | L::Bool(_))
            && !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne)
        {
            let d = self
                .diag(
                    Code::ComparisonTypeMismatch,
                    value.span,
                    format!(
                        "text can only be compared with `==` or `!=`, not `{}`",
                        op.as_str()
                    ),
                )
                .label("not ordered")
                .help("Use `==` or `!=`, or compare with a number.");
            self.report(d);
            return None;
        }
        Some(literal)
    }
}

/// `value` as a literal of a check's value type `ty`; `None` when it is not one.
pub(super) fn typed_literal(value: &ExprKind, ty: ValueType) -> Option<plan::Literal> {
    use plan::Literal as L;
    Some(match (value, ty) {
        (ExprKind::Int(i), ValueType::Integer | ValueType::Number | ValueType::Any) => {
            L::Number(*i as f64)
        }
        (ExprKind::Float(f), ValueType::Integer | ValueType::Number | ValueType::Any) => {
            L::Number(*f)
        }
        (ExprKind::Percent(p), ValueType::Percent | ValueType::Any) => L::Percent(*p),
        (ExprKind::Str(s), ValueType::Text | ValueType::Any) => L::Text(s.as_literal()?),
        (ExprKind::Symbol(s), ValueType::Text | ValueType::Any) => L::Text(s.clone()),
        (ExprKind::Bool(b), ValueType::Any) => L::Bool(*b),
        _ => return None,
    })
}

/// What to write instead, for a literal of the wrong type.
pub(super) fn literal_hint(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Percent => "Write a percentage such as `90%`.",
        ValueType::Integer | ValueType::Number => "Compare with a number such as `80`.",
        ValueType::Text => "Compare with a string such as `\"running\"`.",
        ValueType::None | ValueType::Any => "Compare with a literal number, percentage or string.",
    }
}
