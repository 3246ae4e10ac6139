//! Completion from the text before the cursor, which is seldom a file that parses: statements
//! the enclosing block allows, verbs of the target before the dot, the verb's keyword
//! arguments, check ids in conditions, runbooks after `see`, parameters inside `#{`, and rule
//! codes inside `# lrb:allow(`.

use super::documents::Member;
use crate::action::catalogue::{self, TargetKind};
use crate::check::Context;
use crate::diagnostic::registry;
use lsp_types::{CompletionItem, CompletionItemKind};
use regex::Regex;
use std::sync::LazyLock;

/// The names a file declares, read from its code bytes so that a half-typed file still has them.
struct Declared {
    targets: Vec<(String, String)>,
    params: Vec<String>,
    checks: Vec<String>,
    runbooks: Vec<String>,
}

static DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(target|param|check|runbook)[ \t]+:(\w+)(?:[ \t]*,[ \t]*(\w+):)?")
        .expect("a valid pattern")
});
static ALLOW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#\s*lrb:allow\([A-Za-z0-9_, -]*$").expect("a valid pattern"));
static INTERPOLATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#\{\w*$").expect("a valid pattern"));
static CHECK_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:passed|failed|errored|value)\(\s*(:?)\w*$").expect("a valid pattern")
});
static SEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*see\s+(:?)\w*$").expect("a valid pattern"));
static VERB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\w+)\.\w*$").expect("a valid pattern"));
static ACTION_ARGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\w+)\.(\w+)[\s(].*(?:^|[\s,(])\w*$").expect("a valid pattern")
});
static STATEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\w*$").expect("a valid pattern"));
static KEYWORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\w+):").expect("a valid pattern"));

fn declared(code: &str) -> Declared {
    let mut d = Declared {
        targets: Vec::new(),
        params: Vec::new(),
        checks: Vec::new(),
        runbooks: Vec::new(),
    };
    for c in DECLARATION.captures_iter(code) {
        let name = c[2].to_string();
        match &c[1] {
            "target" => d
                .targets
                .push((name, c.get(3).map_or("", |m| m.as_str()).to_string())),
            "param" => d.params.push(name),
            "check" => d.checks.push(name),
            _ => d.runbooks.push(name),
        }
    }
    d
}

/// The text with every byte that is not code blanked, offsets kept.
fn code_only(text: &str, code: &[bool]) -> String {
    text.bytes()
        .zip(code.iter().copied())
        .map(|(b, is_code)| match b {
            b'\n' => '\n',
            _ if is_code && b.is_ascii() => b as char,
            _ => ' ',
        })
        .collect()
}

/// The block the cursor is in, from the `do`s and `end`s of the code before it.
fn context(code_before: &str) -> Context {
    let mut open: Vec<&str> = Vec::new();
    for line in code_before.lines() {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        for w in &words {
            match *w {
                "do" => open.push(words[0]),
                "end" => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    match open.last().copied() {
        None => Context::File,
        Some("check") => Context::Check,
        Some("when") => Context::When,
        Some("mitigate") => Context::Mitigate,
        Some("confirm") => Context::Confirm,
        Some("followup") => Context::Followup,
        Some(_) => Context::Runbook,
    }
}

/// The completions at byte `offset` of the set member `current`.
pub fn complete(set: &[Member], current: usize, offset: usize) -> Vec<CompletionItem> {
    let text = String::from_utf8_lossy(&set[current].text);
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let is_code = crate::syntax::code_bytes(&text);
    let in_code = offset == line_start || is_code[offset - 1];
    let code = code_only(&text, &is_code);
    let here = declared(&code);

    if ALLOW.is_match(before) {
        return registry::ALL
            .iter()
            .filter(|r| r.suppressible)
            .map(|r| {
                item(
                    r.code,
                    CompletionItemKind::VALUE,
                    Some(format!("{}: {}", r.name, r.summary)),
                    None,
                )
            })
            .collect();
    }
    if INTERPOLATION.is_match(before) {
        return here
            .params
            .iter()
            .map(|p| item(p, CompletionItemKind::VARIABLE, Some("param".into()), None))
            .collect();
    }
    let code_before = &code[line_start..offset];
    if !in_code {
        return Vec::new();
    }
    if let Some(c) = CHECK_ID.captures(code_before) {
        let colon = if c[1].is_empty() { ":" } else { "" };
        return here
            .checks
            .iter()
            .map(|id| {
                item(
                    id,
                    CompletionItemKind::REFERENCE,
                    Some("check".into()),
                    Some(format!("{colon}{id}")),
                )
            })
            .collect();
    }
    if let Some(c) = SEE.captures(code_before) {
        let colon = if c[1].is_empty() { ":" } else { "" };
        let mut names: Vec<String> = set
            .iter()
            .flat_map(|m| {
                let text = String::from_utf8_lossy(&m.text);
                declared(&code_only(&text, &crate::syntax::code_bytes(&text))).runbooks
            })
            .collect();
        names.sort();
        names.dedup();
        return names
            .iter()
            .map(|r| {
                item(
                    r,
                    CompletionItemKind::MODULE,
                    Some("runbook".into()),
                    Some(format!("{colon}{r}")),
                )
            })
            .collect();
    }
    if let Some(c) = VERB.captures(code_before) {
        return kind_of(&here, &c[1])
            .map(|kind| {
                catalogue::verbs_of(kind)
                    .map(|v| item(v.verb, CompletionItemKind::METHOD, Some(v.doc.into()), None))
                    .collect()
            })
            .unwrap_or_default();
    }
    if let Some(c) = ACTION_ARGS.captures(code_before) {
        let Some(spec) = kind_of(&here, &c[1]).and_then(|k| catalogue::find(k, &c[2])) else {
            return Vec::new();
        };
        let given: Vec<&str> = KEYWORD
            .captures_iter(code_before)
            .map(|k| k.get(1).map_or("", |m| m.as_str()))
            .collect();
        return spec
            .keywords
            .iter()
            .filter(|a| !given.contains(&a.name()))
            .map(|a| {
                item(
                    a.name(),
                    CompletionItemKind::PROPERTY,
                    Some(format!("{} — {}", a.ty.describe(), a.doc)),
                    Some(format!("{}: ", a.name())),
                )
            })
            .collect();
    }
    if STATEMENT.is_match(code_before) {
        let mut items = Vec::new();
        for keyword in context(&code[..line_start]).allows() {
            if *keyword == "action" {
                let implicit = [("docker", "docker"), ("shell", "shell")];
                let targets = here.targets.iter().map(|(n, k)| (n.as_str(), k.as_str()));
                for (name, kind) in targets.chain(implicit) {
                    items.push(item(
                        name,
                        CompletionItemKind::VARIABLE,
                        Some(format!("{kind} target")),
                        Some(format!("{name}.")),
                    ));
                }
            } else {
                items.push(item(keyword, CompletionItemKind::KEYWORD, None, None));
            }
        }
        return items;
    }
    Vec::new()
}

/// The kind of the target named `name` in this file, or of an implicit one.
fn kind_of(declared: &Declared, name: &str) -> Option<TargetKind> {
    match declared.targets.iter().find(|(n, _)| n == name) {
        Some((_, kind)) => TargetKind::from_name(kind),
        None => match name {
            "docker" => Some(TargetKind::Docker),
            "shell" => Some(TargetKind::Shell),
            _ => None,
        },
    }
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    insert: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        insert_text: insert,
        ..CompletionItem::default()
    }
}
