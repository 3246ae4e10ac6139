//! End to end with a real editor: headless Neovim (Debian's `neovim`, which `scripts/lab.sh`
//! installs) runs `lrb lsp`, receives a runbook's diagnostics and applies the server's
//! formatting edit. The script is `tests/editors/neovim.lua`.

use crate::common::root;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn neovim_receives_diagnostics_and_applies_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let runbooks = dir.path().join("runbooks");
    std::fs::create_dir(&runbooks).unwrap();
    let root = root();
    let shipped = std::fs::read_to_string(root.join("runbooks/api_outage.rb")).unwrap();
    // One mistake for the checker, one line out of layout for the formatter.
    let text = shipped
        .replacen(
            "    api.get \"/health/live\", status: 200",
            "    api.gett \"/health/live\", status: 200",
            1,
        )
        .replacen(
            "  title \"API Outage\"",
            "        title    \"API Outage\"",
            1,
        );
    assert_ne!(text, shipped);
    let file = runbooks.join("api_outage.rb");
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("received.json");

    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            root.join("tests/editors/neovim.lua").display()
        ))
        .env("LRB", env!("CARGO_BIN_EXE_lrb"))
        .env("RUNBOOK", &file)
        .env("OUT", &out)
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start `nvim` ({e}): install Debian's `neovim` (scripts/lab.sh up does)")
        });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("nvim did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the Neovim script failed: {status}");

    let received: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let diagnostics = received["diagnostics"].as_array().unwrap();
    let verb = diagnostics
        .iter()
        .find(|d| d["code"] == "LRB102")
        .unwrap_or_else(|| panic!("no LRB102 among {diagnostics:?}"));
    let line = text.lines().position(|l| l.contains("api.gett")).unwrap();
    assert_eq!(verb["lnum"], line);
    assert_eq!(verb["col"], 8, "the verb, after `    api.`");
    assert!(
        verb["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/LRB102.md")
    );
    assert!(
        verb["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean `api.get`?")
    );

    let expected = lrb::fmt::format(&text, lrb::source::FileId(0)).unwrap();
    assert_eq!(received["formatted"], expected.as_str());
    assert!(expected.contains("\n  title \"API Outage\"\n"));
}
