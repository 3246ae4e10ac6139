//! `lrb lsp`: the language server over stdio, for editors.

use super::exit;
use crate::lsp;
use lsp_server::Connection;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> u8 {
    let (connection, io) = Connection::stdio();
    let served = lsp::serve(&connection, lsp::Options::default());
    drop(connection);
    let joined = io.join();
    match (served, joined) {
        (Ok(true), Ok(())) => exit::OK,
        (Ok(false), _) => {
            eprintln!("error: the client ended the session without `shutdown`");
            exit::FINDINGS
        }
        (Err(e), _) => {
            eprintln!("error: {e}");
            exit::FINDINGS
        }
        (Ok(true), Err(e)) => {
            eprintln!("error: {e}");
            exit::FINDINGS
        }
    }
}
