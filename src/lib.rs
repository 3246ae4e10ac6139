//! lrb
pub mod effect;
pub mod safety;
