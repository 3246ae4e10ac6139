//! `lrb export bash`: every runbook exports to a script that passes `bash -n` and shellcheck
//! (snapshotted), hostile parameter values never run, and the scripts work against the real
//! services of the test lab (`scripts/lab.sh up`).

use assert_cmd::Command;
use lrb::export::{Meta, bash};
use lrb::plan::Plan;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The runbooks `runbooks/` holds (and any kept beside them) plus the export fixtures.
const DIRS: &[&str] = &["runbooks", "tests/fixtures/export"];

fn plan_of(dirs: &[&str]) -> (Plan, lrb::load::Session) {
    let paths: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
    let session = lrb::load::load(&paths).expect("the runbook directories are readable");
    let plan = session.checked.plan.clone().expect(
        "the runbooks check without errors (run `lrb check runbooks/ tests/fixtures/export/`)",
    );
    (plan, session)
}

/// Every runbook's script, by runbook id.
fn scripts() -> BTreeMap<String, String> {
    let (plan, session) = plan_of(DIRS);
    plan.runbooks
        .iter()
        .map(|rb| {
            let text = session
                .sources
                .iter()
                .find(|(_, f)| f.path == rb.source)
                .map(|(_, f)| f.text.to_string())
                .expect("each runbook's source was loaded");
            let meta = Meta::new(rb.source.display().to_string(), &text);
            let script = bash::export(rb, &meta).expect("every checked runbook exports");
            (rb.id.clone(), script)
        })
        .collect()
}

fn tool(name: &str) -> std::process::Command {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{name}` is not installed: run `scripts/lab.sh up`, which installs it"
    );
    std::process::Command::new(name)
}

fn write_script(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{name}.sh"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_runbook_exports_to_a_script_bash_and_shellcheck_accept() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = scripts();
    assert!(
        scripts.len() >= 4,
        "the seed runbooks and the fixtures export"
    );
    for (id, script) in &scripts {
        let path = write_script(dir.path(), id, script);
        let syntax = tool("bash").arg("-n").arg(&path).output().unwrap();
        assert!(
            syntax.status.success(),
            "`bash -n` rejects the script of `{id}`:\n{}",
            String::from_utf8_lossy(&syntax.stderr)
        );
        let lint = tool("shellcheck")
            .args(["--shell=bash", "--severity=style"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            lint.status.success(),
            "shellcheck finds problems in the script of `{id}`:\n{}",
            String::from_utf8_lossy(&lint.stdout)
        );
        insta::assert_snapshot!(id.as_str(), script);
    }
}

#[test]
fn secrets_are_referenced_never_inlined() {
    let scripts = scripts();
    let script = &scripts["database_connectivity"];
    assert!(script.contains("--url \"${DATABASE_URL:?}\""));
    assert!(
        !script.contains("DATABASE_URL=") && !script.contains("lrb_say \"$DATABASE_URL"),
        "the secret is never copied into a variable or printed"
    );
    let every = &scripts["every_action"];
    assert!(
        every.contains("LRB_MASK+=(\"$LRB_P_token\")"),
        "secret parameters are masked"
    );
    assert!(!every.contains("eval "), "no `eval` anywhere");
    assert!(every.contains("\nset -euo pipefail\n"));
}

fn lrb() -> Command {
    Command::cargo_bin("lrb").unwrap()
}

#[test]
fn the_cli_writes_an_executable_script_and_explains_a_missing_runbook_choice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("queue.sh");
    lrb()
        .args(["export", "bash", "runbooks/queue_backlog.rb", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("#!/usr/bin/env bash\n"));
    assert!(text.contains("# Source: runbooks/queue_backlog.rb (sha256 "));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o111,
        0o111
    );

    let many = lrb()
        .args(["export", "bash", "runbooks/"])
        .output()
        .unwrap();
    assert_eq!(many.status.code(), Some(2));
    let err = String::from_utf8_lossy(&many.stderr);
    assert!(err.contains("pass --runbook"), "{err}");

    let unknown = lrb()
        .args(["export", "bash", "runbooks/", "--runbook", "nope"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no runbook `nope`"));

    // `see :deployment_rollback` needs the file that defines it.
    let alone = lrb()
        .args(["export", "bash", "runbooks/api_outage.rb"])
        .output()
        .unwrap();
    assert_eq!(alone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&alone.stderr).contains("unknown runbook"));
}

#[test]
fn the_script_explains_its_usage_and_rejects_unknown_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_script(dir.path(), "rollback", &scripts()["deployment_rollback"]);
    let help = tool("bash").arg(&path).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("--allow-destructive"), "{text}");
    assert!(text.contains("LRB_PARAM_PREVIOUS_VERSION"), "{text}");

    let bad = tool("bash")
        .arg(&path)
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let bad = tool("bash")
        .arg(&path)
        .args(["--set", "nope=1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown parameter `nope`"));
}

/// Runs the injection runbook's script with `value` given one of three ways; returns what
/// reached the file and whether anything ran that should not have.
fn inject(script: &Path, value: &str, how: usize) -> (Output, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = tool("bash");
    cmd.arg(script)
        .env("LRB_INJECT_DIR", dir.path())
        .env_remove("LRB_PARAM_VALUE")
        .current_dir(dir.path());
    match how % 3 {
        0 => cmd.arg("--set").arg(format!("value={value}")),
        1 => cmd.arg(format!("--param-value={value}")),
        _ => cmd.env("LRB_PARAM_VALUE", value),
    };
    let out = cmd.output().unwrap();
    let got = std::fs::read_to_string(dir.path().join("value.txt")).unwrap_or_default();
    let ran = std::fs::read_dir(dir.path())
        .unwrap()
        .any(|e| e.unwrap().file_name().to_string_lossy().contains("pwned"));
    (out, got, ran)
}

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$(touch pwned1)".to_string()),
        Just("`touch pwned2`".to_string()),
        Just("\n".to_string()),
        Just("*".to_string()),
        Just("?[a]".to_string()),
        Just("; touch pwned3;".to_string()),
        Just("&& touch pwned4 ||".to_string()),
        Just("$LRB_INJECT_DIR ${HOME}".to_string()),
        Just("\\".to_string()),
        Just("é日本🙂".to_string()),
        Just("-n".to_string()),
        Just("=".to_string()),
        "[a-z ]{0,4}",
        any::<char>()
            .prop_filter("not NUL", |c| *c != '\0')
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn hostile_parameter_values_never_run_and_arrive_intact(value in hostile(), how in 0usize..3) {
        let dir = tempfile::tempdir().unwrap();
        let script = write_script(dir.path(), "inject", &scripts()["inject"]);
        let (out, got, ran) = inject(&script, &value, how);
        prop_assert!(!ran, "a parameter value ran as a command: {value:?}");
        prop_assert_eq!(
            out.status.code(), Some(0),
            "stdout: {} stderr: {}",
            String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)
        );
        prop_assert_eq!(got, value);
    }
}
