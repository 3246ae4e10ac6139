//! LRB408: a read action inside a mitigation with no timeout from itself or its target. Checks
//! and confirms have a default; mitigation steps do not, because some legitimately take long,
//! but an observation that hangs stalls the whole mitigation.

use super::Ctx;
use crate::diagnostic::{Code, Diagnostic};
use crate::effect::Effect;

pub(super) fn check(ctx: &mut Ctx) {
    let rb = ctx.runbook;
    for m in rb.mitigations() {
        for step in &m.steps {
            let Some(target) = step.action.target() else {
                continue;
            };
            let target_timeout = rb.target(target).and_then(|t| t.timeout_ms);
            if step.action.effect() != Effect::Read
                || step.action.timeout_ms().is_some()
                || target_timeout.is_some()
            {
                continue;
            }
            ctx.out.push(
                Diagnostic::new(
                    Code::ProbeWithoutTimeout,
                    ctx.file,
                    step.span,
                    format!("this read in mitigation `{}` can wait forever", m.name),
                )
                .label("no timeout")
                .help(format!(
                    "Add `timeout: 30s` to the action, or to `target :{target}`."
                )),
            );
        }
    }
}
