//! `lrb fmt`: round trip over every runbook and fixture, idempotence, comments, and the CLI.

use crate::common::{lrb, rb_files, root};
use lrb::ast::EqIgnoringSpans;
use lrb::fmt::format;
use lrb::source::FileId;
use std::path::PathBuf;

/// Every file that parses without a diagnostic: the ones `fmt` accepts.
fn formattable() -> Vec<(PathBuf, String)> {
    let mut files = rb_files("runbooks");
    files.extend(rb_files("tests/fixtures"));
    let found: Vec<(PathBuf, String)> = files
        .into_iter()
        // Fixtures that are deliberately not UTF-8 cannot be formatted.
        .filter_map(|p| {
            let text = String::from_utf8(std::fs::read(&p).unwrap()).ok()?;
            Some((p, text))
        })
        .filter(
            |(_, text)| matches!(lrb::syntax::parse(text, FileId(0)), (Some(_), d) if d.is_empty()),
        )
        .collect();
    assert!(
        found.len() >= 5,
        "expected the runbooks and the fmt fixture, found {found:?}"
    );
    found
}

#[test]
fn formatting_keeps_the_tree_and_every_comment() {
    for (path, text) in formattable() {
        let formatted = format(&text, FileId(0))
            .unwrap_or_else(|e| panic!("`{}` did not format: {e:?}", path.display()));
        let before = lrb::syntax::parse(&text, FileId(0)).0.unwrap();
        let after = lrb::syntax::parse(&formatted, FileId(0)).0.unwrap();
        assert!(
            before.eq_ignoring_spans(&after),
            "`{}` means something else once formatted",
            path.display()
        );
        let texts = |f: &lrb::ast::File| -> Vec<String> {
            f.comments
                .iter()
                .map(|c| c.text.trim_end().to_string())
                .collect()
        };
        assert_eq!(
            texts(&before),
            texts(&after),
            "comments of `{}`",
            path.display()
        );
    }
}

#[test]
fn formatting_twice_changes_nothing() {
    for (path, text) in formattable() {
        let once = format(&text, FileId(0)).unwrap();
        let twice = format(&once, FileId(0)).unwrap();
        assert_eq!(once, twice, "`{}` is not stable under fmt", path.display());
    }
}

#[test]
fn the_shipped_runbooks_are_formatted() {
    for path in rb_files("runbooks") {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            format(&text, FileId(0)).unwrap(),
            text,
            "`{}`",
            path.display()
        );
    }
}

/// Where things are does not count; what they are does.
#[test]
fn trees_are_compared_without_their_spans() {
    let parse = |text: &str| lrb::syntax::parse(text, FileId(0)).0.unwrap();
    let tidy = parse("runbook :x do\n  title \"X\" # note\nend\n");
    let moved = parse("\n\nrunbook :x   do\ntitle    \"X\" # note  \n  end\n");
    let other = parse("runbook :x do\n  title \"Y\" # note\nend\n");
    assert!(tidy.eq_ignoring_spans(&moved));
    assert!(!tidy.eq_ignoring_spans(&other));
    assert_ne!(tidy, moved, "the spans differ");
}

#[test]
fn ugly_file_snapshot() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/fmt/ugly.rb")).unwrap();
    insta::assert_snapshot!(format(&text, FileId(0)).unwrap());
}

#[test]
fn strings_keep_their_meaning() {
    let text = r##"runbook :s do
  title 'a \' b \\ c \d'
  symptom "tab\there #\{x} \#{y} and \"q\""
  description "#{p}#"
end
"##;
    let formatted = format(text, FileId(0)).unwrap();
    let before = lrb::syntax::parse(text, FileId(0)).0.unwrap();
    let after = lrb::syntax::parse(&formatted, FileId(0)).0.unwrap();
    assert!(before.eq_ignoring_spans(&after), "{formatted}");
    assert!(formatted.contains(r"'a \' b \ c \d'"), "{formatted}");
}

#[test]
fn check_prints_a_diff_and_fails_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ugly.rb");
    let ugly = "runbook :x do\ntitle   \"X\"\nend\n";
    std::fs::write(&file, ugly).unwrap();
    let out = lrb().args(["fmt", "--check"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("-title   \"X\"") && stdout.contains("+  title \"X\""),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), ugly);
}

#[test]
fn fmt_rewrites_only_files_that_need_it() {
    let dir = tempfile::tempdir().unwrap();
    let ugly = dir.path().join("ugly.rb");
    let tidy = dir.path().join("tidy.rb");
    std::fs::write(&ugly, "runbook :x do\ntitle   \"X\"\nend\n").unwrap();
    std::fs::write(&tidy, "runbook :y do\n  title \"Y\"\nend\n").unwrap();
    let tidy_mtime = std::fs::metadata(&tidy).unwrap().modified().unwrap();
    let out = lrb().arg("fmt").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&ugly).unwrap(),
        "runbook :x do\n  title \"X\"\nend\n"
    );
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        tidy_mtime
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "no temporary file is left behind");
}

#[test]
fn a_file_that_does_not_parse_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.rb");
    let broken = "runbook :x do\n  title \"X\n";
    std::fs::write(&file, broken).unwrap();
    let out = lrb().arg("fmt").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("does not parse, so it was left as it is"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);
}
