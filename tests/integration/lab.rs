//! The test lab as the tests use it: its addresses, docker, the one lock that keeps a test
//! that breaks the lab from another that reads it, and the deployment rollback scenario (the
//! `lrbdeploy` compose project running a bad release of the lineup backend).

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What the bad release and the last good one serve as their error rate.
pub const BAD_RATE: &str = r#"{"error_rate":12.5}"#;
pub const GOOD_RATE: &str = r#"{"error_rate":0.1}"#;

/// The lab lock: `lab.lock` in the lab dir, a file lock so that it holds between the tests'
/// threads and between test processes (two `cargo test` at once). A test that stops, restarts
/// or faults a lab container or service, or changes data another test reads, holds it
/// exclusively and puts the lab back before it lets go; a test that needs the lab as
/// `scripts/lab.sh up` left it holds it shared. Each holder opens the file anew: flock locks
/// belong to the open file, so two holders in one process exclude each other as well.
pub struct Lock(File);

impl Lock {
    pub fn shared() -> Self {
        let file = Self::file();
        file.lock_shared().unwrap();
        Lock(file)
    }

    pub fn exclusive() -> Self {
        let file = Self::file();
        file.lock().unwrap();
        Lock(file)
    }

    fn file() -> File {
        File::create(Path::new(&var("LRB_LAB_DIR")).join("lab.lock")).unwrap()
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// A lab address or setting from `scripts/lab.sh env`.
pub fn var(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("`{var}` is not set: run `scripts/lab.sh up` and `eval \"$(scripts/lab.sh env)\"`")
    })
}

pub fn docker(args: &[&str]) {
    let ok = Command::new("docker")
        .args(args)
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "docker {args:?} failed");
}

/// The error rate the deployed backend serves now.
pub fn error_rate() -> Option<String> {
    let url = format!(
        "{}/api/v1/system-metrics/platform",
        var("LRB_LAB_DEPLOY_URL")
    );
    http_get(&url).map(|body| body.trim().to_string())
}

/// Fails unless the GitHub CLI is missing: with it, the runbook takes the workflow rollback.
pub fn assert_no_github_cli() {
    let gh = Command::new("sh")
        .args(["-c", "command -v gh"])
        .output()
        .unwrap();
    assert!(
        !gh.status.success(),
        "this test expects no GitHub CLI on the machine (the runbook would pick the workflow rollback)"
    );
}

/// The lab's `lrbdeploy` project (lab/deploy/): the lineup backend after a bad deploy, apart
/// from the shared lab so that rolling it back (`docker-compose down`, `up`) touches nothing
/// else. Dropping it takes the project down and makes the bad release `latest` again.
/// Holds the lab lock exclusively while it lives (it retags the lineup images): the caller
/// takes no other.
pub struct BadDeploy {
    _lock: Lock,
}

impl BadDeploy {
    pub fn up() -> Self {
        let lock = Lock::exclusive();
        docker(&["tag", "lineup-backend:bad", "lineup-backend:latest"]);
        Self::compose(&["up", "-d", "--force-recreate"]);
        let ready = format!("{}/health/ready", var("LRB_LAB_DEPLOY_URL"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(&ready).is_none() {
            assert!(
                Instant::now() < deadline,
                "{ready} did not answer within 30 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        BadDeploy { _lock: lock }
    }

    fn compose(args: &[&str]) {
        let file = var("LRB_LAB_DEPLOY_FILE");
        let project = var("LRB_LAB_DEPLOY_PROJECT");
        let mut all = vec!["--ansi", "never", "-p", &project, "-f", &file];
        all.extend(args);
        let out = Command::new("docker-compose").args(&all).output().unwrap();
        assert!(
            out.status.success(),
            "docker-compose {all:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The seed runbooks' environment, pointed at this project.
    pub fn envs() -> Vec<(&'static str, String)> {
        vec![
            ("LINEUP_URL", var("LRB_LAB_DEPLOY_URL")),
            ("COMPOSE_FILE", var("LRB_LAB_DEPLOY_FILE")),
            ("COMPOSE_PROJECT_NAME", var("LRB_LAB_DEPLOY_PROJECT")),
            // The `lineup` job (the lab backend, healthy), not `lineup-deploy`: a rate over
            // the last minute mixes both releases for a minute after the rollback, and the
            // runbook would rightly go on to the full rollback.
            ("PROMETHEUS_URL", var("LRB_LAB_PROMETHEUS_URL")),
        ]
    }
}

impl Drop for BadDeploy {
    fn drop(&mut self) {
        Self::compose(&["down", "-t", "3"]);
        docker(&["tag", "lineup-backend:bad", "lineup-backend:latest"]);
    }
}

/// The body of a GET over plain HTTP, or `None` when nothing answers 200.
fn http_get(url: &str) -> Option<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    (head.split_whitespace().nth(1) == Some("200")).then(|| body.to_string())
}

pub fn image_id(reference: &str) -> String {
    let out = Command::new("docker")
        .args(["image", "inspect", "-f", "{{.Id}}", reference])
        .output()
        .unwrap();
    assert!(out.status.success(), "no image {reference}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Series a test serves to the lab's Prometheus through its file exporter (`lab/README.md`,
/// "Series of a test's own"): every series carries `lab_source="NAME"`, so tests never see
/// each other's. Dropping it takes the series away.
pub struct Series {
    name: String,
}

impl Series {
    /// Serves `text` (exposition format) under a name that starts with `prefix` and is new to
    /// this Prometheus (its earlier runs' samples stay in the TSDB for a while), and waits
    /// until Prometheus has scraped it. [`Series::name`] is the `lab_source` to query.
    pub fn publish(prefix: &str, text: &str) -> Self {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let series = Series {
            name: format!(
                "{prefix}_{}_{}",
                std::process::id(),
                since_epoch.as_micros()
            ),
        };
        let name = series.name.as_str();
        series.set(text);
        let target = format!(
            r#"[{{"targets":["{}"],"labels":{{"__metrics_path__":"/{name}.prom","lab_source":"{name}"}}}}]"#,
            var("LRB_LAB_PROM_EXPORTER")
        );
        write_atomically(
            &Path::new(&var("LRB_LAB_PROM_SD")).join(format!("{name}.json")),
            &target,
        );
        series.await_query(&format!("count({{lab_source=\"{name}\"}})"), |v| {
            v.is_some()
        });
        series
    }

    /// The `lab_source` label of its series.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Serves `text` from now on (the next scrape, within a second, reads it).
    pub fn set(&self, text: &str) {
        let file = Path::new(&var("LRB_LAB_PROM_WWW")).join(format!("{}.prom", self.name));
        write_atomically(&file, text);
    }

    /// Waits (up to 30 s) until `query`'s first sample satisfies `ok`, and returns it.
    pub fn await_query(&self, query: &str, ok: impl Fn(Option<f64>) -> bool) -> Option<f64> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = prometheus_sample(query);
            if ok(value) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "`{query}` did not reach the expected value within 30 s (last: {value:?}); is the lab's Prometheus scraping {}?",
                var("LRB_LAB_PROM_EXPORTER")
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Series {
    fn drop(&mut self) {
        let www = Path::new(&var("LRB_LAB_PROM_WWW")).join(format!("{}.prom", self.name));
        let sd = Path::new(&var("LRB_LAB_PROM_SD")).join(format!("{}.json", self.name));
        let _ = std::fs::remove_file(www);
        let _ = std::fs::remove_file(sd);
    }
}

fn write_atomically(path: &Path, text: &str) {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// The first sample of an instant query on the lab's Prometheus, `None` for no series.
pub fn prometheus_sample(query: &str) -> Option<f64> {
    let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    let url = format!(
        "{}/api/v1/query?query={encoded}",
        var("LRB_LAB_PROMETHEUS_URL")
    );
    let body = http_get(&url)?;
    let doc: serde_json::Value = serde_json::from_str(&body).ok()?;
    doc["data"]["result"][0]["value"][1].as_str()?.parse().ok()
}
