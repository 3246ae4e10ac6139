//! The command line: parses arguments, calls the library, prints, and picks the exit code.
//! The only module that prints or colours.

mod check;
mod console;
mod docs;
mod error;
mod export;
mod fmt;
mod graph;
mod import;
mod lsp;
mod new;
mod plan;
mod report;
mod rules;
mod run;
mod signals;
mod test;

use crate::exit::Exit;
use crate::load::{self, Session};
use clap::{Parser, Subcommand, ValueEnum};
use error::CliError;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Export a runbook: `bash` (a script for hosts without lrb) or `markdown` (for people).
    #[command(
        after_help = "Examples:\n  lrb export bash runbooks/queue_backlog.rb -o queue_backlog.sh\n  lrb export markdown runbooks/ > RUNBOOKS.md"
    )]
    Export(export::ExportArgs),
    /// Run a runbook: diagnose, ask before each mitigation, then confirm recovery.
    #[command(
        after_help = "Examples:\n  lrb run runbooks/api_outage.rb\n  lrb run runbooks/deployment_rollback.rb --set release=v1.4.2\n  lrb run --yes runbooks/queue_backlog.rb --transcript incident.jsonl\n\nExit codes: 0 healthy, 10 recovered, 11 not recovered, 12 aborted, refused or interrupted, 13 invalid runbook or environment, 14 unhandled (a check failed, no `when` matched), 2 usage. See docs/cli.md."
    )]
    Run(run::RunArgs),
    /// Show what `run` would do: run the read-only checks, evaluate every `when`, change nothing.
    #[command(
        after_help = "Examples:\n  lrb plan runbooks/api_outage.rb\n\nExit codes: 0 healthy (nothing would run), 1 mitigations would run, 12 interrupted, 13 invalid runbook or environment, 14 unhandled (a check failed, no `when` matched), 2 usage."
    )]
    Plan(plan::PlanArgs),
    /// Test runbooks offline: run the scenarios of `NAME.test.rb` files against a simulated
    /// world, and report the `when` arms, mitigations and confirm outcomes none reached.
    #[command(
        after_help = "Examples:\n  lrb test runbooks/\n  lrb test --require-coverage --format junit runbooks/ > lrb-tests.xml\n  lrb test --filter crashed runbooks/api_outage.test.rb\n  lrb test --record lrb-api_outage-20250101T030000Z.jsonl -o runbooks/api_outage.test.rb\n\nExit codes: 0 every scenario passed (and, with --require-coverage, every part was reached), 1 a scenario failed, a part was not reached, or a file has errors, 2 usage or I/O error. See docs/testing.md."
    )]
    Test(test::TestArgs),
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
    /// Rewrite runbooks in the one canonical layout, keeping every comment.
    #[command(
        after_help = "Examples:\n  lrb fmt runbooks/\n  lrb fmt --check runbooks/          # in CI: print a diff, exit 1 if unformatted\n  lrb fmt runbooks/api_outage.rb\n\nExit codes: 0 formatted (or already formatted), 1 a file is not formatted (`--check`) or does not parse, 2 usage or I/O error."
    )]
    Fmt(fmt::FmtArgs),
    /// Import runbooks written for people: `lrb import markdown`.
    #[command(after_help = "Examples:\n  lrb import markdown --dir runbooks/ docs/runbooks.md")]
    Import(import::ImportArgs),
    /// Draw a runbook's decision flow: checks, branches, mitigations (destructive ones marked)
    /// and confirmation.
    #[command(
        after_help = "Examples:\n  lrb graph runbooks/api_outage.rb                 # Mermaid, for a Markdown page\n  lrb graph --format dot runbooks/api_outage.rb | dot -Tsvg > api_outage.svg\n  lrb graph runbooks/                              # every runbook, `see` edges between them\n\nExit codes: 0 drawn, 1 the runbooks have errors (run `lrb check`), 2 usage or I/O error."
    )]
    Graph(graph::GraphArgs),
    /// Create a new runbook from a template that passes `lrb check`.
    #[command(
        after_help = "Examples:\n  lrb new payment_failures                 # writes runbooks/payment_failures.rb\n  lrb new cache_stampede --dir ops/runbooks\n\nExit codes: 0 created, 2 bad name, or the file exists (it is never overwritten)."
    )]
    New(new::NewArgs),
    /// Serve the Language Server Protocol over stdio: diagnostics as you type, completion,
    /// hover, go to definition, references, formatting, quick fixes and the outline.
    #[command(
        after_help = "Examples:\n  lrb lsp                                  # started by the editor; see docs/editors.md\n\nExit codes: 0 after `shutdown` and `exit`, 1 when the client ends the session otherwise."
    )]
    Lsp(lsp::LspArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  lrb completions bash > ~/.local/share/bash-completion/completions/lrb\n  lrb completions zsh > \"${fpath[1]}/_lrb\"\n  lrb completions fish > ~/.config/fish/completions/lrb.fish"
    )]
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff), or write one page per command.
    #[command(
        after_help = "Examples:\n  lrb man | man -l -\n  lrb man -o /usr/local/share/man/man1"
    )]
    Man(docs::ManArgs),
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
        Command::Test(args) => test::run(args, color),
        Command::Report(args) => report::run(args),
        Command::Rules => rules::list(),
        Command::Explain { code } => rules::explain(&code),
        Command::Fmt(args) => fmt::run(args, color),
        Command::Import(args) => import::run(args),
        Command::Graph(args) => graph::run(args, color),
        Command::New(args) => new::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    };
    code.into()
}

/// `run`, `plan`, `export bash` and `graph` take a runbook file: a scenario file is pointed to
/// `lrb test`.
pub(crate) fn refuse_scenario_file(path: &std::path::Path) -> Result<(), Exit> {
    if !crate::scenario::is_scenario_file(path) {
        return Ok(());
    }
    CliError::new(format!(
        "`{}` is a scenario file, not a runbook",
        path.display()
    ))
    .help(format!(
        "Run its scenarios with `lrb test {}`; pass the runbook it tests here.",
        path.display()
    ))
    .print();
    Err(Exit::Usage)
}

pub(crate) fn load_or_report(paths: &[PathBuf]) -> Result<Session, Exit> {
    load::load(paths).map_err(|err| {
        CliError::new(err.to_string()).print();
        Exit::Usage
    })
}

/// The checked plan, or the rendered errors and exit code 1 when the runbooks have errors.
pub(crate) fn plan_or_report(session: &Session, color: bool) -> Result<&crate::plan::Plan, Exit> {
    match &session.checked.plan {
        Some(plan) => Ok(plan),
        None => {
            let errors: Vec<_> = session
                .checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            eprint!(
                "{}",
                crate::diagnostic::human::render(&errors, &session.sources, color)
            );
            CliError::new(format!(
                "the runbooks have {}, so nothing was written",
                crate::diagnostic::summary(&errors)
            ))
            .help("Fix them (`lrb check` lists them), then run this command again.")
            .print();
            Err(Exit::Findings)
        }
    }
}

/// Writes `text` to `path`, or to standard output.
pub(crate) fn write_output(path: Option<&std::path::Path>, text: &str) -> Exit {
    use std::io::Write;
    let written = match path {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to standard output: {e}")),
    };
    match written {
        Ok(()) => Exit::Ok,
        Err(e) => {
            CliError::new(e.to_string()).print();
            Exit::Usage
        }
    }
}

/// Creates `path` with `text`, refusing to replace a file that exists.
pub(crate) fn create_new(path: &std::path::Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "`{}` already exists; it was left as it is (remove it or pick another name)",
                path.display()
            ),
            _ => format!("cannot create `{}`: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
