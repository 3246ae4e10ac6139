//! Exporters: the Plan rendered for people and for other tools.

pub mod graph;
pub mod human;
pub mod markdown;
pub mod notes;
