//! What a probe makes of a value: the status a real probe would give, had the system answered
//! with it. A scenario that gives only a value (`given :memory, value: 95%`) is judged by the
//! same expectation the probe states (`below: 90%`, `status: 200`, `state: :running`).

use crate::action::{Action, DockerOp, PostgresOp, RedisOp};
use crate::run::backend::check_bounds;
use crate::run::{Status, Value};

/// The status the probe gives when its value is `value`. An expectation that does not read
/// the value (a `contains:`, an exit code) is taken as met.
pub fn judge(action: &Action, value: &Value) -> Status {
    let met = match action {
        Action::Http(a) => {
            let bounds = check_bounds(Some(value), &a.bounds).is_none();
            match (&a.json, value) {
                (Some(_), _) => bounds,
                (None, Value::Number(code)) if a.status.is_empty() => (200.0..300.0).contains(code),
                (None, Value::Number(code)) => a.status.iter().any(|s| f64::from(*s) == *code),
                (None, Value::Text(_) | Value::Bool(_)) => false,
            }
        }
        Action::Postgres(a) => match &a.op {
            PostgresOp::Connect => true,
            PostgresOp::Query { bounds, .. } => check_bounds(Some(value), bounds).is_none(),
        },
        Action::Redis(a) => match &a.op {
            RedisOp::Ping => true,
            RedisOp::Info { bounds, .. }
            | RedisOp::Llen { bounds, .. }
            | RedisOp::Command { bounds, .. } => check_bounds(Some(value), bounds).is_none(),
        },
        Action::Docker(a) => match &a.op {
            DockerOp::Container { state, .. } => match (state, value) {
                (Some(state), Value::Text(seen)) => seen == state.name(),
                (Some(_), Value::Number(_) | Value::Bool(_)) => false,
                (None, _) => true,
            },
            DockerOp::Stats { memory_below, .. } => match (memory_below, value) {
                (Some(bound), Value::Number(seen)) => seen < bound,
                (Some(_), Value::Text(_) | Value::Bool(_)) => false,
                (None, _) => true,
            },
            DockerOp::Logs { .. }
            | DockerOp::Images { .. }
            | DockerOp::Restart { .. }
            | DockerOp::Start { .. }
            | DockerOp::Stop { .. }
            | DockerOp::Tag { .. } => true,
        },
        Action::Shell(a) => check_bounds(Some(value), &a.bounds).is_none(),
        Action::Prometheus(a) => check_bounds(Some(value), &a.bounds).is_none(),
        Action::Compose(_) | Action::Manual(_) | Action::Wait(_) => true,
    };
    if met { Status::Passed } else { Status::Failed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_probe(source: &str) -> Action {
        let rb = crate::run::resolve::runbook(source);
        rb.checks[0].probes[0].action.clone()
    }

    #[test]
    fn a_value_is_judged_by_the_probes_own_expectation() {
        let http = first_probe(
            "target :api, http: \"http://x\"\nrunbook :r do\n  check :a do\n    api.get \"/\", status: 200\n  end\nend\n",
        );
        assert_eq!(judge(&http, &Value::Number(200.0)), Status::Passed);
        assert_eq!(judge(&http, &Value::Number(503.0)), Status::Failed);
        let stats = first_probe(
            "target :docker, docker: \"unix:///var/run/docker.sock\"\nrunbook :r do\n  check :a do\n    docker.stats \"backend\", memory_below: 90%\n  end\nend\n",
        );
        assert_eq!(judge(&stats, &Value::Number(42.0)), Status::Passed);
        assert_eq!(judge(&stats, &Value::Number(95.0)), Status::Failed);
        let queue = first_probe(
            "target :q, redis: \"redis://x\"\nrunbook :r do\n  check :a do\n    q.llen \"jobs\", below: 1000\n  end\nend\n",
        );
        assert_eq!(judge(&queue, &Value::Number(5000.0)), Status::Failed);
    }
}
