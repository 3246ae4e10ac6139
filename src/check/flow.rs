//! Reachability of conditions, and the targets every runbook has without declaring them.

use crate::action::catalogue::TargetKind;
use crate::ast::CheckState;
use crate::plan::{self, Condition};
use std::collections::HashMap;

/// Targets usable without a `target` line: the local Docker engine and the local shell.
pub(super) const IMPLICIT_TARGETS: &[&str] = &["docker", "shell"];

pub(super) fn implicit_target(name: &str) -> plan::Target {
    let (kind, value) = match name {
        "docker" => (TargetKind::Docker, "local"),
        _ => (TargetKind::Shell, "."),
    };
    plan::Target {
        name: name.to_string(),
        kind,
        address: plan::Address::Literal {
            value: value.to_string(),
        },
        timeout_ms: None,
        project: None,
    }
}

/// Above this many checks in one condition, assume it can be true rather than enumerate.
const MAX_ENUMERATED_CHECKS: usize = 10;

/// Whether some outcome of the checks makes the condition true. Each check is exactly one of
/// passed, failed or errored; a comparison can go either way when its check did not error.
pub(super) fn satisfiable(cond: &Condition) -> bool {
    let checks = cond.checks();
    if checks.len() > MAX_ENUMERATED_CHECKS {
        return true;
    }
    let states = [CheckState::Passed, CheckState::Failed, CheckState::Errored];
    let total = 3usize.pow(checks.len() as u32);
    (0..total).any(|mut n| {
        let assignment: HashMap<&str, CheckState> = checks
            .iter()
            .map(|c| {
                let s = states[n % 3];
                n /= 3;
                (*c, s)
            })
            .collect();
        possible(cond, &assignment, true)
    })
}

/// Whether `cond` can evaluate to `want` under the assignment of check states.
fn possible(cond: &Condition, a: &HashMap<&str, CheckState>, want: bool) -> bool {
    match cond {
        Condition::State { check, state } => {
            let actual = a[check.as_str()];
            // `failed` means "did not pass": an errored check failed too.
            let holds = match state {
                CheckState::Failed => actual != CheckState::Passed,
                _ => actual == *state,
            };
            holds == want
        }
        // A comparison on an errored check has no value and is false; otherwise either way.
        Condition::Compare { check, .. } => !want || a[check.as_str()] != CheckState::Errored,
        Condition::Not(c) => possible(c, a, !want),
        Condition::And(x, y) => {
            if want {
                possible(x, a, true) && possible(y, a, true)
            } else {
                possible(x, a, false) || possible(y, a, false)
            }
        }
        Condition::Or(x, y) => {
            if want {
                possible(x, a, true) || possible(y, a, true)
            } else {
                possible(x, a, false) && possible(y, a, false)
            }
        }
    }
}
