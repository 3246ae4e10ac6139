//! `lrb plan`: run the read-only checks, evaluate every `when`, and print what `lrb run`
//! would do, without doing it.

use super::console::{check_table, when_lines};
use super::error::CliError;
use super::run::{RunbookArgs, SHUTDOWN, prepare, runtime_with_signals, unhandled_text};
use crate::duration::Duration;
use crate::exit::Exit;
use crate::run::describe::describe;
use crate::run::engine::{Backends, CheckResult, decide, diagnose, unhandled, writing_probes};
use crate::run::mask;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub target: RunbookArgs,
}

pub fn run(args: PlanArgs) -> Exit {
    let prepared = match prepare(&args.target) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let runbook = &prepared.runbook;
    let secrets = prepared.resolved.secrets.clone();
    let say = |text: &str| super::console::line(&mask::mask(text, &secrets));
    // The checker allows only reads in checks; plan refuses anything else all the same.
    let writing = writing_probes(runbook);
    if !writing.is_empty() {
        for (check, step) in writing {
            CliError::new(format!(
                "check `{check}` holds a {} action: {}",
                step.action.effect(),
                mask::mask(&describe(&step.action, &prepared.resolved), &secrets)
            ))
            .print();
        }
        eprintln!("  help: Checks may only read; move the action into a `mitigate` block.");
        return Exit::Invalid;
    }
    let (rt, mut signals) = match runtime_with_signals() {
        Ok(both) => both,
        Err(code) => return code,
    };
    let resolved = Arc::new(prepared.resolved.clone());
    let started = Instant::now();
    let all: Vec<_> = runbook.checks.iter().collect();
    let mut finished = HashSet::new();
    let mut done = |c: &CheckResult| {
        finished.insert(c.id.clone());
    };
    let diagnosed = rt.block_on(async {
        tokio::select! {
            biased;
            signal = signals.first() => Err(signal),
            checks = diagnose(&all, &resolved, &Backends, &mut done) => Ok(checks),
        }
    });
    // Cancels every probe still running and kills its shell's process group.
    rt.shutdown_timeout(SHUTDOWN);
    let checks = match diagnosed {
        Ok(checks) => checks,
        Err(signal) => {
            let left: Vec<String> = (all.iter())
                .filter(|c| !finished.contains(&c.id))
                .map(|c| format!("`{}`", c.id))
                .collect();
            say(&format!(
                "interrupted by {signal} during the checks: stopped\n  left undone: checks not finished: {}\nnothing was changed",
                left.join(", ")
            ));
            return Exit::Aborted;
        }
    };
    say(&format!(
        "lrb plan `{}`: {} checks in {} (read-only)\n{}",
        runbook.id,
        checks.len(),
        Duration::from(started.elapsed()).rounded(),
        check_table(&checks)
    ));
    let whens = decide(runbook, &checks);
    let matched = when_lines(&whens);
    if matched.is_empty() {
        let failing = unhandled(&checks);
        if !failing.is_empty() {
            say(&unhandled_text(&failing));
            return Exit::Unhandled;
        }
        say("no `when` matches: `lrb run` would do nothing (healthy)");
        return Exit::Ok;
    }
    say(&format!("matched:\n{}", matched.join("\n")));
    let branches = runbook.branches.iter().zip(&whens).filter(|(_, w)| w.holds);
    for (branch, _) in branches {
        for see in &branch.see {
            say(&format!("see runbook `{see}` (handed over, not run)"));
        }
        for m in &branch.mitigations {
            let approval = m.approval();
            say(&format!("would propose `{}` [{approval}]", m.name));
            for step in &m.steps {
                say(&format!(
                    "    [{}] {}",
                    step.action.effect(),
                    describe(&step.action, &prepared.resolved)
                ));
            }
        }
    }
    if let Some(confirm) = &runbook.confirm {
        say(&format!(
            "then confirm every {} for at most {}:",
            Duration::from_ms(confirm.every_ms),
            Duration::from_ms(confirm.within_ms)
        ));
        for step in &confirm.probes {
            say(&format!(
                "    [{}] {}",
                step.action.effect(),
                describe(&step.action, &prepared.resolved)
            ));
        }
    }
    say("nothing was changed");
    Exit::Findings
}
