//! Scenario files (`NAME.test.rb`): each `scenario` names a runbook that exists, says what every
//! one of its checks sees with a value of the check's type, and answers and expects only the
//! mitigations, handovers and outcomes the runbook has.

use super::Input;
use super::condition::{literal_hint, typed_literal};
use super::scope::{Context, FileChecker};
use crate::ast::{self, Expr, ExprKind, Fact, Ident, Stmt};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::duration::Duration;
use crate::plan::{self, Literal, Plan};
use crate::run::{Status, Value};
use crate::scenario::{
    After, Answer, ConfirmGiven, Expect, Expectation, Given, OUTCOMES, Scenario, judge,
    outcome_name,
};
use crate::source::{FileId, Span};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Checks one scenario file against the runbooks of `plan`.
pub(super) fn check(
    input: &Input,
    plan: &Plan,
    runbooks: &HashMap<String, (FileId, &Path)>,
) -> (Vec<Scenario>, Vec<Diagnostic>) {
    let mut checker = ScenarioChecker {
        fc: FileChecker::new(input, runbooks),
        plan,
    };
    let mut background: Option<&ast::Background> = None;
    let mut scenarios = Vec::new();
    let mut names: HashMap<String, Span> = HashMap::new();
    for stmt in &input.ast.body {
        match stmt {
            Stmt::Background(b) => match background {
                Some(first) => {
                    let d = checker
                        .diag(
                            Code::DuplicateDefinition,
                            b.span,
                            "a scenario file has one `background`",
                        )
                        .label("second background")
                        .related(first.span, "first background here")
                        .help("Merge the two into one `background do ... end`.");
                    checker.report(d);
                }
                None => background = Some(b),
            },
            Stmt::Scenario(s) => {
                if let Some(scenario) = checker.scenario(s, background) {
                    if let Some(first) = names.get(&scenario.name) {
                        let d = checker
                            .diag(
                                Code::DuplicateDefinition,
                                s.name.span,
                                format!("scenario `{}` is defined twice", scenario.name),
                            )
                            .label("second definition")
                            .related(*first, "first defined here")
                            .help(
                                "Give each scenario its own name: reports and `--filter` use it.",
                            );
                        checker.report(d);
                    } else {
                        names.insert(scenario.name.clone(), s.name.span);
                        scenarios.push(scenario);
                    }
                }
            }
            other => checker.fc.misplaced(other, Context::ScenarioFile),
        }
    }
    if scenarios.is_empty() && checker.fc.diagnostics.is_empty() {
        let d = checker
            .diag(
                Code::NoRunbook,
                Span::default(),
                "this scenario file holds no scenario",
            )
            .label("expected `scenario \"what goes wrong\" do ... end`");
        checker.report(d);
    }
    let mut diagnostics = checker.fc.diagnostics;
    // A `background` mistake is found once per scenario that reads it: report it once.
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.message.clone()));
    diagnostics.dedup_by(|a, b| a.span == b.span && a.code == b.code && a.message == b.message);
    (scenarios, diagnostics)
}

struct ScenarioChecker<'a> {
    fc: FileChecker<'a>,
    plan: &'a Plan,
}

/// The facts of one block, by kind, as written.
#[derive(Default)]
struct Facts<'a> {
    runbook: Vec<&'a Fact>,
    given: Vec<&'a Fact>,
    expect: Vec<&'a Fact>,
    operator: Vec<&'a Fact>,
    flags: Vec<&'a Fact>,
    answer: Vec<&'a Fact>,
    set: Vec<&'a Fact>,
    after: Vec<&'a ast::After>,
}

impl<'a> ScenarioChecker<'a> {
    fn diag(&self, code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        self.fc.diag(code, span, message)
    }

    fn report(&mut self, d: Diagnostic) {
        self.fc.report(d);
    }

    /// Sorts a block's statements into facts, reporting those that do not belong in `ctx`.
    fn facts(&mut self, block: &'a ast::Block, ctx: Context) -> Facts<'a> {
        let mut facts = Facts::default();
        for stmt in &block.stmts {
            match (stmt, ctx) {
                (Stmt::Fact(f), Context::Scenario) => {
                    let slot = match f.key.name.as_str() {
                        "runbook" => &mut facts.runbook,
                        "given" => &mut facts.given,
                        "expect" => &mut facts.expect,
                        "operator" => &mut facts.operator,
                        "flags" => &mut facts.flags,
                        "answer" => &mut facts.answer,
                        "set" => &mut facts.set,
                        _ => {
                            self.fc.misplaced(stmt, ctx);
                            continue;
                        }
                    };
                    slot.push(f);
                }
                (Stmt::Fact(f), Context::Background | Context::After) if f.key.name == "given" => {
                    facts.given.push(f);
                }
                (Stmt::After(a), Context::Scenario) => facts.after.push(a),
                _ => self.fc.misplaced(stmt, ctx),
            }
        }
        facts
    }

    fn scenario(
        &mut self,
        s: &'a ast::Scenario,
        background: Option<&'a ast::Background>,
    ) -> Option<Scenario> {
        let name = self.text(&s.name, "a scenario's name")?;
        let facts = self.facts(&s.body, Context::Scenario);
        let runbook = self.runbook(s, &facts)?;
        let mut given = BTreeMap::new();
        let mut confirm = None;
        // Checks a `given` names, even one with an error already reported.
        let mut named: Vec<&str> = named_checks(&facts.given);
        if let Some(b) = background {
            let shared = self.facts(&b.body, Context::Background);
            named.extend(named_checks(&shared.given));
            self.givens(&shared.given, runbook, &mut given, &mut confirm);
        }
        // The scenario's own facts override the background's.
        let mut own = BTreeMap::new();
        self.givens(&facts.given, runbook, &mut own, &mut confirm);
        given.extend(own);
        let undescribed: Vec<&str> = (runbook.checks.iter())
            .map(|c| c.id.as_str())
            .filter(|id| !given.contains_key(*id) && !named.contains(id))
            .collect();
        let missing: Vec<String> = undescribed.iter().map(|id| format!("`:{id}`")).collect();
        if let Some(first) = undescribed.first() {
            let d = self
                .diag(
                    Code::MissingArgument,
                    Span::new(s.span.start, s.body.open.end),
                    format!(
                        "scenario `{name}` does not say what {} of runbook `{}` {}",
                        plural(missing.len(), "check", "checks"),
                        runbook.id,
                        if missing.len() == 1 { "sees" } else { "see" }
                    ),
                )
                .label(format!("no `given` for {}", missing.join(", ")))
                .help(format!(
                    "Add `given :{first}, :passed` (or `:failed`, `:errored`) to the scenario, or to the file's `background`: an undescribed check is never taken as passing."
                ));
            self.report(d);
        }
        let after = (facts.after.iter())
            .filter_map(|a| self.after(a, runbook))
            .collect();
        let (interactive, yes, allow_destructive) = self.policy(&facts);
        let answers = self.answers(&facts.answer, runbook);
        let params = self.params(&facts.set, runbook);
        let expect = (facts.expect.iter())
            .flat_map(|f| self.expectations(f, runbook))
            .collect();
        Some(Scenario {
            name,
            runbook: runbook.id.clone(),
            file: self.fc.input.file,
            source: self.fc.input.path.to_path_buf(),
            span: s.span,
            given,
            confirm,
            after,
            params,
            interactive,
            yes,
            allow_destructive,
            answers,
            expect,
        })
    }

    /// The runbook `runbook :name` names, or the one runbook of the file beside this one.
    fn runbook(&mut self, s: &ast::Scenario, facts: &Facts) -> Option<&'a plan::Runbook> {
        if let Some(extra) = facts.runbook.get(1) {
            let d = self
                .diag(
                    Code::DuplicateArgument,
                    extra.span,
                    "a scenario runs one runbook",
                )
                .label("second `runbook`")
                .help("Keep one `runbook :name`; write another scenario for the other runbook.");
            self.report(d);
        }
        if let Some(fact) = facts.runbook.first() {
            let id = self.symbol_arg(fact, "the runbook's name")?;
            return match self.plan.runbook(&id.name) {
                Some(rb) => Some(rb),
                None => {
                    let known = self.plan.runbooks.iter().map(|r| r.id.as_str());
                    let help = match did_you_mean(&id.name, known) {
                        Some(s) => format!("Did you mean `:{s}`?"),
                        None => "Name a runbook defined in a `.rb` file of this directory or of the paths given.".into(),
                    };
                    let d = self
                        .diag(
                            Code::UnknownRunbook,
                            id.span,
                            format!("unknown runbook `{}`", id.name),
                        )
                        .label("no runbook of this name")
                        .help(help);
                    self.report(d);
                    None
                }
            };
        }
        let path = self.fc.input.path;
        let beside = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".test.rb"))
            .map(|stem| path.with_file_name(format!("{stem}.rb")));
        let candidates: Vec<&plan::Runbook> = (self.plan.runbooks.iter())
            .filter(|r| beside.as_deref() == Some(r.source.as_path()))
            .collect();
        if let [only] = candidates.as_slice() {
            return Some(only);
        }
        let shown = beside.map_or_else(String::new, |b| format!("`{}`", b.display()));
        let d = self
            .diag(
                Code::MissingArgument,
                Span::new(s.span.start, s.body.open.end),
                "this scenario does not say which runbook it runs",
            )
            .label("no `runbook :name`")
            .help(if candidates.is_empty() {
                format!("Add `runbook :name`: no single runbook is defined in {shown}, the file beside this one.")
            } else {
                format!("Add `runbook :name`: {shown} defines several runbooks.")
            });
        self.report(d);
        None
    }

    /// `given :check, :state, value: V` and `given confirm: :passed, after: 30s`, into `out`.
    fn givens(
        &mut self,
        facts: &[&Fact],
        runbook: &plan::Runbook,
        out: &mut BTreeMap<String, Given>,
        confirm: &mut Option<ConfirmGiven>,
    ) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        for fact in facts {
            if fact.args.positional.is_empty() {
                if let Some(c) = self.confirm_given(fact, runbook) {
                    *confirm = Some(c);
                }
                continue;
            }
            let Some((id, given)) = self.check_given(fact, runbook) else {
                continue;
            };
            if let Some(first) = seen.insert(id.clone(), fact.span) {
                let d = self
                    .diag(
                        Code::DuplicateDefinition,
                        fact.span,
                        format!("check `{id}` is described twice in this block"),
                    )
                    .label("second `given`")
                    .related(first, "first here")
                    .help("Keep one `given` per check; an `after` block says what changes later.");
                self.report(d);
            }
            out.insert(id, given);
        }
    }

    fn check_given(&mut self, fact: &Fact, runbook: &plan::Runbook) -> Option<(String, Given)> {
        let id = self.symbol_arg(fact, "the check's id")?;
        let Some(check) = runbook.check(&id.name) else {
            let known = runbook.checks.iter().map(|c| c.id.as_str());
            let help = match did_you_mean(&id.name, known) {
                Some(s) => format!("Did you mean `:{s}`?"),
                None => format!(
                    "Checks of runbook `{}`: {}.",
                    runbook.id,
                    list(runbook.checks.iter().map(|c| format!("`:{}`", c.id)))
                ),
            };
            let d = self
                .diag(
                    Code::UnknownCheck,
                    id.span,
                    format!("runbook `{}` has no check `{}`", runbook.id, id.name),
                )
                .label("no check of this name")
                .help(help);
            self.report(d);
            return None;
        };
        let status = match fact.args.positional.get(1) {
            Some(e) => Some(self.status(e)?),
            None => None,
        };
        self.too_many(fact, 2);
        let mut value = None;
        let mut from_series = None;
        for kw in &fact.args.keywords {
            match kw.key.name.as_str() {
                "value" => value = Some(self.value(&kw.value, check)?),
                "series" => {
                    let (seen, verdict) = self.series(&kw.value, check)?;
                    value = verdict.value;
                    from_series = Some((seen, verdict.status, kw.value.span));
                }
                other => {
                    self.unknown_key(kw, other, &["value", "series"], "given :check");
                    return None;
                }
            }
        }
        if let Some((count, said, span)) = from_series {
            let value_too = fact.args.keywords.iter().any(|k| k.key.name == "value");
            let contradicts = status.is_some_and(|s| s != said);
            if value_too || contradicts {
                let message = if value_too {
                    "`given` with `series:` takes no `value:`: the series decide the value"
                        .to_string()
                } else {
                    format!(
                        "these {count} series make check `{}` {}, not what the `given` says",
                        check.id,
                        crate::run::describe::status_word(said)
                    )
                };
                let d = self
                    .diag(Code::InvalidValue, span, message)
                    .label("the series")
                    .help("Leave the state out: the check's own bounds judge the series, as a real answer would be.");
                self.report(d);
                return None;
            }
        }
        let status = match (status, &value) {
            (Some(status), _) => status,
            (None, _) if from_series.is_some() => from_series.map_or(Status::Passed, |f| f.1),
            (None, Some(v)) => check
                .probes
                .first()
                .map_or(Status::Passed, |p| judge::judge(&p.action, v)),
            (None, None) => {
                let d = self
                    .diag(
                        Code::MissingArgument,
                        fact.span,
                        format!("`given :{}` says neither a state nor a value", id.name),
                    )
                    .label("expected `:passed`, `:failed`, `:errored` or `value:`")
                    .help(format!("Write `given :{}, :failed`, or give the value its probe sees: `given :{}, value: ...`.", id.name, id.name));
                self.report(d);
                return None;
            }
        };
        Some((
            id.name.clone(),
            Given {
                status,
                value,
                span: fact.span,
            },
        ))
    }

    fn confirm_given(&mut self, fact: &Fact, runbook: &plan::Runbook) -> Option<ConfirmGiven> {
        let mut state = None;
        let mut after = None;
        for kw in &fact.args.keywords {
            match kw.key.name.as_str() {
                "confirm" => state = Some(self.symbol_of(&kw.value, &["passed", "failed"])?),
                "after" => after = Some(self.duration(&kw.value)?),
                other => {
                    self.unknown_key(kw, other, &["confirm", "after"], "given confirm:");
                    return None;
                }
            }
        }
        let Some(state) = state else {
            let d = self
                .diag(
                    Code::MalformedStatement,
                    fact.span,
                    "`given` needs a check or `confirm:`",
                )
                .label("expected `given :check, :failed` or `given confirm: :passed`")
                .help("Say what a check sees (`given :live, :failed`) or what `confirm` sees (`given confirm: :passed`).");
            self.report(d);
            return None;
        };
        if runbook.confirm.is_none() {
            let d = self
                .diag(
                    Code::InvalidValue,
                    fact.span,
                    format!("runbook `{}` has no `confirm` block", runbook.id),
                )
                .label("nothing reads this")
                .help("Without `confirm`, the run checks again after its mitigations: say what the checks see then in an `after \"Mitigation\" do ... end` block.");
            self.report(d);
            return None;
        }
        Some(match (state.as_str(), after) {
            ("passed", after) => ConfirmGiven::PassesAfter {
                ms: after.map_or(0, |d| d.as_ms()),
            },
            (_, Some(_)) => {
                let d = self
                    .diag(
                        Code::InvalidValue,
                        fact.span,
                        "`after:` says when `confirm` starts to pass",
                    )
                    .label("a failing confirm has no `after:`")
                    .help("Write `given confirm: :passed, after: 30s`, or drop `after:`.");
                self.report(d);
                return None;
            }
            (_, None) => ConfirmGiven::Fails,
        })
    }

    fn after(&mut self, a: &'a ast::After, runbook: &plan::Runbook) -> Option<After> {
        let name = self.text(&a.mitigation, "a mitigation's name")?;
        self.mitigation_exists(&name, a.mitigation.span, runbook)?;
        let facts = self.facts(&a.body, Context::After);
        let mut given = BTreeMap::new();
        let mut confirm = None;
        self.givens(&facts.given, runbook, &mut given, &mut confirm);
        Some(After {
            mitigation: name,
            given,
            confirm,
            span: a.span,
        })
    }

    /// `operator :present | :absent` and `flags :yes, :allow_destructive`.
    fn policy(&mut self, facts: &Facts) -> (bool, bool, bool) {
        let mut interactive = true;
        for fact in &facts.operator {
            let Some(e) = fact.args.positional.first() else {
                self.malformed(fact, "operator :present");
                continue;
            };
            if let Some(which) = self.symbol_of(e, &["present", "absent"]) {
                interactive = which == "present";
            }
            self.too_many(fact, 1);
        }
        let (mut yes, mut allow_destructive) = (false, false);
        for fact in &facts.flags {
            if fact.args.positional.is_empty() {
                self.malformed(fact, "flags :yes");
            }
            for e in &fact.args.positional {
                match self.symbol_of(e, &["yes", "allow_destructive"]).as_deref() {
                    Some("yes") => yes = true,
                    Some(_) => allow_destructive = true,
                    None => {}
                }
            }
        }
        (interactive, yes, allow_destructive)
    }

    /// `answer "Mitigation or step", :run | :skip | :abort`.
    fn answers(&mut self, facts: &[&Fact], runbook: &plan::Runbook) -> BTreeMap<String, Answer> {
        let mut out = BTreeMap::new();
        for fact in facts {
            let (Some(what), Some(how)) =
                (fact.args.positional.first(), fact.args.positional.get(1))
            else {
                self.malformed(fact, "answer \"Mitigation name\", :skip");
                continue;
            };
            self.too_many(fact, 2);
            let Some(text) = self.text(what, "a mitigation's name or a step's text") else {
                continue;
            };
            let is_step = (runbook.steps())
                .any(|s| matches!(&s.action, crate::action::Action::Manual(m) if m.text.source() == text));
            if !is_step && self.mitigation_exists(&text, what.span, runbook).is_none() {
                continue;
            }
            let answer = match self.symbol_of(how, &["run", "skip", "abort"]).as_deref() {
                Some("run") => Answer::Run,
                Some("skip") => Answer::Skip,
                Some(_) => Answer::Abort,
                None => continue,
            };
            out.insert(text, answer);
        }
        out
    }

    /// `set :param, "value"`.
    fn params(&mut self, facts: &[&Fact], runbook: &plan::Runbook) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for fact in facts {
            let Some(name) = self.symbol_arg(fact, "the parameter's name") else {
                continue;
            };
            let Some(value) = fact.args.positional.get(1) else {
                self.malformed(fact, "set :version, \"v1.0.1\"");
                continue;
            };
            self.too_many(fact, 2);
            if runbook.param(&name.name).is_none() {
                let known = runbook.params.iter().map(|p| p.name.as_str());
                let help = match did_you_mean(&name.name, known) {
                    Some(s) => format!("Did you mean `:{s}`?"),
                    None => format!("Runbook `{}` declares no such `param`.", runbook.id),
                };
                let d = self
                    .diag(
                        Code::UnknownParameter,
                        name.span,
                        format!("unknown parameter `{}`", name.name),
                    )
                    .label("not a parameter of this runbook")
                    .help(help);
                self.report(d);
                continue;
            }
            let text = match &value.kind {
                ExprKind::Int(i) => Some(i.to_string()),
                ExprKind::Float(f) => Some(f.to_string()),
                ExprKind::Symbol(s) => Some(s.clone()),
                _ => self.text(value, "a parameter's value"),
            };
            if let Some(text) = text {
                out.push((name.name.clone(), text));
            }
        }
        out
    }

    fn expectations(&mut self, fact: &Fact, runbook: &plan::Runbook) -> Vec<Expectation> {
        const KEYS: &[&str] = &[
            "mitigation",
            "ran",
            "no_mitigation",
            "proposed",
            "not_proposed",
            "skipped",
            "refused",
            "order",
            "handover",
            "outcome",
            "confirm",
            "no_destructive",
        ];
        if fact.args.keywords.is_empty() {
            self.malformed(fact, "expect outcome: :recovered");
        }
        self.too_many(fact, 0);
        let mut out = Vec::new();
        for kw in &fact.args.keywords {
            let key = kw.key.name.as_str();
            let kind = match key {
                "mitigation" | "ran" | "no_mitigation" | "proposed" | "not_proposed"
                | "skipped" | "refused" => {
                    let Some(name) = self.text(&kw.value, "a mitigation's name") else {
                        continue;
                    };
                    if self
                        .mitigation_exists(&name, kw.value.span, runbook)
                        .is_none()
                    {
                        continue;
                    }
                    match key {
                        "mitigation" | "ran" => Expect::Ran(name),
                        "no_mitigation" => Expect::NotRan(name),
                        "proposed" => Expect::Proposed(name),
                        "not_proposed" => Expect::NotProposed(name),
                        "skipped" => Expect::Skipped(name),
                        _ => Expect::Refused(name),
                    }
                }
                "order" => {
                    let ExprKind::List(items) = &kw.value.kind else {
                        self.wrong_type(
                            &kw.value,
                            "a list of mitigation names, such as `[\"Restart backend\"]`",
                        );
                        continue;
                    };
                    let names: Option<Vec<String>> = items
                        .iter()
                        .map(|e| {
                            let name = self.text(e, "a mitigation's name")?;
                            self.mitigation_exists(&name, e.span, runbook)?;
                            Some(name)
                        })
                        .collect();
                    match names {
                        Some(names) => Expect::Order(names),
                        None => continue,
                    }
                }
                "handover" => {
                    let seen: Vec<&str> = (runbook.branches.iter())
                        .flat_map(|b| b.see.iter().map(String::as_str))
                        .collect();
                    let Some(to) = self.symbol_of(&kw.value, &seen) else {
                        continue;
                    };
                    Expect::Handover(to)
                }
                "outcome" => {
                    let names: Vec<&str> = OUTCOMES.iter().map(|f| outcome_name(*f)).collect();
                    let Some(name) = self.symbol_of(&kw.value, &names) else {
                        continue;
                    };
                    match OUTCOMES.iter().find(|f| outcome_name(**f) == name) {
                        Some(finish) => Expect::Outcome(*finish),
                        None => continue,
                    }
                }
                "confirm" => match self.symbol_of(&kw.value, &["passed", "failed"]) {
                    Some(state) => Expect::Confirmed(state == "passed"),
                    None => continue,
                },
                "no_destructive" => match kw.value.kind {
                    ExprKind::Bool(true) => Expect::NoDestructive,
                    _ => {
                        self.wrong_type(&kw.value, "`true`");
                        continue;
                    }
                },
                other => {
                    self.unknown_key(kw, other, KEYS, "expect");
                    continue;
                }
            };
            out.push(Expectation {
                kind,
                span: kw.key.span.to(kw.value.span),
            });
        }
        out
    }

    /// `series: ['{instance="a"} 0.2', ...]` for a check whose first probe is a PromQL query:
    /// the series it sees, judged by that probe's own rules; and how many there are.
    fn series(
        &mut self,
        e: &Expr,
        check: &plan::Check,
    ) -> Option<(usize, crate::run::promql::Verdict)> {
        let Some(crate::action::Action::Prometheus(query)) =
            check.probes.first().map(|p| &p.action)
        else {
            let d = self
                .diag(
                    Code::ComparisonTypeMismatch,
                    e.span,
                    format!(
                        "check `{}` does not query Prometheus, so it sees no series",
                        check.id
                    ),
                )
                .label("not a `prometheus` check")
                .help(format!(
                    "Give the value it sees: `given :{}, value: ...`.",
                    check.id
                ));
            self.report(d);
            return None;
        };
        let ExprKind::List(items) = &e.kind else {
            self.wrong_type(e, "a list of series such as `['{instance=\"a\"} 0.2']`");
            return None;
        };
        let mut series = Vec::new();
        for item in items {
            let text = self.text(item, "a series")?;
            match text.parse::<crate::run::promql::Series>() {
                Ok(s) => series.push(s),
                Err(why) => {
                    let d = self
                        .diag(Code::InvalidValue, item.span, why)
                        .label("not a series")
                        .help("One series per string: its labels and its sample, as `/metrics` shows it.");
                    self.report(d);
                    return None;
                }
            }
        }
        let verdict = crate::run::promql::verdict(query, &query.target, &series, None);
        Some((series.len(), verdict))
    }

    /// A check's value, typed against what its first probe yields.
    fn value(&mut self, e: &Expr, check: &plan::Check) -> Option<Value> {
        if check.value_type == crate::action::ValueType::None {
            let d = self
                .diag(
                    Code::CheckWithoutValue,
                    e.span,
                    format!("check `{}` yields no value", check.id),
                )
                .label("its probe has no value")
                .help(format!(
                    "Say only whether it passed: `given :{}, :failed`.",
                    check.id
                ));
            self.report(d);
            return None;
        }
        match typed_literal(&e.kind, check.value_type) {
            Some(Literal::Number(n) | Literal::Percent(n)) => Some(Value::Number(n)),
            Some(Literal::Text(t)) => Some(Value::Text(t)),
            Some(Literal::Bool(b)) => Some(Value::Bool(b)),
            None if e.kind == ExprKind::Invalid => None,
            None => {
                let d = self
                    .diag(
                        Code::ComparisonTypeMismatch,
                        e.span,
                        format!(
                            "check `{}` yields {}, but the scenario gives {}",
                            check.id,
                            check.value_type.describe(),
                            e.kind.describe()
                        ),
                    )
                    .label(format!("expected {}", check.value_type.describe()))
                    .help(literal_hint(check.value_type));
                self.report(d);
                None
            }
        }
    }

    fn status(&mut self, e: &Expr) -> Option<Status> {
        Some(
            match self
                .symbol_of(e, &["passed", "failed", "errored"])?
                .as_str()
            {
                "passed" => Status::Passed,
                "failed" => Status::Failed,
                _ => Status::Error,
            },
        )
    }

    fn mitigation_exists(&mut self, name: &str, span: Span, runbook: &plan::Runbook) -> Option<()> {
        if runbook.mitigations().any(|m| m.name == name) {
            return Some(());
        }
        let known = runbook.mitigations().map(|m| m.name.as_str());
        let help = match did_you_mean(name, known) {
            Some(s) => format!("Did you mean `\"{s}\"`?"),
            None => format!(
                "Mitigations of runbook `{}`: {}.",
                runbook.id,
                list(runbook.mitigations().map(|m| format!("`\"{}\"`", m.name)))
            ),
        };
        let d = self
            .diag(
                Code::InvalidValue,
                span,
                format!("runbook `{}` has no mitigation `{name}`", runbook.id),
            )
            .label("no mitigation of this name")
            .help(help);
        self.report(d);
        None
    }

    /// The first positional argument as a symbol, or a diagnostic.
    fn symbol_arg(&mut self, fact: &Fact, what: &str) -> Option<Ident> {
        if let Some(first) = fact.args.positional.first()
            && let ExprKind::Symbol(name) = &first.kind
        {
            return Some(Ident {
                name: name.clone(),
                span: Span::new(first.span.start + 1, first.span.end),
            });
        }
        let span = fact
            .args
            .positional
            .first()
            .map_or(fact.key.span, |e| e.span);
        let key = &fact.key.name;
        let d = self
            .diag(
                Code::MalformedStatement,
                span,
                format!("`{key}` needs {what} as a symbol first"),
            )
            .label("expected a symbol like `:name`")
            .help(format!("Write `{key} :name, ...`."));
        self.report(d);
        None
    }

    /// A symbol out of `allowed`.
    fn symbol_of(&mut self, e: &Expr, allowed: &[&str]) -> Option<String> {
        let shown = list(allowed.iter().map(|a| format!("`:{a}`")));
        match &e.kind {
            ExprKind::Symbol(s) if allowed.contains(&s.as_str()) => Some(s.clone()),
            ExprKind::Symbol(s) => {
                let help = match did_you_mean(s, allowed.iter().copied()) {
                    Some(m) => format!("Did you mean `:{m}`?"),
                    None => format!("Write one of {shown}."),
                };
                let d = self
                    .diag(
                        Code::InvalidValue,
                        e.span,
                        format!("`:{s}` is not allowed here"),
                    )
                    .label(format!("expected one of {shown}"))
                    .help(help);
                self.report(d);
                None
            }
            ExprKind::Invalid => None,
            _ => {
                self.wrong_type(e, &format!("one of {shown}"));
                None
            }
        }
    }

    /// A string with no `#{...}`.
    fn text(&mut self, e: &Expr, what: &str) -> Option<String> {
        match &e.kind {
            ExprKind::Str(s) => match s.as_literal() {
                Some(t) => Some(t),
                None => {
                    self.wrong_type(e, &format!("{what} as plain text, without `#{{...}}`"));
                    None
                }
            },
            ExprKind::Invalid => None,
            _ => {
                self.wrong_type(e, &format!("{what} as a string"));
                None
            }
        }
    }

    fn duration(&mut self, e: &Expr) -> Option<Duration> {
        match &e.kind {
            ExprKind::Duration(d) => Some(*d),
            ExprKind::Invalid => None,
            _ => {
                self.wrong_type(e, "a duration such as `30s`");
                None
            }
        }
    }

    fn wrong_type(&mut self, e: &Expr, expected: &str) {
        let d = self
            .diag(
                Code::WrongArgumentType,
                e.span,
                format!("expected {expected}, found {}", e.kind.describe()),
            )
            .label(format!("expected {expected}"));
        self.report(d);
    }

    fn unknown_key(&mut self, kw: &ast::KwArg, key: &str, known: &[&str], statement: &str) {
        let help = match did_you_mean(key, known.iter().copied()) {
            Some(s) => format!("Did you mean `{s}:`?"),
            None => format!(
                "`{statement}` takes {}.",
                list(known.iter().map(|k| format!("`{k}:`")))
            ),
        };
        let d = self
            .diag(
                Code::UnknownArgument,
                kw.key.span,
                format!("`{statement}` takes no argument `{key}`"),
            )
            .label("unknown argument")
            .help(help);
        self.report(d);
    }

    fn too_many(&mut self, fact: &Fact, most: usize) {
        if let Some(extra) = fact.args.positional.get(most) {
            let d = self
                .diag(
                    Code::TooManyArguments,
                    extra.span,
                    format!("`{}` takes no more positional arguments", fact.key.name),
                )
                .label("not expected here")
                .help("Remove it, or write one fact per line.");
            self.report(d);
        }
    }

    fn malformed(&mut self, fact: &Fact, usage: &str) {
        let d = self
            .diag(
                Code::MalformedStatement,
                fact.span,
                format!("malformed `{}` statement", fact.key.name),
            )
            .label(format!("expected `{usage}`"))
            .help(format!(
                "Write it as `{usage}`; `docs/testing.md` shows every scenario statement."
            ));
        self.report(d);
    }
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The checks `given :check, ...` facts name by their first argument.
fn named_checks<'f>(facts: &[&'f Fact]) -> Vec<&'f str> {
    (facts.iter())
        .filter_map(|f| match &f.args.positional.first()?.kind {
            ExprKind::Symbol(name) => Some(name.as_str()),
            _ => None,
        })
        .collect()
}
