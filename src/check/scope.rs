//! File-level checking: declarations, placement of statements, option lists.

use super::Input;
use crate::action::catalogue::{self, Arg, ArgSpec, ArgValue, ArgValues, TargetKind};
use crate::ast::{self, Expr, ExprKind, Ident, KwArg, Stmt};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::plan;
use crate::source::{FileId, Span};
use crate::syntax::keywords::{self, Kind};
use std::collections::HashMap;
use std::path::Path;

/// The blocks statements can appear in, with what each allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    File,
    Runbook,
    Check,
    When,
    Mitigate,
    Confirm,
    Followup,
    /// The top of a scenario file (`NAME.test.rb`).
    ScenarioFile,
    Scenario,
    Background,
    After,
}

impl Context {
    fn name(self) -> &'static str {
        match self {
            Context::File => "the top of a file",
            Context::Runbook => "a `runbook`",
            Context::Check => "a `check`",
            Context::When => "a `when`",
            Context::Mitigate => "a `mitigate`",
            Context::Confirm => "a `confirm`",
            Context::Followup => "a `followup`",
            Context::ScenarioFile => "the top of a scenario file",
            Context::Scenario => "a `scenario`",
            Context::Background => "a `background`",
            Context::After => "an `after`",
        }
    }

    /// The statement keywords this block accepts.
    pub fn allows(self) -> &'static [&'static str] {
        match self {
            Context::File => &["target", "param", "runbook"],
            Context::Runbook => &[
                "title",
                "severity",
                "owner",
                "description",
                "symptom",
                "tags",
                "param",
                "target",
                "check",
                "when",
                "confirm",
                "followup",
            ],
            Context::Check => &["action", "todo"],
            Context::When => &["mitigate", "see"],
            Context::Mitigate => &["action", "step", "wait"],
            Context::Confirm => &["action", "step", "wait"],
            Context::Followup => &["todo"],
            Context::ScenarioFile => &["background", "scenario"],
            Context::Scenario => &[
                "runbook", "given", "after", "set", "operator", "flags", "answer", "expect",
            ],
            Context::Background | Context::After => &["given"],
        }
    }
}

#[derive(Clone)]
pub(super) struct Scope {
    pub targets: HashMap<String, (Span, plan::Target)>,
    pub params: HashMap<String, (Span, plan::Param)>,
}

pub(super) struct FileChecker<'a> {
    pub input: &'a Input<'a>,
    pub runbooks: &'a HashMap<String, (FileId, &'a Path)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Parameters visible where checking is now.
    pub known_params: Vec<String>,
    /// Those of them marked `secret: true`.
    pub secret_params: Vec<String>,
    /// Targets whose declaration was already reported as wrong: uses of them are not reported
    /// again as unknown.
    pub broken_targets: Vec<String>,
    /// Unknown check names already reported in the runbook being checked: a name used many
    /// times is one mistake, reported at its first use.
    pub unknown_checks: std::collections::HashSet<String>,
}

impl<'a> FileChecker<'a> {
    pub fn new(input: &'a Input<'a>, runbooks: &'a HashMap<String, (FileId, &'a Path)>) -> Self {
        FileChecker {
            input,
            runbooks,
            diagnostics: Vec::new(),
            known_params: Vec::new(),
            secret_params: Vec::new(),
            broken_targets: Vec::new(),
            unknown_checks: std::collections::HashSet::new(),
        }
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// The comment just above `span`, if any: see [`super::notes`].
    pub fn note(&self, span: Span) -> Option<String> {
        super::notes::above(self.input.text, &self.input.ast.comments, span)
    }

    pub fn diag(&self, code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, self.input.file, span, message)
    }

    /// Checks the whole file and lowers its runbooks.
    pub fn file(&mut self) -> Vec<plan::Runbook> {
        let body = &self.input.ast.body;
        let mut scope = Scope {
            targets: HashMap::new(),
            params: HashMap::new(),
        };
        self.known_params = param_names(body);
        self.declarations(body, &mut scope);
        self.secret_params = secret_names(&scope);
        let mut out = Vec::new();
        for stmt in body {
            match stmt {
                Stmt::Target(_) | Stmt::Param(_) => {}
                Stmt::Runbook(rb) => out.push(self.runbook(rb, &scope)),
                other => self.misplaced(other, Context::File),
            }
        }
        out
    }

    /// Declares the targets and parameters of one block into `scope`.
    pub fn declarations(&mut self, stmts: &[Stmt], scope: &mut Scope) {
        for stmt in stmts {
            match stmt {
                Stmt::Target(t) => match self.target(t) {
                    Some(target) => self.declare(&mut scope.targets, &t.name, "target", target),
                    None => self.broken_targets.push(t.name.name.clone()),
                },
                Stmt::Param(p) => {
                    let param = self.param(p);
                    self.declare(&mut scope.params, &p.name, "parameter", param);
                }
                _ => {}
            }
        }
    }

    fn declare<T>(
        &mut self,
        into: &mut HashMap<String, (Span, T)>,
        name: &Ident,
        what: &str,
        value: T,
    ) {
        if let Some((first, _)) = into.get(&name.name) {
            let d = self
                .diag(
                    Code::DuplicateDefinition,
                    name.span,
                    format!("{what} `{}` is declared twice", name.name),
                )
                .label("second declaration")
                .related(*first, "first declared here");
            self.report(d);
        } else {
            into.insert(name.name.clone(), (name.span, value));
        }
    }

    fn target(&mut self, t: &ast::Target) -> Option<plan::Target> {
        let Some(kind) = TargetKind::from_name(&t.kind.name) else {
            let kinds = TargetKind::ALL.map(TargetKind::name);
            let mut d = self
                .diag(
                    Code::UnknownTargetKind,
                    t.kind.span,
                    format!("unknown target kind `{}`", t.kind.name),
                )
                .label("not a target kind");
            if let Some(s) = did_you_mean(&t.kind.name, kinds) {
                d = d.help(format!("Did you mean `{s}`? Kinds are `http`, `postgres`, `redis`, `docker`, `compose` and `shell`."));
            }
            self.report(d);
            return None;
        };
        // A bad address is reported once: the target still exists, so its uses are not also
        // "unknown target". Any error drops the plan, so the empty address never runs.
        let address = self
            .address(&t.address, kind)
            .unwrap_or(plan::Address::Literal {
                value: String::new(),
            });
        let mut allowed = vec![ArgSpec {
            key: Arg::Timeout,
            ty: catalogue::ArgType::Duration,
            required: false,
            doc: "",
        }];
        if kind == TargetKind::Compose {
            allowed.push(ArgSpec {
                key: Arg::Project,
                ty: catalogue::ArgType::Text,
                required: false,
                doc: "",
            });
        }
        let options = self.options(&t.options, &allowed, &format!("a `{}` target", kind.name()));
        Some(plan::Target {
            name: t.name.name.clone(),
            kind,
            address,
            timeout_ms: options.ms(Arg::Timeout),
            project: options.plain(Arg::Project),
        })
    }

    /// A literal string, `env("NAME", "default")` or `secret("NAME")`.
    fn address(&mut self, e: &Expr, kind: TargetKind) -> Option<plan::Address> {
        let literal = |e: &Expr| match &e.kind {
            ExprKind::Str(s) => s.as_literal(),
            _ => None,
        };
        let address = match &e.kind {
            ExprKind::Str(s) => s.as_literal().map(|value| plan::Address::Literal { value }),
            ExprKind::Call { func, args } if func.name == "env" || func.name == "secret" => {
                let name = args.positional.first().and_then(literal);
                let default = args.positional.get(1).and_then(literal);
                let extra = args.positional.len() > if func.name == "env" { 2 } else { 1 }
                    || !args.keywords.is_empty();
                match (name, func.name.as_str()) {
                    (Some(name), "env")
                        if !extra && (args.positional.len() < 2 || default.is_some()) =>
                    {
                        Some(plan::Address::Env { name, default })
                    }
                    (Some(name), "secret") if !extra => Some(plan::Address::Secret { name }),
                    _ => {
                        let shape = if func.name == "env" {
                            "`env(\"NAME\")` or `env(\"NAME\", \"default\")`"
                        } else {
                            "`secret(\"NAME\")`"
                        };
                        let d = self
                            .diag(
                                Code::WrongArgumentType,
                                e.span,
                                format!(
                                    "`{}` takes the variable's name as a plain string",
                                    func.name
                                ),
                            )
                            .label("malformed")
                            .help(format!("Write {shape}."));
                        self.report(d);
                        return None;
                    }
                }
            }
            _ => None,
        };
        if let Some(plan::Address::Literal { value }) = &address {
            self.literal_credential(value, e.span);
        }
        let written = match &address {
            Some(plan::Address::Literal { value }) => Some(value),
            Some(plan::Address::Env {
                default: Some(value),
                ..
            }) => Some(value),
            _ => None,
        };
        if let Some(problem) = written.and_then(|v| super::address::problem(kind, v)) {
            let d = self
                .diag(
                    Code::InvalidAddress,
                    e.span,
                    format!(
                        "this is no address for a target of kind `{}`: {problem}",
                        kind.name()
                    ),
                )
                .label("not an address of this kind")
                .help(format!("Give {}.", kind.address_doc()));
            self.report(d);
        }
        if address.is_none() && e.kind != ExprKind::Invalid {
            let d = self
                .diag(
                    Code::WrongArgumentType,
                    e.span,
                    format!("a target's address must be a plain string, `env(...)` or `secret(...)`, not {}", e.kind.describe()),
                )
                .label("not an address")
                .help(format!(
                    "Give {}, or read it with `env(\"NAME\", \"default\")` or `secret(\"NAME\")`.",
                    kind.address_doc()
                ));
            self.report(d);
        }
        address
    }

    fn param(&mut self, p: &ast::Param) -> plan::Param {
        let allowed = [
            ArgSpec {
                key: Arg::Default,
                ty: catalogue::ArgType::Text,
                required: false,
                doc: "",
            },
            ArgSpec {
                key: Arg::Description,
                ty: catalogue::ArgType::Text,
                required: false,
                doc: "",
            },
            ArgSpec {
                key: Arg::Secret,
                ty: catalogue::ArgType::Bool,
                required: false,
                doc: "",
            },
        ];
        let options = self.options(&p.options, &allowed, "`param`");
        plan::Param {
            name: p.name.name.clone(),
            default: options.plain(Arg::Default),
            description: options.plain(Arg::Description),
            secret: matches!(options.0.get(&Arg::Secret), Some(ArgValue::Bool(true))),
        }
    }

    /// Validates keyword arguments against `allowed`, reporting unknown, repeated,
    /// missing and mistyped ones; returns the good ones.
    pub fn options(&mut self, given: &[KwArg], allowed: &[ArgSpec], what: &str) -> ArgValues {
        let mut out = ArgValues::default();
        // Given keywords and where each was last given: a few at most, so a scan, no hashing.
        let mut seen: Vec<(&str, Span)> = Vec::with_capacity(given.len());
        for kw in given {
            let Some(spec) = allowed.iter().find(|a| a.name() == kw.key.name) else {
                let names = allowed.iter().map(|a| a.name());
                let help = match did_you_mean(&kw.key.name, names.clone()) {
                    Some(s) => format!("Did you mean `{s}:`?"),
                    None if allowed.is_empty() => format!(
                        "{} takes no keyword arguments; remove it.",
                        capitalize(what)
                    ),
                    None => format!(
                        "{} takes {}.",
                        capitalize(what),
                        names
                            .map(|n| format!("`{n}:`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let d = self
                    .diag(
                        Code::UnknownArgument,
                        kw.key.span,
                        format!("unknown argument `{}` for {what}", kw.key.name),
                    )
                    .label("unknown argument")
                    .help(help);
                self.report(d);
                continue;
            };
            if let Some((_, last)) = seen.iter_mut().find(|(name, _)| *name == spec.name()) {
                let first = std::mem::replace(last, kw.key.span);
                let d = self
                    .diag(
                        Code::DuplicateArgument,
                        kw.key.span,
                        format!("argument `{}` is given twice", spec.name()),
                    )
                    .label("repeated")
                    .related(first, "first given here");
                self.report(d);
                continue;
            }
            seen.push((spec.name(), kw.key.span));
            if let Some(v) = self.coerce(&kw.value, spec, what) {
                out.0.insert(spec.key, v);
            }
        }
        for spec in allowed.iter().filter(|a| a.required) {
            if !seen.iter().any(|(name, _)| *name == spec.name()) {
                let span = given.last().map_or(Span::default(), |k| k.value.span);
                let d = self
                    .diag(
                        Code::MissingArgument,
                        span,
                        format!("{what} needs `{}:`", spec.name()),
                    )
                    .help(format!(
                        "Add `{}: ...` ({}).",
                        spec.name(),
                        spec.ty.describe()
                    ));
                self.report(d);
            }
        }
        out
    }

    /// Converts one argument, reporting a type error.
    pub fn coerce(&mut self, e: &Expr, spec: &ArgSpec, what: &str) -> Option<ArgValue> {
        self.check_refs(e);
        match super::coerce::coerce(e, spec.ty) {
            Ok(ArgValue::Text(t)) => {
                self.literal_credential(&t.source(), e.span);
                Some(ArgValue::Text(t))
            }
            Ok(v) => Some(v),
            Err(reason) if reason.is_empty() => None,
            Err(reason) => {
                let d = self
                    .diag(
                        Code::WrongArgumentType,
                        e.span,
                        format!("wrong type for `{}` of {what}: {reason}", spec.name()),
                    )
                    .label(format!("expected {}", spec.ty.describe()))
                    .help(format!("Give `{}` {}.", spec.name(), spec.ty.describe()));
                self.report(d);
                None
            }
        }
    }

    fn literal_credential(&mut self, text: &str, span: Span) {
        if let Some(d) = super::rules::literal_credential::check(text, self.input.file, span) {
            self.report(d);
        }
    }

    /// Reports parameter references (`#{name}`, bare names) that nothing declares.
    pub fn check_refs(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Ref(name) => self.check_ref(name, e.span),
            ExprKind::Str(s) => {
                for part in &s.parts {
                    if let ast::StrPart::Interp(id) = part {
                        self.check_ref(&id.name, id.span);
                    }
                }
            }
            ExprKind::List(items) => items.iter().for_each(|i| self.check_refs(i)),
            _ => {}
        }
    }

    fn check_ref(&mut self, name: &str, span: Span) {
        if self.known_params.iter().any(|p| p == name) {
            return;
        }
        let help = match did_you_mean(name, self.known_params.iter().map(String::as_str)) {
            Some(s) => format!("Did you mean `{s}`?"),
            None => format!(
                "Declare it with `param :{name}`, or quote the text if it is not a parameter."
            ),
        };
        let d = self
            .diag(
                Code::UnknownParameter,
                span,
                format!("unknown parameter `{name}`"),
            )
            .label("not declared")
            .help(help);
        self.report(d);
    }

    /// Reports a statement that cannot stand in `ctx`.
    pub fn misplaced(&mut self, stmt: &Stmt, ctx: Context) {
        if let Stmt::Unknown(u) = stmt {
            return self.unknown(u, ctx);
        }
        // `runbook :name` with no block is a scenario's fact; in a runbook file, a runbook
        // that lost its `do ... end`.
        if let Stmt::Fact(f) = stmt
            && let Some(usage) = keywords::find(&f.key.name)
                .filter(|k| k.kind != Kind::Scenario)
                .and_then(|k| k.usage)
        {
            return self.malformed(f.span, &f.key.name, usage);
        }
        let keyword = match stmt {
            Stmt::Action(a) => format!("action `{}.{}`", a.target.name, a.verb.name),
            other => format!("`{}`", other.keyword()),
        };
        let home = keywords::find(stmt.keyword()).map_or(keywords::ACTION_HOME, |k| k.home);
        let d = self
            .diag(
                Code::MisplacedStatement,
                head_span(stmt),
                format!("{keyword} cannot appear in {}", ctx.name()),
            )
            .label("not allowed here")
            .help(format!("Move it {home}."));
        self.report(d);
    }

    fn malformed(&mut self, span: Span, word: &str, usage: &str) {
        let d = self
            .diag(
                Code::MalformedStatement,
                span,
                format!("malformed `{word}` statement"),
            )
            .label(format!("expected `{usage}`"))
            .help(format!(
                "Write it as `{usage}`; `docs/language.md` shows every statement."
            ));
        self.report(d);
    }

    fn unknown(&mut self, u: &ast::Unknown, ctx: Context) {
        let word = &u.path[0];
        // A keyword the grammar could not match: its arguments or block are wrong, not its name.
        if let [_] = u.path.as_slice()
            && let Some(usage) = keywords::find(&word.name).and_then(|k| k.usage)
        {
            let span = Span::new(
                u.span.start,
                u.body.as_ref().map_or(u.span.end, |b| b.open.end),
            );
            return self.malformed(span, &word.name, usage);
        }
        let mut candidates: Vec<&str> = ctx
            .allows()
            .iter()
            .copied()
            .filter(|k| *k != "action")
            .collect();
        if ctx == Context::Runbook || ctx == Context::File {
            candidates.extend(
                keywords::KEYWORDS
                    .iter()
                    .filter(|k| matches!(k.kind, Kind::Block | Kind::Step))
                    .map(|k| k.word),
            );
        }
        let message = if u.path.len() > 1 {
            format!("`{}` is not a target or a statement", word.name)
        } else {
            format!("unknown statement `{}`", word.name)
        };
        let allowed: Vec<String> = ctx.allows().iter().map(|k| format!("`{k}`")).collect();
        let help = match did_you_mean(&word.name, candidates) {
            Some(s) => format!("Did you mean `{s}`?"),
            None => format!("{} allows {}.", capitalize(ctx.name()), allowed.join(", ")),
        };
        let d = self
            .diag(Code::UnknownStatement, word.span, message)
            .label("unknown")
            .help(help);
        self.report(d);
    }
}

/// The span of a statement's first line, so labels stay small.
fn head_span(stmt: &Stmt) -> Span {
    let body_open = stmt.block().map(|b| b.open);
    let span = stmt.span();
    body_open.map_or(span, |open| Span::new(span.start, open.end))
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Names of the parameters a block declares.
pub(super) fn param_names(stmts: &[Stmt]) -> Vec<String> {
    stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Param(p) => Some(p.name.name.clone()),
            _ => None,
        })
        .collect()
}

/// Names of the parameters in scope marked `secret: true`.
pub(super) fn secret_names(scope: &Scope) -> Vec<String> {
    scope
        .params
        .values()
        .filter(|(_, p)| p.secret)
        .map(|(_, p)| p.name.clone())
        .collect()
}
