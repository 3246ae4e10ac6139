//! A ```promql fence to a `metrics.query` probe, or to a note saying why it cannot be one.
//!
//! The checker's own analysis decides what the probe needs: `each: true` when the query can
//! give several series, `empty: :passes` when an alert-style filter gives none on a healthy
//! system. A top-level `expr > 0.05` becomes `expr` with `below: 0.05`, so lrb sees the
//! value. Template variables (`$job`, `${job}`, `<instance>`) become parameters only where
//! `crate::fill::promql` can hold a value as data: in a label value.

use super::placeholders::{self, Part};
use crate::action::{self, Template};
use promql_parser::parser::{Expr, value::ValueType};
use regex::Regex;
use std::sync::LazyLock;

/// `${job}`, `${job:regex}`, `$job`, `[[job]]` (Grafana) and `<pod name>` (prose).
static VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]|<([A-Za-z][\w .-]*)>")
        .expect("valid variable pattern")
});

/// What a fence becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Fence {
    Probe(Probe),
    /// Kept as a comment, with why.
    Note(String),
}

/// A `metrics.query` probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The query, its variables as parameters.
    pub parts: Vec<Part>,
    /// `below: 0.01`, `each: true`, ...: what the probe expects.
    pub options: Vec<String>,
    /// What the Markdown's query said that the options now say (`> 0.01`, a filter).
    pub said: Option<String>,
    /// The first metric the query reads, to name the check.
    pub metric: Option<String>,
}

/// A top-level comparison with a number, as a bound.
#[derive(Debug, Clone, PartialEq)]
struct Bound {
    /// `below` or `above`.
    side: &'static str,
    value: f64,
    /// `> 0.01`, as the Markdown wrote it.
    said: String,
}

/// The comment `lrb export markdown` writes above a query: what its answer must show.
pub const EXPECT: &str = "Expect:";

/// The fence's query (comment lines dropped) as a probe, or why it stays a note.
pub fn fence(body: &str) -> Fence {
    let text: Vec<&str> = body
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    let text = text.join("\n").trim().to_string();
    if text.is_empty() {
        return Fence::Note("the block has no query".into());
    }
    let (parts, template) = variables(&text);
    if let Err(why) = crate::fill::promql::analyze(&template) {
        let hole = format!("`#{{{}}}` ", why.param);
        return Fence::Note(format!(
            "the template variable `{}` {}",
            written(&parts, &why.param),
            why.why.strip_prefix(&hole).unwrap_or(&why.why)
        ));
    }
    let expr = match crate::check::promql::parse(&sample(&parts)) {
        Ok(e) => e,
        Err(e) => return Fence::Note(format!("it does not parse as PromQL: {}", one_line(&e))),
    };
    // An `# Expect:` line (the Markdown export's) says the options: the query is as written.
    let stated = expectation(body);
    let rewritten = if stated.is_some() {
        None
    } else {
        comparison(&expr, &parts)
    };
    let (parts, expr, bound) = match rewritten {
        Some((lhs, bound)) => match crate::check::promql::parse(&sample(&lhs)) {
            Ok(e) => (lhs, e, Some(bound)),
            Err(_) => (parts, expr, None),
        },
        None => (parts, expr, None),
    };
    match expr.value_type() {
        ValueType::Vector | ValueType::Scalar => {}
        ValueType::Matrix => {
            return Fence::Note(
                "it is a range vector (many samples per series), not a number to check".into(),
            );
        }
        ValueType::String => return Fence::Note("it gives a string, not a number".into()),
    }
    let said = match &bound {
        Some(b) => Some(format!(
            "the Markdown's query ended in `{}`: its healthy side is `{}: {}`",
            b.said, b.side, b.value
        )),
        None if stated.is_none() && crate::check::promql::filters(&expr) => {
            Some("the Markdown's query is a filter: no series means its condition is false".into())
        }
        None => None,
    };
    let options = stated.unwrap_or_else(|| guessed(&expr, bound.as_ref()));
    Fence::Probe(Probe {
        metric: first_metric(&expr),
        parts,
        options,
        said,
    })
}

/// The options the checker's analysis of the query asks for.
fn guessed(expr: &Expr, bound: Option<&Bound>) -> Vec<String> {
    let mut options: Vec<String> = bound
        .map(|b| format!("{}: {}", b.side, b.value))
        .into_iter()
        .collect();
    if crate::check::promql::several(expr) {
        options.push("each: true".into());
    }
    if crate::check::promql::filters(expr) {
        options.push("empty: :passes".into());
    }
    options
}

/// The options an `# Expect:` comment (as `crate::export::human::expectation` writes it)
/// states: `below 0.05 and above 0 over 5m (step 30s), each series, no data passes`.
fn expectation(body: &str) -> Option<Vec<String>> {
    let line = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix('#'))
        .find_map(|c| c.trim().strip_prefix(EXPECT))?;
    let line = line.trim().trim_end_matches('.');
    let mut options = Vec::new();
    let words: Vec<&str> = line
        .split([' ', ',', '(', ')'])
        .filter(|w| !w.is_empty())
        .collect();
    let mut i = 0;
    while i < words.len() {
        let next = words.get(i + 1).copied().unwrap_or_default();
        match (words[i], next) {
            ("below" | "above", n) => options.push(format!("{}: {n}", words[i])),
            ("equal", "to") => {
                options.push(format!(
                    "equals: {}",
                    words.get(i + 2).copied().unwrap_or("0")
                ));
                i += 1;
            }
            ("over", d) => options.push(format!("for: {d}")),
            ("step", d) => options.push(format!("step: {d}")),
            ("each", "series") => options.push("each: true".into()),
            ("any", "series") => options.push("any: true".into()),
            ("data", "passes") => options.push("empty: :passes".into()),
            ("data", "fails") => options.push("empty: :fails".into()),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    Some(options)
}

/// The text with each variable as a parameter; and as a template for the hole analysis.
fn variables(text: &str) -> (Vec<Part>, Template) {
    let mut parts = Vec::new();
    let mut at = 0;
    for m in VARIABLE.captures_iter(text) {
        let whole = m.get(0).expect("a match");
        let raw = (1..=4).find_map(|i| m.get(i)).map_or("", |g| g.as_str());
        parts.push(Part::Text(text[at..whole.start()].to_string()));
        parts.push(Part::Param {
            name: placeholders::name(raw),
            written: whole.as_str().to_string(),
        });
        at = whole.end();
    }
    parts.push(Part::Text(text[at..].to_string()));
    parts.retain(|p| !matches!(p, Part::Text(t) if t.is_empty()));
    let template = Template {
        parts: parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => action::Part::Text(t.clone()),
                Part::Param { name, .. } => action::Part::Param(name.clone()),
            })
            .collect(),
    };
    (parts, template)
}

fn written(parts: &[Part], param: &str) -> String {
    parts
        .iter()
        .find_map(|p| match p {
            Part::Param { name, written } if name == param => Some(written.clone()),
            _ => None,
        })
        .unwrap_or_else(|| param.to_string())
}

/// The query with a plain word in each hole, as the checker parses it.
fn sample(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.as_str(),
            Part::Param { .. } => "param",
        })
        .collect()
}

/// `expr > 0.05` at the top: `expr` and the bound on its healthy side.
fn comparison(expr: &Expr, parts: &[Part]) -> Option<(Vec<Part>, Bound)> {
    let Expr::Binary(b) = expr else {
        return None;
    };
    if b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return None;
    }
    let Expr::NumberLiteral(n) = b.rhs.as_ref() else {
        return None;
    };
    let op = b.op.to_string();
    let side = match op.as_str() {
        ">" | ">=" => "below",
        "<" | "<=" => "above",
        _ => return None,
    };
    // The operator is the last one at the top level, outside strings: what is before it in
    // the sample is the parts before it, a parameter being `param` there.
    let text = sample(parts);
    let at = top_level_ops(&text).into_iter().next_back()?;
    let number = text[at..].trim_start_matches(['>', '<', '=']).trim();
    if number.parse::<f64>().ok() != Some(n.val) {
        return None;
    }
    let mut out = Vec::new();
    let mut len = 0;
    for part in parts {
        match part {
            Part::Text(t) if len + t.len() >= at => {
                let lhs = t[..at - len].trim_end();
                if !lhs.is_empty() {
                    out.push(Part::Text(lhs.to_string()));
                }
                break;
            }
            Part::Text(t) => len += t.len(),
            Part::Param { .. } => len += "param".len(),
        }
        out.push(part.clone());
    }
    Some((
        out,
        Bound {
            side,
            value: n.val,
            said: format!("{op} {number}"),
        },
    ))
}

/// Byte offsets of `>`, `>=`, `<`, `<=` outside brackets and strings.
fn top_level_ops(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut quote, mut out) = (0i32, None, Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == b'\\' && q != b'`' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'>' | b'<' if depth == 0 && !(i > 0 && matches!(bytes[i - 1], b'>' | b'<')) => {
                    out.push(i)
                }
                _ => {}
            },
        }
        i += 1;
    }
    out
}

/// The first metric name the query selects.
fn first_metric(expr: &Expr) -> Option<String> {
    match expr {
        Expr::VectorSelector(v) => v.name.clone(),
        Expr::MatrixSelector(m) => m.vs.name.clone(),
        Expr::Paren(p) => first_metric(&p.expr),
        Expr::Unary(u) => first_metric(&u.expr),
        Expr::Aggregate(a) => first_metric(&a.expr),
        Expr::Subquery(s) => first_metric(&s.expr),
        Expr::Binary(b) => first_metric(&b.lhs).or_else(|| first_metric(&b.rhs)),
        Expr::Call(c) => c.args.args.iter().find_map(|a| first_metric(a)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => None,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(body: &str) -> Probe {
        match fence(body) {
            Fence::Probe(p) => p,
            Fence::Note(why) => panic!("{body}: {why}"),
        }
    }

    fn note(body: &str) -> String {
        match fence(body) {
            Fence::Note(why) => why,
            Fence::Probe(p) => panic!("{body}: {p:?}"),
        }
    }

    #[test]
    fn an_alert_comparison_becomes_a_bound() {
        let p = probe("sum(rate(e[5m])) / sum(rate(t[5m]))\n> 0.01\n");
        assert_eq!(sample(&p.parts), "sum(rate(e[5m])) / sum(rate(t[5m]))");
        assert_eq!(p.options, ["below: 0.01"]);
        assert!(p.said.unwrap().contains("`> 0.01`"));
        let p = probe("up{job=\"$job\"} <= 1");
        assert_eq!(sample(&p.parts), "up{job=\"param\"}");
        assert_eq!(p.options, ["above: 1", "each: true"]);
        assert_eq!(p.metric.as_deref(), Some("up"));
    }

    #[test]
    fn a_filter_that_is_not_a_bound_passes_on_no_data() {
        let p = probe("rate(x[5m]) > 5 and on() (sum(y == bool 1))");
        assert_eq!(p.options, ["each: true"]);
        let p = probe("sum(x) > on() sum(y)");
        assert_eq!(p.options, ["empty: :passes"]);
    }

    #[test]
    fn the_exported_expectation_reads_back() {
        let p = probe(
            "# Errors\n# Expect: below 0.05 over 5m (step 30s), each series, no data passes.\nrate(e[5m])",
        );
        assert_eq!(
            p.options,
            [
                "below: 0.05",
                "for: 5m",
                "step: 30s",
                "each: true",
                "empty: :passes"
            ]
        );
        let p = probe("# Expect: equal to 1, no data is an error.\nsum(up)");
        assert_eq!(p.options, ["equals: 1"]);
        // The query stays the author's, filter and all.
        let p = probe("# Expect: a number, no data passes.\nsum(x) > 0");
        assert_eq!(sample(&p.parts), "sum(x) > 0");
        assert_eq!(p.options, ["empty: :passes"]);
    }

    #[test]
    fn variables_in_label_values_become_parameters() {
        let p = probe("rate(x{job=\"$job\", pod=~\"${pod}\", i=\"<instance name>\"}[5m])");
        let names: Vec<&str> = (p.parts.iter())
            .filter_map(|p| match p {
                Part::Param { name, .. } => Some(name.as_str()),
                Part::Text(_) => None,
            })
            .collect();
        assert_eq!(names, ["job", "pod", "instance_name"]);
    }

    #[test]
    fn other_fences_stay_notes() {
        assert!(note("rate(x[$__rate_interval])").contains("`$__rate_interval`"));
        assert!(note("$metric{job=\"a\"}").contains("not inside a label value"));
        assert!(note("sum(rate(x[5m])").contains("does not parse"));
        assert!(note("x[5m]").contains("range vector"));
        assert!(note("# just a comment\n").contains("no query"));
    }
}
