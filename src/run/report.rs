//! `lrb report`: a transcript rendered as a Markdown incident report.

use super::describe::{show_value, status_mark, status_word};
use super::transcript::{ActionResult, Event, Record};
use super::{Status, Value};
use crate::duration::Duration;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The report for one run's records.
pub fn render(records: &[Record]) -> String {
    let mut out = String::new();
    header(&mut out, records);
    let _ = writeln!(out, "## Timeline\n");
    timeline(&mut out, records);
    diagnosis(&mut out, records);
    actions(&mut out, records);
    confirmation(&mut out, records);
    followups(&mut out, records);
    out
}

/// The `start` record's fields the header shows.
struct Started<'a> {
    record: &'a Record,
    runbook: &'a String,
    title: &'a Option<String>,
    severity: &'a Option<String>,
    file: &'a String,
    file_sha256: &'a String,
    lrb_version: &'a String,
    user: &'a String,
    host: &'a String,
    params: &'a BTreeMap<String, String>,
}

/// The `end` record's fields.
struct Ended<'a> {
    outcome: &'a String,
    exit_code: &'a u8,
    time_to_recovery_ms: &'a Option<u64>,
    duration_ms: &'a u64,
}

fn header(out: &mut String, records: &[Record]) {
    let start = records.iter().find_map(|r| match &r.event {
        Event::Start {
            runbook,
            title,
            severity,
            file,
            file_sha256,
            lrb_version,
            user,
            host,
            params,
            ..
        } => Some(Started {
            record: r,
            runbook,
            title,
            severity,
            file,
            file_sha256,
            lrb_version,
            user,
            host,
            params,
        }),
        _ => None,
    });
    let end = records.iter().rev().find_map(|r| match &r.event {
        Event::End {
            outcome,
            exit_code,
            time_to_recovery_ms,
            duration_ms,
        } => Some(Ended {
            outcome,
            exit_code,
            time_to_recovery_ms,
            duration_ms,
        }),
        _ => None,
    });
    let Some(Started {
        record: first,
        runbook,
        title,
        severity,
        file,
        file_sha256: sha,
        lrb_version: version,
        user,
        host,
        params,
    }) = start
    else {
        let _ = writeln!(
            out,
            "# Incident report\n\nThe transcript has no `start` record: it is empty or was cut short.\n"
        );
        return;
    };
    let _ = writeln!(
        out,
        "# Incident report: {} (`{runbook}`)\n",
        cell(title.as_deref().unwrap_or(runbook))
    );
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Runbook | `{runbook}` from `{}` |", cell(file));
    let _ = writeln!(out, "| File SHA-256 | `{sha}` |");
    if let Some(s) = severity {
        let _ = writeln!(out, "| Severity | {} |", cell(s));
    }
    let _ = writeln!(out, "| Started | {} |", first.at);
    let _ = writeln!(out, "| Operator | {}@{} |", cell(user), cell(host));
    let _ = writeln!(out, "| lrb | {version} |");
    match end {
        Some(Ended {
            outcome,
            exit_code: code,
            time_to_recovery_ms: ttr,
            duration_ms: duration,
        }) => {
            let _ = writeln!(out, "| Outcome | **{outcome}** (exit code {code}) |");
            let _ = writeln!(
                out,
                "| Duration | {} |",
                Duration::from_ms(*duration).rounded()
            );
            let ttr = ttr.map_or_else(
                || "not recovered".to_string(),
                |ms| Duration::from_ms(ms).rounded().to_string(),
            );
            let _ = writeln!(out, "| Time to recovery | {ttr} |");
        }
        None => {
            let _ = writeln!(
                out,
                "| Outcome | **unknown**: the transcript ends without an `end` record (the run was killed) |"
            );
        }
    }
    if !params.is_empty() {
        let shown: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("`{k}` = `{}`", cell(v)))
            .collect();
        let _ = writeln!(out, "| Parameters | {} |", shown.join(", "));
    }
    out.push('\n');
}

/// The records as a table of times and events, one line each that a person needs to read.
pub fn timeline(out: &mut String, records: &[Record]) {
    let _ = writeln!(out, "| Time (UTC) | Elapsed | Event |\n| --- | --- | --- |");
    // `when`s evaluated again once a mitigation has run: one that no longer holds matters.
    let mut again = false;
    for r in records {
        let text = summary(&r.event, again);
        again |= matches!(r.event, Event::Action { .. });
        let Some(text) = text else {
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | +{} | {} |",
            r.at,
            Duration::from_ms(r.elapsed_ms).rounded(),
            cell(&text)
        );
    }
    out.push('\n');
}

/// One line for the timeline; `None` for records that only the other sections show. `again`:
/// a mitigation has run, so a `when` is being evaluated again.
fn summary(event: &Event, again: bool) -> Option<String> {
    Some(match event {
        Event::Start { runbook, user, .. } => format!("`{user}` started `{runbook}`"),
        Event::Probe { .. } | Event::Check { .. } => return None,
        Event::Diagnosis {
            duration_ms,
            passed,
            failed,
            errored,
        } => format!(
            "diagnosis in {}: {passed} passed, {failed} failed, {errored} errored",
            Duration::from_ms(*duration_ms).rounded()
        ),
        Event::When {
            condition, holds, ..
        } => match (holds, again) {
            (true, _) => format!("`{condition}` matched"),
            (false, true) => format!("`{condition}` no longer holds"),
            (false, false) => return None,
        },
        Event::Resume {
            gap_ms,
            forced,
            user,
            host,
            ..
        } => format!(
            "**resumed** by {user}@{host} after a gap of {}{}: every check runs again",
            Duration::from_ms(*gap_ms).rounded(),
            if *forced {
                " (the runbook changed since the first session: `--force`)"
            } else {
                ""
            }
        ),
        Event::Handover { from, to, by, how } => {
            format!("**handed over** from `{from}` to runbook `{to}` ({by}, {how})")
        }
        Event::Healthy => "no `when` matched: healthy, nothing to do".into(),
        Event::Unhandled { checks } => {
            let ids: Vec<String> = checks.iter().map(|c| format!("`{c}`")).collect();
            format!(
                "**unhandled**: {} did not pass and no `when` matched: escalate",
                ids.join(", ")
            )
        }
        Event::Approval {
            mitigation,
            question,
            answer,
            by,
            how,
        } => format!("`{mitigation}`: {question} → **{answer}** ({by}, {how})"),
        Event::Refusal { mitigation, reason } => format!("refused `{mitigation}`: {reason}"),
        Event::Action { mitigation, result } => format!(
            "`{mitigation}`: {} {} — {}",
            status_mark(result.status),
            result.action,
            result.detail
        ),
        Event::Wait {
            mitigation,
            duration_ms,
        } => format!(
            "`{mitigation}`: waited {}",
            Duration::from_ms(*duration_ms).rounded()
        ),
        Event::ConfirmAttempt {
            attempt,
            of,
            passed,
            ..
        } => format!(
            "confirm attempt {attempt} of {of}: {}",
            if *passed { "passed" } else { "not yet" }
        ),
        Event::Interrupted {
            signal,
            during,
            undone,
        } => {
            let by = if signal.is_empty() {
                String::new()
            } else {
                format!(" ({signal})")
            };
            let left: String = undone
                .iter()
                .map(|u| format!("; left undone: {u}"))
                .collect();
            format!("**interrupted** during {during}{by}{left}")
        }
        Event::End {
            outcome, exit_code, ..
        } => format!("ended: **{outcome}** (exit code {exit_code})"),
    })
}

fn diagnosis(out: &mut String, records: &[Record]) {
    let _ = writeln!(out, "## Diagnosis\n");
    let order = records
        .iter()
        .find_map(|r| match &r.event {
            Event::Start { checks, .. } => Some(checks.as_slice()),
            _ => None,
        })
        .unwrap_or_default();
    // The first diagnosis ends at its `diagnosis` record; checks after it ran again once a
    // mitigation had run.
    let first = records
        .iter()
        .position(|r| matches!(r.event, Event::Diagnosis { .. }))
        .map_or(records.len(), |i| i + 1);
    let (diagnosed, again) = records.split_at(first);
    if !check_table(out, diagnosed, order) {
        let _ = writeln!(out, "No check finished.\n");
    }
    if again.iter().any(|r| matches!(r.event, Event::Check { .. })) {
        let _ = writeln!(out, "Checked again after a mitigation:\n");
        check_table(out, again, order);
    }
    for r in records {
        if let Event::When {
            condition,
            holds,
            evidence,
            mitigations,
            see,
        } = &r.event
        {
            let why: Vec<String> = evidence
                .iter()
                .map(|e| match &e.value {
                    Some(v) => format!(
                        "`{}` {} ({})",
                        e.check,
                        status_word(e.status),
                        show_value(v)
                    ),
                    None => format!("`{}` {}", e.check, status_word(e.status)),
                })
                .collect();
            let mut proposes: Vec<String> = mitigations.iter().map(|m| format!("`{m}`")).collect();
            proposes.extend(see.iter().map(|s| format!("see runbook `{s}`")));
            let _ = writeln!(
                out,
                "- `{condition}`: {} because {}{}",
                if *holds {
                    "**matched**"
                } else {
                    "did not match"
                },
                why.join(", "),
                if *holds && !proposes.is_empty() {
                    format!("; proposes {}", proposes.join(", "))
                } else {
                    String::new()
                }
            );
        }
    }
    out.push('\n');
}

/// The checks among `records` as a table, in the runbook's `order`; `false` when there are
/// none.
/// One row of the checks table, as the transcript recorded the check.
struct CheckRow<'a> {
    check: &'a str,
    description: Option<&'a str>,
    status: Status,
    value: Option<&'a Value>,
    detail: &'a str,
    ms: u64,
}

fn check_table(out: &mut String, records: &[Record], order: &[String]) -> bool {
    let mut checks: Vec<CheckRow> = records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Check {
                check,
                description,
                status,
                value,
                detail,
                duration_ms,
                ..
            } => Some(CheckRow {
                check,
                description: description.as_deref(),
                status: *status,
                value: value.as_ref(),
                detail,
                ms: *duration_ms,
            }),
            _ => None,
        })
        .collect();
    if checks.is_empty() {
        return false;
    }
    checks.sort_by_key(|c| {
        order
            .iter()
            .position(|id| id == c.check)
            .unwrap_or(usize::MAX)
    });
    let _ = writeln!(
        out,
        "| Check | State | Value | Detail | Time |\n| --- | --- | --- | --- | --- |"
    );
    for row in checks {
        let name = match row.description {
            Some(d) => format!("`{}`: {}", row.check, cell(d)),
            None => format!("`{}`", row.check),
        };
        let _ = writeln!(
            out,
            "| {name} | {} {} | {} | {} | {} |",
            status_mark(row.status),
            status_word(row.status),
            row.value
                .map(show_value)
                .map_or_else(String::new, |v| cell(&v)),
            cell(row.detail),
            Duration::from_ms(row.ms).rounded()
        );
    }
    out.push('\n');
    true
}

fn actions(out: &mut String, records: &[Record]) {
    let _ = writeln!(out, "## Actions taken\n");
    let mut any = false;
    for r in records {
        match &r.event {
            Event::Approval {
                mitigation,
                question,
                answer,
                by,
                how,
            } => {
                let _ = writeln!(
                    out,
                    "- {}: `{mitigation}`: {} → **{answer}** ({by}, {how})",
                    r.at,
                    cell(question)
                );
            }
            Event::Refusal { mitigation, reason } => {
                let _ = writeln!(out, "- {}: refused `{mitigation}`: {reason}", r.at);
            }
            Event::Wait {
                mitigation,
                duration_ms,
            } => {
                let _ = writeln!(
                    out,
                    "- {}: `{mitigation}`: waited {}",
                    r.at,
                    Duration::from_ms(*duration_ms).rounded()
                );
            }
            Event::Action { mitigation, result } => {
                let _ = writeln!(out, "- {}: `{mitigation}`: {}", r.at, line(result));
                if let Some(output) = result.output.as_deref().filter(|o| !o.trim().is_empty()) {
                    let _ = writeln!(out, "\n  ```text\n{}\n  ```", indent(output));
                }
            }
            _ => continue,
        }
        any = true;
    }
    if !any {
        let _ = writeln!(out, "None.");
    }
    out.push('\n');
}

fn confirmation(out: &mut String, records: &[Record]) {
    let _ = writeln!(out, "## Confirmation\n");
    let mut any = false;
    for r in records {
        if let Event::ConfirmAttempt {
            attempt,
            of,
            passed,
            results,
        } = &r.event
        {
            any = true;
            let _ = writeln!(
                out,
                "- attempt {attempt} of {of} at {}: {}",
                r.at,
                if *passed { "**passed**" } else { "not yet" }
            );
            for result in results
                .iter()
                .filter(|x| !*passed || x.status != Status::Passed)
            {
                let _ = writeln!(out, "  - {}", line(result));
            }
        }
    }
    if !any {
        let _ = writeln!(out, "`confirm` did not run.");
    }
    out.push('\n');
}

fn followups(out: &mut String, records: &[Record]) {
    let list = records.iter().find_map(|r| match &r.event {
        Event::Start { followups, .. } => Some(followups),
        _ => None,
    });
    let _ = writeln!(out, "## Follow-up\n");
    match list {
        Some(list) if !list.is_empty() => {
            for item in list {
                let _ = writeln!(out, "- [ ] {item}");
            }
        }
        _ => {
            let _ = writeln!(out, "The runbook lists no follow-up.");
        }
    }
}

fn line(r: &ActionResult) -> String {
    format!(
        "{} `{}` ({}): {} in {}",
        status_mark(r.status),
        r.action.replace('`', "'"),
        r.effect,
        if r.detail.is_empty() {
            status_word(r.status)
        } else {
            &r.detail
        },
        Duration::from_ms(r.duration_ms).rounded()
    )
}

/// Text safe inside a Markdown table cell.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn record(elapsed_ms: u64, event: Event) -> Record {
        Record {
            at: format!("2026-11-30T03:00:{:02}Z", elapsed_ms / 1000),
            elapsed_ms,
            event,
        }
    }

    fn check(id: &str, status: Status, duration_ms: u64) -> Event {
        Event::Check {
            check: id.into(),
            description: None,
            info: false,
            status,
            value: None,
            detail: String::new(),
            duration_ms,
        }
    }

    fn start(checks: &[&str]) -> Event {
        Event::Start {
            runbook: "rb".into(),
            title: None,
            severity: None,
            file: "rb.rb".into(),
            file_sha256: "0".into(),
            lrb_version: "0".into(),
            user: "oncall".into(),
            host: "host".into(),
            command_line: Vec::new(),
            params: BTreeMap::new(),
            interactive: false,
            yes: true,
            allow_destructive: false,
            followups: Vec::new(),
            checks: checks.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn rows(section: &str) -> Vec<&str> {
        section.lines().filter(|l| l.starts_with("| `")).collect()
    }

    #[test]
    fn checks_are_listed_in_the_runbooks_order_and_rechecks_apart() {
        let records = [
            record(0, start(&["live", "ready", "memory"])),
            // Finished fastest first.
            record(10, check("memory", Status::Failed, 10)),
            record(20, check("ready", Status::Passed, 20)),
            record(900, check("live", Status::Error, 900)),
            record(
                900,
                Event::Diagnosis {
                    duration_ms: 900,
                    passed: 1,
                    failed: 1,
                    errored: 1,
                },
            ),
            record(1500, check("memory", Status::Passed, 5)),
        ];
        let report = render(&records);
        let diagnosis = &report[report.find("## Diagnosis").unwrap()..];
        let (first, again) = diagnosis
            .split_once("Checked again after a mitigation:")
            .expect("re-checks are listed apart");
        let first = rows(first);
        assert_eq!(first.len(), 3, "{report}");
        assert!(first[0].starts_with("| `live`"), "{report}");
        assert!(first[1].starts_with("| `ready`"), "{report}");
        assert!(first[2].starts_with("| `memory`"), "{report}");
        assert!(rows(again)[0].starts_with("| `memory` | ✓"), "{report}");
    }

    #[test]
    fn the_timeline_says_when_a_when_no_longer_holds_after_a_mitigation() {
        let when = |holds| Event::When {
            condition: "failed(:memory)".into(),
            holds,
            evidence: Vec::new(),
            mitigations: vec!["restart".into()],
            see: Vec::new(),
        };
        let action = Event::Action {
            mitigation: "restart".into(),
            result: ActionResult {
                action: "docker restart backend".into(),
                effect: "write".into(),
                status: Status::Passed,
                value: None,
                detail: String::new(),
                output: None,
                duration_ms: 5,
            },
        };
        let records = [
            record(0, start(&["memory"])),
            record(1, when(false)),
            record(2, when(true)),
            record(3, action),
            record(4, when(false)),
        ];
        let report = render(&records);
        let timeline = &report[..report.find("## Diagnosis").unwrap()];
        assert_eq!(
            timeline.matches("`failed(:memory)` matched").count(),
            1,
            "{report}"
        );
        assert_eq!(
            timeline
                .matches("`failed(:memory)` no longer holds")
                .count(),
            1,
            "{report}"
        );
    }

    #[test]
    fn waits_are_in_the_timeline_and_the_actions() {
        let records = [
            record(0, start(&[])),
            record(
                30_000,
                Event::Wait {
                    mitigation: "Restart and let it warm up".into(),
                    duration_ms: 30_000,
                },
            ),
        ];
        let report = render(&records);
        let line = "`Restart and let it warm up`: waited 30s";
        assert_eq!(report.matches(line).count(), 2, "{report}");
    }
}
