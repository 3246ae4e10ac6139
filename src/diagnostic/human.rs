//! Diagnostics for a person: miette's graphical reports, with the source lines and labels.

use super::{Diagnostic, Severity};
use crate::source::SourceMap;

impl Diagnostic {
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
            .with_code(format!("{}({})", self.rule().code, self.rule().name))
            .with_severity(severity)
            .with_help(self.help.clone())
            .with_labels(labels);
        miette::Report::new(diagnostic).with_source_code(
            miette::NamedSource::new(file.name(), file.text.to_string()).with_language("ruby"),
        )
    }
}

/// Renders diagnostics for a person, in order, followed by nothing else.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
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
