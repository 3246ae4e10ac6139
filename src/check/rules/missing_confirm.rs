//! LRB302: a runbook that mitigates but has no `confirm`: nothing would show that the
//! mitigation worked.

use super::Ctx;
use crate::diagnostic::{Code, Diagnostic};

pub(super) fn check(ctx: &mut Ctx) {
    if ctx.runbook.mitigations().next().is_some() && ctx.runbook.confirm.is_none() {
        ctx.out.push(
            Diagnostic::new(
                Code::MissingConfirm,
                ctx.file,
                ctx.head(),
                format!(
                    "runbook `{}` mitigates but never confirms recovery",
                    ctx.ast.name.name
                ),
            )
            .label("no `confirm` block"),
        );
    }
}
