//! One [`Action`] as a call of the script's runtime (`lrb_http`, `lrb_pg`, ...). Every match is
//! exhaustive, so a new action or op does not compile until the exporter handles it.

use super::words::{identifier, param_var, quote, word};
use crate::action::{
    Action, Bounds, ComposeOp, ContainerState, DockerOp, Health, HttpAction, Part, PostgresOp,
    PrometheusAction, RedisOp, Template,
};
use crate::duration::Duration;
use crate::export::ExportError;
use crate::fill::http::{Body, UrlPath};
use crate::fill::promql::{self, PromPiece};
use crate::fill::sql::{Spot, SqlPiece, SqlText};
use crate::plan::{Address, Runbook};

/// A command line being built: `lrb_x --opt value ... -- words`, after the statements that
/// escape parameter values for where they go (`crate::fill`).
struct Call {
    pre: Vec<String>,
    line: String,
}

impl Call {
    fn new(func: &str, timeout_ms: u64) -> Call {
        Call {
            pre: Vec::new(),
            line: format!("{func} --timeout {}", seconds(timeout_ms)),
        }
    }

    /// A word built from `pieces`: quoted text, or a parameter's value escaped into the
    /// variable `{prefix}{name}` by `escape` (none: the value as it is).
    fn escaped<'p>(
        &mut self,
        pieces: impl Iterator<Item = Piece<'p>>,
    ) -> Result<String, ExportError> {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text("") => {}
                Piece::Text(t) => out.push_str(&quote(t)?),
                Piece::Value(name, None) => {
                    out.push_str(&format!("\"${{{}}}\"", param_var(name)?));
                }
                Piece::Value(name, Some((prefix, escape))) => {
                    let var = format!("{prefix}{}", identifier("parameter", name)?);
                    let line = format!("local {var}; {escape} {var} \"${{{}}}\"", param_var(name)?);
                    if !self.pre.contains(&line) {
                        self.pre.push(line);
                    }
                    out.push_str(&format!("\"${{{var}}}\""));
                }
            }
        }
        if out.is_empty() {
            out.push_str("''");
        }
        Ok(out)
    }

    /// `--name word`, the word already valid bash.
    fn raw(mut self, name: &str, word: &str) -> Call {
        self.line.push_str(&format!(" --{name} {word}"));
        self
    }

    fn text(self, name: &str, text: &str) -> Result<Call, ExportError> {
        Ok(self.raw(name, &quote(text)?))
    }

    fn template(self, name: &str, t: &Template) -> Result<Call, ExportError> {
        Ok(self.raw(name, &word(t)?))
    }

    fn opt_text(self, name: &str, text: Option<&str>) -> Result<Call, ExportError> {
        match text {
            Some(t) => self.text(name, t),
            None => Ok(self),
        }
    }

    fn opt_template(self, name: &str, t: Option<&Template>) -> Result<Call, ExportError> {
        match t {
            Some(t) => self.template(name, t),
            None => Ok(self),
        }
    }

    fn opt_raw(self, name: &str, word: Option<&str>) -> Call {
        match word {
            Some(w) => self.raw(name, w),
            None => self,
        }
    }

    fn opt_number(self, name: &str, n: Option<impl ToString>) -> Call {
        match n {
            Some(n) => self.raw(name, &n.to_string()),
            None => self,
        }
    }

    fn bounds(self, b: &Bounds) -> Result<Call, ExportError> {
        self.opt_number("below", b.below)
            .opt_number("above", b.above)
            .opt_text("equals", b.equals.as_deref())
    }

    /// Ends the options; the rest are positional words.
    fn args(mut self, words: &[String]) -> Call {
        self.line.push_str(" --");
        for w in words {
            self.line.push(' ');
            self.line.push_str(w);
        }
        self
    }

    fn done(self) -> String {
        let mut out = String::new();
        for p in &self.pre {
            out.push_str(p);
            out.push_str("; ");
        }
        out.push_str(&self.line);
        out
    }
}

/// Part of a word: text, or a parameter with the variable prefix and bash function that
/// escape its value for its place.
enum Piece<'a> {
    Text(&'a str),
    Value(&'a str, Option<(&'static str, &'static str)>),
}

fn sql_pieces(sql: &SqlText) -> impl Iterator<Item = Piece<'_>> {
    sql.pieces.iter().map(|p| match p {
        SqlPiece::Text(t) => Piece::Text(t),
        SqlPiece::Hole { param, spot } => Piece::Value(
            param,
            match spot {
                Spot::Literal => Some(("LRB_PE_", "lrb_sql_literal")),
                Spot::Identifier => Some(("LRB_PI_", "lrb_sql_identifier")),
                Spot::LineComment | Spot::BlockComment => None,
            },
        ),
    })
}

fn path_pieces(path: &UrlPath) -> impl Iterator<Item = Piece<'_>> {
    path.template.parts.iter().map(|p| match p {
        Part::Text(text) => Piece::Text(text),
        Part::Param(name) => Piece::Value(name, Some(("LRB_PU_", "lrb_url_encode"))),
    })
}

/// A query's holes, each escaped by the script's twin of [`promql::escape`] for its spot.
fn query_pieces(query: &promql::Query) -> impl Iterator<Item = Piece<'_>> {
    query.pieces.iter().map(|p| match p {
        PromPiece::Text(t) => Piece::Text(t),
        PromPiece::Hole { param, spot } => Piece::Value(
            param,
            Some(match (spot.quote, spot.regex) {
                ('\'', false) => ("LRB_PQS_", "lrb_promql_sq"),
                ('\'', true) => ("LRB_PQSR_", "lrb_promql_sq_re"),
                (_, false) => ("LRB_PQ_", "lrb_promql_dq"),
                (_, true) => ("LRB_PQR_", "lrb_promql_dq_re"),
            }),
        ),
    })
}

fn body_pieces(body: &Body) -> impl Iterator<Item = Piece<'_>> {
    let mut in_string = body.json_in_string.iter();
    body.template.parts.iter().map(move |p| match p {
        Part::Text(text) => Piece::Text(text),
        Part::Param(name) if !body.json => Piece::Value(name, None),
        Part::Param(name) => Piece::Value(
            name,
            Some(if *in_string.next().unwrap_or(&false) {
                ("LRB_PJ_", "lrb_json_string")
            } else {
                ("LRB_PV_", "lrb_json_value")
            }),
        ),
    })
}

/// Milliseconds as the seconds `timeout` and `curl` take (`5.000`); 0 means no limit.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// The bash word for a target's address: a variable set at start, or, for a secret, a
/// `"${NAME:?}"` reference so the value is never copied into the script.
pub fn address(rb: &Runbook, target: &str) -> Result<String, ExportError> {
    let t = rb
        .target(target)
        .ok_or_else(|| ExportError::Plan(format!("the plan has no target `{target}`")))?;
    Ok(match &t.address {
        Address::Secret { name } => format!("\"${{{name}:?}}\""),
        Address::Literal { .. } | Address::Env { .. } => format!("\"${{{}}}\"", target_var(target)),
    })
}

/// The variable holding a target's address.
pub fn target_var(target: &str) -> String {
    format!("LRB_T_{target}")
}

/// The call that runs `action`, with `timeout_ms` as its limit (0: none). It leaves the
/// outcome in `LRB_S`, `LRB_D`, `LRB_V` and `LRB_O`; a manual step returns 1 when skipped.
pub fn call(rb: &Runbook, action: &Action, timeout_ms: u64) -> Result<String, ExportError> {
    Ok(match action {
        Action::Http(a) => http(rb, a, timeout_ms)?,
        Action::Prometheus(a) => prometheus(rb, a, timeout_ms)?,
        Action::Postgres(a) => {
            let c = Call::new("lrb_pg", timeout_ms).raw("url", &address(rb, &a.target)?);
            match &a.op {
                PostgresOp::Connect => c.done(),
                PostgresOp::Query { sql, bounds, .. } => {
                    let mut c = c;
                    let word = c.escaped(sql_pieces(sql))?;
                    c.raw("sql", &word).bounds(bounds)?.done()
                }
            }
        }
        Action::Redis(a) => {
            let c = Call::new("lrb_redis", timeout_ms).raw("url", &address(rb, &a.target)?);
            match &a.op {
                RedisOp::Ping => c.text("expect", "PONG")?.args(&["PING".into()]).done(),
                RedisOp::Info {
                    section,
                    field,
                    bounds,
                } => {
                    let mut argv = vec!["INFO".to_string()];
                    if let Some(s) = section {
                        argv.push(quote(s)?);
                    }
                    c.opt_text("field", field.as_deref())?
                        .bounds(bounds)?
                        .args(&argv)
                        .done()
                }
                RedisOp::Llen { key, bounds } => {
                    c.bounds(bounds)?.args(&["LLEN".into(), word(key)?]).done()
                }
                RedisOp::Command {
                    command, bounds, ..
                } => {
                    let argv = command
                        .words
                        .iter()
                        .map(word)
                        .collect::<Result<Vec<_>, _>>()?;
                    c.bounds(bounds)?.args(&argv).done()
                }
            }
        }
        Action::Docker(a) => {
            let c = Call::new("lrb_docker", timeout_ms).raw("engine", &address(rb, &a.target)?);
            match &a.op {
                DockerOp::Container {
                    name,
                    state,
                    health,
                } => c
                    .text("op", "container")?
                    .opt_text("state", state.map(ContainerState::name))?
                    .opt_text("health", health.map(Health::name))?
                    .args(&[word(name)?])
                    .done(),
                DockerOp::Stats {
                    name,
                    memory_below,
                    cpu_below,
                } => c
                    .text("op", "stats")?
                    .opt_number("memory_below", *memory_below)
                    .opt_number("cpu_below", *cpu_below)
                    .args(&[word(name)?])
                    .done(),
                DockerOp::Logs { name, tail, grep } => c
                    .text("op", "logs")?
                    .opt_number("tail", *tail)
                    .opt_text("grep", grep.as_deref())?
                    .args(&[word(name)?])
                    .done(),
                DockerOp::Images { filter } => c
                    .text("op", "images")?
                    .opt_template("filter", filter.as_ref())?
                    .done(),
                DockerOp::Restart { name, grace_ms } => c
                    .text("op", "restart")?
                    .opt_number("grace", grace_ms.map(|ms| ms.div_ceil(1000)))
                    .args(&[word(name)?])
                    .done(),
                DockerOp::Stop { name, grace_ms } => c
                    .text("op", "stop")?
                    .opt_number("grace", grace_ms.map(|ms| ms.div_ceil(1000)))
                    .args(&[word(name)?])
                    .done(),
                DockerOp::Start { name } => c.text("op", "start")?.args(&[word(name)?]).done(),
                DockerOp::Tag { source, target } => c
                    .text("op", "tag")?
                    .args(&[word(source)?, word(target)?])
                    .done(),
            }
        }
        Action::Compose(a) => {
            let target = rb.target(&a.target).ok_or_else(|| {
                ExportError::Plan(format!("the plan has no target `{}`", a.target))
            })?;
            let c = Call::new("lrb_compose", timeout_ms)
                .raw("file", &address(rb, &a.target)?)
                .opt_text("project", target.project.as_deref())?;
            let service = |s: &Option<Template>| -> Result<Vec<String>, ExportError> {
                s.as_ref().map(word).into_iter().collect()
            };
            match &a.op {
                ComposeOp::Ps { service: s } => c.text("op", "ps")?.args(&service(s)?).done(),
                ComposeOp::Logs {
                    service: s,
                    tail,
                    grep,
                } => c
                    .text("op", "logs")?
                    .opt_number("tail", *tail)
                    .opt_text("grep", grep.as_deref())?
                    .args(&[word(s)?])
                    .done(),
                ComposeOp::Restart { service: s } => {
                    c.text("op", "restart")?.args(&service(s)?).done()
                }
                ComposeOp::Up { service: s, scale } => c
                    .text("op", "up")?
                    .opt_number("scale", *scale)
                    .args(&service(s)?)
                    .done(),
                ComposeOp::Down { volumes } => c
                    .text("op", "down")?
                    .opt_number("volumes", volumes.then_some(1))
                    .done(),
                ComposeOp::Build { service: s } => c.text("op", "build")?.args(&service(s)?).done(),
                ComposeOp::Stop { service: s } => c.text("op", "stop")?.args(&service(s)?).done(),
                ComposeOp::Start { service: s } => c.text("op", "start")?.args(&service(s)?).done(),
            }
        }
        Action::Shell(a) => Call::new("lrb_shell", timeout_ms)
            .raw("dir", &address(rb, &a.target)?)
            .raw("command", &quote(&a.command.line)?)
            .opt_number("exit", (a.exit != 0).then_some(a.exit))
            .opt_template("contains", a.contains.as_ref())?
            .bounds(&a.bounds)?
            .done(),
        Action::Manual(m) => format!("lrb_manual {}", word(&m.text)?),
        Action::Wait(w) => format!("lrb_begin; lrb_sleep_ms {}", w.ms),
    })
}

fn http(rb: &Runbook, a: &HttpAction, timeout_ms: u64) -> Result<String, ExportError> {
    let statuses: Vec<String> = a.status.iter().map(u16::to_string).collect();
    let mut c = Call::new("lrb_http", timeout_ms);
    let path = c.escaped(path_pieces(&a.path))?;
    let body = match &a.body {
        Some(b) => Some(c.escaped(body_pieces(b))?),
        None => None,
    };
    let c = c
        .raw("url", &address(rb, &a.target)?)
        .text("method", a.method.as_str())?
        .raw("path", &path);
    let c = if statuses.is_empty() {
        c
    } else {
        c.text("status", &statuses.join(" "))?
    };
    Ok(c.opt_template("contains", a.contains.as_ref())?
        .opt_text("json", a.json.as_deref())?
        .opt_raw("body", body.as_deref())
        .opt_text("latency_below", a.latency_below_ms.map(seconds).as_deref())?
        .bounds(&a.bounds)?
        .done())
}

fn prometheus(rb: &Runbook, a: &PrometheusAction, timeout_ms: u64) -> Result<String, ExportError> {
    let mut c = Call::new("lrb_prom", timeout_ms);
    let query = c.escaped(query_pieces(&a.query))?;
    let (window, step) = a.range().unzip();
    Ok(c.raw("url", &address(rb, &a.target)?)
        .text("target", &a.target)?
        .raw("query", &query)
        .opt_number("window", window)
        .opt_number("step", step)
        .opt_text("empty", a.empty.name())?
        .opt_text("series", a.series.name())?
        .bounds(&a.bounds)?
        .done())
}

/// The action as the author wrote it, for the operator (`stack.restart "backend"`).
/// Parameters show as `#{name}`: a secret parameter's value never reaches the screen.
pub fn describe(action: &Action) -> String {
    let q = |t: &Template| format!("{:?}", t.source());
    let opt = |t: &Option<Template>| t.as_ref().map(|t| format!(" {}", q(t))).unwrap_or_default();
    match action {
        Action::Http(a) => format!(
            "{}.{} {}",
            a.target,
            a.method.as_str().to_lowercase(),
            q(&a.path.template)
        ),
        Action::Postgres(a) => match &a.op {
            PostgresOp::Connect => format!("{}.connect", a.target),
            PostgresOp::Query { sql, .. } => format!("{}.query {}", a.target, q(&sql.template)),
        },
        Action::Redis(a) => match &a.op {
            RedisOp::Ping => format!("{}.ping", a.target),
            RedisOp::Info { section, .. } => format!(
                "{}.info{}",
                a.target,
                section
                    .as_ref()
                    .map(|s| format!(" {s:?}"))
                    .unwrap_or_default()
            ),
            RedisOp::Llen { key, .. } => format!("{}.llen {}", a.target, q(key)),
            RedisOp::Command { command, .. } => {
                format!("{}.command {}", a.target, q(&command.template))
            }
        },
        Action::Docker(a) => match &a.op {
            DockerOp::Container { name, .. } => format!("{}.container {}", a.target, q(name)),
            DockerOp::Stats { name, .. } => format!("{}.stats {}", a.target, q(name)),
            DockerOp::Logs { name, .. } => format!("{}.logs {}", a.target, q(name)),
            DockerOp::Images { filter } => format!("{}.images{}", a.target, opt(filter)),
            DockerOp::Restart { name, .. } => format!("{}.restart {}", a.target, q(name)),
            DockerOp::Start { name } => format!("{}.start {}", a.target, q(name)),
            DockerOp::Stop { name, .. } => format!("{}.stop {}", a.target, q(name)),
            DockerOp::Tag { source, target } => {
                format!("{}.tag {}, {}", a.target, q(source), q(target))
            }
        },
        Action::Compose(a) => match &a.op {
            ComposeOp::Ps { service } => format!("{}.ps{}", a.target, opt(service)),
            ComposeOp::Logs { service, .. } => format!("{}.logs {}", a.target, q(service)),
            ComposeOp::Restart { service } => format!("{}.restart{}", a.target, opt(service)),
            ComposeOp::Up { service, .. } => format!("{}.up{}", a.target, opt(service)),
            ComposeOp::Down { volumes } => format!(
                "{}.down{}",
                a.target,
                if *volumes { " volumes: true" } else { "" }
            ),
            ComposeOp::Build { service } => format!("{}.build{}", a.target, opt(service)),
            ComposeOp::Stop { service } => format!("{}.stop{}", a.target, opt(service)),
            ComposeOp::Start { service } => format!("{}.start{}", a.target, opt(service)),
        },
        Action::Shell(a) => format!("{}.run {}", a.target, q(&a.command.template)),
        Action::Prometheus(a) => format!("{}.query {}", a.target, q(&a.query.template)),
        Action::Manual(m) => format!("step {}", q(&m.text)),
        Action::Wait(w) => format!("wait {}", Duration::from_ms(w.ms)),
    }
}
