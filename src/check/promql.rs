//! PromQL queries, parsed when the runbook is checked: a query that does not parse, that
//! cannot give a number, or that may give several series without the author saying how the
//! bounds apply to them is found before anything runs.

use super::scope::FileChecker;
use crate::action::catalogue::Arg;
use crate::action::{OnEmpty, PrometheusAction, SeriesRule};
use crate::ast;
use crate::diagnostic::Code;
use promql_parser::parser::{Expr, LabelModifier, VectorMatchCardinality, value::ValueType};

/// Most points Prometheus returns per series of a range query.
const MAX_POINTS: u64 = 11_000;

impl FileChecker<'_> {
    /// Reports what is wrong with a `prometheus` query; `None` when it cannot run.
    pub(super) fn promql(&mut self, call: &ast::ActionCall, a: &PrometheusAction) -> Option<()> {
        let span = call.args.positional.first().map_or(call.span, |e| e.span);
        let option_span = |key: Arg| {
            (call.args.keywords.iter())
                .find(|k| k.key.name == key.name())
                .map_or(span, |k| k.key.span.to(k.value.span))
        };
        let expr = match parse(&a.query.sample()) {
            Ok(expr) => expr,
            Err(message) => {
                let d = self
                    .diag(
                        Code::InvalidPromql,
                        span,
                        format!("the PromQL does not parse: {}", message.trim()),
                    )
                    .label("not PromQL")
                    .help(
                        "Try the query in Prometheus's own expression browser, then copy it here.",
                    );
                self.report(d);
                return None;
            }
        };
        let not_a_number = match expr.value_type() {
            ValueType::Vector | ValueType::Scalar => None,
            ValueType::Matrix => Some((
                "is a range vector: it has many samples per series, not one to compare",
                "Wrap it in a function, as in `rate(x[5m])` or `max_over_time(x[5m])`; for a bound that must hold over a window, write `for: 5m`.",
            )),
            ValueType::String => Some((
                "is a string, not a number",
                "Query a metric: the sample is the check's value.",
            )),
        };
        if let Some((what, help)) = not_a_number {
            let d = self
                .diag(Code::InvalidPromql, span, format!("the query {what}"))
                .label("no number")
                .help(help);
            self.report(d);
            return None;
        }
        let mut fine = true;
        let each_and_any = [Arg::Each, Arg::Any].map(|key| {
            (call.args.keywords.iter())
                .any(|k| k.key.name == key.name() && k.value.kind == ast::ExprKind::Bool(true))
        });
        if each_and_any == [true, true] {
            let d = self
                .diag(
                    Code::UnstatedSeries,
                    option_span(Arg::Any),
                    "`each: true` and `any: true` contradict each other",
                )
                .label("choose one")
                .help(
                    "`each: true`: every series must meet the bounds; `any: true`: one is enough.",
                );
            self.report(d);
            fine = false;
        } else if a.series == SeriesRule::One && several(&expr) {
            let d = self
                .diag(
                    Code::UnstatedSeries,
                    span,
                    "this query can return several series, and lrb will not pick one of them",
                )
                .label("maybe several series")
                .help("Say how the bounds apply: `each: true` (every series must meet them) or `any: true` (one is enough); or aggregate, as in `sum(...)` or `max(...)`.");
            self.report(d);
            fine = false;
        }
        if a.empty == OnEmpty::Errored && filters(&expr) {
            let d = self
                .diag(
                    Code::FilteringQuery,
                    span,
                    "this query filters: when its comparison is false it returns no series, so on a healthy system the check errors with \"no data\"",
                )
                .label("a comparison without `bool`")
                .help("Move the threshold to lrb, as in `metrics.query \"rate(x[5m])\", below: 0.05`; or write `empty: :passes` if no series means healthy.");
            self.report(d);
        }
        if let Some(step) = a.step_ms {
            let problem = match a.window_ms {
                None => {
                    Some("`step:` is for a range query: add `for:` or remove `step:`".to_string())
                }
                Some(window) if step == 0 || step > window => Some(format!(
                    "`step:` must be above 0 and at most the `for:` window ({})",
                    crate::duration::Duration::from_ms(window)
                )),
                Some(window) if window / step >= MAX_POINTS => Some(format!(
                    "a `for:` window of {} at this `step:` is more than Prometheus's {MAX_POINTS} points per series",
                    crate::duration::Duration::from_ms(window)
                )),
                Some(_) => None,
            };
            if let Some(problem) = problem {
                let d = self
                    .diag(Code::InvalidValue, option_span(Arg::Step), problem)
                    .label("step");
                self.report(d);
                fine = false;
            }
        }
        if a.window_ms == Some(0) {
            let d = self
                .diag(
                    Code::InvalidValue,
                    option_span(Arg::For),
                    "`for: 0s` is no window: leave `for:` out for an instant query",
                )
                .label("empty window");
            self.report(d);
            fine = false;
        }
        fine.then_some(())
    }
}

/// Deepest nesting of brackets a query may have: the parser and every walk over its tree
/// recurse once per level, and a hostile query must not overflow the stack.
const MAX_DEPTH: usize = 64;
/// Most operators a query may have: a chain `a + b + c ...` is a tree as deep as it is long.
const MAX_OPERATORS: usize = 256;

/// Parses a query whose nesting and length every walk over its tree can afford; the one way
/// lrb parses PromQL.
pub(crate) fn parse(query: &str) -> Result<Expr, String> {
    let (depth, operators) = shape(query);
    if depth > MAX_DEPTH {
        return Err(format!(
            "it nests {depth} brackets deep, more than the {MAX_DEPTH} lrb reads"
        ));
    }
    if operators > MAX_OPERATORS {
        return Err(format!(
            "it has {operators} operators, more than the {MAX_OPERATORS} lrb reads"
        ));
    }
    promql_parser::parser::parse(query)
}

/// How deep the query's brackets nest and how many operators it has, outside strings and
/// comments.
fn shape(query: &str) -> (usize, usize) {
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut escaped = false;
    let mut word = String::new();
    for c in query.chars().chain([' ']) {
        if comment {
            comment = c != '\n';
        } else if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q != '`' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' | '`' => quote = Some(c),
                '#' => comment = true,
                '(' | '[' | '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                // `=~` counts twice: a bound on text is enough, and `----1` nests as deep.
                '+' | '-' | '*' | '/' | '%' | '^' | '<' | '>' | '=' | '!' | '~' => operators += 1,
                _ => {}
            }
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                if matches!(word.as_str(), "and" | "or" | "unless") {
                    operators += 1;
                }
                word.clear();
            }
        }
    }
    (deepest, operators)
}

/// Whether `expr` may give more than one series: `false` only when it provably gives at most
/// one (a scalar, an aggregation without `by` labels, `vector()`, `absent()`).
pub(crate) fn several(expr: &Expr) -> bool {
    several_beyond(expr, &[])
}

/// As [`several`], counting series that differ only in `ignored` labels as one.
fn several_beyond(expr: &Expr, ignored: &[&str]) -> bool {
    if expr.value_type() == ValueType::Scalar {
        return false;
    }
    match expr {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => false,
        Expr::Paren(p) => several_beyond(&p.expr, ignored),
        Expr::Unary(u) => several_beyond(&u.expr, ignored),
        Expr::Aggregate(agg) => {
            let op = agg.op.to_string();
            if matches!(
                op.as_str(),
                "topk" | "bottomk" | "limitk" | "limit_ratio" | "count_values"
            ) {
                return true;
            }
            match &agg.modifier {
                None => false,
                Some(LabelModifier::Include(by)) => {
                    by.labels.iter().any(|l| !ignored.contains(&l.as_str()))
                }
                Some(LabelModifier::Exclude(_)) => true,
            }
        }
        Expr::Binary(b) => {
            let (lhs, rhs) = (&b.lhs, &b.rhs);
            if lhs.value_type() == ValueType::Scalar {
                return several_beyond(rhs, ignored);
            }
            if rhs.value_type() == ValueType::Scalar {
                return several_beyond(lhs, ignored);
            }
            let card = b.modifier.as_ref().map(|m| &m.card);
            match card {
                Some(VectorMatchCardinality::ManyToOne(_)) => several_beyond(lhs, ignored),
                Some(VectorMatchCardinality::OneToMany(_)) => several_beyond(rhs, ignored),
                // `or` keeps both sides; two single series without labels are one.
                Some(VectorMatchCardinality::ManyToMany) if b.op.to_string() == "or" => {
                    several_beyond(lhs, ignored)
                        || several_beyond(rhs, ignored)
                        || labelled(lhs)
                        || labelled(rhs)
                }
                Some(VectorMatchCardinality::ManyToMany) => several_beyond(lhs, ignored),
                // One-to-one: a series on one side matches at most one on the other.
                Some(VectorMatchCardinality::OneToOne) | None => {
                    several_beyond(lhs, ignored) && several_beyond(rhs, ignored)
                }
            }
        }
        Expr::Call(call) => {
            let args = &call.args.args;
            match call.func.name {
                "vector" | "absent" | "absent_over_time" => false,
                "histogram_quantile" | "histogram_fraction" => {
                    let mut more = ignored.to_vec();
                    more.push("le");
                    args.iter()
                        .rfind(|a| a.value_type() == ValueType::Vector)
                        .is_none_or(|v| several_beyond(v, &more))
                }
                _ => args
                    .iter()
                    .find(|a| matches!(a.value_type(), ValueType::Vector | ValueType::Matrix))
                    .is_none_or(|v| several_beyond(v, ignored)),
            }
        }
        Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::Subquery(_)
        | Expr::Extension(_) => true,
    }
}

/// Whether a single series may carry labels: `absent(x{job="a"})` gives `{job="a"}`.
fn labelled(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => labelled(&p.expr),
        Expr::Call(call) => matches!(call.func.name, "absent" | "absent_over_time"),
        _ => false,
    }
}

/// Whether the query's outermost operation is a comparison that drops the series it is false
/// for (`x > 5` rather than `x > bool 5`).
pub(crate) fn filters(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => filters(&p.expr),
        Expr::Binary(b) => {
            b.op.is_comparison_operator()
                && !b.modifier.as_ref().is_some_and(|m| m.return_bool)
                && expr.value_type() == ValueType::Vector
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(q: &str) -> Expr {
        parse(q).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    #[test]
    fn provably_single_series_queries() {
        for q in [
            "sum(rate(http_requests_total[5m]))",
            "sum(rate(e[5m])) / sum(rate(t[5m]))",
            "max(queue_depth{queue=\"default\"})",
            "scalar(up)",
            "1",
            "vector(1)",
            "absent(up{job=\"api\"})",
            "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
            "sum(a) by () * 100",
            "count(up == 0)",
            "count(up == 0) or vector(0)",
            "rate(x[5m]) / on() group_left sum(rate(x[5m]))",
        ] {
            // The last one is many-to-one on its left: several.
            let expected = q.contains("group_left");
            assert_eq!(several(&parsed(q)), expected, "{q}");
        }
    }

    #[test]
    fn queries_that_may_give_several_series() {
        for q in [
            "up",
            "rate(http_requests_total{job=\"api\"}[5m])",
            "sum by (instance) (rate(x[5m]))",
            "sum without (pod) (x)",
            "topk(1, x)",
            "count_values(\"v\", x)",
            "sum(a) or rate(b[5m])",
            "absent(up{job=\"a\"}) or vector(0)",
            "histogram_quantile(0.9, sum by (le, job) (rate(h_bucket[5m])))",
            "x * 100",
        ] {
            assert!(several(&parsed(q)), "{q}");
        }
    }

    #[test]
    fn a_query_too_deep_or_too_long_for_the_stack_is_refused_before_it_is_parsed() {
        let deep = format!("sum({}up{})", "(".repeat(20_000), ")".repeat(20_000));
        let long = format!("sum({})", vec!["up"; 20_000].join(" + "));
        let words = format!("sum({})", vec!["up"; 20_000].join(" or "));
        // On a thread with the 2 MiB stack rayon's workers have.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                assert!(parse(&deep).unwrap_err().contains("nests"));
                assert!(parse(&long).unwrap_err().contains("operators"));
                assert!(parse(&words).unwrap_err().contains("operators"));
                let at_the_limit = format!(
                    "sum({}up{})",
                    "(".repeat(MAX_DEPTH - 1),
                    ")".repeat(MAX_DEPTH - 1)
                );
                several(&parse(&at_the_limit).unwrap());
                let longest = vec!["up"; MAX_OPERATORS + 1].join(" + ");
                assert!(parse(&format!("{}1", "-".repeat(20_000))).is_err());
                several(&parse(&longest).unwrap());
                // Operators in strings and comments do not count.
                assert!(
                    parse(&format!(
                        "up{{a=\"{}\"}} # {}",
                        "+(".repeat(500),
                        "-(".repeat(500)
                    ))
                    .is_ok()
                );
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn a_top_level_comparison_filters_unless_it_is_bool() {
        assert!(filters(&parsed("rate(e[5m]) > 0.05")));
        assert!(filters(&parsed("(sum(x) > 1)")));
        assert!(!filters(&parsed("rate(e[5m]) > bool 0.05")));
        assert!(!filters(&parsed("sum(x > 1)")));
        assert!(!filters(&parsed("1 > bool 0")));
    }
}
