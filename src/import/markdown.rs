//! `lrb import markdown`: a Markdown runbook in the shape of `seed-runbooks.md` to lrb source.
//!
//! `##` headings are runbooks; their `###` parts become symptoms, checks (each command of the
//! Checks code blocks), mitigations (numbered bold items or `###` headings, with their code
//! blocks and prose), confirm steps and follow-ups. Code lines are classified by the safety
//! rules: reads become checks, writes mitigation steps, destructive ones mark their mitigation
//! `destructive:`. Whatever the import cannot type is marked with a `# TODO:` comment.

use crate::effect::{Classification, Effect};
use crate::export::markdown::slug;
use crate::safety::{classify_shell, classify_sql};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::fmt::Write;

/// One imported runbook: its id and its lrb source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub id: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Preamble,
    Symptoms,
    Checks,
    Mitigations,
    Recovery,
    PostIncident,
    Other,
}

impl Part {
    fn from_heading(text: &str) -> Option<Part> {
        Some(match text.trim().to_lowercase().as_str() {
            "symptoms" => Part::Symptoms,
            "checks" | "diagnosis" => Part::Checks,
            "mitigation steps" | "mitigation" | "mitigations" => Part::Mitigations,
            "recovery confirmation" | "recovery" => Part::Recovery,
            "post-incident" | "post incident" | "follow-up" | "followup" => Part::PostIncident,
            _ => return None,
        })
    }
}

/// A line of a code block, with the comment lines just above it.
#[derive(Debug, Default, Clone)]
struct Command {
    comment: Option<String>,
    /// The first command under its comment (the one that shows it).
    first: bool,
    text: String,
    /// SQL lines gathered into one statement.
    sql: bool,
}

#[derive(Debug)]
enum Item {
    Step(String),
    Command(Command),
    /// `See [Title](#anchor)`: hand over to another runbook.
    See(String),
}

#[derive(Debug, Default)]
struct Mitigation {
    name: String,
    items: Vec<Item>,
}

#[derive(Debug, Default)]
struct Draft {
    title: String,
    anchor: String,
    symptoms: Vec<String>,
    checks: Vec<Command>,
    mitigations: Vec<Mitigation>,
    recovery: Vec<String>,
    followups: Vec<String>,
}

/// Imports every runbook of the document.
pub fn import(markdown: &str) -> Vec<Imported> {
    let drafts = read(markdown);
    let ids: HashMap<String, String> = drafts
        .iter()
        .map(|d| (d.anchor.clone(), ident(&d.title)))
        .collect();
    drafts.iter().map(|d| write(d, &ids)).collect()
}

fn unnumbered(text: &str) -> String {
    let t = text.trim();
    let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix(". ") {
        Some(r) if rest.len() < t.len() => r.trim().to_string(),
        _ => t.to_string(),
    }
}

/// `Queue Backlog / Stuck Jobs` to `queue_backlog_stuck_jobs`.
fn ident(title: &str) -> String {
    let mut id = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    let id = id.trim_end_matches('_').to_string();
    match id.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => id,
        _ => format!("runbook_{id}"),
    }
}

/// Walks the document once, filling one draft per `##` section.
fn read(markdown: &str) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut part = Part::Preamble;
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut items: Vec<(String, Option<String>)> = Vec::new();
    let mut paragraph: Option<String> = None;
    let mut strong: Option<String> = None;
    let mut code: Option<String> = None;
    for event in Parser::new(markdown) {
        let piece = match &event {
            Event::Text(t) => Some(t.to_string()),
            Event::Code(t) if code.is_none() => Some(format!("`{t}`")),
            Event::Code(t) => Some(t.to_string()),
            _ => None,
        };
        if let Some(piece) = piece {
            let target = code
                .as_mut()
                .or(heading.as_mut().map(|h| &mut h.1))
                .or(items.last_mut().map(|i| &mut i.0))
                .or(paragraph.as_mut());
            if let Some(buf) = target {
                buf.push_str(&piece);
            }
            if let Some(s) = strong.as_mut() {
                s.push_str(&piece);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, text)) = heading.take() else {
                    continue;
                };
                match level {
                    HeadingLevel::H1 => {}
                    HeadingLevel::H2 if text.trim() == "Table of Contents" => {
                        part = Part::Other;
                    }
                    HeadingLevel::H2 => {
                        drafts.push(Draft {
                            title: unnumbered(&text),
                            anchor: slug(text.trim()),
                            ..Draft::default()
                        });
                        part = Part::Preamble;
                    }
                    _ => match Part::from_heading(&text) {
                        Some(p) => part = p,
                        None if part == Part::Mitigations => {
                            if let Some(d) = drafts.last_mut() {
                                d.mitigations.push(Mitigation {
                                    name: unnumbered(&text),
                                    items: Vec::new(),
                                });
                            }
                        }
                        None => part = Part::Other,
                    },
                }
            }
            Event::Start(Tag::Item) => items.push((String::new(), None)),
            Event::End(TagEnd::Item) => {
                let depth = items.len();
                let Some((text, link)) = items.pop() else {
                    continue;
                };
                let text = collapse(&text);
                let Some(d) = drafts.last_mut() else { continue };
                let text = text.trim_start_matches("[ ]").trim().to_string();
                match part {
                    Part::Symptoms => d.symptoms.push(text),
                    Part::Recovery => d.recovery.push(text),
                    Part::PostIncident => d.followups.push(text),
                    Part::Mitigations if depth > 1 || d.mitigations.is_empty() => {
                        let item = match link {
                            Some(dest) if text.to_lowercase().starts_with("see ") => {
                                Item::See(dest.trim_start_matches('#').to_string())
                            }
                            _ => Item::Step(text),
                        };
                        mitigation(d).items.push(item);
                    }
                    _ => {}
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(top) = items.last_mut() {
                    top.1 = Some(dest_url.to_string());
                }
            }
            Event::Start(Tag::Paragraph) if items.is_empty() => paragraph = Some(String::new()),
            Event::End(TagEnd::Paragraph) => {
                if let (Some(text), Some(d)) = (paragraph.take(), drafts.last_mut())
                    && part == Part::Mitigations
                    && !text.trim().is_empty()
                {
                    mitigation(d).items.push(Item::Step(collapse(&text)));
                }
            }
            Event::Start(Tag::Strong) => strong = Some(String::new()),
            Event::End(TagEnd::Strong) => {
                let name = strong.take().unwrap_or_default();
                if part == Part::Mitigations
                    && items.len() == 1
                    && let Some(d) = drafts.last_mut()
                {
                    d.mitigations.push(Mitigation {
                        name: name.trim().trim_end_matches(':').trim().to_string(),
                        items: Vec::new(),
                    });
                    items[0].0.clear();
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                let (Some(text), Some(d)) = (code.take(), drafts.last_mut()) else {
                    continue;
                };
                let items = commands(&text);
                match part {
                    Part::Checks => d.checks.extend(items.into_iter().filter_map(|i| match i {
                        Item::Command(c) => Some(c),
                        Item::Step(_) | Item::See(_) => None,
                    })),
                    Part::Mitigations => mitigation(d).items.extend(items),
                    _ => {}
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(buf) = items.last_mut().map(|i| &mut i.0).or(paragraph.as_mut()) {
                    buf.push(' ');
                }
            }
            _ => {}
        }
    }
    drafts
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The mitigation being read, or a new unnamed one when prose comes before any name.
fn mitigation(d: &mut Draft) -> &mut Mitigation {
    if d.mitigations.is_empty() {
        d.mitigations.push(Mitigation {
            name: "Mitigation".to_string(),
            items: Vec::new(),
        });
    }
    let last = d.mitigations.len() - 1;
    &mut d.mitigations[last]
}

/// A line that reads as SQL rather than a command: it starts with an upper-case keyword.
fn is_sql(line: &str) -> bool {
    let word = line.split_whitespace().next().unwrap_or("");
    word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

/// The commands of a code block: comments attach to the commands after them (up to a blank
/// line); consecutive SQL lines make one statement; a comment no command follows is prose.
fn commands(block: &str) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut comment: Option<String> = None;
    // Whether the comment has been given to a command already.
    let mut used = false;
    let mut in_sql = false;
    let flush = |out: &mut Vec<Item>, comment: &mut Option<String>, used: bool| {
        if let Some(text) = comment.take()
            && !used
        {
            out.push(Item::Step(text));
        }
    };
    for line in block.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut out, &mut comment, used);
            in_sql = false;
        } else if let Some(text) = line.strip_prefix('#') {
            if used {
                comment = None;
            }
            let text = text.trim().to_string();
            comment = Some(match comment.take() {
                Some(before) => format!("{before} {text}"),
                None => text,
            });
            used = false;
            in_sql = false;
        } else if in_sql && is_sql(line) {
            if let Some(Item::Command(last)) = out.last_mut() {
                last.text.push('\n');
                last.text.push_str(line);
            }
            in_sql = !line.ends_with(';');
        } else {
            let sql = is_sql(line);
            in_sql = sql && !line.ends_with(';');
            out.push(Item::Command(Command {
                comment: comment.clone(),
                first: !used,
                text: line.to_string(),
                sql,
            }));
            used = true;
        }
    }
    flush(&mut out, &mut comment, used);
    out
}

fn classify(cmd: &Command) -> Option<Classification> {
    if cmd.sql {
        classify_sql(&cmd.text)
    } else {
        classify_shell(&cmd.text)
    }
}

/// An lrb string literal.
fn string(text: &str) -> String {
    crate::fmt::quote(text)
}

/// The action that runs one command: SQL on `db`, everything else on the `host` shell.
fn action(cmd: &Command, effect: &str) -> String {
    if cmd.sql {
        let body: String = cmd.text.lines().map(|l| format!("  {l}\n")).collect();
        format!("db.query <<~SQL{effect}\n{body}SQL")
    } else {
        format!("host.run {}{effect}", string(&cmd.text))
    }
}

fn write(d: &Draft, ids: &HashMap<String, String>) -> Imported {
    let id = ident(&d.title);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: imported from Markdown by `lrb import markdown`.",
        d.title
    );
    out.push_str("# Lines marked TODO need a person: the import could not decide them.\n\n");
    let uses_sql = d
        .checks
        .iter()
        .chain(d.mitigations.iter().flat_map(|m| {
            m.items.iter().filter_map(|i| match i {
                Item::Command(c) => Some(c),
                Item::Step(_) | Item::See(_) => None,
            })
        }))
        .any(|c| c.sql);
    out.push_str("target :host, shell: \".\"\n");
    if uses_sql {
        out.push_str("target :db, postgres: secret(\"DATABASE_URL\")\n");
    }
    let _ = writeln!(out, "\nrunbook :{id} do");
    let _ = writeln!(out, "  title {}", string(&d.title));
    out.push_str(
        "  # TODO: set the severity (:critical, :high, :medium, :low or :info) and owner\n",
    );
    out.push_str("  severity :high\n");
    for s in &d.symptoms {
        let _ = writeln!(out, "  symptom {}", string(s));
    }
    let check_ids = write_checks(&mut out, d);
    let first = check_ids.first().cloned();
    for m in &d.mitigations {
        write_mitigation(&mut out, m, first.as_deref(), ids);
    }
    out.push_str("\n  # TODO: turn the steps a program can verify into probes\n");
    out.push_str("  confirm within: 5m, every: 10s do\n");
    for r in &d.recovery {
        let _ = writeln!(out, "    step {}", string(r));
    }
    if d.recovery.is_empty() {
        out.push_str("    step \"TODO: say how to tell the incident is over\"\n");
    }
    out.push_str("  end\n");
    if !d.followups.is_empty() {
        out.push_str("\n  followup do\n");
        for f in &d.followups {
            let _ = writeln!(out, "    todo {}", string(f));
        }
        out.push_str("  end\n");
    }
    out.push_str("end\n");
    let source = crate::fmt::format(&out, crate::source::FileId(0)).unwrap_or(out);
    Imported { id, source }
}

/// One check per command of the Checks blocks; returns the check ids.
fn write_checks(out: &mut String, d: &Draft) -> Vec<String> {
    let mut ids = Vec::new();
    for (n, cmd) in d.checks.iter().enumerate() {
        let id = format!("check_{}", n + 1);
        let description = cmd.comment.clone().unwrap_or_else(|| cmd.text.clone());
        let _ = writeln!(out);
        let (effect, todo) = match classify(cmd) {
            Some(c) if c.effect == Effect::Read => (String::new(), None),
            // Never declared away: `lrb check` reports it until a person moves or changes it.
            Some(c) => (
                String::new(),
                Some(format!(
                    "TODO: the safety rules say {}: {}; a check may only read",
                    c.effect, c.reason
                )),
            ),
            None => (
                ", effect: :read".to_string(),
                Some(
                    "TODO: the safety rules do not know this command; confirm it only reads"
                        .to_string(),
                ),
            ),
        };
        if let Some(todo) = todo {
            let _ = writeln!(out, "  # {todo}");
        }
        let _ = writeln!(
            out,
            "  check :{id}, {}, info: true do",
            string(&description)
        );
        let _ = writeln!(out, "    {}", action(cmd, &effect));
        out.push_str("  end\n");
        ids.push(id);
    }
    ids
}

fn write_mitigation(
    out: &mut String,
    m: &Mitigation,
    first_check: Option<&str>,
    ids: &HashMap<String, String>,
) {
    let condition = first_check.map_or("failed(:TODO)".to_string(), |c| format!("failed(:{c})"));
    let _ = writeln!(
        out,
        "\n  # TODO: replace the condition with the checks that lead here"
    );
    let _ = writeln!(out, "  when {condition} do");
    let mut steps = String::new();
    let mut worst: Option<Classification> = None;
    for item in &m.items {
        match item {
            Item::Step(text) => {
                let _ = writeln!(steps, "      step {}", string(text));
            }
            Item::Command(cmd) => {
                if let Some(c) = cmd.comment.as_ref().filter(|_| cmd.first) {
                    let _ = writeln!(steps, "      # {c}");
                }
                let class = classify(cmd);
                if class.is_none() {
                    steps.push_str("      # TODO: the safety rules do not know this command; it counts as destructive\n");
                }
                let class = class.unwrap_or(Classification {
                    effect: Effect::Destructive,
                    reason: "not recognised".to_string(),
                });
                let _ = writeln!(steps, "      {}", action(cmd, ""));
                worst = Some(crate::safety::worst(worst, class));
            }
            Item::See(dest) => match ids.get(dest) {
                Some(other) => {
                    let _ = writeln!(out, "    see :{other}");
                }
                None => {
                    let _ = writeln!(steps, "      step {}", string(&format!("See {dest}")));
                }
            },
        }
    }
    if !steps.is_empty() {
        let destructive = match &worst {
            Some(c) if c.effect == Effect::Destructive => {
                format!(
                    ", destructive: {}",
                    string(&format!("TODO: say why ({})", c.reason))
                )
            }
            _ => String::new(),
        };
        let _ = writeln!(out, "    mitigate {}{destructive} do", string(&m.name));
        out.push_str(&steps);
        out.push_str("    end\n");
    }
    out.push_str("  end\n");
}
