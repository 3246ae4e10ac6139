//! SIGTERM, SIGHUP and SIGINT stop `lrb run`, and the script `lrb export bash` writes, the
//! same way: every process the run started is gone, the run says what it left undone and
//! exits 12, and the transcript ends with `interrupted` and `end`. The slow work is real
//! shell (`tests/fixtures/run/signals.rb`): a `sleep` that writes its pid to a file.

use crate::common::{lrb, root};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = "tests/fixtures/run/signals.rb";

/// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(") ")
            .is_some_and(|(_, r)| r.starts_with('Z'))
    })
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `signal` once `ready` holds, then waits for the process: its exit code and output.
fn interrupt(mut child: Child, signal: Signal, ready: impl FnMut() -> bool) -> (i32, String) {
    wait_for("the run reached the slow step", ready);
    // Let the slow step settle into its sleep or wait.
    std::thread::sleep(Duration::from_millis(300));
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "still running after {signal}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().expect("ended by a signal"), text)
}

fn sleep_pid(dir: &Path) -> Option<i32> {
    std::fs::read_to_string(dir.join("sleep.pid"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
}

fn lrb_run(dir: &Path, stage: &str) -> (Child, PathBuf) {
    let transcript = dir.join("t.jsonl");
    let child = Command::new(assert_cmd::cargo::cargo_bin!("lrb"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["run", "--yes", FIXTURE, "--transcript"])
        .arg(&transcript)
        .arg("--set")
        .arg(format!("dir={}", dir.display()))
        .args(["--set", &format!("stage={stage}")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (child, transcript)
}

/// Checks what every interrupted `lrb run` must leave: the code, the message, no `sleep`, and
/// a transcript ending `interrupted`, `end`.
fn assert_interrupted_run(signal: &str, code: i32, out: &str, dir: &Path, transcript: &Path) {
    assert_eq!(code, 12, "{out}");
    assert!(out.contains(&format!("interrupted by {signal}")), "{out}");
    assert!(out.contains("left undone: "), "{out}");
    let text = std::fs::read_to_string(transcript).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last: Vec<&str> = events[events.len() - 2..]
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(last, ["interrupted", "end"], "{text}");
    assert_eq!(events[events.len() - 2]["signal"], signal, "{text}");
    assert_eq!(events[events.len() - 1]["outcome"], "interrupted", "{text}");
    if let Some(pid) = sleep_pid(dir) {
        assert!(!alive(pid), "the `sleep` (pid {pid}) outlived the run");
    }
}

#[test]
fn sigterm_during_a_check_kills_its_sleep_and_records_the_interruption() {
    let dir = tempfile::tempdir().unwrap();
    let (child, transcript) = lrb_run(dir.path(), "check");
    let (code, out) = interrupt(child, Signal::SIGTERM, || sleep_pid(dir.path()).is_some());
    assert_interrupted_run("SIGTERM", code, &out, dir.path(), &transcript);
    assert!(out.contains("checks not finished: `slow`"), "{out}");
}

#[test]
fn sighup_during_a_mitigation_action_kills_its_sleep() {
    let dir = tempfile::tempdir().unwrap();
    let (child, transcript) = lrb_run(dir.path(), "action");
    let (code, out) = interrupt(child, Signal::SIGHUP, || sleep_pid(dir.path()).is_some());
    assert_interrupted_run("SIGHUP", code, &out, dir.path(), &transcript);
    assert!(
        out.contains("mitigation `Slow mitigation` stopped halfway (no step finished)"),
        "{out}"
    );
}

#[test]
fn sigterm_and_sighup_during_a_wait_stop_at_once_and_name_the_steps_left() {
    for (signal, name) in [(Signal::SIGTERM, "SIGTERM"), (Signal::SIGHUP, "SIGHUP")] {
        let dir = tempfile::tempdir().unwrap();
        let (child, transcript) = lrb_run(dir.path(), "wait");
        let (code, out) = interrupt(child, signal, || {
            std::fs::read_to_string(&transcript).is_ok_and(|t| t.contains(r#""event":"action""#))
        });
        assert_interrupted_run(name, code, &out, dir.path(), &transcript);
        assert!(out.contains("steps 1 to 1 of 3 finished"), "{out}");
        assert!(out.contains("not finished: wait 5m"), "{out}");
        assert!(out.contains("recovery not confirmed"), "{out}");
    }
}

fn exported_script(dir: &Path) -> PathBuf {
    let script = dir.join("signals.sh");
    let out = lrb()
        .args(["export", "bash", FIXTURE, "-o"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    script
}

fn script_run(dir: &Path, stage: &str) -> (Child, PathBuf) {
    let log = dir.join("out.log");
    let child = Command::new("bash")
        .arg(exported_script(dir))
        .arg("--transcript")
        .arg(dir.join("script.jsonl"))
        .args(["--yes", "--set"])
        .arg(format!("dir={}", dir.display()))
        .args(["--set", &format!("stage={stage}")])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (child, log)
}

fn assert_interrupted_script(signal: &str, code: i32, log: &Path, dir: &Path) -> String {
    let out = std::fs::read_to_string(log).unwrap();
    assert_eq!(code, 12, "{out}");
    assert!(out.contains(&format!("interrupted by {signal}")), "{out}");
    if let Some(pid) = sleep_pid(dir) {
        assert!(!alive(pid), "the `sleep` (pid {pid}) outlived the script");
    }
    out
}

#[test]
fn the_exported_script_kills_its_check_jobs_and_their_children_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, log) = script_run(dir.path(), "check");
    let (code, _) = interrupt(child, Signal::SIGTERM, || sleep_pid(dir.path()).is_some());
    let out = assert_interrupted_script("SIGTERM", code, &log, dir.path());
    assert!(out.contains("during the checks"), "{out}");
    assert!(sleep_pid(dir.path()).is_some());
}

#[test]
fn the_exported_script_stops_a_mitigation_on_sighup_and_sigint() {
    for (signal, name, stage) in [
        (Signal::SIGHUP, "SIGHUP", "wait"),
        (Signal::SIGINT, "SIGINT", "action"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (child, log) = script_run(dir.path(), stage);
        let (code, _) = interrupt(child, signal, || {
            std::fs::read_to_string(&log).is_ok_and(|t| t.contains("approved by --yes"))
                && (stage == "wait" || sleep_pid(dir.path()).is_some())
        });
        let out = assert_interrupted_script(name, code, &log, dir.path());
        assert!(out.contains("during mitigation `Slow mitigation`"), "{out}");
        assert!(out.contains("recovery not confirmed"), "{out}");
    }
}
