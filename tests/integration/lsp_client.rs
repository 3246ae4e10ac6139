//! A client for the protocol tests: drives `lrb::lsp::serve` in-process through the
//! message channel of `lsp_server::Connection::memory()`, as an editor would over stdio.

use lsp_server::{Connection, Message, Notification, ProtocolError, Request, RequestId, Response};
use lsp_types::Uri;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<bool, ProtocolError>>>,
    next_id: i32,
    /// Notifications that arrived while waiting for something else.
    pub notifications: Vec<Notification>,
    pub dir: tempfile::TempDir,
    /// The server's answer to `initialize`.
    pub init_result: Value,
}

const WAIT: Duration = Duration::from_secs(30);

impl Client {
    /// A server on a copy of the shipped runbooks (`DIR/runbooks/*.rb`), text checked
    /// `debounce_ms` after it stops changing.
    pub fn start(debounce_ms: u64) -> Client {
        let dir = tempfile::tempdir().unwrap();
        let runbooks = dir.path().join("runbooks");
        std::fs::create_dir(&runbooks).unwrap();
        let shipped = crate::common::root().join("runbooks");
        for entry in std::fs::read_dir(shipped).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, runbooks.join(path.file_name().unwrap())).unwrap();
        }
        let (server, conn) = Connection::memory();
        let handle =
            std::thread::spawn(move || lrb::lsp::serve(&server, lrb::lsp::Options::default()));
        let mut client = Client {
            conn,
            server: Some(handle),
            next_id: 0,
            notifications: Vec::new(),
            dir,
            init_result: Value::Null,
        };
        let root = uri(client.dir.path());
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "lab"}],
                "capabilities": {},
                "initializationOptions": {"debounce_ms": debounce_ms},
            }),
        );
        assert!(init.error.is_none(), "{init:?}");
        client.notify("initialized", json!({}));
        client.init_result = init.result;
        client
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join("runbooks").join(name)
    }

    pub fn uri(&self, name: &str) -> String {
        uri(&self.path(name))
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    pub fn request(&mut self, method: &str, params: Value) -> Answer {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self.conn.receiver.recv_timeout(WAIT).expect("an answer") {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id => {
                    return match response_result {
                        Ok(result) => Answer {
                            result,
                            error: None,
                        },
                        Err(e) => Answer {
                            result: Value::Null,
                            error: Some(e.message),
                        },
                    };
                }
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    pub fn open(&self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "ruby", "version": version, "text": text}}),
        );
    }

    /// Replaces the whole text.
    pub fn change(&self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Waits for the diagnostics of `uri` at `version`; earlier versions' are kept in
    /// `notifications`.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let matches = |n: &Notification| {
            n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
                && n.params["version"] == version
        };
        if let Some(n) = self.notifications.iter().find(|n| matches(n)) {
            return n.params["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            match self.conn.receiver.recv_timeout(WAIT).expect("diagnostics") {
                Message::Notification(n) if matches(&n) => {
                    let found = n.params["diagnostics"].as_array().unwrap().clone();
                    self.notifications.push(n);
                    return found;
                }
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    /// Every diagnostics notification for `uri` received so far.
    pub fn published(&self, uri: &str) -> Vec<&Value> {
        self.notifications
            .iter()
            .filter(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            .map(|n| &n.params)
            .collect()
    }

    /// `shutdown`, then `exit`: what the server's loop returned (true for a clean end).
    pub fn shutdown(mut self) -> bool {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.error.is_none());
        self.exit()
    }

    pub fn exit(mut self) -> bool {
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

#[derive(Debug)]
pub struct Answer {
    pub result: Value,
    pub error: Option<String>,
}

pub fn uri(path: &Path) -> String {
    let url = url::Url::from_file_path(path).unwrap();
    Uri::from_str(url.as_str()).unwrap().as_str().to_string()
}

/// `{"line": l, "character": c}`
pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// The position of the first `needle` in `text`, plus `skip` characters, in UTF-16 units.
pub fn find(text: &str, needle: &str, skip: usize) -> Value {
    let found = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let at = found
        + text[found..]
            .chars()
            .take(skip)
            .map(char::len_utf8)
            .sum::<usize>();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let units: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    pos(line as u32, units as u32)
}
