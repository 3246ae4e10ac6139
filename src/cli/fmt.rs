//! `lrb fmt`: rewrite runbooks in the canonical layout, or show what would change.

use super::error::CliError;
use crate::diagnostic;
use crate::exit::Exit;
use crate::fmt::{self, FormatError};
use crate::source::{self, FileId, SourceFile, SourceMap};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Files or directories (searched recursively for `*.rb`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: print a diff for each file that is not formatted and exit 1.
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    /// Rewritten, or (under `--check`) would be.
    Changed,
    /// Not formatted: does not parse, or the formatter refused it.
    Failed,
}

pub fn run(args: FmtArgs, color: bool) -> Exit {
    let files = match crate::load::discover(&args.paths) {
        Ok(files) => files,
        Err(err) => {
            CliError::new(err.to_string()).print();
            return Exit::Usage;
        }
    };
    let mut changed = 0;
    let mut failed = 0;
    for path in &files {
        match one(path, args.check, color) {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Changed) => changed += 1,
            Ok(Outcome::Failed) => failed += 1,
            Err(err) => {
                CliError::new(err.to_string()).print();
                return Exit::Usage;
            }
        }
    }
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    eprintln!(
        "{verb} {changed} of {} file{}{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if failed > 0 {
            format!("; {failed} could not be formatted")
        } else {
            String::new()
        }
    );
    if failed > 0 || (args.check && changed > 0) {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

fn one(path: &Path, check: bool, color: bool) -> Result<Outcome, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let (text, bad_byte) = source::decode(bytes);
    if let Some(at) = bad_byte {
        CliError::new(format!(
            "`{}` is not valid UTF-8 (byte {at}); it was left as it is",
            path.display()
        ))
        .help("Save the file as UTF-8, then run `lrb fmt` again.")
        .print();
        return Ok(Outcome::Failed);
    }
    let formatted = match fmt::format(&text, FileId(0)) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            let mut sources = SourceMap::default();
            sources.add(SourceFile::new(path, text.as_str()));
            eprint!(
                "{}",
                diagnostic::human::render(&diagnostics, &sources, color)
            );
            CliError::new(format!(
                "`{}` does not parse, so it was left as it is",
                path.display()
            ))
            .help("Fix the errors above (`lrb check` shows them too), then run `lrb fmt` again.")
            .print();
            return Ok(Outcome::Failed);
        }
        Err(FormatError::Unstable) => {
            CliError::new(format!(
                "formatting `{}` would change what it means, so it was left as it is",
                path.display()
            ))
            .help("This is a bug in `lrb fmt`; please report it with the file attached.")
            .print();
            return Ok(Outcome::Failed);
        }
    };
    if formatted == text {
        return Ok(Outcome::Unchanged);
    }
    if check {
        let name = path.display().to_string();
        let diff = similar::TextDiff::from_lines(text.as_str(), formatted.as_str())
            .unified_diff()
            .context_radius(3)
            .header(&name, &format!("{name} (formatted)"))
            .to_string();
        let mut out = std::io::stdout().lock();
        write!(out, "{diff}").map_err(|e| format!("cannot write the diff: {e}"))?;
    } else {
        write_atomically(path, &formatted)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        println!("formatted {}", path.display());
    }
    Ok(Outcome::Changed)
}

/// Writes beside the file, then renames over it: a crash never leaves half a runbook.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    let permissions = std::fs::metadata(path)?.permissions();
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
