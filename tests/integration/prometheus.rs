//! `prometheus` targets against the lab's real Prometheus (`scripts/lab.sh up`), with series
//! each test serves through the lab's file exporter: a breached bound fails, no data never
//! passes unless the runbook says so, several series need `each:` or `any:`, one spike in a
//! `for:` window fails it, and no parameter value can change the query.

use crate::common::{self, text};
use crate::lab::{self, Series};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

/// A runbook file in `dir` against `url`: `params` declarations, then one informational
/// check per `(id, arguments of metrics.query)`.
fn runbook(dir: &Path, url: &str, params: &str, checks: &[(&str, String)]) -> String {
    let checks: String = checks
        .iter()
        .map(|(id, query)| {
            format!("  check :{id}, info: true do\n    metrics.query {query}\n  end\n")
        })
        .collect();
    let source = format!(
        "target :metrics, prometheus: \"{url}\", timeout: 3s\n{params}\nrunbook :metrics do\n  title \"metrics\"\n{checks}end\n"
    );
    let path = dir.join("metrics.rb");
    std::fs::write(&path, source).unwrap();
    path.display().to_string()
}

fn lab_url() -> String {
    lab::var("LRB_LAB_PROMETHEUS_URL")
}

/// `lrb run FILE ARGS` with a transcript: its output, and each check's final event by id.
fn run(file: &str, args: &[&str]) -> (Output, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let transcript = dir.path().join("t.jsonl");
    let out = common::lrb()
        .env("NO_COLOR", "1")
        .args(["run", file, "--transcript"])
        .arg(&transcript)
        .args(args)
        .output()
        .unwrap();
    let events = std::fs::read_to_string(&transcript)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, events)
}

/// The `check` event of check `id`.
fn check<'a>(events: &'a [Value], id: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["event"] == "check" && e["check"] == id)
        .unwrap_or_else(|| panic!("no check event for `{id}` in {events:#?}"))
}

/// The `probe` event of check `id`'s query.
fn probe<'a>(events: &'a [Value], id: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["event"] == "probe" && e["check"] == id)
        .unwrap_or_else(|| panic!("no probe event for `{id}` in {events:#?}"))
}

fn status(events: &[Value], id: &str) -> String {
    check(events, id)["status"].as_str().unwrap().to_string()
}

fn detail(events: &[Value], id: &str) -> String {
    check(events, id)["detail"].as_str().unwrap().to_string()
}

#[test]
fn a_bound_passes_within_and_fails_when_breached() {
    let _lab = lab::Lock::shared();
    let series = Series::publish("t_bounds", "lab_error_ratio 0.01\n");
    let name = series.name();
    let query = format!("max(lab_error_ratio{{lab_source=\"{name}\"}})");
    let dir = tempfile::tempdir().unwrap();
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[("ratio", format!("{:?}, below: 0.05", query))],
    );
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "ratio"), "passed", "{}", text(&out));
    assert_eq!(check(&events, "ratio")["value"], 0.01);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    series.set("lab_error_ratio 0.125\n");
    series.await_query(&query, |v| v == Some(0.125));
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "ratio"), "failed", "{}", text(&out));
    assert_eq!(check(&events, "ratio")["value"], 0.125);
    let why = detail(&events, "ratio");
    assert!(why.contains("value 0.125 is not below 0.05"), "{why}");
}

#[test]
fn no_data_never_passes_unless_the_runbook_says_what_it_means() {
    let _lab = lab::Lock::shared();
    let dir = tempfile::tempdir().unwrap();
    // A label no series has: the exporter is up, the query matches nothing.
    let query = "\"sum(lab_error_ratio{lab_source='t_nobody'})\", below: 0.05";
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[
            ("passes", format!("{query}, empty: :passes")),
            ("fails", format!("{query}, empty: :fails")),
        ],
    );
    // And one check that is not informational: what the run concludes from it.
    let source = std::fs::read_to_string(&file).unwrap();
    let body = source.strip_suffix("end\n").unwrap();
    let plain = format!("  check :plain do\n    metrics.query {query}\n  end\nend\n");
    std::fs::write(&file, format!("{body}{plain}")).unwrap();
    let (out, events) = run(&file, &[]);
    let all = text(&out);
    assert_eq!(status(&events, "plain"), "error", "{all}");
    let why = detail(&events, "plain");
    assert!(
        why.contains("no data") && why.contains("empty: :passes"),
        "{why}"
    );
    assert_eq!(status(&events, "passes"), "passed", "{all}");
    assert_eq!(status(&events, "fails"), "failed", "{all}");
    // A check that saw no data is never taken as healthy.
    assert_eq!(out.status.code(), Some(14), "{all}");
    assert!(all.contains("unhandled: `plain` did not pass"), "{all}");
}

#[test]
fn several_series_are_judged_each_or_any_and_all_are_recorded() {
    let _lab = lab::Lock::shared();
    let series = Series::publish(
        "t_series",
        "lab_queue_waiting{queue=\"mail\"} 5\nlab_queue_waiting{queue=\"video\"} 2000\n",
    );
    let name = series.name();
    let dir = tempfile::tempdir().unwrap();
    let selector = format!("lab_queue_waiting{{lab_source='{name}'}}");
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[
            ("each", format!("{selector:?}, each: true, below: 1000")),
            ("any", format!("{selector:?}, any: true, below: 1000")),
            ("max", format!("\"max({selector})\", below: 1000")),
        ],
    );
    let (out, events) = run(&file, &[]);
    let all = text(&out);
    assert_eq!(status(&events, "each"), "failed", "{all}");
    assert_eq!(check(&events, "each")["value"], 2000.0);
    assert!(detail(&events, "each").contains("queue=\"video\""), "{all}");
    assert_eq!(status(&events, "any"), "passed", "{all}");
    assert_eq!(check(&events, "any")["value"], 5.0);
    assert_eq!(status(&events, "max"), "failed", "{all}");
    // The transcript holds every series with its labels.
    let output = probe(&events, "each")["output"]
        .as_str()
        .unwrap()
        .to_string();
    let source = format!("lab_source=\"{name}\"");
    for part in ["queue=\"mail\"", "queue=\"video\"", &source, " 2000"] {
        assert!(output.contains(part), "no `{part}` in {output}");
    }

    // Without `each:` or `any:`, the query is refused before anything runs.
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[("one", format!("{selector:?}, below: 1000"))],
    );
    let out = common::lrb().args(["check", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("LRB208"), "{}", text(&out));
}

#[test]
fn one_spike_in_a_window_fails_it_and_a_window_without_data_is_not_a_pass() {
    let _lab = lab::Lock::shared();
    let series = Series::publish("t_window", "lab_latency_seconds 0.2\n");
    let name = series.name();
    let query = format!("max(lab_latency_seconds{{lab_source=\"{name}\"}})");
    let started = Instant::now();
    // A young series: a 5 minute window has no samples for most of it.
    let dir = tempfile::tempdir().unwrap();
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[("long", format!("{query:?}, for: 5m, below: 1"))],
    );
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "long"), "error", "{}", text(&out));
    assert!(
        detail(&events, "long").contains("of the window"),
        "{}",
        text(&out)
    );

    // A spike, then calm again.
    std::thread::sleep(Duration::from_secs(3));
    series.set("lab_latency_seconds 4.5\n");
    series.await_query(&query, |v| v == Some(4.5));
    // Two scrapes' worth, so a step falls inside the spike whatever the scrape jitter.
    std::thread::sleep(Duration::from_secs(2));
    series.set("lab_latency_seconds 0.2\n");
    series.await_query(&query, |v| v == Some(0.2));
    let window = started.elapsed().as_secs().saturating_sub(1).max(2);
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[
            ("now", format!("{query:?}, below: 1")),
            ("window", format!("{query:?}, for: {window}s, below: 1")),
        ],
    );
    let (out, events) = run(&file, &[]);
    let all = text(&out);
    assert_eq!(status(&events, "now"), "passed", "{all}");
    assert_eq!(status(&events, "window"), "failed", "{all}");
    assert_eq!(check(&events, "window")["value"], 4.5, "{all}");
    assert!(detail(&events, "window").contains("not below 1"), "{all}");
}

#[test]
fn a_query_prometheus_rejects_is_an_error_quoting_its_message() {
    let _lab = lab::Lock::shared();
    let series = Series::publish(
        "t_rejected",
        "lab_up{instance=\"a\"} 1\nlab_up{instance=\"b\"} 1\n",
    );
    let name = series.name();
    let dir = tempfile::tempdir().unwrap();
    // Parses, but Prometheus cannot match two series to one on `on()`.
    let selector = format!("lab_up{{lab_source='{name}'}}");
    let file = runbook(
        dir.path(),
        &lab_url(),
        "",
        &[(
            "bad",
            format!("\"sum({selector}) + on() {selector}\", each: true, below: 5"),
        )],
    );
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "bad"), "error", "{}", text(&out));
    let why = detail(&events, "bad");
    assert!(
        why.contains("Prometheus rejected the query (execution)"),
        "{why}"
    );
}

#[test]
fn an_unreachable_server_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let up = [("up", "\"sum(up)\", below: 1".to_string())];
    let file = runbook(dir.path(), "http://127.0.0.1:9", "", &up);
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "up"), "error", "{}", text(&out));
    assert!(
        detail(&events, "up").contains("cannot connect"),
        "{}",
        text(&out)
    );
}

/// Continues the lab's Prometheus, whatever the test did.
struct Resume(nix::unistd::Pid);

impl Drop for Resume {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(self.0, nix::sys::signal::Signal::SIGCONT);
    }
}

#[test]
fn a_hung_server_times_out_as_an_error() {
    let _lab = lab::Lock::exclusive();
    let pid_file = Path::new(&lab::var("LRB_LAB_DIR")).join("prom/prometheus.pid");
    let pid = std::fs::read_to_string(pid_file).unwrap();
    let pid = nix::unistd::Pid::from_raw(pid.trim().parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let up = [("up", "\"sum(up)\", below: 1000, timeout: 1s".to_string())];
    let file = runbook(dir.path(), &lab_url(), "", &up);
    let _resume = Resume(pid);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGSTOP).unwrap();
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "up"), "error", "{}", text(&out));
    assert!(
        detail(&events, "up").contains("timed out"),
        "{}",
        text(&out)
    );
}

#[test]
fn no_parameter_value_changes_the_query() {
    let _lab = lab::Lock::shared();
    let series = Series::publish(
        "t_hostile",
        "lab_queue_waiting{queue=\"mail\"} 5\nlab_queue_waiting{queue=\"video\"} 2000\n",
    );
    let name = series.name();
    let dir = tempfile::tempdir().unwrap();
    let file = runbook(
        dir.path(),
        &lab_url(),
        "param :queue, default: \"mail\"",
        &[
            (
                "exact",
                format!(
                    "\"max(lab_queue_waiting{{lab_source='{name}', queue='#{{queue}}'}})\", below: 1000"
                ),
            ),
            (
                "regex",
                format!(
                    "\"max(lab_queue_waiting{{lab_source='{name}', queue=~\\\"#{{queue}}\\\"}})\", below: 1000"
                ),
            ),
        ],
    );
    let (out, events) = run(&file, &[]);
    assert_eq!(status(&events, "exact"), "passed", "{}", text(&out));
    assert_eq!(status(&events, "regex"), "passed", "{}", text(&out));
    for hostile in [
        "mail'} or vector(0) #",
        "mail\"} or vector(0) #",
        "mail\\",
        "mail\nor vector(0)",
        ".*",
        "mail|video",
        "(mail)",
        "ma.l",
        "mail' or queue='video",
    ] {
        let (out, events) = run(&file, &["--set", &format!("queue={hostile}")]);
        for id in ["exact", "regex"] {
            assert_eq!(
                (status(&events, id), detail(&events, id).contains("no data")),
                ("error".to_string(), true),
                "`{hostile:?}` in `{id}` selected something:\n{}",
                text(&out)
            );
        }
    }
}
