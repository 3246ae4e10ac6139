//! `lrb check`: lint runbooks for CI.

use super::load_or_report;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::exit::Exit;
use clap::ValueEnum;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories (searched recursively for `*.rb`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors for the exit code (`--deny warnings`).
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets for people.
    Human,
    /// One JSON document with every finding.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow annotations (`::error file=...`).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

pub fn run(args: CheckArgs, color: bool) -> Exit {
    let session = match load_or_report(&args.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let diagnostics = &session.checked.diagnostics;
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Human => {
            let text = diagnostic::human::render(diagnostics, &session.sources, color);
            write!(out, "{text}").and_then(|_| {
                writeln!(
                    out,
                    "{}: {} in {} file{}",
                    if session.has_errors() {
                        "failed"
                    } else {
                        "checked"
                    },
                    diagnostic::summary(diagnostics),
                    session.sources.len(),
                    if session.sources.len() == 1 { "" } else { "s" }
                )
            })
        }
        Format::Json => {
            let items: Vec<_> = diagnostics
                .iter()
                .map(|d| d.to_json(&session.sources))
                .collect();
            let doc = serde_json::json!({
                "files": session.sources.len(),
                "errors": diagnostics.iter().filter(|d| d.is_error()).count(),
                "warnings": diagnostics.iter().filter(|d| !d.is_error()).count(),
                "diagnostics": items,
            });
            writeln!(out, "{doc:#}")
        }
        Format::Sarif => writeln!(
            out,
            "{:#}",
            diagnostic::sarif::log(diagnostics, &session.sources)
        ),
        Format::Github => write!(
            out,
            "{}",
            diagnostic::github::annotations(diagnostics, &session.sources)
        ),
    };
    let failing =
        |d: &Diagnostic| d.severity == Severity::Error || (args.deny == Some(Deny::Warnings));
    let code = if written.is_err() {
        Exit::Usage
    } else if diagnostics.iter().any(failing) {
        Exit::Findings
    } else {
        Exit::Ok
    };
    // The process ends next: freeing every AST of a large tree node by node would only add to
    // the wall time, on one core.
    std::mem::forget(session);
    code
}
