//! `lrb report`: a transcript as a Markdown incident report.

use super::error::CliError;
use crate::exit::Exit;
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

pub fn run(args: ReportArgs) -> Exit {
    let records = match transcript::read(&args.transcript) {
        Ok(r) => r,
        Err(e) => {
            CliError::new(e.to_string())
                .help("Pass a transcript written by `lrb run --transcript PATH`.")
                .print();
            return Exit::Usage;
        }
    };
    let text = report::render(&records);
    match &args.output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => Exit::Ok,
            Err(e) => {
                CliError::new(format!("cannot write `{}`: {e}", path.display())).print();
                Exit::Usage
            }
        },
        None => {
            print!("{text}");
            Exit::Ok
        }
    }
}
