//! Running a Plan against real systems.
//!
//! The contract between the engine (scheduling, conditions, prompts, transcript) and the
//! backends (network and process I/O): the engine resolves targets and parameters into a
//! [`Resolved`], then calls [`backend::execute`] for each action and gets an [`Outcome`].

pub mod admit;
pub mod backend;
pub mod condition;
pub mod describe;
pub mod engine;
pub mod fleet;
pub mod mask;
pub mod promql;
pub mod report;
pub mod resolve;
pub mod transcript;

use crate::action::catalogue::TargetKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// A target with its address read from the literal, the environment or a secret.
#[derive(Debug, Clone)]
pub struct ResolvedTarget {
    pub name: String,
    pub kind: TargetKind,
    /// The address itself; may hold a password. Never print it unmasked.
    pub address: String,
    pub timeout: Option<Duration>,
    pub project: Option<String>,
}

/// Everything an action needs from outside the Plan.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub targets: HashMap<String, ResolvedTarget>,
    /// Parameter values by name (secret ones included; mask before printing).
    pub params: HashMap<String, String>,
    /// Strings that must never appear in output: secret values, passwords in URLs.
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Ran, and every expectation held.
    Passed,
    /// Ran, and an expectation did not hold (wrong status, container stopped, over a bound).
    Failed,
    /// Could not run: unreachable, refused, timed out, bad credentials.
    Error,
}

/// The value an action yields, for `value(:check)` comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Text(String),
    Bool(bool),
}

/// What running one action gave.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub value: Option<Value>,
    /// One line a person can act on: "expected status 200, got 503", "connection refused".
    /// Already masked.
    pub detail: String,
    /// Output worth showing (logs, command stdout), already masked and bounded in size.
    pub output: Option<String>,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}
