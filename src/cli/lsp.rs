//! `lrb lsp`: the language server over stdio, for editors.

use super::error::CliError;
use crate::exit::Exit;
use crate::lsp;
use lsp_server::Connection;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> Exit {
    let (connection, io) = Connection::stdio();
    let served = lsp::serve(&connection, lsp::Options::default());
    drop(connection);
    let joined = io.join();
    match (served, joined) {
        (Ok(true), Ok(())) => Exit::Ok,
        (Ok(false), _) => {
            CliError::new("the client ended the session without `shutdown`").print();
            Exit::Findings
        }
        (Err(e), _) => {
            CliError::new(e.to_string()).print();
            Exit::Findings
        }
        (Ok(true), Err(e)) => {
            CliError::new(e.to_string()).print();
            Exit::Findings
        }
    }
}
