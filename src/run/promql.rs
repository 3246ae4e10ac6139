//! What a PromQL answer means: the series Prometheus returned, and the verdict the probe's
//! bounds give on them. Shared by the `prometheus` backend and `lrb test`'s simulated world,
//! so a scenario's series are judged exactly as a real answer is.
//!
//! Nothing passes that was not seen: no series is an error ("no data") unless the author said
//! what it means, several series need `each:` or `any:`, a `NaN` or infinite sample is an
//! error, and a range query passes only when every series has a sample at every step.

use super::backend::{check_bounds, show};
use super::{Status, Value};
use crate::action::{Bounds, OnEmpty, PrometheusAction, SeriesRule};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One series of an answer: its labels and its samples, `(unix seconds, value)` in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub samples: Vec<(f64, f64)>,
}

impl Series {
    /// `lineup_http_requests_total{code="500", job="lineup"}`, or `{}` for a series without labels.
    pub fn name(&self) -> String {
        let metric = self.labels.get("__name__").cloned().unwrap_or_default();
        let labels: Vec<String> = (self.labels.iter())
            .filter(|(k, _)| *k != "__name__")
            .map(|(k, v)| format!("{k}={:?}", crate::fill::shown(v)))
            .collect();
        if labels.is_empty() && !metric.is_empty() {
            return metric;
        }
        format!("{metric}{{{}}}", labels.join(", "))
    }
}

impl std::str::FromStr for Series {
    type Err = String;

    /// One series as a scenario writes it, in the exposition format's shape:
    /// `metric{label="value", ...} 0.5`, `{instance="a"} NaN` or just `0.5`.
    fn from_str(line: &str) -> Result<Series, String> {
        let line = line.trim();
        let name_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(line.len());
        let (name, mut rest) = line.split_at(name_end);
        let mut labels = BTreeMap::new();
        let bad = |why: &str| {
            format!("`{line}` is not a series ({why}): write it as `metric{{label=\"value\"}} 0.5`")
        };
        if !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
        {
            labels.insert("__name__".to_string(), name.to_string());
        } else {
            rest = line;
        }
        if let Some(inner) = rest.strip_prefix('{') {
            let close = closing_brace(inner).ok_or_else(|| bad("the `{` is not closed"))?;
            let mut pairs = &inner[..close];
            rest = &inner[close + 1..];
            while !pairs.trim().is_empty() {
                let (key, after) = pairs
                    .split_once('=')
                    .ok_or_else(|| bad("a label without `=`"))?;
                let after = after
                    .trim_start()
                    .strip_prefix('"')
                    .ok_or_else(|| bad("a label value is not in quotes"))?;
                let (value, used) =
                    unquote(after).ok_or_else(|| bad("a label value is not closed"))?;
                labels.insert(key.trim().to_string(), value);
                pairs = after[used..].trim_start();
                pairs = pairs.strip_prefix(',').unwrap_or(pairs);
            }
        }
        let value = match rest.trim() {
            "NaN" => f64::NAN,
            "+Inf" | "Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            text => text
                .parse()
                .map_err(|_| bad("it does not end in a number"))?,
        };
        Ok(Series {
            labels,
            samples: vec![(0.0, value)],
        })
    }
}

/// Where the `}` that closes a label set is, skipping quoted values.
fn closing_brace(text: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '}' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of a `"..."` whose opening quote is already read, and how many bytes it took.
fn unquote(text: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The series of a Prometheus API answer (`/api/v1/query` or `/api/v1/query_range`), or
/// why the answer is not one lrb can judge.
pub fn parse(body: &str) -> Result<Vec<Series>, String> {
    let doc: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| format!("the answer is not the JSON of Prometheus's API ({e})"))?;
    if doc["status"] == "error" {
        let kind = doc["errorType"].as_str().unwrap_or("error");
        let message = doc["error"].as_str().unwrap_or("no message");
        return Err(format!("Prometheus rejected the query ({kind}): {message}"));
    }
    if doc["status"] != "success" {
        return Err("the answer has no `status` of Prometheus's API".to_string());
    }
    let data = &doc["data"];
    let result = &data["result"];
    match data["resultType"].as_str() {
        Some("scalar") => Ok(vec![Series {
            labels: BTreeMap::new(),
            samples: vec![sample(result)?],
        }]),
        Some(kind @ ("vector" | "matrix")) => {
            let items = result
                .as_array()
                .ok_or("the answer's `result` is not a list")?;
            items
                .iter()
                .map(|item| {
                    let labels = (item["metric"].as_object().into_iter().flatten())
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect();
                    let samples = if kind == "vector" {
                        vec![sample(&item["value"])?]
                    } else {
                        (item["values"].as_array().into_iter().flatten())
                            .map(sample)
                            .collect::<Result<_, _>>()?
                    };
                    Ok(Series { labels, samples })
                })
                .collect()
        }
        Some("string") => Err("the query gives a string, not a number".to_string()),
        other => Err(format!(
            "the answer has an unknown result type `{}`",
            other.unwrap_or("none")
        )),
    }
}

/// `[1733230000.123, "0.5"]`: Prometheus writes sample values as strings (`NaN`, `+Inf`).
fn sample(pair: &serde_json::Value) -> Result<(f64, f64), String> {
    let bad = || format!("a sample is not `[time, \"value\"]`: {pair}");
    let time = pair[0].as_f64().ok_or_else(bad)?;
    let value = match pair[1].as_str().ok_or_else(bad)? {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        text => text.parse().map_err(|_| bad())?,
    };
    Ok((time, value))
}

/// What a probe reports of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: Status,
    pub value: Option<Value>,
    pub detail: String,
    /// Every series with its labels and what it showed, one per line.
    pub output: String,
}

/// A range query's expectations: how many steps it has and when it ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub points: usize,
    pub step_s: f64,
    pub end_s: f64,
}

/// What one series showed against the bounds.
#[derive(Debug)]
enum Seen {
    /// A finite sample missed the bounds: the most extreme such sample, and why.
    Breach { value: f64, at: f64, why: String },
    /// A `NaN` or infinite sample, with no breach.
    Undefined { value: f64, at: f64 },
    /// Fewer samples than the window has steps, with no breach.
    Partial { missing: usize },
    /// Every sample met the bounds; the one nearest to them.
    Holds { value: f64 },
}

/// Judges `series` by the probe's bounds and its `empty:`, `each:`/`any:` rules; `target`
/// names the server in the detail.
pub fn verdict(
    a: &PrometheusAction,
    target: &str,
    series: &[Series],
    window: Option<Window>,
) -> Verdict {
    let output = listing(series, window);
    let verdict = |status, value: Option<f64>, detail: String| Verdict {
        status,
        value: value.map(Value::Number),
        detail: format!("`{target}`: {detail}"),
        output: output.clone(),
    };
    if series.is_empty() {
        return match a.empty {
            OnEmpty::Passes => verdict(
                Status::Passed,
                None,
                "no series (no data), which `empty: :passes` counts as passing".into(),
            ),
            OnEmpty::Fails => verdict(
                Status::Failed,
                None,
                "no series (no data), which `empty: :fails` counts as failing".into(),
            ),
            OnEmpty::Errored => verdict(
                Status::Error,
                None,
                "no data: the query matched no series, so lrb cannot tell whether the bound holds (is the exporter up and scraped? is every label spelt right?); if no series means healthy, write `empty: :passes`".into(),
            ),
        };
    }
    if series.len() > 1 && a.series == SeriesRule::One {
        let names: Vec<String> = series.iter().take(3).map(Series::name).collect();
        let more = series.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        return verdict(
            Status::Error,
            None,
            format!(
                "{} series came back ({}{more}), and lrb will not pick one: write `each: true` or `any: true`, or aggregate with `sum(...)` or `max(...)`",
                series.len(),
                names.join(", ")
            ),
        );
    }
    let seen: Vec<Seen> = series.iter().map(|s| judge(s, &a.bounds, window)).collect();
    let ago = |at: f64| match window {
        Some(w) => format!(
            " {} ago",
            crate::duration::Duration::from_ms(((w.end_s - at).max(0.0) * 1000.0) as u64).rounded()
        ),
        None => String::new(),
    };
    let of = |i: usize| {
        if series.len() > 1 {
            format!("{} (1 of {} series)", series[i].name(), series.len())
        } else {
            series[i].name()
        }
    };
    let first = |pick: fn(&Seen) -> bool| seen.iter().position(pick);
    let breach = first(|s| matches!(s, Seen::Breach { .. }));
    let undefined = first(|s| matches!(s, Seen::Undefined { .. }));
    let partial = first(|s| matches!(s, Seen::Partial { .. }));
    let holds = first(|s| matches!(s, Seen::Holds { .. }));
    let over = match window {
        Some(w) => format!(" at every step of the window ({} samples)", w.points),
        None => String::new(),
    };
    // What series `i` says, whichever way it was seen.
    let say = |i: usize| match &seen[i] {
        Seen::Holds { value } if a.bounds.is_empty() => verdict(
            Status::Passed,
            Some(*value),
            format!("{} is {}", of(i), number(*value)),
        ),
        Seen::Holds { value } => verdict(
            Status::Passed,
            Some(*value),
            format!("{} is {}, within the bounds{over}", of(i), number(*value)),
        ),
        Seen::Breach { value, at, why } => verdict(
            Status::Failed,
            Some(*value),
            format!("{}: {why}{}", of(i), ago(*at)),
        ),
        Seen::Undefined { value, at } => verdict(
            Status::Error,
            None,
            format!(
                "{} is {}{}, not a number lrb can compare (a division by zero, such as a rate of errors over no requests): lrb cannot tell whether the bound holds",
                of(i),
                number(*value),
                ago(*at)
            ),
        ),
        Seen::Partial { missing } => {
            let (points, step_s) = window.map_or((0, 0.0), |w| (w.points, w.step_s));
            let gap =
                crate::duration::Duration::from_ms((*missing as f64 * step_s * 1000.0) as u64);
            verdict(
                Status::Error,
                None,
                format!(
                    "{} has no samples for {} of the window ({missing} of {points} steps): the bound is not verified over the whole window",
                    of(i),
                    gap.rounded(),
                ),
            )
        }
    };
    let speaks = match a.series {
        // A breach anywhere fails; else anything unseen errs; else the series nearest to
        // breaking the bounds speaks for all of them.
        SeriesRule::One | SeriesRule::Each => breach
            .or(undefined)
            .or(partial)
            .unwrap_or_else(|| nearest(&seen, &a.bounds)),
        // One series that holds passes; else anything unseen errs; else all breach.
        SeriesRule::Any => holds.or(undefined).or(partial).or(breach).unwrap_or(0),
    };
    say(speaks)
}

/// What one series showed: a breach wins over an undefined sample, which wins over a gap.
fn judge(series: &Series, bounds: &Bounds, window: Option<Window>) -> Seen {
    let mut breach: Option<(f64, f64, String)> = None;
    let mut undefined = None;
    for &(at, value) in &series.samples {
        if !value.is_finite() {
            undefined.get_or_insert((value, at));
            continue;
        }
        if let Some(why) = check_bounds(Some(&Value::Number(value)), bounds) {
            let worse = breach
                .as_ref()
                .is_none_or(|(seen, _, _)| distance(value, bounds) > distance(*seen, bounds));
            if worse {
                breach = Some((value, at, why));
            }
        }
    }
    if let Some((value, at, why)) = breach {
        return Seen::Breach { value, at, why };
    }
    if let Some((value, at)) = undefined {
        return Seen::Undefined { value, at };
    }
    if let Some(w) = window {
        let missing = w.points.saturating_sub(series.samples.len());
        if missing > 0 {
            return Seen::Partial { missing };
        }
    }
    let value = (series.samples.iter().map(|(_, v)| *v))
        .max_by(|x, y| distance(*x, bounds).total_cmp(&distance(*y, bounds)))
        .unwrap_or(f64::NAN);
    Seen::Holds { value }
}

/// How far toward (or past) its bounds a value is: larger is worse. Without bounds, later
/// samples count as worse, so the last one speaks.
fn distance(value: f64, bounds: &Bounds) -> f64 {
    match (bounds.below, bounds.above) {
        (Some(below), _) => value - below,
        (None, Some(above)) => above - value,
        (None, None) => 0.0,
    }
}

/// The series that holds nearest to its bounds.
fn nearest(seen: &[Seen], bounds: &Bounds) -> usize {
    let value = |s: &Seen| match s {
        Seen::Holds { value } => distance(*value, bounds),
        _ => f64::NEG_INFINITY,
    };
    (0..seen.len())
        .max_by(|&x, &y| value(&seen[x]).total_cmp(&value(&seen[y])))
        .unwrap_or(0)
}

/// Every series on a line: its labels and its sample, or for a range its samples' span.
fn listing(series: &[Series], window: Option<Window>) -> String {
    let mut out = String::new();
    for s in series {
        let name = s.name();
        match (window, s.samples.as_slice()) {
            (None, [.., (_, v)]) => {
                let _ = writeln!(out, "{name} {}", number(*v));
            }
            (Some(w), samples) => {
                let finite = samples.iter().map(|(_, v)| *v).filter(|v| v.is_finite());
                let min = finite.clone().fold(f64::INFINITY, f64::min);
                let max = finite.fold(f64::NEG_INFINITY, f64::max);
                let range = if min <= max {
                    format!("min {} max {}", number(min), number(max))
                } else {
                    "no finite sample".to_string()
                };
                let _ = writeln!(
                    out,
                    "{name} {range} ({} of {} samples)",
                    samples.len(),
                    w.points
                );
            }
            (None, []) => {
                let _ = writeln!(out, "{name} no sample");
            }
        }
    }
    out.trim_end().to_string()
}

/// A sample as a person reads it: `0.125`, `12`, `NaN`, `+Inf`.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        show(&Value::Number(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::promql::Query;

    fn action(bounds: Bounds, series: SeriesRule, empty: OnEmpty) -> PrometheusAction {
        PrometheusAction {
            target: "metrics".into(),
            query: Query::default(),
            window_ms: None,
            step_ms: None,
            bounds,
            empty,
            series,
            timeout_ms: None,
        }
    }

    fn below(n: f64) -> Bounds {
        Bounds {
            below: Some(n),
            ..Bounds::default()
        }
    }

    fn series(labels: &[(&str, &str)], samples: &[f64]) -> Series {
        Series {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            samples: samples
                .iter()
                .enumerate()
                .map(|(i, v)| (1000.0 + i as f64, *v))
                .collect(),
        }
    }

    #[test]
    fn an_answer_parses_into_series() {
        let vector = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"api"},"value":[1700000000.5,"1"]},{"metric":{},"value":[1700000000.5,"NaN"]}]}}"#;
        let got = parse(vector).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].name(), "up{job=\"api\"}");
        assert_eq!(got[0].samples, vec![(1700000000.5, 1.0)]);
        assert!(got[1].samples[0].1.is_nan());
        let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"2"],[2,"+Inf"]]}]}}"#;
        assert_eq!(parse(matrix).unwrap()[0].samples.len(), 2);
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"3"]}}"#;
        assert_eq!(parse(scalar).unwrap()[0].samples, vec![(1.0, 3.0)]);
        let error = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \"}\""}"#;
        assert_eq!(
            parse(error).unwrap_err(),
            "Prometheus rejected the query (bad_data): 1:5: parse error: unexpected \"}\""
        );
        assert!(parse("<html>").is_err());
    }

    #[test]
    fn a_scenario_writes_a_series_as_one_line() {
        let s: Series = r#"lineup_jobs{queue="default", state="a \"b\""} 12"#
            .parse()
            .unwrap();
        assert_eq!(s.name(), r#"lineup_jobs{queue="default", state="a \"b\""}"#);
        assert_eq!(s.samples, vec![(0.0, 12.0)]);
        let bare: Series = "0.5".parse().unwrap();
        assert_eq!((bare.name(), bare.samples[0].1), ("{}".to_string(), 0.5));
        let nan: Series = "{instance=\"a\"} NaN".parse().unwrap();
        assert!(nan.samples[0].1.is_nan());
        assert!("up{job=\"a\" 1".parse::<Series>().is_err());
        assert!("up{job=\"a\"}".parse::<Series>().is_err());
        assert!("up{job=a} 1".parse::<Series>().is_err());
    }

    #[test]
    fn no_data_is_an_error_unless_the_author_said_otherwise() {
        let a = action(below(5.0), SeriesRule::One, OnEmpty::Errored);
        let v = verdict(&a, "metrics", &[], None);
        assert_eq!(v.status, Status::Error);
        assert!(v.detail.contains("no data"), "{}", v.detail);
        let passes = action(below(5.0), SeriesRule::One, OnEmpty::Passes);
        assert_eq!(verdict(&passes, "m", &[], None).status, Status::Passed);
        let fails = action(below(5.0), SeriesRule::One, OnEmpty::Fails);
        assert_eq!(verdict(&fails, "m", &[], None).status, Status::Failed);
    }

    #[test]
    fn bounds_decide_one_series() {
        let a = action(below(0.05), SeriesRule::One, OnEmpty::Errored);
        let ok = verdict(&a, "m", &[series(&[], &[0.01])], None);
        assert_eq!(
            (ok.status, ok.value),
            (Status::Passed, Some(Value::Number(0.01)))
        );
        let bad = verdict(&a, "m", &[series(&[], &[0.125])], None);
        assert_eq!(bad.status, Status::Failed);
        assert_eq!(bad.detail, "`m`: {}: value 0.125 is not below 0.05");
        let nan = verdict(&a, "m", &[series(&[], &[f64::NAN])], None);
        assert_eq!(nan.status, Status::Error);
        assert!(nan.detail.contains("NaN"), "{}", nan.detail);
        let inf = verdict(&a, "m", &[series(&[], &[f64::INFINITY])], None);
        assert_eq!(inf.status, Status::Error);
    }

    #[test]
    fn several_series_need_each_or_any() {
        let two = [
            series(&[("instance", "a")], &[0.01]),
            series(&[("instance", "b")], &[0.2]),
        ];
        let one = action(below(0.05), SeriesRule::One, OnEmpty::Errored);
        let v = verdict(&one, "m", &two, None);
        assert_eq!(v.status, Status::Error);
        assert!(v.detail.contains("2 series came back"), "{}", v.detail);
        assert_eq!(v.output, "{instance=\"a\"} 0.01\n{instance=\"b\"} 0.2");
        let each = action(below(0.05), SeriesRule::Each, OnEmpty::Errored);
        let v = verdict(&each, "m", &two, None);
        assert_eq!(
            (v.status, v.value),
            (Status::Failed, Some(Value::Number(0.2)))
        );
        assert!(v.detail.contains("instance=\"b\""), "{}", v.detail);
        let any = action(below(0.05), SeriesRule::Any, OnEmpty::Errored);
        let v = verdict(&any, "m", &two, None);
        assert_eq!(
            (v.status, v.value),
            (Status::Passed, Some(Value::Number(0.01)))
        );
        let both_bad = [series(&[("i", "a")], &[0.3]), series(&[("i", "b")], &[0.2])];
        assert_eq!(verdict(&any, "m", &both_bad, None).status, Status::Failed);
        let nan_and_bad = [
            series(&[("i", "a")], &[f64::NAN]),
            series(&[("i", "b")], &[0.2]),
        ];
        assert_eq!(
            verdict(&each, "m", &nan_and_bad, None).status,
            Status::Failed
        );
        assert_eq!(verdict(&any, "m", &nan_and_bad, None).status, Status::Error);
    }

    #[test]
    fn a_window_fails_on_one_breach_and_errs_on_a_gap() {
        let w = Window {
            points: 5,
            step_s: 1.0,
            end_s: 1004.0,
        };
        let a = action(below(10.0), SeriesRule::One, OnEmpty::Errored);
        let spike = verdict(
            &a,
            "m",
            &[series(&[], &[1.0, 2.0, 50.0, 1.0, 1.0])],
            Some(w),
        );
        assert_eq!(
            (spike.status, spike.value),
            (Status::Failed, Some(Value::Number(50.0)))
        );
        assert!(spike.detail.ends_with("2s ago"), "{}", spike.detail);
        let steady = verdict(&a, "m", &[series(&[], &[1.0, 2.0, 3.0, 1.0, 1.0])], Some(w));
        assert_eq!(
            (steady.status, steady.value),
            (Status::Passed, Some(Value::Number(3.0)))
        );
        assert_eq!(steady.output, "{} min 1 max 3 (5 of 5 samples)");
        let young = verdict(&a, "m", &[series(&[], &[1.0, 1.0])], Some(w));
        assert_eq!(young.status, Status::Error);
        assert!(young.detail.contains("3 of 5 steps"), "{}", young.detail);
    }
}
