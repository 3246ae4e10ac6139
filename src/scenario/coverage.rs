//! Which parts of a runbook's decision tree the scenarios reached: every `when` arm (it held),
//! every mitigation (the run reached it: asked, approved by a flag, or refused) and both
//! outcomes of the recovery check (confirmed, and not confirmed in time).

use super::run::Observed;
use crate::plan::Runbook;
use crate::source::Span;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// A `when`, reached when its condition held.
    Arm,
    Mitigation,
    /// `confirm` (or the checks again) passed.
    Confirmed,
    /// `confirm` did not pass within its bound (or the checks again still matched a `when`).
    NotConfirmed,
}

/// One part of one runbook, and the scenarios that reached it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub runbook: String,
    pub part: Part,
    /// `when failed(:live)`, `mitigate "Restart backend"`, `confirm within 2m: passed`.
    pub what: String,
    pub source: PathBuf,
    pub span: Span,
    pub covered_by: Vec<String>,
}

/// Every part of `runbook` a scenario should reach.
pub fn items(runbook: &Runbook) -> Vec<Item> {
    let item = |part, what: String, span| Item {
        runbook: runbook.id.clone(),
        part,
        what,
        source: runbook.source.clone(),
        span,
        covered_by: Vec::new(),
    };
    let mut out = Vec::new();
    for branch in &runbook.branches {
        out.push(item(
            Part::Arm,
            format!("when {}", branch.condition),
            branch.span,
        ));
        for m in &branch.mitigations {
            out.push(item(
                Part::Mitigation,
                format!("mitigate \"{}\"", m.name),
                m.span,
            ));
        }
    }
    // Only a run that mitigated confirms; a runbook with no `when` has nothing to confirm.
    if !runbook.branches.iter().all(|b| b.mitigations.is_empty()) {
        let (what, span) = match &runbook.confirm {
            Some(c) => (
                format!(
                    "confirm within {}",
                    crate::duration::Duration::from_ms(c.within_ms)
                ),
                c.span,
            ),
            None => (
                "the checks again after the mitigations".to_string(),
                runbook.span,
            ),
        };
        out.push(item(Part::Confirmed, format!("{what}: passed"), span));
        out.push(item(
            Part::NotConfirmed,
            format!("{what}: not passed"),
            span,
        ));
    }
    out
}

/// Marks what the run of `scenario` on this item's runbook reached.
pub fn mark(items: &mut [Item], runbook: &Runbook, scenario: &str, observed: &Observed) {
    let arms: Vec<bool> = observed.whens.iter().map(|(_, holds, _)| *holds).collect();
    let mut arm = 0;
    for item in items.iter_mut().filter(|i| i.runbook == runbook.id) {
        let reached = match item.part {
            Part::Arm => {
                let held = arms.get(arm).copied().unwrap_or(false);
                arm += 1;
                held
            }
            Part::Mitigation => {
                let name = runbook
                    .mitigations()
                    .find(|m| m.span == item.span)
                    .map(|m| m.name.as_str());
                observed
                    .decisions
                    .iter()
                    .any(|(m, _)| Some(m.as_str()) == name)
            }
            Part::Confirmed => observed.end.confirmed == Some(true),
            Part::NotConfirmed => observed.end.confirmed == Some(false),
        };
        if reached {
            item.covered_by.push(scenario.to_string());
        }
    }
}
