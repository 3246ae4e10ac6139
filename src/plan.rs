//! The Plan: a checked runbook, lowered for the interpreter and the exporters.
//! Nothing here refers to the AST; names are resolved and every action is typed.

use crate::action::catalogue::TargetKind;
use crate::action::{Action, ValueType};
use crate::ast::{CheckState, CmpOp};
use crate::duration::Duration;
use crate::effect::Effect;
use crate::source::Span;
use serde::Serialize;
use std::path::PathBuf;

/// Default time a probe may take, when neither it nor its check nor its target says.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time a mitigation action may take (a restart, `up`, a migration), when neither it
/// nor its target says. `lrb run` and the exported script both use it.
pub const DEFAULT_ACTION_TIMEOUT: Duration = Duration::from_secs(120);
/// Default `confirm` bound and interval.
pub const DEFAULT_CONFIRM_WITHIN_MS: u64 = 300_000;
pub const DEFAULT_CONFIRM_EVERY_MS: u64 = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub runbooks: Vec<Runbook>,
}

impl Plan {
    pub fn runbook(&self, id: &str) -> Option<&Runbook> {
        self.runbooks.iter().find(|r| r.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runbook {
    pub id: String,
    pub source: PathBuf,
    pub span: Span,
    pub title: Option<String>,
    pub severity: Option<IncidentSeverity>,
    pub owner: Option<String>,
    pub description: Option<String>,
    pub symptoms: Vec<String>,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    pub targets: Vec<Target>,
    pub checks: Vec<Check>,
    pub branches: Vec<Branch>,
    pub confirm: Option<Confirm>,
    pub followups: Vec<String>,
}

impl Runbook {
    pub fn target(&self, name: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.name == name)
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Every mitigation, in source order.
    pub fn mitigations(&self) -> impl Iterator<Item = &Mitigation> {
        self.branches.iter().flat_map(|b| &b.mitigations)
    }

    /// Every step of every block: check probes, mitigation steps, confirm probes.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.checks
            .iter()
            .flat_map(|c| &c.probes)
            .chain(self.mitigations().flat_map(|m| &m.steps))
            .chain(self.confirm.iter().flat_map(|c| &c.probes))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub name: String,
    pub default: Option<String>,
    pub description: Option<String>,
    /// Never printed, logged or inlined into exported scripts.
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "lowercase")]
pub enum Address {
    Literal {
        value: String,
    },
    /// Read from the environment when the runbook runs; `default` when unset.
    Env {
        name: String,
        default: Option<String>,
    },
    /// Read from the environment; never printed.
    Secret {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    pub address: Address,
    pub timeout_ms: Option<u64>,
    /// Compose project name (`project:`), when given.
    pub project: Option<String>,
}

/// How bad the incident a runbook handles is: `severity :high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentSeverity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl IncidentSeverity {
    pub const ALL: [IncidentSeverity; 5] = [
        IncidentSeverity::Critical,
        IncidentSeverity::High,
        IncidentSeverity::Medium,
        IncidentSeverity::Low,
        IncidentSeverity::Info,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IncidentSeverity::Critical => "critical",
            IncidentSeverity::High => "high",
            IncidentSeverity::Medium => "medium",
            IncidentSeverity::Low => "low",
            IncidentSeverity::Info => "info",
        }
    }

    pub fn from_name(name: &str) -> Option<IncidentSeverity> {
        IncidentSeverity::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl std::fmt::Display for IncidentSeverity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An action with the place it was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub action: Action,
    /// The comment just above it, shown by exporters.
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub description: Option<String>,
    pub timeout_ms: u64,
    pub probes: Vec<Step>,
    /// The first probe's value type: what `value(:id)` compares against.
    pub value_type: ValueType,
    /// Shown to the operator; no condition needs it.
    pub info: bool,
    /// The comment just above it, shown by exporters.
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Condition {
    State {
        check: String,
        state: CheckState,
    },
    Compare {
        check: String,
        op: CmpOp,
        value: Literal,
    },
    Not(Box<Condition>),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
}

impl Condition {
    /// The checks the condition reads, in order, without repeats.
    pub fn checks(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_checks(&mut out);
        out
    }

    fn collect_checks<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::State { check, .. } | Condition::Compare { check, .. } => {
                if !out.contains(&check.as_str()) {
                    out.push(check);
                }
            }
            Condition::Not(c) => c.collect_checks(out),
            Condition::And(a, b) | Condition::Or(a, b) => {
                a.collect_checks(out);
                b.collect_checks(out);
            }
        }
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::State { check, state } => {
                let state = match state {
                    CheckState::Passed => "passed",
                    CheckState::Failed => "failed",
                    CheckState::Errored => "errored",
                };
                write!(f, "{state}(:{check})")
            }
            Condition::Compare { check, op, value } => {
                write!(f, "value(:{check}) {} {value}", op.as_str())
            }
            Condition::Not(c) => write!(f, "not ({c})"),
            Condition::And(a, b) => write!(f, "({a} and {b})"),
            Condition::Or(a, b) => write!(f, "({a} or {b})"),
        }
    }
}

/// A literal a check's value is compared with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Literal {
    Number(f64),
    Percent(f64),
    Text(String),
    Bool(bool),
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Percent(p) => write!(f, "{p}%"),
            Literal::Text(t) => write!(f, "{t:?}"),
            Literal::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One `when`: a condition and what it proposes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    pub condition: Condition,
    pub mitigations: Vec<Mitigation>,
    /// Runbooks to hand over to (`see`).
    pub see: Vec<String>,
    /// The comment just above it, shown by exporters.
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mitigation {
    pub name: String,
    /// The author's acknowledgement of data loss (`destructive: "why"`).
    pub destructive: Option<String>,
    pub steps: Vec<Step>,
    pub span: Span,
}

impl Mitigation {
    /// The strongest effect of its steps.
    pub fn effect(&self) -> Effect {
        self.steps
            .iter()
            .map(|s| s.action.effect())
            .max()
            .unwrap_or(Effect::Read)
    }

    /// Needs typed approval: marked destructive, or holding a destructive step.
    pub fn is_destructive(&self) -> bool {
        self.destructive.is_some() || self.effect() == Effect::Destructive
    }

    /// What approving it takes, as `lrb plan` and the exported script's `--plan` say it.
    pub fn approval(&self) -> String {
        if self.is_destructive() {
            format!(
                "DESTRUCTIVE ({}): needs its name typed, or `--yes --allow-destructive`",
                (self.destructive.as_deref()).unwrap_or("it holds a destructive step")
            )
        } else if self.effect() == Effect::Read {
            "reads only: needs `run`, or `--yes`".to_string()
        } else {
            "writes: needs `run`, or `--yes`".to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confirm {
    pub within_ms: u64,
    pub every_ms: u64,
    /// Whether the author gave `within:` (the lint wants a stated bound).
    pub bounded: bool,
    pub probes: Vec<Step>,
    pub span: Span,
}
