//! Helpers shared by the rule and safety tests: check text in memory, read findings.

use lrb::load::{self, Session};
use std::path::{Path, PathBuf};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Parses and checks one file held in memory, as `lrb check` would.
pub fn check(name: &str, bytes: impl Into<Vec<u8>>) -> Session {
    load::from_bytes(vec![(PathBuf::from(name), bytes.into())])
}

pub fn codes(session: &Session) -> Vec<&'static str> {
    session
        .checked
        .diagnostics
        .iter()
        .map(|d| d.rule.code)
        .collect()
}

/// Every finding as `CODE line:col message`, for failure messages.
pub fn describe(session: &Session) -> String {
    let found: Vec<String> = session
        .checked
        .diagnostics
        .iter()
        .map(|d| {
            let (line, col) = session.sources.get(d.file).line_col(d.span.start);
            format!("{} {line}:{col} {}", d.rule.code, d.message)
        })
        .collect();
    if found.is_empty() {
        "no findings".to_string()
    } else {
        found.join("; ")
    }
}
