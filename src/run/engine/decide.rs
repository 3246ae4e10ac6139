//! Deciding: which `when`s hold, now and again after each mitigation.

use super::{CheckResult, Engine, Executor, Operator};
use crate::effect::Effect;
use crate::plan::{self, Runbook, Step};
use crate::run::condition::{self, Evidence};
use crate::run::transcript::Event;
use std::collections::HashSet;

/// One `when`, evaluated.
#[derive(Debug, Clone)]
pub struct WhenResult {
    pub condition: String,
    pub holds: bool,
    pub evidence: Vec<Evidence>,
    pub mitigations: Vec<String>,
    pub see: Vec<String>,
}

/// Evaluates every `when` in order against the checks.
pub fn decide(runbook: &Runbook, checks: &[CheckResult]) -> Vec<WhenResult> {
    let lookup = |id: &str| {
        checks
            .iter()
            .find(|c| c.id == id)
            .map(CheckResult::evidence)
    };
    runbook
        .branches
        .iter()
        .map(|b| {
            let (holds, evidence) = condition::evaluate(&b.condition, &lookup);
            WhenResult {
                condition: b.condition.to_string(),
                holds,
                evidence,
                mitigations: b.mitigations.iter().map(|m| m.name.clone()).collect(),
                see: b.see.clone(),
            }
        })
        .collect()
}

/// Every probe of every check is a read: what `lrb plan` needs before it runs them.
pub fn writing_probes(runbook: &Runbook) -> Vec<(&str, &Step)> {
    runbook
        .checks
        .iter()
        .flat_map(|c| c.probes.iter().map(move |p| (c.id.as_str(), p)))
        .filter(|(_, p)| p.action.effect() != Effect::Read)
        .collect()
}

impl<E: Executor> Engine<'_, E> {
    /// Whether `branch` still holds after a mitigation ran: runs again the checks its
    /// condition reads that have not run since, then evaluates it; `false` (and a note) when
    /// it no longer holds.
    pub(super) async fn still_holds(
        &self,
        branch: &plan::Branch,
        checks: &mut [CheckResult],
        fresh: &mut HashSet<String>,
        op: &mut dyn Operator,
    ) -> bool {
        let ids = branch.condition.checks();
        let again: Vec<&plan::Check> = self
            .runbook
            .checks
            .iter()
            .filter(|c| ids.contains(&c.id.as_str()) && !fresh.contains(&c.id))
            .collect();
        if !again.is_empty() {
            self.set_phase("checks again".into());
            op.diagnosing(again.len());
            for result in self.run_checks(&again, op).await {
                fresh.insert(result.id.clone());
                if let Some(slot) = checks.iter_mut().find(|c| c.id == result.id) {
                    *slot = result;
                }
            }
        }
        let lookup = |id: &str| {
            checks
                .iter()
                .find(|c| c.id == id)
                .map(CheckResult::evidence)
        };
        let (holds, evidence) = condition::evaluate(&branch.condition, &lookup);
        if again.is_empty() && holds {
            return true;
        }
        let condition = branch.condition.to_string();
        if !holds {
            op.note(&format!(
                "`{condition}` no longer holds after the mitigations so far: not proposing the rest of its mitigations"
            ));
        }
        self.transcript.record(Event::When {
            condition,
            holds,
            evidence,
            mitigations: branch.mitigations.iter().map(|m| m.name.clone()).collect(),
            see: Vec::new(),
        });
        holds
    }
}
