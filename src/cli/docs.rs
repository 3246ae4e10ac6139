//! `lrb completions` and `lrb man`: generated from the clap definition, so they never drift.

use super::Cli;
use super::error::CliError;
use crate::exit::Exit;
use clap::CommandFactory;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `lrb.1` and one page per command (`lrb-fmt.1`, ...) into this directory instead
    /// of printing `lrb.1`.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Exit {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "lrb", &mut std::io::stdout());
    Exit::Ok
}

pub fn man(args: ManArgs) -> Exit {
    let cmd = Cli::command();
    let written = match &args.output {
        Some(dir) => clap_mangen::generate_to(cmd, dir)
            .map_err(|e| format!("cannot write man pages into `{}`: {e}", dir.display())),
        None => clap_mangen::Man::new(cmd)
            .render(&mut std::io::stdout())
            .map_err(|e| format!("cannot write the man page: {e}")),
    };
    match written {
        Ok(()) => Exit::Ok,
        Err(e) => {
            CliError::new(e.to_string()).print();
            Exit::Usage
        }
    }
}
