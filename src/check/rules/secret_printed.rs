//! LRB406: a secret parameter interpolated into text that is shown to people (a `step`, a
//! `todo`, a title): the value would reach the screen and the transcript.

use crate::action::Template;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// One finding per secret that `text`, shown as `what`, interpolates.
pub(in crate::check) fn check(
    text: &Template,
    secrets: &[String],
    file: FileId,
    span: Span,
    what: &str,
) -> Vec<Diagnostic> {
    text.params()
        .filter(|p| secrets.iter().any(|s| s == p))
        .map(|name| {
            Diagnostic::new(
                Code::SecretPrinted,
                file,
                span,
                format!("secret parameter `{name}` is interpolated into {what}, which is shown to people"),
            )
            .label("prints the secret")
            .help(format!("Remove `#{{{name}}}` from the text; name the secret instead (\"the value of `{name}`\")."))
        })
        .collect()
}
