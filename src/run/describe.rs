//! One line per action saying what it sends where: for `lrb plan`, prompts and transcripts.
//! The caller masks the result; parameters are filled in, secret ones included.

use super::{Resolved, Status, Value};
use crate::action::{Action, Bounds, ComposeOp, DockerOp, PostgresOp, RedisOp, Template};
use crate::duration::Duration;

/// Calls `f` on every template the action holds.
pub fn templates(action: &Action, f: &mut dyn FnMut(&Template)) {
    let opt = |t: &Option<Template>, f: &mut dyn FnMut(&Template)| {
        if let Some(t) = t {
            f(t)
        }
    };
    match action {
        Action::Http(a) => {
            f(&a.path.template);
            opt(&a.contains, f);
            if let Some(b) = &a.body {
                f(&b.template);
            }
        }
        Action::Postgres(a) => match &a.op {
            PostgresOp::Connect => {}
            PostgresOp::Query { sql, .. } => f(&sql.template),
        },
        Action::Redis(a) => match &a.op {
            RedisOp::Ping | RedisOp::Info { .. } => {}
            RedisOp::Llen { key, .. } => f(key),
            RedisOp::Command { command, .. } => f(&command.template),
        },
        Action::Docker(a) => match &a.op {
            DockerOp::Container { name, .. }
            | DockerOp::Stats { name, .. }
            | DockerOp::Logs { name, .. }
            | DockerOp::Restart { name, .. }
            | DockerOp::Start { name }
            | DockerOp::Stop { name, .. } => f(name),
            DockerOp::Images { filter } => opt(filter, f),
            DockerOp::Tag { source, target } => {
                f(source);
                f(target);
            }
        },
        Action::Compose(a) => match &a.op {
            ComposeOp::Logs { service, .. } => f(service),
            ComposeOp::Ps { service }
            | ComposeOp::Restart { service }
            | ComposeOp::Up { service, .. }
            | ComposeOp::Build { service }
            | ComposeOp::Stop { service }
            | ComposeOp::Start { service } => opt(service, f),
            ComposeOp::Down { .. } => {}
        },
        Action::Shell(a) => {
            f(&a.command.template);
            opt(&a.contains, f);
        }
        Action::Prometheus(a) => f(&a.query.template),
        Action::Manual(m) => f(&m.text),
        Action::Wait(_) => {}
    }
}

/// What the action does, with its target's address and every parameter filled in.
pub fn describe(action: &Action, resolved: &Resolved) -> String {
    // Values on one line, control characters escaped: a value cannot forge a prompt.
    let value = |name: &str| {
        resolved
            .params
            .get(name)
            .map_or_else(|| format!("#{{{name}}}"), |v| crate::fill::shown(v))
    };
    let fill = |t: &Template| t.render(value);
    let address = |target: &str| {
        resolved
            .targets
            .get(target)
            .map_or_else(|| format!("`{target}`"), |t| t.address.clone())
    };
    let mut parts = Vec::new();
    let head = match action {
        Action::Http(a) => {
            if a.status.is_empty() {
                parts.push("expect a 2xx status".to_string());
            } else {
                let codes: Vec<String> = a.status.iter().map(u16::to_string).collect();
                parts.push(format!("expect status {}", codes.join(" or ")));
            }
            if let Some(c) = &a.contains {
                parts.push(format!("body contains {:?}", fill(c)));
            }
            if let Some(pointer) = &a.json {
                parts.push(format!("value at JSON `{pointer}`"));
            }
            bounds(&a.bounds, &mut parts);
            if let Some(ms) = a.latency_below_ms {
                parts.push(format!("latency below {}", Duration::from_ms(ms)));
            }
            if let Some(b) = &a.body {
                parts.push(format!("body {:?}", fill(&b.template)));
            }
            let base = address(&a.target);
            format!(
                "{} {}{}",
                a.method.as_str(),
                base.trim_end_matches('/'),
                a.path.render(value)
            )
        }
        Action::Postgres(a) => match &a.op {
            PostgresOp::Connect => format!("connect to {} and run `SELECT 1`", address(&a.target)),
            PostgresOp::Query { sql, bounds: b, .. } => {
                bounds(b, &mut parts);
                format!("SQL on `{}`: {}", a.target, one_line(&sql.render(value)))
            }
        },
        Action::Redis(a) => {
            let command = match &a.op {
                RedisOp::Ping => "PING".to_string(),
                RedisOp::Info {
                    section,
                    field,
                    bounds: b,
                } => {
                    bounds(b, &mut parts);
                    if let Some(field) = field {
                        parts.push(format!("field `{field}`"));
                    }
                    format!("INFO {}", section.as_deref().unwrap_or_default())
                        .trim_end()
                        .to_string()
                }
                RedisOp::Llen { key, bounds: b } => {
                    bounds(b, &mut parts);
                    format!("LLEN {}", fill(key))
                }
                RedisOp::Command {
                    command, bounds: b, ..
                } => {
                    bounds(b, &mut parts);
                    shlex::try_join(command.argv(value).iter().map(String::as_str))
                        .unwrap_or_else(|_| command.template.source())
                }
            };
            format!("redis {}: {command}", address(&a.target))
        }
        Action::Docker(a) => {
            let command = match &a.op {
                DockerOp::Container {
                    name,
                    state,
                    health,
                } => {
                    if let Some(s) = state {
                        parts.push(format!("expect state {}", s.name()));
                    }
                    if let Some(h) = health {
                        parts.push(format!("expect health {}", h.name()));
                    }
                    format!("inspect {}", fill(name))
                }
                DockerOp::Stats {
                    name,
                    memory_below,
                    cpu_below,
                } => {
                    if let Some(m) = memory_below {
                        parts.push(format!("memory below {m}%"));
                    }
                    if let Some(c) = cpu_below {
                        parts.push(format!("cpu below {c}%"));
                    }
                    format!("stats --no-stream {}", fill(name))
                }
                DockerOp::Logs { name, tail, grep } => logs(&fill(name), *tail, grep.as_deref()),
                DockerOp::Images { filter } => match filter {
                    Some(f) => format!("images (reference contains {:?})", fill(f)),
                    None => "images".to_string(),
                },
                DockerOp::Restart { name, grace_ms } => {
                    grace(*grace_ms, &mut parts);
                    format!("restart {}", fill(name))
                }
                DockerOp::Start { name } => format!("start {}", fill(name)),
                DockerOp::Stop { name, grace_ms } => {
                    grace(*grace_ms, &mut parts);
                    format!("stop {}", fill(name))
                }
                DockerOp::Tag { source, target } => {
                    format!("tag {} {}", fill(source), fill(target))
                }
            };
            format!("docker ({}) {command}", address(&a.target))
        }
        Action::Compose(a) => {
            let service = |s: &Option<Template>| s.as_ref().map(|t| format!(" {}", fill(t)));
            let command = match &a.op {
                ComposeOp::Ps { service: s } => format!("ps{}", service(s).unwrap_or_default()),
                ComposeOp::Logs {
                    service: s,
                    tail,
                    grep,
                } => logs(&fill(s), *tail, grep.as_deref()),
                ComposeOp::Restart { service: s } => {
                    format!("restart{}", service(s).unwrap_or_default())
                }
                ComposeOp::Up { service: s, scale } => {
                    let scale = match (scale, s) {
                        (Some(n), Some(t)) => format!(" --scale {}={n}", fill(t)),
                        _ => String::new(),
                    };
                    format!("up -d{scale}{}", service(s).unwrap_or_default())
                }
                ComposeOp::Down { volumes } => {
                    if *volumes {
                        "down --volumes".to_string()
                    } else {
                        "down".to_string()
                    }
                }
                ComposeOp::Build { service: s } => {
                    format!("build{}", service(s).unwrap_or_default())
                }
                ComposeOp::Stop { service: s } => format!("stop{}", service(s).unwrap_or_default()),
                ComposeOp::Start { service: s } => {
                    format!("start{}", service(s).unwrap_or_default())
                }
            };
            let project = resolved
                .targets
                .get(&a.target)
                .and_then(|t| t.project.as_deref())
                .map(|p| format!(" -p {p}"))
                .unwrap_or_default();
            format!(
                "docker-compose -f {}{project} {command}",
                address(&a.target)
            )
        }
        Action::Shell(a) => {
            if a.exit != 0 {
                parts.push(format!("expect exit code {}", a.exit));
            }
            if let Some(c) = &a.contains {
                parts.push(format!("output contains {:?}", fill(c)));
            }
            bounds(&a.bounds, &mut parts);
            format!(
                "shell in {}: {}",
                address(&a.target),
                one_line(&fill(&a.command.template))
            )
        }
        Action::Prometheus(a) => {
            if let Some((window, step)) = a.range() {
                parts.push(format!(
                    "over the last {} at a {} step",
                    Duration::from_ms(window),
                    Duration::from_ms(step)
                ));
            }
            bounds(&a.bounds, &mut parts);
            if let Some(rule) = a.series.name() {
                parts.push(format!("{rule} series"));
            }
            if let Some(empty) = a.empty.name() {
                parts.push(format!("no data {empty}"));
            }
            let query = a.query.render(|name| {
                resolved
                    .params
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| format!("#{{{name}}}"))
            });
            format!("PromQL on {}: {}", address(&a.target), one_line(&query))
        }
        Action::Manual(m) => format!("manual step: {}", fill(&m.text)),
        Action::Wait(w) => format!("wait {}", Duration::from_ms(w.ms)),
    };
    if parts.is_empty() {
        head
    } else {
        format!("{head} ({})", parts.join(", "))
    }
}

/// `✓`, `✗` or `!`: a status at a glance.
pub fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Passed => "✓",
        Status::Failed => "✗",
        Status::Error => "!",
    }
}

/// A status as the language names it: `passed`, `failed`, `errored`.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error => "errored",
    }
}

/// A value on one short line: numbers rounded to two decimals, text to its first line.
pub fn show_value(v: &Value) -> String {
    let text = match v {
        Value::Number(n) if n.fract() == 0.0 => format!("{n}"),
        Value::Number(n) => format!("{n:.2}"),
        Value::Text(t) => t.lines().next().unwrap_or_default().to_string(),
        Value::Bool(b) => b.to_string(),
    };
    if text.chars().count() > 24 {
        format!("{}…", text.chars().take(23).collect::<String>())
    } else {
        text
    }
}

fn logs(name: &str, tail: Option<u32>, grep: Option<&str>) -> String {
    let tail = tail.map(|n| format!(" --tail {n}")).unwrap_or_default();
    let grep = grep
        .map(|g| format!(" | grep -i {g:?}"))
        .unwrap_or_default();
    format!("logs{tail} {name}{grep}")
}

fn bounds(b: &Bounds, parts: &mut Vec<String>) {
    if let Some(v) = b.below {
        parts.push(format!("below {v}"));
    }
    if let Some(v) = b.above {
        parts.push(format!("above {v}"));
    }
    if let Some(v) = &b.equals {
        parts.push(format!("equals {v:?}"));
    }
}

fn grace(ms: Option<u64>, parts: &mut Vec<String>) {
    if let Some(ms) = ms {
        parts.push(format!("grace {}", Duration::from_ms(ms)));
    }
}

/// Multi-line SQL or shell on one line, for tables and prompts.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
