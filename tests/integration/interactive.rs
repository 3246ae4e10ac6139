//! `lrb run` at a real terminal: the binary runs in a pseudo-terminal (expectrl) and each test
//! answers its prompts like an operator would, then checks what the terminal showed, the file
//! the runbook touches and the transcript. The fixtures use only `shell` targets: no lab.
//! (That a run without a terminal refuses to write is tested in `tests/integration/run.rs`.)
//!
//! Waiting is for text, never for time: expectrl's async `expect` sleeps until the terminal
//! writes (its blocking `expect` spins a core, which slows the run under test on 2 cores).

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{AsyncExpect, Eof, Session};
use futures_lite::future::block_on;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long any one text may take to appear.
const PATIENCE: Duration = Duration::from_secs(30);
const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const CTRL_C: &str = "\x03";

/// Escape sequences (CSI: colours, cursor moves, clears; OSC: titles; two-byte ones) and
/// carriage returns: what a person does not read as text.
const NOISE: &str =
    r"(?:\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r)";

/// Matches the output up to the first place that shows `text` to a person: its characters in
/// order, with any escapes drawn between them.
fn shows(text: &str) -> expectrl::Regex<String> {
    let chars: Vec<String> = text
        .chars()
        .map(|c| regex::escape(&c.to_string()))
        .collect();
    let gap = format!("{NOISE}*");
    expectrl::Regex(format!(r"(?s-u)\A.*?{}", chars.join(&gap)))
}

/// What a person reads in `raw`.
fn plain(raw: &[u8]) -> String {
    static RE: LazyLock<regex::bytes::Regex> =
        LazyLock::new(|| regex::bytes::Regex::new(&format!("(?-u){NOISE}")).unwrap());
    String::from_utf8_lossy(&RE.replace_all(raw, &b""[..])).into_owned()
}

/// `lrb run` in a pseudo-terminal, and what it has shown so far.
struct Terminal {
    session: OsSession,
    shown: String,
}

impl Terminal {
    /// ptyprocess gives the terminal a fixed 80×24 size before lrb starts.
    fn run(args: &[String]) -> Self {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lrb"));
        command
            .current_dir(crate::common::root())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .arg("run")
            .args(args);
        let mut session = Session::spawn(command).expect("cannot start lrb in a pseudo-terminal");
        session.set_expect_timeout(Some(PATIENCE));
        Terminal {
            session,
            shown: String::new(),
        }
    }

    /// Waits until the terminal shows `text`; returns what it showed since the last wait.
    fn wait_for(&mut self, text: &str) -> String {
        match block_on(self.session.expect(shows(text))) {
            Ok(found) => self.keep(found.as_bytes()),
            Err(e) => {
                let rest = block_on(self.session.check(expectrl::Regex("(?s-u).+")))
                    .map(|c| plain(c.as_bytes()))
                    .unwrap_or_default();
                panic!(
                    "the terminal did not show `{text}` ({e}); it showed:\n{}{rest}",
                    self.shown
                )
            }
        }
    }

    /// Waits for a menu of lrb's (its last item is always "abort the run"); what was shown.
    fn wait_for_menu(&mut self, question: &str) -> String {
        let shown = self.wait_for(question);
        shown + &self.wait_for("abort the run")
    }

    fn keep(&mut self, raw: &[u8]) -> String {
        let text = plain(raw);
        self.shown.push_str(&text);
        text
    }

    fn press(&mut self, keys: &str) {
        block_on(self.session.send(keys)).expect("cannot type into the terminal");
    }

    /// Waits for lrb to close the terminal; its exit code.
    fn exit_code(&mut self) -> i32 {
        match block_on(self.session.expect(Eof)) {
            Ok(rest) => self.keep(rest.as_bytes()),
            Err(e) => panic!("lrb did not exit ({e}); it showed:\n{}", self.shown),
        };
        match self.session.get_process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            other => panic!("lrb did not exit normally: {other:?}\n{}", self.shown),
        }
    }
}

/// One run of a fixture at a terminal, in a fresh directory that holds its files and
/// transcript. Each of `params` is set to a path of that name in the directory.
struct Run {
    dir: TempDir,
    term: Terminal,
}

impl Run {
    fn start(fixture: &str, params: &[&str]) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), fixture, params)
    }

    /// The same in `dir`, which may already hold files the run should find.
    fn start_in(dir: TempDir, fixture: &str, params: &[&str]) -> Self {
        let mut args = vec![format!("tests/fixtures/interactive/{fixture}.rb")];
        for name in params {
            let path = dir.path().join(name);
            args.extend(["--set".into(), format!("{name}={}", path.display())]);
        }
        let transcript = dir.path().join("transcript.jsonl");
        args.extend(["--transcript".into(), transcript.display().to_string()]);
        let term = Terminal::run(&args);
        Run { dir, term }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn transcript(&self) -> Transcript {
        Transcript::read(&self.path("transcript.jsonl"))
    }
}

/// The records of a JSON-lines transcript.
struct Transcript(Vec<Value>);

impl Transcript {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap();
        let records = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        Transcript(records)
    }

    fn events<'a>(&'a self, event: &'a str) -> impl Iterator<Item = &'a Value> {
        self.0.iter().filter(move |r| r["event"] == event)
    }

    /// The one approval asked about `mitigation` whose question contains `question`.
    fn approval(&self, mitigation: &str, question: &str) -> &Value {
        let found: Vec<&Value> = self
            .events("approval")
            .filter(|r| r["mitigation"] == mitigation)
            .filter(|r| r["question"].as_str().unwrap().contains(question))
            .collect();
        assert_eq!(found.len(), 1, "{found:?} in {:#?}", self.0);
        found[0]
    }

    fn actions_of(&self, mitigation: &str) -> Vec<&Value> {
        self.events("action")
            .filter(|r| r["mitigation"] == mitigation)
            .collect()
    }

    /// The last record ends the run with this outcome and code.
    fn assert_ends(&self, outcome: &str, exit_code: i32) {
        let last = self.0.last().expect("an empty transcript");
        assert_eq!(last["event"], "end", "{:#?}", self.0);
        assert_eq!(last["outcome"], outcome, "{last}");
        assert_eq!(last["exit_code"], exit_code, "{last}");
    }
}

/// The person at the terminal answered: the record names them (`user@host`) and the way.
fn assert_operator_answered(approval: &Value, answer: &str) {
    assert_eq!(approval["answer"], answer, "{approval}");
    let by = approval["by"].as_str().unwrap_or_default();
    let (user, host) = by.split_once('@').unwrap_or_default();
    assert!(!user.is_empty() && !host.is_empty(), "{approval}");
    let how = approval["how"].as_str().unwrap_or_default();
    assert!(["menu", "typed name"].contains(&how), "{approval}");
}

/// Some line of `shown` holds every one of `parts`.
fn assert_line(shown: &str, parts: &[&str]) {
    assert!(
        shown.lines().any(|l| parts.iter().all(|p| l.contains(p))),
        "no line with {parts:?} in:\n{shown}"
    );
}

/// Starts the marker runbook and waits for its first prompt; what the terminal showed.
fn marker_prompt() -> (Run, String) {
    let mut run = Run::start("marker", &["marker"]);
    let shown = run.term.wait_for_menu("run `Create the marker`?");
    (run, shown)
}

/// Skips `Create the marker` and runs `Page the owner`, up to its manual step's question.
fn skip_to_the_manual_step() -> (Run, String) {
    let (mut run, _) = marker_prompt();
    run.term.press(&format!("{DOWN}{ENTER}"));
    run.term.wait_for_menu("run `Page the owner`?");
    run.term.press(ENTER);
    let shown = run.term.wait_for_menu("done?");
    (run, shown)
}

#[test]
fn answering_run_applies_the_mitigation_and_recovers() {
    let (mut run, shown) = marker_prompt();
    assert_line(&shown, &["check", "state", "value", "time", "detail"]);
    assert_line(&shown, &["marker_present", "failed"]);
    assert_line(
        &shown,
        &["when failed(:marker_present)", "`Create the marker`"],
    );
    let marker = run.path("marker").display().to_string();
    assert_line(&shown, &["[write]", "touch", &marker]);
    for item in ["> run", "  skip", "  abort the run"] {
        assert_line(&shown, &[item]);
    }

    run.term.press(ENTER);
    run.term.wait_for("recovered in");
    assert_eq!(run.term.exit_code(), 10, "{}", run.term.shown);
    assert!(run.path("marker").exists(), "the mitigation did not run");

    let transcript = run.transcript();
    let approval = transcript.approval("Create the marker", "run this mitigation?");
    assert_operator_answered(approval, "run");
    let actions = transcript.actions_of("Create the marker");
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["status"], "passed");
    assert!(
        transcript
            .events("confirm_attempt")
            .any(|a| a["passed"] == true)
    );
    transcript.assert_ends("recovered", 10);
}

#[test]
fn answering_skip_leaves_the_file_untouched() {
    let (mut run, _) = skip_to_the_manual_step();
    run.term.press(ENTER);
    run.term
        .wait_for("not recovered: `confirm` did not pass in time");
    assert_eq!(run.term.exit_code(), 11, "{}", run.term.shown);
    assert!(!run.path("marker").exists(), "a skipped mitigation ran");

    let transcript = run.transcript();
    let approval = transcript.approval("Create the marker", "run this mitigation?");
    assert_operator_answered(approval, "skip");
    assert!(transcript.actions_of("Create the marker").is_empty());
    transcript.assert_ends("not recovered", 11);
}

#[test]
fn answering_abort_stops_the_run_and_writes_nothing() {
    let (mut run, _) = marker_prompt();
    run.term.press(&format!("{DOWN}{DOWN}{ENTER}"));
    run.term.wait_for("aborted: nothing more was run");
    assert_eq!(run.term.exit_code(), 12, "{}", run.term.shown);
    assert!(!run.path("marker").exists(), "an aborted run wrote");
    assert!(!run.term.shown.contains("run `Page the owner`?"));

    let transcript = run.transcript();
    let approval = transcript.approval("Create the marker", "run this mitigation?");
    assert_operator_answered(approval, "abort");
    assert_eq!(transcript.events("action").count(), 0);
    assert_eq!(transcript.events("confirm_attempt").count(), 0);
    transcript.assert_ends("aborted", 12);
}

/// Starts the stale-lock runbook with its lock in place and types `typed` at the prompt for
/// the name, after checking the prompt says which mitigation and why.
fn type_at_the_destructive_prompt(typed: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lock"), "pid 4242").unwrap();
    let mut run = Run::start_in(dir, "destructive", &["lock"]);
    let shown = run
        .term
        .wait_for("type `Remove the lock` to run it, `skip` to skip it, `abort` to stop the run");
    assert_line(
        &shown,
        &["DESTRUCTIVE mitigation `Remove the lock` (a live writer may still hold it)"],
    );
    assert_line(&shown, &["rm -f", &run.path("lock").display().to_string()]);
    run.term.press(&format!("{typed}{ENTER}"));
    run
}

const NAME_QUESTION: &str = "type `Remove the lock` to run this destructive mitigation";

#[test]
fn a_wrong_name_skips_a_destructive_mitigation() {
    let mut run = type_at_the_destructive_prompt("Remove the locks");
    run.term.wait_for("the name does not match: skipped");
    assert_eq!(run.term.exit_code(), 12, "{}", run.term.shown);
    assert!(run.path("lock").exists(), "a wrong name removed the lock");

    let transcript = run.transcript();
    assert_operator_answered(
        transcript.approval("Remove the lock", NAME_QUESTION),
        "skip",
    );
    assert!(transcript.actions_of("Remove the lock").is_empty());
    transcript.assert_ends("aborted", 12);
}

#[test]
fn the_exact_name_runs_a_destructive_mitigation() {
    let mut run = type_at_the_destructive_prompt("Remove the lock");
    run.term.wait_for("recovered in");
    assert_eq!(run.term.exit_code(), 10, "{}", run.term.shown);
    assert!(
        !run.path("lock").exists(),
        "the typed name did not remove the lock"
    );

    let transcript = run.transcript();
    assert_operator_answered(transcript.approval("Remove the lock", NAME_QUESTION), "run");
    let actions = transcript.actions_of("Remove the lock");
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["effect"], "destructive", "{}", actions[0]);
    transcript.assert_ends("recovered", 10);
}

#[test]
fn a_manual_step_asks_done_and_records_the_answer() {
    let (mut run, shown) = skip_to_the_manual_step();
    assert_line(&shown, &["Page the owner of the marker file"]);
    for item in ["> done", "  skip this step", "  abort the run"] {
        assert_line(&shown, &[item]);
    }
    run.term.press(&format!("{DOWN}{ENTER}"));
    run.term
        .wait_for("skipped: manual step: Page the owner of the marker file");
    assert_eq!(run.term.exit_code(), 11, "{}", run.term.shown);

    let transcript = run.transcript();
    let step = transcript.approval("Page the owner", "Page the owner of the marker file");
    assert!(
        step["question"].as_str().unwrap().ends_with(": done?"),
        "{step}"
    );
    assert_operator_answered(step, "skip");
    assert_operator_answered(
        transcript.approval("Page the owner", "run this mitigation?"),
        "run",
    );
}

#[test]
fn ctrl_c_during_a_slow_check_stops_the_run() {
    let mut run = Run::start("slow", &["marker"]);
    run.term.wait_for("running checks");
    let pressed = Instant::now();
    run.term.press(CTRL_C);
    run.term
        .wait_for("interrupted by SIGINT during diagnosis: stopped");
    assert_eq!(run.term.exit_code(), 12, "{}", run.term.shown);
    let (_, after) = run.term.shown.split_once("stopped").unwrap();
    assert!(
        !after.contains("running checks"),
        "the spinner outlived the run:{after}"
    );
    // The probe sleeps 30 s: a prompt stop means it was not waited for.
    let took = pressed.elapsed();
    assert!(took < Duration::from_secs(20), "stopping took {took:?}");
    assert!(!run.path("marker").exists());

    let transcript = run.transcript();
    let interrupted: Vec<&Value> = transcript.events("interrupted").collect();
    assert_eq!(interrupted.len(), 1, "{:#?}", transcript.0);
    assert_eq!(interrupted[0]["during"], "diagnosis");
    assert_eq!(transcript.events("approval").count(), 0);
    transcript.assert_ends("interrupted", 12);
}

#[test]
fn progress_shows_while_checks_and_confirm_run() {
    let mut run = Run::start("progress", &["marker", "gate", "fixed"]);
    let shown = run.term.wait_for_menu("run `Create the marker`?");
    assert_line(&shown, &["running checks", "/1"]);
    run.term.press(ENTER);
    // The first attempt waits for the gate, so its spinner is on screen until the test opens it.
    run.term.wait_for("confirm: attempt 1 of at most 61");
    std::fs::write(run.path("gate"), "").unwrap();
    run.term.wait_for("confirm: attempt 1 not yet:");
    std::fs::write(run.path("fixed"), "").unwrap();
    run.term.wait_for("recovered in");
    assert_eq!(run.term.exit_code(), 10, "{}", run.term.shown);
    let passed = regex::Regex::new(r"confirm: attempt (\d+) passed").unwrap();
    let attempt: u32 = passed
        .captures(&run.term.shown)
        .unwrap_or_else(|| panic!("no passed attempt in:\n{}", run.term.shown))[1]
        .parse()
        .unwrap();
    assert!(attempt >= 2, "{}", run.term.shown);

    let transcript = run.transcript();
    let attempts: Vec<&Value> = transcript.events("confirm_attempt").collect();
    assert_eq!(attempts[0]["attempt"], 1);
    assert_eq!(attempts[0]["of"], 61);
    assert_eq!(attempts[0]["passed"], false);
    assert_eq!(attempts.last().unwrap()["attempt"], attempt);
    assert_eq!(attempts.last().unwrap()["passed"], true);
    transcript.assert_ends("recovered", 10);
}

#[test]
fn at_a_terminal_a_handover_asks_whether_to_continue_into_the_other_runbook() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("marker");
    let transcript = dir.path().join("transcript.jsonl");
    let mut term = Terminal::run(&[
        "tests/fixtures/run/handover.rb".into(),
        "--runbook".into(),
        "first".into(),
        "--set".into(),
        format!("marker={}", marker.display()),
        "--transcript".into(),
        transcript.display().to_string(),
    ]);
    term.wait_for_menu("continue into runbook `second` in this run?");
    term.press(ENTER);
    term.wait_for("continuing into runbook `second`");
    term.wait_for_menu("run `Create the marker`?");
    term.press(ENTER);
    term.wait_for("not entering runbook `first` again");
    term.wait_for("recovered in");
    assert_eq!(term.exit_code(), 10, "{}", term.shown);
    assert!(marker.exists(), "the mitigation of `second` did not run");
    let transcript = Transcript::read(&transcript);
    let handover = transcript
        .events("handover")
        .next()
        .expect("a handover record");
    assert_eq!(handover["how"], "menu", "{handover}");
    transcript.assert_ends("recovered", 10);
}
