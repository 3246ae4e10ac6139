//! Prometheus: one HTTP API call per probe, `/api/v1/query` for an instant query and
//! `/api/v1/query_range` for a window, judged by [`crate::run::promql`].

use super::http::{client, failure, read_body};
use super::{Ctx, Finding, Probe};
use crate::action::PrometheusAction;
use crate::action::catalogue::TargetKind;
use crate::run::promql::{self, Window};
use std::time::{SystemTime, UNIX_EPOCH};

pub(super) async fn run(a: &PrometheusAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Prometheus)?;
    ctx.need(&a.query.template)?;
    let query = a.query.render(|p| ctx.value(p));
    let base = target.address.trim_end_matches('/');
    let mut pairs = vec![
        ("query", query),
        // Prometheus gives up on its side too, rather than go on evaluating for nobody.
        ("timeout", format!("{}ms", ctx.timeout.as_millis())),
    ];
    let (endpoint, window) = match a.range() {
        None => ("query", None),
        Some((window_ms, step_ms)) => {
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let (start, end) = (now_ms.saturating_sub(window_ms), now_ms);
            pairs.push(("start", seconds(start)));
            pairs.push(("end", seconds(end)));
            pairs.push(("step", seconds(step_ms)));
            let points = usize::try_from(window_ms / step_ms + 1).unwrap_or(usize::MAX);
            let window = Window {
                points,
                step_s: step_ms as f64 / 1000.0,
                end_s: end as f64 / 1000.0,
            };
            ("query_range", Some(window))
        }
    };
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let url = format!("{base}/api/v1/{endpoint}");
    let what = format!("PromQL on `{}`", a.target);
    let response = client()?
        .post(&url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(form)
        .timeout(ctx.timeout)
        .send()
        .await
        .map_err(|e| failure(&what, &e))?;
    let status = response.status().as_u16();
    let body = read_body(response).await.map_err(|e| failure(&what, &e))?;
    let body = String::from_utf8_lossy(&body);
    let series = promql::parse(&body).map_err(|why| {
        if (200..300).contains(&status) || body.trim_start().starts_with('{') {
            format!("{what}: {why}")
        } else {
            format!(
                "{what}: HTTP {status} from {url}, not Prometheus's API: give the target the server's base URL, such as `http://127.0.0.1:9090`"
            )
        }
    })?;
    let verdict = promql::verdict(a, &a.target, &series, window);
    Ok(Finding {
        status: verdict.status,
        value: verdict.value,
        detail: verdict.detail,
        output: None,
    }
    .output(verdict.output))
}

/// Milliseconds since the epoch as the API's decimal seconds.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}
