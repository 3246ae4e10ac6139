//! `lrb import markdown`: a Markdown runbook to lrb skeletons.

use super::exit;
use crate::import::markdown;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Turn a Markdown runbook (shaped like `seed-runbooks.md`) into lrb runbooks that pass
    /// `lrb check`, with `# TODO:` where a person must decide.
    #[command(
        after_help = "Examples:\n  lrb import markdown docs/runbooks.md               # print every runbook\n  lrb import markdown --dir runbooks/ docs/runbooks.md  # one file per runbook\n\nExit codes: 0 imported, 1 no runbook (`##` section) found, 2 usage or I/O error (or a file that exists)."
    )]
    Markdown(MarkdownArgs),
}

#[derive(Debug, clap::Args)]
pub struct MarkdownArgs {
    /// The Markdown file.
    pub file: PathBuf,
    /// Write one `NAME.rb` per runbook into this directory (never overwriting) instead of
    /// printing them.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: ImportArgs) -> u8 {
    let ImportCommand::Markdown(args) = args.command;
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", args.file.display());
            return exit::USAGE;
        }
    };
    let imported = markdown::import(&text);
    if imported.is_empty() {
        eprintln!(
            "error: `{}` has no runbook to import\n  help: Give each runbook a `## Title` heading with `### Symptoms`, `### Checks`, `### Mitigation Steps`, `### Recovery Confirmation` and `### Post-Incident` parts.",
            args.file.display()
        );
        return exit::FINDINGS;
    }
    match &args.dir {
        None => {
            let all: Vec<&str> = imported.iter().map(|i| i.source.as_str()).collect();
            super::write_output(None, &all.join("\n"))
        }
        Some(dir) => {
            for i in &imported {
                let path = dir.join(format!("{}.rb", i.id));
                if let Err(e) = super::create_new(&path, &i.source) {
                    eprintln!("error: {e}");
                    return exit::USAGE;
                }
                println!("wrote {}", path.display());
            }
            exit::OK
        }
    }
}
