//! LRB401: a destructive action inside a mitigation that does not say `destructive: "why"`.

use super::{Ctx, effect_reason};
use crate::diagnostic::{Code, Diagnostic};
use crate::effect::Effect;

pub(super) fn check(ctx: &mut Ctx) {
    for m in ctx
        .runbook
        .mitigations()
        .filter(|m| m.destructive.is_none())
    {
        for step in m
            .steps
            .iter()
            .filter(|s| s.action.effect() == Effect::Destructive)
        {
            ctx.out.push(
                Diagnostic::new(
                    Code::UnacknowledgedDestructive,
                    ctx.file,
                    step.span,
                    format!(
                        "mitigation `{}` runs a destructive action without acknowledging it",
                        m.name
                    ),
                )
                .label(effect_reason(&step.action))
                .help(format!(
                    "Add `destructive: \"what is lost\"` to `mitigate \"{}\"` so the operator must type its name to run it, or use a safer action.",
                    m.name
                )),
            );
        }
    }
}
