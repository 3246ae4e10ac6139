//! lrb
pub mod effect;
