//! `lrb check` as a user runs it: the real binary, its exit codes and its output.

use crate::common::lrb;
use assert_cmd::Command;
use std::path::Path;

fn fixture(name: &str) -> String {
    format!("tests/fixtures/diagnostics/{name}")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write a temporary runbook");
}

#[test]
fn the_seed_runbooks_are_clean() {
    let out = lrb().args(["check", "runbooks/"]).assert().code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    // The four seed runbooks and their four scenario files.
    assert_eq!(stdout, "checked: no problems in 8 files\n");
}

#[test]
fn errors_exit_1() {
    let out = lrb()
        .args(["check", "--color", "never"])
        .arg(fixture("LRB101-unknown-target.rb"))
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("unknown target `apii`"), "{stdout}");
    assert!(stdout.ends_with("failed: 1 error in 1 file\n"), "{stdout}");
}

#[test]
fn warnings_alone_exit_0_unless_denied() {
    let unused = fixture("LRB303-unused-check.rb");
    lrb().args(["check", &unused]).assert().code(0);
    lrb()
        .args(["check", "--deny", "warnings", &unused])
        .assert()
        .code(1);
}

#[test]
fn a_missing_path_exits_2() {
    let out = lrb()
        .args(["check", "runbooks/no_such_file.rb"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("no_such_file.rb"), "{stderr}");
}

#[test]
fn a_directory_without_runbooks_exits_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "notes.txt", "not a runbook");
    let out = lrb().arg("check").arg(dir.path()).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("no runbook files"), "{stderr}");
}

#[test]
fn a_bad_flag_exits_2() {
    lrb()
        .args(["check", "--frobnicate", "runbooks/"])
        .assert()
        .code(2);
    lrb()
        .args(["check", "--format", "yaml", "runbooks/"])
        .assert()
        .code(2);
}

#[test]
fn json_output_is_valid_and_has_positions() {
    let out = lrb()
        .args(["check", "--format", "json"])
        .arg(fixture("LRB101-unknown-target.rb"))
        .assert()
        .code(1);
    let doc: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("valid JSON");
    assert_eq!(doc["files"], 1);
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["warnings"], 0);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "LRB101");
    assert_eq!(d["rule"], "unknown-target");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(5))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(7), Some(9))
    );
}

/// Escape sequences in stdout, from a run on a fixture with findings.
fn has_ansi(cmd: &mut Command) -> bool {
    let out = cmd
        .arg(fixture("LRB104-unknown-check-in-when.rb"))
        .output()
        .expect("runs");
    out.stdout.contains(&0x1b)
}

#[test]
fn colour_is_only_given_when_asked() {
    assert!(has_ansi(lrb().args(["check", "--color", "always"])));
    assert!(!has_ansi(lrb().args(["check", "--color", "never"])));
    assert!(!has_ansi(
        lrb()
            .env("NO_COLOR", "1")
            .args(["check", "--color", "auto"])
    ));
}

#[test]
fn see_resolves_across_files_checked_together() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "a.rb",
        "target :api, http: \"http://127.0.0.1:3000\"\n\nrunbook :a do\n  title \"A\"\n  check :live do\n    api.get \"/health/live\", status: 200\n  end\n  when failed(:live) do\n    see :b\n  end\nend\n",
    );
    write(dir.path(), "b.rb", "runbook :b do\n  title \"B\"\nend\n");
    lrb().arg("check").arg(dir.path()).assert().code(0);
    lrb()
        .arg("check")
        .arg(dir.path().join("a.rb"))
        .arg(dir.path().join("b.rb"))
        .assert()
        .code(0);
    let alone = lrb()
        .args(["check", "--format", "json"])
        .arg(dir.path().join("a.rb"))
        .assert()
        .code(1);
    let doc: serde_json::Value =
        serde_json::from_slice(&alone.get_output().stdout).expect("valid JSON");
    assert_eq!(doc["diagnostics"][0]["code"], "LRB105");
}
