//! The operator of a scenario: answers each question as the scenario's `answer`s say, `run`
//! otherwise, and types every destructive mitigation's name.

use super::Answer;
use crate::plan::Mitigation;
use crate::run::engine::{CheckResult, Choice, Operator, WhenResult};
use crate::run::transcript::ActionResult;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Scripted {
    /// Answers by mitigation name, or by a manual step as the engine shows it.
    pub answers: BTreeMap<String, Answer>,
    /// What the engine told the operator: refusals, handovers, skipped steps.
    pub notes: Vec<String>,
}

impl Scripted {
    fn choice(&self, key: &str) -> Choice {
        match self.answers.get(key) {
            None | Some(Answer::Run) => Choice::Go,
            Some(Answer::Skip) => Choice::Skip,
            Some(Answer::Abort) => Choice::Abort,
        }
    }
}

impl Operator for Scripted {
    fn diagnosing(&mut self, _checks: usize) {}
    fn checked(&mut self, _result: &CheckResult) {}
    fn diagnosis(&mut self, _checks: &[CheckResult], _whens: &[WhenResult]) {}
    fn propose(&mut self, mitigation: &Mitigation, _steps: &[String]) -> Choice {
        self.choice(&mitigation.name)
    }
    fn type_name(&mut self, mitigation: &Mitigation, _steps: &[String]) -> Choice {
        self.choice(&mitigation.name)
    }
    fn manual(&mut self, text: &str) -> Choice {
        self.choice(text)
    }
    // Actions are recorded, never run, so none fails.
    fn after_failure(&mut self, _mitigation: &str, _step: &str) -> Choice {
        Choice::Skip
    }
    fn action_started(&mut self, _step: &str) {}
    fn action_done(&mut self, _step: &str, _result: &ActionResult) {}
    fn waiting(&mut self, _remaining: Duration, _total: Duration) {}
    fn confirm_attempt(&mut self, _attempt: u32, _of: u32) {}
    fn confirm_done(&mut self, _attempt: u32, _passed: bool, _results: &[ActionResult]) {}
    fn note(&mut self, text: &str) {
        self.notes.push(text.to_string());
    }
}
