//! Safety and flow rules that read a lowered runbook. One file per rule; each adds its findings.

mod literal_credential;
mod probe_without_timeout;
mod unacknowledged_destructive;
mod unbounded_confirm;
mod unbounded_write;
mod unclassified_in_read_block;
mod write_in_read_block;

pub(super) use literal_credential::find as find_credential;

use crate::action::{Action, ComposeOp, RawEffect};
use crate::diagnostic::Diagnostic;
use crate::plan::{self, Step};
use crate::source::FileId;

/// Everything a plan-level rule needs.
pub(super) struct Ctx<'a> {
    pub runbook: &'a plan::Runbook,
    pub file: FileId,
    pub out: &'a mut Vec<Diagnostic>,
}

pub(super) fn run(runbook: &plan::Runbook, file: FileId, out: &mut Vec<Diagnostic>) {
    let mut ctx = Ctx { runbook, file, out };
    unacknowledged_destructive::check(&mut ctx);
    write_in_read_block::check(&mut ctx);
    unclassified_in_read_block::check(&mut ctx);
    unbounded_write::check(&mut ctx);
    unbounded_confirm::check(&mut ctx);
    probe_without_timeout::check(&mut ctx);
}

/// Steps that may only read, with the block they are in: check probes and confirm probes.
fn read_only_steps(rb: &plan::Runbook) -> impl Iterator<Item = (&Step, String)> {
    let checks = rb.checks.iter().flat_map(|c| {
        c.probes
            .iter()
            .map(move |p| (p, format!("check `{}`", c.id)))
    });
    let confirm = rb
        .confirm
        .iter()
        .flat_map(|c| c.probes.iter().map(|p| (p, "`confirm`".to_string())));
    checks.chain(confirm)
}

/// Why an action has its effect, in words for a message.
fn effect_reason(action: &Action) -> String {
    match action.raw_effect() {
        Some(RawEffect::Classified {
            classification,
            declared: Some(d),
        }) if *d > classification.effect => format!("its author declared it `{d}`"),
        Some(RawEffect::Classified { classification, .. }) => classification.reason.clone(),
        Some(RawEffect::Unclassified { declared: Some(d) }) => {
            format!("its author declared it `{d}`")
        }
        Some(RawEffect::Unclassified { declared: None }) => {
            "lrb cannot tell what this command does, so it counts as destructive".to_string()
        }
        None => match action {
            Action::Http(a) => format!(
                "an HTTP `{}` request changes the server's state",
                a.method.as_str()
            ),
            Action::Compose(a) if matches!(a.op, ComposeOp::Down { volumes: true }) => {
                "`down` with `volumes: true` deletes the project's volumes and their data"
                    .to_string()
            }
            Action::Postgres(_)
            | Action::Redis(_)
            | Action::Docker(_)
            | Action::Compose(_)
            | Action::Shell(_)
            | Action::Manual(_)
            | Action::Wait(_) => format!("it is a `{}` action", action.effect()),
        },
    }
}
