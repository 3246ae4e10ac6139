//! `lrb report`: a transcript as a Markdown incident report.

use super::exit;
use crate::run::{report, transcript};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The transcript (`.jsonl`) that `lrb run` wrote.
    pub transcript: PathBuf,
    /// Write the report to this file instead of stdout.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

pub fn run(args: ReportArgs) -> u8 {
    let records = match transcript::read(&args.transcript) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "error: {e}\n  help: Pass a transcript written by `lrb run --transcript PATH`."
            );
            return exit::USAGE;
        }
    };
    let text = report::render(&records);
    match &args.output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                exit::USAGE
            }
        },
        None => {
            print!("{text}");
            exit::OK
        }
    }
}
