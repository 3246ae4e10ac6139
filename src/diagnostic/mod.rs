//! Diagnostics are values: made by any stage, rendered once at the edge, in one of the formats
//! below. The table of every rule they can name is [`registry`].

pub mod github;
pub mod human;
pub mod json;
pub mod registry;
pub mod sarif;

use crate::source::{FileId, Span};
pub use registry::{Code, Rule};
use serde::Serialize;
use std::fmt;
use std::path::Path;

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
    pub code: Code,
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
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Self {
        let rule = code.rule();
        Diagnostic {
            code,
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

    pub fn rule(&self) -> &'static Rule {
        self.code.rule()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, position, then code, so output is stable.
    pub fn sort_key(&self) -> (FileId, usize, usize, Code) {
        (self.file, self.span.start, self.span.end, self.code)
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
