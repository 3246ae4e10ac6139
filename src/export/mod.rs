//! Exporters: a checked runbook (the Plan) turned into a bash script, a Markdown document or
//! a flow graph. They read the Plan only, never the AST.

pub mod ansible;
pub mod bash;
pub mod graph;
pub mod human;
pub mod markdown;

use sha2::{Digest, Sha256};

/// Where an export came from, for the header of what it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The runbook file as the user named it.
    pub source: String,
    /// SHA-256 of the file's text, in hex.
    pub sha256: String,
    /// The lrb version that wrote the export.
    pub version: String,
}

impl Meta {
    pub fn new(source: impl Into<String>, text: &str) -> Meta {
        let digest = Sha256::digest(text.as_bytes());
        Meta {
            source: source.into(),
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Why a runbook could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{what} holds a NUL byte, which a shell script cannot carry")]
    Nul { what: String },
    #[error(
        "{what} `{name}` is not a valid shell variable name (letters, digits and `_`, not starting with a digit)"
    )]
    Name { what: &'static str, name: String },
    #[error(
        "the value of parameter `{param}` can change what `{action}` does ({why}); `lrb run` checks each value before it runs, but a script cannot, so it is not exported"
    )]
    Deciding {
        param: String,
        action: String,
        why: String,
    },
    #[error("{0}")]
    Plan(String),
}
