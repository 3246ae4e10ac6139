//! Importers: existing runbook documents to lrb skeletons.

pub mod markdown;
