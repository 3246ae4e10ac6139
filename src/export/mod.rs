//! Exporters: the Plan rendered for people and for other tools.

pub mod human;
pub mod markdown;
pub mod notes;
