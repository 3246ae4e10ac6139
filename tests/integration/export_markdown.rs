//! `lrb export markdown runbooks/` covers every item of `seed-runbooks.md`: headings, symptoms,
//! mitigation names, every command of its code blocks, recovery items and the post-incident
//! checklist. A structural comparison of the two parsed documents, not a byte diff.

use crate::common::{lrb, root, stdout};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// What one runbook section of a document holds.
#[derive(Debug, Default)]
struct Section {
    /// `### ...` headings (and deeper), numbering removed.
    headings: Vec<String>,
    /// List items by the `###` part they are in (Symptoms, Recovery Confirmation, ...).
    items: BTreeMap<String, Vec<String>>,
    /// Names of mitigations: bold list items or headings under Mitigation Steps.
    mitigations: Vec<String>,
    /// Code lines, whitespace collapsed, comments and blank lines left out.
    commands: Vec<String>,
}

const PARTS: [&str; 5] = [
    "Symptoms",
    "Checks",
    "Mitigation Steps",
    "Recovery Confirmation",
    "Post-Incident",
];

fn unnumbered(text: &str) -> String {
    let t = text.trim();
    let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix(". ") {
        Some(r) if rest.len() < t.len() => r.trim().to_string(),
        _ => t.to_string(),
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `##` heading but the table of contents starts a runbook section.
fn sections(markdown: &str) -> (Vec<String>, BTreeMap<String, Section>) {
    let mut top_headings = Vec::new();
    let mut out: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut part = String::new();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut item: Option<String> = None;
    let mut bold: Option<String> = None;
    let mut code: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                let (level, text) = heading.take().unwrap();
                let text = unnumbered(&text);
                if level == HeadingLevel::H2 {
                    top_headings.push(text.clone());
                    current = (text != "Table of Contents").then(|| text.clone());
                    part.clear();
                } else if let Some(section) = current.as_ref().and_then(|c| out.get_mut(c)) {
                    section.headings.push(text.clone());
                    if PARTS.contains(&text.as_str()) {
                        part = text;
                    } else if part == "Mitigation Steps" {
                        section.mitigations.push(text);
                    }
                }
                if let Some(c) = &current {
                    out.entry(c.clone()).or_default();
                }
            }
            Event::Start(Tag::Item) => item = Some(String::new()),
            Event::End(TagEnd::Item) => {
                if let (Some(text), Some(section)) =
                    (item.take(), current.as_ref().and_then(|c| out.get_mut(c)))
                {
                    let text = collapse(
                        text.trim()
                            .trim_start_matches("[ ]")
                            .trim_start_matches("[x]"),
                    );
                    section.items.entry(part.clone()).or_default().push(text);
                }
            }
            Event::Start(Tag::Strong) => bold = Some(String::new()),
            Event::End(TagEnd::Strong) => {
                if let (Some(text), Some(section)) =
                    (bold.take(), current.as_ref().and_then(|c| out.get_mut(c)))
                    && part == "Mitigation Steps"
                    && item.is_some()
                {
                    section
                        .mitigations
                        .push(text.trim_end_matches(':').trim().to_string());
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                if let (Some(text), Some(section)) =
                    (code.take(), current.as_ref().and_then(|c| out.get_mut(c)))
                {
                    section.commands.extend(
                        text.lines()
                            .map(collapse)
                            .filter(|l| !l.is_empty() && !l.starts_with('#')),
                    );
                }
            }
            Event::TaskListMarker(_) => {}
            Event::Text(_) | Event::Code(_) => {
                let piece = match &event {
                    Event::Code(t) => format!("`{t}`"),
                    Event::Text(t) => t.to_string(),
                    _ => unreachable!("matched above"),
                };
                for buf in [
                    &mut heading.as_mut().map(|h| &mut h.1),
                    &mut item.as_mut(),
                    &mut bold.as_mut(),
                    &mut code.as_mut(),
                ]
                .into_iter()
                .flatten()
                {
                    buf.push_str(&piece);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                for buf in [&mut item.as_mut(), &mut code.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    buf.push(' ');
                }
            }
            _ => {}
        }
    }
    (top_headings, out)
}

/// The same text, or the seed's wording as the lead phrase before a colon.
fn covers(export: &str, seed: &str) -> bool {
    export == seed || export.starts_with(&format!("{seed}:"))
}

fn seed() -> String {
    let path = root().join("tests/fixtures/seed/seed-runbooks.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the seed document at `{}` ({e})",
            path.display()
        )
    })
}

fn export() -> String {
    stdout(lrb().args([
        "export",
        "markdown",
        "--title",
        "Core System Runbooks",
        "runbooks/",
    ]))
}

#[test]
fn export_covers_every_item_of_the_seed_document() {
    let (seed_top, seed) = sections(&seed());
    let (export_top, export) = sections(&export());
    assert_eq!(
        seed.len(),
        4,
        "the seed has four runbooks: {:?}",
        seed.keys()
    );
    // The extraction itself must see the whole seed, or the comparison proves nothing.
    let count = |f: &dyn Fn(&Section) -> usize| seed.values().map(f).sum::<usize>();
    let items = |part: &'static str| move |s: &Section| s.items.get(part).map_or(0, Vec::len);
    assert_eq!(count(&items("Symptoms")), 12);
    assert_eq!(count(&items("Recovery Confirmation")), 12);
    assert_eq!(count(&items("Post-Incident")), 13);
    assert_eq!(count(&|s| s.mitigations.len()), 15);
    assert_eq!(count(&|s| s.commands.len()), 50);
    let mut missing = Vec::new();
    for heading in &seed_top {
        if !export_top.contains(heading) {
            missing.push(format!("heading `## {heading}`"));
        }
    }
    for (title, want) in &seed {
        let Some(got) = export.get(title) else {
            missing.push(format!("runbook `{title}`"));
            continue;
        };
        for h in &want.headings {
            if !got.headings.iter().any(|g| covers(g, h)) {
                missing.push(format!("{title}: heading `{h}`"));
            }
        }
        for m in &want.mitigations {
            if !got.mitigations.iter().any(|g| covers(g, m)) {
                missing.push(format!("{title}: mitigation `{m}`"));
            }
        }
        for (part, items) in &want.items {
            if part == "Mitigation Steps" {
                continue; // names are compared above, `See ...` links below
            }
            let got_items = got.items.get(part).cloned().unwrap_or_default();
            for i in items {
                if !got_items.iter().any(|g| covers(g, i)) {
                    missing.push(format!("{title}: {part} item `{i}`"));
                }
            }
        }
        for cmd in &want.commands {
            if !got.commands.iter().any(|g| g.contains(cmd.as_str())) {
                missing.push(format!("{title}: command `{cmd}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the export lacks:\n{}",
        missing.join("\n")
    );
}

#[test]
fn see_branches_link_to_the_other_runbook() {
    let doc = export();
    assert!(doc.contains("- See [Deployment Rollback](#"), "{doc}");
    let (_, export) = sections(&doc);
    let api = &export["API Outage"];
    assert!(
        api.mitigations.iter().any(|m| covers(m, "Bad deployment")),
        "{api:?}"
    );
}

/// A query shows as a ```promql block of its own, to paste into Prometheus, with what its
/// answer must show in words; parameters show as their defaults, as in commands.
#[test]
fn queries_show_as_promql_blocks_with_their_expectation() {
    let md = stdout(lrb().args([
        "export",
        "markdown",
        "--title",
        "Queries",
        "tests/fixtures/prometheus/queries.rb",
    ]));
    assert!(!md.contains("```bash\nsum("), "{md}");
    insta::assert_snapshot!("queries", md);
}
