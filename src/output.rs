//! Machine formats for findings: SARIF 2.1.0 (GitHub code scanning) and GitHub workflow
//! annotations.

use crate::check::registry::{self, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use serde_sarif::sarif;
use std::path::Path;

const INFO_URI: &str = "https://github.com/lrb-runbooks/lrb";

/// The rule's page in the repository, `docs/rules/CODE.md`.
pub fn rule_page_url(rule: &Rule) -> String {
    format!("{INFO_URI}/blob/main/docs/rules/{}.md", rule.code)
}

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
        .help_uri(rule_page_url(rule))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(level)
                .build(),
        )
        .build()
}

/// A SARIF 2.1.0 log with every rule and one result per diagnostic.
pub fn sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let rules: Vec<_> = registry::ALL.iter().map(|r| descriptor(r)).collect();
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
            let rule_index = registry::ALL
                .iter()
                .position(|r| std::ptr::eq(*r, d.rule))
                .unwrap_or(0);
            sarif::Result::builder()
                .rule_id(d.rule.code)
                .rule_index(rule_index as i64)
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
                .information_uri(INFO_URI)
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

/// A path relative to the working directory (the checkout, in CI) when it is inside it, with
/// forward slashes, as code scanning and annotations match paths against the repository.
fn repo_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = match path.strip_prefix(&cwd) {
        Ok(inside) if path.is_absolute() => inside,
        _ => path,
    };
    let shown = shown.to_string_lossy().replace('\\', "/");
    shown.trim_start_matches("./").to_string()
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

/// `::error file=...,line=...,col=...::message` lines for GitHub Actions.
pub fn github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let file = sources.get(d.file);
        let (line, col) = file.line_col(d.span.start);
        let (end_line, end_col) = file.line_col(d.span.end);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{kind} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            escape_property(&repo_path(&file.path)),
            escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
            escape_data(&format!("{} — {}", d.message, d.help)),
        ));
    }
    out
}

// Escaping as GitHub's toolkit does for workflow commands.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
