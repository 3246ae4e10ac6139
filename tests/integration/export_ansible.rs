//! `lrb export ansible`: the playbooks pass `ansible-playbook --syntax-check` and `ansible-lint`,
//! and the playbook of `tests/fixtures/fleet/fleet.rb` runs over real SSH on the lab's fleet
//! (`scripts/lab.sh up`: three sshd on 127.0.0.11-13, each with its own state directory), each
//! test reading the transcripts the playbook brings back.

use crate::common::{lrb, text};
use crate::lab;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = "tests/fixtures/fleet/fleet.rb";

/// A program of the lab's Ansible venv.
fn ansible(tool: &str) -> Command {
    let path = Path::new(&lab::var("LRB_LAB_ANSIBLE_BIN")).join(tool);
    assert!(
        path.exists(),
        "`{}` is missing: run `scripts/lab.sh up`, which installs Ansible into a venv",
        path.display()
    );
    let mut cmd = Command::new(path);
    cmd.env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_HOST_KEY_CHECKING", "False")
        .env(
            "PATH",
            format!(
                "{}:{}",
                lab::var("LRB_LAB_ANSIBLE_BIN"),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
    cmd
}

/// The fleet's hosts as the inventory names them, with their state directories.
fn hosts() -> Vec<(String, String, PathBuf)> {
    let dir = PathBuf::from(lab::var("LRB_LAB_FLEET_DIR"));
    lab::var("LRB_LAB_FLEET_HOSTS")
        .split_whitespace()
        .map(|addr| {
            let n = addr.rsplit('.').next().unwrap_or_default();
            (
                format!("host{n}"),
                addr.to_string(),
                dir.join(format!("host{n}")),
            )
        })
        .collect()
}

/// What a host's state directory holds: the app's `ready` file, and the spare copy the
/// mitigation restores it from.
fn set_host(dir: &Path, ready: bool, spare: bool) {
    std::fs::create_dir_all(dir.join("spare")).unwrap();
    for (path, want) in [(dir.join("ready"), ready), (dir.join("spare/ready"), spare)] {
        if want {
            std::fs::write(&path, "ready\n").unwrap();
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// An exported playbook in a directory of its own, with an inventory of the lab's fleet.
struct Fleet {
    dir: tempfile::TempDir,
    _lab: lab::Lock,
}

impl Fleet {
    /// Every host healthy, then `faults` applied: (host index, ready, spare).
    fn new(export_args: &[&str], faults: &[(usize, bool, bool)]) -> Fleet {
        let lab = lab::Lock::exclusive();
        let dir = tempfile::tempdir().unwrap();
        let out = lrb()
            .args(["export", "ansible", FIXTURE, "-o"])
            .arg(dir.path())
            .args(export_args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let mut inventory = String::from("[fleet]\n");
        for (i, (name, addr, state)) in hosts().iter().enumerate() {
            inventory.push_str(&format!("{name} ansible_host={addr}\n"));
            let (ready, spare) = faults
                .iter()
                .find(|f| f.0 == i)
                .map_or((true, true), |f| (f.1, f.2));
            set_host(state, ready, spare);
        }
        inventory.push_str(&format!(
            "[fleet:vars]\nansible_port={}\nansible_user=root\nansible_ssh_private_key_file={}\n\
             ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'\n",
            lab::var("LRB_LAB_FLEET_PORT"),
            lab::var("LRB_LAB_SSH_KEY")
        ));
        std::fs::write(dir.path().join("inventory.ini"), inventory).unwrap();
        Fleet { dir, _lab: lab }
    }

    fn play(&self, args: &[&str]) -> Output {
        ansible("ansible-playbook")
            .arg("-i")
            .arg(self.dir.path().join("inventory.ini"))
            .arg(self.dir.path().join("fleet.yml"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Every transcript the playbook brought back, by host, as JSON records.
    fn transcripts(&self) -> BTreeMap<String, Vec<Value>> {
        let dir = self.dir.path().join("transcripts");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return BTreeMap::new();
        };
        entries
            .map(|e| e.unwrap().path())
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                let records = text
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
                    .collect();
                (
                    p.file_stem().unwrap().to_string_lossy().into_owned(),
                    records,
                )
            })
            .collect()
    }

    fn report(&self) -> String {
        let out = lrb()
            .arg("report")
            .arg(self.dir.path().join("transcripts"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        text(&out)
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for (_, _, state) in hosts() {
            set_host(&state, true, true);
        }
    }
}

fn outcome(records: &[Value]) -> String {
    records
        .iter()
        .rev()
        .find(|r| r["event"] == "end")
        .and_then(|r| r["outcome"].as_str())
        .unwrap_or("no end")
        .to_string()
}

fn count(records: &[Value], event: &str) -> usize {
    records.iter().filter(|r| r["event"] == event).count()
}

#[test]
fn the_playbooks_pass_the_syntax_check_and_ansible_lint() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = crate::common::rb_files("runbooks")
        .into_iter()
        .filter(|f| !lrb::scenario::is_scenario_file(f))
        .chain([PathBuf::from(FIXTURE)])
        .collect();
    let mut playbooks = Vec::new();
    for file in &files {
        let out = lrb()
            .args(["export", "ansible"])
            .arg(file)
            .arg("-o")
            .arg(dir.path())
            .args(["--hosts", "web:&eu", "--serial", "25%", "--max-fail", "10%"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", file.display(), text(&out));
        let id = file.file_stem().unwrap().to_string_lossy().into_owned();
        playbooks.push(dir.path().join(format!("{id}.yml")));
    }
    for playbook in &playbooks {
        let out = ansible("ansible-playbook")
            .args(["-i", "localhost,", "--syntax-check"])
            .arg(playbook)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            playbook.display(),
            text(&out)
        );
    }
    let out = ansible("ansible-lint")
        .arg("--nocolor")
        .args(&playbooks)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "ansible-lint: {}", text(&out));
    let play = std::fs::read_to_string(&playbooks[playbooks.len() - 1]).unwrap();
    assert!(play.contains("  hosts: \"web:&eu\"\n  gather_facts: false\n  serial: \"25%\"\n  max_fail_percentage: 10\n"));
}

#[test]
fn live_a_healthy_fleet_runs_no_mitigation() {
    let fleet = Fleet::new(&[], &[]);
    let out = fleet.play(&["-e", "lrb_yes=true"]);
    assert!(out.status.success(), "{}", text(&out));
    let transcripts = fleet.transcripts();
    assert_eq!(transcripts.len(), 3, "{transcripts:?}");
    for (host, records) in &transcripts {
        assert_eq!(outcome(records), "healthy", "{host}");
        assert_eq!(count(records, "action"), 0, "{host}");
    }
    let report = fleet.report();
    assert_eq!(
        report
            .matches("| healthy (exit code 0) | none | - |")
            .count(),
        3,
        "{report}"
    );
}

#[test]
fn live_one_faulty_host_gets_the_mitigation_and_only_it() {
    let fleet = Fleet::new(&[], &[(1, false, true)]);
    let out = fleet.play(&["-e", "lrb_yes=true"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let transcripts = fleet.transcripts();
    assert_eq!(transcripts.len(), 3, "{transcripts:?}");
    for (host, records) in &transcripts {
        if host == "host12" {
            assert_eq!(outcome(records), "recovered", "{records:?}");
            assert_eq!(count(records, "action"), 1, "{records:?}");
        } else {
            assert_eq!(outcome(records), "healthy", "{host}");
            assert_eq!(count(records, "action"), 0, "{host}");
        }
    }
    assert!(
        hosts()[1].2.join("ready").exists(),
        "the mitigation did not restore the file"
    );
    assert!(
        shown.contains(
            "fleet.sh: recovered (exit code 10); mitigations run: Restore the ready file"
        ),
        "{shown}"
    );
    let recap = shown
        .lines()
        .find(|l| l.starts_with("host12 "))
        .unwrap_or_default();
    assert!(recap.contains("failed=0"), "{recap}");
    let report = fleet.report();
    assert!(
        report.contains("| host12 | recovered (exit code 10) | `Restore the ready file` |"),
        "{report}"
    );
}

#[test]
fn live_check_mode_runs_the_checks_and_changes_nothing() {
    let fleet = Fleet::new(&[], &[(1, false, true)]);
    // Even with lrb_yes set, check mode passes --plan and never --yes.
    let out = fleet.play(&["--check", "-e", "lrb_yes=true"]);
    assert!(out.status.success(), "{}", text(&out));
    let transcripts = fleet.transcripts();
    assert_eq!(transcripts.len(), 3, "{transcripts:?}");
    assert_eq!(outcome(&transcripts["host12"]), "planned");
    for (host, records) in &transcripts {
        assert_eq!(
            count(records, "action") + count(records, "approval"),
            0,
            "{host}"
        );
        let start = &records[0];
        assert_eq!(start["yes"], false, "{host}");
        assert!(
            start["command_line"].to_string().contains("--plan"),
            "{host}"
        );
    }
    assert!(
        !hosts()[1].2.join("ready").exists(),
        "check mode changed a host"
    );
}

#[test]
fn live_max_fail_zero_stops_after_the_first_unrecovered_host() {
    let fleet = Fleet::new(&["--serial", "1", "--max-fail", "0%"], &[(1, false, false)]);
    let out = fleet.play(&["-e", "lrb_yes=true"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    let transcripts = fleet.transcripts();
    assert_eq!(
        transcripts.keys().collect::<Vec<_>>(),
        ["host11", "host12"],
        "the rollout went on past host12:\n{shown}"
    );
    assert_eq!(outcome(&transcripts["host11"]), "healthy");
    assert_eq!(outcome(&transcripts["host12"]), "not recovered");
    let report = fleet.report();
    assert!(
        report.contains("| host12 | not recovered (exit code 11) | `Restore the ready file` | - |"),
        "{report}"
    );
}
