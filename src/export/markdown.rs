//! `lrb export markdown`: the human runbook document, in the shape of `seed-runbooks.md`, made
//! from the Plan so it never drifts from the executable runbook.

use super::human::{self, Human};
use crate::action::Action;
use crate::action::catalogue::TargetKind;
use crate::duration::Duration;
use crate::plan::{Plan, Runbook, Step};
use std::fmt::Write;

pub fn render(plan: &Plan, title: &str) -> String {
    let mut out = format!("# {title}\n\n## Table of Contents\n");
    for (i, rb) in plan.runbooks.iter().enumerate() {
        let heading = section_heading(i, rb);
        let _ = writeln!(out, "{}. [{}]({})", i + 1, name(rb), anchor(&heading));
    }
    for (i, rb) in plan.runbooks.iter().enumerate() {
        out.push_str("\n---\n\n");
        runbook(&mut out, plan, i, rb);
    }
    out
}

fn name(rb: &Runbook) -> &str {
    rb.title.as_deref().unwrap_or(&rb.id)
}

fn section_heading(i: usize, rb: &Runbook) -> String {
    format!("{}. {}", i + 1, name(rb))
}

/// A link to a heading.
fn anchor(heading: &str) -> String {
    format!("#{}", slug(heading))
}

/// GitHub's heading anchor: lowercase, spaces to `-`, punctuation dropped.
pub(crate) fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn runbook(out: &mut String, plan: &Plan, i: usize, rb: &Runbook) {
    let _ = writeln!(out, "## {}\n", section_heading(i, rb));
    let mut facts = vec![format!("Runbook `{}`", rb.id)];
    facts.extend(rb.severity.as_ref().map(|s| format!("severity **{s}**")));
    facts.extend(rb.owner.as_ref().map(|o| format!("owner {o}")));
    let _ = writeln!(
        out,
        "{} (from `{}`).\n",
        facts.join(", "),
        rb.source.display()
    );
    if let Some(d) = &rb.description {
        let _ = writeln!(out, "{d}\n");
    }
    if !rb.targets.is_empty() {
        out.push_str("Systems:\n");
        for t in &rb.targets {
            let _ = write!(
                out,
                "- `{}` ({}): `{}`",
                t.name,
                t.kind.name(),
                human::address(t)
            );
            if t.kind == TargetKind::Postgres {
                out.push_str(
                    "; the `psql -c` commands below read the connection from libpq's environment \
                     (`PGHOST`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`): set it for this database first",
                );
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str("### Symptoms\n");
    for s in &rb.symptoms {
        let _ = writeln!(out, "- {s}");
    }
    out.push_str("\n### Checks\n");
    let mut fences = Fences::new(out);
    for (n, check) in rb.checks.iter().enumerate() {
        if n > 0 {
            fences.blank();
        }
        let lang = check
            .probes
            .first()
            .map_or(BASH, |step| lang(&human::command(&step.action, rb)));
        // A query is a block of its own, to paste whole.
        if lang == PROMQL {
            fences.close();
        }
        if let Some(note) = &check.note {
            fences.line(lang, &format!("# {note}"));
        }
        let description = check.description.as_deref().unwrap_or(&check.id);
        fences.line(lang, &format!("# {description}"));
        for step in &check.probes {
            step_lines(&mut fences, rb, step);
        }
    }
    if !fences.close() {
        out.push_str("```bash\n```\n");
    }
    out.push_str("\n### Mitigation Steps\n");
    mitigations(out, plan, rb);
    out.push_str("\n### Recovery Confirmation\n");
    if let Some(confirm) = &rb.confirm {
        let _ = writeln!(
            out,
            "Checked every {} for up to {}:\n",
            Duration::from_ms(confirm.every_ms),
            Duration::from_ms(confirm.within_ms)
        );
        for step in &confirm.probes {
            let _ = writeln!(out, "- {}", expectation(rb, step));
        }
    }
    out.push_str("\n### Post-Incident\n");
    for f in &rb.followups {
        let _ = writeln!(out, "- [ ] {f}");
    }
}

fn mitigations(out: &mut String, plan: &Plan, rb: &Runbook) {
    let mut n = 0;
    for branch in &rb.branches {
        let when = format!("**When** `{}`", branch.condition);
        for m in &branch.mitigations {
            n += 1;
            let _ = writeln!(out, "\n#### {n}. {}\n", m.name);
            let _ = writeln!(out, "{when}.\n");
            if m.is_destructive() {
                let why = m.destructive.clone().unwrap_or_else(|| {
                    "a step is destructive, or could not be shown to be safe".to_string()
                });
                let _ = writeln!(out, "> ⚠️ **Destructive**: {why}.\n");
            }
            let manual_only = m
                .steps
                .iter()
                .all(|s| matches!(s.action, Action::Manual(_)));
            if manual_only {
                for s in &m.steps {
                    if let Human::Manual(text) = human::command(&s.action, rb) {
                        let _ = writeln!(out, "- {text}");
                    }
                }
            } else {
                let mut fences = Fences::new(out);
                for s in &m.steps {
                    step_lines(&mut fences, rb, s);
                }
                fences.close();
            }
        }
        for see in &branch.see {
            n += 1;
            let heading = branch
                .note
                .clone()
                .unwrap_or_else(|| format!("Hand over to `{see}`"));
            let target = plan.runbooks.iter().position(|r| &r.id == see);
            let link = match target {
                Some(j) => {
                    let other = &plan.runbooks[j];
                    format!("[{}]({})", name(other), anchor(&section_heading(j, other)))
                }
                None => format!("`{see}`"),
            };
            let _ = writeln!(out, "\n#### {n}. {heading}\n");
            let _ = writeln!(out, "{when}.\n\n- See {link}");
        }
    }
}

const BASH: &str = "bash";
const PROMQL: &str = "promql";

/// The fence a step's lines go in: a query is pasted into Prometheus, not a shell.
fn lang(human: &Human) -> &'static str {
    match human {
        Human::Query { .. } => PROMQL,
        Human::Command(_) | Human::Manual(_) => BASH,
    }
}

/// Code blocks written line by line, a new fence whenever the language changes.
struct Fences<'o> {
    out: &'o mut String,
    open: Option<&'static str>,
    /// A blank line between two checks, written if the next line stays in this fence.
    blank: bool,
    /// The open block holds a query: the next one needs a block of its own.
    queried: bool,
}

impl<'o> Fences<'o> {
    fn new(out: &'o mut String) -> Fences<'o> {
        Fences {
            out,
            open: None,
            blank: false,
            queried: false,
        }
    }

    fn blank(&mut self) {
        self.blank = self.open.is_some();
    }

    fn line(&mut self, lang: &'static str, text: &str) {
        if self.open != Some(lang) {
            self.close();
            if self.out.ends_with("```\n") {
                self.out.push('\n');
            }
            let _ = writeln!(self.out, "```{lang}");
            self.open = Some(lang);
        } else if self.blank {
            self.out.push('\n');
        }
        self.blank = false;
        let _ = writeln!(self.out, "{text}");
    }

    /// Ends the open block; false when nothing was written.
    fn close(&mut self) -> bool {
        self.blank = false;
        self.queried = false;
        let open = self.open.take().is_some();
        if open {
            self.out.push_str("```\n");
        }
        open
    }
}

/// One step in a code block: its note as a comment, then the command (a manual instruction
/// as a comment; a query with what it expects).
fn step_lines(fences: &mut Fences, rb: &Runbook, step: &Step) {
    let human = human::command(&step.action, rb);
    let lang = lang(&human);
    if let Human::Query { .. } = human
        && fences.queried
    {
        fences.close();
    }
    if let Some(note) = &step.note {
        fences.line(lang, &format!("# {note}"));
    }
    match human {
        Human::Manual(text) => fences.line(lang, &format!("# By hand: {text}")),
        Human::Command(cmd) => fences.line(lang, &cmd),
        Human::Query { promql, expect } => {
            fences.line(lang, &format!("# Expect: {expect}."));
            fences.line(lang, &promql);
            fences.queried = true;
        }
    }
}

/// A recovery item: the author's note, a manual step's text, or what the probe expects.
fn expectation(rb: &Runbook, step: &Step) -> String {
    if let Some(note) = &step.note {
        return note.clone();
    }
    match (&step.action, human::command(&step.action, rb)) {
        (_, Human::Manual(text)) => text,
        (Action::Http(a), _) if !a.status.is_empty() && a.json.is_none() => {
            let codes: Vec<String> = a.status.iter().map(u16::to_string).collect();
            format!(
                "`{}` returns {}",
                human::fill(&a.path.template, rb),
                codes.join(" or ")
            )
        }
        (_, Human::Command(cmd)) => format!("`{cmd}` succeeds"),
        (_, Human::Query { promql, expect }) => format!("`{promql}`: {expect}"),
    }
}
