//! Hover: what an action does to the world and how lrb decided it, a check's value type, a
//! target's kind and where its address comes from, a parameter, a runbook, a rule.

use super::analysis::{self, Analysis};
use super::names::{self, Kind};
use super::position::LineIndex;
use crate::action::catalogue::{self, TargetKind};
use crate::action::{Action, RawEffect};
use crate::ast::{self, Stmt};
use crate::diagnostic::registry;
use crate::duration::Duration;
use crate::plan::{self, Address, Plan};
use crate::source::{FileId, Span};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Uri};

pub fn hover(analysis: &Analysis, uri: &Uri, position: Position) -> Option<Hover> {
    let file = analysis.file(uri)?;
    let text = analysis.text(file);
    let index = LineIndex::new(text);
    let offset = index.offset(position);
    let (markdown, span) = match analysis.ast(file) {
        Some(ast) => name(analysis, file, ast, offset)
            .or_else(|| action(analysis, file, ast, offset))
            .or_else(|| rule(text, offset))?,
        None => rule(text, offset)?,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(index.range(span)),
    })
}

/// The lowered runbook a name or statement of `file` belongs to.
fn runbook<'p>(
    plan: &'p Plan,
    analysis: &Analysis,
    file: FileId,
    ast: &ast::File,
    index: Option<usize>,
) -> Option<&'p plan::Runbook> {
    let path = &analysis.session.sources.get(file).path;
    let in_file = |r: &&plan::Runbook| &r.source == path;
    match index.and_then(|i| ast.body.get(i)) {
        Some(Stmt::Runbook(rb)) => plan
            .runbooks
            .iter()
            .filter(in_file)
            .find(|r| r.id == rb.name.name),
        _ => plan.runbooks.iter().find(in_file),
    }
}

fn name(
    analysis: &Analysis,
    file: FileId,
    ast: &ast::File,
    offset: usize,
) -> Option<(String, Span)> {
    let names = names::of_file(ast);
    let n = &names[names::at(&names, offset)?];
    let plan = analysis.lowered();
    let rb = runbook(&plan, analysis, file, ast, n.runbook);
    let text = match n.kind {
        Kind::Check => {
            let check = rb?.check(n.name)?;
            let mut out = format!("**check** `:{}`", check.id);
            if let Some(d) = &check.description {
                out.push_str(&format!(" — {d}"));
            }
            out.push_str(&format!(
                "\n\nValue: {} (`value(:{})` compares with it).",
                check.value_type.describe(),
                check.id
            ));
            if check.info {
                out.push_str(" Shown to the operator only (`info: true`).");
            }
            out
        }
        Kind::Target => match rb.and_then(|r| r.target(n.name)) {
            Some(t) => target(t),
            None if matches!(n.name, "docker" | "shell") => format!(
                "**target** `{}`: the implicit local `{}` target.",
                n.name, n.name
            ),
            None => return None,
        },
        Kind::Param => {
            let p = rb?.param(n.name)?;
            let mut out = format!("**param** `{}`", p.name);
            if let Some(d) = &p.description {
                out.push_str(&format!(" — {d}"));
            }
            if p.secret {
                out.push_str("\n\nSecret: never printed, logged or inlined into exports.");
            } else if let Some(d) = &p.default {
                out.push_str(&format!(
                    "\n\nDefault: `{d}`; `--set {}=...` overrides it.",
                    p.name
                ));
            } else {
                out.push_str(&format!("\n\nNo default: give `--set {}=...`.", p.name));
            }
            out
        }
        Kind::Runbook => {
            let found = plan.runbook(n.name)?;
            let mut out = format!("**runbook** `{}`", found.id);
            if let Some(t) = &found.title {
                out.push_str(&format!(" — {t}"));
            }
            out.push_str(&format!("\n\nIn `{}`.", found.source.display()));
            out
        }
    };
    Some((text, n.span))
}

fn target(t: &plan::Target) -> String {
    let address = match &t.address {
        Address::Literal { value } => format!("written in the runbook: `{value}`"),
        Address::Env {
            name,
            default: Some(d),
        } => format!("from the environment variable `{name}`, else `{d}`"),
        Address::Env {
            name,
            default: None,
        } => format!("from the environment variable `{name}` (required)"),
        Address::Secret { name } => format!("from the secret `{name}` (never shown)"),
    };
    let mut out = format!(
        "**target** `{}`: a `{}` target.\n\nAddress: {address}; {}.",
        t.name,
        t.kind.name(),
        t.kind.address_doc()
    );
    if let Some(ms) = t.timeout_ms {
        out.push_str(&format!(
            "\n\nTimeout: {} per action unless the action says.",
            Duration::from_ms(ms)
        ));
    }
    out
}

fn action(
    analysis: &Analysis,
    file: FileId,
    ast: &ast::File,
    offset: usize,
) -> Option<(String, Span)> {
    let stmts = analysis::enclosing(ast, offset);
    let Some(Stmt::Action(call)) = stmts.last() else {
        return None;
    };
    let plan = analysis.lowered();
    let index = stmts
        .first()
        .and_then(|top| ast.body.iter().position(|s| std::ptr::eq(s, *top)));
    let rb = runbook(&plan, analysis, file, ast, index);
    let kind = rb
        .and_then(|r| r.target(&call.target.name))
        .map(|t| t.kind)
        .or(match call.target.name.as_str() {
            "docker" => Some(TargetKind::Docker),
            "shell" => Some(TargetKind::Shell),
            _ => None,
        })?;
    let spec = catalogue::find(kind, &call.verb.name)?;
    let mut out = format!(
        "**`{}.{}`** ({} target): {}.",
        call.target.name,
        spec.verb,
        kind.name(),
        spec.doc
    );
    if let Some(step) = rb.and_then(|r| step(r, call.span)) {
        out.push_str(&format!("\n\n{}", effect(&step.action)));
    }
    let args: Vec<String> = spec
        .positional
        .iter()
        .chain(spec.keywords)
        .map(|a| format!("- `{}`: {} — {}", a.name(), a.ty.describe(), a.doc))
        .collect();
    if !args.is_empty() {
        out.push_str(&format!("\n\nArguments:\n{}", args.join("\n")));
    }
    Some((out, call.verb.span))
}

fn step(rb: &plan::Runbook, span: Span) -> Option<&plan::Step> {
    rb.checks
        .iter()
        .flat_map(|c| &c.probes)
        .chain(rb.mitigations().flat_map(|m| &m.steps))
        .chain(rb.confirm.iter().flat_map(|c| &c.probes))
        .find(|s| s.span == span)
}

/// The effect of an action and how it was decided: the one place hover reads an `Action`.
fn effect(action: &Action) -> String {
    let analysis = match action {
        Action::Postgres(_) => "parsing the SQL",
        Action::Redis(_) => "the Redis command table",
        Action::Shell(_) => "the shell command catalogue",
        Action::Prometheus(_) => "the verb: a PromQL query only reads",
        Action::Http(_)
        | Action::Docker(_)
        | Action::Compose(_)
        | Action::Manual(_)
        | Action::Wait(_) => "the verb",
    };
    let how = match action.raw_effect() {
        None => format!("decided by {analysis}"),
        Some(RawEffect::Classified {
            classification,
            declared: Some(d),
        }) if *d > classification.effect => format!(
            "declared `{d}` by the author with `effect:`, stricter than {analysis} found ({})",
            classification.reason
        ),
        Some(RawEffect::Classified { classification, .. }) => {
            format!("decided by {analysis}: {}", classification.reason)
        }
        Some(RawEffect::Unclassified { declared: Some(_) }) => {
            format!("not recognised by {analysis}; declared by the author with `effect:`")
        }
        Some(RawEffect::Unclassified { declared: None }) => {
            format!("not recognised by {analysis}, so counted as destructive")
        }
    };
    let deciding: Vec<String> = crate::fill::deciding(action)
        .into_iter()
        .map(|(p, why)| format!(" The value of `{p}` can change what it does: {why}."))
        .collect();
    format!(
        "Effect: **{}**, {how}. Value: {}.{}",
        action.effect(),
        action.value_type().describe(),
        deciding.concat()
    )
}

/// A rule code under the cursor (in an allow comment, say): its summary.
fn rule(text: &str, offset: usize) -> Option<(String, Span)> {
    let word = |c: char| c.is_ascii_alphanumeric();
    let start = text[..offset.min(text.len())]
        .char_indices()
        .rev()
        .find(|(_, c)| !word(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[start..]
        .find(|c: char| !word(c))
        .map_or(text.len(), |i| start + i);
    let r = registry::find(text.get(start..end)?)?;
    if !r.code.eq_ignore_ascii_case(&text[start..end]) {
        return None;
    }
    let allow = if r.suppressible {
        "Can be silenced with `# lrb:allow(CODE) reason`."
    } else {
        "Cannot be silenced."
    };
    Some((
        format!(
            "**{}** `{}` ({}): {}.\n\n{}\n\n{allow} `lrb explain {}` shows the page.",
            r.code, r.name, r.severity, r.summary, r.help, r.code
        ),
        Span::new(start, end),
    ))
}
