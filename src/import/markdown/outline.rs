//! The structure of a runbook document, found by meaning rather than heading level: which
//! sections are runbooks, and which part (diagnosis, mitigation, ...) each block belongs to.
//!
//! A heading is a *part* when it is short and uses the vocabulary below, at any depth. A part's
//! *owner* is the nearest heading above it that is not a part. One owner (or parts right
//! under the title) makes the file one runbook, the usual one-file-per-alert page; several
//! owners side by side make one runbook each, and their sibling sections that hold commands
//! become free-form runbooks. A page with no part at all is one free-form runbook whose code
//! blocks are steps in order.

use super::blocks::{Block, FrontMatter};
use super::code::{self, Command};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    About,
    Symptoms,
    Diagnosis,
    Mitigation,
    Confirm,
    Followup,
}

/// A command with the prose read before it (for check and parameter descriptions).
#[derive(Debug, Clone)]
pub struct Found {
    pub command: Command,
    pub context: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Entry {
    Step(String),
    Run(Found),
    /// `See [Other runbook](#anchor)`: hand over.
    See(String),
}

#[derive(Debug, Clone, Default)]
pub struct Mitigation {
    pub name: String,
    pub entries: Vec<Entry>,
    /// Written under a mitigation heading, so prose alone is a manual mitigation.
    pub manual: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub anchor: String,
    pub description: Option<String>,
    pub severity: Option<String>,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub symptoms: Vec<String>,
    pub checks: Vec<Found>,
    pub mitigations: Vec<Mitigation>,
    pub confirm: Vec<Entry>,
    pub followups: Vec<String>,
}

impl Draft {
    /// Nothing read into it: no prose, no command.
    pub fn is_empty(&self) -> bool {
        self.description.is_none()
            && self.symptoms.is_empty()
            && self.checks.is_empty()
            && self.mitigations.is_empty()
            && self.confirm.is_empty()
            && self.followups.is_empty()
    }

    pub fn commands(&self) -> impl Iterator<Item = &Found> {
        let entries = self
            .mitigations
            .iter()
            .flat_map(|m| m.entries.iter())
            .chain(self.confirm.iter());
        self.checks.iter().chain(entries.filter_map(|e| match e {
            Entry::Run(f) => Some(f),
            Entry::Step(_) | Entry::See(_) => None,
        }))
    }
}

/// The part a heading names, if it is one.
pub fn part_of(heading: &str) -> Option<Part> {
    let lower = heading.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()) && *w != "step")
        .collect();
    if words.is_empty() || words.len() > 4 {
        return None;
    }
    let any = |stems: &[&str]| words.iter().any(|w| stems.iter().any(|s| w.starts_with(s)));
    if any(&["verif", "validat", "confirm"]) {
        Some(Part::Confirm)
    } else if any(&[
        "post-incident",
        "postmortem",
        "post-mortem",
        "follow-up",
        "followup",
    ]) || words
        .windows(2)
        .any(|w| w == ["follow", "up"] || w == ["post", "incident"])
    {
        Some(Part::Followup)
    } else if any(&["symptom"]) {
        Some(Part::Symptoms)
    } else if any(&[
        "mitigat",
        "remedia",
        "resolution",
        "resolv",
        "solution",
        "fix",
        "workaround",
        "recover",
    ]) {
        Some(Part::Mitigation)
    } else if any(&[
        "diagnos",
        "investigat",
        "triage",
        "check",
        "troubleshoot",
        "debug",
    ]) {
        Some(Part::Diagnosis)
    } else if any(&["meaning", "impact", "summary", "overview", "description"]) {
        Some(Part::About)
    } else {
        None
    }
}

/// How a document is divided into runbooks.
enum Shape {
    /// No part anywhere: one procedure.
    Free,
    /// Parts for one subject: the file is one runbook.
    One,
    /// Several sections own parts: one runbook each (the headings' indexes).
    Many(Vec<usize>),
}

/// Every runbook of the document.
pub fn drafts(blocks: &[Block], front: &FrontMatter, fallback_title: &str) -> Vec<Draft> {
    let title = title_heading(blocks);
    let doc_title = front
        .get(&["title", "name"])
        .map(str::to_string)
        .or_else(|| title.and_then(|i| heading_text(&blocks[i])))
        .unwrap_or_else(|| fallback_title.to_string());
    let mut drafts = match shape(blocks, title) {
        Shape::Free => vec![read(blocks, &doc_title, false, title)],
        Shape::One => vec![read(blocks, &doc_title, true, title)],
        Shape::Many(owners) => {
            let level = owners
                .iter()
                .filter_map(|&i| heading_level(&blocks[i]))
                .min()
                .unwrap_or(1);
            segments(blocks, level)
                .into_iter()
                .filter_map(|(start, end)| {
                    let structured = owners.contains(&start);
                    let title = heading_text(&blocks[start]).unwrap_or_else(|| doc_title.clone());
                    let mut d = read(&blocks[start..end], &title, structured, Some(0));
                    if let Block::Heading { anchor, .. } = &blocks[start] {
                        d.anchor = anchor.clone();
                    }
                    (structured || d.commands().next().is_some()).then_some(d)
                })
                .collect()
        }
    };
    if let [only] = drafts.as_mut_slice() {
        apply_front_matter(only, front);
    }
    drafts
}

fn heading_text(b: &Block) -> Option<String> {
    match b {
        Block::Heading { text, .. } => Some(unnumbered(text)),
        _ => None,
    }
}

/// The document's title: its first heading, when no other heading is as high. It names
/// the page, so it is never a part (`# Troubleshooting` is the subject, not a diagnosis).
fn title_heading(blocks: &[Block]) -> Option<usize> {
    let first = blocks.iter().position(|b| heading_level(b).is_some())?;
    let level = heading_level(&blocks[first])?;
    let rivals = blocks[first + 1..]
        .iter()
        .filter_map(heading_level)
        .any(|l| l <= level);
    (!rivals).then_some(first)
}

fn apply_front_matter(d: &mut Draft, front: &FrontMatter) {
    d.severity = front
        .get(&["severity", "labels.severity", "priority"])
        .map(str::to_string);
    d.owner = front
        .get(&[
            "owner",
            "team",
            "labels.team",
            "owner_slack",
            "labels.owner",
        ])
        .map(str::to_string);
    for key in ["alert", "alertname", "alert_name", "labels.alertname"] {
        if let Some(v) = front.get(&[key]) {
            d.tags.push(v.to_string());
        }
    }
    for (k, v) in &front.fields {
        if k.starts_with("labels.") && !k.ends_with(".severity") && !v.is_empty() {
            d.tags.push(v.clone());
        }
    }
}

fn heading_level(b: &Block) -> Option<usize> {
    match b {
        Block::Heading { level, .. } => Some(*level),
        _ => None,
    }
}

fn shape(blocks: &[Block], title: Option<usize>) -> Shape {
    // Stack of (level, index, is part) for the headings above the current block.
    let mut stack: Vec<(usize, usize, bool)> = Vec::new();
    let mut owners: Vec<usize> = Vec::new();
    let mut parts = false;
    let mut under_root = false;
    for (i, b) in blocks.iter().enumerate() {
        let Block::Heading { level, text, .. } = b else {
            continue;
        };
        while stack.last().is_some_and(|&(l, _, _)| l >= *level) {
            stack.pop();
        }
        let is_part = Some(i) != title && part_of(text).is_some();
        if is_part {
            parts = true;
            match stack
                .iter()
                .rev()
                .find(|&&(_, o, p)| !p && Some(o) != title)
            {
                Some(&(_, owner, _)) => owners.push(owner),
                None => under_root = true,
            }
        }
        stack.push((*level, i, is_part));
    }
    owners.sort_unstable();
    owners.dedup();
    // Keep the outermost: an owner inside another owner's section belongs to it.
    let outer: Vec<usize> = owners
        .iter()
        .copied()
        .filter(|&o| !owners.iter().any(|&p| contains(blocks, p, o)))
        .collect();
    match outer.len() {
        _ if !parts => Shape::Free,
        0 | 1 => Shape::One,
        _ if under_root => Shape::One,
        _ => Shape::Many(outer),
    }
}

/// Whether heading `inner` lies in the section of heading `outer`.
fn contains(blocks: &[Block], outer: usize, inner: usize) -> bool {
    let Some(level) = heading_level(&blocks[outer]) else {
        return false;
    };
    inner > outer
        && blocks[outer + 1..=inner]
            .iter()
            .filter_map(heading_level)
            .all(|l| l > level)
}

/// Block ranges split at every heading of `level` or above.
fn segments(blocks: &[Block], level: usize) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = vec![0];
    for (i, b) in blocks.iter().enumerate().skip(1) {
        if heading_level(b).is_some_and(|l| l <= level) {
            starts.push(i);
        }
    }
    let mut out = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let e = starts.get(n + 1).copied().unwrap_or(blocks.len());
        out.push((s, e));
    }
    out
}

/// `1. Restart the API` to `Restart the API`.
pub fn unnumbered(text: &str) -> String {
    let t = text.trim();
    let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix(['.', ')']) {
        Some(r) if rest.len() < t.len() => r.trim().to_string(),
        _ => t.to_string(),
    }
}

/// Where the walk through a runbook's blocks is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Before,
    Part(Part, usize),
    /// A section that is no part: its commands are steps in order.
    Procedure(usize),
}

/// Reads one runbook from its blocks. `structured` says whether parts were found; without
/// them every section is a procedure.
fn read(blocks: &[Block], title: &str, structured: bool, title_at: Option<usize>) -> Draft {
    let mut d = Draft {
        title: unnumbered(title),
        anchor: crate::export::markdown::slug(title.trim()),
        ..Draft::default()
    };
    let mut at = if structured {
        At::Before
    } else {
        At::Procedure(0)
    };
    let mut context: Vec<String> = Vec::new();
    // The name the next mitigation takes, set by a heading or a bold list item.
    let mut name: Option<String> = (!structured).then(|| unnumbered(title));
    for (i, block) in blocks.iter().enumerate() {
        if Some(i) == title_at {
            continue;
        }
        match block {
            Block::Heading { level, text, .. } => {
                let inside = match at {
                    At::Part(_, l) | At::Procedure(l) => *level > l,
                    At::Before => false,
                };
                match part_of(text) {
                    Some(p) if structured => {
                        at = At::Part(p, *level);
                        name = (p == Part::Mitigation).then(|| unnumbered(text));
                    }
                    _ if inside => {
                        if matches!(at, At::Part(Part::Mitigation, _) | At::Procedure(_)) {
                            name = Some(unnumbered(text));
                        }
                    }
                    _ => {
                        at = At::Procedure(*level);
                        name = Some(unnumbered(text));
                    }
                }
                context.clear();
            }
            Block::Prose {
                text,
                item,
                lead,
                link,
            } => {
                prose(&mut d, at, &mut name, text, *item, lead, link);
                context.push(text.clone());
                if context.len() > 3 {
                    context.remove(0);
                }
            }
            Block::Code { lang, text } => {
                for command in code::commands(lang, text) {
                    let found = Found {
                        command,
                        context: context.clone(),
                    };
                    match at {
                        At::Part(Part::Mitigation, _) | At::Procedure(_) => {
                            let manual = matches!(at, At::Part(..));
                            mitigation(&mut d, &mut name, manual)
                                .entries
                                .push(Entry::Run(found));
                        }
                        At::Part(Part::Confirm, _) => d.confirm.push(Entry::Run(found)),
                        At::Before | At::Part(_, _) => d.checks.push(found),
                    }
                }
            }
        }
    }
    // A section of prose alone (a table of contents, a note) is no procedure.
    d.mitigations.retain(|m| {
        m.entries.iter().any(|e| matches!(e, Entry::Run(_))) || m.manual && !m.entries.is_empty()
    });
    d
}

fn prose(
    d: &mut Draft,
    at: At,
    name: &mut Option<String>,
    text: &str,
    item: bool,
    lead: &Option<String>,
    link: &Option<String>,
) {
    match at {
        At::Before | At::Part(Part::About, _) => {
            if d.description.is_none() && !item {
                d.description = Some(text.to_string());
            }
        }
        At::Part(Part::Symptoms, _) => d.symptoms.push(text.to_string()),
        At::Part(Part::Diagnosis, _) => {}
        At::Part(Part::Followup, _) => d.followups.push(text.to_string()),
        At::Part(Part::Confirm, _) => d.confirm.push(Entry::Step(text.to_string())),
        // A free-form page's first paragraph introduces it.
        At::Procedure(_) if d.description.is_none() && !item && d.mitigations.is_empty() => {
            d.description = Some(text.to_string());
        }
        At::Part(Part::Mitigation, _) | At::Procedure(_) => {
            let manual = matches!(at, At::Part(Part::Mitigation, _));
            if let (true, Some(lead)) = (item, lead) {
                *name = Some(lead.clone());
                let rest = text
                    .strip_prefix(lead.as_str())
                    .unwrap_or(text)
                    .trim_start_matches([':', ' ', '-']);
                if !rest.is_empty() {
                    mitigation(d, name, manual)
                        .entries
                        .push(Entry::Step(rest.to_string()));
                }
                return;
            }
            let entry = match link {
                Some(dest) if text.to_lowercase().starts_with("see ") && dest.starts_with('#') => {
                    Entry::See(dest.trim_start_matches('#').to_string())
                }
                _ => Entry::Step(text.to_string()),
            };
            mitigation(d, name, manual).entries.push(entry);
        }
    }
}

/// The mitigation being written: a new one when a name is pending.
fn mitigation<'a>(d: &'a mut Draft, name: &mut Option<String>, manual: bool) -> &'a mut Mitigation {
    if let Some(n) = name.take() {
        d.mitigations.push(Mitigation {
            name: n,
            entries: Vec::new(),
            manual,
        });
    } else if d.mitigations.is_empty() {
        d.mitigations.push(Mitigation {
            name: "Mitigation".to_string(),
            entries: Vec::new(),
            manual,
        });
    }
    d.mitigations
        .last_mut()
        .expect("a mitigation was just ensured")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::markdown::blocks::{blocks, front_matter};

    fn titles(md: &str) -> Vec<String> {
        let (front, body) = front_matter(md);
        drafts(&blocks(body), &front, "file")
            .into_iter()
            .map(|d| d.title)
            .collect()
    }

    #[test]
    fn vocabulary() {
        assert_eq!(part_of("Diagnosis"), Some(Part::Diagnosis));
        assert_eq!(part_of("### Investigation"), Some(Part::Diagnosis));
        assert_eq!(part_of("Mitigation steps"), Some(Part::Mitigation));
        assert_eq!(part_of("Recovery Confirmation"), Some(Part::Confirm));
        assert_eq!(part_of("Post-Incident"), Some(Part::Followup));
        assert_eq!(part_of("Immediate Actions"), None);
        assert_eq!(
            part_of("How the cluster elects a new leader when a member is lost"),
            None
        );
    }

    #[test]
    fn one_alert_file_is_one_runbook() {
        let md = "---\ntitle: Disk Almost Full\nseverity: warning\n---\n# DiskAlmostFull\n\n## Meaning\n\nThe disk fills.\n\n## Diagnosis\n\n```shell\n$ df -h\n```\n\n## Mitigation\n\n### Clean logs\n\n```bash\njournalctl --vacuum-size=1G\n```\n";
        let (front, body) = front_matter(md);
        let d = drafts(&blocks(body), &front, "f");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].title, "Disk Almost Full");
        assert_eq!(d[0].description.as_deref(), Some("The disk fills."));
        assert_eq!(d[0].checks.len(), 1);
        assert_eq!(d[0].mitigations[0].name, "Clean logs");
        assert_eq!(d[0].severity.as_deref(), Some("warning"));
    }

    #[test]
    fn sections_with_parts_are_runbooks_and_their_siblings_procedures() {
        let md = "# Storage issues\n\n## Tools\n\n```console\n$ ceph status\n```\n\n## Monitors down\n\n### Symptoms\n\n- mons crash\n\n### Solution\n\n```bash\nkubectl -n rook delete pod mon-a\n```\n\n## OSDs down\n\n### Investigation\n\n```bash\nceph osd tree\n```\n\n## Contents\n\nNothing to run.\n";
        assert_eq!(titles(md), ["Tools", "Monitors down", "OSDs down"]);
    }

    #[test]
    fn a_free_form_page_is_one_procedure() {
        let md = "# Disable the agent\n\nStop it first.\n\n```\nsudo systemctl stop agent\n```\n\n## Turn it back on\n\n```\nsudo systemctl start agent\n```\n";
        let (front, body) = front_matter(md);
        let d = drafts(&blocks(body), &front, "f");
        assert_eq!(d.len(), 1);
        let names: Vec<&str> = d[0].mitigations.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Disable the agent", "Turn it back on"]);
    }
}
