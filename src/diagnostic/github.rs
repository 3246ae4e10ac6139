//! GitHub Actions workflow annotations: one `::error file=...::message` line per diagnostic.

use super::{Diagnostic, Severity, repo_path};
use crate::source::SourceMap;

/// `::error file=...,line=...,col=...::message` lines for GitHub Actions.
pub fn annotations(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
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
            escape_property(&format!("{} {}", d.rule().code, d.rule().name)),
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
