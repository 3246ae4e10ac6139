//! Resuming: what the earlier sessions of a run did, read back from its transcript, so the
//! resumed run proposes again only what holds now and says what happened last time.

use crate::plan::Runbook;
use crate::run::transcript::{Event, Record};
use std::collections::BTreeMap;
use std::time::Duration;

/// What the earlier sessions in a transcript did.
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The runbook and the sha256 of the source the first session checked.
    pub runbook: String,
    pub file_sha256: String,
    /// When the first session started and when the last record was written (RFC 3339).
    pub started_at: String,
    pub last_at: String,
    /// Time from the first start to now, for elapsed times and time to recovery.
    pub since_start: Duration,
    /// Time from the last record to now: the gap.
    pub gap: Duration,
    /// Each mitigation that was approved to run, by name: the last time.
    pub mitigations: BTreeMap<String, Ran>,
}

/// The last run of one mitigation in an earlier session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// When it was approved (RFC 3339).
    pub at: String,
    /// Its steps that finished, as the transcript shows them.
    pub steps: Vec<String>,
}

/// Why a transcript cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    #[error("the transcript has no `start` record, so there is no run to resume")]
    NoStart,
    #[error("the transcript is a run of runbook `{0}`, not `{1}`")]
    OtherRunbook(String, String),
}

impl Earlier {
    /// Reads the sessions in `records` for `runbook`.
    pub fn read(records: &[Record], runbook: &Runbook) -> Result<Earlier, ResumeError> {
        let (first, id, sha) = records
            .iter()
            .find_map(|r| match &r.event {
                Event::Start {
                    runbook,
                    file_sha256,
                    ..
                } => Some((r, runbook, file_sha256)),
                _ => None,
            })
            .ok_or(ResumeError::NoStart)?;
        if *id != runbook.id {
            return Err(ResumeError::OtherRunbook(id.clone(), runbook.id.clone()));
        }
        let last = records.last().unwrap_or(first);
        let mut mitigations: BTreeMap<String, Ran> = BTreeMap::new();
        for r in records {
            match &r.event {
                Event::Approval {
                    mitigation,
                    question,
                    answer,
                    ..
                } if answer == "run" && !question.ends_with("done?") => {
                    mitigations.insert(
                        mitigation.clone(),
                        Ran {
                            at: r.at.clone(),
                            steps: Vec::new(),
                        },
                    );
                }
                Event::Action { mitigation, result } => {
                    if let Some(ran) = mitigations.get_mut(mitigation) {
                        ran.steps.push(result.action.clone());
                    }
                }
                Event::Wait {
                    mitigation,
                    duration_ms,
                } => {
                    if let Some(ran) = mitigations.get_mut(mitigation) {
                        ran.steps.push(format!(
                            "wait {}",
                            crate::duration::Duration::from_ms(*duration_ms).rounded()
                        ));
                    }
                }
                Event::Approval {
                    mitigation,
                    question,
                    answer,
                    ..
                } if answer == "done" => {
                    if let Some(ran) = mitigations.get_mut(mitigation) {
                        ran.steps
                            .push(question.trim_end_matches(": done?").to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(Earlier {
            runbook: id.clone(),
            file_sha256: sha.clone(),
            started_at: first.at.clone(),
            last_at: last.at.clone(),
            since_start: age(&first.at),
            gap: age(&last.at),
            mitigations,
        })
    }

    /// What to tell the operator before `mitigation` (of `steps` steps) is proposed again.
    pub fn note(&self, mitigation: &str, steps: usize) -> Option<String> {
        let ran = self.mitigations.get(mitigation)?;
        let at = clock(&ran.at);
        Some(if ran.steps.len() >= steps {
            format!("`{mitigation}` ran at {at} (UTC); the condition holds again")
        } else {
            let done = if ran.steps.is_empty() {
                "no step finished".to_string()
            } else {
                format!("finished: {}", ran.steps.join("; "))
            };
            format!(
                "`{mitigation}` stopped halfway at {at} (UTC), {} of {steps} steps ({done}); the condition holds again",
                ran.steps.len()
            )
        })
    }
}

/// Time since an RFC 3339 time; zero when it cannot be read or lies ahead.
fn age(at: &str) -> Duration {
    at.parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| Duration::try_from(jiff::Timestamp::now().duration_since(t)).ok())
        .unwrap_or_default()
}

/// `03:12:05` from an RFC 3339 time.
fn clock(at: &str) -> String {
    at.parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%H:%M:%S").to_string())
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mitigation_that_finished_or_stopped_halfway_says_so() {
        let mut earlier = Earlier::default();
        let ran = |steps: &[&str]| Ran {
            at: "2026-12-02T03:12:05Z".into(),
            steps: steps.iter().map(|s| s.to_string()).collect(),
        };
        earlier.mitigations.insert("done".into(), ran(&["a", "b"]));
        earlier.mitigations.insert("half".into(), ran(&["a"]));
        assert_eq!(
            earlier.note("done", 2).unwrap(),
            "`done` ran at 03:12:05 (UTC); the condition holds again"
        );
        assert_eq!(
            earlier.note("half", 3).unwrap(),
            "`half` stopped halfway at 03:12:05 (UTC), 1 of 3 steps (finished: a); the condition holds again"
        );
        assert_eq!(earlier.note("never", 1), None);
    }
}
