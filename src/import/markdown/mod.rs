//! `lrb import markdown`: the Markdown runbooks teams already have, to lrb source.
//!
//! `blocks` flattens the document, `outline` finds its runbooks and their parts by meaning,
//! `code` turns code blocks into commands (`promql` a query into a probe), `placeholders` turns `<pod-name>` and `$NAMESPACE`
//! into parameters, and `write` prints lrb. What the import cannot decide for the author is a
//! `# TODO:` comment and a finding of `lrb check`, never a guess written as fact.

mod blocks;
mod code;
mod outline;
mod placeholders;
mod promql;
mod write;

use std::collections::{BTreeSet, HashMap, HashSet};

pub use code::Lang;

/// One imported runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub id: String,
    pub title: String,
    /// A complete file: its targets, then the runbook.
    pub source: String,
    /// The runbook alone.
    body: String,
    targets: BTreeSet<Lang>,
}

/// Every runbook of a Markdown document; `fallback_title` names a page with no title.
pub fn import(markdown: &str, fallback_title: &str) -> Vec<Imported> {
    let (front, body) = blocks::front_matter(markdown);
    let mut drafts = outline::drafts(&blocks::blocks(body), &front, fallback_title);
    drafts.retain(|d| !d.is_empty());
    let mut taken = HashSet::new();
    let ids: Vec<String> = drafts
        .iter()
        .map(|d| write::unique(&mut taken, &ident(&d.title)))
        .collect();
    let by_anchor: HashMap<String, String> = drafts
        .iter()
        .zip(&ids)
        .map(|(d, id)| (d.anchor.clone(), id.clone()))
        .collect();
    drafts
        .iter()
        .zip(ids)
        .map(|(d, id)| {
            let (body, targets) = write::runbook(d, &id, &by_anchor);
            let source = file(&d.title, &write::header(&targets), &body);
            Imported {
                id,
                title: d.title.clone(),
                source,
                body,
                targets,
            }
        })
        .collect()
}

/// Several imported runbooks as one file, each target declared once.
pub fn combined(imported: &[Imported]) -> String {
    let targets: BTreeSet<Lang> = imported
        .iter()
        .flat_map(|i| i.targets.iter().copied())
        .collect();
    let bodies: Vec<&str> = imported.iter().map(|i| i.body.as_str()).collect();
    let title = match imported {
        [one] => one.title.clone(),
        _ => format!("{} runbooks", imported.len()),
    };
    file(&title, &write::header(&targets), &bodies.join("\n"))
}

fn file(title: &str, header: &str, body: &str) -> String {
    let mut out = format!(
        "# {title}: imported from Markdown by `lrb import markdown`.\n# Lines marked TODO need a person: the import could not decide them, and `lrb check` lists them.\n\n"
    );
    if !header.is_empty() {
        out.push_str(header);
        out.push('\n');
    }
    out.push_str(body);
    crate::fmt::format(&out, crate::source::FileId(0)).unwrap_or(out)
}

/// `Queue Backlog / Stuck Jobs` to `queue_backlog_stuck_jobs`.
fn ident(title: &str) -> String {
    let id = placeholders::name(title);
    match id.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => id,
        _ => format!("runbook_{id}"),
    }
}
