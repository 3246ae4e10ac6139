//! `lrb export`: the Plan rendered for people (`markdown`).

use super::{load_or_report, plan_or_report};
use crate::export::{markdown, notes::Notes};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub command: ExportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Write the human runbook document: symptoms, checks as commands, mitigations, recovery
    /// and the post-incident checklist.
    #[command(
        after_help = "Examples:\n  lrb export markdown runbooks/ > RUNBOOKS.md\n  lrb export markdown --title \"Core System Runbooks\" -o docs/runbooks.md runbooks/\n\nExit codes: 0 written, 1 the runbooks have errors (run `lrb check`), 2 usage or I/O error."
    )]
    Markdown(MarkdownArgs),
}

#[derive(Debug, clap::Args)]
pub struct MarkdownArgs {
    /// Files or directories (searched recursively for `*.rb`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The document's title.
    #[arg(long, default_value = "Runbooks")]
    pub title: String,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: ExportArgs, color: bool) -> u8 {
    match args.command {
        ExportCommand::Markdown(args) => run_markdown(args, color),
    }
}

fn run_markdown(args: MarkdownArgs, color: bool) -> u8 {
    let session = match load_or_report(&args.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = match plan_or_report(&session, color) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let doc = markdown::render(plan, &Notes::from_session(&session), &args.title);
    super::write_output(args.output.as_deref(), &doc)
}
