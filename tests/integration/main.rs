//! The integration tests, in one binary so that the crate is linked into a test executable
//! once: one module per area, the helpers they share in `common`, the test lab in `lab`, an
//! LSP client in `lsp_client`. Snapshots of every module are in `snapshots/`.

mod common;
mod lab;
mod lsp_client;

mod architecture;
mod ast;
mod backends;
mod cli;
mod cli_authoring;
mod diagnostics;
mod editor_neovim;
mod export_ansible;
mod export_bash;
mod export_markdown;
mod export_prometheus;
mod fmt;
mod hostile_values;
mod import_markdown;
mod interactive;
mod lsp;
mod no_panic;
mod output_formats;
mod prometheus;
mod rules;
mod run;
mod safety_corpus;
mod safety_rules;
mod scenarios;
mod signals;
mod token_soup;
