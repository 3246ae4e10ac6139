//! The safety corpus (`tests/fixtures/safety/*.txt`) at the runbook level: every command is
//! placed in a generated runbook and checked as `lrb check` would, so the classifiers, the
//! lowering and the safety rules are tested together. Then the seed runbooks.

use crate::common::{check, check_keeping_tree, codes, describe, lrb, root};
use lrb::effect::Effect;
use lrb::load::Session;

/// A corpus line: the action that runs it and the command text.
struct Command {
    line: String,
    action: &'static str,
    text: String,
}

fn corpus(file: &str) -> Vec<Command> {
    let path = root().join("tests/fixtures/safety").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (prefix, command) = line.split_once(": ").unwrap_or_else(|| {
                panic!("{file}: no `sql: `, `redis: ` or `sh: ` prefix: {line}")
            });
            let action = match prefix {
                "sql" => "db.query",
                "redis" => "queue.command",
                "sh" => "host.run",
                other => panic!("{file}: unknown prefix `{other}`: {line}"),
            };
            Command {
                line: line.to_string(),
                action,
                text: command.to_string(),
            }
        })
        .collect()
}

/// Where the command goes in the generated runbook.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// A `mitigate` block, with `destructive: "..."` when given.
    Mitigation(Option<&'a str>),
    /// An `info: true` check, with `effect:` when given.
    Check(Option<&'a str>),
}

/// A complete runbook holding `cmd` once, written as a heredoc so that no quoting changes it.
fn runbook(cmd: &Command, place: Place) -> String {
    let effect = match place {
        Place::Check(Some(effect)) => format!(", effect: :{effect}"),
        _ => String::new(),
    };
    let action = format!("{} <<~CMD{effect}\n      {}\n    CMD", cmd.action, cmd.text);
    let body = match place {
        Place::Check(_) => format!(
            "  check :probe, \"the command under test\", info: true do\n    {action}\n  end\n"
        ),
        Place::Mitigation(ack) => {
            let ack = ack.map_or(String::new(), |why| format!(", destructive: \"{why}\""));
            format!(
                "  check :backend, \"backend is running\" do
    docker.container \"backend\", state: :running
  end

  when failed(:backend) do
    mitigate \"Run the command\"{ack} do
    {action}
    end
  end

  confirm within: 2m do
    docker.container \"backend\", state: :running
  end
"
            )
        }
    };
    format!(
        "target :db,    postgres: secret(\"DATABASE_URL\"), timeout: 5s
target :queue, redis:    env(\"REDIS_URL\", \"redis://127.0.0.1:6379\"), timeout: 5s
target :host,  shell:    \".\", timeout: 30s

runbook :corpus do
  title \"Corpus\"

{body}end
"
    )
}

/// Checks every corpus line of `file` in `place`; `judge` returns a complaint or `None`.
fn each_line(
    file: &str,
    min: usize,
    place: Place,
    judge: impl Fn(&Command, &[&str], &Session) -> Option<String>,
) {
    let lines = corpus(file);
    assert!(
        lines.len() >= min,
        "{file}: {} lines, want at least {min}",
        lines.len()
    );
    let failures: Vec<String> = lines
        .iter()
        .filter_map(|cmd| {
            let session: Session = check("corpus.rb", runbook(cmd, place));
            judge(cmd, &codes(&session), &session)
                .map(|why| format!("{}\n      {why}: {}", cmd.line, describe(&session)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{file}: {} of {} lines wrong:\n  {}",
        failures.len(),
        lines.len(),
        failures.join("\n  ")
    );
}

fn complain(ok: bool, why: &str) -> Option<String> {
    (!ok).then(|| why.to_string())
}

#[test]
fn the_corpus_covers_every_family() {
    let destructive = corpus("destructive.txt");
    let count = |f: &dyn Fn(&Command) -> bool| destructive.iter().filter(|c| f(c)).count();
    let families = [
        ("SQL", count(&|c| c.action == "db.query")),
        ("Redis", count(&|c| c.action == "queue.command")),
        ("shell", count(&|c| c.action == "host.run")),
        ("Docker", count(&|c| c.text.contains("docker"))),
        ("git", count(&|c| c.text.starts_with("git "))),
    ];
    for (family, n) in families {
        assert!(
            n >= 5,
            "destructive.txt: {n} {family} commands, want at least 5"
        );
    }
}

#[test]
fn destructive_commands_in_an_unacknowledged_mitigation_are_reported() {
    each_line(
        "destructive.txt",
        60,
        Place::Mitigation(None),
        |_, codes, _| {
            complain(
                codes.contains(&"LRB401") || codes.contains(&"LRB404"),
                "no LRB401 or LRB404",
            )
        },
    );
}

/// Acknowledged, they pass `lrb check`: an unbounded SQL write is then only a warning.
#[test]
fn acknowledged_destructive_commands_pass() {
    each_line(
        "destructive.txt",
        60,
        Place::Mitigation(Some("the corpus says so")),
        |cmd, codes, session| {
            complain(
                !session.has_errors()
                    && codes
                        .iter()
                        .all(|c| *c == "LRB404" && cmd.action == "db.query"),
                "want no error, and no warning but LRB404 on unbounded SQL writes",
            )
        },
    );
}

#[test]
fn destructive_commands_in_a_check_are_writes_in_a_read_block() {
    each_line("destructive.txt", 60, Place::Check(None), |_, codes, _| {
        complain(codes.contains(&"LRB402"), "no LRB402")
    });
}

#[test]
fn write_commands_need_no_acknowledgement_but_stay_out_of_checks() {
    each_line("write.txt", 20, Place::Mitigation(None), |_, codes, _| {
        complain(codes.is_empty(), "a write needs no acknowledgement")
    });
    each_line("write.txt", 20, Place::Check(None), |_, codes, _| {
        complain(codes == ["LRB402"], "want exactly LRB402")
    });
}

#[test]
fn read_commands_in_a_check_produce_no_finding_at_all() {
    each_line("read.txt", 40, Place::Check(None), |_, codes, _| {
        complain(codes.is_empty(), "false positive")
    });
}

#[test]
fn unclassified_commands_in_a_check_need_a_stated_effect() {
    each_line("unclassified.txt", 10, Place::Check(None), |_, codes, _| {
        complain(codes == ["LRB403"], "want exactly LRB403")
    });
    each_line(
        "unclassified.txt",
        10,
        Place::Check(Some("read")),
        |_, codes, _| complain(codes.is_empty(), "`effect: :read` must settle it"),
    );
}

/// The generated runbook must hand the command over unchanged: the heredoc's text, as parsed,
/// is the corpus line.
#[test]
fn the_generated_runbook_keeps_the_command_verbatim() {
    use lrb::ast::{ExprKind, Stmt};
    for file in [
        "read.txt",
        "write.txt",
        "destructive.txt",
        "unclassified.txt",
    ] {
        for cmd in corpus(file) {
            let session = check_keeping_tree("corpus.rb", runbook(&cmd, Place::Check(None)));
            let ast = session.asts[0].as_deref();
            let text = ast.and_then(|ast| match &ast.body[..] {
                [.., Stmt::Runbook(rb)] => match rb.body.stmts.last() {
                    Some(Stmt::Check(c)) => match &c.body.stmts[..] {
                        [Stmt::Action(a)] => match &a.args.positional[0].kind {
                            ExprKind::Str(s) => s.as_literal(),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            });
            assert_eq!(
                text.as_deref().map(str::trim_end),
                Some(cmd.text.as_str()),
                "{file}: {}",
                cmd.line
            );
        }
    }
}

#[test]
fn seed_runbooks_pass_with_warnings_denied() {
    let out = lrb()
        .args(["check", "--deny", "warnings"])
        .arg(root().join("runbooks"))
        .output()
        .expect("run `lrb check`");
    assert!(
        out.status.success(),
        "`lrb check --deny warnings runbooks/` failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn seed_runbooks_acknowledge_every_destructive_mitigation() {
    let session = lrb::load::load(&[root().join("runbooks")]).expect("read runbooks/");
    assert!(
        !session.checked.scenarios.is_empty(),
        "the seed runbooks come with scenarios"
    );
    assert_eq!(
        session.checked.plan.as_ref().map(|p| p.runbooks.len()),
        Some(4),
        "four seed runbooks"
    );
    let plan = session
        .checked
        .plan
        .as_ref()
        .unwrap_or_else(|| panic!("the seed runbooks do not check: {}", describe(&session)));
    assert_eq!(plan.runbooks.len(), 4);
    let mut destructive = 0;
    for rb in &plan.runbooks {
        for m in rb.mitigations() {
            if m.steps
                .iter()
                .any(|s| s.action.effect() == Effect::Destructive)
            {
                destructive += 1;
                assert!(
                    m.destructive.is_some(),
                    "`{}`: mitigation `{}` has a destructive step but no `destructive:`",
                    rb.id,
                    m.name
                );
            }
        }
    }
    // FLUSHDB in queue_backlog and the database restore in deployment_rollback at least.
    assert!(
        destructive >= 2,
        "{destructive} destructive mitigations found"
    );
}

/// A literal credential is a finding about the text, not a malformed action: the action must
/// still reach the plan and the other safety rules, even once the credential is allowed.
#[test]
fn a_literal_credential_does_not_hide_the_action_from_the_safety_rules() {
    let runbook = |ack: &str| {
        format!(
            "runbook :lab_reset do
  title \"Lab reset\"

  check :backend, \"backend is running\" do
    docker.container \"backend\", state: :running
  end

  when failed(:backend) do
    mitigate \"Reset the lab database\"{ack} do
      # lrb:allow(LRB405) the lab's password is public
      shell.run \"PGPASSWORD=lab-only psql -h 127.0.0.1 -c 'DROP TABLE jobs'\", timeout: 30s
    end
  end

  confirm within: 2m do
    docker.container \"backend\", state: :running
  end
end
"
        )
    };
    let unacknowledged = check("credential.rb", runbook(""));
    assert_eq!(
        codes(&unacknowledged),
        ["LRB401"],
        "{}",
        describe(&unacknowledged)
    );
    let acknowledged = check("credential.rb", runbook(", destructive: \"drops jobs\""));
    let plan = acknowledged.checked.plan.as_ref();
    let steps: usize = plan.map_or(0, |p| {
        p.runbooks[0].mitigations().map(|m| m.steps.len()).sum()
    });
    assert_eq!(
        steps,
        1,
        "the step is in the plan: {}",
        describe(&acknowledged)
    );
}
