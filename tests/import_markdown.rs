//! `lrb import markdown` on `seed-runbooks.md`: runbooks that pass `lrb check`.

use assert_cmd::Command;
use std::path::Path;

fn seed_path() -> std::path::PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed/seed-runbooks.md");
    assert!(
        path.exists(),
        "the seed document is missing at `{}`",
        path.display()
    );
    path
}

#[test]
fn importing_the_seed_gives_runbooks_that_check_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("lrb")
        .unwrap()
        .args(["import", "markdown", "--dir"])
        .arg(dir.path())
        .arg(seed_path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let session = lrb::load::load(&[dir.path().to_path_buf()]).unwrap();
    let errors: Vec<String> = session
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let plan = session
        .checked
        .plan
        .expect("a plan when there are no errors");
    let ids: Vec<&str> = plan.runbooks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "api_outage",
            "database_connectivity_failure",
            "deployment_rollback",
            "queue_backlog_stuck_jobs"
        ]
    );
    let symptoms: usize = plan.runbooks.iter().map(|r| r.symptoms.len()).sum();
    let followups: usize = plan.runbooks.iter().map(|r| r.followups.len()).sum();
    assert_eq!((symptoms, followups), (12, 13));
    let queue = plan.runbook("queue_backlog_stuck_jobs").unwrap();
    let flush = queue
        .mitigations()
        .find(|m| m.name == "Clear queue (nuclear option)")
        .unwrap();
    assert!(
        flush
            .destructive
            .as_deref()
            .is_some_and(|d| d.starts_with("TODO"))
    );
    let api = plan.runbook("api_outage").unwrap();
    assert!(
        api.branches
            .iter()
            .any(|b| b.see == ["deployment_rollback"]),
        "`See [Deployment Rollback]` becomes a `see`"
    );
}

#[test]
fn imported_runbooks_are_already_formatted() {
    let text = std::fs::read_to_string(seed_path()).unwrap();
    for imported in lrb::import::markdown::import(&text) {
        assert_eq!(
            lrb::fmt::format(&imported.source, lrb::source::FileId(0)).unwrap(),
            imported.source
        );
    }
}
