//! LRB403: a command in a `check` or `confirm` whose effect the analysis cannot tell. Failing
//! closed: it might write, so it needs the author's word.

use super::{Ctx, read_only_steps};
use crate::action::RawEffect;
use crate::diagnostic::{Code, Diagnostic};

pub(super) fn check(ctx: &mut Ctx) {
    for (step, block) in read_only_steps(ctx.runbook) {
        if !matches!(
            step.action.raw_effect(),
            Some(RawEffect::Unclassified { declared: None })
        ) {
            continue;
        }
        ctx.out.push(
            Diagnostic::new(
                Code::UnclassifiedInReadBlock,
                ctx.file,
                step.span,
                format!("lrb cannot tell whether this command in {block} only reads"),
            )
            .label("unclassified command")
            .help("If it only reads, add `effect: :read`; if it changes anything, move it into a `mitigate` block."),
        );
    }
}
