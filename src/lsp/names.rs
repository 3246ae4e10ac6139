//! Every name written in a file, definition or use, and which definition each use means: the
//! index behind go to definition, references, hover and the completion of names.

use crate::ast::{self, Args, Block, Cond, Expr, ExprKind, KwArg, Stmt, StrPart};
use crate::source::{FileId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Runbook,
    Target,
    Param,
    Check,
}

#[derive(Debug, Clone)]
pub struct Name<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub span: Span,
    pub definition: bool,
    /// The runbook it is written in (its index in the file's body); `None` at the top.
    pub runbook: Option<usize>,
}

/// Where a name is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    pub file: FileId,
    pub span: Span,
}

/// The names of one file, in source order.
pub fn of_file(file: &ast::File) -> Vec<Name<'_>> {
    let mut out = Vec::new();
    for (i, stmt) in file.body.iter().enumerate() {
        let runbook = matches!(stmt, Stmt::Runbook(_)).then_some(i);
        Walker {
            out: &mut out,
            runbook,
        }
        .stmt(stmt);
    }
    out
}

/// The name under a byte offset (its span touching the offset), if any.
pub fn at(names: &[Name<'_>], offset: usize) -> Option<usize> {
    names
        .iter()
        .position(|n| n.span.start <= offset && offset <= n.span.end)
}

/// The definitions a name means: a check of the same runbook, a target or parameter of the
/// same runbook or else of the file, a runbook of any file of the set.
pub fn resolve<'a>(
    name: &Name<'_>,
    file: FileId,
    files: impl IntoIterator<Item = (FileId, &'a [Name<'a>])>,
) -> Vec<Definition> {
    let mut found = Vec::new();
    for (other, names) in files {
        if name.kind != Kind::Runbook && other != file {
            continue;
        }
        let same = |n: &&Name| n.definition && n.kind == name.kind && n.name == name.name;
        let defs: Vec<&Name> = names.iter().filter(same).collect();
        let pick: Vec<&Name> = match name.kind {
            Kind::Runbook => defs,
            Kind::Check => defs
                .into_iter()
                .filter(|d| d.runbook == name.runbook)
                .collect(),
            Kind::Target | Kind::Param => {
                let local: Vec<&Name> = defs
                    .iter()
                    .copied()
                    .filter(|d| d.runbook.is_some() && d.runbook == name.runbook)
                    .collect();
                if local.is_empty() {
                    defs.into_iter().filter(|d| d.runbook.is_none()).collect()
                } else {
                    local
                }
            }
        };
        found.extend(pick.into_iter().map(|d| Definition {
            file: other,
            span: d.span,
        }));
    }
    found
}

struct Walker<'o, 'a> {
    out: &'o mut Vec<Name<'a>>,
    runbook: Option<usize>,
}

impl<'a> Walker<'_, 'a> {
    fn push(&mut self, kind: Kind, ident: &'a ast::Ident, definition: bool) {
        self.out.push(Name {
            kind,
            name: &ident.name,
            span: ident.span,
            definition,
            runbook: self.runbook,
        });
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Target(t) => {
                self.push(Kind::Target, &t.name, true);
                self.expr(&t.address);
                self.options(&t.options);
            }
            Stmt::Param(p) => {
                self.push(Kind::Param, &p.name, true);
                self.options(&p.options);
            }
            Stmt::Runbook(r) => {
                self.push(Kind::Runbook, &r.name, true);
                self.block(&r.body);
            }
            Stmt::Meta(m) => self.args(&m.args),
            Stmt::Check(c) => {
                self.push(Kind::Check, &c.id, true);
                c.description.iter().for_each(|e| self.expr(e));
                self.options(&c.options);
                self.block(&c.body);
            }
            Stmt::When(w) => {
                self.cond(&w.cond);
                self.block(&w.body);
            }
            Stmt::Mitigate(m) => {
                self.expr(&m.name);
                self.options(&m.options);
                self.block(&m.body);
            }
            Stmt::Confirm(c) => {
                self.options(&c.options);
                self.block(&c.body);
            }
            Stmt::Followup(f) => self.block(&f.body),
            Stmt::Step(s) => {
                self.expr(&s.text);
                self.options(&s.options);
            }
            Stmt::Todo(t) => self.expr(&t.text),
            Stmt::See(s) => self.push(Kind::Runbook, &s.runbook, false),
            Stmt::Wait(w) => self.expr(&w.duration),
            Stmt::Action(a) => {
                self.push(Kind::Target, &a.target, false);
                self.args(&a.args);
            }
            Stmt::Scenario(s) => {
                self.expr(&s.name);
                self.block(&s.body);
            }
            Stmt::Background(b) => self.block(&b.body),
            Stmt::After(a) => {
                self.expr(&a.mitigation);
                self.block(&a.body);
            }
            Stmt::Fact(f) => self.args(&f.args),
            Stmt::Unknown(u) => {
                self.args(&u.args);
                u.body.iter().for_each(|b| self.block(b));
            }
        }
    }

    fn block(&mut self, block: &'a Block) {
        block.stmts.iter().for_each(|s| self.stmt(s));
    }

    fn cond(&mut self, cond: &'a Cond) {
        match cond {
            Cond::State { check, .. } => self.push(Kind::Check, check, false),
            Cond::Compare { check, value, .. } => {
                self.push(Kind::Check, check, false);
                self.expr(value);
            }
            Cond::Not(inner, _) => self.cond(inner),
            Cond::And(a, b) | Cond::Or(a, b) => {
                self.cond(a);
                self.cond(b);
            }
        }
    }

    fn args(&mut self, args: &'a Args) {
        args.positional.iter().for_each(|e| self.expr(e));
        self.options(&args.keywords);
    }

    fn options(&mut self, options: &'a [KwArg]) {
        options.iter().for_each(|kw| self.expr(&kw.value));
    }

    fn expr(&mut self, expr: &'a Expr) {
        match &expr.kind {
            ExprKind::Ref(name) => self.out.push(Name {
                kind: Kind::Param,
                name,
                span: expr.span,
                definition: false,
                runbook: self.runbook,
            }),
            ExprKind::Str(s) => {
                for part in &s.parts {
                    if let StrPart::Interp(ident) = part {
                        self.push(Kind::Param, ident, false);
                    }
                }
            }
            ExprKind::List(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Call { args, .. } => self.args(args),
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Duration(_)
            | ExprKind::Percent(_)
            | ExprKind::Bool(_)
            | ExprKind::Symbol(_)
            | ExprKind::Invalid => {}
        }
    }
}
