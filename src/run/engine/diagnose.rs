//! Diagnosis: every check at once, each check's probes in order.

use super::execute::{Call, Executor, action_result, action_timeout, guarded};
use super::{Engine, Operator, WhenResult, decide};
use crate::plan;
use crate::run::condition::Evidence;
use crate::run::transcript::{ActionResult, Event};
use crate::run::{Resolved, Status, Value};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// One check's outcome: the first probe that did not pass decides it.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub id: String,
    pub description: Option<String>,
    pub info: bool,
    pub status: Status,
    /// The first probe's value.
    pub value: Option<Value>,
    pub detail: String,
    pub duration: Duration,
    pub probes: Vec<ActionResult>,
}

impl CheckResult {
    pub(super) fn evidence(&self) -> Evidence {
        Evidence {
            check: self.id.clone(),
            status: self.status,
            value: self.value.clone(),
        }
    }
}

/// Runs the checks concurrently; each check runs its probes in order and stops at the first
/// that does not pass. Calls `done` as each check finishes; returns them in the given order.
pub async fn diagnose<E: Executor>(
    checks: &[&plan::Check],
    resolved: &Arc<Resolved>,
    exec: &E,
    done: &mut dyn FnMut(&CheckResult),
) -> Vec<CheckResult> {
    let mut running: FuturesUnordered<_> = checks
        .iter()
        .enumerate()
        .map(|(i, check)| async move { (i, run_check(check, resolved, exec).await) })
        .collect();
    let mut results: Vec<Option<CheckResult>> = vec![None; checks.len()];
    while let Some((i, result)) = running.next().await {
        done(&result);
        results[i] = Some(result);
    }
    results.into_iter().flatten().collect()
}

async fn run_check<E: Executor>(
    check: &plan::Check,
    resolved: &Arc<Resolved>,
    exec: &E,
) -> CheckResult {
    let started = Instant::now();
    let budget = Duration::from_millis(check.timeout_ms);
    let mut probes = Vec::new();
    let mut status = Status::Passed;
    let mut value = None;
    let mut detail = String::new();
    for (i, probe) in check.probes.iter().enumerate() {
        let left = budget.saturating_sub(started.elapsed());
        let timeout = action_timeout(
            &probe.action,
            resolved,
            crate::duration::Duration::from_ms(check.timeout_ms),
        )
        .min(left);
        let call = Call::Probe {
            check: check.id.clone(),
            index: i,
        };
        let outcome = guarded(exec, call, &probe.action, resolved, timeout).await;
        if i == 0 {
            value = outcome.value.clone();
        }
        let result = action_result(&probe.action, resolved, outcome);
        let passed = result.status == Status::Passed;
        if !passed || detail.is_empty() {
            status = result.status;
            detail = result.detail.clone();
        }
        probes.push(result);
        if !passed {
            break;
        }
    }
    CheckResult {
        id: check.id.clone(),
        description: check.description.clone(),
        info: check.info,
        status,
        value,
        detail,
        duration: started.elapsed(),
        probes,
    }
}

impl<E: Executor> Engine<'_, E> {
    /// Runs checks, telling the operator and the transcript as each finishes.
    pub(super) async fn run_checks(
        &self,
        checks: &[&plan::Check],
        op: &mut dyn Operator,
    ) -> Vec<CheckResult> {
        self.track(|p| p.checking = checks.iter().map(|c| c.id.clone()).collect());
        diagnose(checks, &self.resolved, &self.exec, &mut |c| {
            self.track(|p| {
                p.checking.remove(&c.id);
            });
            op.checked(c);
            for p in &c.probes {
                self.transcript.record(Event::Probe {
                    check: c.id.clone(),
                    result: p.clone(),
                });
            }
            self.transcript.record(Event::Check {
                check: c.id.clone(),
                description: c.description.clone(),
                info: c.info,
                status: c.status,
                value: c.value.clone(),
                detail: c.detail.clone(),
                duration_ms: c.duration.as_millis() as u64,
            });
        })
        .await
    }

    pub(super) async fn diagnose(
        &self,
        op: &mut dyn Operator,
    ) -> (Vec<CheckResult>, Vec<WhenResult>) {
        let started = Instant::now();
        op.diagnosing(self.runbook.checks.len());
        let all: Vec<&plan::Check> = self.runbook.checks.iter().collect();
        let checks = self.run_checks(&all, op).await;
        let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
        self.transcript.record(Event::Diagnosis {
            duration_ms: started.elapsed().as_millis() as u64,
            passed: count(Status::Passed),
            failed: count(Status::Failed),
            errored: count(Status::Error),
        });
        let whens = decide(self.runbook, &checks);
        for w in &whens {
            self.transcript.record(Event::When {
                condition: w.condition.clone(),
                holds: w.holds,
                evidence: w.evidence.clone(),
                mitigations: w.mitigations.clone(),
                see: w.see.clone(),
            });
        }
        op.diagnosis(&checks, &whens);
        (checks, whens)
    }
}
