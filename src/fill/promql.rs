//! PromQL: a hole is a label value, nothing else. It must sit in the `"..."` or `'...'` value
//! of a label matcher (`{job="#{job}"}`); its value is written as the body of that string
//! with `\`, the quote and control characters escaped, and, in a regex matcher (`=~`, `!~`),
//! with every regex metacharacter escaped first, so a value matches itself and nothing more.
//! A hole anywhere else (a metric name, a label name, a number, a duration, a function's string
//! argument, a `` `...` `` raw string, a comment) could change what the query asks, and is
//! refused when the runbook is checked.

use super::Unfillable;
use crate::action::Template;
use crate::safety::shell::hole_of;
use serde::Serialize;

/// A PromQL query whose holes have been placed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Query {
    pub template: Template,
    pub pieces: Vec<PromPiece>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PromPiece {
    Text(String),
    Hole { param: String, spot: Spot },
}

/// Where a hole sits: inside which quotes, and whether the string is a regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spot {
    /// `"` or `'`.
    pub quote: char,
    /// The value of a `=~` or `!~` matcher: Prometheus reads the string as a regex.
    pub regex: bool,
}

/// The characters Go's `regexp.QuoteMeta` escapes: Prometheus's regexes are Go's (RE2).
pub const REGEX_META: &str = r"\.+*?()|[]{}^$";

/// `value` as the body of a PromQL string in `spot`'s quotes.
pub fn escape(value: &str, spot: Spot) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if spot.regex && REGEX_META.contains(c) {
            // In the string, the regex's backslash is itself escaped.
            out.push_str("\\\\");
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == spot.quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

impl Query {
    /// The query with every hole filled by `value(param)`, escaped for its spot.
    pub fn render(&self, value: impl Fn(&str) -> String) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                PromPiece::Text(t) => t.clone(),
                PromPiece::Hole { param, spot } => escape(&value(param), *spot),
            })
            .collect()
    }

    /// The query with a plain word in each hole, for the parser.
    pub fn sample(&self) -> String {
        self.render(|_| "param".to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Code,
    /// In a string opened by the quote; `matcher` when it is a label matcher's value.
    String {
        quote: char,
        matcher: Option<bool>,
    },
    Comment,
}

/// Places every hole of `template`, or says why one cannot be a label value.
pub fn analyze(template: &Template) -> Result<Query, Unfillable> {
    let (marked, params) = super::marked(template);
    let chars: Vec<char> = marked.chars().collect();
    let refuse = |hole: usize, why: &str, help: &str| Unfillable {
        param: params[hole].clone(),
        why: format!("`#{{{}}}` {why}", params[hole]),
        help: help.to_string(),
    };
    let mut pieces: Vec<PromPiece> = Vec::new();
    let push = |pieces: &mut Vec<PromPiece>, c: char| match pieces.last_mut() {
        Some(PromPiece::Text(last)) => last.push(c),
        _ => pieces.push(PromPiece::Text(c.to_string())),
    };
    let mut context = Context::Code;
    // How deep in `{...}` the scan is: a string there after `=` is a matcher's value.
    let mut braces = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(hole) = hole_of(c) {
            match context {
                Context::String { quote: '`', .. } => {
                    return Err(refuse(
                        hole,
                        "is inside a `` `...` `` raw string, which has no escapes for a value",
                        "Write the label value in double quotes: `{job=\"#{job}\"}`.",
                    ));
                }
                Context::String {
                    quote,
                    matcher: Some(regex),
                } => pieces.push(PromPiece::Hole {
                    param: params[hole].clone(),
                    spot: Spot { quote, regex },
                }),
                Context::String { .. } => {
                    return Err(refuse(
                        hole,
                        "is in a string that is not a label value: a function's argument is part of the query",
                        "A parameter can only be a label value, as in `{job=\"#{job}\"}`; write the rest in the runbook.",
                    ));
                }
                Context::Comment => {
                    return Err(refuse(
                        hole,
                        "is in a `#` comment, which a value with a newline would end",
                        "Move the parameter out of the comment.",
                    ));
                }
                Context::Code => {
                    return Err(refuse(
                        hole,
                        "is not inside a label value: there its value would be PromQL (a metric, a label name, a number or a duration)",
                        "A parameter can only be a label value, as in `{job=\"#{job}\"}`; write metric names, durations and numbers in the runbook, or choose between queries with `when` branches.",
                    ));
                }
            }
            i += 1;
            continue;
        }
        push(&mut pieces, c);
        context = match context {
            Context::Code => match c {
                '"' | '\'' | '`' => Context::String {
                    quote: c,
                    matcher: (braces > 0).then(|| matcher_regex(&chars[..i])).flatten(),
                },
                '#' => Context::Comment,
                '{' => {
                    braces += 1;
                    Context::Code
                }
                '}' => {
                    braces = braces.saturating_sub(1);
                    Context::Code
                }
                _ => Context::Code,
            },
            Context::String { quote, matcher } => {
                if c == '\\' && quote != '`' {
                    if let Some(&next) = chars.get(i + 1)
                        && hole_of(next).is_none()
                    {
                        push(&mut pieces, next);
                        i += 1;
                    }
                    Context::String { quote, matcher }
                } else if c == quote {
                    Context::Code
                } else {
                    Context::String { quote, matcher }
                }
            }
            Context::Comment if c == '\n' => Context::Code,
            Context::Comment => Context::Comment,
        };
        i += 1;
    }
    Ok(Query {
        template: template.clone(),
        pieces,
    })
}

/// For a string about to open after `before`: `Some(regex)` when `before` ends with a label
/// matcher's operator (`=`, `!=` or `=~`, `!~`), `None` otherwise.
fn matcher_regex(before: &[char]) -> Option<bool> {
    let text: String = before.iter().collect();
    let text = text.trim_end();
    if text.ends_with("=~") || text.ends_with("!~") {
        Some(true)
    } else if text.ends_with("==") {
        None
    } else if text.ends_with('=') {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Part;

    fn template(parts: &[&str]) -> Template {
        Template {
            parts: parts
                .iter()
                .map(|p| match p.strip_prefix('$') {
                    Some(name) => Part::Param(name.to_string()),
                    None => Part::Text(p.to_string()),
                })
                .collect(),
        }
    }

    #[test]
    fn a_label_value_is_escaped_for_its_quotes() {
        let q = analyze(&template(&["up{job=\"", "$job", "\", env='", "$env", "'}"])).unwrap();
        let out = q.render(|p| match p {
            "job" => "a\"} or vector(1) #\n".into(),
            _ => "it's".into(),
        });
        assert_eq!(out, r#"up{job="a\"} or vector(1) #\n", env='it\'s'}"#);
    }

    #[test]
    fn a_regex_value_matches_only_itself() {
        let q = analyze(&template(&["up{job=~\"api-", "$job", "|web\"}"])).unwrap();
        assert_eq!(q.render(|_| ".*".into()), r#"up{job=~"api-\\.\\*|web"}"#);
        assert_eq!(q.render(|_| r"a\b".into()), r#"up{job=~"api-a\\\\b|web"}"#);
    }

    #[test]
    fn a_hole_that_is_not_a_label_value_is_refused() {
        for parts in [
            &["rate(", "$metric", "[5m])"][..],
            &["rate(x[", "$window", "])"],
            &["x > ", "$n"],
            &["up{", "$label", "=\"a\"}"],
            &[
                "label_replace(up, \"dst\", \"",
                "$v",
                "\", \"src\", \"(.*)\")",
            ],
            &["up{job=`", "$job", "`}"],
            &["up # ", "$c"],
            &["x == \"", "$c", "\""],
        ] {
            assert!(analyze(&template(parts)).is_err(), "{parts:?}");
        }
    }

    /// The value of the first label matcher of `query`, as PromQL reads it.
    fn matcher_value(query: &str) -> String {
        match promql_parser::parser::parse(query) {
            Ok(promql_parser::parser::Expr::VectorSelector(v)) => {
                v.matchers.matchers[0].value.clone()
            }
            other => panic!("`{query}` is no selector: {other:?}"),
        }
    }

    proptest::proptest! {
        /// Whatever the value, PromQL reads back exactly that value as the label value, and in
        /// a regex matcher a regex that matches exactly that value.
        #[test]
        fn any_value_is_read_back_as_itself(value in "\\PC*|[\"'\\\\.*+?()\\[\\]{}|^$\n\t\u{0}-\u{1f}a-z]{0,12}") {
            for quote in ['"', '\''] {
                let literal = Spot { quote, regex: false };
                let query = format!("up{{job={quote}{}{quote}}}", escape(&value, literal));
                proptest::prop_assert_eq!(&matcher_value(&query), &value);
                let regex = Spot { quote, regex: true };
                let query = format!("up{{job=~{quote}{}{quote}}}", escape(&value, regex));
                let pattern = format!("^(?:{})$", matcher_value(&query));
                let compiled = regex::Regex::new(&pattern).unwrap();
                proptest::prop_assert!(compiled.is_match(&value), "{pattern}");
                let other = format!("{value}x");
                proptest::prop_assert!(!compiled.is_match(&other), "{pattern}");
            }
        }
    }

    #[test]
    fn an_escaped_quote_does_not_end_the_string() {
        let q = analyze(&template(&["up{job=\"a\\\"b", "$x", "\"}"])).unwrap();
        assert_eq!(q.render(|_| "c".into()), "up{job=\"a\\\"bc\"}");
        // Not a matcher value any more once the string is closed.
        assert!(analyze(&template(&["up{job=\"a\"} + ", "$x"])).is_err());
    }
}
