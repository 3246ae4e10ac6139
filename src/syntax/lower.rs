//! Pest pairs to AST, one function per grammar rule.

use super::Rule;
use crate::ast::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::duration::{Duration, DurationError};
use crate::source::{FileId, Span};
use pest::Token;
use pest::iterators::Pair;

struct Lower {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    /// Every block closed so far: where its statement starts, its `do` and its `end`.
    closed: Vec<(usize, Span, Span)>,
}

pub(super) fn file(pair: Pair<Rule>, file: FileId) -> (File, Vec<Diagnostic>) {
    let comments = comments(pair.clone());
    let mut lower = Lower {
        file,
        diagnostics: Vec::new(),
        closed: Vec::new(),
    };
    let body = kids(pair)
        .find(|p| p.as_rule() == Rule::body)
        .map(|p| lower.body(p))
        .unwrap_or_default();
    (File { body, comments }, lower.diagnostics)
}

/// Every comment in the file. A comment is atomic: its start token is followed by its end.
/// Tokens, unlike pairs, are read without touching the shared queue's reference counts.
fn comments(file: Pair<Rule>) -> Vec<Comment> {
    let text = file.get_input();
    let mut tokens = file.tokens();
    let mut comments = Vec::new();
    while let Some(token) = tokens.next() {
        if let Token::Start {
            rule: Rule::comment,
            pos,
        } = token
            && let Some(Token::End { pos: end, .. }) = tokens.next()
        {
            let span = Span::new(pos.pos(), end.pos());
            comments.push(Comment {
                text: text[span.start..span.end].to_string(),
                span,
            });
        }
    }
    comments
}

/// The keyword a keyword statement starts with: a bare word in the grammar, not a pair.
fn keyword(statement: &Pair<Rule>) -> Span {
    let start = statement.as_span().start();
    let len = (statement.as_str().bytes())
        .take_while(u8::is_ascii_lowercase)
        .count();
    Span::new(start, start + len)
}

fn span(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// Children without comments, which end lines inside bodies, argument lists and lists.
fn kids(pair: Pair<Rule>) -> impl Iterator<Item = Pair<Rule>> {
    pair.into_inner().filter(|p| p.as_rule() != Rule::comment)
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span(&pair),
    }
}

impl Lower {
    fn report(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    // The tree of every file is held at once: vectors keep no spare room (shrink_to_fit).
    fn body(&mut self, pair: Pair<Rule>) -> Vec<Stmt> {
        let mut body: Vec<Stmt> = kids(pair).filter_map(|p| self.stmt(p)).collect();
        body.shrink_to_fit();
        body
    }

    fn stmt(&mut self, pair: Pair<Rule>) -> Option<Stmt> {
        Some(match pair.as_rule() {
            Rule::target_decl => Stmt::Target(Box::new(self.target_decl(pair)?)),
            Rule::param_decl => Stmt::Param(self.param_decl(pair)?),
            Rule::runbook_def => Stmt::Runbook(Box::new(self.runbook_def(pair)?)),
            Rule::meta_stmt => Stmt::Meta(self.meta_stmt(pair)),
            Rule::check_def => Stmt::Check(Box::new(self.check_def(pair)?)),
            Rule::when_def => Stmt::When(Box::new(self.when_def(pair))),
            Rule::mitigate_def => Stmt::Mitigate(Box::new(self.mitigate_def(pair)?)),
            Rule::confirm_def => Stmt::Confirm(Box::new(self.confirm_def(pair))),
            Rule::followup_def => Stmt::Followup(self.followup_def(pair)),
            Rule::step_stmt => Stmt::Step(self.step_stmt(pair)?),
            Rule::todo_stmt => Stmt::Todo(self.todo_stmt(pair)?),
            Rule::see_stmt => Stmt::See(self.see_stmt(pair)?),
            Rule::wait_stmt => Stmt::Wait(self.wait_stmt(pair)?),
            Rule::action_stmt => Stmt::Action(self.action_stmt(pair)),
            Rule::scenario_def => Stmt::Scenario(Box::new(self.scenario_def(pair)?)),
            Rule::background_def => Stmt::Background(self.background_def(pair)),
            Rule::after_def => Stmt::After(Box::new(self.after_def(pair)?)),
            Rule::fact_stmt => Stmt::Fact(self.fact_stmt(pair)),
            Rule::unknown_stmt => Stmt::Unknown(Box::new(self.unknown_stmt(pair))),
            _ => unreachable!("`stmt` has no other alternatives: {:?}", pair.as_rule()),
        })
    }

    /// Splits a statement into its keyword span, its arguments and its block.
    fn parts(&mut self, pair: Pair<Rule>) -> (Span, Args, Option<Block>) {
        let keyword = keyword(&pair);
        let mut args = Args::default();
        let mut block = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::args => args = self.args(p),
                Rule::block => block = Some(self.block(p, keyword.start)),
                other => unreachable!("unexpected {other:?} in a statement"),
            }
        }
        (keyword, args, block)
    }

    /// A statement whose arguments must start with `:name`.
    fn named(&mut self, keyword: &str, at: Span, args: &mut Args, what: &str) -> Option<Ident> {
        // The name moves out of the argument: no copy of it.
        if matches!(args.positional.first(), Some(e) if matches!(e.kind, ExprKind::Symbol(_)))
            && let Expr {
                kind: ExprKind::Symbol(name),
                span,
            } = args.positional.remove(0)
        {
            return Some(Ident {
                name,
                span: Span::new(span.start + 1, span.end),
            });
        }
        let span = args.positional.first().map_or(at, |e| e.span);
        self.report(
            Diagnostic::new(
                Code::MalformedStatement,
                self.file,
                span,
                format!("`{keyword}` needs {what} as a symbol first"),
            )
            .label("expected a symbol like `:name`")
            .help(format!(
                "Write `{keyword} :name, ...`; a symbol is a name with a leading colon."
            )),
        );
        None
    }

    fn target_decl(&mut self, pair: Pair<Rule>) -> Option<Target> {
        let whole = span(&pair);
        let (kw, mut args, _) = self.parts(pair);
        let name = self.named("target", kw, &mut args, "the target's name")?;
        if let Some(extra) = args.positional.first() {
            self.report(
                Diagnostic::new(
                    Code::MalformedStatement,
                    self.file,
                    extra.span,
                    "a target's address must follow its kind",
                )
                .label("expected `kind: address`")
                .help("Write `target :name, http: \"http://127.0.0.1:3000\"`: the kind, a colon, then the address."),
            );
            return None;
        }
        if args.keywords.is_empty() {
            self.report(
                Diagnostic::new(
                    Code::MalformedStatement,
                    self.file,
                    whole,
                    format!("target `{}` has no kind and address", name.name),
                )
                .label("expected `kind: address` after the name")
                .help("Write `target :name, http: \"http://127.0.0.1:3000\"`; kinds are `http`, `postgres`, `redis`, `docker`, `compose` and `shell`."),
            );
            return None;
        }
        let first = args.keywords.remove(0);
        Some(Target {
            name,
            kind: first.key,
            address: first.value,
            options: args.keywords,
            span: whole,
        })
    }

    fn param_decl(&mut self, pair: Pair<Rule>) -> Option<Param> {
        let whole = span(&pair);
        let (kw, mut args, _) = self.parts(pair);
        let name = self.named("param", kw, &mut args, "the parameter's name")?;
        self.no_extra_positional("param", &args);
        Some(Param {
            name,
            options: args.keywords,
            span: whole,
        })
    }

    fn runbook_def(&mut self, pair: Pair<Rule>) -> Option<Runbook> {
        let whole = span(&pair);
        let (kw, mut args, block) = self.parts(pair);
        let name = self.named("runbook", kw, &mut args, "the runbook's name")?;
        self.no_extra_positional("runbook", &args);
        Some(Runbook {
            name,
            body: block.expect("the grammar requires a block"),
            span: whole,
        })
    }

    fn meta_stmt(&mut self, pair: Pair<Rule>) -> Meta {
        let whole = span(&pair);
        let mut inner = kids(pair);
        let key = ident(inner.next().expect("meta key"));
        let args = inner.next().map(|p| self.args(p)).unwrap_or_default();
        Meta {
            key,
            args,
            span: whole,
        }
    }

    fn check_def(&mut self, pair: Pair<Rule>) -> Option<Check> {
        let whole = span(&pair);
        let (kw, mut args, block) = self.parts(pair);
        let id = self.named("check", kw, &mut args, "the check's id")?;
        let description = (!args.positional.is_empty()).then(|| args.positional.remove(0));
        self.no_extra_positional("check", &args);
        Some(Check {
            id,
            description,
            options: args.keywords,
            body: block.expect("the grammar requires a block"),
            span: whole,
        })
    }

    fn when_def(&mut self, pair: Pair<Rule>) -> When {
        let whole = span(&pair);
        let mut inner = kids(pair);
        let cond = self.cond(inner.next().expect("when has a condition"));
        let body = self.block(inner.next().expect("when has a block"), whole.start);
        When {
            cond,
            body,
            span: whole,
        }
    }

    fn mitigate_def(&mut self, pair: Pair<Rule>) -> Option<Mitigate> {
        let whole = span(&pair);
        let (kw, mut args, block) = self.parts(pair);
        if args.positional.is_empty() {
            self.report(
                Diagnostic::new(
                    Code::MalformedStatement,
                    self.file,
                    kw,
                    "`mitigate` needs a name",
                )
                .label("expected a string after `mitigate`")
                .help("Write `mitigate \"Restart the backend\" do ... end`; the name is what the operator approves."),
            );
            return None;
        }
        let name = args.positional.remove(0);
        self.no_extra_positional("mitigate", &args);
        Some(Mitigate {
            name,
            options: args.keywords,
            body: block.expect("the grammar requires a block"),
            span: whole,
        })
    }

    fn confirm_def(&mut self, pair: Pair<Rule>) -> Confirm {
        let whole = span(&pair);
        let (_, args, block) = self.parts(pair);
        self.no_extra_positional("confirm", &args);
        Confirm {
            options: args.keywords,
            body: block.expect("the grammar requires a block"),
            span: whole,
        }
    }

    fn followup_def(&mut self, pair: Pair<Rule>) -> Followup {
        let whole = span(&pair);
        let (_, _, block) = self.parts(pair);
        Followup {
            body: block.expect("the grammar requires a block"),
            span: whole,
        }
    }

    /// The one text argument of `step`, `todo`.
    fn text_arg(&mut self, keyword: &str, kw: Span, args: &mut Args) -> Option<Expr> {
        if args.positional.is_empty() {
            self.report(
                Diagnostic::new(
                    Code::MalformedStatement,
                    self.file,
                    kw,
                    format!("`{keyword}` needs its text"),
                )
                .label("expected a string")
                .help(format!("Write `{keyword} \"what to do\"`.")),
            );
            return None;
        }
        let text = args.positional.remove(0);
        self.no_extra_positional(keyword, args);
        Some(text)
    }

    fn step_stmt(&mut self, pair: Pair<Rule>) -> Option<Step> {
        let whole = span(&pair);
        let (kw, mut args, _) = self.parts(pair);
        let text = self.text_arg("step", kw, &mut args)?;
        Some(Step {
            text,
            options: args.keywords,
            span: whole,
        })
    }

    fn todo_stmt(&mut self, pair: Pair<Rule>) -> Option<Todo> {
        let whole = span(&pair);
        let (kw, mut args, _) = self.parts(pair);
        let text = self.text_arg("todo", kw, &mut args)?;
        self.no_keywords("todo", &args);
        Some(Todo { text, span: whole })
    }

    fn see_stmt(&mut self, pair: Pair<Rule>) -> Option<See> {
        let whole = span(&pair);
        let (kw, mut args, _) = self.parts(pair);
        let runbook = self.named("see", kw, &mut args, "the runbook's name")?;
        self.no_extra_positional("see", &args);
        self.no_keywords("see", &args);
        Some(See {
            runbook,
            span: whole,
        })
    }

    fn wait_stmt(&mut self, pair: Pair<Rule>) -> Option<Wait> {
        let whole = span(&pair);
        let (kw, mut args, _) = self.parts(pair);
        let duration = self.text_arg("wait", kw, &mut args)?;
        self.no_keywords("wait", &args);
        Some(Wait {
            duration,
            span: whole,
        })
    }

    fn action_stmt(&mut self, pair: Pair<Rule>) -> ActionCall {
        let whole = span(&pair);
        let mut inner = kids(pair);
        let target = ident(inner.next().expect("target name"));
        let verb = ident(inner.next().expect("verb"));
        let args = inner.next().map(|p| self.args(p)).unwrap_or_default();
        ActionCall {
            target,
            verb,
            args,
            span: whole,
        }
    }

    fn scenario_def(&mut self, pair: Pair<Rule>) -> Option<Scenario> {
        let whole = span(&pair);
        let (kw, mut args, block) = self.parts(pair);
        let name = self.text_arg("scenario", kw, &mut args)?;
        self.no_keywords("scenario", &args);
        Some(Scenario {
            name,
            body: block.expect("the grammar requires a block"),
            span: whole,
        })
    }

    fn background_def(&mut self, pair: Pair<Rule>) -> Background {
        let whole = span(&pair);
        let (_, _, block) = self.parts(pair);
        Background {
            body: block.expect("the grammar requires a block"),
            span: whole,
        }
    }

    fn after_def(&mut self, pair: Pair<Rule>) -> Option<After> {
        let whole = span(&pair);
        let (kw, mut args, block) = self.parts(pair);
        let mitigation = self.text_arg("after", kw, &mut args)?;
        self.no_keywords("after", &args);
        Some(After {
            mitigation,
            body: block.expect("the grammar requires a block"),
            span: whole,
        })
    }

    fn fact_stmt(&mut self, pair: Pair<Rule>) -> Fact {
        let whole = span(&pair);
        let mut inner = kids(pair);
        let key = ident(inner.next().expect("fact key"));
        let args = inner.next().map(|p| self.args(p)).unwrap_or_default();
        Fact {
            key,
            args,
            span: whole,
        }
    }

    fn unknown_stmt(&mut self, pair: Pair<Rule>) -> Unknown {
        let whole = span(&pair);
        let mut path = Vec::new();
        let mut args = Args::default();
        let mut body = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::ident => path.push(ident(p)),
                Rule::args => args = self.args(p),
                Rule::block => body = Some(self.block(p, whole.start)),
                other => unreachable!("unexpected {other:?} in unknown_stmt"),
            }
        }
        Unknown {
            path,
            args,
            body,
            span: whole,
        }
    }

    fn no_extra_positional(&mut self, keyword: &str, args: &Args) {
        if let Some(extra) = args.positional.first() {
            let all = args
                .positional
                .iter()
                .skip(1)
                .fold(extra.span, |s, e| s.to(e.span));
            self.report(
                Diagnostic::new(
                    Code::TooManyArguments,
                    self.file,
                    all,
                    format!("`{keyword}` takes no more positional arguments"),
                )
                .label("not expected here")
                .help("Remove these arguments, or give them as `key: value`."),
            );
        }
    }

    fn no_keywords(&mut self, keyword: &str, args: &Args) {
        for kw in &args.keywords {
            self.report(
                Diagnostic::new(
                    Code::UnknownArgument,
                    self.file,
                    kw.key.span,
                    format!("`{keyword}` takes no argument `{}`", kw.key.name),
                )
                .label("unknown argument")
                .help(format!("Remove `{}:`.", kw.key.name)),
            );
        }
    }

    /// The block of the statement starting at `statement`.
    fn block(&mut self, pair: Pair<Rule>, statement: usize) -> Block {
        let text = pair.get_input();
        let mut inner = kids(pair);
        let open = span(&inner.next().expect("block starts with do"));
        let stmts = self.body(inner.next().expect("block has a body"));
        let close = inner.next().expect("block ends with end or EOI");
        let close = match close.as_rule() {
            Rule::kw_end => {
                let close = span(&close);
                self.closed.push((statement, open, close));
                Some(close)
            }
            _ => {
                let d = match self.missing_end_inside(text, open) {
                    Some((inner_open, took)) => Diagnostic::new(
                        Code::MissingEnd,
                        self.file,
                        inner_open,
                        "this `do` has no `end` of its own",
                    )
                    .label("block opened here")
                    .related(
                        took,
                        "it ends here instead, at the `end` lined up with an outer block",
                    )
                    .related(open, "so this outer block runs to the end of the file")
                    .help("Add `end` after this block's last statement."),
                    None => Diagnostic::new(
                        Code::MissingEnd,
                        self.file,
                        open,
                        "this `do` is never closed with `end`",
                    )
                    .label("block opened here")
                    .help("Add `end` where this block should stop."),
                };
                self.report(d);
                None
            }
        };
        Block { stmts, open, close }
    }

    /// When the block opened at `open` runs to the end of the file, the block inside it that
    /// most likely lacks its `end`: the innermost one closed by an `end` indented less than
    /// its own statement, which is the `end` its parent was written with.
    fn missing_end_inside(&self, text: &str, open: Span) -> Option<(Span, Span)> {
        let column = |at: usize| at - text[..at].rfind('\n').map_or(0, |n| n + 1);
        self.closed
            .iter()
            .filter(|(statement, inner, end)| {
                inner.start > open.start && column(end.start) < column(*statement)
            })
            .max_by_key(|(_, inner, _)| inner.start)
            .map(|&(_, inner, end)| (inner, end))
    }

    // ---- conditions ----

    fn cond(&mut self, pair: Pair<Rule>) -> Cond {
        let terms: Vec<Cond> = kids(pair)
            .filter(|p| p.as_rule() != Rule::op_or)
            .map(|p| self.cond_and(p))
            .collect();
        chain(terms, Cond::Or)
    }

    fn cond_and(&mut self, pair: Pair<Rule>) -> Cond {
        let terms: Vec<Cond> = kids(pair)
            .filter(|p| p.as_rule() != Rule::op_and)
            .map(|p| self.cond_not(p))
            .collect();
        chain(terms, Cond::And)
    }

    fn cond_not(&mut self, pair: Pair<Rule>) -> Cond {
        let whole = span(&pair);
        let mut nots = 0usize;
        let mut inner = kids(pair).skip_while(|p| {
            let not = p.as_rule() == Rule::op_not;
            nots += usize::from(not);
            not
        });
        let atom = inner.next().expect("cond_not has an operand");
        let operand = match atom.as_rule() {
            Rule::cond => self.cond(atom),
            Rule::check_state => self.check_state(atom),
            Rule::comparison => self.comparison(atom),
            other => unreachable!("unexpected {other:?} in a condition"),
        };
        // `not not x` is `x`: folding by parity keeps the tree shallow however long the chain.
        if nots % 2 == 1 {
            Cond::Not(Box::new(operand), whole)
        } else {
            operand
        }
    }

    fn check_state(&mut self, pair: Pair<Rule>) -> Cond {
        let whole = span(&pair);
        let mut inner = kids(pair);
        let state = match inner.next().expect("state fn").as_str() {
            "failed" => CheckState::Failed,
            "passed" => CheckState::Passed,
            _ => CheckState::Errored,
        };
        let check = self.symbol_ident(inner.next().expect("check symbol"));
        Cond::State {
            state,
            check,
            span: whole,
        }
    }

    fn comparison(&mut self, pair: Pair<Rule>) -> Cond {
        let whole = span(&pair);
        let mut inner = kids(pair);
        inner.next(); // `value`
        let check = self.symbol_ident(inner.next().expect("check symbol"));
        let op = match inner.next().expect("operator").as_str() {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            _ => CmpOp::Ge,
        };
        let value = self.value(inner.next().expect("compared value"));
        Cond::Compare {
            check,
            op,
            value,
            span: whole,
        }
    }

    /// `:name` as an identifier whose span leaves out the colon.
    fn symbol_ident(&mut self, pair: Pair<Rule>) -> Ident {
        ident(kids(pair).next().expect("symbol has a name"))
    }

    // ---- arguments and values ----

    fn args(&mut self, pair: Pair<Rule>) -> Args {
        let mut args = Args::default();
        for p in kids(pair) {
            self.arg(p, &mut args);
        }
        args.positional.shrink_to_fit();
        args.keywords.shrink_to_fit();
        args
    }

    fn arg(&mut self, pair: Pair<Rule>, args: &mut Args) {
        match pair.as_rule() {
            Rule::kwarg => {
                let mut inner = kids(pair);
                let key = ident(kids(inner.next().expect("key")).next().expect("key name"));
                let value = inner.next().expect("kwarg value");
                let value = if value.as_rule() == Rule::heredoc {
                    self.heredoc(value, args)
                } else {
                    self.value(value)
                };
                args.keywords.push(KwArg { key, value });
            }
            Rule::heredoc => {
                let text = self.heredoc(pair, args);
                args.positional.insert(0, text);
            }
            _ => {
                let value = self.value(pair);
                args.positional.push(value);
            }
        }
    }

    fn value(&mut self, pair: Pair<Rule>) -> Expr {
        let at = span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::string => ExprKind::Str(self.string(pair)),
            Rule::raw_string => ExprKind::Str(Str {
                parts: vec![StrPart::Text(raw_unescape(
                    kids(pair).next().map_or("", |p| p.as_str()),
                ))],
                style: StrStyle::Single,
            }),
            Rule::unterminated_string => {
                self.report(
                    Diagnostic::new(
                        Code::UnterminatedString,
                        self.file,
                        at,
                        "unterminated string",
                    )
                    .label("this string is not closed before the end of the line"),
                );
                ExprKind::Invalid
            }
            Rule::duration => match Duration::parse(text) {
                Ok(d) => ExprKind::Duration(d),
                Err(DurationError::TooLong) => {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidLiteral,
                            self.file,
                            at,
                            format!("the duration `{text}` is too long"),
                        )
                        .label("longer than lrb can count")
                        .help("Write a duration a runbook can wait for, such as `30m` or `2h`."),
                    );
                    ExprKind::Invalid
                }
                Err(DurationError::Malformed) => self.bad_literal(at, text),
            },
            Rule::percent => ExprKind::Percent(text.trim_end_matches('%').parse().unwrap_or(0.0)),
            Rule::number => match text.parse::<i64>() {
                Ok(i) => ExprKind::Int(i),
                Err(_) => match text.parse::<f64>() {
                    Ok(f) => ExprKind::Float(f),
                    Err(_) => self.bad_literal(at, text),
                },
            },
            Rule::bad_number => self.bad_literal(at, text),
            Rule::boolean => ExprKind::Bool(text == "true"),
            Rule::symbol => ExprKind::Symbol(text[1..].to_string()),
            Rule::list => ExprKind::List(kids(pair).map(|p| self.value(p)).collect()),
            Rule::func_call => {
                let mut inner = kids(pair);
                let func = ident(inner.next().expect("function name"));
                let args = Box::new(inner.next().map(|p| self.args(p)).unwrap_or_default());
                ExprKind::Call { func, args }
            }
            Rule::ident => ExprKind::Ref(text.to_string()),
            other => unreachable!("`value` has no alternative {other:?}"),
        };
        Expr { kind, span: at }
    }

    fn bad_literal(&mut self, at: Span, text: &str) -> ExprKind {
        let digits = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let message = if digits.is_empty() {
            format!("`{text}` is not a number")
        } else {
            format!("invalid duration `{text}`: unknown unit `{digits}`")
        };
        self.report(
            Diagnostic::new(Code::InvalidLiteral, self.file, at, message)
                .label("not a number, duration or percentage"),
        );
        ExprKind::Invalid
    }

    fn string(&mut self, pair: Pair<Rule>) -> Str {
        let mut parts: Vec<StrPart> = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::str_text => push_text(&mut parts, p.as_str()),
                Rule::escape => {
                    let text = match &p.as_str()[1..] {
                        "n" => "\n",
                        "t" => "\t",
                        "r" => "\r",
                        "0" => "\0",
                        other => other,
                    };
                    push_text(&mut parts, text);
                }
                Rule::interp => parts.push(StrPart::Interp(self.interp(p))),
                other => unreachable!("unexpected {other:?} in a string"),
            }
        }
        parts.shrink_to_fit();
        Str {
            parts,
            style: StrStyle::Double,
        }
    }

    fn interp(&mut self, pair: Pair<Rule>) -> Ident {
        ident(kids(pair).next().expect("interpolation has a name"))
    }

    /// `<<~TAG, more: args` then the body; trailing arguments go into `args`.
    fn heredoc(&mut self, pair: Pair<Rule>, args: &mut Args) -> Expr {
        let at = span(&pair);
        let mut inner = kids(pair);
        let open = inner.next().expect("heredoc opener");
        let open_span = span(&open);
        let tag = open
            .as_str()
            .trim_start_matches("<<~")
            .trim_start_matches("<<-")
            .to_string();
        let mut lines: Vec<Vec<StrPart>> = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::heredoc_body => {
                    for part in kids(p) {
                        match part.as_rule() {
                            Rule::heredoc_line => lines.push(self.heredoc_line(part)),
                            Rule::heredoc_close => {}
                            Rule::heredoc_eof => self.report(
                                Diagnostic::new(
                                    Code::UnterminatedHeredoc,
                                    self.file,
                                    open_span,
                                    format!("heredoc `{tag}` is never closed"),
                                )
                                .label("opened here")
                                .help(format!(
                                    "Add a line holding only `{tag}` after the heredoc's text."
                                )),
                            ),
                            other => unreachable!("unexpected {other:?} in a heredoc body"),
                        }
                    }
                }
                _ => self.arg(p, args),
            }
        }
        Expr {
            kind: ExprKind::Str(Str {
                parts: dedent(lines),
                style: StrStyle::Heredoc { tag },
            }),
            span: Span::new(open_span.start, at.end),
        }
    }

    fn heredoc_line(&mut self, pair: Pair<Rule>) -> Vec<StrPart> {
        let mut parts = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::heredoc_text => push_text(&mut parts, p.as_str()),
                Rule::interp => parts.push(StrPart::Interp(self.interp(p))),
                other => unreachable!("unexpected {other:?} in a heredoc line"),
            }
        }
        parts
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    match parts.last_mut() {
        Some(StrPart::Text(t)) => t.push_str(text),
        _ => parts.push(StrPart::Text(text.to_string())),
    }
}

fn raw_unescape(text: &str) -> String {
    text.replace("\\'", "'").replace("\\\\", "\\")
}

/// Joins heredoc lines, removing the indentation they all share (`<<~`).
fn dedent(lines: Vec<Vec<StrPart>>) -> Vec<StrPart> {
    let indent = |line: &[StrPart]| match line.first() {
        Some(StrPart::Text(t)) => t.len() - t.trim_start_matches([' ', '\t']).len(),
        _ => 0,
    };
    let blank = |line: &[StrPart]| match line {
        [] => true,
        [StrPart::Text(t)] => t.trim().is_empty(),
        _ => false,
    };
    let common = lines
        .iter()
        .filter(|l| !blank(l))
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    let mut out = Vec::new();
    for line in lines {
        for (i, part) in line.into_iter().enumerate() {
            match part {
                StrPart::Text(t) if i == 0 => push_text(
                    &mut out,
                    t.get(common..).unwrap_or("").trim_end_matches(['\r']),
                ),
                StrPart::Text(t) => push_text(&mut out, &t),
                interp => out.push(interp),
            }
        }
        push_text(&mut out, "\n");
    }
    out
}

/// Terms written in a row with one operator, `a and b and c`, folded to the left as the
/// operator associates. A very long row is folded into a balanced tree instead, so every
/// walk over the condition (checking, evaluating, formatting, dropping) recurses about
/// log2(n) deep, not n. `lrb fmt` prints a balanced tree as a row with parenthesised groups,
/// each at most `SHORT_ROW` plus a few terms long, which parses back to the same tree.
fn chain(terms: Vec<Cond>, join: fn(Box<Cond>, Box<Cond>) -> Cond) -> Cond {
    const LONG_ROW: usize = 64;
    if terms.len() <= LONG_ROW {
        left_fold(terms, join)
    } else {
        balanced(terms, join)
    }
}

fn left_fold(terms: Vec<Cond>, join: fn(Box<Cond>, Box<Cond>) -> Cond) -> Cond {
    let mut terms = terms.into_iter();
    let first = terms.next().expect("a row has a term");
    terms.fold(first, |acc, t| join(Box::new(acc), Box::new(t)))
}

fn balanced(mut terms: Vec<Cond>, join: fn(Box<Cond>, Box<Cond>) -> Cond) -> Cond {
    const SHORT_ROW: usize = 32;
    if terms.len() <= SHORT_ROW {
        return left_fold(terms, join);
    }
    let right = terms.split_off(terms.len() / 2);
    join(
        Box::new(balanced(terms, join)),
        Box::new(balanced(right, join)),
    )
}
