//! LRB303: a check no `when` reads: it costs a probe and decides nothing.

use super::Ctx;
use crate::ast::{self, Stmt};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use std::collections::HashSet;

pub(super) fn check(ctx: &mut Ctx) {
    // From the conditions as written, so a condition with an error still counts as reading.
    let mut read = HashSet::new();
    for stmt in &ctx.ast.body.stmts {
        if let Stmt::When(w) = stmt {
            cond_checks(&w.cond, &mut read);
        }
    }
    for check in ctx
        .runbook
        .checks
        .iter()
        .filter(|c| !c.info && !read.contains(c.id.as_str()))
    {
        ctx.out.push(
            Diagnostic::new(
                Code::UnusedCheck,
                ctx.file,
                check_head(ctx.ast, &check.id).unwrap_or(check.span),
                format!("check `{}` is not used by any `when`", check.id),
            )
            .label("never read")
            .help(format!(
                "Use it in a condition such as `when failed(:{}) do`, or mark it `info: true` if it only shows the operator something.",
                check.id
            )),
        );
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
