//! The typed, span-carrying syntax tree of one runbook file.
//!
//! Bodies keep statements in source order whatever their kind, so that the checker can say
//! where a statement does not belong and the formatter can print the file back as written.

use crate::duration::Duration;
use crate::source::Span;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct File {
    pub body: Vec<Stmt>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// Statements with a block, and the rare large ones, are boxed: every file's tree is held at
/// once, and an inline `Check` would make each of the many action statements as large.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Stmt {
    Target(Box<Target>),
    Param(Param),
    Runbook(Box<Runbook>),
    Meta(Meta),
    Check(Box<Check>),
    When(Box<When>),
    Mitigate(Box<Mitigate>),
    Confirm(Box<Confirm>),
    Followup(Followup),
    Step(Step),
    Todo(Todo),
    See(See),
    Wait(Wait),
    Action(ActionCall),
    Scenario(Box<Scenario>),
    Background(Background),
    After(Box<After>),
    Fact(Fact),
    Unknown(Box<Unknown>),
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Target(s) => s.span,
            Stmt::Param(s) => s.span,
            Stmt::Runbook(s) => s.span,
            Stmt::Meta(s) => s.span,
            Stmt::Check(s) => s.span,
            Stmt::When(s) => s.span,
            Stmt::Mitigate(s) => s.span,
            Stmt::Confirm(s) => s.span,
            Stmt::Followup(s) => s.span,
            Stmt::Step(s) => s.span,
            Stmt::Todo(s) => s.span,
            Stmt::See(s) => s.span,
            Stmt::Wait(s) => s.span,
            Stmt::Action(s) => s.span,
            Stmt::Scenario(s) => s.span,
            Stmt::Background(s) => s.span,
            Stmt::After(s) => s.span,
            Stmt::Fact(s) => s.span,
            Stmt::Unknown(s) => s.span,
        }
    }

    /// The block the statement holds, if any.
    pub fn block(&self) -> Option<&Block> {
        match self {
            Stmt::Runbook(s) => Some(&s.body),
            Stmt::Check(s) => Some(&s.body),
            Stmt::When(s) => Some(&s.body),
            Stmt::Mitigate(s) => Some(&s.body),
            Stmt::Confirm(s) => Some(&s.body),
            Stmt::Followup(s) => Some(&s.body),
            Stmt::Scenario(s) => Some(&s.body),
            Stmt::Background(s) => Some(&s.body),
            Stmt::After(s) => Some(&s.body),
            Stmt::Unknown(s) => s.body.as_ref(),
            Stmt::Target(_)
            | Stmt::Param(_)
            | Stmt::Meta(_)
            | Stmt::Step(_)
            | Stmt::Todo(_)
            | Stmt::See(_)
            | Stmt::Wait(_)
            | Stmt::Action(_)
            | Stmt::Fact(_) => None,
        }
    }

    /// The keyword a person would use to name this statement in a message.
    pub fn keyword(&self) -> &str {
        match self {
            Stmt::Target(_) => "target",
            Stmt::Param(_) => "param",
            Stmt::Runbook(_) => "runbook",
            Stmt::Meta(m) => m.key.name.as_str(),
            Stmt::Check(_) => "check",
            Stmt::When(_) => "when",
            Stmt::Mitigate(_) => "mitigate",
            Stmt::Confirm(_) => "confirm",
            Stmt::Followup(_) => "followup",
            Stmt::Step(_) => "step",
            Stmt::Todo(_) => "todo",
            Stmt::See(_) => "see",
            Stmt::Wait(_) => "wait",
            Stmt::Action(_) => "action",
            Stmt::Scenario(_) => "scenario",
            Stmt::Background(_) => "background",
            Stmt::After(_) => "after",
            Stmt::Fact(f) => f.key.name.as_str(),
            Stmt::Unknown(u) => u.path[0].name.as_str(),
        }
    }
}

/// `target :api, http: env("API_URL", "http://127.0.0.1:3000"), timeout: 5s`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub name: Ident,
    /// The kind keyword (`http`, `postgres`, ...) as written; the checker validates it.
    pub kind: Ident,
    pub address: Expr,
    pub options: Vec<KwArg>,
    pub span: Span,
}

/// `param :version, default: "v1.0.0", description: "..."`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub options: Vec<KwArg>,
    pub span: Span,
}

/// `runbook :api_outage do ... end`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runbook {
    pub name: Ident,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    /// Span of `do`, and of `end` (`None` when the file ended first).
    pub open: Span,
    pub close: Option<Span>,
}

/// `title "API Outage"`, `severity :critical`, `symptom "..."`, `tags :api, :http`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub key: Ident,
    pub args: Args,
    pub span: Span,
}

/// `check :live, "liveness answers", timeout: 5s do ... end`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: Ident,
    pub description: Option<Expr>,
    pub options: Vec<KwArg>,
    pub body: Block,
    pub span: Span,
}

/// `when failed(:live) and value(:memory) > 90% do ... end`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct When {
    pub cond: Cond,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cond {
    State {
        state: CheckState,
        check: Ident,
        span: Span,
    },
    Compare {
        check: Ident,
        op: CmpOp,
        value: Expr,
        span: Span,
    },
    Not(Box<Cond>, Span),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::State { span, .. } | Cond::Compare { span, .. } | Cond::Not(_, span) => *span,
            Cond::And(a, b) | Cond::Or(a, b) => a.span().to(b.span()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckState {
    Passed,
    Failed,
    Errored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// `mitigate "Restart backend", destructive: "drops sessions" do ... end`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mitigate {
    pub name: Expr,
    pub options: Vec<KwArg>,
    pub body: Block,
    pub span: Span,
}

/// `confirm within: 2m, every: 5s do ... end`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confirm {
    pub options: Vec<KwArg>,
    pub body: Block,
    pub span: Span,
}

/// `followup do todo "..." end`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Followup {
    pub body: Block,
    pub span: Span,
}

/// `step "Verify DATABASE_URL is set"`: a manual instruction the operator confirms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub text: Expr,
    pub options: Vec<KwArg>,
    pub span: Span,
}

/// `todo "Review crash logs"`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Todo {
    pub text: Expr,
    pub span: Span,
}

/// `see :deployment_rollback`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct See {
    pub runbook: Ident,
    pub span: Span,
}

/// `wait 10s`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wait {
    pub duration: Expr,
    pub span: Span,
}

/// `api.get "/health/live", status: 200`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionCall {
    pub target: Ident,
    pub verb: Ident,
    pub args: Args,
    pub span: Span,
}

/// `scenario "backend crashed: restart it" do ... end`: one test of a runbook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: Expr,
    pub body: Block,
    pub span: Span,
}

/// `background do given ... end`: facts every scenario of the file starts from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Background {
    pub body: Block,
    pub span: Span,
}

/// `after "Restart backend" do given ... end`: what the checks see once that mitigation ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct After {
    pub mitigation: Expr,
    pub body: Block,
    pub span: Span,
}

/// `given :live, :failed`, `expect outcome: :recovered`, `operator :absent`, `flags :yes`,
/// `answer "Restart", :skip`, `runbook :api_outage`: one fact of a scenario, typed by the
/// checker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub key: Ident,
    pub args: Args,
    pub span: Span,
}

/// A statement the grammar could not place; the checker reports it with a suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unknown {
    pub path: Vec<Ident>,
    pub args: Args,
    pub body: Option<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Args {
    pub positional: Vec<Expr>,
    pub keywords: Vec<KwArg>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KwArg {
    pub key: Ident,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExprKind {
    Str(Str),
    Int(i64),
    Float(f64),
    Duration(Duration),
    Percent(f64),
    Bool(bool),
    Symbol(String),
    List(Vec<Expr>),
    /// `env("NAME", "default")`, `secret("NAME")`
    Call {
        func: Ident,
        /// Boxed: calls are rare, and every value is as large as the largest kind.
        args: Box<Args>,
    },
    /// A bare name: a parameter reference.
    Ref(String),
    /// A literal the parser rejected; already reported.
    Invalid,
}

impl ExprKind {
    /// What kind of value this is, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ExprKind::Str(_) => "a string",
            ExprKind::Int(_) => "an integer",
            ExprKind::Float(_) => "a number",
            ExprKind::Duration(_) => "a duration",
            ExprKind::Percent(_) => "a percentage",
            ExprKind::Bool(_) => "a boolean",
            ExprKind::Symbol(_) => "a symbol",
            ExprKind::List(_) => "a list",
            ExprKind::Call { .. } => "a function call",
            ExprKind::Ref(_) => "a parameter",
            ExprKind::Invalid => "an invalid value",
        }
    }
}

/// A string literal: text pieces and `#{param}` interpolations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Str {
    pub parts: Vec<StrPart>,
    pub style: StrStyle,
}

impl Str {
    /// The text, if the string has no interpolation.
    pub fn as_literal(&self) -> Option<String> {
        self.parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => Some(t.as_str()),
                StrPart::Interp(_) => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StrPart {
    Text(String),
    Interp(Ident),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum StrStyle {
    Double,
    Single,
    /// `<<~TAG`; the text has its common indentation removed.
    Heredoc {
        tag: String,
    },
}

/// Equality of meaning: two trees that differ only in where things are (spans, and the
/// trailing white space of comments) are equal. The formatter's check that its output means
/// what its input meant.
pub trait EqIgnoringSpans {
    fn eq_ignoring_spans(&self, other: &Self) -> bool;
}

/// Types without spans compare as they are.
macro_rules! by_value {
    ($($ty:ty),+) => {$(
        impl EqIgnoringSpans for $ty {
            fn eq_ignoring_spans(&self, other: &Self) -> bool {
                self == other
            }
        }
    )+};
}

by_value!(String, StrStyle, CheckState, CmpOp);

/// Structs compare the fields named before the `;`, never the ones after it; naming every
/// field in the pattern keeps a new field from being skipped silently.
macro_rules! by_fields {
    ($($ty:ident { $($field:ident),+ ; $($skip:ident),* })+) => {$(
        impl EqIgnoringSpans for $ty {
            fn eq_ignoring_spans(&self, other: &Self) -> bool {
                let $ty { $($field: _,)+ $($skip: _,)* } = self;
                $(self.$field.eq_ignoring_spans(&other.$field))&&+
            }
        }
    )+};
}

by_fields! {
    File { body, comments; }
    Ident { name; span }
    Target { name, kind, address, options; span }
    Param { name, options; span }
    Runbook { name, body; span }
    Block { stmts; open, close }
    Meta { key, args; span }
    Check { id, description, options, body; span }
    When { cond, body; span }
    Mitigate { name, options, body; span }
    Confirm { options, body; span }
    Followup { body; span }
    Step { text, options; span }
    Todo { text; span }
    See { runbook; span }
    Wait { duration; span }
    ActionCall { target, verb, args; span }
    Scenario { name, body; span }
    Background { body; span }
    After { mitigation, body; span }
    Fact { key, args; span }
    Unknown { path, args, body; span }
    Args { positional, keywords; }
    KwArg { key, value; }
    Expr { kind; span }
    Str { parts, style; }
}

/// Enums whose every variant holds one value compare variant and value.
macro_rules! by_variant {
    ($ty:ident: $($variant:ident),+) => {
        impl EqIgnoringSpans for $ty {
            fn eq_ignoring_spans(&self, other: &Self) -> bool {
                match (self, other) {
                    $(($ty::$variant(a), $ty::$variant(b)) => a.eq_ignoring_spans(b),)+
                    $(($ty::$variant(_), _))|+ => false,
                }
            }
        }
    };
}

by_variant!(Stmt: Target, Param, Runbook, Meta, Check, When, Mitigate, Confirm, Followup, Step, Todo, See, Wait, Action, Scenario, Background, After, Fact, Unknown);
by_variant!(StrPart: Text, Interp);

impl EqIgnoringSpans for Comment {
    fn eq_ignoring_spans(&self, other: &Self) -> bool {
        self.text.trim_end() == other.text.trim_end()
    }
}

impl EqIgnoringSpans for Cond {
    fn eq_ignoring_spans(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Cond::State { state, check, .. },
                Cond::State {
                    state: s, check: c, ..
                },
            ) => state == s && check.eq_ignoring_spans(c),
            (
                Cond::Compare {
                    check, op, value, ..
                },
                Cond::Compare {
                    check: c,
                    op: o,
                    value: v,
                    ..
                },
            ) => check.eq_ignoring_spans(c) && op == o && value.eq_ignoring_spans(v),
            (Cond::Not(a, _), Cond::Not(b, _)) => a.eq_ignoring_spans(b),
            (Cond::And(a, b), Cond::And(c, d)) | (Cond::Or(a, b), Cond::Or(c, d)) => {
                a.eq_ignoring_spans(c) && b.eq_ignoring_spans(d)
            }
            (Cond::State { .. } | Cond::Compare { .. } | Cond::Not(..), _) => false,
            (Cond::And(..) | Cond::Or(..), _) => false,
        }
    }
}

impl EqIgnoringSpans for ExprKind {
    fn eq_ignoring_spans(&self, other: &Self) -> bool {
        use ExprKind::*;
        match (self, other) {
            (Str(a), Str(b)) => a.eq_ignoring_spans(b),
            (List(a), List(b)) => a.eq_ignoring_spans(b),
            (Call { func, args }, Call { func: f, args: a }) => {
                func.eq_ignoring_spans(f) && args.eq_ignoring_spans(a)
            }
            // These hold no span.
            (
                Int(_) | Float(_) | Duration(_) | Percent(_) | Bool(_) | Symbol(_) | Ref(_)
                | Invalid,
                _,
            ) => self == other,
            (Str(_) | List(_) | Call { .. }, _) => false,
        }
    }
}

impl<T: EqIgnoringSpans> EqIgnoringSpans for Vec<T> {
    fn eq_ignoring_spans(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.eq_ignoring_spans(b))
    }
}

impl<T: EqIgnoringSpans> EqIgnoringSpans for Option<T> {
    fn eq_ignoring_spans(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.eq_ignoring_spans(b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

impl<T: EqIgnoringSpans> EqIgnoringSpans for Box<T> {
    fn eq_ignoring_spans(&self, other: &Self) -> bool {
        (**self).eq_ignoring_spans(other)
    }
}
