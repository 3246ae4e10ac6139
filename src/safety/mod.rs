//! Effect classifiers for raw SQL, Redis commands and shell lines.
//!
//! Pure functions, no I/O. Each returns `None` when it cannot tell what the input does:
//! callers must treat that as "unclassified", never as safe.

mod cloud;
pub(crate) mod redis;
pub(crate) mod shell;
mod sql;

pub use redis::classify_redis;
pub use shell::classify_shell;
pub use sql::classify_sql;

use crate::effect::{Classification, Effect};

pub(crate) fn class(effect: Effect, reason: impl Into<String>) -> Classification {
    Classification {
        effect,
        reason: reason.into(),
        unbounded_writes: Vec::new(),
    }
}

/// Keeps the first of the most dangerous classifications, so the reason names the worst part.
pub(crate) fn worst(acc: Option<Classification>, next: Classification) -> Classification {
    match acc {
        Some(a) if a.effect >= next.effect => a,
        _ => next,
    }
}
