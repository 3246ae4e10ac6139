//! Docker: the Engine API through bollard, over the local socket by default.
//!
//! The client negotiates the API version with the engine on every connection: bollard asks
//! for a newer API than older engines (20.10 speaks 1.41) accept.

use super::{Ctx, Finding, Probe, human, root_cause, show};
use crate::action::catalogue::TargetKind;
use crate::action::{ContainerState, DockerAction, DockerOp, Health};
use crate::run::Value;
use bollard::Docker;
use bollard::errors::Error as DockerError;
use bollard::query_parameters::{
    ListImagesOptions, LogsOptions, RestartContainerOptions, StatsOptions, StopContainerOptions,
    TagImageOptions,
};
use futures_util::{StreamExt, TryStreamExt};
use std::time::Duration;

/// Lines of logs fetched when the author gave no `tail:`.
const DEFAULT_TAIL: u32 = 200;

pub(super) async fn run(a: &DockerAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Docker)?;
    let docker = connect(&target.address, ctx.timeout).await?;
    match &a.op {
        DockerOp::Container {
            name,
            state,
            health,
        } => container(&docker, &ctx.render(name)?, *state, *health).await,
        DockerOp::Stats {
            name,
            memory_below,
            cpu_below,
        } => stats(&docker, &ctx.render(name)?, *memory_below, *cpu_below).await,
        DockerOp::Logs { name, tail, grep } => {
            let name = ctx.render(name)?;
            match logs(&docker, &name, *tail, grep.as_deref()).await {
                Ok(lines) => Ok(logs_finding(&format!("container `{name}`"), lines, grep)),
                Err(e) => missing_or_error(&e, &name, "read the logs of"),
            }
        }
        DockerOp::Images { filter } => {
            let filter = filter.as_ref().map(|f| ctx.render(f)).transpose()?;
            images(&docker, filter.as_deref()).await
        }
        DockerOp::Restart { name, grace_ms } => {
            lifecycle(&docker, Lifecycle::Restart, &ctx.render(name)?, *grace_ms).await
        }
        DockerOp::Start { name } => {
            lifecycle(&docker, Lifecycle::Start, &ctx.render(name)?, None).await
        }
        DockerOp::Stop { name, grace_ms } => {
            lifecycle(&docker, Lifecycle::Stop, &ctx.render(name)?, *grace_ms).await
        }
        DockerOp::Tag { source, target } => {
            tag(&docker, &ctx.render(source)?, &ctx.render(target)?).await
        }
    }
}

/// A client for the engine at `address` (`local`, `unix:///path`, `/path`, `tcp://host:port`),
/// with the API version agreed with the engine.
pub(super) async fn connect(address: &str, timeout: Duration) -> Result<Docker, String> {
    let secs = timeout.as_secs_f64().ceil().max(1.0) as u64;
    let version = bollard::API_DEFAULT_VERSION;
    let address = match address {
        "local" | "" => std::env::var("DOCKER_HOST")
            .ok()
            .filter(|h| h.starts_with("unix://"))
            .unwrap_or_else(|| "unix:///var/run/docker.sock".into()),
        other => other.to_string(),
    };
    let docker = if address.starts_with("tcp://") || address.starts_with("http://") {
        Docker::connect_with_http(&address, secs, version)
    } else {
        Docker::connect_with_socket(&address, secs, version)
    }
    .map_err(|e| {
        format!(
            "cannot reach the Docker engine at `{address}`: {}: is Docker running?",
            describe(&e)
        )
    })?;
    docker.negotiate_version().await.map_err(|e| {
        format!(
            "the Docker engine at `{address}` does not answer: {}: is Docker running and may this user use it?",
            describe(&e)
        )
    })
}

/// The engine's message for an API error, or the innermost cause of a transport one.
pub(super) fn describe(e: &DockerError) -> String {
    match e {
        DockerError::DockerResponseServerError { message, .. } => message.clone(),
        other => root_cause(other),
    }
}

fn status_of(e: &DockerError) -> Option<u16> {
    match e {
        DockerError::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

/// A 404 is an answer (the container is not there: failed); anything else could not run.
fn missing_or_error(e: &DockerError, name: &str, doing: &str) -> Probe {
    if status_of(e) == Some(404) {
        Ok(Finding::failed(format!("no container named `{name}`")))
    } else {
        Err(format!(
            "cannot {doing} container `{name}`: {}",
            describe(e)
        ))
    }
}

async fn container(
    docker: &Docker,
    name: &str,
    expected_state: Option<ContainerState>,
    expected_health: Option<Health>,
) -> Probe {
    let info = match docker.inspect_container(name, None).await {
        Ok(info) => info,
        Err(e) => return missing_or_error(&e, name, "inspect"),
    };
    let state = info.state.unwrap_or_default();
    let status = state
        .status
        .map_or_else(|| "unknown".to_string(), |s| s.to_string());
    let health = state
        .health
        .and_then(|h| h.status)
        .map(|h| h.to_string())
        .filter(|h| !h.is_empty() && h != "none");
    let shown = match &health {
        Some(h) => format!("container `{name}` is {status} ({h})"),
        None => format!("container `{name}` is {status}"),
    };
    let want_state = expected_state.unwrap_or(ContainerState::Running).name();
    let problem = if status != want_state {
        Some(format!("{shown}, expected {want_state}"))
    } else {
        expected_health
            .map(Health::name)
            .and_then(|want| match &health {
                Some(h) if h == want => None,
                Some(_) => Some(format!("{shown}, expected {want}")),
                None => Some(format!("{shown} and has no healthcheck, expected {want}")),
            })
    };
    Ok(Finding::judged(problem, shown).value(Some(Value::Text(status))))
}

/// One stats sample. CPU needs the engine's second reading (about a second later), so the
/// quicker one-shot sample is used when only memory is asked about.
async fn stats(
    docker: &Docker,
    name: &str,
    memory_below: Option<f64>,
    cpu_below: Option<f64>,
) -> Probe {
    let options = StatsOptions {
        stream: false,
        one_shot: cpu_below.is_none(),
    };
    let sample = match docker.stats(name, Some(options)).next().await {
        Some(Ok(sample)) => sample,
        Some(Err(e)) => return missing_or_error(&e, name, "read the stats of"),
        None => return Err(format!("the engine sent no stats for container `{name}`")),
    };
    let memory = sample.memory_stats.as_ref().and_then(|m| {
        let usage = m.usage? as f64;
        let limit = m.limit.filter(|l| *l > 0)? as f64;
        // Page cache is reclaimable; `docker stats` leaves it out too.
        let cache = m
            .stats
            .as_ref()
            .and_then(|s| {
                ["inactive_file", "total_inactive_file", "cache"]
                    .iter()
                    .find_map(|k| s.get(*k))
            })
            .copied()
            .unwrap_or(0) as f64;
        Some((usage - cache).max(0.0) / limit * 100.0)
    });
    let Some(memory) = memory else {
        return Ok(Finding::failed(format!(
            "container `{name}` reports no memory use: is it running?"
        )));
    };
    let cpu = cpu_percent(&sample);
    let mut shown = format!("container `{name}` uses {:.1}% of its memory", memory);
    if let Some(cpu) = cpu {
        shown.push_str(&format!(" and {cpu:.1}% CPU"));
    }
    let problem = if let Some(limit) = memory_below.filter(|l| memory >= *l) {
        Some(format!(
            "{shown}, expected under {}%",
            show(&Value::Number(limit))
        ))
    } else if let Some(limit) = cpu_below {
        match cpu {
            Some(cpu) if cpu < limit => None,
            Some(_) => Some(format!(
                "{shown}, expected CPU under {}%",
                show(&Value::Number(limit))
            )),
            None => Some(format!("{shown}; the engine gave no CPU figures")),
        }
    } else {
        None
    };
    Ok(Finding::judged(problem, shown).value(Some(Value::Number(memory))))
}

/// CPU use in percent of one CPU times the CPUs online, as `docker stats` computes it.
fn cpu_percent(sample: &bollard::models::ContainerStatsResponse) -> Option<f64> {
    let now = sample.cpu_stats.as_ref()?;
    let before = sample.precpu_stats.as_ref()?;
    let total = |s: &bollard::models::ContainerCpuStats| s.cpu_usage.as_ref()?.total_usage;
    let cpu_delta = total(now)?.checked_sub(total(before)?)? as f64;
    let system_delta = now
        .system_cpu_usage?
        .checked_sub(before.system_cpu_usage?)? as f64;
    if system_delta <= 0.0 {
        return None;
    }
    let cpus = now.online_cpus.filter(|n| *n > 0).unwrap_or(1) as f64;
    Some(cpu_delta / system_delta * cpus * 100.0)
}

/// The last `tail` lines of a container's stdout and stderr, then those holding `grep`
/// (case-insensitive).
pub(super) async fn logs(
    docker: &Docker,
    name: &str,
    tail: Option<u32>,
    grep: Option<&str>,
) -> Result<Vec<String>, DockerError> {
    let options = LogsOptions {
        stdout: true,
        stderr: true,
        tail: tail.unwrap_or(DEFAULT_TAIL).to_string(),
        ..LogsOptions::default()
    };
    let chunks: Vec<_> = docker.logs(name, Some(options)).try_collect().await?;
    let text: String = chunks
        .into_iter()
        .map(|c| String::from_utf8_lossy(&c.into_bytes()).into_owned())
        .collect();
    let needle = grep.map(str::to_lowercase);
    Ok(text
        .lines()
        .filter(|l| needle.as_ref().is_none_or(|n| l.to_lowercase().contains(n)))
        .map(str::to_string)
        .collect())
}

/// A logs outcome: always passed (reading logs is information); the value and output are the
/// lines.
pub(super) fn logs_finding(whose: &str, lines: Vec<String>, grep: &Option<String>) -> Finding {
    let detail = match (grep, lines.len()) {
        (Some(g), 0) => format!("no line of {whose}'s logs contains `{g}`"),
        (Some(g), n) => format!("{n} lines of {whose}'s logs contain `{g}`"),
        (None, n) => format!("{n} lines of {whose}'s logs"),
    };
    let text = lines.join("\n");
    Finding::passed(detail)
        .value(Some(Value::Text(text.clone())))
        .output(text)
}

async fn images(docker: &Docker, filter: Option<&str>) -> Probe {
    let list = docker
        .list_images(None::<ListImagesOptions>)
        .await
        .map_err(|e| format!("cannot list images: {}", describe(&e)))?;
    let mut refs: Vec<String> = list
        .into_iter()
        .flat_map(|i| i.repo_tags)
        .filter(|r| r != "<none>:<none>" && filter.is_none_or(|f| r.contains(f)))
        .collect();
    refs.sort();
    let detail = match filter {
        Some(f) => format!("{} images match `{f}`", refs.len()),
        None => format!("{} images", refs.len()),
    };
    Ok(Finding::passed(detail)
        .value(Some(Value::Number(refs.len() as f64)))
        .output(refs.join("\n")))
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Lifecycle {
    Start,
    Stop,
    Restart,
}

/// Starts, stops or restarts a container; `grace_ms` is the time between SIGTERM and SIGKILL.
pub(super) async fn lifecycle(
    docker: &Docker,
    op: Lifecycle,
    name: &str,
    grace_ms: Option<u64>,
) -> Probe {
    let t = grace_ms.map(|ms| i32::try_from(ms.div_ceil(1000)).unwrap_or(i32::MAX));
    let (done, verb, past) = match op {
        Lifecycle::Start => (docker.start_container(name, None).await, "start", "started"),
        Lifecycle::Stop => (
            docker
                .stop_container(name, Some(StopContainerOptions { t, signal: None }))
                .await,
            "stop",
            "stopped",
        ),
        Lifecycle::Restart => (
            docker
                .restart_container(name, Some(RestartContainerOptions { t, signal: None }))
                .await,
            "restart",
            "restarted",
        ),
    };
    let grace = grace_ms
        .map(|ms| format!(" (grace {})", human(Duration::from_millis(ms))))
        .unwrap_or_default();
    match done {
        Ok(()) => Ok(Finding::passed(format!("{past} container `{name}`{grace}"))),
        // 304: already in the state asked for.
        Err(e) if status_of(&e) == Some(304) => Ok(Finding::passed(format!(
            "container `{name}` was already {}",
            if matches!(op, Lifecycle::Stop) {
                "stopped"
            } else {
                "running"
            }
        ))),
        Err(e) => missing_or_error(&e, name, verb),
    }
}

/// Tags `source` as `target` (`repo:tag`; the tag defaults to `latest`).
async fn tag(docker: &Docker, source: &str, target: &str) -> Probe {
    let (repo, tag) = match target.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (target, "latest"),
    };
    let options = TagImageOptions {
        repo: Some(repo.to_string()),
        tag: Some(tag.to_string()),
    };
    match docker.tag_image(source, Some(options)).await {
        Ok(()) => Ok(Finding::passed(format!(
            "tagged `{source}` as `{repo}:{tag}`"
        ))),
        Err(e) if status_of(&e) == Some(404) => Ok(Finding::failed(format!(
            "no image `{source}`: list them with `docker.images`"
        ))),
        Err(e) => Err(format!(
            "cannot tag `{source}` as `{target}`: {}",
            describe(&e)
        )),
    }
}
