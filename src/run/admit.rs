//! The last look before an action runs (defence in depth behind `crate::fill`): every value
//! meets its hole's rule, and raw SQL, Redis and shell text, classified again as it will run
//! with the run's values, is no worse than the effect the checker approved.

use super::{Resolved, describe, mask};
use crate::action::{Action, PostgresOp, RedisOp, Template};
use crate::effect::{Classification, Effect};
use crate::fill::{self, Checked};
use crate::plan::Runbook;
use crate::safety;

/// Why an action may not run with these values, for the operator (masked).
pub type Refusal = String;

/// Checks every action of `runbook` whose parameters all have values: run before anything
/// runs, so a bad value stops the run instead of a step half-way.
pub fn admit_runbook(runbook: &Runbook, resolved: &Resolved) -> Result<(), Refusal> {
    for step in runbook.steps() {
        let mut complete = true;
        describe::templates(&step.action, &mut |t| {
            complete &= t.params().all(|p| resolved.params.contains_key(p));
        });
        if complete {
            admit(&step.action, resolved)?;
        }
    }
    Ok(())
}

/// Checks one action with the run's values.
pub fn admit(action: &Action, resolved: &Resolved) -> Result<(), Refusal> {
    let value = |p: &str| resolved.params.get(p).cloned().unwrap_or_default();
    let refuse = |text: String| Err(mask::mask(&text, &resolved.secrets));
    let at = || describe::describe(action, resolved);
    let mut nul = None;
    describe::templates(action, &mut |t| {
        nul = nul.take().or_else(|| {
            t.params()
                .find(|p| resolved.params.get(*p).is_some_and(|v| v.contains('\0')))
                .map(str::to_string)
        });
    });
    if let Some(p) = nul {
        return refuse(format!(
            "parameter `{p}` holds a NUL byte, which no backend can take as data (in `{}`)",
            at()
        ));
    }
    for admission in fill::admissions(action) {
        let (what, text) = match &admission.value {
            Checked::Param(p) => match resolved.params.get(p) {
                Some(v) => (format!("parameter `{p}` (`{}`)", fill::shown(v)), v.clone()),
                None => continue,
            },
            Checked::Name { what, template } => {
                if template.params().any(|p| !resolved.params.contains_key(p)) {
                    continue;
                }
                let name = template.render(value);
                (format!("the {what} `{}`", fill::shown(&name)), name)
            }
        };
        if !admission.rule.admits(&text) {
            return refuse(format!("{what} {} (in `{}`)", admission.rule.says(), at()));
        }
    }
    if let Some(why) = reclassified(action, &value) {
        return refuse(format!("{why}: refused to run `{}`", at()));
    }
    Ok(())
}

/// Classifies an action's raw text with each parameter's value given by the argument.
type Render<'a> = dyn Fn(&dyn Fn(&str) -> String) -> Option<Classification> + 'a;

/// The raw text as it will run, classified again: why it is worse than approved, if it is.
fn reclassified(action: &Action, value: &dyn Fn(&str) -> String) -> Option<String> {
    let approved = action.effect();
    let classified_before = action
        .raw_effect()
        .is_some_and(|r| r.classification().is_some());
    let deciding = !fill::deciding(action).is_empty();
    // One text per parameter given its real value (the others a plain word), so the message
    // names the parameter that made the difference; then all values at once.
    let judge = |render: &Render, template: &Template| {
        let sample = |_: &str| "param".to_string();
        let mut names: Vec<&str> = template.params().collect();
        names.dedup();
        for name in &names {
            let one = |p: &str| if p == *name { value(p) } else { sample(p) };
            if let Some(why) = worse(render(&one), approved, classified_before || deciding) {
                return Some(format!("the value of parameter `{name}` {why}"));
            }
        }
        worse(render(value), approved, classified_before || deciding)
            .map(|why| format!("the parameters' values together {why}"))
    };
    match action {
        Action::Shell(a) => judge(
            &|v| safety::classify_shell(&a.command.rendered(v)),
            &a.command.template,
        ),
        Action::Postgres(a) => match &a.op {
            PostgresOp::Query { sql, .. } => {
                judge(&|v| safety::classify_sql(&sql.render(v)), &sql.template)
            }
            PostgresOp::Connect => None,
        },
        Action::Redis(a) => match &a.op {
            RedisOp::Command { command, .. } => judge(
                &|v| {
                    safety::redis::lookup(&command.argv(v)).map(|(name, effect, what)| {
                        safety::class(effect, format!("`{name}` {what}"))
                    })
                },
                &command.template,
            ),
            RedisOp::Ping | RedisOp::Info { .. } | RedisOp::Llen { .. } => None,
        },
        // A query only reads, whatever its label values.
        Action::Http(_)
        | Action::Docker(_)
        | Action::Compose(_)
        | Action::Prometheus(_)
        | Action::Manual(_)
        | Action::Wait(_) => None,
    }
}

fn worse(found: Option<Classification>, approved: Effect, must_classify: bool) -> Option<String> {
    match found {
        Some(c) if c.effect > approved => Some(format!(
            "makes it {} ({}), more than the {approved} it was checked as",
            c.effect, c.reason
        )),
        None if must_classify => {
            Some("makes it a command lrb cannot classify, unlike the one it checked".into())
        }
        Some(_) | None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::resolve::{resolve, runbook};

    const SRC: &str = r##"
target :db, postgres: "postgres://h/db"
target :host, shell: "."
target :cache, redis: "redis://h"
param :queue, default: "jobs"
param :name, default: "world"
param :key, default: "k"
param :tool, default: "uptime"
param :c, default: "backend"
runbook :demo do
  title "demo"
  check :depth do
    db.query "SELECT count(*) FROM jobs WHERE queue = '#{queue}'"
  end
  check :hello do
    host.run "echo hello #{name}"
  end
  check :key do
    cache.command "EXISTS #{key}"
  end
  check :tool do
    host.run "#{tool}", effect: :read
  end
  check :up do
    docker.container "#{c}", state: :running
  end
  when failed(:depth) or failed(:hello) or failed(:key) or failed(:tool) or failed(:up) do
    mitigate "m" do
      step "look"
    end
  end
  confirm within: 1m do
    db.connect
  end
end
"##;

    fn with(set: &[(&str, &str)]) -> Result<(), Refusal> {
        let rb = runbook(SRC);
        let set: Vec<(String, String)> = set
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let resolved = resolve(&rb, &set, |_| None).unwrap();
        admit_runbook(&rb, &resolved)
    }

    #[test]
    fn data_values_are_admitted() {
        assert_eq!(with(&[]), Ok(()));
        assert_eq!(with(&[("queue", "x'; DROP TABLE victim; --")]), Ok(()));
        assert_eq!(with(&[("name", "$(touch /tmp/pwned); rm -rf /")]), Ok(()));
        assert_eq!(with(&[("key", "a b\r\nFLUSHALL")]), Ok(()));
    }

    #[test]
    fn a_value_that_picks_a_worse_command_or_a_bad_name_is_refused() {
        let err = with(&[("tool", "touch")]).unwrap_err();
        assert!(err.contains("parameter `tool`"), "{err}");
        assert!(err.contains("makes it write"), "{err}");
        assert!(with(&[("tool", "rm -rf /tmp/victim")]).is_err());
        let err = with(&[("c", "--help")]).unwrap_err();
        assert!(err.contains("container name"), "{err}");
    }
}
