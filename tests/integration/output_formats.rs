//! `lrb check --format sarif|github|json` as CI tools read them. The SARIF log is validated
//! against the official SARIF 2.1.0 schema (`tests/fixtures/sarif-2.1.0.json`, see the note
//! beside it) and checked for the fields GitHub code scanning reads.

use crate::common::{lrb, root};
use lrb::diagnostic::Diagnostic;
use lrb::diagnostic::{Code, registry};
use lrb::source::{FileId, SourceFile, SourceMap, Span};
use serde_json::Value;

/// Runs `lrb check --format FORMAT` on `paths` from the repository root; expects findings.
fn check(format: &str, paths: &[&str]) -> String {
    let out = lrb()
        .args(["--color", "never", "check", "--format", format])
        .args(paths)
        .output()
        .expect("run `lrb check`");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failing run exits 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text at `{pointer}` in {v:#}"))
}

fn number(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no number at `{pointer}` in {v:#}"))
}

fn validate_sarif(log: &Value) {
    let schema = json(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-2.1.0.json"))
            .expect("read the SARIF schema"),
    );
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
}

/// Every fixture that fires, syntax errors and invalid UTF-8 included: one log, many results.
#[test]
fn sarif_of_a_failing_run_is_valid_and_has_what_code_scanning_reads() {
    let log = json(&check("sarif", &["tests/fixtures/rules"]));
    validate_sarif(&log);
    assert_eq!(text(&log, "/version"), "2.1.0");
    assert_eq!(text(&log, "/runs/0/tool/driver/name"), "lrb");

    let rules = log
        .pointer("/runs/0/tool/driver/rules")
        .and_then(Value::as_array)
        .expect("rules");
    assert_eq!(rules.len(), registry::ALL.len());
    for (rule, want) in rules.iter().zip(registry::ALL) {
        assert_eq!(text(rule, "/id"), want.code);
        for field in [
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
        ] {
            assert!(
                !text(rule, field).is_empty(),
                "{}: empty `{field}`",
                want.code
            );
        }
        assert_eq!(
            text(rule, "/defaultConfiguration/level"),
            want.severity.to_string()
        );
    }

    let results = log
        .pointer("/runs/0/results")
        .and_then(Value::as_array)
        .expect("results");
    let mut codes: Vec<&str> = Vec::new();
    for result in results {
        let code = text(result, "/ruleId");
        codes.push(code);
        let index = number(result, "/ruleIndex") as usize;
        assert_eq!(
            text(&rules[index], "/id"),
            code,
            "ruleIndex points at its rule"
        );
        assert!(["error", "warning"].contains(&text(result, "/level")));
        assert!(!text(result, "/message/text").is_empty());
        let location = "/locations/0/physicalLocation";
        let uri = text(result, &format!("{location}/artifactLocation/uri"));
        assert!(
            uri.starts_with("tests/fixtures/rules/LRB") && uri.ends_with(".rb"),
            "a relative URI with forward slashes: {uri}"
        );
        assert!(number(result, &format!("{location}/region/startLine")) >= 1);
        assert!(number(result, &format!("{location}/region/startColumn")) >= 1);
    }
    // Each fires.rb fires its code; every code can reach code scanning.
    for rule in registry::ALL {
        assert!(codes.contains(&rule.code), "no result for {}", rule.code);
    }
}

/// An absolute path under the working directory still gives a repository-relative URI.
#[test]
fn sarif_uris_are_relative_to_the_working_directory() {
    let file = root().join("tests/fixtures/rules/LRB401/fires.rb");
    let log = json(&check("sarif", &[file.to_str().expect("UTF-8 path")]));
    validate_sarif(&log);
    assert_eq!(
        text(
            &log,
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri"
        ),
        "tests/fixtures/rules/LRB401/fires.rb"
    );
}

#[test]
fn github_annotations_have_the_workflow_command_shape() {
    let out = check("github", &["tests/fixtures/rules/LRB401/fires.rb"]);
    let shape = regex::Regex::new(
        r"^::(error|warning) file=tests/fixtures/rules/LRB401/fires\.rb,line=[1-9]\d*,col=[1-9]\d*,endLine=[1-9]\d*,endColumn=[1-9]\d*,title=LRB\d{3} [a-z-]+::[^\r\n]+$",
    )
    .expect("valid regex");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.iter().any(|l| l.contains("LRB401")), "{out}");
    for line in lines {
        assert!(shape.is_match(line), "not a workflow command: {line}");
    }
}

/// Commas, colons and newlines in a file name or message must not break the command.
#[test]
fn github_annotations_escape_properties_and_data() {
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new("odd, dir/a:b.rb", "line one\nline two\n"));
    assert_eq!(id, FileId(0));
    let d = Diagnostic::new(
        Code::UnusedCheck,
        id,
        Span::new(9, 13),
        "100% sure: one, two\nthree",
    )
    .help("Fix it.");
    let out = lrb::diagnostic::github::annotations(&[d], &sources);
    assert_eq!(
        out,
        "::warning file=odd%2C dir/a%3Ab.rb,line=2,col=1,endLine=2,endColumn=5,title=LRB303 unused-check::100%25 sure: one, two%0Athree — Fix it.\n"
    );
}

#[test]
fn json_findings_carry_file_line_and_column() {
    let doc = json(&check("json", &["tests/fixtures/rules/LRB401/fires.rb"]));
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics");
    assert!(number(&doc, "/errors") >= 1);
    assert_eq!(doc["files"], 1);
    assert!(diagnostics.iter().any(|d| d["code"] == "LRB401"));
    for d in diagnostics {
        assert_eq!(text(d, "/file"), "tests/fixtures/rules/LRB401/fires.rb");
        assert!(!text(d, "/rule").is_empty() && !text(d, "/message").is_empty());
        assert!(number(d, "/line") >= 1 && number(d, "/column") >= 1);
        assert!(number(d, "/end_line") >= number(d, "/line"));
    }
}
