//! The rule registry, each rule's page in `docs/rules/` and its fixtures in
//! `tests/fixtures/rules/CODE/`. The pages' examples are the first test of every rule: each
//! `ruby bad` block must produce the page's code, each `ruby good` block nothing at all. The
//! fixtures hold harder cases: suppressed findings, near misses, allows that silence nothing.

use crate::common::{check, codes, describe, lrb, root};
use lrb::diagnostic::registry::{self, Rule};
use std::collections::HashSet;
use std::path::PathBuf;

/// The one code whose bad example cannot be shown in Markdown: its test uses bytes.
const NO_EXAMPLE: &str = "LRB006";

fn page_path(rule: &Rule) -> PathBuf {
    root().join("docs/rules").join(format!("{}.md", rule.code))
}

fn fixture(rule: &Rule, kind: &str) -> PathBuf {
    root()
        .join("tests/fixtures/rules")
        .join(rule.code)
        .join(format!("{kind}.rb"))
}

fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn page(rule: &Rule) -> String {
    String::from_utf8(read(&page_path(rule))).expect("pages are UTF-8")
}

/// The fenced blocks of a page whose info string is exactly `ruby <kind>`.
fn examples(page: &str, kind: &str) -> Vec<String> {
    let open = format!("```ruby {kind}");
    let mut out = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        if line == open {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            out.push(body.join("\n") + "\n");
        }
    }
    out
}

/// Runs `f` on every rule and fails once, listing every rule that failed.
fn each_rule(what: &str, f: impl FnMut(&'static Rule) -> Vec<String>) {
    let failures: Vec<String> = registry::ALL.iter().flat_map(f).collect();
    assert!(
        failures.is_empty(),
        "{what}: {} problems:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    assert_eq!(registry::ALL.len(), 51, "the registry lists 51 rules");
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    each_rule("registry", |r| {
        let mut bad = Vec::new();
        if !codes.insert(r.code) {
            bad.push(format!("code `{}` is used twice", r.code));
        }
        if !names.insert(r.name) {
            bad.push(format!("name `{}` is used twice", r.name));
        }
        let digits = r.code.strip_prefix("LRB").unwrap_or("");
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            bad.push(format!("code `{}` is not `LRB` and three digits", r.code));
        }
        let kebab = !r.name.is_empty()
            && !r.name.starts_with('-')
            && !r.name.ends_with('-')
            && !r.name.contains("--")
            && r.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !kebab {
            bad.push(format!("name `{}` is not kebab-case", r.name));
        }
        if r.help.ends_with('.') != r.help.chars().next().is_some_and(char::is_uppercase) {
            bad.push(format!("{}: help must be a full sentence", r.code));
        }
        if r.summary.ends_with('.') {
            bad.push(format!("{}: summary ends with a period", r.code));
        }
        bad
    });
    let mut sorted: Vec<&str> = registry::ALL.iter().map(|r| r.code).collect();
    sorted.sort_unstable();
    let listed: Vec<&str> = registry::ALL.iter().map(|r| r.code).collect();
    assert_eq!(listed, sorted, "`registry::ALL` is in code order");
}

#[test]
fn every_rule_has_a_page_and_two_fixtures_and_nothing_else_does() {
    each_rule("files", |r| {
        [page_path(r), fixture(r, "fires"), fixture(r, "passes")]
            .into_iter()
            .filter(|p| !p.is_file())
            .map(|p| format!("{}: missing {}", r.code, p.display()))
            .collect()
    });
    let known: HashSet<String> = registry::ALL.iter().map(|r| r.code.to_string()).collect();
    let mut strays = Vec::new();
    for (dir, strip) in [("docs/rules", ".md"), ("tests/fixtures/rules", "")] {
        for entry in std::fs::read_dir(root().join(dir)).expect(dir) {
            let name = entry.expect(dir).file_name().to_string_lossy().into_owned();
            let code = name.strip_suffix(strip).unwrap_or(&name);
            if name != "README.md" && !known.contains(code) {
                strays.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(
        strays.is_empty(),
        "files for codes not in the registry: {strays:?}"
    );
}

#[test]
fn pages_follow_the_template() {
    each_rule("page layout", |r| {
        let text = page(r);
        let mut bad = Vec::new();
        let title = format!("# {}: {}", r.code, r.name);
        if text.lines().next() != Some(title.as_str()) {
            bad.push(format!("{}: the first line must be `{title}`", r.code));
        }
        let level = text.lines().nth(2).unwrap_or("");
        if !level.starts_with(&format!("Level: {}. ", r.severity)) {
            bad.push(format!(
                "{}: the third line must start `Level: {}. `",
                r.code, r.severity
            ));
        }
        let silence = if r.suppressible {
            format!("Can be silenced with `# lrb:allow({}) reason`", r.code)
        } else {
            "Cannot be silenced".to_string()
        };
        if !level.contains(&silence) {
            bad.push(format!("{}: the level line must say `{silence}`", r.code));
        }
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Instead",
        ] {
            if !text.lines().any(|l| l == section) {
                bad.push(format!("{}: no `{section}` section", r.code));
            }
        }
        let want = usize::from(r.code != NO_EXAMPLE);
        for kind in ["bad", "good"] {
            let n = examples(&text, kind).len();
            if n != want {
                bad.push(format!("{}: {n} `ruby {kind}` blocks, want {want}", r.code));
            }
        }
        bad
    });
}

#[test]
fn bad_examples_fire_and_good_examples_are_clean() {
    each_rule("page examples", |r| {
        let text = page(r);
        let mut bad = Vec::new();
        for example in examples(&text, "bad") {
            let session = check(&format!("{}-bad.rb", r.code), example);
            if !codes(&session).contains(&r.code) {
                bad.push(format!(
                    "{}: the bad example gives {}",
                    r.code,
                    describe(&session)
                ));
            }
        }
        for example in examples(&text, "good") {
            let session = check(&format!("{}-good.rb", r.code), example);
            if !codes(&session).is_empty() {
                bad.push(format!(
                    "{}: the good example gives {}",
                    r.code,
                    describe(&session)
                ));
            }
        }
        bad
    });
}

#[test]
fn fixtures_fire_and_pass() {
    each_rule("fixtures", |r| {
        let mut bad = Vec::new();
        let fires = check("fires.rb", read(&fixture(r, "fires")));
        if !codes(&fires).contains(&r.code) {
            bad.push(format!("{}: fires.rb gives {}", r.code, describe(&fires)));
        }
        let passes = check("passes.rb", read(&fixture(r, "passes")));
        if codes(&passes).contains(&r.code) {
            bad.push(format!("{}: passes.rb gives {}", r.code, describe(&passes)));
        }
        bad
    });
}

/// What `lrb check` prints on each `fires.rb`, colours off (miette lays it out 100 columns
/// wide whatever the terminal): one snapshot per code.
#[test]
fn each_fires_fixture_renders_as_a_user_sees_it() {
    let mut codes: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/rules"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    codes.sort();
    for code in codes {
        let path = format!("tests/fixtures/rules/{code}/fires.rb");
        let out = lrb()
            .args(["--color", "never", "check", &path])
            .output()
            .unwrap();
        let rendered = String::from_utf8(out.stdout).unwrap();
        assert!(
            !rendered.contains('\u{1b}'),
            "{code}: colour in plain output"
        );
        insta::assert_snapshot!(format!("rule_{code}"), rendered);
    }
}

/// Also proves `PAGES` has every page: without one, `explain` prints only the summary.
#[test]
fn explain_prints_each_page_by_code_and_by_name() {
    each_rule("explain", |r| {
        let mut bad = Vec::new();
        for key in [
            r.code.to_string(),
            r.name.to_string(),
            r.code.to_lowercase(),
        ] {
            let out = lrb()
                .args(["explain", &key])
                .output()
                .expect("run `lrb explain`");
            if !out.status.success() || String::from_utf8_lossy(&out.stdout) != page(r) {
                bad.push(format!(
                    "`lrb explain {key}` exited {:?} and did not print {}",
                    out.status.code(),
                    page_path(r).display()
                ));
            }
        }
        bad
    });
}

#[test]
fn explain_of_an_unknown_rule_exits_2_and_says_where_to_look() {
    let out = lrb()
        .args(["explain", "NOPE"])
        .output()
        .expect("run `lrb explain`");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no rule `NOPE`") && err.contains("lrb rules"),
        "{err}"
    );
}

#[test]
fn rules_lists_every_rule_once() {
    let out = lrb().arg("rules").output().expect("run `lrb rules`");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    each_rule("`lrb rules`", |r| {
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with(r.code)).collect();
        match rows.as_slice() {
            [row] if row.contains(r.name) && row.contains(r.summary) => Vec::new(),
            _ => vec![format!("{}: rows {rows:?}", r.code)],
        }
    });
}

#[test]
fn the_index_lists_every_rule_with_its_level_and_whether_it_can_be_silenced() {
    let index = std::fs::read_to_string(root().join("docs/rules/README.md")).expect("README");
    each_rule("docs/rules/README.md", |r| {
        let row = format!(
            "| [{0}]({0}.md) | `{1}` | {2} | {3} | {4} |",
            r.code,
            r.name,
            r.severity,
            if r.suppressible { "yes" } else { "no" },
            r.summary
        );
        match index.lines().filter(|l| *l == row).count() {
            1 => Vec::new(),
            n => vec![format!("{}: {n} rows `{row}`", r.code)],
        }
    });
}

/// One mistake, one finding: a bad argument, target or check must not set off other rules (a
/// phantom LRB403 on an unterminated string, LRB303 on the checks a dropped condition did read,
/// LRB101 on every use of a target whose kind is wrong, LRB007 for a known but malformed
/// statement).
#[test]
fn a_finding_does_not_cascade_into_others() {
    let cases: [(&str, &[&str]); 6] = [
        ("LRB002", &["LRB002"]),
        ("LRB009", &["LRB009", "LRB009"]),
        ("LRB108", &["LRB108"]),
        ("LRB104", &["LRB104"]),
        ("LRB202", &["LRB202"]),
        ("LRB203", &["LRB203"]),
    ];
    for (code, want) in cases {
        let rule = registry::find(code).expect("a registry code");
        let session = check("fires.rb", read(&fixture(rule, "fires")));
        assert_eq!(
            codes(&session),
            want,
            "{code}/fires.rb: {}",
            describe(&session)
        );
    }
}
