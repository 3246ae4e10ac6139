//! The transcript: one JSON object per line, written and flushed as the run goes, so an
//! interrupted run keeps everything up to the interruption. Every line is masked.

use super::condition::Evidence;
use super::mask;
use super::{Status, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// One line of the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// UTC time, RFC 3339.
    pub at: String,
    /// Milliseconds since the run started.
    pub elapsed_ms: u64,
    #[serde(flatten)]
    pub event: Event,
}

/// What one probe or action gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    /// What was sent where, as `lrb plan` shows it.
    pub action: String,
    /// `read`, `write` or `destructive`.
    pub effect: String,
    pub status: Status,
    pub value: Option<Value>,
    pub detail: String,
    pub output: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Start {
        runbook: String,
        title: Option<String>,
        severity: Option<String>,
        file: String,
        /// SHA-256 of the runbook file, to tell which version ran.
        file_sha256: String,
        lrb_version: String,
        user: String,
        host: String,
        /// The command line, secrets masked.
        #[serde(default)]
        command_line: Vec<String>,
        /// Parameter values; secret ones masked.
        params: BTreeMap<String, String>,
        interactive: bool,
        yes: bool,
        allow_destructive: bool,
        /// The runbook's `followup` list, here so even an interrupted run's report has it.
        followups: Vec<String>,
        /// The check ids in the runbook's order: checks finish in any order, reports list
        /// them in this one.
        #[serde(default)]
        checks: Vec<String>,
    },
    Probe {
        check: String,
        #[serde(flatten)]
        result: ActionResult,
    },
    Check {
        check: String,
        description: Option<String>,
        info: bool,
        status: Status,
        value: Option<Value>,
        detail: String,
        duration_ms: u64,
    },
    Diagnosis {
        duration_ms: u64,
        passed: usize,
        failed: usize,
        errored: usize,
    },
    When {
        condition: String,
        holds: bool,
        /// The checks the condition read, with their state and value.
        evidence: Vec<Evidence>,
        mitigations: Vec<String>,
        see: Vec<String>,
    },
    Healthy,
    /// No `when` matched, but these checks (not `info:`) did not pass.
    Unhandled {
        checks: Vec<String>,
    },
    /// A matched `when` handed over (`see :other`) and the run continued into that runbook.
    Handover {
        from: String,
        to: String,
        /// Who ran lrb: `user@host`.
        by: String,
        /// `menu` (the operator chose to continue) or `--follow`.
        how: String,
    },
    /// A question put to the operator, or answered by a flag.
    Approval {
        mitigation: String,
        question: String,
        answer: String,
        /// Who ran lrb: `user@host`.
        by: String,
        /// How: `menu` (a choice at the terminal), `typed name`, `--yes`,
        /// `--yes --allow-destructive`, or `no terminal`.
        #[serde(default)]
        how: String,
    },
    Refusal {
        mitigation: String,
        reason: String,
    },
    Action {
        mitigation: String,
        #[serde(flatten)]
        result: ActionResult,
    },
    /// A `wait` step that ran its full time, in a mitigation or in `confirm`.
    Wait {
        mitigation: String,
        duration_ms: u64,
    },
    ConfirmAttempt {
        attempt: u32,
        of: u32,
        passed: bool,
        results: Vec<ActionResult>,
    },
    /// `lrb run --resume`: a new session of the same run, appended to its transcript.
    Resume {
        /// SHA-256 of the runbook bytes checked now.
        file_sha256: String,
        /// The runbook changed since the first session and `--force` resumed it anyway.
        forced: bool,
        /// From the last record of the earlier session to this one.
        gap_ms: u64,
        lrb_version: String,
        user: String,
        host: String,
        /// The command line, secrets masked.
        command_line: Vec<String>,
        interactive: bool,
        yes: bool,
        allow_destructive: bool,
    },
    /// A signal (`SIGINT`, `SIGTERM`, `SIGHUP`) stopped the run.
    Interrupted {
        #[serde(default)]
        signal: String,
        during: String,
        /// What the run had not done: checks not finished, steps not run, `confirm`.
        #[serde(default)]
        undone: Vec<String>,
    },
    End {
        outcome: String,
        exit_code: u8,
        /// From the start of the run to the passing confirm attempt.
        time_to_recovery_ms: Option<u64>,
        duration_ms: u64,
    },
}

/// Where records go: a file as the run goes, or memory for `lrb test`.
enum Sink {
    File(File),
    Memory(Vec<Record>),
}

/// A transcript being written.
pub struct Transcript {
    sink: Mutex<Sink>,
    secrets: Mutex<Vec<String>>,
    started: Instant,
    /// The first write that failed; the run goes on without a transcript.
    error: Mutex<Option<io::Error>>,
}

impl Transcript {
    pub fn create(path: &Path, secrets: Vec<String>, started: Instant) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Self::to(Sink::File(File::create(path)?), secrets, started)
    }

    /// A transcript kept in memory: a simulated run's record, read back with
    /// [`Transcript::records`].
    pub fn in_memory(started: Instant) -> Self {
        Transcript {
            sink: Mutex::new(Sink::Memory(Vec::new())),
            secrets: Mutex::new(Vec::new()),
            started,
            error: Mutex::new(None),
        }
    }

    /// What an in-memory transcript holds; `None` for one written to a file.
    pub fn records(&self) -> Option<Vec<Record>> {
        match &*self.sink.lock().unwrap_or_else(|p| p.into_inner()) {
            Sink::Memory(records) => Some(records.clone()),
            Sink::File(_) => None,
        }
    }

    /// Appends to an existing transcript (`--resume`); `started` is the first session's start.
    pub fn append(path: &Path, secrets: Vec<String>, started: Instant) -> io::Result<Self> {
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        Self::to(Sink::File(file), secrets, started)
    }

    fn to(sink: Sink, secrets: Vec<String>, started: Instant) -> io::Result<Self> {
        let transcript = Transcript {
            sink: Mutex::new(sink),
            secrets: Mutex::new(Vec::new()),
            started,
            error: Mutex::new(None),
        };
        transcript.add_secrets(&secrets);
        Ok(transcript)
    }

    /// Masks these too from now on: the secrets of a runbook a handover entered.
    pub fn add_secrets(&self, secrets: &[String]) {
        let mut all = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        // JSON escapes some characters; mask the escaped form of each secret too.
        for s in secrets {
            all.push(s.clone());
            if let Ok(quoted) = serde_json::to_string(s) {
                all.push(quoted[1..quoted.len() - 1].to_string());
            }
        }
        all.sort();
        all.dedup();
    }

    /// Appends one event and flushes it to disk.
    pub fn record(&self, event: Event) {
        let record = Record {
            at: jiff::Timestamp::now()
                .round(jiff::Unit::Millisecond)
                .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string()),
            elapsed_ms: self.started.elapsed().as_millis() as u64,
            event,
        };
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        let file = match &mut *sink {
            Sink::File(file) => file,
            Sink::Memory(records) => return records.push(record),
        };
        let line = match serde_json::to_string(&record) {
            Ok(line) => mask::mask(
                &line,
                &self.secrets.lock().unwrap_or_else(|p| p.into_inner()),
            ),
            Err(e) => return self.fail(io::Error::other(e)),
        };
        // One write per line: a kill leaves whole lines behind (the kernel has them already).
        if let Err(e) = file.write_all(format!("{line}\n").as_bytes()) {
            drop(sink);
            self.fail(e);
        }
    }

    fn fail(&self, e: io::Error) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
    }

    /// The first write error, if any happened.
    pub fn take_error(&self) -> Option<io::Error> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// A transcript line that could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{path}`: {source}")]
    Io { path: String, source: io::Error },
    #[error("`{path}` line {line} is not a transcript record: {source}")]
    Bad {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
}

/// Reads a transcript back. A last line cut short by an interruption is ignored.
pub fn read(path: &Path) -> Result<Vec<Record>, ReadError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| ReadError::Io {
        path: shown.clone(),
        source,
    })?;
    let lines: Vec<String> = io::BufReader::new(file)
        .lines()
        .collect::<io::Result<_>>()
        .map_err(|source| ReadError::Io {
            path: shown.clone(),
            source,
        })?;
    let last = lines.len();
    let mut records = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(r) => records.push(r),
            Err(e) if i + 1 == last && e.is_eof() => {}
            Err(source) => {
                return Err(ReadError::Bad {
                    path: shown,
                    line: i + 1,
                    source,
                });
            }
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_masked_flushed_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let secret = "pa\"ss".to_string();
        let t = Transcript::create(&path, vec![secret.clone()], Instant::now()).unwrap();
        t.record(Event::Refusal {
            mitigation: "m".into(),
            reason: format!("cannot log in with {secret}"),
        });
        t.record(Event::Healthy);
        // Readable before the transcript is dropped: each record is on disk already.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("pa\\\"ss") && !text.contains("pa\"ss"),
            "{text}"
        );
        std::fs::write(&path, format!("{text}{{\"at\":\"x\",\"elapsed")).unwrap();
        let records = read(&path).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[0].event,
            Event::Refusal {
                mitigation: "m".into(),
                reason: "cannot log in with ***".into()
            }
        );
        assert!(t.take_error().is_none());
    }
}
