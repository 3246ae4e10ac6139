//! LRB402: a `check` or `confirm` that changes something. Probes run unasked, concurrently and
//! repeatedly, so they must only observe.

use super::{Ctx, effect_reason, read_only_steps};
use crate::action::RawEffect;
use crate::diagnostic::{Code, Diagnostic};
use crate::effect::Effect;

pub(super) fn check(ctx: &mut Ctx) {
    for (step, block) in read_only_steps(ctx.runbook) {
        let unclassified = matches!(
            step.action.raw_effect(),
            Some(RawEffect::Unclassified { declared: None })
        );
        if step.action.effect() == Effect::Read || unclassified {
            continue;
        }
        ctx.out.push(
            Diagnostic::new(
                Code::WriteInReadBlock,
                ctx.file,
                step.span,
                format!("{block} runs a `{}` action", step.action.effect()),
            )
            .label(effect_reason(&step.action))
            .help(format!(
                "Move it into a `mitigate` block; {block} runs without asking and must only observe."
            )),
        );
    }
}
