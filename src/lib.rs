//! lrb: runbooks as code.
//!
//! ```text
//! bytes --load--> SourceFile --syntax::parse--> ast::File --check::check--> Plan --+--> run (backends)
//!                                                                                   +--> export (bash, markdown, graph)
//! ```
//!
//! Every stage reports problems as [`diagnostic::Diagnostic`] values; only [`cli`] prints them.

// pest's parser, derived without its `std` feature, names `::alloc`.
extern crate alloc;

pub mod action;
pub mod ast;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod duration;
pub mod effect;
pub mod exit;
pub mod export;
pub mod fill;
pub mod fmt;
pub mod import;
pub mod load;
pub mod lsp;
pub mod parallel;
pub mod plan;
pub mod run;
pub mod safety;
pub mod scenario;
pub mod source;
pub mod syntax;
