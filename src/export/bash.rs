//! `lrb export bash`: one self-contained bash script that runs a runbook like `lrb run` does,
//! on a host that has only bash and the CLIs the runbook talks to.
//!
//! The script is a fixed runtime (the `bash/*.sh` files, only the parts the runbook needs) and
//! generated code that calls it: parameters, targets, one function per check (run as
//! background jobs), the `when` conditions, one function per mitigation, the confirm loop.

mod action;
mod words;

pub use words::quote;

use self::action::{address, call, describe, human, target_var};
use self::words::{comment, identifier, param_env, param_var, word};
use crate::action::catalogue::TargetKind;
use crate::action::{Action, HttpAction};
use crate::ast::CheckState;
use crate::export::{ExportError, Meta};
use crate::plan::{self, Address, Condition, Literal, Runbook, Step};
use std::collections::BTreeSet;
use std::fmt::Write;

const CORE: &str = include_str!("bash/core.sh");
const HTTP: &str = include_str!("bash/http.sh");
const POSTGRES: &str = include_str!("bash/postgres.sh");
const REDIS: &str = include_str!("bash/redis.sh");
const DOCKER: &str = include_str!("bash/docker.sh");
const COMPOSE: &str = include_str!("bash/compose.sh");
const SHELL: &str = include_str!("bash/shell.sh");

/// Exit codes of the script, the same as `lrb run`'s.
pub const EXIT_HEALTHY: u8 = 0;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_RECOVERED: u8 = 10;
pub const EXIT_NOT_RECOVERED: u8 = 11;
pub const EXIT_ABORTED: u8 = 12;
pub const EXIT_INVALID: u8 = 13;

/// Tools every exported script calls, besides bash itself (coreutils and awk).
const BASE_TOOLS: &[&str] = &["awk", "mkdir", "mktemp", "rm", "sleep", "timeout"];

/// The script for `rb`.
pub fn export(rb: &Runbook, meta: &Meta) -> Result<String, ExportError> {
    let uses = Uses::of(rb);
    let mut s = String::new();
    header(&mut s, rb, meta, &uses);
    usage(&mut s, rb, meta)?;
    runtime(&mut s, &uses);
    arguments(&mut s, rb)?;
    targets(&mut s, rb, &uses)?;
    tools(&mut s, &uses)?;
    checks(&mut s, rb)?;
    branches(&mut s, rb)?;
    mitigations(&mut s, rb)?;
    confirm(&mut s, rb)?;
    Ok(s)
}

/// What the runbook's actions need: target names and kinds, and whether any reads JSON.
struct Uses {
    targets: BTreeSet<String>,
    kinds: BTreeSet<&'static str>,
    json: bool,
}

impl Uses {
    fn of(rb: &Runbook) -> Uses {
        let steps = rb
            .checks
            .iter()
            .flat_map(|c| &c.probes)
            .chain(rb.mitigations().flat_map(|m| &m.steps))
            .chain(rb.confirm.iter().flat_map(|c| &c.probes));
        let mut uses = Uses {
            targets: BTreeSet::new(),
            kinds: BTreeSet::new(),
            json: false,
        };
        for step in steps {
            if let Some(t) = step.action.target() {
                uses.targets.insert(t.to_string());
            }
            if let Some(kind) = rb
                .target(step.action.target().unwrap_or(""))
                .map(|t| t.kind)
            {
                uses.kinds.insert(kind.name());
            }
            if let Action::Http(HttpAction { json: Some(_), .. }) = &step.action {
                uses.json = true;
            }
        }
        uses
    }

    fn has(&self, kind: TargetKind) -> bool {
        self.kinds.contains(kind.name())
    }

    /// The programs the script checks for at start, in order.
    fn tools(&self) -> Vec<&'static str> {
        let mut tools: Vec<&'static str> = BASE_TOOLS.to_vec();
        for kind in TargetKind::ALL {
            if !self.has(kind) {
                continue;
            }
            tools.extend(match kind {
                TargetKind::Http => &["curl"][..],
                TargetKind::Postgres => &["psql"],
                TargetKind::Redis => &["redis-cli"],
                TargetKind::Docker => &["docker"],
                TargetKind::Compose | TargetKind::Shell => &[],
            });
        }
        if self.json {
            tools.push("jq");
        }
        tools.sort_unstable();
        tools.dedup();
        tools
    }

    fn describe_tools(&self) -> String {
        let mut list = vec!["bash 5".to_string()];
        list.extend(self.tools().iter().map(|t| t.to_string()));
        if self.has(TargetKind::Compose) {
            list.push("docker compose (or docker-compose)".into());
        }
        list.join(", ")
    }
}

fn header(s: &mut String, rb: &Runbook, meta: &Meta, uses: &Uses) {
    let title = rb
        .title
        .as_deref()
        .map(|t| format!(" ({})", comment(t)))
        .unwrap_or_default();
    let _ = writeln!(s, "#!/usr/bin/env bash");
    // Literal text is single-quoted on purpose: nothing in it may expand.
    let _ = writeln!(s, "# shellcheck disable=SC2016");
    let _ = writeln!(
        s,
        "# Runbook `{}`{title}, exported by `lrb export bash`.",
        rb.id
    );
    let _ = writeln!(
        s,
        "# Source: {} (sha256 {})",
        comment(&meta.source),
        meta.sha256
    );
    let _ = writeln!(s, "# Exported by lrb {}.", comment(&meta.version));
    let _ = writeln!(s, "# Needs: {}.", uses.describe_tools());
    let _ = writeln!(
        s,
        "# Exit codes: {EXIT_HEALTHY} healthy, {EXIT_RECOVERED} recovered, {EXIT_NOT_RECOVERED} not recovered, \
         {EXIT_ABORTED} aborted or refused, {EXIT_INVALID} invalid setup, {EXIT_USAGE} bad usage."
    );
    let _ = writeln!(
        s,
        "# Edit the runbook and export it again rather than editing this file."
    );
    s.push_str("set -euo pipefail\n\n");
    let _ = writeln!(
        s,
        "if ((BASH_VERSINFO[0] < 5)); then\n  printf 'error: this script needs bash 5 or later, not %s\\n' \"$BASH_VERSION\" >&2\n  exit {EXIT_INVALID}\nfi\n"
    );
}

fn usage(s: &mut String, rb: &Runbook, meta: &Meta) -> Result<(), ExportError> {
    let name = format!("{}.sh", rb.id);
    let mut lines = vec![
        format!(
            "Runs the runbook `{}`{} as `lrb run` would.",
            rb.id,
            rb.title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default()
        ),
        format!("Exported from {} by lrb {}.", meta.source, meta.version),
        String::new(),
        format!("Usage: {name} [--yes] [--allow-destructive] [--set NAME=VALUE]..."),
        String::new(),
        "Options:".into(),
        "  --yes                 Approve every mitigation and manual step without asking.".into(),
        "  --allow-destructive   With --yes, also run destructive mitigations (else skipped)."
            .into(),
        "  --set NAME=VALUE      Set a parameter (also --param-NAME=VALUE).".into(),
        "  -h, --help            Show this help.".into(),
    ];
    if !rb.params.is_empty() {
        lines.push(String::new());
        lines.push("Parameters (flag, else environment variable, else default):".into());
        for p in &rb.params {
            let default = match (&p.default, p.secret) {
                (_, true) => "secret".to_string(),
                (Some(d), false) => format!("default {d:?}"),
                (None, false) => "required".to_string(),
            };
            lines.push(format!(
                "  {:<20} {}, {default}{}",
                p.name,
                param_env(&p.name)?,
                p.description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ));
        }
    }
    lines.push(String::new());
    lines.push(
        "Exit codes: 0 healthy, 10 recovered, 11 not recovered, 12 aborted or refused, \
         13 invalid setup (missing tool, variable or parameter), 2 bad usage."
            .into(),
    );
    s.push_str("lrb_usage() {\n  printf '%s\\n'");
    for line in &lines {
        let _ = write!(s, " \\\n    {}", quote(line)?);
    }
    s.push_str("\n}\n");
    Ok(())
}

fn runtime(s: &mut String, uses: &Uses) {
    s.push('\n');
    s.push_str(CORE);
    for (kind, text) in [
        (TargetKind::Http, HTTP),
        (TargetKind::Postgres, POSTGRES),
        (TargetKind::Redis, REDIS),
        (TargetKind::Docker, DOCKER),
        (TargetKind::Compose, COMPOSE),
        (TargetKind::Shell, SHELL),
    ] {
        if uses.has(kind) {
            s.push_str(text);
        }
    }
}

fn arguments(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    s.push_str(
        "\n# ---- this runbook ----\n\n\
         LRB_YES=0\nLRB_ALLOW_DESTRUCTIVE=0\nLRB_MASK=()\nLRB_JOBS=()\nLRB_TMP=\n\
         declare -A LRB_STATUS=() LRB_DETAIL=() LRB_VALUE=() LRB_HAS_VALUE=() LRB_OUTPUT=()\n",
    );
    for p in &rb.params {
        let _ = writeln!(s, "lrb_given_{}=0", identifier("parameter", &p.name)?);
    }
    s.push_str("\n# `NAME=VALUE` from --set or --param-NAME=VALUE.\nlrb_set() {\n");
    s.push_str("  local name=${1%%=*} value=${1#*=}\n");
    let _ = writeln!(
        s,
        "  if [[ $1 != *=* ]]; then\n    lrb_die {EXIT_USAGE} \"--set needs NAME=VALUE, got \\`$name\\`\"\n  fi"
    );
    s.push_str("  case $name in\n");
    for p in &rb.params {
        let _ = writeln!(
            s,
            "    {}) {}=$value; lrb_given_{}=1 ;;",
            quote(&p.name)?,
            param_var(&p.name)?,
            p.name
        );
    }
    let known = if rb.params.is_empty() {
        "this runbook has no parameters".to_string()
    } else {
        let names: Vec<String> = rb.params.iter().map(|p| format!("`{}`", p.name)).collect();
        format!("known: {}", names.join(", "))
    };
    let _ = writeln!(
        s,
        "    *) lrb_die {EXIT_USAGE} \"unknown parameter \\`$name\\` ({})\" ;;\n  esac\n}}\n",
        known.replace('`', "\\`")
    );
    let _ = writeln!(
        s,
        "while (($# > 0)); do\n  case $1 in\n    --yes | -y) LRB_YES=1 ;;\n    --allow-destructive) LRB_ALLOW_DESTRUCTIVE=1 ;;\n    \
         -h | --help)\n      lrb_usage\n      exit 0\n      ;;\n    \
         --set)\n      (($# > 1)) || lrb_die {EXIT_USAGE} '--set needs NAME=VALUE'\n      shift\n      lrb_set \"$1\"\n      ;;\n    \
         --set=*) lrb_set \"${{1#--set=}}\" ;;\n    --param-*) lrb_set \"${{1#--param-}}\" ;;\n    \
         *) lrb_die {EXIT_USAGE} \"unknown argument \\`${{1%%=*}}\\`; run with --help to see the options\" ;;\n  esac\n  shift\ndone\n"
    );
    for p in &rb.params {
        let var = param_var(&p.name)?;
        let env = param_env(&p.name)?;
        let _ = writeln!(s, "if ((lrb_given_{} == 0)); then", p.name);
        match &p.default {
            Some(d) => {
                let _ = writeln!(s, "  {var}=${{{env}-{}}}", quote(d)?);
            }
            None => {
                let _ = writeln!(
                    s,
                    "  if [[ -z ${{{env}+set}} ]]; then\n    lrb_die {EXIT_INVALID} {}\n  fi\n  {var}=${env}",
                    quote(&format!(
                        "parameter `{}` has no value: pass --set {}=VALUE or export {env}",
                        p.name, p.name
                    ))?
                );
            }
        }
        let _ = writeln!(s, "fi\nexport {var}");
        if p.secret {
            let _ = writeln!(s, "LRB_MASK+=(\"${var}\")");
        }
    }
    Ok(())
}

fn targets(s: &mut String, rb: &Runbook, uses: &Uses) -> Result<(), ExportError> {
    s.push('\n');
    for name in &uses.targets {
        let t = rb
            .target(name)
            .ok_or_else(|| ExportError::Plan(format!("the plan has no target `{name}`")))?;
        let var = target_var(identifier("target", name)?);
        match &t.address {
            Address::Literal { value } => {
                let _ = writeln!(s, "{var}={}", quote(value)?);
            }
            Address::Env {
                name: env,
                default: Some(d),
            } => {
                let _ = writeln!(
                    s,
                    "{var}=${{{}:-{}}}",
                    identifier("environment variable", env)?,
                    quote(d)?
                );
            }
            Address::Env {
                name: env,
                default: None,
            } => {
                let _ = writeln!(
                    s,
                    "{var}=${{{}:-}}\nif [[ -z ${var} ]]; then\n  lrb_die {EXIT_INVALID} {}\nfi",
                    identifier("environment variable", env)?,
                    quote(&format!(
                        "`{env}` is not set: export it with the address of `{name}` ({})",
                        t.kind.address_doc()
                    ))?
                );
            }
            Address::Secret { name: env } => {
                let _ = writeln!(
                    s,
                    "if [[ -z ${{{}:-}} ]]; then\n  lrb_die {EXIT_INVALID} {}\nfi\nLRB_MASK+=(\"${{{env}:?}}\")",
                    identifier("secret", env)?,
                    quote(&format!(
                        "secret `{env}` is not set: export it with the address of `{name}` ({}) before running",
                        t.kind.address_doc()
                    ))?
                );
            }
        }
        if matches!(
            t.kind,
            TargetKind::Http | TargetKind::Postgres | TargetKind::Redis
        ) {
            let _ = writeln!(s, "lrb_mask_url {}", address(rb, name)?);
        }
    }
    Ok(())
}

fn tools(s: &mut String, uses: &Uses) -> Result<(), ExportError> {
    s.push_str("\nLRB_MISSING=()\nfor lrb_tool in");
    for tool in uses.tools() {
        let _ = write!(s, " {}", quote(tool)?);
    }
    let _ = writeln!(
        s,
        "; do\n  command -v \"$lrb_tool\" >/dev/null 2>&1 || LRB_MISSING+=(\"$lrb_tool\")\ndone\n\
         if ((${{#LRB_MISSING[@]}} > 0)); then\n  lrb_die {EXIT_INVALID} \"missing tool: ${{LRB_MISSING[*]}}; install it, or run the runbook with lrb where it is\"\nfi"
    );
    if uses.has(TargetKind::Compose) {
        let _ = writeln!(
            s,
            "lrb_find_compose || lrb_die {EXIT_INVALID} 'missing tool: neither `docker compose` nor `docker-compose` works; install one'"
        );
    }
    let _ = writeln!(
        s,
        "\nLRB_TMP=$(mktemp -d \"${{TMPDIR:-/tmp}}/lrb.XXXXXXXX\")\ntrap lrb_cleanup EXIT\n\
         trap 'lrb_say \"interrupted\"; exit {EXIT_ABORTED}' INT TERM"
    );
    Ok(())
}

/// Probe timeout: the action's, else its target's, else `fallback`.
fn timeout_of(rb: &Runbook, step: &Step, fallback: u64) -> u64 {
    step.action
        .timeout_ms()
        .or_else(|| {
            step.action
                .target()
                .and_then(|t| rb.target(t))
                .and_then(|t| t.timeout_ms)
        })
        .unwrap_or(fallback)
}

fn checks(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    for (i, check) in rb.checks.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n# check `{}`{}\nlrb_check_{i}() {{",
            check.id,
            check
                .description
                .as_deref()
                .map(|d| format!(": {}", comment(d)))
                .unwrap_or_default()
        );
        for probe in &check.probes {
            if let Action::Manual(_) = probe.action {
                return Err(ExportError::Plan(format!(
                    "check `{}` holds a manual step, which only `mitigate` and `confirm` allow",
                    check.id
                )));
            }
            let _ = writeln!(
                s,
                "  {}\n  lrb_probe || return 0",
                call(rb, &probe.action, timeout_of(rb, probe, check.timeout_ms))?
            );
        }
        s.push_str("}\n");
    }
    let _ = writeln!(
        s,
        "\nlrb_say {}",
        quote(&format!(
            "runbook `{}`{}: running {} check{}",
            rb.id,
            rb.title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            rb.checks.len(),
            if rb.checks.len() == 1 { "" } else { "s" }
        ))?
    );
    let mut ids = Vec::new();
    for (i, check) in rb.checks.iter().enumerate() {
        let id = quote(&check.id)?;
        let _ = writeln!(s, "lrb_start_check {id} lrb_check_{i}");
        ids.push(id);
    }
    let _ = writeln!(s, "lrb_collect {}", ids.join(" "));
    for (check, id) in rb.checks.iter().zip(&ids) {
        let _ = writeln!(s, "lrb_report_check {id} {}", u8::from(check.info));
    }
    Ok(())
}

fn condition(c: &Condition) -> Result<String, ExportError> {
    Ok(match c {
        Condition::State { check, state } => {
            let state = match state {
                CheckState::Passed => "passed",
                CheckState::Failed => "failed",
                CheckState::Errored => "error",
            };
            format!("lrb_state {} {state}", quote(check)?)
        }
        Condition::Compare { check, op, value } => {
            let value = match value {
                Literal::Number(n) | Literal::Percent(n) => n.to_string(),
                Literal::Text(t) => t.clone(),
                Literal::Bool(b) => b.to_string(),
            };
            format!(
                "lrb_compare {} {} {}",
                quote(check)?,
                quote(op.as_str())?,
                quote(&value)?
            )
        }
        Condition::Not(c) => format!("! {}", group(c)?),
        Condition::And(a, b) => format!("{} && {}", group(a)?, group(b)?),
        Condition::Or(a, b) => format!("{} || {}", group(a)?, group(b)?),
    })
}

fn group(c: &Condition) -> Result<String, ExportError> {
    Ok(match c {
        Condition::State { .. } | Condition::Compare { .. } => condition(c)?,
        Condition::Not(_) | Condition::And(..) | Condition::Or(..) => {
            format!("{{ {}; }}", condition(c)?)
        }
    })
}

fn branches(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    s.push_str("\n# ---- diagnosis: each `when` in order ----\nLRB_MATCHED=0\nLRB_PROPOSED=()\n");
    let mut index = 0;
    for branch in &rb.branches {
        let _ = writeln!(
            s,
            "# when {}\nif {}; then\n  LRB_MATCHED=1",
            comment(&branch.condition.to_string()),
            condition(&branch.condition)?
        );
        let _ = writeln!(
            s,
            "  lrb_say {}",
            quote(&format!("matched: when {}", branch.condition))?
        );
        for _ in &branch.mitigations {
            let _ = writeln!(s, "  LRB_PROPOSED+=({index})");
            index += 1;
        }
        for see in &branch.see {
            let _ = writeln!(
                s,
                "  lrb_say {}",
                quote(&format!(
                    "hand over: run the `{see}` runbook (lrb run FILE --runbook {see}, or its exported script)"
                ))?
            );
        }
        s.push_str("fi\n");
    }
    let _ = writeln!(
        s,
        "if ((LRB_MATCHED == 0)); then\n  lrb_say 'healthy: no `when` matched'\n  exit {EXIT_HEALTHY}\nfi\n\
         if ((${{#LRB_PROPOSED[@]}} > 0 && LRB_YES == 0)) && ! [[ -t 0 ]]; then\n  \
         lrb_die {EXIT_ABORTED} 'refusing to run mitigations without a terminal to ask on: pass --yes to approve them (and --allow-destructive for destructive ones), or run in a terminal'\nfi"
    );
    Ok(())
}

fn mitigations(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    let all: Vec<&plan::Mitigation> = rb.mitigations().collect();
    for (i, m) in all.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n# mitigate {}\nlrb_mitigation_{i}() {{",
            comment(&m.name)
        );
        for step in &m.steps {
            let line = call(rb, &step.action, timeout_of(rb, step, 0))?;
            if let Action::Manual(_) = step.action {
                let _ = writeln!(s, "  {line} || return 1");
            } else {
                let _ = writeln!(
                    s,
                    "  {line}\n  lrb_step {} || return 1",
                    quote(&describe(&step.action))?
                );
            }
        }
        s.push_str("}\n");
    }
    s.push_str("\nfor lrb_m in \"${LRB_PROPOSED[@]}\"; do\n  case $lrb_m in\n");
    for (i, m) in all.iter().enumerate() {
        let destructive = m.is_destructive();
        let why = match (&m.destructive, destructive) {
            (Some(why), _) => why.clone(),
            (None, true) => "it holds a destructive action".into(),
            (None, false) => String::new(),
        };
        let mut intro = format!("\nmitigation `{}` ({}):", m.name, m.effect());
        for step in &m.steps {
            let _ = write!(intro, "\n  - {}", describe(&step.action));
        }
        let _ = writeln!(
            s,
            "    {i})\n      lrb_say {}\n      if lrb_approve {i} {} {} {}; then\n        \
             if lrb_mitigation_{i}; then lrb_say '  done'; else lrb_say '  stopped: a step did not pass'; fi\n      fi\n      ;;",
            quote(&intro)?,
            quote(&m.name)?,
            u8::from(destructive),
            quote(&why)?
        );
    }
    s.push_str("  esac\ndone\n");
    Ok(())
}

fn confirm(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    let Some(c) = &rb.confirm else {
        let _ = writeln!(
            s,
            "\nlrb_say 'not recovered: this runbook has no `confirm` block to prove recovery'\nexit {EXIT_NOT_RECOVERED}"
        );
        return Ok(());
    };
    s.push_str(
        "\n# confirm: every probe passes, within the time bound\nlrb_confirm_manual() {\n  :\n",
    );
    for step in &c.probes {
        if let Action::Manual(m) = &step.action {
            let _ = writeln!(s, "  lrb_manual {} || return 1", word(&m.text)?);
        }
    }
    s.push_str("}\nlrb_confirm_probes() {\n  :\n");
    for step in &c.probes {
        if let Action::Manual(_) = step.action {
            continue;
        }
        let line = call(
            rb,
            &step.action,
            timeout_of(rb, step, plan::DEFAULT_PROBE_TIMEOUT_MS),
        )?;
        let _ = writeln!(
            s,
            "  {line}\n  lrb_not_yet {} || return 1",
            quote(&describe(&step.action))?
        );
    }
    let _ = writeln!(
        s,
        "}}\n\nlrb_say {}\nif ! lrb_confirm_manual; then\n  lrb_say 'not recovered: a manual confirmation was skipped'\n  exit {EXIT_NOT_RECOVERED}\nfi\n\
         lrb_deadline=$(($(lrb_now_ms) + {within}))\nwhile :; do\n  if lrb_confirm_probes; then\n    lrb_say 'recovered: every confirm probe passed'\n    exit {EXIT_RECOVERED}\n  fi\n  \
         if (($(lrb_now_ms) + {every} > lrb_deadline)); then\n    lrb_say {}\n    exit {EXIT_NOT_RECOVERED}\n  fi\n  lrb_sleep_ms {every}\ndone",
        quote(&format!(
            "\nconfirm: every {}, for up to {}",
            human(c.every_ms),
            human(c.within_ms)
        ))?,
        quote(&format!(
            "not recovered: the confirm probes did not all pass within {}",
            human(c.within_ms)
        ))?,
        within = c.within_ms,
        every = c.every_ms,
    );
    Ok(())
}
