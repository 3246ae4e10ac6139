//! Typing one action call against the catalogue.

use super::scope::{FileChecker, Scope};
use crate::action::RawEffect;
use crate::action::catalogue::{self, Arg, ArgValue, ArgValues, RawLanguage, TargetKind};
use crate::ast;
use crate::diagnostic::Code;
use crate::diagnostic::did_you_mean;
use crate::effect::Classification;
use crate::fill;
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
                    Code::UnknownVerb,
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
        let reported = self.diagnostics.len();
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
                    Code::TooManyArguments,
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
                        values.0.insert(arg_spec.key, v);
                    }
                }
                None if arg_spec.required => {
                    let d = self
                        .diag(
                            Code::MissingArgument,
                            call.span,
                            format!(
                                "{what} needs its {} ({})",
                                arg_spec.key.name(),
                                arg_spec.doc
                            ),
                        )
                        .label(format!("missing {}", arg_spec.key.name()))
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
        // An argument the parser already reported (an unterminated string, a bad number) would
        // make every later finding on this action a guess.
        let invalid = positional
            .iter()
            .chain(call.args.keywords.iter().map(|k| &k.value))
            .any(|e| e.kind == ast::ExprKind::Invalid);
        if invalid || self.errors_since(reported) {
            return None;
        }
        // Raw text: where each `#{param}` sits decides how its value is passed as data.
        for (i, arg_spec) in spec.positional.iter().enumerate() {
            let catalogue::ArgType::Raw(lang) = arg_spec.ty else {
                continue;
            };
            let Some(ArgValue::Text(text)) = values.0.get(&arg_spec.key) else {
                continue;
            };
            let placed = match lang {
                RawLanguage::Sql => fill::sql::analyze(text).map(ArgValue::Sql),
                RawLanguage::Shell => fill::shell::analyze(text).map(ArgValue::Shell),
                RawLanguage::Redis => fill::redis::analyze(text).map(ArgValue::Redis),
                RawLanguage::Promql => fill::promql::analyze(text).map(ArgValue::Promql),
            };
            match placed {
                Ok(v) => {
                    values.0.insert(arg_spec.key, v);
                }
                Err(u) => {
                    let d = self
                        .diag(Code::UnplaceableParameter, positional[i].span, u.why)
                        .label(format!("`#{{{}}}`", u.param))
                        .help(u.help);
                    self.report(d);
                    return None;
                }
            }
        }
        let mut action = catalogue::build(spec, &call.target.name, values, classify);
        if let crate::action::Action::Prometheus(query) = &action {
            self.promql(call, query)?;
        }
        self.declared_effect(call, &action);
        fill::probe(&mut action);
        if let Some(arg) = positional.first() {
            for (param, why) in fill::deciding(&action) {
                let d = self
                    .diag(
                        Code::ParameterDecidesEffect,
                        arg.span,
                        format!(
                            "the value of parameter `{param}` can change what {what} does: {why}"
                        ),
                    )
                    .label(format!("`#{{{param}}}` here"));
                self.report(d);
            }
        }
        Some(plan::Step {
            action,
            note: self.note(call.span),
            span: call.span,
        })
    }

    /// `LRB409`: a declared `effect:` below what the analysis found. The action keeps the
    /// analysis's effect either way.
    fn declared_effect(&mut self, call: &ast::ActionCall, action: &crate::action::Action) {
        let Some(RawEffect::Classified {
            classification,
            declared: Some(declared),
        }) = action.raw_effect()
        else {
            return;
        };
        if *declared >= classification.effect {
            return;
        }
        let Some(kw) = call
            .args
            .keywords
            .iter()
            .find(|k| k.key.name == Arg::Effect.name())
        else {
            return;
        };
        let d = self
            .diag(
                Code::EffectBelowAnalysis,
                kw.value.span,
                format!(
                    "`effect: :{declared}` is lower than what lrb found: {}",
                    classification.reason
                ),
            )
            .label(format!("the analysis says `{}`", classification.effect));
        self.report(d);
    }

    /// Whether an error that makes the action malformed was reported after the first
    /// `reported` findings (only the new ones are read, so a file with many findings stays
    /// linear). Safety findings (a literal credential) do not count: the action is still built,
    /// so the other safety rules see it and an allowed finding keeps it.
    fn errors_since(&self, reported: usize) -> bool {
        self.diagnostics[reported..]
            .iter()
            .any(|d| d.is_error() && !d.rule().suppressible)
    }

    fn unknown_target(&mut self, call: &ast::ActionCall, scope: &Scope) -> Option<plan::Step> {
        if self.broken_targets.contains(&call.target.name) {
            return None;
        }
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
                Code::UnknownTarget,
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
        catalogue::ArgType::Text | catalogue::ArgType::Raw(_) => "\"...\"",
        catalogue::ArgType::Duration => "5s",
        catalogue::ArgType::Percent => "90%",
        catalogue::ArgType::Bool => "true",
        catalogue::ArgType::Statuses => "200",
        catalogue::ArgType::Symbol(_) => ":name",
        catalogue::ArgType::Number | catalogue::ArgType::ExitCode | catalogue::ArgType::Count => {
            "1"
        }
    }
}

/// Effect analysis of raw SQL, Redis and shell text, with a plain word in each hole (placed
/// as its value will be); what a value could do there is [`fill::probe`]'s concern.
fn classify(lang: RawLanguage, sample: &str) -> Option<Classification> {
    match lang {
        RawLanguage::Sql => safety::classify_sql(sample),
        RawLanguage::Redis => safety::classify_redis(sample),
        RawLanguage::Shell => safety::classify_shell(sample),
        // A query reads; `catalogue::build` never asks.
        RawLanguage::Promql => None,
    }
}
