//! Integration tests of the language core: parse, check and `lrb check`, in one test binary.

mod ast;
mod cli;
mod diagnostics;
mod no_panic;
mod token_soup;

use lrb::load::{self, Session};
use std::path::{Path, PathBuf};

/// The repository root: fixture and runbook paths are relative to it.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `*.rb` files of a directory under the root, sorted.
fn rb_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list `{dir}`: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rb"))
        .collect();
    files.sort();
    files
}

fn runbooks() -> Vec<PathBuf> {
    rb_files("runbooks")
}

fn fixtures() -> Vec<PathBuf> {
    rb_files("tests/fixtures/diagnostics")
}

/// Parses and checks one file held in memory, named by its file name only so that rendered
/// output does not depend on where the repository is.
fn check_bytes(name: &str, bytes: Vec<u8>) -> Session {
    load::from_bytes(vec![(PathBuf::from(name), bytes)])
}

fn check_file(path: &Path) -> Session {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path:?}: {e}"));
    let name = path.file_name().expect("file name").to_string_lossy();
    check_bytes(&name, bytes)
}

/// Everything a user can get out of a file: the session, the human and the JSON rendering.
/// This is the body of the fuzz target, run here on fixed inputs.
fn exercise(bytes: &[u8]) -> Session {
    let session = check_bytes("input.rb", bytes.to_vec());
    let diagnostics = &session.checked.diagnostics;
    lrb::diagnostic::render_human(diagnostics, &session.sources, false);
    for d in diagnostics {
        d.to_json(&session.sources);
    }
    session
}
