//! lrb
pub mod action;
pub mod ast;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod effect;
pub mod export;
pub mod fmt;
pub mod import;
pub mod load;
pub mod plan;
pub mod run;
pub mod safety;
pub mod source;
pub mod syntax;
