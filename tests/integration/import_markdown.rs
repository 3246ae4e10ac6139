//! `lrb import markdown` on the seed document and on pages shaped like the runbooks teams
//! write (one page per alert, a page of several issues, a free-form how-to): outputs parse,
//! the only errors are the decisions left to a person, and nothing is decided for them.

use crate::common::{lrb, root};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    let path = root().join("tests/fixtures").join(name);
    assert!(path.exists(), "fixture missing at `{}`", path.display());
    path
}

/// The codes the import leaves on purpose: the gate to write, destructive steps to
/// acknowledge, unknown commands in checks to confirm.
const DECISIONS: [&str; 3] = ["LRB307", "LRB401", "LRB403"];

fn import(args: &[&str], file: &Path) -> std::process::Output {
    lrb()
        .args(["import", "markdown"])
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

/// Imports a page to stdout and checks the printed file; returns it and its error codes.
fn print_and_check(name: &str) -> (String, Vec<String>) {
    let out = import(&[], &fixture(name));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let codes = error_codes(&text);
    (text, codes)
}

/// The codes of the errors `lrb check` finds in an imported file.
fn error_codes(text: &str) -> Vec<String> {
    let checked = lrb::load::from_bytes(vec![(PathBuf::from("out.rb"), text.as_bytes().to_vec())]);
    checked
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.rule().code.to_string())
        .collect()
}

/// The file without its comments.
fn code_lines(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

fn only_decisions(codes: &[String], text: &str) {
    for c in codes {
        assert!(DECISIONS.contains(&c.as_str()), "{c} in:\n{text}");
    }
}

#[test]
fn the_seed_imports_into_one_file_per_runbook_in_a_new_directory() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("not/yet/there");
    let out = import(
        &["--dir", target.to_str().unwrap()],
        &fixture("seed/seed-runbooks.md"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "api_outage.rb",
            "database_connectivity_failure.rb",
            "deployment_rollback.rb",
            "queue_backlog_stuck_jobs.rb"
        ]
    );
    let session = lrb::load::load(std::slice::from_ref(&target)).unwrap();
    let codes: Vec<&str> = session
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.rule().code)
        .collect();
    assert!(codes.iter().all(|c| DECISIONS.contains(c)), "{codes:?}");
    assert!(
        codes.contains(&"LRB401"),
        "FLUSHDB stays for a person to acknowledge"
    );
    let api = std::fs::read_to_string(target.join("api_outage.rb")).unwrap();
    assert!(api.contains("see :deployment_rollback"), "{api}");
    let queue = std::fs::read_to_string(target.join("queue_backlog_stuck_jobs.rb")).unwrap();
    let code = code_lines(&queue);
    assert!(
        !code.contains("destructive:") && !code.contains("effect:"),
        "{queue}"
    );
    assert!(
        queue.contains("todo \"Review what caused backup\""),
        "{queue}"
    );
}

#[test]
fn print_mode_is_one_valid_file_with_each_target_declared_once() {
    let (text, codes) = print_and_check("seed/seed-runbooks.md");
    only_decisions(&codes, &text);
    assert_eq!(text.matches("target :host").count(), 1, "{text}");
    assert_eq!(text.matches("runbook :").count(), 4);
}

#[test]
fn an_alert_page_is_one_runbook_with_parameters_and_no_decision_taken() {
    let (text, codes) = print_and_check("import/VMDiskAlmostFull.md");
    only_decisions(&codes, &text);
    for code in DECISIONS {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} expected in:\n{text}"
        );
    }
    assert_eq!(text.matches("runbook :").count(), 1);
    for expected in [
        "title \"VM Disk Almost Full\"",
        "severity :medium",
        "owner \"virtualization\"",
        "param :vm_name,",
        "description: \"Find the launcher pod of the VM named `<vm-name>` in its namespace\"",
        "param :pod_name",
        "param :storage_class",
        "param :reason",
        // prompts stripped, output dropped, placeholders referenced
        "host.run \"kubectl get pods -n #{namespace} -l vm.kubevirt.io/name=#{vm_name}\"",
        // a `\\` continuation joined
        "host.run \"kubectl exec -n #{namespace} #{pod_name} -- virsh domblklist 1\"",
        // a heredoc kept whole
        "host.run \"cat <<EOF > /tmp/reason.txt\\nsnapshots removed for #{reason}\\nEOF\"",
        "mitigate \"Expand the volume\"",
        "mitigate \"Remove the VM's old snapshots\"",
        "confirm within:",
        "# TODO: destructive (`kubectl delete`",
        // the alert's expression, its threshold moved to lrb
        "metrics.query \"kubevirt_vmi_filesystem_used_bytes / kubevirt_vmi_filesystem_capacity_bytes\", below: 0.9, each: true",
        "target :metrics, prometheus: env(\"PROMETHEUS_URL\", \"http://127.0.0.1:9090\")",
    ] {
        assert!(text.contains(expected), "`{expected}` missing in:\n{text}");
    }
    let code = code_lines(&text);
    for absent in ["$ ", "NAME ", "storage: 50Gi", "effect:", "destructive:"] {
        assert!(!code.contains(absent), "`{absent}` in:\n{text}");
    }
    for action in code.lines().filter(|l| l.contains("host.run")) {
        assert!(
            !action.contains('<') || action.contains("<<EOF"),
            "{action}"
        );
        assert!(
            !action.contains("$NAMESPACE") && !action.contains("${"),
            "{action}"
        );
    }
}

#[test]
fn sections_that_own_parts_are_runbooks() {
    let (text, codes) = print_and_check("import/storage-issues.md");
    only_decisions(&codes, &text);
    for expected in [
        "runbook :tools",
        "runbook :monitors_down",
        "runbook :osds_down",
        "check :ceph_status",
        "check :etcdctl_endpoint_health",
        "see :monitors_down",
    ] {
        assert!(text.contains(expected), "`{expected}` missing in:\n{text}");
    }
    assert!(
        !text.contains("Contents"),
        "a table of contents is no runbook:\n{text}"
    );
}

#[test]
fn a_free_form_page_is_one_runbook_with_its_steps_in_order() {
    let (text, codes) = print_and_check("import/restart-agent.md");
    only_decisions(&codes, &text);
    let order = [
        "systemctl stop config-agent",
        "mv /etc/agent /etc/agent.#{reason}",
        "mv /etc/agent.#{reason} /etc/agent",
        "systemctl start config-agent",
    ];
    let positions: Vec<usize> = order.iter().map(|s| text.find(s).expect(s)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn a_name_already_taken_in_the_directory_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("osds_down.rb"), "keep me").unwrap();
    let out = import(
        &["--dir", dir.path().to_str().unwrap()],
        &fixture("import/storage-issues.md"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written"));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["osds_down.rb"]);
}

#[test]
fn the_same_title_twice_gets_two_names() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("twice.md");
    std::fs::write(
        &page,
        "# Ops\n\n## Restart\n\n### Solution\n\n```sh\nsystemctl restart a\n```\n\n## Restart\n\n### Solution\n\n```sh\nsystemctl restart b\n```\n",
    )
    .unwrap();
    let out = import(&[], &page);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("runbook :restart do") && text.contains("runbook :restart_2 do"),
        "{text}"
    );
}

#[test]
fn any_bytes_import_into_a_file_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: [&[u8]; 6] = [
        b"\xef\xbb\xbf---\ntitle: With a BOM\n---\n# X\n\n```sh\ndf -h\n```\n",
        b"\xff\xfe not UTF-8 \x80\x81\n```bash\nls\n",
        b"```\n$ unclosed 'quote\n```\n",
        b"# \"quotes\" and #{interp} and \\ backslashes\n\n```sh\necho \"#{x}\" \\\n",
        b"---\nno end of front matter\n",
        b"# Diagnosis\n\n## Mitigation\n\n```console\n# \n$ \n```\n",
    ];
    for (n, bytes) in inputs.iter().enumerate() {
        let page = dir.path().join(format!("page{n}.md"));
        std::fs::write(&page, bytes).unwrap();
        let out = import(&[], &page);
        assert!(out.status.code().is_some_and(|c| c <= 1), "input {n}");
        if out.status.success() {
            let checked =
                lrb::load::from_bytes(vec![(PathBuf::from("out.rb"), out.stdout.clone())]);
            let syntax: Vec<&str> = checked
                .checked
                .diagnostics
                .iter()
                .map(|d| d.rule().code)
                .filter(|c| c.starts_with("LRB0") || c.starts_with("LRB1"))
                .collect();
            assert!(
                syntax.is_empty(),
                "input {n}: {syntax:?}\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn a_page_with_nothing_in_it_is_nothing_to_import() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("blank.md");
    std::fs::write(&page, "\n\n<!-- only a comment -->\n").unwrap();
    let out = import(&[], &page);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn imported_runbooks_are_already_formatted() {
    let text = std::fs::read_to_string(fixture("import/VMDiskAlmostFull.md")).unwrap();
    for imported in lrb::import::markdown::import(&text, "page") {
        assert_eq!(
            lrb::fmt::format(&imported.source, lrb::source::FileId(0)).unwrap(),
            imported.source
        );
    }
}

/// ```promql fences become `metrics.query` probes the checker accepts, their thresholds moved
/// to lrb and their template variables parameters; what cannot be a probe stays a note that
/// says why.
#[test]
fn promql_fences_become_queries_or_notes_that_say_why() {
    let (text, codes) = print_and_check("import/PrometheusQueries.md");
    only_decisions(&codes, &text);
    for expected in [
        "target :metrics, prometheus: env(\"PROMETHEUS_URL\", \"http://127.0.0.1:9090\")",
        // an alert's threshold on its healthy side, with what the Markdown said
        "metrics.query \"sum(rate(http_requests_total{job=\\\"checkout\\\", code=~\\\"5..\\\"}[5m]))\\n  / sum(rate(http_requests_total{job=\\\"checkout\\\"}[5m]))\", below: 0.05\n",
        "# the Markdown's query ended in `> 0.05`: its healthy side is `below: 0.05`",
        // `$job` in a label value is a parameter; several series need `each:`
        "rate(http_request_duration_seconds_bucket{job=\\\"#{job}\\\"}[5m])))\", each: true",
        "param :job,",
        // `<namespace>` too; a filter passes when it gives nothing
        "{namespace=\\\"#{namespace}\\\"}",
        "> kube_pod_restart_budget\", each: true, empty: :passes",
        "# the Markdown's query is a filter: no series means its condition is false",
        "# A PromQL block kept as a note: the template variable `$__rate_interval` is not inside a label value",
        "# A PromQL block kept as a note: it is a range vector",
        "# A PromQL block kept as a note: it does not parse as PromQL",
        // the recovery check, `< 1` on its healthy side
        "metrics.query \"max(up{job=\\\"checkout\\\"})\", above: 1",
    ] {
        assert!(text.contains(expected), "`{expected}` missing in:\n{text}");
    }
    assert_eq!(text.matches("metrics.query").count(), 4, "{text}");
}

/// `lrb export markdown` of queries, imported back: the same queries and expectations, each
/// parameter as the export shows it (its default), and `lrb check` finds only the decisions.
#[test]
fn queries_round_trip_through_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("queries.md");
    let out = lrb()
        .args(["export", "markdown", "--title", "Queries", "-o"])
        .arg(&md)
        .arg("tests/fixtures/prometheus/queries.rb")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = import(&[], &md);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    only_decisions(&error_codes(&text), &text);
    let source = std::fs::read_to_string(fixture("prometheus/queries.rb")).unwrap();
    let queries = |t: &str| -> Vec<String> {
        t.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("metrics.query"))
            .map(|l| l.replace("#{job}", "lineup"))
            .collect()
    };
    let mut expected = queries(&source);
    // The recovery list is prose: its query comes back as a step.
    expected.pop();
    let normal = |q: &String| {
        let mut parts: Vec<&str> = q.split(", ").collect();
        parts[1..].sort_unstable();
        parts.join(", ")
    };
    assert_eq!(
        queries(&text).iter().map(normal).collect::<Vec<_>>(),
        expected.iter().map(normal).collect::<Vec<_>>(),
        "{text}"
    );
}
