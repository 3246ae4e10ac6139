//! LRB404: `DELETE` or `UPDATE` without `WHERE`, wherever it is written.

use super::{Ctx, all_steps};
use crate::action::{Action, PostgresOp};
use crate::check::registry;
use crate::diagnostic::Diagnostic;
use crate::safety;

pub(super) fn check(ctx: &mut Ctx) {
    for step in all_steps(ctx.runbook) {
        let Action::Postgres(pg) = &step.action else {
            continue;
        };
        let PostgresOp::Query { sql, .. } = &pg.op else {
            continue;
        };
        for statement in safety::sql_unbounded_writes(&sql.render(|_| "param".to_string())) {
            ctx.out.push(
                Diagnostic::new(
                    &registry::UNBOUNDED_WRITE,
                    ctx.file,
                    step.span,
                    format!("`{statement}` has no `WHERE` and changes every row"),
                )
                .label("no `WHERE` clause"),
            );
        }
    }
}
