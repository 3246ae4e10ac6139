//! `lrb export bash` of `metrics.query` against the lab's real Prometheus: the exported script
//! judges an answer as `lrb run` does, probe record for probe record (status, value, detail
//! and the series it lists), and a parameter's value only ever selects series.

use crate::common::{lrb, text};
use crate::lab;
use std::path::Path;

/// What one probe recorded in a transcript.
#[derive(Debug, Clone, PartialEq)]
struct Probe {
    status: String,
    value: Option<f64>,
    detail: String,
    output: String,
}

fn probes(transcript: &Path) -> Vec<Probe> {
    let text = std::fs::read_to_string(transcript)
        .unwrap_or_else(|e| panic!("no transcript at {} ({e})", transcript.display()));
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["event"] == "probe")
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            let value = &e["value"];
            Probe {
                status: s("status"),
                value: value
                    .as_f64()
                    .or_else(|| value.as_str().and_then(|v| v.parse().ok())),
                detail: s("detail"),
                output: s("output"),
            }
        })
        .collect()
}

/// The lab's Prometheus, as the runbooks of these tests address it.
const LAB: &str = r#"env("LRB_LAB_PROMETHEUS_URL", "http://127.0.0.1:59090")"#;

/// A runbook of one check running `probe` on `address`, and a mitigation its failure proposes.
fn runbook(dir: &Path, address: &str, source: &str, probe: &str) -> std::path::PathBuf {
    let path = dir.join("prom.rb");
    let text = format!(
        r#"target :metrics, prometheus: {address}, timeout: 10s

runbook :prom_export do
  title "PromQL export"
  severity :low
  owner "lab"
  param :source, default: {source:?}
  param :value, default: "none"

  check :q, "the query" do
    {probe}
  end

  when failed(:q) do
    mitigate "Page the on-call" do
      step "Page the on-call"
    end
  end

  confirm within: 1m, every: 10s do
    step "Check the query again"
  end
end
"#
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// The script `lrb export bash` writes for `rb`, beside it.
fn export(rb: &Path) -> std::path::PathBuf {
    let script = rb.with_extension("sh");
    let out = lrb()
        .args(["export", "bash"])
        .arg(rb)
        .arg("-o")
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    script
}

/// `lrb run` and the exported script on `probe`, with `set` as `--set` values: each one's
/// probe records and exit code.
fn both(source: &str, probe: &str, set: &[(&str, &str)]) -> [(Vec<Probe>, Option<i32>); 2] {
    let dir = tempfile::tempdir().unwrap();
    let rb = runbook(dir.path(), LAB, source, probe);
    let script = export(&rb);
    let url = lab::var("LRB_LAB_PROMETHEUS_URL");
    let sets: Vec<String> = set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let run_t = dir.path().join("run.jsonl");
    let mut run = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrb"));
    run.arg("run").arg(&rb).arg("--transcript").arg(&run_t);
    let mut script_cmd = std::process::Command::new("bash");
    let script_t = dir.path().join("script.jsonl");
    script_cmd.arg(&script).arg("--transcript").arg(&script_t);
    for s in &sets {
        run.args(["--set", s]);
        script_cmd.args(["--set", s]);
    }
    let mut results = Vec::new();
    for (mut cmd, transcript) in [(run, run_t), (script_cmd, script_t)] {
        let out = cmd
            .env("LRB_LAB_PROMETHEUS_URL", &url)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let probes = probes(&transcript);
        assert!(!probes.is_empty(), "no probe ran:\n{}", text(&out));
        results.push((probes, out.status.code()));
    }
    let script = results.pop().unwrap();
    let run = results.pop().unwrap();
    [run, script]
}

/// The script and `lrb run` record the same probe; returns it.
fn same(source: &str, probe: &str, set: &[(&str, &str)]) -> Probe {
    let [mut run, script] = both(source, probe, set);
    assert_eq!(run, script, "lrb run, then the script, on {probe}");
    run.0.remove(0)
}

#[test]
fn an_instant_query_is_judged_as_lrb_run_judges_it() {
    let s = lab::Series::publish("exp_ratio", "lab_ratio 0.01\n");
    let healthy = same(
        s.name(),
        r##"metrics.query "max(lab_ratio{lab_source=\"#{source}\"})", below: 0.05"##,
        &[],
    );
    assert_eq!(
        (healthy.status.as_str(), healthy.value),
        ("passed", Some(0.01))
    );
    let breached = same(
        s.name(),
        r##"metrics.query "max(lab_ratio{lab_source=\"#{source}\"}) * 20", below: 0.05"##,
        &[],
    );
    assert_eq!(
        (breached.status.as_str(), breached.value),
        ("failed", Some(0.2))
    );
    assert!(
        breached.detail.contains("is not below 0.05"),
        "{breached:?}"
    );
}

#[test]
fn no_data_errs_unless_the_author_said_what_it_means() {
    let empty = same(
        "exp_nothing_at_all",
        r##"metrics.query "max(lab_ratio{lab_source=\"#{source}\"})", below: 0.05"##,
        &[],
    );
    assert_eq!(empty.status, "error");
    assert!(empty.detail.contains("no data"), "{empty:?}");
    let passes = same(
        "exp_nothing_at_all",
        r##"metrics.query "max(lab_ratio{lab_source=\"#{source}\"})", below: 0.05, empty: :passes"##,
        &[],
    );
    assert_eq!(passes.status, "passed");
}

#[test]
fn several_series_are_judged_each_or_any_as_in_lrb_run() {
    let s = lab::Series::publish(
        "exp_several",
        "lab_ratio{shard=\"a\"} 0.01\nlab_ratio{shard=\"b\\\"q\\\\\"} 0.2\n",
    );
    // Without `each:` or `any:` the checker refuses the query, so no script runs it.
    let q = r##"metrics.query "lab_ratio{lab_source=\"#{source}\"}", below: 0.05"##;
    let each = same(s.name(), &format!("{q}, each: true"), &[]);
    assert_eq!((each.status.as_str(), each.value), ("failed", Some(0.2)));
    assert!(each.detail.contains(r#"shard="b\"q\\""#), "{each:?}");
    assert_eq!(each.output.lines().count(), 2, "{each:?}");
    let any = same(s.name(), &format!("{q}, any: true"), &[]);
    assert_eq!((any.status.as_str(), any.value), ("passed", Some(0.01)));
}

#[test]
fn a_window_holds_fails_and_errs_on_a_gap_as_in_lrb_run() {
    // A series of this test's own, old enough for a short window and younger than a long one
    // (the lab backend's `up` would do, but another test may stop the backend inside it).
    let s = lab::Series::publish("exp_window", "lab_ratio 0.01\n");
    std::thread::sleep(std::time::Duration::from_secs(12));
    let status = |probe: &str| {
        let [run, script] = both(s.name(), probe, &[]);
        assert_eq!(
            run.0.iter().map(|p| &p.status).collect::<Vec<_>>(),
            script.0.iter().map(|p| &p.status).collect::<Vec<_>>(),
            "{probe}: {run:?} {script:?}"
        );
        assert_eq!(run.1, script.1, "{probe}");
        run.0[0].clone()
    };
    let q = r##"max(lab_ratio{lab_source=\"#{source}\"})"##;
    let holds = status(&format!(
        r##"metrics.query "{q}", below: 0.05, for: 8s, step: 1s"##
    ));
    assert_eq!(holds.status, "passed", "{holds:?}");
    let fails = status(&format!(
        r##"metrics.query "{q}", above: 0.05, for: 8s, step: 1s"##
    ));
    assert_eq!(fails.status, "failed", "{fails:?}");
    let gap = status(&format!(
        r##"metrics.query "{q}", below: 0.05, for: 10m, step: 1m"##
    ));
    assert_eq!(gap.status, "error");
    assert!(gap.detail.contains("no samples for"), "{gap:?}");
}

/// Hostile values fill a label value: they select nothing, and the query stays the author's.
#[test]
fn a_hostile_value_only_selects_series() {
    let s = lab::Series::publish("exp_hostile", "lab_ratio{name=\"api\"} 0.01\n");
    for value in [
        "\"} or vector(1) #",
        "api\"} or vector(1",
        r"back\slash\",
        "new\nline",
        ".*",
        "a|api",
        "ünï ✓",
        "\u{1b}[2J\u{7f}",
        "it's",
    ] {
        for op in ["=", "=~", "!~"] {
            let probe = format!(
                r##"metrics.query "count(lab_ratio{{lab_source=\"#{{source}}\", name{op}\"#{{value}}\"}})", empty: :passes"##
            );
            let p = same(s.name(), &probe, &[("value", value)]);
            // `!~` a value that is not `api` keeps the one series: it counts 1.
            let expected = if op == "!~" { Some(1.0) } else { None };
            assert_eq!(
                (p.status.as_str(), p.value),
                ("passed", expected),
                "{op} {value:?}: {p:?}"
            );
        }
    }
}

/// A secret address with credentials reaches curl through its config on stdin: never its
/// command line (which `ps` shows), never the transcript.
#[test]
fn a_secret_address_never_reaches_curl_s_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = lab::var("LRB_LAB_PROMETHEUS_URL");
    let secret = url.replacen("://", "://lab:pa55-w0rd@", 1);
    let rb = runbook(
        dir.path(),
        r#"secret("PROM_URL")"#,
        "none",
        r#"metrics.query "min(up{job=\"lineup\"})", above: 0.5"#,
    );
    let script = export(&rb);
    // curl as the script finds it on PATH: the real one, its arguments written down first.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let argv = dir.path().join("argv");
    let real = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "command -v curl"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let wrapper = bin.join("curl");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nexec {} \"$@\"\n",
            argv.display(),
            real.trim()
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&wrapper)
        .status()
        .unwrap();
    let transcript = dir.path().join("t.jsonl");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg("--transcript")
        .arg(&transcript)
        .env("PROM_URL", &secret)
        .env("PATH", path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    let args = std::fs::read_to_string(&argv).expect("the script ran curl");
    assert!(!args.contains("pa55-w0rd"), "{args}");
    let recorded = std::fs::read_to_string(&transcript).unwrap();
    assert!(!recorded.contains("pa55-w0rd") && !said.contains("pa55-w0rd"));
    assert_eq!(probes(&transcript)[0].status, "passed");
}
