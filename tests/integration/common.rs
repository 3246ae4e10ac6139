//! Helpers the test modules share: the repository root, `lrb` as a command, its output, and
//! checking text in memory.

use assert_cmd::Command;
use lrb::load::{self, Session};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root: fixture and runbook paths are relative to it.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `lrb` binary, run in the repository root.
pub fn lrb() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("lrb");
    cmd.current_dir(root());
    cmd
}

/// Runs `cmd`, which must succeed, and returns its stdout.
pub fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Everything a run printed, stdout then stderr, for assertions and failure messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The `*.rb` files under a directory of the root, at any depth, sorted.
pub fn rb_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root().join(dir))
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list `{dir}`: {e}")))
        .map(|entry| entry.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "rb"))
        .collect();
    files.sort();
    files
}

/// Parses and checks one file held in memory, as `lrb check` would, named by `name` only so
/// that rendered output does not depend on where the repository is.
pub fn check(name: &str, bytes: impl Into<Vec<u8>>) -> Session {
    load::from_bytes(vec![(PathBuf::from(name), bytes.into())])
}

/// [`check`], keeping the file's tree in `Session::asts`.
pub fn check_keeping_tree(name: &str, bytes: impl Into<Vec<u8>>) -> Session {
    load::from_bytes_keeping_trees(vec![(PathBuf::from(name), bytes.into())])
}

/// [`check`] on a file read from disk, named by its file name.
pub fn check_file(path: &Path) -> Session {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path:?}: {e}"));
    let name = path.file_name().expect("file name").to_string_lossy();
    check(&name, bytes)
}

pub fn codes(session: &Session) -> Vec<&'static str> {
    session
        .checked
        .diagnostics
        .iter()
        .map(|d| d.rule().code)
        .collect()
}

/// Every finding as `CODE line:col message`, for failure messages.
pub fn describe(session: &Session) -> String {
    let found: Vec<String> = session
        .checked
        .diagnostics
        .iter()
        .map(|d| {
            let (line, col) = session.sources.get(d.file).line_col(d.span.start);
            format!("{} {line}:{col} {}", d.rule().code, d.message)
        })
        .collect();
    if found.is_empty() {
        "no findings".to_string()
    } else {
        found.join("; ")
    }
}
