//! The authoring commands through the real binary: `new`, `graph`, `completions`, `man`, and
//! `--help` examples on every command.

use crate::common::{lrb, stdout};
use clap::CommandFactory;

#[test]
fn new_scaffolds_a_runbook_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    stdout(
        lrb()
            .args(["new", "payment_failures", "--dir"])
            .arg(dir.path()),
    );
    let file = dir.path().join("payment_failures.rb");
    let session = lrb::load::load(std::slice::from_ref(&file)).unwrap();
    assert!(
        session.checked.diagnostics.is_empty(),
        "{:?}",
        session.checked.diagnostics
    );
    let plan = session.checked.plan.unwrap();
    assert_eq!(plan.runbooks[0].title.as_deref(), Some("Payment Failures"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        lrb::fmt::format(&text, lrb::source::FileId(0)).unwrap(),
        text
    );

    std::fs::write(&file, "kept").unwrap();
    let again = lrb()
        .args(["new", "payment_failures", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");

    let bad = lrb()
        .args(["new", "Bad-Name", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn graph_mermaid_snapshot() {
    insta::assert_snapshot!(stdout(lrb().args(["graph", "runbooks/api_outage.rb"])));
}

#[test]
fn graph_dot_snapshot() {
    insta::assert_snapshot!(stdout(lrb().args([
        "graph",
        "--format",
        "dot",
        "runbooks/deployment_rollback.rb"
    ])));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(lrb().args(["completions", shell]));
        assert!(
            script.contains("export") && script.contains("fmt"),
            "{shell}: {script}"
        );
    }
}

#[test]
fn man_page_lists_the_commands() {
    let page = stdout(lrb().arg("man"));
    assert!(page.contains(".TH lrb 1"), "{page}");
    for command in ["fmt", "export", "import", "graph", "new"] {
        assert!(
            page.contains(command),
            "`{command}` missing from the man page"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    stdout(lrb().args(["man", "-o"]).arg(dir.path()));
    assert!(dir.path().join("lrb-fmt.1").exists());
}

#[test]
fn every_command_has_examples_in_its_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let name = format!("{path} {}", cmd.get_name()).trim().to_string();
        if name != "lrb help" && !name.starts_with("lrb help ") {
            let help = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if !help.contains("Examples:") {
                missing.push(name.clone());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &name, missing);
        }
    }
    let mut missing = Vec::new();
    walk(&lrb::cli::Cli::command(), "", &mut missing);
    assert!(
        missing.is_empty(),
        "no examples in `--help` of: {missing:?}"
    );
}
