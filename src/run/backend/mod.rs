//! Backends: the only code in lrb that does network or process I/O.
//!
//! [`execute`] runs one [`Action`] against the real system and always returns an [`Outcome`]:
//! it never panics and never outlives its timeout. A backend that is down, refuses or hangs
//! gives [`Status::Error`]; one that answers but misses an expectation gives
//! [`Status::Failed`]. Every `detail` and `output` is masked before it leaves this module.
//!
//! `wait` sleeps here (its length is its own timeout); `step` needs an operator, so the engine
//! prompts for it and `execute` refuses it.

mod compose;
mod docker;
mod http;
mod postgres;
mod prometheus;
mod redis;
mod shell;

use super::mask::{mask, secrets};
use super::{Outcome, Resolved, ResolvedTarget, Status, Value};
use crate::action::catalogue::TargetKind;
use crate::action::{Action, Bounds, Template};
use std::time::{Duration, Instant};

/// Most bytes of output (logs, stdout, bodies) an outcome carries; the tail is kept.
const MAX_OUTPUT_BYTES: usize = 64 * 1024;
/// Most lines of logs an outcome carries.
const MAX_OUTPUT_LINES: usize = 200;

/// Runs one action against its target within `timeout`.
pub async fn execute(action: &Action, resolved: &Resolved, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let ctx = Ctx { resolved, timeout };
    let finding = match action {
        Action::Wait(w) => {
            let length = Duration::from_millis(w.ms);
            tokio::time::sleep(length).await;
            Ok(Finding::passed(format!("waited {}", human(length))))
        }
        Action::Manual(step) => Err(format!(
            "`step \"{}\"` needs an operator: the engine asks for it, a backend cannot run it",
            step.text
        )),
        Action::Http(_)
        | Action::Postgres(_)
        | Action::Redis(_)
        | Action::Docker(_)
        | Action::Compose(_)
        | Action::Shell(_)
        | Action::Prometheus(_) => {
            match tokio::time::timeout(timeout, dispatch(action, &ctx)).await {
                Ok(found) => found,
                Err(_) => Err(timed_out(action, timeout)),
            }
        }
    };
    let finding = finding.unwrap_or_else(Finding::error);
    let secrets = secrets(resolved);
    Outcome {
        status: finding.status,
        // A value can be command output, so it is masked too.
        value: finding.value.map(|v| match v {
            Value::Text(t) => Value::Text(mask(&t, &secrets)),
            other => other,
        }),
        detail: mask(&finding.detail, &secrets),
        output: finding.output.map(|o| mask(&o, &secrets)),
        duration: started.elapsed(),
    }
}

async fn dispatch(action: &Action, ctx: &Ctx<'_>) -> Probe {
    match action {
        Action::Http(a) => http::run(a, ctx).await,
        Action::Postgres(a) => postgres::run(a, ctx).await,
        Action::Redis(a) => redis::run(a, ctx).await,
        Action::Docker(a) => docker::run(a, ctx).await,
        Action::Compose(a) => compose::run(a, ctx).await,
        Action::Shell(a) => shell::run(a, ctx).await,
        Action::Prometheus(a) => prometheus::run(a, ctx).await,
        Action::Manual(_) | Action::Wait(_) => {
            Err("`step` and `wait` are run by the engine, not by a backend".into())
        }
    }
}

/// The message when an action's time ran out; says what was abandoned.
fn timed_out(action: &Action, timeout: Duration) -> String {
    let after = human(timeout);
    let silent = |service: &str, target: &str| {
        format!("{service} `{target}` gave no answer within {after} (timed out)")
    };
    match action {
        Action::Http(a) => format!(
            "{} {} on `{}`: no answer within {after} (timed out)",
            a.method.as_str(),
            a.path.template,
            a.target
        ),
        Action::Shell(a) => format!(
            "`{}` did not finish within {after}: killed it and every process it started",
            a.command.template
        ),
        Action::Compose(a) => format!(
            "compose on `{}` did not finish within {after}: stopped waiting and killed the compose command if one ran",
            a.target
        ),
        Action::Postgres(a) => silent("PostgreSQL", &a.target),
        Action::Redis(a) => silent("Redis", &a.target),
        Action::Docker(a) => silent("the Docker engine", &a.target),
        Action::Prometheus(a) => silent("Prometheus", &a.target),
        Action::Manual(_) | Action::Wait(_) => format!("the step did not end within {after}"),
    }
}

/// What a backend found, before masking and timing.
#[derive(Debug)]
struct Finding {
    status: Status,
    value: Option<Value>,
    detail: String,
    output: Option<String>,
}

/// `Err` is a detail for [`Status::Error`]: the action could not run.
type Probe = Result<Finding, String>;

impl Finding {
    fn passed(detail: impl Into<String>) -> Self {
        Finding {
            status: Status::Passed,
            value: None,
            detail: detail.into(),
            output: None,
        }
    }

    fn failed(detail: impl Into<String>) -> Self {
        Finding {
            status: Status::Failed,
            ..Finding::passed(detail)
        }
    }

    fn error(detail: impl Into<String>) -> Self {
        Finding {
            status: Status::Error,
            ..Finding::passed(detail)
        }
    }

    /// Passed when `problem` is `None`, failed with it otherwise.
    fn judged(problem: Option<String>, ok: impl Into<String>) -> Self {
        match problem {
            None => Finding::passed(ok),
            Some(problem) => Finding::failed(problem),
        }
    }

    fn value(mut self, value: Option<Value>) -> Self {
        self.value = value;
        self
    }

    fn output(mut self, output: impl Into<String>) -> Self {
        let output = output.into();
        self.output = (!output.is_empty()).then(|| bounded(&output));
        self
    }
}

/// What every backend needs: the resolved targets and parameters, and the time allowed.
struct Ctx<'a> {
    resolved: &'a Resolved,
    timeout: Duration,
}

impl Ctx<'_> {
    /// The target named by an action, checked to be of the kind the action needs.
    fn target(&self, name: &str, kind: TargetKind) -> Result<&ResolvedTarget, String> {
        let target = self.resolved.targets.get(name).ok_or_else(|| {
            format!("target `{name}` has no address: declare it with `target :{name}, ...`")
        })?;
        if target.kind != kind {
            return Err(format!(
                "target `{name}` is a `{}` target, not `{}`",
                target.kind.name(),
                kind.name()
            ));
        }
        Ok(target)
    }

    /// Fails unless every parameter `template` interpolates has a value.
    fn need(&self, template: &Template) -> Result<(), String> {
        match template
            .params()
            .find(|p| !self.resolved.params.contains_key(*p))
        {
            Some(missing) => Err(format!(
                "parameter `{missing}` has no value: pass `--set {missing}=...` or give it a default"
            )),
            None => Ok(()),
        }
    }

    /// A parameter's value (empty when it has none: call [`Ctx::need`] first).
    fn value(&self, name: &str) -> String {
        self.resolved.params.get(name).cloned().unwrap_or_default()
    }

    /// The template with every `#{param}` filled from the run's parameters, as plain text:
    /// for values that are data to the backend already (a key, a name, text to look for).
    fn render(&self, template: &Template) -> Result<String, String> {
        self.need(template)?;
        Ok(template.render(|name| self.value(name)))
    }
}

/// A scalar from text: a number when it parses as a finite one, text otherwise.
fn scalar(text: &str) -> Value {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => Value::Number(n),
        _ => Value::Text(text.to_string()),
    }
}

/// A value as a person reads it: `200`, `0.1`, `v1.0.0`, `true`.
pub(crate) fn show(value: &Value) -> String {
    match value {
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => format!("{n}"),
        Value::Text(t) => t.clone(),
        Value::Bool(b) => b.to_string(),
    }
}

/// Why the value misses its bounds, or `None` when it meets them (or there are none).
pub(crate) fn check_bounds(value: Option<&Value>, bounds: &Bounds) -> Option<String> {
    if bounds.is_empty() {
        return None;
    }
    let Some(value) = value else {
        return Some("no value to compare with the bounds".into());
    };
    let shown = show(value);
    if let Some(expected) = &bounds.equals
        && shown != *expected
    {
        return Some(format!("value is `{shown}`, expected `{expected}`"));
    }
    if bounds.below.is_none() && bounds.above.is_none() {
        return None;
    }
    let number = match value {
        Value::Number(n) => *n,
        Value::Text(t) => match scalar(t) {
            Value::Number(n) => n,
            _ => return Some(format!("value `{shown}` is not a number")),
        },
        Value::Bool(_) => return Some(format!("value `{shown}` is not a number")),
    };
    if let Some(below) = bounds.below
        && number >= below
    {
        return Some(format!(
            "value {shown} is not below {}",
            show(&Value::Number(below))
        ));
    }
    if let Some(above) = bounds.above
        && number <= above
    {
        return Some(format!(
            "value {shown} is not above {}",
            show(&Value::Number(above))
        ));
    }
    None
}

/// A measured or remaining time as a person reads it: `250ms`, `2s`, `1.5s`.
fn human(d: Duration) -> String {
    crate::duration::Duration::from(d).rounded().to_string()
}

/// The last [`MAX_OUTPUT_LINES`] lines and [`MAX_OUTPUT_BYTES`] bytes of `text`, saying how much
/// was dropped.
fn bounded(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let skipped_lines = lines.len().saturating_sub(MAX_OUTPUT_LINES);
    let kept = lines[skipped_lines..].join("\n");
    let mut cut = kept.len().saturating_sub(MAX_OUTPUT_BYTES);
    while !kept.is_char_boundary(cut) {
        cut += 1;
    }
    if skipped_lines == 0 && cut == 0 {
        return kept;
    }
    format!(
        "[{skipped_lines} earlier lines and {cut} bytes left out]\n{}",
        &kept[cut..]
    )
}

/// The innermost cause of an error: "Connection refused (os error 111)" rather than a chain
/// of wrappers.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_compare_numbers_and_text() {
        let below = Bounds {
            below: Some(80.0),
            ..Bounds::default()
        };
        assert_eq!(check_bounds(Some(&Value::Number(12.0)), &below), None);
        assert_eq!(
            check_bounds(Some(&Value::Number(93.5)), &below).as_deref(),
            Some("value 93.5 is not below 80")
        );
        assert_eq!(check_bounds(Some(&Value::Text("7".into())), &below), None);
        let equals = Bounds {
            equals: Some("1".into()),
            ..Bounds::default()
        };
        assert_eq!(check_bounds(Some(&Value::Number(1.0)), &equals), None);
        assert_eq!(
            check_bounds(None, &equals).as_deref(),
            Some("no value to compare with the bounds")
        );
    }

    #[test]
    fn bounded_keeps_the_tail() {
        let text: String = (0..300).map(|i| format!("line {i}\n")).collect();
        let out = bounded(&text);
        assert!(out.starts_with("[100 earlier lines and 0 bytes left out]\nline 100\n"));
        assert!(out.ends_with("line 299"));
        assert_eq!(bounded("a\nb"), "a\nb");
    }
}
