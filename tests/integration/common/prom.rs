//! Series of a test's own in the lab's Prometheus, through its file exporter (lab/README.md,
//! "Series of a test's own").

use crate::lab;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Series written for one test, every one labelled `lab_source="NAME"`; dropping it removes
/// them.
pub struct PromSeries {
    files: [PathBuf; 2],
}

impl Drop for PromSeries {
    fn drop(&mut self) {
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// Writes `text` (exposition format) as the series of `name`, and waits until Prometheus has
/// scraped it: Prometheus has as many series of `NAME` as `text` has lines.
pub fn prom_series(name: &str, text: &str) -> PromSeries {
    let www = PathBuf::from(lab::var("LRB_LAB_PROM_WWW"));
    let sd = PathBuf::from(lab::var("LRB_LAB_PROM_SD"));
    let exporter = lab::var("LRB_LAB_PROM_EXPORTER");
    let exporter = exporter.trim_start_matches("http://").trim_end_matches('/');
    let prom = www.join(format!("{name}.prom"));
    let target = sd.join(format!("{name}.json"));
    // Written aside and renamed, so no scrape reads half a file.
    let write = |path: &PathBuf, body: &str| {
        let aside = path.with_extension("tmp");
        std::fs::write(&aside, body).unwrap_or_else(|e| {
            panic!(
                "cannot write {} ({e}): run `scripts/lab.sh up`",
                aside.display()
            )
        });
        std::fs::rename(&aside, path).unwrap();
    };
    write(&prom, text);
    write(
        &target,
        &format!(
            r#"[{{"targets":["{exporter}"],"labels":{{"__metrics_path__":"/{name}.prom","lab_source":"{name}"}}}}]"#
        ),
    );
    let series = PromSeries {
        files: [prom, target],
    };
    let lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    let want = format!("\"{lines}\"");
    // Every scrape adds `up` and `scrape_*` series of its own.
    let query = format!("count({{lab_source=\"{name}\", __name__!~\"up|scrape_.*\"}})");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = instant(&query);
        if answer.contains(&want) {
            return series;
        }
        assert!(
            Instant::now() < deadline,
            "the lab's Prometheus did not scrape the series of `{name}` within 20s: {answer}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The JSON answer of an instant query to the lab's Prometheus.
pub fn instant(query: &str) -> String {
    let url = format!("{}/api/v1/query", lab::var("LRB_LAB_PROMETHEUS_URL"));
    let out = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "5", "--data-urlencode"])
        .arg(format!("query={query}"))
        .arg(&url)
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "the lab's Prometheus at {url} does not answer: {}; run `scripts/lab.sh up`",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
