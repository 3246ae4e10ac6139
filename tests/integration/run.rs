//! `lrb run`, `lrb plan` and `lrb report` as an operator uses them: the real binary against
//! the lab's real HTTP, PostgreSQL, Redis and Docker services (`scripts/lab.sh up`).
//!
//! Tests that break a lab service hold the lab lock (`lab::Lock`) exclusively and put the
//! service back before they release it; the others that use the lab hold it shared.

use crate::common::{self, root, text};
use crate::lab::{self, BadDeploy};
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "lrb-secret-pw";

/// The seed runbooks' environment, pointed at the lab's compose services.
fn envs() -> Vec<(&'static str, String)> {
    vec![
        ("LINEUP_URL", lab::var("LRB_LAB_HTTP_URL")),
        ("DATABASE_URL", lab::var("LRB_LAB_COMPOSE_PG_URL")),
        ("REDIS_URL", lab::var("LRB_LAB_COMPOSE_REDIS_URL")),
        ("COMPOSE_FILE", lab::var("LRB_LAB_COMPOSE_FILE")),
        ("COMPOSE_PROJECT_NAME", lab::var("LRB_LAB_COMPOSE_PROJECT")),
        ("PROMETHEUS_URL", lab::var("LRB_LAB_PROMETHEUS_URL")),
    ]
}

/// `lrb ARGS` with the lab's environment: its output, whatever the exit code.
fn lrb(args: &[&str]) -> Output {
    common::lrb()
        .envs(envs())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("lrb exited by a signal")
}

fn container_running(name: &str) -> bool {
    let out = std::process::Command::new("docker")
        .args(["inspect", "-f", "{{.State.Running}}", name])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "true"
}

/// Starts a stopped container again, whatever the test did.
struct Restart(&'static str);

impl Drop for Restart {
    fn drop(&mut self) {
        if !container_running(self.0) {
            lab::docker(&["start", self.0]);
        }
    }
}

/// Puts a served file back as it was.
struct RestoreFile(PathBuf, Vec<u8>);

impl RestoreFile {
    fn replace(relative: &str, content: &str) -> Self {
        let path = Path::new(&lab::var("LRB_LAB_DIR"))
            .join("www")
            .join(relative);
        let before = std::fs::read(&path).unwrap();
        std::fs::write(&path, content).unwrap();
        RestoreFile(path, before)
    }
}

impl Drop for RestoreFile {
    fn drop(&mut self) {
        std::fs::write(&self.0, &self.1).unwrap();
        // The lab's Prometheus reads the pages through `/cgi-bin/metrics` every second: the
        // next test must not see the fault in its metrics.
        std::thread::sleep(Duration::from_secs(3));
    }
}

fn seed(name: &str) -> String {
    format!("runbooks/{name}.rb")
}

fn transcript_of(dir: &tempfile::TempDir, name: &str) -> (PathBuf, String) {
    let path = dir.path().join(format!("{name}.jsonl"));
    (path.clone(), path.display().to_string())
}

fn assert_no_password(where_: &str, text: &str) {
    assert!(
        !text.contains(PASSWORD),
        "the database password leaked into {where_}:\n{text}"
    );
}

#[test]
fn every_seed_runbook_is_healthy_against_a_healthy_lab() {
    let _lab = lab::Lock::shared();
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "api_outage",
        "database_connectivity",
        "queue_backlog",
        "deployment_rollback",
    ] {
        let (path, shown) = transcript_of(&dir, name);
        let out = lrb(&["run", &seed(name), "--transcript", &shown]);
        let all = text(&out);
        assert_eq!(code(&out), 0, "`{name}` is not healthy:\n{all}");
        assert!(all.contains("healthy"), "{all}");
        let transcript = std::fs::read_to_string(&path).unwrap();
        assert!(transcript.contains(r#""event":"healthy""#), "{transcript}");
        assert!(transcript.contains(r#""event":"end""#), "{transcript}");
        assert_no_password("the transcript", &transcript);
        assert_no_password("the output", &all);
    }
}

/// A seed runbook that recovered from a stopped container: what it printed, and its transcript.
struct Recovered {
    output: String,
    transcript: String,
    /// The transcript's path, in `_dir`.
    shown: String,
    _dir: tempfile::TempDir,
}

/// Stops `container`, then runs `runbook` with `--yes`: it must pick `mitigation`, start the
/// container again and confirm the recovery (exit 10). The caller holds the lab exclusively.
fn recovers_a_stopped(container: &'static str, runbook: &str, mitigation: &str) -> Recovered {
    let _restore = Restart(container);
    lab::docker(&["stop", container]);
    let dir = tempfile::tempdir().unwrap();
    let (path, shown) = transcript_of(&dir, runbook);
    let out = lrb(&["run", "--yes", &seed(runbook), "--transcript", &shown]);
    let output = text(&out);
    assert_eq!(code(&out), 10, "{output}");
    assert!(output.contains(mitigation), "{output}");
    assert!(container_running(container), "{output}");
    let transcript = std::fs::read_to_string(&path).unwrap();
    assert!(
        transcript.contains(r#""outcome":"recovered""#),
        "{transcript}"
    );
    assert_no_password("the output", &output);
    assert_no_password("the transcript", &transcript);
    recorded_scenario_passes(&shown, runbook, mitigation);
    Recovered {
        output,
        transcript,
        shown,
        _dir: dir,
    }
}

/// `lrb test --record` turns the transcript into a scenario, written beside a copy of the
/// seed runbooks, that reproduces the run: it passes there, offline.
fn recorded_scenario_passes(transcript: &str, runbook: &str, mitigation: &str) {
    let dir = tempfile::tempdir().unwrap();
    for seed in common::rb_files("runbooks") {
        if !lrb::scenario::is_scenario_file(&seed) {
            std::fs::copy(&seed, dir.path().join(seed.file_name().unwrap())).unwrap();
        }
    }
    let file = dir.path().join(format!("{runbook}.test.rb"));
    let shown = file.display().to_string();
    let out = lrb(&["test", "--record", transcript, "-o", &shown]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let scenario = std::fs::read_to_string(&file).unwrap();
    for part in [
        format!("runbook :{runbook}"),
        format!("expect order: [\"{mitigation}\"]"),
        "expect outcome: :recovered".to_string(),
    ] {
        assert!(scenario.contains(&part), "no `{part}` in:\n{scenario}");
    }
    assert_no_password("the recorded scenario", &scenario);
    let out = lrb(&["test", &shown]);
    let all = text(&out);
    assert_eq!(code(&out), 0, "{all}\n{scenario}");
    assert!(
        all.contains(&format!("pass  recorded: {runbook} at ")),
        "{all}\n{scenario}"
    );
    assert!(!all.contains("FAIL"), "{all}\n{scenario}");
}

#[test]
fn api_outage_refuses_without_yes_then_restarts_the_backend_with_it() {
    let _lab = lab::Lock::exclusive();
    let _restore = Restart("backend");
    lab::docker(&["stop", "backend"]);
    let dir = tempfile::tempdir().unwrap();
    let (_, shown) = transcript_of(&dir, "refused");
    let out = lrb(&["run", &seed("api_outage"), "--transcript", &shown]);
    let all = text(&out);
    assert_eq!(code(&out), 12, "{all}");
    assert!(all.contains("pass `--yes`"), "{all}");
    assert!(
        !container_running("backend"),
        "a refused run restarted the backend"
    );

    let run = recovers_a_stopped(
        "backend",
        "api_outage",
        "Container crashed: restart backend",
    );
    // The memory check failed only because the container was down: after the restart its
    // `when` no longer holds, so the destructive mitigation is never proposed.
    assert!(
        !run.transcript.contains(r#""event":"refusal""#),
        "{}",
        run.transcript
    );
}

#[test]
fn queue_backlog_restarts_a_stopped_redis() {
    let _lab = lab::Lock::exclusive();
    recovers_a_stopped(
        "redis",
        "queue_backlog",
        "Redis connection issue: restart Redis",
    );
}

#[test]
fn database_connectivity_starts_postgres_masks_the_password_and_reports() {
    let _lab = lab::Lock::exclusive();
    let run = recovers_a_stopped(
        "postgres",
        "database_connectivity",
        "Database container down: start it",
    );
    for event in [
        "start",
        "probe",
        "check",
        "diagnosis",
        "when",
        "approval",
        "action",
        "confirm_attempt",
    ] {
        let needle = format!(r#""event":"{event}""#);
        assert!(
            run.transcript.contains(&needle),
            "no {needle} in {}",
            run.transcript
        );
    }
    assert!(run.output.contains("recovered"), "{}", run.output);

    let report = lrb(&["report", &run.shown]);
    let md = text(&report);
    assert_eq!(code(&report), 0, "{md}");
    for part in [
        "# Incident report: Database Connectivity Failure",
        "## Timeline",
        "## Diagnosis",
        "**matched** because `db_container` failed",
        "## Actions taken",
        "## Confirmation",
        "| Time to recovery |",
        "- [ ] Review connection pool settings",
    ] {
        assert!(md.contains(part), "no `{part}` in the report:\n{md}");
    }
    assert_no_password("the report", &md);
}

#[test]
fn plan_picks_the_rollback_and_the_scale_up_for_served_faults_and_changes_nothing() {
    let _lab = lab::Lock::exclusive();
    {
        let _fault =
            RestoreFile::replace("api/v1/system-metrics/platform", r#"{"error_rate":12.5}"#);
        let out = lrb(&["plan", &seed("deployment_rollback")]);
        let all = text(&out);
        assert_eq!(code(&out), 1, "{all}");
        assert!(
            all.contains("would propose `Quick Rollback (< 5 minutes)`"),
            "{all}"
        );
        assert!(
            all.contains("would propose `Full Rollback (with database)` [DESTRUCTIVE"),
            "{all}"
        );
        assert!(all.contains("[write] docker-compose -f"), "{all}");
        assert!(all.contains("nothing was changed"), "{all}");
    }
    {
        let queues = r#"{"queues":[{"name":"default","waiting":5000,"failed":0}]}"#;
        let _fault = RestoreFile::replace("api/v1/system-metrics/queues", queues);
        let out = lrb(&["plan", &seed("queue_backlog")]);
        let all = text(&out);
        assert_eq!(code(&out), 1, "{all}");
        assert!(
            all.contains("would propose `Workers cannot keep up: scale up`"),
            "{all}"
        );
        assert!(all.contains("[destructive] redis"), "{all}");
        assert!(all.contains("FLUSHDB"), "{all}");
    }
    assert!(container_running("backend") && container_running("worker"));
}

#[test]
fn deployment_rollback_rolls_a_bad_release_back_and_confirms_recovery() {
    lab::assert_no_github_cli();
    let _deploy = BadDeploy::up();
    assert_eq!(lab::error_rate().as_deref(), Some(lab::BAD_RATE));

    let dir = tempfile::tempdir().unwrap();
    let (path, shown) = transcript_of(&dir, "rollback");
    let out = common::lrb()
        .envs(BadDeploy::envs())
        .env("NO_COLOR", "1")
        .args([
            "run",
            "--yes",
            &seed("deployment_rollback"),
            "--transcript",
            &shown,
        ])
        .output()
        .unwrap();
    let all = text(&out);
    assert_eq!(code(&out), 10, "{all}");
    assert!(all.contains("value 12.5 is not below 5"), "{all}");
    assert!(
        all.contains("tagged `lineup-backend:previous-version` as `lineup-backend:latest`"),
        "{all}"
    );
    // The good release is deployed and serves the lower error rate.
    assert_eq!(
        lab::image_id("lineup-backend:latest"),
        lab::image_id("lineup-backend:previous-version")
    );
    assert_eq!(lab::error_rate().as_deref(), Some(lab::GOOD_RATE));

    let transcript = std::fs::read_to_string(&path).unwrap();
    assert!(
        transcript.contains(r#""outcome":"recovered""#),
        "{transcript}"
    );
    // Once the quick rollback fixed the error rate, the full rollback (database restore) is
    // not offered: no refusal although `--allow-destructive` was not given.
    assert!(!transcript.contains(r#""event":"refusal""#), "{transcript}");
    assert!(!transcript.contains("restore-db.sh"), "{transcript}");
}

#[test]
fn a_destructive_mitigation_needs_allow_destructive_as_well_as_yes() {
    let _lab = lab::Lock::shared();
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("wiped");
    let set = format!("marker={}", marker.display());
    let fixture = "tests/fixtures/run/destructive.rb";
    let (_, shown) = transcript_of(&dir, "yes");
    let out = lrb(&[
        "run",
        "--yes",
        fixture,
        "--set",
        &set,
        "--transcript",
        &shown,
    ]);
    let all = text(&out);
    assert_eq!(code(&out), 12, "{all}");
    assert!(all.contains("pass `--allow-destructive`"), "{all}");
    assert!(
        !marker.exists(),
        "the destructive step ran without `--allow-destructive`"
    );

    let (path, shown) = transcript_of(&dir, "allowed");
    let out = lrb(&[
        "run",
        "--yes",
        "--allow-destructive",
        fixture,
        "--set",
        &set,
        "--transcript",
        &shown,
    ]);
    let all = text(&out);
    assert_eq!(code(&out), 10, "{all}");
    assert!(marker.exists());

    // Who ran which version of what, and who approved how.
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let start = &records[0];
    assert_eq!(start["event"], "start");
    let bytes = std::fs::read(root().join(fixture)).unwrap();
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(start["file_sha256"], sha, "{start}");
    assert_eq!(start["lrb_version"], env!("CARGO_PKG_VERSION"), "{start}");
    let host = start["host"].as_str().unwrap();
    let user = start["user"].as_str().unwrap();
    assert!(!host.is_empty() && !user.is_empty(), "{start}");
    let command: Vec<&str> = start["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        command[1..4],
        ["run", "--yes", "--allow-destructive"],
        "{start}"
    );
    let approval = records
        .iter()
        .find(|r| r["event"] == "approval")
        .expect("an approval record");
    assert_eq!(approval["by"], format!("{user}@{host}"), "{approval}");
    assert_eq!(approval["how"], "--yes --allow-destructive", "{approval}");
}

#[test]
fn an_interrupted_run_keeps_a_masked_transcript() {
    let _lab = lab::Lock::shared();
    let dir = tempfile::tempdir().unwrap();
    let (path, shown) = transcript_of(&dir, "interrupted");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("lrb"))
        .current_dir(root())
        .env("LRB_TEST_DB_URL", lab::var("LRB_LAB_PG_URL"))
        .args(["run", "--yes", "tests/fixtures/run/interrupt.rb"])
        .args(["--transcript", &shown])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the slow mitigation was approved, then interrupt it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&path).is_ok_and(|t| t.contains(r#""event":"approval""#)) {
        assert!(
            Instant::now() < deadline,
            "the run never reached its mitigation"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "lrb did not stop after SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let all = text(&out);
    assert_eq!(status.code(), Some(12), "{all}");
    let transcript = std::fs::read_to_string(&path).unwrap();
    assert!(
        transcript.contains(r#""event":"interrupted""#),
        "{transcript}"
    );
    assert!(
        transcript.contains(r#""outcome":"interrupted""#),
        "{transcript}"
    );
    assert!(transcript.contains(r#""event":"check""#), "{transcript}");
    assert_no_password("the transcript", &transcript);
    assert_no_password("the output", &all);
    let report = lrb(&["report", &shown]);
    assert!(text(&report).contains("**interrupted** during mitigation `Slow step`"));
}

#[test]
fn a_server_that_never_answers_errors_within_the_timeout_and_secrets_stay_masked() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let out = common::lrb()
        .env("SILENT_URL", &url)
        .env("LRB_PARAM_TOKEN", "s3cr3t-t0ken")
        .args(["plan", "tests/fixtures/run/timeout.rb"])
        .output()
        .unwrap();
    let all = text(&out);
    drop(listener);
    assert_eq!(code(&out), 1, "{all}");
    assert!(all.contains("errored"), "{all}");
    assert!(all.contains("when errored(:hangs)"), "{all}");
    assert!(all.contains("token=***"), "{all}");
    assert!(!all.contains("s3cr3t-t0ken"), "{all}");
}

#[test]
fn a_missing_secret_is_an_invalid_environment_naming_the_variable() {
    let out = common::lrb()
        .env_remove("LRB_TEST_DB_URL")
        .args(["run", "--yes", "tests/fixtures/run/interrupt.rb"])
        .output()
        .unwrap();
    let all = text(&out);
    assert_eq!(code(&out), 13, "{all}");
    assert!(all.contains("secret `LRB_TEST_DB_URL`"), "{all}");
    assert!(all.contains("Export `LRB_TEST_DB_URL`"), "{all}");
}

#[test]
fn an_api_that_does_not_answer_is_unhandled_not_healthy_in_run_plan_report_and_script() {
    // A port nothing listens on: bound, then closed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let fixture = "tests/fixtures/run/unhandled.rb";
    let lrb_with = |args: &[&str]| {
        common::lrb()
            .env("DOWN_URL", &url)
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap()
    };
    let says_unhandled = |all: &str| {
        assert!(
            all.contains("unhandled: `api` did not pass and no `when` matched: escalate"),
            "{all}"
        );
        // The `info:` check failed too, and is not named.
        assert!(!all.contains("`notes` did not pass"), "{all}");
        assert!(!all.contains("healthy"), "{all}");
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, shown) = transcript_of(&dir, "unhandled");
    let out = lrb_with(&["run", fixture, "--transcript", &shown]);
    let all = text(&out);
    assert_eq!(code(&out), 14, "{all}");
    says_unhandled(&all);
    let transcript = std::fs::read_to_string(&path).unwrap();
    assert!(
        transcript.contains(r#""event":"unhandled","checks":["api"]"#),
        "{transcript}"
    );
    assert!(
        transcript.contains(r#""outcome":"unhandled""#),
        "{transcript}"
    );

    let out = lrb_with(&["plan", fixture]);
    let all = text(&out);
    assert_eq!(code(&out), 14, "{all}");
    says_unhandled(&all);

    let report = text(&lrb_with(&["report", &shown]));
    assert!(report.contains("**unhandled** (exit code 14)"), "{report}");
    assert!(
        report.contains("**unhandled**: `api` did not pass"),
        "{report}"
    );

    let script = dir.path().join("unhandled.sh");
    let out = lrb_with(&[
        "export",
        "bash",
        fixture,
        "-o",
        &script.display().to_string(),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg("--transcript")
        .arg(dir.path().join("script.jsonl"))
        .env("DOWN_URL", &url)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = text(&out);
    assert_eq!(code(&out), 14, "{all}");
    says_unhandled(&all);
}

/// Runs `lrb` with the lab environment, stdin not a terminal, until its transcript at `path`
/// holds `needle`; then sends SIGTERM and waits for the exit code.
fn interrupted_when(args: &[&str], path: &Path, needle: &str) -> (i32, String) {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("lrb"))
        .current_dir(root())
        .envs(envs())
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle)) {
        assert!(Instant::now() < deadline, "the run never wrote {needle}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let out = child.wait_with_output().unwrap();
    (code(&out), text(&out))
}

/// The records of the transcript after its last `resume`.
fn since_resume(path: &Path) -> Vec<serde_json::Value> {
    let all: Vec<serde_json::Value> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let at = all
        .iter()
        .rposition(|r| r["event"] == "resume")
        .expect("a resume record");
    all[at..].to_vec()
}

#[test]
fn an_interrupted_run_resumes_from_its_transcript_without_repeating_the_restart() {
    let _lab = lab::Lock::exclusive();
    let _restore = Restart("backend");
    let fixture = "tests/fixtures/run/resume.rb";
    let dir = tempfile::tempdir().unwrap();
    let (path, shown) = transcript_of(&dir, "resume");

    // The fault, the restart approved, then SIGTERM during `confirm`'s wait.
    lab::docker(&["stop", "backend"]);
    let (stopped, all) = interrupted_when(
        &["run", "--yes", fixture, "--transcript", &shown],
        &path,
        r#""event":"action""#,
    );
    assert_eq!(stopped, 12, "{all}");
    assert!(all.contains("recovery not confirmed"), "{all}");
    assert!(container_running("backend"), "{all}");

    // Resumed: every check again, nothing proposed (the restart fixed it), confirmed.
    let out = lrb(&["run", "--yes", fixture, "--resume", &shown]);
    let all = text(&out);
    assert_eq!(code(&out), 10, "{all}");
    assert!(
        all.contains("confirming the work of the earlier session"),
        "{all}"
    );
    let resumed = since_resume(&path);
    let events: Vec<&str> = resumed
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"check"), "{events:?}");
    assert!(
        !events.contains(&"approval") && !events.contains(&"action"),
        "{events:?}"
    );
    assert_eq!(resumed.last().unwrap()["outcome"], "recovered");
    let report = text(&lrb(&["report", &shown]));
    assert!(report.contains("**resumed** by "), "{report}");
    assert!(report.contains("**recovered** (exit code 10)"), "{report}");
    // Time to recovery counts from the first start: past the first session's records.
    let first_end = std::fs::read_to_string(&path).unwrap();
    let ttr = resumed.last().unwrap()["time_to_recovery_ms"]
        .as_u64()
        .unwrap();
    let first_elapsed = first_end
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["event"] == "interrupted")
        .unwrap()["elapsed_ms"]
        .as_u64()
        .unwrap();
    assert!(ttr > first_elapsed, "{ttr} <= {first_elapsed}");

    // The fault comes back: the restart is proposed again, with what happened last time.
    lab::docker(&["stop", "backend"]);
    let out = lrb(&["run", "--yes", fixture, "--resume", &shown]);
    let all = text(&out);
    assert_eq!(code(&out), 10, "{all}");
    assert!(
        all.contains("`Restart backend` ran at ") && all.contains("the condition holds again"),
        "{all}"
    );
    assert!(container_running("backend"), "{all}");

    // A changed runbook is refused, unless `--force`, which is recorded.
    let changed = dir.path().join("resume.rb");
    let source = std::fs::read_to_string(root().join(fixture)).unwrap();
    std::fs::write(&changed, format!("{source}# changed\n")).unwrap();
    let changed = changed.display().to_string();
    let out = lrb(&["run", "--yes", &changed, "--resume", &shown]);
    let all = text(&out);
    assert_eq!(code(&out), 2, "{all}");
    assert!(all.contains("the runbook changed since the run"), "{all}");
    assert!(all.contains("--force"), "{all}");
    let out = lrb(&["run", "--yes", &changed, "--resume", &shown, "--force"]);
    assert_eq!(code(&out), 10, "{}", text(&out));
    assert_eq!(since_resume(&path)[0]["forced"], true);
}

#[test]
fn follow_continues_into_the_runbook_a_when_hands_over_to_in_one_transcript_and_stops_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("marker");
    let set = format!("marker={}", marker.display());
    let (path, shown) = transcript_of(&dir, "handover");
    let fixture = "tests/fixtures/run/handover.rb";
    let args = ["run", "--yes", fixture, "--runbook", "first", "--set", &set];
    // Without `--follow` (and no terminal) the handover is only named.
    let out = lrb(&[&args[..], &["--transcript", &shown]].concat());
    let all = text(&out);
    assert_eq!(code(&out), 11, "{all}");
    assert!(
        all.contains("next: `lrb run` the runbook `second`"),
        "{all}"
    );
    assert!(!marker.exists());

    let out = lrb(&[&args[..], &["--follow", "--transcript", &shown]].concat());
    let all = text(&out);
    assert_eq!(code(&out), 10, "{all}");
    assert!(all.contains("continuing into runbook `second`"), "{all}");
    assert!(
        all.contains("not entering runbook `first` again: this run entered it already"),
        "{all}"
    );
    assert!(marker.exists());
    let transcript = std::fs::read_to_string(&path).unwrap();
    let events: Vec<serde_json::Value> = transcript
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |name: &str| events.iter().filter(|e| e["event"] == name).count();
    assert_eq!((count("start"), count("handover"), count("end")), (1, 1, 1));
    let handover = events.iter().find(|e| e["event"] == "handover").unwrap();
    assert_eq!(handover["from"], "first");
    assert_eq!(handover["to"], "second");
    assert_eq!(handover["how"], "--follow");
    let report = text(&lrb(&["report", &shown]));
    assert!(
        report.contains("**handed over** from `first` to runbook `second`"),
        "{report}"
    );
    assert!(report.contains("**recovered** (exit code 10)"), "{report}");
}
