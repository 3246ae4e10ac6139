//! The JSON shape of a diagnostic (`--format json`, the language server's data): stable field
//! names for machines.

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use serde::Serialize;

/// One diagnostic, located by line and column as well as by byte span.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub span: Span,
    pub message: &'a str,
    pub label: &'a str,
    pub help: &'a str,
}

impl Diagnostic {
    pub fn to_json<'a>(&'a self, sources: &SourceMap) -> JsonDiagnostic<'a> {
        let file = sources.get(self.file);
        let (line, column) = file.line_col(self.span.start);
        let (end_line, end_column) = file.line_col(self.span.end);
        JsonDiagnostic {
            code: self.rule().code,
            rule: self.rule().name,
            severity: self.severity,
            file: file.name(),
            line,
            column,
            end_line,
            end_column,
            span: self.span,
            message: &self.message,
            label: &self.label,
            help: &self.help,
        }
    }
}
