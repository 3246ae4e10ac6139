//! Running one scenario: the engine of `lrb run`, on a runtime whose clock is virtual, against
//! the scenario's world.

use super::operator::Scripted;
use super::world::World;
use super::{Answer, Scenario};
use crate::action::Action;
use crate::plan::{Address, Runbook};
use crate::run::describe::describe;
use crate::run::engine::{Engine, Policy, RunEnd, question};
use crate::run::resolve::resolve;
use crate::run::transcript::{Event, Record, Transcript};
use crate::run::{Resolved, condition::Evidence};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What one scenario's run did.
#[derive(Debug, Clone)]
pub struct Observed {
    pub end: RunEnd,
    /// Every mitigation the run reached, with what became of it: `run`, `skip`, `abort`
    /// (approvals) or `refused`, in order.
    pub decisions: Vec<(String, String)>,
    /// The mitigations whose steps ran, in order.
    pub ran: Vec<String>,
    /// Each `when` of the diagnosis, in the runbook's order: whether it held, on what.
    pub whens: Vec<(String, bool, Vec<Evidence>)>,
    /// The transcript the engine wrote, in memory.
    pub records: Vec<Record>,
    /// What the run needed that the scenario did not say.
    pub problems: Vec<String>,
}

/// Runs `scenario` against `runbook`; `Err` when the run cannot start (a parameter the checks
/// need has no value).
pub fn run(scenario: &Scenario, runbook: &Runbook) -> Result<Observed, String> {
    let resolved = Arc::new(resolved(runbook, &scenario.params)?);
    let runbook = Arc::new(runbook.clone());
    let world = World::new(scenario, runbook.clone());
    let policy = Policy {
        interactive: scenario.interactive,
        yes: scenario.yes,
        allow_destructive: scenario.allow_destructive,
    };
    let mut operator = Scripted {
        answers: answers(scenario, &runbook, &resolved),
        notes: Vec::new(),
    };
    // A paused clock advances to the next timer whenever every task waits: a `confirm
    // within: 5m` or a `wait 30s` costs nothing.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .map_err(|e| format!("cannot start the scenario's runtime: {e}"))?;
    let (end, records) = runtime.block_on(async {
        let transcript = Transcript::in_memory(std::time::Instant::now());
        let mut engine = Engine::new(
            &runbook,
            resolved.clone(),
            world.clone(),
            policy,
            &transcript,
            tokio::time::Instant::now(),
        );
        engine.who = "scenario".into();
        let end = engine.run(&mut operator).await;
        (end, transcript.records().unwrap_or_default())
    });
    Ok(observe(&runbook, end, records, &world))
}

fn observe(runbook: &Runbook, end: RunEnd, records: Vec<Record>, world: &World) -> Observed {
    let mut decisions = Vec::new();
    let mut whens = Vec::new();
    for record in &records {
        match &record.event {
            Event::Approval {
                mitigation,
                question: asked,
                answer,
                ..
            } if (runbook.mitigations())
                .any(|m| m.name == *mitigation && question(m) == *asked) =>
            {
                decisions.push((mitigation.clone(), answer.clone()));
            }
            Event::Refusal { mitigation, .. } => {
                decisions.push((mitigation.clone(), "refused".into()));
            }
            Event::When {
                condition,
                holds,
                evidence,
                ..
            } if whens.len() < runbook.branches.len() => {
                whens.push((condition.clone(), *holds, evidence.clone()));
            }
            _ => {}
        }
    }
    Observed {
        end,
        decisions,
        ran: world.mitigated(),
        whens,
        records,
        problems: world.problems(),
    }
}

/// The run's targets and parameters without reading the environment: an address the
/// environment would give reads as `$NAME`, so a scenario runs the same on every machine.
fn resolved(runbook: &Runbook, params: &[(String, String)]) -> Result<Resolved, String> {
    let placeholder = |var: &str| {
        runbook.targets.iter().find_map(|t| match &t.address {
            Address::Env {
                name,
                default: None,
            }
            | Address::Secret { name }
                if name == var =>
            {
                Some(format!("${var}"))
            }
            Address::Literal { .. } | Address::Env { .. } | Address::Secret { .. } => None,
        })
    };
    resolve(runbook, params, placeholder).map_err(|e| match e {
        crate::run::resolve::ResolveError::MissingParam { name } => format!(
            "parameter `{name}` has no value and no default: add `set :{name}, \"...\"` to the scenario"
        ),
        other => other.to_string(),
    })
}

/// The scenario's answers keyed as the engine asks: by mitigation name, or by a manual step
/// as it is shown.
fn answers(
    scenario: &Scenario,
    runbook: &Runbook,
    resolved: &Resolved,
) -> BTreeMap<String, Answer> {
    let mut out = scenario.answers.clone();
    for step in runbook.steps() {
        if let Action::Manual(m) = &step.action
            && let Some(answer) = scenario.answers.get(&m.text.source())
        {
            out.insert(describe(&step.action, resolved), *answer);
        }
    }
    out
}
