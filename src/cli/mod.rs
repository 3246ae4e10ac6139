//! The command line: parses arguments, calls the library, prints, and picks the exit code.
//! The only module that prints or colours.

mod check;
mod console;
mod export;
mod plan;
mod report;
mod rules;
mod run;

use crate::load::{self, Session};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes shared by every command.
pub mod exit {
    /// `run`: healthy, nothing to do.
    pub const OK: u8 = 0;
    /// `check` found errors (or warnings under `--deny warnings`); `plan`: mitigations would run.
    pub const FINDINGS: u8 = 1;
    /// Bad usage, or a file that cannot be read.
    pub const USAGE: u8 = 2;
    /// `run`: mitigations ran and `confirm` passed.
    pub const RECOVERED: u8 = 10;
    /// `run`: mitigations ran but `confirm` did not pass in time.
    pub const NOT_RECOVERED: u8 = 11;
    /// `run`: the operator aborted, a mitigation was refused, or the run was interrupted.
    pub const ABORTED: u8 = 12;
    /// The runbook has errors, or the environment lacks a secret, variable or parameter.
    pub const INVALID: u8 = 13;
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
    /// Run a runbook: diagnose, ask before each mitigation, then confirm recovery.
    #[command(
        after_help = "Examples:\n  lrb run runbooks/api_outage.rb\n  lrb run runbooks/deployment_rollback.rb --set release=v1.4.2\n  lrb run --yes runbooks/queue_backlog.rb --transcript incident.jsonl\n\nExit codes: 0 healthy, 10 recovered, 11 not recovered, 12 aborted or refused, 13 invalid runbook or environment, 2 usage. See docs/cli.md."
    )]
    Run(run::RunArgs),
    /// Show what `run` would do: run the read-only checks, evaluate every `when`, change nothing.
    #[command(
        after_help = "Examples:\n  lrb plan runbooks/api_outage.rb\n\nExit codes: 0 healthy (nothing would run), 1 mitigations would run, 13 invalid runbook or environment, 2 usage."
    )]
    Plan(plan::PlanArgs),
    /// Render a run's transcript as a Markdown incident report.
    #[command(
        after_help = "Examples:\n  lrb report lrb-api_outage-20250101T030000Z.jsonl\n  lrb report incident.jsonl -o incident.md"
    )]
    Report(report::ReportArgs),
    /// List every rule: code, name, level and what it finds.
    #[command(after_help = "Examples:\n  lrb rules\n  lrb rules | grep LRB4")]
    Rules,
    /// Print a rule's page: what it finds, why it matters, an example and the fix.
    #[command(
        after_help = "Examples:\n  lrb explain LRB401\n  lrb explain unacknowledged-destructive"
    )]
    Explain {
        /// A code (`LRB401`) or a name (`unacknowledged-destructive`).
        code: String,
    },
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
        Command::Run(args) => run::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Report(args) => report::run(args),
        Command::Rules => rules::list(),
        Command::Explain { code } => rules::explain(&code),
    };
    ExitCode::from(code)
}

pub(crate) fn load_or_report(paths: &[PathBuf]) -> Result<Session, u8> {
    load::load(paths).map_err(|err| {
        eprintln!("error: {err}");
        exit::USAGE
    })
}
