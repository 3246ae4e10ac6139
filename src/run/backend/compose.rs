//! Compose: the target's address is the compose file; the project is the target's `project:`,
//! else `COMPOSE_PROJECT_NAME`, else compose's default (the file's directory name).
//!
//! Which path each operation takes, and why:
//! - `ps`, `logs`, `restart`, `stop`, `start` use the Engine API, finding the project's
//!   containers by the labels compose puts on them (`com.docker.compose.project`,
//!   `com.docker.compose.service`). They only touch containers that exist, so the compose file
//!   adds nothing; this needs no subprocess and behaves the same under compose v1 and v2.
//! - `up` (with `scale`), `down` and `build` run the compose CLI: only it reads the compose file
//!   to create, scale, remove and build. The CLI is detected once per process:
//!   `docker compose` (the v2 plugin) when it answers, else `docker-compose` (v1).

use super::docker::{self, Lifecycle};
use super::shell::run_process;
use super::{Ctx, Finding, Probe};
use crate::action::catalogue::TargetKind;
use crate::action::{ComposeAction, ComposeOp};
use crate::run::{ResolvedTarget, Status, Value};
use bollard::Docker;
use bollard::query_parameters::ListContainersOptions;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use tokio::process::Command;
use tokio::sync::OnceCell;

const PROJECT_LABEL: &str = "com.docker.compose.project";
const SERVICE_LABEL: &str = "com.docker.compose.service";
const ONEOFF_LABEL: &str = "com.docker.compose.oneoff";
/// Time allowed to find out which compose CLI is installed.
const DETECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) async fn run(a: &ComposeAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Compose)?;
    let project = project(target);
    let service =
        |s: &Option<crate::action::Template>| s.as_ref().map(|s| ctx.render(s)).transpose();
    match &a.op {
        ComposeOp::Ps { service: s } => {
            let s = service(s)?;
            let docker = docker::connect("local", ctx.timeout).await?;
            ps(&docker, &project, s.as_deref()).await
        }
        ComposeOp::Logs {
            service: s,
            tail,
            grep,
        } => {
            let s = ctx.render(s)?;
            let docker = docker::connect("local", ctx.timeout).await?;
            logs(&docker, &project, &s, *tail, grep).await
        }
        ComposeOp::Restart { service: s } => {
            each(ctx, &project, service(s)?, Lifecycle::Restart).await
        }
        ComposeOp::Stop { service: s } => each(ctx, &project, service(s)?, Lifecycle::Stop).await,
        ComposeOp::Start { service: s } => each(ctx, &project, service(s)?, Lifecycle::Start).await,
        ComposeOp::Up { service: s, scale } => {
            let s = service(s)?;
            let mut args = vec!["up".to_string(), "-d".to_string()];
            match (&s, scale) {
                (Some(s), Some(n)) => args.extend(["--scale".to_string(), format!("{s}={n}")]),
                (None, Some(_)) => {
                    return Err("`scale:` needs a service: write `up \"worker\", scale: 3`".into());
                }
                _ => {}
            }
            args.extend(s);
            cli(target, &project, args).await
        }
        ComposeOp::Down { volumes } => {
            let mut args = vec!["down".to_string()];
            if *volumes {
                args.push("--volumes".into());
            }
            cli(target, &project, args).await
        }
        ComposeOp::Build { service: s } => {
            let mut args = vec!["build".to_string()];
            args.extend(service(s)?);
            cli(target, &project, args).await
        }
    }
}

/// The project name as compose would pick it.
fn project(target: &ResolvedTarget) -> String {
    if let Some(p) = target.project.as_ref().filter(|p| !p.is_empty()) {
        return p.clone();
    }
    if let Some(p) = std::env::var("COMPOSE_PROJECT_NAME")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return p;
    }
    let file =
        std::path::absolute(&target.address).unwrap_or_else(|_| target.address.clone().into());
    let dir = file
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    // Compose keeps only these characters of the directory name.
    dir.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A project's containers (of one service, when given), by service then name, as
/// `(service, name, state)`. One-off `run` containers are left out.
async fn containers(
    docker: &Docker,
    project: &str,
    service: Option<&str>,
) -> Result<Vec<(String, String, String)>, String> {
    let mut labels = vec![format!("{PROJECT_LABEL}={project}")];
    labels.extend(service.map(|s| format!("{SERVICE_LABEL}={s}")));
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([("label".to_string(), labels)])),
        ..ListContainersOptions::default()
    };
    let list = docker.list_containers(Some(options)).await.map_err(|e| {
        format!(
            "cannot list the containers of project `{project}`: {}",
            docker::describe(&e)
        )
    })?;
    let mut found: Vec<(String, String, String)> = list
        .into_iter()
        .filter_map(|c| {
            let labels = c.labels.unwrap_or_default();
            if labels
                .get(ONEOFF_LABEL)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            {
                return None;
            }
            let name = c.names?.first()?.trim_start_matches('/').to_string();
            let state = c
                .state
                .map_or_else(|| "unknown".to_string(), |s| s.to_string());
            Some((
                labels.get(SERVICE_LABEL).cloned().unwrap_or_default(),
                name,
                state,
            ))
        })
        .collect();
    found.sort();
    Ok(found)
}

fn scope(project: &str, service: Option<&str>) -> String {
    match service {
        Some(s) => format!("service `{s}` of project `{project}`"),
        None => format!("project `{project}`"),
    }
}

/// Fails when the scope has no container at all.
fn none_found(project: &str, service: Option<&str>) -> Finding {
    Finding::failed(format!(
        "no containers for {}: create them with `up` (compose file and project name right?)",
        scope(project, service)
    ))
}

async fn ps(docker: &Docker, project: &str, service: Option<&str>) -> Probe {
    let found = containers(docker, project, service).await?;
    if found.is_empty() {
        return Ok(none_found(project, service));
    }
    let width = |column: fn(&(String, String, String)) -> &String, title: &str| {
        found
            .iter()
            .map(|c| column(c).len())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (sw, tw) = (width(|c| &c.0, "SERVICE"), width(|c| &c.2, "STATE"));
    let mut table = format!("{:sw$}  {:tw$}  CONTAINER", "SERVICE", "STATE");
    for (s, name, state) in &found {
        table.push_str(&format!("\n{s:sw$}  {state:tw$}  {name}"));
    }
    let stopped: Vec<String> = found
        .iter()
        .filter(|(_, _, state)| state != "running")
        .map(|(s, name, state)| format!("`{name}` ({s}) is {state}"))
        .collect();
    let running = found.len() - stopped.len();
    let summary = format!(
        "{running} of {} containers of {} running",
        found.len(),
        scope(project, service)
    );
    let problem = (!stopped.is_empty()).then(|| format!("{summary}: {}", stopped.join(", ")));
    Ok(Finding::judged(problem, summary)
        .value(Some(Value::Text(table.clone())))
        .output(table))
}

async fn logs(
    docker: &Docker,
    project: &str,
    service: &str,
    tail: Option<u32>,
    grep: &Option<String>,
) -> Probe {
    let found = containers(docker, project, Some(service)).await?;
    if found.is_empty() {
        return Ok(none_found(project, Some(service)));
    }
    let mut lines = Vec::new();
    for (_, name, _) in &found {
        let got = docker::logs(docker, name, tail, grep.as_deref())
            .await
            .map_err(|e| format!("cannot read the logs of `{name}`: {}", docker::describe(&e)))?;
        // Like `compose logs`: say which container a line is from when there are several.
        if found.len() > 1 {
            lines.extend(got.into_iter().map(|l| format!("{name} | {l}")));
        } else {
            lines.extend(got);
        }
    }
    Ok(docker::logs_finding(
        &format!("service `{service}`"),
        lines,
        grep,
    ))
}

/// Starts, stops or restarts every container of the scope through the Engine API.
async fn each(ctx: &Ctx<'_>, project: &str, service: Option<String>, op: Lifecycle) -> Probe {
    let docker = docker::connect("local", ctx.timeout).await?;
    let found = containers(&docker, project, service.as_deref()).await?;
    if found.is_empty() {
        return Ok(none_found(project, service.as_deref()));
    }
    let mut details = Vec::new();
    let mut failed = false;
    for (_, name, _) in &found {
        let finding = docker::lifecycle(&docker, op, name, None).await?;
        failed |= finding.status != Status::Passed;
        details.push(finding.detail);
    }
    let detail = details.join("; ");
    Ok(if failed {
        Finding::failed(detail)
    } else {
        Finding::passed(detail)
    })
}

/// The installed compose CLI: the program and the words before the subcommand.
#[derive(Debug, Clone)]
struct ComposeCli {
    program: &'static str,
    prefix: &'static [&'static str],
}

impl ComposeCli {
    const V2: ComposeCli = ComposeCli {
        program: "docker",
        prefix: &["compose"],
    };
    const V1: ComposeCli = ComposeCli {
        program: "docker-compose",
        prefix: &[],
    };

    fn command(&self) -> Command {
        let mut cmd = Command::new(self.program);
        cmd.args(self.prefix);
        cmd
    }
}

/// Finds the compose CLI once per process.
async fn detect() -> Result<&'static ComposeCli, String> {
    static CLI: OnceCell<Result<ComposeCli, String>> = OnceCell::const_new();
    CLI.get_or_init(|| async {
        for cli in [ComposeCli::V2, ComposeCli::V1] {
            let mut cmd = cli.command();
            cmd.arg("version");
            if let Ok(Ok(done)) = tokio::time::timeout(DETECT_TIMEOUT, run_process(cmd)).await
                && done.status.success()
            {
                return Ok(cli);
            }
        }
        Err("neither `docker compose` (v2) nor `docker-compose` (v1) works here: install one of them".to_string())
    })
    .await
    .as_ref()
    .map_err(Clone::clone)
}

/// Runs the compose CLI on the target's file and project; passes when it exits 0.
async fn cli(target: &ResolvedTarget, project: &str, args: Vec<String>) -> Probe {
    let compose = detect().await?;
    let mut cmd = compose.command();
    cmd.args(["-f", &target.address, "-p", project]).args(&args);
    let shown = format!(
        "`{}`",
        [compose.program]
            .iter()
            .chain(compose.prefix)
            .copied()
            .chain(["-p", project])
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let done = run_process(cmd)
        .await
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let problem = (!done.status.success()).then(|| {
        let last = done
            .stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no error message");
        format!("{shown} {}: {}", done.exit_text(), last.trim())
    });
    Ok(Finding::judged(problem, format!("{shown} {}", done.exit_text())).output(done.combined()))
}
