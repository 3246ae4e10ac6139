//! `lrb export`: compile a runbook into something that works without lrb. Each format is one
//! variant of [`ExportFormat`]; they share how a runbook is picked and where output goes.

use super::{exit, load_or_report};
use crate::diagnostic;
use crate::export::{self, ExportError, Meta};
use crate::load::Session;
use crate::plan::Runbook;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub format: ExportFormat,
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportFormat {
    /// Compile a runbook into one self-contained bash script for hosts without lrb.
    #[command(
        after_help = "Examples:\n  lrb export bash runbooks/queue_backlog.rb -o queue_backlog.sh\n  \
                      lrb export bash runbooks/ --runbook api_outage -o api_outage.sh\n\n\
                      Pass every file a runbook hands over to (`see`), or their directory.\n\
                      The script needs bash 5 and the CLIs it lists in its header; run it with --help.\n\n\
                      Exit codes: 0 written, 1 the runbooks have errors, 2 usage or I/O error."
    )]
    Bash(Selection),
}

/// Which runbook to export, and where to write it.
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// The runbook's file, then any files it hands over to (or directories of `*.rb` files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The runbook to export; needed when the files hold more than one.
    #[arg(long, value_name = "ID")]
    pub runbook: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

pub fn run(args: ExportArgs, color: bool) -> u8 {
    match args.format {
        ExportFormat::Bash(sel) => export_with(&sel, color, export::bash::export, true),
    }
}

/// Loads, picks the runbook, renders it with `render` and writes the result.
fn export_with(
    sel: &Selection,
    color: bool,
    render: impl Fn(&Runbook, &Meta) -> Result<String, ExportError>,
    executable: bool,
) -> u8 {
    let session = match load_or_report(&sel.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(plan) = session.checked.plan.as_ref() else {
        eprint!(
            "{}",
            diagnostic::render_human(&session.checked.diagnostics, &session.sources, color)
        );
        eprintln!(
            "error: {} in the runbooks: fix them (see `lrb check`) before exporting",
            diagnostic::summary(&session.checked.diagnostics)
        );
        return exit::FINDINGS;
    };
    let runbook = match pick(&plan.runbooks, sel) {
        Ok(rb) => rb,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let meta = meta(&session, runbook);
    let text = match render(runbook, &meta) {
        Ok(t) => t,
        Err(err) => {
            eprintln!("error: cannot export runbook `{}`: {err}", runbook.id);
            return exit::FINDINGS;
        }
    };
    match write(sel.output.as_deref(), &text, executable) {
        Ok(()) => exit::OK,
        Err(err) => {
            let place = sel
                .output
                .as_ref()
                .map_or("standard output".to_string(), |p| {
                    format!("`{}`", p.display())
                });
            eprintln!("error: cannot write to {place}: {err}");
            exit::USAGE
        }
    }
}

/// The runbook named by `--runbook`, or the only one in the first path.
fn pick<'a>(runbooks: &'a [Runbook], sel: &Selection) -> Result<&'a Runbook, String> {
    let ids = |rbs: &[&Runbook]| {
        rbs.iter()
            .map(|r| format!("`{}`", r.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(id) = &sel.runbook {
        return runbooks.iter().find(|r| &r.id == id).ok_or_else(|| {
            let all: Vec<&Runbook> = runbooks.iter().collect();
            format!(
                "no runbook `{id}` in the files given; they hold {}",
                ids(&all)
            )
        });
    }
    let first = &sel.paths[0];
    let in_first: Vec<&Runbook> = runbooks
        .iter()
        .filter(|r| r.source == *first || r.source.starts_with(first))
        .collect();
    match in_first.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "`{}` defines no runbook; pass the runbook's file first, or name it with --runbook",
            first.display()
        )),
        many => Err(format!(
            "`{}` holds {} runbooks ({}): pass --runbook with the one to export",
            first.display(),
            many.len(),
            ids(many)
        )),
    }
}

fn meta(session: &Session, rb: &Runbook) -> Meta {
    let text = session
        .sources
        .iter()
        .find(|(_, f)| f.path == rb.source)
        .map(|(_, f)| f.text.clone())
        .unwrap_or_default();
    Meta::new(rb.source.display().to_string(), &text)
}

fn write(output: Option<&Path>, text: &str, executable: bool) -> std::io::Result<()> {
    let Some(path) = output else {
        return std::io::stdout().lock().write_all(text.as_bytes());
    };
    std::fs::write(path, text)?;
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}
