//! The backends against the real test lab (`scripts/lab.sh up`): for each, success, failure,
//! an unreachable address and one that accepts but never answers.
//!
//! Tests that stop lab containers are grouped in one test, which holds the lab lock
//! exclusively and restores what it stops; tests of the lab's containers and of its web server
//! (which other tests fault) hold it shared.

use crate::lab;
use lrb::action::catalogue::TargetKind;
use lrb::action::*;
use lrb::run::backend::execute;
use lrb::run::{Outcome, Resolved, ResolvedTarget, Status, Value};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
/// The timeout of the "never answers" tests.
const SHORT: Duration = Duration::from_millis(500);

fn resolved(targets: &[(&str, TargetKind, &str)]) -> Resolved {
    Resolved {
        targets: targets
            .iter()
            .map(|(name, kind, address)| {
                let target = ResolvedTarget {
                    name: name.to_string(),
                    kind: *kind,
                    address: address.to_string(),
                    timeout: None,
                    project: None,
                };
                (name.to_string(), target)
            })
            .collect(),
        ..Resolved::default()
    }
}

/// A port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A port that accepts connections and never says a word.
async fn silent_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    port
}

/// Runs the action, and checks it came back (no hang) well within its timeout.
async fn run(action: &Action, resolved: &Resolved, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let outcome = execute(action, resolved, timeout).await;
    assert!(
        started.elapsed() < timeout * 5,
        "took {:?} with a timeout of {timeout:?}: {outcome:?}",
        started.elapsed()
    );
    outcome
}

fn below(limit: f64) -> Bounds {
    Bounds {
        below: Some(limit),
        ..Bounds::default()
    }
}

fn equals(text: &str) -> Bounds {
    Bounds {
        equals: Some(text.into()),
        ..Bounds::default()
    }
}

fn assert_status(outcome: &Outcome, status: Status) {
    assert_eq!(outcome.status, status, "{outcome:?}");
}

// ---------------------------------------------------------------------------------- http --

fn get(path: &str) -> HttpAction {
    HttpAction {
        target: "api".into(),
        method: HttpMethod::Get,
        path: lrb::fill::http::path(&Template::literal(path)),
        status: vec![],
        contains: None,
        json: None,
        bounds: Bounds::default(),
        latency_below_ms: None,
        body: None,
        timeout_ms: None,
    }
}

fn api(address: &str) -> Resolved {
    resolved(&[("api", TargetKind::Http, address)])
}

#[tokio::test]
async fn http_checks_status_body_and_json() {
    let _lab = lab::Lock::shared();
    let lab = api(&lab::var("LRB_LAB_HTTP_URL"));
    let live = Action::Http(HttpAction {
        status: vec![200],
        contains: Some(Template::literal("live")),
        latency_below_ms: Some(5_000),
        ..get("/health/live")
    });
    let outcome = run(&live, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Number(200.0)));
    assert!(outcome.detail == "GET /health/live: 200", "{outcome:?}");

    let version = Action::Http(HttpAction {
        json: Some("/version".into()),
        bounds: equals("v1.0.0"),
        ..get("/health/details")
    });
    let outcome = run(&version, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Text("v1.0.0".into())));

    let error_rate = |limit| {
        Action::Http(HttpAction {
            json: Some("/error_rate".into()),
            bounds: below(limit),
            ..get("/api/v1/system-metrics/platform")
        })
    };
    let outcome = run(&error_rate(5.0), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Number(0.1)));
    let outcome = run(&error_rate(0.05), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome.detail.contains("value 0.1 is not below 0.05"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn http_fails_on_wrong_status_content_or_pointer() {
    let _lab = lab::Lock::shared();
    let lab = api(&lab::var("LRB_LAB_HTTP_URL"));
    let missing = Action::Http(HttpAction {
        status: vec![200],
        ..get("/health/nope")
    });
    let outcome = run(&missing, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome.detail == "GET /health/nope: expected status 200, got 404",
        "{outcome:?}"
    );
    assert_eq!(outcome.value, Some(Value::Number(404.0)));

    let wrong_text = Action::Http(HttpAction {
        contains: Some(Template::literal("dead")),
        ..get("/health/live")
    });
    let outcome = run(&wrong_text, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome.detail.contains("body does not contain `dead`"),
        "{outcome:?}"
    );

    let not_json = Action::Http(HttpAction {
        json: Some("/version".into()),
        ..get("/health/live")
    });
    let outcome = run(&not_json, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(outcome.detail.contains("body is not JSON"), "{outcome:?}");
}

#[tokio::test]
async fn http_unreachable_and_silent_are_errors() {
    let refused = api(&format!("http://127.0.0.1:{}", closed_port()));
    let outcome = run(&Action::Http(get("/health/live")), &refused, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("cannot connect"), "{outcome:?}");

    let silent = api(&format!("http://127.0.0.1:{}", silent_port().await));
    let outcome = run(&Action::Http(get("/health/live")), &silent, SHORT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("timed out"), "{outcome:?}");
}

// ------------------------------------------------------------------------------ postgres --

fn pg(op: PostgresOp) -> Action {
    Action::Postgres(PostgresAction {
        target: "db".into(),
        op,
        timeout_ms: None,
    })
}

fn query(sql: &str, bounds: Bounds) -> Action {
    pg(PostgresOp::Query {
        sql: lrb::fill::sql::analyze(&Template::literal(sql)).unwrap(),
        effect: RawEffect::Unclassified {
            declared: Some(lrb::effect::Effect::Read),
        },
        bounds,
    })
}

fn db(address: &str) -> Resolved {
    resolved(&[("db", TargetKind::Postgres, address)])
}

#[tokio::test]
async fn postgres_connects_and_queries() {
    let lab = db(&lab::var("LRB_LAB_PG_URL"));
    let outcome = run(&pg(PostgresOp::Connect), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);

    let count = query("SELECT count(*) FROM pg_stat_activity", below(10_000.0));
    let outcome = run(&count, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert!(
        matches!(outcome.value, Some(Value::Number(n)) if n >= 1.0),
        "{outcome:?}"
    );

    let one = query("SELECT 1", equals("1"));
    assert_status(&run(&one, &lab, TIMEOUT).await, Status::Passed);

    let text = query("SELECT current_user, 2 AS two", Bounds::default());
    let outcome = run(&text, &lab, TIMEOUT).await;
    assert_eq!(outcome.value, Some(Value::Text("lrb".into())));
    assert_eq!(outcome.output.as_deref(), Some("current_user\ttwo\nlrb\t2"));

    // No statement returns rows: the value is the rows affected.
    let write = query(
        "CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1), (2), (3)",
        Bounds::default(),
    );
    let outcome = run(&write, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Number(3.0)));
}

#[tokio::test]
async fn postgres_fails_on_bounds_and_errors_on_bad_sql() {
    let lab = db(&lab::var("LRB_LAB_PG_URL"));
    let over = query("SELECT 42", below(10.0));
    let outcome = run(&over, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome.detail.contains("value 42 is not below 10"),
        "{outcome:?}"
    );

    let bad = query("SELEC 1", Bounds::default());
    let outcome = run(&bad, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("syntax error"), "{outcome:?}");

    let slow = query("SELECT pg_sleep(30)", Bounds::default());
    let outcome = run(&slow, &lab, Duration::from_secs(2)).await;
    assert_status(&outcome, Status::Error);
    // The server cancelled it (`statement_timeout`), rather than it running on after we left.
    assert!(outcome.detail.contains("was cancelled"), "{outcome:?}");
}

#[tokio::test]
async fn postgres_wrong_password_is_masked() {
    let url = lab::var("LRB_LAB_PG_URL").replace("lrb-secret-pw", "wrong-pw-4711");
    let outcome = run(&pg(PostgresOp::Connect), &db(&url), TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(
        outcome.detail.contains("password authentication failed"),
        "{outcome:?}"
    );
    assert!(!outcome.detail.contains("wrong-pw-4711"), "{outcome:?}");
}

#[tokio::test]
async fn postgres_unreachable_and_silent_are_errors() {
    let refused = db(&format!(
        "postgres://lrb:pw@127.0.0.1:{}/lineup",
        closed_port()
    ));
    let outcome = run(&pg(PostgresOp::Connect), &refused, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("cannot connect"), "{outcome:?}");
    assert!(!outcome.detail.contains(":pw@"), "{outcome:?}");

    let silent = db(&format!(
        "postgres://lrb:pw@127.0.0.1:{}/lineup",
        silent_port().await
    ));
    let outcome = run(&pg(PostgresOp::Connect), &silent, SHORT).await;
    assert_status(&outcome, Status::Error);
}

// --------------------------------------------------------------------------------- redis --

fn redis(op: RedisOp) -> Action {
    Action::Redis(RedisAction {
        target: "queue".into(),
        op,
        timeout_ms: None,
    })
}

fn command(line: &str) -> Action {
    redis(RedisOp::Command {
        command: lrb::fill::redis::analyze(&Template::literal(line)).unwrap(),
        effect: RawEffect::Unclassified {
            declared: Some(lrb::effect::Effect::Write),
        },
        bounds: Bounds::default(),
    })
}

fn queue(address: &str) -> Resolved {
    resolved(&[("queue", TargetKind::Redis, address)])
}

#[tokio::test]
async fn redis_ping_info_llen_and_commands() {
    let lab = queue(&lab::var("LRB_LAB_REDIS_URL"));
    let outcome = run(&redis(RedisOp::Ping), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Text("PONG".into())));

    let info = redis(RedisOp::Info {
        section: Some("server".into()),
        field: Some("tcp_port".into()),
        bounds: Bounds::default(),
    });
    let outcome = run(&info, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Number(56379.0)));

    let key = format!("lrb-test-backends-{}", std::process::id());
    run(&command(&format!("DEL {key}")), &lab, TIMEOUT).await;
    let pushed = run(&command(&format!("RPUSH {key} a 'b c'")), &lab, TIMEOUT).await;
    assert_eq!(pushed.value, Some(Value::Number(2.0)));
    let listed = run(&command(&format!("LRANGE {key} 0 -1")), &lab, TIMEOUT).await;
    assert_eq!(listed.value, Some(Value::Text("a\nb c".into())));

    let llen = |limit| {
        redis(RedisOp::Llen {
            key: Template::literal(key.clone()),
            bounds: below(limit),
        })
    };
    let outcome = run(&llen(100.0), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Number(2.0)));
    let outcome = run(&llen(1.0), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome.detail.contains("value 2 is not below 1"),
        "{outcome:?}"
    );

    run(&command(&format!("DEL {key}")), &lab, TIMEOUT).await;
    let outcome = run(&command(&format!("GET {key}")), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, None);
}

#[tokio::test]
async fn redis_missing_field_fails_and_bad_command_errors() {
    let lab = queue(&lab::var("LRB_LAB_REDIS_URL"));
    let info = redis(RedisOp::Info {
        section: Some("server".into()),
        field: Some("no_such_field".into()),
        bounds: Bounds::default(),
    });
    assert_status(&run(&info, &lab, TIMEOUT).await, Status::Failed);

    let outcome = run(&command("NOSUCHCOMMAND x"), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("unknown command"), "{outcome:?}");

    // Unbalanced quotes are one word, which Redis does not know.
    let outcome = run(&command("GET 'unclosed"), &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("unknown command"), "{outcome:?}");
}

#[tokio::test]
async fn redis_password_url_works_and_wrong_password_is_masked() {
    let url = lab::var("LRB_LAB_REDIS_AUTH_URL");
    let password = lab::var("LRB_LAB_REDIS_AUTH_PASSWORD");
    assert!(
        url.contains(&format!(":{password}@")),
        "expected a `redis://:pw@` URL: {url}"
    );
    assert_status(
        &run(&redis(RedisOp::Ping), &queue(&url), TIMEOUT).await,
        Status::Passed,
    );

    let wrong = url.replace(&password, "wrong-redis-pw-4711");
    let outcome = run(&redis(RedisOp::Ping), &queue(&wrong), TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(
        !outcome.detail.contains("wrong-redis-pw-4711"),
        "{outcome:?}"
    );
    assert!(outcome.detail.contains("password"), "{outcome:?}");
}

#[tokio::test]
async fn redis_unreachable_and_silent_are_errors() {
    let refused = queue(&format!("redis://127.0.0.1:{}", closed_port()));
    let outcome = run(&redis(RedisOp::Ping), &refused, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("cannot connect"), "{outcome:?}");

    let silent = queue(&format!("redis://127.0.0.1:{}", silent_port().await));
    assert_status(
        &run(&redis(RedisOp::Ping), &silent, SHORT).await,
        Status::Error,
    );
}

// -------------------------------------------------------------------------------- docker --

fn docker(op: DockerOp) -> Action {
    Action::Docker(DockerAction {
        target: "docker".into(),
        op,
        timeout_ms: None,
    })
}

fn engine(address: &str) -> Resolved {
    resolved(&[("docker", TargetKind::Docker, address)])
}

fn container(name: &str, state: Option<ContainerState>, health: Option<Health>) -> Action {
    docker(DockerOp::Container {
        name: Template::literal(name),
        state,
        health,
    })
}

/// Waits until no test is stopping lab containers (the lab lock, shared), then checks they
/// run; fails loudly when they are missing rather than testing nothing. Hold the guard for the
/// whole test.
async fn lab_containers() -> lab::Lock {
    let guard = lab::Lock::shared();
    let local = engine("local");
    for name in ["backend", "worker"] {
        let outcome = run(&container(name, None, None), &local, TIMEOUT).await;
        assert_eq!(
            outcome.status,
            Status::Passed,
            "lab container `{name}` is not running ({}): run `scripts/lab.sh up`",
            outcome.detail
        );
    }
    guard
}

#[tokio::test]
async fn docker_inspects_containers_stats_logs_and_images() {
    let _running = lab_containers().await;
    let local = engine("local");
    let healthy = container(
        "backend",
        Some(ContainerState::Running),
        Some(Health::Healthy),
    );
    let outcome = run(&healthy, &local, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Text("running".into())));
    assert_eq!(outcome.detail, "container `backend` is running (healthy)");

    let exited = container("backend", Some(ContainerState::Exited), None);
    let outcome = run(&exited, &local, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(outcome.detail.ends_with("expected exited"), "{outcome:?}");

    let outcome = run(
        &container("lrb-no-such-container", None, None),
        &local,
        TIMEOUT,
    )
    .await;
    assert_status(&outcome, Status::Failed);
    assert_eq!(outcome.detail, "no container named `lrb-no-such-container`");

    let stats = |memory_below, cpu_below| {
        docker(DockerOp::Stats {
            name: Template::literal("backend"),
            memory_below,
            cpu_below,
        })
    };
    let outcome = run(&stats(Some(100.0), Some(100.0)), &local, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert!(
        matches!(outcome.value, Some(Value::Number(m)) if m > 0.0 && m < 100.0),
        "{outcome:?}"
    );
    let outcome = run(&stats(Some(0.000_001), None), &local, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);

    let logs = docker(DockerOp::Logs {
        name: Template::literal("worker"),
        tail: Some(5),
        grep: Some("TICK".into()),
    });
    let outcome = run(&logs, &local, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    let output = outcome.output.expect("the worker logs a tick every 5s");
    assert!(
        !output.is_empty() && output.lines().count() <= 5,
        "{output}"
    );
    assert!(
        output.lines().all(|l| l.contains("worker tick")),
        "{output}"
    );

    let images = docker(DockerOp::Images {
        filter: Some(Template::literal("lineup-backend")),
    });
    let outcome = run(&images, &local, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert!(
        matches!(outcome.value, Some(Value::Number(n)) if n >= 2.0),
        "{outcome:?}"
    );
    let output = outcome.output.unwrap();
    assert!(output.contains("lineup-backend:latest"), "{output}");
    assert!(
        output.contains("lineup-backend:previous-version"),
        "{output}"
    );
}

#[tokio::test]
async fn docker_tags_images() {
    let local = engine("local");
    let tag = format!("lrb-test-{}", std::process::id());
    let action = docker(DockerOp::Tag {
        source: Template::literal("lineup-backend:previous-version"),
        target: Template::literal(format!("lineup-backend:{tag}")),
    });
    let outcome = run(&action, &local, TIMEOUT).await;
    let listed = run(
        &docker(DockerOp::Images {
            filter: Some(Template::literal(format!(":{tag}"))),
        }),
        &local,
        TIMEOUT,
    )
    .await;
    // Remove the tag (only the tag: the image keeps its other names).
    let removed = std::process::Command::new("docker")
        .args(["rmi", &format!("lineup-backend:{tag}")])
        .output()
        .unwrap();
    assert_status(&outcome, Status::Passed);
    assert_eq!(listed.value, Some(Value::Number(1.0)), "{listed:?}");
    assert!(removed.status.success(), "{removed:?}");

    let missing = docker(DockerOp::Tag {
        source: Template::literal("lrb-no-such-image:nope"),
        target: Template::literal("lrb-no-such-image:other"),
    });
    let outcome = run(&missing, &local, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome
            .detail
            .starts_with("no image `lrb-no-such-image:nope`"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn docker_unreachable_and_silent_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = engine(&format!("unix://{}/missing.sock", dir.path().display()));
    let outcome = run(&container("backend", None, None), &missing, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("is Docker running"), "{outcome:?}");

    let path = dir.path().join("silent.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let silent = engine(&format!("unix://{}", path.display()));
    let outcome = run(&container("backend", None, None), &silent, SHORT).await;
    assert_status(&outcome, Status::Error);
}

// ---------------------------------------------------------------- worker lifecycle (serial) --

fn stack(op: ComposeOp, file: &str, project: &str) -> (Action, Resolved) {
    let mut resolved = resolved(&[("stack", TargetKind::Compose, file)]);
    resolved.targets.get_mut("stack").unwrap().project = Some(project.to_string());
    let action = Action::Compose(ComposeAction {
        target: "stack".into(),
        op,
        timeout_ms: None,
    });
    (action, resolved)
}

fn worker() -> Option<Template> {
    Some(Template::literal("worker"))
}

/// Stops and starts the lab's `worker` through Docker and through compose, in one test so that
/// nothing else sees it stopped; it is running again at the end, whatever happened.
#[tokio::test]
async fn worker_lifecycle_through_docker_and_compose() {
    drop(lab_containers().await);
    let _stopping = lab::Lock::exclusive();
    let result = tokio::spawn(worker_lifecycle()).await;
    let restore = std::process::Command::new("docker")
        .args(["start", "worker"])
        .output()
        .unwrap();
    assert!(
        restore.status.success(),
        "could not restart `worker`: {restore:?}"
    );
    if let Err(panic) = result {
        std::panic::resume_unwind(panic.into_panic());
    }
}

async fn worker_lifecycle() {
    let local = engine("local");
    let file = lab::var("LRB_LAB_COMPOSE_FILE");
    let project = lab::var("LRB_LAB_COMPOSE_PROJECT");
    let name = || Template::literal("worker");

    let stop = docker(DockerOp::Stop {
        name: name(),
        grace_ms: Some(1_000),
    });
    let outcome = run(&stop, &local, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.detail, "stopped container `worker` (grace 1s)");
    let outcome = run(&container("worker", None, None), &local, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert_eq!(outcome.value, Some(Value::Text("exited".into())));
    assert_status(&run(&stop, &local, TIMEOUT).await, Status::Passed);

    let (ps, lab) = stack(ComposeOp::Ps { service: worker() }, &file, &project);
    let outcome = run(&ps, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome.detail.contains("`worker` (worker) is exited"),
        "{outcome:?}"
    );

    let (start, lab) = stack(ComposeOp::Start { service: worker() }, &file, &project);
    assert_status(&run(&start, &lab, TIMEOUT).await, Status::Passed);
    let outcome = run(&ps, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(
        outcome.detail,
        format!("1 of 1 containers of service `worker` of project `{project}` running")
    );

    let (stop, lab) = stack(ComposeOp::Stop { service: worker() }, &file, &project);
    assert_status(&run(&stop, &lab, TIMEOUT).await, Status::Passed);
    let start = docker(DockerOp::Start { name: name() });
    assert_status(&run(&start, &local, TIMEOUT).await, Status::Passed);

    let restart = docker(DockerOp::Restart {
        name: name(),
        grace_ms: None,
    });
    assert_status(&run(&restart, &local, TIMEOUT).await, Status::Passed);
    let (restart, lab) = stack(ComposeOp::Restart { service: worker() }, &file, &project);
    let outcome = run(&restart, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.detail, "restarted container `worker`");
    assert_status(
        &run(&container("worker", None, None), &local, TIMEOUT).await,
        Status::Passed,
    );
}

// ------------------------------------------------------------------------------- compose --

#[tokio::test]
async fn compose_reads_the_lab_project() {
    let _running = lab_containers().await;
    let file = lab::var("LRB_LAB_COMPOSE_FILE");
    let project = lab::var("LRB_LAB_COMPOSE_PROJECT");
    let backend = Some(Template::literal("backend"));
    let (ps, lab) = stack(ComposeOp::Ps { service: backend }, &file, &project);
    let outcome = run(&ps, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    let table = outcome.output.unwrap();
    assert!(
        table.starts_with("SERVICE  STATE    CONTAINER\nbackend  running  backend"),
        "{table}"
    );

    let (logs, lab) = stack(
        ComposeOp::Logs {
            service: Template::literal("backend"),
            tail: Some(200),
            grep: Some("lrb-no-such-line".into()),
        },
        &file,
        &project,
    );
    let outcome = run(&logs, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(
        outcome.detail,
        "no line of service `backend`'s logs contains `lrb-no-such-line`"
    );

    let (ps, lab) = stack(
        ComposeOp::Ps { service: None },
        &file,
        "lrb-no-such-project",
    );
    let outcome = run(&ps, &lab, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert!(
        outcome
            .detail
            .starts_with("no containers for project `lrb-no-such-project`"),
        "{outcome:?}"
    );
}

/// `up`, `build` and `down` through the compose CLI, on a throwaway project of its own.
#[tokio::test]
async fn compose_cli_scales_builds_and_takes_down_a_project() {
    let _running = lab_containers().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docker-compose.yml");
    std::fs::write(
        &file,
        "version: \"2.4\"\nservices:\n  sleeper:\n    image: lrb-lab/busybox:latest\n    \
         command: [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; echo started; while :; do sleep 1; done\"]\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let project = format!("lrbtest{}", std::process::id());
    let sleeper = || Some(Template::literal("sleeper"));
    let long = Duration::from_secs(120);

    let (up, lab) = stack(
        ComposeOp::Up {
            service: sleeper(),
            scale: Some(2),
        },
        &file,
        &project,
    );
    let up_outcome = run(&up, &lab, long).await;
    let (ps, _) = stack(ComposeOp::Ps { service: None }, &file, &project);
    let ps_outcome = run(&ps, &lab, TIMEOUT).await;
    let (logs, _) = stack(
        ComposeOp::Logs {
            service: Template::literal("sleeper"),
            tail: None,
            grep: None,
        },
        &file,
        &project,
    );
    let logs_outcome = run(&logs, &lab, TIMEOUT).await;
    let (build, _) = stack(ComposeOp::Build { service: None }, &file, &project);
    let build_outcome = run(&build, &lab, long).await;
    let (down, _) = stack(ComposeOp::Down { volumes: false }, &file, &project);
    let down_outcome = run(&down, &lab, long).await;
    let after = run(&ps, &lab, TIMEOUT).await;

    assert_status(&up_outcome, Status::Passed);
    assert!(
        up_outcome
            .detail
            .contains("--scale sleeper=2 sleeper` exited 0"),
        "{up_outcome:?}"
    );
    assert_status(&ps_outcome, Status::Passed);
    assert!(
        ps_outcome.detail.starts_with("2 of 2 containers"),
        "{ps_outcome:?}"
    );
    assert_status(&logs_outcome, Status::Passed);
    assert!(
        logs_outcome.detail.starts_with("2 lines of"),
        "{logs_outcome:?}"
    );
    assert!(logs_outcome.output.unwrap().contains(" | started"));
    assert_status(&build_outcome, Status::Passed);
    assert_status(&down_outcome, Status::Passed);
    assert_status(&after, Status::Failed);
}

#[tokio::test]
async fn compose_cli_failure_and_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yml").display().to_string();
    let (up, lab) = stack(
        ComposeOp::Up {
            service: None,
            scale: None,
        },
        &missing,
        "lrbmissing",
    );
    let outcome = run(&up, &lab, Duration::from_secs(60)).await;
    assert_status(&outcome, Status::Failed);
    assert!(outcome.detail.contains("exited 1"), "{outcome:?}");

    let outcome = run(&up, &lab, Duration::from_millis(50)).await;
    assert_status(&outcome, Status::Error);
    assert!(
        outcome.detail.contains("did not finish within 50ms"),
        "{outcome:?}"
    );
}

// --------------------------------------------------------------------------------- shell --

fn shell(line: &str) -> ShellAction {
    ShellAction {
        target: "host".into(),
        command: lrb::fill::shell::analyze(&Template::literal(line)).unwrap(),
        effect: RawEffect::Unclassified {
            declared: Some(lrb::effect::Effect::Read),
        },
        exit: 0,
        contains: None,
        bounds: Bounds::default(),
        timeout_ms: None,
    }
}

fn sh(line: &str, exit: i32) -> Action {
    Action::Shell(ShellAction {
        exit,
        ..shell(line)
    })
}

fn host(dir: &str) -> Resolved {
    resolved(&[("host", TargetKind::Shell, dir)])
}

#[tokio::test]
async fn shell_exit_codes_values_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let here = host(&dir.path().display().to_string());
    let outcome = run(&sh("echo 42", 0), &here, TIMEOUT).await;
    assert_status(&outcome, Status::Passed);
    assert_eq!(outcome.value, Some(Value::Number(42.0)));
    assert_eq!(outcome.detail, "`echo 42` exited 0");

    let outcome = run(&sh("pwd", 0), &here, TIMEOUT).await;
    let pwd = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(outcome.value, Some(Value::Text(pwd.display().to_string())));

    assert_status(&run(&sh("exit 3", 3), &here, TIMEOUT).await, Status::Passed);
    let outcome = run(&sh("echo oops >&2; exit 3", 0), &here, TIMEOUT).await;
    assert_status(&outcome, Status::Failed);
    assert_eq!(
        outcome.detail,
        "`echo oops >&2; exit 3` exited 3, expected exit 0: oops"
    );
    assert_eq!(outcome.output.as_deref(), Some("stderr:\noops"));

    let contains = Action::Shell(ShellAction {
        contains: Some(Template {
            parts: vec![Part::Text("hello ".into()), Part::Param("who".into())],
        }),
        bounds: equals("hello world"),
        ..shell("echo hello world")
    });
    let outcome = run(&contains, &here, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(
        outcome.detail.starts_with("parameter `who` has no value"),
        "{outcome:?}"
    );
    let mut with_param = here.clone();
    with_param.params.insert("who".into(), "world".into());
    assert_status(&run(&contains, &with_param, TIMEOUT).await, Status::Passed);
    with_param.params.insert("who".into(), "moon".into());
    assert_status(&run(&contains, &with_param, TIMEOUT).await, Status::Failed);
}

#[tokio::test]
async fn shell_masks_secrets_in_detail_output_and_value() {
    let mut here = host(".");
    here.secrets.push("lrb-s3cret-value".into());
    let outcome = run(
        &sh(
            "echo token=lrb-s3cret-value; echo lrb-s3cret-value >&2; exit 1",
            0,
        ),
        &here,
        TIMEOUT,
    )
    .await;
    let all = format!("{outcome:?}");
    assert!(!all.contains("lrb-s3cret-value"), "{all}");
    assert_eq!(outcome.value, Some(Value::Text("token=***".into())));
}

#[tokio::test]
async fn shell_missing_directory_is_an_error() {
    let outcome = run(&sh("true", 0), &host("/nonexistent/lrb-dir"), TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(
        outcome.detail.contains("/nonexistent/lrb-dir"),
        "{outcome:?}"
    );
}

/// Whether a process whose command line holds `marker` is alive.
fn alive(marker: &str) -> bool {
    let found = std::process::Command::new("pgrep")
        .args(["-f", marker])
        .output()
        .expect("pgrep (procps) is installed");
    found.status.success()
}

/// Waits a little for killed processes to go (SIGKILL is asynchronous).
async fn gone(marker: &str) -> bool {
    for _ in 0..50 {
        if !alive(marker) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A command whose grandchild carries `marker` in its command line and outlives bash.
fn grandchild(marker: &str) -> Action {
    sh(&format!("(exec -a {marker} sleep 100) & wait"), 0)
}

#[tokio::test]
async fn shell_timeout_kills_the_whole_process_group() {
    let marker = format!("lrb-marker-timeout-{}", std::process::id());
    let outcome = run(&grandchild(&marker), &host("."), SHORT).await;
    assert_status(&outcome, Status::Error);
    assert!(
        outcome
            .detail
            .contains("killed it and every process it started"),
        "{outcome:?}"
    );
    assert!(gone(&marker).await, "`{marker}` outlived the timeout");
}

#[tokio::test]
async fn shell_dropped_future_kills_the_whole_process_group() {
    let marker = format!("lrb-marker-drop-{}", std::process::id());
    let action = grandchild(&marker);
    let here = host(".");
    let mut running = Box::pin(execute(&action, &here, Duration::from_secs(600)));
    let deadline = Instant::now() + TIMEOUT;
    while !alive(&marker) {
        assert!(Instant::now() < deadline, "`{marker}` never started");
        tokio::select! {
            outcome = &mut running => panic!("the command ended early: {outcome:?}"),
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
    // What the engine does on Ctrl-C.
    drop(running);
    assert!(
        gone(&marker).await,
        "`{marker}` outlived the dropped future"
    );
}

// -------------------------------------------------------------------------- engine steps --

#[tokio::test]
async fn wait_sleeps_and_manual_is_refused() {
    let none = Resolved::default();
    let outcome = run(
        &Action::Wait(WaitStep { ms: 100 }),
        &none,
        Duration::from_millis(100),
    )
    .await;
    assert_status(&outcome, Status::Passed);
    assert!(outcome.duration >= Duration::from_millis(100));

    let step = Action::Manual(ManualStep {
        text: Template::literal("Verify DATABASE_URL"),
    });
    let outcome = run(&step, &none, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(outcome.detail.contains("needs an operator"), "{outcome:?}");
}

#[tokio::test]
async fn unresolved_or_mismatched_target_is_an_error() {
    let outcome = run(&Action::Http(get("/")), &Resolved::default(), TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert!(
        outcome.detail.starts_with("target `api` has no address"),
        "{outcome:?}"
    );

    let wrong_kind = resolved(&[("api", TargetKind::Redis, "redis://127.0.0.1:1")]);
    let outcome = run(&Action::Http(get("/")), &wrong_kind, TIMEOUT).await;
    assert_status(&outcome, Status::Error);
    assert_eq!(
        outcome.detail,
        "target `api` is a `redis` target, not `http`"
    );
}
