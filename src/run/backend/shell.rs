//! Shell commands: `bash -c` in the target's directory, in a process group of its own.
//!
//! `kill_on_drop` kills only bash; a `sleep 100 &` it started would live on. So the command
//! leads a new process group, and [`GroupGuard`] kills the whole group with SIGKILL when the
//! run is abandoned: on timeout, and when the engine drops the future (Ctrl-C).

use super::{Ctx, Finding, Probe, check_bounds, scalar};
use crate::action::ShellAction;
use crate::action::catalogue::TargetKind;
use crate::fill::shell::variable;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::process::{ExitStatus, Stdio};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

/// Most bytes kept of each of stdout and stderr (the tail); the rest is read and dropped.
const MAX_STREAM_BYTES: usize = 64 * 1024;

pub(super) async fn run(a: &ShellAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Shell)?;
    let shown = &a.command.template;
    ctx.need(shown)?;
    let mut cmd = Command::new("bash");
    // The line holds `${LRB_P_name}` references, never values: bash expands each value once,
    // as data. Only the parameters this line uses are passed, and none from outside lrb.
    cmd.arg("-c")
        .arg(&a.command.line)
        .current_dir(&target.address);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LRB_P_") {
            cmd.env_remove(name);
        }
    }
    for hole in &a.command.holes {
        cmd.env(variable(&hole.param), ctx.value(&hole.param));
    }
    let done = run_process(cmd)
        .await
        .map_err(|e| format!("cannot run `{shown}` in `{}`: {e}", target.address))?;

    let stdout = done.stdout.trim();
    let value = (!stdout.is_empty()).then(|| scalar(stdout));
    let problem = if done.status.code() != Some(a.exit) {
        let mut why = format!("`{shown}` {}, expected exit {}", done.exit_text(), a.exit);
        if let Some(last) = done.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
            why.push_str(": ");
            why.push_str(last.trim());
        }
        Some(why)
    } else if let Some(needle) = &a.contains
        && !done.stdout.contains(ctx.render(needle)?.as_str())
    {
        Some(format!("output of `{shown}` does not contain `{needle}`"))
    } else {
        check_bounds(value.as_ref(), &a.bounds).map(|p| format!("`{shown}`: {p}"))
    };
    Ok(
        Finding::judged(problem, format!("`{shown}` {}", done.exit_text()))
            .value(value)
            .output(done.combined()),
    )
}

/// What a finished process left: exit code (`None` when a signal ended it) and the tails of
/// its output.
pub(super) struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn exit_text(&self) -> String {
        use std::os::unix::process::ExitStatusExt;
        match (self.status.code(), self.status.signal()) {
            (Some(code), _) => format!("exited {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            (None, None) => "ended without an exit code".into(),
        }
    }

    /// stdout, then stderr under a heading when there is any.
    pub fn combined(&self) -> String {
        match (self.stdout.trim_end(), self.stderr.trim_end()) {
            (out, "") => out.to_string(),
            ("", err) => format!("stderr:\n{err}"),
            (out, err) => format!("{out}\nstderr:\n{err}"),
        }
    }
}

/// Runs `cmd` with no stdin, its output captured, in a new process group that is killed whole
/// if this future is dropped before the process and its output are done.
pub(super) async fn run_process(mut cmd: Command) -> std::io::Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = cmd.spawn()?;
    let mut guard = GroupGuard(child.id().map(|id| Pid::from_raw(id as i32)));
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let (stdout, stderr, status) = tokio::join!(read_tail(stdout), read_tail(stderr), child.wait());
    let status = status?;
    // Everything is read and the leader reaped: whatever is left of the group was detached
    // on purpose (a daemon), so leave it alone.
    guard.0 = None;
    Ok(Finished {
        status,
        stdout: stdout?,
        stderr: stderr?,
    })
}

/// Kills a process group with SIGKILL when dropped while still armed.
struct GroupGuard(Option<Pid>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            // ESRCH (already gone) is the outcome we want anyway.
            let _ = killpg(pgid, Signal::SIGKILL);
        }
    }
}

/// Reads a stream to its end, keeping only its last [`MAX_STREAM_BYTES`] bytes.
async fn read_tail(stream: Option<impl AsyncRead + Unpin>) -> std::io::Result<String> {
    let Some(mut stream) = stream else {
        return Ok(String::new());
    };
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buf[..n]);
        if kept.len() > 2 * MAX_STREAM_BYTES {
            kept.drain(..kept.len() - MAX_STREAM_BYTES);
        }
    }
    if kept.len() > MAX_STREAM_BYTES {
        kept.drain(..kept.len() - MAX_STREAM_BYTES);
    }
    Ok(String::from_utf8_lossy(&kept).into_owned())
}
