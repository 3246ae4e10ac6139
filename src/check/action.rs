//! Typing one action call against the catalogue.

use super::registry;
use super::scope::{FileChecker, Scope};
use crate::action::Template;
use crate::action::catalogue::{self, ArgValues, RawLanguage, TargetKind};
use crate::ast;
use crate::diagnostic::did_you_mean;
use crate::effect::Classification;
use crate::plan;
use crate::safety;
use std::collections::HashSet;

impl FileChecker<'_> {
    /// Resolves the target and verb, checks every argument, and builds the action.
    pub(super) fn action(
        &mut self,
        call: &ast::ActionCall,
        scope: &Scope,
        used: &mut HashSet<String>,
    ) -> Option<plan::Step> {
        let kind = match scope.targets.get(&call.target.name) {
            Some((_, t)) => t.kind,
            None => match call.target.name.as_str() {
                "docker" => TargetKind::Docker,
                "shell" => TargetKind::Shell,
                _ => return self.unknown_target(call, scope),
            },
        };
        used.insert(call.target.name.clone());
        let Some(spec) = catalogue::find(kind, &call.verb.name) else {
            let verbs: Vec<&str> = catalogue::verbs_of(kind).map(|v| v.verb).collect();
            let help = match did_you_mean(&call.verb.name, verbs.iter().copied()) {
                Some(s) => format!("Did you mean `{}.{s}`?", call.target.name),
                None => format!(
                    "A `{}` target has {}.",
                    kind.name(),
                    verbs
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let d = self
                .diag(
                    &registry::UNKNOWN_VERB,
                    call.verb.span,
                    format!(
                        "`{}` is a `{}` target, which has no verb `{}`",
                        call.target.name,
                        kind.name(),
                        call.verb.name
                    ),
                )
                .label("unknown verb")
                .help(help);
            self.report(d);
            return None;
        };
        let what = format!("`{}.{}`", call.target.name, call.verb.name);
        let errors_before = self.error_count();
        let mut values: ArgValues = self.options(&call.args.keywords, spec.keywords, &what);
        let positional = &call.args.positional;
        if positional.len() > spec.positional.len() {
            let extra = &positional[spec.positional.len()..];
            let takes = match spec.positional.len() {
                0 => "no positional arguments".to_string(),
                1 => "one positional argument".to_string(),
                n => format!("{n} positional arguments"),
            };
            let d = self
                .diag(
                    &registry::TOO_MANY_ARGUMENTS,
                    extra[0].span.to(extra[extra.len() - 1].span),
                    format!("{what} takes {takes}"),
                )
                .label("extra")
                .help("Remove the extra arguments, or pass them by name as `key: value`.");
            self.report(d);
        }
        for (i, arg_spec) in spec.positional.iter().enumerate() {
            match positional.get(i) {
                Some(e) => {
                    if let Some(v) = self.coerce(e, arg_spec, &what) {
                        values.0.insert(arg_spec.name, v);
                    }
                }
                None if arg_spec.required => {
                    let d = self
                        .diag(
                            &registry::MISSING_ARGUMENT,
                            call.span,
                            format!("{what} needs its {} ({})", arg_spec.name, arg_spec.doc),
                        )
                        .label(format!("missing {}", arg_spec.name))
                        .help(format!(
                            "Write `{}.{} {}`.",
                            call.target.name,
                            call.verb.name,
                            example(arg_spec.ty)
                        ));
                    self.report(d);
                }
                None => {}
            }
        }
        if self.error_count() > errors_before {
            return None;
        }
        Some(plan::Step {
            action: catalogue::build(spec, &call.target.name, &values, classify),
            span: call.span,
        })
    }

    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    fn unknown_target(&mut self, call: &ast::ActionCall, scope: &Scope) -> Option<plan::Step> {
        let names: Vec<&str> = scope
            .targets
            .keys()
            .map(String::as_str)
            .chain(["docker", "shell"])
            .collect();
        let help = match did_you_mean(&call.target.name, names.iter().copied()) {
            Some(s) => format!("Did you mean `{s}`?"),
            None => format!(
                "Declare it first, e.g. `target :{}, http: \"http://127.0.0.1:3000\"`.",
                call.target.name
            ),
        };
        let d = self
            .diag(
                &registry::UNKNOWN_TARGET,
                call.target.span,
                format!("unknown target `{}`", call.target.name),
            )
            .label("not declared")
            .help(help);
        self.report(d);
        None
    }
}

fn example(ty: catalogue::ArgType) -> &'static str {
    match ty {
        catalogue::ArgType::Text => "\"...\"",
        catalogue::ArgType::Duration => "5s",
        catalogue::ArgType::Percent => "90%",
        catalogue::ArgType::Bool => "true",
        catalogue::ArgType::Statuses => "200",
        catalogue::ArgType::Symbol(_) => ":name",
        catalogue::ArgType::Int | catalogue::ArgType::Number => "1",
    }
}

/// Effect analysis of raw SQL, Redis and shell text. Parameters are filled with a plain word
/// so the text parses; what a parameter could hold is the quoting layer's concern.
fn classify(lang: RawLanguage, text: &Template) -> Option<Classification> {
    let sample = text.render(|_| "param".to_string());
    match lang {
        RawLanguage::Sql => safety::classify_sql(&sample),
        RawLanguage::Redis => safety::classify_redis(&sample),
        RawLanguage::Shell => safety::classify_shell(&sample),
    }
}
