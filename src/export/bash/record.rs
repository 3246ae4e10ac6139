//! The generated code behind the script's transcript: the `start` record and the tables the
//! `when` records read. The records themselves are written by `transcript.sh`, with the field
//! names of `crate::run::transcript::Event`, so `lrb report` reads the script's transcript as
//! it reads one of `lrb run`.

use super::words::{param_var, quote};
use crate::export::{ExportError, Meta};
use crate::plan::Runbook;
use serde::Serialize;
use std::fmt::Write;

/// A value the export knows, as JSON quoted for bash (`lrb_rec_j` writes it as it is).
fn json(value: &impl Serialize) -> Result<String, ExportError> {
    let text = serde_json::to_string(value).map_err(|e| ExportError::Plan(e.to_string()))?;
    quote(&text)
}

/// Opens the transcript (`--transcript PATH`, else `lrb-ID-TIME.jsonl` as `lrb run` names it)
/// and writes the `start` record.
pub fn start(s: &mut String, rb: &Runbook, meta: &Meta) -> Result<(), ExportError> {
    let _ = writeln!(
        s,
        "\nif [[ -z $LRB_TRANSCRIPT_PATH ]]; then\n  TZ=UTC0 printf -v LRB_TRANSCRIPT_PATH 'lrb-%s-%(%Y%m%dT%H%M%SZ)T.jsonl' {} -1\nfi\n\
         lrb_transcript_open \"$LRB_TRANSCRIPT_PATH\"\n\
         LRB_USER=${{USER:-${{LOGNAME:-unknown}}}}\nLRB_WHO=\"$LRB_USER@${{HOSTNAME:-unknown}}\"\nlrb_params=()",
        quote(&rb.id)?
    );
    let mut params: Vec<_> = rb.params.iter().collect();
    params.sort_by(|a, b| a.name.cmp(&b.name));
    for p in params {
        let value = if p.secret {
            quote(crate::run::mask::MASK)?
        } else {
            format!("\"${}\"", param_var(&p.name)?)
        };
        let _ = writeln!(
            s,
            "if [[ $LRB_UNSET != *' {} '* ]]; then\n  lrb_params+=({} {value})\nfi",
            p.name,
            quote(&p.name)?
        );
    }
    let checks: Vec<&str> = rb.checks.iter().map(|c| c.id.as_str()).collect();
    let fields = [
        ("runbook", json(&rb.id)?),
        ("title", json(&rb.title)?),
        ("severity", json(&rb.severity.map(|s| s.to_string()))?),
        ("file", json(&meta.source)?),
        ("file_sha256", json(&meta.sha256)?),
        ("lrb_version", json(&meta.version)?),
    ];
    s.push_str("lrb_rec start\n");
    for (name, value) in fields {
        let _ = writeln!(s, "lrb_rec_j {name} {value}");
    }
    let _ = writeln!(
        s,
        "lrb_rec_s user \"$LRB_USER\"\nlrb_rec_s host \"${{HOSTNAME:-unknown}}\"\n\
         lrb_rec_list command_line \"${{LRB_ARGV[@]}}\"\nlrb_rec_object params \"${{lrb_params[@]}}\"\n\
         lrb_rec_b interactive \"$LRB_TTY\"\nlrb_rec_b yes \"$LRB_YES\"\nlrb_rec_b allow_destructive \"$LRB_ALLOW_DESTRUCTIVE\"\n\
         lrb_rec_j followups {}\nlrb_rec_j checks {}\nlrb_rec_end",
        json(&rb.followups)?,
        json(&checks)?
    );
    Ok(())
}

/// What each `when` record holds that the export knows: the condition as `lrb run` writes it,
/// the checks it reads, its mitigations and the runbooks it hands over to.
pub fn whens(s: &mut String, rb: &Runbook) -> Result<(), ExportError> {
    let mut rows = [
        ("LRB_W_CONDITION", Vec::new()),
        ("LRB_W_CHECKS", Vec::new()),
        ("LRB_W_MITIGATIONS", Vec::new()),
        ("LRB_W_SEE", Vec::new()),
    ];
    for b in &rb.branches {
        let mitigations: Vec<&str> = b.mitigations.iter().map(|m| m.name.as_str()).collect();
        rows[0].1.push(json(&b.condition.to_string())?);
        rows[1].1.push(quote(&b.condition.checks().join(" "))?);
        rows[2].1.push(json(&mitigations)?);
        rows[3].1.push(json(&b.see)?);
    }
    s.push_str("# What the `when` records hold besides the outcome: JSON, and check ids.\n");
    for (name, values) in rows {
        let _ = writeln!(s, "{name}=({})", values.join(" "));
    }
    Ok(())
}
