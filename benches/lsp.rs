//! `lrb lsp`: the time from a change of a 1,000-line runbook to its diagnostics, through the
//! server's message channel, with the debounce set to zero so only the work is measured:
//! `cargo bench --bench lsp`.

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;
use std::path::Path;

/// About 1,000 lines: 200 checks (HTTP and SQL), 40 `when`s, a confirm.
fn big_runbook() -> String {
    let mut out = String::from(
        "target :api, http: env(\"API_URL\", \"http://127.0.0.1:3000\"), timeout: 5s\n\
         target :db, postgres: env(\"DATABASE_URL\", \"postgres://lrb@127.0.0.1/lrb\")\n\
         target :host, shell: \".\", timeout: 30s\n\nrunbook :big do\n  title \"Big\"\n\n",
    );
    for i in 0..200 {
        let probe = if i % 2 == 0 {
            format!("api.get \"/health/{i}\", status: 200")
        } else {
            format!("db.query \"SELECT count(*) FROM jobs WHERE queue = 'q{i}'\", below: 100")
        };
        out.push_str(&format!(
            "  check :c{i}, \"probe {i}\" do\n    {probe}\n  end\n\n"
        ));
    }
    for i in 0..40 {
        let checks: Vec<String> = (0..5).map(|k| format!("failed(:c{})", i * 5 + k)).collect();
        out.push_str(&format!(
            "  when {} do\n    mitigate \"Restart {i}\" do\n      host.run \"systemctl restart worker-{i}\"\n    end\n  end\n\n",
            checks.join(" or ")
        ));
    }
    out.push_str("  confirm within: 2m, every: 5s do\n    api.get \"/health/0\"\n  end\nend\n");
    out
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        if lrb::scenario::is_scenario_file(&path) {
            continue; // the runbooks as they were measured before scenarios existed
        }
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let text = big_runbook();
    assert!(
        text.lines().count() >= 1000,
        "{} lines",
        text.lines().count()
    );
    let file = dir.path().join("big.rb");
    std::fs::write(&file, &text).unwrap();
    let uri = url::Url::from_file_path(&file).unwrap().to_string();

    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || lrb::lsp::serve(&server, lrb::lsp::Options::default()));
    let send = |m: Message| client.sender.send(m).unwrap();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({"capabilities": {}, "initializationOptions": {"debounce_ms": 0}}),
    )));
    client.receiver.recv().unwrap();
    send(Message::Notification(Notification::new(
        "initialized".into(),
        json!({}),
    )));
    let wait = |version: i32| loop {
        if let Message::Notification(n) = client.receiver.recv().unwrap()
            && n.method == "textDocument/publishDiagnostics"
            && n.params["version"] == version
        {
            assert!(n.params["diagnostics"].as_array().unwrap().len() < 250);
            return;
        }
    };
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".into(),
        json!({"textDocument": {"uri": uri, "languageId": "ruby", "version": 1, "text": text}}),
    )));
    wait(1);

    let mut version = 1;
    c.bench_function("lsp: change of a 1,000-line runbook to its diagnostics", |b| {
        b.iter(|| {
            version += 1;
            // A one-character edit on line 8, as typing makes.
            let edit = if version % 2 == 0 { "x" } else { "" };
            send(Message::Notification(Notification::new(
                "textDocument/didChange".into(),
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": {"line": 7, "character": 15}, "end": {"line": 7, "character": if version % 2 == 0 { 15 } else { 16 }}}, "text": edit}]}),
            )));
            wait(version);
        })
    });
    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".into(),
        json!(null),
    )));
    send(Message::Notification(Notification::new(
        "exit".into(),
        json!(null),
    )));
    assert!(handle.join().unwrap().unwrap());
}

criterion_group!(benches, bench);
criterion_main!(benches);
