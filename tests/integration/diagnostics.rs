//! Malformed runbooks in `tests/fixtures/diagnostics/`: each one problem, each snapshotted as
//! a user sees it (no colour), each with a line and column and a failing exit code.

use crate::common::{check_file, lrb, rb_files};
use lrb::diagnostic::registry;
use std::collections::BTreeSet;
use std::path::PathBuf;

pub(crate) fn fixtures() -> Vec<PathBuf> {
    rb_files("tests/fixtures/diagnostics")
}

#[test]
fn each_fixture_renders_as_a_user_sees_it() {
    insta::glob!("../fixtures/diagnostics", "*.rb", |path| {
        let session = check_file(path);
        let diagnostics = &session.checked.diagnostics;
        assert!(!diagnostics.is_empty(), "{path:?} yields no diagnostic");
        assert!(
            session.checked.plan.is_none() || !session.has_errors(),
            "{path:?} has errors but still a plan"
        );
        let text = lrb::diagnostic::human::render(diagnostics, &session.sources, false);
        assert!(!text.contains('\u{1b}'), "{path:?}: colour in plain output");
        insta::assert_snapshot!(text);
    });
}

#[test]
fn each_fixture_fails_the_binary_with_a_line_and_column() {
    for path in fixtures() {
        let output = lrb()
            .args(["check", "--format", "json", "--deny", "warnings"])
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "{path:?}: exit code");
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{path:?}: output is not JSON: {e}"));
        let items = doc["diagnostics"].as_array().expect("a diagnostics array");
        assert!(!items.is_empty(), "{path:?}: no diagnostics");
        let lines = std::fs::read(&path)
            .expect("fixture")
            .split(|b| *b == b'\n')
            .count();
        for item in items {
            let line = item["line"].as_u64().expect("line");
            let column = item["column"].as_u64().expect("column");
            assert!(
                (1..=lines as u64).contains(&line) && column >= 1,
                "{path:?}: position {line}:{column} is outside the file: {item}"
            );
        }
    }
}

/// Every rule of the registry is shown by at least one fixture.
#[test]
fn fixtures_cover_every_rule() {
    let found: BTreeSet<&str> = fixtures()
        .iter()
        .flat_map(|path| {
            check_file(path)
                .checked
                .diagnostics
                .into_iter()
                .map(|d| d.rule().code)
        })
        .collect();
    // The safety and suppression families (LRB4xx, LRB5xx) have their own fixtures under
    // tests/fixtures/rules/.
    let missing: Vec<&str> = registry::ALL
        .iter()
        .map(|r| r.code)
        .filter(|code| *code < "LRB400" && !found.contains(code))
        .collect();
    assert!(missing.is_empty(), "no fixture shows {missing:?}");
    assert!(fixtures().len() >= 45, "fewer than 45 fixtures");
}
