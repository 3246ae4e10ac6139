//! `lrb lsp`, driven through its message channel as an editor would: one test per feature,
//! on a copy of the shipped runbooks.

use crate::common::root;
use crate::lsp_client::{self as client, Client, find};
use serde_json::{Value, json};

fn shipped(name: &str) -> String {
    std::fs::read_to_string(root().join("runbooks").join(name)).unwrap()
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

const TEXT: &str = r#"target :api, http: env("API_URL", "http://127.0.0.1:3000"), timeout: 5s
target :host, shell: "."

param :zone, default: "eu", description: "where"

runbook :scratch do
  title "Scratch"

  check :live, "liveness" do
    api.get "/health/live", status: 200
  end

  check :disk, "disk" do
    host.run "df -h"
  end

  when failed(:live) do
    mitigate "Restart" do
      host.run "systemctl restart api-#{zone}"
    end
    see :api_outage
  end

  confirm within: 1m, every: 5s do
    api.get "/health/live"
  end
end
"#;

#[test]
fn initialize_announces_the_features_and_shutdown_then_exit_ends_cleanly() {
    let client = Client::start(0);
    let caps = &client.init_result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"], 2, "incremental sync");
    for feature in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
        "codeActionProvider",
        "completionProvider",
    ] {
        assert!(!caps[feature].is_null(), "{feature} missing");
    }
    assert!(client.shutdown(), "a clean end after shutdown");

    let client = Client::start(0);
    assert!(!client.exit(), "exit without shutdown is not a clean end");
}

#[test]
fn diagnostics_on_open_have_codes_utf16_ranges_help_and_the_rule_page() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    // Non-ASCII before the unknown parameter on its line: é is one UTF-16 unit, 🚀 two.
    let text = TEXT.replace("\"/health/live\", status", "\"/é🚀/#{nope}\", status");
    client.open(&uri, &text, 1);
    let found = client.diagnostics(&uri, 1);
    let d = found
        .iter()
        .find(|d| d["code"] == "LRB106")
        .unwrap_or_else(|| panic!("no LRB106 in {found:?}"));
    assert_eq!(d["range"]["start"], find(&text, "nope", 0));
    assert_eq!(d["range"]["end"], find(&text, "nope", 4));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "lrb");
    assert!(d["message"].as_str().unwrap().contains("\nhelp: "), "{d}");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/LRB106.md"),
        "{d}"
    );
    assert!(client.shutdown());
}

#[test]
fn related_locations_point_into_the_document() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    let text = TEXT.replace("  check :disk,", "  check :live,");
    client.open(&uri, &text, 1);
    let found = client.diagnostics(&uri, 1);
    let d = found
        .iter()
        .find(|d| d["code"] == "LRB107")
        .expect("a duplicate check");
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        find(&text, "live", 0)
    );
    assert!(client.shutdown());
}

#[test]
fn a_change_is_checked_and_a_burst_of_changes_gives_one_check_of_the_last_text() {
    let mut client = Client::start(1_000);
    let uri = client.uri("scratch.rb");
    client.open(&uri, TEXT, 1);
    assert!(!codes(&client.diagnostics(&uri, 1)).contains(&"LRB102"));
    for version in 2..=20 {
        let verb = if version == 20 { "gett" } else { "get" };
        client.change(
            &uri,
            &TEXT.replace(
                "api.get \"/health/live\", status",
                &format!("api.{verb} \"/health/live\", status"),
            ),
            version,
        );
    }
    let last = client.diagnostics(&uri, 20);
    assert!(codes(&last).contains(&"LRB102"), "{last:?}");
    let versions: Vec<&Value> = client
        .published(&uri)
        .iter()
        .map(|p| &p["version"])
        .collect();
    assert_eq!(versions, [&json!(1), &json!(20)], "one check for the burst");
    assert!(client.shutdown());
}

#[test]
fn incremental_changes_edit_the_text_in_utf16_positions() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    let text = TEXT.replace("title \"Scratch\"", "title \"Scrätch 🚀\" ; x");
    let text = text.replace(" ; x", "");
    client.open(&uri, &text, 1);
    client.diagnostics(&uri, 1);
    // Replace `api.get` on the liveness line by `api.gett`, addressed in UTF-16.
    let at = find(&text, "get \"/health/live\", status", 3);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": at, "end": at}, "text": "t"}]}),
    );
    let found = client.diagnostics(&uri, 2);
    let d = found
        .iter()
        .find(|d| d["code"] == "LRB102")
        .expect("the edit made `gett`");
    assert_eq!(
        d["range"]["start"],
        find(&text, "get \"/health/live\", status", 0)
    );
    assert!(client.shutdown());
}

#[test]
fn cross_file_findings_use_every_runbook_of_the_directory() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    // A copy in a directory below is not part of the set: no duplicate for it.
    let below = client.path("old");
    std::fs::create_dir(&below).unwrap();
    std::fs::write(below.join("scratch.rb"), TEXT).unwrap();
    client.open(&uri, TEXT, 1);
    assert!(
        !codes(&client.diagnostics(&uri, 1)).contains(&"LRB105"),
        "`see :api_outage` is in a sibling"
    );
    assert!(!codes(&client.diagnostics(&uri, 1)).contains(&"LRB107"));
    client.change(
        &uri,
        &TEXT.replace("see :api_outage", "see :api_outrage"),
        2,
    );
    let found = client.diagnostics(&uri, 2);
    let d = found
        .iter()
        .find(|d| d["code"] == "LRB105")
        .expect("unknown runbook");
    assert!(
        d["message"].as_str().unwrap().contains("api_outage"),
        "did you mean: {d}"
    );
    client.change(
        &uri,
        &TEXT.replace("runbook :scratch", "runbook :queue_backlog"),
        3,
    );
    let found = client.diagnostics(&uri, 3);
    assert!(
        codes(&found).contains(&"LRB107"),
        "the name is taken in queue_backlog.rb: {found:?}"
    );
    assert!(client.shutdown());
}

#[test]
fn hostile_documents_get_diagnostics_and_the_server_goes_on() {
    let mut client = Client::start(0);
    let deep = format!(
        "runbook :x do\n  check :c do\n    api.get {}\n  end\nend\n",
        "[".repeat(100_000)
    );
    let binary: String = (0u8..=255)
        .map(char::from)
        .chain("\u{0}\u{FFFF}\u{1F680}".chars())
        .collect();
    let documents = [
        (
            "unclosed.rb",
            "runbook :x do\n  check :c, \"open (\" do\n    api.get(\"/\", status: [200,\n"
                .to_string(),
        ),
        ("deep.rb", deep),
        (
            "deep_parens.rb",
            format!("{}{}", "(".repeat(100_000), ")".repeat(100_000)),
        ),
        ("binary.rb", binary),
        (
            "ands.rb",
            format!(
                // 100,000 terms, and the runbook's `end` missing.
                "runbook :x do\n  when failed(:c){} do\n  end\n",
                " and failed(:c)".repeat(100_000)
            ),
        ),
    ];
    for (name, text) in &documents {
        let uri = client.uri(name);
        client.open(&uri, text, 1);
        let found = client.diagnostics(&uri, 1);
        assert!(!found.is_empty(), "{name}: no diagnostics");
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ] {
            let answer = client.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 12}}),
            );
            assert!(
                answer.error.is_none(),
                "{name} {method}: {:?}",
                answer.error
            );
        }
        let format = client.request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        assert!(
            format.error.is_some(),
            "{name}: formatting a broken text is refused"
        );
        let symbols = client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert!(symbols.error.is_none());
    }
    assert!(client.shutdown());
}

#[test]
fn formatting_returns_the_canonical_text_and_refuses_text_that_does_not_parse() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    let messy = TEXT.replace("  title \"Scratch\"", "      title    \"Scratch\"");
    client.open(&uri, &messy, 1);
    let answer = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = answer.result.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let expected = lrb::fmt::format(&messy, lrb::source::FileId(0)).unwrap();
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );

    client.change(&uri, &expected, 2);
    let answer = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(answer.result, json!([]), "already canonical");

    client.change(&uri, "runbook :x do\n  title \"open\n", 3);
    let answer = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(answer.error.unwrap().contains("does not parse"));
    assert!(client.shutdown());
}

#[test]
fn document_symbols_outline_runbooks_checks_and_mitigations() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    client.open(&uri, TEXT, 1);
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let top = labels_of(&answer.result);
    assert_eq!(top, ["api", "host", "zone", "scratch"]);
    let runbook = &answer.result[3];
    assert_eq!(labels_of(&runbook["children"]), ["live", "disk", "Restart"]);
    assert_eq!(
        runbook["selectionRange"]["start"],
        find(TEXT, "scratch do", 0)
    );
    assert!(client.shutdown());
}

fn labels_of(symbols: &Value) -> Vec<String> {
    symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn definition_and_references_for_checks_targets_parameters_and_runbooks() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    client.open(&uri, TEXT, 1);
    let definition = |client: &mut Client, at: Value| {
        let answer = client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": at}),
        );
        answer.result[0].clone()
    };
    let check = definition(&mut client, find(TEXT, "failed(:live)", 9));
    assert_eq!(check["uri"], uri.as_str());
    assert_eq!(check["range"]["start"], find(TEXT, "live, \"liveness\"", 0));
    let target = definition(&mut client, find(TEXT, "host.run \"df", 1));
    assert_eq!(target["range"]["start"], find(TEXT, "host, shell", 0));
    let param = definition(&mut client, find(TEXT, "zone}", 1));
    assert_eq!(param["range"]["start"], find(TEXT, "zone, default", 0));
    let runbook = definition(&mut client, find(TEXT, "api_outage", 3));
    assert_eq!(runbook["uri"], client.uri("api_outage.rb").as_str());
    let other = shipped("api_outage.rb");
    assert_eq!(runbook["range"]["start"], find(&other, "api_outage do", 0));

    let answer = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": find(TEXT, "api.get \"/health/live\", status", 1), "context": {"includeDeclaration": true}}),
    );
    let lines: Vec<u64> = answer
        .result
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [0, 9, 24], "the declaration and both uses of `api`");
    assert!(client.shutdown());
}

#[test]
fn definition_of_a_runbook_named_in_another_file_and_its_references_across_files() {
    let mut client = Client::start(0);
    let uri = client.uri("api_outage.rb");
    let text = shipped("api_outage.rb");
    client.open(&uri, &text, 1);
    let answer = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": find(&text, "api_outage do", 2), "context": {"includeDeclaration": false}}),
    );
    let uris: Vec<&str> = answer
        .result
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        uris,
        [client.uri("database_connectivity.rb")],
        "`see :api_outage` there"
    );
    assert!(client.shutdown());
}

fn complete(client: &mut Client, uri: &str, text: &str, at: Value) -> Vec<String> {
    client.change(uri, text, 2);
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    labels(&answer.result)
}

#[test]
fn completion_offers_what_fits_the_cursor() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    client.open(&uri, TEXT, 1);
    let edit = |from: &str, to: &str| TEXT.replacen(from, to, 1);

    let text = edit("api.get \"/health/live\", status: 200", "api.");
    let verbs = complete(&mut client, &uri, &text, find(&text, "api.\n", 4));
    assert_eq!(
        verbs,
        ["get", "head", "post", "put", "patch", "delete"],
        "http verbs only"
    );

    let text = edit("host.run \"df -h\"", "docker.");
    let verbs = complete(&mut client, &uri, &text, find(&text, "docker.\n", 7));
    assert!(
        verbs.contains(&"restart".to_string()) && !verbs.contains(&"get".to_string()),
        "{verbs:?}"
    );

    let text = edit("status: 200", "status: 200, ");
    let kws = complete(&mut client, &uri, &text, find(&text, "status: 200, ", 13));
    assert!(
        kws.contains(&"timeout".to_string()) && kws.contains(&"contains".to_string()),
        "{kws:?}"
    );
    assert!(!kws.contains(&"status".to_string()), "given already");

    let text = edit("failed(:live)", "failed(");
    let checks = complete(&mut client, &uri, &text, find(&text, "failed(", 7));
    assert_eq!(checks, ["live", "disk"]);

    let text = edit("see :api_outage", "see ");
    let runbooks = complete(&mut client, &uri, &text, find(&text, "see \n", 4));
    assert!(
        runbooks.contains(&"deployment_rollback".to_string())
            && runbooks.contains(&"scratch".to_string()),
        "{runbooks:?}"
    );

    let text = edit("api-#{zone}", "api-#{");
    let params = complete(&mut client, &uri, &text, find(&text, "api-#{", 6));
    assert_eq!(params, ["zone"]);

    let text = edit("  title \"Scratch\"", "  # lrb:allow(\n  title \"Scratch\"");
    let rules = complete(&mut client, &uri, &text, find(&text, "lrb:allow(", 10));
    assert!(
        rules.contains(&"LRB303".to_string()) && !rules.contains(&"LRB101".to_string()),
        "{rules:?}"
    );

    let text = edit("  title \"Scratch\"", "  title \"Scratch\"\n  ");
    let statements = complete(&mut client, &uri, &text, find(&text, "Scratch\"\n", 11));
    for s in ["check", "when", "confirm", "symptom"] {
        assert!(statements.contains(&s.to_string()), "{s} in {statements:?}");
    }
    assert!(!statements.contains(&"mitigate".to_string()));

    let text = edit("    see :api_outage", "    see :api_outage\n    ");
    let in_when = complete(&mut client, &uri, &text, find(&text, "api_outage\n", 15));
    assert_eq!(in_when, ["mitigate", "see"]);

    let text = edit(
        "      host.run \"systemctl",
        "      \n      host.run \"systemctl",
    );
    let in_mitigate = complete(
        &mut client,
        &uri,
        &text,
        find(&text, "      \n      host.run \"systemctl", 6),
    );
    assert!(
        in_mitigate.contains(&"api".to_string()) && in_mitigate.contains(&"step".to_string()),
        "{in_mitigate:?}"
    );
    assert!(client.shutdown());
}

fn hover(client: &mut Client, uri: &str, at: Value) -> String {
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    answer.result["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn hover_explains_actions_checks_targets_and_rules() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    let text = TEXT.replace(
        "  title \"Scratch\"",
        "  title \"Scratch\"\n  # lrb:allow(LRB303) informs only",
    );
    client.open(&uri, &text, 1);
    let get = hover(
        &mut client,
        &uri,
        find(&text, "get \"/health/live\", status", 1),
    );
    assert!(
        get.contains("Effect: **read**, decided by the verb"),
        "{get}"
    );
    let run = hover(&mut client, &uri, find(&text, "run \"systemctl", 1));
    assert!(
        run.contains("Effect: **write**, decided by the shell command catalogue"),
        "{run}"
    );
    let check = hover(&mut client, &uri, find(&text, "live, \"liveness\"", 1));
    assert!(check.contains("Value: an integer"), "{check}");
    let target = hover(&mut client, &uri, find(&text, "api, http", 1));
    assert!(
        target.contains("a `http` target") && target.contains("`API_URL`"),
        "{target}"
    );
    let rule = hover(&mut client, &uri, find(&text, "LRB303", 2));
    assert!(rule.contains("unused-check"), "{rule}");
    assert!(client.shutdown());
}

#[test]
fn code_actions_fix_the_name_add_a_timeout_and_allow_with_a_reason() {
    let mut client = Client::start(0);
    let uri = client.uri("scratch.rb");
    let text = TEXT
        .replace(
            "api.get \"/health/live\", status",
            "api.gett \"/health/live\", status",
        )
        .replace(
            "      host.run \"systemctl restart api-#{zone}\"",
            "      host.run \"systemctl restart api-#{zone}\"\n      api.get \"/health/live\"",
        );
    let text = text.replace(
        "target :api, http: env(\"API_URL\", \"http://127.0.0.1:3000\"), timeout: 5s",
        "target :api, http: env(\"API_URL\", \"http://127.0.0.1:3000\")",
    );
    client.open(&uri, &text, 1);
    let found = client.diagnostics(&uri, 1);
    let actions = |client: &mut Client, code: &str| {
        let d = found
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {found:?}"));
        let answer = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        );
        answer.result.as_array().unwrap().clone()
    };
    let fixes = actions(&mut client, "LRB102");
    let edit = &fixes[0]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(fixes[0]["title"], "Change to `get`");
    assert_eq!(edit["newText"], "get");
    let timeouts = actions(&mut client, "LRB408");
    let add = timeouts
        .iter()
        .find(|a| a["title"] == "Add `timeout: 30s`")
        .expect("a timeout fix");
    let edit = &add["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], ", timeout: 30s");
    assert_eq!(
        edit["range"]["start"],
        find(&text, "      api.get \"/health/live\"\n", 28)
    );
    let allow = timeouts
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Allow LRB408"))
        .expect("an allow");
    let edit = &allow["edit"]["changes"][uri.as_str()][0];
    assert_eq!(
        edit["newText"],
        format!(
            "      # lrb:allow(LRB408) {}\n",
            lrb::lsp::REASON_PLACEHOLDER
        )
    );
    assert!(client.shutdown());
}

#[test]
fn requests_after_a_change_answer_from_the_new_text() {
    let mut client = Client::start(10_000);
    let uri = client.uri("scratch.rb");
    client.open(&uri, TEXT, 1);
    // Three lines inserted above: the old position of `failed(:live)` now holds other text.
    let text = format!("# a\n# b\n# c\n{TEXT}");
    client.change(&uri, &text, 2);
    let answer = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": find(&text, "failed(:live)", 9)}),
    );
    assert_eq!(
        answer.result[0]["range"]["start"],
        find(&text, "live, \"liveness\"", 0)
    );
    assert!(client.shutdown());
}

/// `lrb lsp` itself over stdio: the exit status an editor sees.
fn stdio_session(messages: &[Value]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lrb"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for m in messages {
        let body = m.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn the_command_exits_0_after_shutdown_and_exit_and_1_without_shutdown() {
    let initialize =
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
    let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
    let shutdown = json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"});
    let exit = json!({"jsonrpc": "2.0", "method": "exit"});
    let clean = stdio_session(&[
        initialize.clone(),
        initialized.clone(),
        shutdown,
        exit.clone(),
    ]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert!(
        stdout.contains("\"serverInfo\"") && stdout.contains("\"id\":2"),
        "{stdout}"
    );

    let abrupt = stdio_session(&[initialize, initialized, exit]);
    assert_eq!(abrupt.status.code(), Some(1));
}

#[test]
fn every_request_at_every_position_is_answered_without_error() {
    let mut client = Client::start(0);
    // Checked alone (not files), with non-ASCII text; one parses, one is half-typed.
    let parses = TEXT.replace("title \"Scratch\"", "title \"Scrätch 🚀\"");
    let half = parses.replace("status: 200", "status: [200, 2");
    for (uri, text) in [("untitled:parses", &parses), ("untitled:half", &half)] {
        client.open(uri, text, 1);
        for (line, content) in text.lines().enumerate() {
            let width: usize = content.chars().map(char::len_utf16).sum();
            for character in 0..=width + 1 {
                let at = client::pos(line as u32, character as u32);
                let doc = json!({"uri": uri});
                let requests = [
                    (
                        "textDocument/hover",
                        json!({"textDocument": doc, "position": at}),
                    ),
                    (
                        "textDocument/definition",
                        json!({"textDocument": doc, "position": at}),
                    ),
                    (
                        "textDocument/completion",
                        json!({"textDocument": doc, "position": at}),
                    ),
                    (
                        "textDocument/references",
                        json!({"textDocument": doc, "position": at, "context": {"includeDeclaration": true}}),
                    ),
                    (
                        "textDocument/codeAction",
                        json!({"textDocument": doc, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
                    ),
                ];
                for (method, params) in requests {
                    let answer = client.request(method, params);
                    assert!(
                        answer.error.is_none(),
                        "{method} at {at}: {:?}",
                        answer.error
                    );
                }
            }
        }
    }
    assert!(client.shutdown());
}

#[test]
fn an_unsaved_scenario_buffer_is_checked_against_the_runbook_beside_it() {
    let mut client = Client::start(0);
    let uri = client.uri("api_outage.test.rb");
    let saved = std::fs::read_to_string(client.path("api_outage.test.rb")).unwrap();
    let text = saved.replacen("given :port_3000, :failed", "given :port_300, :failed", 1);
    client.open(&uri, &text, 1);
    let found = client.diagnostics(&uri, 1);
    let d = found
        .iter()
        .find(|d| d["code"] == "LRB104")
        .unwrap_or_else(|| panic!("no LRB104 in {found:?}"));
    assert_eq!(d["range"]["start"], find(&text, "port_300,", 0));
    assert!(d["message"].as_str().unwrap().contains("port_3000"), "{d}");
    client.change(&uri, &saved, 2);
    assert_eq!(codes(&client.diagnostics(&uri, 2)), Vec::<&str>::new());
    assert_eq!(
        std::fs::read_to_string(client.path("api_outage.test.rb")).unwrap(),
        saved,
        "the server never writes a file"
    );
}
