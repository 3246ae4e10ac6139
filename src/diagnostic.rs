//! Diagnostics are values: made by any stage, rendered once at the edge.

use crate::check::registry::Rule;
use crate::source::{FileId, SourceMap, Span};
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A secondary span with its own label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub file: FileId,
    pub span: Span,
    /// One line, lowercase, names in backticks, no trailing period.
    pub message: String,
    /// Text at the primary span.
    pub label: String,
    /// A full sentence that says what to do.
    pub help: String,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            file,
            span,
            message: message.into(),
            label: String::new(),
            help: rule.help.to_string(),
            related: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, position, then code, so output is stable.
    pub fn sort_key(&self) -> (FileId, usize, usize, &'static str) {
        (self.file, self.span.start, self.span.end, self.rule.code)
    }
}

/// Sorts in place and removes exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}

/// "did you mean `x`?" for the closest candidate, if any is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (word.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The JSON shape of a diagnostic: stable field names for machines.
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
            code: self.rule.code,
            rule: self.rule.name,
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

    /// A miette report bound to its source text, for human output.
    pub fn to_report(&self, sources: &SourceMap) -> miette::Report {
        let file = sources.get(self.file);
        let severity = match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut labels = vec![miette::LabeledSpan::new_primary_with_span(
            Some(self.label.clone()).filter(|l| !l.is_empty()),
            self.span,
        )];
        labels.extend(
            self.related
                .iter()
                .map(|r| miette::LabeledSpan::new_with_span(Some(r.label.clone()), r.span)),
        );
        let diagnostic = miette::MietteDiagnostic::new(self.message.clone())
            .with_code(format!("{}({})", self.rule.code, self.rule.name))
            .with_severity(severity)
            .with_help(self.help.clone())
            .with_labels(labels);
        miette::Report::new(diagnostic).with_source_code(
            miette::NamedSource::new(file.name(), file.text.to_string()).with_language("ruby"),
        )
    }
}

/// Renders diagnostics for a person, in order, followed by nothing else.
pub fn render_human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let report = d.to_report(sources);
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, report.as_ref());
    }
    out
}

/// "2 errors and 1 warning", "1 error", "no problems".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}
