//! A draft to lrb source. Nothing a person must decide is decided here: no `effect:` and no
//! `destructive:` is written for the author; a `# TODO:` says what to review and the
//! checker's findings stand.

use super::code::Lang;
use super::outline::{Draft, Entry, Found, Mitigation};
use super::placeholders::{self, Part};
use super::promql::{self, Fence};
use crate::effect::{Classification, Effect};
use crate::plan::IncidentSeverity;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write;

/// The check every mitigation waits on until the author writes the probe that calls for it.
pub const GATE: &str = "mitigation_needed";

/// The targets a runbook's commands run on, in declaration order.
pub fn header(langs: &BTreeSet<Lang>) -> String {
    let mut out = String::new();
    for lang in langs {
        out.push_str(match lang {
            Lang::Shell => "target :host, shell: \".\", timeout: 1m\n",
            Lang::Sql => "target :db, postgres: secret(\"DATABASE_URL\"), timeout: 30s\n",
            Lang::Redis => "target :cache, redis: secret(\"REDIS_URL\"), timeout: 10s\n",
            Lang::Promql => {
                "target :metrics, prometheus: env(\"PROMETHEUS_URL\", \"http://127.0.0.1:9090\")\n"
            }
        });
    }
    out
}

/// Parameters found in a runbook's commands, named once each.
struct Params {
    assigned: HashSet<String>,
    declared: Vec<(String, String)>,
}

/// One runbook's source (without the targets) and the targets it needs.
pub fn runbook(d: &Draft, id: &str, ids: &HashMap<String, String>) -> (String, BTreeSet<Lang>) {
    let texts: Vec<&str> = d.commands().map(|f| f.command.text.as_str()).collect();
    let mut params = Params {
        assigned: placeholders::assigned(&texts),
        declared: Vec::new(),
    };
    // A PromQL fence kept as a note needs no target.
    let langs: BTreeSet<Lang> = d
        .commands()
        .filter(|f| {
            f.command.lang != Lang::Promql
                || matches!(promql::fence(&f.command.text), Fence::Probe(_))
        })
        .map(|f| f.command.lang)
        .collect();
    let mut body = String::new();
    let mut checks = String::new();
    let mut check_ids: HashSet<String> = HashSet::from([GATE.to_string()]);
    // Diagnosis commands that change something are steps of their own mitigation.
    let mut changing = Mitigation {
        name: "Steps from the diagnosis that change something".to_string(),
        entries: Vec::new(),
        manual: false,
    };
    for found in &d.checks {
        if found.command.lang == Lang::Promql {
            query_check(&mut checks, &mut check_ids, found, &mut params);
            continue;
        }
        let class = classify(found, &params);
        match &class {
            Some(c) if c.effect != Effect::Read => {
                changing.entries.push(Entry::Run(found.clone()));
                continue;
            }
            _ => {}
        }
        let cid = unique(&mut check_ids, &check_name(&found.command.text));
        let description = found
            .command
            .comment
            .clone()
            .or_else(|| found.context.last().map(|c| last_sentence(c)))
            .unwrap_or_else(|| found.command.text.clone());
        let _ = writeln!(checks);
        if class.is_none() {
            checks.push_str("  # TODO: the safety rules do not know this command: if it only reads, say so with `effect: :read`\n");
        }
        let _ = writeln!(
            checks,
            "  check :{cid}, {}, info: true do",
            quote(&shorten(&description))
        );
        let _ = writeln!(checks, "    {}", action(found, &mut params));
        checks.push_str("  end\n");
    }
    let mut mitigations: Vec<&Mitigation> = d.mitigations.iter().collect();
    if !changing.entries.is_empty() {
        mitigations.insert(0, &changing);
    }
    let mut whens = String::new();
    for m in &mitigations {
        write_mitigation(&mut whens, m, ids, &mut params);
    }
    let mut confirm = String::new();
    for entry in &d.confirm {
        match entry {
            Entry::Run(found) if found.command.lang == Lang::Promql => {
                confirm.push_str(&query_lines(found, &mut params, "    "));
            }
            Entry::Run(found)
                if classify(found, &params).is_some_and(|c| c.effect == Effect::Read) =>
            {
                let _ = writeln!(confirm, "    {}", action(found, &mut params));
            }
            Entry::Run(found) => {
                confirm.push_str("    # TODO: this command is not a read the safety rules know, so it is no probe: run it by hand or move it into a mitigation\n");
                let _ = writeln!(
                    confirm,
                    "    step {}",
                    quote(&format!("Run: {}", found.command.text))
                );
            }
            Entry::Step(text) | Entry::See(text) => {
                let _ = writeln!(confirm, "    step {}", quote(text));
            }
        }
    }

    let _ = writeln!(body, "runbook :{id} do");
    let _ = writeln!(body, "  title {}", quote(&d.title));
    match d.severity.as_deref().and_then(severity) {
        Some(s) => {
            let _ = writeln!(body, "  severity :{s}");
        }
        None => {
            body.push_str("  # TODO: set the severity (:critical, :high, :medium, :low or :info)\n")
        }
    }
    match &d.owner {
        Some(o) => {
            let _ = writeln!(body, "  owner {}", quote(o));
        }
        None => body.push_str("  # TODO: set the owner (the team paged for this)\n"),
    }
    if let Some(desc) = &d.description {
        let _ = writeln!(body, "  description {}", quote(&shorten(desc)));
    }
    let tags: Vec<String> = d
        .tags
        .iter()
        .map(|t| placeholders::name(t))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|t| format!(":{t}"))
        .collect();
    if !tags.is_empty() {
        let _ = writeln!(body, "  tags {}", tags.join(", "));
    }
    for s in &d.symptoms {
        let _ = writeln!(body, "  symptom {}", quote(s));
    }
    if !params.declared.is_empty() {
        body.push('\n');
    }
    for (name, description) in &params.declared {
        // A password or token written into a command is masked wherever the value shows.
        let secret = [
            "password",
            "passwd",
            "token",
            "secret",
            "api_key",
            "private_key",
        ]
        .iter()
        .any(|w| name.contains(w));
        let _ = writeln!(
            body,
            "  param :{name}, description: {}{}",
            quote(&shorten(description)),
            if secret { ", secret: true" } else { "" }
        );
    }
    body.push_str(&checks);
    if !mitigations.is_empty() {
        let _ = writeln!(
            body,
            "\n  # TODO: write the probe that shows the mitigations below are needed, then use it in their `when`s"
        );
        let _ = writeln!(
            body,
            "  check :{GATE}, \"TODO: what shows that a mitigation is needed\" do"
        );
        let _ = writeln!(
            body,
            "    todo \"replace with a probe, such as host.run \\\"...\\\", that fails when the incident is on\""
        );
        body.push_str("  end\n");
    }
    body.push_str(&whens);
    if !confirm.is_empty() {
        body.push_str("\n  confirm within: 5m, every: 10s do\n");
        body.push_str(&confirm);
        body.push_str("  end\n");
    }
    if !d.followups.is_empty() {
        body.push_str("\n  followup do\n");
        for f in &d.followups {
            let _ = writeln!(body, "    todo {}", quote(f));
        }
        body.push_str("  end\n");
    }
    body.push_str("end\n");
    (body, langs)
}

fn write_mitigation(
    out: &mut String,
    m: &Mitigation,
    ids: &HashMap<String, String>,
    params: &mut Params,
) {
    let mut steps = String::new();
    let mut sees = Vec::new();
    for entry in &m.entries {
        match entry {
            Entry::Step(text) => {
                let _ = writeln!(steps, "      step {}", quote(text));
            }
            Entry::Run(found) if found.command.lang == Lang::Promql => {
                steps.push_str(&query_lines(found, params, "      "));
            }
            Entry::Run(found) => {
                if let Some(c) = &found.command.comment {
                    let _ = writeln!(steps, "      # {}", one_line(c));
                }
                match classify(found, params) {
                    None => steps.push_str(
                        "      # TODO: the safety rules do not know this command, so it counts as destructive: review it\n",
                    ),
                    Some(c) if c.effect == Effect::Destructive => {
                        let _ = writeln!(
                            steps,
                            "      # TODO: destructive ({}): if it must run, say why with `destructive:` on this mitigation",
                            one_line(&c.reason)
                        );
                    }
                    Some(_) => {}
                }
                let _ = writeln!(steps, "      {}", action(found, params));
            }
            Entry::See(dest) => match ids.get(dest) {
                Some(other) => sees.push(other.clone()),
                None => {
                    let _ = writeln!(steps, "      step {}", quote(&format!("See {dest}")));
                }
            },
        }
    }
    if steps.is_empty() && sees.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  when failed(:{GATE}) do");
    if !steps.is_empty() {
        let _ = writeln!(out, "    mitigate {} do", quote(&m.name));
        out.push_str(&steps);
        out.push_str("    end\n");
    }
    for s in sees {
        let _ = writeln!(out, "    see :{s}");
    }
    out.push_str("  end\n");
}

/// A PromQL fence as a check: bounded when the Markdown gave a threshold, else `info:`.
fn query_check(out: &mut String, ids: &mut HashSet<String>, found: &Found, params: &mut Params) {
    let fence = promql::fence(&found.command.text);
    let probe = match &fence {
        Fence::Probe(p) => p,
        Fence::Note(_) => {
            out.push('\n');
            out.push_str(&query_lines(found, params, "  "));
            return;
        }
    };
    let name = probe
        .metric
        .as_deref()
        .map_or("query".to_string(), placeholders::name);
    let cid = unique(ids, &name);
    let description = found
        .command
        .comment
        .clone()
        .or_else(|| found.context.last().map(|c| last_sentence(c)))
        .unwrap_or_else(|| one_line(&found.command.text));
    let bounded = probe.options.iter().any(|o| {
        ["below:", "above:", "equals:"]
            .iter()
            .any(|b| o.starts_with(b))
    });
    let _ = writeln!(
        out,
        "\n  check :{cid}, {}{} do",
        quote(&shorten(&description)),
        if bounded { "" } else { ", info: true" }
    );
    out.push_str(&query_lines(found, params, "    "));
    out.push_str("  end\n");
}

/// A PromQL fence as a `metrics.query` line (and what the Markdown said), or as a comment
/// saying why it is no probe.
fn query_lines(found: &Found, params: &mut Params, indent: &str) -> String {
    let mut out = String::new();
    match promql::fence(&found.command.text) {
        Fence::Probe(p) => {
            if let Some(said) = &p.said {
                let _ = writeln!(out, "{indent}# {said}");
            }
            let mut call = format!("metrics.query {}", literal(p.parts, found, params));
            for option in &p.options {
                let _ = write!(call, ", {option}");
            }
            let _ = writeln!(out, "{indent}{call}");
        }
        Fence::Note(why) => {
            let _ = writeln!(out, "{indent}# A PromQL block kept as a note: {why}:");
            for line in found.command.text.lines() {
                let _ = writeln!(out, "{indent}#   {line}");
            }
        }
    }
    out
}

/// The lrb action that runs a command, its placeholders declared as parameters.
fn action(found: &Found, params: &mut Params) -> String {
    let parts = placeholders::split(&found.command.text, found.command.lang, &params.assigned);
    let literal = literal(parts, found, params);
    match found.command.lang {
        Lang::Shell => format!("host.run {literal}"),
        Lang::Sql => format!("db.query {literal}"),
        Lang::Redis => format!("cache.command {literal}"),
        Lang::Promql => format!("metrics.query {literal}"),
    }
}

/// `parts` as an lrb string, each parameter a `#{name}` hole, declared once.
fn literal(parts: Vec<Part>, found: &Found, params: &mut Params) -> String {
    let mut literal = String::from("\"");
    for part in parts {
        match part {
            Part::Text(t) => {
                let q = quote(&t);
                literal.push_str(&q[1..q.len() - 1]);
            }
            Part::Param { name, written } => {
                if !params.declared.iter().any(|(n, _)| *n == name) {
                    let prose: Vec<&str> = found.context.iter().map(String::as_str).collect();
                    let description = placeholders::describe(&name, &written, &prose);
                    params.declared.push((name.clone(), description));
                }
                let _ = write!(literal, "#{{{name}}}");
            }
        }
    }
    literal.push('"');
    literal
}

/// The safety rules' verdict on a command, with parameters filled as the checker does.
fn classify(found: &Found, params: &Params) -> Option<Classification> {
    let parts = placeholders::split(&found.command.text, found.command.lang, &params.assigned);
    let sample: String = parts
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t,
            Part::Param { .. } => "param".to_string(),
        })
        .collect();
    match found.command.lang {
        Lang::Shell => crate::safety::classify_shell(&sample),
        Lang::Sql => crate::safety::classify_sql(&sample),
        Lang::Redis => crate::safety::classify_redis(&sample),
        // A query only reads.
        Lang::Promql => Some(Classification {
            effect: Effect::Read,
            reason: "a PromQL query only reads".into(),
            unbounded_writes: Vec::new(),
        }),
    }
}

/// The severity an alerting or paging tool's word means.
fn severity(s: &str) -> Option<IncidentSeverity> {
    Some(match s.to_lowercase().as_str() {
        "critical" | "page" | "p1" | "sev1" => IncidentSeverity::Critical,
        "high" | "error" | "major" | "p2" | "sev2" => IncidentSeverity::High,
        "medium" | "warning" | "warn" | "p3" | "sev3" => IncidentSeverity::Medium,
        "low" | "minor" | "p4" | "sev4" => IncidentSeverity::Low,
        "info" | "none" | "informational" => IncidentSeverity::Info,
        _ => return None,
    })
}

/// `kubectl -n web get pods -o wide` to `kubectl_get_pods`.
fn check_name(command: &str) -> String {
    let words: Vec<&str> = command
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter(|w| {
            w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .filter(|w| !matches!(*w, "sudo" | "k"))
        .take(3)
        .collect();
    let name = placeholders::name(&words.join("_"));
    if name == "value" {
        "check".to_string()
    } else {
        name
    }
}

pub fn unique(taken: &mut HashSet<String>, base: &str) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// The sentence closest to the command: `... pods. Check the API server pods:` to the second.
fn last_sentence(text: &str) -> String {
    let t = text.trim().trim_end_matches(':').trim();
    let start = t
        .char_indices()
        .filter(|&(i, c)| matches!(c, '.' | '!' | '?') && t[i + 1..].starts_with(' '))
        .map(|(i, _)| i + 2)
        .next_back()
        .unwrap_or(0);
    t[start..].to_string()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prose cut at a sentence end near 240 characters.
fn shorten(text: &str) -> String {
    let text = one_line(text);
    if text.chars().count() <= 240 {
        return text;
    }
    let cut: String = text.chars().take(240).collect();
    match cut.rfind(". ") {
        Some(i) if i > 60 => cut[..=i].to_string(),
        _ => format!("{}...", cut.trim_end()),
    }
}

fn quote(text: &str) -> String {
    crate::fmt::quote(text)
}
