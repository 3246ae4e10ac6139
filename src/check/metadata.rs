//! A runbook's metadata: `title`, `severity`, `owner`, `description`, `symptom` and `tags`,
//! each typed and given at most once.

use super::scope::FileChecker;
use crate::ast::{self, ExprKind};
use crate::diagnostic::{Code, did_you_mean};
use crate::plan::{self, IncidentSeverity};
use crate::source::Span;

impl FileChecker<'_> {
    pub(super) fn meta(&mut self, m: &ast::Meta, out: &mut plan::Runbook) {
        let key = m.key.name.as_str();
        if let Some(kw) = m.args.keywords.first() {
            let d = self
                .diag(
                    Code::UnknownArgument,
                    kw.key.span,
                    format!("`{key}` takes no keyword arguments"),
                )
                .label("unknown argument")
                .help(format!("Remove `{}:`.", kw.key.name));
            self.report(d);
        }
        let args = &m.args.positional;
        if args.is_empty() {
            let d = self
                .diag(
                    Code::MissingArgument,
                    m.span,
                    format!("`{key}` needs a value"),
                )
                .help(format!(
                    "Write `{key} {}`.",
                    if key == "severity" {
                        ":high"
                    } else if key == "tags" {
                        ":api, :http"
                    } else {
                        "\"...\""
                    }
                ));
            return self.report(d);
        }
        match key {
            "tags" => {
                for a in args {
                    match &a.kind {
                        ExprKind::Symbol(s) => out.tags.push(s.clone()),
                        ExprKind::Str(s) if s.as_literal().is_some() => {
                            out.tags.extend(s.as_literal())
                        }
                        ExprKind::Invalid => {}
                        other => {
                            let d = self
                                .diag(
                                    Code::WrongArgumentType,
                                    a.span,
                                    format!("a tag must be a symbol, not {}", other.describe()),
                                )
                                .label("expected a symbol like `:api`");
                            self.report(d);
                        }
                    }
                }
                return;
            }
            "severity" => {
                if self.too_many(key, args) {
                    return;
                }
                let known = match &args[0].kind {
                    ExprKind::Symbol(s) => IncidentSeverity::from_name(s),
                    _ => None,
                };
                if let Some(severity) = known {
                    return self.set_once(&mut out.severity, severity, key, m.span);
                }
                match &args[0].kind {
                    ExprKind::Invalid => {}
                    other => {
                        let shown = match other {
                            ExprKind::Symbol(s) => format!("`:{s}`"),
                            other => other.describe().to_string(),
                        };
                        let mut d = self
                            .diag(
                                Code::InvalidValue,
                                args[0].span,
                                format!("severity must be one of {}, not {shown}", severities()),
                            )
                            .label("unknown severity");
                        if let ExprKind::Symbol(s) = other
                            && let Some(sug) =
                                did_you_mean(s, IncidentSeverity::ALL.map(IncidentSeverity::name))
                        {
                            d = d.help(format!("Did you mean `:{sug}`?"));
                        }
                        self.report(d);
                    }
                }
                return;
            }
            _ => {}
        }
        if key != "symptom" && self.too_many(key, args) {
            return;
        }
        for a in args {
            let Some(value) = self.text_value(a, &format!("`{key}`")) else {
                continue;
            };
            match key {
                "title" => self.set_once(&mut out.title, value, key, m.span),
                "owner" => self.set_once(&mut out.owner, value, key, m.span),
                "description" => self.set_once(&mut out.description, value, key, m.span),
                _ => out.symptoms.push(value),
            }
        }
    }

    fn too_many(&mut self, key: &str, args: &[ast::Expr]) -> bool {
        if args.len() > 1 {
            let d = self
                .diag(
                    Code::TooManyArguments,
                    args[1].span.to(args[args.len() - 1].span),
                    format!("`{key}` takes one value"),
                )
                .label("extra");
            self.report(d);
            return true;
        }
        false
    }

    fn set_once<T>(&mut self, slot: &mut Option<T>, value: T, key: &str, span: Span) {
        if slot.is_some() {
            let d = self
                .diag(
                    Code::DuplicateDefinition,
                    span,
                    format!("`{key}` is given twice"),
                )
                .label("second one")
                .help(format!("Keep one `{key}`."));
            self.report(d);
        } else {
            *slot = Some(value);
        }
    }
}

/// "`:critical`, `:high`, ...", for the message.
fn severities() -> String {
    let names: Vec<String> = IncidentSeverity::ALL
        .iter()
        .map(|s| format!("`:{s}`"))
        .collect();
    names.join(", ")
}
