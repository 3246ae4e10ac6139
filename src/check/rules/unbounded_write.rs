//! LRB404: `DELETE` or `UPDATE` without `WHERE`, wherever it is written. In a mitigation whose
//! author acknowledged data loss (`destructive:`) it is a warning: the loss is stated, but the
//! reader should still see that it is every row.

use super::Ctx;
use crate::action::{Action, PostgresOp, RawEffect};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::Span;

pub(super) fn check(ctx: &mut Ctx) {
    let acknowledged: Vec<Span> = ctx
        .runbook
        .mitigations()
        .filter(|m| m.destructive.is_some())
        .flat_map(|m| m.steps.iter().map(|s| s.span))
        .collect();
    for step in ctx.runbook.steps() {
        let Action::Postgres(pg) = &step.action else {
            continue;
        };
        let PostgresOp::Query {
            effect: RawEffect::Classified { classification, .. },
            ..
        } = &pg.op
        else {
            continue;
        };
        for statement in &classification.unbounded_writes {
            let mut d = Diagnostic::new(
                Code::UnboundedWrite,
                ctx.file,
                step.span,
                format!("`{statement}` is bounded by no `WHERE` and changes every row"),
            )
            .label("no `WHERE` that limits it");
            if acknowledged.contains(&step.span) {
                d.severity = Severity::Warning;
                d = d.help("The mitigation acknowledges data loss, so this is a warning: make sure every row is meant, or add a `WHERE` clause that selects only the rows to change.");
            }
            ctx.out.push(d);
        }
    }
}
