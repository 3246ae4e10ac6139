//! Confirming: the `confirm` loop, or the checks again when there is none.

use super::execute::{Call, GRACE, action_result, action_timeout, guarded};
use super::{Choice, Engine, Executor, Operator};
use crate::action::Action;
use crate::plan::{self, Step};
use crate::run::Status;
use crate::run::describe::describe;
use crate::run::transcript::{ActionResult, Event};
use std::time::Duration;
use tokio::time::Instant;

impl<E: Executor> Engine<'_, E> {
    /// The `confirm` loop. `None` when the operator aborted at a manual step.
    pub(super) async fn confirm(
        &self,
        confirm: &plan::Confirm,
        op: &mut dyn Operator,
    ) -> Option<bool> {
        // Manual steps are asked once and waits happen once, before the first attempt; the
        // other probes are retried together.
        let mut probes: Vec<(usize, &Step)> = Vec::new();
        for (index, step) in confirm.probes.iter().enumerate() {
            match &step.action {
                Action::Manual(_) => {
                    let shown = self.mask(&describe(&step.action, &self.resolved));
                    if self.manual("confirm", &shown, op) == Choice::Abort {
                        return None;
                    }
                }
                Action::Wait(w) => self.wait("confirm", Duration::from_millis(w.ms), op).await,
                Action::Http(_)
                | Action::Postgres(_)
                | Action::Redis(_)
                | Action::Docker(_)
                | Action::Compose(_)
                | Action::Shell(_)
                | Action::Prometheus(_) => probes.push((index, step)),
            }
        }
        let within = Duration::from_millis(confirm.within_ms);
        let every = Duration::from_millis(confirm.every_ms.max(1));
        let of = (confirm.within_ms / confirm.every_ms.max(1)) as u32 + 1;
        let deadline = Instant::now() + within;
        let mut attempt = 0;
        loop {
            attempt += 1;
            op.confirm_attempt(attempt, of);
            let started = Instant::now();
            let left = deadline.saturating_duration_since(started).max(GRACE);
            let results: Vec<ActionResult> =
                futures_util::future::join_all(probes.iter().map(|&(index, p)| async move {
                    let timeout =
                        action_timeout(&p.action, &self.resolved, plan::DEFAULT_PROBE_TIMEOUT)
                            .min(left);
                    let call = Call::Confirm { index };
                    let outcome =
                        guarded(&self.exec, call, &p.action, &self.resolved, timeout).await;
                    action_result(&p.action, &self.resolved, outcome)
                }))
                .await;
            let passed = results.iter().all(|r| r.status == Status::Passed);
            op.confirm_done(attempt, passed, &results);
            self.transcript.record(Event::ConfirmAttempt {
                attempt,
                of,
                passed,
                results,
            });
            if passed {
                return Some(true);
            }
            let next = started + every;
            if next >= deadline {
                return Some(false);
            }
            tokio::time::sleep_until(next).await;
        }
    }

    /// Without a `confirm` block: run the checks again; recovered when no `when` matches.
    pub(super) async fn recheck(&self, op: &mut dyn Operator) -> bool {
        op.note("no `confirm` block: running the checks again");
        let (_, whens) = self.diagnose(op).await;
        !whens.iter().any(|w| w.holds)
    }
}
