//! Hostile parameter values through every backend, against the real lab: `lrb run`, `lrb plan`
//! and the exported script each run `tests/fixtures/hostile/hostile.rb`, whose checks pass only
//! when the value arrives byte for byte (the row PostgreSQL compares, the key Redis finds, the
//! path and query our HTTP server receives, the bytes a shell pipes). Nothing may run: no file
//! appears, the `victim` table and the canary key survive. The three agree on every case.

use crate::common::{lrb, root, stdout, text};
use crate::lab;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const RUNBOOK: &str = "tests/fixtures/hostile/hostile.rb";

/// An HTTP server on loopback that answers 200 and records each request target.
fn echo_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            if let Some(target) = line.split(' ').nth(1) {
                log.lock().unwrap().push(target.to_string());
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                    break;
                }
            }
            let mut out = &stream;
            let _ = out
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (url, seen)
}

fn psql(sql: &str, vars: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new("psql");
    cmd.args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(lab::var("LRB_LAB_PG_URL"));
    for (k, v) in vars {
        cmd.arg("-v").arg(format!("{k}={v}"));
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("psql is installed by scripts/lab.sh");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "psql failed on {sql}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn redis() -> redis::Connection {
    redis::Client::open(lab::var("LRB_LAB_REDIS_URL"))
        .unwrap()
        .get_connection()
        .unwrap()
}

/// Puts `value` where the checks look for it, through each service's own binding.
fn seed(value: &str, dir: &Path) {
    psql(
        "CREATE TABLE IF NOT EXISTS victim (id int); CREATE TABLE IF NOT EXISTS lrb_hostile (v text);\n\
         TRUNCATE lrb_hostile; INSERT INTO lrb_hostile VALUES (:'value');\n",
        &[("value", value)],
    );
    let mut r = redis();
    let _: () = redis::cmd("SET")
        .arg(format!("lrb:hostile:{value}"))
        .arg("1")
        .query(&mut r)
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg("lrb:canary")
        .arg("alive")
        .query(&mut r)
        .unwrap();
    std::fs::write(dir.join("expected"), value).unwrap();
    std::fs::write(dir.join("expected.x"), format!("x{value}x")).unwrap();
    std::fs::write(dir.join("expected.nl"), format!("{value}\n")).unwrap();
}

/// Nothing the value holds ran: no new file, the table and the canary are still there.
fn untouched(dir: &Path) -> Result<(), String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| !f.starts_with("expected") && !f.ends_with(".jsonl") && f != "hostile.sh")
        .collect();
    files.sort();
    if !files.is_empty() {
        return Err(format!("files appeared: {files:?}"));
    }
    if psql(
        "SELECT count(*) FROM pg_tables WHERE tablename = 'victim'",
        &[],
    ) != "1"
    {
        return Err("the victim table is gone".into());
    }
    let canary: Option<String> = redis::cmd("GET")
        .arg("lrb:canary")
        .query(&mut redis())
        .unwrap();
    if canary.as_deref() != Some("alive") {
        return Err("the canary key is gone".into());
    }
    Ok(())
}

/// One case at a time holds the lab exclusively: they share the `lrb_hostile` table and the
/// Redis keys, with each other and with other test processes.
struct Case {
    _lab: lab::Lock,
    dir: tempfile::TempDir,
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Case {
    fn new(value: &str) -> Case {
        let lab = lab::Lock::exclusive();
        let dir = tempfile::tempdir().unwrap();
        seed(value, dir.path());
        let (url, seen) = echo_server();
        Case {
            _lab: lab,
            dir,
            url,
            seen,
        }
    }

    fn env(&self, cmd: &mut std::process::Command) {
        cmd.env("HOSTILE_HTTP_URL", &self.url)
            .env("HOSTILE_DIR", self.dir.path())
            .env_remove("LRB_PARAM_V")
            .current_dir(self.dir.path());
    }

    fn lrb(&self, args: &[&str], value: &str) -> (Option<i32>, String) {
        self.lrb_on(RUNBOOK, "v", args, value)
    }

    /// `lrb ARGS RUNBOOK --set PARAM=VALUE`.
    fn lrb_on(
        &self,
        runbook: &str,
        param: &str,
        args: &[&str],
        value: &str,
    ) -> (Option<i32>, String) {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrb"));
        cmd.args(args)
            .arg(fixture(runbook))
            .arg("--set")
            .arg(format!("{param}={value}"));
        self.env(&mut cmd);
        cmd.stdin(std::process::Stdio::null());
        outcome(cmd.output().unwrap())
    }

    fn script(&self, value: &str) -> (Option<i32>, String) {
        self.script_of(RUNBOOK, "v", value)
    }

    /// The exported script of RUNBOOK, run with `--set PARAM=VALUE`.
    fn script_of(&self, runbook: &str, param: &str, value: &str) -> (Option<i32>, String) {
        let script = self.dir.path().join("hostile.sh");
        stdout(
            lrb()
                .args(["export", "bash", "-o"])
                .arg(&script)
                .arg(fixture(runbook)),
        );
        let mut cmd = std::process::Command::new("bash");
        cmd.arg(&script)
            .arg("--transcript")
            .arg(self.dir.path().join("hostile.jsonl"))
            .arg("--set")
            .arg(format!("{param}={value}"));
        self.env(&mut cmd);
        cmd.stdin(std::process::Stdio::null());
        outcome(cmd.output().unwrap())
    }

    /// The path segment and query value of every request the server got, decoded.
    fn received(&self) -> Vec<(String, String)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|target| {
                let url = url::Url::parse(&format!("http://x{target}")).unwrap();
                let segment = url.path_segments().unwrap().nth(1).unwrap_or_default();
                let segment = percent_encoding::percent_decode_str(segment)
                    .decode_utf8_lossy()
                    .into_owned();
                let q = url
                    .query_pairs()
                    .find(|(k, _)| k == "q")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                (segment, q)
            })
            .collect()
    }
}

/// The exit code, and everything printed for the failure message.
fn outcome(out: std::process::Output) -> (Option<i32>, String) {
    (out.status.code(), text(&out))
}

fn fixture(path: &str) -> PathBuf {
    root().join(path)
}

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("`".to_string()),
        Just("$(touch pwned1)".to_string()),
        Just("`touch pwned2`".to_string()),
        Just("; touch pwned3;".to_string()),
        Just("&& touch pwned4 ||".to_string()),
        Just("| touch pwned5".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("*".to_string()),
        Just("?[a]".to_string()),
        Just("$HOME ${PATH}".to_string()),
        Just("\\".to_string()),
        Just("'; DROP TABLE victim; --".to_string()),
        Just("' OR '1'='1".to_string()),
        Just("\\'; DROP TABLE victim; --".to_string()),
        Just("*/ /*".to_string()),
        Just("$$".to_string()),
        Just("../".to_string()),
        Just("&x=1#".to_string()),
        Just("%2e%2e%2F".to_string()),
        Just("FLUSHALL".to_string()),
        Just("\r\nFLUSHALL\r\n".to_string()),
        Just("é日本🙂".to_string()),
        Just("-n".to_string()),
        Just("EOF".to_string()),
        "[a-z ]{0,4}",
    ];
    // `.` and `..` alone are refused as path segments: tested on their own below.
    prop::collection::vec(piece, 1..6)
        .prop_map(|v| v.concat())
        .prop_filter("not a dot segment", |v| v != "." && v != "..")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn hostile_values_arrive_intact_and_never_run(value in hostile()) {
        let case = Case::new(&value);
        let (run, text) = case.lrb(&["run", "--transcript", "run.jsonl"], &value);
        prop_assert_eq!(run, Some(0), "lrb run with {:?}:\n{}", value, text);
        let (plan, text) = case.lrb(&["plan"], &value);
        prop_assert_eq!(plan, Some(0), "lrb plan with {:?}:\n{}", value, text);
        let (script, text) = case.script(&value);
        prop_assert_eq!(script, Some(0), "the exported script with {:?}:\n{}", value, text);
        if let Err(e) = untouched(case.dir.path()) {
            prop_assert!(false, "{} with {:?}", e, value);
        }
        let received = case.received();
        prop_assert_eq!(received.len(), 3, "one request from each of run, plan and the script");
        for (segment, q) in received {
            prop_assert_eq!(&segment, &value);
            prop_assert_eq!(&q, &value);
        }
    }
}

#[test]
fn a_dot_segment_is_refused_before_anything_runs() {
    for value in [".", ".."] {
        let case = Case::new(value);
        for (code, text) in [
            case.lrb(&["run", "--transcript", "run.jsonl"], value),
            case.lrb(&["plan"], value),
            case.script(value),
        ] {
            assert_eq!(code, Some(13), "{text}");
            assert!(text.contains("must not be `.` or `..`"), "{text}");
        }
        assert!(case.received().is_empty(), "nothing was sent");
    }
}

#[test]
fn a_name_docker_would_read_as_an_option_is_refused_before_anything_runs() {
    for value in ["--help", "a b", "$(id)"] {
        let case = Case::new("unused");
        let names = "tests/fixtures/hostile/names.rb";
        for (code, text) in [
            case.lrb_on(names, "c", &["run", "--transcript", "run.jsonl"], value),
            case.lrb_on(names, "c", &["plan"], value),
            case.script_of(names, "c", value),
        ] {
            assert_eq!(code, Some(13), "{value:?}: {text}");
            assert!(text.contains("must be a Docker container name"), "{text}");
        }
    }
    let case = Case::new("unused");
    let (code, text) = case.lrb_on("tests/fixtures/hostile/names.rb", "c", &["plan"], "backend");
    assert_eq!(code, Some(0), "a real name runs: {text}");
}

/// The bash escaping functions of the exported script give what `crate::fill` gives.
#[test]
fn the_scripts_escaping_is_lrbs() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(1));
    let values: Vec<String> = (0..200)
        .map(|_| {
            proptest::collection::vec(
                prop_oneof![
                    any::<char>().prop_filter("no NUL", |c| *c != '\0'),
                    proptest::char::range('\u{1}', '\u{7f}'),
                ],
                0..12,
            )
            .prop_map(|cs| cs.into_iter().collect::<String>())
            .new_tree(&mut runner)
            .unwrap()
            .current()
        })
        .chain(["'", "\\", "\"", "\u{7f}", "\u{1}", "é", "-1.5e3", "01", "3"].map(String::from))
        .collect();
    let runtime = ["postgres.sh", "http.sh", "transcript.sh"]
        .map(|f| std::fs::read_to_string(fixture(&format!("src/export/bash/{f}"))).unwrap())
        .join("\n")
        .replace("%JSON_NUMBER%", lrb::fill::http::JSON_NUMBER);
    let program = format!(
        "{runtime}\nfor v in \"$@\"; do\n  for f in lrb_sql_literal lrb_sql_identifier lrb_url_encode lrb_json_string lrb_json_value; do\n    \"$f\" r \"$v\"\n    printf '%s\\0' \"$r\"\n  done\ndone\n"
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&program)
        .arg("bash")
        .args(&values)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .map(|b| String::from_utf8(b.to_vec()).unwrap())
        .collect();
    for (i, v) in values.iter().enumerate() {
        let want = [
            lrb::fill::sql::escape_literal(v),
            lrb::fill::sql::escape_identifier(v),
            lrb::fill::http::encode(v),
            String::new(),
            lrb::fill::http::json_value(v),
        ];
        let row = &got[i * 5..i * 5 + 5];
        assert_eq!(row[0], want[0], "SQL literal of {v:?}");
        assert_eq!(row[1], want[1], "SQL identifier of {v:?}");
        assert_eq!(row[2], want[2], "URL encoding of {v:?}");
        let decoded: String = serde_json::from_str(&format!("\"{}\"", row[3])).unwrap();
        assert_eq!(&decoded, v, "JSON string of {v:?}");
        let value: serde_json::Value = serde_json::from_str(&row[4]).unwrap();
        let expected: serde_json::Value = serde_json::from_str(&want[4]).unwrap();
        assert_eq!(value, expected, "JSON value of {v:?}");
    }
}
