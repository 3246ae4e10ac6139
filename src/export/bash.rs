//! `lrb export bash`: one self-contained bash script that runs a runbook like `lrb run` does,
//! on a host that has only bash and the CLIs the runbook talks to.
//!
//! The script is a fixed runtime (the `bash/*.sh` files, only the parts the runbook needs) and
//! generated code that calls it: parameters, targets, one function per check (run as
//! background jobs), the `when` conditions, one function per mitigation, the confirm loop.

mod action;
mod plan_mode;
mod record;
mod words;

pub use words::{comment, quote};

use self::action::{address, call, describe, target_var};
use self::words::{identifier, param_env, param_var, word};
use crate::action::catalogue::TargetKind;
use crate::action::{Action, HttpAction};
use crate::ast::CheckState;
use crate::duration::Duration;
use crate::exit::Exit;
use crate::export::{ExportError, Meta};
use crate::fill;
use crate::plan::{self, Address, Condition, Literal, Runbook, Step};
use crate::run::resolve;
use std::collections::BTreeSet;
use std::fmt::Write;

const CORE: &str = include_str!("bash/core.sh");
const TRANSCRIPT: &str = include_str!("bash/transcript.sh");
const HTTP: &str = include_str!("bash/http.sh");
const POSTGRES: &str = include_str!("bash/postgres.sh");
const REDIS: &str = include_str!("bash/redis.sh");
const DOCKER: &str = include_str!("bash/docker.sh");
const COMPOSE: &str = include_str!("bash/compose.sh");
const SHELL: &str = include_str!("bash/shell.sh");
const PROMETHEUS: &str = include_str!("bash/prometheus.sh");
const CURL: &str = include_str!("bash/curl.sh");

// The script's exit codes, from the one table `lrb run` uses, named for the format strings.
const EXIT_HEALTHY: u8 = Exit::Ok.code();
const EXIT_USAGE: u8 = Exit::Usage.code();
const EXIT_RECOVERED: u8 = Exit::Recovered.code();
const EXIT_NOT_RECOVERED: u8 = Exit::NotRecovered.code();
const EXIT_ABORTED: u8 = Exit::Aborted.code();
const EXIT_INVALID: u8 = Exit::Invalid.code();
const EXIT_UNHANDLED: u8 = Exit::Unhandled.code();
const EXIT_PLANNED: u8 = Exit::Findings.code();

/// Tools every exported script calls, besides bash itself (coreutils and awk).
const BASE_TOOLS: &[&str] = &["awk", "mkdir", "mktemp", "rm", "sleep", "timeout"];

/// The script for `rb`.
pub fn export(rb: &Runbook, meta: &Meta) -> Result<String, ExportError> {
    for step in rb.steps() {
        if let Some((param, why)) = fill::deciding(&step.action).into_iter().next() {
            return Err(ExportError::Deciding {
                param,
                action: describe(&step.action),
                why,
            });
        }
    }
    let uses = Uses::of(rb);
    // Parameters the checks or `confirm` use: a missing one stops the script before anything
    // runs; a parameter only mitigations use is asked for when one of them is proposed.
    let needed_first = resolve::used_params(rb);
    let mut s = String::new();
    header(&mut s, rb, meta, &uses);
    usage(&mut s, rb, meta, &needed_first)?;
    runtime(&mut s, &uses);
    arguments(&mut s, rb, &needed_first)?;
    admissions(&mut s, rb)?;
    targets(&mut s, rb, &uses)?;
    tools(&mut s, &uses)?;
    plan_mode::refuse_writing_probes(&mut s, rb)?;
    record::start(&mut s, rb, meta)?;
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
                TargetKind::Prometheus => &["curl", "jq"],
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
    // SC2016: literal text is single-quoted on purpose, nothing in it may expand.
    // SC2317: `lrb_mitigation_N` and `lrb_when_N` are called by name, which shellcheck misses.
    let _ = writeln!(s, "# shellcheck disable=SC2016,SC2317");
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
         {EXIT_ABORTED} aborted, refused or interrupted, {EXIT_INVALID} invalid setup, \
         {EXIT_UNHANDLED} unhandled (a check failed and no `when` matched), {EXIT_PLANNED} planned (--plan: \
         mitigations would run), {EXIT_USAGE} bad usage."
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

fn usage(
    s: &mut String,
    rb: &Runbook,
    meta: &Meta,
    needed_first: &BTreeSet<String>,
) -> Result<(), ExportError> {
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
        format!(
            "Usage: {name} [--yes] [--allow-destructive] [--plan] [--transcript PATH] [--set NAME=VALUE]..."
        ),
        String::new(),
        "Options:".into(),
        "  --yes                 Approve every mitigation and manual step without asking.".into(),
        "  --allow-destructive   With --yes, also run destructive mitigations (else skipped)."
            .into(),
        "  --plan                Run the checks only and print what would run (read-only).".into(),
        "  --transcript PATH     Where to write the transcript [default: ./lrb-<runbook>-<UTC time>.jsonl]."
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
                (None, false) if needed_first.contains(&p.name) => "required".to_string(),
                (None, false) => "required by the mitigations that use it".to_string(),
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
        "Exit codes: 0 healthy, 10 recovered, 11 not recovered, 12 aborted, refused or \
         interrupted, 13 invalid setup (missing tool, variable or parameter), 14 unhandled (a \
         check failed and no `when` matched), 1 planned (--plan found mitigations to propose), 2 bad \
         usage."
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
    s.push_str(&TRANSCRIPT.replace("%JSON_NUMBER%", fill::http::JSON_NUMBER));
    if uses.has(TargetKind::Http) || uses.has(TargetKind::Prometheus) {
        s.push_str(CURL);
    }
    for (kind, text) in [
        (TargetKind::Http, HTTP),
        (TargetKind::Postgres, POSTGRES),
        (TargetKind::Redis, REDIS),
        (TargetKind::Docker, DOCKER),
        (TargetKind::Compose, COMPOSE),
        (TargetKind::Shell, SHELL),
        (TargetKind::Prometheus, PROMETHEUS),
    ] {
        if uses.has(kind) {
            s.push_str(&filled(text));
        }
    }
}

/// A runtime piece with the patterns it shares with the interpreter written in, so the two
/// cannot drift.
fn filled(piece: &str) -> String {
    piece
        .replace("%JSON_NUMBER%", fill::http::JSON_NUMBER)
        .replace("%REGEX_META%", fill::promql::REGEX_META)
}

fn arguments(
    s: &mut String,
    rb: &Runbook,
    needed_first: &BTreeSet<String>,
) -> Result<(), ExportError> {
    s.push_str(
        "\n# ---- this runbook ----\n\n\
         LRB_ARGV=(\"$0\" \"$@\")\nLRB_YES=0\nLRB_ALLOW_DESTRUCTIVE=0\nLRB_PLAN=0\nLRB_TTY=0\nif [[ -t 0 ]]; then\n  LRB_TTY=1\nfi\nLRB_MASK=()\nLRB_JOBS=()\nLRB_TMP=\n\
         LRB_TRANSCRIPT=\nLRB_TRANSCRIPT_PATH=\nLRB_TRANSCRIPT_BROKEN=0\nLRB_BUFFER=0\nLRB_STARTED=0\nLRB_TTR=\nLRB_MITIGATION=\nLRB_PROPOSED=0\n\
         declare -A LRB_STATUS=() LRB_DETAIL=() LRB_VALUE=() LRB_HAS_VALUE=() LRB_OUTPUT=()\n",
    );
    for p in &rb.params {
        let _ = writeln!(s, "lrb_given_{}=0", identifier("parameter", &p.name)?);
    }
    s.push_str("\n# `NAME=VALUE` from --set or --param-NAME=VALUE.\nlrb_set() {\n");
    // No parameter, no value to keep.
    let value = if rb.params.is_empty() {
        ""
    } else {
        " value=${1#*=}"
    };
    let _ = writeln!(s, "  local name=${{1%%=*}}{value}");
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
        "while (($# > 0)); do\n  case $1 in\n    --yes | -y) LRB_YES=1 ;;\n    --allow-destructive) LRB_ALLOW_DESTRUCTIVE=1 ;;\n    --plan) LRB_PLAN=1 ;;\n    \
         --transcript)\n      (($# > 1)) || lrb_die {EXIT_USAGE} '--transcript needs a PATH'\n      shift\n      LRB_TRANSCRIPT_PATH=$1\n      ;;\n    \
         --transcript=*) LRB_TRANSCRIPT_PATH=${{1#--transcript=}} ;;\n    \
         -h | --help)\n      lrb_usage\n      exit 0\n      ;;\n    \
         --set)\n      (($# > 1)) || lrb_die {EXIT_USAGE} '--set needs NAME=VALUE'\n      shift\n      lrb_set \"$1\"\n      ;;\n    \
         --set=*) lrb_set \"${{1#--set=}}\" ;;\n    --param-*) lrb_set \"${{1#--param-}}\" ;;\n    \
         *) lrb_die {EXIT_USAGE} \"unknown argument \\`${{1%%=*}}\\`; run with --help to see the options\" ;;\n  esac\n  shift\ndone\n"
    );
    s.push_str("LRB_UNSET=' '\n");
    for p in &rb.params {
        let var = param_var(&p.name)?;
        let env = param_env(&p.name)?;
        let _ = writeln!(s, "if ((lrb_given_{} == 0)); then", p.name);
        match &p.default {
            Some(d) => {
                let _ = writeln!(s, "  {var}=${{{env}-{}}}", quote(d)?);
            }
            None if needed_first.contains(&p.name) => {
                let _ = writeln!(
                    s,
                    "  if [[ -z ${{{env}+set}} ]]; then\n    lrb_die {EXIT_INVALID} {}\n  fi\n  {var}=${env}",
                    quote(&format!(
                        "parameter `{}` has no value: pass --set {}=VALUE or export {env}",
                        p.name, p.name
                    ))?
                );
            }
            // Only mitigations use it: they are refused when proposed without it.
            None => {
                let _ = writeln!(
                    s,
                    "  if [[ -z ${{{env}+set}} ]]; then\n    LRB_UNSET+='{} '\n  fi\n  {var}=${{{env}-}}",
                    p.name
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

/// Values checked before anything runs, against the same rules as `lrb run`'s
/// (`crate::fill::admissions`): a parameter only an unproposed mitigation uses may be unset.
fn admissions(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    let mut lines: Vec<String> = Vec::new();
    for step in rb.steps() {
        let at = quote(&describe(&step.action))?;
        for admission in fill::admissions(&step.action) {
            let rule = admission.rule;
            let (what, value, params) = match &admission.value {
                fill::Checked::Param(p) => (
                    format!("parameter `{p}`"),
                    format!("\"${{{}}}\"", param_var(p)?),
                    vec![p.clone()],
                ),
                fill::Checked::Name { what, template } => (
                    format!("the {what}"),
                    word(template)?,
                    template.params().map(str::to_string).collect(),
                ),
            };
            let guard: Vec<String> = params
                .iter()
                .map(|p| format!("[[ $LRB_UNSET != *' {p} '* ]]"))
                .collect();
            let check = format!(
                "lrb_admit {} {value} {} {} {} {at}",
                quote(&what)?,
                quote(rule.pattern())?,
                u8::from(rule.forbids()),
                quote(rule.says())?
            );
            let line = if guard.is_empty() {
                check
            } else {
                format!("if {}; then\n  {check}\nfi", guard.join(" && "))
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    if !lines.is_empty() {
        s.push_str(
            "\n# Values that escaping alone cannot make safe, checked before anything runs.\n",
        );
        for line in lines {
            s.push_str(&line);
            s.push('\n');
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
            TargetKind::Http | TargetKind::Postgres | TargetKind::Redis | TargetKind::Prometheus
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
         LRB_PHASE='the checks'\nLRB_MATCHED=0\n\
         trap 'lrb_interrupted INT' INT\ntrap 'lrb_interrupted TERM' TERM\ntrap 'lrb_interrupted HUP' HUP"
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
                "  {}\n  lrb_probe {} {} || return 0",
                call(rb, &probe.action, timeout_of(rb, probe, check.timeout_ms))?,
                quote(&describe(&probe.action))?,
                quote(&probe.action.effect().to_string())?
            );
        }
        s.push_str("}\n");
    }
    s.push_str(
        "\n# Runs the named checks concurrently, then prints their outcomes.\nlrb_checks() {\n  local id\n  for id in \"$@\"; do\n    case $id in\n",
    );
    for (i, check) in rb.checks.iter().enumerate() {
        let id = quote(&check.id)?;
        let _ = writeln!(
            s,
            "      {id}) lrb_start_check {id} lrb_check_{i} {} {} ;;",
            u8::from(check.info),
            quote(check.description.as_deref().unwrap_or(""))?
        );
    }
    s.push_str("    esac\n  done\n  lrb_collect \"$@\"\n  for id in \"$@\"; do\n    case $id in\n");
    for check in &rb.checks {
        let id = quote(&check.id)?;
        let _ = writeln!(
            s,
            "      {id}) lrb_report_check {id} {} ;;",
            u8::from(check.info)
        );
    }
    s.push_str("    esac\n  done\n}\n");
    Ok(())
}

/// The ids of every check, as bash words.
fn all_checks(rb: &Runbook) -> Result<String, ExportError> {
    Ok(rb
        .checks
        .iter()
        .map(|c| quote(&c.id))
        .collect::<Result<Vec<_>, _>>()?
        .join(" "))
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
    s.push_str("\n# ---- the `when`s, in order ----\n");
    for (i, branch) in rb.branches.iter().enumerate() {
        let _ = writeln!(
            s,
            "# when {}\nlrb_when_{i}() {{\n  if {}; then\n    return 0\n  fi\n  return 1\n}}",
            comment(&branch.condition.to_string()),
            condition(&branch.condition)?
        );
    }
    s.push_str("# Evaluates every `when` into LRB_HOLDS.\nlrb_evaluate() {\n  LRB_HOLDS=()\n");
    for i in 0..rb.branches.len() {
        let _ = writeln!(
            s,
            "  if lrb_when_{i}; then LRB_HOLDS+=(1); else LRB_HOLDS+=(0); fi"
        );
    }
    s.push_str("}\n");
    record::whens(s, rb)?;
    let _ = writeln!(
        s,
        "# Every check, then every `when`: the diagnosis, recorded as `lrb run` records it.\n\
         lrb_diagnose() {{\n  lrb_clock\n  LRB_DIAGNOSIS_T0=$LRB_NOW\n  lrb_checks {all}\n  lrb_rec_diagnosis {all}\n  lrb_evaluate\n  lrb_rec_whens\n}}",
        all = all_checks(rb)?
    );
    let _ = writeln!(
        s,
        "\nlrb_say {}\nlrb_diagnose\nif [[ \" ${{LRB_HOLDS[*]}} \" != *\" 1 \"* ]]; then\n  \
         lrb_judged=({})\n  lrb_unhandled=()\n  lrb_failing=()\n  for lrb_id in \"${{lrb_judged[@]}}\"; do\n    \
         if [[ ${{LRB_STATUS[$lrb_id]}} != passed ]]; then\n      lrb_unhandled+=(\"\\`$lrb_id\\`\")\n      lrb_failing+=(\"$lrb_id\")\n    fi\n  done\n  \
         if ((${{#lrb_unhandled[@]}})); then\n    \
         lrb_rec unhandled\n    lrb_rec_list checks \"${{lrb_failing[@]}}\"\n    lrb_rec_end\n    \
         lrb_say \"unhandled: ${{lrb_unhandled[*]}} did not pass and no \\`when\\` matched: escalate, this runbook has no mitigation for it\"\n    \
         lrb_end unhandled {EXIT_UNHANDLED}\n  fi\n  \
         lrb_rec healthy\n  lrb_rec_end\n  \
         lrb_say 'healthy: no `when` matched, nothing to do'\n  lrb_end healthy {EXIT_HEALTHY}\nfi\nLRB_MATCHED=1",
        quote(&format!(
            "runbook `{}`{}: running {} check{}",
            rb.id,
            rb.title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            rb.checks.len(),
            if rb.checks.len() == 1 { "" } else { "s" }
        ))?,
        rb.checks
            .iter()
            .filter(|c| !c.info)
            .map(|c| quote(&c.id))
            .collect::<Result<Vec<_>, _>>()?
            .join(" ")
    );
    for (i, branch) in rb.branches.iter().enumerate() {
        let _ = writeln!(
            s,
            "if ((LRB_HOLDS[{i}])); then\n  lrb_say {}",
            quote(&format!("matched: when {}", branch.condition))?
        );
        for see in &branch.see {
            let _ = writeln!(
                s,
                "  lrb_say {}",
                quote(&format!(
                    "see runbook `{see}`: `{}` hands over to it (not run automatically)",
                    branch.condition
                ))?
            );
        }
        s.push_str("fi\n");
    }
    plan_mode::plan(s, rb)?;
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
            let shown = quote(&describe(&step.action))?;
            match &step.action {
                Action::Manual(manual) => {
                    let _ = writeln!(
                        s,
                        "  lrb_manual {} {shown} || lrb_say \"  skipped: \"{shown}",
                        word(&manual.text)?
                    );
                }
                Action::Wait(w) => {
                    let _ = writeln!(s, "  lrb_wait {shown} {}", w.ms);
                }
                action => {
                    let line = call(
                        rb,
                        action,
                        timeout_of(rb, step, plan::DEFAULT_ACTION_TIMEOUT.as_ms()),
                    )?;
                    let _ = writeln!(
                        s,
                        "  {line}\n  lrb_step {shown} {} || lrb_after_failure {shown} || return 1",
                        quote(&action.effect().to_string())?
                    );
                }
            }
        }
        s.push_str("}\n");
    }
    s.push_str("\nLRB_RAN=0\nLRB_REFUSED=0\nLRB_FRESH=' '\n");
    let mut index = 0;
    for (b, branch) in rb.branches.iter().enumerate() {
        if branch.mitigations.is_empty() {
            continue;
        }
        let ids = branch
            .condition
            .checks()
            .into_iter()
            .map(quote)
            .collect::<Result<Vec<_>, _>>()?
            .join(" ");
        for m in &branch.mitigations {
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
            let params: Vec<String> = resolve::params_of(m.steps.iter()).into_iter().collect();
            let _ = writeln!(
                s,
                "if ((LRB_HOLDS[{b}])) && lrb_still_holds {b} {ids}; then\n  lrb_offer {index} {} {} {} {} {}\nfi",
                quote(&m.name)?,
                u8::from(destructive),
                quote(&why)?,
                quote(&intro)?,
                quote(&params.join(" "))?
            );
            index += 1;
        }
    }
    let _ = writeln!(
        s,
        "if ((LRB_RAN == 0)); then\n  if ((LRB_PROPOSED == 0)); then\n    \
         lrb_say 'not recovered: this runbook has no mitigation for what it found'\n    lrb_end 'not recovered' {EXIT_NOT_RECOVERED}\n  \
         elif ((LRB_REFUSED > 0)); then\n    lrb_say 'refused: no mitigation ran'\n    lrb_end refused {EXIT_ABORTED}\n  fi\n  \
         lrb_say 'aborted: nothing more was run'\n  lrb_end aborted {EXIT_ABORTED}\nfi"
    );
    Ok(())
}

fn confirm(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    s.push_str("\n# Whether the runbook recovered: `confirm`, or the checks again without one.\nlrb_confirm() {\n");
    let Some(c) = &rb.confirm else {
        s.push_str(
            "  lrb_say 'no `confirm` block: running the checks again'\n  lrb_diagnose\n  [[ \" ${LRB_HOLDS[*]} \" != *\" 1 \"* ]]\n}\n",
        );
        return finish(s);
    };
    let _ = writeln!(
        s,
        "  lrb_say {}",
        quote(&format!(
            "\nconfirm: every {}, for up to {}",
            Duration::from_ms(c.every_ms),
            Duration::from_ms(c.within_ms)
        ))?
    );
    // Manual steps are asked once and waits happen once, before the first attempt, as in
    // `lrb run`; the other probes are retried together.
    let mut probes = Vec::new();
    for step in &c.probes {
        match &step.action {
            Action::Manual(m) => {
                let _ = writeln!(
                    s,
                    "  lrb_manual {} {} || lrb_say '  skipped'",
                    word(&m.text)?,
                    quote(&describe(&step.action))?
                );
            }
            Action::Wait(w) => {
                let _ = writeln!(
                    s,
                    "  lrb_sleep_ms {ms}\n  lrb_rec_wait confirm {ms}",
                    ms = w.ms
                );
            }
            action => probes.push((
                call(
                    rb,
                    action,
                    timeout_of(rb, step, plan::DEFAULT_PROBE_TIMEOUT.as_ms()),
                )?,
                quote(&describe(action))?,
                quote(&action.effect().to_string())?,
            )),
        }
    }
    // As many attempts as `lrb run` counts for the `confirm_attempt` records.
    let of = c.within_ms / c.every_ms.max(1) + 1;
    let _ = writeln!(
        s,
        "  local deadline started next attempt=0 passed\n  deadline=$(($(lrb_now_ms) + {within}))\n  while :; do\n    attempt=$((attempt + 1))\n    started=$(lrb_now_ms)\n    \
         passed=0\n    if lrb_confirm_probes; then\n      passed=1\n    fi\n    lrb_rec_attempt \"$attempt\" {of} \"$passed\"\n    if ((passed)); then\n      return 0\n    fi\n    \
         next=$((started + {every}))\n    if ((next >= deadline)); then\n      return 1\n    fi\n    lrb_sleep_ms \"$((next - $(lrb_now_ms)))\"\n  done\n}}\n\
         # One attempt: every probe runs, as in `lrb run`; 1 unless all of them passed.\nlrb_confirm_probes() {{\n  local failed=0\n  LRB_RESULTS=",
        within = c.within_ms,
        every = c.every_ms.max(1),
    );
    for (line, shown, effect) in probes {
        let _ = writeln!(
            s,
            "  {line}\n  lrb_attempt_probe {shown} {effect} || failed=1"
        );
    }
    s.push_str("  return \"$failed\"\n}\n");
    finish(s)
}

fn finish(s: &mut String) -> Result<(), ExportError> {
    let _ = writeln!(
        s,
        "\nLRB_PHASE=confirm\nLRB_MITIGATION=confirm\nLRB_CONFIRMED=0\nLRB_CONFIRM_TEXT='did not pass'\nif lrb_confirm; then\n  LRB_CONFIRMED=1\n  LRB_CONFIRM_TEXT=passed\n  \
         lrb_clock\n  LRB_TTR=$((LRB_NOW - LRB_STARTED))\nfi\n\
         if ((LRB_REFUSED > 0)); then\n  lrb_say \"refused: not every mitigation ran, and the confirmation $LRB_CONFIRM_TEXT\"\n  lrb_end refused {EXIT_ABORTED}\nfi\n\
         if ((LRB_CONFIRMED)); then\n  lrb_say 'recovered'\n  lrb_end recovered {EXIT_RECOVERED}\nfi\nlrb_say 'not recovered: the confirmation did not pass in time'\nlrb_end 'not recovered' {EXIT_NOT_RECOVERED}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script's PromQL escaping is the twin of `fill::promql::escape`, for every spot.
    #[test]
    fn the_script_escapes_promql_values_as_lrb_does() {
        use crate::fill::promql::{Spot, escape};
        // Inside a bracket expression of bash's `[[ == ]]` the set is single-quoted.
        assert!(!fill::promql::REGEX_META.contains('\''));
        let values = [
            "api",
            "a\"} or vector(1) #",
            "it's",
            r"back\slash\",
            "new\nline\r\ttab",
            ".*",
            "a|b(c)[d]{e}^$+?",
            "\"} or vector(1)",
            "ünïcødé ✓ 日本",
            "\u{1b}[2J\u{7f}\u{1}",
            "",
        ];
        for (quote, regex, func) in [
            ('"', false, "lrb_promql_dq"),
            ('\'', false, "lrb_promql_sq"),
            ('"', true, "lrb_promql_dq_re"),
            ('\'', true, "lrb_promql_sq_re"),
        ] {
            for value in values {
                let script = format!(
                    "{}\n{func} out \"$LRB_TEST_VALUE\"; printf '%s' \"$out\"",
                    filled(PROMETHEUS)
                );
                let out = std::process::Command::new("bash")
                    .args(["-c", &script])
                    .env("LRB_TEST_VALUE", value)
                    .env("LC_ALL", "C.UTF-8")
                    .output()
                    .expect("bash runs");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout),
                    escape(value, Spot { quote, regex }),
                    "{func} {value:?}"
                );
            }
        }
    }

    /// Every `exit N` and `lrb_die N` of an exported script is a code of the table `lrb run`
    /// exits with, and the header lists each code the script can end with.
    #[test]
    fn the_script_exits_with_the_cli_codes() {
        let session = crate::load::load(&["runbooks/deployment_rollback.rb".into()]).unwrap();
        let plan = session
            .checked
            .plan
            .as_ref()
            .expect("the seed runbook checks");
        let meta = Meta {
            source: "deployment_rollback.rb".into(),
            sha256: String::new(),
            version: String::new(),
        };
        let script = export(&plan.runbooks[0], &meta).unwrap();
        let header = script
            .lines()
            .find_map(|l| l.strip_prefix("# Exit codes: "))
            .expect("the script lists its exit codes");
        let listed: BTreeSet<u8> = header
            .split(", ")
            .filter_map(|part| part.split(' ').next()?.parse().ok())
            .collect();
        let words: Vec<&str> = script.split_whitespace().collect();
        let mut used: BTreeSet<u8> = words
            .windows(2)
            .filter(|w| w[0] == "exit" || w[0] == "lrb_die")
            .filter_map(|w| w[1].parse().ok())
            .collect();
        // `lrb_end OUTCOME CODE`: the outcome may be two words (`'not recovered'`).
        used.extend(
            script
                .lines()
                .filter(|l| l.trim_start().starts_with("lrb_end "))
                .filter_map(|l| l.split_whitespace().last()?.parse::<u8>().ok()),
        );
        assert!(used.len() >= 5, "too few codes found: {used:?}");
        for code in used.iter().chain(&listed) {
            assert!(Exit::from_code(*code).is_some(), "{code} is not a CLI code");
        }
        assert!(
            used.is_subset(&listed),
            "{used:?} are not all in `{header}`"
        );
        assert_eq!(listed.len(), 8, "{header}");
    }
}
