//! The simulated world: probes answer from the scenario's `given`s, actions are recorded and
//! never executed, and `after` blocks change what the checks see once a mitigation ran.

use super::{After, ConfirmGiven, Given, Scenario};
use crate::action::Action;
use crate::plan::Runbook;
use crate::run::backend::show;
use crate::run::engine::{Call, Executor};
use crate::run::{Outcome, Resolved, Status};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// What the checks see, changed as mitigations run. Clones share one state.
#[derive(Clone)]
pub struct World {
    state: Arc<Mutex<State>>,
    runbook: Arc<Runbook>,
}

struct State {
    checks: BTreeMap<String, Given>,
    confirm: Option<ConfirmGiven>,
    /// When `confirm` first asked, for `given confirm: :passed, after: 30s`.
    confirm_since: Option<Instant>,
    after: Vec<After>,
    /// The mitigations that ran, in order.
    mitigated: Vec<String>,
    /// What the scenario did not describe: each one fails it.
    problems: Vec<String>,
}

impl State {
    /// Notes what the scenario did not describe, once however often the engine asks.
    fn problem(&mut self, problem: &str) {
        if !self.problems.iter().any(|p| p == problem) {
            self.problems.push(problem.to_string());
        }
    }
}

impl World {
    pub fn new(scenario: &Scenario, runbook: Arc<Runbook>) -> Self {
        World {
            state: Arc::new(Mutex::new(State {
                checks: scenario.given.clone(),
                confirm: scenario.confirm,
                confirm_since: None,
                after: scenario.after.clone(),
                mitigated: Vec::new(),
                problems: Vec::new(),
            })),
            runbook,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The mitigations that ran, in order.
    pub fn mitigated(&self) -> Vec<String> {
        self.state().mitigated.clone()
    }

    /// What the run needed and the scenario did not say.
    pub fn problems(&self) -> Vec<String> {
        self.state().problems.clone()
    }

    fn answer(&self, call: &Call, action: &Action) -> Outcome {
        let mut state = self.state();
        match call {
            Call::Probe { check, index } => match state.checks.get(check) {
                Some(given) if *index == 0 => seen(given),
                Some(_) => outcome(Status::Passed, None, "given: passed".into()),
                None => {
                    let problem = format!(
                        "the scenario does not say what check `{check}` sees: add `given :{check}, ...`"
                    );
                    state.problem(&problem);
                    outcome(Status::Error, None, problem)
                }
            },
            Call::Step { .. } => outcome(Status::Passed, None, "recorded, not run".into()),
            Call::Confirm { .. } => match state.confirm {
                Some(ConfirmGiven::Fails) => {
                    outcome(Status::Failed, None, "given: confirm fails".into())
                }
                Some(ConfirmGiven::PassesAfter { ms }) => {
                    let since = *state.confirm_since.get_or_insert_with(Instant::now);
                    if since.elapsed() >= Duration::from_millis(ms) {
                        outcome(Status::Passed, None, "given: confirm passes".into())
                    } else {
                        outcome(
                            Status::Failed,
                            None,
                            "given: confirm does not pass yet".into(),
                        )
                    }
                }
                None => match self.check_probing(action) {
                    Some(check) => match state.checks.get(check) {
                        Some(given) => seen(given),
                        None => {
                            outcome(Status::Error, None, format!("check `{check}` undescribed"))
                        }
                    },
                    None => {
                        let problem = "a `confirm` probe is no probe of any check, so the scenario cannot tell what it sees: add `given confirm: :passed` (or `:failed`), or say it in an `after` block".to_string();
                        state.problem(&problem);
                        outcome(Status::Error, None, problem)
                    }
                },
            },
        }
    }

    /// The check whose probe is exactly `action`: a `confirm` probe sees what it sees.
    fn check_probing(&self, action: &Action) -> Option<&str> {
        (self.runbook.checks.iter())
            .find(|c| c.probes.iter().any(|p| p.action == *action))
            .map(|c| c.id.as_str())
    }
}

impl Executor for World {
    #[allow(clippy::manual_async_fn)]
    fn execute(
        &self,
        call: Call,
        action: Action,
        _resolved: Arc<Resolved>,
        _timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        let outcome = self.answer(&call, &action);
        async move { outcome }
    }

    fn mitigated(&self, name: &str) {
        let mut state = self.state();
        state.mitigated.push(name.to_string());
        let changes: Vec<After> = (state.after.iter())
            .filter(|a| a.mitigation == name)
            .cloned()
            .collect();
        for change in changes {
            state.checks.extend(change.given);
            if change.confirm.is_some() {
                state.confirm = change.confirm;
                state.confirm_since = None;
            }
        }
    }
}

/// A probe's outcome as the scenario gives it.
fn seen(given: &Given) -> Outcome {
    let state = match given.status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error => "errored",
    };
    let detail = match &given.value {
        Some(v) => format!("given: {state}, value {}", show(v)),
        None => format!("given: {state}"),
    };
    outcome(given.status, given.value.clone(), detail)
}

fn outcome(status: Status, value: Option<crate::run::Value>, detail: String) -> Outcome {
    Outcome {
        status,
        value,
        detail,
        output: None,
        duration: Duration::ZERO,
    }
}
