//! The interpreter: runs the checks concurrently, evaluates the `when`s, asks before each
//! mitigation, runs the approved ones and then `confirm`. It records every step in the
//! transcript and talks to the operator only through [`Operator`].

mod confirm;
mod decide;
mod diagnose;
mod execute;
mod mitigate;
mod progress;
mod resume;
#[cfg(test)]
mod tests;

pub use decide::{WhenResult, decide, writing_probes};
pub use diagnose::{CheckResult, diagnose};
pub use execute::{Backends, Call, Executor};
pub use mitigate::question;
pub use resume::{Earlier, ResumeError};

use crate::plan::{Mitigation, Runbook};
use crate::run::transcript::{ActionResult, Event, Transcript};
use crate::run::{Resolved, mask};
use mitigate::Approval;
use progress::Progress;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What the run came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Every check that is not `info:` passed and no `when` matched: nothing to do.
    Healthy,
    /// A check that is not `info:` did not pass and no `when` matched: a person must look.
    Unhandled,
    Recovered,
    NotRecovered,
    /// A mitigation was refused: no terminal to ask and no flag to approve it.
    Refused,
    /// The operator aborted, or skipped every mitigation.
    Aborted,
}

impl Finish {
    pub fn name(self) -> &'static str {
        match self {
            Finish::Healthy => "healthy",
            Finish::Unhandled => "unhandled",
            Finish::Recovered => "recovered",
            Finish::NotRecovered => "not recovered",
            Finish::Refused => "refused",
            Finish::Aborted => "aborted",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunEnd {
    pub finish: Finish,
    /// Whether `confirm` passed, when it ran.
    pub confirmed: Option<bool>,
    pub time_to_recovery: Option<Duration>,
    /// Mitigations the flags did not allow, with the reason.
    pub refused: Vec<(String, String)>,
    /// Runbooks the matching `when`s hand over to.
    pub see: Vec<String>,
    /// The checks (not `info:`) that did not pass when no `when` matched.
    pub unhandled: Vec<String>,
}

/// An operator's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Run it / it is done / continue.
    Go,
    Skip,
    Abort,
}

/// The person at the terminal, or the flags standing in for them. Text handed over is masked.
pub trait Operator {
    /// Checks are about to run.
    fn diagnosing(&mut self, checks: usize);
    fn checked(&mut self, result: &CheckResult);
    fn diagnosis(&mut self, checks: &[CheckResult], whens: &[WhenResult]);
    /// Run this (non-destructive) mitigation? `steps` are described and masked.
    fn propose(&mut self, mitigation: &Mitigation, steps: &[String]) -> Choice;
    /// A destructive mitigation: `Go` only when the operator typed its name exactly.
    fn type_name(&mut self, mitigation: &Mitigation, steps: &[String]) -> Choice;
    /// A manual step: `Go` once it is done.
    fn manual(&mut self, text: &str) -> Choice;
    /// An action failed: `Go` continues the mitigation, `Skip` stops it.
    fn after_failure(&mut self, mitigation: &str, step: &str) -> Choice;
    fn action_started(&mut self, step: &str);
    fn action_done(&mut self, step: &str, result: &ActionResult);
    /// `remaining` of a `wait` step; called about once a second.
    fn waiting(&mut self, remaining: Duration, total: Duration);
    fn confirm_attempt(&mut self, attempt: u32, of: u32);
    fn confirm_done(&mut self, attempt: u32, passed: bool, results: &[ActionResult]);
    /// Anything else worth a line: a refusal, a handover, a skipped step.
    fn note(&mut self, text: &str);
}

/// What the flags and the terminal allow.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// A person can answer prompts (stdin is a terminal).
    pub interactive: bool,
    /// `--yes`: approve writes and manual steps.
    pub yes: bool,
    /// `--allow-destructive`: with `--yes`, approve destructive mitigations too.
    pub allow_destructive: bool,
}

/// One run of one runbook.
pub struct Engine<'a, E: Executor> {
    pub runbook: &'a Runbook,
    pub resolved: Arc<Resolved>,
    pub exec: E,
    pub policy: Policy,
    pub transcript: &'a Transcript,
    pub started: Instant,
    /// Who answers the prompts (`user@host`), for each `approval` record.
    pub who: String,
    /// What the earlier sessions did, when this run resumes a transcript.
    pub earlier: Option<Earlier>,
    /// Where the run is, for the `interrupted` record.
    progress: Mutex<Progress>,
}

impl<'a, E: Executor> Engine<'a, E> {
    pub fn new(
        runbook: &'a Runbook,
        resolved: Arc<Resolved>,
        exec: E,
        policy: Policy,
        transcript: &'a Transcript,
        started: Instant,
    ) -> Self {
        Engine {
            runbook,
            resolved,
            exec,
            policy,
            transcript,
            started,
            who: "unknown".into(),
            earlier: None,
            progress: Mutex::new(Progress {
                during: "start".into(),
                ..Progress::default()
            }),
        }
    }

    /// What the run was doing last, and what it has left undone.
    pub fn interruption(&self) -> (String, Vec<String>) {
        let progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        (progress.during.clone(), progress.undone())
    }

    fn track(&self, change: impl FnOnce(&mut Progress)) {
        change(&mut self.progress.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn set_phase(&self, phase: String) {
        self.track(|p| p.during = phase);
    }

    fn mask(&self, text: &str) -> String {
        mask::mask(text, &self.resolved.secrets)
    }

    pub async fn run(&self, op: &mut dyn Operator) -> RunEnd {
        let mut end = RunEnd {
            finish: Finish::Healthy,
            confirmed: None,
            time_to_recovery: None,
            refused: Vec::new(),
            see: Vec::new(),
            unhandled: Vec::new(),
        };
        self.set_phase("diagnosis".into());
        let (mut checks, whens) = self.diagnose(op).await;
        // Mitigations an earlier session of this run ran: their work is this run's too.
        let ran_before = self.earlier.as_ref().map_or(0, |e| e.mitigations.len());
        if !whens.iter().any(|w| w.holds) && ran_before > 0 {
            op.note("no `when` holds now: confirming the work of the earlier session");
        } else if !whens.iter().any(|w| w.holds) {
            end.unhandled = unhandled(&checks);
            if end.unhandled.is_empty() {
                self.transcript.record(Event::Healthy);
            } else {
                end.finish = Finish::Unhandled;
                self.transcript.record(Event::Unhandled {
                    checks: end.unhandled.clone(),
                });
            }
            return end;
        }
        for when in whens.iter().filter(|w| w.holds) {
            for see in &when.see {
                op.note(&format!(
                    "see runbook `{see}`: `{}` hands over to it",
                    when.condition
                ));
                end.see.push(see.clone());
            }
        }
        let queue: Vec<String> = self
            .runbook
            .branches
            .iter()
            .zip(&whens)
            .filter(|(_, w)| w.holds)
            .flat_map(|(b, _)| b.mitigations.iter().map(|m| m.name.clone()))
            .collect();
        self.track(|p| {
            p.pending = queue.clone();
            p.confirm_left = true;
        });
        let (mut proposed, mut ran) = (0, ran_before);
        // The checks run again since the last mitigation ran: a mitigation may have fixed what
        // a later `when`, or a later mitigation of the same `when`, was matched on.
        let mut fresh: HashSet<String> = checks.iter().map(|c| c.id.clone()).collect();
        let matched = self
            .runbook
            .branches
            .iter()
            .zip(&whens)
            .filter(|(_, w)| w.holds);
        // Where each matched `when`'s mitigations start in `queue`.
        let mut offset = 0;
        for (branch, _) in matched {
            for (j, m) in branch.mitigations.iter().enumerate() {
                if ran > 0 && !self.still_holds(branch, &mut checks, &mut fresh, op).await {
                    break;
                }
                proposed += 1;
                self.set_phase(format!("mitigation `{}`", m.name));
                self.track(|p| p.pending = queue[offset + j + 1..].to_vec());
                if let Some(note) =
                    (self.earlier.as_ref()).and_then(|e| e.note(&m.name, m.steps.len()))
                {
                    op.note(&note);
                }
                match self.approve(m, op) {
                    Approval::Abort { .. } => {
                        end.finish = Finish::Aborted;
                        return end;
                    }
                    Approval::Refused(reason) => {
                        op.note(&format!("refused `{}`: {reason}", m.name));
                        self.transcript.record(Event::Refusal {
                            mitigation: m.name.clone(),
                            reason: reason.clone(),
                        });
                        end.refused.push((m.name.clone(), reason));
                    }
                    Approval::Skip { .. } => {}
                    Approval::Run { .. } => {
                        ran += 1;
                        fresh.clear();
                        if !self.mitigate(m, op).await {
                            end.finish = Finish::Aborted;
                            return end;
                        }
                    }
                }
            }
            offset += branch.mitigations.len();
        }
        self.track(|p| p.pending.clear());
        if ran == 0 {
            end.finish = if proposed == 0 {
                // Only handovers matched: this runbook cannot fix it.
                Finish::NotRecovered
            } else if end.refused.is_empty() {
                Finish::Aborted
            } else {
                Finish::Refused
            };
            return end;
        }
        self.set_phase("confirm".into());
        let confirmed = match &self.runbook.confirm {
            Some(confirm) => match self.confirm(confirm, op).await {
                Some(passed) => passed,
                None => {
                    end.finish = Finish::Aborted;
                    return end;
                }
            },
            None => self.recheck(op).await,
        };
        self.track(|p| p.confirm_left = false);
        end.confirmed = Some(confirmed);
        if confirmed {
            end.time_to_recovery = Some(self.started.elapsed());
        }
        end.finish = match (end.refused.is_empty(), confirmed) {
            (false, _) => Finish::Refused,
            (true, true) => Finish::Recovered,
            (true, false) => Finish::NotRecovered,
        };
        end
    }
}

/// The checks that are not `info:` and did not pass: with no `when` matched, the run cannot
/// call that healthy.
pub fn unhandled(checks: &[CheckResult]) -> Vec<String> {
    (checks.iter())
        .filter(|c| !c.info && c.status != crate::run::Status::Passed)
        .map(|c| c.id.clone())
        .collect()
}
