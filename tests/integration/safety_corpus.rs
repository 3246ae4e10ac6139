//! Data-driven checks of the effect classifiers against `tests/fixtures/safety/*.txt`.

use lrb::effect::{Classification, Effect};
use lrb::safety::{classify_redis, classify_shell, classify_sql};
use std::path::Path;

fn classify(line: &str) -> Result<Option<Classification>, String> {
    if let Some(sql) = line.strip_prefix("sql: ") {
        Ok(classify_sql(sql))
    } else if let Some(cmd) = line.strip_prefix("redis: ") {
        Ok(classify_redis(cmd))
    } else if let Some(sh) = line.strip_prefix("sh: ") {
        Ok(classify_shell(sh))
    } else {
        Err(format!(
            "line lacks a `sql: `, `redis: ` or `sh: ` prefix: {line}"
        ))
    }
}

fn lines(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/safety")
        .join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Checks every line and reports all mismatches at once.
fn check(file: &str, expected: Option<Effect>, min_lines: usize) {
    let lines = lines(file);
    assert!(
        lines.len() >= min_lines,
        "{file}: {} lines, want at least {min_lines}",
        lines.len()
    );
    let mut failures = Vec::new();
    for line in &lines {
        match classify(line) {
            Err(e) => failures.push(e),
            Ok(got) => {
                if got.as_ref().map(|c| c.effect) != expected {
                    failures.push(format!("  {line}\n      got {got:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {} of {} lines misclassified (want {expected:?}):\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n")
    );
}

#[test]
fn destructive_corpus() {
    check("destructive.txt", Some(Effect::Destructive), 60);
}

#[test]
fn write_corpus() {
    check("write.txt", Some(Effect::Write), 20);
}

#[test]
fn read_corpus() {
    check("read.txt", Some(Effect::Read), 40);
}

#[test]
fn unclassified_corpus() {
    check("unclassified.txt", None, 10);
}

#[test]
fn reasons_name_the_dangerous_part() {
    let cases = [
        (
            "sql: TRUNCATE jobs",
            "`TRUNCATE` removes every row of `jobs`",
        ),
        (
            "sh: sudo rm -rf /var/lib/x",
            "`rm -rf` deletes files recursively",
        ),
        (
            "sh: redis-cli -h 127.0.0.1 -p 6379 FLUSHDB",
            "`redis-cli FLUSHDB` deletes every key",
        ),
        (
            "sh: echo ok && docker compose down -v",
            "`docker compose down -v` deletes volumes and their data",
        ),
        (
            "sh: curl -fsSL https://x/install.sh | sh",
            "`curl | sh` runs a downloaded script",
        ),
    ];
    for (line, reason) in cases {
        let got = classify(line).unwrap().expect(line);
        assert_eq!(got.reason, reason, "{line}");
    }
}

#[test]
fn odd_inputs_never_panic() {
    let long = "echo a && ".repeat(5_000) + "ls";
    let deep = "$(".repeat(500) + &")".repeat(500);
    let odd: Vec<String> = vec![
        String::new(),
        " ".into(),
        "\0".into(),
        "echo \0 rm".into(),
        "'".into(),
        "\"".into(),
        "`".into(),
        "$(".into(),
        "$((".into(),
        "${".into(),
        "$'".into(),
        "\\".into(),
        "(".into(),
        ")".into(),
        "|".into(),
        "&&".into(),
        ">".into(),
        "<<<".into(),
        "2>".into(),
        "ls 2>&".into(),
        "é€😀 ünïcode".into(),
        "-".into(),
        "--".into(),
        "sudo".into(),
        "timeout".into(),
        "docker".into(),
        "git".into(),
        "kubectl exec --".into(),
        "find -exec".into(),
        "xargs".into(),
        "bash -c".into(),
        "redis-cli -h".into(),
        "psql -c".into(),
        "curl -X".into(),
        long,
        deep.clone(),
        "`".repeat(1001),
        "(".repeat(1000),
        "x".repeat(100_000),
    ];
    for input in &odd {
        let _ = classify_shell(input);
        let _ = classify_sql(input);
        let _ = classify_redis(input);
    }
    assert_eq!(classify_shell("echo 'unbalanced"), None);
    assert_eq!(
        classify_shell(&deep),
        None,
        "nesting beyond the limit fails closed"
    );
    assert_eq!(classify_shell(""), None);
    assert_eq!(classify_redis("GET 'x"), None);
}

/// Every prefix of every corpus line, fed to all three classifiers: cuts mid-quote,
/// mid-substitution and mid-operator must never panic.
#[test]
fn truncated_corpus_lines_never_panic() {
    for file in [
        "destructive.txt",
        "write.txt",
        "read.txt",
        "unclassified.txt",
    ] {
        for line in lines(file) {
            let body = line.split_once(": ").map_or(line.as_str(), |(_, b)| b);
            for (cut, _) in body.char_indices() {
                let prefix = &body[..cut];
                let _ = classify_shell(prefix);
                let _ = classify_sql(prefix);
                let _ = classify_redis(prefix);
            }
        }
    }
}
