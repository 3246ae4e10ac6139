//! Scheduling and approval logic against an in-process executor; the real backends are
//! exercised by `tests/integration/run.rs` against the lab.

use super::*;
use crate::action::Action;
use crate::action::HttpAction;
use crate::plan::Mitigation;
use crate::run::resolve::{resolve, runbook};
use crate::run::{Outcome, Status, Value};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Answers by path: `/slow` hangs, `/down` fails, `/broken` fails until a `POST /repair`,
/// `/panic` panics, anything else passes.
#[derive(Clone, Default)]
struct Fake {
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    ran: Arc<Mutex<Vec<String>>>,
}

impl Executor for Fake {
    fn execute(
        &self,
        _call: Call,
        action: Action,
        _resolved: Arc<Resolved>,
        _timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        let me = self.clone();
        async move {
            let Action::Http(HttpAction { path, method, .. }) = &action else {
                panic!("the fake runs only HTTP actions");
            };
            let path = path.template.source();
            me.ran
                .lock()
                .unwrap()
                .push(format!("{} {path}", method.as_str()));
            let now = me.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            me.most.fetch_max(now, Ordering::SeqCst);
            let wait = if path == "/slow" { 3_600 } else { 1 };
            tokio::time::sleep(Duration::from_secs(wait)).await;
            me.in_flight.fetch_sub(1, Ordering::SeqCst);
            assert!(path != "/panic", "fake backend panics");
            let repaired = me.ran.lock().unwrap().iter().any(|r| r == "POST /repair");
            Outcome {
                status: if path == "/down" || (path == "/broken" && !repaired) {
                    Status::Failed
                } else {
                    Status::Passed
                },
                value: Some(Value::Number(200.0)),
                detail: String::new(),
                output: None,
                duration: Duration::from_secs(wait),
            }
        }
    }
}

/// Answers every question with the same choice, and counts the questions.
struct Scripted {
    choice: Choice,
    asked: usize,
}

impl Operator for Scripted {
    fn diagnosing(&mut self, _: usize) {}
    fn checked(&mut self, _: &CheckResult) {}
    fn diagnosis(&mut self, _: &[CheckResult], _: &[WhenResult]) {}
    fn propose(&mut self, _: &Mitigation, _: &[String]) -> Choice {
        self.asked += 1;
        self.choice
    }
    fn type_name(&mut self, _: &Mitigation, _: &[String]) -> Choice {
        self.asked += 1;
        self.choice
    }
    fn manual(&mut self, _: &str) -> Choice {
        self.asked += 1;
        self.choice
    }
    fn after_failure(&mut self, _: &str, _: &str) -> Choice {
        self.asked += 1;
        self.choice
    }
    fn action_started(&mut self, _: &str) {}
    fn action_done(&mut self, _: &str, _: &ActionResult) {}
    fn waiting(&mut self, _: Duration, _: Duration) {}
    fn confirm_attempt(&mut self, _: u32, _: u32) {}
    fn confirm_done(&mut self, _: u32, _: bool, _: &[ActionResult]) {}
    fn note(&mut self, _: &str) {}
}

fn many_checks(n: usize) -> String {
    let checks: String = (0..n)
        .map(|i| format!("  check :c{i} do\n    api.get \"/ok{i}\"\n  end\n  when failed(:c{i}) do\n    see :other\n  end\n"))
        .collect();
    format!(
        "target :api, http: \"http://x\"\nrunbook :many do\n{checks}end\nrunbook :other do\n  check :x do\n    api.get \"/\"\n  end\n  when failed(:x) do\n    see :many\n  end\nend\n"
    )
}

#[tokio::test(start_paused = true)]
async fn checks_run_concurrently_and_probes_in_order() {
    let rb = runbook(&many_checks(20));
    let resolved = Arc::new(resolve(&rb, &[], |_| None).unwrap());
    let fake = Fake::default();
    let mut finished = 0;
    let all: Vec<_> = rb.checks.iter().collect();
    let checks = diagnose(&all, &resolved, &fake, &mut |_| finished += 1).await;
    assert_eq!(finished, 20);
    assert_eq!(fake.most.load(Ordering::SeqCst), 20);
    let ids: Vec<&str> = checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids[..3], ["c0", "c1", "c2"]);
    assert!(checks.iter().all(|c| c.status == Status::Passed));
}

const SRC: &str = r#"
target :api, http: "http://x", timeout: 2s
runbook :demo do
  check :a, "first probe fails, the second never runs" do
api.get "/down"
api.get "/never"
  end
  check :hang do
api.get "/slow"
  end
  check :crash do
api.get "/panic"
  end
  when failed(:a) do
mitigate "safe" do
  api.post "/fix"
end
mitigate "risky", destructive: "drops everything" do
  api.post "/wipe"
end
  end
  confirm within: 1m, every: 10s do
api.get "/ok"
  end
end
"#;

#[tokio::test(start_paused = true)]
async fn a_hang_or_a_panic_is_an_error_and_the_first_failure_decides() {
    let rb = runbook(SRC);
    let resolved = Arc::new(resolve(&rb, &[], |_| None).unwrap());
    let fake = Fake::default();
    let all: Vec<_> = rb.checks.iter().collect();
    let checks = diagnose(&all, &resolved, &fake, &mut |_| {}).await;
    assert_eq!(checks[0].status, Status::Failed);
    assert_eq!(checks[0].probes.len(), 1);
    assert_eq!(checks[1].status, Status::Error);
    assert!(
        checks[1].detail.contains("within 2s"),
        "{}",
        checks[1].detail
    );
    assert_eq!(checks[2].status, Status::Error);
    assert!(checks[2].detail.contains("crashed"), "{}", checks[2].detail);
    assert!(!fake.ran.lock().unwrap().contains(&"GET /never".to_string()));
    let whens = decide(&rb, &checks);
    assert!(whens[0].holds);
}

async fn run_with(policy: Policy, choice: Choice) -> (RunEnd, Vec<String>, usize) {
    run_source(SRC, policy, choice).await
}

async fn run_source(source: &str, policy: Policy, choice: Choice) -> (RunEnd, Vec<String>, usize) {
    let rb = runbook(source);
    let resolved = Arc::new(resolve(&rb, &[], |_| None).unwrap());
    let fake = Fake::default();
    let dir = tempfile::tempdir().unwrap();
    let transcript = Transcript::create(
        &dir.path().join("t.jsonl"),
        vec![],
        std::time::Instant::now(),
    )
    .unwrap();
    let engine = Engine::new(
        &rb,
        resolved,
        fake.clone(),
        policy,
        &transcript,
        Instant::now(),
    );
    let mut op = Scripted { choice, asked: 0 };
    let end = engine.run(&mut op).await;
    let ran = fake.ran.lock().unwrap().clone();
    (end, ran, op.asked)
}

#[tokio::test(start_paused = true)]
async fn no_terminal_and_no_flag_refuses_every_write() {
    let (end, ran, asked) = run_with(Policy::default(), Choice::Go).await;
    assert_eq!(end.finish, Finish::Refused);
    assert_eq!(end.refused.len(), 2);
    assert!(end.refused[0].1.contains("--yes"));
    assert!(!ran.iter().any(|r| r.starts_with("POST")));
    assert_eq!(asked, 0);
}

#[tokio::test(start_paused = true)]
async fn yes_runs_writes_but_not_destructive_ones() {
    let policy = Policy {
        yes: true,
        ..Policy::default()
    };
    let (end, ran, _) = run_with(policy, Choice::Go).await;
    assert!(ran.contains(&"POST /fix".to_string()));
    assert!(!ran.contains(&"POST /wipe".to_string()));
    assert_eq!(end.refused.len(), 1);
    assert!(end.refused[0].1.contains("--allow-destructive"));
    assert_eq!(end.confirmed, Some(true));
    assert_eq!(end.finish, Finish::Refused);
    let policy = Policy {
        yes: true,
        allow_destructive: true,
        ..Policy::default()
    };
    let (end, ran, _) = run_with(policy, Choice::Go).await;
    assert!(ran.contains(&"POST /wipe".to_string()));
    assert_eq!(end.finish, Finish::Recovered);
}

#[tokio::test(start_paused = true)]
async fn the_operator_decides_at_a_terminal() {
    let interactive = Policy {
        interactive: true,
        ..Policy::default()
    };
    let (end, ran, asked) = run_with(interactive, Choice::Go).await;
    assert_eq!(end.finish, Finish::Recovered);
    assert!(ran.contains(&"POST /wipe".to_string()));
    assert_eq!(asked, 2);
    let (end, ran, asked) = run_with(interactive, Choice::Abort).await;
    assert_eq!(end.finish, Finish::Aborted);
    assert!(!ran.iter().any(|r| r.starts_with("POST")));
    assert_eq!(asked, 1);
    let (end, _, _) = run_with(interactive, Choice::Skip).await;
    assert_eq!(end.finish, Finish::Aborted);
    assert_eq!(end.confirmed, None);
}

/// The seed's deployment rollback in small: the quick rollback fixes it, so the full one
/// (destructive) is not offered, nor the mitigation of another `when` it fixed as well.
#[tokio::test(start_paused = true)]
async fn a_mitigation_is_offered_only_while_its_when_still_holds() {
    let source = r#"
target :api, http: "http://x", timeout: 2s
runbook :rollback do
  check :error_rate do
api.get "/broken"
  end
  check :ready do
api.get "/broken"
  end
  when failed(:error_rate) do
mitigate "quick" do
  api.post "/repair"
end
mitigate "full", destructive: "restores the backup" do
  api.post "/wipe"
end
  end
  when failed(:ready) do
mitigate "restart" do
  api.post "/restart"
end
  end
  confirm within: 1m, every: 10s do
api.get "/broken"
  end
end
"#;
    let policy = Policy {
        yes: true,
        ..Policy::default()
    };
    let (end, ran, _) = run_source(source, policy, Choice::Go).await;
    let posts: Vec<&String> = ran.iter().filter(|r| r.starts_with("POST")).collect();
    assert_eq!(posts, ["POST /repair"]);
    assert_eq!(end.refused, []);
    assert_eq!(end.finish, Finish::Recovered);
    // Each check ran at the diagnosis and once again after the repair; `confirm` once.
    assert_eq!(
        ran.iter().filter(|r| *r == "GET /broken").count(),
        2 + 2 + 1
    );
}
