//! lrb
pub mod action;
pub mod ast;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod effect;
pub mod export;
pub mod load;
pub mod plan;
pub mod run;
pub mod source;
pub mod syntax;
