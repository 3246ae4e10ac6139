//! Checking and lowering one runbook.

use super::flow;
use super::registry;
use super::scope::{Context, FileChecker, Scope, duration, param_names, secret_names, text};
use crate::action::ValueType;
use crate::action::catalogue::{ArgSpec, ArgType, ArgValue};
use crate::ast::{self, ExprKind, Stmt};
use crate::diagnostic::did_you_mean;
use crate::duration::Duration;
use crate::plan;
use crate::source::Span;
use std::collections::{BTreeMap, HashSet};

const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

const fn opt(name: &'static str, ty: ArgType) -> ArgSpec {
    ArgSpec {
        name,
        ty,
        required: false,
        doc: "",
    }
}

/// Check ids with their value types and spans, for conditions.
type Checks = BTreeMap<String, (ValueType, Span)>;

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
                            &registry::DUPLICATE_DEFINITION,
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
                                &registry::DUPLICATE_DEFINITION,
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
                    &registry::UNREACHABLE_MITIGATION,
                    Span::new(m.span.start, m.body.open.end),
                    "this mitigation is outside any `when`, so nothing can select it",
                )
                .label("never runs")
                .help("Put it inside `when <condition> do ... end`, so a check's outcome decides when it runs.");
            self.report(d);
        }
        self.flow(rb, &out);

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
        super::rules::run(&out, self.input.file, &mut self.diagnostics);
        self.known_params = outer_params;
        self.secret_params = outer_secrets;
        out
    }

    fn meta(&mut self, m: &ast::Meta, out: &mut plan::Runbook) {
        let key = m.key.name.as_str();
        if let Some(kw) = m.args.keywords.first() {
            let d = self
                .diag(
                    &registry::UNKNOWN_ARGUMENT,
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
                    &registry::MISSING_ARGUMENT,
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
                                    &registry::WRONG_ARGUMENT_TYPE,
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
                match &args[0].kind {
                    ExprKind::Symbol(s) if SEVERITIES.contains(&s.as_str()) => {
                        self.set_once(&mut out.severity, s.clone(), key, m.span)
                    }
                    ExprKind::Invalid => {}
                    other => {
                        let shown = match other {
                            ExprKind::Symbol(s) => format!("`:{s}`"),
                            other => other.describe().to_string(),
                        };
                        let mut d = self
                            .diag(
                                &registry::INVALID_VALUE,
                                args[0].span,
                                format!("severity must be one of `:critical`, `:high`, `:medium`, `:low`, `:info`, not {shown}"),
                            )
                            .label("unknown severity");
                        if let ExprKind::Symbol(s) = other
                            && let Some(sug) = did_you_mean(s, SEVERITIES.iter().copied())
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
                    &registry::TOO_MANY_ARGUMENTS,
                    args[1].span.to(args[args.len() - 1].span),
                    format!("`{key}` takes one value"),
                )
                .label("extra");
            self.report(d);
            return true;
        }
        false
    }

    fn set_once(&mut self, slot: &mut Option<String>, value: String, key: &str, span: Span) {
        if slot.is_some() {
            let d = self
                .diag(
                    &registry::DUPLICATE_DEFINITION,
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

    /// A string shown to people, interpolation kept as `#{name}`.
    pub(super) fn text_value(&mut self, e: &ast::Expr, what: &str) -> Option<String> {
        self.shown_text(e, what).map(|t| t.source())
    }

    /// A text argument that is printed as it is: it must not carry a secret.
    fn shown_text(&mut self, e: &ast::Expr, what: &str) -> Option<crate::action::Template> {
        let ArgValue::Text(t) = self.coerce(e, &opt("text", ArgType::Text), what)? else {
            return None;
        };
        let secrets: Vec<String> = t
            .params()
            .filter(|p| self.secret_params.iter().any(|s| s == p))
            .map(str::to_string)
            .collect();
        for name in secrets {
            let d = self
                .diag(
                    &registry::SECRET_PRINTED,
                    e.span,
                    format!("secret parameter `{name}` is interpolated into {what}, which is shown to people"),
                )
                .label("prints the secret")
                .help(format!("Remove `#{{{name}}}` from the text; name the secret instead (\"the value of `{name}`\")."));
            self.report(d);
        }
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
                opt("timeout", ArgType::Duration),
                opt("info", ArgType::Bool),
            ],
            &what,
        );
        let description = c
            .description
            .as_ref()
            .and_then(|d| self.text_value(d, &what));
        let mut probes = Vec::new();
        for stmt in &c.body.stmts {
            match stmt {
                Stmt::Action(a) => probes.extend(self.action(a, scope, used)),
                Stmt::Todo(t) => {
                    let what = self.text_value(&t.text, "`todo`").unwrap_or_default();
                    let d = self
                        .diag(
                            &registry::UNFINISHED_CHECK,
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
                    &registry::EMPTY_BLOCK,
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
            timeout_ms: duration(&options, "timeout")
                .unwrap_or(plan::DEFAULT_PROBE_TIMEOUT.as_ms()),
            value_type,
            probes,
            info: matches!(options.0.get("info"), Some(ArgValue::Bool(true))),
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
                                &registry::UNKNOWN_RUNBOOK,
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
                    &registry::UNREACHABLE_MITIGATION,
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
        let options = self.options(&m.options, &[opt("destructive", ArgType::Text)], &what);
        let steps = self.steps(&m.body, Context::Mitigate, scope, used);
        if m.body.stmts.is_empty() {
            let d = self
                .diag(
                    &registry::EMPTY_BLOCK,
                    Span::new(m.span.start, m.body.open.end),
                    format!("{what} has no steps"),
                )
                .label("empty mitigation")
                .help("Add the actions or manual `step`s that mitigate the problem.");
            self.report(d);
        }
        Some(plan::Mitigation {
            name: name?,
            destructive: text(&options, "destructive"),
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
                opt("within", ArgType::Duration),
                opt("every", ArgType::Duration),
            ],
            "`confirm`",
        );
        let probes = self.steps(&c.body, Context::Confirm, scope, used);
        if c.body.stmts.is_empty() {
            let d = self
                .diag(
                    &registry::EMPTY_BLOCK,
                    Span::new(c.span.start, c.body.open.end),
                    "`confirm` has no probes",
                )
                .label("empty confirm")
                .help("Add read actions that pass once the service has recovered, such as `api.get \"/health\", status: 200`.");
            self.report(d);
        }
        let within_ms = duration(&options, "within").unwrap_or(plan::DEFAULT_CONFIRM_WITHIN_MS);
        let every_ms = duration(&options, "every").unwrap_or(plan::DEFAULT_CONFIRM_EVERY_MS);
        self.confirm_window(c, within_ms, every_ms);
        Some(plan::Confirm {
            within_ms,
            every_ms,
            // A bound written wrongly is reported as such, not also as missing.
            bounded: c.options.iter().any(|k| k.key.name == "within"),
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
            .diag(&registry::INVALID_WINDOW, span, message)
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
        let mut out = Vec::new();
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
                            span: s.span,
                        });
                    }
                }
                Stmt::Wait(w) => {
                    if let Some(ArgValue::Duration(ms)) =
                        self.coerce(&w.duration, &opt("duration", ArgType::Duration), "`wait`")
                    {
                        out.push(plan::Step {
                            action: crate::action::Action::Wait(crate::action::WaitStep { ms }),
                            span: w.span,
                        });
                    }
                }
                other => self.misplaced(other, ctx),
            }
        }
        out
    }

    fn condition(&mut self, c: &ast::Cond, checks: &Checks) -> Option<plan::Condition> {
        Some(match c {
            ast::Cond::State { state, check, .. } => {
                self.check_exists(check, checks)?;
                plan::Condition::State {
                    check: check.name.clone(),
                    state: *state,
                }
            }
            ast::Cond::Compare {
                check, op, value, ..
            } => {
                let ty = self.check_exists(check, checks)?;
                let literal = self.comparison(check, ty, *op, value)?;
                plan::Condition::Compare {
                    check: check.name.clone(),
                    op: *op,
                    value: literal,
                }
            }
            ast::Cond::Not(inner, _) => {
                plan::Condition::Not(Box::new(self.condition(inner, checks)?))
            }
            ast::Cond::And(a, b) => {
                let (a, b) = (self.condition(a, checks), self.condition(b, checks));
                plan::Condition::And(Box::new(a?), Box::new(b?))
            }
            ast::Cond::Or(a, b) => {
                let (a, b) = (self.condition(a, checks), self.condition(b, checks));
                plan::Condition::Or(Box::new(a?), Box::new(b?))
            }
        })
    }

    fn check_exists(&mut self, check: &ast::Ident, checks: &Checks) -> Option<ValueType> {
        if let Some((ty, _)) = checks.get(&check.name) {
            return Some(*ty);
        }
        if !self.unknown_checks.insert(check.name.clone()) {
            return None;
        }
        let help = match did_you_mean(&check.name, checks.keys().map(String::as_str)) {
            Some(s) => format!("Did you mean `:{s}`?"),
            None if checks.is_empty() => {
                "This runbook defines no checks; add `check :name do ... end`.".to_string()
            }
            None => format!(
                "Checks of this runbook: {}.",
                checks
                    .keys()
                    .map(|k| format!("`:{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let d = self
            .diag(
                &registry::UNKNOWN_CHECK,
                check.span,
                format!("unknown check `{}`", check.name),
            )
            .label("no check of this name in this runbook")
            .help(help);
        self.report(d);
        None
    }

    /// Types `value(:check) op literal`.
    fn comparison(
        &mut self,
        check: &ast::Ident,
        ty: ValueType,
        op: ast::CmpOp,
        value: &ast::Expr,
    ) -> Option<plan::Literal> {
        use plan::Literal as L;
        if ty == ValueType::None {
            let d = self
                .diag(
                    &registry::CHECK_WITHOUT_VALUE,
                    check.span,
                    format!("check `{}` yields no value to compare", check.name),
                )
                .label("no value");
            self.report(d);
            return None;
        }
        let literal = match (&value.kind, ty) {
            (ExprKind::Int(i), ValueType::Integer | ValueType::Number | ValueType::Any) => {
                L::Number(*i as f64)
            }
            (ExprKind::Float(f), ValueType::Integer | ValueType::Number | ValueType::Any) => {
                L::Number(*f)
            }
            (ExprKind::Percent(p), ValueType::Percent | ValueType::Any) => L::Percent(*p),
            (ExprKind::Str(s), ValueType::Text | ValueType::Any) if s.as_literal().is_some() => {
                L::Text(s.as_literal().unwrap_or_default())
            }
            (ExprKind::Symbol(s), ValueType::Text | ValueType::Any) => L::Text(s.clone()),
            (ExprKind::Bool(b), ValueType::Any) => L::Bool(*b),
            (ExprKind::Invalid, _) => return None,
            (other, _) => {
                let hint = match ty {
                    ValueType::Percent => "Write a percentage such as `90%`.".to_string(),
                    ValueType::Integer | ValueType::Number => {
                        "Compare with a number such as `80`.".to_string()
                    }
                    ValueType::Text => "Compare with a string such as `\"running\"`.".to_string(),
                    _ => "Compare with a literal number, percentage or string.".to_string(),
                };
                let d = self
                    .diag(
                        &registry::COMPARISON_TYPE_MISMATCH,
                        value.span,
                        format!(
                            "check `{}` yields {}, but is compared with {}",
                            check.name,
                            ty.describe(),
                            other.describe()
                        ),
                    )
                    .label(format!("expected {}", ty.describe()))
                    .related(check.span, "this check's value")
                    .help(hint);
                self.report(d);
                return None;
            }
        };
        if matches!(literal, L::Text(_) | L::Bool(_))
            && !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne)
        {
            let d = self
                .diag(
                    &registry::COMPARISON_TYPE_MISMATCH,
                    value.span,
                    format!(
                        "text can only be compared with `==` or `!=`, not `{}`",
                        op.as_str()
                    ),
                )
                .label("not ordered")
                .help("Use `==` or `!=`, or compare with a number.");
            self.report(d);
            return None;
        }
        Some(literal)
    }

    /// Flow findings that need the whole runbook.
    fn flow(&mut self, rb: &ast::Runbook, out: &plan::Runbook) {
        // Without its `end`, the runbook swallowed what followed: its shape is a guess.
        if rb.body.close.is_none() {
            return;
        }
        let head = Span::new(rb.span.start, rb.body.open.end);
        // A `title` with a bad value is already reported; do not also call it missing.
        let has_title = rb
            .body
            .stmts
            .iter()
            .any(|s| matches!(s, Stmt::Meta(m) if m.key.name == "title"));
        if !has_title {
            let d = self
                .diag(
                    &registry::MISSING_TITLE,
                    head,
                    format!("runbook `{}` has no title", rb.name.name),
                )
                .label("no `title`");
            self.report(d);
        }
        if out.mitigations().next().is_some() && out.confirm.is_none() {
            let d = self
                .diag(
                    &registry::MISSING_CONFIRM,
                    head,
                    format!(
                        "runbook `{}` mitigates but never confirms recovery",
                        rb.name.name
                    ),
                )
                .label("no `confirm` block");
            self.report(d);
        }
        // From the conditions as written, so a condition with an error still counts as reading.
        let mut read = HashSet::new();
        for stmt in &rb.body.stmts {
            if let Stmt::When(w) = stmt {
                cond_checks(&w.cond, &mut read);
            }
        }
        for check in out
            .checks
            .iter()
            .filter(|c| !c.info && !read.contains(c.id.as_str()))
        {
            let d = self
                .diag(
                    &registry::UNUSED_CHECK,
                    check_head(rb, &check.id).unwrap_or(check.span),
                    format!("check `{}` is not used by any `when`", check.id),
                )
                .label("never read")
                .help(format!(
                    "Use it in a condition such as `when failed(:{}) do`, or mark it `info: true` if it only shows the operator something.",
                    check.id
                ));
            self.report(d);
        }
    }
}

/// The ids of the checks a condition names.
fn cond_checks<'a>(cond: &'a ast::Cond, into: &mut HashSet<&'a str>) {
    match cond {
        ast::Cond::State { check, .. } | ast::Cond::Compare { check, .. } => {
            into.insert(check.name.as_str());
        }
        ast::Cond::Not(inner, _) => cond_checks(inner, into),
        ast::Cond::And(a, b) | ast::Cond::Or(a, b) => {
            cond_checks(a, into);
            cond_checks(b, into);
        }
    }
}

fn check_head(rb: &ast::Runbook, id: &str) -> Option<Span> {
    rb.body.stmts.iter().find_map(|s| match s {
        Stmt::Check(c) if c.id.name == id => Some(Span::new(c.span.start, c.body.open.end)),
        _ => None,
    })
}
