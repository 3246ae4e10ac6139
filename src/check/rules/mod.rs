//! Safety and flow rules, one file per rule, each the only place that raises its code. Most read
//! a lowered runbook (with its AST, for where things were written) and are listed in [`run`];
//! `literal_credential` and `secret_printed` judge a text as the checker types it.

pub(super) mod literal_credential;
mod missing_confirm;
mod missing_title;
mod probe_without_timeout;
pub(super) mod secret_printed;
mod unacknowledged_destructive;
mod unbounded_confirm;
mod unbounded_write;
mod unclassified_in_read_block;
mod unused_check;
mod write_in_read_block;

use crate::action::{Action, ComposeOp, RawEffect};
use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::plan::{self, Step};
use crate::source::{FileId, Span};

/// Everything a plan-level rule needs.
pub(super) struct Ctx<'a> {
    pub runbook: &'a plan::Runbook,
    pub ast: &'a ast::Runbook,
    pub file: FileId,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// `runbook :name do`, where findings about the whole runbook point.
    fn head(&self) -> Span {
        Span::new(self.ast.span.start, self.ast.body.open.end)
    }
}

pub(super) fn run(
    runbook: &plan::Runbook,
    ast: &ast::Runbook,
    file: FileId,
    out: &mut Vec<Diagnostic>,
) {
    let mut ctx = Ctx {
        runbook,
        ast,
        file,
        out,
    };
    // Without its `end`, the runbook swallowed what followed: its shape is a guess.
    if ast.body.close.is_some() {
        missing_title::check(&mut ctx);
        missing_confirm::check(&mut ctx);
        unused_check::check(&mut ctx);
    }
    unacknowledged_destructive::check(&mut ctx);
    write_in_read_block::check(&mut ctx);
    unclassified_in_read_block::check(&mut ctx);
    unbounded_write::check(&mut ctx);
    unbounded_confirm::check(&mut ctx);
    probe_without_timeout::check(&mut ctx);
}

/// Steps that may only read, with the block they are in: check probes and confirm probes.
fn read_only_steps(rb: &plan::Runbook) -> impl Iterator<Item = (&Step, ReadBlock<'_>)> {
    let checks =
        (rb.checks.iter()).flat_map(|c| c.probes.iter().map(|p| (p, ReadBlock::Check(&c.id))));
    let confirm =
        (rb.confirm.iter()).flat_map(|c| c.probes.iter().map(|p| (p, ReadBlock::Confirm)));
    checks.chain(confirm)
}

/// The block a read-only step is in, written out only when a finding names it.
#[derive(Clone, Copy)]
enum ReadBlock<'a> {
    Check(&'a str),
    Confirm,
}

impl std::fmt::Display for ReadBlock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadBlock::Check(id) => write!(f, "check `{id}`"),
            ReadBlock::Confirm => f.write_str("`confirm`"),
        }
    }
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
            | Action::Prometheus(_)
            | Action::Manual(_)
            | Action::Wait(_) => format!("it is a `{}` action", action.effect()),
        },
    }
}
