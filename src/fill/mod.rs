//! How a parameter's value reaches a backend: as data, never as syntax.
//!
//! The checker finds, once, where each `#{param}` hole of an action sits (a shell word in
//! double quotes, a SQL string literal, a URL path segment, one Redis argument) and the plan
//! keeps that shape. The interpreter and the bash exporter both fill holes from it, so one hole
//! means one thing in `lrb run`, `lrb plan` and the exported script:
//!
//! - [`shell`]: values reach bash as environment variables, each hole a `${LRB_P_name}`
//!   reference that fits its quoting; bash never parses a value.
//! - [`sql`]: each hole becomes the body of an `E'...'` literal with `\` and `'` doubled.
//! - [`redis`]: the command is split into words at check time; a hole fills one argument.
//! - [`promql`]: a hole is a label matcher's value, escaped as a PromQL string (and as a
//!   literal regex in `=~`), so it can only select series, never change the query.
//! - [`http`]: a hole in a path is one percent-encoded segment, in a query one encoded value,
//!   in a JSON body a JSON value.
//! - Docker and compose names are checked against the names the engine accepts ([`Rule`]).
//!
//! Where escaping alone cannot make a value safe (an option, arithmetic), a [`Rule`] says
//! what the value must look like; the interpreter and the script check the same pattern before
//! anything runs.

pub mod http;
pub mod promql;
pub mod redis;
pub mod shell;
pub mod sql;

use crate::action::{Action, ComposeOp, DockerOp, Part, PostgresOp, RedisOp, Template};
use serde::Serialize;
use std::sync::LazyLock;

/// What a value must look like to fill a hole (or a whole name) safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Not an option: a command would read a leading `-` as one.
    NotOption,
    /// A whole number: bash evaluates the value as arithmetic.
    Integer,
    /// A variable name: bash would evaluate a subscript in anything else.
    Name,
    /// One line: a SQL line comment ends at a newline.
    OneLine,
    /// No `*/` or `/*`: a SQL block comment would end or nest.
    InComment,
    /// Not `.` or `..`: a URL path segment of dots walks up the path.
    NotDotSegment,
    /// A Docker container name.
    ContainerName,
    /// A compose service name.
    ServiceName,
    /// A Docker image reference (`name[:tag]`, with an optional registry).
    ImageRef,
}

impl Rule {
    /// The pattern, the same text for Rust's `regex` and bash's `[[ =~ ]]` in the C locale.
    pub fn pattern(self) -> &'static str {
        match self {
            Rule::NotOption => "^([^-]|$)",
            Rule::Integer => "^[+-]?[0-9]+$",
            Rule::Name => "^[A-Za-z_][A-Za-z0-9_]*$",
            Rule::OneLine => "^[^\n\r]*$",
            Rule::InComment => "[*]/|/[*]",
            Rule::NotDotSegment => "^[.][.]?$",
            Rule::ContainerName => "^/?[A-Za-z0-9][A-Za-z0-9_.-]*$",
            Rule::ServiceName => "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
            Rule::ImageRef => "^[A-Za-z0-9][A-Za-z0-9_./:@-]*$",
        }
    }

    /// Whether a value matching [`Rule::pattern`] is refused (rather than required).
    pub fn forbids(self) -> bool {
        matches!(self, Rule::InComment | Rule::NotDotSegment)
    }

    /// What the value must be, for an error message.
    pub fn says(self) -> &'static str {
        match self {
            Rule::NotOption => "must not start with `-`, which the command would read as an option",
            Rule::Integer => "must be a whole number, since bash evaluates it as arithmetic",
            Rule::Name => {
                "must be a plain name (letters, digits, `_`), since bash takes it as a variable name"
            }
            Rule::OneLine => "must be one line, since it sits in a SQL `--` comment",
            Rule::InComment => "must not hold `*/` or `/*`, since it sits in a SQL `/* */` comment",
            Rule::NotDotSegment => "must not be `.` or `..`, which would walk up the URL path",
            Rule::ContainerName => {
                "must be a Docker container name (letters, digits, `_`, `.`, `-`)"
            }
            Rule::ServiceName => "must be a compose service name (letters, digits, `_`, `.`, `-`)",
            Rule::ImageRef => "must be a Docker image reference such as `name:tag`",
        }
    }

    pub fn admits(self, value: &str) -> bool {
        static COMPILED: LazyLock<Vec<regex::Regex>> = LazyLock::new(|| {
            Rule::ALL
                .iter()
                .map(|r| regex::Regex::new(r.pattern()).expect("rule patterns are valid"))
                .collect()
        });
        let index = Rule::ALL.iter().position(|r| *r == self).unwrap_or(0);
        COMPILED[index].is_match(value) != self.forbids()
    }

    pub const ALL: [Rule; 9] = [
        Rule::NotOption,
        Rule::Integer,
        Rule::Name,
        Rule::OneLine,
        Rule::InComment,
        Rule::NotDotSegment,
        Rule::ContainerName,
        Rule::ServiceName,
        Rule::ImageRef,
    ];
}

/// A value a hole's rule refuses, or a name that is not one: why, for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {}", rule.says())]
pub struct Refused {
    /// "parameter `queue`" or "the container name".
    pub what: String,
    pub rule: Rule,
}

/// A value as an operator may see it on one line: control characters shown as escapes, so a
/// value can neither break a prompt's layout nor send terminal escape sequences.
pub fn shown(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_admit_what_they_say() {
        assert!(Rule::NotOption.admits("value"));
        assert!(Rule::NotOption.admits(""));
        assert!(!Rule::NotOption.admits("-rf"));
        assert!(Rule::Integer.admits("-12"));
        assert!(!Rule::Integer.admits("a[$(id)]"));
        assert!(!Rule::Integer.admits("1\n"));
        assert!(!Rule::OneLine.admits("a\nDROP"));
        assert!(!Rule::InComment.admits("x */ DROP"));
        assert!(Rule::InComment.admits("x * / y"));
        assert!(!Rule::NotDotSegment.admits(".."));
        assert!(Rule::NotDotSegment.admits("..."));
        assert!(Rule::ContainerName.admits("backend"));
        assert!(!Rule::ContainerName.admits("-f"));
        assert!(!Rule::ContainerName.admits("a b"));
        assert!(Rule::ImageRef.admits("registry:5000/lineup-backend:v1.2"));
        assert!(!Rule::ImageRef.admits("--help"));
    }

    #[test]
    fn shown_values_stay_on_one_line() {
        assert_eq!(shown("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
    }
}

/// Tries the holes of an action's raw text with hostile values, against the effect the
/// checker approved: marks where a value can change what the action does.
pub fn probe(action: &mut Action) {
    let approved = action.effect();
    match action {
        Action::Shell(a) => a.command.probe(&a.effect, crate::safety::classify_shell),
        Action::Redis(a) => match &mut a.op {
            RedisOp::Command { command, .. } => command.probe(approved, |argv| {
                crate::safety::redis::lookup(argv).map(|(_, effect, _)| effect)
            }),
            RedisOp::Ping | RedisOp::Info { .. } | RedisOp::Llen { .. } => {}
        },
        Action::Postgres(_)
        | Action::Http(_)
        | Action::Docker(_)
        | Action::Compose(_)
        | Action::Prometheus(_)
        | Action::Manual(_)
        | Action::Wait(_) => {}
    }
}

/// The parameters whose value can change what `action` does, with why: what `lrb check`
/// warns about (`LRB410`), `lrb run` re-checks and the bash export refuses.
pub fn deciding(action: &Action) -> Vec<(String, String)> {
    match action {
        Action::Shell(a) => a
            .command
            .holes
            .iter()
            .filter_map(|h| Some((h.param.clone(), h.decides.clone()?)))
            .collect(),
        Action::Redis(a) => match &a.op {
            RedisOp::Command { command, .. } => command.decides.clone(),
            RedisOp::Ping | RedisOp::Info { .. } | RedisOp::Llen { .. } => Vec::new(),
        },
        Action::Postgres(a) => match &a.op {
            PostgresOp::Query { sql, .. } => sql
                .identifiers()
                .map(|p| {
                    (
                        p.to_string(),
                        "it names a table, column or function, so the value picks which one the SQL touches".to_string(),
                    )
                })
                .collect(),
            PostgresOp::Connect => Vec::new(),
        },
        Action::Http(_)
        | Action::Docker(_)
        | Action::Compose(_)
        | Action::Prometheus(_)
        | Action::Manual(_)
        | Action::Wait(_) => Vec::new(),
    }
}

/// What a rule checks: one parameter's value, or a whole name a template makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    Param(String),
    Name {
        what: &'static str,
        template: Template,
    },
}

/// A value that must meet a rule before the action runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    pub value: Checked,
    pub rule: Rule,
}

/// Everything `action`'s values must meet: checked by `lrb run` before anything runs and by
/// the exported script at its start.
pub fn admissions(action: &Action) -> Vec<Admission> {
    let param = |(p, rule): (&str, Rule)| Admission {
        value: Checked::Param(p.to_string()),
        rule,
    };
    let name = |what: &'static str, template: &Template, rule: Rule| Admission {
        value: Checked::Name {
            what,
            template: template.clone(),
        },
        rule,
    };
    let service = |s: &Option<Template>| -> Vec<Admission> {
        s.iter()
            .map(|t| name("compose service name", t, Rule::ServiceName))
            .collect()
    };
    match action {
        Action::Shell(a) => a
            .command
            .holes
            .iter()
            .flat_map(|h| h.rules.iter().map(|r| param((h.param.as_str(), *r))))
            .collect(),
        Action::Postgres(a) => match &a.op {
            PostgresOp::Query { sql, .. } => sql.rules().map(param).collect(),
            PostgresOp::Connect => Vec::new(),
        },
        Action::Http(a) => a.path.rules().map(param).collect(),
        Action::Docker(a) => match &a.op {
            DockerOp::Container { name: n, .. }
            | DockerOp::Stats { name: n, .. }
            | DockerOp::Logs { name: n, .. }
            | DockerOp::Restart { name: n, .. }
            | DockerOp::Start { name: n }
            | DockerOp::Stop { name: n, .. } => {
                vec![name("container name", n, Rule::ContainerName)]
            }
            DockerOp::Tag { source, target } => vec![
                name("image reference", source, Rule::ImageRef),
                name("image reference", target, Rule::ImageRef),
            ],
            DockerOp::Images { .. } => Vec::new(),
        },
        Action::Compose(a) => match &a.op {
            ComposeOp::Logs { service: s, .. } => {
                vec![name("compose service name", s, Rule::ServiceName)]
            }
            ComposeOp::Ps { service: s }
            | ComposeOp::Restart { service: s }
            | ComposeOp::Up { service: s, .. }
            | ComposeOp::Build { service: s }
            | ComposeOp::Stop { service: s }
            | ComposeOp::Start { service: s } => service(s),
            ComposeOp::Down { .. } => Vec::new(),
        },
        Action::Redis(_) | Action::Prometheus(_) | Action::Manual(_) | Action::Wait(_) => {
            Vec::new()
        }
    }
}

/// The template as one text with hole `i` as the private-use character `HOLE_BASE + i`, for
/// the lexers that find where each hole sits; and the holes' parameters, in order. Text that
/// happens to hold such a character gets U+FFFD instead, so it cannot pose as a hole.
pub(crate) fn marked(template: &Template) -> (String, Vec<String>) {
    use crate::safety::shell::{HOLE_BASE, hole_of};
    let mut text = String::new();
    let mut params = Vec::new();
    for part in &template.parts {
        match part {
            Part::Text(t) => text.extend(t.chars().map(|c| match hole_of(c) {
                Some(_) => char::REPLACEMENT_CHARACTER,
                None => c,
            })),
            Part::Param(name) => {
                let i = u32::try_from(params.len()).unwrap_or(u32::MAX);
                text.push(char::from_u32(HOLE_BASE + i).unwrap_or(char::REPLACEMENT_CHARACTER));
                params.push(name.clone());
            }
        }
    }
    (text, params)
}

/// A hole the checker cannot place where any value would be data: a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfillable {
    pub param: String,
    pub why: String,
    pub help: String,
}
