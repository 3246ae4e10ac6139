//! `lrb import markdown`: a Markdown runbook to lrb skeletons.

use super::error::CliError;
use crate::exit::Exit;
use crate::import::markdown::{self, Imported};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Turn a Markdown runbook (one page per alert, a page of several issues, or a free-form
    /// how-to) into lrb runbooks, with `# TODO:` where a person must decide.
    #[command(
        after_help = "Examples:\n  lrb import markdown docs/KubePodCrashLooping.md      # print the runbooks as one file\n  lrb import markdown --dir runbooks/ docs/ops.md       # one file per runbook\n\nExit codes: 0 imported, 1 nothing to import (no heading, prose or command), 2 usage or I/O error (or a file that exists; then nothing is written)."
    )]
    Markdown(MarkdownArgs),
}

#[derive(Debug, clap::Args)]
pub struct MarkdownArgs {
    /// The Markdown file.
    pub file: PathBuf,
    /// Write one `NAME.rb` per runbook into this directory (created if missing, never
    /// overwriting) instead of printing them.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: ImportArgs) -> Exit {
    let ImportCommand::Markdown(args) = args.command;
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(e) => {
            CliError::new(format!("cannot read `{}`: {e}", args.file.display())).print();
            return Exit::Usage;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let imported = markdown::import(&text, &stem);
    if imported.is_empty() {
        CliError::new(format!("`{}` has nothing to import", args.file.display())).help("A runbook page has a title heading, and code blocks for its diagnosis and mitigation.").print();
        return Exit::Findings;
    }
    match &args.dir {
        None => super::write_output(None, &markdown::combined(&imported)),
        Some(dir) => match write_all(dir, &imported) {
            Ok(paths) => {
                for p in paths {
                    println!("wrote {}", p.display());
                }
                Exit::Ok
            }
            Err(e) => {
                CliError::new(e.to_string()).print();
                Exit::Usage
            }
        },
    }
}

/// Writes every runbook or none: into a temporary directory beside the files first, then
/// moved into place, so a failure halfway leaves `dir` as it was.
fn write_all(dir: &Path, imported: &[Imported]) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let paths: Vec<PathBuf> = imported
        .iter()
        .map(|i| dir.join(format!("{}.rb", i.id)))
        .collect();
    if let Some(p) = paths.iter().find(|p| p.exists()) {
        return Err(format!(
            "`{}` already exists; nothing was written (remove it or pick another directory)",
            p.display()
        ));
    }
    let staging = tempfile::Builder::new()
        .prefix(".lrb-import-")
        .tempdir_in(dir)
        .map_err(|e| format!("cannot write into `{}`: {e}", dir.display()))?;
    for i in imported {
        super::create_new(&staging.path().join(format!("{}.rb", i.id)), &i.source)?;
    }
    let mut moved = Vec::new();
    for (i, path) in imported.iter().zip(&paths) {
        let from = staging.path().join(format!("{}.rb", i.id));
        // `hard_link` refuses to replace a file that appeared meanwhile, unlike `rename`.
        let linked = std::fs::hard_link(&from, path).or_else(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Err(e.to_string()),
            // A file system without hard links: copy, still refusing to overwrite.
            _ => super::create_new(path, &i.source),
        });
        if let Err(e) = linked {
            for m in &moved {
                let _ = std::fs::remove_file(m);
            }
            return Err(format!("cannot write `{}`: {e}", path.display()));
        }
        moved.push(path.clone());
    }
    Ok(paths)
}
