//! `lrb export bash`: every runbook exports to a script that passes `bash -n` and shellcheck
//! (snapshotted), hostile parameter values never run, and the scripts work against the real
//! services of the test lab (`scripts/lab.sh up`).

use crate::common::{lrb, text};
use crate::lab;
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
        .args(["export", "bash", "tests/fixtures/export/two.rb"])
        .output()
        .unwrap();
    assert_eq!(many.status.code(), Some(2));
    let err = String::from_utf8_lossy(&many.stderr);
    assert!(
        err.contains("pass --runbook with one of `first`, `second`"),
        "{err}"
    );
    let picked = lrb()
        .args([
            "export",
            "bash",
            "tests/fixtures/export/two.rb",
            "--runbook",
            "second",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&picked.stdout).contains("# Runbook `second`"));

    let unknown = lrb()
        .args([
            "export",
            "bash",
            "runbooks/queue_backlog.rb",
            "--runbook",
            "nope",
        ])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("has no runbook `nope`"));

    // `see :deployment_rollback` is found beside the file, as `lrb run` finds it.
    let handover = lrb()
        .args(["export", "bash", "runbooks/api_outage.rb"])
        .output()
        .unwrap();
    assert_eq!(handover.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&handover.stdout).contains("see runbook `deployment_rollback`")
    );
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
        .arg("--yes")
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
            out.status.code(), Some(10),
            "stdout: {} stderr: {}",
            String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)
        );
        prop_assert_eq!(got, value);
    }
}

// ---- live: the lab runbook's script against the real services of `scripts/lab.sh up` ----

/// The lab's outcome of one script run: exit code, each check's status, all it printed and
/// the events of its transcript.
struct Run {
    code: Option<i32>,
    checks: BTreeMap<String, String>,
    text: String,
    events: Vec<String>,
}

/// A transcript as the sequence of what happened, in a form two runs of the same scenario
/// share: the checks of one diagnosis sorted (they finish in any order), the attempts of one
/// confirm loop as its last (their number depends on timing), no times or texts.
fn events(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    let mut checks: Vec<String> = Vec::new();
    for line in text.lines() {
        let e: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
        let f = |k: &str| e[k].as_str().unwrap_or_default().to_string();
        let event = f("event");
        if event == "probe" || event == "check" {
            checks.push(format!("{event} {} {}", f("check"), f("status")));
            continue;
        }
        checks.sort();
        out.append(&mut checks);
        let item = match event.as_str() {
            "diagnosis" => format!("diagnosis {} {} {}", e["passed"], e["failed"], e["errored"]),
            "when" => format!("when {} {}", f("condition"), e["holds"]),
            "approval" => format!("approval {} {} {}", f("mitigation"), f("answer"), f("how")),
            "refusal" | "wait" => format!("{event} {}", f("mitigation")),
            "action" => format!("action {} {}", f("mitigation"), f("status")),
            "confirm_attempt" => {
                if out.last().is_some_and(|l| l.starts_with("confirm_attempt")) {
                    out.pop();
                }
                format!("confirm_attempt {}", e["passed"])
            }
            "unhandled" => format!("unhandled {}", e["checks"]),
            "end" => format!("end {} {}", f("outcome"), e["exit_code"]),
            _ => event,
        };
        out.push(item);
    }
    checks.sort();
    out.append(&mut checks);
    out
}

/// bash by its full path, so a scenario may empty `PATH`.
fn bash_path() -> String {
    let out = tool("sh").args(["-c", "command -v bash"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn run_lab(script: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let transcript = script.with_extension("jsonl");
    let _ = std::fs::remove_file(&transcript);
    let mut cmd = std::process::Command::new(bash_path());
    cmd.arg(script)
        .arg("--transcript")
        .arg(&transcript)
        .args(args);
    for name in [
        "LRB_LAB_HTTP_URL",
        "LRB_LAB_PG_URL",
        "LRB_LAB_REDIS_URL",
        "LRB_LAB_COMPOSE_FILE",
        "LRB_LAB_DIR",
    ] {
        cmd.env(name, lab::var(name));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = text(&out);
    let checks = text
        .lines()
        .filter_map(|l| l.strip_prefix("check `"))
        .filter_map(|l| l.split_once("` "))
        .map(|(id, rest)| {
            let status = rest.split([' ', ':']).next().unwrap_or_default();
            (id.to_string(), status.to_string())
        })
        .collect();
    Run {
        code: out.status.code(),
        checks,
        text,
        events: events(&transcript),
    }
}

/// Puts the lab back however a scenario ends: containers running, web root restored.
struct Restore {
    www: PathBuf,
    saved: Vec<(PathBuf, Vec<u8>)>,
}

impl Restore {
    fn new() -> Restore {
        let www = Path::new(&lab::var("LRB_LAB_DIR")).join("www");
        let saved = ["health/ready", "health/details"]
            .iter()
            .map(|p| {
                let path = www.join(p);
                let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                    panic!(
                        "cannot read `{}` ({e}): run `scripts/lab.sh up`",
                        path.display()
                    )
                });
                (path, bytes)
            })
            .collect();
        Restore { www, saved }
    }

    fn repair(&self) {
        for (path, bytes) in &self.saved {
            let _ = std::fs::write(path, bytes);
        }
        let _ = std::process::Command::new("docker")
            .args(["start", "backend", "worker"])
            .output();
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        self.repair();
    }
}

/// What a run decided: the first diagnosis, the mitigations it ran and those it refused, and
/// the events its transcript records.
#[derive(Debug, PartialEq)]
struct Decisions {
    code: Option<i32>,
    checks: BTreeMap<String, String>,
    ran: Vec<String>,
    refused: Vec<String>,
    events: Vec<String>,
}

fn script_decisions(run: &Run) -> Decisions {
    let lines: Vec<&str> = run.text.lines().collect();
    let name = |l: &str, prefix: &str| {
        l.strip_prefix(prefix)
            .and_then(|r| r.split_once('`'))
            .map(|(n, _)| n.to_string())
    };
    let mut ran = Vec::new();
    let mut proposed = None;
    for line in &lines {
        if let Some(n) = name(line, "mitigation `") {
            proposed = Some(n);
        } else if line.starts_with("approved by") {
            ran.extend(proposed.take());
        }
    }
    let refused = lines.iter().filter_map(|l| name(l, "refused `")).collect();
    Decisions {
        code: run.code,
        checks: run.checks.clone(),
        ran,
        refused,
        events: run.events.clone(),
    }
}

/// `lrb run` on the same runbook, read back from its transcript.
fn interpreter_decisions(args: &[&str], env: &[(&str, &str)]) -> Decisions {
    let dir = tempfile::tempdir().unwrap();
    let transcript = dir.path().join("t.jsonl");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrb"));
    cmd.args(["run", "tests/fixtures/export/lab.rb", "--transcript"])
        .arg(&transcript)
        .args(args)
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = std::fs::read_to_string(&transcript).unwrap_or_default();
    let mut d = Decisions {
        code: out.status.code(),
        checks: BTreeMap::new(),
        ran: Vec::new(),
        refused: Vec::new(),
        events: events(&transcript),
    };
    let mut diagnosed = false;
    for line in text.lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let field = |k: &str| e[k].as_str().unwrap_or_default().to_string();
        match e["event"].as_str().unwrap_or_default() {
            "check" if !diagnosed => {
                d.checks.insert(field("check"), field("status"));
            }
            "diagnosis" => diagnosed = true,
            "approval" if field("answer") == "run" => d.ran.push(field("mitigation")),
            "refusal" => d.refused.push(field("mitigation")),
            _ => {}
        }
    }
    d
}

/// The lab's variables, with `env` replacing some, for both runs.
fn lab_vars(env: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = [
        "LRB_LAB_HTTP_URL",
        "LRB_LAB_PG_URL",
        "LRB_LAB_REDIS_URL",
        "LRB_LAB_COMPOSE_FILE",
        "LRB_LAB_DIR",
    ]
    .iter()
    .map(|n| (n.to_string(), lab::var(n)))
    .collect();
    for (k, v) in env {
        vars.retain(|(n, _)| n != k);
        vars.push((k.to_string(), v.to_string()));
    }
    vars
}

/// Injects a fault, runs the script; repairs, injects again, runs `lrb run`; both must reach
/// the same checks, mitigations and exit code, and the expected ones.
fn agree(
    script: &Path,
    restore: &Restore,
    inject: &dyn Fn(&Restore),
    args: &[&str],
    env: &[(&str, &str)],
    code: i32,
    checks: &[(&str, &str)],
) -> Run {
    let vars = lab_vars(env);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    inject(restore);
    let run = run_lab(script, args, &vars);
    restore.repair();
    inject(restore);
    let interpreted = interpreter_decisions(args, &vars);
    restore.repair();
    expect(&run, code, checks);
    let exported = script_decisions(&run);
    assert_eq!(
        exported, interpreted,
        "the script and `lrb run` disagree; the script printed:\n{}",
        run.text
    );
    run
}

fn expect(run: &Run, code: i32, checks: &[(&str, &str)]) {
    assert_eq!(
        run.code,
        Some(code),
        "exit code; the script printed:\n{}",
        run.text
    );
    for (id, status) in checks {
        assert_eq!(
            run.checks.get(*id).map(String::as_str),
            Some(*status),
            "check `{id}`; the script printed:\n{}",
            run.text
        );
    }
}

fn nothing(_: &Restore) {}

/// One test, so the faults it injects never overlap; the lab lock keeps every other lab test
/// out while it runs.
#[test]
fn live_the_script_and_lrb_run_agree_on_real_faults() {
    let _lab = lab::Lock::exclusive();
    let restore = Restore::new();
    let dir = tempfile::tempdir().unwrap();
    let script = write_script(dir.path(), "lab", &scripts()["lab"]);
    let all_pass: Vec<(&str, &str)> = [
        "ready",
        "version",
        "connections",
        "cache",
        "backend",
        "workers",
        "marker",
    ]
    .iter()
    .map(|id| (*id, "passed"))
    .collect();

    // Healthy: every check passes, nothing matches.
    let healthy = agree(&script, &restore, &nothing, &[], &[], 0, &all_pass);
    assert!(healthy.text.contains("healthy"));

    // Docker: backend stopped. The HTTP checks cannot connect (error); the container check
    // fails; `--yes` starts it again and the confirm loop sees it recover.
    let stop_backend = |_: &Restore| lab::docker(&["stop", "backend"]);
    let stopped = agree(
        &script,
        &restore,
        &stop_backend,
        &["--yes"],
        &[],
        10,
        &[
            ("backend", "failed"),
            ("ready", "error"),
            ("workers", "passed"),
        ],
    );
    assert!(stopped.text.contains("mitigation `Start the backend`"));
    // `lrb report` reads the script's transcript as one of `lrb run`.
    let report = lrb()
        .arg("report")
        .arg(script.with_extension("jsonl"))
        .output()
        .unwrap();
    let report = text(&report);
    assert!(
        report.contains("| Outcome | **recovered** (exit code 10) |"),
        "{report}"
    );
    assert!(
        report.contains("`Start the backend`: ✓ docker.start"),
        "{report}"
    );

    // Compose: the worker service stopped; `stack.start` brings it back.
    let stop_worker = |_: &Restore| lab::docker(&["stop", "worker"]);
    agree(
        &script,
        &restore,
        &stop_worker,
        &["--yes"],
        &[],
        10,
        &[("workers", "failed"), ("backend", "passed")],
    );

    // Redis unreachable: errored, the manual step is approved by --yes, the confirm loop's
    // `cache.ping` never passes: not recovered.
    let dead = [("LRB_LAB_REDIS_URL", "redis://127.0.0.1:1")];
    agree(
        &script,
        &restore,
        &nothing,
        &["--yes"],
        &dead,
        11,
        &[("cache", "error"), ("ready", "passed")],
    );
    // Without a terminal and without --yes, both refuse to act.
    agree(
        &script,
        &restore,
        &nothing,
        &[],
        &dead,
        12,
        &[("cache", "error")],
    );

    // PostgreSQL with a wrong password: errored; the password never shows.
    let pg = lab::var("LRB_LAB_PG_URL").replace("lrb-secret-pw", "wrong-pw-1234");
    let bad_pg = agree(
        &script,
        &restore,
        &nothing,
        &["--yes"],
        &[("LRB_LAB_PG_URL", &pg)],
        10,
        &[("connections", "error"), ("cache", "passed")],
    );
    assert!(!bad_pg.text.contains("wrong-pw-1234"), "{}", bad_pg.text);

    // HTTP value: another version served; the comparison on the check's value matches.
    let old_version = |r: &Restore| {
        std::fs::write(r.www.join("health/details"), "{\"version\":\"v0.9.0\"}").unwrap()
    };
    let version = agree(
        &script,
        &restore,
        &old_version,
        &["--yes"],
        &[],
        10,
        &[("version", "passed")],
    );
    assert!(version.text.contains("mitigation `Roll back the release`"));

    // HTTP status and shell: readiness file gone. Both checks fail; the repair is
    // destructive, so --yes alone refuses it, and with nothing run both stop.
    let no_ready = |r: &Restore| std::fs::remove_file(r.www.join("health/ready")).unwrap();
    let gone = agree(
        &script,
        &restore,
        &no_ready,
        &["--yes"],
        &[],
        12,
        &[("ready", "failed"), ("marker", "failed")],
    );
    assert!(
        gone.text
            .contains("pass --allow-destructive as well as --yes")
    );

    // Missing secret and missing tools: invalid setup.
    let no_secret = tool("bash")
        .arg(&script)
        .env_remove("LRB_LAB_PG_URL")
        .output()
        .unwrap();
    assert_eq!(no_secret.status.code(), Some(13));
    assert!(
        String::from_utf8_lossy(&no_secret.stderr).contains("secret `LRB_LAB_PG_URL` is not set")
    );
    let no_tools = run_lab(&script, &[], &[("PATH", dir.path().to_str().unwrap())]);
    assert_eq!(no_tools.code, Some(13), "{}", no_tools.text);
    assert!(no_tools.text.contains("missing tool:") && no_tools.text.contains("psql"));

    drop(restore);
    let after = run_lab(&script, &[], &[]);
    expect(&after, 0, &all_pass);
}

/// The exported deployment rollback against a bad release, as `lrb run` does it in
/// `tests/integration/run.rs`: the quick rollback deploys the last good image, the `when` no longer holds,
/// so the destructive full rollback is not offered, and `confirm` sees the recovery.
#[test]
fn live_the_exported_rollback_deploys_the_last_good_release() {
    lab::assert_no_github_cli();
    let dir = tempfile::tempdir().unwrap();
    let script = write_script(dir.path(), "rollback", &scripts()["deployment_rollback"]);
    let _deploy = lab::BadDeploy::up();
    assert_eq!(lab::error_rate().as_deref(), Some(lab::BAD_RATE));
    let out = std::process::Command::new(bash_path())
        .arg(&script)
        .arg("--transcript")
        .arg(dir.path().join("rollback.jsonl"))
        // No `previous_commit`: only the full rollback needs it, and it is not proposed.
        .arg("--yes")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .envs(lab::BadDeploy::envs())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(10), "{stdout}{stderr}");
    assert!(
        stdout.contains("not proposing the rest of its mitigations"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Full Rollback (with database)` (destructive)"),
        "{stdout}"
    );
    // Checks run again write their outcomes afresh, without complaint.
    assert!(!stderr.contains("mkdir"), "{stderr}");
    assert_eq!(
        lab::image_id("lineup-backend:latest"),
        lab::image_id("lineup-backend:previous-version")
    );
    assert_eq!(lab::error_rate().as_deref(), Some(lab::GOOD_RATE));
}

/// `needs` as a script, or under `lrb run`, with the same arguments: exit code and output.
fn run_needs(script: &Path, interpreted: bool, args: &[&str]) -> (Option<i32>, String) {
    let out = if interpreted {
        lrb()
            .args(["run", "tests/fixtures/export/needs.rb", "--transcript"])
            .arg(script.with_extension("jsonl"))
            .args(args)
            .output()
    } else {
        std::process::Command::new(bash_path())
            .arg(script)
            .arg("--transcript")
            .arg(script.with_extension("jsonl"))
            .args(args)
            .output()
    }
    .unwrap();
    (out.status.code(), text(&out))
}

#[test]
fn a_parameter_only_a_mitigation_uses_is_needed_only_when_it_is_proposed() {
    let dir = tempfile::tempdir().unwrap();
    let script = write_script(dir.path(), "needs", &scripts()["needs"]);
    let marker = dir.path().join("marker");
    let set_marker = format!("marker={}", marker.display());
    for interpreted in [false, true] {
        // Missing: the mitigation is refused with the flag to pass, before any step.
        let (code, text) = run_needs(&script, interpreted, &["--yes", "--set", &set_marker]);
        assert_eq!(code, Some(12), "{text}");
        assert!(
            text.contains("it needs parameter `content` with no value: pass `--set content=VALUE`"),
            "{text}"
        );
        assert!(!marker.exists(), "a refused mitigation ran:\n{text}");

        // Given: it runs and the runbook recovers.
        let args = ["--yes", "--set", &set_marker, "--set", "content=ok"];
        let (code, text) = run_needs(&script, interpreted, &args);
        assert_eq!(code, Some(10), "{text}");
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ok");

        // Healthy: nothing asks for it.
        let (code, text) = run_needs(&script, interpreted, &["--set", &set_marker]);
        assert_eq!(code, Some(0), "{text}");
        std::fs::remove_file(&marker).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whatever bytes a probe prints, the script's transcript is JSON, and the output reads
    /// back as `lrb run` would hold it: valid UTF-8 as it is, each invalid part as U+FFFD.
    #[test]
    fn the_transcript_is_json_for_any_bytes_a_probe_prints(
        bytes in prop::collection::vec(1u8..=255, 0..48)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let script = write_script(dir.path(), "bytes", &scripts()["bytes"]);
        let escapes: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
        let transcript = dir.path().join("t.jsonl");
        let out = std::process::Command::new(bash_path())
            .arg(&script)
            .arg("--transcript")
            .arg(&transcript)
            .env("LRB_TEST_BYTES", &escapes)
            .current_dir(dir.path())
            .output()
            .unwrap();
        prop_assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let records = lrb::run::transcript::read(&transcript).unwrap();
        let printed = records.iter().find_map(|r| match &r.event {
            lrb::run::transcript::Event::Probe { result, .. } => result.output.clone(),
            _ => None,
        });
        let mut expected = b"X".to_vec();
        expected.extend(&bytes);
        expected.push(b'X');
        prop_assert_eq!(printed, Some(String::from_utf8_lossy(&expected).into_owned()));
    }
}

/// `--plan` runs the checks, says what it would propose and changes nothing; its transcript
/// ends `planned`.
#[test]
fn the_plan_mode_runs_the_checks_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let script = write_script(dir.path(), "needs", &scripts()["needs"]);
    let marker = dir.path().join("marker");
    let set_marker = format!("marker={}", marker.display());
    let args = [
        "--plan",
        "--yes",
        "--set",
        &set_marker,
        "--set",
        "content=ok",
    ];
    let (code, text) = run_needs(&script, false, &args);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("would propose `Write the marker`"), "{text}");
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(!marker.exists(), "the plan wrote the marker:\n{text}");
    let seen = events(&script.with_extension("jsonl"));
    assert_eq!(
        seen.last().map(String::as_str),
        Some("end planned 1"),
        "{seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|e| e.starts_with("action") || e.starts_with("approval")),
        "{seen:?}"
    );
}
