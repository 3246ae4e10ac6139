//! The interpreter: runs the checks concurrently, evaluates the `when`s, asks before each
//! mitigation, runs the approved ones and then `confirm`. It records every step in the
//! transcript and talks to the operator only through [`Operator`].

use super::condition::{self, Evidence};
use super::describe::{describe, human_ms};
use super::transcript::{ActionResult, Event, Transcript};
use super::{Outcome, Resolved, Status, Value, admit, backend, mask, resolve};
use crate::action::Action;
use crate::effect::Effect;
use crate::plan::{self, Mitigation, Runbook, Step};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Default time a mitigation action may take (a restart, `up`, a migration), when neither it
/// nor its target says.
pub const DEFAULT_ACTION_TIMEOUT_MS: u64 = 120_000;
/// Extra time given to a backend past its timeout before the engine gives up on it.
const GRACE: Duration = Duration::from_millis(500);

/// Runs one action. [`Backends`] is the real one; the trait lets the scheduling logic be
/// unit-tested without services.
pub trait Executor: Clone + Send + Sync + 'static {
    fn execute(
        &self,
        action: Action,
        resolved: Arc<Resolved>,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send + 'static;
}

/// The real backends: HTTP, PostgreSQL, Redis, Docker, Compose and shell.
#[derive(Debug, Clone, Copy)]
pub struct Backends;

impl Executor for Backends {
    // Not `async fn`: the future must own its arguments to run on its own task.
    #[allow(clippy::manual_async_fn)]
    fn execute(
        &self,
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
async fn guarded<E: Executor>(
    exec: &E,
    action: &Action,
    resolved: &Arc<Resolved>,
    timeout: Duration,
) -> Outcome {
    let started = Instant::now();
    if let Err(refusal) = admit::admit(action, resolved) {
        return Outcome {
            status: Status::Error,
            value: None,
            detail: refusal,
            output: None,
            duration: started.elapsed(),
        };
    }
    let task = tokio::spawn(exec.execute(action.clone(), resolved.clone(), timeout));
    let _abort = AbortOnDrop(task.abort_handle());
    let failure = match tokio::time::timeout(timeout + GRACE, task).await {
        Ok(Ok(outcome)) => return outcome,
        Ok(Err(e)) if e.is_panic() => {
            "the backend crashed on this action (a bug in lrb: please report it)".to_string()
        }
        Ok(Err(_)) => "the action was cancelled".to_string(),
        Err(_) => format!(
            "no answer within {}: timed out",
            human_ms(timeout.as_millis() as u64)
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
fn action_timeout(action: &Action, resolved: &Resolved, fallback_ms: u64) -> Duration {
    let target = action
        .target()
        .and_then(|t| resolved.targets.get(t))
        .and_then(|t| t.timeout);
    action
        .timeout_ms()
        .map(Duration::from_millis)
        .or(target)
        .unwrap_or(Duration::from_millis(fallback_ms))
}

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
    fn evidence(&self) -> Evidence {
        Evidence {
            check: self.id.clone(),
            status: self.status,
            value: self.value.clone(),
        }
    }
}

/// One `when`, evaluated.
#[derive(Debug, Clone)]
pub struct WhenResult {
    pub condition: String,
    pub holds: bool,
    pub evidence: Vec<Evidence>,
    pub mitigations: Vec<String>,
    pub see: Vec<String>,
}

/// What the run came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// No `when` matched: nothing to do.
    Healthy,
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

enum Approval {
    Run { by: String },
    Skip { by: String },
    Refused(String),
    Abort,
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
        let timeout = action_timeout(&probe.action, resolved, check.timeout_ms).min(left);
        let outcome = guarded(exec, &probe.action, resolved, timeout).await;
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

fn action_result(action: &Action, resolved: &Resolved, outcome: Outcome) -> ActionResult {
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

/// One run of one runbook.
pub struct Engine<'a, E: Executor> {
    pub runbook: &'a Runbook,
    pub resolved: Arc<Resolved>,
    pub exec: E,
    pub policy: Policy,
    pub transcript: &'a Transcript,
    pub started: Instant,
    /// What the run is doing, for the `interrupted` record.
    phase: Mutex<String>,
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
            phase: Mutex::new("start".into()),
        }
    }

    /// What the run was doing last.
    pub fn phase(&self) -> String {
        self.phase.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_phase(&self, phase: String) {
        *self.phase.lock().unwrap_or_else(|p| p.into_inner()) = phase;
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
        };
        self.set_phase("diagnosis".into());
        let (mut checks, whens) = self.diagnose(op).await;
        if !whens.iter().any(|w| w.holds) {
            self.transcript.record(Event::Healthy);
            return end;
        }
        for when in whens.iter().filter(|w| w.holds) {
            for see in &when.see {
                op.note(&format!(
                    "see runbook `{see}`: `{}` hands over to it (not run automatically)",
                    when.condition
                ));
                end.see.push(see.clone());
            }
        }
        let (mut proposed, mut ran) = (0, 0);
        // The checks run again since the last mitigation ran: a mitigation may have fixed what
        // a later `when`, or a later mitigation of the same `when`, was matched on.
        let mut fresh: HashSet<String> = HashSet::new();
        let matched = self
            .runbook
            .branches
            .iter()
            .zip(&whens)
            .filter(|(_, w)| w.holds);
        for (branch, _) in matched {
            for m in &branch.mitigations {
                if ran > 0 && !self.still_holds(branch, &mut checks, &mut fresh, op).await {
                    break;
                }
                proposed += 1;
                self.set_phase(format!("mitigation `{}`", m.name));
                match self.approve(m, op) {
                    Approval::Abort => {
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
        }
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

    /// Whether `branch` still holds after a mitigation ran: runs again the checks its
    /// condition reads that have not run since, then evaluates it; `false` (and a note) when
    /// it no longer holds.
    async fn still_holds(
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

    /// Runs checks, telling the operator and the transcript as each finishes.
    async fn run_checks(&self, checks: &[&plan::Check], op: &mut dyn Operator) -> Vec<CheckResult> {
        diagnose(checks, &self.resolved, &self.exec, &mut |c| {
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

    async fn diagnose(&self, op: &mut dyn Operator) -> (Vec<CheckResult>, Vec<WhenResult>) {
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

    fn describe_steps(&self, steps: &[Step]) -> Vec<String> {
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
    fn approve(&self, m: &Mitigation, op: &mut dyn Operator) -> Approval {
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
        let (question, approval) = if destructive {
            let question = format!("type `{}` to run this destructive mitigation", m.name);
            let approval = if policy.yes && policy.allow_destructive {
                Approval::Run {
                    by: "--yes --allow-destructive".into(),
                }
            } else if policy.interactive {
                by_operator(op.type_name(m, &steps))
            } else if policy.yes {
                Approval::Refused(
                    "it is destructive: pass `--allow-destructive` as well as `--yes` to run it"
                        .into(),
                )
            } else {
                Approval::Refused(no_terminal())
            };
            (question, approval)
        } else {
            let question = "run this mitigation?".to_string();
            let approval = if policy.yes {
                Approval::Run { by: "--yes".into() }
            } else if policy.interactive {
                by_operator(op.propose(m, &steps))
            } else {
                Approval::Refused(no_terminal())
            };
            (question, approval)
        };
        let (answer, by) = match &approval {
            Approval::Run { by } => ("run", by.as_str()),
            Approval::Skip { by } => ("skip", by.as_str()),
            Approval::Abort => ("abort", "operator"),
            Approval::Refused(_) => return approval,
        };
        self.transcript.record(Event::Approval {
            mitigation: m.name.clone(),
            question,
            answer: answer.into(),
            by: by.into(),
        });
        approval
    }

    /// Runs a mitigation's steps in order. `false` when the operator aborted the run.
    async fn mitigate(&self, m: &Mitigation, op: &mut dyn Operator) -> bool {
        for step in &m.steps {
            let shown = self.mask(&describe(&step.action, &self.resolved));
            match &step.action {
                Action::Manual(_) => match self.manual(&m.name, &shown, op) {
                    Choice::Go => {}
                    Choice::Skip => op.note(&format!("skipped: {shown}")),
                    Choice::Abort => return false,
                },
                Action::Wait(w) => self.wait(&m.name, Duration::from_millis(w.ms), op).await,
                action => {
                    op.action_started(&shown);
                    let timeout = action_timeout(action, &self.resolved, DEFAULT_ACTION_TIMEOUT_MS);
                    let outcome = guarded(&self.exec, action, &self.resolved, timeout).await;
                    let result = action_result(action, &self.resolved, outcome);
                    op.action_done(&shown, &result);
                    let passed = result.status == Status::Passed;
                    self.transcript.record(Event::Action {
                        mitigation: m.name.clone(),
                        result,
                    });
                    if passed {
                        continue;
                    }
                    let choice = if self.policy.interactive {
                        op.after_failure(&m.name, &shown)
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
                        by: if self.policy.interactive {
                            "operator".into()
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
    fn manual(&self, mitigation: &str, shown: &str, op: &mut dyn Operator) -> Choice {
        let (choice, by) = if self.policy.interactive {
            (op.manual(shown), "operator")
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
            by: by.into(),
        });
        choice
    }

    /// A `wait` step of `mitigation` (or of `confirm`), counted down for the operator.
    async fn wait(&self, mitigation: &str, total: Duration, op: &mut dyn Operator) {
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

    /// The `confirm` loop. `None` when the operator aborted at a manual step.
    async fn confirm(&self, confirm: &plan::Confirm, op: &mut dyn Operator) -> Option<bool> {
        // Manual steps are asked once and waits happen once, before the first attempt; the
        // other probes are retried together.
        let mut probes: Vec<&Step> = Vec::new();
        for step in &confirm.probes {
            match &step.action {
                Action::Manual(_) => {
                    let shown = self.mask(&describe(&step.action, &self.resolved));
                    if self.manual("confirm", &shown, op) == Choice::Abort {
                        return None;
                    }
                }
                Action::Wait(w) => self.wait("confirm", Duration::from_millis(w.ms), op).await,
                _ => probes.push(step),
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
                futures_util::future::join_all(probes.iter().map(|p| async {
                    let timeout =
                        action_timeout(&p.action, &self.resolved, plan::DEFAULT_PROBE_TIMEOUT_MS)
                            .min(left);
                    let outcome = guarded(&self.exec, &p.action, &self.resolved, timeout).await;
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
            tokio::time::sleep_until(next.into()).await;
        }
    }

    /// Without a `confirm` block: run the checks again; recovered when no `when` matches.
    async fn recheck(&self, op: &mut dyn Operator) -> bool {
        op.note("no `confirm` block: running the checks again");
        let (_, whens) = self.diagnose(op).await;
        !whens.iter().any(|w| w.holds)
    }
}

fn by_operator(choice: Choice) -> Approval {
    match choice {
        Choice::Go => Approval::Run {
            by: "operator".into(),
        },
        Choice::Skip => Approval::Skip {
            by: "operator".into(),
        },
        Choice::Abort => Approval::Abort,
    }
}

fn no_terminal() -> String {
    "stdin is not a terminal, so nobody can approve it: pass `--yes` to approve writes \
     (and `--allow-destructive` for destructive mitigations), or run `lrb plan` to see them"
        .into()
}

/// Scheduling and approval logic against an in-process executor; the real backends are
/// exercised by `tests/run.rs` against the lab.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::HttpAction;
    use crate::run::resolve::{resolve, runbook};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers by path: `/slow` hangs, `/down` fails, `/broken` fails until a `POST /repair`,
    /// `/panic` panics, anything else passes.
    #[derive(Clone, Default)]
    struct Fake {
        in_flight: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
        ran: Arc<Mutex<Vec<String>>>,
    }

    impl Executor for Fake {
        fn execute(
            &self,
            action: Action,
            _resolved: Arc<Resolved>,
            _timeout: Duration,
        ) -> impl Future<Output = Outcome> + Send + 'static {
            let me = self.clone();
            async move {
                let Action::Http(HttpAction { path, method, .. }) = &action else {
                    panic!("the fake runs only HTTP actions");
                };
                let path = path.template.source();
                me.ran
                    .lock()
                    .unwrap()
                    .push(format!("{} {path}", method.as_str()));
                let now = me.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                me.most.fetch_max(now, Ordering::SeqCst);
                let wait = if path == "/slow" { 3_600 } else { 1 };
                tokio::time::sleep(Duration::from_secs(wait)).await;
                me.in_flight.fetch_sub(1, Ordering::SeqCst);
                assert!(path != "/panic", "fake backend panics");
                let repaired = me.ran.lock().unwrap().iter().any(|r| r == "POST /repair");
                Outcome {
                    status: if path == "/down" || (path == "/broken" && !repaired) {
                        Status::Failed
                    } else {
                        Status::Passed
                    },
                    value: Some(Value::Number(200.0)),
                    detail: String::new(),
                    output: None,
                    duration: Duration::from_secs(wait),
                }
            }
        }
    }

    /// Answers every question with the same choice, and counts the questions.
    struct Scripted {
        choice: Choice,
        asked: usize,
    }

    impl Operator for Scripted {
        fn diagnosing(&mut self, _: usize) {}
        fn checked(&mut self, _: &CheckResult) {}
        fn diagnosis(&mut self, _: &[CheckResult], _: &[WhenResult]) {}
        fn propose(&mut self, _: &Mitigation, _: &[String]) -> Choice {
            self.asked += 1;
            self.choice
        }
        fn type_name(&mut self, _: &Mitigation, _: &[String]) -> Choice {
            self.asked += 1;
            self.choice
        }
        fn manual(&mut self, _: &str) -> Choice {
            self.asked += 1;
            self.choice
        }
        fn after_failure(&mut self, _: &str, _: &str) -> Choice {
            self.asked += 1;
            self.choice
        }
        fn action_started(&mut self, _: &str) {}
        fn action_done(&mut self, _: &str, _: &ActionResult) {}
        fn waiting(&mut self, _: Duration, _: Duration) {}
        fn confirm_attempt(&mut self, _: u32, _: u32) {}
        fn confirm_done(&mut self, _: u32, _: bool, _: &[ActionResult]) {}
        fn note(&mut self, _: &str) {}
    }

    fn many_checks(n: usize) -> String {
        let checks: String = (0..n)
            .map(|i| format!("  check :c{i} do\n    api.get \"/ok{i}\"\n  end\n  when failed(:c{i}) do\n    see :other\n  end\n"))
            .collect();
        format!(
            "target :api, http: \"http://x\"\nrunbook :many do\n{checks}end\nrunbook :other do\n  check :x do\n    api.get \"/\"\n  end\n  when failed(:x) do\n    see :many\n  end\nend\n"
        )
    }

    #[tokio::test(start_paused = true)]
    async fn checks_run_concurrently_and_probes_in_order() {
        let rb = runbook(&many_checks(20));
        let resolved = Arc::new(resolve(&rb, &[], |_| None).unwrap());
        let fake = Fake::default();
        let mut finished = 0;
        let all: Vec<_> = rb.checks.iter().collect();
        let checks = diagnose(&all, &resolved, &fake, &mut |_| finished += 1).await;
        assert_eq!(finished, 20);
        assert_eq!(fake.most.load(Ordering::SeqCst), 20);
        let ids: Vec<&str> = checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids[..3], ["c0", "c1", "c2"]);
        assert!(checks.iter().all(|c| c.status == Status::Passed));
    }

    const SRC: &str = r#"
target :api, http: "http://x", timeout: 2s
runbook :demo do
  check :a, "first probe fails, the second never runs" do
    api.get "/down"
    api.get "/never"
  end
  check :hang do
    api.get "/slow"
  end
  check :crash do
    api.get "/panic"
  end
  when failed(:a) do
    mitigate "safe" do
      api.post "/fix"
    end
    mitigate "risky", destructive: "drops everything" do
      api.post "/wipe"
    end
  end
  confirm within: 1m, every: 10s do
    api.get "/ok"
  end
end
"#;

    #[tokio::test(start_paused = true)]
    async fn a_hang_or_a_panic_is_an_error_and_the_first_failure_decides() {
        let rb = runbook(SRC);
        let resolved = Arc::new(resolve(&rb, &[], |_| None).unwrap());
        let fake = Fake::default();
        let all: Vec<_> = rb.checks.iter().collect();
        let checks = diagnose(&all, &resolved, &fake, &mut |_| {}).await;
        assert_eq!(checks[0].status, Status::Failed);
        assert_eq!(checks[0].probes.len(), 1);
        assert_eq!(checks[1].status, Status::Error);
        assert!(
            checks[1].detail.contains("within 2s"),
            "{}",
            checks[1].detail
        );
        assert_eq!(checks[2].status, Status::Error);
        assert!(checks[2].detail.contains("crashed"), "{}", checks[2].detail);
        assert!(!fake.ran.lock().unwrap().contains(&"GET /never".to_string()));
        let whens = decide(&rb, &checks);
        assert!(whens[0].holds);
    }

    async fn run_with(policy: Policy, choice: Choice) -> (RunEnd, Vec<String>, usize) {
        run_source(SRC, policy, choice).await
    }

    async fn run_source(
        source: &str,
        policy: Policy,
        choice: Choice,
    ) -> (RunEnd, Vec<String>, usize) {
        let rb = runbook(source);
        let resolved = Arc::new(resolve(&rb, &[], |_| None).unwrap());
        let fake = Fake::default();
        let dir = tempfile::tempdir().unwrap();
        let transcript =
            Transcript::create(&dir.path().join("t.jsonl"), vec![], Instant::now()).unwrap();
        let engine = Engine::new(
            &rb,
            resolved,
            fake.clone(),
            policy,
            &transcript,
            Instant::now(),
        );
        let mut op = Scripted { choice, asked: 0 };
        let end = engine.run(&mut op).await;
        let ran = fake.ran.lock().unwrap().clone();
        (end, ran, op.asked)
    }

    #[tokio::test(start_paused = true)]
    async fn no_terminal_and_no_flag_refuses_every_write() {
        let (end, ran, asked) = run_with(Policy::default(), Choice::Go).await;
        assert_eq!(end.finish, Finish::Refused);
        assert_eq!(end.refused.len(), 2);
        assert!(end.refused[0].1.contains("--yes"));
        assert!(!ran.iter().any(|r| r.starts_with("POST")));
        assert_eq!(asked, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn yes_runs_writes_but_not_destructive_ones() {
        let policy = Policy {
            yes: true,
            ..Policy::default()
        };
        let (end, ran, _) = run_with(policy, Choice::Go).await;
        assert!(ran.contains(&"POST /fix".to_string()));
        assert!(!ran.contains(&"POST /wipe".to_string()));
        assert_eq!(end.refused.len(), 1);
        assert!(end.refused[0].1.contains("--allow-destructive"));
        assert_eq!(end.confirmed, Some(true));
        assert_eq!(end.finish, Finish::Refused);
        let policy = Policy {
            yes: true,
            allow_destructive: true,
            ..Policy::default()
        };
        let (end, ran, _) = run_with(policy, Choice::Go).await;
        assert!(ran.contains(&"POST /wipe".to_string()));
        assert_eq!(end.finish, Finish::Recovered);
    }

    #[tokio::test(start_paused = true)]
    async fn the_operator_decides_at_a_terminal() {
        let interactive = Policy {
            interactive: true,
            ..Policy::default()
        };
        let (end, ran, asked) = run_with(interactive, Choice::Go).await;
        assert_eq!(end.finish, Finish::Recovered);
        assert!(ran.contains(&"POST /wipe".to_string()));
        assert_eq!(asked, 2);
        let (end, ran, asked) = run_with(interactive, Choice::Abort).await;
        assert_eq!(end.finish, Finish::Aborted);
        assert!(!ran.iter().any(|r| r.starts_with("POST")));
        assert_eq!(asked, 1);
        let (end, _, _) = run_with(interactive, Choice::Skip).await;
        assert_eq!(end.finish, Finish::Aborted);
        assert_eq!(end.confirmed, None);
    }

    /// The seed's deployment rollback in small: the quick rollback fixes it, so the full one
    /// (destructive) is not offered, nor the mitigation of another `when` it fixed as well.
    #[tokio::test(start_paused = true)]
    async fn a_mitigation_is_offered_only_while_its_when_still_holds() {
        let source = r#"
target :api, http: "http://x", timeout: 2s
runbook :rollback do
  check :error_rate do
    api.get "/broken"
  end
  check :ready do
    api.get "/broken"
  end
  when failed(:error_rate) do
    mitigate "quick" do
      api.post "/repair"
    end
    mitigate "full", destructive: "restores the backup" do
      api.post "/wipe"
    end
  end
  when failed(:ready) do
    mitigate "restart" do
      api.post "/restart"
    end
  end
  confirm within: 1m, every: 10s do
    api.get "/broken"
  end
end
"#;
        let policy = Policy {
            yes: true,
            ..Policy::default()
        };
        let (end, ran, _) = run_source(source, policy, Choice::Go).await;
        let posts: Vec<&String> = ran.iter().filter(|r| r.starts_with("POST")).collect();
        assert_eq!(posts, ["POST /repair"]);
        assert_eq!(end.refused, []);
        assert_eq!(end.finish, Finish::Recovered);
        // Each check ran at the diagnosis and once again after the repair; `confirm` once.
        assert_eq!(
            ran.iter().filter(|r| *r == "GET /broken").count(),
            2 + 2 + 1
        );
    }
}
