//! LRB407: a `confirm` with no `within:`: the operator should know how long recovery may take
//! before lrb calls it failed.

use super::Ctx;
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::DEFAULT_CONFIRM_WITHIN_MS;
use crate::source::Span;

pub(super) fn check(ctx: &mut Ctx) {
    let Some(confirm) = ctx.runbook.confirm.as_ref().filter(|c| !c.bounded) else {
        return;
    };
    let head = Span::new(confirm.span.start, confirm.span.start + "confirm".len());
    ctx.out.push(
        Diagnostic::new(
            Code::UnboundedConfirm,
            ctx.file,
            head,
            format!(
                "`confirm` has no `within:`, so it gives up after the default {} minutes",
                DEFAULT_CONFIRM_WITHIN_MS / 60_000
            ),
        )
        .label("no time bound"),
    );
}
