//! `--plan`: the script's read-only mode, as `lrb plan` is `lrb run`'s. The checks run and the
//! `when`s are evaluated as in a run; then, if one matched, the script prints what it would
//! propose and what `confirm` would check, and stops before anything could change.

use super::action::describe;
use super::words::quote;
use crate::duration::Duration;
use crate::exit::Exit;
use crate::export::ExportError;
use crate::plan::{Runbook, Step};
use crate::run::engine::writing_probes;
use std::fmt::Write;

/// The outcome the `end` record of a plan that found mitigations to propose names.
pub const PLANNED: &str = "planned";

/// Checks may only read, so `--plan` refuses to run one that writes, as `lrb plan` does.
pub fn refuse_writing_probes(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    for (check, step) in writing_probes(rb) {
        let _ = writeln!(
            s,
            "if ((LRB_PLAN)); then\n  lrb_die {} {}\nfi",
            Exit::Invalid.code(),
            quote(&format!(
                "check `{check}` holds a {} action: {}; checks may only read",
                step.action.effect(),
                describe(&step.action)
            ))?
        );
    }
    Ok(())
}

fn step_line(step: &Step) -> Result<String, ExportError> {
    quote(&format!(
        "    [{}] {}",
        step.action.effect(),
        describe(&step.action)
    ))
}

/// What `--plan` prints once a `when` matched, then its end: nothing was changed.
pub fn plan(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    s.push_str("if ((LRB_PLAN)); then\n");
    for (i, branch) in rb.branches.iter().enumerate() {
        if branch.mitigations.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  if ((LRB_HOLDS[{i}])); then");
        for m in &branch.mitigations {
            let approval = m.approval();
            let _ = writeln!(
                s,
                "    lrb_say {}",
                quote(&format!("would propose `{}` [{approval}]", m.name))?
            );
            for step in &m.steps {
                let _ = writeln!(s, "    lrb_say {}", step_line(step)?);
            }
        }
        s.push_str("  fi\n");
    }
    if let Some(confirm) = &rb.confirm {
        let _ = writeln!(
            s,
            "  lrb_say {}",
            quote(&format!(
                "then confirm every {} for at most {}:",
                Duration::from_ms(confirm.every_ms),
                Duration::from_ms(confirm.within_ms)
            ))?
        );
        for step in &confirm.probes {
            let _ = writeln!(s, "  lrb_say {}", step_line(step)?);
        }
    }
    let _ = writeln!(
        s,
        "  lrb_say 'nothing was changed'\n  lrb_end {PLANNED} {}\nfi",
        Exit::Findings.code()
    );
    Ok(())
}
