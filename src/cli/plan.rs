//! `lrb plan`: run the read-only checks, evaluate every `when`, and print what `lrb run`
//! would do, without doing it.

use super::console::{check_table, when_lines};
use super::exit;
use super::run::{RunbookArgs, prepare, runtime};
use crate::effect::Effect;
use crate::run::describe::{describe, human_ms};
use crate::run::engine::{Backends, decide, diagnose, writing_probes};
use crate::run::mask;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub target: RunbookArgs,
}

pub fn run(args: PlanArgs) -> u8 {
    let prepared = match prepare(&args.target) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let runbook = &prepared.runbook;
    let secrets = prepared.resolved.secrets.clone();
    let say = |text: &str| println!("{}", mask::mask(text, &secrets));
    // The checker allows only reads in checks; plan refuses anything else all the same.
    let writing = writing_probes(runbook);
    if !writing.is_empty() {
        for (check, step) in writing {
            eprintln!(
                "error: check `{check}` holds a {} action: {}",
                step.action.effect(),
                mask::mask(&describe(&step.action, &prepared.resolved), &secrets)
            );
        }
        eprintln!("  help: Checks may only read; move the action into a `mitigate` block.");
        return exit::INVALID;
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let resolved = Arc::new(prepared.resolved.clone());
    let started = Instant::now();
    let all: Vec<_> = runbook.checks.iter().collect();
    let checks = rt.block_on(diagnose(&all, &resolved, &Backends, &mut |_| {}));
    say(&format!(
        "lrb plan `{}`: {} checks in {} (read-only)\n{}",
        runbook.id,
        checks.len(),
        human_ms(started.elapsed().as_millis() as u64),
        check_table(&checks)
    ));
    let whens = decide(runbook, &checks);
    let matched = when_lines(&whens);
    if matched.is_empty() {
        say("no `when` matches: `lrb run` would do nothing (healthy)");
        return exit::OK;
    }
    say(&format!("matched:\n{}", matched.join("\n")));
    let branches = runbook.branches.iter().zip(&whens).filter(|(_, w)| w.holds);
    for (branch, _) in branches {
        for see in &branch.see {
            say(&format!("see runbook `{see}` (handed over, not run)"));
        }
        for m in &branch.mitigations {
            let approval = if m.is_destructive() {
                format!(
                    "DESTRUCTIVE ({}): needs its name typed, or `--yes --allow-destructive`",
                    m.destructive
                        .as_deref()
                        .unwrap_or("it holds a destructive step")
                )
            } else if m.effect() == Effect::Read {
                "reads only: needs `run`, or `--yes`".to_string()
            } else {
                "writes: needs `run`, or `--yes`".to_string()
            };
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
            human_ms(confirm.every_ms),
            human_ms(confirm.within_ms)
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
    exit::FINDINGS
}
