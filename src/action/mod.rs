//! The action catalogue: what a runbook can do, as one closed enum.
//!
//! Every consumer (checker, interpreter, exporters) matches [`Action`] exhaustively, so a new
//! action cannot compile until all of them handle it. [`Action::effect`] is the one source of
//! truth for how dangerous an action is.

pub mod catalogue;

use crate::effect::{Classification, Effect};
use crate::fill::http::{Body, UrlPath};
use crate::fill::promql;
use crate::fill::redis::RedisCommand;
use crate::fill::shell::ShellLine;
use crate::fill::sql::SqlText;
use serde::Serialize;

/// A string with `#{param}` holes, filled in when the runbook runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Template {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Part {
    Text(String),
    Param(String),
}

impl Template {
    pub fn literal(text: impl Into<String>) -> Self {
        Template {
            parts: vec![Part::Text(text.into())],
        }
    }

    /// Fills every hole with `fill(name)`, in one buffer rather than a copy of each part.
    pub fn render(&self, mut fill: impl FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Param(name) => out.push_str(&fill(name)),
            }
        }
        out
    }

    /// The text with holes shown as `#{name}`, as the author wrote it.
    pub fn source(&self) -> String {
        self.render(|name| format!("#{{{name}}}"))
    }

    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Param(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source())
    }
}

/// How the effect of a raw command (SQL, Redis, shell) was decided. A declared `effect:`
/// settles a command the analysis cannot classify, or makes a known effect stricter; it never
/// lowers one the analysis found (the checker reports that as `LRB409`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum RawEffect {
    /// The safety analysis recognised the command.
    Classified {
        classification: Classification,
        declared: Option<Effect>,
    },
    /// Nothing recognised it: the author's declaration, or destructive (fail closed).
    Unclassified { declared: Option<Effect> },
}

impl RawEffect {
    pub fn effect(&self) -> Effect {
        match self {
            RawEffect::Classified {
                classification,
                declared,
            } => classification.effect.max(declared.unwrap_or(Effect::Read)),
            RawEffect::Unclassified { declared } => declared.unwrap_or(Effect::Destructive),
        }
    }

    /// What the analysis found, if it found anything.
    pub fn classification(&self) -> Option<&Classification> {
        match self {
            RawEffect::Classified { classification, .. } => Some(classification),
            RawEffect::Unclassified { .. } => None,
        }
    }
}

/// Numeric bounds a probe's value must meet to pass.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Bounds {
    pub below: Option<f64>,
    pub above: Option<f64>,
    pub equals: Option<String>,
}

impl Bounds {
    pub fn is_empty(&self) -> bool {
        self.below.is_none() && self.above.is_none() && self.equals.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Action {
    Http(HttpAction),
    Postgres(PostgresAction),
    Redis(RedisAction),
    Docker(DockerAction),
    Compose(ComposeAction),
    Shell(ShellAction),
    Prometheus(PrometheusAction),
    Manual(ManualStep),
    Wait(WaitStep),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Head => "HEAD",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// A request to an `http` target. Passes when every expectation holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpAction {
    pub target: String,
    pub method: HttpMethod,
    pub path: UrlPath,
    /// Accepted status codes; empty means any 2xx.
    pub status: Vec<u16>,
    pub contains: Option<Template>,
    /// A JSON pointer (`/version`) whose value becomes the probe's value.
    pub json: Option<String>,
    pub bounds: Bounds,
    pub latency_below_ms: Option<u64>,
    pub body: Option<Body>,
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostgresAction {
    pub target: String,
    pub op: PostgresOp,
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PostgresOp {
    /// Connects and runs `SELECT 1`.
    Connect,
    /// Runs SQL; the first column of the first row is the value.
    Query {
        sql: SqlText,
        effect: RawEffect,
        bounds: Bounds,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedisAction {
    pub target: String,
    pub op: RedisOp,
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RedisOp {
    Ping,
    /// `INFO section`, reading one `field:` of it.
    Info {
        section: Option<String>,
        field: Option<String>,
        bounds: Bounds,
    },
    /// Length of a list: a queue's depth.
    Llen {
        key: Template,
        bounds: Bounds,
    },
    /// Any command line, classified by the Redis command table.
    Command {
        command: RedisCommand,
        effect: RawEffect,
        bounds: Bounds,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DockerAction {
    pub target: String,
    pub op: DockerOp,
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    Running,
    Exited,
    Paused,
    Restarting,
    Created,
    Dead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Healthy,
    Unhealthy,
    Starting,
}

impl ContainerState {
    pub const ALL: [ContainerState; 6] = [
        ContainerState::Running,
        ContainerState::Exited,
        ContainerState::Paused,
        ContainerState::Restarting,
        ContainerState::Created,
        ContainerState::Dead,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ContainerState::Running => "running",
            ContainerState::Exited => "exited",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Created => "created",
            ContainerState::Dead => "dead",
        }
    }

    pub fn from_name(name: &str) -> Option<ContainerState> {
        ContainerState::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl Health {
    pub const ALL: [Health; 3] = [Health::Healthy, Health::Unhealthy, Health::Starting];

    pub fn name(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
            Health::Starting => "starting",
        }
    }

    pub fn from_name(name: &str) -> Option<Health> {
        Health::ALL.into_iter().find(|h| h.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DockerOp {
    /// Inspects a container; passes when state (and health) match.
    Container {
        name: Template,
        state: Option<ContainerState>,
        health: Option<Health>,
    },
    /// One stats sample; the value is memory use in percent of the limit.
    Stats {
        name: Template,
        memory_below: Option<f64>,
        cpu_below: Option<f64>,
    },
    Logs {
        name: Template,
        tail: Option<u32>,
        grep: Option<String>,
    },
    /// Lists images whose reference contains `filter`; the value is the count.
    Images {
        filter: Option<Template>,
    },
    Restart {
        name: Template,
        grace_ms: Option<u64>,
    },
    Start {
        name: Template,
    },
    Stop {
        name: Template,
        grace_ms: Option<u64>,
    },
    Tag {
        source: Template,
        target: Template,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComposeAction {
    pub target: String,
    pub op: ComposeOp,
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ComposeOp {
    /// Services and their state; passes when every listed service runs.
    Ps {
        service: Option<Template>,
    },
    Logs {
        service: Template,
        tail: Option<u32>,
        grep: Option<String>,
    },
    Restart {
        service: Option<Template>,
    },
    Up {
        service: Option<Template>,
        scale: Option<u32>,
    },
    Down {
        volumes: bool,
    },
    Build {
        service: Option<Template>,
    },
    Stop {
        service: Option<Template>,
    },
    Start {
        service: Option<Template>,
    },
}

/// A command line run by `bash -c` on the machine running lrb.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShellAction {
    pub target: String,
    pub command: ShellLine,
    pub effect: RawEffect,
    /// Exit code that counts as passing.
    pub exit: i32,
    pub contains: Option<Template>,
    pub bounds: Bounds,
    pub timeout_ms: Option<u64>,
}

/// A PromQL query against a `prometheus` target. Without `window_ms` it is an instant query;
/// with it, a range query over the last `window_ms` whose every sample must meet the bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrometheusAction {
    pub target: String,
    pub query: promql::Query,
    /// `for:`: the bounds must hold over this whole window.
    pub window_ms: Option<u64>,
    /// `step:` of the range query; derived from the window when not given.
    pub step_ms: Option<u64>,
    pub bounds: Bounds,
    pub empty: OnEmpty,
    pub series: SeriesRule,
    pub timeout_ms: Option<u64>,
}

impl PrometheusAction {
    /// The window and step of a range query, in ms: the step defaults to a thousandth of the
    /// window, at least 100 ms, so a spike that lasts one scrape is seen at some step as long
    /// as the scrape interval is longer than the step (every 1 s scrape in a 16 minute window).
    pub fn range(&self) -> Option<(u64, u64)> {
        let window = self.window_ms?;
        Some((window, self.step_ms.unwrap_or((window / 1000).max(100))))
    }
}

/// What a query that returns no series means: no data is an error unless the author says
/// otherwise, since a service that is down reports no errors either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnEmpty {
    Errored,
    Passes,
    Fails,
}

impl OnEmpty {
    pub const ALL: [OnEmpty; 3] = [OnEmpty::Errored, OnEmpty::Passes, OnEmpty::Fails];

    /// As a runbook writes it (`empty: :passes`); `None` for the default, which has no name.
    pub fn name(self) -> Option<&'static str> {
        match self {
            OnEmpty::Errored => None,
            OnEmpty::Passes => Some("passes"),
            OnEmpty::Fails => Some("fails"),
        }
    }

    pub fn from_name(name: &str) -> Option<OnEmpty> {
        OnEmpty::ALL.into_iter().find(|e| e.name() == Some(name))
    }
}

/// How the bounds apply when a query returns several series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesRule {
    /// One series is expected; several are an error that asks the author to choose.
    One,
    /// `each: true`: every series must meet the bounds.
    Each,
    /// `any: true`: one series that meets them is enough.
    Any,
}

impl SeriesRule {
    /// The option that states it (`each: true`); `None` for the default.
    pub fn name(self) -> Option<&'static str> {
        match self {
            SeriesRule::One => None,
            SeriesRule::Each => Some("each"),
            SeriesRule::Any => Some("any"),
        }
    }
}

/// An instruction the operator carries out and confirms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManualStep {
    pub text: Template,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitStep {
    pub ms: u64,
}

/// What a probe's value is, so conditions can be type-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// No value: use `passed`/`failed`.
    None,
    /// An HTTP status, a count, a queue length.
    Integer,
    Number,
    Percent,
    Text,
    /// Known only at run time (a SQL scalar, a JSON value).
    Any,
}

impl ValueType {
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::None => "no value",
            ValueType::Integer => "an integer",
            ValueType::Number => "a number",
            ValueType::Percent => "a percentage",
            ValueType::Text => "text",
            ValueType::Any => "a value known only at run time",
        }
    }
}

impl Action {
    /// How dangerous the action is; unrecognised raw commands count as destructive.
    pub fn effect(&self) -> Effect {
        match self {
            Action::Http(a) => match a.method {
                HttpMethod::Get | HttpMethod::Head => Effect::Read,
                HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch => Effect::Write,
                HttpMethod::Delete => Effect::Destructive,
            },
            Action::Postgres(a) => match &a.op {
                PostgresOp::Connect => Effect::Read,
                PostgresOp::Query { effect, .. } => effect.effect(),
            },
            Action::Redis(a) => match &a.op {
                RedisOp::Ping | RedisOp::Info { .. } | RedisOp::Llen { .. } => Effect::Read,
                RedisOp::Command { effect, .. } => effect.effect(),
            },
            Action::Docker(a) => match &a.op {
                DockerOp::Container { .. }
                | DockerOp::Stats { .. }
                | DockerOp::Logs { .. }
                | DockerOp::Images { .. } => Effect::Read,
                DockerOp::Restart { .. }
                | DockerOp::Start { .. }
                | DockerOp::Stop { .. }
                | DockerOp::Tag { .. } => Effect::Write,
            },
            Action::Compose(a) => match &a.op {
                ComposeOp::Ps { .. } | ComposeOp::Logs { .. } => Effect::Read,
                ComposeOp::Restart { .. }
                | ComposeOp::Up { .. }
                | ComposeOp::Build { .. }
                | ComposeOp::Stop { .. }
                | ComposeOp::Start { .. } => Effect::Write,
                ComposeOp::Down { volumes } => {
                    if *volumes {
                        Effect::Destructive
                    } else {
                        Effect::Write
                    }
                }
            },
            Action::Shell(a) => a.effect.effect(),
            Action::Prometheus(_) | Action::Manual(_) | Action::Wait(_) => Effect::Read,
        }
    }

    /// The raw-command analysis behind the effect, when there is one.
    pub fn raw_effect(&self) -> Option<&RawEffect> {
        match self {
            Action::Postgres(a) => match &a.op {
                PostgresOp::Query { effect, .. } => Some(effect),
                PostgresOp::Connect => None,
            },
            Action::Redis(a) => match &a.op {
                RedisOp::Command { effect, .. } => Some(effect),
                RedisOp::Ping | RedisOp::Info { .. } | RedisOp::Llen { .. } => None,
            },
            Action::Shell(a) => Some(&a.effect),
            Action::Http(_)
            | Action::Docker(_)
            | Action::Compose(_)
            | Action::Prometheus(_)
            | Action::Manual(_)
            | Action::Wait(_) => None,
        }
    }

    /// The verb that builds this action; `None` for `step` and `wait`, which are statements.
    pub fn verb(&self) -> Option<catalogue::Verb> {
        use catalogue::Verb;
        Some(match self {
            Action::Http(a) => match a.method {
                HttpMethod::Get => Verb::HttpGet,
                HttpMethod::Head => Verb::HttpHead,
                HttpMethod::Post => Verb::HttpPost,
                HttpMethod::Put => Verb::HttpPut,
                HttpMethod::Patch => Verb::HttpPatch,
                HttpMethod::Delete => Verb::HttpDelete,
            },
            Action::Postgres(a) => match a.op {
                PostgresOp::Connect => Verb::PgConnect,
                PostgresOp::Query { .. } => Verb::PgQuery,
            },
            Action::Redis(a) => match a.op {
                RedisOp::Ping => Verb::RedisPing,
                RedisOp::Info { .. } => Verb::RedisInfo,
                RedisOp::Llen { .. } => Verb::RedisLlen,
                RedisOp::Command { .. } => Verb::RedisCommand,
            },
            Action::Docker(a) => match a.op {
                DockerOp::Container { .. } => Verb::DockerContainer,
                DockerOp::Stats { .. } => Verb::DockerStats,
                DockerOp::Logs { .. } => Verb::DockerLogs,
                DockerOp::Images { .. } => Verb::DockerImages,
                DockerOp::Restart { .. } => Verb::DockerRestart,
                DockerOp::Start { .. } => Verb::DockerStart,
                DockerOp::Stop { .. } => Verb::DockerStop,
                DockerOp::Tag { .. } => Verb::DockerTag,
            },
            Action::Compose(a) => match a.op {
                ComposeOp::Ps { .. } => Verb::ComposePs,
                ComposeOp::Logs { .. } => Verb::ComposeLogs,
                ComposeOp::Restart { .. } => Verb::ComposeRestart,
                ComposeOp::Up { .. } => Verb::ComposeUp,
                ComposeOp::Down { .. } => Verb::ComposeDown,
                ComposeOp::Build { .. } => Verb::ComposeBuild,
                ComposeOp::Stop { .. } => Verb::ComposeStop,
                ComposeOp::Start { .. } => Verb::ComposeStart,
            },
            Action::Shell(_) => Verb::ShellRun,
            Action::Prometheus(_) => Verb::PromQuery,
            Action::Manual(_) | Action::Wait(_) => return None,
        })
    }

    /// What the action yields when it is a check's first probe.
    pub fn value_type(&self) -> ValueType {
        match self {
            Action::Http(a) if a.json.is_some() => ValueType::Any,
            Action::Http(_) => ValueType::Integer,
            Action::Postgres(a) => match &a.op {
                PostgresOp::Connect => ValueType::None,
                PostgresOp::Query { .. } => ValueType::Any,
            },
            Action::Redis(a) => match &a.op {
                RedisOp::Ping => ValueType::Text,
                RedisOp::Llen { .. } => ValueType::Integer,
                RedisOp::Info { .. } | RedisOp::Command { .. } => ValueType::Any,
            },
            Action::Docker(a) => match &a.op {
                DockerOp::Container { .. } | DockerOp::Logs { .. } => ValueType::Text,
                DockerOp::Stats { .. } => ValueType::Percent,
                DockerOp::Images { .. } => ValueType::Integer,
                DockerOp::Restart { .. }
                | DockerOp::Start { .. }
                | DockerOp::Stop { .. }
                | DockerOp::Tag { .. } => ValueType::None,
            },
            Action::Compose(a) => match &a.op {
                ComposeOp::Ps { .. } | ComposeOp::Logs { .. } => ValueType::Text,
                ComposeOp::Restart { .. }
                | ComposeOp::Up { .. }
                | ComposeOp::Down { .. }
                | ComposeOp::Build { .. }
                | ComposeOp::Stop { .. }
                | ComposeOp::Start { .. } => ValueType::None,
            },
            Action::Shell(_) => ValueType::Text,
            Action::Prometheus(_) => ValueType::Number,
            Action::Manual(_) | Action::Wait(_) => ValueType::None,
        }
    }

    /// The target the action runs against, if any.
    pub fn target(&self) -> Option<&str> {
        match self {
            Action::Http(a) => Some(&a.target),
            Action::Postgres(a) => Some(&a.target),
            Action::Redis(a) => Some(&a.target),
            Action::Docker(a) => Some(&a.target),
            Action::Compose(a) => Some(&a.target),
            Action::Shell(a) => Some(&a.target),
            Action::Prometheus(a) => Some(&a.target),
            Action::Manual(_) | Action::Wait(_) => None,
        }
    }

    /// Per-action timeout, when the author set one.
    pub fn timeout_ms(&self) -> Option<u64> {
        match self {
            Action::Http(a) => a.timeout_ms,
            Action::Postgres(a) => a.timeout_ms,
            Action::Redis(a) => a.timeout_ms,
            Action::Docker(a) => a.timeout_ms,
            Action::Compose(a) => a.timeout_ms,
            Action::Shell(a) => a.timeout_ms,
            Action::Prometheus(a) => a.timeout_ms,
            Action::Manual(_) => None,
            Action::Wait(w) => Some(w.ms),
        }
    }
}
