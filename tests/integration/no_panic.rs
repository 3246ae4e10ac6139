//! No input makes a stage panic: every fixture, every runbook, and runbooks cut short or
//! missing a line.

use crate::common::{check_keeping_tree, rb_files};
use crate::diagnostics::fixtures;
use lrb::load::Session;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

pub(crate) fn runbooks() -> Vec<PathBuf> {
    rb_files("runbooks")
}

/// Everything a user can get out of a file: the session, the human and the JSON rendering.
/// This is the body of the fuzz target, run here on fixed inputs.
fn exercise(bytes: &[u8]) -> Session {
    let session = check_keeping_tree("input.rb", bytes);
    let diagnostics = &session.checked.diagnostics;
    lrb::diagnostic::human::render(diagnostics, &session.sources, false);
    for d in diagnostics {
        d.to_json(&session.sources);
    }
    session
}

/// Runs `exercise` on each input and fails listing every input that panicked.
pub(crate) fn assert_no_panic(inputs: impl IntoIterator<Item = (String, Vec<u8>)>) -> usize {
    let mut panicked = Vec::new();
    let mut count = 0;
    for (what, bytes) in inputs {
        count += 1;
        if catch_unwind(AssertUnwindSafe(|| exercise(&bytes))).is_err() {
            panicked.push(what);
        }
    }
    assert!(panicked.is_empty(), "these inputs panicked: {panicked:#?}");
    count
}

fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path:?}: {e}"))
}

#[test]
fn fixtures_never_panic() {
    let n = assert_no_panic(
        fixtures()
            .iter()
            .map(|p| (p.display().to_string(), read(p))),
    );
    assert!(n >= 45);
}

/// A byte order mark some editors write is skipped, not a syntax error.
#[test]
fn a_runbook_behind_a_byte_order_mark_checks_clean() {
    let files: Vec<_> = runbooks()
        .into_iter()
        .map(|p| {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend(read(&p));
            (p, bytes)
        })
        .collect();
    let session = lrb::load::from_bytes(files);
    assert_eq!(session.checked.diagnostics, []);
}

/// Checked together, since they hand over to each other with `see`.
#[test]
fn runbooks_check_into_a_plan() {
    let files: Vec<_> = runbooks()
        .into_iter()
        .map(|p| {
            let bytes = read(&p);
            (p, bytes)
        })
        .collect();
    let session = lrb::load::from_bytes(files);
    assert_eq!(session.checked.diagnostics, []);
    let plan = session.checked.plan.expect("clean runbooks have a plan");
    assert_eq!(plan.runbooks.len(), 4);
}

#[test]
fn truncated_runbooks_never_panic() {
    let inputs = runbooks().into_iter().flat_map(|path| {
        let bytes = read(&path);
        (0..bytes.len()).step_by(7).map(move |at| {
            (
                format!("{} cut at byte {at}", path.display()),
                bytes[..at].to_vec(),
            )
        })
    });
    assert!(assert_no_panic(inputs) > 1000);
}

#[test]
fn runbooks_without_one_line_never_panic() {
    let inputs = runbooks().into_iter().flat_map(|path| {
        let text = String::from_utf8(read(&path)).expect("runbooks are UTF-8");
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        (0..lines.len()).map(move |skip| {
            let kept: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| l.as_str())
                .collect();
            (
                format!("{} without line {}", path.display(), skip + 1),
                kept.join("\n").into_bytes(),
            )
        })
    });
    assert!(assert_no_panic(inputs) > 300);
}

/// pest runs without its native stack probe, so the parser's own guards are all that stand
/// between a hostile file and a stack overflow: nesting past 64 levels is refused before
/// parsing, and a chain of `not`s is parsed without recursion. Run on a thread with the
/// stack size rayon's workers get.
#[test]
fn hostile_nesting_never_overflows_the_stack() {
    let nots = format!(
        "runbook :r do\n  check :c do\n    shell.run \"true\"\n  end\n  when {}failed(:c) do\n    step \"x\"\n  end\nend\n",
        "not ".repeat(200_000)
    );
    let deep = |open: &str, close: &str| {
        format!(
            "runbook :r do\n  when {}failed(:c){} do\n  end\nend\n",
            open.repeat(100_000),
            close.repeat(100_000)
        )
    };
    let inputs = [
        ("200,000 nots", nots),
        ("100,000 parentheses", deep("(", ")")),
        (
            "100,000 brackets",
            format!("title [{}]\n", "[".repeat(100_000)),
        ),
        ("100,000 blocks", "x do\n".repeat(100_000)),
    ];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for (what, text) in inputs {
                let session = exercise(text.as_bytes());
                let codes: Vec<_> = session
                    .checked
                    .diagnostics
                    .iter()
                    .map(|d| d.rule().code)
                    .collect();
                if what == "200,000 nots" {
                    assert!(
                        session.asts[0].is_some(),
                        "{what}: should parse, got {codes:?}"
                    );
                } else {
                    assert!(
                        codes.contains(&"LRB010"),
                        "{what}: expected LRB010, got {codes:?}"
                    );
                }
            }
        })
        .expect("spawn")
        .join()
        .expect("no input overflowed the stack or panicked");
}

/// A row of 100,000 `and`s (or `or`s) is folded into a balanced tree, so checking, formatting,
/// evaluating it and dropping it recurse about 17 deep on a 2 MiB stack; the formatted text
/// parses back to the same tree.
#[test]
fn a_condition_of_100000_terms_checks_and_formats_on_a_small_stack() {
    let runbook = |op: &str| {
        let row = vec!["failed(:c)"; 100_000].join(&format!(" {op} "));
        format!(
            "target :host, shell: \".\"\n\nrunbook :r do\n  title \"R\"\n\n  check :c, \"c\" do\n    host.run \"true\"\n  end\n\n  when {row} do\n    mitigate \"m\" do\n      step \"s\"\n    end\n  end\n\n  confirm within: 1m do\n    host.run \"true\"\n  end\nend\n"
        )
    };
    let inputs = [runbook("and"), runbook("or")];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in &inputs {
                let session = exercise(text.as_bytes());
                assert_eq!(session.checked.diagnostics, []);
                let plan = session.checked.plan.expect("a clean runbook has a plan");
                let shown = plan.runbooks[0].branches[0].condition.to_string();
                assert!(shown.len() > 1_000_000);
            }
            // `format` parses its own output back and compares the trees.
            let formatted = lrb::fmt::format(&inputs[0], lrb::source::FileId(0)).unwrap();
            assert!(formatted.contains("failed(:c) and failed(:c)"));
        })
        .expect("spawn")
        .join()
        .expect("no long condition overflowed the stack or panicked");
}
