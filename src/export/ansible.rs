//! `lrb export ansible`: a playbook that runs the exported bash script on every host of an
//! inventory pattern with `ansible.builtin.script`, in batches, and brings each host's
//! transcript back. Ansible does the fan-out (inventories, `--limit`, `serial`,
//! `max_fail_percentage`, check mode, vaults); the script does the runbook. On the hosts only
//! `raw` and `script` run, so they need SSH, bash and the runbook's CLIs, not Python.
//!
//! The values a run needs reach the script inside it, never on a command line: the controller
//! writes, per host, a private copy of the script whose first lines export them (parameters
//! from `lrb_param_NAME`, secrets from the `lrb_secrets` dict or the controller's
//! environment), and `script` copies that file over SSH.

use crate::export::{ExportError, Meta};
use crate::plan::{Address, Runbook};
use std::fmt::Write;

/// How the rollout goes: which hosts, how many at once, how many may fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    /// The inventory pattern (`all`, `webservers`, `api:&eu`).
    pub hosts: String,
    /// Hosts per batch: `3` or `25%`.
    pub serial: String,
    /// The percentage of a batch's hosts that may end failed before the rollout stops.
    pub max_fail: u8,
}

/// `N` (at least 1) or `N%` (1 to 100): what `serial:` takes.
pub fn parse_serial(text: &str) -> Result<String, String> {
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n, true),
        None => (text, false),
    };
    match number.parse::<u32>() {
        Ok(n) if n >= 1 && (!percent || n <= 100) => Ok(text.to_string()),
        _ => Err(format!(
            "`{text}` is not a batch size: write a number of hosts (`2`) or a percentage (`25%`)"
        )),
    }
}

/// `N%` or `N`, 0 to 100: what `max_fail_percentage:` takes.
pub fn parse_max_fail(text: &str) -> Result<u8, String> {
    match text.strip_suffix('%').unwrap_or(text).parse::<u8>() {
        Ok(n) if n <= 100 => Ok(n),
        _ => Err(format!(
            "`{text}` is not a percentage: write one from `0%` (stop at the first failed host) to `100%`"
        )),
    }
}

/// The file name of the script beside the playbook.
pub fn script_name(rb: &Runbook) -> String {
    format!("{}.sh", rb.id)
}

/// A YAML scalar: JSON's double-quoted strings are YAML's too.
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// One line of the prelude, written as a Jinja expression over several lines of the playbook:
/// it exports `var` when `value` is defined, else the `fallback` when that is not empty.
fn export_line(var: &str, value: &str, fallback: Option<&str>) -> Vec<String> {
    let mut lines = vec![
        format!("{{{{ 'export {var}=' ~ ({value} | string | quote)"),
        format!("   if {value} is defined"),
    ];
    if let Some(other) = fallback {
        lines.push(format!("   else 'export {var}=' ~ ({other} | quote)"));
        lines.push(format!("   if {other} | length > 0"));
    }
    lines.push(format!("   else '# {var}: not set' }}}}"));
    lines
}

/// The first lines of each host's copy of the script: the values of its run, exported.
fn prelude(rb: &Runbook) -> Vec<String> {
    let mut lines = vec![
        "#!/usr/bin/env bash".to_string(),
        "# The values of this host's run, written by the playbook; the runbook's script follows."
            .to_string(),
    ];
    let secrets = "lrb_s";
    for p in &rb.params {
        let env = format!("LRB_PARAM_{}", p.name.to_ascii_uppercase());
        let line = if p.secret {
            export_line(
                &env,
                &format!("{secrets}['{env}']"),
                Some(&format!("lookup('ansible.builtin.env', '{env}')")),
            )
        } else {
            export_line(&env, &format!("lrb_param_{}", p.name), None)
        };
        lines.extend(line);
    }
    for t in &rb.targets {
        match &t.address {
            Address::Secret { name } => lines.extend(export_line(
                name,
                &format!("{secrets}['{name}']"),
                Some(&format!("lookup('ansible.builtin.env', '{name}')")),
            )),
            Address::Env { name, .. } => {
                lines.extend(export_line(name, &format!("lrb_e['{name}']"), None))
            }
            Address::Literal { .. } => {}
        }
    }
    lines
}

/// The playbook for `rb`, with the exported script beside it as [`script_name`].
pub fn playbook(rb: &Runbook, meta: &Meta, rollout: &Rollout) -> Result<String, ExportError> {
    let script = script_name(rb);
    let title = rb.title.as_deref().unwrap_or(&rb.id);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "---\n# Runbook `{id}` on a fleet, exported by `lrb export ansible` from {source}\n\
         # (sha256 {sha}) by lrb {version}.\n\
         # Edit the runbook and export it again rather than this file.\n\
         #\n\
         # Runs {script} (beside this file) on every host with ansible.builtin.script, in batches.\n\
         # Extra vars: lrb_yes=true approves writes, lrb_allow_destructive=true destructive mitigations\n\
         # too (neither in check mode); lrb_param_NAME sets parameter NAME; lrb_secrets is a dict of\n\
         # secrets by environment variable name (keep it in a vault), else the controller's\n\
         # environment gives them; lrb_env sets the hosts' address variables.\n\
         # --check runs the script with --plan: the checks, nothing else. Each host's transcript is\n\
         # written to transcripts/HOST.jsonl beside this file (lrb_transcripts to change it).",
        id = rb.id,
        source = crate::export::bash::comment(&meta.source),
        sha = meta.sha256,
        version = meta.version,
    );
    let serial = match rollout.serial.strip_suffix('%') {
        Some(_) => yaml(&rollout.serial),
        None => rollout.serial.clone(),
    };
    let _ = writeln!(
        s,
        "- name: {name}\n  hosts: {hosts}\n  gather_facts: false\n  serial: {serial}\n  max_fail_percentage: {max_fail}\n  \
         vars:\n    # The script must not take the connection for a terminal: nobody answers there.\n    ansible_ssh_use_tty: false\n    \
         lrb_transcripts: \"{{{{ playbook_dir }}}}/transcripts\"\n    lrb_script: \"{{{{ playbook_dir }}}}/{script}\"\n  tasks:",
        name = yaml(&format!("Runbook {} ({title})", rb.id)),
        hosts = yaml(&rollout.hosts),
        max_fail = rollout.max_fail,
    );
    s.push_str(TASKS_HEAD);
    for line in prelude(rb) {
        let _ = writeln!(s, "              {line}");
    }
    s.push_str("              {{ lookup('ansible.builtin.file', lrb_script) }}\n");
    s.push_str(&TASKS_TAIL.replace("%SCRIPT%", &script));
    Ok(s)
}

/// The tasks up to the prelude of the host's copy of the script.
const TASKS_HEAD: &str = r#"    - name: Make a private directory on the host
      ansible.builtin.raw: mktemp -d "${TMPDIR:-/tmp}/lrb.XXXXXXXX"
      register: lrb_remote
      changed_when: false
      check_mode: false
    - name: Run the runbook and bring its transcript back
      block:
        - name: Make the transcripts directory on the controller
          ansible.builtin.file:
            path: "{{ lrb_transcripts }}"
            state: directory
            mode: "0755"
          delegate_to: localhost
          check_mode: false
        - name: Make a private directory on the controller
          ansible.builtin.tempfile:
            state: directory
            prefix: lrb.
          register: lrb_local
          delegate_to: localhost
          changed_when: false
          check_mode: false
        - name: Write this host's copy of the script, its values first
          ansible.builtin.copy:
            dest: "{{ lrb_local.path }}/{{ lrb_script | basename }}"
            mode: "0700"
            content: |
"#;

/// The tasks after the prelude: run, bring the transcript back, clean up, report.
const TASKS_TAIL: &str = r#"          vars:
            lrb_s: "{{ lrb_secrets | default({}) }}"
            lrb_e: "{{ lrb_env | default({}) }}"
          delegate_to: localhost
          no_log: true
          changed_when: false
          check_mode: false
        - name: Run the runbook (with --plan in check mode)
          ansible.builtin.script:
            cmd: >-
              {{ (lrb_local.path ~ '/' ~ (lrb_script | basename)) | quote }}
              --transcript {{ (lrb_remote.stdout | trim ~ '/transcript.jsonl') | quote }}
              {{ '--plan' if ansible_check_mode else '' }}
              {{ '--yes' if (lrb_yes | default(false) | bool) and not ansible_check_mode else '' }}
              {{ '--allow-destructive' if (lrb_allow_destructive | default(false) | bool) and not ansible_check_mode else '' }}
              </dev/null
          register: lrb_run
          changed_when: false
          failed_when: false
          check_mode: false
        - name: Read the transcript
          ansible.builtin.raw: cat {{ (lrb_remote.stdout | trim ~ '/transcript.jsonl') | quote }}
          register: lrb_transcript
          changed_when: false
          failed_when: false
          check_mode: false
        - name: Save the transcript as transcripts/HOST.jsonl
          ansible.builtin.copy:
            content: "{{ lrb_transcript.stdout }}"
            dest: "{{ lrb_transcripts }}/{{ inventory_hostname }}.jsonl"
            mode: "0644"
          delegate_to: localhost
          check_mode: false
          when: lrb_transcript.rc == 0
      always:
        - name: Remove the private directory on the host
          ansible.builtin.raw: rm -rf {{ lrb_remote.stdout | trim | quote }}
          changed_when: false
          check_mode: false
        - name: Remove this host's copy of the script
          ansible.builtin.file:
            path: "{{ lrb_local.path }}"
            state: absent
          delegate_to: localhost
          check_mode: false
          when: lrb_local.path is defined
    - name: Report the outcome (changed when mitigations ran, failed unless healthy or recovered)
      vars:
        lrb_records: "{{ lrb_transcript.stdout_lines | default([]) | map('from_json') | list }}"
        lrb_outcome: "{{ (lrb_records | selectattr('event', 'equalto', 'end') | map(attribute='outcome') | list + ['no transcript']) | first }}"
        lrb_ran: "{{ lrb_records | selectattr('event', 'equalto', 'approval') | selectattr('answer', 'equalto', 'run') | map(attribute='mitigation') | list }}"
      ansible.builtin.debug:
        msg: "%SCRIPT%: {{ lrb_outcome }} (exit code {{ lrb_run.rc }}); mitigations run: {{ lrb_ran | join(', ') or 'none' }}"
      changed_when: lrb_run.rc == 1 or lrb_ran | length > 0
      failed_when: lrb_run.rc not in [0, 1, 10]
"#;
