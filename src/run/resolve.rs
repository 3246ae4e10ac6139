//! Turning a runbook's targets and parameters into values: literals, the environment,
//! secrets and `--set`.

use super::{Resolved, ResolvedTarget, describe, mask};
use crate::action::catalogue::TargetKind;
use crate::plan::{Address, Runbook, Step};
use std::collections::BTreeSet;
use std::time::Duration;

/// Prefix of the environment variables that give parameters a value (`LRB_PARAM_RELEASE`).
pub const PARAM_ENV_PREFIX: &str = "LRB_PARAM_";

/// Why a runbook cannot run in this environment. Messages never hold a secret's value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("target `{target}` reads its address from secret `{var}`, which is not set")]
    MissingSecret { target: String, var: String },
    #[error(
        "target `{target}` reads its address from `{var}`, which is not set and has no default"
    )]
    MissingEnv { target: String, var: String },
    #[error("parameter `{name}` has no value")]
    MissingParam { name: String },
    #[error("runbook `{runbook}` has no parameter `{name}`")]
    UnknownParam { runbook: String, name: String },
}

impl ResolveError {
    /// What the operator should do about it.
    pub fn help(&self) -> String {
        match self {
            ResolveError::MissingSecret { var, .. } | ResolveError::MissingEnv { var, .. } => {
                format!("Export `{var}` in the environment that runs lrb, then run it again.")
            }
            ResolveError::MissingParam { name } => format!(
                "Pass `--set {name}=VALUE`, or export `{PARAM_ENV_PREFIX}{}`.",
                name.to_uppercase()
            ),
            ResolveError::UnknownParam { .. } => {
                "Check the spelling against the runbook's `param` lines.".to_string()
            }
        }
    }
}

/// Resolves every target and parameter of `runbook`. Parameters take `--set` first, then
/// `LRB_PARAM_<NAME>`, then their default. `env` reads the environment (a closure so tests
/// need not touch the process's own).
pub fn resolve(
    runbook: &Runbook,
    set: &[(String, String)],
    env: impl Fn(&str) -> Option<String>,
) -> Result<Resolved, ResolveError> {
    let mut resolved = Resolved::default();
    for (name, _) in set {
        if runbook.param(name).is_none() {
            return Err(ResolveError::UnknownParam {
                runbook: runbook.id.clone(),
                name: name.clone(),
            });
        }
    }
    let used = used_params(runbook);
    for param in &runbook.params {
        let given = set
            .iter()
            .rev()
            .find(|(name, _)| *name == param.name)
            .map(|(_, v)| v.clone())
            .or_else(|| env(&format!("{PARAM_ENV_PREFIX}{}", param.name.to_uppercase())))
            .or_else(|| param.default.clone());
        match given {
            Some(value) => {
                if param.secret && !value.is_empty() {
                    resolved.secrets.push(value.clone());
                }
                resolved.params.insert(param.name.clone(), value);
            }
            None if used.contains(&param.name) => {
                return Err(ResolveError::MissingParam {
                    name: param.name.clone(),
                });
            }
            None => {}
        }
    }
    for target in &runbook.targets {
        let address = match &target.address {
            Address::Literal { value } => value.clone(),
            Address::Env { name, default } => match env(name).or_else(|| default.clone()) {
                Some(v) => v,
                None => {
                    return Err(ResolveError::MissingEnv {
                        target: target.name.clone(),
                        var: name.clone(),
                    });
                }
            },
            Address::Secret { name } => match env(name) {
                Some(v) if !v.is_empty() => {
                    resolved.secrets.push(v.clone());
                    v
                }
                _ => {
                    return Err(ResolveError::MissingSecret {
                        target: target.name.clone(),
                        var: name.clone(),
                    });
                }
            },
        };
        resolved.targets.insert(
            target.name.clone(),
            ResolvedTarget {
                name: target.name.clone(),
                kind: target.kind,
                address,
                timeout: target.timeout_ms.map(Duration::from_millis),
                // Compose's own variable, read here so `plan` shows the project that runs.
                project: target.project.clone().or_else(|| {
                    (target.kind == TargetKind::Compose)
                        .then(|| env("COMPOSE_PROJECT_NAME"))
                        .flatten()
                }),
            },
        );
    }
    // Passwords inside target URLs are secrets too.
    resolved.secrets = mask::secrets(&resolved);
    Ok(resolved)
}

/// Parameters the diagnosis and the confirmation interpolate: needed before anything runs.
/// A mitigation's own parameters are checked when it is proposed ([`missing_params`]), so a
/// healthy diagnosis never asks for, say, the commit a full rollback would check out.
pub(crate) fn used_params(runbook: &Runbook) -> BTreeSet<String> {
    let steps = runbook
        .checks
        .iter()
        .flat_map(|c| &c.probes)
        .chain(runbook.confirm.iter().flat_map(|c| &c.probes));
    params_of(steps)
}

/// The parameters `steps` interpolate.
pub(crate) fn params_of<'a>(steps: impl Iterator<Item = &'a Step>) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for step in steps {
        describe::templates(&step.action, &mut |t| {
            used.extend(t.params().map(str::to_string))
        });
    }
    used
}

/// The parameters `steps` interpolate that have no value.
pub fn missing_params(steps: &[Step], resolved: &Resolved) -> Vec<String> {
    params_of(steps.iter())
        .into_iter()
        .filter(|p| !resolved.params.contains_key(p))
        .collect()
}

/// The first runbook of `src`, which must check clean.
#[cfg(test)]
pub(crate) fn runbook(src: &str) -> Runbook {
    let file = (std::path::PathBuf::from("t.rb"), src.as_bytes().to_vec());
    let session = crate::load::from_bytes(vec![file]);
    let plan = session.checked.plan.expect("fixture runbook checks clean");
    plan.runbooks[0].clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"
target :db, postgres: secret("DB_URL")
target :api, http: env("API_URL", "http://127.0.0.1:1")
param :tag, description: "image tag"
param :token, secret: true, default: "t0ken"
param :commit, description: "needed only by the mitigation"

runbook :demo do
  check :up do
    api.get "/health?tag=#{tag}", status: 200
  end
  check :conn do
    db.connect
  end
  when failed(:up) do
    mitigate "tag" do
      api.post "/deploy/#{tag}/#{token}/#{commit}"
    end
  end
end
"#;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn set_beats_env_beats_default_and_secrets_are_collected() {
        let rb = runbook(SRC);
        let env = env_of(&[
            ("DB_URL", "postgres://u:p%40ss@h/db"),
            ("LRB_PARAM_TAG", "from-env"),
        ]);
        let r = resolve(&rb, &[], &env).unwrap();
        assert_eq!(r.params["tag"], "from-env");
        assert_eq!(r.params["token"], "t0ken");
        assert_eq!(r.targets["api"].address, "http://127.0.0.1:1");
        for s in ["postgres://u:p%40ss@h/db", "p%40ss", "p@ss", "t0ken"] {
            assert!(
                r.secrets.contains(&s.to_string()),
                "{s} not in {:?}",
                r.secrets
            );
        }
        let r = resolve(&rb, &[("tag".into(), "v2".into())], &env).unwrap();
        assert_eq!(r.params["tag"], "v2");
    }

    #[test]
    fn missing_values_name_the_variable() {
        let rb = runbook(SRC);
        let err = resolve(&rb, &[], env_of(&[("LRB_PARAM_TAG", "x")])).unwrap_err();
        assert_eq!(
            err,
            ResolveError::MissingSecret {
                target: "db".into(),
                var: "DB_URL".into()
            }
        );
        assert!(err.help().contains("`DB_URL`"));
        let err = resolve(&rb, &[], env_of(&[("DB_URL", "postgres://h/db")])).unwrap_err();
        assert_eq!(err, ResolveError::MissingParam { name: "tag".into() });
        assert!(err.help().contains("LRB_PARAM_TAG"));
        let err = resolve(&rb, &[("tga".into(), "1".into())], env_of(&[])).unwrap_err();
        assert!(matches!(err, ResolveError::UnknownParam { .. }));
    }

    #[test]
    fn a_mitigations_parameters_are_asked_for_only_when_it_is_proposed() {
        let rb = runbook(SRC);
        let env = env_of(&[("DB_URL", "postgres://h/db"), ("LRB_PARAM_TAG", "v1")]);
        let r = resolve(&rb, &[], &env).expect("`commit` is not needed to diagnose");
        let steps = &rb.mitigations().next().unwrap().steps;
        assert_eq!(missing_params(steps, &r), vec!["commit".to_string()]);
        let r = resolve(&rb, &[("commit".into(), "abc".into())], &env).unwrap();
        assert!(missing_params(steps, &r).is_empty());
    }
}
