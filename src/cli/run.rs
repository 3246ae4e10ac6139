//! `lrb run`: diagnose, mitigate with approval, confirm; and what `plan` shares with it.

use super::console::Console;
use super::error::CliError;
use super::load_or_report;
use super::signals::Signals;
use crate::diagnostic;
use crate::exit::Exit;
use crate::plan::Runbook;
use crate::run::engine::{Backends, Choice, Earlier, Engine, Finish, Policy, RunEnd};
use crate::run::transcript::{self, Event, Transcript};
use crate::run::{Resolved, mask, resolve};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub target: RunbookArgs,
    /// Approve every write and manual step without asking (for scripts and CI).
    #[arg(long)]
    pub yes: bool,
    /// With `--yes`, approve destructive mitigations too.
    #[arg(long)]
    pub allow_destructive: bool,
    /// Where to write the transcript [default: ./lrb-<runbook>-<UTC time>.jsonl].
    #[arg(long, value_name = "PATH", conflicts_with = "resume")]
    pub transcript: Option<PathBuf>,
    /// Continue the run this transcript records: every check runs again first, then only the
    /// mitigations whose `when` holds now are proposed; appends to the same transcript.
    #[arg(long, value_name = "TRANSCRIPT")]
    pub resume: Option<PathBuf>,
    /// When a matched `when` hands over (`see :other`), continue into that runbook in this
    /// run without asking (at a terminal lrb asks).
    #[arg(long)]
    pub follow: bool,
    /// With `--resume`, resume even though the runbook changed since the first session
    /// (recorded in the transcript).
    #[arg(long, requires = "resume")]
    pub force: bool,
}

/// Which runbook to run, and its parameters: shared by `run` and `plan`.
#[derive(Debug, clap::Args)]
pub struct RunbookArgs {
    /// The runbook file.
    pub file: PathBuf,
    /// The runbook to run, when the file holds several.
    #[arg(long, value_name = "ID")]
    pub runbook: Option<String>,
    /// Give a parameter a value (repeatable); beats `LRB_PARAM_<NAME>` and the default.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_set)]
    pub set: Vec<(String, String)>,
}

fn parse_set(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "`{text}` is not KEY=VALUE: write it like `--set release=v1.2.0`"
        )),
    }
}

/// A runbook ready to run: checked, chosen and resolved.
pub(super) struct Prepared {
    pub runbook: Runbook,
    pub resolved: Resolved,
    pub file_sha256: String,
    /// Every runbook of the plan, for the handovers (`see`) a run may follow.
    pub all: Vec<Runbook>,
}

/// Loads and checks the file, picks the runbook and resolves it; prints why not and gives
/// the exit code otherwise.
pub(super) fn prepare(args: &RunbookArgs) -> Result<Prepared, Exit> {
    let file = &args.file;
    super::refuse_scenario_file(file)?;
    let alone = load_or_report(std::slice::from_ref(file))?;
    // `see :other` names a runbook in another file: read the file's siblings too.
    let with_siblings = crate::load::with_siblings(file, &alone);
    let session = with_siblings.as_ref().unwrap_or(&alone);
    let Some(plan) = session.checked.plan.as_ref() else {
        eprint!(
            "{}",
            diagnostic::human::render(&alone.checked.diagnostics, &alone.sources, false)
        );
        CliError::new(format!("`{}` has errors, so it cannot run", file.display()))
            .help(format!(
                "Fix the errors above; `lrb check {}` shows them.",
                file.display()
            ))
            .print();
        return Err(Exit::Invalid);
    };
    let same = |p: &Path| match (p.canonicalize(), file.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => p == file,
    };
    let in_file: Vec<&Runbook> = plan.runbooks.iter().filter(|r| same(&r.source)).collect();
    let ids: Vec<String> = in_file.iter().map(|r| format!("`{}`", r.id)).collect();
    let runbook = match (&args.runbook, in_file.as_slice()) {
        (Some(id), _) => *in_file.iter().find(|r| r.id == *id).ok_or_else(|| {
            CliError::new(format!("`{}` has no runbook `{id}`", file.display()))
                .help(format!("Pick one of {}.", ids.join(", ")))
                .print();
            Exit::Usage
        })?,
        (None, [only]) => *only,
        (None, []) => {
            CliError::new(format!("`{}` holds no runbook", file.display())).print();
            return Err(Exit::Invalid);
        }
        (None, _) => {
            CliError::new(format!("`{}` holds several runbooks", file.display()))
                .help(format!("Pick one with `--runbook ID`: {}.", ids.join(", ")))
                .print();
            return Err(Exit::Usage);
        }
    };
    let resolved =
        resolve::resolve(runbook, &args.set, |name| std::env::var(name).ok()).map_err(|e| {
            CliError::new(e.to_string()).help(e.help()).print();
            Exit::Invalid
        })?;
    // Every value is checked before anything runs, so a bad one cannot stop a step half-way.
    crate::run::admit::admit_runbook(runbook, &resolved).map_err(|why| {
        CliError::new(why.to_string()).help("Pass a value that is data for its place (see `docs/safety.md`, \"How a parameter reaches a backend\").").print();
        Exit::Invalid
    })?;
    // The bytes that were checked, not the file read again: it may have changed since.
    let checked = alone.sources.iter().find(|(_, f)| same(&f.path));
    let bytes = checked.map_or(&[][..], |(_, f)| f.text.as_bytes());
    let file_sha256 = sha256_hex(bytes);
    Ok(Prepared {
        all: plan.runbooks.clone(),
        runbook: runbook.clone(),
        resolved,
        file_sha256,
    })
}

/// The tokio runtime the engine runs on: `main` stays synchronous.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            CliError::new(format!("cannot start the async runtime: {e}")).print();
            Exit::Usage
        })
}

/// How long the runtime waits for a task that does not stop when the run is interrupted.
pub(super) const SHUTDOWN: Duration = Duration::from_secs(1);

/// The runtime with the signal handlers installed in it, before anything runs.
pub(super) fn runtime_with_signals() -> Result<(tokio::runtime::Runtime, Signals), Exit> {
    let rt = runtime()?;
    let signals = {
        let _inside = rt.enter();
        Signals::install()
    };
    match signals {
        Ok(signals) => Ok((rt, signals)),
        Err(e) => {
            CliError::new(format!("cannot listen for signals: {e}")).print();
            Err(Exit::Usage)
        }
    }
}

pub fn run(args: RunArgs) -> Exit {
    let prepared = match prepare(&args.target) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (rt, mut signals) = match runtime_with_signals() {
        Ok(both) => both,
        Err(code) => return code,
    };
    let runbook = &prepared.runbook;
    let secrets = prepared.resolved.secrets.clone();
    let earlier = match &args.resume {
        Some(path) => match earlier(path, &prepared, args.force) {
            Ok(e) => Some(e),
            Err(code) => return code,
        },
        None => None,
    };
    // A resumed run counts its time, and its time to recovery, from the first start.
    let since_start = earlier
        .as_ref()
        .map(|(e, _)| e.since_start)
        .unwrap_or_default();
    let started = Instant::now()
        .checked_sub(since_start)
        .unwrap_or_else(Instant::now);
    let path = args
        .resume
        .clone()
        .or(args.transcript.clone())
        .unwrap_or_else(|| {
            let now = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
            PathBuf::from(format!("lrb-{}-{now}.jsonl", runbook.id))
        });
    let opened = match earlier {
        Some(_) => Transcript::append(&path, secrets.clone(), started),
        None => Transcript::create(&path, secrets.clone(), started),
    };
    let transcript = match opened {
        Ok(t) => t,
        Err(e) => {
            CliError::new(format!(
                "cannot write the transcript `{}`: {e}",
                path.display()
            ))
            .help("Pass a writable path with `--transcript PATH`.")
            .print();
            return Exit::Usage;
        }
    };
    let policy = Policy {
        interactive: std::io::stdin().is_terminal(),
        yes: args.yes,
        allow_destructive: args.allow_destructive,
    };
    let mut console = Console::new(secrets.clone());
    match &earlier {
        Some((e, forced)) => {
            transcript.record(Event::Resume {
                file_sha256: prepared.file_sha256.clone(),
                forced: *forced,
                gap_ms: e.gap.as_millis() as u64,
                lrb_version: env!("CARGO_PKG_VERSION").to_string(),
                user: user(),
                host: host(),
                command_line: command_line(&prepared),
                interactive: policy.interactive,
                yes: policy.yes,
                allow_destructive: policy.allow_destructive,
            });
            console.say(&format!(
                "resuming the run of `{}` that started at {} (last record {}): every check runs again first",
                runbook.id, e.started_at, e.last_at
            ));
        }
        None => transcript.record(start_event(&args, &prepared, policy)),
    }
    console.say(&format!(
        "lrb run `{}`{}",
        runbook.id,
        runbook
            .title
            .as_deref()
            .map(|t| format!(": {t}"))
            .unwrap_or_default()
    ));
    let who = format!("{}@{}", user(), host());
    let mut current = runbook.clone();
    let mut resolved = Arc::new(prepared.resolved.clone());
    let mut earlier = earlier.map(|(e, _)| e);
    // The runbooks this run has entered: a handover back to one of them is not followed.
    let mut entered = vec![runbook.id.clone()];
    let ended = loop {
        let mut engine = Engine::new(
            &current,
            resolved,
            Backends,
            policy,
            &transcript,
            started.into(),
        );
        engine.who = who.clone();
        engine.earlier = earlier.take();
        let ended = rt.block_on(async {
            tokio::select! {
                biased;
                signal = signals.first() => Err(signal),
                end = engine.run(&mut console) => Ok(end),
            }
        });
        let mut end = match ended {
            Ok(end) => end,
            Err(signal) => break Err((signal, engine.interruption())),
        };
        end.see.retain(|see| {
            let again = entered.contains(see);
            if again {
                console.say(&format!(
                    "not entering runbook `{see}` again: this run entered it already (a cycle of handovers)"
                ));
            }
            !again
        });
        let Some((next, how)) = follow(&args, policy, &prepared, &end, &mut console) else {
            break Ok(end);
        };
        let next_resolved =
            match resolve::resolve(&next, &args.target.set, |name| std::env::var(name).ok()) {
                Ok(r) => r,
                Err(e) => {
                    console.say(&format!(
                        "cannot continue into runbook `{}`: {e} ({})",
                        next.id,
                        e.help()
                    ));
                    break Ok(end);
                }
            };
        transcript.add_secrets(&next_resolved.secrets);
        console.add_secrets(&next_resolved.secrets);
        transcript.record(Event::Handover {
            from: current.id.clone(),
            to: next.id.clone(),
            by: who.clone(),
            how: how.into(),
        });
        console.say(&format!("continuing into runbook `{}`", next.id));
        entered.push(next.id.clone());
        current = next;
        resolved = Arc::new(next_resolved);
    };
    // Dropping every task kills the process group of each shell action still running and
    // cancels every probe, before the interruption is recorded.
    rt.shutdown_timeout(SHUTDOWN);
    let code = match &ended {
        Ok(end) => finish(&mut console, end),
        Err((signal, (during, undone))) => {
            console.interrupted(signal, during, undone);
            transcript.record(Event::Interrupted {
                signal: signal.to_string(),
                during: during.clone(),
                undone: undone.clone(),
            });
            Exit::Aborted
        }
    };
    transcript.record(Event::End {
        outcome: ended
            .as_ref()
            .map_or("interrupted", |e| e.finish.name())
            .to_string(),
        exit_code: code.code(),
        time_to_recovery_ms: ended
            .as_ref()
            .ok()
            .and_then(|e| e.time_to_recovery)
            .map(|d| d.as_millis() as u64),
        duration_ms: started.elapsed().as_millis() as u64,
    });
    if let Some(e) = transcript.take_error() {
        eprintln!(
            "warning: the transcript `{}` is incomplete: {}",
            path.display(),
            mask::mask(&e.to_string(), &secrets)
        );
    }
    console.say(&format!("transcript written to {}", path.display()));
    code
}

fn start_event(args: &RunArgs, prepared: &Prepared, policy: Policy) -> Event {
    let runbook = &prepared.runbook;
    let params = runbook
        .params
        .iter()
        .filter_map(|p| {
            let value = prepared.resolved.params.get(&p.name)?;
            let shown = if p.secret {
                mask::MASK.to_string()
            } else {
                value.clone()
            };
            Some((p.name.clone(), shown))
        })
        .collect();
    Event::Start {
        runbook: runbook.id.clone(),
        title: runbook.title.clone(),
        severity: runbook.severity.map(|s| s.to_string()),
        file: display(&args.target.file),
        file_sha256: prepared.file_sha256.clone(),
        lrb_version: env!("CARGO_PKG_VERSION").to_string(),
        user: user(),
        host: host(),
        command_line: command_line(prepared),
        params,
        interactive: policy.interactive,
        yes: policy.yes,
        allow_destructive: policy.allow_destructive,
        followups: runbook.followups.clone(),
        checks: runbook.checks.iter().map(|c| c.id.clone()).collect(),
    }
}

/// What the transcript at `path` says the earlier sessions did, and whether `--force` was
/// needed; the error printed and the exit code otherwise.
fn earlier(path: &Path, prepared: &Prepared, force: bool) -> Result<(Earlier, bool), Exit> {
    let shown = path.display();
    let records = transcript::read(path).map_err(|e| {
        CliError::new(format!("cannot resume: {e}")).print();
        Exit::Usage
    })?;
    let earlier = Earlier::read(&records, &prepared.runbook).map_err(|e| {
        CliError::new(format!("cannot resume `{shown}`: {e}")).print();
        Exit::Usage
    })?;
    let changed = earlier.file_sha256 != prepared.file_sha256;
    if changed && !force {
        CliError::new(format!("the runbook changed since the run in `{shown}` started (sha256 {} then, {} now)", earlier.file_sha256, prepared.file_sha256)).help("Resume with the runbook as it was, or pass `--force` to resume with this one (the transcript records it).").print();
        return Err(Exit::Usage);
    }
    Ok((earlier, changed))
}

/// The runbook a matched `when` hands over to, when the run continues into it: with
/// `--follow`, or when the operator chooses to at a terminal; and how it was decided.
fn follow(
    args: &RunArgs,
    policy: Policy,
    prepared: &Prepared,
    end: &RunEnd,
    console: &mut Console,
) -> Option<(Runbook, &'static str)> {
    let see = end.see.first()?;
    let next = prepared.all.iter().find(|r| r.id == *see)?;
    let how = if args.follow {
        "--follow"
    } else if policy.interactive && console.follow(see) == Choice::Go {
        "menu"
    } else {
        return None;
    };
    Some((next.clone(), how))
}

fn command_line(prepared: &Prepared) -> Vec<String> {
    std::env::args()
        .map(|a| mask::mask(&a, &prepared.resolved.secrets))
        .collect()
}

fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

fn host() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Prints how the run ended and picks its exit code.
fn finish(console: &mut Console, end: &RunEnd) -> Exit {
    for (name, _) in &end.refused {
        console.say(&format!("not run: `{name}` (refused, see above)"));
    }
    let confirmed = match end.confirmed {
        Some(true) => ", and `confirm` passed",
        Some(false) => ", and `confirm` did not pass",
        None => "",
    };
    let (text, code) = match end.finish {
        Finish::Healthy => (
            "healthy: no `when` matched, nothing to do".to_string(),
            Exit::Ok,
        ),
        Finish::Unhandled => (unhandled_text(&end.unhandled), Exit::Unhandled),
        Finish::Recovered => (
            format!(
                "recovered in {}",
                end.time_to_recovery
                    .map(|d| crate::duration::Duration::from(d).rounded().to_string())
                    .unwrap_or_default()
            ),
            Exit::Recovered,
        ),
        Finish::NotRecovered if end.confirmed.is_none() => (
            "not recovered: this runbook has no mitigation for what it found".to_string(),
            Exit::NotRecovered,
        ),
        Finish::NotRecovered => (
            "not recovered: `confirm` did not pass in time".to_string(),
            Exit::NotRecovered,
        ),
        Finish::Refused => (
            format!("refused: not every mitigation ran{confirmed}"),
            Exit::Aborted,
        ),
        Finish::Aborted => ("aborted: nothing more was run".to_string(), Exit::Aborted),
    };
    for see in &end.see {
        console.say(&format!(
            "next: `lrb run` the runbook `{see}` (see its file)"
        ));
    }
    console.say(&text);
    code
}

/// The closing line of a run or plan that found checks failing and no `when` for them.
pub(super) fn unhandled_text(checks: &[String]) -> String {
    let ids: Vec<String> = checks.iter().map(|c| format!("`{c}`")).collect();
    format!(
        "unhandled: {} did not pass and no `when` matched: escalate, this runbook has no mitigation for it",
        ids.join(", ")
    )
}

/// The SHA-256 of `bytes` in hex, as transcripts record a runbook file.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
