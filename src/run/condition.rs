//! Evaluating a `when` condition against the checks' outcomes.
//!
//! `failed(:x)` holds when the check did not pass, whether an expectation did not hold or the
//! probe could not run: an unreachable Redis has failed its `PING` as far as the operator is
//! concerned. `errored(:x)` narrows that to "could not run". A comparison on a check that
//! errored or has no value is false.

use super::{Status, Value};
use crate::ast::{CheckState, CmpOp};
use crate::plan::{Condition, Literal};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What a condition may read of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub check: String,
    pub status: Status,
    pub value: Option<Value>,
}

/// Whether `cond` holds, with the outcomes of the checks it read. `lookup` gives a check's
/// outcome; a check it does not know reads as errored.
pub fn evaluate(
    cond: &Condition,
    lookup: &dyn Fn(&str) -> Option<Evidence>,
) -> (bool, Vec<Evidence>) {
    let evidence: Vec<Evidence> = cond
        .checks()
        .into_iter()
        .map(|id| {
            lookup(id).unwrap_or(Evidence {
                check: id.to_string(),
                status: Status::Error,
                value: None,
            })
        })
        .collect();
    let holds = holds(cond, &evidence);
    (holds, evidence)
}

fn holds(cond: &Condition, evidence: &[Evidence]) -> bool {
    let find = |id: &str| evidence.iter().find(|e| e.check == id);
    match cond {
        Condition::State { check, state } => {
            let status = find(check).map_or(Status::Error, |e| e.status);
            match state {
                CheckState::Passed => status == Status::Passed,
                CheckState::Failed => status != Status::Passed,
                CheckState::Errored => status == Status::Error,
            }
        }
        Condition::Compare { check, op, value } => find(check)
            .filter(|e| e.status != Status::Error)
            .and_then(|e| e.value.as_ref())
            .and_then(|v| compare(v, value))
            .is_some_and(|ord| matches(*op, ord)),
        Condition::Not(c) => !holds(c, evidence),
        Condition::And(a, b) => holds(a, evidence) && holds(b, evidence),
        Condition::Or(a, b) => holds(a, evidence) || holds(b, evidence),
    }
}

fn matches(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

/// Orders a value against a literal; `None` when they cannot be compared. Text that reads
/// as a number (a SQL scalar, a Redis `INFO` field) compares as one.
fn compare(value: &Value, literal: &Literal) -> Option<Ordering> {
    let number = |v: &Value| match v {
        Value::Number(n) => Some(*n),
        Value::Text(t) => t.trim().trim_end_matches('%').parse::<f64>().ok(),
        Value::Bool(_) => None,
    };
    match literal {
        Literal::Number(n) | Literal::Percent(n) => number(value)?.partial_cmp(n),
        Literal::Text(t) => match value {
            Value::Text(v) => Some(v.as_str().cmp(t.as_str())),
            Value::Number(n) => t.parse::<f64>().ok().and_then(|t| n.partial_cmp(&t)),
            Value::Bool(b) => Some(b.to_string().as_str().cmp(t.as_str())),
        },
        Literal::Bool(b) => match value {
            Value::Bool(v) => Some(v.cmp(b)),
            Value::Text(v) => v.parse::<bool>().ok().map(|v| v.cmp(b)),
            Value::Number(_) => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(check: &str, state: CheckState) -> Condition {
        Condition::State {
            check: check.into(),
            state,
        }
    }

    fn cmp(check: &str, op: CmpOp, value: Literal) -> Condition {
        Condition::Compare {
            check: check.into(),
            op,
            value,
        }
    }

    fn outcomes(
        list: &[(&str, Status, Option<Value>)],
    ) -> impl Fn(&str) -> Option<Evidence> + use<> {
        let list: Vec<Evidence> = list
            .iter()
            .map(|(c, s, v)| Evidence {
                check: c.to_string(),
                status: *s,
                value: v.clone(),
            })
            .collect();
        move |id| list.iter().find(|e| e.check == id).cloned()
    }

    #[test]
    fn states_and_boolean_operators() {
        let look = outcomes(&[
            ("up", Status::Passed, None),
            ("down", Status::Failed, None),
            ("gone", Status::Error, None),
        ]);
        let cases = [
            (state("up", CheckState::Passed), true),
            (state("down", CheckState::Failed), true),
            (state("gone", CheckState::Failed), true),
            (state("gone", CheckState::Errored), true),
            (state("down", CheckState::Errored), false),
            (state("unknown", CheckState::Passed), false),
            (
                Condition::And(
                    Box::new(state("down", CheckState::Failed)),
                    Box::new(Condition::Not(Box::new(state("up", CheckState::Passed)))),
                ),
                false,
            ),
            (
                Condition::Or(
                    Box::new(state("up", CheckState::Failed)),
                    Box::new(state("gone", CheckState::Errored)),
                ),
                true,
            ),
        ];
        for (cond, expected) in cases {
            assert_eq!(evaluate(&cond, &look).0, expected, "{cond}");
        }
    }

    #[test]
    fn comparisons_read_numbers_text_and_fail_on_errors() {
        let look = outcomes(&[
            ("conns", Status::Failed, Some(Value::Number(85.0))),
            ("sql", Status::Passed, Some(Value::Text("12".into()))),
            ("ver", Status::Passed, Some(Value::Text("v1.0.0".into()))),
            ("mem", Status::Passed, Some(Value::Number(42.5))),
            ("dead", Status::Error, Some(Value::Number(100.0))),
            ("none", Status::Passed, None),
        ]);
        let cases = [
            (cmp("conns", CmpOp::Ge, Literal::Number(80.0)), true),
            (cmp("conns", CmpOp::Lt, Literal::Number(80.0)), false),
            (cmp("sql", CmpOp::Gt, Literal::Number(10.0)), true),
            (cmp("ver", CmpOp::Eq, Literal::Text("v1.0.0".into())), true),
            (cmp("ver", CmpOp::Ne, Literal::Text("v1.0.0".into())), false),
            (cmp("ver", CmpOp::Gt, Literal::Number(1.0)), false),
            (cmp("mem", CmpOp::Le, Literal::Percent(90.0)), true),
            (cmp("dead", CmpOp::Ge, Literal::Number(1.0)), false),
            (cmp("none", CmpOp::Ne, Literal::Number(1.0)), false),
        ];
        for (cond, expected) in cases {
            assert_eq!(evaluate(&cond, &look).0, expected, "{cond}");
        }
        let (_, evidence) = evaluate(&cmp("conns", CmpOp::Ge, Literal::Number(80.0)), &look);
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].value, Some(Value::Number(85.0)));
    }
}
