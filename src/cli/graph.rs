//! `lrb graph`: draw a runbook's decision flow.

use super::{load_or_report, plan_or_report};
use crate::exit::Exit;
use crate::export::graph::{self, Format};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// A runbook file (its directory is read too, so `see` finds other runbooks), or a
    /// directory to draw every runbook in it.
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
}

pub fn run(args: GraphArgs, color: bool) -> Exit {
    if let Err(code) = super::refuse_scenario_file(&args.path) {
        return code;
    }
    let file = args.path.is_file().then(|| args.path.clone());
    let read = match &file {
        Some(f) => f
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from),
        None => args.path.clone(),
    };
    let session = match load_or_report(&[read]) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = match plan_or_report(&session, color) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let format = match args.format {
        GraphFormat::Mermaid => Format::Mermaid,
        GraphFormat::Dot => Format::Dot,
    };
    let same = |a: &std::path::Path, b: &std::path::Path| {
        a == b || a.canonicalize().ok() == b.canonicalize().ok()
    };
    let text = graph::render(
        plan,
        |rb| file.as_deref().is_none_or(|f| same(&rb.source, f)),
        format,
    );
    super::write_output(args.output.as_deref(), &text)
}
