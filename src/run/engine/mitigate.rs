//! Mitigating: approval by the operator or the flags, then each step in order.

use super::execute::{Call, action_result, action_timeout, guarded};
use super::{Choice, Engine, Executor, Operator};
use crate::action::Action;
use crate::plan::{Mitigation, Step};
use crate::run::describe::describe;
use crate::run::transcript::Event;
use crate::run::{Status, resolve};
use std::time::Duration;
use tokio::time::Instant;

pub(super) enum Approval {
    Run { how: &'static str },
    Skip { how: &'static str },
    Refused(String),
    Abort { how: &'static str },
}

impl<E: Executor> Engine<'_, E> {
    pub(super) fn describe_steps(&self, steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .map(|s| {
                format!(
                    "[{}] {}",
                    s.action.effect(),
                    self.mask(&describe(&s.action, &self.resolved))
                )
            })
            .collect()
    }

    /// Asks the operator, or applies the flags. Destructive mitigations need a typed name or
    /// `--yes --allow-destructive`; the others a `run` or `--yes`.
    pub(super) fn approve(&self, m: &Mitigation, op: &mut dyn Operator) -> Approval {
        // Refuse before the first step rather than stop half-way through a rollback.
        let missing = resolve::missing_params(&m.steps, &self.resolved);
        if !missing.is_empty() {
            let sets: Vec<String> = missing.iter().map(|p| format!("--set {p}=VALUE")).collect();
            return Approval::Refused(format!(
                "it needs {} with no value: pass `{}`",
                missing
                    .iter()
                    .map(|p| format!("parameter `{p}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                sets.join(" ")
            ));
        }
        let destructive = m.is_destructive();
        let steps = self.describe_steps(&m.steps);
        let policy = self.policy;
        let question = question(m);
        let approval = if destructive {
            if policy.yes && policy.allow_destructive {
                Approval::Run {
                    how: "--yes --allow-destructive",
                }
            } else if policy.interactive {
                by_operator(op.type_name(m, &steps), "typed name")
            } else if policy.yes {
                Approval::Refused(
                    "it is destructive: pass `--allow-destructive` as well as `--yes` to run it"
                        .into(),
                )
            } else {
                Approval::Refused(no_terminal())
            }
        } else if policy.yes {
            Approval::Run { how: "--yes" }
        } else if policy.interactive {
            by_operator(op.propose(m, &steps), "menu")
        } else {
            Approval::Refused(no_terminal())
        };
        let (answer, how) = match &approval {
            Approval::Run { how } => ("run", *how),
            Approval::Skip { how } => ("skip", *how),
            Approval::Abort { how } => ("abort", *how),
            Approval::Refused(_) => return approval,
        };
        self.transcript.record(Event::Approval {
            mitigation: m.name.clone(),
            question,
            answer: answer.into(),
            by: self.who.clone(),
            how: how.into(),
        });
        approval
    }

    /// Runs a mitigation's steps in order. `false` when the operator aborted the run.
    pub(super) async fn mitigate(&self, m: &Mitigation, op: &mut dyn Operator) -> bool {
        let shown: Vec<String> = (m.steps.iter())
            .map(|s| self.mask(&describe(&s.action, &self.resolved)))
            .collect();
        self.track(|p| p.mitigation = Some((m.name.clone(), shown.clone(), 0)));
        let done = self.steps(m, &shown, op).await;
        self.track(|p| p.mitigation = None);
        self.exec.mitigated(&m.name);
        done
    }

    /// The steps of [`Self::mitigate`], each counted in the progress as it finishes.
    async fn steps(&self, m: &Mitigation, shown: &[String], op: &mut dyn Operator) -> bool {
        for (finished, (step, shown)) in m.steps.iter().zip(shown).enumerate() {
            self.track(|p| {
                if let Some((_, _, done)) = &mut p.mitigation {
                    *done = finished;
                }
            });
            let shown = shown.as_str();
            match &step.action {
                Action::Manual(_) => match self.manual(&m.name, shown, op) {
                    Choice::Go => {}
                    Choice::Skip => op.note(&format!("skipped: {shown}")),
                    Choice::Abort => return false,
                },
                Action::Wait(w) => self.wait(&m.name, Duration::from_millis(w.ms), op).await,
                action => {
                    op.action_started(shown);
                    let timeout =
                        action_timeout(action, &self.resolved, crate::plan::DEFAULT_ACTION_TIMEOUT);
                    let call = Call::Step {
                        mitigation: m.name.clone(),
                        index: finished,
                    };
                    let outcome = guarded(&self.exec, call, action, &self.resolved, timeout).await;
                    let result = action_result(action, &self.resolved, outcome);
                    op.action_done(shown, &result);
                    let passed = result.status == Status::Passed;
                    self.transcript.record(Event::Action {
                        mitigation: m.name.clone(),
                        result,
                    });
                    if passed {
                        continue;
                    }
                    let choice = if self.policy.interactive {
                        op.after_failure(&m.name, shown)
                    } else {
                        Choice::Skip
                    };
                    let answer = match choice {
                        Choice::Go => "continue",
                        Choice::Skip => "stop the mitigation",
                        Choice::Abort => "abort",
                    };
                    self.transcript.record(Event::Approval {
                        mitigation: m.name.clone(),
                        question: format!("`{shown}` failed: continue?"),
                        answer: answer.into(),
                        by: self.who.clone(),
                        how: if self.policy.interactive {
                            "menu".into()
                        } else {
                            "no terminal: stop the failed mitigation".into()
                        },
                    });
                    match choice {
                        Choice::Go => {}
                        Choice::Skip => {
                            op.note(&format!("stopped `{}` after a failed step", m.name));
                            return true;
                        }
                        Choice::Abort => return false,
                    }
                }
            }
        }
        true
    }

    /// A manual step: the operator confirms it at a terminal; `--yes` approves it otherwise.
    pub(super) fn manual(&self, mitigation: &str, shown: &str, op: &mut dyn Operator) -> Choice {
        let (choice, how) = if self.policy.interactive {
            (op.manual(shown), "menu")
        } else {
            op.note(&format!("{shown} (approved by `--yes`)"));
            (Choice::Go, "--yes")
        };
        self.transcript.record(Event::Approval {
            mitigation: mitigation.into(),
            question: format!("{shown}: done?"),
            answer: match choice {
                Choice::Go => "done",
                Choice::Skip => "skip",
                Choice::Abort => "abort",
            }
            .into(),
            by: self.who.clone(),
            how: how.into(),
        });
        choice
    }

    /// A `wait` step of `mitigation` (or of `confirm`), counted down for the operator.
    pub(super) async fn wait(&self, mitigation: &str, total: Duration, op: &mut dyn Operator) {
        let until = Instant::now() + total;
        loop {
            let remaining = until.saturating_duration_since(Instant::now());
            op.waiting(remaining, total);
            if remaining.is_zero() {
                break;
            }
            tokio::time::sleep(remaining.min(Duration::from_secs(1))).await;
        }
        self.transcript.record(Event::Wait {
            mitigation: mitigation.into(),
            duration_ms: total.as_millis() as u64,
        });
    }
}

/// The question the approval of `m` answers, as the transcript records it.
pub fn question(m: &Mitigation) -> String {
    if m.is_destructive() {
        format!("type `{}` to run this destructive mitigation", m.name)
    } else {
        "run this mitigation?".to_string()
    }
}

/// The operator's answer, given `how` (at the menu, or by typing the name).
pub(super) fn by_operator(choice: Choice, how: &'static str) -> Approval {
    match choice {
        Choice::Go => Approval::Run { how },
        Choice::Skip => Approval::Skip { how },
        Choice::Abort => Approval::Abort { how },
    }
}

fn no_terminal() -> String {
    "stdin is not a terminal, so nobody can approve it: pass `--yes` to approve writes \
     (and `--allow-destructive` for destructive mitigations), or run `lrb plan` to see them"
        .into()
}
