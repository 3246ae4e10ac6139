//! The command a person would type for each action: what the Markdown export shows under
//! Checks and Mitigation Steps. One function, one exhaustive match over [`Action`].
//!
//! Targets read from the environment show their default (what the seed document shows); secrets
//! show as `$NAME`, never their value. Connection flags that equal the tool's own default
//! (`docker-compose.yml`, Redis on 127.0.0.1:6379) are left out, as a person would.

use crate::action::{
    Action, ComposeOp, DockerOp, HttpMethod, PostgresOp, PrometheusAction, RedisOp, Template,
};
use crate::duration::Duration;
use crate::plan::{Address, Runbook, Target};

/// What a person does for one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Human {
    /// A shell command line (several lines for a heredoc).
    Command(String),
    /// An instruction to carry out by hand.
    Manual(String),
    /// A PromQL query to paste into Prometheus, and what its answer must show, in words.
    Query { promql: String, expect: String },
}

pub fn command(action: &Action, rb: &Runbook) -> Human {
    let text = |t: &Template| fill(t, rb);
    let target = |name: &str| rb.target(name);
    Human::Command(match action {
        Action::Http(a) => {
            let base = target(&a.target).map(address).unwrap_or_default();
            let url = format!("{}{}", base.trim_end_matches('/'), text(&a.path.template));
            let mut cmd = String::from("curl");
            match a.method {
                HttpMethod::Get => {}
                HttpMethod::Head => cmd.push_str(" -I"),
                HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete => {
                    cmd.push_str(&format!(" -X {}", a.method.as_str()));
                }
            }
            if let Some(body) = &a.body {
                cmd.push_str(&format!(" -d {}", quote(&text(&body.template))));
            }
            if !a.status.is_empty() && a.json.is_none() {
                cmd.push_str(" -w \"%{http_code}\"");
            }
            cmd.push_str(&format!(" {url}"));
            if let Some(pointer) = &a.json {
                cmd.push_str(&format!(" | jq {}", jq_filter(pointer)));
            }
            if let Some(needle) = &a.contains {
                cmd.push_str(&format!(" | grep -F {}", quote(&text(needle))));
            }
            cmd
        }
        Action::Postgres(a) => match &a.op {
            // The connection test names the URL it tests; the queries after it rely on
            // libpq's environment, as the seed document does.
            PostgresOp::Connect => {
                let url = target(&a.target).map(address).unwrap_or_default();
                format!("psql {url} -c \"SELECT 1\"")
            }
            PostgresOp::Query { sql, .. } => {
                let sql = text(&sql.template);
                let sql = sql.trim_end();
                if sql.contains('\n') {
                    format!("psql <<'SQL'\n{sql}\nSQL")
                } else {
                    format!("psql -c {}", quote(sql))
                }
            }
        },
        Action::Redis(a) => {
            let url = target(&a.target).map(address).unwrap_or_default();
            let cli = match url.as_str() {
                "redis://127.0.0.1:6379"
                | "redis://localhost:6379"
                | "redis://127.0.0.1"
                | "redis://localhost" => "redis-cli".to_string(),
                _ => format!("redis-cli -u {url}"),
            };
            match &a.op {
                RedisOp::Ping => format!("{cli} ping"),
                RedisOp::Info { section, field, .. } => {
                    let mut cmd = format!("{cli} info");
                    if let Some(section) = section {
                        cmd.push_str(&format!(" {section}"));
                    }
                    if let Some(field) = field {
                        cmd.push_str(&format!(" | grep {}", quote(&format!("^{field}:"))));
                    }
                    cmd
                }
                RedisOp::Llen { key, .. } => format!("{cli} llen {}", quote(&text(key))),
                RedisOp::Command { command, .. } => format!("{cli} {}", text(&command.template)),
            }
        }
        Action::Docker(a) => {
            let docker = match target(&a.target).map(address).as_deref() {
                None | Some("local") | Some("") | Some("unix:///var/run/docker.sock") => {
                    "docker".to_string()
                }
                Some(host) => format!("docker -H {host}"),
            };
            match &a.op {
                DockerOp::Container { name, .. } => format!("{docker} ps | grep {}", text(name)),
                DockerOp::Stats { name, .. } => {
                    format!("{docker} stats --no-stream {}", text(name))
                }
                DockerOp::Logs { name, tail, grep } => {
                    let mut cmd = format!("{docker} logs");
                    if let Some(n) = tail {
                        cmd.push_str(&format!(" --tail {n}"));
                    }
                    cmd.push_str(&format!(" {}", text(name)));
                    if let Some(pattern) = grep {
                        cmd.push_str(&format!(" 2>&1 | grep -i {}", quote(pattern)));
                    }
                    cmd
                }
                DockerOp::Images { filter } => match filter {
                    // The newest first: the last few tags are the rollback candidates.
                    Some(f) => format!("{docker} images | grep {} | head -5", text(f)),
                    None => format!("{docker} images"),
                },
                DockerOp::Restart { name, grace_ms } => {
                    format!("{docker} restart{} {}", grace(*grace_ms), text(name))
                }
                DockerOp::Start { name } => format!("{docker} start {}", text(name)),
                DockerOp::Stop { name, grace_ms } => {
                    format!("{docker} stop{} {}", grace(*grace_ms), text(name))
                }
                DockerOp::Tag { source, target } => {
                    format!("{docker} tag {} {}", text(source), text(target))
                }
            }
        }
        Action::Compose(a) => {
            let mut compose = String::from("docker-compose");
            if let Some(t) = target(&a.target) {
                let file = address(t);
                if file != "docker-compose.yml" {
                    compose.push_str(&format!(" -f {file}"));
                }
                if let Some(project) = &t.project {
                    compose.push_str(&format!(" -p {project}"));
                }
            }
            let service = |s: &Option<Template>| s.as_ref().map(|s| format!(" {}", text(s)));
            match &a.op {
                ComposeOp::Ps { service: s } => match s {
                    Some(s) => format!("{compose} ps | grep {}", text(s)),
                    None => format!("{compose} ps"),
                },
                ComposeOp::Logs {
                    service: s,
                    tail,
                    grep,
                } => {
                    let mut cmd = format!("{compose} logs {}", text(s));
                    if let Some(n) = tail {
                        cmd.push_str(&format!(" --tail={n}"));
                    }
                    if let Some(pattern) = grep {
                        cmd.push_str(&format!(" | grep -i {}", quote(pattern)));
                    }
                    cmd
                }
                ComposeOp::Restart { service: s } => {
                    format!("{compose} restart{}", service(s).unwrap_or_default())
                }
                ComposeOp::Up { service: s, scale } => {
                    let mut cmd = format!("{compose} up -d");
                    if let (Some(n), Some(s)) = (scale, s) {
                        cmd.push_str(&format!(" --scale {}={n}", text(s)));
                    }
                    cmd + &service(s).unwrap_or_default()
                }
                ComposeOp::Down { volumes } => {
                    format!("{compose} down{}", if *volumes { " -v" } else { "" })
                }
                ComposeOp::Build { service: s } => {
                    format!("{compose} build{}", service(s).unwrap_or_default())
                }
                ComposeOp::Stop { service: s } => {
                    format!("{compose} stop{}", service(s).unwrap_or_default())
                }
                ComposeOp::Start { service: s } => {
                    format!("{compose} start{}", service(s).unwrap_or_default())
                }
            }
        }
        Action::Shell(a) => {
            let cmd = text(&a.command.template);
            match target(&a.target).map(address).as_deref() {
                None | Some(".") | Some("") => cmd,
                Some(dir) => format!("cd {} && {cmd}", quote(dir)),
            }
        }
        Action::Prometheus(a) => {
            return Human::Query {
                promql: text(&a.query.template),
                expect: expectation(a),
            };
        }
        Action::Manual(step) => return Human::Manual(text(&step.text)),
        Action::Wait(w) => {
            let secs = w.ms as f64 / 1000.0;
            format!("sleep {secs}")
        }
    })
}

/// What a query's answer must show: `below 0.05 over 5m, each series, no data passes`.
pub fn expectation(a: &PrometheusAction) -> String {
    let b = &a.bounds;
    let bounds: Vec<String> = [
        b.below.map(|n| format!("below {n}")),
        b.above.map(|n| format!("above {n}")),
        b.equals.as_ref().map(|n| format!("equal to {n}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut words = if bounds.is_empty() {
        "a number".to_string()
    } else {
        bounds.join(" and ")
    };
    if let Some(window) = a.window_ms {
        words.push_str(&format!(" over {}", Duration::from_ms(window)));
    }
    if let Some(step) = a.step_ms {
        words.push_str(&format!(" (step {})", Duration::from_ms(step)));
    }
    if let Some(rule) = a.series.name() {
        words.push_str(&format!(", {rule} series"));
    }
    match a.empty.name() {
        Some(empty) => words.push_str(&format!(", no data {empty}")),
        None => words.push_str(", no data is an error"),
    }
    words
}

/// A template with each parameter shown as its default, or as `<name>` when it has none (or is
/// secret).
pub fn fill(t: &Template, rb: &Runbook) -> String {
    t.render(|name| match rb.param(name) {
        Some(p) if !p.secret => p
            .default
            .clone()
            .unwrap_or_else(|| format!("<{}>", name.replace('_', "-"))),
        _ => format!("<{}>", name.replace('_', "-")),
    })
}

/// The address a person would use: the literal, the environment's default, or `$NAME`.
pub fn address(t: &Target) -> String {
    match &t.address {
        Address::Literal { value } => value.clone(),
        Address::Env {
            default: Some(d), ..
        } => d.clone(),
        Address::Env {
            name,
            default: None,
        }
        | Address::Secret { name } => format!("${name}"),
    }
}

fn grace(ms: Option<u64>) -> String {
    ms.map(|ms| format!(" -t {}", ms.div_ceil(1000)))
        .unwrap_or_default()
}

/// Quotes as a person would: bare when safe, double quotes when nothing expands in them,
/// single quotes otherwise.
pub fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-^".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else if !s.contains(['"', '\\', '$', '`', '!', '\n']) {
        format!("\"{s}\"")
    } else {
        shlex::try_quote(s).map_or_else(
            |_| format!("'{}'", s.replace('\'', "'\\''")),
            |q| q.into_owned(),
        )
    }
}

/// A JSON pointer (`/queues/0/waiting`) as a jq filter (`'.queues[0].waiting'`).
fn jq_filter(pointer: &str) -> String {
    let mut filter = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
            filter.push_str(&format!("[{token}]"));
        } else if !token.is_empty()
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !token.starts_with(|c: char| c.is_ascii_digit())
        {
            filter.push_str(&format!(".{token}"));
        } else {
            let key = serde_json::to_string(&token).unwrap_or_default();
            filter.push_str(&format!(".[{key}]"));
        }
    }
    if filter.is_empty() {
        filter.push('.');
    }
    if filter.contains('\'') {
        quote(&filter)
    } else {
        format!("'{filter}'")
    }
}
