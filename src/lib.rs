//! lrb
pub mod effect;
pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod source;
pub mod syntax;
