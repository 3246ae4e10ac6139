//! `lrb report DIR`: the transcripts of one runbook run across a fleet (`lrb export ansible`
//! brings them back as `transcripts/HOST.jsonl`) as one Markdown report: a table of hosts,
//! then each host's timeline.

use super::report::{self, cell};
use super::transcript::{Event, Record};
use crate::duration::Duration;
use std::fmt::Write;

/// One host's transcript, named after the host.
pub struct Host {
    pub name: String,
    pub records: Vec<Record>,
}

/// What the table shows of a host.
struct Row<'a> {
    outcome: String,
    mitigations: Vec<&'a str>,
    recovery: String,
}

fn row(records: &[Record]) -> Row<'_> {
    let end = records.iter().rev().find_map(|r| match &r.event {
        Event::End {
            outcome,
            exit_code,
            time_to_recovery_ms,
            ..
        } => Some((
            format!("{outcome} (exit code {exit_code})"),
            *time_to_recovery_ms,
        )),
        _ => None,
    });
    let mitigations = records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Approval {
                mitigation, answer, ..
            } if answer == "run" => Some(mitigation.as_str()),
            _ => None,
        })
        .collect();
    let (outcome, ttr) = end.unwrap_or(("unknown: no `end` record".into(), None));
    Row {
        outcome,
        mitigations,
        recovery: ttr.map_or("-".into(), |ms| Duration::from_ms(ms).rounded().to_string()),
    }
}

/// The fleet report of `hosts`, in the order given.
pub fn render(hosts: &[Host]) -> String {
    let mut out = String::new();
    let runbook = hosts
        .iter()
        .flat_map(|h| &h.records)
        .find_map(|r| match &r.event {
            Event::Start { runbook, title, .. } => Some(match title {
                Some(t) => format!("{t} (`{runbook}`)"),
                None => format!("`{runbook}`"),
            }),
            _ => None,
        });
    let _ = writeln!(
        out,
        "# Fleet report: {}\n\n{} host{}.\n\n| Host | Outcome | Mitigations run | Time to recovery |\n| --- | --- | --- | --- |",
        runbook.unwrap_or_else(|| "no run recorded".into()),
        hosts.len(),
        if hosts.len() == 1 { "" } else { "s" }
    );
    for host in hosts {
        let r = row(&host.records);
        let ran: Vec<String> = r.mitigations.iter().map(|m| format!("`{m}`")).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&host.name),
            cell(&r.outcome),
            if ran.is_empty() {
                "none".to_string()
            } else {
                cell(&ran.join(", "))
            },
            r.recovery
        );
    }
    out.push('\n');
    for host in hosts {
        let _ = writeln!(out, "## {}\n", cell(&host.name));
        report::timeline(&mut out, &host.records);
    }
    out
}
