//! `lrb report`: a transcript as a Markdown incident report, or a directory of transcripts
//! (one per host, as `lrb export ansible` brings them back) as one fleet report.

use super::error::CliError;
use crate::exit::Exit;
use crate::run::{fleet, report, transcript};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The transcript (`.jsonl`) that `lrb run` or an exported script wrote, or a directory of
    /// them named `HOST.jsonl` for a fleet report.
    pub transcript: PathBuf,
    /// Write the report to this file instead of stdout.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

pub fn run(args: ReportArgs) -> Exit {
    let rendered = if args.transcript.is_dir() {
        fleet_report(&args.transcript)
    } else {
        transcript::read(&args.transcript)
            .map(|records| report::render(&records))
            .map_err(|e| e.to_string())
    };
    let text = match rendered {
        Ok(text) => text,
        Err(e) => {
            CliError::new(e)
                .help("Pass a transcript written by `lrb run --transcript PATH` or an exported script, or a directory of them.")
                .print();
            return Exit::Usage;
        }
    };
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

/// Every `*.jsonl` of `dir`, by host name (the file's stem), as one fleet report.
fn fleet_report(dir: &Path) -> Result<String, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    if paths.is_empty() {
        return Err(format!(
            "`{}` holds no transcript (`*.jsonl`)",
            dir.display()
        ));
    }
    paths.sort();
    let hosts = paths
        .iter()
        .map(|p| {
            Ok(fleet::Host {
                name: p
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                records: transcript::read(p).map_err(|e| e.to_string())?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(fleet::render(&hosts))
}
