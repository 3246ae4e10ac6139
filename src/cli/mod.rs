//! The command line: parses arguments, calls the library, prints, and picks the exit code.
//! The only module that prints or colours.

mod check;
mod export;

use crate::load::{self, Session};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
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
    Check(check::CheckArgs),
    /// Export a runbook to another format (`bash`: a script for hosts without lrb).
    Export(export::ExportArgs),
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
        Command::Check(args) => check::run(args, color),
        Command::Export(args) => export::run(args, color),
    };
    ExitCode::from(code)
}

pub(crate) fn load_or_report(paths: &[PathBuf]) -> Result<Session, u8> {
    load::load(paths).map_err(|err| {
        eprintln!("error: {err}");
        exit::USAGE
    })
}
