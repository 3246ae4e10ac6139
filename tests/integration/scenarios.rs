//! `lrb test`: the shipped scenarios, what a broken runbook does to them, coverage, the JSON
//! and JUnit reports, and the diagnostics of a bad scenario file. Recording a real run into a
//! scenario is tested with the runs against the lab, in `run.rs`.

use crate::common::{describe, lrb, root, text};
use std::path::{Path, PathBuf};
use std::process::Output;

const SEEDS: [&str; 4] = [
    "api_outage",
    "database_connectivity",
    "deployment_rollback",
    "queue_backlog",
];

/// A copy of `runbooks/` (runbooks and scenarios) in a temporary directory.
fn copy_of_runbooks() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("runbooks")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn lrb_test(args: &[&str]) -> Output {
    lrb()
        .env("NO_COLOR", "1")
        .arg("test")
        .args(args)
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("lrb exited by a signal")
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{path:?} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn shown(dir: &Path) -> String {
    dir.display().to_string()
}

#[test]
fn the_shipped_scenarios_pass_and_cover_every_part_of_the_seed_runbooks() {
    let out = lrb_test(&["--require-coverage", "runbooks/"]);
    let all = text(&out);
    assert_eq!(code(&out), 0, "{all}");
    assert!(!all.contains("FAIL"), "{all}");
    for seed in SEEDS {
        let line = all
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{seed}: ")))
            .unwrap_or_else(|| panic!("no coverage line for `{seed}`:\n{all}"));
        let (reached, of) = line
            .split_once(": ")
            .and_then(|(_, r)| r.split_once(" of "))
            .unwrap_or_else(|| panic!("{line}"));
        assert_eq!(
            reached.trim(),
            of.trim_end_matches(" parts reached"),
            "{line}"
        );
    }
    assert!(!all.contains("not reached"), "{all}");
}

#[test]
fn a_flipped_condition_fails_a_scenario_with_the_decision_trace() {
    let dir = copy_of_runbooks();
    edit(
        &dir.path().join("api_outage.rb"),
        "when failed(:backend_memory) do",
        "when passed(:backend_memory) do",
    );
    let out = lrb_test(&[&shown(dir.path())]);
    let all = text(&out);
    assert_eq!(code(&out), 1, "{all}");
    assert!(
        all.contains("FAIL  healthy: nothing to do (api_outage)"),
        "{all}"
    );
    assert!(all.contains("decision trace:"), "{all}");
    // The `when` that decided, with the values that decided it.
    assert!(
        all.contains("when passed(:backend_memory): holds (:backend_memory passed 42)"),
        "{all}"
    );
    // The mutant reaches a mitigation (and a confirm) the healthy scenario never expected.
    assert!(
        all.contains("\"Out of memory: restart with fresh state\": type"),
        "{all}"
    );
}

/// Every mutation of a `when` condition of every seed runbook: `failed`/`passed` swapped, `and`
/// and `or` swapped, a `not` dropped, a comparison made strict or loose.
fn mutants(text: &str) -> Vec<(usize, String)> {
    const SWAPS: [(&str, &str); 8] = [
        ("failed(", "passed("),
        ("passed(", "failed("),
        (" and ", " or "),
        (" or ", " and "),
        (" >= ", " > "),
        (" > ", " >= "),
        (" <= ", " < "),
        ("not ", ""),
    ];
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with("when ") {
            continue;
        }
        for (from, to) in SWAPS {
            for (at, _) in line.match_indices(from) {
                let mutated = format!("{}{to}{}", &line[..at], &line[at + from.len()..]);
                let mut all = lines.clone();
                all[i] = &mutated;
                out.push((i + 1, all.join("\n") + "\n"));
            }
        }
    }
    out
}

#[test]
fn every_mutated_condition_of_a_seed_runbook_fails_a_shipped_scenario() {
    let dir = copy_of_runbooks();
    let mut killed = 0;
    for seed in SEEDS {
        let path = dir.path().join(format!("{seed}.rb"));
        let original = std::fs::read_to_string(&path).unwrap();
        for (line, mutant) in mutants(&original) {
            std::fs::write(&path, &mutant).unwrap();
            let out = lrb_test(&[&shown(dir.path())]);
            let all = text(&out);
            let mutated = mutant.lines().nth(line - 1).unwrap().trim();
            assert!(
                code(&out) == 1 && all.contains("FAIL  "),
                "`{mutated}` ({seed}.rb:{line}) survived the shipped scenarios:\n{all}"
            );
            killed += 1;
        }
        std::fs::write(&path, original).unwrap();
    }
    assert!(killed >= 30, "only {killed} mutants");
}

#[test]
fn an_arm_without_a_scenario_fails_require_coverage_and_is_named() {
    let dir = copy_of_runbooks();
    edit(
        &dir.path().join("queue_backlog.rb"),
        "  confirm within: 5m",
        "  when failed(:redis) and failed(:workers) do\n    mitigate \"Everything is down: page the platform team\" do\n      step \"Page the platform team\"\n    end\n  end\n\n  confirm within: 5m",
    );
    let without = lrb_test(&[&shown(dir.path())]);
    assert_eq!(code(&without), 0, "{}", text(&without));
    let out = lrb_test(&["--require-coverage", &shown(dir.path())]);
    let all = text(&out);
    assert_eq!(code(&out), 1, "{all}");
    let file = dir.path().join("queue_backlog.rb");
    assert!(
        all.contains(&format!(
            "not reached: when (failed(:redis) and failed(:workers)) ({}:89:3)",
            file.display()
        )),
        "{all}"
    );
    assert!(
        all.contains("not reached: mitigate \"Everything is down: page the platform team\""),
        "{all}"
    );
}

#[test]
fn json_reports_every_scenario_and_every_part() {
    let out = lrb_test(&["--format", "json", "runbooks/"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let scenarios = doc["scenarios"].as_array().unwrap();
    assert_eq!(doc["failed"], 0);
    assert_eq!(doc["passed"].as_u64().unwrap() as usize, scenarios.len());
    assert!(scenarios.len() >= 20, "{doc:#}");
    assert_eq!(doc["uncovered"], 0);
    let coverage = doc["coverage"].as_array().unwrap();
    for part in coverage {
        assert!(!part["covered_by"].as_array().unwrap().is_empty(), "{part}");
        let location = part["location"].as_str().unwrap();
        assert!(location.starts_with("runbooks/"), "{part}");
    }
    for part in ["arm", "mitigation", "confirmed", "not_confirmed"] {
        assert!(
            coverage.iter().any(|c| c["part"] == part),
            "no `{part}` part: {doc:#}"
        );
    }
}

#[test]
fn junit_parses_with_one_case_per_scenario_and_a_failure_for_each_failed_one() {
    let dir = copy_of_runbooks();
    edit(
        &dir.path().join("deployment_rollback.rb"),
        "and passed(:gh_cli) do",
        "and failed(:gh_cli) do",
    );
    let out = lrb_test(&["--format", "junit", &shown(dir.path())]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let xml = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let json = lrb_test(&["--format", "json", &shown(dir.path())]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(cases.len(), json["scenarios"].as_array().unwrap().len());
    let failed: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(failed.len() as u64, json["failed"].as_u64().unwrap());
    assert!(!failed.is_empty(), "{xml}");
    let failure = failed[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    let body = failure.text().unwrap_or_default();
    assert!(body.contains("decision trace"), "{xml}");
    assert!(
        failed
            .iter()
            .all(|c| c.attribute("classname") == Some("lrb.deployment_rollback")),
        "{xml}"
    );
}

#[test]
fn filter_runs_only_the_scenarios_named_and_an_unknown_name_is_a_usage_error() {
    let out = lrb_test(&["--filter", "poison", "runbooks/"]);
    let all = text(&out);
    assert_eq!(code(&out), 0, "{all}");
    assert_eq!(all.matches("pass  ").count(), 1, "{all}");
    let none = lrb_test(&["--filter", "no scenario is called this", "runbooks/"]);
    assert_eq!(code(&none), 2, "{}", text(&none));
    assert!(text(&none).contains("no scenario's name contains"));
}

#[test]
fn a_runbook_file_brings_its_scenarios_and_a_scenario_file_its_runbooks() {
    for path in [
        "runbooks/queue_backlog.rb",
        "runbooks/queue_backlog.test.rb",
    ] {
        let out = lrb_test(&[path]);
        let all = text(&out);
        assert_eq!(code(&out), 0, "{all}");
        assert!(all.contains("(queue_backlog)"), "{all}");
        assert!(!all.contains("(api_outage)"), "{path}: {all}");
        assert!(!all.contains("api_outage:"), "{path}: {all}");
    }
}

/// The seed runbook `api_outage` and a scenario file, checked in memory.
fn scenario_session(scenarios: &str) -> lrb::load::Session {
    let read = |name: &str| std::fs::read(root().join("runbooks").join(name)).unwrap();
    lrb::load::from_bytes(vec![
        (PathBuf::from("api_outage.rb"), read("api_outage.rb")),
        (
            PathBuf::from("deployment_rollback.rb"),
            read("deployment_rollback.rb"),
        ),
        (
            PathBuf::from("api_outage.test.rb"),
            scenarios.as_bytes().to_vec(),
        ),
    ])
}

/// `(code, line:col, the source text under the span)` of every finding in the scenario file.
fn findings(session: &lrb::load::Session) -> Vec<(&'static str, String, String)> {
    session
        .checked
        .diagnostics
        .iter()
        .map(|d| {
            let file = session.sources.get(d.file);
            let (line, col) = file.line_col(d.span.start);
            (
                d.rule().code,
                format!("{line}:{col}"),
                file.text[d.span.start..d.span.end].to_string(),
            )
        })
        .collect()
}

const ALL_GIVEN: &str = r#"background do
  given :live, :passed
  given :ready, :passed
  given :backend_running, :passed
  given :backend_logs, :passed
  given :backend_memory, value: 42%
  given :host_memory, :passed
  given :host_disk, :passed
  given :port_3000, :failed
end
"#;

#[test]
fn unknown_checks_mitigations_runbooks_and_mistyped_values_are_diagnostics_with_spans() {
    let text = format!(
        "{ALL_GIVEN}\nscenario \"bad\" do\n  given :livee, :failed\n  given :live, :failed, value: 42%\n  given :backend_memory, value: \"lots\"\n  expect mitigation: \"Restart backend\"\n  expect outcome: :fixed\nend\n\nscenario \"elsewhere\" do\n  runbook :api_outag\nend\n"
    );
    let session = scenario_session(&text);
    let found = findings(&session);
    let expected = [
        ("LRB104", "13:10", "livee"),
        ("LRB202", "14:32", "42%"),
        ("LRB202", "15:33", "\"lots\""),
        ("LRB205", "16:22", "\"Restart backend\""),
        ("LRB205", "17:19", ":fixed"),
        ("LRB105", "21:12", "api_outag"),
    ];
    for (code, at, under) in expected {
        assert!(
            found
                .iter()
                .any(|(c, a, u)| *c == code && a == at && u == under),
            "no {code} at {at} under `{under}`: {}",
            describe(&session)
        );
    }
    assert!(session.has_errors());
}

#[test]
fn a_check_the_scenario_does_not_describe_is_an_error_never_a_pass() {
    let session = scenario_session(
        "scenario \"forgot most checks\" do\n  given :live, :passed\n  expect outcome: :healthy\nend\n",
    );
    let found = findings(&session);
    assert!(
        found.iter().any(|(c, a, _)| *c == "LRB109" && a == "1:1"),
        "{}",
        describe(&session)
    );
    let message = &session.checked.diagnostics[0].message;
    assert!(message.contains("does not say what 7 checks"), "{message}");
}

#[test]
fn a_clean_scenario_file_checks_clean_and_formats_unchanged() {
    let text = format!(
        "{ALL_GIVEN}\nscenario \"crashed\" do\n  given :backend_running, :failed\n\n  after \"Container crashed: restart backend\" do\n    given :backend_running, :passed\n  end\n\n  given confirm: :passed, after: 30s\n  expect order: [\"Container crashed: restart backend\"]\n  expect outcome: :recovered\nend\n"
    );
    let session = scenario_session(&text);
    assert!(
        session.checked.diagnostics.is_empty(),
        "{}",
        describe(&session)
    );
    assert_eq!(session.checked.scenarios.len(), 1);
    let formatted = lrb::fmt::format(&text, lrb::source::FileId(0)).expect("formats");
    assert_eq!(formatted, text);
}

#[test]
fn a_transcript_that_is_not_a_run_is_a_usage_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("notes.jsonl");
    std::fs::write(&bogus, "{\"not\":\"a transcript\"}\n").unwrap();
    let target = dir.path().join("api_outage.test.rb");
    let out = lrb_test(&[
        "--record",
        &bogus.display().to_string(),
        "-o",
        &target.display().to_string(),
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(!target.exists());
}

#[test]
fn the_scenario_examples_of_docs_testing_check_clean_against_the_seed_runbook() {
    let doc = std::fs::read_to_string(root().join("docs/testing.md")).unwrap();
    let examples: Vec<&str> = doc
        .split("```ruby\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .collect();
    assert!(!examples.is_empty());
    for example in examples {
        let session = scenario_session(example);
        assert!(
            session.checked.diagnostics.is_empty(),
            "{example}\n{}",
            describe(&session)
        );
        assert!(!session.checked.scenarios.is_empty(), "{example}");
    }
}

#[test]
fn commands_that_take_a_runbook_point_a_scenario_file_to_lrb_test() {
    for command in [&["run"][..], &["plan"], &["graph"], &["export", "bash"]] {
        let out = lrb()
            .args(command)
            .arg("runbooks/api_outage.test.rb")
            .output()
            .unwrap();
        let all = text(&out);
        assert_eq!(code(&out), 2, "{command:?}: {all}");
        assert!(
            all.contains("is a scenario file, not a runbook")
                && all.contains("lrb test runbooks/api_outage.test.rb"),
            "{command:?}: {all}"
        );
    }
}

/// A copy of the runbooks with `queue_backlog.test.rb` replaced by `scenarios`.
fn queue_scenarios(scenarios: &str) -> tempfile::TempDir {
    let dir = copy_of_runbooks();
    std::fs::write(dir.path().join("queue_backlog.test.rb"), scenarios).unwrap();
    dir
}

const QUEUE_GIVEN: &str = r#"background do
  given :queues, :passed
  given :queue_depth, value: 12
  given :failed_jobs, value: 0
  given :redis, :passed
  given :workers, :passed
  given :worker_logs, :passed
end
"#;

#[test]
fn series_are_judged_by_the_query_s_own_rules() {
    let dir = queue_scenarios(&format!(
        r#"{QUEUE_GIVEN}
scenario "one series over the bound: scale up" do
  given :queue_waiting, series: ['{{queue="default"}} 1500']
  operator :absent
  flags :yes
  given confirm: :passed
  expect order: ["Workers cannot keep up: scale up"]
end

scenario "no data is not healthy" do
  given :queue_waiting, series: []
  operator :absent
  flags :yes
  given confirm: :passed
  expect order: ["Workers cannot keep up: scale up"]
end

scenario "a NaN is not healthy either" do
  given :queue_waiting, series: ['{{}} NaN']
  operator :absent
  flags :yes
  given confirm: :passed
  expect order: ["Workers cannot keep up: scale up"]
end

scenario "several series, the query said neither each nor any: not healthy" do
  given :queue_waiting, series: ['{{instance="a"}} 1', '{{instance="b"}} 2']
  operator :absent
  flags :yes
  given confirm: :passed
  expect order: ["Workers cannot keep up: scale up"]
end

scenario "under the bound: healthy" do
  given :queue_waiting, series: ['lineup_queue_jobs{{queue="default", state="waiting"}} 999']
  expect outcome: :healthy
end
"#
    ));
    let out = lrb_test(&[&shown(dir.path())]);
    let all = text(&out);
    assert_eq!(code(&out), 0, "{all}");
    assert!(!all.contains("FAIL"), "{all}");
    assert_eq!(all.matches("(queue_backlog)").count(), 5, "{all}");
}

#[test]
fn a_series_that_cannot_be_or_contradicts_its_state_is_a_diagnostic() {
    let dir = queue_scenarios(&format!(
        r#"{QUEUE_GIVEN}
scenario "bad" do
  given :queue_waiting, :passed, series: ['{{}} 1500']
  given :redis, series: ['{{}} 1']
  given :workers, :passed
  expect order: []
end

scenario "malformed" do
  given :queue_waiting, series: ['{{queue=default}} 1']
  expect order: []
end
"#
    ));
    let out = lrb_test(&[&shown(dir.path())]);
    let all = text(&out);
    assert_eq!(code(&out), 1, "{all}");
    for part in [
        "these 1 series make check `queue_waiting` failed",
        "check `redis` does not query Prometheus",
        "is not a series (a label value is not in quotes)",
    ] {
        assert!(all.contains(part), "no `{part}` in:\n{all}");
    }
}
