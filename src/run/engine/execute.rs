//! The one way an action runs: on its own task, under its timeout, its outcome masked.

use crate::action::Action;
use crate::run::describe::describe;
use crate::run::transcript::ActionResult;
use crate::run::{Outcome, Resolved, Status, admit, backend, mask};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Extra time given to a backend past its timeout before the engine gives up on it.
pub(super) const GRACE: Duration = Duration::from_millis(500);

/// Where in the runbook an action stands: what a simulated world answers by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// The probe at `index` of check `check`.
    Probe { check: String, index: usize },
    /// The step at `index` of mitigation `mitigation`.
    Step { mitigation: String, index: usize },
    /// The probe at `index` of `confirm`.
    Confirm { index: usize },
}

/// Runs one action. [`Backends`] is the real one; `lrb test` runs the engine against a world
/// a scenario describes (`scenario::world`).
pub trait Executor: Clone + Send + Sync + 'static {
    fn execute(
        &self,
        call: Call,
        action: Action,
        resolved: Arc<Resolved>,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send + 'static;

    /// Mitigation `name` has run (all its steps, or up to a failed one).
    fn mitigated(&self, _name: &str) {}
}

/// The real backends: HTTP, PostgreSQL, Redis, Docker, Compose and shell.
#[derive(Debug, Clone, Copy)]
pub struct Backends;

impl Executor for Backends {
    // Not `async fn`: the future must own its arguments to run on its own task.
    #[allow(clippy::manual_async_fn)]
    fn execute(
        &self,
        _call: Call,
        action: Action,
        resolved: Arc<Resolved>,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        async move { backend::execute(&action, &resolved, timeout).await }
    }
}

/// Aborts a spawned action when the run is dropped (Ctrl-C), which kills its child process.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs one action on its own task, so a backend that panics or overstays its timeout
/// becomes an `error` outcome instead of taking the run down or hanging it.
pub(super) async fn guarded<E: Executor>(
    exec: &E,
    call: Call,
    action: &Action,
    resolved: &Arc<Resolved>,
    timeout: Duration,
) -> Outcome {
    let started = Instant::now();
    // The last look before it runs: values against their rules, raw text classified again.
    if let Err(refusal) = admit::admit(action, resolved) {
        return Outcome {
            status: Status::Error,
            value: None,
            detail: refusal,
            output: None,
            duration: started.elapsed(),
        };
    }
    let task = tokio::spawn(exec.execute(call, action.clone(), resolved.clone(), timeout));
    let _abort = AbortOnDrop(task.abort_handle());
    let failure = match tokio::time::timeout(timeout + GRACE, task).await {
        Ok(Ok(outcome)) => return outcome,
        Ok(Err(e)) if e.is_panic() => {
            "the backend crashed on this action (a bug in lrb: please report it)".to_string()
        }
        Ok(Err(_)) => "the action was cancelled".to_string(),
        Err(_) => format!(
            "no answer within {}: timed out",
            crate::duration::Duration::from(timeout).rounded()
        ),
    };
    Outcome {
        status: Status::Error,
        value: None,
        detail: failure,
        output: None,
        duration: started.elapsed(),
    }
}

/// How long `action` may take: its own `timeout:`, else its target's, else `fallback`.
pub(super) fn action_timeout(
    action: &Action,
    resolved: &Resolved,
    fallback: crate::duration::Duration,
) -> Duration {
    let target = action
        .target()
        .and_then(|t| resolved.targets.get(t))
        .and_then(|t| t.timeout);
    action
        .timeout_ms()
        .map(Duration::from_millis)
        .or(target)
        .unwrap_or(fallback.into())
}

pub(super) fn action_result(
    action: &Action,
    resolved: &Resolved,
    outcome: Outcome,
) -> ActionResult {
    ActionResult {
        action: mask::mask(&describe(action, resolved), &resolved.secrets),
        effect: action.effect().to_string(),
        status: outcome.status,
        value: outcome.value,
        detail: mask::mask(&outcome.detail, &resolved.secrets),
        output: outcome.output.map(|o| mask::mask(&o, &resolved.secrets)),
        duration_ms: outcome.duration.as_millis() as u64,
    }
}
