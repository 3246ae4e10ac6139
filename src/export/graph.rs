//! `lrb graph`: the decision flow of runbooks (checks, the `when` branches they feed, the
//! mitigations those propose, then `confirm`), as Mermaid or Graphviz DOT. Destructive
//! mitigations are drawn in red with a ⚠.

use crate::duration::Duration;
use crate::plan::{Plan, Runbook};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Runbook,
    Check,
    Condition,
    Mitigation {
        destructive: bool,
    },
    /// A runbook handed over to that is not drawn itself.
    Elsewhere,
    Confirm,
}

struct Node {
    id: String,
    label: String,
    kind: Kind,
}

#[derive(Default)]
struct Graph {
    nodes: Vec<Node>,
    edges: Vec<(String, String, Option<String>)>,
}

impl Graph {
    fn node(&mut self, id: String, label: String, kind: Kind) -> String {
        if !self.nodes.iter().any(|n| n.id == id) {
            self.nodes.push(Node {
                id: id.clone(),
                label,
                kind,
            });
        }
        id
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<&str>) {
        self.edges
            .push((from.to_string(), to.to_string(), label.map(str::to_string)));
    }
}

/// Draws the runbooks `keep` selects; `see` targets outside the selection get a plain node.
pub fn render(plan: &Plan, keep: impl Fn(&Runbook) -> bool, format: Format) -> String {
    let drawn: Vec<&Runbook> = plan.runbooks.iter().filter(|r| keep(r)).collect();
    let mut g = Graph::default();
    for rb in &drawn {
        flow(&mut g, rb, &drawn);
    }
    match format {
        Format::Mermaid => mermaid(&g),
        Format::Dot => dot(&g),
    }
}

fn flow(g: &mut Graph, rb: &Runbook, drawn: &[&Runbook]) {
    let id = |rest: &str| format!("{}__{rest}", rb.id);
    let start = g.node(
        rb.id.clone(),
        rb.title.clone().unwrap_or_else(|| rb.id.clone()),
        Kind::Runbook,
    );
    for c in &rb.checks {
        let label = match &c.description {
            Some(d) => format!("check {}: {d}", c.id),
            None => format!("check {}", c.id),
        };
        let node = g.node(id(&format!("check_{}", c.id)), label, Kind::Check);
        g.edge(&start, &node, None);
    }
    let confirm = rb.confirm.as_ref().map(|c| {
        let label = format!(
            "confirm: {} probes, within {}",
            c.probes.len(),
            Duration::from_ms(c.within_ms)
        );
        g.node(id("confirm"), label, Kind::Confirm)
    });
    for (b, branch) in rb.branches.iter().enumerate() {
        let when = g.node(
            id(&format!("when_{b}")),
            format!("when {}", branch.condition),
            Kind::Condition,
        );
        for check in branch.condition.checks() {
            g.edge(&id(&format!("check_{check}")), &when, None);
        }
        for (m, mitigation) in branch.mitigations.iter().enumerate() {
            let destructive = mitigation.is_destructive();
            let label = if destructive {
                format!("⚠ {} (destructive)", mitigation.name)
            } else {
                mitigation.name.clone()
            };
            let node = g.node(
                id(&format!("mitigate_{b}_{m}")),
                label,
                Kind::Mitigation { destructive },
            );
            g.edge(&when, &node, None);
            if let Some(confirm) = &confirm {
                g.edge(&node, confirm, None);
            }
        }
        for see in &branch.see {
            let target = if drawn.iter().any(|r| &r.id == see) {
                see.clone()
            } else {
                g.node(see.clone(), format!("runbook {see}"), Kind::Elsewhere)
            };
            g.edge(&when, &target, Some("see"));
        }
    }
}

fn mermaid(g: &Graph) -> String {
    let text = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart TD\n");
    for n in &g.nodes {
        let label = text(&n.label);
        let shape = match n.kind {
            Kind::Runbook | Kind::Confirm => format!("([\"{label}\"])"),
            Kind::Check => format!("[\"{label}\"]"),
            Kind::Condition => format!("{{\"{label}\"}}"),
            Kind::Mitigation { .. } => format!("[/\"{label}\"/]"),
            Kind::Elsewhere => format!("[[\"{label}\"]]"),
        };
        let _ = writeln!(out, "  {}{shape}", n.id);
    }
    for (from, to, label) in &g.edges {
        match label {
            Some(l) => {
                let _ = writeln!(out, "  {from} -.->|{l}| {to}");
            }
            None => {
                let _ = writeln!(out, "  {from} --> {to}");
            }
        }
    }
    let destructive: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Mitigation { destructive: true })
        .map(|n| n.id.as_str())
        .collect();
    if !destructive.is_empty() {
        out.push_str("  classDef destructive fill:#fdd,stroke:#c00,color:#900,stroke-width:2px\n");
        let _ = writeln!(out, "  class {} destructive", destructive.join(","));
    }
    out
}

fn dot(g: &Graph) -> String {
    let text = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::from(
        "digraph runbooks {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for n in &g.nodes {
        let style = match n.kind {
            Kind::Runbook | Kind::Confirm => "shape=oval",
            Kind::Check => "shape=box",
            Kind::Condition => "shape=diamond",
            Kind::Mitigation { destructive: false } => "shape=parallelogram",
            Kind::Mitigation { destructive: true } => {
                "shape=parallelogram, color=red, fontcolor=red, penwidth=2"
            }
            Kind::Elsewhere => "shape=box, style=dashed",
        };
        let _ = writeln!(
            out,
            "  \"{}\" [label=\"{}\", {style}];",
            n.id,
            text(&n.label)
        );
    }
    for (from, to, label) in &g.edges {
        match label {
            Some(l) => {
                let _ = writeln!(
                    out,
                    "  \"{from}\" -> \"{to}\" [label=\"{l}\", style=dashed];"
                );
            }
            None => {
                let _ = writeln!(out, "  \"{from}\" -> \"{to}\";");
            }
        }
    }
    out.push_str("}\n");
    out
}
