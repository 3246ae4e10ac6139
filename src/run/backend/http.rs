//! HTTP probes and requests: reqwest over rustls (ring), no OpenSSL.

use super::{Ctx, Finding, Probe, check_bounds, root_cause, show};
use crate::action::catalogue::TargetKind;
use crate::action::{HttpAction, HttpMethod};
use crate::run::Value;
use std::sync::OnceLock;
use std::time::Instant;

/// Redirects followed before giving up: enough for `http -> https -> /path/`, not a loop.
const MAX_REDIRECTS: usize = 5;
/// Most body bytes read; a health endpoint that streams forever must not eat memory.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most body bytes shown as output.
const MAX_SHOWN_BODY_BYTES: usize = 4096;

pub(super) async fn run(a: &HttpAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Http)?;
    ctx.need(&a.path.template)?;
    let path = a.path.render(|p| ctx.value(p));
    let url = format!(
        "{}/{}",
        target.address.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let url = url::Url::parse(&url).map_err(|e| {
        format!(
            "`{}` does not make a URL with `{path}` ({e}): give the target a base URL such as `http://127.0.0.1:3000`",
            a.target
        )
    })?;
    let what = format!("{} {path}", a.method.as_str());
    let mut request = client()?
        .request(method(a.method), url)
        .timeout(ctx.timeout);
    if let Some(body) = &a.body {
        ctx.need(&body.template)?;
        if body.json {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json");
        }
        request = request.body(body.render(|p| ctx.value(p)));
    }

    let started = Instant::now();
    let response = request.send().await.map_err(|e| failure(&what, &e))?;
    let status = response.status().as_u16();
    let body = read_body(response).await.map_err(|e| failure(&what, &e))?;
    let ms = started.elapsed().as_millis();
    let text = String::from_utf8_lossy(&body);

    let status_ok = if a.status.is_empty() {
        (200..300).contains(&status)
    } else {
        a.status.contains(&status)
    };
    let (value, json_problem) = match &a.json {
        None => (Some(Value::Number(f64::from(status))), None),
        Some(pointer) => json_value(&text, pointer),
    };
    let problem = if !status_ok {
        Some(format!(
            "expected status {}, got {status}",
            expected(&a.status)
        ))
    } else if let Some(needle) = &a.contains
        && !text.contains(ctx.render(needle)?.as_str())
    {
        Some(format!("body does not contain `{needle}`"))
    } else if json_problem.is_some() {
        json_problem
    } else if let Some(bound) = check_bounds(value.as_ref(), &a.bounds) {
        Some(bound)
    } else if let Some(limit) = a.latency_below_ms
        && ms >= u128::from(limit)
    {
        Some(format!("took {ms} ms, expected under {limit} ms"))
    } else {
        None
    };
    let shown = match (&a.json, &value) {
        (Some(pointer), Some(v)) => format!("{status}, {pointer} = {}", show(v)),
        _ => status.to_string(),
    };
    // The time is the result's duration, shown beside the detail: not repeated in it.
    let finding = match problem {
        None => Finding::passed(format!("{what}: {shown}")),
        Some(problem) => Finding::failed(format!("{what}: {problem}")),
    };
    Ok(finding.value(value).output(shown_body(&text)))
}

/// One client for the process: built once (loading root certificates is not free), with no
/// idle pool so it is safe on whichever runtime calls it.
pub(super) fn client() -> Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            // Another part of the process may have installed a provider already; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
                .pool_max_idle_per_host(0)
                .user_agent(concat!("lrb/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| format!("cannot set up the HTTP client: {}", root_cause(&e)))
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn method(m: HttpMethod) -> reqwest::Method {
    match m {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Head => reqwest::Method::HEAD,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
    }
}

pub(super) async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_BODY_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == MAX_BODY_BYTES {
            break;
        }
    }
    Ok(body)
}

/// Why a request got no answer, for a person: refused, timed out, too many redirects.
pub(super) fn failure(what: &str, e: &reqwest::Error) -> String {
    let url = e.url().map(|u| format!(" ({u})")).unwrap_or_default();
    let why = if e.is_timeout() {
        "no answer in time (timed out)".to_string()
    } else if e.is_redirect() {
        format!("more than {MAX_REDIRECTS} redirects")
    } else if e.is_connect() {
        format!("cannot connect: {}", root_cause(e))
    } else {
        root_cause(e)
    };
    format!("{what}{url}: {why}")
}

fn expected(statuses: &[u16]) -> String {
    match statuses {
        [] => "2xx".into(),
        [one] => one.to_string(),
        many => {
            let all: Vec<String> = many.iter().map(u16::to_string).collect();
            format!("one of {}", all.join(", "))
        }
    }
}

/// The value at a JSON pointer, or why there is none.
fn json_value(body: &str, pointer: &str) -> (Option<Value>, Option<String>) {
    let doc: serde_json::Value = match serde_json::from_str(body) {
        Ok(doc) => doc,
        Err(e) => return (None, Some(format!("body is not JSON ({e})"))),
    };
    match doc.pointer(pointer) {
        None => (None, Some(format!("no `{pointer}` in the JSON body"))),
        Some(serde_json::Value::Null) => (None, Some(format!("`{pointer}` is null"))),
        Some(serde_json::Value::Bool(b)) => (Some(Value::Bool(*b)), None),
        Some(serde_json::Value::Number(n)) => (n.as_f64().map(Value::Number), None),
        Some(serde_json::Value::String(s)) => (Some(Value::Text(s.clone())), None),
        Some(other) => (Some(Value::Text(other.to_string())), None),
    }
}

fn shown_body(text: &str) -> String {
    if text.len() <= MAX_SHOWN_BODY_BYTES {
        return text.to_string();
    }
    let mut end = MAX_SHOWN_BODY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[{} more bytes]", &text[..end], text.len() - end)
}
