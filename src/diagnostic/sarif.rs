//! SARIF 2.1.0, for GitHub code scanning and other SARIF readers: every rule, one result per
//! diagnostic.

use super::registry::{self, Rule};
use super::{Diagnostic, Severity, repo_path};
use crate::source::SourceMap;
use serde_sarif::sarif;
use std::path::Path;

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
    }
}

fn descriptor(rule: &Rule) -> sarif::ReportingDescriptor {
    let level = serde_json::json!(level(rule.severity).to_string());
    sarif::ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(rule.help)
                .markdown(format!(
                    "{}\n\nRun `lrb explain {}` for the full page.",
                    rule.help, rule.code
                ))
                .build(),
        )
        .help_uri(rule.page_url())
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(level)
                .build(),
        )
        .build()
}

/// A SARIF 2.1.0 log with every rule and one result per diagnostic.
pub fn log(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let rules: Vec<_> = registry::ALL.iter().map(descriptor).collect();
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let file = sources.get(d.file);
            let (start_line, start_column) = file.line_col(d.span.start);
            let (end_line, end_column) = file.line_col(d.span.end.max(d.span.start));
            let region = sarif::Region::builder()
                .start_line(start_line as i64)
                .start_column(start_column as i64)
                .end_line(end_line as i64)
                .end_column(end_column.max(if end_line == start_line {
                    start_column + 1
                } else {
                    1
                }) as i64)
                .build();
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder()
                                .uri(uri(&file.path))
                                .build(),
                        )
                        .region(region)
                        .build(),
                )
                .build();
            sarif::Result::builder()
                .rule_id(d.rule().code)
                .rule_index(d.code as i64)
                .level(level(d.severity))
                .message(
                    sarif::Message::builder()
                        .text(format!("{}. {}", d.message, d.help))
                        .build(),
                )
                .locations(vec![location])
                .build()
        })
        .collect();
    let tool = sarif::Tool::builder()
        .driver(
            sarif::ToolComponent::builder()
                .name("lrb")
                .version(env!("CARGO_PKG_VERSION"))
                .semantic_version(env!("CARGO_PKG_VERSION"))
                .information_uri(registry::INFO_URI)
                .rules(rules)
                .build(),
        )
        .build();
    let run = sarif::Run::builder().tool(tool).results(results).build();
    let log = sarif::Sarif::builder()
        .version(serde_json::json!("2.1.0"))
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    serde_json::to_value(log).unwrap_or_default()
}

/// The SARIF URI: the relative path, or a `file://` URI for a file outside the working
/// directory, rather than an absolute path that code scanning would read as relative.
fn uri(path: &Path) -> String {
    let shown = repo_path(path);
    match shown.strip_prefix('/') {
        Some(rest) => format!("file:///{rest}"),
        None => shown,
    }
}
