//! Holding a run against its scenario's `expect`s, and the decision trace a failure prints.

use super::run::Observed;
use super::{Expect, Scenario, outcome_name};
use crate::plan::Runbook;
use crate::run::backend::show;
use crate::run::transcript::Event;
use crate::run::{Status, condition::Evidence};
use serde::Serialize;

/// One scenario's result.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub scenario: String,
    pub runbook: String,
    /// What did not hold, one line each; empty when the scenario passed.
    pub failures: Vec<String>,
    /// How the run decided, one line per step: printed when it failed.
    pub trace: Vec<String>,
    pub outcome: String,
    pub ran: Vec<String>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Holds `observed` against every `expect` of `scenario`.
pub fn judge(scenario: &Scenario, runbook: &Runbook, observed: &Observed) -> Verdict {
    let mut failures: Vec<String> = observed.problems.clone();
    for e in &scenario.expect {
        if let Some(failure) = unmet(&e.kind, runbook, observed) {
            failures.push(failure);
        }
    }
    Verdict {
        scenario: scenario.name.clone(),
        runbook: runbook.id.clone(),
        failures,
        trace: trace(observed),
        outcome: outcome_name(observed.end.finish).to_string(),
        ran: observed.ran.clone(),
    }
}

/// Why an expectation did not hold, or `None` when it did.
fn unmet(expect: &Expect, runbook: &Runbook, observed: &Observed) -> Option<String> {
    let ran = |name: &str| observed.ran.iter().any(|r| r == name);
    let decision = |name: &str| {
        (observed.decisions.iter())
            .find(|(m, _)| m == name)
            .map(|(_, d)| d.as_str())
    };
    let what_became = |name: &str| match decision(name) {
        Some(d) => format!("it was proposed and the answer was `{d}`"),
        None => "it was not proposed".to_string(),
    };
    match expect {
        Expect::Ran(name) => (!ran(name)).then(|| {
            format!(
                "expected mitigation \"{name}\" to run; {}",
                what_became(name)
            )
        }),
        Expect::NotRan(name) => {
            ran(name).then(|| format!("expected \"{name}\" not to run; it ran"))
        }
        Expect::Proposed(name) => decision(name)
            .is_none()
            .then(|| format!("expected \"{name}\" to be proposed; it was not")),
        Expect::NotProposed(name) => decision(name).map(|d| {
            format!("expected \"{name}\" not to be proposed; it was, and the answer was `{d}`")
        }),
        Expect::Skipped(name) => (decision(name) != Some("skip"))
            .then(|| format!("expected \"{name}\" to be skipped; {}", what_became(name))),
        Expect::Refused(name) => (decision(name) != Some("refused"))
            .then(|| format!("expected \"{name}\" to be refused; {}", what_became(name))),
        Expect::Order(names) => (observed.ran != *names).then(|| {
            format!(
                "expected exactly {} to run, in this order; ran: {}",
                quoted(names),
                quoted(&observed.ran)
            )
        }),
        Expect::Handover(to) => (!observed.end.see.contains(to)).then(|| {
            format!(
                "expected a handover to runbook `{to}`; handovers: {}",
                if observed.end.see.is_empty() {
                    "none".to_string()
                } else {
                    observed.end.see.join(", ")
                }
            )
        }),
        Expect::Outcome(finish) => (observed.end.finish != *finish).then(|| {
            format!(
                "expected outcome `{}`; the run ended `{}`",
                outcome_name(*finish),
                outcome_name(observed.end.finish)
            )
        }),
        Expect::Confirmed(passed) => (observed.end.confirmed != Some(*passed)).then(|| {
            let seen = match observed.end.confirmed {
                Some(true) => "confirm passed",
                Some(false) => "confirm did not pass",
                None => "confirm did not run",
            };
            format!(
                "expected confirm to {}; {seen}",
                if *passed { "pass" } else { "fail" }
            )
        }),
        Expect::NoDestructive => {
            let destructive: Vec<String> = (observed.ran.iter())
                .filter(|name| {
                    (runbook.mitigations()).any(|m| m.name == **name && m.is_destructive())
                })
                .cloned()
                .collect();
            (!destructive.is_empty()).then(|| {
                format!(
                    "expected no destructive step to run; ran {}",
                    quoted(&destructive)
                )
            })
        }
    }
}

/// The run as the engine decided it, from its transcript.
fn trace(observed: &Observed) -> Vec<String> {
    let mut lines = Vec::new();
    // The first failed confirm attempt of the current run of them, and its line.
    let mut failing: Option<(u32, usize)> = None;
    for record in &observed.records {
        let line = match &record.event {
            Event::Check {
                check,
                status,
                value,
                ..
            } => format!(
                "check :{check} {}{}",
                status_name(*status),
                value
                    .as_ref()
                    .map_or(String::new(), |v| format!(", value {}", show(v)))
            ),
            Event::When {
                condition,
                holds,
                evidence,
                ..
            } => format!(
                "when {condition}: {} ({})",
                if *holds { "holds" } else { "does not hold" },
                evidence_text(evidence)
            ),
            Event::Approval {
                mitigation,
                question,
                answer,
                how,
                ..
            } => format!("\"{mitigation}\": {question} {answer} ({how})"),
            Event::Refusal { mitigation, reason } => format!("\"{mitigation}\" refused: {reason}"),
            Event::Action { mitigation, result } => {
                format!(
                    "\"{mitigation}\" step [{}] {} (recorded, not run)",
                    result.effect, result.action
                )
            }
            Event::Wait {
                mitigation,
                duration_ms,
            } => format!(
                "\"{mitigation}\" waited {} (virtual time)",
                crate::duration::Duration::from_ms(*duration_ms)
            ),
            Event::ConfirmAttempt {
                attempt,
                of,
                passed,
                ..
            } => {
                let result = if *passed { "passed" } else { "failed" };
                // A run of failed attempts is one line: `confirm attempts 1-30 of 31: failed`.
                match failing {
                    Some((first, at)) if !passed && at + 1 == lines.len() => {
                        lines[at] = format!("confirm attempts {first}-{attempt} of {of}: failed");
                        continue;
                    }
                    _ => failing = (!passed).then_some((*attempt, lines.len())),
                }
                format!("confirm attempt {attempt} of {of}: {result}")
            }
            Event::Healthy => "healthy: every check passed and no `when` holds".into(),
            Event::Unhandled { checks } => format!(
                "unhandled: {} did not pass and no `when` holds",
                checks.join(", ")
            ),
            Event::Start { .. }
            | Event::Probe { .. }
            | Event::Diagnosis { .. }
            | Event::Handover { .. }
            | Event::Resume { .. }
            | Event::Interrupted { .. }
            | Event::End { .. } => continue,
        };
        lines.push(line);
    }
    for see in &observed.end.see {
        lines.push(format!("hands over to runbook `{see}`"));
    }
    lines.push(format!("outcome: {}", outcome_name(observed.end.finish)));
    lines
}

fn evidence_text(evidence: &[Evidence]) -> String {
    let parts: Vec<String> = evidence
        .iter()
        .map(|e| {
            let value = e
                .value
                .as_ref()
                .map_or(String::new(), |v| format!(" {}", show(v)));
            format!(":{} {}{value}", e.check, status_name(e.status))
        })
        .collect();
    parts.join(", ")
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error => "errored",
    }
}

fn quoted(names: &[String]) -> String {
    if names.is_empty() {
        return "nothing".into();
    }
    let q: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", q.join(", "))
}
