//! Checking and lowering one runbook: its checks, `when`s, mitigations, `confirm` and
//! follow-ups. Metadata and conditions have files of their own.

use super::condition::Checks;
use super::flow;
use super::scope::{Context, FileChecker, Scope, param_names, secret_names};
use crate::action::ValueType;
use crate::action::catalogue::{Arg, ArgSpec, ArgType, ArgValue};
use crate::ast::{self, Stmt};
use crate::diagnostic::Code;
use crate::diagnostic::did_you_mean;
use crate::duration::Duration;
use crate::plan;
use crate::source::Span;
use std::collections::HashSet;

const fn opt(key: Arg, ty: ArgType) -> ArgSpec {
    ArgSpec {
        key,
        ty,
        required: false,
        doc: "",
    }
}

impl FileChecker<'_> {
    pub(super) fn runbook(&mut self, rb: &ast::Runbook, file_scope: &Scope) -> plan::Runbook {
        let stmts = &rb.body.stmts;
        self.unknown_checks.clear();
        let mut scope = file_scope.clone();
        let outer_params = self.known_params.clone();
        let outer_secrets = self.secret_params.clone();
        self.known_params.extend(param_names(stmts));
        self.declarations(stmts, &mut scope);
        self.secret_params = secret_names(&scope);
        let mut used_targets = HashSet::new();

        let mut out = plan::Runbook {
            id: rb.name.name.clone(),
            source: self.input.path.to_path_buf(),
            span: rb.span,
            title: None,
            severity: None,
            owner: None,
            description: None,
            symptoms: Vec::new(),
            tags: Vec::new(),
            params: Vec::new(),
            targets: Vec::new(),
            checks: Vec::new(),
            branches: Vec::new(),
            confirm: None,
            followups: Vec::new(),
        };

        // Checks first: conditions may name a check defined below them.
        let mut checks = Checks::new();
        for stmt in stmts {
            if let Stmt::Check(c) = stmt
                && let Some(check) = self.check_def(c, &scope, &mut used_targets)
            {
                if let Some((_, first)) = checks.get(&check.id) {
                    let d = self
                        .diag(
                            Code::DuplicateDefinition,
                            c.id.span,
                            format!("check `{}` is defined twice", c.id.name),
                        )
                        .label("second definition")
                        .related(*first, "first defined here");
                    self.report(d);
                    continue;
                }
                checks.insert(check.id.clone(), (check.value_type, c.id.span));
                out.checks.push(check);
            }
        }

        let mut confirm_span: Option<Span> = None;
        let mut stray_mitigations = Vec::new();
        for stmt in stmts {
            match stmt {
                Stmt::Target(_) | Stmt::Param(_) | Stmt::Check(_) => {}
                Stmt::Meta(m) => self.meta(m, &mut out),
                Stmt::When(w) => {
                    if let Some(branch) = self.when_def(w, &scope, &checks, &mut used_targets) {
                        out.branches.push(branch);
                    }
                }
                Stmt::Confirm(c) => {
                    if let Some(first) = confirm_span {
                        let d = self
                            .diag(
                                Code::DuplicateDefinition,
                                c.body.open,
                                "a runbook has one `confirm` block",
                            )
                            .label("second `confirm`")
                            .related(first, "first `confirm` here")
                            .help("Merge the probes into one `confirm` block; it passes when all of them pass.");
                        self.report(d);
                        continue;
                    }
                    confirm_span = Some(c.body.open);
                    out.confirm = self.confirm_def(c, &scope, &mut used_targets);
                }
                Stmt::Followup(f) => {
                    for s in &f.body.stmts {
                        match s {
                            Stmt::Todo(t) => {
                                if let Some(text) = self.text_value(&t.text, "`todo`") {
                                    out.followups.push(text);
                                }
                            }
                            other => self.misplaced(other, Context::Followup),
                        }
                    }
                }
                Stmt::Mitigate(m) => stray_mitigations.push(m),
                other => self.misplaced(other, Context::Runbook),
            }
        }

        for m in stray_mitigations {
            let d = self
                .diag(
                    Code::UnreachableMitigation,
                    Span::new(m.span.start, m.body.open.end),
                    "this mitigation is outside any `when`, so nothing can select it",
                )
                .label("never runs")
                .help("Put it inside `when <condition> do ... end`, so a check's outcome decides when it runs.");
            self.report(d);
        }

        let mut params: Vec<_> = scope.params.into_values().map(|(_, p)| p).collect();
        params.sort_by(|a, b| a.name.cmp(&b.name));
        out.params = params;
        let implicit: Vec<_> = flow::IMPLICIT_TARGETS
            .iter()
            .filter(|name| used_targets.contains(**name) && !scope.targets.contains_key(**name))
            .map(|name| flow::implicit_target(name))
            .collect();
        let mut targets: Vec<_> = scope
            .targets
            .into_values()
            .map(|(_, t)| t)
            .chain(implicit)
            .collect();
        targets.sort_by(|a, b| a.name.cmp(&b.name));
        out.targets = targets;
        super::rules::run(&out, rb, self.input.file, &mut self.diagnostics);
        self.known_params = outer_params;
        self.secret_params = outer_secrets;
        out
    }

    /// A string shown to people, interpolation kept as `#{name}`.
    pub(super) fn text_value(&mut self, e: &ast::Expr, what: &str) -> Option<String> {
        self.shown_text(e, what).map(|t| t.source())
    }

    /// A text argument that is printed as it is: it must not carry a secret.
    fn shown_text(&mut self, e: &ast::Expr, what: &str) -> Option<crate::action::Template> {
        let ArgValue::Text(t) = self.coerce(e, &opt(Arg::Text, ArgType::Text), what)? else {
            return None;
        };
        let found = super::rules::secret_printed::check(
            &t,
            &self.secret_params,
            self.input.file,
            e.span,
            what,
        );
        self.diagnostics.extend(found);
        Some(t)
    }

    fn check_def(
        &mut self,
        c: &ast::Check,
        scope: &Scope,
        used: &mut HashSet<String>,
    ) -> Option<plan::Check> {
        let what = format!("check `{}`", c.id.name);
        let options = self.options(
            &c.options,
            &[
                opt(Arg::Timeout, ArgType::Duration),
                opt(Arg::Info, ArgType::Bool),
            ],
            &what,
        );
        let description = c
            .description
            .as_ref()
            .and_then(|d| self.text_value(d, &what));
        let mut probes = Vec::with_capacity(c.body.stmts.len());
        for stmt in &c.body.stmts {
            match stmt {
                Stmt::Action(a) => probes.extend(self.action(a, scope, used)),
                Stmt::Todo(t) => {
                    let what = self.text_value(&t.text, "`todo`").unwrap_or_default();
                    let d = self
                        .diag(
                            Code::UnfinishedCheck,
                            t.span,
                            format!("check `{}` is still to be written: {what}", c.id.name),
                        )
                        .label("a probe goes here");
                    self.report(d);
                }
                other => self.misplaced(other, Context::Check),
            }
        }
        if c.body.stmts.is_empty() {
            let d = self
                .diag(
                    Code::EmptyBlock,
                    Span::new(c.span.start, c.body.open.end),
                    format!("check `{}` has no probe", c.id.name),
                )
                .label("empty check")
                .help("Add a read action such as `api.get \"/health\", status: 200` inside the check.");
            self.report(d);
        }
        // A probe already reported as wrong must not make every comparison on it wrong too.
        let written = c
            .body
            .stmts
            .iter()
            .filter(|s| matches!(s, Stmt::Action(_)))
            .count();
        let value_type = match probes.first() {
            _ if probes.len() < written => ValueType::Any,
            Some(p) => p.action.value_type(),
            None => ValueType::None,
        };
        Some(plan::Check {
            id: c.id.name.clone(),
            description,
            timeout_ms: options
                .ms(Arg::Timeout)
                .unwrap_or(plan::DEFAULT_PROBE_TIMEOUT.as_ms()),
            value_type,
            probes,
            info: matches!(options.0.get(&Arg::Info), Some(ArgValue::Bool(true))),
            note: self.note(c.span),
            span: c.span,
        })
    }

    fn when_def(
        &mut self,
        w: &ast::When,
        scope: &Scope,
        checks: &Checks,
        used: &mut HashSet<String>,
    ) -> Option<plan::Branch> {
        let condition = self.condition(&w.cond, checks);
        let mut mitigations = Vec::new();
        let mut see = Vec::new();
        for stmt in &w.body.stmts {
            match stmt {
                Stmt::Mitigate(m) => mitigations.extend(self.mitigate_def(m, scope, used)),
                Stmt::See(s) => {
                    if self.runbooks.contains_key(&s.runbook.name) {
                        see.push(s.runbook.name.clone());
                    } else {
                        let help = match did_you_mean(
                            &s.runbook.name,
                            self.runbooks.keys().map(String::as_str),
                        ) {
                            Some(sug) => format!("Did you mean `:{sug}`? Runbooks are looked up in every file given to the command."),
                            None => "Pass the file that defines it to the same command, or fix the name.".to_string(),
                        };
                        let d = self
                            .diag(
                                Code::UnknownRunbook,
                                s.runbook.span,
                                format!("unknown runbook `{}`", s.runbook.name),
                            )
                            .label("no runbook of this name")
                            .help(help);
                        self.report(d);
                    }
                }
                other => self.misplaced(other, Context::When),
            }
        }
        let condition = condition?;
        if !flow::satisfiable(&condition) {
            let d = self
                .diag(
                    Code::UnreachableMitigation,
                    w.cond.span(),
                    "this condition can never be true, so its block never runs",
                )
                .label("always false")
                .help("A check is exactly one of passed, failed or errored; fix the condition so some outcome satisfies it.");
            self.report(d);
        }
        Some(plan::Branch {
            condition,
            mitigations,
            see,
            note: self.note(w.span),
            span: w.span,
        })
    }

    fn mitigate_def(
        &mut self,
        m: &ast::Mitigate,
        scope: &Scope,
        used: &mut HashSet<String>,
    ) -> Option<plan::Mitigation> {
        let name = self.text_value(&m.name, "`mitigate`");
        let what = format!("mitigation `{}`", name.as_deref().unwrap_or("?"));
        let options = self.options(&m.options, &[opt(Arg::Destructive, ArgType::Text)], &what);
        let steps = self.steps(&m.body, Context::Mitigate, scope, used);
        if m.body.stmts.is_empty() {
            let d = self
                .diag(
                    Code::EmptyBlock,
                    Span::new(m.span.start, m.body.open.end),
                    format!("{what} has no steps"),
                )
                .label("empty mitigation")
                .help("Add the actions or manual `step`s that mitigate the problem.");
            self.report(d);
        }
        Some(plan::Mitigation {
            name: name?,
            destructive: options.plain(Arg::Destructive),
            steps,
            span: m.span,
        })
    }

    fn confirm_def(
        &mut self,
        c: &ast::Confirm,
        scope: &Scope,
        used: &mut HashSet<String>,
    ) -> Option<plan::Confirm> {
        let options = self.options(
            &c.options,
            &[
                opt(Arg::Within, ArgType::Duration),
                opt(Arg::Every, ArgType::Duration),
            ],
            "`confirm`",
        );
        let probes = self.steps(&c.body, Context::Confirm, scope, used);
        if c.body.stmts.is_empty() {
            let d = self
                .diag(
                    Code::EmptyBlock,
                    Span::new(c.span.start, c.body.open.end),
                    "`confirm` has no probes",
                )
                .label("empty confirm")
                .help("Add read actions that pass once the service has recovered, such as `api.get \"/health\", status: 200`.");
            self.report(d);
        }
        let within_ms = options
            .ms(Arg::Within)
            .unwrap_or(plan::DEFAULT_CONFIRM_WITHIN_MS);
        let every_ms = options
            .ms(Arg::Every)
            .unwrap_or(plan::DEFAULT_CONFIRM_EVERY_MS);
        self.confirm_window(c, within_ms, every_ms);
        Some(plan::Confirm {
            within_ms,
            every_ms,
            // A bound written wrongly is reported as such, not also as missing.
            bounded: c.options.iter().any(|k| k.key.name == Arg::Within.name()),
            probes,
            span: c.span,
        })
    }

    /// `within: 0s` never tries; `every: 0s` spins; an `every` longer than `within` tries once.
    fn confirm_window(&mut self, c: &ast::Confirm, within_ms: u64, every_ms: u64) {
        let span_of = |name: &str| {
            c.options
                .iter()
                .find(|k| k.key.name == name)
                .map(|k| Span::new(k.key.span.start, k.value.span.end))
        };
        let problem = if within_ms == 0 {
            Some((
                "within",
                "`within: 0s` leaves no time to confirm anything".to_string(),
            ))
        } else if every_ms == 0 {
            Some(("every", "`every: 0s` retries without pause".to_string()))
        } else if every_ms > within_ms {
            Some((
                "every",
                format!(
                    "`every:` ({}) is longer than `within:` ({}), so the probes run once",
                    Duration::from_ms(every_ms),
                    Duration::from_ms(within_ms)
                ),
            ))
        } else {
            None
        };
        let Some((option, message)) = problem else {
            return;
        };
        let span = span_of(option)
            .or_else(|| span_of("within"))
            .unwrap_or(Span::new(c.span.start, c.body.open.end));
        let d = self
            .diag(Code::InvalidWindow, span, message)
            .label("this window");
        self.report(d);
    }

    /// The body of `mitigate` or `confirm`: actions, manual steps and waits.
    fn steps(
        &mut self,
        block: &ast::Block,
        ctx: Context,
        scope: &Scope,
        used: &mut HashSet<String>,
    ) -> Vec<plan::Step> {
        let mut out = Vec::with_capacity(block.stmts.len());
        for stmt in &block.stmts {
            match stmt {
                Stmt::Action(a) => out.extend(self.action(a, scope, used)),
                Stmt::Step(s) => {
                    self.options(&s.options, &[], "`step`");
                    if let Some(text) = self.shown_text(&s.text, "`step`") {
                        out.push(plan::Step {
                            action: crate::action::Action::Manual(crate::action::ManualStep {
                                text,
                            }),
                            note: self.note(s.span),
                            span: s.span,
                        });
                    }
                }
                Stmt::Wait(w) => {
                    if let Some(ArgValue::Duration(ms)) = self.coerce(
                        &w.duration,
                        &opt(Arg::Duration, ArgType::Duration),
                        "`wait`",
                    ) {
                        out.push(plan::Step {
                            action: crate::action::Action::Wait(crate::action::WaitStep { ms }),
                            note: self.note(w.span),
                            span: w.span,
                        });
                    }
                }
                other => self.misplaced(other, ctx),
            }
        }
        out
    }
}
