//! LRB305: a runbook without a `title`: people pick a runbook by its title.

use super::Ctx;
use crate::ast::Stmt;
use crate::diagnostic::{Code, Diagnostic};

pub(super) fn check(ctx: &mut Ctx) {
    // A `title` with a bad value is already reported; do not also call it missing.
    let has_title = ctx
        .ast
        .body
        .stmts
        .iter()
        .any(|s| matches!(s, Stmt::Meta(m) if m.key.name == "title"));
    if !has_title {
        ctx.out.push(
            Diagnostic::new(
                Code::MissingTitle,
                ctx.file,
                ctx.head(),
                format!("runbook `{}` has no title", ctx.ast.name.name),
            )
            .label("no `title`"),
        );
    }
}
