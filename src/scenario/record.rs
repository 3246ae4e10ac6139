//! `lrb test --record`: a transcript of a real run, as a scenario that reproduces it: what each
//! check saw at the diagnosis and after each mitigation, what `confirm` saw, the operator's
//! answers and flags, and, as expectations, the mitigations that ran, those refused or
//! skipped, the handovers and the outcome. Every recorded value is written as a literal.

use crate::action::ValueType;
use crate::plan::Runbook;
use crate::run::transcript::{Event, Record};
use crate::run::{Status, Value};
use std::fmt::Write;

/// The scenario, as source text, that reproduces the run `records` hold.
pub fn scenario(records: &[Record], runbook: &Runbook, from: &str) -> Result<String, String> {
    let Some(Record {
        at,
        event:
            Event::Start {
                runbook: id,
                params,
                interactive,
                yes,
                allow_destructive,
                user,
                host,
                ..
            },
        ..
    }) = records.first()
    else {
        return Err("the transcript does not start with a `start` record".into());
    };
    if *id != runbook.id {
        return Err(format!(
            "the transcript is a run of `{id}`, but the runbook loaded is `{}`",
            runbook.id
        ));
    }
    let mut given: Vec<(String, String)> = Vec::new();
    // What the checks saw after each mitigation that ran, by mitigation.
    let mut after: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut ran = Vec::new();
    let mut answers = Vec::new();
    let mut refused = Vec::new();
    let mut skipped = Vec::new();
    let mut handovers = Vec::new();
    let mut confirm: Option<Option<u32>> = None;
    let mut outcome = None;
    for record in records {
        match &record.event {
            Event::Check {
                check,
                status,
                value,
                ..
            } => {
                let fact = fact(runbook, check, *status, value.as_ref());
                match after.last_mut() {
                    Some((_, seen)) => seen.push((check.clone(), fact)),
                    None => given.push((check.clone(), fact)),
                }
            }
            Event::Approval {
                mitigation,
                question,
                answer,
                ..
            } if runbook
                .mitigations()
                .any(|m| m.name == *mitigation && crate::run::engine::question(m) == *question) =>
            {
                match answer.as_str() {
                    "run" => {
                        ran.push(mitigation.clone());
                        after.push((mitigation.clone(), Vec::new()));
                    }
                    "skip" => {
                        skipped.push(mitigation.clone());
                        answers.push((mitigation.clone(), "skip"));
                    }
                    _ => answers.push((mitigation.clone(), "abort")),
                }
            }
            Event::Refusal { mitigation, .. } => refused.push(mitigation.clone()),
            Event::When { holds, see, .. } if *holds => {
                for to in see {
                    if !handovers.contains(to) {
                        handovers.push(to.clone());
                    }
                }
            }
            Event::ConfirmAttempt {
                attempt, passed, ..
            } => {
                if *passed {
                    confirm = Some(Some(*attempt));
                } else if confirm.is_none() {
                    confirm = Some(None);
                }
            }
            Event::End { outcome: o, .. } => outcome = Some(o.replace(' ', "_")),
            Event::Resume { .. } => {
                return Err("the run was resumed: a scenario reproduces one session, and this transcript holds several".into());
            }
            Event::Handover { to, .. } => {
                return Err(format!(
                    "the run continued into runbook `{to}` (`--follow`): record a transcript of one runbook"
                ));
            }
            Event::Interrupted { signal, .. } => {
                return Err(format!(
                    "the run was interrupted ({signal}) before it ended: there is no outcome to reproduce"
                ));
            }
            Event::Start { .. }
            | Event::Probe { .. }
            | Event::Diagnosis { .. }
            | Event::Healthy
            | Event::Unhandled { .. }
            | Event::Approval { .. }
            | Event::Action { .. }
            | Event::Wait { .. }
            | Event::When { .. } => {}
        }
    }
    let Some(outcome) = outcome else {
        return Err("the transcript has no `end` record: the run did not finish".into());
    };
    if !(super::OUTCOMES.iter()).any(|f| super::outcome_name(*f) == outcome) {
        return Err(format!(
            "the run ended `{outcome}` (a `--plan` of the exported script, say), which no scenario can reproduce"
        ));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Recorded by `lrb test --record {from}`: {user}@{host}, {at}."
    );
    let _ = writeln!(
        out,
        "scenario {} do",
        crate::fmt::quote(&format!("recorded: {} at {at}", runbook.id))
    );
    let _ = writeln!(out, "  runbook :{}", runbook.id);
    if !interactive {
        let _ = writeln!(out, "  operator :absent");
    }
    match (yes, allow_destructive) {
        (true, true) => {
            let _ = writeln!(out, "  flags :yes, :allow_destructive");
        }
        (true, false) => {
            let _ = writeln!(out, "  flags :yes");
        }
        (false, _) => {}
    }
    for param in &runbook.params {
        match params.get(&param.name) {
            // A secret's value is masked in the transcript: the scenario uses the default.
            Some(value) if !param.secret && param.default.as_ref() != Some(value) => {
                let _ = writeln!(out, "  set :{}, {}", param.name, crate::fmt::quote(value));
            }
            Some(_) | None => {}
        }
    }
    for (check, fact) in &given {
        let _ = writeln!(out, "  given :{check}{fact}");
    }
    for (mitigation, answer) in &answers {
        let _ = writeln!(out, "  answer {}, :{answer}", crate::fmt::quote(mitigation));
    }
    for (mitigation, seen) in after.iter().filter(|(_, seen)| !seen.is_empty()) {
        let _ = writeln!(out, "  after {} do", crate::fmt::quote(mitigation));
        let mut written: Vec<&str> = Vec::new();
        // A check run twice after one mitigation (again before the next `when`, then as the
        // recovery check) is described by what it saw last.
        for (check, fact) in seen.iter().rev() {
            if !written.contains(&check.as_str()) {
                written.push(check);
                let _ = writeln!(out, "    given :{check}{fact}");
            }
        }
        let _ = writeln!(out, "  end");
    }
    match (confirm, &runbook.confirm) {
        (Some(Some(attempt)), Some(c)) => {
            let waited = u64::from(attempt - 1) * c.every_ms.max(1);
            if waited == 0 {
                let _ = writeln!(out, "  given confirm: :passed");
            } else {
                let _ = writeln!(
                    out,
                    "  given confirm: :passed, after: {}",
                    crate::duration::Duration::from_ms(waited)
                );
            }
        }
        (Some(None), Some(_)) => {
            let _ = writeln!(out, "  given confirm: :failed");
        }
        (Some(_), None) | (None, _) => {}
    }
    let names: Vec<String> = ran.iter().map(|m| crate::fmt::quote(m)).collect();
    let _ = writeln!(out, "  expect order: [{}]", names.join(", "));
    for m in &refused {
        let _ = writeln!(out, "  expect refused: {}", crate::fmt::quote(m));
    }
    for m in &skipped {
        let _ = writeln!(out, "  expect skipped: {}", crate::fmt::quote(m));
    }
    for see in &handovers {
        let _ = writeln!(out, "  expect handover: :{see}");
    }
    let _ = writeln!(out, "  expect outcome: :{outcome}");
    let _ = writeln!(out, "end");
    Ok(out)
}

/// `, :failed, value: 503` for one check's outcome, the value written in the check's type.
fn fact(runbook: &Runbook, check: &str, status: Status, value: Option<&Value>) -> String {
    let state = match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error => "errored",
    };
    let ty = runbook
        .check(check)
        .map_or(ValueType::Any, |c| c.value_type);
    let value = match (value, ty) {
        (_, ValueType::None) | (None, _) => None,
        (Some(Value::Number(n)), ValueType::Percent) => Some(format!("{}%", number(*n))),
        (Some(Value::Number(n)), ValueType::Text) => Some(crate::fmt::quote(&number(*n))),
        (Some(Value::Number(n)), _) => Some(number(*n)),
        (Some(Value::Bool(b)), ValueType::Any) => Some(b.to_string()),
        (Some(Value::Bool(b)), _) => Some(crate::fmt::quote(&b.to_string())),
        (Some(Value::Text(t)), ValueType::Integer | ValueType::Number) => {
            t.trim().parse::<f64>().ok().map(number)
        }
        (Some(Value::Text(t)), ValueType::Percent) => (t.trim().trim_end_matches('%'))
            .parse::<f64>()
            .ok()
            .map(|n| format!("{}%", number(n))),
        // A probe's whole output (logs, `df -h`) decides nothing a `when` can compare; the
        // recorded scenario is run before it is written, so leaving it out cannot go unnoticed.
        (Some(Value::Text(t)), ValueType::Text | ValueType::Any)
            if t.contains('\n') || t.len() > 200 =>
        {
            None
        }
        (Some(Value::Text(t)), ValueType::Text | ValueType::Any) => Some(crate::fmt::quote(t)),
    };
    match value {
        Some(v) => format!(", :{state}, value: {v}"),
        None => format!(", :{state}"),
    }
}

/// A number as the language writes it: `503`, `42.5`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
