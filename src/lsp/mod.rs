//! `lrb lsp`: a language server, so authors see the checker's findings while they type.
//!
//! The server reads the same library as the commands: [`crate::load`] parses and checks, the
//! catalogue and the registry answer completion and hover, [`crate::fmt`] formats. Positions
//! are converted at one edge ([`position`]); everything inside works on byte spans.

mod analysis;
mod code_action;
mod completion;
mod definition;
mod diagnostics;
mod documents;
mod formatting;
mod hover;
mod names;
mod position;
mod server;
mod symbols;

pub use code_action::REASON_PLACEHOLDER;
pub use server::{Options, serve};
