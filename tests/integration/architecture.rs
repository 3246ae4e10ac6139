//! The invariants of `docs/ARCHITECTURE.md` that the source text can show, checked on every
//! file under `src/` (test modules excluded: a test may spawn `bash` or print).

use crate::common::root;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` with its code before any `#[cfg(test)]` and without
/// comment lines.
fn sources() -> Vec<(PathBuf, String, String)> {
    let src = root().join("src");
    walkdir::WalkDir::new(&src)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .map(|l| format!("{l}\n"))
                .collect();
            let rel = e.path().strip_prefix(&src).unwrap().to_path_buf();
            (rel, text, code)
        })
        .collect()
}

/// The files `among` selects (by their path under `src/`) whose code holds any of `needles`.
fn offenders(needles: &[&str], among: impl Fn(&Path) -> bool) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|(rel, _, _)| among(rel))
        .filter_map(|(rel, _, code)| {
            let found: Vec<&str> = needles
                .iter()
                .copied()
                .filter(|n| code.contains(n))
                .collect();
            (!found.is_empty()).then(|| format!("src/{}: {}", rel.display(), found.join(", ")))
        })
        .collect()
}

#[test]
fn only_syntax_names_pest() {
    let found = offenders(&["pest::", "pest_derive", "use pest"], |p| {
        !p.starts_with("syntax")
    });
    assert!(found.is_empty(), "pest outside src/syntax/: {found:#?}");
}

#[test]
fn only_the_cli_prints() {
    let found = offenders(
        &[
            "println!(",
            "eprintln!(",
            "print!(",
            "eprint!(",
            "std::process::exit",
        ],
        |p| !p.starts_with("cli") && p != Path::new("main.rs"),
    );
    assert!(found.is_empty(), "printing outside src/cli/: {found:#?}");
}

#[test]
fn only_backends_do_network_or_process_io() {
    let found = offenders(
        &[
            "std::process::Command",
            "tokio::process",
            "std::net::",
            "tokio::net::",
            "reqwest::",
            "sqlx::",
            "bollard::",
        ],
        |p| !p.starts_with("run/backend"),
    );
    assert!(found.is_empty(), "I/O outside src/run/backend/: {found:#?}");
}

#[test]
fn the_checker_does_no_io() {
    let found = offenders(
        &["std::fs", "std::net", "std::process", "std::env", "tokio"],
        |p| p.starts_with("check"),
    );
    assert!(found.is_empty(), "I/O in src/check/: {found:#?}");
}

#[test]
fn every_module_opens_with_a_doc_comment() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text, _)| !text.starts_with("//!"))
        .map(|(rel, _, _)| format!("src/{}", rel.display()))
        .collect();
    assert!(missing.is_empty(), "no `//!` at the top: {missing:#?}");
}
