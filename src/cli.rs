//! The command line: parses arguments, calls the library, prints, and picks the exit code.
//! The only module that prints or colours.

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::load::{self, Session};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes shared by every command.
pub mod exit {
    pub const OK: u8 = 0;
    /// `check` found errors (or warnings under `--deny warnings`).
    pub const FINDINGS: u8 = 1;
    /// Bad usage, or a file that cannot be read.
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "lrb",
    version,
    about = "Runbooks as code: lint, run and export incident runbooks",
    long_about = "lrb reads runbooks written in a small Ruby-flavoured language (`*.rb`), checks them, \
                  runs them against real systems, and exports them to bash and Markdown.",
    after_help = "Examples:\n  lrb check runbooks/\n  lrb check --format json runbooks/api_outage.rb"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour output: `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check runbooks: syntax, names, types and unsafe actions.
    #[command(
        after_help = "Examples:\n  lrb check runbooks/\n  lrb check --deny warnings runbooks/\n  lrb check --format json runbooks/ > findings.json\n\nExit codes: 0 clean (warnings allowed), 1 errors found, 2 usage or I/O error."
    )]
    Check(CheckArgs),
}

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

impl ColorChoice {
    /// Whether to colour output going to stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.enabled();
    let code = match cli.command {
        Command::Check(args) => check(args, color),
    };
    ExitCode::from(code)
}

fn load_or_report(paths: &[PathBuf]) -> Result<Session, u8> {
    load::load(paths).map_err(|err| {
        eprintln!("error: {err}");
        exit::USAGE
    })
}

fn check(args: CheckArgs, color: bool) -> u8 {
    let session = match load_or_report(&args.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let diagnostics = &session.checked.diagnostics;
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Human => {
            let text = diagnostic::render_human(diagnostics, &session.sources, color);
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
    };
    if written.is_err() {
        return exit::USAGE;
    }
    let failing =
        |d: &Diagnostic| d.severity == Severity::Error || (args.deny == Some(Deny::Warnings));
    if diagnostics.iter().any(failing) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}
