//! `lrb test`: scenarios run the real engine against a simulated world.
//!
//! A scenario file (`NAME.test.rb`) is parsed by the one grammar and checked by
//! `check::scenario` into [`Scenario`]s. [`run::run`] runs one: the engine of `lrb run`, with
//! [`world::World`] answering every probe from the scenario's `given`s, recording actions
//! instead of executing them, and time virtual. [`verdict`] holds the run against the
//! scenario's `expect`s; [`coverage`] says which arms no scenario reached.

pub mod coverage;
pub mod judge;
pub mod junit;
pub mod operator;
pub mod record;
pub mod run;
pub mod verdict;
pub mod world;

use crate::run::engine::Finish;
use crate::run::{Status, Value};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Whether a file holds scenarios rather than runbooks: its name ends in `.test.rb`.
pub fn is_scenario_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test.rb"))
}

/// One checked scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// The id of the runbook it runs.
    pub runbook: String,
    pub file: FileId,
    pub source: PathBuf,
    pub span: Span,
    /// What each check sees at the diagnosis, by check id.
    pub given: BTreeMap<String, Given>,
    /// What `confirm` sees; `None`: each confirm probe reads the check with the same probe.
    pub confirm: Option<ConfirmGiven>,
    /// What the checks see once a mitigation ran, by mitigation name, in source order.
    pub after: Vec<After>,
    /// `set :name, "value"`: parameter values, as `--set` gives them.
    pub params: Vec<(String, String)>,
    /// A person at a terminal (`true`, the default) or no terminal (`operator :absent`).
    pub interactive: bool,
    /// `flags :yes`, `flags :yes, :allow_destructive`.
    pub yes: bool,
    pub allow_destructive: bool,
    /// What the person answers, by mitigation name or manual step text; `run` otherwise.
    pub answers: BTreeMap<String, Answer>,
    pub expect: Vec<Expectation>,
}

/// What one check sees: its status, and the value its first probe yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub status: Status,
    pub value: Option<Value>,
    pub span: Span,
}

/// `given confirm: :passed` (optionally `after: 30s` of trying) or `given confirm: :failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmGiven {
    PassesAfter { ms: u64 },
    Fails,
}

/// `after "Mitigation" do given ... end`.
#[derive(Debug, Clone, PartialEq)]
pub struct After {
    pub mitigation: String,
    pub given: BTreeMap<String, Given>,
    pub confirm: Option<ConfirmGiven>,
    pub span: Span,
}

/// The operator's answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Run,
    Skip,
    Abort,
}

impl Answer {
    pub fn name(self) -> &'static str {
        match self {
            Answer::Run => "run",
            Answer::Skip => "skip",
            Answer::Abort => "abort",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub kind: Expect,
    pub span: Span,
}

/// One `expect`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// `mitigation: "X"` / `ran: "X"`: it was approved and its steps ran.
    Ran(String),
    /// `no_mitigation: "X"`: its steps did not run.
    NotRan(String),
    /// `proposed: "X"`: the run reached it (asked, approved by a flag, or refused).
    Proposed(String),
    /// `not_proposed: "X"`.
    NotProposed(String),
    /// `skipped: "X"`: the operator said skip.
    Skipped(String),
    /// `refused: "X"`: the flags and the terminal did not allow it.
    Refused(String),
    /// `order: ["A", "B"]`: exactly these mitigations ran, in this order.
    Order(Vec<String>),
    /// `handover: :other_runbook`.
    Handover(String),
    /// `outcome: :recovered`.
    Outcome(Finish),
    /// `confirm: :passed` / `:failed`: recovery was (not) confirmed.
    Confirmed(bool),
    /// `no_destructive: true`: no destructive step ran.
    NoDestructive,
}

/// Every finish, for reading `outcome:` names back.
pub const OUTCOMES: [Finish; 6] = [
    Finish::Healthy,
    Finish::Recovered,
    Finish::NotRecovered,
    Finish::Unhandled,
    Finish::Refused,
    Finish::Aborted,
];

/// The `outcome:` name of a finish.
pub fn outcome_name(finish: Finish) -> &'static str {
    match finish {
        Finish::Healthy => "healthy",
        Finish::Recovered => "recovered",
        Finish::NotRecovered => "not_recovered",
        Finish::Unhandled => "unhandled",
        Finish::Refused => "refused",
        Finish::Aborted => "aborted",
    }
}
