//! What an action does to the world: the one scale every stage shares.

use serde::Serialize;
use std::fmt;

/// How dangerous an action is. Ordered: `Read < Write < Destructive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Observes only.
    Read,
    /// Changes state that can be put back (restart, scale, start).
    Write,
    /// Can lose data or make the outage worse (drop, flush, `rm -rf`, volumes down).
    Destructive,
}

impl Effect {
    pub const ALL: [Effect; 3] = [Effect::Read, Effect::Write, Effect::Destructive];

    /// `read`, `write` or `destructive`, as a runbook writes it.
    pub fn from_name(name: &str) -> Option<Effect> {
        Effect::ALL.into_iter().find(|e| e.to_string() == name)
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Read => "read",
            Effect::Write => "write",
            Effect::Destructive => "destructive",
        })
    }
}

/// The outcome of analysing raw SQL, a Redis command or a shell line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub effect: Effect,
    /// Why, in a few words a user can act on, e.g. "`DELETE` without `WHERE` removes every row".
    pub reason: String,
    /// SQL only: the `DELETE`/`UPDATE` statements that change every row, as short descriptions
    /// like `DELETE FROM jobs`, found in the same parse (`LRB404` reads them).
    pub unbounded_writes: Vec<String>,
}
